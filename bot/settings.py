"""The settings models: every key of config.yaml, its default and its help, in one place.

config.yaml's comments are the staff-facing documentation of the same keys; a test
(tests/test_config.py) checks that the two agree: same keys, same defaults, every key commented.
Reading the file and the environment is bot/config.py's job.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def is_placeholder(value: str) -> bool:
    """An agency value still to be filled: written in square brackets, like the shipped ones."""
    value = value.strip()
    return not value or (value.startswith("[") and value.endswith("]"))


class AgencySettings(_Section):
    name: str = Field("[Tên cơ quan THADS tỉnh Quảng Ngãi — cơ quan cập nhật]",
                      description="Official name of the provincial civil judgment enforcement agency.")
    hotline: str = Field("[Số đường dây nóng — cơ quan cập nhật]", description="Hotline citizens can call.")
    address: str = Field("[Địa chỉ trụ sở — cơ quan cập nhật]",
                         description="Address of the main office where citizens are received.")
    office_hours: str = Field("[Giờ tiếp công dân — cơ quan cập nhật]", description="Reception hours.")
    website: str = Field("[Trang thông tin điện tử — cơ quan cập nhật]",
                         description="Official website or portal.")

    # The {placeholder} an FAQ answer writes for a field, where it differs from the field's name.
    _PLACEHOLDER_NAMES: ClassVar[dict[str, str]] = {"name": "agency_name"}

    @classmethod
    def placeholder_names(cls) -> frozenset[str]:
        """The {placeholders} FAQ answers may contain: one per field."""
        return frozenset(cls._PLACEHOLDER_NAMES.get(field, field) for field in cls.model_fields)

    def placeholders(self) -> dict[str, str]:
        """Values for the {placeholders} FAQ answers may contain."""
        return {self._PLACEHOLDER_NAMES.get(field, field): value for field, value in self.model_dump().items()}

    def unfilled(self) -> list[tuple[str, str]]:
        """The fields (name, value) still holding a placeholder, in declaration order."""
        return [(name, value) for name, value in self.model_dump().items() if is_placeholder(value)]


class WebhookSettings(_Section):
    listen: str = Field("0.0.0.0", description="Address the bot's web server listens on (behind a reverse proxy).")
    port: int = Field(8443, ge=1, le=65535, description="Port the bot's web server listens on.")
    path: str = Field("telegram", pattern=r"^[A-Za-z0-9_\-/]*$", description="Path of the webhook on that server.")
    url: str = Field("", pattern=r"^(https?://\S+)?$",
                     description="Public https URL Telegram calls (required in webhook mode).")
    max_body_bytes: int = Field(1_048_576, ge=65_536, le=104_857_600,
                                description="Largest request body accepted; larger ones are refused (413) "
                                            "before they are read, after the secret header is checked.")


class TelegramSettings(_Section):
    api_base_url: str = Field("https://api.telegram.org/bot", pattern=r"^https?://\S+$",
                              description="Bot API base URL (python-telegram-bot's base_url; the token is "
                                          "appended); overridden by TELEGRAM_API_BASE_URL.")
    mode: Literal["polling", "webhook"] = Field("polling", description="How updates arrive: polling or webhook.")
    webhook: WebhookSettings = Field(WebhookSettings(), description="The web server of webhook mode.")
    retry_seconds: float = Field(60, ge=0, le=3600, description="Seconds to keep retrying a reply while "
                                                                "Telegram answers 5xx or the network is down.")
    overall_rate: float = Field(30, ge=0, description="Messages per second the bot sends in all "
                                                      "(bot/ratelimit.py); 0: no cap.")
    reply_reserve: float = Field(5, ge=0, description="Of overall_rate, sends per second broadcasts can never "
                                                      "take: replies to citizens keep them and go first.")
    user_burst: int = Field(10, ge=1, description="Per citizen: messages and button presses handled at once.")
    user_per_minute: float = Field(30, gt=0, description="Per citizen, after the burst: how many a minute; "
                                                         "beyond, dropped (not answered, not stored).")

    @model_validator(mode="after")
    def _reserve_below_rate(self) -> TelegramSettings:
        if self.overall_rate and self.reply_reserve >= self.overall_rate:
            raise ValueError("reply_reserve must be below overall_rate (broadcasts would never send)")
        return self


_STATE_SCHEMES = ("sqlite:///", "postgresql://", "postgres://")


class StateSettings(_Section):
    url: str = Field("", description="Empty: SQLite at `path`. `sqlite:///PATH` (SQLite) or "
                     "`postgresql://USER@HOST:PORT/DATABASE` (PostgreSQL); no password here: PGPASSWORD, or "
                     "the whole URL in STATE_DATABASE_URL.")
    path: Path = Field(Path("data/state.sqlite3"), description="The writable state database file (SQLite).")
    retention_days: int = Field(180, ge=1, le=3650, description="Stored questions, feedback, the lookup audit, "
                                "broadcast recipients and refusals older than this many days are deleted.")
    preference_days: int = Field(365, ge=1, le=3650,
                                 description="A language choice not changed for this many days is forgotten.")
    draft_days: int = Field(30, ge=1, le=3650,
                            description="An announcement draft never sent is deleted after this many days.")
    busy_timeout_seconds: float = Field(5, gt=0, le=600, description="Seconds a terminal command waits for the "
                                        "database lock held by the running bot before giving up (SQLite); "
                                        "the connect timeout (PostgreSQL).")

    @model_validator(mode="before")
    @classmethod
    def _sqlite_url(cls, data: object) -> object:
        """`url: sqlite:///PATH` is `path: PATH` (resolved against the configuration's folder)."""
        if isinstance(data, dict) and str(data.get("url") or "").lower().startswith("sqlite:///"):
            return {**data, "url": "", "path": str(data["url"])[len("sqlite:///"):]}
        return data

    @model_validator(mode="after")
    def _postgres_url(self) -> StateSettings:
        if self.url and not self.url.lower().startswith(_STATE_SCHEMES):
            raise ValueError("url: sqlite:///PATH hoặc postgresql://USER@HOST/DATABASE (sqlite or postgresql)")
        if re.match(r"^[a-z]+://[^/@]*:[^/@]*@", self.url, re.IGNORECASE):
            raise ValueError("url: không ghi mật khẩu vào tệp cấu hình; dùng PGPASSWORD hoặc STATE_DATABASE_URL "
                             "(no password in the file: use the environment)")
        return self

    @property
    def database(self) -> Path | str:
        """What StateStore.open takes: the PostgreSQL URL, or the SQLite file."""
        return self.url or self.path


class FaqSettings(_Section):
    dir: Path = Field(Path("faq"), description="Folder with the FAQ files, synonyms.yaml and van-ban.yaml.")
    max_answer_chars: int = Field(3000, ge=200, le=3800,
                                  description="Longest answer, in characters, that `faq check` accepts.")
    min_alternatives: int = Field(4, ge=0, description="Alternative phrasings `faq check` requires per entry.")
    review_max_age_days: int = Field(365, ge=1, description="`faq check` warns when an entry's `reviewed` "
                                                            "date is older than this many days.")
    near_duplicate_score: float = Field(90, gt=0, le=100, description="Similarity (0-100) from which an "
                                        "alternative competes with another entry's question.")
    ended_markers: tuple[str, ...] = Field(("luật cũ", "hết hiệu lực"), min_length=1, description="Words that "
                                           "mark a legal_basis line citing an ended instrument as such.")
    watch: bool = Field(True, description="Watch the FAQ folder, synonyms and status glossary; reload on a "
                                          "valid save.")

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: object) -> object:
        if isinstance(data, dict):
            for key, now in _MOVED_FAQ_KEYS.items():
                if key in data:
                    raise ValueError(f"'{key}' đã bỏ (removed): {now}")
        return data

    @model_validator(mode="after")
    def _markers(self) -> FaqSettings:
        if not all(marker.strip() for marker in self.ended_markers):
            raise ValueError("ended_markers must not contain an empty marker")
        return self


