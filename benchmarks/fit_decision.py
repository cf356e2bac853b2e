"""Fit the matcher's decision model (bot/faq/decision.py) and write bot/faq/decision.yaml.

    python -m benchmarks.fit_decision [--cv] [--write]

Training questions: the written set (tests/data/questions.yaml) and the TUNING halves of the real
questions (tests/data/real_questions.yaml) and of the outsider questions
(tests/data/outsider_questions.yaml, written by someone who never saw the FAQ); the held-out
halves are never read. Each is asked to the shipped FAQ and to the FAQ cut down to each entry's
question and 3 alternatives, so the model also learns what an entry with few phrasings looks
like. A real question weighs REAL_WEIGHT written ones, an outsider's OUTSIDER_WEIGHT: real
phrasing is what the bot meets, but there are few of them.

The model is a conditional logit over the matcher's leaders plus "none of these" (the label for
out-of-scope questions and for questions whose entry is not among the leaders), fitted by gradient
descent with an L2 penalty. --cv reports, for each tuning half, accuracy in 5 folds by source page
(real) or question (outsider), the model fitted without that fold, as benchmarks.matcher counts
it, at the configured thresholds.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import yaml

from benchmarks.baselines import accuracy
from benchmarks.matcher import cut_down, ours
from bot.config import load_settings
from bot.faq.decision import CONFIDENCE, FEATURES, WEIGHTS_FILE, Decision, confidence_row
from bot.faq.decision import NONE as NONE_FEATURES
from bot.faq.loader import load_faq
from bot.faq.matcher import Matcher, Thresholds

ROOT = Path(__file__).resolve().parent.parent
REAL_WEIGHT = 4.0
OUTSIDER_FILE = "outsider_questions.yaml"
OUTSIDER_WEIGHT = 2.0  # written by someone who never saw the FAQ: between the team's (1) and real (4)
L2 = 0.02
WRONG_COST = 1.0  # in the confidence model, a leader that is not the answer weighs this many right ones
STEPS = 3000
FOLDS = 5
NONE = len(NONE_FEATURES)

Case = dict[str, object]
Item = tuple[np.ndarray, bool, float, int, float]  # rows, long, unknown, label, weight


class Data:
    """Padded features of many questions: x (questions, leaders, features), mask, long, label
    (index of the right leader, or the leader count for "none of these"), weight."""

    def __init__(self, items: list[Item]) -> None:
        size = max([len(rows) for rows, *_ in items] + [1])
        self.x = np.zeros((len(items), size, len(FEATURES)))
        self.mask = np.zeros((len(items), size + 1), dtype=bool)
        self.none = np.array([[1.0, float(long), unknown] for _, long, unknown, _, _ in items])
        self.label = np.array([label if label >= 0 else size for *_, label, _ in items])
        self.weight = np.array([weight for *_, weight in items])
        for number, (rows, *_) in enumerate(items):
            self.x[number, : len(rows)] = rows
            self.mask[number, : len(rows)] = True
            self.mask[number, size] = True


def examples(matcher: Matcher, cases: Sequence[Case], weight: float) -> list[Item]:
    """One training item per question: leaders' features, long, index of the right leader (-1: none)."""
    items = []
    for case in cases:
        leaders = matcher.leaders(str(case["q"]))
        ids = [matcher.entry_ids[e] for e in leaders.entries]
        label = ids.index(str(case["expect"])) if case.get("expect") in ids else -1
        items.append((leaders.rows, leaders.long, leaders.unknown, label, weight))
    return items


def fit(data: Data) -> dict[str, dict[str, float]]:
    """Weights minimising the weighted log-loss plus L2, by Adam."""
    params = np.zeros(len(FEATURES) + NONE)
    moment, square = np.zeros_like(params), np.zeros_like(params)
    index = np.arange(len(data.label))
    for step in range(1, STEPS + 1):
        weights, none = params[:-NONE], params[-NONE:]
        scores = np.concatenate([data.x @ weights, (data.none @ none)[:, None]], axis=1)
        scores = np.where(data.mask, scores, -np.inf)
        scores -= scores.max(axis=1, keepdims=True)
        chances = np.exp(scores)
        chances /= chances.sum(axis=1, keepdims=True)
        error = chances.copy()
        error[index, data.label] -= 1
        error *= data.weight[:, None] / data.weight.sum()
        grad = np.concatenate([np.einsum("nk,nkf->f", error[:, :-1], data.x), error[:, -1] @ data.none])
        grad += L2 * params * np.r_[np.ones(len(FEATURES)), np.zeros(NONE)]
        moment = 0.9 * moment + 0.1 * grad
        square = 0.999 * square + 0.001 * grad**2
        params -= 0.05 * (moment / (1 - 0.9**step)) / (np.sqrt(square / (1 - 0.999**step)) + 1e-8)
    return {
        "rank": {name: round(float(value), 4) for name, value in zip(FEATURES, params[:-NONE], strict=True)},
        "none": {name: round(float(value), 4) for name, value in zip(NONE_FEATURES, params[-NONE:], strict=True)},
    }


