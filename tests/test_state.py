"""The state database: a real SQLite file, reopened as after a restart."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from bot.announce.model import Content, Status
from bot.state import StateStore
from tests.postgres import rows


async def test_choices_survive_a_restart_and_identity_is_not_stored(state_url: Path | str) -> None:
    path = state_url
    async with await StateStore.open(path) as state:
        await state.set_language(555001, "en")
        await state.record_question("câu hỏi lạ", "none", 12.5, None)
        await state.record_question("trả góp được không", "answer", 88.0, "tra-gop")
        await state.record_feedback("tra-gop", helpful=False)
        key = state.user_key(555001)
    async with await StateStore.open(path) as state:
        assert await state.language(555001) == "en"
        assert await state.language(555002) is None
        assert state.user_key(555001) == key  # the HMAC secret persists
        asked = await state.questions()
        assert [(q.outcome, q.score, q.entry_id, q.text) for q in asked] == [
            ("none", 12.5, None, "câu hỏi lạ"),
            ("answer", 88.0, "tra-gop", None),  # answered: no text kept
        ]
        assert all(q.asked_at.tzinfo == dt.UTC for q in asked)
        assert [(v.entry_id, v.helpful) for v in await state.feedback()] == [("tra-gop", False)]
    tables = [
        row[0]
        for row in rows(
            path,
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            if isinstance(path, Path)
            else "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
        )
    ]
    dump = "\n".join(str(rows(path, f"SELECT * FROM {table}")) for table in tables)
    assert "555001" not in dump and "questions" in tables


async def test_long_questions_are_cut(state_url: Path | str) -> None:
    async with await StateStore.open(state_url) as state:
        await state.record_question("x" * 5000, "none", 1.0, None)
        assert len((await state.questions("none"))[0].text or "") == 1000


async def test_times_are_stored_in_utc_and_since_filters(state_url: Path | str) -> None:
    vietnam = dt.timezone(dt.timedelta(hours=7))
    async with await StateStore.open(state_url) as state:
        await state.record_question("trước", "none", 10.0, None, at=dt.datetime(2026, 11, 20, 6, 59, tzinfo=vietnam))
        await state.record_question("sau", "none", 10.0, None, at=dt.datetime(2026, 11, 20, 0, 0))  # naive: UTC
        await state.record_feedback("tra-gop", helpful=True, at=dt.datetime(2026, 11, 19, 23, 0, tzinfo=dt.UTC))
        since = dt.datetime(2026, 11, 20, 7, 0, tzinfo=vietnam)  # midnight UTC
        assert [q.text for q in await state.questions(since=since)] == ["sau"]
        assert [q.asked_at for q in await state.questions()] == [
            dt.datetime(2026, 11, 19, 23, 59, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 20, 0, 0, tzinfo=dt.UTC),
        ]
        assert await state.feedback(since=since) == []
        assert len(await state.feedback(since=dt.datetime(2026, 11, 19, 23, 0))) == 1  # naive: UTC


async def test_a_state_file_from_before_announcement_summaries_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with sqlite3.connect(path) as db:  # the announcements table as the first release wrote it
        db.execute(
            "CREATE TABLE announcements (id INTEGER PRIMARY KEY, topic TEXT NOT NULL, text TEXT NOT NULL, "
            "media_kind TEXT, media_id TEXT, author_id INTEGER NOT NULL, author_name TEXT NOT NULL, "
            "status TEXT NOT NULL, created_at TEXT NOT NULL, send_at TEXT, approved_by INTEGER, "
            "approval_asked INTEGER NOT NULL DEFAULT 0, started_at TEXT, finished_at TEXT, "
            "progress_chat INTEGER, progress_message INTEGER)"
        )
    async with await StateStore.open(path) as state:
        number = await state.announcements.create("chung", Content("x"), 0, "t", status=Status.DRAFT)
        assert (await state.announcements.counts(number)).total == 0
    with sqlite3.connect(path) as db:
        assert "summary" in {row[1] for row in db.execute("PRAGMA table_info(announcements)")}
