"""Figures an answer states that must come from a law: percentages and fractions, amounts of money,
and counts of days, weeks, months or years. Dates ("01/7/2026", "ngày 1 tháng 7 năm 2026"), years,
article numbers and {placeholders} are not figures."""

from __future__ import annotations

import re
import unicodedata

_WORD = r"(?:một|mốt|hai|ba|bốn|tư|năm|lăm|sáu|bảy|tám|chín|mười|mươi|linh|lẻ|trăm)"
_WORDS = rf"{_WORD}(?:\s+{_WORD})*"
_NUMBER = rf"(?:(?<![\d/.,:])\d{{1,3}}(?:[.,]\d+)?(?![\d/:])|\b{_WORDS})"
_PATTERNS = (
    # percentages and fractions
    re.compile(r"\d+(?:[.,]\d+)?\s*%"),
    re.compile(rf"{_NUMBER}\s+phần\s+(?:trăm|hai|ba|tư|bốn|năm|mười)\b"),
    re.compile(r"\bmột\s+nửa\b|\b(?:one|two)[\s-](?:half|third|quarter)s?\b|\bper\s*cent\b"),
    # money
    re.compile(r"\d[\d.,]*\s*(?:đồng|đ|vnđ|vnd|triệu|tỷ|tỉ|nghìn|ngàn|million|billion)\b"),
    re.compile(rf"\b{_WORDS}\s+(?:triệu|tỷ|tỉ|nghìn|ngàn)\b"),
    re.compile(r"\blương\s+(?:cơ\s+sở|tối\s+thiểu)\b|\bbase\s+salary\b|\bminimum\s+(?:monthly\s+)?wage\b"),
    # durations
    re.compile(rf"{_NUMBER}\s+(?:ngày|tháng|năm|tuần)\b(?!\s*\d)"),
    re.compile(
        r"(?<![\d/.,:])\b(?:\d{1,3}|one|two|three|five|ten|fifteen|thirty)\s+(?:working\s+)?"
        r"(?:days?|weeks?|months?|years?)\b"
    ),
)
# A number right after these words is a name or a date, not a count.
_NOT_A_COUNT = re.compile(r"(?:điều|khoản|điểm|số|luật|định|ngày|tháng|thứ|article|no\.)\s*$")
_ONE_UNIT = re.compile(r"một\s+(?:ngày|tháng|năm|tuần)")  # "một ngày nào đó": rarely a legal count


def figures(text: str) -> list[str]:
    """The figures `text` states, in order of appearance (each as written, lower-cased)."""
    text = unicodedata.normalize("NFC", text).lower()
    found: list[tuple[int, str]] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            figure = match.group(0).strip()
            before = text[max(0, match.start() - 12) : match.start()]
            if _NOT_A_COUNT.search(before) or _ONE_UNIT.fullmatch(figure):
                continue
            found.append((match.start(), figure))
    return [figure for _, figure in sorted(dict(found).items())]
