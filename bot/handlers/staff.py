"""Communications staff in Telegram: /faq_reload and /faq_gaps. Only user ids in `staff.editors`
may use the commands; others are refused and recorded. (Reload reports to the staff chat go out
through bot/handlers/outbound.py.)"""

from __future__ import annotations

import datetime as dt
import html
import logging
from zoneinfo import ZoneInfo

from telegram import Update

from bot.handlers.common import send, user_of
from bot.handlers.context import BotContext
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
    outcome = await services.reload()  # the requester gets the report
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
