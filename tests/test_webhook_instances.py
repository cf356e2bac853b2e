"""Two webhook bot processes behind one address, on one PostgreSQL (issue 14): the test plays
Telegram and the load balancer, POSTing each update (with the secret header) to an instance and
sending it again wherever it got no 200. An update is answered once, never lost; a citizen's
lookup continues on the other instance; the lookup limits hold across both; an update whose
instance was killed mid-way is answered by the other on Telegram's retry. Skipped with the reason
when no PostgreSQL server is reachable (tests/postgres.py); the same logic on SQLite, in one
process: tests/test_shared_state.py and test_a_retried_update_is_answered_once_on_sqlite below."""

from __future__ import annotations

import asyncio
import signal
import socket
import sqlite3
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.cases.service import build_demo
from bot.cases.store import CaseStore
from bot.config import Settings
from bot.texts.throttle import SLOW_DOWN_VI
from tests.fake_telegram import TOKEN, FakeTelegram, Fault, Sent
from tests.helpers import ROOT, bot_process, webhook_bot, webhook_yaml
from tests.postgres import TEST_KEY, fresh_schema, rows, skip_without_server

SECRET = "s3cret-token-for-the-webhook"
CLAIM_SECONDS = 5  # telegram.webhook.claim_seconds of the test instances


@dataclass
class Instance:
    port: int
    process: asyncio.subprocess.Process
    log: Path


async def post(port: int, update: dict[str, Any]) -> int:
    """POST one update to an instance's webhook, as Telegram does; the HTTP status."""
    url = f"http://127.0.0.1:{port}/telegram"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as response,
    ):
        return response.status


async def deliver(update: dict[str, Any], *ports: int, timeout: float = 30) -> list[int]:
    """Telegram's retries: POST to each port in turn until one answers 200; every status seen."""
    seen: list[int] = []
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        for port in ports:
            seen.append(await post(port, update))
            if seen[-1] == 200:
                return seen
        await asyncio.sleep(0.5)
    raise AssertionError(f"no instance took the update: {seen}")


def write_config(tmp_path: Path, name: str, port: int, limits: str) -> Path:
    config = tmp_path / f"{name}.yaml"
    config.write_text(
        f"faq:\n  dir: {ROOT / 'faq'}\nstate:\n  path: {tmp_path / 'unused.sqlite3'}\n"
        f"cases:\n  glossary: {ROOT / 'glossary' / 'statuses.yaml'}\n  database: {tmp_path / 'cases.sqlite3'}\n"
        f"  demo: true\n"
        f"telegram:\n  mode: webhook\n  retry_seconds: 30\n{limits}"
        f"{webhook_yaml(port)}    claim_seconds: {CLAIM_SECONDS}\n",
        encoding="utf-8",
    )
    return config


def free_ports(count: int) -> Iterator[int]:
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    yield from ports


@pytest.fixture
def database() -> Iterator[str]:
    skip_without_server()
    with fresh_schema() as url:
        yield url


@pytest.fixture
async def instances(
    request: pytest.FixtureRequest, telegram: FakeTelegram, tmp_path: Path, settings: Settings, database: str
) -> AsyncIterator[tuple[Instance, Instance]]:
    """Instances A and B: two `python -m bot` processes in webhook mode on one PostgreSQL schema,
    sharing one (synthetic) case export; the per-citizen throttle lifted unless a test passes
    its `telegram` lines (indirect parametrisation)."""
    limits = getattr(request, "param", "  user_burst: 100000\n")
    build_demo(settings, tmp_path / "cases.sqlite3", 200)
    started_: list[Instance] = []
    try:
        for name, port in zip("ab", free_ports(2), strict=True):
            log = tmp_path / f"{name}.log"
            with log.open("wb") as out:
                process = await bot_process(
                    write_config(tmp_path, name, port, limits),
                    telegram.base_url,
                    stdout=out.fileno(),
                    stderr=out.fileno(),
                    TELEGRAM_WEBHOOK_SECRET=SECRET,
                    STATE_DATABASE_URL=database,
                    STATE_HMAC_KEY=TEST_KEY,
                )
            started_.append(Instance(port, process, log))
        await telegram.wait_until(lambda: telegram.methods().count("setWebhook") == 2, timeout=90)
        yield started_[0], started_[1]
    finally:
        for instance in started_:
            if instance.process.returncode is None:
                instance.process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(instance.process.wait(), 30)
                except TimeoutError:
                    instance.process.kill()
                    await instance.process.wait()
    for instance in started_:
        text = instance.log.read_text(encoding="utf-8", errors="replace")
        assert TOKEN not in text and SECRET not in text


