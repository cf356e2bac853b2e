"""Settings of case lookup, communications staff and announcements."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, model_validator

from bot.settings.base import _Section


class CasesSettings(_Section):
    database: Path = Field(
        Path("data/cases.sqlite3"),
        description="The agency's case-database export "
        "(SQLite, read-only); when missing, lookup is disabled (see demo).",
    )
    code_pattern: str = Field(r"^QN-\d{4}-\d{6}$", description="Regular expression a normalised case code must match.")
    code_example: str = Field("QN-2026-000123", description="A case code shown to citizens as an example.")
    second_factor: str = Field(
        "năm sinh của bạn (4 chữ số, ví dụ 1975)", description="The second factor the citizen must give, in Vietnamese."
    )
    second_factor_en: str = Field(
        "your year of birth (4 digits, e.g. 1975)", description="The second factor the citizen must give, in English."
    )
    glossary: Path = Field(Path("glossary/statuses.yaml"), description="Status glossary (staff-edited).")
    max_failures_per_hour: int = Field(
        5, ge=1, le=100, description="Failed lookups allowed per Telegram user per hour."
    )
    recent_events: int = Field(5, ge=1, le=20, description="How many of the latest events of a case are shown.")
    demo_count: int = Field(1000, ge=10, description="Synthetic cases in the demo snapshot.")
    check_seconds: float = Field(
        60, gt=0, description="Seconds between two comparisons of followed cases with the current export."
    )
    demo: bool | None = Field(
        None,
        description="Synthetic cases at `database` when it is missing: None = the "
        "local console only; True = also on Telegram (never in production).",
    )
    max_failures_per_case: int = Field(
        10,
        ge=1,
        le=1000,
        description="Failed lookups of one case code from all "
        "users together within case_cooldown_hours; then the case is closed.",
    )
    case_cooldown_hours: float = Field(24, gt=0, le=24 * 90, description="Window of the per-case failure limit.")
    factor_min_digits: int = Field(
        4, ge=1, le=12, description="`cases import` refuses second factors with fewer digits."
    )

    @model_validator(mode="after")
    def _pattern_compiles(self) -> CasesSettings:
        try:
            re.compile(self.code_pattern)
        except re.error as exc:
            raise ValueError(f"code_pattern is not a valid regular expression: {exc}") from exc
        return self


class StaffSettings(_Section):
    editors: tuple[int, ...] = Field(
        (), description="Telegram user ids of communications staff: /faq_reload, /faq_gaps."
    )
    chat_id: int | None = Field(
        None, description="Chat (a group or one person) that receives FAQ reload errors; none: only the log."
    )


class Topic(_Section):
    id: str = Field(
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        max_length=32,
        description="Short id: lower case letters, digits and '-'.",
    )
    title: str = Field(min_length=1, description="Title shown to citizens, in Vietnamese.")
    title_en: str | None = Field(None, description="Title in English.")


class Official(_Section):
    id: int = Field(description="Telegram user id.")
    name: str = Field("", description="A name for reports.")
    roles: tuple[Literal["author", "approver"], ...] = Field(
        ("author",), description="author (writes and sends) and/or approver (approves another's)."
    )


_TOPICS = (
    Topic(id="chung", title="Thông báo chung", title_en="General notices"),
    Topic(id="dau-gia", title="Đấu giá tài sản", title_en="Asset auctions"),
    Topic(id="tiep-dan", title="Lịch tiếp công dân", title_en="Citizen reception days"),
)


class AnnouncementSettings(_Section):
    topics: tuple[Topic, ...] = Field(_TOPICS, description="Topics citizens can subscribe to (/dangky).")
    officials: tuple[Official, ...] = Field((), description="Officials who may announce.")
    require_approval: bool = Field(
        False, description="A second official (role approver, not the author) must approve before anything is sent."
    )
    rate: float = Field(25, gt=0, le=1000, description="Broadcast messages per second overall.")
    per_chat_seconds: float = Field(1.0, ge=0, description="Seconds between two messages to one chat.")
    max_attempts: int = Field(
        8, ge=1, le=50, description="Tries after which a recipient whose sends keep failing (network, 5xx) is given up."
    )
    progress_seconds: float = Field(5, gt=0, description="Seconds between updates of the progress message.")
    archive_page_size: int = Field(5, ge=1, le=20, description="Announcements per page in /thongbao.")
    timezone: str = Field("Asia/Ho_Chi_Minh", description="Time zone of scheduled times.")

    @model_validator(mode="after")
    def _valid(self) -> AnnouncementSettings:
        ids = [topic.id for topic in self.topics]
        if not ids or len(set(ids)) != len(ids):
            raise ValueError("topics must be a non-empty list with distinct ids")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {self.timezone!r}") from exc
        return self
