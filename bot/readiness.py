"""Agency details still holding their shipped placeholder ("[Số đường dây nóng — cơ quan cập nhật]"):
citizens would see the placeholder where they expect a phone number or an address, so each one is
logged at start-up and reported by `faq check` until the agency fills it in."""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.faq.loader import display_path
from bot.faq.yamlfile import LineDict, Problem, read_yaml


def _lines(settings: Settings) -> tuple[str, dict[str, int]]:
    """The configuration file as shown to staff, and the line of each `agency` key written in it."""
    if settings.source is None:
        return "config.yaml", {}
    label = display_path(settings.source)
    data, _ = read_yaml(settings.source, label)  # it loaded already; only the lines are wanted
    agency = data.get("agency") if isinstance(data, LineDict) else None
    if not isinstance(agency, LineDict):
        return label, {}
    return label, {key: agency.line_of(key) for key in agency} | {"": data.line_of("agency")}


def placeholder_problems(settings: Settings) -> list[Problem]:
    """One `faq check` warning per agency field that is still a placeholder, at its line."""
    label, lines = _lines(settings)
    return [
        Problem(
            label,
            lines.get(name, lines.get("", 0)),
            f'agency.{name} vẫn là chỗ trống "{value}": người dân sẽ thấy nguyên dòng này; cơ quan phải '
            "điền giá trị chính thức trước khi đưa bot vào sử dụng",
            warning=True,
        )
        for name, value in settings.agency.unfilled()
    ]


def warn_placeholders(settings: Settings, log: logging.Logger) -> None:
    """One WARNING line per agency field that is still a placeholder (bot start-up, Telegram or console)."""
    for name, value in settings.agency.unfilled():
        log.warning(
            "agency.%s is still a placeholder (%r): citizens are shown it as is; fill it in %s before going live",
            name,
            value,
            settings.source or "config.yaml",
        )
