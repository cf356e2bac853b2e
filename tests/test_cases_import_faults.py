"""`cases import` under bad files and kills (review L5) and the read-only URI (L9): a clear
error and no temporary file left behind; ';'-separated exports accepted; a '#' in the path."""

from __future__ import annotations

import asyncio
import csv
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cases.importer import COLUMNS, import_rows, read_csv
from bot.cases.store import open_read_only
from tests.helpers import CODES, ROW, STATUSES, write_csv

ROOT = Path(__file__).resolve().parent.parent


def cases_import(source: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "cases", "import", str(source), "--out", str(out)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def missing_column(path: Path) -> None:
    path.write_text("code,status\nQN-2026-000001,tu-nguyen\n", encoding="utf-8")


def not_utf8(path: Path) -> None:
    write_csv(path, [ROW])
    path.write_bytes(path.read_bytes() + b"QN-2026-000002,T\xf7 nguy\xean\n")  # a legacy code page


def huge_field(path: Path) -> None:
    write_csv(path, [ROW, {**ROW, "code": "QN-2026-000002", "events": "2026-07-02: " + "x" * 140_000}])


@pytest.mark.slow  # `cases import` as real processes
@pytest.mark.parametrize(
    ("make", "says"),
    [
        (missing_column, "thiếu cột"),
        (not_utf8, "không phải mã hóa UTF-8"),
        (huge_field, "line 3: tệp CSV hỏng hoặc có ô quá dài"),
    ],
)
def test_a_bad_export_is_a_clear_error_and_leaves_no_temporary_file(tmp_path: Path, make: object, says: str) -> None:
    source = tmp_path / "export.csv"
    make(source)  # type: ignore[operator]
    out = tmp_path / "data" / "cases.sqlite3"
    result = cases_import(source, out)
    assert result.returncode == 1, result.stderr
    assert says in result.stderr and str(source) in result.stderr
    assert "Traceback" not in result.stderr
    assert leftovers(out.parent) == [] and not out.exists()


def test_a_semicolon_separated_export_is_accepted(tmp_path: Path) -> None:
    source = tmp_path / "excel-vi.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as handle:  # Excel, Vietnamese locale
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, delimiter=";")
        writer.writeheader()
        writer.writerows([ROW, {**ROW, "code": "QN-2026-000002", "office_name": "Phòng THADS khu vực 1"}])
    report = import_rows(read_csv(source), tmp_path / "cases.sqlite3", CODES, STATUSES)
    assert (report.cases, report.errors) == (2, [])


@pytest.mark.slow  # `cases import` as real processes
async def test_a_killed_import_leaves_nothing_after_the_next_run(tmp_path: Path) -> None:
    source = tmp_path / "big.csv"
    write_csv(source, [{**ROW, "code": f"QN-2026-{n:06d}"} for n in range(1, 300_000)])
    out = tmp_path / "data" / "cases.sqlite3"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "cases",
        "import",
        str(source),
        "--out",
        str(out),
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        for _ in range(600):  # until the import has begun writing its temporary file
            if out.parent.is_dir() and leftovers(out.parent):
                break
            await asyncio.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        await process.wait()
    assert process.returncode == -signal.SIGKILL
    assert len(leftovers(out.parent)) == 1  # nothing can clean up after kill -9 itself ...
    result = cases_import(write_csv(tmp_path / "small.csv", [ROW]), out)
    assert result.returncode == 0, result.stderr
    assert leftovers(out.parent) == []  # ... the next import does
    assert open_read_only(out).execute("SELECT count(*) FROM cases").fetchone() == (1,)


def test_a_hash_in_the_database_path_stays_read_only(tmp_path: Path) -> None:
    target = tmp_path / "cases#2026 %41.sqlite3"
    import_rows(read_csv(write_csv(tmp_path / "good.csv", [ROW])), target, CODES, STATUSES)
    before = sorted(p.name for p in tmp_path.iterdir())
    connection = open_read_only(target)
    assert connection.execute("SELECT count(*) FROM cases").fetchone() == (1,)
    connection.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no stray file named "cases"
