"""Sending the Conversation's replies through Telegram, with retries for a flaky network."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.conversation import User
from bot.handlers.context import BotContext
from bot.replies import MESSAGE_LIMIT, Reply, split_message

log = logging.getLogger(__name__)
T = TypeVar("T")


def user_of(update: Update) -> User:
    """The citizen behind an update (id and client language only)."""
    user = update.effective_user
    return User(user.id, user.language_code) if user else User(0)


def markup(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in reply.buttons]
    )


def retry_after_seconds(exc: RetryAfter) -> float:
    """A 429's wait in seconds (python-telegram-bot gives an int or, with PTB_TIMEDELTA, a timedelta)."""
    value = exc.retry_after
    return float(value) if isinstance(value, int | float) else value.total_seconds()


async def deliver(call: Callable[[], Awaitable[T]], retry_seconds: float) -> T:
    """Run a Bot API call, retrying network errors, timeouts and 5xx with backoff for a while.

    429 is handled by the rate limiter first; a RetryAfter that still gets here is waited out.
    BadRequest and Forbidden are not retried: they will not get better.
    """
    deadline = time.monotonic() + retry_seconds
    delay = 0.5
    while True:
        try:
            return await call()
        except RetryAfter as exc:
            wait = retry_after_seconds(exc)
            if time.monotonic() + wait > deadline:
                raise
            await asyncio.sleep(wait)
        except BadRequest:
            raise
        except NetworkError as exc:
            if time.monotonic() + delay > deadline:
                raise
            log.warning("Bot API call failed (%s); retrying in %.1f s", type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 8.0)


async def post(bot: Bot, chat_id: int, reply: Reply, retry: float) -> Message:
    """Send one reply as new message(s) to a chat: text (split when too long) or a photo/document
    with the text as its caption. Returns the last message sent."""
    buttons = markup(reply)
    if reply.media is not None:
        if reply.media.kind == "photo":
            return await deliver(
                partial(bot.send_photo, chat_id, reply.media.file_id, caption=reply.text, reply_markup=buttons), retry
            )
        return await deliver(
            partial(bot.send_document, chat_id, reply.media.file_id, caption=reply.text, reply_markup=buttons), retry
        )
    parts = split_message(reply.text)
    sent: Message | None = None
    for number, part in enumerate(parts, 1):
        sent = await deliver(
            partial(bot.send_message, chat_id, part, reply_markup=buttons if number == len(parts) else None), retry
        )
    assert sent is not None
    return sent


async def send(update: Update, context: BotContext, replies: list[Reply]) -> None:
    """Show replies: edit the pressed message in place, or send new messages."""
    retry = context.services.settings.telegram.retry_seconds
    query = update.callback_query
    if query is not None:
        notice = next((r.notice for r in replies if r.notice), None)
        await deliver(partial(query.answer, notice), retry)
    chat = update.effective_chat
    if chat is None:
        return
    for reply in replies:
        if not reply.text and reply.media is None:
            continue
        if reply.to is not None:
            try:
                await post(context.bot, reply.to, reply, retry)
            except (BadRequest, Forbidden):  # the other person blocked the bot: the answer here still goes
                log.warning("a message to another chat could not be delivered")
            continue
        target = query.message if query is not None and reply.edit and reply.media is None else None
        if isinstance(target, Message) and len(reply.text) <= MESSAGE_LIMIT:
            try:
                await deliver(partial(target.edit_text, reply.text, reply_markup=markup(reply)), retry)
                continue
            except BadRequest as exc:
                if "message is not modified" in exc.message.lower():  # a double tap: already shown
                    continue
                log.debug("edit failed (%s); sending a new message", exc)  # e.g. too old to edit
        await post(context.bot, chat.id, reply, retry)
