"""Claims on Telegram's update ids, so that instances behind one webhook address answer each
update once.

Telegram sends an update again when it got no 200 for it, and a load balancer may send that retry
to another instance. Before an instance handles an update it claims the update's id here (one
atomic INSERT ... ON CONFLICT on both engines); it answers 200 only once the update was handled
and its claim marked done. The other instance, or the same one, given the same update then finds:

- the claim done: 200 at once, nothing handled again;
- the claim held and younger than `stale_seconds`: "busy", Telegram is asked to retry later;
- the claim held but older than `stale_seconds` (its instance died mid-update): taken over.

Rows are kept `KEEP_DAYS` (Telegram gives up on an update within a day), then pruned by the
retention job. Nothing here identifies a citizen: an update id is a counter.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
import time
from enum import Enum

from bot.state.engine import Database

KEEP_DAYS = 2  # claims older than this are deleted by the retention job


class Claim(Enum):
    MINE = "mine"  # handle it, then `finish`
    DONE = "done"  # already handled (here or by another instance): answer 200
    BUSY = "busy"  # another live claim: ask Telegram to retry later


def holder_id() -> str:
    """Who claims, unique per process start: host:pid:random."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


class UpdateClaims:
    """The `update_claims` table: (bot_id, update_id) -> holder, claimed_at (Unix time), done."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(self, bot_id: int, update_id: int, holder: str, stale_seconds: float) -> Claim:
        """Claim an update for `holder`, taking over a claim not done within `stale_seconds`."""
        now = time.time()
        row = await self._db.fetchone(
            "INSERT INTO update_claims (bot_id, update_id, holder, claimed_at, done) VALUES (?, ?, ?, ?, 0) "
            "ON CONFLICT (bot_id, update_id) DO UPDATE SET holder = excluded.holder, claimed_at = excluded.claimed_at "
            "WHERE update_claims.done = 0 AND update_claims.claimed_at < ? RETURNING holder",
            (bot_id, update_id, holder, now, now - stale_seconds),
        )
        if row is not None:
            return Claim.MINE
        row = await self._db.fetchone(
            "SELECT done FROM update_claims WHERE bot_id = ? AND update_id = ?", (bot_id, update_id)
        )
        return Claim.DONE if row is not None and row[0] else Claim.BUSY

    async def finish(self, bot_id: int, update_id: int, holder: str) -> bool:
        """The update was handled: later copies of it are answered 200 without handling.
        False when the claim was taken over meanwhile (this instance was too slow)."""
        changed = await self._db.execute(
            "UPDATE update_claims SET done = 1 WHERE bot_id = ? AND update_id = ? AND holder = ?",
            (bot_id, update_id, holder),
        )
        return changed > 0

    async def release(self, bot_id: int, update_id: int, holder: str) -> None:
        """Give a claim up without handling the update (so Telegram's retry is taken at once)."""
        await self._db.execute(
            "DELETE FROM update_claims WHERE bot_id = ? AND update_id = ? AND holder = ? AND done = 0",
            (bot_id, update_id, holder),
        )

    async def forget_before(self, cutoff: dt.datetime) -> int:
        """Delete claims made before `cutoff`; how many."""
        return await self._db.execute("DELETE FROM update_claims WHERE claimed_at < ?", (cutoff.timestamp(),))
