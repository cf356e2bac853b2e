"""The settings models: every key of config.yaml, its default and its help, in one place.

config.yaml's comments are the staff-facing documentation of the same keys; a test
(tests/test_config.py) checks that the two agree: same keys, same defaults, every key commented.
Reading the file and the environment is bot/config.py's job.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator

from bot.settings.base import _Section, is_placeholder
from bot.settings.core import (
    AgencySettings,
    FaqSettings,
    HealthSettings,
    LoggingSettings,
    MatchingSettings,
    StateSettings,
    TelegramSettings,
    WebhookSettings,
)
from bot.settings.features import AnnouncementSettings, CasesSettings, Official, StaffSettings, Topic

__all__ = [
    "AgencySettings",
    "AnnouncementSettings",
    "CasesSettings",
    "FaqSettings",
    "HealthSettings",
    "LoggingSettings",
    "MatchingSettings",
    "Official",
    "Settings",
    "StaffSettings",
    "StateSettings",
    "TelegramSettings",
    "Topic",
    "WebhookSettings",
    "is_placeholder",
]


class Settings(_Section):
    agency: AgencySettings = Field(AgencySettings(), description="Agency details shown to citizens.")
    telegram: TelegramSettings = Field(TelegramSettings(), description="The connection to Telegram.")
    faq: FaqSettings = Field(FaqSettings(), description="The FAQ files and the limits `faq check` applies.")
    matching: MatchingSettings = Field(
        MatchingSettings(), description="When the bot answers, suggests or says it does not know."
    )
    state: StateSettings = Field(StateSettings(), description="The writable state database.")
    cases: CasesSettings = Field(CasesSettings(), description="Case lookup.")
    staff: StaffSettings = Field(StaffSettings(), description="Communications staff.")
    announcements: AnnouncementSettings = Field(AnnouncementSettings(), description="Announcements.")
    logging: LoggingSettings = Field(LoggingSettings(), description="Logging.")
    health: HealthSettings = Field(HealthSettings(), description="The health check (/healthz, `python -m bot health`).")
    # Secrets and the file's own path: never read from the file, only from the environment.
    token: str | None = Field(None, exclude=True, description="TELEGRAM_BOT_TOKEN.")
    webhook_secret: str | None = Field(None, exclude=True, description="TELEGRAM_WEBHOOK_SECRET.")
    source: Path | None = Field(None, exclude=True, description="The configuration file read.")

    @model_validator(mode="after")
    def _audit_outlives_cooldown(self) -> Settings:
        # The per-case limit counts the lookup audit; pruning it sooner would reopen a locked case early.
        if self.state.retention_days * 24 < self.cases.case_cooldown_hours:
            raise ValueError("state.retention_days must cover cases.case_cooldown_hours")
        return self
