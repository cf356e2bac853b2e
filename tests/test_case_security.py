"""Case lookup under attack (security review H2, L2, M2, M4, M5): the real Application, the
loopback Bot API, real case snapshots and state databases."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cases.store import CaseStore
from bot.config import STATE_URL_ENV, Settings
from bot.handlers.context import BotApplication
from tests.fake_telegram import FakeTelegram, Fault
from tests.helpers import ROOT, ask, make_settings, reexport, started, stopped
from tests.postgres import rows

PER_USER = 5  # cases.max_failures_per_hour (default)


async def polling(settings: Settings) -> BotApplication:
    application = await started(settings)
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    return application


@pytest.fixture
async def bot(
    telegram: FakeTelegram, tmp_path: Path, state_url: Path | str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[BotApplication]:
    """The bot polling, its state on each engine (tests/postgres.py); the terminal commands a test
    runs inherit the same state database."""
    env = {}
    if isinstance(state_url, str):
        env = {STATE_URL_ENV: state_url}
        monkeypatch.setenv(STATE_URL_ENV, state_url)
    application = await polling(make_settings(tmp_path, telegram.base_url, env=env))
    yield application
    await stopped(application)


def owners(tmp_path: Path, index: int) -> tuple[str, str, set[str]]:
    """The demo case at `index`: its code, its debtor's year of birth, both parties' years."""
    db = sqlite3.connect(tmp_path / "cases.sqlite3")
    code = db.execute("SELECT code FROM cases ORDER BY code LIMIT 1 OFFSET ?", (index,)).fetchone()[0]
    store = CaseStore(tmp_path / "cases.sqlite3")
    parties = {str(year): store.verify(code, str(year)) for year in range(1940, 2010)}
    debtor = next(year for year, party in parties.items() if party == "debtor")
    return code, debtor, {year for year, party in parties.items() if party}


def state_of(bot: BotApplication) -> Path | str:
    """The running bot's state database (a SQLite file or a PostgreSQL URL)."""
    services = bot.bot_data.services
    assert services is not None
    return services.settings.state.database


def outcomes(bot: BotApplication) -> dict[str, int]:
    counted = rows(state_of(bot), "SELECT outcome, count(*) FROM lookups GROUP BY outcome")
    return {str(outcome): int(count) for outcome, count in counted}


async def test_many_accounts_cannot_brute_force_one_case(
    telegram: FakeTelegram, bot: BotApplication, tmp_path: Path
) -> None:
    code, factor, right = owners(tmp_path, 0)
    wrong = (str(year) for year in range(1940, 2010) if str(year) not in right)
    for account in range(5000, 5010):  # 10 accounts, each up to its own hourly limit
        for _ in range(PER_USER):
            await ask(telegram, account, f"/start {code}")  # the QR deep link
            reply = await ask(telegram, account, next(wrong))
            assert not reply.text.startswith("<b>Hồ sơ")
    await ask(telegram, 5010, f"/start {code}")
    guessed = await ask(telegram, 5010, factor)  # even the right answer: the case is closed for now
    assert not guessed.text.startswith("<b>Hồ sơ")
    assert guessed.text.startswith("Hồ sơ này đã bị nhập sai thông tin xác minh quá nhiều lần")
    assert "wrong_factor" in outcomes(bot) and outcomes(bot)["wrong_factor"] == 10
    other, other_factor, _ = owners(tmp_path, 1)
    await ask(telegram, 6000, f"/tracuu {other}")
    opened = await ask(telegram, 6000, other_factor)  # an unrelated case still opens for its owner
    assert opened.text.startswith(f"<b>Hồ sơ {other}</b>")


async def test_the_case_limit_holds_under_concurrent_guesses(
    telegram: FakeTelegram, bot: BotApplication, tmp_path: Path
) -> None:
    code, _, right = owners(tmp_path, 2)
    wrong = [str(year) for year in range(1940, 2010) if str(year) not in right]
    accounts = range(7000, 7030)
    for account in accounts:
        await ask(telegram, account, f"/tracuu {code}")
    before = {account: len(telegram.sent_to(account)) for account in accounts}
    await asyncio.gather(*(telegram.send_text(account, wrong[i]) for i, account in enumerate(accounts)))
    for account in accounts:  # 30 guesses land at once (concurrent_updates: 8)
        await telegram.wait_for(account, before[account] + 1)
    assert outcomes(bot)["wrong_factor"] == 10  # exactly the per-case limit, not more


