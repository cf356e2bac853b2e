"""Shared fixtures: the repository's real FAQ and configuration, the loopback Bot API, and the
real Application polling it (as a citizen meets it, and with officials configured). Helpers
(ask, press, make_settings, ...) are in tests/helpers.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import BotApplication
from bot.config import Settings, load_settings
from bot.faq.loader import load_faq
from bot.faq.matcher import Matcher, Thresholds
from tests.fake_telegram import FakeTelegram
from tests.helpers import OFFICIALS, make_settings, running, stopped

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings(ROOT / "config.yaml", environ={})


@pytest.fixture(scope="session")
def matcher(settings: Settings) -> Matcher:
    faq, _, _ = load_faq(settings.faq.dir)
    return Matcher(faq, Thresholds.from_settings(settings.matching))


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
