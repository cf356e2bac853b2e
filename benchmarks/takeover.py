"""How long broadcasting stops when the instance sending it dies (kill -9), with several instances
on one PostgreSQL database against a restart of a single instance.

    python -m benchmarks.takeover [--runs 7] [--subscribers 1000]

Every run: the loopback Bot API with Telegram's limits (30 sends/s overall, 1/s per chat), a fresh
state database, the shipped settings (state.lease_seconds 10, lease_renew_seconds 3,
announcements.rate 25/s), an announcement to `--subscribers` chats; once 50 copies went out and
a further random 0-3 s passed (so the kill falls anywhere between two lease renewals), the
sending process is killed with SIGKILL. Measured: seconds from the kill to the next copy accepted
by the server, and the copies sent twice.

- Ours: two `python -m bot` processes on one PostgreSQL database; the leader is killed and the
  other one, already running, takes the lease over.
- Baselines, in the same run: one instance killed and started again at once (what a process
  supervisor does), on PostgreSQL (the new process waits for its dead predecessor's lease to
  expire: it cannot tell a dead holder on another machine from a slow one) and on SQLite (one
  machine: it takes its own dead lease back at once; the set-up before this change).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import engines
from bot.announce.model import Content, Status
from bot.state import StateStore
from tests.fake_telegram import TOKEN, FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
TEXT = "Thông báo đo thời gian chuyển giao."
KILL_AFTER = 50  # copies sent before the kill


async def _queue(target: Path | str, chats: range) -> None:
    async with await StateStore.open(target) as state:
        for chat in chats:
            await state.announcements.subscribe(chat, ["chung"])
        now = dt.datetime.now(dt.UTC)
        await state.announcements.create("chung", Content(TEXT), 1, "benchmark", status=Status.SCHEDULED, send_at=now)


async def _bot(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


def _sent(server: FakeTelegram) -> int:
    return sum(server.copies("đo thời gian chuyển giao").values())


async def _wait(predicate: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError
        await asyncio.sleep(0.02)


async def one_run(engine: str, two: bool, subscribers: int, delay: float) -> tuple[float, int]:
    """(seconds from the kill to the next copy, copies sent twice by then + 5 s)."""
    server = await FakeTelegram(rate_limit=30, chat_interval=1.0, retry_after=1).start()
    chats = range(2_000_000, 2_000_000 + subscribers)
    processes: list[asyncio.subprocess.Process] = []
    with tempfile.TemporaryDirectory() as tmp, engines.state_database(engine, Path(tmp)) as state:
        config = Path(tmp) / "config.yaml"
        config.write_text(
            f"faq:\n  dir: {ROOT / 'faq'}\n  watch: false\n{state.config}"
            f"cases:\n  database: {Path(tmp) / 'cases.sqlite3'}\n  demo_count: 50\n  demo: true\n",
            encoding="utf-8",
        )
        env = {**state.env, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": server.base_url}
        env["BOT_CONFIG"] = str(config)
        try:
            await _queue(state.target, chats)
            processes.append(await _bot(env))
            await _wait(lambda: _sent(server) > 0, 60)  # the first one leads
            if two:
                processes.append(await _bot(env))
            await _wait(lambda: _sent(server) >= KILL_AFTER, 60)
            await asyncio.sleep(delay)
            processes[0].send_signal(signal.SIGKILL)
            await processes[0].wait()
            killed, before = time.monotonic(), _sent(server)
            if not two:
                processes.append(await _bot(env))  # a supervisor starts it again at once
            await _wait(lambda: _sent(server) > before, 120)
            seconds = time.monotonic() - killed
            await asyncio.sleep(5)
            duplicates = sum(n - 1 for n in server.copies("đo thời gian chuyển giao").values())
        finally:
            for process in processes:
                if process.returncode is None:
                    process.terminate()
                    await process.wait()
            await server.stop()
    return seconds, duplicates


def _line(label: str, samples: list[tuple[float, int]]) -> str:
    times = [s for s, _ in samples]
    return (
        f"{label:<48} median {statistics.median(times):5.1f} s   max {max(times):5.1f} s   "
        f"duplicates max {max(d for _, d in samples)}   ({', '.join(f'{t:.1f}' for t in times)})"
    )


async def main(runs: int, subscribers: int) -> None:
    if (reason := engines.unreachable()) is not None:
        sys.exit(f"PostgreSQL is needed (two instances share it): {reason}")
    kinds = {
        "ours: 2 instances on PostgreSQL, the other takes over": ("postgresql", True),
        "baseline: 1 instance on PostgreSQL, restarted": ("postgresql", False),
        "baseline: 1 instance on SQLite, restarted": ("sqlite", False),
    }
    results: dict[str, list[tuple[float, int]]] = {label: [] for label in kinds}
    delays = random.Random(14)
    for _ in range(runs):  # interleaved, so a slow moment of the machine hits every kind alike
        delay = delays.uniform(0, 3)  # the same kill moment for each kind within a run
        for label, (engine, two) in kinds.items():
            results[label].append(await one_run(engine, two, subscribers, delay))
    print(f"Broadcasting stopped by kill -9 of the sending process ({runs} runs, {subscribers} subscribers,")
    print("shipped settings: lease 10 s, renewed every 3 s); seconds from the kill to the next accepted copy:")
    for label, samples in results.items():
        print(_line(label, samples))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--subscribers", type=int, default=1000)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.runs, arguments.subscribers))
