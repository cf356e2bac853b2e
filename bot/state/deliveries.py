"""The broadcast outbox's per-recipient rows (`deliveries`): which are due, who is sending them,
and how each went. Part of `AnnouncementStore` (bot/state/announcements.py), on the same connection.

Claims: a sender takes due rows with `claim` (its holder id and the time go in `claimed_by` /
`claimed_at`) before sending them, and `record` clears its claim with the outcome. Only the
holder of the leader lease may claim (checked in the same statement), and it may take rows
another holder claimed: that holder lost the lease, so it is dead or has stopped sending, and
what it had in flight is sent again (the documented duplicate bound: the sender's concurrency).
On PostgreSQL the rows are locked with FOR UPDATE SKIP LOCKED, so concurrent claims never wait
for each other nor take the same row.
"""

from __future__ import annotations

from bot.announce.model import Delivery
from bot.state.lease import NOW
from bot.state.subscriptions import Subscriptions, _now

_SKIP_LOCKED = {"sqlite": "", "postgresql": "FOR UPDATE SKIP LOCKED"}


class Deliveries(Subscriptions):
    """SQL for the `deliveries` rows of broadcasts."""

    async def pending(self, announcement_id: int, now: float, limit: int) -> list[tuple[int, int]]:
        """Up to `limit` (chat_id, attempts) due for sending (next_at is a Unix time)."""
        rows = await self._db.fetchall(
            "SELECT chat_id, attempts FROM deliveries WHERE announcement_id = ? AND status = 'pending' "
            "AND next_at <= ? ORDER BY next_at, chat_id LIMIT ?",
            (announcement_id, now, limit),
        )
        return [(int(a), int(b)) for a, b in rows]

    async def claim(
        self, announcement_id: int, now: float, limit: int, *, holder: str, lease: str | None, stale: float
    ) -> list[tuple[int, int]]:
        """Claim up to `limit` rows due for sending (next_at <= `now`, a Unix time) for `holder`;
        their (chat_id, attempts), due first. Rows free, claimed by another holder, or claimed by
        `holder` more than `stale` seconds ago (its outcome was never recorded) are taken.
        With `lease`, nothing is claimed unless `holder` holds that lease now."""
        clock = NOW[self._db.dialect]
        lease_check = f"EXISTS (SELECT 1 FROM leases WHERE name = ? AND holder = ? AND expires_at > {clock})"
        rows = await self._db.fetchall(
            "WITH picked AS MATERIALIZED (SELECT chat_id FROM deliveries WHERE announcement_id = ? "
            "AND status = 'pending' AND next_at <= ? "
            f"AND (claimed_by IS NULL OR claimed_by <> ? OR claimed_at < {clock} - ?) "
            f"ORDER BY next_at, chat_id LIMIT ? {_SKIP_LOCKED[self._db.dialect]}) "
            f"UPDATE deliveries SET claimed_by = ?, claimed_at = {clock} "
            "WHERE announcement_id = ? AND status = 'pending' "
            f"AND chat_id IN (SELECT chat_id FROM picked) AND {lease_check if lease else '1 = 1'} "
            "RETURNING chat_id, attempts, next_at",
            (announcement_id, now, holder, stale, limit, holder, announcement_id, *((lease, holder) if lease else ())),
        )
        return [(int(chat), int(attempts)) for chat, attempts, _ in sorted(rows, key=lambda row: (row[2], row[0]))]

    async def release_claims(self, holder: str) -> int:
        """Free the rows `holder` claimed and did not send (a clean stop): the next leader takes them at once."""
        return await self._db.execute(
            "UPDATE deliveries SET claimed_by = NULL, claimed_at = NULL WHERE claimed_by = ? AND status = 'pending'",
            (holder,),
        )

    async def next_retry(self, announcement_id: int) -> float | None:
        """When the earliest pending delivery is due (Unix time), or None when none is pending."""
        row = await self._db.fetchone(
            "SELECT min(next_at) FROM deliveries WHERE announcement_id = ? AND status = 'pending'", (announcement_id,)
        )
        return float(row[0]) if row and row[0] is not None else None

    async def record(
        self,
        announcement_id: int,
        chat_id: int,
        status: Delivery,
        *,
        attempts: int,
        next_at: float = 0.0,
        message_id: int | None = None,
        holder: str | None = None,
    ) -> None:
        """One recipient's outcome, committed at once (this is the crash-safety window); `holder`'s
        claim on the row ends (another holder's claim stays)."""
        done = None if status == Delivery.PENDING else _now()
        # A message Telegram accepted counts as sent even if the announcement was cancelled meanwhile.
        current = "('pending', 'cancelled')" if status == Delivery.SENT else "('pending')"
        await self._db.execute(
            "UPDATE deliveries SET status = ?, attempts = ?, next_at = ?, message_id = ?, done_at = ?, "
            "claimed_by = CASE WHEN claimed_by = ? THEN NULL ELSE claimed_by END, "
            "claimed_at = CASE WHEN claimed_by = ? THEN NULL ELSE claimed_at END "
            f"WHERE announcement_id = ? AND chat_id = ? AND status IN {current}",
            (str(status), attempts, next_at, message_id, done, holder, holder, announcement_id, chat_id),
        )
        if status == Delivery.BLOCKED:
            await self._set_active(chat_id, False, _now())
