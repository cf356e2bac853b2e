"""The services' way out through Telegram (their `Outlet`): announcements sent by the broadcaster,
progress and approval messages for officials, FAQ reload reports for the staff chat."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.announce.board import Board
from bot.announce.desk import Desk
from bot.announce.model import Announcement
from bot.announce.sender import Outcome, Result
from bot.config import Settings
from bot.handlers.common import deliver, markup, post, retry_after_seconds
from bot.http import AiohttpRequest
from bot.ratelimit import PriorityLimiter
from bot.replies import Reply

log = logging.getLogger(__name__)
_GONE = ("chat not found", "user is deactivated", "bot was kicked", "have no rights to send")
BROADCAST_POOL = 16  # connections for announcements, beside the replies' own pool


class TelegramTransport:
    """The broadcaster's way out: one announcement to one chat, the answer as an Outcome."""

    def __init__(self, bot: Bot, board: Board) -> None:
        self.bot = bot
        self.board = board
        self._rendered: tuple[int, Reply] | None = None  # the announcement being sent, rendered once

    async def send(self, chat_id: int, announcement: Announcement) -> Result:
        if self._rendered is None or self._rendered[0] != announcement.id:
            self._rendered = (announcement.id, self.board.message(announcement))
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
        await deliver(
            partial(
                bot.edit_message_text, reply.text, item.progress_chat, item.progress_message, reply_markup=markup(reply)
            ),
            retry,
        )
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


class TelegramOutlet:
    """The services' `Outlet`. Announcements go through a Bot of their own whose rate limiter is
    the broadcast view of the application's: the same overall rate, minus the reserve that
    replies keep. Everything else goes through the application's Bot."""

    def __init__(self, bot: ExtBot[Any], settings: Settings) -> None:
        self.bot = bot
        self.retry = settings.telegram.retry_seconds
        self.staff_chat = settings.staff.chat_id
        limiter = bot.rate_limiter
        broadcasts = limiter.broadcasts() if isinstance(limiter, PriorityLimiter) else limiter
        self.broadcast_bot: ExtBot[Any] = ExtBot(
            bot.token,
            base_url=settings.telegram.api_base_url,
            request=AiohttpRequest(pool_size=BROADCAST_POOL),
            defaults=bot.defaults,
            rate_limiter=broadcasts,
        )

    async def open(self) -> None:
        await self.broadcast_bot.initialize()

    async def close(self) -> None:
        await self.broadcast_bot.shutdown()

    def transport(self, board: Board) -> TelegramTransport:
        return TelegramTransport(self.broadcast_bot, board)

    async def progress(self, desk: Desk, item: Announcement) -> None:
        await report_progress(self.bot, desk, self.retry, item)

    async def approval(self, desk: Desk, item: Announcement) -> bool:
        return await ask_approval(self.bot, desk, self.retry, item)

    async def tell_staff(self, text: str) -> None:
        if self.staff_chat is None:
            return
        try:
            await self.bot.send_message(self.staff_chat, text)
        except TelegramError:  # the report is also in the log; the bot keeps serving
            log.warning("could not send the FAQ reload report to the staff chat", exc_info=True)
