"""The citizen's dialogues, free of Telegram: the FAQ (faq.py), the menu screens (menu.py) and the
language preference (preferences.py). bot/conversation.py routes events to them, to the case
lookup and to the announcement board."""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot.config import AgencySettings


@dataclass(frozen=True)
class User:
    """Who is talking: an id (never stored in clear) and the client's language code."""

    id: int
    language_code: str | None = None


def escaped(agency: AgencySettings) -> dict[str, str]:
    """The agency's details (placeholders until filled in), escaped for Telegram HTML."""
    return {key: html.escape(value) for key, value in agency.placeholders().items()}
