"""Match a citizen's question to FAQ entries: a confident answer, "did you mean", or nothing.

1. Normalise and repair typos (index.py, normalize.py).
2. Rank entries by BM25 over all their phrasings. A long message is also scored on its question
   sentence (the last one with "?" or a question word), which is added to the ranking, so a story
   told before the question does not drown it. The five leaders are re-ranked: one whose
   signature (words most of its phrasings share) is missing from the question steps back.
3. Score the confidence of each leading candidate, 0-100: half lexical evidence,
   `100 · explained^0.6 · covered^0.4`, where `explained` is the share of the question's weight
   the entry accounts for (words the FAQ never uses count against it: "thi hành án tử hình" is
   not "thi hành án") and `covered` the share of the entry's closest phrasing present in the
   question; half rapidfuzz's token-set ratio to the entry's closest phrasing.
4. Decide with the thresholds: confident when the score is high and the runner-up clearly
   behind; "did you mean" when middling or close; no match below.

A Matcher is immutable; a reload builds a new one and swaps the reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from typing import Literal, NamedTuple

import numpy as np

from bot.faq.index import FaqIndex, features
from bot.faq.model import Faq
from bot.faq.normalize import fold
from bot.settings import MatchingSettings

Outcome = Literal["answer", "suggest", "none"]

_SENTENCE = re.compile(r"[^.!?;\n…]+[.!?;\n…]*")  # a sentence with its closing punctuation
_QUESTION_WORD = re.compile(
    r"\b(khong|ko|k|hok|sao|gi|j|nao|dau|bao nhieu|bao lau|may|chua|co phai|duoc khong|hay"
    r"|what|how|can|where|when|who|why|is|do)\b"
)
_LONG = 20  # tokens from which the question sentence is scored on its own
_EXPLAINED_WEIGHT = 0.6  # exponent of "explained" in the lexical evidence; "covered" gets the rest
_FUZZY_WEIGHT = 0.5  # share of rapidfuzz's closeness to the nearest phrasing in the confidence
_LEADERS = 5  # entries re-ranked by their signature
_MISSING_PENALTY = 0.2  # how far an entry whose whole signature is missing steps back
_CLOSE = 0.6  # a runner-up within this share of the leader's rank score is worth suggesting


@dataclass(frozen=True)
class Thresholds:
    """Limits: scores 0-100; margin is the leader's lead in rank score over the runner-up, in %;
    score_margin, its lead in score over every other leader, in points (either lead suffices)."""

    confident_score: float
    margin: float
    suggest_score: float
    max_suggestions: int
    score_margin: float

    @classmethod
    def from_settings(cls, matching: MatchingSettings | None = None) -> Thresholds:
        """The thresholds configured in config.yaml's `matching` section (None: its defaults); each
        field takes the setting of the same name."""
        names = {field.name for field in fields(cls)}
        return cls(**(matching or MatchingSettings()).model_dump(include=names))


@dataclass(frozen=True)
class Candidate:
    """An entry and how well it matched (0-100)."""

    entry_id: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    """The outcome for one question; `candidates` are best first."""

    outcome: Outcome
    candidates: tuple[Candidate, ...]

    @property
    def entry_id(self) -> str | None:
        """The matched entry when the answer is confident, else None."""
        return self.candidates[0].entry_id if self.outcome == "answer" else None

    @property
    def score(self) -> float:
        """The best candidate's score, 0 when nothing matched at all."""
        return self.candidates[0].score if self.candidates else 0.0


class _View(NamedTuple):
    """One reading of the message (whole, or its question sentence)."""

    rank: np.ndarray  # BM25 / best BM25, per entry
    found: set[str]  # the query features
    bm25: np.ndarray
    total: float  # the query's total feature weight
    text: str  # the normalised query


def _question_sentence(text: str) -> str | None:
    sentences: list[str] = [s for s in _SENTENCE.findall(text) if s.strip(" .!?;\n…")]
    if len(sentences) < 2:
        return None
    asking = [s for s in sentences if "?" in s or _QUESTION_WORD.search(fold(s))]
    return (asking or sentences)[-1]


