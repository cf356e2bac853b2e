"""State shared by several instances, in process on each engine (the `state_url` fixture): two
StateStore connections to one database stand for two bot processes. Update claims, conversation
state (the pending lookup with its code sealed, the proved case, the desk's composing), and the
lookup limits across instances. The same with real processes: tests/test_webhook_instances.py."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import pytest

from bot.announce.board import Board
from bot.announce.desk import Desk
from bot.announce.model import Content
from bot.cases.glossary import load_glossary
from bot.cases.store import CaseStore
from bot.config import Official, Settings
from bot.dialogue import User
from bot.dialogue.preferences import Preferences
from bot.lookup import CaseLookup
from bot.state import StateStore
from bot.state.claims import Claim
from bot.texts.announce import DESK
from bot.throttle import Verdict
from tests.helpers import AUTHOR, ROOT
from tests.postgres import rows

BOT = 123456


@pytest.fixture
async def two(state_url: Path | str) -> AsyncIterator[tuple[StateStore, StateStore]]:
    """Two connections to one state database: instance A and instance B."""
    async with AsyncExitStack() as stack:
        first = await stack.enter_async_context(await StateStore.open(state_url))
        second = await stack.enter_async_context(await StateStore.open(state_url))
        yield first, second


def lookups(settings: Settings, cases: CaseStore, *states: StateStore) -> list[CaseLookup]:
    glossary = dict(load_glossary(ROOT / "glossary" / "statuses.yaml")[0])
    return [CaseLookup(cases, glossary, settings.cases, state, "[hotline]") for state in states]


def owner(cases: CaseStore, index: int) -> tuple[str, str, list[str]]:
    """A demo case's code, one party's year of birth, and years that are nobody's."""
    with sqlite3.connect(cases.path) as db:
        code = str(db.execute("SELECT code FROM cases ORDER BY code LIMIT 1 OFFSET ?", (index,)).fetchone()[0])
    years = [str(year) for year in range(1940, 2010)]
    right = [year for year in years if cases.verify(code, year)]
    return code, right[0], [year for year in years if year not in right]


async def test_an_update_is_claimed_once_done_once_and_a_dead_claim_is_taken_over(
    two: tuple[StateStore, StateStore],
) -> None:
    a, b = two
    assert await a.claims.claim(BOT, 1, "a", 60) is Claim.MINE
    assert await b.claims.claim(BOT, 1, "b", 60) is Claim.BUSY  # A is on it: Telegram retries later
    assert await a.claims.claim(BOT, 1, "a", 60) is Claim.BUSY  # also A's own retry while it works
    assert await a.claims.finish(BOT, 1, "a")
    assert await b.claims.claim(BOT, 1, "b", 60) is Claim.DONE  # answered 200, never handled again
    assert await b.claims.claim(BOT + 1, 1, "b", 60) is Claim.MINE  # another bot's update 1
    # A claims update 2 and dies: once its claim is older than the timeout, B takes it over.
    assert await a.claims.claim(BOT, 2, "a", 60) is Claim.MINE
    assert await b.claims.claim(BOT, 2, "b", 60) is Claim.BUSY
    await asyncio.sleep(0.05)
    assert await b.claims.claim(BOT, 2, "b", 0.01) is Claim.MINE
    assert not await a.claims.finish(BOT, 2, "a")  # A was only slow: it learns it was taken over
    assert await b.claims.finish(BOT, 2, "b")
    # A claim given up (the update failed before it was handled) is taken at once.
    assert await a.claims.claim(BOT, 3, "a", 60) is Claim.MINE
    await a.claims.release(BOT, 3, "a")
    assert await b.claims.claim(BOT, 3, "b", 60) is Claim.MINE
    # Retention: claims older than the cutoff go.
    assert await a.claims.forget_before(dt.datetime.now(dt.UTC) - dt.timedelta(days=2)) == 0
    assert await a.claims.forget_before(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)) == 4


