"""Forged and replayed buttons (review M1, L7): any client can send up to 64 arbitrary bytes of
callback data. An official acts only on their own drafts; numbers that are not plain digits,
or too large, are "expired", not an error; untrusted data never forms a log line; a vote
counts once per citizen and answer."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
from pathlib import Path

import pytest

from bot.announce.model import Content, Status
from bot.state import StateStore
from tests.fake_telegram import FakeTelegram, Sent
from tests.helpers import APPROVER, AUTHOR, OFFICIALS, ask, make_settings, running, stopped, subscribe

NOWHERE = Sent(0, 0, "", None)  # a forged press needs no real message


async def forge(telegram: FakeTelegram, user: int, data: str) -> dict[str, object]:
    """Press forged data; the bot's answer to the press (every handled press gets one)."""
    before = telegram.methods().count("answerCallbackQuery")
    await telegram.press(user, NOWHERE, data)
    await telegram.wait_until(lambda: telegram.methods().count("answerCallbackQuery") > before, timeout=10)
    return [params for name, params in telegram.calls if name == "answerCallbackQuery"][-1]


async def test_an_official_cannot_send_or_approve_another_officials_draft(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, telegram.base_url, OFFICIALS + "  require_approval: true\n")
    app = await running(settings)
    try:
        await subscribe(settings, range(8000, 8005), "chung")
        await ask(telegram, AUTHOR, "/soanthongbao")
        topics = await ask(telegram, AUTHOR, "NHÁP - chưa kiểm tra")  # the author never presses "send"
        ident = topics.buttons()[0][1].split(":")[2]
        answers = [
            await forge(telegram, APPROVER, f"a:{verb}:{ident}{tail}")
            for verb, tail in (("t", ":chung"), ("s", ""), ("h", ""), ("x", ""), ("y", ""))
        ]
        await asyncio.sleep(1.5)  # the sender's loop would have started a broadcast by now (approve: "expired")
    finally:
        await stopped(app)
    assert [a.get("text") for a in answers[:4]] == [
        "Chỉ người soạn mới chọn chủ đề, gửi, hẹn giờ hoặc hủy được bản nháp này."
    ] * 4
    assert not any(telegram.sent_to(chat) for chat in range(8000, 8005))
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        assert db.execute("SELECT status, approved_by FROM announcements").fetchall() == [("draft", None)]


