"""Build the python-telegram-bot Application: services opened in post_init, closed in
post_shutdown, and reached by handlers through a typed context."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from dataclasses import dataclass, field
from functools import partial
from typing import Any

# Opt in to python-telegram-bot's coming RetryAfter.retry_after as a timedelta (handled in handlers).
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.ext import Application, CallbackContext, ContextTypes, Defaults, ExtBot

from bot.announce.board import Board
from bot.announce.desk import Desk
from bot.announce.sender import Broadcaster
from bot.cases.service import open_case_store
from bot.commands import MENU
from bot.config import Settings
from bot.content import Content, Loaded, Rejected
from bot.conversation import Conversation
from bot.http import AiohttpRequest
from bot.lookup import CaseLookup
from bot.ratelimit import PriorityLimiter
from bot.readiness import warn_placeholders
from bot.reload import Reloader
from bot.state import StateStore

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What handlers need, built once per run."""

    settings: Settings
    conversation: Conversation
    state: StateStore
    desk: Desk
    reloader: Reloader
    reload_startup: Loaded | Rejected | None = None  # how the content loaded at start-up
    broadcaster: Broadcaster | None = None  # sends announcements; only in the Telegram bot
    background: list[asyncio.Task[None]] = field(default_factory=list)  # the FAQ watcher, ...
    broadcast_bot: ExtBot[Any] | None = None  # the broadcaster's Bot: its sends leave replies their reserve


class BotData:
    """Application-wide data: the services, set in post_init."""

    def __init__(self) -> None:
        self.services: Services | None = None


class BotContext(CallbackContext[ExtBot[Any], Any, Any, BotData]):
    """The handlers' context, with typed access to the services."""

    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are not ready (post_init has not run)")
        return services


BotApplication = Application[Any, BotContext, Any, Any, BotData, Any]


async def open_services(settings: Settings) -> Services:
    """Open the state database and the case store, and build the conversation on the FAQ (Telegram
    and the local console alike); warn about agency details still to be filled in."""
    warn_placeholders(settings, log)
    state = await StateStore.open(settings.state.database, settings.state.busy_timeout_seconds)
    reloader, startup = await Reloader.open(settings)
    content = reloader.current
    lookup = CaseLookup(open_case_store(settings), dict(content.glossary), settings.cases, state,
                        settings.agency.hotline)
    board = Board(state.announcements, settings.announcements, settings.agency)
    services = Services(settings, Conversation(content.knowledge, state, settings.agency, lookup, board), state,
                        Desk(state.announcements, board, settings.announcements, user_key=state.user_key,
                             wake=lambda: _wake(services),
                             stop=lambda announcement_id: _stop(services, announcement_id)),
                        reloader, startup)
    return services


def apply_content(services: Services, content: Content) -> None:
    """Serve new staff content: each is one attribute swap, so a reply sees the old or the new."""
    services.conversation.knowledge = content.knowledge
    if services.conversation.lookup is not None:
        services.conversation.lookup.glossary = dict(content.glossary)


def _wake(services: Services) -> None:
    if services.broadcaster is not None:
        services.broadcaster.wake()


async def _stop(services: Services, announcement_id: int) -> bool:
    if services.broadcaster is not None:
        return await services.broadcaster.cancel(announcement_id)
    return await services.state.announcements.cancel(announcement_id)


async def start_broadcaster(application: BotApplication, services: Services) -> None:
    """Send announcements from the outbox in the background (resuming any a crash interrupted).

    Announcements go through a Bot of their own whose rate limiter is the broadcast view of the
    application's: the same overall rate, minus the reserve that replies keep."""
    from bot.handlers.announce import TelegramTransport, ask_approval, report_progress

    bot, desk, retry = application.bot, services.desk, services.settings.telegram.retry_seconds
    limiter = bot.rate_limiter
    broadcasts = limiter.broadcasts() if isinstance(limiter, PriorityLimiter) else limiter
    services.broadcast_bot = ExtBot(bot.token, base_url=services.settings.telegram.api_base_url,
                                    request=AiohttpRequest(pool_size=16), defaults=bot.defaults,
                                    rate_limiter=broadcasts)
    await services.broadcast_bot.initialize()
    services.broadcaster = Broadcaster(
        services.state.announcements, TelegramTransport(services.broadcast_bot, desk),
        services.settings.announcements,
        on_progress=partial(report_progress, bot, desk, retry), on_approval=partial(ask_approval, bot, desk, retry),
    )
    services.broadcaster.start()


def build_application(settings: Settings) -> BotApplication:
    """The Application for `settings` (which must carry a token)."""
    if not settings.token:
        raise ValueError("a bot token is required")
    from bot.handlers import register
    from bot.handlers.staff import start_watching

    async def post_init(application: BotApplication) -> None:
        application.bot_data.services = services = await open_services(settings)
        await start_broadcaster(application, services)
        start_watching(application, services)
        for english in (False, True):  # the menu of citizens' commands, read from bot/commands.py
            menu = [BotCommand(command.name, command.description(english)) for command in MENU]
            await application.bot.set_my_commands(menu, language_code="en" if english else None)
        log.info("bot ready: %d FAQ entries", len(application.bot_data.services.conversation.knowledge.faq.entries))

    async def post_stop(application: BotApplication) -> None:
        # Before the HTTP client closes: sends in flight finish and are recorded; the rest waits.
        services = application.bot_data.services
        if services is not None:
            if services.broadcaster is not None:
                await services.broadcaster.stopped()
            for task in services.background:
                task.cancel()
            await asyncio.gather(*services.background, return_exceptions=True)

    async def post_shutdown(application: BotApplication) -> None:
        if application.bot_data.services is not None:
            if application.bot_data.services.broadcast_bot is not None:
                await application.bot_data.services.broadcast_bot.shutdown()
            await application.bot_data.services.state.close()

    application: BotApplication = (
        Application.builder()
        .token(settings.token)
        .base_url(settings.telegram.api_base_url)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .defaults(Defaults(parse_mode="HTML", link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(PriorityLimiter(settings.telegram.overall_rate, settings.telegram.reply_reserve, max_retries=5))
        .concurrent_updates(8)
        .request(AiohttpRequest(pool_size=32))
        .get_updates_request(AiohttpRequest(pool_size=1, read_timeout=5.0))
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    register(application, settings)
    return application


def run(settings: Settings) -> None:
    """Serve until SIGINT/SIGTERM: long polling, or a webhook with a secret token."""
    with contextlib.suppress(ImportError):  # a faster event loop where available (not on Windows)
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    application = build_application(settings)
    if settings.telegram.mode == "webhook":
        from bot.webhook import serve_webhook  # our server: secret and size checked before the body

        asyncio.run(serve_webhook(application, settings))
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
