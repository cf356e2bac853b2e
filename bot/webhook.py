"""Webhook mode on our own aiohttp server instead of python-telegram-bot's tornado one.

PTB's server reads a whole request body (tornado's default cap is 100 MB) before it checks the
secret, and compares the secret with `!=`. Here the secret header is compared in constant time
and the declared length is checked before a byte of the body is read; a body without a
Content-Length is cut at the same cap while it is read. (Telegram-specific like bot/app.py: the
core never imports this.)

Several instances may stand behind one address: each update's id is claimed in the shared state
first (bot/state/claims.py) and the update handled before Telegram gets its 200, so an update is
answered once and never lost. Telegram (or the load balancer) sends it again whenever it got no
200: the copy is then answered 200 at once when done, 503 while another instance still holds it,
and handled again only when that claim is older than `webhook.claim_seconds` (its instance died).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import signal
from typing import Any

from aiohttp import web
from telegram import Update

from bot import healthz
from bot.config import Settings
from bot.state.claims import Claim, holder_id

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def handle_once(application: Any, update: Update, holder: str, claim_seconds: float) -> web.Response:
    """Handle `update` unless another instance did or does; 200 only once it is handled. It is
    claimed once one of the Application's concurrent slots is free (as updates from its queue
    wait for one), so the claim's age measures handling, not waiting."""
    claims, bot_id = application.bot_data.services.state.claims, application.bot.id

    async def claimed() -> None:
        try:
            claim = await claims.claim(bot_id, update.update_id, holder, claim_seconds)
        except Exception as exc:  # the state database is unreachable: Telegram keeps the update and retries
            log.warning("an update could not be claimed (%s); Telegram will send it again", type(exc).__name__)
            raise web.HTTPServiceUnavailable() from None
        if claim is Claim.BUSY:  # another instance is on it: done by Telegram's retry, or taken over then
            raise web.HTTPServiceUnavailable()
        if claim is Claim.DONE:
            return
        try:
            await application.process_update(update)
        except BaseException:
            with contextlib.suppress(Exception):
                await claims.release(bot_id, update.update_id, holder)
            raise
        if not await claims.finish(bot_id, update.update_id, holder):
            log.warning("an update took longer than webhook.claim_seconds and was taken over by another instance")

    await application.update_processor.process_update(update, claimed())
    return web.Response()


def webhook_app(
    application: Any, path: str, secret: str, max_body: int, claim_seconds: float = 90.0
) -> web.Application:
    """The aiohttp app that takes Telegram's POSTs at /`path` and handles each update once."""
    expected = secret.encode()
    holder = holder_id()  # this process's name on its claims

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):  # before the body: nothing is read for a stranger
            raise web.HTTPForbidden()
        if request.content_length is not None and request.content_length > max_body:
            raise web.HTTPRequestEntityTooLarge(max_size=max_body, actual_size=request.content_length)
        body = await request.read()  # aiohttp stops at client_max_size (413) when no length was given
        try:
            update = Update.de_json(json.loads(body), application.bot)
        except (ValueError, TypeError, KeyError, AttributeError):
            log.warning("the webhook received a body that is not an update (%d bytes)", len(body))
            raise web.HTTPBadRequest() from None
        return await handle_once(application, update, holder, claim_seconds)

    app = web.Application(client_max_size=max_body)
    app.router.add_post("/" + path.strip("/"), receive)
    app.router.add_get(healthz.PATH, healthz.handler(application))
    return app


async def open_webhook(application: Any, settings: Settings) -> web.AppRunner:
    """Listen for Telegram's calls, then register the webhook with Telegram."""
    hook, secret = settings.telegram.webhook, settings.webhook_secret
    if not secret:
        raise ValueError("webhook mode needs TELEGRAM_WEBHOOK_SECRET")
    # A refused request's unread body is discarded for at most a second, then the connection closes.
    runner = web.AppRunner(
        webhook_app(application, hook.path, secret, hook.max_body_bytes, hook.claim_seconds),
        access_log=None,
        handle_signals=False,
        lingering_time=1.0,
    )
    await runner.setup()
    await web.TCPSite(runner, hook.listen, hook.port).start()
    await application.bot.set_webhook(hook.url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
    return runner


async def serve_webhook(application: Any, settings: Settings) -> None:
    """Run the Application on the webhook until SIGINT or SIGTERM, with the same start-up and
    shutdown steps as python-telegram-bot's run_webhook (post_init ... post_shutdown)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows: Ctrl+C ends the loop instead
            loop.add_signal_handler(number, stop.set)
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        runner = await open_webhook(application, settings)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
            await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
