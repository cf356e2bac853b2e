"""The leader lease and the delivery claims on both state engines (tests/postgres.py): one holder
at a time, takeover after expiry or release, two instances racing for it, and broadcasters on
separate connections never sending a row twice; the periodic jobs of two bots on one PostgreSQL
database run on the leader only."""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import socket
import sys
import time
from pathlib import Path

import pytest

from bot.announce.model import Announcement, Content, Delivery, Status
from bot.announce.sender import Broadcaster, Outcome, Result
from bot.cases.demo import demo_rows
from bot.config import AnnouncementSettings, StateSettings
from bot.health import Health
from bot.leader import Leader
from bot.state import StateStore
from tests.fake_telegram import FakeTelegram
from tests.helpers import make_settings, started, stopped
from tests.postgres import TEST_KEY, fresh_schema, rows, skip_without_server

A, B = "host-a:11:aaaa", "host-b:22:bbbb"  # instances on other machines


async def test_one_holder_until_its_lease_expires_or_is_released(state_url: Path | str) -> None:
    async with await StateStore.open(state_url) as state:
        leases = state.leases
        assert await leases.acquire("leader", A, 30) is True
        assert await leases.acquire("leader", B, 30) is False  # A holds it
        assert await leases.acquire("leader", A, 0.3) is True  # A renews (for a short time now)
        holder = await leases.holder("leader")
        assert holder is not None and holder[0] == A and 0 < holder[1] <= 0.3
        await asyncio.sleep(0.4)
        assert await leases.acquire("leader", B, 30) is True  # expired: B takes over
        assert await leases.acquire("leader", A, 30) is False
        assert await leases.release("leader", A) is False  # not A's to release
        assert await leases.release("leader", B) is True
        assert await leases.holder("leader") is None
        assert await leases.acquire("leader", A, 30) is True  # released: taken at once
    assert rows(state_url, "SELECT name, holder FROM leases") == [("leader", A)]


async def test_instances_racing_for_a_lease_never_both_win(state_url: Path | str) -> None:
    async with await StateStore.open(state_url) as first, await StateStore.open(state_url) as second:
        for round_ in range(20):
            won = await asyncio.gather(
                first.leases.acquire(f"race-{round_}", A, 30), second.leases.acquire(f"race-{round_}", B, 30)
            )
            assert sorted(won) == [False, True], won


async def test_a_dead_holder_on_this_host_is_replaced_at_once_on_sqlite_only(state_url: Path | str) -> None:
    finished = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await finished.wait()
    alive = await asyncio.create_subprocess_exec(sys.executable, "-c", "import time; time.sleep(30)")
    here = socket.gethostname()
    try:
        async with await StateStore.open(state_url) as state:
            assert await state.leases.acquire("dead", f"{here}:{finished.pid}:0000", 60)
            assert await state.leases.acquire("alive", f"{here}:{alive.pid}:1111", 60)
            sqlite = state.dialect == "sqlite"
            # One machine and one instance (SQLite): a restart after kill -9 does not wait for the old lease.
            assert await state.leases.acquire("dead", A, 60) is sqlite
            assert await state.leases.acquire("alive", A, 60) is False  # still running: it keeps it
    finally:
        alive.kill()
        await alive.wait()


async def test_the_leader_flags_health_and_gives_the_lease_up_on_stop(state_url: Path | str) -> None:
    settings = StateSettings(lease_seconds=5, lease_renew_seconds=0.1)
    async with await StateStore.open(state_url) as first, await StateStore.open(state_url) as second:
        gained: list[str] = []
        one = Leader(first.leases, settings, Health(), on_gained=lambda: gained.append("one"), holder=A)
        two = Leader(second.leases, settings, Health(), on_gained=lambda: gained.append("two"), holder=B)
        one.start()
        await asyncio.sleep(0.1)
        two.start()
        await asyncio.sleep(0.3)
        assert (one.held, two.held) == (True, False)
        assert one.health.flagged("leader") and not two.health.flagged("leader")
        await one.stop()  # a clean stop: the other takes over at its next try, not after 5 s
        await asyncio.sleep(0.3)
        assert (one.held, two.held) == (False, True)
        assert two.health.flagged("leader") and not one.health.flagged("leader")
        await two.stop()
    assert gained == ["one", "two"]


async def sending(state: StateStore, chats: int, text: str = "Thông báo.") -> int:
    """An announcement to `chats` subscribers, started (its delivery rows written)."""
    store = state.announcements
    for chat in range(chats):
        await store.subscribe(chat, ["chung"])
    number = await store.create(
        "chung", Content(text), 1, "t", status=Status.SCHEDULED, send_at=dt.datetime.now(dt.UTC)
    )
    assert await store.start(number)
    return number