def owner(tmp_path: Path, index: int) -> tuple[str, str, list[str]]:
    """A demo case's code, its debtor's year of birth, and years that are nobody's."""
    with sqlite3.connect(tmp_path / "cases.sqlite3") as db:
        code = str(db.execute("SELECT code FROM cases ORDER BY code LIMIT 1 OFFSET ?", (index,)).fetchone()[0])
    store = CaseStore(tmp_path / "cases.sqlite3")
    years = [str(year) for year in range(1940, 2010)]
    right = [year for year in years if store.verify(code, year)]
    return code, right[0], [year for year in years if year not in right]


async def text_update(telegram: FakeTelegram, user: int, text: str) -> dict[str, Any]:
    await telegram.send_text(user, text)
    return telegram.take_update()


async def test_the_same_updates_sent_to_both_instances_are_answered_once(
    telegram: FakeTelegram, instances: tuple[Instance, Instance]
) -> None:
    a, b = instances
    users = range(300, 320)
    updates = [await text_update(telegram, user, "xin chào") for user in users]
    # Each update reaches both instances at once (a retry sent to the other one): no 200 is
    # given before the update is handled, and a copy is answered 200 or 503 (busy), then retried.
    statuses = await asyncio.gather(*(deliver(update, port) for update in updates for port in (a.port, b.port)))
    assert all(seen[-1] == 200 for seen in statuses)
    for user in users:
        await telegram.wait_for(user, 1, timeout=30)
    await asyncio.sleep(1.0)  # a duplicate would come now
    assert {user: len(telegram.sent_to(user)) for user in users} == dict.fromkeys(users, 1)
    for update in updates:  # a late retry of a handled update: 200 at once, nothing sent again
        assert await post(b.port, update) == 200
    await asyncio.sleep(0.5)
    assert all(len(telegram.sent_to(user)) == 1 for user in users)


async def test_a_lookup_begun_on_one_instance_is_finished_on_the_other(
    telegram: FakeTelegram, instances: tuple[Instance, Instance], tmp_path: Path, database: str
) -> None:
    a, b = instances
    code, factor, _ = owner(tmp_path, 0)
    await deliver(await text_update(telegram, 51, "/tracuu"), a.port)
    await deliver(await text_update(telegram, 51, code), b.port)
    assert "năm sinh" in (await telegram.wait_for(51, 2))[-1].text
    assert code not in str(rows(database, "SELECT value FROM dialogue"))  # the pending code is sealed
    await deliver(await text_update(telegram, 51, factor), a.port)
    answer: Sent = (await telegram.wait_for(51, 3))[-1]
    assert answer.text.startswith(f"<b>Hồ sơ {code}</b>")
    follow = next(data for label, data in answer.buttons() if "Theo dõi" in label)
    await telegram.press(51, answer, follow)
    await deliver(telegram.take_update(), b.port)  # "follow" pressed, handled by B
    await telegram.wait_until(lambda: rows(database, "SELECT chat_id, code FROM case_subscriptions") == [(51, code)])
    assert rows(database, "SELECT count(*) FROM dialogue") == [(0,)]


