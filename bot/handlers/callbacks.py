"""Button presses."""

from __future__ import annotations

from telegram import Update

from bot.handlers.common import send, user_of
from bot.handlers.context import BotContext


async def button(update: Update, context: BotContext) -> None:
    """An inline button: let the conversation decide, then edit or send."""
    query = update.callback_query
    if query is None:
        return
    replies = await context.services.conversation.action(user_of(update), query.data or "")
    await send(update, context, replies)
