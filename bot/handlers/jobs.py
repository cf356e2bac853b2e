"""Background jobs: telling case followers about changes; deleting old questions."""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from telegram.error import BadRequest, Forbidden

from bot.handlers.common import deliver, markup
from bot.handlers.context import BotContext
from bot.state.claims import KEEP_DAYS

log = logging.getLogger(__name__)


async def notify_case_changes(context: BotContext) -> None:
    """Send followers the changes found in the current case export (the leader instance only)."""
    if not await context.services.leader.leads():
        return
    lookup = context.services.conversation.lookup
    retry = context.services.settings.telegram.retry_seconds
    for notice in await lookup.changes():
        reply = notice.reply
        try:
            await deliver(
                partial(context.bot.send_message, notice.chat_id, reply.text, reply_markup=markup(reply)), retry
            )
        except Forbidden:  # the citizen blocked the bot: stop following for them
            await lookup.state.unsubscribe_cases(notice.chat_id)
        except BadRequest as exc:  # refused as it is (chat gone, bad text): sending it again fails again
            log.warning("a case notification was refused (%s); this change is skipped", type(exc).__name__)
            await lookup.delivered(notice)
        except Exception as exc:  # kept unseen, so the next check sends it again; logged without content
            log.warning("a case notification could not be sent (%s); it will be retried", type(exc).__name__)
        else:
            await lookup.delivered(notice)


async def forget_old_questions(context: BotContext) -> None:
    """Delete stored questions, feedback, the lookup audit, broadcast recipients and refusals older
    than `state.retention_days`, language choices older than `preference_days`, and drafts older
    than `draft_days`; chats that follow nothing any more; webhook update claims older than two
    days, expired dialogue state and idle flood buckets (the leader instance only)."""
    if not await context.services.leader.leads():
        return
    settings = context.services.settings.state
    days, now = settings.retention_days, dt.datetime.now(dt.UTC)
    cutoff = now - dt.timedelta(days=days)
    state = context.services.state
    deleted = await state.forget_before(cutoff) + await state.announcements.forget_before(cutoff)
    deleted += await state.forget_preferences_before(now - dt.timedelta(days=settings.preference_days))
    deleted += await state.forget_drafts_before(now - dt.timedelta(days=settings.draft_days))
    deleted += await state.forget_idle_chats()
    # Webhook update claims (Telegram gives up on an update within a day) and expired dialogue state.
    deleted += await state.claims.forget_before(now - dt.timedelta(days=KEEP_DAYS))
    deleted += await state.dialogue.forget_expired()
    telegram = context.services.settings.telegram  # a flood bucket is full again after burst / rate
    deleted += await state.floods.forget_idle(60 * telegram.user_burst / telegram.user_per_minute)
    if deleted:
        log.info("retention: %d stored row(s) older than %d days deleted", deleted, days)
