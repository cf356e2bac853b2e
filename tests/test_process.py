"""The README's run command as a real process against the loopback Bot API: it serves, shuts down
cleanly on SIGTERM, and its log holds neither the token nor what citizens wrote."""

from __future__ import annotations

import asyncio
import html
import signal
from pathlib import Path

import pytest

from bot.faq.loader import load_faq
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.helpers import ROOT, bot_process

pytestmark = pytest.mark.slow  # the bot as a real process


async def test_bot_process_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    faq = load_faq(ROOT / "faq")[0]
    telegram = await FakeTelegram().start()
    config = tmp_path / "config.yaml"
    config.write_text(f"faq:\n  dir: {ROOT / 'faq'}\nstate:\n  path: {tmp_path / 'state.sqlite3'}\n", encoding="utf-8")
    process = await bot_process(config, telegram.base_url)
    try:
        secret_question = "bí mật riêng tư: tôi nợ 37 triệu có được trả góp tiền thi hành án không"
        await telegram.send_text(41, "/start")
        await telegram.send_text(42, secret_question)
        welcome = await telegram.wait_for(41, 1, timeout=60)
        answer = await telegram.wait_for(42, 1, timeout=30)
        assert welcome[0].text.startswith("Xin chào!")
        assert answer[0].text.startswith(f"<b>{html.escape(faq.entries['tra-gop'].question)}</b>\n")  # answered
        process.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await telegram.stop()
    log = (out + err).decode()
    assert process.returncode == 0, log
    assert f"bot ready: {len(faq.entries)} FAQ entries" in log
    assert TOKEN not in log and TOKEN.split(":")[1] not in log
    assert "37 triệu" not in log and "bí mật" not in log
