"""Configuration: validated at start-up, every problem names its key, secrets only from the environment."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from bot.config import ConfigError, load_settings
from bot.faq.check import PLACEHOLDERS, CheckRules
from bot.faq.matcher import Thresholds
from bot.settings import AgencySettings, FaqSettings, MatchingSettings, Official, Settings, Topic

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


# -- config.yaml and the models agree -----------------------------------------------------------

_KEY = re.compile(r"^( *)([a-z_]+):")


def _model_keys(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every key path of a settings model (sections included, secrets excluded)."""
    for name, field in model.model_fields.items():
        if field.exclude:
            continue
        yield (*prefix, name)
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            yield from _model_keys(field.annotation, (*prefix, name))


def _file_keys(data: dict[str, Any], prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for key, value in data.items():
        yield (*prefix, key)
        if isinstance(value, dict):
            yield from _file_keys(value, (*prefix, key))


def _key_lines(lines: list[str]) -> dict[tuple[str, ...], int]:
    """The line index of each mapping key of config.yaml (list items' keys are not wanted)."""
    found: dict[tuple[str, ...], int] = {}
    stack: list[tuple[int, str]] = []
    for number, line in enumerate(lines):
        match = _KEY.match(line)
        if match:
            indent = len(match.group(1))
            stack = [(i, k) for i, k in stack if i < indent] + [(indent, match.group(2))]
            found.setdefault(tuple(k for _, k in stack), number)
    return found


def _commented(lines: list[str], number: int) -> bool:
    """A comment at the key's indentation above it, or above the run of sibling keys it ends
    (one comment may document a group: matching's three thresholds)."""
    indent = len(lines[number]) - len(lines[number].lstrip())
    for line in reversed(lines[:number]):
        if not line.strip() or len(line) - len(line.lstrip()) != indent:
            return False
        if line.lstrip().startswith("#"):
            return True
    return False


def test_shipped_config_equals_the_model_defaults() -> None:
    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    written, defaults = Settings.model_validate(raw).model_dump(), Settings().model_dump()
    differ = [
        f"{section}.{key}"
        for section, values in defaults.items()
        for key, value in values.items()
        if written[section][key] != value
    ]
    assert differ == []
    assert Settings.model_validate(raw) == Settings()


def test_every_setting_is_in_config_yaml_with_a_comment_and_nothing_else() -> None:
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    in_models, in_file = set(_model_keys(Settings)), set(_file_keys(yaml.safe_load(text)))
    assert sorted(in_models - in_file) == []  # a setting staff cannot see
    assert sorted(in_file - in_models) == []  # a key the bot would refuse
    lines = text.splitlines()
    where = _key_lines(lines)
    sections = {key[:-1] for key in in_models}
    undocumented = [".".join(key) for key in sorted(in_models - sections) if not _commented(lines, where[key])]
    assert undocumented == []


def test_comment_check_can_fail() -> None:
    lines = ["a:", "  # documented", "  b: 1", "  c: 2", "", "  d: 3", "  e:", "    f: 1", "  g: 2"]
    assert [_commented(lines, n) for n in (2, 3, 5, 8)] == [True, True, False, False]


@pytest.mark.parametrize(
    "model",
    [
        Settings,
        *(
            f.annotation
            for f in Settings.model_fields.values()
            if isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel)
        ),
        Topic,
        Official,
    ],
)
def test_every_field_has_help_text(model: type[BaseModel]) -> None:
    assert [name for name, field in model.model_fields.items() if not (field.description or "").strip()] == []


def test_matcher_and_check_limits_come_from_the_settings() -> None:
    matching = MatchingSettings(
        confident_score=80, evidence_score=70, suggest_evidence=40, suggest_score=30, max_suggestions=2
    )
    assert Thresholds.from_settings(matching) == Thresholds(
        confident_score=80, evidence_score=70, suggest_evidence=40, suggest_score=30, max_suggestions=2
    )
    assert Thresholds.from_settings() == Thresholds.from_settings(MatchingSettings())
    assert {f.name for f in fields(CheckRules)} <= set(FaqSettings.model_fields)
    assert CheckRules.from_settings(FaqSettings(min_alternatives=7)).min_alternatives == 7
    assert (
        set(AgencySettings().placeholders())
        == PLACEHOLDERS
        == {"agency_name", "hotline", "address", "office_hours", "website"}
    )


def test_a_retention_shorter_than_the_case_cooldown_is_refused(tmp_path: Path) -> None:
    # The per-case limit counts the lookup audit: pruning it sooner would reopen a locked case early (H2, L11).
    config = "state:\n  retention_days: 1\ncases:\n  case_cooldown_hours: 48\n"
    with pytest.raises(ConfigError, match="retention_days"):
        load_settings(write(tmp_path, config), environ={})
