"""Two bot processes on one PostgreSQL database (tests/postgres.py; skipped with the reason when no
server is reachable), in webhook mode against the loopback Bot API with Telegram's limits on: the
leader is killed with kill -9 mid-broadcast, the other takes the lease over and finishes the
broadcast; every subscriber gets it, the second copies stay within the sender's in-flight bound,
and citizens' questions, sent to either instance as a load balancer would (to the live one once
the other is gone), are answered before, during and after the takeover."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import psycopg
import pytest

from bot.announce.model import Content, Status
from bot.state import StateStore
from tests.fake_telegram import FakeTelegram
from tests.helpers import ROOT, bot_process, webhook_yaml
from tests.postgres import TEST_KEY, fresh_schema, skip_without_server

pytestmark = pytest.mark.slow  # real processes, kill -9, a few hundred paced sends

SECRET = "takeover-webhook-secret"
RATE = 20  # announcements.rate: the sender keeps max(4, ceil(RATE / 2)) sends in flight
IN_FLIGHT = max(4, math.ceil(RATE / 2))
TEXT = "Thông báo chuyển giao: lịch tiếp công dân tuần tới."


def write_config(tmp_path: Path, port: int) -> Path:
    config = tmp_path / f"config-{port}.yaml"
    config.write_text(
        f"faq:\n  dir: {ROOT / 'faq'}\n  watch: false\n"
        f"state:\n  path: {tmp_path / 'unused.sqlite3'}\n  lease_seconds: 3\n  lease_renew_seconds: 1\n"
        f"cases:\n  database: {tmp_path / 'cases.sqlite3'}\n  demo_count: 50\n  demo: true\n"
        f"telegram:\n  retry_seconds: 5\n  user_burst: 100000\n  mode: webhook\n"
        f"{webhook_yaml(port)}"
        f"announcements:\n  rate: {RATE}\n  progress_seconds: 1\n",
        encoding="utf-8",
    )
    return config


def lease_holder(url: str) -> str:
    """Who leads (host:pid:random); "" before the first instance created the table or took the lease."""
    with psycopg.connect(url) as connection:
        try:
            row = connection.execute("SELECT holder FROM leases WHERE name = 'leader'").fetchone()
        except psycopg.errors.UndefinedTable:
            return ""
    return str(row[0]) if row else ""


def question(update_id: int, user: int) -> dict[str, object]:
    """A citizen's question, as Telegram posts it to the webhook."""
    chat = {"id": user, "type": "private", "first_name": f"Dân {user}"}
    sender = {"id": user, "is_bot": False, "first_name": f"Dân {user}", "language_code": "vi"}
    message = {"message_id": update_id, "date": int(time.time()), "chat": chat, "from": sender}
    return {"update_id": update_id, "message": {**message, "text": "Thi hành án dân sự là gì?"}}


async def post(session: aiohttp.ClientSession, ports: list[int], update: dict[str, object]) -> None:
    """A load balancer: the first instance that takes the update (a dead one refuses the connection)."""
    for port in ports:
        try:
            async with session.post(
                f"http://127.0.0.1:{port}/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
            ) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            continue
    raise AssertionError("no instance took the update")


async def until(predicate: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


@dataclass
class Citizens:
    """Ask questions one after another, round robin over the instances, until stopped."""

    telegram: FakeTelegram
    ports: list[int]
    phase: str = "both"
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)  # held while a question is in the air
    answered: list[tuple[str, float]] = field(default_factory=list)  # (phase, seconds to the answer)
    done: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self) -> None:
        user = 10_000
        async with aiohttp.ClientSession() as session:
            while not self.done.is_set():
                async with self.turn:
                    user += 1
                    started = time.monotonic()
                    await post(session, self.ports if user % 2 == 0 else self.ports[::-1], question(user, user))
                    [reply] = await self.telegram.wait_for(user, 1)
                    assert reply.text
                    self.answered.append((self.phase, time.monotonic() - started))
                await asyncio.sleep(0.2)

    def count(self, phase: str) -> int:
        return sum(1 for p, _ in self.answered if p == phase)


async def broadcast(url: str, chats: range) -> None:
    async with await StateStore.open(url) as state:
        for chat in chats:
            await state.announcements.subscribe(chat, ["chung"])
        await state.announcements.create(
            "chung", Content(TEXT), 1, "t", status=Status.SCHEDULED, send_at=dt.datetime.now(dt.UTC)
        )


async def stop(process: asyncio.subprocess.Process | None) -> None:
    if process is not None and process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 20)
        except TimeoutError:
            process.kill()


async def test_kill_9_of_the_leader_mid_broadcast_the_other_instance_takes_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unused_tcp_port_factory: Callable[[], int]
) -> None:
    skip_without_server()
    monkeypatch.setenv("STATE_HMAC_KEY", TEST_KEY)  # this process opens the database too
    chats = range(300_000, 300_400)
    telegram = await FakeTelegram(rate_limit=30, chat_interval=1.0).start()
    ports = [unused_tcp_port_factory(), unused_tcp_port_factory()]
    citizens = Citizens(telegram, ports)
    logs = [(tmp_path / name).open("wb") for name in ("first.log", "second.log")]
    with fresh_schema() as url:
        env = {"STATE_DATABASE_URL": url, "STATE_HMAC_KEY": TEST_KEY, "TELEGRAM_WEBHOOK_SECRET": SECRET}
        processes = []
        try:
            for port, log in zip(ports, logs, strict=True):
                config = write_config(tmp_path, port)
                out = asyncio.subprocess.DEVNULL
                processes.append(await bot_process(config, telegram.base_url, stdout=out, stderr=log.fileno(), **env))
                await until(lambda: lease_holder(url) != "", 30)  # the first leads (and built the demo cases)
            leader, other = processes
            await asyncio.sleep(2)  # the second one is up and does not lead
            assert f":{leader.pid}:" in lease_holder(url)
            await broadcast(url, chats)
            questions = asyncio.create_task(citizens.run())
            await telegram.wait_until(lambda: len(telegram.copies("chuyển giao")) >= 120, timeout=60)
            async with citizens.turn:
                leader.send_signal(signal.SIGKILL)  # no shutdown: its lease and claims stay behind
                await leader.wait()
                citizens.phase, killed, before = "takeover", time.monotonic(), sum(telegram.copies("chuyển").values())
            await telegram.wait_until(lambda: sum(telegram.copies("chuyển giao").values()) > before, timeout=30)
            takeover, citizens.phase = time.monotonic() - killed, "after"
            await telegram.wait_until(lambda: len(telegram.copies("chuyển giao")) == len(chats), timeout=90)
            await until(lambda: citizens.count("after") >= 3, 30)
            citizens.done.set()
            await asyncio.wait_for(questions, 30)
            assert f":{other.pid}:" in lease_holder(url)
            with psycopg.connect(url) as connection:
                statuses: dict[str, int] = dict(
                    connection.execute("SELECT status, count(*) FROM deliveries GROUP BY status").fetchall()
                )
        finally:
            for process in processes:
                await stop(process)
            await telegram.stop()
            for log in logs:
                log.close()
    copies = telegram.copies("chuyển giao")
    duplicates = sum(n - 1 for n in copies.values())
    assert set(copies) == set(chats)  # nobody skipped
    assert duplicates <= IN_FLIGHT  # at most the dead leader's sends in flight
    assert statuses == {"sent": len(chats)}
    assert citizens.count("both") >= 3 and citizens.count("after") >= 3, citizens.answered
    print(f"takeover {takeover:.1f} s after kill -9; {duplicates} duplicate(s); {len(citizens.answered)} answered")
