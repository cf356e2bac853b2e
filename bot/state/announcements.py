"""Subscriptions, announcements and their per-recipient deliveries (the broadcast outbox).

Every broadcast gets one `deliveries` row per recipient, written before it is marked as sending;
the sender records each outcome as soon as Telegram answers, so after a crash the rows still
`pending` are exactly the ones to send (at most the few in flight may go twice). Tables:
bot/state/schema.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from bot.announce.model import Announcement, Content, Counts, Status
from bot.state.deliveries import Deliveries
from bot.state.engine import Database, Row
from bot.state.subscriptions import _iso, _now

_COLUMNS = (
    "id, topic, text, media_kind, media_id, author_id, author_name, status, created_at, send_at, "
    "approved_by, started_at, finished_at, progress_chat, progress_message"
)


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


class AnnouncementStore(Deliveries):
    """SQL for subscriptions and broadcasts, on the state database's connection."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- announcements -------------------------------------------------------------------------
    async def create(
        self,
        topic: str,
        content: Content,
        author_id: int,
        author_name: str,
        *,
        status: Status,
        send_at: dt.datetime | None = None,
    ) -> int:
        row = await self._db.fetchone(
            "INSERT INTO announcements (topic, text, media_kind, media_id, author_id, author_name, status, "
            "created_at, send_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                topic,
                content.text,
                content.media_kind,
                content.media_id,
                author_id,
                author_name,
                str(status),
                _now(),
                _iso(send_at) if send_at else None,
            ),
        )
        assert row is not None
        return int(row[0])

    async def get(self, announcement_id: int) -> Announcement | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM announcements WHERE id = ?", (announcement_id,))
        return await self._announcement(row) if row else None

    async def status(self, announcement_id: int) -> Status | None:
        """Just the state (cheap: the sender asks every second)."""
        row = await self._db.fetchone("SELECT status FROM announcements WHERE id = ?", (announcement_id,))
        return Status(row[0]) if row else None

    async def _announcement(self, row: Row, counts: bool = True) -> Announcement:
        (
            ident,
            topic,
            text,
            media_kind,
            media_id,
            author_id,
            author_name,
            status,
            created_at,
            send_at,
            approved_by,
            started_at,
            finished_at,
            progress_chat,
            progress_message,
        ) = row
        return Announcement(
            ident,
            topic,
            Content(text, media_kind, media_id),
            author_id,
            author_name,
            Status(status),
            dt.datetime.fromisoformat(created_at),
            _time(send_at),
            approved_by,
            _time(started_at),
            _time(finished_at),
            progress_chat,
            progress_message,
            await self.counts(ident) if counts else Counts(),
        )

    async def update(self, announcement_id: int, source: Iterable[Status], target: Status, **values: object) -> bool:
        """Move an announcement from one of `source` to `target` (with column values); False if it
        was no longer in one of `source` (another official, process or press got there first)."""
        allowed = {
            "topic",
            "send_at",
            "approved_by",
            "approval_asked",
            "progress_chat",
            "progress_message",
            "finished_at",
        }
        if not set(values) <= allowed:
            raise ValueError(f"not updatable: {sorted(set(values) - allowed)}")
        fields = {key: _iso(v) if isinstance(v, dt.datetime) else v for key, v in values.items()}
        sources = [str(s) for s in source]
        assignments = ", ".join(["status = ?", *(f"{key} = ?" for key in fields)])
        changed = await self._db.execute(
            f"UPDATE announcements SET {assignments} WHERE id = ? AND status IN ({', '.join('?' * len(sources))})",
            (str(target), *fields.values(), announcement_id, *sources),
        )
        return changed == 1

    async def set_progress(self, announcement_id: int, chat_id: int, message_id: int) -> None:
        await self._db.execute(
            "UPDATE announcements SET progress_chat = ?, progress_message = ? WHERE id = ?",
            (chat_id, message_id, announcement_id),
        )

    async def start(self, announcement_id: int) -> bool:
        """Fix the recipients (reachable subscribers of the topic, one row each), then mark the
        announcement as sending. False if it was not scheduled. The connection is shared, so
        another coroutine may commit between the two statements: in this order a crash there
        leaves it scheduled with its rows, and the next start adds nothing twice (ON CONFLICT DO NOTHING)."""
        await self._db.execute(
            "INSERT INTO deliveries (announcement_id, chat_id) "
            "SELECT a.id, s.chat_id FROM announcements a JOIN subscriptions s ON s.topic = a.topic "
            "LEFT JOIN chats c ON c.chat_id = s.chat_id "
            "WHERE a.id = ? AND a.status = 'scheduled' AND coalesce(c.active, 1) = 1 ON CONFLICT DO NOTHING",
            (announcement_id,),
        )
        changed = await self._db.execute(
            "UPDATE announcements SET status = 'sending', started_at = ? WHERE id = ? AND status = 'scheduled'",
            (_now(), announcement_id),
        )
        return changed == 1

    async def with_status(self, *statuses: Status) -> list[Announcement]:
        """Announcements in these states, oldest first."""
        marks = ", ".join("?" * len(statuses))
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM announcements WHERE status IN ({marks}) ORDER BY id", [str(s) for s in statuses]
        )
        return [await self._announcement(row) for row in rows]

    async def due(self, now: dt.datetime) -> list[int]:
        """Scheduled announcements whose time has come."""
        rows = await self._db.fetchall(
            "SELECT id FROM announcements WHERE status = 'scheduled' AND send_at <= ? ORDER BY send_at, id",
            (_iso(now),),
        )
        return [int(row[0]) for row in rows]

    async def approval_to_ask(self) -> list[Announcement]:
        """Announcements awaiting approval whose approvers have not been asked yet."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM announcements WHERE status = 'awaiting_approval' AND approval_asked = 0"
        )
        return [await self._announcement(row) for row in rows]

    async def published(self, offset: int, limit: int) -> tuple[list[Announcement], int]:
        """Sent (or sending) announcements, newest first, and how many there are in all."""
        row = await self._db.fetchone("SELECT count(*) FROM announcements WHERE status IN ('sending', 'done')")
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM announcements WHERE status IN ('sending', 'done') "
            "ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [await self._announcement(r, counts=False) for r in rows], int(row[0]) if row else 0

    async def recent(self, limit: int = 50) -> list[Announcement]:
        rows = await self._db.fetchall(f"SELECT {_COLUMNS} FROM announcements ORDER BY id DESC LIMIT ?", (limit,))
        return [await self._announcement(row) for row in rows]

    # -- deliveries ------------------------------------------------------------------------------

    async def counts(self, announcement_id: int) -> Counts:
        rows = await self._db.fetchall(
            "SELECT status, count(*) FROM deliveries WHERE announcement_id = ? GROUP BY status", (announcement_id,)
        )
        by_status = {str(status): int(n) for status, n in rows}
        if not by_status:  # past retention the rows are gone and the counts kept in `summary`
            row = await self._db.fetchone("SELECT summary FROM announcements WHERE id = ?", (announcement_id,))
            if row and row[0]:
                return Counts(*(int(n) for n in str(row[0]).split(",")))
        return Counts(
            sum(by_status.values()),
            by_status.get("sent", 0),
            by_status.get("blocked", 0),
            by_status.get("failed", 0),
            by_status.get("cancelled", 0),
        )

    async def forget_before(self, cutoff: dt.datetime) -> int:
        """Retention: the per-recipient rows (chat ids) of announcements finished before `cutoff`,
        keeping their counts, and refusals older than it. How many rows went."""
        # Also those with a summary but rows left (a crash between the two autocommitted statements).
        rows = await self._db.fetchall(
            "SELECT id FROM announcements WHERE finished_at < ? AND (summary IS NULL OR EXISTS "
            "(SELECT 1 FROM deliveries d WHERE d.announcement_id = announcements.id))",
            (_iso(cutoff),),
        )
        finished = [int(row[0]) for row in rows]
        deleted = 0
        for announcement_id in finished:
            c = await self.counts(announcement_id)
            await self._db.execute(
                "UPDATE announcements SET summary = ? WHERE id = ?",
                (f"{c.total},{c.sent},{c.blocked},{c.failed},{c.cancelled}", announcement_id),
            )
            deleted += await self._db.execute("DELETE FROM deliveries WHERE announcement_id = ?", (announcement_id,))
        return deleted + await self._db.execute("DELETE FROM refusals WHERE refused_at < ?", (_iso(cutoff),))

    async def cancel(self, announcement_id: int) -> bool:
        """Stop an announcement that has not finished; its unsent deliveries are cancelled first
        (so a crash in between never leaves a cancelled announcement with rows still to send)."""
        open_states = "('draft', 'awaiting_approval', 'scheduled', 'sending')"
        await self._db.execute(
            "UPDATE deliveries SET status = 'cancelled', done_at = ? WHERE announcement_id = ? AND status = 'pending' "
            f"AND EXISTS (SELECT 1 FROM announcements WHERE id = ? AND status IN {open_states})",
            (_now(), announcement_id, announcement_id),
        )
        changed = await self._db.execute(
            f"UPDATE announcements SET status = 'cancelled', finished_at = ? WHERE id = ? AND status IN {open_states}",
            (_now(), announcement_id),
        )
        return changed == 1

    async def finish(self, announcement_id: int) -> bool:
        """Mark a sending announcement done when nothing is pending any more."""
        changed = await self._db.execute(
            "UPDATE announcements SET status = 'done', finished_at = ? WHERE id = ? AND status = 'sending' "
            "AND NOT EXISTS (SELECT 1 FROM deliveries WHERE announcement_id = ? AND status = 'pending')",
            (_now(), announcement_id, announcement_id),
        )
        return changed == 1
