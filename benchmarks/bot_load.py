"""The bot as a separate process against the loopback Bot API server, under load.

    python -m benchmarks.bot_load [--steady-seconds 20] [--burst 3000] [--engines sqlite postgresql]

Simulated citizens (each with its own chat) send questions from tests/data/questions.yaml:
first at a steady 50 questions/s (a new citizen each time), then at full speed (100 citizens,
each asking again as soon as answered). Latency is from the moment the
update is available to the bot to the moment its reply reaches the server. The same load is run
against benchmarks/echo_bot.py, the smallest python-telegram-bot bot, as the baseline. The bot's
own overall rate cap (telegram.overall_rate) is lifted here: this measures what the process can
do, not Telegram's limits. So is the per-citizen limit (telegram.user_burst): its check still runs
on every update, but these synthetic citizens ask again the moment they are answered.
The bot runs once per state engine (benchmarks/engines.py: SQLite, and PostgreSQL in a fresh
schema when a server is reachable); each run of the default sizes takes about half a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks import engines
from tests.fake_telegram import TOKEN, FakeTelegram

ROOT = Path(__file__).resolve().parent.parent


def _rss_mib(pid: int) -> tuple[float, float]:
    """Current and peak resident memory of a process, MiB (Linux /proc)."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


async def _wait_replied(server: FakeTelegram, chats: list[int], timeout: float) -> None:
    """Wait until every chat has a reply (counting chats with replies keeps the check O(1))."""
    target = len(server.by_chat) + sum(1 for c in chats if c not in server.by_chat)
    await server.wait_until(lambda: len(server.by_chat) >= target, timeout)


async def _run(
    module: list[str], questions: list[str], steady_seconds: float, burst: int, users: int, *, engine: str = "sqlite"
) -> dict[str, float]:
    server = await FakeTelegram().start()
    with tempfile.TemporaryDirectory() as tmp, engines.state_database(engine, Path(tmp)) as state:
        config = Path(tmp) / "config.yaml"
        config.write_text(
            f"faq:\n  dir: {ROOT / 'faq'}\n{state.config}"
            "telegram:\n  overall_rate: 0\n  user_burst: 100000\nlogging:\n  level: WARNING\n",
            encoding="utf-8",
        )
        env = {
            **state.env,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": server.base_url,
            "BOT_CONFIG": str(config),
        }
        prefix = os.environ.get("BENCH_PREFIX", "").split()
        process = await asyncio.create_subprocess_exec(sys.executable, *prefix, "-m", *module, cwd=ROOT, env=env)
        try:
            await server.wait_until(lambda: "getUpdates" in server.methods(), 60)
            await server.send_text(1, "xin chào")  # warm-up
            await _wait_replied(server, [1], 30)
            chat = 10_000
            # Steady: 50 questions per second, each from a new citizen.
            pushed: dict[int, float] = {}
            start = time.monotonic()
            count = int(steady_seconds * 50)
            for number in range(count):
                await asyncio.sleep(max(0.0, start + number / 50 - time.monotonic()))
                chat += 1
                await server.send_text(chat, questions[number % len(questions)])
                pushed[chat] = time.monotonic()
            await _wait_replied(server, list(pushed), 60)
            steady = [server.sent_to(c)[0].sent_at - t for c, t in pushed.items()]
            # Full speed: `users` citizens, each asking again as soon as answered (closed loop).
            cpu_bot, cpu_harness, cpu_db = _cpu_seconds(process.pid), time.process_time(), engines.database_cpu(state)
            full: list[float] = []
            start = time.monotonic()

            async def citizen(chat: int, asks: int) -> None:
                for turn in range(asks):
                    pushed_at = time.monotonic()
                    await server.send_text(chat, questions[(chat + turn) % len(questions)])
                    await server.wait_until(lambda seen=turn: len(server.by_chat.get(chat, ())) > seen, 120)
                    full.append(server.by_chat[chat][turn].sent_at - pushed_at)

            await asyncio.gather(*(citizen(chat + 1 + n, burst // users) for n in range(users)))
            elapsed = time.monotonic() - start
            cpu_bot = (_cpu_seconds(process.pid) - cpu_bot) / len(full) * 1000
            cpu_harness = (time.process_time() - cpu_harness) / len(full) * 1000
            cpu_db = (engines.database_cpu(state) - cpu_db) / len(full) * 1000
            rss, peak = _rss_mib(process.pid)
        finally:
            process.terminate()
            await process.wait()
            await server.stop()
    return {
        "steady 50/s p50 ms": _pct(steady, 0.5),
        "steady 50/s p99 ms": _pct(steady, 0.99),
        "full speed replies/s": len(full) / elapsed,
        "full speed p50 ms": _pct(full, 0.5),
        "full speed p99 ms": _pct(full, 0.99),
        "bot CPU ms per reply": cpu_bot,
        "PostgreSQL CPU ms/reply": cpu_db,
        "server CPU ms per reply": cpu_harness,
        "RSS MiB (end)": rss,
        "RSS MiB (peak)": peak,
        "mean question chars": statistics.mean(len(q) for q in questions),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steady-seconds", type=float, default=20)
    parser.add_argument("--burst", type=int, default=3000, help="questions in the full-speed phase")
    parser.add_argument("--users", type=int, default=100, help="citizens asking at once at full speed")
    engines.add_option(parser)
    args = parser.parse_args()
    chosen = engines.choose(args.engines)
    cases = yaml.safe_load((ROOT / "tests" / "data" / "questions.yaml").read_text(encoding="utf-8"))
    questions = [str(c["q"]) for c in cases]
    columns = {
        f"bot {engines.LABELS[engine]}": asyncio.run(
            _run(["bot"], questions, args.steady_seconds, args.burst, args.users, engine=engine)
        )
        for engine in chosen
    }
    if os.environ.get("BENCH_ONLY_OURS"):
        print(columns)
        return
    columns["echo bot"] = asyncio.run(
        _run(["benchmarks.echo_bot"], questions, args.steady_seconds, args.burst, args.users)
    )
    print(
        f"{len(questions)} distinct questions; steady: {args.steady_seconds:g} s at 50/s; full speed: "
        f"{args.burst} questions from {args.users} citizens, each asking again when answered"
    )
    print(f"{'':26}" + "".join(f"{name:>16}" for name in columns))
    for key in columns["echo bot"]:
        print(f"{key:26}" + "".join(f"{figures[key]:16.1f}" for figures in columns.values()))


if __name__ == "__main__":
    main()
