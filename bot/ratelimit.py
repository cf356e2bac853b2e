"""One Bot API rate for the whole bot, with a reserve for replies that broadcasts cannot take.

python-telegram-bot's AIORateLimiter is a leaky bucket shared by replies and broadcasts alike: a
broadcast competes with replies in arrival order, and the bucket lets a second's worth of sends
through at once on top of the steady rate, which Telegram answers with 429. Here send starts are
spaced evenly at `overall` a second; a broadcast send also waits for its own pace of
`overall - reserve` a second, and yields to any reply that is waiting. A 429 that still comes
holds every request for its retry_after, then the request is tried again.
(Telegram-specific like bot/app.py: the core never imports this.)
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

JSON = dict[str, Any] | list[Any] | bool
GROUP_PER_MINUTE = 20  # Telegram's limit for one group, as in AIORateLimiter


class SharedRate:
    """The pace both views share: sends spaced 1/overall apart (no burst, which Telegram would
    answer with 429), broadcasts at most overall - reserve a second and never while a reply waits."""

    def __init__(self, overall: float, reserve: float) -> None:
        self.overall = overall
        self.groups: dict[int | str, AsyncLimiter] = {}
        self._interval = 1.0 / overall if overall else 0.0
        self._broadcast_interval = 1.0 / max(overall - reserve, 1.0) if overall else 0.0
        self._next = 0.0  # when the next send may start
        self._next_broadcast = 0.0  # when the next broadcast send may start
        self._replies_waiting = 0
        self._paused_until = 0.0

    async def take(self, broadcast: bool) -> None:
        """Wait for the next free start (replies first), and take it."""
        if not broadcast:
            self._replies_waiting += 1
        try:
            while True:
                now = time.monotonic()
                at = max(self._next, self._paused_until, self._next_broadcast if broadcast else 0.0)
                yielding = broadcast and self._replies_waiting > 0
                if at <= now and not yielding:
                    self._next = max(self._next, now) + self._interval  # no credit for idle time
                    if broadcast:
                        self._next_broadcast = max(self._next_broadcast, now) + self._broadcast_interval
                    return
                await asyncio.sleep(max(at - now, self._interval if yielding else 0.001))
        finally:
            if not broadcast:
                self._replies_waiting -= 1

    def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)


class PriorityLimiter(BaseRateLimiter[int]):
    """A BaseRateLimiter on a SharedRate; `broadcasts()` is the view a broadcasting Bot uses."""

    def __init__(
        self,
        overall: float,
        reserve: float,
        max_retries: int = 5,
        *,
        broadcast: bool = False,
        shared: SharedRate | None = None,
    ) -> None:
        self.shared = shared or SharedRate(overall, reserve)
        self.broadcast = broadcast
        self.max_retries = max_retries

    def broadcasts(self) -> PriorityLimiter:
        return PriorityLimiter(0, 0, self.max_retries, broadcast=True, shared=self.shared)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(  # noqa: PLR0917 - the signature is python-telegram-bot's
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSON]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSON:
        chat_id = data.get("chat_id")  # like AIORateLimiter: only requests to a chat count
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        group = chat_id if (isinstance(chat_id, int) and chat_id < 0) or isinstance(chat_id, str) else None
        retries = 0
        while True:
            if group is not None:
                limiter = self.shared.groups.setdefault(group, AsyncLimiter(GROUP_PER_MINUTE, 60))
                await limiter.acquire()
            if self.shared.overall and chat_id is not None:
                await self.shared.take(self.broadcast)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if retries >= self.max_retries:
                    raise
                retries += 1
                value = exc.retry_after
                self.shared.pause((value if isinstance(value, int | float) else value.total_seconds()) + 0.1)
