"""A broadcast to many subscribers against the loopback Bot API enforcing Telegram's limits.

    python -m benchmarks.broadcast [--subscribers 10000] [--baseline 3000]

The server accepts at most 30 sends per second overall and one per second per chat, answering
429 with retry_after=1 beyond that. Ours: the bot (`python -m bot`, a separate process, shipped
settings: announcements.rate 25/s, telegram.overall_rate 30/s) sends an announcement queued with
`python -m bot announce`. Baseline, in the same run: the usual python-telegram-bot recipe, a Bot
with AIORateLimiter(overall_max_rate=30, max_retries=3) and asyncio.gather over all recipients.
Reported: achieved messages per second (first to last accepted send), 429 answers, lost and
duplicate messages, and the sender's memory.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from telegram import Bot
from telegram.ext import AIORateLimiter, ExtBot

from benchmarks.bot_load import _rss_mib
from bot.state import StateStore
from tests.fake_telegram import TOKEN, FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Thông báo thử nghiệm: lịch tiếp công dân tháng 12."


def _server() -> FakeTelegram:
    return FakeTelegram(rate_limit=30, chat_interval=1.0, retry_after=1)


def _figures(server: FakeTelegram, chats: range, seconds: float) -> dict[str, float]:
    copies = server.copies("lịch tiếp công dân tháng 12")
    accepted = sorted(m.sent_at for chat in chats for m in server.sent_to(chat))
    span = accepted[-1] - accepted[0] if len(accepted) > 1 else 0.0
    return {
        "rate": (len(accepted) - 1) / span if span else 0.0,
        "throttled": server.throttled,
        "lost": sum(1 for chat in chats if chat not in copies),
        "duplicates": sum(n - 1 for n in copies.values()),
        "seconds": seconds,
    }


async def ours(count: int) -> dict[str, float]:
    server = await _server().start()
    chats = range(1_000_000, 1_000_000 + count)
    with tempfile.TemporaryDirectory() as tmp:
        state, config, notice = Path(tmp) / "state.sqlite3", Path(tmp) / "config.yaml", Path(tmp) / "notice.txt"
        config.write_text(
            f"faq:\n  dir: {ROOT / 'faq'}\n  watch: false\nstate:\n  path: {state}\n"
            f"cases:\n  database: {Path(tmp) / 'cases.sqlite3'}\n  demo_count: 50\n",
            encoding="utf-8",
        )
        notice.write_text(TEXT, encoding="utf-8")
        async with await StateStore.open(state) as store:
            for start in range(0, count, 1000):
                for chat in chats[start : start + 1000]:
                    await store.announcements.subscribe(chat, ["tiep-dan"])
        env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": server.base_url,
            "BOT_CONFIG": str(config),
        }
        queue = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "announce",
            "--topic",
            "tiep-dan",
            "--text-file",
            str(notice),
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
        )
        assert await queue.wait() == 0
        began = time.monotonic()
        bot = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        peak = 0.0
        try:
            while len(server.copies("lịch tiếp công dân tháng 12")) < count:
                await asyncio.sleep(1.0)
                peak = max(peak, _rss_mib(bot.pid)[1])
                if time.monotonic() - began > count / 10 + 120:
                    break
            peak = max(peak, _rss_mib(bot.pid)[1])
        finally:
            bot.terminate()
            await bot.communicate()
            await server.stop()
    figures = _figures(server, chats, time.monotonic() - began)
    figures["peak_rss_mib"] = peak
    return figures


async def baseline(count: int) -> dict[str, float]:
    server = await _server().start()
    chats = range(2_000_000, 2_000_000 + count)
    bot: Bot = ExtBot(TOKEN, base_url=server.base_url, rate_limiter=AIORateLimiter(overall_max_rate=30, max_retries=3))
    began = time.monotonic()
    async with bot:

        async def one(chat: int) -> None:
            try:
                await bot.send_message(chat, TEXT)
            except Exception:
                return

        await asyncio.gather(*(one(chat) for chat in chats))
    figures = _figures(server, chats, time.monotonic() - began)
    figures["peak_rss_mib"] = _rss_mib(os.getpid())[1]
    await server.stop()
    return figures


def _line(name: str, figures: dict[str, float], configured: float) -> str:
    return (
        f"{name:<34} {figures['rate']:6.2f}/s ({figures['rate'] / configured:5.1%} of {configured:g}/s)  "
        f"429s {figures['throttled']:5.0f}  lost {figures['lost']:4.0f}  duplicates {figures['duplicates']:3.0f}  "
        f"peak RSS {figures['peak_rss_mib']:5.0f} MiB  total {figures['seconds']:5.0f} s"
    )


async def _main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=3_000)
    args = parser.parse_args()
    print("Loopback Bot API enforcing 30 sends/s overall and 1/s per chat (429, retry_after=1).")
    mine = await ours(args.subscribers)
    print(_line(f"ours: {args.subscribers} subscribers", mine, 25))
    base = await baseline(args.baseline)
    print(_line(f"baseline gather+AIORateLimiter: {args.baseline}", base, 30))


if __name__ == "__main__":
    asyncio.run(_main())
