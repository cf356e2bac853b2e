"""Typed settings from config.yaml and the environment: the only reader of both."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"
TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
BASE_URL_ENV = "TELEGRAM_API_BASE_URL"
WEBHOOK_SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"
CONFIG_ENV = "BOT_CONFIG"


class ConfigError(Exception):
    """The configuration file is missing, unreadable or invalid; the message names the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def is_placeholder(value: str) -> bool:
    """An agency value still to be filled: written in square brackets, like the shipped ones."""
    value = value.strip()
    return not value or (value.startswith("[") and value.endswith("]"))


class AgencySettings(_Section):
    name: str = "[Tên cơ quan THADS tỉnh Quảng Ngãi — cơ quan cập nhật]"
    hotline: str = "[Số đường dây nóng — cơ quan cập nhật]"
    address: str = "[Địa chỉ trụ sở — cơ quan cập nhật]"
    office_hours: str = "[Giờ tiếp công dân — cơ quan cập nhật]"
    website: str = "[Trang thông tin điện tử — cơ quan cập nhật]"

    def placeholders(self) -> dict[str, str]:
        """Values for the {placeholders} FAQ answers may contain."""
        return {
            "agency_name": self.name,
            "hotline": self.hotline,
            "address": self.address,
            "office_hours": self.office_hours,
            "website": self.website,
        }

    def unfilled(self) -> list[tuple[str, str]]:
        """The fields (name, value) still holding a placeholder, in declaration order."""
        return [(name, value) for name, value in self.model_dump().items() if is_placeholder(value)]


class WebhookSettings(_Section):
    listen: str = "0.0.0.0"
    port: int = Field(8443, ge=1, le=65535)
    path: str = Field("telegram", pattern=r"^[A-Za-z0-9_\-/]*$")
    url: str = Field("", pattern=r"^(https?://\S+)?$")
    # Largest request body accepted; larger ones are refused (413) before they are read.
    max_body_bytes: int = Field(1_048_576, ge=65_536, le=104_857_600)


class TelegramSettings(_Section):
    api_base_url: str = Field("https://api.telegram.org/bot", pattern=r"^https?://\S+$")
    mode: Literal["polling", "webhook"] = "polling"
    webhook: WebhookSettings = WebhookSettings()
    # Seconds to keep retrying a reply while Telegram answers 5xx or the network is down.
    retry_seconds: float = Field(60, ge=0, le=3600)
    # Messages per second the bot sends in all (python-telegram-bot's AIORateLimiter); 0: no cap.
    overall_rate: float = Field(30, ge=0)
    # Of overall_rate, sends per second that broadcasts can never take: replies to citizens keep them.
    reply_reserve: float = Field(5, ge=0)
    # Per citizen: messages and button presses handled at once, then per minute; beyond, dropped.
    user_burst: int = Field(10, ge=1)
    user_per_minute: float = Field(30, gt=0)

    @model_validator(mode="after")
    def _reserve_below_rate(self) -> TelegramSettings:
        if self.overall_rate and self.reply_reserve >= self.overall_rate:
            raise ValueError("reply_reserve must be below overall_rate (broadcasts would never send)")
        return self


class StateSettings(_Section):
    path: Path = Path("data/state.sqlite3")
    # Stored questions, feedback, the lookup audit, broadcast recipients and refusals older than
    # this many days are deleted automatically (the running bot's retention job).
    retention_days: int = Field(180, ge=1, le=3650)
    # A language choice not changed for this many days is forgotten (the citizen can choose again).
    preference_days: int = Field(365, ge=1, le=3650)
    # An announcement draft never sent is deleted after this many days.
    draft_days: int = Field(30, ge=1, le=3650)
    # Seconds a command waits for the database lock held by another process before giving up.
    busy_timeout_seconds: float = Field(5, gt=0, le=600)


