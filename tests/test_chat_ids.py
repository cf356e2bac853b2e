"""Raw chat ids are kept only while a message may have to be sent to them (L1)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from bot.state import StateStore


async def test_a_chat_that_unsubscribed_from_everything_is_forgotten_by_the_retention_job(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    async with await StateStore.open(path) as state:
        await state.announcements.subscribe(424242, ["dau-gia"])
        await state.announcements.subscribe(515151, ["dau-gia"])
        await state.announcements.unsubscribe(424242)
        await state.forget_before(dt.datetime.now(dt.UTC) - dt.timedelta(days=180))
        await state.forget_idle_chats()  # run by the same retention job (bot/handlers/jobs.py)
        assert await state.announcements.audience("dau-gia") == 1
    chats = {row[0] for row in sqlite3.connect(path).execute("SELECT chat_id FROM chats")}
    assert chats == {515151}  # the one still subscribed stays; the other chat id is gone
