"""Shared fixtures: the repository's real FAQ and configuration, the loopback Bot API, and the
real Application polling it (as a citizen meets it, and with officials configured). Helpers
(ask, press, make_settings, ...) are in tests/helpers.py."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.cases.service import build_demo
from bot.cases.store import CaseStore
from bot.config import Settings, load_settings
from bot.faq.loader import load_faq
from bot.faq.matcher import Matcher, Thresholds
from bot.faq.model import Faq
from bot.handlers.context import BotApplication
from bot.knowledge import Knowledge
from tests.fake_telegram import FakeTelegram
from tests.helpers import OFFICIALS, Core, make_settings, open_core, running, stopped
from tests.postgres import TEST_KEY, fresh_schema, server, skip_without_server

ROOT = Path(__file__).resolve().parent.parent
# As `python -m bot` does (bot/__main__.py), so that in-process tests run python-telegram-bot as the
# bot does (it reads the variable whenever a RetryAfter's wait is read).
os.environ.setdefault("PTB_TIMEDELTA", "1")


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(ROOT / "config.yaml", environ={})


@pytest.fixture(scope="session")
def shipped_faq(settings: Settings) -> Faq:
    faq, _, _ = load_faq(settings.faq.dir)
    return faq


@pytest.fixture(scope="session")
def matcher(settings: Settings, shipped_faq: Faq) -> Matcher:
    return Matcher(shipped_faq, Thresholds.from_settings(settings.matching))


@pytest.fixture(scope="session")
def shipped_knowledge(shipped_faq: Faq, matcher: Matcher) -> Knowledge:
    """The shipped FAQ and its matcher (immutable: shared by every test)."""
    return Knowledge(shipped_faq, matcher)


@pytest.fixture(scope="session")
def demo_cases(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> CaseStore:
    """A read-only snapshot of 200 synthetic cases (shared: nothing writes to it)."""
    path = tmp_path_factory.mktemp("cases") / "cases.sqlite3"
    build_demo(settings, path, 200)
    return CaseStore(path, settings.cases.recent_events)


@pytest.fixture(params=["sqlite", "postgresql"])
def state_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path | str]:
    """A fresh state database on each engine: a SQLite file (always), and a PostgreSQL schema of
    its own when a server is reachable (tests/postgres.py; skipped with the reason otherwise)."""
    if request.param == "sqlite":
        yield tmp_path / "state.sqlite3"
        return
    skip_without_server()
    monkeypatch.setenv("STATE_HMAC_KEY", TEST_KEY)  # no key file beside a PostgreSQL database
    with fresh_schema() as schema_url:
        yield schema_url


@pytest.fixture
async def core(
    settings: Settings, shipped_knowledge: Knowledge, demo_cases: CaseStore, state_url: Path | str
) -> AsyncIterator[Core]:
    """Conversation, Board and Desk on the shipped FAQ and a fresh state database (each engine), in process."""
    async with open_core(settings, shipped_knowledge, demo_cases, state_url) as built:
        yield built


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    """The loopback Bot API server, started for one test."""
    server = await FakeTelegram().start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotApplication]:
    """The bot with the shipped FAQ and a demo case snapshot, state in tmp_path, polling."""
    application = await running(make_settings(tmp_path, telegram.base_url))
    yield application
    await stopped(application)


@pytest.fixture
async def officials_bot(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotApplication]:
    """The bot with two officials (helpers.AUTHOR and helpers.APPROVER), polling."""
    application = await running(make_settings(tmp_path, telegram.base_url, OFFICIALS))
    yield application
    await stopped(application)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line saying which state engines the tests ran on (and why PostgreSQL did not)."""
    url, reason = server()
    terminalreporter.write_line(
        "State engines tested: SQLite and PostgreSQL" if url else f"State engines tested: SQLite only. {reason}"
    )
