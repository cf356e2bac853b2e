"""Typed settings from config.yaml and the environment: the only reader of both.

The models (every key, its default and its help) are in bot/settings/; they are re-exported here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.settings import (
    AgencySettings,
    AnnouncementSettings,
    CasesSettings,
    FaqSettings,
    HealthSettings,
    LoggingSettings,
    MatchingSettings,
    Official,
    Settings,
    StaffSettings,
    StateSettings,
    TelegramSettings,
    Topic,
    WebhookSettings,
    is_placeholder,
)

__all__ = [
    "AgencySettings",
    "AnnouncementSettings",
    "CasesSettings",
    "ConfigError",
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
    "load_settings",
]

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config.yaml"
TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
BASE_URL_ENV = "TELEGRAM_API_BASE_URL"
WEBHOOK_SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"
CONFIG_ENV = "BOT_CONFIG"
STATE_URL_ENV = "STATE_DATABASE_URL"
HEALTH_PORT_ENV = "BOT_HEALTH_PORT"


class ConfigError(Exception):
    """The configuration file is missing, unreadable or invalid; the message names the key."""


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
    raw = _read(source)
    _reject_secrets(raw, source)
    settings = _validate(raw, source)
    return _resolve_paths(_apply_environment(settings, env, source), source)


def _read(source: Path) -> dict[str, Any]:
    """The file's top-level mapping (empty for an empty file)."""
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
    return raw


def _reject_secrets(raw: dict[str, Any], source: Path) -> None:
    """A token written in the file is refused: secrets come only from the environment."""
    for key in ("token", "bot_token"):
        if key in raw or key in (raw.get("telegram") or {}):
            raise ConfigError(
                f"{source}: {key}: không ghi token vào tệp cấu hình; "
                f"hãy đặt biến môi trường {TOKEN_ENV} (secrets only from the environment)"
            )


def _validate(raw: dict[str, Any], source: Path) -> Settings:
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source)) from exc


def _apply_environment(settings: Settings, env: Mapping[str, str], source: Path) -> Settings:
    """The token, the webhook secret, the Bot API URL, the state URL and the health port override from the
    environment, checked."""
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
            "telegram": telegram,
            "token": env.get(TOKEN_ENV) or None,
            "webhook_secret": secret,
            "state": _state_from_environment(settings.state, env),
            "health": _health_from_environment(settings.health, env),
        }
    )


def _health_from_environment(health: HealthSettings, env: Mapping[str, str]) -> HealthSettings:
    """BOT_HEALTH_PORT (the Docker image sets it) replaces health.port, checked like it."""
    port = env.get(HEALTH_PORT_ENV)
    if not port:
        return health
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ConfigError(f"{HEALTH_PORT_ENV}: cần một cổng 1-65535 (a port number)")
    return health.model_copy(update={"port": int(port)})


def _state_from_environment(state: StateSettings, env: Mapping[str, str]) -> StateSettings:
    """STATE_DATABASE_URL (it may hold the password) replaces state.url, checked like it."""
    url = env.get(STATE_URL_ENV)
    if not url:
        return state
    if not url.lower().startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ConfigError(f"{STATE_URL_ENV}: cần sqlite:///PATH hoặc postgresql://... (sqlite or postgresql URL)")
    if url.lower().startswith("sqlite:///"):
        return state.model_copy(update={"url": "", "path": Path(url[len("sqlite:///") :])})
    return state.model_copy(update={"url": url})


def _resolve_paths(settings: Settings, source: Path) -> Settings:
    """Relative paths resolved against the configuration file's folder; `source` recorded."""
    return settings.model_copy(
        update={
            "faq": settings.faq.model_copy(update={"dir": _resolve(settings.faq.dir, source)}),
            "state": settings.state.model_copy(update={"path": _resolve(settings.state.path, source)}),
            "cases": settings.cases.model_copy(
                update={
                    "database": _resolve(settings.cases.database, source),
                    "glossary": _resolve(settings.cases.glossary, source),
                }
            ),
            "source": source,
        }
    )


def _resolve(path: Path, source: Path) -> Path:
    return path if path.is_absolute() else source.parent / path