async def test_one_user_bursting_gets_no_more_than_the_hourly_limit(
    telegram: FakeTelegram, bot: BotApplication, tmp_path: Path
) -> None:
    code, _, right = owners(tmp_path, 3)
    wrong = [str(year) for year in range(1940, 2010) if str(year) not in right]
    for i in range(40):  # no waiting for replies: the updates are handled concurrently
        await telegram.send_text(77, f"/tracuu {code}")
        await telegram.send_text(77, wrong[i])
    await telegram.wait_until(lambda: len(telegram.sent_to(77)) >= 60)
    await asyncio.sleep(0.5)
    counts = outcomes(bot)
    assert counts.get("wrong_factor", 0) + counts.get("unknown", 0) <= PER_USER
    assert counts.get("limited", 0) > 0


async def test_a_missing_export_disables_lookup_instead_of_inventing_cases(
    telegram: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path, telegram.base_url)
    settings = settings.model_copy(update={"cases": settings.cases.model_copy(update={"demo": None})})
    with caplog.at_level(logging.ERROR):
        application = await polling(settings)
    try:
        assert not (tmp_path / "cases.sqlite3").exists()  # no synthetic cases at the production path
        assert any(
            "no case database at" in record.getMessage() and record.levelno == logging.ERROR
            for record in caplog.records
        )
        reply = await ask(telegram, 90, "/tracuu QN-2024-000001")
        assert reply.text.startswith("Tra cứu hồ sơ trực tuyến tạm thời chưa sẵn sàng")
        assert "Hồ sơ QN-2024-000001" not in reply.text
    finally:
        await stopped(application)


async def test_a_code_in_a_sentence_starts_a_lookup_and_is_never_stored(
    telegram: FakeTelegram, bot: BotApplication, tmp_path: Path
) -> None:
    code, factor, _ = owners(tmp_path, 4)
    prompt = await ask(telegram, 8, f"ho so {code.lower()} cua toi sao roi, toi sinh nam {factor}")
    assert prompt.text.startswith("Để bảo vệ thông tin, vui lòng gõ năm sinh")
    answer = await ask(telegram, 8, factor)
    assert answer.text.startswith(f"<b>Hồ sơ {code}</b>")
    await ask(telegram, 8, "cccd 051071001234, sdt 0905.123.456 thi toi phai lam gi voi con ga")
    await ask(telegram, 8, "giay bao ma HS-2026-123456 cmnd 211234567 sinh nam 1971 con meo")
    texts = [row[0] for row in rows(state_of(bot), "SELECT text FROM questions")]
    stored = " ".join(text or "" for text in texts)
    for secret in (code, code.lower(), factor, "051071001234", "0905.123.456", "HS-2026-123456", "211234567", "1971"):
        assert secret not in stored
    assert "cccd [số], sdt [số]" in stored and "ma [mã hồ sơ] cmnd [số] sinh nam [số]" in stored
    gaps = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(tmp_path / "config.yaml"), "faq", "gaps"],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert "cccd [số], sdt [số]" in gaps.stdout
    assert "051071001234" not in gaps.stdout and code not in gaps.stdout


async def test_a_new_code_instead_of_the_factor_restarts_the_lookup(
    telegram: FakeTelegram, bot: BotApplication, tmp_path: Path
) -> None:
    first, _, _ = owners(tmp_path, 5)
    second, factor, _ = owners(tmp_path, 6)
    await ask(telegram, 9, f"/tracuu {first}")
    asked = await ask(telegram, 9, f"xin lỗi, mã đúng là {second}")
    assert asked.text.startswith("Để bảo vệ thông tin")
    answer = await ask(telegram, 9, factor)
    assert answer.text.startswith(f"<b>Hồ sơ {second}</b>")


