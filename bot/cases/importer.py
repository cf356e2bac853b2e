"""Build a case-database snapshot from the agency's CSV export (format: docs/case-database.md).

Every row is validated; problems come back as `line N: message`. The snapshot is written to a
temporary file beside the target and renamed over it only when every row is valid, so the
snapshot in use is never damaged and the bot switches to the new one in a single step.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import os
import re
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.cases.codes import CodeFormat
from bot.cases.store import SCHEMA, digest, normalise_factor, parse_events
from bot.faq.bulk import paused_gc

COLUMNS = (
    "code",
    "status",
    "office_id",
    "office_name",
    "office_address",
    "office_phone",
    "executor",
    "decided_on",
    "updated_on",
    "amount_due",
    "amount_paid",
    "creditor_name",
    "debtor_name",
    "creditor_factor",
    "debtor_factor",
    "events",
)
_REQUIRED = tuple(c for c in COLUMNS if c != "events")
_EMPTY = ("",) * len(_REQUIRED)
MAX_REPORTED = 200  # errors listed; the rest are counted
_Checked = tuple[tuple[object, ...], list[tuple[object, ...]]]
_BATCH = 20_000


@dataclass
class ImportReport:
    """How an import went."""

    cases: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0

    def error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(f"line {line}: {message}")


def _date(value: str) -> str:
    """An ISO date (YYYY-MM-DD), validated; other ISO spellings are rewritten to it."""
    value = value.strip()
    day = dt.date.fromisoformat(value)
    return value if len(value) == 10 else day.isoformat()


_TIMELINE = re.compile(r"\d{4}-\d{2}-\d{2}: [^|]+(?: \| \d{4}-\d{2}-\d{2}: [^|]+)*")
_BLANK_STEP = re.compile(r":\s*(?:\||$)")
_DAY = re.compile(r"(?:^|\| )(\d{4}-\d{2}-\d{2}):")


def _events(value: str) -> str:
    """The timeline column, validated (every part 'YYYY-MM-DD: text'); rewritten only when irregular."""
    value = value.strip()
    if not value:
        return ""
    if _TIMELINE.fullmatch(value) and not _BLANK_STEP.search(value):  # the usual form: check the dates only
        for day in _DAY.findall(value):
            dt.date.fromisoformat(day)
        return value
    return " | ".join(f"{e.happened_on.isoformat()}: {e.description}" for e in parse_events(value))


class _Checker:
    def __init__(self, codes: CodeFormat, statuses: set[str], report: ImportReport, min_digits: int = 1) -> None:
        self.codes, self.statuses, self.report = codes, statuses, report
        self.min_digits = min_digits
        self.seen: set[str] = set()
        self.offices: dict[str, tuple[str, str, str]] = {}
        self._salts, self._used = b"", 0

    def salt(self) -> bytes:
        """32 random bytes (two 16-byte salts), drawn from the OS in blocks rather than per row."""
        if self._used + 32 > len(self._salts):
            self._salts, self._used = secrets.token_bytes(32 * 4096), 0
        self._used += 32
        return self._salts[self._used - 32 : self._used]

    def row(self, line: int, row: dict[str, str]) -> _Checked | None:
        """(case row, verifier rows) or None after reporting what is wrong."""
        if not all(map(str.strip, map(row.get, _REQUIRED, _EMPTY))):
            missing = [c for c in _REQUIRED if not (row.get(c) or "").strip()]
            self.report.error(line, "thiếu giá trị: " + ", ".join(missing))
            return None
        code = self.codes.parse(row["code"])
        problems = []
        if code is None:
            problems.append(f"mã hồ sơ '{row['code'][:30]}' không đúng định dạng (ví dụ {self.codes.example})")
        elif code in self.seen:
            problems.append(f"mã hồ sơ {code} bị lặp lại")
        if row["status"].strip() not in self.statuses:
            problems.append(f"trạng thái '{row['status'][:30]}' không có trong bảng trạng thái")
        try:
            decided, updated = _date(row["decided_on"]), _date(row["updated_on"])
            events = _events(row.get("events") or "")
        except ValueError as exc:
            problems.append(f"ngày không hợp lệ ({exc})")
            decided = updated = events = ""
        try:
            due, paid = int(row["amount_due"]), int(row["amount_paid"])
            if due < 0 or paid < 0 or paid > due:
                problems.append("số tiền phải không âm và số đã nộp không lớn hơn số phải thi hành")
        except ValueError:
            problems.append("số tiền phải là số nguyên (đồng)")
            due = paid = 0
        factors = {party: normalise_factor(row[f"{party}_factor"]) for party in ("creditor", "debtor")}
        if not all(factors.values()):
            problems.append("thông tin xác minh (creditor_factor, debtor_factor) phải có chữ số")
        elif min(map(len, factors.values())) < self.min_digits:
            problems.append(f"thông tin xác minh phải có ít nhất {self.min_digits} chữ số (cases.factor_min_digits)")
        office = (row["office_name"].strip(), row["office_address"].strip(), row["office_phone"].strip())
        known = self.offices.setdefault(row["office_id"].strip(), office)
        if known != office:
            problems.append(f"văn phòng {row['office_id']} có thông tin khác với dòng trước")
        if problems or code is None:
            for problem in problems:
                self.report.error(line, problem)
            return None
        self.seen.add(code)
        case: tuple[object, ...] = (
            code,
            row["status"].strip(),
            row["office_id"].strip(),
            row["executor"].strip(),
            decided,
            updated,
            due,
            paid,
            row["creditor_name"].strip(),
            row["debtor_name"].strip(),
            events,
        )
        salts = self.salt()
        verifiers: list[tuple[object, ...]] = [
            (code, party, salt, digest(salt, factor))
            for (party, factor), salt in zip(factors.items(), (salts[:16], salts[16:]), strict=True)
        ]
        return case, verifiers


def import_rows(
    rows: Iterable[tuple[int, dict[str, str]]],
    out: Path,
    codes: CodeFormat,
    statuses: set[str],
    min_digits: int = 1,
    *,
    demo: bool = False,
) -> ImportReport:
    """Validate and write rows (line number, CSV row) as a new snapshot at `out`; each second
    factor must have at least `min_digits` digits (`cases.factor_min_digits`). A `demo` snapshot
    (synthetic cases) is marked so, and served only where `cases.demo` allows it."""
    with paused_gc():
        return _import_rows(rows, out, codes, statuses, min_digits, demo=demo)


def _import_rows(
    rows: Iterable[tuple[int, dict[str, str]]],
    out: Path,
    codes: CodeFormat,
    statuses: set[str],
    min_digits: int,
    *,
    demo: bool = False,
) -> ImportReport:
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    out.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(out)
    try:
        report = _build(rows, temporary, codes, statuses, min_digits, demo=demo)
    except BaseException:  # a bad file, Ctrl-C: nothing left behind
        temporary.unlink(missing_ok=True)
        raise
    if report.error_count or report.cases == 0:
        if report.cases == 0 and not report.error_count:
            report.error(1, "tệp không có dòng dữ liệu nào")
        temporary.unlink(missing_ok=True)
        report.cases = 0
        return report
    os.replace(temporary, out)  # atomic: the bot sees the old snapshot or the new one, never half
    return report


def _remove_stale(out: Path) -> None:
    """Delete the temporary files of imports that were killed (their process no longer exists)."""
    for stale in out.parent.glob(f".{glob.escape(out.name)}.*.tmp"):
        pid = stale.name[len(out.name) + 2 : -4]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _build(
    rows: Iterable[tuple[int, dict[str, str]]],
    temporary: Path,
    codes: CodeFormat,
    statuses: set[str],
    min_digits: int,
    *,
    demo: bool = False,
) -> ImportReport:
    report = ImportReport()
    checker = _Checker(codes, statuses, report, min_digits)
    temporary.unlink(missing_ok=True)
    db = sqlite3.connect(temporary)
    try:
        for pragma in (
            "journal_mode = OFF",
            "synchronous = OFF",
            "locking_mode = EXCLUSIVE",
            "temp_store = MEMORY",
            "cache_size = -262144",
        ):  # a new file nobody reads yet
            db.execute(f"PRAGMA {pragma}")
        db.executescript(SCHEMA)
        batch: list[_Checked] = []
        for line, row in rows:
            checked = checker.row(line, row)
            if checked is not None:
                batch.append(checked)
            if len(batch) >= _BATCH:
                _write(db, batch)
                report.cases += len(batch)
                batch = []
        _write(db, batch)
        report.cases += len(batch)
        db.executemany("INSERT INTO offices VALUES (?, ?, ?, ?)", [(k, *v) for k, v in checker.offices.items()])
        db.execute("INSERT INTO snapshot VALUES ('exported_at', ?)", (dt.datetime.now(dt.UTC).isoformat(),))
        if demo:
            db.execute("INSERT INTO snapshot VALUES ('demo', 'synthetic cases')")
        db.commit()
    finally:
        db.close()
    return report


def _write(db: sqlite3.Connection, batch: list[_Checked]) -> None:
    batch.sort(key=lambda checked: str(checked[0][0]))  # keys in order: B-tree appends, not inserts
    db.executemany("INSERT INTO cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (case for case, _ in batch))
    db.executemany("INSERT INTO verifiers VALUES (?, ?, ?, ?)", (v for _, vs in batch for v in vs))


def read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a UTF-8 CSV export with their line numbers (the header is line 1). The separator
    is read from the header: ',' or ';' (Excel in a Vietnamese locale) or a tab."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
        handle.seek(0)
        reader = csv.DictReader(handle, restval="", delimiter=max(",;\t", key=first.count))
        try:
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ValueError("line 1: thiếu cột: " + ", ".join(missing))
            for row in reader:
                yield reader.line_num, row
        except csv.Error as exc:  # e.g. a field over csv.field_size_limit() (131,072 characters)
            raise ValueError(f"line {reader.line_num + 1}: tệp CSV hỏng hoặc có ô quá dài ({exc})") from None