class FaqSettings(_Section):
    dir: Path = Path("faq")
    max_answer_chars: int = Field(3000, ge=200, le=3800)
    min_alternatives: int = Field(4, ge=0)
    review_max_age_days: int = Field(365, ge=1)
    near_duplicate_score: float = Field(90, gt=0, le=100)
    # Words that mark a legal_basis line citing an ended instrument (faq/van-ban.yaml) as such.
    ended_markers: tuple[str, ...] = Field(("luật cũ", "hết hiệu lực"), min_length=1)
    # Watch the FAQ folder, synonyms and status glossary; reload on a valid save.
    watch: bool = True

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
    confident_score: float = Field(74, gt=0, le=100)
    margin: float = Field(22, ge=0, le=100)
    score_margin: float = Field(15, ge=0, le=100)
    suggest_score: float = Field(48, gt=0, le=100)
    max_suggestions: int = Field(3, ge=1, le=5)

    @model_validator(mode="after")
    def _ordered(self) -> MatchingSettings:
        if self.suggest_score > self.confident_score:
            raise ValueError("suggest_score must not exceed confident_score")
        return self


class CasesSettings(_Section):
    database: Path = Path("data/cases.sqlite3")
    code_pattern: str = r"^QN-\d{4}-\d{6}$"
    code_example: str = "QN-2026-000123"
    second_factor: str = "năm sinh của bạn (4 chữ số, ví dụ 1975)"
    second_factor_en: str = "your year of birth (4 digits, e.g. 1975)"
    glossary: Path = Path("glossary/statuses.yaml")
    max_failures_per_hour: int = Field(5, ge=1, le=100)
    recent_events: int = Field(5, ge=1, le=20)
    demo_count: int = Field(1000, ge=10)
    check_seconds: float = Field(60, gt=0)
    # None: demo data in the local console only; True: also on Telegram (never in production).
    demo: bool | None = None
    max_failures_per_case: int = Field(10, ge=1, le=1000)
    case_cooldown_hours: float = Field(24, gt=0, le=24 * 90)
    factor_min_digits: int = Field(4, ge=1, le=12)

    @model_validator(mode="after")
    def _pattern_compiles(self) -> CasesSettings:
        try:
            re.compile(self.code_pattern)
        except re.error as exc:
            raise ValueError(f"code_pattern is not a valid regular expression: {exc}") from exc
        return self


class StaffSettings(_Section):
    # Telegram user ids of communications staff: /faq_reload, /faq_gaps.
    editors: tuple[int, ...] = ()
    # Chat (a group or one person) that receives FAQ reload errors; none: only the log.
    chat_id: int | None = None


class Topic(_Section):
    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=32)
    title: str = Field(min_length=1)
    title_en: str | None = None


class Official(_Section):
    id: int
    name: str = ""
    roles: tuple[Literal["author", "approver"], ...] = ("author",)


_TOPICS = (
    Topic(id="chung", title="Thông báo chung", title_en="General notices"),
    Topic(id="dau-gia", title="Đấu giá tài sản", title_en="Asset auctions"),
    Topic(id="tiep-dan", title="Lịch tiếp công dân", title_en="Citizen reception days"),
)


