"""Write FAQ category files in the house style, remembering which row and field made each line.

The style is the one of the shipped `faq/*.yaml`: a `category:` mapping, then `entries:`, one
blank line between entries, keys in a fixed order, answers as `|-` blocks, `related` as a flow
list, scalars plain unless YAML would read them differently. Writing what `load_faq` read gives
back the same bytes, which is what makes the spreadsheet round trip lossless.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml

from bot.faq.journal import finish_interrupted, replace_all
from bot.faq.model import Category, Entry, Faq

# Characters the YAML reader refuses, plus those it reads as line breaks or a byte order mark.
_UNSAFE = re.compile("[^\x09\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Record:
    """One entry with its category, as staff see it in a spreadsheet row, not yet validated.

    `reviewed` is a date, the text staff typed when it is not one, or None when left empty;
    `row` is the spreadsheet row the record came from (0 when it came from YAML).
    """

    category: str
    category_title: str
    category_title_en: str
    id: str
    question: str
    alternatives: tuple[str, ...] = ()
    answer: str = ""
    legal_basis: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    reviewed: dt.date | str | None = None
    en_question: str = ""
    en_alternatives: tuple[str, ...] = ()
    en_answer: str = ""
    tests: tuple[str, ...] = ()
    row: int = field(default=0, compare=False)


FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Record) if f.name != "row")
LIST_FIELDS = frozenset({"alternatives", "legal_basis", "related", "en_alternatives", "tests"})


def record_of(entry: Entry, category: Category) -> Record:
    """The record of an entry loaded from YAML."""
    en = entry.en
    return Record(
        category.id,
        category.title,
        category.title_en or "",
        entry.id,
        entry.question,
        entry.alternatives,
        entry.answer,
        entry.legal_basis,
        entry.related,
        entry.reviewed,
        en.question if en else "",
        en.alternatives if en else (),
        en.answer if en else "",
        entry.tests,
    )


def records_of(faq: Faq) -> list[Record]:
    """Every entry of a FAQ as records, in file order then entry order."""
    return [
        record_of(faq.entries[entry_id], category) for category in faq.categories for entry_id in category.entry_ids
    ]


@dataclass
class Rendered:
    """A category file's text and, for each line (1-based), the row and field it came from."""

    text: str = ""
    origin: dict[int, tuple[int, str]] = field(default_factory=dict)
    row: int = 0  # the row of the lines being added
    _lines: list[str] = field(default_factory=list)

    def add(self, line: str, key: str) -> None:
        """Add a line that comes from field `key` of the current row."""
        self._lines.append(line)
        self.origin[len(self._lines)] = (self.row, key)


def _reads_back(document: str, expected: object) -> bool:
    try:
        return bool(yaml.load(document, Loader=_Loader) == expected)
    except (yaml.YAMLError, ValueError):  # ValueError: an impossible date such as 2026-13-45
        return False


def scalar(text: str, *, flow: bool = False) -> str:
    """`text` as a YAML scalar: plain when YAML reads it back unchanged, else quoted."""
    if text and text == text.strip() and not _UNSAFE.search(text) and "\n" not in text and "\t" not in text:
        if flow:
            if _reads_back(f"[{text}]", [text]):
                return text
        elif _reads_back(f"- {text}", [text]) and _reads_back(f"k: {text}", {"k": text}):
            return text
    if "\n" not in text and "\t" not in text and not _UNSAFE.search(text):
        return "'" + text.replace("'", "''") + "'"
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=2**31).rstrip("\n")


def _block(text: str, indent: str) -> list[str] | None:
    """The lines of a `|-` literal block for `text`, or None when a block cannot hold it exactly."""
    lines = text.split("\n")
    if (
        not text
        or text != text.strip()
        or _UNSAFE.search(text)
        or any(line != "" and not line.strip() for line in lines)
    ):
        return None
    return [indent + line if line else "" for line in lines]


def _text(out: Rendered, indent: str, key: str, value: str, column: str, *, block: bool = False) -> None:
    lines = _block(value, indent + "  ") if block else None
    if lines is None:
        out.add(f"{indent}{key}: {scalar(value)}", column)
        return
    out.add(f"{indent}{key}: |-", column)
    for line in lines:
        out.add(line, column)


def _list(out: Rendered, indent: str, key: str, items: Sequence[str], column: str, *, required: bool = False) -> None:
    if not items:
        if required:  # written empty so that the check points at this field
            out.add(f"{indent}{key}: []", column)
        return
    out.add(f"{indent}{key}:", column)
    for item in items:
        out.add(f"{indent}  - {scalar(item)}", column)


def _entry(out: Rendered, record: Record) -> None:
    out.row = record.row
    out.add(f"  - id: {scalar(record.id)}", "id")
    _text(out, "    ", "question", record.question, "question")
    _list(out, "    ", "alternatives", record.alternatives, "alternatives", required=True)
    _text(out, "    ", "answer", record.answer, "answer", block=True)
    _list(out, "    ", "legal_basis", record.legal_basis, "legal_basis", required=True)
    if record.related:
        out.add(f"    related: [{', '.join(scalar(r, flow=True) for r in record.related)}]", "related")
    reviewed = record.reviewed
    if isinstance(reviewed, dt.date):
        out.add(f"    reviewed: {reviewed.isoformat()}", "reviewed")
    else:  # text that is not a date is quoted, so that the check names it instead of YAML failing
        out.add("    reviewed:" + (f" {scalar(reviewed)}" if reviewed else ""), "reviewed")
    if record.en_question or record.en_alternatives or record.en_answer:
        out.add("    en:", "en_question")
        _text(out, "      ", "question", record.en_question, "en_question")
        _list(out, "      ", "alternatives", record.en_alternatives, "en_alternatives")
        _text(out, "      ", "answer", record.en_answer, "en_answer", block=True)
    _list(out, "    ", "tests", record.tests, "tests")


def render(records: Sequence[Record]) -> Rendered:
    """One category file from its records (the category is the first record's).

    Args:
        records: The entries of one category, in file order; at least one.

    Returns:
        The file text and the origin (row, field) of each of its lines.
    """
    head = records[0]
    out = Rendered(row=head.row)
    out.add("category:", "category")
    out.add(f"  id: {scalar(head.category)}", "category")
    out.add(f"  title: {scalar(head.category_title)}", "category_title")
    if head.category_title_en:
        out.add(f"  title_en: {scalar(head.category_title_en)}", "category_title_en")
    out.add("entries:", "id")
    for index, record in enumerate(records):
        if index:
            out.row = record.row
            out.add("", "id")
        _entry(out, record)
    out.text = "\n".join(out._lines) + "\n"
    return out


def replace_files(folder: Path, contents: dict[str, str], remove: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Write the changed files of `folder` and remove some, all as one step (bot/faq/journal.py).

    Args:
        folder: The FAQ folder.
        contents: File name -> new text; files whose bytes are already equal are left alone.
        remove: Files to delete afterwards.

    Returns:
        The files written and the files removed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    finish_interrupted(folder)
    changed: dict[str, bytes] = {}
    for name, text in contents.items():
        path, data = folder / name, text.encode("utf-8")
        if not (path.is_file() and path.read_bytes() == data):
            changed[name] = data
    removed = [path for path in remove if path.exists()]
    replace_all(folder, changed, removed)
    return [folder / name for name in changed], removed
