"""How handlers reach the services: python-telegram-bot's typed context (contexttypesbot)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.services import Services


class BotData:
    """Application-wide data: the services, set in post_init."""

    def __init__(self) -> None:
        self.services: Services | None = None


class BotContext(CallbackContext[ExtBot[Any], Any, Any, BotData]):
    """The handlers' context, with typed access to the services."""

    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are not ready (post_init has not run)")
        return services


BotApplication = Application[Any, BotContext, Any, Any, BotData, Any]
