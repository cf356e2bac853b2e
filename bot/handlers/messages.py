"""Message handlers: a text is a question; anything else gets a hint to type."""

from __future__ import annotations

from telegram import Update

from bot.handlers.common import send, user_of
from bot.handlers.context import BotContext


async def question(update: Update, context: BotContext) -> None:
    """Free text: answer it."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    await send(update, context, await context.services.conversation.text(user_of(update), message.text))


async def not_text(update: Update, context: BotContext) -> None:
    """Photo, sticker, voice, file, edited message...: ask for a typed question."""
    await send(update, context, await context.services.conversation.non_text(user_of(update)))
