"""Logging set-up for every command: one format, and a filter that keeps secrets out of every line.

The cause is fixed where secrets could enter a message (bot/http.py raises transport errors without
the aiohttp exception, whose text holds the request URL and so the token). The filter is the safety
net for what we do not control: it redacts the token (and its secret half) and the webhook secret
wherever they appear, in the message, its arguments, the formatted traceback and the stack.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from types import TracebackType

REDACTED = "[redacted]"


class Redact(logging.Filter):
    """Replace each secret in a record by [redacted] before any handler formats it."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        words = {s for s in secrets if s and len(s) >= 8}
        self._secrets = sorted(words, key=len, reverse=True)  # the whole token before its half
        self._formatter = logging.Formatter()

    def _clean(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a bad format: let the handler report it, redacted
            message = f"{record.msg!s} {record.args!r}"
        clean = self._clean(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        return True


def secrets_of(token: str | None, *others: str | None) -> list[str | None]:
    """The token, its secret half (after the colon), and any other secret."""
    halves = [token.partition(":")[2]] if token else []
    return [token, *halves, *others]


def setup(level: str, secrets: Iterable[str | None]) -> None:
    """Configure the root logger once; an uncaught exception is logged through the same filter."""
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines carry the token URL
    logging.getLogger("watchfiles").setLevel(logging.WARNING)  # "N changes detected" on every save
    redact = Redact(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)

    def uncaught(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        logging.getLogger("bot").critical("stopped by an unexpected error", exc_info=(kind, error, trace))

    sys.excepthook = uncaught