_MOVED_FAQ_KEYS = {
    "superseded_instruments": "văn bản hết hiệu lực nay ghi trong faq/van-ban.yaml (list of instruments)",
    "old_law_marker": "dùng faq.ended_markers (a list of markers)",
}


class MatchingSettings(_Section):
    confident_score: float = Field(78, gt=0, le=100, description="Estimated chance (0-100 %) that the first "
                                   "entry is the one asked about, from which the bot answers directly.")
    evidence_score: float = Field(74, ge=0, le=100, description="For a short message, the evidence (0-100: "
                                  "shared weighted words and closeness) a direct answer also needs.")
    suggest_evidence: float = Field(48, ge=0, le=100, description="For a short message, the evidence from "
                                    "which the bot may ask \"did you mean\".")
    suggest_score: float = Field(20, gt=0, le=100, description="Chance from which the bot asks \"did you mean\"; "
                                                               "below it: no match.")
    max_suggestions: int = Field(3, ge=1, le=5, description="Candidates offered in a \"did you mean\".")

    @model_validator(mode="after")
    def _ordered(self) -> MatchingSettings:
        if self.suggest_score > self.confident_score:
            raise ValueError("suggest_score must not exceed confident_score")
        return self


class CasesSettings(_Section):
    database: Path = Field(Path("data/cases.sqlite3"), description="The agency's case-database export "
                           "(SQLite, read-only); when missing, lookup is disabled (see demo).")
    code_pattern: str = Field(r"^QN-\d{4}-\d{6}$",
                              description="Regular expression a normalised case code must match.")
    code_example: str = Field("QN-2026-000123", description="A case code shown to citizens as an example.")
    second_factor: str = Field("năm sinh của bạn (4 chữ số, ví dụ 1975)",
                               description="The second factor the citizen must give, in Vietnamese.")
    second_factor_en: str = Field("your year of birth (4 digits, e.g. 1975)",
                                  description="The second factor the citizen must give, in English.")
    glossary: Path = Field(Path("glossary/statuses.yaml"), description="Status glossary (staff-edited).")
    max_failures_per_hour: int = Field(5, ge=1, le=100,
                                       description="Failed lookups allowed per Telegram user per hour.")
    recent_events: int = Field(5, ge=1, le=20, description="How many of the latest events of a case are shown.")
    demo_count: int = Field(1000, ge=10, description="Synthetic cases in the demo snapshot.")
    check_seconds: float = Field(60, gt=0, description="Seconds between two comparisons of followed cases "
                                                       "with the current export.")
    demo: bool | None = Field(None, description="Synthetic cases at `database` when it is missing: None = the "
                                                "local console only; True = also on Telegram (never in production).")
    max_failures_per_case: int = Field(10, ge=1, le=1000, description="Failed lookups of one case code from all "
                                       "users together within case_cooldown_hours; then the case is closed.")
    case_cooldown_hours: float = Field(24, gt=0, le=24 * 90, description="Window of the per-case failure limit.")
    factor_min_digits: int = Field(4, ge=1, le=12, description="`cases import` refuses second factors with fewer "
                                                               "digits.")

    @model_validator(mode="after")
    def _pattern_compiles(self) -> CasesSettings:
        try:
            re.compile(self.code_pattern)
        except re.error as exc:
            raise ValueError(f"code_pattern is not a valid regular expression: {exc}") from exc
        return self


