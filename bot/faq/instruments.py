"""The staff-edited list of legal instruments (`faq/van-ban.yaml`) that `faq check` holds
`legal_basis` lines against: which instruments have ended (a line citing one must say so), and
which articles of an instrument have been verified (a line citing another one gets a warning).

    instruments:
      - name: Nghị định 62/2015/NĐ-CP
        cited_as: [62/2015/NĐ-CP]        # other spellings; the name is always one
        status: hết hiệu lực             # or: còn hiệu lực
        since: 2026-07-01
        replaced_by: Nghị định 152/2026/NĐ-CP (Điều 114 khoản 2)
        verified_articles: [2, 4, 5]     # optional: then every cited article must be listed
        note: ...                        # optional, for staff
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.faq.loader import INSTRUMENTS_FILE, display_path
from bot.faq.normalize import fold
from bot.faq.yamlfile import LineDict, LineList, Problem, read_yaml

_STATUSES = {"con hieu luc": False, "het hieu luc": True}
_KEYS = {"name", "cited_as", "status", "since", "replaced_by", "verified_articles", "note"}
# "Điều 4", "Điều 2 đến Điều 5", "Điều 2-5", "Điều 4, 5 và 7a" (after canonical()).
_ARTICLE = re.compile(
    r"\bdieu\s+(\d+[a-z]?)(?:\s*(?:-|den)\s*(?:dieu\s+)?(\d+))?"
    r"((?:\s*(?:,|va)\s*\d+[a-z]?\b(?!\s*/))*)"
)
_MAX_RANGE = 200


def canonical(text: str) -> str:
    """The form spellings are compared in: folded (no diacritics, đ -> d), dashes as '-', one space."""
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", fold(text))
    return re.sub(r"\s*([/-])\s*", r"\1", re.sub(r"\s+", " ", text)).strip()


@dataclass(frozen=True)
class Instrument:
    """One legal instrument of the list, with the line it is written at."""

    name: str
    spellings: tuple[str, ...]
    ended: bool
    since: dt.date | None
    replaced_by: str | None
    verified_articles: frozenset[str] | None
    line: int

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """Any of its spellings as a whole (not inside a longer number), in canonical() text."""
        spellings = "|".join(re.escape(s) for s in sorted(self.spellings, key=len, reverse=True))
        return re.compile(rf"(?<![0-9a-z])(?:{spellings})(?![0-9a-z])")

    def ended_on(self, today: dt.date) -> bool:
        """Whether it has ended by `today` (an end date still to come is not yet an end)."""
        return self.ended and (self.since is None or self.since <= today)


@dataclass(frozen=True)
class Instruments:
    """The list as read: its file label and its instruments, in file order."""

    file: str
    items: tuple[Instrument, ...]

    def cited(self, line: str) -> list[tuple[int, Instrument]]:
        """The instruments a legal_basis line cites, each with where it is first named, by position."""
        text = canonical(line)
        found = []
        for item in self.items:
            first = item.pattern.search(text)
            if first:
                found.append((first.start(), item))
        return sorted(found, key=lambda pair: pair[0])


def articles(line: str, instruments: Instruments, item: Instrument) -> list[str]:
    """The articles ("Điều N") of `line` that belong to `item`: those after one of its mentions and
    before the next instrument named (articles written before any name belong to the first one)."""
    text = canonical(line)
    cited = [other for _, other in instruments.cited(line)]
    mentions = sorted(
        ((m.start(), other) for other in cited for m in other.pattern.finditer(text)), key=lambda mention: mention[0]
    )
    found: list[str] = []
    for match in _ARTICLE.finditer(text):
        before = [other for start, other in mentions if start <= match.start()]
        owner = before[-1] if before else mentions[0][1] if mentions else None
        if owner is not item:
            continue
        first, last, more = match.group(1), match.group(2), match.group(3)
        if last and first.isdigit() and int(first) < int(last) <= int(first) + _MAX_RANGE:
            found += [str(n) for n in range(int(first), int(last) + 1)]
        else:
            found += [first] + ([last] if last else [])
        found += re.findall(r"\d+[a-z]?", more)
    return list(dict.fromkeys(found))


class _Reader:
    def __init__(self, label: str) -> None:
        self.label = label
        self.problems: list[Problem] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.label, line, message))

    def words(self, node: LineDict, key: str) -> list[str]:
        value = node.get(key)
        if value is None:
            return []
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) and str(v).strip() for v in value):
            self.problem(node.line_of(key), f"'{key}' phải là danh sách, mỗi mục một dòng bắt đầu bằng '- '")
            return []
        return [str(v).strip() for v in value]

    def instrument(self, node: Any, line: int) -> Instrument | None:
        if not isinstance(node, LineDict):
            self.problem(line, "mỗi văn bản phải là một bảng khóa: giá trị (name, status, ...)")
            return None
        for key in sorted(node.keys() - _KEYS):
            self.problem(node.line_of(key), f"khóa '{key}' không được hỗ trợ; dùng: {', '.join(sorted(_KEYS))}")
        name = node.get("name")
        if not isinstance(name, str) or not name.strip():
            self.problem(node.line_of("name"), "thiếu 'name' (tên và số hiệu văn bản)")
            return None
        status = node.get("status")
        ended = _STATUSES.get(canonical(str(status))) if status is not None else None
        if ended is None:
            self.problem(node.line_of("status"), f"'{name}': 'status' phải là 'còn hiệu lực' hoặc 'hết hiệu lực'")
            return None
        since = node.get("since")
        if since is not None and not isinstance(since, dt.date):
            self.problem(node.line_of("since"), f"'{name}': 'since' phải là ngày dạng YYYY-MM-DD")
            since = None
        replaced = node.get("replaced_by")
        verified = self.words(node, "verified_articles") if "verified_articles" in node else None
        spellings = tuple(dict.fromkeys(canonical(s) for s in [name.strip(), *self.words(node, "cited_as")]))
        return Instrument(
            name.strip(),
            spellings,
            ended,
            since,
            str(replaced).strip() if replaced else None,
            None if verified is None else frozenset(canonical(v) for v in verified),
            node.line,
        )


def read_instruments(path: Path, label: str) -> tuple[Instruments | None, list[Problem]]:
    """Read the list; every mistake is a `file:line` error, never an exception.

    Returns:
        The instruments that could be read (None when the file is unusable as a whole), and the problems.
    """
    data, problems = read_yaml(path, label)
    if data is None:
        return None, problems or [Problem(label, 1, "tệp trống: chưa có văn bản nào")]
    reader = _Reader(label)
    items = data.get("instruments") if isinstance(data, LineDict) else None
    if not isinstance(items, LineList):
        line = data.line_of("instruments") if isinstance(data, LineDict) else 1
        return None, [*problems, Problem(label, line, "tệp phải có danh sách 'instruments' (các văn bản)")]
    for key in sorted(data.keys() - {"instruments"}):
        reader.problem(data.line_of(key), f"khóa '{key}' không được hỗ trợ ở đầu tệp")
    found: list[Instrument] = []
    owners: dict[str, Instrument] = {}
    for index, node in enumerate(items):
        item = reader.instrument(node, items.line_of(index))
        if item is None:
            continue
        for spelling in item.spellings:
            if spelling in owners:
                reader.problem(
                    item.line,
                    f"'{item.name}': cách ghi '{spelling}' đã dùng cho "
                    f"'{owners[spelling].name}' (dòng {owners[spelling].line})",
                )
            owners.setdefault(spelling, item)
        found.append(item)
    return Instruments(label, tuple(found)), problems + reader.problems


def load_instruments(folder: Path) -> tuple[Instruments | None, list[Problem]]:
    """The list of a FAQ folder. A folder without one gets a warning: the rules that need it are skipped."""
    path = folder / INSTRUMENTS_FILE
    label = display_path(path)
    if not path.is_file():
        return None, [
            Problem(
                label,
                0,
                f"không có tệp danh sách văn bản {INSTRUMENTS_FILE}: chưa kiểm tra được căn cứ "
                "dẫn văn bản hết hiệu lực và số điều chưa kiểm chứng; hãy chép tệp "
                f"faq/{INSTRUMENTS_FILE} của bot vào thư mục này",
                warning=True,
            )
        ]
    return read_instruments(path, label)
