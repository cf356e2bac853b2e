"""Announcements in Telegram: officials' compose flow and buttons, /huy, and the transport the
broadcaster sends through (citizens' subscription commands run on the Conversation, bot/commands.py)."""

from __future__ import annotations

import logging
from functools import partial

from telegram import Bot, Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import filters

from bot.announce.desk import Desk
from bot.announce.model import Announcement, Content
from bot.announce.sender import Outcome, Result
from bot.app import BotApplication, BotContext
from bot.handlers.common import deliver, markup, post, retry_after_seconds, send, user_of
from bot.replies import Reply

log = logging.getLogger(__name__)
_GONE = ("chat not found", "user is deactivated", "bot was kicked", "have no rights to send")


class TelegramTransport:
    """The broadcaster's way out: one announcement to one chat, the answer as an Outcome."""

    def __init__(self, bot: Bot, desk: Desk) -> None:
        self.bot = bot
        self.desk = desk
        self._rendered: tuple[int, Reply] | None = None  # the announcement being sent, rendered once

    async def send(self, chat_id: int, announcement: Announcement) -> Result:
        if self._rendered is None or self._rendered[0] != announcement.id:
            self._rendered = (announcement.id, self.desk.board.message(announcement))
        reply = self._rendered[1]
        try:
            message = await post(self.bot, chat_id, reply, retry=0)
        except RetryAfter as exc:
            return Result(Outcome.RETRY_AFTER, retry_after=retry_after_seconds(exc))
        except Forbidden:
            return Result(Outcome.BLOCKED)
        except BadRequest as exc:  # before NetworkError: BadRequest is one
            gone = any(phrase in exc.message.lower() for phrase in _GONE)
            return Result(Outcome.BLOCKED if gone else Outcome.REFUSED)
        except NetworkError:  # timeouts, dropped connections, 5xx
            return Result(Outcome.TRANSIENT)
        return Result(Outcome.SENT, message_id=message.message_id)


async def report_progress(bot: Bot, desk: Desk, retry: float, item: Announcement) -> None:
    """Edit the official's progress message (or start one for a scheduled announcement)."""
    if item.progress_chat is None or item.progress_message is None:
        if item.author_id not in desk.officials:
            return  # queued from the terminal: `python -m bot announce status` shows it
        message = await post(bot, item.author_id, desk.progress(item), retry)
        await desk.store.set_progress(item.id, message.chat_id, message.message_id)
        return
    reply = desk.progress(item)
    try:
        await deliver(partial(bot.edit_message_text, reply.text, item.progress_chat, item.progress_message,
                              reply_markup=markup(reply)), retry)
    except BadRequest as exc:  # "message is not modified": nothing changed since the last report
        log.debug("progress edit skipped (%s)", exc)


async def ask_approval(bot: Bot, desk: Desk, retry: float, item: Announcement) -> bool:
    """Show an announcement awaiting approval to every approver except its author; whether at
    least one of them got it."""
    replies = await desk.approval_request(item)
    reached = False
    for approver in desk.approvers(item):
        try:
            for reply in replies:
                await post(bot, approver, reply, retry)
            reached = True
        except TelegramError as exc:  # never opened the bot, blocked it, network: ask the others
            log.warning("an approver could not be asked (%s)", type(exc).__name__)
    return reached


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
    """The official's message after /soanthongbao (or the send time after "schedule")."""
    message = update.effective_message
    if message is None:
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
    replies = context.services.desk.abandon(user_of(update).id)
    if replies is None:
        replies = await context.services.conversation.cancel(user_of(update))
    await send(update, context, replies)


class Composing(filters.MessageFilter):
    """Messages from an official the desk is waiting on (content or a send time)."""

    def __init__(self, application: BotApplication) -> None:
        super().__init__(name="Composing")
        self.application = application

    def filter(self, message: Message) -> bool:
        services = self.application.bot_data.services
        user = message.from_user
        return services is not None and user is not None and services.desk.waiting(user.id)
