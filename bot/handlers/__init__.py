"""Telegram adapters: thin handlers over the Conversation, and the one ordered registration list."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, TypeHandler, filters

from bot.actions import CODECS, pattern
from bot.commands import COMMANDS
from bot.config import Settings
from bot.handlers import announce, callbacks, commands, errors, jobs, messages, staff, throttle
from bot.handlers.context import BotApplication
from bot.throttle import Throttle

# Commands whose handler needs Telegram: staff and officials' (who typed it, in which chat), and
# /huy, which also ends an official's composing. Every other row runs on the Conversation.
TELEGRAM_COMMANDS: dict[str, commands.Handler] = {
    "huy": announce.cancel,
    "faq_reload": staff.faq_reload,
    "faq_gaps": staff.faq_gaps,
    "soanthongbao": announce.compose,
}
# The Telegram handler of each feature's buttons: officials' go to the desk.
BUTTONS: dict[str, commands.Handler] = {
    "menu": callbacks.button,
    "faq": callbacks.button,
    "lookup": callbacks.button,
    "board": callbacks.button,
    "desk": announce.button,
}


def register(application: BotApplication, settings: Settings) -> None:
    """Register every handler, in the order they must be tried."""
    # Before everything (group -1): a user over their rate is stopped here, answered at most once.
    limits = settings.telegram
    application.add_handler(
        TypeHandler(Update, throttle.Gate(Throttle(limits.user_burst, limits.user_per_minute))), group=-1
    )
    # Commands first, so "/help" is never taken for a question: one handler per row of bot/commands.py.
    for command in COMMANDS:
        application.add_handler(
            CommandHandler(list(command.names), TELEGRAM_COMMANDS.get(command.name) or commands.citizen(command))
        )
    # Button presses: one handler per feature of bot/actions.py, then data that matches none
    # (forged, or from an old version), which the conversation answers "expired".
    for feature in CODECS:
        application.add_handler(CallbackQueryHandler(BUTTONS[feature], pattern=pattern(feature)))
    application.add_handler(CallbackQueryHandler(callbacks.button))
    # An official's next message after /soanthongbao (or "schedule") is content, not a question
    # (announce.content asks the desk; what it does not wait for goes on as a question or hint).
    application.add_handler(
        MessageHandler(announce.Official(application) & ~filters.COMMAND & ~filters.UpdateType.EDITED, announce.content)
    )
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