async def test_of_many_simultaneous_claims_of_one_update_exactly_one_wins(
    two: tuple[StateStore, StateStore],
) -> None:
    a, b = two
    results = await asyncio.gather(
        *(state.claims.claim(BOT, 7, f"holder{n}", 60) for n in range(20) for state in (a, b))
    )
    assert results.count(Claim.MINE) == 1 and results.count(Claim.BUSY) == 39


async def test_a_lookup_begun_on_one_instance_is_finished_on_the_other_and_its_code_is_sealed(
    two: tuple[StateStore, StateStore], settings: Settings, demo_cases: CaseStore, state_url: Path | str
) -> None:
    on_a, on_b = lookups(settings, demo_cases, *two)
    code, factor, _ = owner(demo_cases, 0)
    await on_a.begin(41, english=False)
    assert await on_b.pending(41)
    asked = await on_b.receive(41, english=False, text=code)  # the code reaches B
    assert "năm sinh" in asked[0].text
    stored = rows(state_url, "SELECT kind, value FROM dialogue")
    assert [kind for kind, _ in stored] == ["lookup"] and code not in str(stored)  # sealed (M4)
    [answer] = await on_a.receive(41, english=False, text=factor)  # the factor reaches A
    assert answer.text.startswith(f"<b>Hồ sơ {code}</b>")
    assert not await on_b.pending(41)
    assert [kind for kind, _ in rows(state_url, "SELECT kind, value FROM dialogue")] == ["proved"]
    [following] = await on_b.follow(41, english=False)  # "follow" pressed, handled by B
    assert code in following.text
    assert rows(state_url, "SELECT chat_id, code FROM case_subscriptions") == [(41, code)]
    assert rows(state_url, "SELECT count(*) FROM dialogue") == [(0,)]  # nothing kept once done
    assert (await on_a.follow(41, english=False))[0].text == ""  # a proof is used once


