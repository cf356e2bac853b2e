"""The per-citizen flood throttle shared by every instance (PostgreSQL only).

The same token bucket as bot/throttle.py (`burst` at once, then `per_minute`; the first message
over the limit is answered "slow down" once, until the bucket is full again), kept in one row per
sender and moved by ONE atomic upsert per update, timed by the database's clock (instances'
clocks may differ). Keyed by the sender's pseudonym (HMAC), never the Telegram id. On SQLite (one
instance) the in-memory throttle is used instead: no write per update.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.state.engine import Database
from bot.throttle import Verdict

_NOW = "EXTRACT(EPOCH FROM clock_timestamp())"
_REFILLED = f"LEAST(?, floods.tokens + ({_NOW} - floods.at) * ?)"
_ADMIT = f"""
INSERT INTO floods (sender_key, tokens, at, warned, verdict) VALUES (?, ? - 1, {_NOW}, 0, 'admit')
ON CONFLICT (sender_key) DO UPDATE SET
    tokens = CASE WHEN {_REFILLED} >= 1 THEN {_REFILLED} - 1 ELSE {_REFILLED} END,
    warned = CASE WHEN {_REFILLED} >= ? THEN 0 WHEN {_REFILLED} >= 1 THEN floods.warned ELSE 1 END,
    verdict = CASE WHEN {_REFILLED} >= 1 THEN 'admit' WHEN floods.warned = 1 THEN 'drop' ELSE 'warn' END,
    at = {_NOW}
RETURNING verdict
"""


class SharedThrottle:
    """The `floods` table: sender_key -> tokens, at (Unix time), warned, last verdict."""

    def __init__(self, db: Database, user_key: Callable[[int], str]) -> None:
        self._db = db
        self._user_key = user_key

    @property
    def available(self) -> bool:
        """Whether this engine shares it (PostgreSQL); otherwise use the in-memory throttle."""
        return self._db.dialect == "postgresql"

    async def admit(self, sender: int, burst: float, per_minute: float) -> Verdict:
        """Take one token from the sender's bucket; what to do with their update."""
        rate = per_minute / 60.0
        refill = (burst, rate)
        params = (self._user_key(sender), burst, *refill * 3, *refill, burst, *refill, *refill)
        row = await self._db.fetchone(_ADMIT, params)
        return Verdict(str(row[0])) if row else Verdict.ADMIT

    async def forget_idle(self, idle_seconds: float) -> int:
        """Delete the buckets of senders quiet for `idle_seconds` (full again by then); how many."""
        if not self.available:
            return 0
        return await self._db.execute(f"DELETE FROM floods WHERE at < {_NOW} - ?", (idle_seconds,))
