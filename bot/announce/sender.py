"""The paced broadcast sender: works through the outbox in the state database.

Pace: sends start at most `rate` per second overall, never twice to one chat within
`per_chat_seconds`. A 429 is first waited out by the bot's rate limiter (bot/ratelimit.py, which
holds every request meanwhile); one that still comes through pauses the sender for its retry_after.
Network errors and 5xx are retried with backoff up to `max_attempts`; 403 / chat-not-found mark
the chat unreachable. Each outcome is committed as soon as Telegram answers; a restart resumes
the rows still pending.

Several instances (bot/leader.py): only the holder of the leader lease runs this loop's work; the
others only beat their health. Rows are claimed before they are sent (bot/state/deliveries.py),
and a new leader re-sends the rows a dead one claimed and never recorded: at most `parallel`
sends were in flight, so at most `parallel` recipients (max(4, ceil(rate / 2)): 13 at the
default 25/s) get a second copy from a takeover.

Where a recipient can get a second copy: a send in flight when the process dies; a timeout after
Telegram accepted the message (it is retried: a duplicate is better than a citizen skipped); and
a state-database write failing right after a send (the row stays pending and is sent again).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Protocol

from bot.announce.model import Announcement, Delivery, Status
from bot.announce.pacing import Pacer, done
from bot.config import AnnouncementSettings
from bot.health import Health
from bot.leader import Leader
from bot.state.announcements import AnnouncementStore
from bot.state.lease import holder_id

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    SENT = "sent"
    BLOCKED = "blocked"  # 403, chat not found, user deactivated
    RETRY_AFTER = "retry_after"  # 429: wait, then send again (not counted as an attempt)
    TRANSIENT = "transient"  # network error, timeout, 5xx: retry with backoff
    REFUSED = "refused"  # 400 for this message: retrying will not help


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    retry_after: float = 0.0
    message_id: int | None = None


class Transport(Protocol):
    """Sends one announcement to one chat and says how it went (never raises)."""

    async def send(self, chat_id: int, announcement: Announcement) -> Result: ...


Notify = Callable[[Announcement], Awaitable[None]]
Ask = Callable[[Announcement], Awaitable[bool]]  # True when at least one approver was reached
ASK_AGAIN_SECONDS = 300  # when no approver could be reached


class Broadcaster:
    """Runs in the bot process: starts due announcements and sends them, one at a time."""

    def __init__(
        self,
        store: AnnouncementStore,
        transport: Transport,
        settings: AnnouncementSettings,
        *,
        on_progress: Notify | None = None,
        on_approval: Ask | None = None,
        poll_seconds: float = 1.0,
        leader: Leader | None = None,
        health: Health | None = None,
    ) -> None:
        self.store = store
        self.transport = transport
        self.settings = settings
        self.on_progress = on_progress
        self.on_approval = on_approval
        self.poll_seconds = poll_seconds
        self.leader, self.health = leader, health
        # Who claims the rows, under which lease; an unrecorded claim of ours is retried after `stale` seconds.
        self.holder = leader.holder if leader else holder_id()
        self.lease = leader.name if leader else None
        self.stale = leader.seconds if leader else 10.0
        self.parallel = max(4, math.ceil(settings.rate / 2))  # sends in flight (Telegram answers in ~0.1-0.3 s)
        self._pacer = Pacer(settings.rate)
        self._last_sent: dict[int, float] = {}
        self._cancelled: set[int] = set()
        self._asked: dict[int, float] = {}  # announcement -> when approvers were last tried in vain
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def leading(self) -> bool:
        """Whether this process may send now (always, without a leader lease)."""
        return self.leader is None or self.leader.held

    def wake(self) -> None:
        """Look at the outbox now (an official just queued or approved something)."""
        self._wake.set()

    def start(self) -> None:
        """Run in the background (in the running event loop) until stopped()."""
        self._task = asyncio.create_task(self.run(), name="broadcaster")

    async def stopped(self) -> None:
        """Stop: the sends in flight finish and are recorded; the rest stays pending for the next run."""
        self._stop.set()
        self._wake.set()
        if self._task is not None:
            await self._task

    async def cancel(self, announcement_id: int) -> bool:
        """Stop an announcement: nothing more is sent for it."""
        self._cancelled.add(announcement_id)
        return await self.store.cancel(announcement_id)

    async def run(self) -> None:
        """Serve the outbox until stop()."""
        while not self._stop.is_set():
            self._beat()
            try:
                if self.leading:
                    await self.tick()
            except Exception:  # the outbox must keep working; the row that failed is retried
                log.exception("broadcast loop error")
                await asyncio.sleep(self.poll_seconds)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
            self._wake.clear()

    async def tick(self) -> None:
        """One pass: ask approvers, start what is due, send what is sending."""
        await self._housekeeping()
        for item in await self.store.with_status(Status.SENDING):
            if self._stop.is_set() or not self.leading:
                return
            await self._send_all(item)

    async def _housekeeping(self) -> None:
        """Ask approvers and fix the recipients of what is due; also done every second while a long
        broadcast sends, so nobody waits for it to finish to be asked."""
        if self.on_approval is not None:
            for item in await self.store.approval_to_ask():
                if time.monotonic() - self._asked.get(item.id, -math.inf) < ASK_AGAIN_SECONDS:
                    continue
                try:
                    reached = await self.on_approval(item)
                except Exception:  # asking must not stop the outbox
                    log.warning("announcement %d: asking approvers failed", item.id, exc_info=True)
                    reached = False
                if reached:
                    await self.store.update(
                        item.id, [Status.AWAITING_APPROVAL], Status.AWAITING_APPROVAL, approval_asked=1
                    )
                else:
                    log.warning("announcement %d: no approver could be asked; trying again later", item.id)
                    self._asked[item.id] = time.monotonic()
        for announcement_id in await self.store.due(dt.datetime.now(dt.UTC)):
            if await self.store.start(announcement_id):
                log.info("broadcast %d started", announcement_id)

    async def _send_all(self, item: Announcement) -> None:
        in_flight: dict[int, asyncio.Task[None]] = {}
        slots = asyncio.Semaphore(self.parallel)
        last_report = last_check = 0.0
        log.info("broadcast %d: %d recipients, %d pending", item.id, item.counts.total, item.counts.pending)
        while not self._stop.is_set() and item.id not in self._cancelled and self.leading:
            now = time.monotonic()
            if now - last_check >= 1.0:  # cancelled elsewhere (another process)?
                last_check = now
                self._beat()
                if await self.store.status(item.id) != Status.SENDING:
                    break
                self._forget_old(now)
                await self._housekeeping()
            if now - last_report >= self.settings.progress_seconds:
                last_report = now
                await self._report(item.id)
            batch = await self._claim(item.id, in_flight)
            if not batch:
                if in_flight:
                    await asyncio.wait(in_flight.values(), timeout=0.5, return_when=asyncio.FIRST_COMPLETED)
                    continue
                due = await self.store.next_retry(item.id)
                if due is None:
                    break
                await asyncio.sleep(min(max(due - time.time(), 0.05), 1.0))  # (rows claimed elsewhere)
                continue
            for chat_id, attempts in batch:
                await slots.acquire()
                await self._pacer.wait()
                if self._stop.is_set() or item.id in self._cancelled or not self.leading:
                    slots.release()
                    break
                if await self._too_soon(item.id, chat_id, attempts):
                    slots.release()
                    continue
                self._last_sent[chat_id] = time.monotonic()
                task = asyncio.create_task(self._deliver(item, chat_id, attempts))
                in_flight[chat_id] = task
                task.add_done_callback(partial(done, in_flight, slots, chat_id))
        if in_flight:
            await asyncio.wait(in_flight.values())
        if await self.store.finish(item.id):
            log.info("broadcast %d finished", item.id)
        await self._report(item.id)

    async def _claim(self, announcement_id: int, in_flight: dict[int, asyncio.Task[None]]) -> list[tuple[int, int]]:
        """Rows to send next, claimed for this process; none of those it is sending."""
        # Snapshot before the read: a send finishing during it leaves in_flight but was read as pending.
        busy = set(in_flight)
        claimed = await self.store.claim(
            announcement_id, time.time(), self.parallel * 4, holder=self.holder, lease=self.lease, stale=self.stale
        )
        return [row for row in claimed if row[0] not in busy and row[0] not in in_flight]

    async def _too_soon(self, announcement_id: int, chat_id: int, attempts: int) -> bool:
        """Whether this chat had a message less than per_chat_seconds ago (then its row waits until then)."""
        wait = self._last_sent.get(chat_id, -math.inf) + self.settings.per_chat_seconds - time.monotonic()
        if wait > 0:
            await self.store.record(
                announcement_id,
                chat_id,
                Delivery.PENDING,
                attempts=attempts,
                next_at=time.time() + wait,
                holder=self.holder,
            )
        return wait > 0

    async def _deliver(self, item: Announcement, chat_id: int, attempts: int) -> None:
        try:
            result = await self.transport.send(chat_id, item)
        except Exception:  # a transport bug must not lose the row: it stays pending and is retried
            log.exception("broadcast %d: unexpected send error", item.id)
            result = Result(Outcome.TRANSIENT)
        store, holder = self.store, self.holder
        if result.outcome == Outcome.SENT:
            await store.record(
                item.id, chat_id, Delivery.SENT, attempts=attempts + 1, message_id=result.message_id, holder=holder
            )
        elif result.outcome == Outcome.BLOCKED:
            await store.record(item.id, chat_id, Delivery.BLOCKED, attempts=attempts + 1, holder=holder)
        elif result.outcome == Outcome.REFUSED:
            await store.record(item.id, chat_id, Delivery.FAILED, attempts=attempts + 1, holder=holder)
        elif result.outcome == Outcome.RETRY_AFTER:
            self._pacer.pause(result.retry_after)
            await store.record(
                item.id,
                chat_id,
                Delivery.PENDING,
                attempts=attempts,
                next_at=time.time() + result.retry_after,
                holder=holder,
            )
        elif attempts + 1 >= self.settings.max_attempts:
            await store.record(item.id, chat_id, Delivery.FAILED, attempts=attempts + 1, holder=holder)
        else:
            backoff = min(2.0**attempts, 60.0) * random.uniform(1.0, 1.5)  # jitter: retries do not arrive in step
            await store.record(
                item.id, chat_id, Delivery.PENDING, attempts=attempts + 1, next_at=time.time() + backoff, holder=holder
            )

    async def _report(self, announcement_id: int) -> None:
        if self.on_progress is None:
            return
        item = await self.store.get(announcement_id)
        if item is not None:
            await self._notify(self.on_progress, item)

    async def _notify(self, callback: Notify, item: Announcement) -> None:
        try:
            await callback(item)
        except Exception:  # a failed progress edit must not stop the broadcast
            log.warning("broadcast %d: notifying the official failed", item.id, exc_info=True)

    def _beat(self) -> None:
        if self.health is not None:
            self.health.beat("broadcaster")

    def _forget_old(self, now: float) -> None:
        horizon = now - self.settings.per_chat_seconds
        if len(self._last_sent) > 1000:
            self._last_sent = {chat: at for chat, at in self._last_sent.items() if at > horizon}
