"""How likely each leading entry is the one the citizen asks about: two small fitted models.

The matcher measures, for each of its leading entries, a few features (FEATURES, 0-1 or near).
1. Ranking: a conditional logit. Entry i gets `rank · features_i`, "none of these" gets
   `none · (1, long, unknown)` (long: the message told a story and its asking part was read on its
   own; unknown: the share of the asking part the FAQ never uses), and each leader's chance is
   the softmax over the leaders plus "none of these". Leaders are shown by chance.
2. Confidence: a logistic model of "the first leader is right" over its chance, its lead over the
   runner-up, its own features and the message's (CONFIDENCE). The leader's score is that
   probability in %, the others' is scaled by their chance relative to the leader's; so the
   configuration's thresholds are plain probabilities in %.

The weights live in decision.yaml, written by `python -m benchmarks.fit_decision --write`, which
fits them on the written question set and the tuning half of the real questions (never the
held-out half), each asked both to the shipped FAQ and to the FAQ cut down to 3 alternatives.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import yaml

FEATURES = (
    "rank",
    "question_rank",
    "explained",
    "covered",
    "close",
    "missing",
    "lexical",
    "log_explained",
    "answer_rank",
)
NONE = ("bias", "long", "unknown")
CONFIDENCE = (
    "bias",
    "chance",
    "lead",
    "explained",
    "covered",
    "close",
    "missing",
    "lexical",
    "log_explained",
    "unknown",
    "long",
)
WEIGHTS_FILE = Path(__file__).with_name("decision.yaml")


def confidence_row(rows: np.ndarray, chances: np.ndarray, long: bool, unknown: float) -> np.ndarray:
    """The CONFIDENCE features of the first leader by chance."""
    order = np.argsort(-chances, kind="stable")
    first = int(order[0])
    runner_up = float(chances[order[1]]) if len(order) > 1 else 0.0
    chance = float(chances[first])
    return np.array([1.0, chance, chance - runner_up, *rows[first, 2:8], unknown, float(long)])


class Decision:
    """The fitted weights: chances() ranks the leaders, confidence() scores the first."""

    def __init__(self, weights: dict[str, dict[str, float]]) -> None:
        try:
            self.rank = np.array([float(weights["rank"][name]) for name in FEATURES])
            self.none = np.array([float(weights["none"][name]) for name in NONE])
            self.confidence_weights = np.array([float(weights["confidence"][name]) for name in CONFIDENCE])
        except KeyError as missing:  # a feature added without refitting
            message = f"decision weights lack {missing}: run python -m benchmarks.fit_decision --write"
            raise ValueError(message) from None

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> Decision:
        return cls(yaml.safe_load(path.read_text(encoding="utf-8")))

    def chances(self, rows: np.ndarray, long: bool, unknown: float) -> np.ndarray:
        """Per leader (one row of FEATURES each), its chance against the others and "none"."""
        scores = rows @ self.rank
        none = float(self.none @ np.array([1.0, float(long), unknown]))
        top = max(float(scores.max(initial=none)), none)
        exp = np.exp(scores - top)
        return np.asarray(exp / (exp.sum() + math.exp(none - top)))

    def confidence(self, rows: np.ndarray, chances: np.ndarray, long: bool, unknown: float) -> float:
        """Probability that the first leader by chance is the entry asked about."""
        value = float(confidence_row(rows, chances, long, unknown) @ self.confidence_weights)
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, value))))


DECISION = Decision.load()
