"""Heartbeats of one bot process: each working part says "I made progress" and the health check
asks how long ago that was. Free of Telegram; the webhook/health server and `python -m bot
health` read it.

Parts (names are plain strings so a new part needs no change here):
- "loop": the event loop ran a tick (a blocked loop stops beating);
- "updates": the update loop fetched or handled updates (polling: every getUpdates answer);
- "broadcaster": the broadcaster's loop went round (meaningful only while this process leads);
- "state": the state database answered a ping.
Flags: "leader" (this process holds the lease for the broadcaster and periodic jobs).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


class Health:
    """Last-progress times (monotonic seconds) and yes/no flags of this process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._beats: dict[str, float] = {}
        self._flags: dict[str, bool] = {}
        self._raised: dict[str, float] = {}  # when each flag was last set
        self.started = clock()

    def beat(self, part: str) -> None:
        """`part` made progress now."""
        self._beats[part] = self._clock()

    def age(self, part: str) -> float | None:
        """Seconds since `part` last made progress; None if it never did."""
        at = self._beats.get(part)
        return None if at is None else self._clock() - at

    def flag(self, name: str, value: bool) -> None:
        if value and not self._flags.get(name, False):
            self._raised[name] = self._clock()
        self._flags[name] = value

    def raised_for(self, name: str) -> float | None:
        """Seconds since flag `name` was last set (from unset); None while it is unset."""
        at = self._raised.get(name)
        return None if at is None or not self.flagged(name) else self._clock() - at

    def flagged(self, name: str) -> bool:
        return self._flags.get(name, False)

    def uptime(self) -> float:
        return self._clock() - self.started

    async def ticking(self, every: float = 1.0) -> None:
        """Beat "loop" every `every` seconds until cancelled (a blocked event loop stops beating)."""
        while True:
            self.beat("loop")
            await asyncio.sleep(every)
