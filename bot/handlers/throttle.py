"""The per-citizen throttle, in front of every other handler (group -1 in the registration list).

An update over the user's limit stops here: no handler runs, so nothing is answered or stored.
The first of a flood gets a polite "slow down" (a message, or the button's notice), once. On
PostgreSQL the buckets are shared by every instance (bot/state/flood.py: one upsert per update);
on SQLite, or while PostgreSQL fails, they are this process's own (bot/throttle.py).
"""

from __future__ import annotations

import logging
from functools import partial

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.handlers.common import deliver
from bot.handlers.context import BotContext
from bot.texts.throttle import slow_down
from bot.throttle import Throttle, Verdict

log = logging.getLogger(__name__)


class Gate:
    """A handler callback holding the throttle's buckets."""

    def __init__(self, throttle: Throttle) -> None:
        self.throttle = throttle

    async def __call__(self, update: Update, context: BotContext) -> None:
        user, chat = update.effective_user, update.effective_chat
        # No user (a channel's post: anyone can make the bot an admin of a channel): its chat's
        # bucket. Channel and group ids are negative, so they never share a citizen's bucket.
        sender = user.id if user is not None else chat.id if chat is not None else None
        if sender is None:
            return
        verdict = await self._verdict(sender, context)
        if verdict is Verdict.ADMIT:
            return
        if verdict is Verdict.WARN:
            log.info("a user is sending too fast; their messages are dropped for a while")
            text = slow_down(user.language_code if user else None)
            try:
                if update.callback_query is not None:
                    await deliver(partial(update.callback_query.answer, text), retry_seconds=5)
                elif update.effective_chat is not None:
                    await deliver(partial(context.bot.send_message, update.effective_chat.id, text), retry_seconds=5)
            except TelegramError:  # best effort: the flood is dropped either way
                log.warning("could not tell a user to slow down")
        raise ApplicationHandlerStop

    async def _verdict(self, sender: int, context: BotContext) -> Verdict:
        floods = context.services.state.floods
        if floods.available:
            try:
                return await floods.admit(sender, self.throttle.burst, self.throttle.rate * 60)
            except Exception as exc:  # the state database failed: this process's buckets meanwhile
                log.warning("the shared flood throttle failed (%s); using this instance's", type(exc).__name__)
        return self.throttle.admit(sender)
