"""Case codes, the CSV import, the read-only store and snapshot swaps, on real SQLite files."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.cases.codes import CodeFormat
from bot.cases.demo import demo_rows
from bot.cases.glossary import load_glossary
from bot.cases.importer import import_rows, read_csv
from bot.cases.store import CaseStore, open_read_only
from bot.config import load_settings
from bot.lookup import CaseLookup, mask
from bot.state import StateStore
from tests.helpers import CODES, ROOT, ROW, STATUSES, write_csv
from tests.postgres import rows


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("QN-2026-000123", "QN-2026-000123"),
        ("qn-2026-000123", "QN-2026-000123"),
        ("  QN – 2026 — 000123 ", "QN-2026-000123"),
        ("ＱＮ－２０２６－０００１２３", "QN-2026-000123"),  # full-width, as some phone keyboards type
        ("QN-2026-00012", None),
        ("QN-2026-000123'; DROP TABLE cases; --", None),
        ("' OR 1=1 --", None),
        ("🙏🙏", None),
        ("Q" * 10_000, None),
    ],
)
def test_codes_are_normalised_and_checked(typed: str, expected: str | None) -> None:
    assert CODES.parse(typed) == expected


def test_mask_keeps_initials_only() -> None:
    assert mask("Nguyễn Văn An") == "N. V. A."
    assert mask("Y Blông") == "Y. B."


def test_import_builds_a_snapshot_the_store_reads(tmp_path: Path) -> None:
    second = {**ROW, "code": "QN-2026-000002", "status": "da-thi-hanh-xong", "amount_paid": "50000000", "events": ""}
    report = import_rows(
        read_csv(write_csv(tmp_path / "x.csv", [ROW, second])), tmp_path / "cases.sqlite3", CODES, STATUSES
    )
    assert (report.cases, report.errors) == (2, [])
    store = CaseStore(tmp_path / "cases.sqlite3")
    record = store.find("QN-2026-000001")
    assert record is not None
    assert (record.status, record.amount_left, record.office_name) == ("tu-nguyen", 50_000_000, "Phòng THADS khu vực 1")
    assert [e.description for e in record.events] == ["Gửi thông báo", "Ra quyết định thi hành án"]
    assert store.find("QN-2026-999999") is None
    assert store.verify("QN-2026-000001", "1982") == "debtor"
    assert store.verify("QN-2026-000001", "１９７０") == "creditor"
    assert store.verify("QN-2026-000001", "1983") is None
    assert store.verify("QN-2026-999999", "1982") is None
    dump = "\n".join(sqlite3.connect(tmp_path / "cases.sqlite3").iterdump())
    assert "1982" not in dump and "1970" not in dump  # second factors only as salted hashes


def test_bad_rows_are_reported_and_the_old_snapshot_is_untouched(tmp_path: Path) -> None:
    target = tmp_path / "cases.sqlite3"
    import_rows(read_csv(write_csv(tmp_path / "good.csv", [ROW])), target, CODES, STATUSES)
    before = target.read_bytes()
    bad = [
        {**ROW, "code": "QN-2026-000010"},
        {**ROW, "code": "XX-1"},
        {**ROW, "code": "QN-2026-000011", "status": "bien-mat"},
        {**ROW, "code": "QN-2026-000012", "decided_on": "2026-13-40"},
        {**ROW, "code": "QN-2026-000013", "amount_paid": "60000000"},
        {**ROW, "code": "QN-2026-000014", "debtor_factor": "không nhớ"},
        {**ROW, "code": "QN-2026-000010"},
        {**ROW, "code": "QN-2026-000015", "creditor_name": ""},
    ]
    report = import_rows(read_csv(write_csv(tmp_path / "bad.csv", bad)), target, CODES, STATUSES)
    assert report.cases == 0
    assert report.errors == [
        "line 3: mã hồ sơ 'XX-1' không đúng định dạng (ví dụ QN-2026-000123)",
        "line 4: trạng thái 'bien-mat' không có trong bảng trạng thái",
        "line 5: ngày không hợp lệ (month must be in 1..12)",
        "line 6: số tiền phải không âm và số đã nộp không lớn hơn số phải thi hành",
        "line 7: thông tin xác minh (creditor_factor, debtor_factor) phải có chữ số",
        "line 8: mã hồ sơ QN-2026-000010 bị lặp lại",
        "line 9: thiếu giá trị: creditor_name",
    ]
    assert target.read_bytes() == before
    assert not list(tmp_path.glob(".*.tmp"))


def test_big_export_checked_in_parallel_catches_duplicates_across_chunks(tmp_path: Path) -> None:
    rows = list(demo_rows(25_000))
    duplicate = {**rows[3][1]}  # the fourth case again, 25,000 rows later (another chunk)
    rows.append((25_002, duplicate))
    target = tmp_path / "cases.sqlite3"
    report = import_rows(iter(rows), target, CODES, STATUSES)
    assert report.errors == [f"line 25002: mã hồ sơ {duplicate['code']} bị lặp lại"]
    assert not target.exists()
    report = import_rows(iter(rows[:-1]), target, CODES, STATUSES)
    assert (report.cases, report.errors) == (25_000, [])
    assert CaseStore(target).find(rows[-2][1]["code"]) is not None


def test_the_store_cannot_write(tmp_path: Path) -> None:
    target = tmp_path / "cases.sqlite3"
    import_rows(read_csv(write_csv(tmp_path / "good.csv", [ROW])), target, CODES, STATUSES)
    connection = open_read_only(target)
    with pytest.raises(sqlite3.OperationalError, match=r"readonly|read-only"):
        connection.execute("DELETE FROM cases")
    with pytest.raises(sqlite3.OperationalError):
        connection.executescript("PRAGMA query_only = OFF; DELETE FROM cases;")
    assert open_read_only(target).execute("SELECT count(*) FROM cases").fetchone() == (1,)


async def test_snapshot_swapped_during_a_stream_of_lookups(tmp_path: Path) -> None:
    target = tmp_path / "cases.sqlite3"
    import_rows(demo_rows(300), target, CODES, STATUSES)
    store = CaseStore(target)
    codes = [f"QN-{year}-{n:06d}" for n in range(1, 301) for year in (2024, 2025, 2026)]
    failures, done = 0, 0
    stop = asyncio.Event()

    async def lookups() -> None:
        nonlocal failures, done
        while not stop.is_set():
            for code in codes[:60]:
                try:
                    store.find(code)
                    done += 1
                except Exception:
                    failures += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(lookups())
    first = store.snapshot_id()
    for _ in range(3):  # three new exports while lookups run
        await asyncio.to_thread(import_rows, demo_rows(300, seed=7), target, CODES, STATUSES)
        await asyncio.sleep(0.05)
    stop.set()
    await task
    assert failures == 0 and done > 0
    assert store.snapshot_id() != first  # the store switched to the newest export


async def test_a_thousand_codes_from_one_user_reveal_nothing(tmp_path: Path) -> None:
    settings = load_settings(ROOT / "config.yaml", environ={})
    target = tmp_path / "cases.sqlite3"
    import_rows(demo_rows(500), target, CODES, STATUSES)
    async with await StateStore.open(tmp_path / "state.sqlite3") as state:
        lookup = CaseLookup(
            CaseStore(target), load_glossary(ROOT / "glossary" / "statuses.yaml")[0], settings.cases, state, "[hotline]"
        )
        answers = []
        for number in range(1000):
            await lookup.begin(7, english=False, typed_code=f"QN-2025-{number:06d}")
            answers += [reply.text for reply in await lookup.receive(7, english=False, text="1970")]
        not_found = [a for a in answers if a.startswith("Không tìm thấy hồ sơ")]
        limited = [a for a in answers if a.startswith("Bạn đã tra cứu sai nhiều lần")]
        assert len(not_found) == settings.cases.max_failures_per_hour
        assert len(limited) + len(not_found) == len(answers)  # nothing else came back, no case shown
        # The limit is in the database: a new lookup object (a restart) still refuses.
        again = CaseLookup(CaseStore(target), {}, settings.cases, state, "[hotline]")
        assert (await again.begin(7, english=False))[0].text.startswith("Bạn đã tra cứu sai nhiều lần")
        assert (await again.begin(8, english=False))[0].text.startswith("Vui lòng gõ")  # other users unaffected


def test_initials_are_escaped_for_telegram_html() -> None:
    assert mask("<Công ty> TNHH Minh An") == "&lt;. T. T. M. A."  # Telegram refuses a raw "<."


async def test_an_answer_with_markup_in_a_name_is_valid_html(tmp_path: Path) -> None:
    settings = load_settings(ROOT / "config.yaml", environ={})
    target = tmp_path / "cases.sqlite3"
    row = {**ROW, "creditor_name": "<Công ty> TNHH Minh An", "executor": "<b>Lê Văn Cường"}
    import_rows(read_csv(write_csv(tmp_path / "x.csv", [row])), target, CODES, STATUSES)
    async with await StateStore.open(tmp_path / "state.sqlite3") as state:
        lookup = CaseLookup(CaseStore(target), {}, settings.cases, state, "[hotline]")
        await lookup.begin(3, english=False, typed_code=ROW["code"])
        text = (await lookup.receive(3, english=False, text="1970"))[0].text
    assert "Người được thi hành án: &lt;. T. T. M. A." in text and "Chấp hành viên: &lt;. V. C." in text
    assert "<." not in text


@pytest.mark.parametrize("typed", ["QN-２０２６-０００１２３", "QN-2026-٠٠٠١٢٣", "ＱＮ－2026－000123"])
def test_codes_with_non_ascii_digits_are_normalised(typed: str) -> None:
    assert CodeFormat(r"^QN-\d{4}-\d{6}$", "x").parse(typed) == "QN-2026-000123"


def test_an_export_with_factors_shorter_than_configured_is_refused(tmp_path: Path) -> None:
    strong = {**ROW, "creditor_factor": "051070001234", "debtor_factor": "1982"}  # 12-digit ID vs a year
    report = import_rows(
        read_csv(write_csv(tmp_path / "x.csv", [strong])), tmp_path / "cases.sqlite3", CODES, STATUSES, min_digits=6
    )
    assert report.errors == ["line 2: thông tin xác minh phải có ít nhất 6 chữ số (cases.factor_min_digits)"]
    assert not (tmp_path / "cases.sqlite3").exists()


async def test_abandoned_lookups_and_old_proofs_are_forgotten(tmp_path: Path) -> None:
    settings = load_settings(ROOT / "config.yaml", environ={})
    target = tmp_path / "cases.sqlite3"
    import_rows(read_csv(write_csv(tmp_path / "x.csv", [ROW])), target, CODES, STATUSES)
    async with await StateStore.open(tmp_path / "state.sqlite3") as state:
        lookup = CaseLookup(CaseStore(target), {}, settings.cases, state, "[hotline]")
        for user in range(2000):  # deep links never finished
            await lookup.begin(user, english=False, typed_code=ROW["code"])
        await lookup.begin(5000, english=False, typed_code=ROW["code"])
        await lookup.receive(5000, english=False, text="1970")  # a success: a proof of access
        assert rows(tmp_path / "state.sqlite3", "SELECT kind, count(*) FROM dialogue GROUP BY kind ORDER BY kind") == [
            ("lookup", 2000),
            ("proved", 1),
        ]
        sealed = rows(tmp_path / "state.sqlite3", "SELECT value FROM dialogue")
        assert not any(ROW["code"] in str(value) for (value,) in sealed)  # codes are kept sealed (M4)
        with sqlite3.connect(tmp_path / "state.sqlite3") as db:  # eleven minutes and an hour later
            db.execute("UPDATE dialogue SET expires_at = expires_at - 3660")
        await lookup.begin(9000, english=False)
        assert rows(tmp_path / "state.sqlite3", "SELECT kind FROM dialogue") == [("lookup",)]
        assert (await lookup.follow(5000, english=False))[0].text == ""  # the old proof no longer subscribes
