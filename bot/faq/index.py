"""The search index over one FAQ: built once, immutable, queried by the matcher.

Features are syllables and syllable pairs (Vietnamese words are mostly two syllables). Each is
weighted by its rarity across entries (IDF): "thi hành án" is everywhere and weighs little,
"xuất cảnh" is in one entry and weighs a lot. Two views of the FAQ are kept:
- per entry, all its phrasings together, scored with BM25 over numpy postings (which entry does
  the question talk about), for every entry at once;
- per phrasing (question or alternative) as feature sets, to know how much of the closest
  phrasing the question covers (is it really about this, or only near it), for the few leaders.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.faq.bulk import paused_gc
from bot.faq.model import Faq
from bot.faq.normalize import Normalizer, syllables, telex_variants
from bot.faq.syllable import is_syllable

_K1, _B = 1.2, 0.75  # BM25 term-frequency saturation and length normalisation
_CACHE_LIMIT = 50_000
_SIGNATURE_SHARE = 0.5  # a feature in at least this share of an entry's phrasings defines it


def features(tokens: list[str]) -> set[str]:
    """Syllables and adjacent syllable pairs."""
    found = set(tokens)
    found.update(map("_".join, itertools.pairwise(tokens)))
    return found


class _Ids(dict[str, int]):
    """Feature -> number, numbering new features as they come (lookups of known ones stay in C)."""

    def __missing__(self, feature: str) -> int:
        number = self[feature] = len(self)
        return number


class FaqIndex:
    """Immutable postings over one FAQ, plus the typo repair that depends on its vocabulary."""

    def __init__(self, faq: Faq) -> None:
        with paused_gc():
            self._build(faq)

    def _build(self, faq: Faq) -> None:
        self.normalizer = Normalizer(faq.synonyms)
        self.entry_ids: list[str] = list(faq.entries)
        self.entry_count = len(self.entry_ids)
        self.doc_features: list[frozenset[str]] = []
        self.doc_texts: list[str] = []  # normalised phrasings, for rapidfuzz
        self.entry_docs: list[range] = []  # each entry's phrasings, contiguous in doc_features
        feature_ids = _Ids()
        signatures: list[frozenset[str]] = []
        # One row per (feature, entry): the feature's number, the entry, how many phrasings use it.
        row_feature: list[int] = []
        row_entry: list[int] = []
        row_count: list[int] = []
        for number, entry in enumerate(faq.entries.values()):
            counts: Counter[str] = Counter()
            first = len(self.doc_features)
            for text in entry.texts():
                tokens = self.normalizer.tokens(text)
                if tokens:
                    found = features(tokens)
                    self.doc_features.append(frozenset(found))
                    self.doc_texts.append(" ".join(tokens))
                    counts.update(found)
            self.entry_docs.append(range(first, len(self.doc_features)))
            phrasings = len(self.doc_features) - first
            signatures.append(frozenset(f for f, n in counts.items() if n >= _SIGNATURE_SHARE * phrasings))
            row_feature.extend(map(feature_ids.__getitem__, counts))
            row_count.extend(counts.values())
            row_entry.extend([number] * len(counts))
        names = list(feature_ids)
        table = np.array([row_feature, row_entry, row_count], dtype=np.int64).T
        idf = self._idf(table, len(names))
        self.idf: dict[str, float] = dict(zip(names, idf.tolist(), strict=True))
        self.answer_bm25 = self._answers(faq)
        # A word the FAQ never uses weighs like the rarest FAQ word: evidence of another topic.
        self.unknown_weight = math.log1p(max(self.entry_count, 1))
        self.bm25 = self._bm25(table, idf, names)
        self._doc_norm: list[float | None] = [None] * len(self.doc_features)
        # An entry's signature: the features most of its phrasings share ("tạm" for tạm đình chỉ).
        self.signatures = [(found, sum(map(self.idf.__getitem__, found)) or 1.0) for found in signatures]
        vocabulary = {feature for feature in names if "_" not in feature}
        vocabulary |= {token for phrase in self.normalizer.known_phrases() for token in phrase}
        self.vocabulary = frozenset(vocabulary)
        self._by_length: dict[int, list[str]] = {}
        for token in sorted(self.vocabulary, key=lambda t: (-self.idf.get(t, 0), t)):
            self._by_length.setdefault(len(token), []).append(token)
        self._corrections: dict[str, str] = {}

    def _idf(self, table: np.ndarray, size: int) -> np.ndarray:
        return np.log1p(max(self.entry_count, 1) / np.maximum(np.bincount(table[:, 0], minlength=size), 1))

    def _answers(self, faq: Faq) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """BM25 postings over the entries' answers (Vietnamese and English): a real question often
        asks about a detail that only the answer mentions."""
        ids = _Ids()
        rows: list[tuple[int, int, int]] = []
        for number, entry in enumerate(faq.entries.values()):
            text = entry.answer + (" " + entry.en.answer if entry.en else "")
            counts = Counter(features(self.normalizer.tokens(text)))
            rows.extend((ids[feature], number, count) for feature, count in counts.items())
        table = np.array(rows, dtype=np.int64).reshape(-1, 3)
        return self._bm25(table, self._idf(table, len(ids)), list(ids))

    def _bm25(self, table: np.ndarray, idf: np.ndarray, names: list[str]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Per feature: the entries using it and their BM25 contribution (vectorised build)."""
        feature, entry, count = table[:, 0], table[:, 1], table[:, 2].astype(float)
        lengths = np.bincount(entry, weights=count, minlength=self.entry_count)
        average = float(lengths.mean()) if lengths.size and lengths.mean() > 0 else 1.0
        scale = _K1 * (1 - _B + _B * lengths / average)
        parts = idf[feature] * count * (_K1 + 1) / (count + scale[entry])
        order = np.argsort(feature, kind="stable")
        feature, entry, parts = feature[order], entry[order].astype(np.int32), parts[order]
        starts = np.flatnonzero(np.r_[True, feature[1:] != feature[:-1]]).tolist()
        ends = [*starts[1:], len(feature)]
        return {names[feature[a]]: (entry[a:b], parts[a:b]) for a, b in zip(starts, ends, strict=True)}

    def weight(self, feature: str) -> float:
        """IDF of a feature, or the unknown-word weight."""
        return self.idf.get(feature, self.unknown_weight)

    def entry_scores(self, found: set[str]) -> np.ndarray:
        """BM25 of every entry (all its phrasings) for these query features."""
        return self._scores(self.bm25, found)

    def answer_scores(self, found: set[str]) -> np.ndarray:
        """BM25 of every entry's answer for these query features."""
        return self._scores(self.answer_bm25, found)

    def _scores(self, postings: dict[str, tuple[np.ndarray, np.ndarray]], found: set[str]) -> np.ndarray:
        known = [f for f in found if f in postings]
        if not known:
            return np.zeros(self.entry_count)
        owners = np.concatenate([postings[f][0] for f in known])
        parts = np.concatenate([postings[f][1] for f in known])
        return np.bincount(owners, weights=parts, minlength=self.entry_count)

    def cover(self, entry: int, found: set[str]) -> float:
        """The largest share (by weight) of one of the entry's phrasings that the query contains."""
        best = 0.0
        for doc in self.entry_docs[entry]:
            shared = self.doc_features[doc] & found
            if shared:
                norm = self._doc_norm[doc]
                if norm is None:  # computed on first use: most phrasings are never a leader
                    norm = self._doc_norm[doc] = sum(map(self.idf.__getitem__, self.doc_features[doc]))
                best = max(best, sum(map(self.idf.__getitem__, shared)) / norm)
        return best

    def is_phrasing(self, entry: int, tokens: list[str]) -> bool:
        """True when the tokens are exactly one of the entry's phrasings (after normalisation)."""
        text = " ".join(tokens)
        return any(self.doc_texts[doc] == text for doc in self.entry_docs[entry])

    def missing(self, entry: int, found: set[str]) -> float:
        """Share (by weight) of the entry's signature that the query lacks."""
        signature, total = self.signatures[entry]
        return sum(map(self.idf.__getitem__, signature - found)) / total

    def closeness(self, entries: list[int], query: str) -> dict[int, float]:
        """Per entry, rapidfuzz's token-set ratio (0-100) of the normalised query to its closest
        phrasing: one cdist call for all the entries, so the query is prepared once."""
        docs = [doc for entry in entries for doc in self.entry_docs[entry]]
        if not docs:
            return dict.fromkeys(entries, 0.0)
        ratios = process.cdist(
            [query], [self.doc_texts[doc] for doc in docs], scorer=fuzz.token_set_ratio, processor=None
        )[0].tolist()
        best = dict.fromkeys(entries, 0.0)
        position = 0
        for entry in entries:
            count = len(self.entry_docs[entry])
            best[entry] = max(ratios[position : position + count], default=0.0)
            position += count
        return best

    def correct(self, token: str) -> str:
        """Repair a typo: unconverted Telex keys, else the nearest FAQ syllable by edit distance.

        Only tokens that cannot be a Vietnamese syllable are touched: a real syllable the FAQ
        does not use ("treo" in "án treo") is evidence of another topic, not a typo.
        """
        if token in self.vocabulary or token.isdigit() or len(token) < 4 or is_syllable(token):
            return token
        cached = self._corrections.get(token)
        if cached is not None:
            return cached
        fixed = next((variant for variant in telex_variants(token) if variant in self.vocabulary), None)
        if fixed is None:
            size = len(token)
            # Typos rarely hit the first letter; keeping it also stops "telling" becoming "selling".
            pool = [
                t for length in (size - 1, size, size + 1) for t in self._by_length.get(length, ()) if t[0] == token[0]
            ]
            best = process.extractOne(
                token, pool, scorer=OSA.distance, processor=None, score_cutoff=1 if size < 7 else 2
            )
            fixed = best[0] if best else token
        if len(self._corrections) < _CACHE_LIMIT:
            self._corrections[token] = fixed
        return fixed

    def tokens(self, text: str) -> list[str]:
        """Matching tokens of `text`: typo repair, then synonyms and filler removal."""
        return self.normalizer.rewrite([self.correct(token) for token in syllables(text)])
