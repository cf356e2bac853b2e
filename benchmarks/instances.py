"""What sharing state between instances costs per update, on each state engine.

    .venv/bin/python -m benchmarks.instances [--updates 2000] [--engines sqlite postgresql]

For each engine: the webhook's claim + finish of an update id (bot/state/claims.py), the check
"is this citizen in a lookup?" every text message makes (bot/state/dialogue.py), a sealed code
written and read back, and the flood throttle's upsert (bot/state/flood.py, PostgreSQL only).
Baseline in the same run: the in-memory structures one process used before (a set of update ids,
a dict of pending lookups, bot/throttle.py's buckets). Mean and p99 per operation, in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from benchmarks.engines import LABELS, add_option, choose, state_database
from bot.state import StateStore
from bot.throttle import Throttle


def _summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"mean {statistics.fmean(samples) * 1000:7.3f} ms, p99 {p99 * 1000:7.3f} ms"


async def _timed(count: int, step: Callable[[int], Awaitable[object]]) -> list[float]:
    samples = []
    for number in range(count):
        start = time.perf_counter()
        await step(number)
        samples.append(time.perf_counter() - start)
    return samples


def _timed_sync(count: int, step: Callable[[int], object]) -> list[float]:
    samples = []
    for number in range(count):
        start = time.perf_counter()
        step(number)
        samples.append(time.perf_counter() - start)
    return samples


async def _engine(engine: str, count: int) -> None:
    with tempfile.TemporaryDirectory() as folder, state_database(engine, Path(folder)) as database:
        async with await StateStore.open(database.target) as state:
            claims, dialogue, floods = state.claims, state.dialogue, state.floods

            async def claim(number: int) -> None:
                await claims.claim(1, number, "bench", 90)
                await claims.finish(1, number, "bench")

            async def sealed(number: int) -> None:
                await dialogue.put(number, "lookup", "QN-2026-000001", 600, secret=True)
                await dialogue.get(number, "lookup", secret=True)

            label = LABELS[engine]
            print(f"{label:<10} claim + finish an update       {_summary(await _timed(count, claim))}")
            absent = await _timed(count, lambda n: dialogue.get(n, "x"))
            print(f"{label:<10} pending lookup? (no row)       {_summary(absent)}")
            print(f"{label:<10} seal a code, read it back      {_summary(await _timed(count, sealed))}")
            if floods.available:
                flood = await _timed(count, lambda n: floods.admit(n % 50, 10, 30))
                print(f"{label:<10} shared flood throttle upsert   {_summary(flood)}")


def _baseline(count: int) -> None:
    seen: set[int] = set()
    pending: dict[int, str] = {}
    throttle = Throttle(10, 30)
    print(f"{'baseline':<10} in-memory set of update ids    {_summary(_timed_sync(count, seen.add))}")
    print(f"{'baseline':<10} in-memory pending dict         {_summary(_timed_sync(count, pending.get))}")
    admitted = _timed_sync(count, lambda n: throttle.admit(n % 50))
    print(f"{'baseline':<10} in-memory throttle admit       {_summary(admitted)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=2000, help="operations of each kind")
    add_option(parser)
    arguments = parser.parse_args()
    for engine in choose(arguments.engines):
        asyncio.run(_engine(engine, arguments.updates))
    _baseline(arguments.updates)


if __name__ == "__main__":
    main()
