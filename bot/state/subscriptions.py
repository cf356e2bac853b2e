"""Citizens' subscriptions to announcement topics and whether their chat is reachable.

Part of `AnnouncementStore` (bot/state/announcements.py), on the same connection. Tables:
bot/state/schema.py (`chats`, `subscriptions`, `refusals`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from bot.state.engine import Database


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def _now() -> str:
    return _iso(dt.datetime.now(dt.UTC))


class Subscriptions:
    """Who follows which topic, and which chats can be reached."""

    _db: Database

    # -- citizens ----------------------------------------------------------------------------

    async def subscribe(self, chat_id: int, topics: Iterable[str]) -> None:
        """Subscribe a chat to topics (again is harmless) and mark it reachable."""
        now = _now()
        await self._db.executemany(
            "INSERT INTO subscriptions (chat_id, topic, subscribed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [(chat_id, topic, now) for topic in topics],
        )
        await self._set_active(chat_id, True, now)

    async def unsubscribe(self, chat_id: int, topic: str | None = None) -> int:
        """End one topic's subscription, or all of the chat's; how many ended."""
        if topic is None:
            return await self._db.execute("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
        return await self._db.execute("DELETE FROM subscriptions WHERE chat_id = ? AND topic = ?", (chat_id, topic))

    async def topics_of(self, chat_id: int) -> set[str]:
        return {
            str(row[0])
            for row in await self._db.fetchall("SELECT topic FROM subscriptions WHERE chat_id = ?", (chat_id,))
        }

    async def _set_active(self, chat_id: int, active: bool, now: str) -> None:
        await self._db.execute(
            "INSERT INTO chats (chat_id, active, changed_at) VALUES (?, ?, ?) ON CONFLICT (chat_id) DO UPDATE "
            "SET active = excluded.active, changed_at = excluded.changed_at WHERE chats.active != excluded.active",
            (chat_id, int(active), now),
        )

    async def reactivate(self, chat_id: int) -> None:
        """The citizen wrote to the bot: a chat marked blocked is reachable again."""
        await self._db.execute(
            "UPDATE chats SET active = 1, changed_at = ? WHERE chat_id = ? AND active = 0", (_now(), chat_id)
        )

    async def is_active(self, chat_id: int) -> bool:
        row = await self._db.fetchone("SELECT active FROM chats WHERE chat_id = ?", (chat_id,))
        return bool(row[0]) if row else True

    async def audience(self, topic: str) -> int:
        """Reachable subscribers of a topic."""
        row = await self._db.fetchone(
            "SELECT count(*) FROM subscriptions s LEFT JOIN chats c ON c.chat_id = s.chat_id "
            "WHERE s.topic = ? AND coalesce(c.active, 1) = 1",
            (topic,),
        )
        return int(row[0]) if row else 0

    async def record_refusal(self, user_key: str, action: str) -> None:
        """Someone who is not an official tried an official's action."""
        await self._db.execute(
            "INSERT INTO refusals (refused_at, user_key, action) VALUES (?, ?, ?)", (_now(), user_key, action)
        )