async def test_only_the_holder_claims_and_a_new_holder_takes_over_unrecorded_claims(state_url: Path | str) -> None:
    async with await StateStore.open(state_url) as state:
        store, number = state.announcements, await sending(state, 30)
        assert await state.leases.acquire("leader", A, 0.5)
        assert await store.claim(number, 1e12, 10, holder=B, lease="leader", stale=60) == []  # B does not lead
        first = await store.claim(number, 1e12, 10, holder=A, lease="leader", stale=60)
        assert [chat for chat, _ in first] == list(range(10))
        assert [chat for chat, _ in await store.claim(number, 1e12, 10, holder=A, lease="leader", stale=60)] == list(
            range(10, 20)
        )  # not the rows A is sending
        await store.record(number, 0, Delivery.SENT, attempts=1, holder=A)
        await store.record(number, 1, Delivery.PENDING, attempts=1, next_at=0, holder=A)  # to retry: claim ends
        await asyncio.sleep(0.6)  # A stopped renewing (it died)
        assert await store.claim(number, 1e12, 50, holder=A, lease="leader", stale=60) == []  # no longer A's
        assert await state.leases.acquire("leader", B, 30)
        taken = await store.claim(number, 1e12, 50, holder=B, lease="leader", stale=60)
        assert sorted(chat for chat, _ in taken) == list(range(1, 30))  # A's 18 unrecorded claims, and the rest
        await store.record(number, 2, Delivery.SENT, attempts=1, holder=A)  # A's late answer: counted as sent
    assert rows(state_url, "SELECT chat_id, claimed_by FROM deliveries WHERE chat_id < 3 ORDER BY chat_id") == [
        (0, None),
        (1, B),
        (2, B),  # a claim of another holder is not A's to end
    ]


async def test_claims_on_two_connections_never_share_a_row(state_url: Path | str) -> None:
    async with await StateStore.open(state_url) as first, await StateStore.open(state_url) as second:
        number = await sending(first, 400)
        assert await first.leases.acquire("leader", A, 60)
        claimed: list[int] = []

        async def drain(state: StateStore) -> None:
            while batch := await state.announcements.claim(number, 1e12, 7, holder=A, lease="leader", stale=60):
                for chat, attempts in batch:
                    claimed.append(chat)
                    await state.announcements.record(number, chat, Delivery.SENT, attempts=attempts + 1, holder=A)

        await asyncio.gather(drain(first), drain(second), drain(first), drain(second))
    assert sorted(claimed) == list(range(400))  # each row claimed exactly once


class Counting:
    """Accepts every message after a few milliseconds and remembers which sender sent it."""

    def __init__(self, name: str, sent: collections.Counter[int], by: dict[str, int]) -> None:
        self.name, self.sent, self.by = name, sent, by

    async def send(self, chat_id: int, announcement: Announcement) -> Result:
        await asyncio.sleep(0.002)
        self.sent[chat_id] += 1
        self.by[self.name] = self.by.get(self.name, 0) + 1
        return Result(Outcome.SENT, message_id=1)


async def test_two_live_broadcasters_send_each_row_once_and_only_the_leader_sends(state_url: Path | str) -> None:
    lease = StateSettings(lease_seconds=2, lease_renew_seconds=0.2)
    pace = AnnouncementSettings(rate=1000, per_chat_seconds=0)
    sent: collections.Counter[int] = collections.Counter()
    by: dict[str, int] = {}
    async with await StateStore.open(state_url) as first, await StateStore.open(state_url) as second:
        leaders = [Leader(first.leases, lease, Health(), holder=A), Leader(second.leases, lease, Health(), holder=B)]
        senders = [
            Broadcaster(state.announcements, Counting(name, sent, by), pace, poll_seconds=0.05, leader=leader)
            for state, leader, name in zip((first, second), leaders, ("first", "second"), strict=True)
        ]
        for leader, sender in zip(leaders, senders, strict=True):
            leader.start()
            sender.start()
        number = await sending(first, 300)
        for _ in range(300):
            item = await first.announcements.get(number)
            if item is not None and item.status == Status.DONE:
                break
            await asyncio.sleep(0.05)
        for leader, sender in zip(leaders, senders, strict=True):
            await sender.stopped()
            await leader.stop()
    assert sent == {chat: 1 for chat in range(300)}
    assert len(by) == 1  # the leader alone sent


async def test_periodic_jobs_run_on_the_leader_only_and_move_with_the_lease(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    skip_without_server()
    monkeypatch.setenv("STATE_HMAC_KEY", TEST_KEY)
    code = next(demo_rows(200))[1]["code"]
    telegram = await FakeTelegram().start()
    with fresh_schema() as url:
        settings = make_settings(tmp_path, telegram.base_url, env={"STATE_DATABASE_URL": url})
        first = await started(settings)  # leads: it started first (case checks every 0.2 s)
        second = await started(settings)
        try:
            async with await StateStore.open(url) as state:
                telegram.stall_until = time.monotonic() + 1  # sends hang a while: a second sender would overlap
                await state.subscribe_case(70, code, "an older state")
                await telegram.wait_for(70, 1)
                await asyncio.sleep(1)  # five more checks on each instance
                await stopped(first)  # a clean stop releases the lease: the second takes over within 3 s
                await state.subscribe_case(71, code, "an older state")
                await telegram.wait_for(71, 1, timeout=10)
                await asyncio.sleep(1)
        finally:
            if first.running:
                await stopped(first)
            await stopped(second)
            await telegram.stop()
    assert [len(telegram.sent_to(chat)) for chat in (70, 71)] == [1, 1]  # one notice each, not one per instance
    assert all(
        message.text.startswith(f"🔔 Hồ sơ <b>{code}</b>") for chat in (70, 71) for message in telegram.sent_to(chat)
    )
