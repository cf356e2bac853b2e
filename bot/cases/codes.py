"""Case codes: what citizens type, normalised, then checked against the configured pattern."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from bot.config import CasesSettings

# Every dash-like character people's keyboards produce.
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−－﹣⁃"), "-")


@dataclass(frozen=True)
class CodeFormat:
    """The agency's case-code format: a regular expression on the normalised code."""

    pattern: str
    example: str

    @cached_property
    def _regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern)

    @classmethod
    def configured(cls, cases: CasesSettings) -> CodeFormat:
        """The format set in config.yaml (`cases.code_pattern`, `cases.code_example`)."""
        return cls(cases.code_pattern, cases.code_example)

    def normalise(self, typed: str) -> str:
        """Unify width, case, dashes and spacing: "ｑｎ – 2026 - 1234" -> "QN-2026-1234"."""
        text = unicodedata.normalize("NFKC", typed).translate(_DASHES).upper()
        text = re.sub(r"\s*-\s*", "-", text.strip())
        return re.sub(r"\s+", "", text)

    def parse(self, typed: str) -> str | None:
        """The normalised code, or None when it does not fit the format."""
        if len(typed) > 64:
            return None
        if self._regex.fullmatch(typed):  # already in normal form (as exports are)
            return typed
        code = self.normalise(typed)
        return code if self._regex.fullmatch(code) else None
