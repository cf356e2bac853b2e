"""Announcements in Telegram: officials' compose flow and buttons, and /huy (citizens' subscription
commands run on the Conversation, bot/commands.py; what the broadcaster sends through is in
bot/handlers/outbound.py)."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import filters

from bot.announce.model import Content
from bot.handlers import messages
from bot.handlers.common import send, user_of
from bot.handlers.context import BotApplication, BotContext


async def compose(update: Update, context: BotContext) -> None:
    """/soanthongbao: an official starts an announcement (others are refused and recorded)."""
    await send(update, context, await context.services.desk.begin(user_of(update).id))


async def button(update: Update, context: BotContext) -> None:
    """An official's button (a:...)."""
    query = update.callback_query
    if query is None:
        return
    message = query.message
    where = (message.chat.id, message.message_id) if isinstance(message, Message) else None
    await send(update, context, await context.services.desk.action(user_of(update).id, query.data or "", where))


async def content(update: Update, context: BotContext) -> None:
    """The official's message after /soanthongbao (or the send time after "schedule"); when the
    desk waits for nothing from them (asked in the shared state: another instance may have
    begun it), handled as anyone's message."""
    message = update.effective_message
    if message is None:
        return
    if not await context.services.desk.waiting(user_of(update).id):
        if filters.TEXT.check_update(update):  # as the handlers after this one in bot/handlers/__init__.py
            await messages.question(update, context)
        elif not filters.StatusUpdate.ALL.check_update(update):
            await messages.not_text(update, context)
        return
    text = message.text or message.caption or ""
    item: Content | None = None
    if message.photo:
        item = Content(text, "photo", message.photo[-1].file_id)
    elif message.document:
        item = Content(text, "document", message.document.file_id)
    elif message.text:
        item = Content(message.text)
    await send(update, context, await context.services.desk.received(user_of(update).id, item, text))


async def cancel(update: Update, context: BotContext) -> None:
    """/huy while composing; otherwise the citizen's /huy (a pending case lookup)."""
    replies = await context.services.desk.abandon(user_of(update).id)
    if replies is None:
        replies = await context.services.conversation.cancel(user_of(update))
    await send(update, context, replies)


class Official(filters.MessageFilter):
    """Messages from a configured official: whether the desk waits on them (content or a send
    time) is asked in `content`, since a filter cannot wait for the shared state."""

    def __init__(self, application: BotApplication) -> None:
        super().__init__(name="Official")
        self.application = application

    def filter(self, message: Message) -> bool:
        services = self.application.bot_data.services
        user = message.from_user
        return services is not None and user is not None and user.id in services.desk.officials
