"""The service graph, free of Telegram: content and its reloader, the state and case stores, the
case lookup, the announcement board, desk and broadcaster, and the conversation on top.

The Telegram application, the local console and the command line all open it here:

    async with Services.running(settings) as services:      # the console, tests
        ...
    services = await Services.open(settings, outlet)         # the bot: post_init ... post_shutdown
    services.start(); ...; await services.stop(); await services.close()

What leaves the process (announcements, progress and approval messages, reports to the staff
chat) goes through an `Outlet`; without one (console, command line) nothing is sent and the
broadcaster is never started. With an outlet the process also competes for the leader lease
(bot/leader.py): several instances on one PostgreSQL database send each broadcast once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Protocol

from bot.announce.board import Board
from bot.announce.desk import Desk
from bot.announce.model import Announcement
from bot.announce.sender import Broadcaster, Outcome, Result, Transport
from bot.cases.service import open_case_store
from bot.config import Settings
from bot.content import Content, Loaded, Rejected
from bot.conversation import Conversation
from bot.faq.yamlfile import Problem
from bot.health import Health
from bot.leader import Leader
from bot.lookup import CaseLookup
from bot.readiness import warn_placeholders
from bot.reload import Outcome as ReloadOutcome
from bot.reload import Reloader, describe
from bot.state import StateStore

log = logging.getLogger(__name__)


class Outlet(Protocol):
    """The way out of the process (the Telegram bot's); every method handles its own errors."""

    def transport(self, board: Board) -> Transport:
        """The broadcaster's transport: announcements rendered by `board`, one chat at a time."""
        ...

    async def progress(self, desk: Desk, item: Announcement) -> None:
        """Show an announcement's sending progress to its author."""
        ...

    async def approval(self, desk: Desk, item: Announcement) -> bool:
        """Ask the approvers; whether at least one of them got it."""
        ...

    async def tell_staff(self, text: str) -> None:
        """A report (FAQ reloads) to the staff chat, when one is configured."""
        ...


class _Unsent:
    """The transport without an outlet: the broadcaster is never started, so nothing calls it."""

    async def send(self, chat_id: int, announcement: Announcement) -> Result:
        return Result(Outcome.TRANSIENT)


async def open_state(settings: Settings) -> StateStore:
    """The state database as configured (the command line's reports and announcements use it alone)."""
    return await StateStore.open(settings.state.database, settings.state.busy_timeout_seconds)


class Services:
    """Everything the bot serves with, built in one go from opened stores and loaded content."""

    def __init__(
        self,
        settings: Settings,
        state: StateStore,
        reloader: Reloader,
        startup: Loaded | Rejected,
        outlet: Outlet | None = None,
    ) -> None:
        self.settings = settings
        self.state = state
        self.reloader = reloader
        self.startup = startup  # how the content loaded at start-up (a refusal is reported on start)
        self.outlet = outlet
        self.health = Health()  # heartbeats of this process (bot/health.py), read by the health check
        # Among instances on one database, the leader alone sends broadcasts and runs the periodic jobs.
        self.leader = Leader(state.leases, settings.state, self.health)
        content = reloader.current
        self.lookup = CaseLookup(
            open_case_store(settings), dict(content.glossary), settings.cases, state, settings.agency.hotline
        )
        self.board = Board(state.announcements, settings.announcements, settings.agency)
        self.broadcaster = Broadcaster(
            state.announcements,
            outlet.transport(self.board) if outlet else _Unsent(),
            settings.announcements,
            on_progress=self._progress if outlet else None,
            on_approval=self._approval if outlet else None,
            leader=self.leader,
            health=self.health,
        )
        self.leader.on_gained = self.broadcaster.wake
        self.desk = Desk(
            state.announcements,
            self.board,
            settings.announcements,
            user_key=state.user_key,
            dialogue=state.dialogue,
            wake=self.broadcaster.wake,
            stop=self.broadcaster.cancel,
        )
        self.conversation = Conversation(content.knowledge, state, settings.agency, self.lookup, self.board)
        self.background: list[asyncio.Task[None]] = []  # the FAQ watcher, a start-up report
        self._ticker: asyncio.Task[None] | None = None  # beats "loop" (bot/health.py)

    @classmethod
    async def open(cls, settings: Settings, outlet: Outlet | None = None) -> Services:
        """Open the state database and the case store and load the content; warn about agency
        details still to be filled in."""
        warn_placeholders(settings, log)
        state = await open_state(settings)
        try:
            reloader, startup = await Reloader.open(settings)
            return cls(settings, state, reloader, startup, outlet)
        except BaseException:
            await state.close()
            raise

    @classmethod
    @asynccontextmanager
    async def running(cls, settings: Settings) -> AsyncIterator[Services]:
        """The services without an outlet (console, tests), closed on leaving."""
        services = await cls.open(settings)
        try:
            yield services
        finally:
            await services.close()

    def use(self, content: Content) -> None:
        """Serve new staff content: each is one attribute swap, so a reply sees the old or the new."""
        self.conversation.knowledge = content.knowledge
        self.lookup.glossary = dict(content.glossary)

    async def reload(self) -> ReloadOutcome:
        """Check the FAQ files now and serve them if they have no error (`/faq_reload`: the
        requester gets the report, not the staff chat)."""
        outcome = await self.reloader.reload("manual", notify=False)
        if isinstance(outcome, Loaded):
            self.use(outcome.content)
        return outcome

    def start(self) -> None:
        """In the running event loop: send announcements, swap in each valid FAQ save and tell the
        staff chat about refused ones, watch the files (`faq.watch`), and beat "loop" every second."""
        self.reloader.on_loaded, self.reloader.on_rejected = self._loaded, self._rejected
        self._ticker = asyncio.create_task(self.health.ticking(), name="health-tick")
        if self.outlet is not None:
            self.leader.start()
            self.broadcaster.start()
        if isinstance(self.startup, Rejected):
            self.background.append(asyncio.create_task(self._rejected(self.startup.problems)))
        if self.settings.faq.watch:
            self.background.append(asyncio.create_task(self.reloader.watch(), name="faq-watch"))

    async def stop(self) -> None:
        """Sends in flight finish and are recorded (the rest waits for the next run or the next
        leader: the claims and the lease are given up); the watcher ends."""
        if self.outlet is not None:
            await self.broadcaster.stopped()
            try:
                await self.state.announcements.release_claims(self.leader.holder)
            except Exception as exc:  # another leader takes them anyway, once the lease has expired
                log.warning("broadcast claims not released (%s)", type(exc).__name__)
            await self.leader.stop()
        tasks = [*self.background, *([self._ticker] if self._ticker else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def close(self) -> None:
        await self.state.close()

    async def _loaded(self, content: Content, warnings: Sequence[Problem]) -> None:
        self.use(content)
        await self._tell_staff(describe(Loaded(content, tuple(warnings)), content))

    async def _rejected(self, problems: Sequence[Problem]) -> None:
        await self._tell_staff(describe(Rejected.of(problems), self.reloader.current))

    async def _tell_staff(self, text: str) -> None:
        if self.outlet is not None:
            await self.outlet.tell_staff(text)

    async def _progress(self, item: Announcement) -> None:
        if self.outlet is not None:
            await self.outlet.progress(self.desk, item)

    async def _approval(self, item: Announcement) -> bool:
        return self.outlet is not None and await self.outlet.approval(self.desk, item)
