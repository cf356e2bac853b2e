"""The one error handler: log the traceback for operators, apologise to the citizen."""

from __future__ import annotations

import logging
from functools import partial

from telegram import Update

from bot.handlers.common import deliver, user_of
from bot.handlers.context import BotContext
from bot.texts import VI, texts_for

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Log the error type and update id (never the update's content) and reply politely."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s: %s", update_id, type(context.error).__name__, exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        chat_id = update.effective_chat.id
        try:
            await deliver(partial(context.bot.send_message, chat_id, await _apology(update, context)), retry_seconds=5)
        except Exception:  # the apology is best effort; the error is already logged
            log.warning("could not send the apology for update %s", update_id)


async def _apology(update: Update, context: BotContext) -> str:
    """The apology in the citizen's language; in Vietnamese when even that cannot be read (the
    state database may be what failed)."""
    try:
        return texts_for(await context.services.conversation.language(user_of(update))).error
    except Exception:  # the error being reported may be this one; Vietnamese is always right
        return VI.error