class Matcher:
    """Answers questions against one immutable FAQ index."""

    def __init__(self, faq: Faq, thresholds: Thresholds | None = None) -> None:
        self.thresholds = thresholds or Thresholds.from_settings()
        self.index = FaqIndex(faq)
        self.entry_ids = self.index.entry_ids

    def _view(self, tokens: list[str]) -> _View:
        found = features(tokens)
        bm25 = self.index.entry_scores(found)
        best = float(bm25.max()) if bm25.size else 0.0
        total = sum(map(self.index.weight, found)) or 1.0
        return _View((bm25 / best if best > 0 else bm25), found, bm25, total, " ".join(tokens))

    def _confidence(self, entries: list[int], views: list[_View]) -> dict[int, float]:
        closeness = [self.index.closeness(entries, view.text) for view in views]
        scores = {}
        for entry in entries:
            explained = max(min(1.0, float(view.bm25[entry]) / view.total) for view in views)
            covered = max(self.index.cover(entry, view.found) for view in views)
            close = max(by_entry[entry] for by_entry in closeness)
            lexical = 100 * explained**_EXPLAINED_WEIGHT * covered ** (1 - _EXPLAINED_WEIGHT)
            scores[entry] = float((1 - _FUZZY_WEIGHT) * lexical + _FUZZY_WEIGHT * close)
        return scores

    def _ranked(self, text: str) -> tuple[list[tuple[Candidate, float]], bool]:
        """Leaders with their confidence and rank score, and whether the message is exactly
        one of the first leader's phrasings."""
        tokens = self.index.tokens(text)
        if not tokens:
            return [], False
        views = [self._view(tokens)]
        sentence = _question_sentence(text) if len(tokens) > _LONG else None
        if sentence is not None and (part := self.index.tokens(sentence)):
            views.append(self._view(part))
        rank = views[0].rank if len(views) == 1 else views[0].rank + views[1].rank
        leaders = np.argpartition(-rank, _LEADERS)[:_LEADERS] if rank.size > _LEADERS else np.arange(rank.size)
        found = set().union(*(view.found for view in views))
        # Among the leaders, an entry whose defining words are missing from the question steps back:
        # "đình chỉ thi hành án" is about đình chỉ, not tạm đình chỉ.
        adjusted = {e: float(rank[e]) * (1 - _MISSING_PENALTY * self.index.missing(e, found))
                    for e in leaders.tolist() if rank[e] > 0}
        order = sorted(adjusted, key=lambda e: (-adjusted[e], e))[: self.thresholds.max_suggestions]
        confidence = self._confidence(order, views)
        ranked = [(Candidate(self.entry_ids[e], round(confidence[e], 1)), adjusted[e]) for e in order]
        return ranked, bool(order) and self.index.is_phrasing(order[0], tokens)

    def rank(self, text: str) -> list[Candidate]:
        """The leading entries (up to max_suggestions), in rank order, each with its confidence score."""
        return [candidate for candidate, _ in self._ranked(text)[0]]

    def match(self, text: str) -> MatchResult:
        """Decide between a confident answer, "did you mean" candidates, or no match."""
        limits = self.thresholds
        ranked, exact = self._ranked(text)
        if not ranked or ranked[0][0].score < limits.suggest_score:
            return MatchResult("none", ())
        (leader, lead_rank), rest = ranked[0], ranked[1:]
        second_rank = rest[0][1] if rest else 0.0
        lead = 100 * (lead_rank - second_rank) / lead_rank
        others = [c for c, r in rest if r >= _CLOSE * lead_rank and c.score >= limits.suggest_score]
        others = others[: limits.max_suggestions - 1]
        ahead = leader.score - max((c.score for c, _ in rest), default=0.0)
        clear = lead >= limits.margin or ahead >= limits.score_margin
        # A message that is word for word one of the entry's phrasings is answered directly.
        if exact or (leader.score >= limits.confident_score and clear):
            return MatchResult("answer", (leader, *others))
        return MatchResult("suggest", (leader, *others))
