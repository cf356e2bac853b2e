"""Staff reports: gaps (unanswered questions grouped), usage statistics, retention and the CLI,
on a real SQLite state database filled through StateStore and a small real FAQ."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from textwrap import dedent
from zoneinfo import ZoneInfo

import pytest

from bot.__main__ import main
from bot.config import MatchingSettings
from bot.knowledge import Knowledge, load_knowledge
from bot.reports import collect_gaps, collect_stats, gaps_summary, group_gaps, stats_text
from bot.state.store import AskedQuestion, StateStore

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
START = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)  # 09:00 in Quảng Ngãi
FAQ = """\
category: {id: nop-tien, title: Nộp tiền}
entries:
  - id: noi-nop-tien
    question: Nộp tiền thi hành án ở đâu?
    alternatives: [Tôi nộp tiền ở chỗ nào, Chuyển khoản tiền thi hành án được không]
    answer: Nộp tại cơ quan thi hành án.
    legal_basis: [Luật Thi hành án dân sự 2025 (106/2025/QH15)]
    reviewed: 2026-11-01
  - id: tra-gop
    question: Có được trả góp tiền thi hành án không?
    alternatives: [Tôi trả dần từng tháng được không, Không đủ tiền trả một lần thì sao]
    answer: Có thể thỏa thuận trả dần.
    legal_basis: [Luật Thi hành án dân sự 2025 (106/2025/QH15)]
    reviewed: 2026-11-01
