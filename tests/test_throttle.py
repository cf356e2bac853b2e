"""Per-citizen throttling and the replies' reserve of the send rate (M3), on the real Application
against the loopback Bot API."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.handlers.context import BotApplication
from bot.texts.throttle import SLOW_DOWN_VI
from bot.throttle import Throttle, Verdict
from tests.fake_telegram import FakeTelegram
from tests.helpers import ask, make_settings, prepare, started, stopped

FLOOD = "có được trả góp không, trả dần được không"  # an unanswered-looking text would be stored


@pytest.fixture
async def shipped_limits(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotApplication]:
    """The bot with the shipped per-user limits (10 at once, then 30 a minute)."""
    application = await started(make_settings(tmp_path, telegram.base_url, throttled=True))
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    yield application
    await stopped(application)


@pytest.mark.usefixtures("shipped_limits")
async def test_a_flooding_citizen_does_not_hold_up_others_and_is_told_once(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    for number in range(300):  # one citizen, 300 messages at once
        await telegram.send_text(70, f"{FLOOD} {number}")
    other = await ask(telegram, 71, "có được trả góp không")
    assert "trả góp" in other.text + str(other.reply_markup)
    # When the other citizen was answered, the flooder had had at most their burst + the notice.
    assert len(telegram.sent_to(70)) <= 11
    await telegram.wait_for(70, 11)
    with pytest.raises(TimeoutError):  # nothing more comes for the rest of the flood
        await telegram.wait_for(70, 12, timeout=1.0)
    texts = [message.text for message in telegram.sent_to(70)]
    assert texts.count(SLOW_DOWN_VI) == 1
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        stored = db.execute("SELECT COUNT(*) FROM questions").fetchone()[0]
    assert stored == 10 + 1  # the flooder's first 10 and the other citizen's question, not 300


def test_the_bucket_refills_and_a_new_flood_is_told_again() -> None:
    now = [0.0]
    throttle = Throttle(burst=3, per_minute=60, clock=lambda: now[0])
    assert [throttle.admit(1) for _ in range(5)] == [Verdict.ADMIT] * 3 + [Verdict.WARN, Verdict.DROP]
    assert throttle.admit(2) is Verdict.ADMIT  # someone else is not affected
    now[0] += 1.0  # one message a second comes back
    assert [throttle.admit(1) for _ in range(2)] == [Verdict.ADMIT, Verdict.DROP]
    now[0] += 10.0  # quiet: the bucket is full again, and a new flood is told again
    assert [throttle.admit(1) for _ in range(4)] == [Verdict.ADMIT] * 3 + [Verdict.WARN]
    now[0] += 3600.0
    throttle._sweep(now[0])
    assert len(throttle) == 0  # idle users are forgotten


async def test_replies_keep_their_reserve_while_a_broadcast_runs(telegram: FakeTelegram, tmp_path: Path) -> None:
    telegram.rate_limit = 30  # Telegram's overall limit: beyond it, 429
    settings = make_settings(
        tmp_path,
        telegram.base_url,
        extra="  overall_rate: 28\n  reply_reserve: 8\nannouncements:\n  rate: 100\n  progress_seconds: 60\n",
    )
    subscribers = range(5000, 5150)
    await prepare(tmp_path, tmp_path / "config.yaml", subscribers, "Thông báo lịch tiếp công dân")
    application = await started(settings)
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:

        def broadcast_sent() -> list[float]:
            return sorted(m.sent_at for chat in subscribers for m in telegram.sent_to(chat))

        await telegram.wait_until(lambda: len(broadcast_sent()) >= 30, timeout=30)
        citizens = range(9000, 9040)
        for citizen in citizens:
            await telegram.send_text(citizen, "có được trả góp không")
        replies = [(await telegram.wait_for(citizen, 1, timeout=30))[0].sent_at for citizen in citizens]
        await telegram.wait_until(lambda: len(broadcast_sent()) >= len(subscribers), timeout=60)
    finally:
        await stopped(application)
    assert telegram.throttled == 0  # nobody got a 429: never more than 28 sends in a second
    sent = broadcast_sent()
    busiest = max(sum(1 for t in sent if start <= t < start + 1.0) for start in sent)
    assert busiest <= 22  # the broadcast stays at 28 - 8 a second (a little arrival jitter allowed)
    during = sum(1 for t in sent if min(replies) <= t <= max(replies))
    assert during < len(replies) // 2, (during, max(replies) - min(replies))  # replies went first


@pytest.mark.usefixtures("shipped_limits")
async def test_updates_without_a_user_are_throttled_by_their_chat(telegram: FakeTelegram, tmp_path: Path) -> None:
    """Anyone can make the bot an admin of their channel: its posts carry no user, and must not
    bypass the throttle (M3)."""
    channel = -1001234567890
    for number in range(100):
        await telegram.post_in_channel(channel, f"{FLOOD} {number}")
    other = await ask(telegram, 72, "có được trả góp không")
    assert "trả góp" in other.text + str(other.reply_markup)
    await telegram.wait_for(channel, 11)
    with pytest.raises(TimeoutError):  # the channel gets its burst and one notice, nothing more
        await telegram.wait_for(channel, 12, timeout=1.5)
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        stored = db.execute("SELECT COUNT(*) FROM questions").fetchone()[0]
    assert stored <= 10 + 1, stored
