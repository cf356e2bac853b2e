"""The state database is never left locked (review H3): the bot running as a process while
citizens write /start, and the terminal commands run beside it; a command that cannot get the
lock says so and exits instead of hanging."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from bot.state import StateStore
from tests.fake_telegram import FakeTelegram
from tests.helpers import ROOT, bot_process

pytestmark = pytest.mark.slow  # the bot and terminal commands as real processes


def write_config(tmp_path: Path) -> Path:
    config = tmp_path / "config.yaml"  # state.busy_timeout_seconds: the default, 5 s
    config.write_text(
        f"faq:\n  dir: {ROOT / 'faq'}\n  watch: false\n"
        f"state:\n  path: {tmp_path / 'state.sqlite3'}\n"
        f"cases:\n  database: {tmp_path / 'cases.sqlite3'}\n  demo_count: 50\n",
        encoding="utf-8",
    )
    return config


async def command(config: Path, *args: str, timeout: float = 30) -> tuple[int, str]:
    """Run `python -m bot --config CONFIG ARGS`; a process still running after `timeout` is killed
    and reported as exit code -1 (the hang this file is about)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(config),
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        return -1, "hung"
    assert process.returncode is not None
    return process.returncode, (out + err).decode()


async def test_terminal_commands_succeed_while_the_bot_serves_start(tmp_path: Path) -> None:
    telegram = await FakeTelegram().start()
    config = write_config(tmp_path)
    bot = await bot_process(
        config, telegram.base_url, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    notice = tmp_path / "notice.txt"
    notice.write_text("Lịch tiếp công dân tháng 12.", encoding="utf-8")
    try:
        for citizen in range(5000, 5005):  # every /start wrote (reactivate) and used to keep the lock
            await telegram.send_text(citizen, "/start")
        for citizen in range(5000, 5005):
            await telegram.wait_for(citizen, 1, timeout=60)
        await asyncio.sleep(0.5)
        results = {
            "queue": await command(
                config, "announce", "--topic", "chung", "--text-file", str(notice), "--at", "01/01/2099 08:00"
            ),
            "status": await command(config, "announce", "status"),
            "cancel": await command(config, "announce", "cancel", "1"),
            "gaps": await command(config, "faq", "gaps"),
            "stats": await command(config, "faq", "stats"),
        }
        await telegram.send_text(5000, "/start")  # and the bot still serves
        await telegram.wait_for(5000, 2, timeout=30)
    finally:
        bot.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(bot.wait(), 30)
        except TimeoutError:
            bot.kill()
            await bot.wait()
        await telegram.stop()
    assert {name: code for name, (code, _) in results.items()} == dict.fromkeys(results, 0), results
    assert "Đã hủy thông báo #1" in results["cancel"][1]
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        assert db.execute("SELECT status FROM announcements").fetchall() == [("cancelled",)]


async def test_a_command_that_cannot_get_the_lock_says_so_and_exits(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    async with await StateStore.open(tmp_path / "state.sqlite3"):
        pass
    holder = sqlite3.connect(tmp_path / "state.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock and does not let go
    try:
        started = time.monotonic()
        code, output = await command(config, "announce", "cancel", "7", timeout=20)
        elapsed = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 3, output
    assert "đang bị khóa" in output and "quá 5 giây" in output and "Traceback" not in output
    assert elapsed < 15


async def test_start_leaves_no_transaction_open(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    async with await StateStore.open(path) as state:
        await state.announcements.subscribe(1, ["chung"])
        await state.announcements.reactivate(12345)  # what every /start does: nothing to change
        await state.announcements.reactivate(1)
        other = sqlite3.connect(path, timeout=0.5)
        other.execute("INSERT OR IGNORE INTO meta VALUES ('probe', 'x')")  # raised "database is locked"
        other.commit()
        other.close()
