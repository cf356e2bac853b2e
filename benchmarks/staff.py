"""Staff tools: live FAQ reload and the `faq gaps` / `faq stats` reports, each beside a baseline
measured in the same run. Each figure is the median of --repeat runs (the machine is noisy).

    python -m benchmarks.staff [--questions 50000] [--repeat 3]

Reload: the shipped FAQ and glossary copied to a temp folder; `Reloader.reload()` after a real
edit (one more alternative in an entry, so the hash changes), which runs every `faq check` check
and each entry's `tests:` before building, and the reload with nothing changed. Baselines: what a
restart would cost instead: `load_knowledge` alone in-process (no checks), and a fresh Python
process that imports the bot and runs `load_knowledge` (a lower bound: no Telegram start-up).

Gaps: N unanswered / "did you mean" questions over 90 days in a real state database, written one
by one through `StateStore.record_question`: the questions of tests/data/questions.yaml, picked
Zipf-like (a few asked often, a long tail), with folded diacritics, typos, "cho em hỏi"-style
openings and "ạ"-style endings. Ours: `collect_gaps` (read, group, closest entry of the top 20).
Baseline: the naive grouping, `process.extractOne(text, leaders, scorer=fuzz.token_set_ratio,
score_cutoff=80)` per question (texts run through `utils.default_process` once, single thread),
capped at BASELINE_CAP questions, beside `group_gaps` on the same questions.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import yaml
from rapidfuzz import fuzz, process, utils

from bot.config import Settings, load_settings
from bot.content import Loaded
from bot.faq.normalize import fold
from bot.knowledge import load_knowledge
from bot.reload import Reloader, Unchanged
from bot.reports.gaps import SIMILARITY, GapReport, collect_gaps, group_gaps
from bot.reports.stats import collect_stats
from bot.state.store import StateStore

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "questions.yaml"
EDITED = "nop-tien.yaml"  # the category file the reload benchmark edits
BASELINE_CAP = 5_000  # naive grouping grows with questions x leaders: 50,000 would take many minutes
OPENINGS = ["", "", "", "cho em hỏi ", "xin hỏi ", "ad ơi ", "cho tôi hỏi ", "chị ơi "]
ENDINGS = ["", "", "", " ạ", " với", " vậy", " ạ?", "??", " ad ơi"]
T = TypeVar("T")
RESTART = (
    "import sys; from pathlib import Path; from bot.config import load_settings; "
    "from bot.knowledge import load_knowledge; s = load_settings(Path(sys.argv[1]), environ={}); "
    "load_knowledge(s.faq.dir, s.matching)"
)


async def _timed(repeat: int, run: Callable[[], Awaitable[T]]) -> tuple[float, T]:
    """Median seconds of `repeat` runs, and the last result."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = await run()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def _settings(folder: Path) -> Settings:
    """A configuration on copies of the shipped FAQ and glossary, with its own state database."""
    shutil.copytree(ROOT / "faq", folder / "faq")
    shutil.copytree(ROOT / "glossary", folder / "glossary")
    (folder / "config.yaml").write_text(
        "faq:\n  dir: faq\nstate:\n  path: state.sqlite3\ncases:\n  database: cases.sqlite3\n"
        "  glossary: glossary/statuses.yaml\n",
        encoding="utf-8",
    )
    return load_settings(folder / "config.yaml", environ={})


async def _reload(settings: Settings, repeat: int) -> dict[str, float]:
    reloader, outcome = await Reloader.open(settings)
    assert isinstance(outcome, Loaded), outcome
    edited = settings.faq.dir / EDITED
    changed, unchanged = [], []
    for number in range(repeat):
        # A new first alternative of the file's first entry (4 spaces: not the `en:` block's list).
        text = edited.read_text(encoding="utf-8")
        alternative = f"      - Nộp tiền thi hành án lần thứ {number + 2} ở đâu?\n"
        edited.write_text(
            text.replace("\n    alternatives:\n", "\n    alternatives:\n" + alternative, 1), encoding="utf-8"
        )
        start = time.perf_counter()
        reloaded = await reloader.reload("benchmark", notify=False)
        changed.append(time.perf_counter() - start)
        assert isinstance(reloaded, Loaded), reloaded
        start = time.perf_counter()
        assert isinstance(await reloader.reload("benchmark", notify=False), Unchanged)
        unchanged.append(time.perf_counter() - start)
    in_process, fresh = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        load_knowledge(settings.faq.dir, settings.matching)
        in_process.append(time.perf_counter() - start)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", RESTART, str(settings.faq.dir.parent / "config.yaml")], cwd=ROOT, check=True
        )
        fresh.append(time.perf_counter() - start)
    return {
        "reload after an edit (checks + tests + build)": statistics.median(changed),
        "reload, nothing changed": statistics.median(unchanged),
        "baseline: load_knowledge in-process, no checks": statistics.median(in_process),
        "baseline: fresh process, imports + load_knowledge": statistics.median(fresh),
    }