"""
DIVORCE = [
    "Ly hôn thì chia tài sản thế nào?",
    "ly hon thi chia tai san the nao",
    "ly hôn thì chia tài sản như thế nào ạ",
    "ly hon thi chia tai sna the nao",
]  # a typo too
INSTALMENTS = [
    "trả góp tiền phạt hình sự được không",
    "tra gop tien phat hinh su duoc ko",
    "trả góp tiền phạt hình sự có được không ạ",
]
UNRELATED = ["thời tiết hôm nay thế nào", "Thừa kế đất đai chia thế nào?"]


@pytest.fixture
def knowledge(tmp_path: Path) -> Knowledge:
    folder = tmp_path / "faq"
    folder.mkdir()
    (folder / "nop-tien.yaml").write_text(FAQ, encoding="utf-8")
    return load_knowledge(folder, MatchingSettings())


async def fill(path: Path | str) -> None:
    """Eight days of questions: gaps, answers and votes."""
    async with await StateStore.open(path) as state:
        for day, text in enumerate(DIVORCE):
            await state.record_question(text, "none", 20.0, None, at=START + dt.timedelta(days=day))
        for day, text in enumerate(INSTALMENTS, start=5):
            await state.record_question(text, "suggest", 60.0, "tra-gop", at=START + dt.timedelta(days=day))
        for text in UNRELATED:
            await state.record_question(text, "none", 5.0, None, at=START + dt.timedelta(days=7))
        for hour in range(6):
            await state.record_question("trả góp", "answer", 95.0, "tra-gop", at=START + dt.timedelta(hours=hour))
        await state.record_question("nộp ở đâu", "answer", 90.0, "noi-nop-tien", at=START + dt.timedelta(hours=19))
        await state.record_question("cũ", "answer", 90.0, "muc-da-xoa", at=START + dt.timedelta(days=1))
        await state.record_feedback("tra-gop", helpful=True, at=START)
        await state.record_feedback("tra-gop", helpful=True, at=START + dt.timedelta(days=6))
        await state.record_feedback("tra-gop", helpful=False, at=START + dt.timedelta(days=6))
        await state.record_feedback("noi-nop-tien", helpful=False, at=START)


async def fill_nothing(path: Path) -> None:
    """Create the database, with its tables and no rows."""
    async with await StateStore.open(path):
        pass


async def test_variants_group_together_biggest_first_with_the_closest_entry(
    state_url: Path | str, knowledge: Knowledge
) -> None:
    await fill(state_url)
    async with await StateStore.open(state_url) as state:
        report = await collect_gaps(state, knowledge)
    assert (report.asked, report.questions, report.group_count) == (17, 9, 4)
    divorce, instalments, *singles = report.groups
    assert (divorce.count, divorce.unanswered, divorce.suggested) == (4, 4, 0)
    assert len(divorce.examples) == 3 and set(divorce.examples) <= set(DIVORCE)
    assert (divorce.first, divorce.last) == (START, START + dt.timedelta(days=3))
    assert (instalments.count, instalments.unanswered, instalments.suggested) == (3, 0, 3)
    assert set(instalments.examples) == set(INSTALMENTS)
    # The closest entry and the score staff see are the matcher's first candidate for the group's
    # first wording, as it ranks it today. Instalments of a criminal fine: trả góp, or the civil
    # part of a criminal judgment.
    first = knowledge.matcher.rank(instalments.examples[0])[0]
    assert first.entry_id in {"tra-gop", "an-hinh-su-phan-dan-su"}
    assert instalments.closest is not None and instalments.closest.entry_id == first.entry_id
    assert instalments.closest.score == first.score and 0 < first.score <= 100
    assert sorted(group.examples for group in singles) == [(UNRELATED[1],), (UNRELATED[0],)]


def test_only_the_limit_is_returned_and_the_telegram_summary_stays_short(knowledge: Knowledge) -> None:
    words = ["ruộng", "trâu", "thuyền", "điện", "sách", "chợ", "muối", "giếng"]
    questions = [
        AskedQuestion(START, "none", 1.0, None, f"{word} " * 120 + str(number))
        for size, word in enumerate(words, start=1)
        for number in range(size)
    ]
    report = group_gaps(questions, knowledge, limit=5)
    assert [group.count for group in report.groups] == [8, 7, 6, 5, 4]
    assert report.group_count == 8
    summary = gaps_summary(report, knowledge.faq)
    assert len(summary) <= 3500
    assert "\n5. 4 câu (4 không tìm thấy), 20/11\n" in summary
    assert "\n6. " not in summary


async def test_stats_shares_days_top_entries_and_votes(state_url: Path | str, knowledge: Knowledge) -> None:
    await fill(state_url)
    async with await StateStore.open(state_url) as state:
        stats = await collect_stats(state, knowledge.faq, tz=VIETNAM)
    assert (stats.total, stats.answered, stats.suggested, stats.unanswered) == (17, 8, 3, 6)
    assert round(stats.share(stats.answered), 1) == 47.1
    # 19:00 UTC on the 20th is already the 21st in Quảng Ngãi.
    assert [(day.date.day, day.total) for day in stats.days] == [
        (20, 7),
        (21, 3),
        (22, 1),
        (23, 1),
        (25, 1),
        (26, 1),
        (27, 3),
    ]
    assert [(use.entry_id, use.count) for use in stats.top_entries] == [
        ("tra-gop", 6),
        ("muc-da-xoa", 1),
        ("noi-nop-tien", 1),
    ]
    assert stats.top_entries[0].question == "Có được trả góp tiền thi hành án không?"
    assert stats.top_entries[1].question is None  # no longer in the FAQ
    assert [(v.entry_id, v.helpful, v.not_helpful) for v in stats.votes] == [("tra-gop", 2, 1), ("noi-nop-tien", 0, 1)]
    text = stats_text(stats, tz=VIETNAM)
    assert "  Trả lời ngay                 8   47,1%" in text
    assert "  Không tìm thấy               6   35,3%" in text
    assert "muc-da-xoa (mục này không còn trong FAQ)" in text


async def test_since_and_retention_keep_only_recent_rows(state_url: Path | str, knowledge: Knowledge) -> None:
    await fill(state_url)
    cutoff = START + dt.timedelta(days=5)
    async with await StateStore.open(state_url) as state:
        recent = await collect_gaps(state, knowledge, since=cutoff)
        assert [group.count for group in recent.groups] == [3, 1, 1]  # the divorce questions are older
        assert (await collect_stats(state, knowledge.faq, since=cutoff)).votes[0].helpful == 1
        assert await state.forget_before(cutoff) == 4 + 6 + 1 + 1 + 2  # questions, then votes
        assert await state.forget_before(cutoff) == 0
        assert [q.text for q in await state.questions()] == INSTALMENTS + UNRELATED
        assert [(v.entry_id, v.helpful) for v in await state.feedback()] == [("tra-gop", True), ("tra-gop", False)]


@pytest.fixture
def config(tmp_path: Path, knowledge: Knowledge) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        dedent(f"""\
        faq:
          dir: {tmp_path / "faq"}
        state:
          path: {tmp_path / "state.sqlite3"}
        """),
        encoding="utf-8",
    )
    return path


def test_cli_gaps_and_stats(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(fill(tmp_path / "state.sqlite3"))  # the CLI runs its own event loop
    assert main(["--config", str(config), "faq", "gaps", "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "Câu hỏi bot chưa trả lời ngay (toàn bộ dữ liệu đang lưu): 9 câu trong 4 nhóm, trên tổng số 17 câu hỏi."
    )
    assert "\n1. 4 câu (4 không tìm thấy) · 20/11/2026–23/11/2026\n" in out
    assert "\n2. 3 câu (3 gợi ý) · 25/11/2026–27/11/2026\n" in out
    assert "   Mục gần nhất: tra-gop (điểm " in out
    assert "Còn 2 nhóm nhỏ hơn không hiển thị" in out
    assert main(["--config", str(config), "faq", "gaps", "--since", "2026-11-27"]) == 0
    out = capsys.readouterr().out
    assert "(từ 27/11/2026): 3 câu trong 3 nhóm, trên tổng số 3 câu hỏi." in out
    assert "ly hon" not in out
    assert main(["--config", str(config), "faq", "stats", "--since", "2026-11-21"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Thống kê câu hỏi (từ 21/11/2026; ngày tính theo giờ Asia/Ho_Chi_Minh)")
    assert "Tổng số câu hỏi: 10\n" in out
    assert "\n  21/11/2026        3        2        0               1\n" in out


def test_cli_bad_date_and_limit_exit_2(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config), "faq", "stats", "--since", "2026-02-30"]) == 2
    assert "Lỗi: ngày '2026-02-30' không hợp lệ; hãy ghi theo dạng YYYY-MM-DD" in capsys.readouterr().err
    assert main(["--config", str(config), "faq", "gaps", "--limit", "0"]) == 2
    assert "Lỗi: --limit '0' không hợp lệ" in capsys.readouterr().err


def test_cli_on_a_missing_or_empty_database(config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(config), "faq", "gaps"]) == 0
    assert capsys.readouterr().out.startswith("Chưa có câu hỏi nào được ghi lại")
    assert not (tmp_path / "state.sqlite3").exists()  # a report does not create the database
    asyncio.run(fill_nothing(tmp_path / "state.sqlite3"))
    for command in ("gaps", "stats"):
        assert main(["--config", str(config), "faq", command]) == 0
        assert capsys.readouterr().out == "Chưa có câu hỏi nào được ghi lại (toàn bộ dữ liệu đang lưu).\n"
