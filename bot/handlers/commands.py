"""Citizens' commands in Telegram: one adapter runs any row of bot/commands.py on the Conversation."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update

from bot.commands import Command
from bot.handlers.common import send, user_of
from bot.handlers.context import BotContext

Handler = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


def citizen(command: Command) -> Handler:
    """The Telegram handler of a citizens' command: its words after the name are the argument."""
    run = command.run
    if run is None:
        raise ValueError(f"/{command.name} has no Telegram-free handler")

    async def handle(update: Update, context: BotContext) -> None:
        argument = " ".join(context.args or ())
        await send(update, context, await run(context.services.conversation, user_of(update), argument))

    handle.__name__ = f"command_{command.name}"
    return handle
