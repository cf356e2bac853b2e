"""Callback data of the inline buttons built from FAQ ids, in one place: the conversation builds its
buttons with these functions, and `faq check` refuses an id whose buttons Telegram would reject
(callback data is at most 64 bytes; a longer one makes Telegram refuse the whole message).

    e:<entry id>            show an answer
    f:<entry id>:<1|0>      feedback on an answer
    c:<category id>:<page>  a topic's questions, one page
"""

from __future__ import annotations

import math

LIMIT = 64  # bytes of callback_data Telegram accepts
PAGE_SIZE = 6  # questions per page of a topic


def show_entry(entry_id: str) -> str:
    """The button that shows an entry's answer."""
    return f"e:{entry_id}"


def feedback(entry_id: str, helpful: bool) -> str:
    """A 👍 (helpful) or 👎 button under an answer."""
    return f"f:{entry_id}:{1 if helpful else 0}"


def category_page(category_id: str, page: int) -> str:
    """The button that shows one page of a topic's questions."""
    return f"c:{category_id}:{page}"


def pages(count: int) -> int:
    """How many pages a topic of `count` entries has."""
    return max(1, math.ceil(count / PAGE_SIZE))


def longest_for_entry(entry_id: str) -> int:
    """Bytes of the longest callback data built from an entry id."""
    data = (show_entry(entry_id), feedback(entry_id, True), feedback(entry_id, False))
    return max(len(item.encode("utf-8")) for item in data)


def longest_for_category(category_id: str, count: int) -> int:
    """Bytes of the longest callback data built from a category id, for a topic of `count` entries
    (the last page has the most digits)."""
    return max(len(category_page(category_id, page).encode("utf-8")) for page in (1, pages(count)))
