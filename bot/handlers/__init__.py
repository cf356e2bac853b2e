"""Telegram adapters: thin handlers over the Conversation, and the one ordered registration list."""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.app import BotApplication
from bot.config import Settings
from bot.handlers import callbacks, commands, errors, jobs, messages


def register(application: BotApplication, settings: Settings) -> None:
    """Register every handler, in the order they must be tried."""
    # Commands first, so "/help" is never taken for a question.
    application.add_handler(CommandHandler("start", commands.start))
    application.add_handler(CommandHandler("help", commands.help_))
    application.add_handler(CommandHandler(["chude", "topics"], commands.topics))
    application.add_handler(CommandHandler(["lienhe", "contact"], commands.contact))
    application.add_handler(CommandHandler("lang", commands.language))
    application.add_handler(CommandHandler(["tracuu", "lookup"], commands.lookup))
    application.add_handler(CommandHandler(["huy", "cancel"], commands.cancel))
    application.add_handler(CommandHandler(["huytheodoi", "unfollow"], commands.unfollow))
    # Button presses.
    application.add_handler(CallbackQueryHandler(callbacks.button))
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
