"""Broadcasts as real processes: the README's run command against the loopback Bot API enforcing
Telegram's limits, with blocked users, 5xx and dropped connections, and a kill -9 mid-broadcast."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

import pytest

from tests.fake_telegram import FakeTelegram, Fault
from tests.helpers import ROOT, bot_process, prepare

pytestmark = pytest.mark.slow  # real processes, thousands of sends, kill -9


def write_config(tmp_path: Path, rate: int) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"faq:\n  dir: {ROOT / 'faq'}\n  watch: false\nstate:\n  path: {tmp_path / 'state.sqlite3'}\n"
        f"cases:\n  database: {tmp_path / 'cases.sqlite3'}\n  demo_count: 50\n  demo: true\n"
        f"telegram:\n  overall_rate: 0\n  retry_seconds: 5\n"
        f"announcements:\n  rate: {rate}\n  progress_seconds: 1\n",
        encoding="utf-8",
    )
    return config


async def start_bot(config: Path, telegram: FakeTelegram) -> asyncio.subprocess.Process:
    return await bot_process(config, telegram.base_url, stdout=asyncio.subprocess.DEVNULL)


async def stop_bot(process: asyncio.subprocess.Process) -> str:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    return err.decode()


def status(tmp_path: Path) -> dict[str, int]:
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        return dict(db.execute("SELECT status, count(*) FROM deliveries GROUP BY status").fetchall())


async def test_2000_subscribers_under_faults_get_exactly_one_copy(tmp_path: Path) -> None:
    chats = range(100_000, 102_000)
    blocked = set(range(100_000, 102_000, 50))  # 40 citizens blocked the bot
    telegram = FakeTelegram(rate_limit=150, chat_interval=1.0, blocked=blocked, error_rate=0.03, drop_rate=0.02)
    await telegram.start()
    telegram.faults.append(Fault("sendMessage", 429, count=3, retry_after=1))
    config = write_config(tmp_path, rate=200)  # faster than the server allows: it answers 429
    await prepare(tmp_path, config, chats, "Thông báo chung số 1 gửi mọi người.")
    process = await start_bot(config, telegram)
    try:
        await telegram.wait_until(lambda: len(telegram.copies("số 1 gửi")) == 1960, timeout=120)
        for _ in range(100):
            if status(tmp_path).get("pending", 0) == 0:
                break
            await asyncio.sleep(0.1)
        log = await stop_bot(process)
    finally:
        if process.returncode is None:
            process.kill()
        await telegram.stop()
    copies = telegram.copies("số 1 gửi")
    assert copies == {chat: 1 for chat in chats if chat not in blocked}, log
    assert status(tmp_path) == {"sent": 1960, "blocked": 40}
    assert telegram.throttled > 0  # the limits were hit and obeyed
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        inactive = {row[0] for row in db.execute("SELECT chat_id FROM chats WHERE active = 0")}
    assert inactive == blocked


async def test_kill_9_mid_broadcast_then_restart_loses_nobody(tmp_path: Path) -> None:
    chats = range(200_000, 200_800)
    telegram = await FakeTelegram(rate_limit=100, chat_interval=1.0).start()
    config = write_config(tmp_path, rate=60)
    await prepare(tmp_path, config, chats, "Thông báo trước sự cố.")
    first = await start_bot(config, telegram)
    try:
        await telegram.wait_until(lambda: len(telegram.copies("trước sự cố")) >= 250, timeout=60)
        first.send_signal(signal.SIGKILL)  # no shutdown, no flushing: the process is simply gone
        await first.wait()
        received = len(telegram.copies("trước sự cố"))
        assert received < len(chats)
        second = await start_bot(config, telegram)
        try:
            await telegram.wait_until(lambda: len(telegram.copies("trước sự cố")) == len(chats), timeout=60)
            await asyncio.sleep(0.5)
            log = await stop_bot(second)
        finally:
            if second.returncode is None:
                second.kill()
    finally:
        if first.returncode is None:
            first.kill()
        await telegram.stop()
    copies = telegram.copies("trước sự cố")
    duplicates = sum(n - 1 for n in copies.values())
    assert set(copies) == set(chats), log  # nobody skipped
    assert duplicates <= 30  # at most the sends in flight at the kill (the sender's bound: rate / 2)
    assert status(tmp_path) == {"sent": len(chats)}
    print(f"kill -9 after {received} sends: {duplicates} duplicate(s)")
