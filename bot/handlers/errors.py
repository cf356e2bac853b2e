"""The one error handler: log the traceback for operators, apologise to the citizen."""

from __future__ import annotations

import logging
from functools import partial

from telegram import Update

from bot.handlers.common import deliver
from bot.handlers.context import BotContext
from bot.texts import VI

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the error type and update id (never the update's content) and reply politely."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s: %s", update_id, type(context.error).__name__, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        chat_id = update.effective_chat.id
        try:
            await deliver(partial(context.bot.send_message, chat_id, VI.error), retry_seconds=5)
        except Exception:  # the apology is best effort; the error is already logged
            log.warning("could not send the apology for update %s", update_id)
