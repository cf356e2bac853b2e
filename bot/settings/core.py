"""Settings of the agency, Telegram, the state database, the FAQ, matching and logging."""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from bot.settings.base import _Section, is_placeholder


class AgencySettings(_Section):
    name: str = Field(
        "[Tên cơ quan THADS tỉnh Quảng Ngãi — cơ quan cập nhật]",
        description="Official name of the provincial civil judgment enforcement agency.",
    )
    hotline: str = Field("[Số đường dây nóng — cơ quan cập nhật]", description="Hotline citizens can call.")
    address: str = Field(
        "[Địa chỉ trụ sở — cơ quan cập nhật]", description="Address of the main office where citizens are received."
    )
    office_hours: str = Field("[Giờ tiếp công dân — cơ quan cập nhật]", description="Reception hours.")
    website: str = Field("[Trang thông tin điện tử — cơ quan cập nhật]", description="Official website or portal.")

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
    url: str = Field(
        "", pattern=r"^(https?://\S+)?$", description="Public https URL Telegram calls (required in webhook mode)."
    )
    max_body_bytes: int = Field(
        1_048_576,
        ge=65_536,
        le=104_857_600,
        description="Largest request body accepted; larger ones are refused (413) "
        "before they are read, after the secret header is checked.",
    )
    claim_seconds: float = Field(
        90,
        ge=5,
        le=3600,
        description="Seconds an instance may take over an update before another instance, given "
        "Telegram's retry of it, handles it instead (the first is presumed dead).",
    )


class TelegramSettings(_Section):
    api_base_url: str = Field(
        "https://api.telegram.org/bot",
        pattern=r"^https?://\S+$",
        description="Bot API base URL (python-telegram-bot's base_url; the token is "
        "appended); overridden by TELEGRAM_API_BASE_URL.",
    )
    mode: Literal["polling", "webhook"] = Field("polling", description="How updates arrive: polling or webhook.")
    webhook: WebhookSettings = Field(WebhookSettings(), description="The web server of webhook mode.")
    retry_seconds: float = Field(
        60,
        ge=0,
        le=3600,
        description="Seconds to keep retrying a reply while Telegram answers 5xx or the network is down.",
    )
    overall_rate: float = Field(
        30, ge=0, description="Messages per second the bot sends in all (bot/ratelimit.py); 0: no cap."
    )
    reply_reserve: float = Field(
        5,
        ge=0,
        description="Of overall_rate, sends per second broadcasts can never "
        "take: replies to citizens keep them and go first.",
    )
    user_burst: int = Field(10, ge=1, description="Per citizen: messages and button presses handled at once.")
    user_per_minute: float = Field(
        30,
        gt=0,
        description="Per citizen, after the burst: how many a minute; beyond, dropped (not answered, not stored).",
    )

    @model_validator(mode="after")
    def _reserve_below_rate(self) -> TelegramSettings:
        if self.overall_rate and self.reply_reserve >= self.overall_rate:
            raise ValueError("reply_reserve must be below overall_rate (broadcasts would never send)")
        return self


_STATE_SCHEMES = ("sqlite:///", "postgresql://", "postgres://")


class StateSettings(_Section):
    url: str = Field(
        "",
        description="Empty: SQLite at `path`. `sqlite:///PATH` (SQLite) or "
        "`postgresql://USER@HOST:PORT/DATABASE` (PostgreSQL); no password here: PGPASSWORD, or "
        "the whole URL in STATE_DATABASE_URL.",
    )
    path: Path = Field(Path("data/state.sqlite3"), description="The writable state database file (SQLite).")
    retention_days: int = Field(
        180,
        ge=1,
        le=3650,
        description="Stored questions, feedback, the lookup audit, "
        "broadcast recipients and refusals older than this many days are deleted.",
    )
    preference_days: int = Field(
        365, ge=1, le=3650, description="A language choice not changed for this many days is forgotten."
    )
    draft_days: int = Field(
        30, ge=1, le=3650, description="An announcement draft never sent is deleted after this many days."
    )
    busy_timeout_seconds: float = Field(
        5,
        gt=0,
        le=600,
        description="Seconds a terminal command waits for the "
        "database lock held by the running bot before giving up (SQLite); "
        "the connect timeout (PostgreSQL).",
    )
    lease_seconds: float = Field(
        10,
        ge=1,
        le=600,
        description="Several instances on one database: the leader (broadcasts, periodic jobs) holds its "
        "lease this long; another instance takes over at most this long (plus lease_renew_seconds) after "
        "the leader stops renewing it.",
    )
    lease_renew_seconds: float = Field(
        3,
        gt=0,
        le=300,
        description="How often the leader renews its lease and the other instances try to take it.",
    )

    @model_validator(mode="before")
    @classmethod
    def _sqlite_url(cls, data: object) -> object:
        """`url: sqlite:///PATH` is `path: PATH` (resolved against the configuration's folder)."""
        if isinstance(data, dict) and str(data.get("url") or "").lower().startswith("sqlite:///"):
            return {**data, "url": "", "path": str(data["url"])[len("sqlite:///") :]}
        return data

    @model_validator(mode="after")
    def _postgres_url(self) -> StateSettings:
        if self.url and not self.url.lower().startswith(_STATE_SCHEMES):
            raise ValueError("url: sqlite:///PATH hoặc postgresql://USER@HOST/DATABASE (sqlite or postgresql)")
        if re.match(r"^[a-z]+://[^/@]*:[^/@]*@", self.url, re.IGNORECASE):
            raise ValueError(
                "url: không ghi mật khẩu vào tệp cấu hình; dùng PGPASSWORD hoặc STATE_DATABASE_URL "
                "(no password in the file: use the environment)"
            )
        return self

    @model_validator(mode="after")
    def _renew_within_lease(self) -> StateSettings:
        if self.lease_renew_seconds * 2 > self.lease_seconds:
            raise ValueError("lease_renew_seconds must be at most half of lease_seconds (the lease would lapse)")
        return self

    @property
    def database(self) -> Path | str:
        """What StateStore.open takes: the PostgreSQL URL, or the SQLite file."""
        return self.url or self.path


