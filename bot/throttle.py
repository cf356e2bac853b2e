"""Per-citizen throttling: one person's flood must not slow anyone else down or fill the database.

Each user has a token bucket: `burst` messages at once, then `per_minute` a minute. A message over
the limit is dropped before any handler runs (nothing is answered, nothing stored); the first one
of a flood is answered with a polite "slow down", once, until the user's bucket is full again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class Verdict(Enum):
    ADMIT = "admit"
    WARN = "warn"  # over the limit, tell the user once
    DROP = "drop"  # over the limit, already told


@dataclass
class _Bucket:
    tokens: float
    at: float
    warned: bool = False


class Throttle:
    """Token buckets per user id; idle users' full buckets are forgotten, so memory stays small."""

    SWEEP_EVERY = 4096  # admits between two sweeps of the idle buckets

    def __init__(self, burst: int, per_minute: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.burst = float(burst)
        self.rate = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[int, _Bucket] = {}
        self._calls = 0

    def admit(self, user_id: int) -> Verdict:
        now = self._clock()
        self._calls += 1
        if self._calls % self.SWEEP_EVERY == 0:
            self._sweep(now)
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = _Bucket(self.burst, now)
        self._refill(bucket, now)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return Verdict.ADMIT
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN

    def _refill(self, bucket: _Bucket, now: float) -> None:
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= self.burst:  # quiet long enough: a new flood is told again
            bucket.warned = False

    def _sweep(self, now: float) -> None:
        for user_id, bucket in list(self._buckets.items()):
            if bucket.tokens + (now - bucket.at) * self.rate >= self.burst:
                del self._buckets[user_id]

    def __len__(self) -> int:
        return len(self._buckets)
