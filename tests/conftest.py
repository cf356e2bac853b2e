"""Shared fixtures: the repository's real FAQ and configuration."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.faq.loader import load_faq
from bot.faq.matcher import Matcher, Thresholds
from tests.fake_telegram import FakeTelegram

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
