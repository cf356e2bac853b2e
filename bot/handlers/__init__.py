"""Telegram adapters: thin handlers over the Conversation, and the one ordered registration list."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, TypeHandler, filters

from bot.app import BotApplication
from bot.config import Settings
from bot.handlers import announce, callbacks, commands, errors, jobs, messages, staff, throttle
from bot.throttle import Throttle


def register(application: BotApplication, settings: Settings) -> None:
    """Register every handler, in the order they must be tried."""
    # Before everything (group -1): a user over their rate is stopped here, answered at most once.
    limits = settings.telegram
    application.add_handler(TypeHandler(Update, throttle.Gate(Throttle(limits.user_burst, limits.user_per_minute))),
                            group=-1)
    # Commands first, so "/help" is never taken for a question.
    application.add_handler(CommandHandler("start", commands.start))
    application.add_handler(CommandHandler("help", commands.help_))
    application.add_handler(CommandHandler(["chude", "topics"], commands.topics))
    application.add_handler(CommandHandler(["lienhe", "contact"], commands.contact))
    application.add_handler(CommandHandler("lang", commands.language))
    application.add_handler(CommandHandler(["tracuu", "lookup"], commands.lookup))
    # /huy also ends an official's composing; otherwise it is the citizen's /huy.
    application.add_handler(CommandHandler(["huy", "cancel"], announce.cancel))
    application.add_handler(CommandHandler(["huytheodoi", "unfollow"], commands.unfollow))
    application.add_handler(CommandHandler(["dangky", "subscribe"], announce.subscribe))
    application.add_handler(CommandHandler(["huydangky", "unsubscribe"], announce.unsubscribe))
    application.add_handler(CommandHandler(["thongbao", "news"], announce.archive))
    # Communications staff only (others are refused and recorded).
    application.add_handler(CommandHandler("faq_reload", staff.faq_reload))
    application.add_handler(CommandHandler("faq_gaps", staff.faq_gaps))
    # Officials only (the desk refuses and records anyone else).
    application.add_handler(CommandHandler(["soanthongbao", "announce"], announce.compose))
    # Button presses: officials' announcement buttons, then everything else.
    application.add_handler(CallbackQueryHandler(announce.button, pattern=r"^a:"))
    application.add_handler(CallbackQueryHandler(callbacks.button))
    # An official's next message after /soanthongbao (or "schedule") is content, not a question.
    application.add_handler(MessageHandler(
        announce.Composing(application) & ~filters.COMMAND & ~filters.UpdateType.EDITED, announce.content))
    # Edited messages are not re-answered (the answer is already in the chat): a short hint.
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, messages.not_text))
    # Free text is a question; unknown commands are treated as text too.
    application.add_handler(MessageHandler(filters.TEXT, messages.question))
    # Photos, stickers, voice, files, locations...: ask for text instead of failing.
    application.add_handler(MessageHandler(filters.ALL & ~filters.StatusUpdate.ALL, messages.not_text))
    application.add_error_handler(errors.on_error)
    # Case followers are told about changes when a new export arrives.
    if application.job_queue is not None:
        seconds = settings.cases.check_seconds
        application.job_queue.run_repeating(jobs.notify_case_changes, interval=seconds, first=seconds)
        # Retention: questions, feedback, lookups, old preferences and drafts (state.* settings).
        application.job_queue.run_repeating(jobs.forget_old_questions, interval=6 * 3600, first=30)
