"""The outbox core (broadcaster, desk, retention) on a real state database, with the Telegram edge
replaced by a transport that answers after a random few milliseconds (the timing that exposes races)."""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import random
from pathlib import Path

from bot.announce.board import Board
from bot.announce.desk import Desk
from bot.announce.model import Announcement, Content, Status
from bot.announce.sender import Broadcaster, Outcome, Result
from bot.config import AgencySettings, AnnouncementSettings
from bot.state import StateStore
from tests.postgres import rows


class Jittery:
    """Accepts every message after 0-4 ms, counting copies per chat."""

    def __init__(self) -> None:
        self.sent: collections.Counter[int] = collections.Counter()
        self.random = random.Random(5)

    async def send(self, chat_id: int, announcement: Announcement) -> Result:
        await asyncio.sleep(self.random.uniform(0, 0.004))
        self.sent[chat_id] += 1
        return Result(Outcome.SENT, message_id=1)


async def test_sends_finishing_during_a_read_are_not_sent_again(state_url: Path | str) -> None:
    async with await StateStore.open(state_url) as state:
        store = state.announcements
        for chat in range(3000):
            await store.subscribe(chat, ["chung"])
        number = await store.create(
            "chung", Content("Một lần thôi."), 1, "t", status=Status.SCHEDULED, send_at=dt.datetime.now(dt.UTC)
        )
        transport = Jittery()
        for parallel in (2, 13):  # few and many sends in flight
            sender = Broadcaster(store, transport, AnnouncementSettings(rate=1000, per_chat_seconds=0))
            sender.parallel = parallel
            await sender.tick()
            if parallel == 2:
                assert await store.cancel(number) is False  # already done
                number = await store.create(
                    "chung", Content("Lần hai."), 1, "t", status=Status.SCHEDULED, send_at=dt.datetime.now(dt.UTC)
                )
        counts = await store.get(number)
        assert counts is not None and counts.counts.sent == 3000
    assert set(transport.sent.values()) == {2}  # two announcements, exactly one copy each


async def test_retention_drops_recipients_but_keeps_the_counts(state_url: Path | str) -> None:
    async with await StateStore.open(state_url) as state:
        store = state.announcements
        for chat in range(20):
            await store.subscribe(chat, ["chung"])
        number = await store.create(
            "chung", Content("Cũ."), 1, "t", status=Status.SCHEDULED, send_at=dt.datetime.now(dt.UTC)
        )
        await Broadcaster(store, Jittery(), AnnouncementSettings(rate=1000, per_chat_seconds=0)).tick()
        await store.record_refusal("someone", "compose")
        assert await store.forget_before(dt.datetime.now(dt.UTC) - dt.timedelta(days=1)) == 0  # too recent
        assert await store.forget_before(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)) == 21
        item = await store.get(number)
        assert item is not None and (item.counts.total, item.counts.sent) == (20, 20)
    assert rows(state_url, "SELECT count(*) FROM deliveries") == [(0,)]
    assert rows(state_url, "SELECT count(*) FROM refusals") == [(0,)]


async def test_an_old_reject_or_discard_button_cannot_stop_what_moved_on(state_url: Path | str) -> None:
    officials = [{"id": 1, "roles": ["author"]}, {"id": 2, "roles": ["approver"]}, {"id": 3, "roles": ["approver"]}]
    settings = AnnouncementSettings.model_validate({"officials": officials, "require_approval": True})
    async with await StateStore.open(state_url) as state:
        store = state.announcements
        board = Board(store, settings, AgencySettings())

        async def stop(number: int) -> bool:
            return await store.cancel(number)

        desk = Desk(
            store, board, settings, user_key=state.user_key, dialogue=state.dialogue, wake=lambda: None, stop=stop
        )
        await desk.begin(1)
        await desk.received(1, Content("Cần duyệt."))
        await desk.action(1, "a:t:1:chung", None)
        await desk.action(1, "a:s:1", (1, 10))
        approved = await desk.action(2, "a:y:1", (2, 20))
        assert "đã được" in approved[0].text
        late_reject = await desk.action(3, "a:n:1", (3, 30))
        late_discard = await desk.action(1, "a:x:1", (1, 5))
        assert late_reject[0].text.startswith("Thao tác này không còn hiệu lực")
        assert late_discard[0].notice is not None and late_discard[0].notice.startswith("Thao tác này")
        assert await store.status(1) == Status.SCHEDULED
