"""Match a citizen's question to FAQ entries: a confident answer, "did you mean", or nothing.

1. Normalise and repair typos (index.py, normalize.py).
2. Rank entries by BM25 over all their phrasings, twice: on the whole message and on its asking
   part (story.py: a story told before the question must not drown it; a message of up to _LONG
   tokens is read whole only). The answers' BM25 helps a little: real questions ask about
   details only the answer mentions. The _LEADERS entries best on both readings lead.
3. Measure each leader (decision.FEATURES, 0-1 or near): its BM25 on each reading relative to the
   best entry's, and on the answers; `explained`, the share of the question's weight the entry
   accounts for (words the FAQ never uses count against it: "thi hành án tử hình" is not "thi
   hành án"); `covered`, the share of the entry's closest phrasing present in the question;
   `close`, rapidfuzz's token-set ratio of the asking part to that phrasing; `missing`, the
   share of the entry's signature (words most of its phrasings share: "tạm" for tạm đình chỉ)
   absent from the question.
4. Two fitted models (decision.py) turn the features into each leader's chance against the
   others and "none of these" (the display order), and the probability that the first is right:
   its score in %.
5. Decide with the thresholds: answer at confident_score (for a short message, also at
   evidence_score of lexical evidence and closeness), "did you mean" from suggest_score, no match
   below. A message that is word for word one of an entry's phrasings is always answered.

A Matcher is immutable; a reload builds a new one and swaps the reference.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal, NamedTuple

import numpy as np

from bot.faq.decision import DECISION, FEATURES, Decision
from bot.faq.index import FaqIndex, features
from bot.faq.model import Faq
from bot.faq.story import question_part
from bot.settings import MatchingSettings

Outcome = Literal["answer", "suggest", "none"]

_LONG = 20  # tokens from which the asking part is read on its own
_LEADERS = 5  # entries measured and weighed by the decision model
_ANSWER_POOL = 0.5  # weight of the answers' BM25 when choosing the leaders (each reading weighs 1)
_EXPLAINED_WEIGHT = 0.6  # exponent of "explained" in the lexical evidence; "covered" gets the rest
_FUZZY_WEIGHT = 0.5  # share of rapidfuzz's closeness in the evidence; the lexical evidence gets the rest
_CLOSE, _LEXICAL = FEATURES.index("close"), FEATURES.index("lexical")


@dataclass(frozen=True)
class Thresholds:
    """Chances in % (0-100) that the leading entry is the one asked about: answered directly
    from confident_score, suggested ("did you mean") from suggest_score; up to max_suggestions
    entries are shown. evidence_score (0-100): a direct answer also needs the question's own words
    to match the entry that well (`evidence`, half lexical, half closeness to its nearest phrasing),
    and "did you mean" suggest_evidence; both apply to short messages only."""

    confident_score: float
    suggest_score: float
    max_suggestions: int
    evidence_score: float
    suggest_evidence: float

    @classmethod
    def from_settings(cls, matching: MatchingSettings | None = None) -> Thresholds:
        """The thresholds configured in config.yaml's `matching` section (None: its defaults); each
        field takes the setting of the same name."""
        names = {field.name for field in fields(cls)}
        return cls(**(matching or MatchingSettings()).model_dump(include=names))


@dataclass(frozen=True)
class Candidate:
    """An entry and its chance, in %, of being the one asked about."""

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
    """One reading of the message (whole, or its asking part)."""

    rank: np.ndarray  # BM25 / best BM25, per entry
    found: set[str]  # the query features
    bm25: np.ndarray
    total: float  # the query's total feature weight
    text: str  # the normalised query


class Leaders(NamedTuple):
    """The leading entries of one message and what the decision model weighs."""

    entries: list[int]
    rows: np.ndarray  # one row of decision.FEATURES per entry
    long: bool  # the asking part was read on its own
    unknown: float  # share of the asking part's words (by weight) that the FAQ never uses
    exact: bool  # the message is word for word one of the phrasings of entries[0]


class Matcher:
    """Answers questions against one immutable FAQ index."""

    def __init__(self, faq: Faq, thresholds: Thresholds | None = None, decision: Decision = DECISION) -> None:
        self.thresholds = thresholds or Thresholds.from_settings()
        self.index = FaqIndex(faq)
        self.entry_ids = self.index.entry_ids
        self.decision = decision

    def _view(self, tokens: list[str]) -> _View:
        found = features(tokens)
        bm25 = self.index.entry_scores(found)
        best = float(bm25.max()) if bm25.size else 0.0
        total = sum(map(self.index.weight, found)) or 1.0
        return _View((bm25 / best if best > 0 else bm25), found, bm25, total, " ".join(tokens))

    def _rows(self, entries: list[int], views: list[_View], answer: np.ndarray) -> np.ndarray:
        # Closeness is measured on the asking part only: a whole story is far from every phrasing,
        # and comparing it would cost more than the rest of the match.
        closeness = self.index.closeness(entries, views[-1].text)
        found = set().union(*(view.found for view in views))
        rows = []
        for entry in entries:
            explained = max(min(1.0, float(view.bm25[entry]) / view.total) for view in views)
            covered = max(self.index.cover(entry, view.found) for view in views)
            close = closeness[entry] / 100
            lexical = explained**_EXPLAINED_WEIGHT * covered ** (1 - _EXPLAINED_WEIGHT)
            rows.append(
                (
                    float(views[0].rank[entry]),
                    float(views[-1].rank[entry]),
                    explained,
                    covered,
                    close,
                    self.index.missing(entry, found),
                    lexical,
                    float(np.log(explained + 0.05)),
                    float(answer[entry]),
                )
            )
        return np.array(rows, dtype=float).reshape(len(entries), len(FEATURES))

    def leaders(self, text: str) -> Leaders:
        """The leading entries (best-ranked first) and their features."""
        tokens = self.index.tokens(text)
        if not tokens:
            return Leaders([], np.zeros((0, len(FEATURES))), False, 0.0, False)
        views = [self._view(tokens)]
        part = question_part(text) if len(tokens) > _LONG else None
        if part is not None and (part_tokens := self.index.tokens(part)):
            views.append(self._view(part_tokens))
        # The answers are searched with the asking part only: it names the detail asked about.
        answer = self.index.answer_scores(views[-1].found)
        answer = answer / float(answer.max()) if answer.size and answer.max() > 0 else answer
        rank = views[0].rank + views[-1].rank + _ANSWER_POOL * answer
        pool = np.argpartition(-rank, _LEADERS)[:_LEADERS] if rank.size > _LEADERS else np.arange(rank.size)
        entries = sorted((e for e in pool.tolist() if rank[e] > 0), key=lambda e: (-rank[e], e))
        exact = bool(entries) and self.index.is_phrasing(entries[0], tokens)
        return Leaders(entries, self._rows(entries, views, answer), len(views) > 1, self._unknown(views[-1]), exact)

    def _unknown(self, view: _View) -> float:
        unknown = sum(1 for feature in view.found if feature not in self.index.idf) * self.index.unknown_weight
        return unknown / view.total

    def _ranked(self, text: str) -> tuple[list[Candidate], bool, float]:
        """Leaders by chance with their scores in %, and whether the message is exactly one of the
        first's phrasings, and the first's evidence (0-100). The first's score is the probability
        it is right; the others' is scaled by their chance relative to the first's."""
        leaders = self.leaders(text)
        if not leaders.entries:
            return [], False, 0.0
        chances = self.decision.chances(leaders.rows, leaders.long, leaders.unknown)
        order = sorted(range(len(leaders.entries)), key=lambda i: (-chances[i], i))
        if leaders.exact:  # the exact phrasing's entry leads
            order = [0, *(i for i in order if i != 0)]
        sure = 1.0 if leaders.exact else self.decision.confidence(leaders.rows, chances, leaders.long, leaders.unknown)
        top = float(chances[order[0]]) or 1.0
        ranked = [
            Candidate(self.entry_ids[leaders.entries[i]], round(100 * sure * min(1.0, float(chances[i]) / top), 1))
            for i in order
        ]
        lexical, close = leaders.rows[order[0], _LEXICAL], leaders.rows[order[0], _CLOSE]
        # The evidence gate is for messages read whole: a story's own words are mostly not the FAQ's.
        evidence = 100.0 if leaders.long else 100 * ((1 - _FUZZY_WEIGHT) * lexical + _FUZZY_WEIGHT * close)
        return ranked[: self.thresholds.max_suggestions], leaders.exact, float(evidence)

    def rank(self, text: str) -> list[Candidate]:
        """The leading entries (up to max_suggestions), best first, each with its chance in %."""
        return self._ranked(text)[0]

    def match(self, text: str) -> MatchResult:
        """Decide between a confident answer, "did you mean" candidates, or no match."""
        limits = self.thresholds
        ranked, exact, evidence = self._ranked(text)
        if not ranked or ranked[0].score < limits.suggest_score or evidence < limits.suggest_evidence:
            return MatchResult("none", ())
        leader, others = ranked[0], [c for c in ranked[1:] if c.score >= limits.suggest_score]
        # A message that is word for word one of the entry's phrasings is answered directly.
        sure = exact or (leader.score >= limits.confident_score and evidence >= limits.evidence_score)
        outcome: Outcome = "answer" if sure else "suggest"
        return MatchResult(outcome, (leader, *others))