async def test_a_change_notice_that_failed_is_sent_when_telegram_recovers(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    settings = make_settings(tmp_path, telegram.base_url)
    settings = settings.model_copy(update={"telegram": settings.telegram.model_copy(update={"retry_seconds": 1.0})})
    application = await polling(settings)
    try:
        code, factor, _ = owners(tmp_path, 0)
        await ask(telegram, 56, f"/tracuu {code}")
        answer = await ask(telegram, 56, factor)
        count = len(telegram.sent_to(56))
        await telegram.press(56, answer, "w:")
        await telegram.wait_for(56, count + 1)
        count = len(telegram.sent_to(56))
        telegram.faults.append(Fault("sendMessage", 502, 40, chat_id=56))
        reexport(tmp_path, code, "da-thi-hanh-xong")
        await telegram.wait_until(lambda: telegram.faults[0].count < 30)  # several checks failed to send
        telegram.faults.clear()
        notice = (await telegram.wait_for(56, count + 1))[-1]
        assert notice.text.startswith(f"🔔 Hồ sơ <b>{code}</b> có cập nhật (27/11/2026)")
        await asyncio.sleep(0.6)
        assert len(telegram.sent_to(56)) == count + 1  # once, not again on the next checks
    finally:
        await stopped(application)


async def test_a_demo_snapshot_left_by_the_console_is_not_served_on_telegram(
    telegram: FakeTelegram, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path, telegram.base_url)
    console = subprocess.run(  # someone tries `make run` on the production machine before the export arrives
        [sys.executable, "-m", "bot", "--config", str(tmp_path / "config.yaml"), "console"],
        input="/thoat\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env={**os.environ, "TELEGRAM_BOT_TOKEN": ""},
    )
    assert console.returncode == 0, console.stderr
    assert (tmp_path / "cases.sqlite3").exists()  # the console's synthetic cases, at the configured path
    code, factor, _ = owners(tmp_path, 0)
    settings = settings.model_copy(update={"cases": settings.cases.model_copy(update={"demo": None})})
    with caplog.at_level(logging.ERROR):
        application = await polling(settings)
    try:
        assert any("demo" in record.getMessage() and record.levelno == logging.ERROR for record in caplog.records)
        reply = await ask(telegram, 91, f"/tracuu {code}")
        assert reply.text.startswith("Tra cứu hồ sơ trực tuyến tạm thời chưa sẵn sàng")
        assert f"Hồ sơ {code}" not in (await ask(telegram, 91, factor)).text
    finally:
        await stopped(application)


async def following(telegram: FakeTelegram, tmp_path: Path, chat: int) -> tuple[str, int]:
    """A citizen who looked up the first demo case and follows it: its code, their message count."""
    code, factor, _ = owners(tmp_path, 0)
    await ask(telegram, chat, f"/tracuu {code}")
    answer = await ask(telegram, chat, factor)
    count = len(telegram.sent_to(chat))
    await telegram.press(chat, answer, "w:")
    await telegram.wait_for(chat, count + 1)
    return code, len(telegram.sent_to(chat))


async def test_a_change_notice_telegram_refuses_is_dropped_not_retried_forever(
    telegram: FakeTelegram, bot: BotApplication, tmp_path: Path
) -> None:
    code, count = await following(telegram, tmp_path, 57)
    telegram.faults.append(Fault("sendMessage", 400, 1000, chat_id=57))  # e.g. "chat not found"
    reexport(tmp_path, code, "da-thi-hanh-xong")
    await telegram.wait_until(lambda: telegram.faults[0].count < 1000)
    await asyncio.sleep(1.0)  # five more checks (cases.check_seconds is 0.2)
    assert telegram.faults[0].count == 999  # tried once: the same message would be refused again
    telegram.faults.clear()
    await asyncio.sleep(0.6)
    assert len(telegram.sent_to(57)) == count  # and not sent later as if it were new


async def test_a_change_notice_to_a_citizen_who_blocked_the_bot_ends_their_following(
    telegram: FakeTelegram, bot: BotApplication, tmp_path: Path
) -> None:
    code, _ = await following(telegram, tmp_path, 58)
    telegram.faults.append(Fault("sendMessage", 403, 1000, chat_id=58))
    reexport(tmp_path, code, "da-thi-hanh-xong")
    await telegram.wait_until(lambda: telegram.faults[0].count < 1000)
    await asyncio.sleep(1.0)
    assert telegram.faults[0].count == 999
    assert rows(state_of(bot), "SELECT count(*) FROM case_subscriptions WHERE chat_id = 58") == [(0,)]


async def test_a_code_written_differently_counts_against_the_same_case(
    telegram: FakeTelegram, bot: BotApplication, tmp_path: Path
) -> None:
    code, factor, right = owners(tmp_path, 4)
    prefix, year, number = code.split("-")
    wide = code.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789-"})
    variants = [
        code.lower(),
        f"{prefix} – {year} – {number}",
        wide,
        f"{prefix}—{year}—{number}",
        f"{prefix}-{year}-\u200b{number}",
    ]
    wrong = (str(y) for y in range(1940, 2010) if str(y) not in right)
    for i in range(10):  # two guesses per account, each account writing the code its own way
        account = 8100 + i // 2
        if i == 9:  # a code in a sentence, outside a lookup
            await ask(telegram, account, f"ho so {code.lower()} cua toi")
        else:
            await ask(telegram, account, f"/tracuu {variants[i % len(variants)]}")
        await ask(telegram, account, next(wrong))
    await ask(telegram, 8200, f"/tracuu {code}")
    reply = await ask(telegram, 8200, factor)
    assert reply.text.startswith("Hồ sơ này đã bị nhập sai thông tin xác minh quá nhiều lần")
    assert outcomes(bot).get("wrong_factor") == 10  # every variant was found and counted
