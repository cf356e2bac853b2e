"""The citizen's language: the choice stored in the state database, with the recent users'
choices kept in memory (a small LRU) so a message does not wait on the database. On PostgreSQL
several instances share the state and a choice made on one must be seen by the others at the
citizen's next message: there a remembered choice is trusted for `_FRESH_SECONDS` only (the
several look-ups of one message), then read again."""

from __future__ import annotations

import time
from collections import OrderedDict

from bot.dialogue import User
from bot.state import StateStore
from bot.texts import Texts, texts_for

_LANGUAGE_CACHE = 10_000  # users whose language choice is kept in memory
_FRESH_SECONDS = 2.0  # on PostgreSQL: how long a remembered choice is trusted


class Preferences:
    """Each user's language: chosen, else English for English clients, else Vietnamese."""

    def __init__(self, state: StateStore) -> None:
        self.state = state
        # recent users' choices from the state DB, and when they were read
        self._chosen: OrderedDict[int, tuple[str | None, float]] = OrderedDict()
        self._fresh = float("inf") if state.dialect == "sqlite" else _FRESH_SECONDS  # SQLite: one instance

    async def language(self, user: User) -> str:
        """The user's chosen language, else English for English clients, else Vietnamese."""
        remembered = self._chosen.get(user.id)
        if remembered is not None and time.monotonic() - remembered[1] < self._fresh:
            self._chosen.move_to_end(user.id)
            chosen = remembered[0]
        else:
            chosen = await self.state.language(user.id)
            self._remember(user.id, chosen)
        if chosen:
            return chosen
        return "en" if (user.language_code or "").lower().startswith("en") else "vi"

    async def english(self, user: User) -> bool:
        return await self.language(user) == "en"

    async def texts(self, user: User) -> Texts:
        return texts_for(await self.language(user))

    async def choose(self, user: User, language: str) -> str:
        """Store the choice ("en..." is English, anything else Vietnamese); the language chosen."""
        language = "en" if language.lower().startswith("en") else "vi"
        await self.state.set_language(user.id, language)
        self._remember(user.id, language)
        return language

    def _remember(self, user_id: int, language: str | None) -> None:
        self._chosen[user_id] = (language, time.monotonic())
        self._chosen.move_to_end(user_id)
        if len(self._chosen) > _LANGUAGE_CACHE:
            self._chosen.popitem(last=False)
