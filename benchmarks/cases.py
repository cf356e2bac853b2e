"""Case database: import time and size for many synthetic cases, then lookup latency through the
store API with 1 and 50 concurrent lookups, beside baselines measured in the same run: a bare
sqlite3 primary-key query, and the same lookup through aiosqlite (a thread hop per query).

    python -m benchmarks.cases [--count 1000000] [--lookups 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiosqlite

from bot.cases.codes import CodeFormat
from bot.cases.demo import demo_rows
from bot.cases.glossary import load_glossary
from bot.cases.importer import COLUMNS, import_rows, read_csv
from bot.cases.store import CaseStore

ROOT = Path(__file__).resolve().parent.parent
CODES = CodeFormat(r"^QN-\d{4}-\d{6}$", "QN-2026-000123")


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000


async def _measure(lookup: Callable[[str], Awaitable[object]], codes: list[str], workers: int) -> list[float]:
    """Latency of each lookup, `workers` tasks issuing them concurrently."""
    samples: list[float] = []

    async def worker(share: list[str]) -> None:
        for code in share:
            start = time.perf_counter()
            await lookup(code)
            samples.append(time.perf_counter() - start)
            await asyncio.sleep(0)  # let the other workers in between lookups

    await asyncio.gather(*(worker(codes[n::workers]) for n in range(workers)))
    return samples


async def _lookups(path: Path, codes: list[str]) -> dict[str, tuple[float, float]]:
    store = CaseStore(path)
    bare = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    results: dict[str, tuple[float, float]] = {}

    async def ours(code: str) -> object:
        return store.find(code)

    async def plain(code: str) -> object:
        return bare.execute("SELECT * FROM cases WHERE code = ?", (code,)).fetchone()

    async with aiosqlite.connect(f"file:{path}?mode=ro", uri=True) as threaded:

        async def hopped(code: str) -> object:
            async with threaded.execute("SELECT * FROM cases WHERE code = ?", (code,)) as cursor:
                return await cursor.fetchone()

        for workers in (1, 50):
            for name, function in (("store.find", ours), ("bare sqlite3", plain), ("aiosqlite", hopped)):
                samples = await _measure(function, codes, workers)
                results[f"{name}, {workers} concurrent"] = (_pct(samples, 0.5), _pct(samples, 0.99))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=20_000)
    args = parser.parse_args()
    statuses = set(load_glossary(ROOT / "glossary" / "statuses.yaml")[0])
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "export.csv"
        start = time.perf_counter()
        with export.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(row for _, row in demo_rows(args.count))
        written = time.perf_counter() - start
        target = Path(tmp) / "cases.sqlite3"
        start = time.perf_counter()
        report = import_rows(read_csv(export), target, CODES, statuses)
        imported = time.perf_counter() - start
        assert report.cases == args.count, report.errors[:5]
        codes = [row[0] for row in sqlite3.connect(target).execute("SELECT code FROM cases")]
        rng = random.Random(1)
        wanted = [rng.choice(codes) for _ in range(args.lookups // 2)]
        wanted += [f"QN-2099-{n:06d}" for n in range(args.lookups // 2)]  # misses cost as much
        rng.shuffle(wanted)
        results = asyncio.run(_lookups(target, wanted))
        print(f"{args.count} synthetic cases: CSV {export.stat().st_size / 2**20:.0f} MiB written in {written:.1f} s")
        print(
            f"import (validate, hash factors, write, index, rename): {imported:.1f} s; "
            f"snapshot {target.stat().st_size / 2**20:.0f} MiB"
        )
        print(f"\n{len(wanted)} lookups (half unknown codes)   p50 ms   p99 ms")
        for name, (p50, p99) in results.items():
            print(f"{name:34} {p50:7.3f}  {p99:7.3f}")


if __name__ == "__main__":
    main()
