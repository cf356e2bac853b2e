"""Communications staff in Telegram: /faq_reload, /faq_gaps, and FAQ reload reports to the staff
chat. Only user ids in `staff.editors` may use the commands; others are refused and recorded."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.app import BotApplication, BotContext, Services, apply_content
from bot.content import Content, Loaded, Rejected
from bot.faq.yamlfile import Problem
from bot.handlers.common import send, user_of
from bot.reload import describe
from bot.replies import Reply
from bot.reports.gaps import collect_gaps
from bot.reports.render import gaps_summary
from bot.texts.staff import BAD_DATE, PRIVATE_ONLY, REFUSED

log = logging.getLogger(__name__)
GAP_DAYS = 30  # /faq_gaps without a date: the last 30 days


async def _allowed(update: Update, context: BotContext, action: str) -> bool:
    user = user_of(update).id
    services = context.services
    if user in services.settings.staff.editors:
        return True
    log.warning("refused a staff command (%s) from a user who is not staff", action)
    await services.state.announcements.record_refusal(services.state.user_key(user), action)
    await send(update, context, [Reply(REFUSED)])
    return False


async def faq_reload(update: Update, context: BotContext) -> None:
    """/faq_reload: check the FAQ files now and use them if they have no error."""
    if not await _allowed(update, context, "faq_reload"):
        return
    services = context.services
    outcome = await services.reloader.reload("manual", notify=False)  # the requester gets the report
    if isinstance(outcome, Loaded):
        apply_content(services, outcome.content)
    await send(update, context, [Reply(describe(outcome, services.reloader.current))])


async def faq_gaps(update: Update, context: BotContext) -> None:
    """/faq_gaps [YYYY-MM-DD]: the biggest groups of questions the bot could not answer."""
    if not await _allowed(update, context, "faq_gaps"):
        return
    services = context.services
    chat = update.effective_chat
    if chat is None or (chat.type != "private" and chat.id != services.settings.staff.chat_id):
        await send(update, context, [Reply(PRIVATE_ONLY)])
        return
    zone = ZoneInfo(services.settings.announcements.timezone)
    try:
        since = dt.date.fromisoformat(context.args[0]) if context.args else None
    except ValueError:
        await send(update, context, [Reply(BAD_DATE)])
        return
    since = since or (dt.datetime.now(zone) - dt.timedelta(days=GAP_DAYS)).date()
    start = dt.datetime.combine(since, dt.time(), zone)
    knowledge = services.conversation.knowledge
    report = await collect_gaps(services.state, knowledge, start, limit=5)
    text = gaps_summary(report, knowledge.faq, since, zone)
    await send(update, context, [Reply(html.escape(text, quote=False))])


async def _tell_staff(bot: Bot, services: Services, text: str) -> None:
    chat = services.settings.staff.chat_id
    if chat is None:
        return
    try:
        await bot.send_message(chat, text)
    except TelegramError:  # the report is also in the log; the bot keeps serving
        log.warning("could not send the FAQ reload report to the staff chat", exc_info=True)


def start_watching(application: BotApplication, services: Services) -> None:
    """Swap in each valid save, tell the staff chat about refused ones, and watch the files."""
    bot, reloader = application.bot, services.reloader

    async def loaded(content: Content, warnings: Sequence[Problem]) -> None:
        apply_content(services, content)
        await _tell_staff(bot, services, describe(Loaded(content, tuple(warnings)), content))

    async def rejected(problems: Sequence[Problem]) -> None:
        await _tell_staff(bot, services, describe(Rejected.of(problems), reloader.current))

    reloader.on_loaded, reloader.on_rejected = loaded, rejected
    if isinstance(services.reload_startup, Rejected):
        services.background.append(asyncio.create_task(rejected(services.reload_startup.problems)))
    if services.settings.faq.watch:
        services.background.append(asyncio.create_task(reloader.watch(), name="faq-watch"))