def synthetic_questions(count: int, seed: int = 7) -> list[str]:
    """`count` citizen-like variants of the evaluation questions, Zipf-weighted."""
    rng = random.Random(seed)
    bases = [str(case["q"]) for case in yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))]
    rng.shuffle(bases)
    weights = [1 / (rank + 1) for rank in range(len(bases))]

    def vary(text: str) -> str:
        if rng.random() < 0.4:
            text = fold(text)
        if rng.random() < 0.3:  # a typo: two neighbouring letters swapped, or one dropped
            at = rng.randrange(max(1, len(text) - 2))
            text = (
                text[:at] + text[at + 1] + text[at] + text[at + 2 :]
                if rng.random() < 0.5
                else text[:at] + text[at + 1 :]
            )
        return rng.choice(OPENINGS) + text + rng.choice(ENDINGS)

    return [vary(rng.choices(bases, weights)[0]) for _ in range(count)]


async def _fill(state: StateStore, texts: list[str], seed: int = 11) -> None:
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    for text in texts:
        at = now - dt.timedelta(seconds=rng.randrange(90 * 86400))
        outcome = rng.choice(["none", "suggest"])
        await state.record_question(text, outcome, rng.uniform(20, 70), None, at=at)


def naive_groups(texts: list[str]) -> int:
    """Greedy leader grouping the obvious way: each text against every leader so far."""
    leaders: list[str] = []
    for text in (utils.default_process(text) for text in texts):
        if (
            process.extractOne(text, leaders, scorer=fuzz.token_set_ratio, processor=None, score_cutoff=SIMILARITY)
            is None
        ):
            leaders.append(text)
    return len(leaders)


async def _gaps(settings: Settings, count: int, repeat: int) -> list[tuple[str, float, str]]:
    knowledge = load_knowledge(settings.faq.dir, settings.matching)
    texts = synthetic_questions(count)
    rows: list[tuple[str, float, str]] = []
    async with await StateStore.open(settings.state.path) as state:
        start = time.perf_counter()
        await _fill(state, texts)
        rows.append(
            (
                f"fill (once): {count} x record_question",
                time.perf_counter() - start,
                f"{len(set(texts))} distinct texts",
            )
        )
        seconds, report = await _timed(repeat, lambda: collect_gaps(state, knowledge, limit=20))
        rows.append((f"ours: collect_gaps, {count} questions", seconds, f"{report.group_count} groups"))
        seconds, _ = await _timed(repeat, lambda: collect_stats(state, knowledge.faq))
        rows.append((f"ours: collect_stats, {count} questions", seconds, "counts per day / entry"))
        stored = await state.questions()
    capped = stored[:BASELINE_CAP]
    note = f" (capped at {BASELINE_CAP})" if len(stored) > BASELINE_CAP else ""

    async def ours() -> GapReport:
        return group_gaps(capped, knowledge, limit=20)

    async def naive() -> int:
        return naive_groups([q.text or "" for q in capped])

    seconds, report = await _timed(repeat, ours)
    rows.append((f"ours: group_gaps, {len(capped)} questions{note}", seconds, f"{report.group_count} groups"))
    seconds, groups = await _timed(repeat, naive)
    rows.append((f"baseline: extractOne token_set_ratio, {len(capped)}{note}", seconds, f"{groups} groups"))
    return rows


async def main_async(count: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = _settings(Path(tmp))
        reload = await _reload(settings, repeat)
        gaps = await _gaps(settings, count, repeat)
    print(f"{'median of ' + str(repeat) + ' runs':62} {'seconds':>7}")
    for label, seconds in reload.items():
        print(f"{label:62} {seconds:7.3f}")
    print()
    for label, seconds, detail in gaps:
        print(f"{label:62} {seconds:7.3f}   {detail}")
    # Linux reports ru_maxrss in KiB.
    print(f"\npeak memory (ru_maxrss): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main_async(args.questions, args.repeat))


if __name__ == "__main__":
    main()
