"""The leader among instances sharing one state database: the one that sends broadcasts and runs
the periodic jobs (case-change notices, retention). Every instance answers citizens.

Each instance tries every `state.lease_renew_seconds` to take or renew the lease "leader"
(bot/state/lease.py) for `state.lease_seconds`. It counts itself leader until `lease_seconds`
after the start of its last successful attempt (its own monotonic clock: never longer than the
database's expiry), so a leader that cannot reach the database stops leading before another may
take over. A clean stop releases the lease: the next instance takes over at its next attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from bot.config import StateSettings
from bot.health import Health
from bot.state.lease import Leases, holder_id

log = logging.getLogger(__name__)

LEADER = "leader"  # the lease's name, and the health flag's


class Leader:
    """Keeps this process's claim to the lease; `held` says whether it leads right now."""

    def __init__(
        self,
        leases: Leases,
        settings: StateSettings,
        health: Health,
        *,
        on_gained: Callable[[], None] | None = None,
        name: str = LEADER,
        holder: str | None = None,
    ) -> None:
        self.leases = leases
        self.name = name
        self.holder = holder or holder_id()  # (tests give each in-process "instance" its own)
        self.seconds = settings.lease_seconds
        self.every = settings.lease_renew_seconds
        self.health = health
        self.on_gained = on_gained
        self._until = 0.0  # monotonic time until which this process leads
        self._stop = asyncio.Event()
        self._tried = asyncio.Event()  # the first attempt was made
        self._task: asyncio.Task[None] | None = None

    @property
    def held(self) -> bool:
        return time.monotonic() < self._until

    async def leads(self) -> bool:
        """Whether this process leads, after its first attempt when it is running (a job due at
        start-up does not skip its run because the lease was not asked for yet)."""
        if self._task is not None and not self._stop.is_set():
            await self._tried.wait()
        return self.held

    async def attempt(self) -> bool:
        """Take or renew the lease once; whether this process leads now."""
        was, started = self.held, time.monotonic()
        try:
            won = await self.leases.acquire(self.name, self.holder, self.seconds)
        except Exception as exc:  # the database is unreachable: lead on until the lease would lapse
            log.warning("leader lease: the state database did not answer (%s)", type(exc).__name__)
        else:
            self._until = started + self.seconds if won else 0.0
        now = self.held
        self._tried.set()
        self.health.flag(LEADER, now)
        if now and not was:
            log.info("leader lease taken: this instance sends broadcasts and runs the periodic jobs")
            if self.on_gained is not None:
                self.on_gained()
        elif was and not now:
            log.warning("leader lease lost: another instance leads now")
        return now

    def start(self) -> None:
        """Keep trying in the background (in the running event loop) until stop()."""
        self._task = asyncio.create_task(self.run(), name="leader-lease")

    async def run(self) -> None:
        while not self._stop.is_set():
            await self.attempt()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.every)

    async def stop(self) -> None:
        """Stop trying and release the lease (call after the broadcaster stopped)."""
        self._stop.set()
        if self._task is not None:
            await self._task
        if self._task is None:
            return
        self._until = 0.0
        self.health.flag(LEADER, False)
        try:  # only if it is still ours (the statement checks)
            await self.leases.release(self.name, self.holder)
        except Exception as exc:  # it simply expires
            log.warning("leader lease: could not release it (%s)", type(exc).__name__)
