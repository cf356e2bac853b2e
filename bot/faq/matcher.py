"""Match a citizen's question to FAQ entries.

How a question is scored:
1. Normalise (see normalize.py); repair typos: unconverted Telex keys, then the closest FAQ
   syllable by rapidfuzz edit distance, but only for tokens that cannot be a Vietnamese syllable.
2. Features are syllables and syllable pairs (Vietnamese words are mostly two syllables), each
   weighted by its rarity across entries (IDF): "thi hành án" is everywhere and weighs little,
   "xuất cảnh" is in one entry and weighs a lot. Words the FAQ never uses weigh as much as the
   rarest FAQ word: they are evidence the question is about something else.
3. Each phrasing (question or alternative) scores the geometric blend of how much of it the
   question covers and how much of the question it explains; rapidfuzz's token ratio on the
   best candidates rewards near-verbatim phrasing.
4. Long messages are also scored sentence by sentence (and in windows) and the best part
   counts, so a story before the question does not drown the question.

The index is immutable; a reload builds a new Matcher and swaps the reference.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.faq.model import Faq
from bot.faq.normalize import Normalizer, syllables, telex_variants
from bot.faq.syllable import is_syllable

Outcome = Literal["answer", "suggest", "none"]

_SENTENCE = re.compile(r"[.!?;:\n…]+")
_COVER_WEIGHT = 0.6  # share of "phrasing covered" in the blend; the rest is "question explained"
_FUZZ_WEIGHT = 0.15  # share of rapidfuzz's token ratio in the final score
_WINDOW, _STRIDE, _LONG = 10, 5, 16  # window size, step, and length from which windows are used
_TOP_DOCS = 40
_ANSWER_CREDIT = 0.5  # a question word found only in an entry's answer explains half as much


@dataclass(frozen=True)
class Thresholds:
    """Score limits (0-100) separating the three outcomes."""

    confident: float = 62
    margin: float = 6
    suggest: float = 42
    max_suggestions: int = 3


@dataclass(frozen=True)
class Candidate:
    """An entry and how well it matched."""

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
        """The best score, 0 when nothing matched at all."""
        return self.candidates[0].score if self.candidates else 0.0


def _features(tokens: list[str]) -> set[str]:
    return {*tokens, *(f"{a}_{b}" for a, b in itertools.pairwise(tokens))}


class Matcher:
    """An immutable search index over one FAQ."""

    def __init__(self, faq: Faq, thresholds: Thresholds | None = None) -> None:
        self.thresholds = thresholds or Thresholds()
        self.normalizer = Normalizer(faq.synonyms)
        self.entry_ids: list[str] = list(faq.entries)
        doc_entry: list[int] = []
        self.doc_texts: list[str] = []
        doc_features: list[set[str]] = []
        # How well each feature is explained by an entry: 1 in a phrasing, _ANSWER_CREDIT in the answer only.
        credit: dict[str, dict[int, float]] = {}
        for index, entry in enumerate(faq.entries.values()):
            answers = [entry.answer] + ([entry.en.answer] if entry.en else [])
            for answer in answers:
                for feature in _features(self.normalizer.tokens(answer)):
                    credit.setdefault(feature, {})[index] = _ANSWER_CREDIT
            for text in entry.texts():
                tokens = self.normalizer.tokens(text)
                if not tokens:
                    continue
                features = _features(tokens)
                doc_entry.append(index)
                self.doc_texts.append(" ".join(tokens))
                doc_features.append(features)
                for feature in features:
                    credit.setdefault(feature, {})[index] = 1.0
        entries = max(len(self.entry_ids), 1)
        self.idf = {feature: math.log(1 + entries / len(owners)) for feature, owners in credit.items()}
        self.unknown_weight = math.log(1 + entries)
        self.doc_entry = np.asarray(doc_entry, dtype=np.int32)
        self.entry_credit = {
            f: (np.fromiter(owners, dtype=np.int32), np.fromiter(owners.values(), dtype=float))
            for f, owners in credit.items()
        }
        postings: dict[str, list[int]] = {}
        self.doc_norm = np.zeros(len(doc_features))
        for doc, features in enumerate(doc_features):
            for feature in features:
                postings.setdefault(feature, []).append(doc)
            self.doc_norm[doc] = sum(self.idf[feature] for feature in features)
        self.postings = {f: np.asarray(docs, dtype=np.int32) for f, docs in postings.items()}
        known = [feature for feature in self.idf if "_" not in feature]
        known += [token for phrase in self.normalizer.known_phrases() for token in phrase]
        self.vocabulary = frozenset(known)
        by_length: dict[int, list[str]] = {}
        for token in sorted(self.vocabulary, key=lambda t: -self.idf.get(t, 0)):
            by_length.setdefault(len(token), []).append(token)
        self._by_length = by_length
        self._corrections: dict[str, str] = {}

    # -- query side -------------------------------------------------------------------------

    def _correct(self, token: str) -> str:
        if token in self.vocabulary or token.isdigit() or len(token) < 4 or is_syllable(token):
            return token
        cached = self._corrections.get(token)
        if cached is not None:
            return cached
        fixed = next((variant for variant in telex_variants(token) if variant in self.vocabulary), None)
        if fixed is None:
            pool = [t for size in (len(token) - 1, len(token), len(token) + 1) for t in self._by_length.get(size, ())]
            allowed = 1 if len(token) < 7 else 2
            best = process.extractOne(token, pool, scorer=OSA.distance, processor=None, score_cutoff=allowed)
            fixed = best[0] if best else token
        if len(self._corrections) < 50_000:
            self._corrections[token] = fixed
        return fixed

    def tokens(self, text: str) -> list[str]:
        """The matching tokens of `text` after typo repair, synonyms and filler removal."""
        return self.normalizer.rewrite([self._correct(token) for token in syllables(text)])

    def _parts(self, text: str) -> list[list[str]]:
        whole = self.tokens(text)
        parts = [whole]
        if len(whole) <= _LONG // 2:
            return parts
        for sentence in _SENTENCE.split(text):
            tokens = self.tokens(sentence)
            if len(tokens) >= 2 and tokens != whole:
                parts.append(tokens)
        for tokens in list(parts):
            if len(tokens) > _LONG:
                last = len(tokens) - _WINDOW
                parts += [tokens[start : start + _WINDOW] for start in range(0, last + _STRIDE, _STRIDE)]
        return parts

    def _score_part(self, tokens: list[str], scores: dict[int, float]) -> None:
        features = _features(tokens)
        weights = {f: self.idf.get(f, self.unknown_weight) for f in features}
        in_docs = [f for f in features if f in self.postings]
        if not in_docs:
            return
        # How much of each phrasing the question covers.
        docs = np.concatenate([self.postings[f] for f in in_docs])
        doc_weights = np.concatenate([np.full(len(self.postings[f]), weights[f]) for f in in_docs])
        overlap = np.bincount(docs, weights=doc_weights, minlength=len(self.doc_norm))
        hit = np.flatnonzero(overlap)
        cover = overlap[hit] / self.doc_norm[hit]
        # How much of the question each entry (phrasings, then answer) explains.
        credited = [f for f in features if f in self.entry_credit]
        owners = np.concatenate([self.entry_credit[f][0] for f in credited])
        amounts = np.concatenate([self.entry_credit[f][1] * weights[f] for f in credited])
        explained = np.bincount(owners, weights=amounts, minlength=len(self.entry_ids)) / sum(weights.values())
        blend = 100 * cover**_COVER_WEIGHT * explained[self.doc_entry[hit]] ** (1 - _COVER_WEIGHT)
        order = np.argsort(-blend)[:_TOP_DOCS]
        best = hit[order]
        query_text = " ".join(tokens)
        ratios = process.cdist([query_text], [self.doc_texts[d] for d in best], scorer=fuzz.token_sort_ratio)[0]
        final = (1 - _FUZZ_WEIGHT) * blend[order] + _FUZZ_WEIGHT * ratios
        for doc, score in zip(best.tolist(), final.tolist(), strict=True):
            entry = int(self.doc_entry[doc])
            if score > scores.get(entry, 0.0):
                scores[entry] = score

    def rank(self, text: str) -> list[Candidate]:
        """Every entry with a positive score, best first."""
        scores: dict[int, float] = {}
        for tokens in self._parts(text):
            self._score_part(tokens, scores)
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        return [Candidate(self.entry_ids[entry], round(score, 1)) for entry, score in ranked]

    def match(self, text: str) -> MatchResult:
        """Decide between a confident answer, "did you mean" candidates, or no match."""
        limits = self.thresholds
        ranked = self.rank(text)
        if not ranked or ranked[0].score < limits.suggest:
            return MatchResult("none", tuple(ranked[:1]))
        top = ranked[0].score
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if top >= limits.confident and top - runner_up >= limits.margin:
            others = [c for c in ranked[1 : limits.max_suggestions] if c.score >= limits.suggest]
            return MatchResult("answer", (ranked[0], *others))
        close = [c for c in ranked[: limits.max_suggestions] if c.score >= limits.suggest]
        return MatchResult("suggest", tuple(close))