async def test_the_lookup_limits_hold_across_both_instances(
    telegram: FakeTelegram, instances: tuple[Instance, Instance], tmp_path: Path, database: str
) -> None:
    a, b = instances
    ports = (a.port, b.port)
    code, _, wrong = owner(tmp_path, 2)
    accounts = range(7000, 7016)
    for n, account in enumerate(accounts):  # sixteen accounts try one case, each begun on one instance
        await deliver(await text_update(telegram, account, f"/tracuu {code}"), ports[n % 2])
    guesses = [await text_update(telegram, account, wrong[n]) for n, account in enumerate(accounts)]
    await asyncio.gather(*(deliver(update, ports[(n + 1) % 2]) for n, update in enumerate(guesses)))
    counted = dict(rows(database, "SELECT outcome, count(*) FROM lookups GROUP BY outcome"))
    assert counted["wrong_factor"] == 10  # cases.max_failures_per_case, not one more
    assert counted["limited"] == len(accounts) - 10
    # One citizen guessing at other cases, alternately on each instance: five failures an hour.
    for index in range(8):
        other, _, nobody = owner(tmp_path, 20 + index)
        await deliver(await text_update(telegram, 88, f"/tracuu {other}"), ports[index % 2])
        await deliver(await text_update(telegram, 88, nobody[0]), ports[(index + 1) % 2])
    assert rows(database, "SELECT count(*) FROM lookups WHERE outcome = 'wrong_factor'") == [(10 + 5,)]
    await deliver(await text_update(telegram, 88, "/tracuu"), a.port)  # handled when it is answered 200
    assert telegram.sent_to(88)[-1].text.startswith("Bạn đã tra cứu sai nhiều lần")


@pytest.mark.parametrize("instances", ["  user_burst: 10\n  user_per_minute: 1\n"], indirect=True)
async def test_the_flood_throttle_holds_across_both_instances(
    telegram: FakeTelegram, instances: tuple[Instance, Instance]
) -> None:
    ports = (instances[0].port, instances[1].port)
    for number in range(30):  # one citizen floods, the load balancer alternating between instances
        await deliver(await text_update(telegram, 95, "xin chào"), ports[number % 2])
    texts = [message.text for message in telegram.sent_to(95)]
    assert texts.count(SLOW_DOWN_VI) == 1  # told once, by whichever instance saw the first excess
    assert len(texts) == 10 + 1  # the burst of both instances together, not of each


async def test_an_update_whose_instance_was_killed_is_answered_by_the_other_on_retry(
    telegram: FakeTelegram, instances: tuple[Instance, Instance]
) -> None:
    a, b = instances
    update = await text_update(telegram, 61, "xin chào")
    telegram.faults.append(Fault("sendMessage", 500, 10_000, chat_id=61))  # A's reply cannot get through
    first = asyncio.create_task(post(a.port, update))
    await telegram.wait_until(lambda: any(name == "sendMessage" for name, _ in telegram.calls), timeout=30)
    a.process.kill()  # kill -9 mid-update: A never answered Telegram
    await a.process.wait()
    with pytest.raises(aiohttp.ClientError):
        await first
    telegram.faults.clear()
    assert await post(b.port, update) == 503  # A's claim is young: A may only be slow
    await asyncio.sleep(CLAIM_SECONDS + 0.5)
    assert await post(b.port, update) == 200  # Telegram's later retry: taken over, answered
    assert (await telegram.wait_for(61, 1))[0].text.startswith("Xin chào!")
    await asyncio.sleep(0.5)
    assert len(telegram.sent_to(61)) == 1


async def test_a_retried_update_is_answered_once_on_sqlite(
    telegram: FakeTelegram, tmp_path: Path, unused_tcp_port: int
) -> None:
    """One instance on SQLite (the default): Telegram's retry of an update it handled is not
    answered twice, and a retry while it is being handled is refused until it is done."""
    async with webhook_bot(tmp_path, telegram.base_url, unused_tcp_port, SECRET):
        update = await text_update(telegram, 71, "xin chào")
        telegram.faults.append(Fault("sendMessage", 500, 2, chat_id=71))  # the reply is retried twice
        first = asyncio.create_task(post(unused_tcp_port, update))
        await telegram.wait_until(lambda: any(name == "sendMessage" for name, _ in telegram.calls), timeout=30)
        assert await post(unused_tcp_port, update) == 503  # still being handled
        assert await first == 200
        assert await post(unused_tcp_port, update) == 200  # handled: not again
        await asyncio.sleep(0.5)
        assert len(telegram.sent_to(71)) == 1
        assert rows(tmp_path / "state.sqlite3", "SELECT update_id, done FROM update_claims") == [
            (update["update_id"], 1)
        ]