@pytest.mark.parametrize(
    "data", ["t:²", "c:tu-nguyen:²", "t:99999999999999999999", "c:tu-nguyen:99999999999999999999", "s::chung"]
)
async def test_forged_numbers_are_not_errors(
    telegram: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    settings = make_settings(tmp_path, telegram.base_url, OFFICIALS)
    await subscribe(settings, range(77, 78), "chung")
    app = await running(settings)
    try:
        with caplog.at_level(logging.WARNING):
            await forge(telegram, 77, data)
    finally:
        await stopped(app)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:  # "s::chung" used to unsubscribe by accident
        assert db.execute("SELECT count(*) FROM subscriptions").fetchone() == (1,)


async def test_forged_official_data_cannot_inject_log_lines(
    telegram: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = await running(make_settings(tmp_path, telegram.base_url, OFFICIALS))
    try:
        with caplog.at_level(logging.INFO):
            await forge(telegram, 77, "a:\n2026-11-30 09:00:00 INFO bot: fake line")
    finally:
        await stopped(app)
    refusals = [r.getMessage() for r in caplog.records if "refused an official action" in r.getMessage()]
    assert len(refusals) == 1 and "\n" not in refusals[0]
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        (stored,) = db.execute("SELECT action FROM refusals").fetchone()
    assert "\n" not in stored


async def test_a_replayed_vote_counts_once(telegram: FakeTelegram, tmp_path: Path) -> None:
    app = await running(make_settings(tmp_path, telegram.base_url))
    try:
        for _ in range(5):
            await forge(telegram, 31, "f:noi-nop-tien:1")
        await forge(telegram, 32, "f:noi-nop-tien:0")  # another citizen still counts
    finally:
        await stopped(app)
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        votes = db.execute("SELECT entry_id, helpful FROM feedback ORDER BY id").fetchall()
    assert votes == [("noi-nop-tien", 1), ("noi-nop-tien", 0)]


async def test_the_running_bots_retention_job_prunes_everything_that_grows(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    """M8: the lookup audit, who-voted keys, language choices and drafts are pruned too; so are
    webhook update claims (after two days) and expired dialogue state (a sealed pending code)."""
    settings = make_settings(tmp_path, telegram.base_url, OFFICIALS)
    async with await StateStore.open(settings.state.path) as state:
        for _ in range(1000):
            await state.record_lookup(1, "limited", None)
        await state.record_lookup(2, "found", "QN-2025-000123")
        await state.set_language(1, "en")
        await state.set_language(2, "en")
        await state.record_feedback("noi-nop-tien", True, voter=1)
        await state.announcements.create("chung", Content("nháp cũ"), AUTHOR, "A", status=Status.DRAFT)
        await state.announcements.create("chung", Content("nháp mới"), AUTHOR, "A", status=Status.DRAFT)
        for update_id in (1, 2):
            await state.claims.claim(1, update_id, "instance", 90)
        await state.dialogue.put(1, "lookup", "QN-2025-000123", -1, secret=True)  # expired
        await state.dialogue.put(2, "lookup", "", 600, secret=True)
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=400)).isoformat(timespec="seconds")
    with sqlite3.connect(settings.state.path) as db:  # age them as if written 400 days ago
        db.execute("UPDATE lookups SET looked_up_at = ? WHERE outcome = 'limited'", (old,))
        db.execute("UPDATE preferences SET updated_at = ? WHERE rowid = (SELECT min(rowid) FROM preferences)", (old,))
        db.execute("UPDATE votes_cast SET given_at = ?", (old,))
        db.execute("UPDATE feedback SET given_at = ?", (old,))
        db.execute("UPDATE announcements SET created_at = ? WHERE text = 'nháp cũ'", (old,))
        db.execute("UPDATE update_claims SET claimed_at = claimed_at - 3 * 86400 WHERE update_id = 1")
    app = await running(settings)
    try:
        assert app.job_queue is not None
        (job,) = [j for j in app.job_queue.jobs() if j.callback.__name__ == "forget_old_questions"]
        await job.run(app)
    finally:
        await stopped(app)
    with sqlite3.connect(settings.state.path) as db:
        counts = {
            table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("lookups", "preferences", "votes_cast", "feedback", "update_claims", "dialogue")
        }
        drafts = db.execute("SELECT text FROM announcements").fetchall()
    assert counts == {
        "lookups": 1,
        "preferences": 1,
        "votes_cast": 0,
        "feedback": 0,
        "update_claims": 1,
        "dialogue": 1,
    }
    assert drafts == [("nháp mới",)]


async def test_the_retention_job_forgets_chats_that_follow_nothing(telegram: FakeTelegram, tmp_path: Path) -> None:
    """Item 11: a chat that unsubscribed from every topic leaves no row (a raw chat id) behind;
    a subscriber's row stays, blocked or not (the broadcast must keep skipping a blocked chat)."""
    settings = make_settings(tmp_path, telegram.base_url, OFFICIALS)
    async with await StateStore.open(settings.state.path) as state:
        await state.announcements.subscribe(7001, ["chung"])
        await state.announcements.unsubscribe(7001)
        await state.announcements.subscribe(7002, ["chung"])
        await state.announcements.subscribe(7003, ["chung"])
    with sqlite3.connect(settings.state.path) as db:
        db.execute("UPDATE chats SET active = 0 WHERE chat_id = 7003")  # blocked the bot, still subscribed
    app = await running(settings)
    try:
        assert app.job_queue is not None
        (job,) = [j for j in app.job_queue.jobs() if j.callback.__name__ == "forget_old_questions"]
        await job.run(app)
    finally:
        await stopped(app)
    with sqlite3.connect(settings.state.path) as db:
        chats = db.execute("SELECT chat_id, active FROM chats ORDER BY chat_id").fetchall()
    assert chats == [(7002, 1), (7003, 0)]
