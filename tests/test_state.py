"""The state database: a real SQLite file, reopened as after a restart."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.state import StateStore


async def test_choices_survive_a_restart_and_identity_is_not_stored(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
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
        assert await state.questions() == [
            (*(await state.questions())[0][:2], 12.5, None, "câu hỏi lạ"),
            (*(await state.questions())[1][:2], 88.0, "tra-gop", None),  # answered: no text kept
        ]
        assert await state.feedback() == [("tra-gop", False)]
    dump = "\n".join(sqlite3.connect(path).iterdump())
    assert "555001" not in dump


async def test_long_questions_are_cut(tmp_path: Path) -> None:
    async with await StateStore.open(tmp_path / "s.sqlite3") as state:
        await state.record_question("x" * 5000, "none", 1.0, None)
        assert len((await state.questions("none"))[0][4] or "") == 1000