class FaqSettings(_Section):
    dir: Path = Field(Path("faq"), description="Folder with the FAQ files, synonyms.yaml and van-ban.yaml.")
    max_answer_chars: int = Field(
        3000, ge=200, le=3800, description="Longest answer, in characters, that `faq check` accepts."
    )
    min_alternatives: int = Field(4, ge=0, description="Alternative phrasings `faq check` requires per entry.")
    review_max_age_days: int = Field(
        365, ge=1, description="`faq check` warns when an entry's `reviewed` date is older than this many days."
    )
    near_duplicate_score: float = Field(
        90,
        gt=0,
        le=100,
        description="Similarity (0-100) from which an alternative competes with another entry's question.",
    )
    ended_markers: tuple[str, ...] = Field(
        ("luật cũ", "hết hiệu lực"),
        min_length=1,
        description="Words that mark a legal_basis line citing an ended instrument as such.",
    )
    watch: bool = Field(True, description="Watch the FAQ folder, synonyms and status glossary; reload on a valid save.")

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
    confident_score: float = Field(
        74,
        gt=0,
        le=100,
        description="Estimated chance (0-100 %) that the first "
        "entry is the one asked about, from which the bot answers directly.",
    )
    evidence_score: float = Field(
        72,
        ge=0,
        le=100,
        description="For a short message, the evidence (0-100: "
        "shared weighted words and closeness) a direct answer also needs.",
    )
    suggest_evidence: float = Field(
        48, ge=0, le=100, description='For a short message, the evidence from which the bot may ask "did you mean".'
    )
    suggest_score: float = Field(
        15, gt=0, le=100, description='Chance from which the bot asks "did you mean"; below it: no match.'
    )
    max_suggestions: int = Field(3, ge=1, le=5, description='Candidates offered in a "did you mean".')

    @model_validator(mode="after")
    def _ordered(self) -> MatchingSettings:
        if self.suggest_score > self.confident_score:
            raise ValueError("suggest_score must not exceed confident_score")
        return self


class HealthSettings(_Section):
    port: int | None = Field(
        None,
        ge=1,
        le=65535,
        description="Polling mode: port of a small web server answering /healthz (empty: none); webhook "
        "mode answers /healthz on the webhook's server. Overridden by BOT_HEALTH_PORT.",
    )
    listen: str = Field("127.0.0.1", description="Address the /healthz server of polling mode listens on.")
    loop_seconds: float = Field(
        10, gt=0, le=3600, description="Unhealthy when the event loop has not ticked for this many seconds."
    )
    updates_seconds: float = Field(
        60,
        gt=0,
        le=3600,
        description="Unhealthy when no getUpdates answer came for this many seconds (polling), or when "
        "updates have waited this long while none was taken up (webhook; idle is healthy).",
    )
    broadcaster_seconds: float = Field(
        120,
        gt=0,
        le=3600,
        description="While this instance holds the lease: unhealthy when the broadcaster's loop has not "
        "gone round for this many seconds.",
    )
    state_timeout_seconds: float = Field(
        3, gt=0, le=60, description="Unhealthy when the state database does not answer a ping within this many seconds."
    )


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        "INFO", description="DEBUG, INFO, WARNING or ERROR; citizens' messages are never logged at INFO."
    )
