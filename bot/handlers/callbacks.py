"""Citizens' button presses (menu, FAQ, case lookup, announcements; see bot/actions.py)."""

from __future__ import annotations

from telegram import Update

from bot.handlers.common import send, user_of
from bot.handlers.context import BotContext


async def button(update: Update, context: BotContext) -> None:
    """An inline button: let the conversation decide, then edit or send. Data that matches no
    feature (forged or from an old version) gets here too and is answered "expired"."""
    query = update.callback_query
    if query is None:
        return
    replies = await context.services.conversation.action(user_of(update), query.data or "")
    await send(update, context, replies)
