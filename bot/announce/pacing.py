"""The broadcaster's pacing: evenly spaced send starts, and the bookkeeping of sends in flight."""

from __future__ import annotations

import asyncio
import time


class Pacer:
    """Spaces send starts evenly at `rate` per second; `pause` holds everything back."""

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate
        self._next = 0.0
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    async def wait(self) -> None:
        while True:
            now = time.monotonic()
            at = max(self._next, self._paused_until)
            if at <= now:
                # After an idle spell do not burst to catch up: at most one interval of credit.
                self._next = max(self._next, now - self._interval) + self._interval
                return
            await asyncio.sleep(at - now)


def done(
    in_flight: dict[int, asyncio.Task[None]], slots: asyncio.Semaphore, chat_id: int, _: asyncio.Task[None]
) -> None:
    """A send ended: its chat leaves `in_flight` and its slot is free again."""
    in_flight.pop(chat_id, None)
    slots.release()