def fit_confidence(items: list[Item], ranking: dict[str, dict[str, float]]) -> dict[str, float]:
    """Logistic model of "the first leader by chance is right", by Adam with an L2 penalty."""
    zero = {name: 0.0 for name in CONFIDENCE}
    decision = Decision({**ranking, "confidence": zero})
    rows, labels, weights = [], [], []
    for features, long, unknown, label, weight in items:
        if len(features) == 0:
            continue
        chances = decision.chances(features, long, unknown)
        rows.append(confidence_row(features, chances, long, unknown))
        right = label >= 0 and int(np.argmax(chances)) == label
        labels.append(float(right))
        weights.append(weight * (1.0 if right else WRONG_COST))
    x, y, w = np.array(rows), np.array(labels), np.array(weights) / sum(weights)
    params = np.zeros(len(CONFIDENCE))
    moment, square = np.zeros_like(params), np.zeros_like(params)
    for step in range(1, STEPS + 1):
        chance = 1 / (1 + np.exp(-(x @ params)))
        grad = x.T @ ((chance - y) * w) + L2 * params * np.r_[0, np.ones(len(CONFIDENCE) - 1)]
        moment = 0.9 * moment + 0.1 * grad
        square = 0.999 * square + 0.001 * grad**2
        params -= 0.05 * (moment / (1 - 0.9**step)) / (np.sqrt(square / (1 - 0.999**step)) + 1e-8)
    return {name: round(float(value), 4) for name, value in zip(CONFIDENCE, params, strict=True)}


def fit_all(items: list[Item]) -> dict[str, dict[str, float]]:
    """Both models: the ranking, then the confidence on the ranking's output."""
    ranking = fit(Data(items))
    return {**ranking, "confidence": fit_confidence(items, ranking)}


def _fold(case: Case) -> int:
    return hashlib.sha256(str(case.get("source", case["q"])).encode()).digest()[1] % FOLDS


def main() -> None:
    # Feature sets are summed in hash order: fix it, so the same data gives the same weights.
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(
            sys.executable,
            [sys.executable, "-m", "benchmarks.fit_decision", *sys.argv[1:]],
            {**os.environ, "PYTHONHASHSEED": "0"},
        )
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose faq/ and tests/data/ are used")
    parser.add_argument("--cv", action="store_true", help="cross-validate on the tuning half")
    parser.add_argument("--write", action="store_true", help=f"write {WEIGHTS_FILE.name}")
    args = parser.parse_args()
    settings = load_settings(ROOT / "config.yaml", environ={})
    thresholds = Thresholds.from_settings(settings.matching)
    faq, _, _ = load_faq(args.root / "faq")
    written = yaml.safe_load((args.root / "tests/data/questions.yaml").read_text(encoding="utf-8"))
    faqs = (faq, cut_down(faq))  # the shipped FAQ, and each entry cut down to 3 alternatives
    matchers = [Matcher(each, thresholds) for each in faqs]
    base = [item for m in matchers for item in examples(m, written, 1.0)]
    # Per tuning set: its questions and, per question, its items (shipped FAQ and cut-down FAQ).
    tuning: dict[str, tuple[list[Case], dict[int, list[Item]]]] = {}
    sources = (("real", "real_questions.yaml", REAL_WEIGHT), ("outsider", OUTSIDER_FILE, OUTSIDER_WEIGHT))
    for name, file, weight in sources:
        path = args.root / "tests/data" / file
        cases = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
        tune = [case for case in cases or [] if case.get("split") == "tune"]
        tuning[name] = (tune, {id(case): [examples(m, [case], weight)[0] for m in matchers] for case in tune})

    def training(left_out: str = "", fold: int = -1) -> list[Item]:
        """Every tuning item, except the questions of `fold` in the tuning set named `left_out`."""
        items = list(base)
        for name, (tune, by_case) in tuning.items():
            kept = [case for case in tune if name != left_out or _fold(case) != fold]
            items += [item for case in kept for item in by_case[id(case)]]
        return items

    weights = fit_all(training())
    print(yaml.safe_dump(weights, sort_keys=False))
    if args.cv:
        for name, (tune, _) in tuning.items():
            for label, number in (("full", 0), ("3 alternatives", 1)):
                totals = []
                for fold in range(FOLDS):
                    held = [case for case in tune if _fold(case) == fold]
                    if not held:
                        continue
                    decision = Decision(fit_all(training(name, fold)))
                    matcher = Matcher(faqs[number], thresholds, decision)
                    row = accuracy(held, ours(matcher))
                    inside = sum(1 for case in held if case.get("expect"))
                    totals.append((row, inside, len(held) - inside))
                summary = {
                    key: sum(r[key] * (i if key != "rejected" else o) for r, i, o in totals)
                    / max(1, sum(i if key != "rejected" else o for _, i, o in totals))
                    for key in ("first", "direct", "wrong", "rejected", "shown")
                }
                print(f"cv {name:8} {label:15}", "  ".join(f"{key} {value:5.1f}" for key, value in summary.items()))
    if args.write:
        header = (
            "# Weights of the matcher's decision model (bot/faq/decision.py), fitted by\n"
            "# `python -m benchmarks.fit_decision --write`. Do not edit by hand: refit instead.\n"
        )
        WEIGHTS_FILE.write_text(header + yaml.safe_dump(weights, sort_keys=False), encoding="utf-8")


if __name__ == "__main__":
    main()
