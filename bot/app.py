"""Build the python-telegram-bot Application: the services opened in post_init with Telegram as
their outlet, stopped in post_stop, closed in post_shutdown, and reached by handlers through a
typed context. The composition root: it imports handlers and services; nothing imports it but
`python -m bot`."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aiohttp import web
from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.ext import Application, ContextTypes, Defaults, TypeHandler

from bot import healthz
from bot.commands import MENU
from bot.config import Settings
from bot.handlers import register
from bot.handlers.context import BotApplication, BotContext, BotData
from bot.handlers.outbound import TelegramOutlet
from bot.http import AiohttpRequest
from bot.ratelimit import PriorityLimiter
from bot.services import Services
from bot.webhook import serve_webhook

log = logging.getLogger(__name__)
MAX_RETRIES = 5  # times the rate limiter sends a request again after a 429
CONCURRENT_UPDATES = 8  # updates handled at once
REPLY_POOL = 32  # HTTP connections for replies
POLL_TIMEOUT = 5.0  # the getUpdates request's read timeout, in seconds


async def _set_commands(application: BotApplication) -> None:
    """The menu of citizens' commands, read from bot/commands.py."""
    for english in (False, True):
        menu = [BotCommand(command.name, command.description(english)) for command in MENU]
        await application.bot.set_my_commands(menu, language_code="en" if english else None)


async def _taken(update: Update, context: BotContext) -> None:
    """Every update, before any handler (group -2): the update loop made progress (bot/health.py)."""
    if context.bot_data.services is not None:
        context.bot_data.services.health.beat("updates")
        context.bot_data.services.health.beat("handled")


def build_application(settings: Settings) -> BotApplication:
    """The Application for `settings` (which must carry a token)."""
    if not settings.token:
        raise ValueError("a bot token is required")
    outlet: TelegramOutlet | None = None
    health_server: web.AppRunner | None = None

    def fetched(status: int) -> None:  # a getUpdates answer: polling makes progress
        if status == 200 and application.bot_data.services is not None:
            application.bot_data.services.health.beat("updates")

    async def post_init(application: BotApplication) -> None:
        nonlocal outlet, health_server
        outlet = TelegramOutlet(application.bot, settings)
        await outlet.open()
        application.bot_data.services = services = await Services.open(settings, outlet)
        services.start()
        if settings.telegram.mode == "polling" and settings.health.port is not None:
            health_server = await healthz.serve(application, settings.health)
        await _set_commands(application)
        log.info("bot ready: %d FAQ entries", len(services.reloader.current.knowledge.faq.entries))

    async def post_stop(application: BotApplication) -> None:
        # Before the HTTP client closes: sends in flight finish and are recorded; the rest waits.
        if application.bot_data.services is not None:
            await application.bot_data.services.stop()

    async def post_shutdown(application: BotApplication) -> None:
        if health_server is not None:
            await health_server.cleanup()
        if outlet is not None:
            await outlet.close()
        if application.bot_data.services is not None:
            await application.bot_data.services.close()

    application: BotApplication = (
        Application.builder()
        .token(settings.token)
        .base_url(settings.telegram.api_base_url)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .defaults(Defaults(parse_mode="HTML", link_preview_options=LinkPreviewOptions(is_disabled=True)))
        .rate_limiter(
            PriorityLimiter(settings.telegram.overall_rate, settings.telegram.reply_reserve, max_retries=MAX_RETRIES)
        )
        .concurrent_updates(CONCURRENT_UPDATES)
        .request(AiohttpRequest(pool_size=REPLY_POOL))
        .get_updates_request(AiohttpRequest(pool_size=1, read_timeout=POLL_TIMEOUT, on_answer=fetched))
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.add_handler(TypeHandler(Update, _taken), group=-2)
    register(application, settings)
    return application


def run(settings: Settings) -> None:
    """Serve until SIGINT/SIGTERM: long polling, or a webhook with a secret token (our server:
    secret and size checked before the body)."""
    with contextlib.suppress(ImportError):  # a faster event loop where available (not on Windows)
        import uvloop  # noqa: PLC0415 - optional: not installed on Windows

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    application = build_application(settings)
    if settings.telegram.mode == "webhook":
        asyncio.run(serve_webhook(application, settings))
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
