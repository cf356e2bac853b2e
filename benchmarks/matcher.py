"""Matcher accuracy and latency, each beside a naive rapidfuzz baseline measured in the same run.

    python -m benchmarks.matcher [--sizes 1000 10000] [--repeat 3]

Accuracy: the question set in tests/data/questions.yaml against the shipped FAQ.
Latency: p50/p99 per question on the shipped FAQ and on the FAQ scaled with synthetic entries
(real entries plus mutated copies, so token frequencies stay realistic), plus the time to load
the YAML files and build the index. Baseline: `process.extractOne(q, every phrasing,
scorer=fuzz.WRatio, processor=utils.default_process)`, the usual "just use rapidfuzz".
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process, utils

from bot.config import load_settings
from bot.faq.loader import load_faq
from bot.faq.matcher import Matcher, Thresholds
from bot.faq.model import Faq

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "data" / "questions.yaml"
BASELINE_CUTOFF = 85.0
# A large FAQ's long tail has fewer phrasings than our hand-written entries (question + 13):
# synthetic entries carry a question and 5 alternatives, above the 4 that `faq check` requires.
SYNTHETIC_ALTERNATIVES = 5  # a WRatio score below this counts as "no match" for the baseline


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000


def _timed(function: Callable[[str], object], questions: list[str], repeat: int) -> tuple[float, float, float]:
    """p50 and p99 over all `repeat` passes, and p99 of the first (cold) pass alone: the matcher
    caches typo repairs and phrasing weights, so a question seen before is faster."""
    passes = []
    for _ in range(repeat):
        samples = []
        for question in questions:
            start = time.perf_counter()
            function(question)
            samples.append(time.perf_counter() - start)
        passes.append(samples)
    p50, p99 = _percentiles([sample for samples in passes for sample in samples])
    return p50, p99, _percentiles(passes[0])[1]


def _build(folder: Path, thresholds: Thresholds) -> tuple[Faq, Matcher, float, float]:
    """Load and index a FAQ folder: seconds taken, then (in a second build) MiB allocated."""
    start = time.perf_counter()
    faq, _, _ = load_faq(folder)
    matcher = Matcher(faq, thresholds)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    kept = Matcher(load_faq(folder)[0], thresholds)
    memory = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    del kept
    return faq, matcher, seconds, memory


class Baseline:
    """rapidfuzz extractOne with WRatio over every phrasing."""

    def __init__(self, faq: Faq) -> None:
        self.texts: list[str] = []
        self.owners: list[str] = []
        for entry in faq.entries.values():
            for text in entry.texts():
                self.texts.append(text)
                self.owners.append(entry.id)

    def match(self, question: str) -> tuple[str | None, float]:
        best = process.extractOne(question, self.texts, scorer=fuzz.WRatio, processor=utils.default_process)
        if best is None:
            return None, 0.0
        return self.owners[best[2]], best[1]


def _accuracy(
    cases: list[dict[str, str | None]], predict: Callable[[str], tuple[str | None, str | None]]
) -> dict[str, float]:
    """`predict` gives (first entry shown, confident answer or None) for a question."""
    inside = [c for c in cases if c["expect"]]
    outside = [c for c in cases if not c["expect"]]
    guesses = [(c, *predict(str(c["q"]))) for c in cases]
    top1 = sum(1 for c, first, _ in guesses if c["expect"] and first == c["expect"])
    right = sum(1 for c, _, answer in guesses if c["expect"] and answer == c["expect"])
    wrong = sum(1 for c, _, answer in guesses if c["expect"] and answer not in (None, c["expect"]))
    rejected = sum(1 for c, _, answer in guesses if not c["expect"] and answer is None)
    return {
        "in-scope top-1 (first shown) %": 100 * top1 / len(inside),
        "in-scope answered correctly %": 100 * right / len(inside),
        "in-scope confidently wrong %": 100 * wrong / len(inside),
        "out-of-scope rejected %": 100 * rejected / len(outside),
    }


def synthetic_faq_files(faq: Faq, size: int, folder: Path, seed: int = 7) -> None:
    """Write `size` entries as YAML: the real ones, then mutated copies of them."""
    rng = random.Random(seed)
    real = list(faq.entries.values())
    words = sorted({word for entry in real for text in entry.texts() for word in text.split()})

    def mutate(text: str) -> str:
        tokens = text.split()
        for _ in range(max(1, len(tokens) // 3)):
            tokens[rng.randrange(len(tokens))] = rng.choice(words)
        return " ".join(tokens)

    entries = []
    for number in range(size):
        source = real[number % len(real)]
        if number < len(real):
            entries.append({"id": source.id, "question": source.question, "alternatives": list(source.alternatives),
                            "answer": source.answer})
            continue
        alternatives = [mutate(a) for a in source.alternatives[:SYNTHETIC_ALTERNATIVES]]
        entries.append({"id": f"synthetic-{number}", "question": mutate(source.question),
                        "alternatives": alternatives, "answer": source.answer})
    for start in range(0, size, 500):
        chunk = {"category": {"id": f"c{start}", "title": f"C{start}"}, "entries": entries[start : start + 500]}
        (folder / f"c{start:05d}.yaml").write_text(yaml.safe_dump(chunk, allow_unicode=True), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = load_settings(ROOT / "config.yaml", environ={})
    m = settings.matching
    thresholds = Thresholds(**m.model_dump())
    faq, _, _ = load_faq(settings.faq.dir)
    cases = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    questions = [str(c["q"]) for c in cases]
    matcher, baseline = Matcher(faq, thresholds), Baseline(faq)

    print(f"Question set: {len(cases)} questions ({sum(1 for c in cases if c['expect'])} in scope), "
          f"FAQ: {len(faq.entries)} entries")
    def predict(question: str) -> tuple[str | None, str | None]:
        result = matcher.match(question)
        return (result.candidates[0].entry_id if result.candidates else None), result.entry_id

    ours = _accuracy(cases, predict)

    def baseline_predict(question: str) -> tuple[str | None, str | None]:
        owner, score = baseline.match(question)
        return owner, (owner if score >= BASELINE_CUTOFF else None)

    theirs = _accuracy(cases, baseline_predict)
    print(f"{'accuracy':32} {'ours':>8} {'baseline':>9}   (baseline answers at WRatio >= {BASELINE_CUTOFF:g})")
    for key in ours:
        print(f"{key:32} {ours[key]:8.1f} {theirs[key]:9.1f}")

    print(f"\nlatency per question in ms ({args.repeat} passes, the first cold); load+index: YAML files to "
          "a ready matcher\n")
    print(f"{'FAQ':10} {'entries':>8} {'ours p50':>9} {'ours p99':>9} {'cold p99':>9} {'base p50':>9} "
          f"{'base p99':>9} {'load+index s':>13} {'index MiB':>10}")
    folder = settings.faq.dir
    faq, matcher, seconds, memory = _build(folder, thresholds)
    p50, p99, cold = _timed(matcher.match, questions, args.repeat)
    b50, b99, _ = _timed(baseline.match, questions, args.repeat)
    print(f"{'shipped':10} {len(faq.entries):8} {p50:9.3f} {p99:9.3f} {cold:9.3f} {b50:9.3f} {b99:9.3f} "
          f"{seconds:13.2f} {memory:10.1f}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            synthetic_faq_files(faq, size, Path(tmp))
            big, big_matcher, seconds, memory = _build(Path(tmp), thresholds)
            p50, p99, cold = _timed(big_matcher.match, questions, args.repeat)
            b50, b99, _ = _timed(Baseline(big).match, questions, 1)
            print(f"{'synthetic':10} {len(big.entries):8} {p50:9.3f} {p99:9.3f} {cold:9.3f} {b50:9.3f} "
                  f"{b99:9.3f} {seconds:13.2f} {memory:10.1f}")


if __name__ == "__main__":
    main()