class StaffSettings(_Section):
    editors: tuple[int, ...] = Field((), description="Telegram user ids of communications staff: "
                                                     "/faq_reload, /faq_gaps.")
    chat_id: int | None = Field(None, description="Chat (a group or one person) that receives FAQ reload "
                                                  "errors; none: only the log.")


class Topic(_Section):
    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=32,
                    description="Short id: lower case letters, digits and '-'.")
    title: str = Field(min_length=1, description="Title shown to citizens, in Vietnamese.")
    title_en: str | None = Field(None, description="Title in English.")


class Official(_Section):
    id: int = Field(description="Telegram user id.")
    name: str = Field("", description="A name for reports.")
    roles: tuple[Literal["author", "approver"], ...] = Field(("author",), description="author (writes and "
                                                             "sends) and/or approver (approves another's).")


_TOPICS = (
    Topic(id="chung", title="Thông báo chung", title_en="General notices"),
    Topic(id="dau-gia", title="Đấu giá tài sản", title_en="Asset auctions"),
    Topic(id="tiep-dan", title="Lịch tiếp công dân", title_en="Citizen reception days"),
)


class AnnouncementSettings(_Section):
    topics: tuple[Topic, ...] = Field(_TOPICS, description="Topics citizens can subscribe to (/dangky).")
    officials: tuple[Official, ...] = Field((), description="Officials who may announce.")
    require_approval: bool = Field(False, description="A second official (role approver, not the author) "
                                                      "must approve before anything is sent.")
    rate: float = Field(25, gt=0, le=1000, description="Broadcast messages per second overall.")
    per_chat_seconds: float = Field(1.0, ge=0, description="Seconds between two messages to one chat.")
    max_attempts: int = Field(8, ge=1, le=50, description="Tries after which a recipient whose sends keep "
                                                          "failing (network, 5xx) is given up.")
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


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="DEBUG, INFO, WARNING or ERROR; citizens' messages are never logged at INFO.")


class Settings(_Section):
    agency: AgencySettings = Field(AgencySettings(), description="Agency details shown to citizens.")
    telegram: TelegramSettings = Field(TelegramSettings(), description="The connection to Telegram.")
    faq: FaqSettings = Field(FaqSettings(), description="The FAQ files and the limits `faq check` applies.")
    matching: MatchingSettings = Field(MatchingSettings(), description="When the bot answers, suggests or "
                                                                       "says it does not know.")
    state: StateSettings = Field(StateSettings(), description="The writable state database.")
    cases: CasesSettings = Field(CasesSettings(), description="Case lookup.")
    staff: StaffSettings = Field(StaffSettings(), description="Communications staff.")
    announcements: AnnouncementSettings = Field(AnnouncementSettings(), description="Announcements.")
    logging: LoggingSettings = Field(LoggingSettings(), description="Logging.")
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
