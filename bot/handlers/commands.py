"""Command handlers: parse, call the conversation, send."""

from __future__ import annotations

from telegram import Update

from bot.handlers.common import send, user_of
from bot.handlers.context import BotContext


async def start(update: Update, context: BotContext) -> None:
    """/start [payload]: welcome and menu; a deep link (t.me/<bot>?start=<code>) starts a lookup."""
    payload = context.args[0] if context.args else None
    await send(update, context, await context.services.conversation.start(user_of(update), payload))


async def lookup(update: Update, context: BotContext) -> None:
    """/tracuu [code]: look up a case."""
    code = " ".join(context.args) if context.args else None
    await send(update, context, await context.services.conversation.case(user_of(update), code))


async def help_(update: Update, context: BotContext) -> None:
    """/help: how to use the bot."""
    await send(update, context, await context.services.conversation.help(user_of(update)))


async def topics(update: Update, context: BotContext) -> None:
    """/chude: browse questions by topic."""
    await send(update, context, await context.services.conversation.topics(user_of(update)))


async def contact(update: Update, context: BotContext) -> None:
    """/lienhe: the agency's contact details."""
    await send(update, context, await context.services.conversation.contact(user_of(update)))


async def language(update: Update, context: BotContext) -> None:
    """/lang [vi|en]: set the language, or offer the choice."""
    conversation, user = context.services.conversation, user_of(update)
    if context.args:
        await send(update, context, await conversation.set_language(user, context.args[0]))
    else:
        await send(update, context, await conversation.choose_language(user))


async def unfollow(update: Update, context: BotContext) -> None:
    """/huytheodoi: stop case notifications."""
    await send(update, context, await context.services.conversation.unfollow(user_of(update)))
