"""Case codes: what citizens type, normalised, then checked against the configured pattern."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from bot.config import CasesSettings

# Every dash-like character people's keyboards produce.
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−－﹣⁃"), "-")
# Letters and digits joined by dashes (spaces around them allowed): what a code can look like.
_CHUNK = re.compile(r"[^\W_]+(?:\s*[-‐‑‒–—―−－﹣⁃]\s*[^\W_]+)+")


@dataclass(frozen=True)
class CodeFormat:
    """The agency's case-code format: a regular expression on the normalised code."""

    pattern: str
    example: str

    @cached_property
    def _regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.ASCII)  # \d is 0-9 only: other digits are normalised first

    @cached_property
    def _search(self) -> re.Pattern[str]:
        """The pattern without its anchors, to find a code inside a sentence."""
        core = self.pattern.removeprefix("^").removesuffix("$").removeprefix(r"\A").removesuffix(r"\Z")
        return re.compile(rf"(?<![A-Z0-9])(?:{core})(?![0-9])", re.ASCII)

    @classmethod
    def configured(cls, cases: CasesSettings) -> CodeFormat:
        """The format set in config.yaml (`cases.code_pattern`, `cases.code_example`)."""
        return cls(cases.code_pattern, cases.code_example)

    def normalise(self, typed: str) -> str:
        """Unify width, case, dashes and spacing: "ｑｎ – 2026 - 1234" -> "QN-2026-1234"."""
        text = unicodedata.normalize("NFKC", typed).translate(_DASHES).upper()
        if not text.isascii():  # any script's decimal digits (٠١٢...) as 0-9; zero-width characters dropped
            text = "".join(
                str(unicodedata.decimal(char)) if char.isdecimal() else char
                for char in text
                if unicodedata.category(char) != "Cf"
            )
        text = re.sub(r"\s*-\s*", "-", text.strip())
        return re.sub(r"\s+", "", text)

    def parse(self, typed: str) -> str | None:
        """The normalised code, or None when it does not fit the format."""
        if len(typed) > 64:
            return None
        if typed.isascii() and self._regex.fullmatch(typed):  # already in normal form (as exports are)
            return typed
        code = self.normalise(typed)
        return code if self._regex.fullmatch(code) else None

    def _sentence(self, text: str) -> str:
        """`text` normalised like a code, but with its spaces between words kept."""
        text = unicodedata.normalize("NFKC", text).translate(_DASHES).upper()
        text = "".join(char for char in text if unicodedata.category(char) != "Cf")  # zero-width
        return re.sub(r"[ \t]*-[ \t]*", "-", text)

    def find(self, text: str) -> str | None:
        """The first case code written inside a sentence ("hồ sơ qn-2026-000066 của tôi"), or None."""
        found = self._search.search(self._sentence(text[:4096]))
        return self.parse(found.group()) if found else None

    def masked(self, text: str) -> str:
        """`text` with every case code in it replaced by "[mã hồ sơ]" (for storing questions)."""
        return _CHUNK.sub(lambda m: "[mã hồ sơ]" if self.find(m.group()) else m.group(), text)