async def test_a_sealed_code_opens_only_for_its_own_row_and_key(
    two: tuple[StateStore, StateStore], state_url: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = two
    await a.dialogue.put(1, "lookup", "QN-2026-000001", 600, secret=True)
    assert await b.dialogue.get(1, "lookup", secret=True) == "QN-2026-000001"
    [(sealed,)] = rows(state_url, "SELECT value FROM dialogue")
    await a.dialogue.put(2, "lookup", "placeholder", 600)
    await a.dialogue.put(2, "lookup", sealed, 600)  # a row's sealed value copied to another user
    assert await b.dialogue.get(2, "lookup", secret=True) is None
    await a.dialogue.put(3, "lookup", "QN-2026-000003", -1, secret=True)  # expired
    assert await b.dialogue.get(3, "lookup", secret=True) is None
    assert await b.dialogue.forget_expired() == 1
    if isinstance(state_url, str):  # PostgreSQL: another key (a different deployment) opens nothing
        monkeypatch.setenv("STATE_HMAC_KEY", "another-key-of-32-characters-or-more!")
        async with await StateStore.open(state_url) as other:
            assert await other.dialogue.get(1, "lookup", secret=True) is None


async def test_the_case_limit_holds_across_two_instances_under_concurrent_guesses(
    two: tuple[StateStore, StateStore], settings: Settings, demo_cases: CaseStore, state_url: Path | str
) -> None:
    instances = lookups(settings, demo_cases, *two)
    code, _, wrong = owner(demo_cases, 2)
    accounts = range(7000, 7030)
    for account in accounts:
        await instances[account % 2].begin(account, english=False, typed_code=code)
    await asyncio.gather(
        *(
            instances[(account + 1) % 2].receive(account, english=False, text=wrong[n])
            for n, account in enumerate(accounts)
        )
    )
    counted = dict(rows(state_url, "SELECT outcome, count(*) FROM lookups GROUP BY outcome"))
    assert counted["wrong_factor"] == settings.cases.max_failures_per_case  # not one more
    assert counted["limited"] == len(accounts) - settings.cases.max_failures_per_case


async def test_the_per_user_limit_holds_across_two_instances(
    two: tuple[StateStore, StateStore], settings: Settings, demo_cases: CaseStore, state_url: Path | str
) -> None:
    instances = lookups(settings, demo_cases, *two)
    for index in range(12):  # one citizen, twelve cases, the code on one instance, the guess on the other
        code, _, wrong = owner(demo_cases, 10 + index)
        await instances[index % 2].begin(77, english=False, typed_code=code)
        await instances[(index + 1) % 2].receive(77, english=False, text=wrong[0])
    counted = dict(rows(state_url, "SELECT outcome, count(*) FROM lookups GROUP BY outcome"))
    assert counted["wrong_factor"] == settings.cases.max_failures_per_hour
    assert counted["limited"] > 0


async def test_the_desk_waits_for_an_official_on_every_instance(
    two: tuple[StateStore, StateStore], settings: Settings
) -> None:
    announcements = settings.announcements.model_copy(update={"officials": (Official(id=AUTHOR, name="Phòng"),)})

    def desk(state: StateStore) -> Desk:
        board = Board(state.announcements, announcements, settings.agency)
        return Desk(
            state.announcements,
            board,
            announcements,
            user_key=state.user_key,
            dialogue=state.dialogue,
            wake=lambda: None,
            stop=state.announcements.cancel,
        )

    on_a, on_b = desk(two[0]), desk(two[1])
    assert (await on_a.begin(AUTHOR))[0].text == DESK.compose  # /soanthongbao reaches A
    assert await on_b.waiting(AUTHOR) and not await on_b.waiting(AUTHOR + 1)
    [pick] = await on_b.received(AUTHOR, Content("Lịch tiếp công dân tháng 12."))  # content reaches B
    assert pick.text == DESK.pick_topic and not await on_a.waiting(AUTHOR)
    await on_a.begin(AUTHOR)
    assert await on_b.abandon(AUTHOR) is not None and await on_a.abandon(AUTHOR) is None  # /huy on B


async def test_the_flood_throttle_is_shared_on_postgresql(two: tuple[StateStore, StateStore]) -> None:
    a, b = two
    if not a.floods.available:  # SQLite: one instance, its in-memory buckets (bot/throttle.py)
        assert await a.floods.forget_idle(0) == 0
        return
    verdicts = [await (a, b)[n % 2].floods.admit(70, 3, 60) for n in range(6)]  # alternately on A and B
    assert verdicts == [Verdict.ADMIT] * 3 + [Verdict.WARN, Verdict.DROP, Verdict.DROP]
    assert await b.floods.admit(71, 3, 60) is Verdict.ADMIT  # someone else is not affected
    await asyncio.sleep(1.1)  # one message a second comes back
    assert [await a.floods.admit(70, 3, 60), await b.floods.admit(70, 3, 60)] == [Verdict.ADMIT, Verdict.DROP]
    concurrent = await asyncio.gather(*((a, b)[n % 2].floods.admit(72, 3, 60) for n in range(20)))
    assert concurrent.count(Verdict.ADMIT) == 3 and concurrent.count(Verdict.WARN) == 1
    await asyncio.sleep(0.05)
    assert await a.floods.forget_idle(0.01) == 3 and await a.floods.forget_idle(0.01) == 0


async def test_a_language_chosen_on_one_instance_is_used_by_the_other(
    two: tuple[StateStore, StateStore], state_url: Path | str
) -> None:
    on_a, on_b = Preferences(two[0]), Preferences(two[1])
    citizen = User(id=42, language_code="vi")
    assert await on_b.language(citizen) == "vi"  # B has answered this citizen before
    assert await on_a.choose(citizen, "en") == "en"  # the choice is made on A
    if isinstance(state_url, str):  # PostgreSQL, several instances: B sees it at the next message
        await asyncio.sleep(2.1)  # B trusts what it read for the look-ups of one message only
        assert await on_b.language(citizen) == "en"
    assert await Preferences(two[1]).language(citizen) == "en"  # and any instance started after
