"""The size check of the inline buttons built from FAQ ids: `faq check` refuses an id whose
buttons Telegram would reject (callback data is at most 64 bytes; a longer one makes Telegram
refuse the whole message). The data itself is built by bot/actions.py (FaqAction), the same
functions the conversation uses, so the check measures the real buttons."""

from __future__ import annotations

import math

from bot.actions import FaqAction

LIMIT = 64  # bytes of callback_data Telegram accepts
PAGE_SIZE = 6  # questions per page of a topic


def pages(count: int) -> int:
    """How many pages a topic of `count` entries has."""
    return max(1, math.ceil(count / PAGE_SIZE))


def longest_for_entry(entry_id: str) -> int:
    """Bytes of the longest callback data built from an entry id."""
    data = (FaqAction.show(entry_id), FaqAction.vote(entry_id, True), FaqAction.vote(entry_id, False))
    return max(len(item.encode("utf-8")) for item in data)


def longest_for_category(category_id: str, count: int) -> int:
    """Bytes of the longest callback data built from a category id, for a topic of `count` entries
    (the last page has the most digits)."""
    return max(len(FaqAction.topic(category_id, page).encode("utf-8")) for page in (1, pages(count)))
