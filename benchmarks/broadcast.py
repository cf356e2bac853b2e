"""A broadcast to many subscribers against the loopback Bot API enforcing Telegram's limits.

    python -m benchmarks.broadcast [--subscribers 3000] [--baseline 3000] [--engines sqlite postgresql]

The server accepts at most 30 sends per second overall and one per second per chat, answering
429 with retry_after=1 beyond that. Ours: the bot (`python -m bot`, a separate process, shipped
settings: announcements.rate 25/s, telegram.overall_rate 30/s) sends an announcement queued with
`python -m bot announce`. Baseline, in the same run: the usual python-telegram-bot recipe, a Bot
with AIORateLimiter(overall_max_rate=30, max_retries=3) and asyncio.gather over all recipients.
Ours runs once per state engine (benchmarks/engines.py: SQLite, and PostgreSQL in a fresh schema
when a server is reachable), each with its own `--subscribers` (default 3,000: about 2 minutes
each; 10,000 takes about 7). Reported: achieved messages per second (first to last accepted
send), the gap between consecutive accepted sends (p50 / p99), 429 answers, lost and duplicate
messages, the sender's CPU per message sent (the bot process from its first send to its last;
not measured for the baseline, which runs inside the harness with the server), the PostgreSQL
server processes' CPU per message in the same span (SQLite's is inside the bot's), and memory.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from telegram import Bot
from telegram.ext import AIORateLimiter, ExtBot

from benchmarks import engines
from benchmarks.bot_load import _cpu_seconds, _pct, _rss_mib
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
    gaps = [b - a for a, b in itertools.pairwise(accepted)] or [0.0]
    return {
        "rate": (len(accepted) - 1) / span if span else 0.0,
        "gap_p50": _pct(gaps, 0.5),
        "gap_p99": _pct(gaps, 0.99),
        "throttled": server.throttled,
        "lost": sum(1 for chat in chats if chat not in copies),
        "duplicates": sum(n - 1 for n in copies.values()),
        "seconds": seconds,
    }


async def _subscribe(target: Path | str, chats: range) -> None:
    async with await StateStore.open(target) as store:
        for start in range(0, len(chats), 1000):
            for chat in chats[start : start + 1000]:
                await store.announcements.subscribe(chat, ["tiep-dan"])


async def _watch(
    server: FakeTelegram, pid: int, count: int, began: float, state: engines.StateDatabase
) -> tuple[float, float, float, int]:
    """Wait for every copy: (the bot's peak RSS, its CPU seconds and the PostgreSQL server's from
    the bot's first send on, copies sent then)."""
    peak, cpu_at_first, db_at_first, first = 0.0, 0.0, 0.0, 0
    while (sent := len(server.copies("lịch tiếp công dân tháng 12"))) < count:
        await asyncio.sleep(1.0)
        peak = max(peak, _rss_mib(pid)[1])
        if not cpu_at_first and sent:
            cpu_at_first, db_at_first, first = _cpu_seconds(pid), engines.database_cpu(state), sent
        if time.monotonic() - began > count / 10 + 120:
            break
    db = engines.database_cpu(state) - db_at_first
    return max(peak, _rss_mib(pid)[1]), _cpu_seconds(pid) - cpu_at_first, db, first


async def ours(count: int, engine: str) -> dict[str, float]:
    server = await _server().start()
    chats = range(1_000_000, 1_000_000 + count)
    with tempfile.TemporaryDirectory() as tmp, engines.state_database(engine, Path(tmp)) as state:
        config, notice = Path(tmp) / "config.yaml", Path(tmp) / "notice.txt"
        config.write_text(
            f"faq:\n  dir: {ROOT / 'faq'}\n  watch: false\n{state.config}"
            f"cases:\n  database: {Path(tmp) / 'cases.sqlite3'}\n  demo_count: 50\n",
            encoding="utf-8",
        )
        notice.write_text(TEXT, encoding="utf-8")
        await _subscribe(state.target, chats)
        env = {
            **state.env,
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
        try:
            peak, cpu, db, first = await _watch(server, bot.pid, count, began, state)
        finally:
            bot.terminate()
            await bot.communicate()
            await server.stop()
    figures = _figures(server, chats, time.monotonic() - began)
    figures["peak_rss_mib"] = peak
    figures["cpu_ms"] = cpu / max(1, count - first) * 1000
    figures["db_cpu_ms"] = db / max(1, count - first) * 1000
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


ROWS: list[tuple[str, Callable[[dict[str, float], float], str]]] = [
    ("achieved rate (first to last accepted send)", lambda f, c: f"{f['rate']:.2f}/s = {f['rate'] / c:.1%} of {c:g}/s"),
    ("gap between sends p50 / p99", lambda f, c: f"{f['gap_p50']:.0f} / {f['gap_p99']:.0f} ms"),
    ("429 answers", lambda f, c: f"{f['throttled']:.0f}"),
    ("lost / duplicate messages", lambda f, c: f"{f['lost']:.0f} / {f['duplicates']:.0f}"),
    ("sender CPU per message", lambda f, c: f"{f['cpu_ms']:.2f} ms" if "cpu_ms" in f else "-"),
    ("PostgreSQL server CPU per message", lambda f, c: f"{f['db_cpu_ms']:.2f} ms" if "db_cpu_ms" in f else "-"),
    ("peak resident memory of the sender", lambda f, c: f"{f['peak_rss_mib']:.0f} MiB"),
    ("total time", lambda f, c: f"{f['seconds']:.0f} s"),
]


async def _main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=3_000, help="subscribers for ours, per engine")
    parser.add_argument("--baseline", type=int, default=3_000)
    engines.add_option(parser)
    args = parser.parse_args()
    chosen = engines.choose(args.engines)
    print("Loopback Bot API enforcing 30 sends/s overall and 1/s per chat (429, retry_after=1).")
    columns: list[tuple[str, dict[str, float], float]] = []
    for engine in chosen:
        figures = await ours(args.subscribers, engine)
        columns.append((f"ours, {engines.LABELS[engine]}: {args.subscribers}", figures, 25))
        print(f"done: {columns[-1][0]}", flush=True)
    columns.append((f"baseline gather+AIORateLimiter: {args.baseline}", await baseline(args.baseline), 30))
    width = max(len(name) for name, _, _ in columns) + 2
    print(f"{'':44}" + "".join(f"{name:>{width}}" for name, _, _ in columns))
    for label, show in ROWS:
        print(f"{label:44}" + "".join(f"{show(f, c):>{width}}" for _, f, c in columns))


if __name__ == "__main__":
    asyncio.run(_main())