class AnnouncementSettings(_Section):
    topics: tuple[Topic, ...] = _TOPICS
    officials: tuple[Official, ...] = ()
    # A second official (role approver, not the author) must approve before anything is sent.
    require_approval: bool = False
    # Broadcast messages per second overall (Telegram: about 30; up to 1000 with paid broadcasts),
    # and seconds between two messages to one chat.
    rate: float = Field(25, gt=0, le=1000)
    per_chat_seconds: float = Field(1.0, ge=0)
    # A recipient whose sends keep failing (network, 5xx) is given up after this many tries.
    max_attempts: int = Field(8, ge=1, le=50)
    progress_seconds: float = Field(5, gt=0)
    archive_page_size: int = Field(5, ge=1, le=20)
    timezone: str = "Asia/Ho_Chi_Minh"

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
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Settings(_Section):
    agency: AgencySettings = AgencySettings()
    telegram: TelegramSettings = TelegramSettings()
    faq: FaqSettings = FaqSettings()
    matching: MatchingSettings = MatchingSettings()
    state: StateSettings = StateSettings()
    cases: CasesSettings = CasesSettings()
    staff: StaffSettings = StaffSettings()
    announcements: AnnouncementSettings = AnnouncementSettings()
    logging: LoggingSettings = LoggingSettings()
    # Secrets: never read from the file, only from the environment.
    token: str | None = Field(None, exclude=True)
    webhook_secret: str | None = Field(None, exclude=True)
    source: Path | None = Field(None, exclude=True)

    @model_validator(mode="after")
    def _audit_outlives_cooldown(self) -> Settings:
        # The per-case limit counts the lookup audit; pruning it sooner would reopen a locked case early.
        if self.state.retention_days * 24 < self.cases.case_cooldown_hours:
            raise ValueError("state.retention_days must cover cases.case_cooldown_hours")
        return self


def _describe(error: ValidationError, source: Path) -> str:
    lines = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(gốc)"
        unknown = item["type"] == "extra_forbidden"
        message = "khóa không được hỗ trợ (unknown key)" if unknown else item["msg"]
        lines.append(f"{source}: {key}: {message}")
    return "\n".join(lines)


def load_settings(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Read, validate and resolve the configuration.

    Args:
        path: the YAML file; defaults to $BOT_CONFIG, then the repository's config.yaml.
        environ: the environment to read secrets and overrides from (default os.environ).

    Raises:
        ConfigError: with one line per problem, each naming the key.
    """
    env = os.environ if environ is None else environ
    source = Path(path or env.get(CONFIG_ENV) or DEFAULT_CONFIG).resolve()
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"{source}: không đọc được tệp cấu hình ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark else str(source)
        raise ConfigError(f"{where}: YAML không hợp lệ: {getattr(exc, 'problem', None) or exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: tệp cấu hình phải là một bảng khóa: giá trị")
    for key in ("token", "bot_token"):
        if key in raw or key in (raw.get("telegram") or {}):
            raise ConfigError(
                f"{source}: {key}: không ghi token vào tệp cấu hình; "
                f"hãy đặt biến môi trường {TOKEN_ENV} (secrets only from the environment)"
            )
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source)) from exc
    telegram = settings.telegram
    if env.get(BASE_URL_ENV):
        if not re.match(r"^https?://\S+$", env[BASE_URL_ENV]):
            raise ConfigError(f"{BASE_URL_ENV}: không phải một URL http(s) hợp lệ")
        telegram = telegram.model_copy(update={"api_base_url": env[BASE_URL_ENV]})
    secret = env.get(WEBHOOK_SECRET_ENV) or None
    if telegram.mode == "webhook":
        if not telegram.webhook.url:
            raise ConfigError(f"{source}: telegram.webhook.url: chế độ webhook cần địa chỉ https công khai")
        if not secret or not re.match(r"^[A-Za-z0-9_-]{16,256}$", secret):
            raise ConfigError(f"{WEBHOOK_SECRET_ENV}: chế độ webhook cần bí mật 16-256 ký tự A-Z a-z 0-9 _ -")
    return settings.model_copy(
        update={
            "faq": settings.faq.model_copy(update={"dir": _resolve(settings.faq.dir, source)}),
            "state": settings.state.model_copy(update={"path": _resolve(settings.state.path, source)}),
            "cases": settings.cases.model_copy(update={
                "database": _resolve(settings.cases.database, source),
                "glossary": _resolve(settings.cases.glossary, source),
            }),
            "telegram": telegram,
            "token": env.get(TOKEN_ENV) or None,
            "webhook_secret": secret,
            "source": source,
        }
    )


def _resolve(path: Path, source: Path) -> Path:
    return path if path.is_absolute() else source.parent / path
