"""One consistent FAQ and its matcher, loaded together and replaced together."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.config import MatchingSettings
from bot.faq.loader import load_faq
from bot.faq.matcher import Matcher, Thresholds
from bot.faq.model import Faq

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Knowledge:
    """The FAQ and the matcher built on it."""

    faq: Faq
    matcher: Matcher


def load_knowledge(folder: Path, matching: MatchingSettings) -> Knowledge:
    """Load a FAQ folder leniently (every usable entry) and index it."""
    faq, problems, _ = load_faq(folder)
    if problems:
        log.warning("FAQ has %d problem(s); run `python -m bot faq check` for the list", len(problems))
    return Knowledge(faq, Matcher(faq, Thresholds.from_settings(matching)))
