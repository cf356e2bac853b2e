"""Configuration: validated at start-up, every problem names its key, secrets only from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_loads_with_placeholders() -> None:
    settings = load_settings(ROOT / "config.yaml", environ={})
    assert settings.token is None
    assert settings.faq.dir == ROOT / "faq"
    assert "cơ quan cập nhật" in settings.agency.hotline  # a visible placeholder, not an invented number


def test_unknown_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"matching\.confident_scor: khóa không được hỗ trợ"):
        load_settings(write(tmp_path, "matching:\n  confident_scor: 70\n"), environ={})


def test_bad_value_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"faq\.max_answer_chars"):
        load_settings(write(tmp_path, "faq:\n  max_answer_chars: lots\n"), environ={})


def test_inconsistent_thresholds_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="suggest_score must not exceed confident_score"):
        load_settings(write(tmp_path, "matching:\n  confident_score: 40\n  suggest_score: 50\n"), environ={})


def test_token_in_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        load_settings(write(tmp_path, "telegram:\n  token: '123:abc'\n"), environ={})


def test_yaml_error_names_the_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config\.yaml:3: YAML không hợp lệ"):
        load_settings(write(tmp_path, "faq:\n  dir: faq\n\tlevel: INFO\n"), environ={})


def test_environment_overrides(tmp_path: Path) -> None:
    path = write(tmp_path, "faq:\n  dir: my-faq\n")
    env = {"TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot", "BOT_CONFIG": "x"}
    settings = load_settings(path, environ=env)
    assert settings.token == "123:abc"
    assert settings.telegram.api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.faq.dir == tmp_path / "my-faq"  # relative to the config file


def test_bot_config_variable_selects_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "logging:\n  level: DEBUG\n")
    assert load_settings(environ={"BOT_CONFIG": str(path)}).logging.level == "DEBUG"


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="không đọc được"):
        load_settings(tmp_path / "nope.yaml", environ={})


def test_a_retention_shorter_than_the_case_cooldown_is_refused(tmp_path: Path) -> None:
    # The per-case limit counts the lookup audit: pruning it sooner would reopen a locked case early (H2, L11).
    config = "state:\n  retention_days: 1\ncases:\n  case_cooldown_hours: 48\n"
    with pytest.raises(ConfigError, match="retention_days"):
        load_settings(write(tmp_path, config), environ={})
