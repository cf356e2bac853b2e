"""Two baselines the matcher is compared with, over the same phrasings of the same FAQ.

- `WRatioBaseline`: `process.extractOne(q, every phrasing, scorer=fuzz.WRatio,
  processor=utils.default_process)`, the usual "just use rapidfuzz"; it answers at WRatio >= 85.
- `Bm25Baseline`: BM25 (the `bm25s` package, Lucene variant) over every phrasing, each folded to
  lower case without diacritics (so an unaccented question can meet an accented phrasing); an
  entry's score is its best phrasing's. It answers when the best score reaches a cutoff that is
  fitted on the tuning half of the real questions (the lowest cutoff whose confidently wrong
  share there stays <= 3 %), so the baseline gets the same calibration chance as the matcher.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import bm25s
import numpy as np
from rapidfuzz import fuzz, process, utils

from bot.faq.model import Faq
from bot.faq.normalize import fold

WRATIO_CUTOFF = 85.0
_WORD = re.compile(r"\w+")

# (first entry shown, confident answer or None, every entry shown: the answer or the "did you mean" list)
Prediction = tuple[str | None, str | None, tuple[str, ...]]


def _phrasings(faq: Faq) -> tuple[list[str], list[str]]:
    texts, owners = [], []
    for entry in faq.entries.values():
        for text in entry.texts():
            texts.append(text)
            owners.append(entry.id)
    return texts, owners


class WRatioBaseline:
    """rapidfuzz extractOne with WRatio over every phrasing."""

    def __init__(self, faq: Faq) -> None:
        self.texts, self.owners = _phrasings(faq)

    def match(self, question: str) -> tuple[str | None, float]:
        best = process.extractOne(question, self.texts, scorer=fuzz.WRatio, processor=utils.default_process)
        if best is None:
            return None, 0.0
        return self.owners[best[2]], float(best[1])

    def predict(self, question: str) -> Prediction:
        owner, score = self.match(question)
        return owner, (owner if score >= WRATIO_CUTOFF else None), (owner,) if owner else ()


def _words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


class Bm25Baseline:
    """bm25s over every folded phrasing; the best phrasing's score is the entry's score."""

    def __init__(self, faq: Faq, cutoff: float = float("inf")) -> None:
        self.texts, self.owners = _phrasings(faq)
        self.retriever = bm25s.BM25()
        corpus = [_words(text) for text in self.texts]
        self.retriever.index(corpus, show_progress=False)
        self.cutoff = cutoff

    def match(self, question: str) -> tuple[str | None, float]:
        words = [w for w in _words(question) if w in self.retriever.vocab_dict]
        if not words:
            return None, 0.0
        scores = self.retriever.get_scores(words)
        best = int(np.argmax(scores))
        return (self.owners[best], float(scores[best])) if scores[best] > 0 else (None, 0.0)

    def predict(self, question: str) -> Prediction:
        owner, score = self.match(question)
        return owner, (owner if owner is not None and score >= self.cutoff else None), (owner,) if owner else ()

    def fit_cutoff(self, cases: Sequence[dict[str, object]], max_wrong: float = 3.0) -> float:
        """The lowest cutoff whose confidently wrong share on `cases` stays <= max_wrong %."""
        inside = [c for c in cases if c.get("expect")]
        scored = [(self.match(str(c["q"])), c["expect"]) for c in inside]
        for cutoff in sorted({score for (_, score), _ in scored}):
            wrong = sum(1 for (owner, score), expect in scored if score >= cutoff and owner != expect)
            if 100 * wrong / max(1, len(inside)) <= max_wrong:
                self.cutoff = cutoff
                return cutoff
        return self.cutoff


def accuracy(cases: Sequence[dict[str, object]], predict: Callable[[str], Prediction]) -> dict[str, float]:
    """first / shown / direct / wrong over questions with an expected entry; rejected over the others."""
    inside = [c for c in cases if c.get("expect")]
    outside = [c for c in cases if not c.get("expect")]
    guesses = [(c, *predict(str(c["q"]))) for c in cases]
    first = sum(1 for c, shown, _, _ in guesses if c.get("expect") and shown == c["expect"])
    seen = sum(1 for c, _, _, every in guesses if c.get("expect") and c["expect"] in every)
    direct = sum(1 for c, _, answer, _ in guesses if c.get("expect") and answer == c["expect"])
    wrong = sum(1 for c, _, answer, _ in guesses if c.get("expect") and answer not in (None, c["expect"]))
    rejected = sum(1 for c, _, answer, _ in guesses if not c.get("expect") and answer is None)
    return {
        "first": 100 * first / max(1, len(inside)),
        "shown": 100 * seen / max(1, len(inside)),
        "direct": 100 * direct / max(1, len(inside)),
        "wrong": 100 * wrong / max(1, len(inside)),
        "rejected": 100 * rejected / max(1, len(outside)),
        "n": float(len(cases)),
    }
