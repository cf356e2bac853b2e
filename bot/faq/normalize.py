"""Vietnamese-aware text normalisation for matching (never for display).

Everything citizens type is reduced to one comparable form: Unicode NFKC (full-width and
compatibility characters), case-folded, diacritics removed (so NFC/NFD, old and new tone
placement - hoà/hòa - and text typed without accents all meet), đ -> d, split into syllables.
Then staff synonyms and abbreviations are expanded and filler phrases dropped.
"""

from __future__ import annotations

import re
import unicodedata

from bot.faq.model import Synonyms

_TOKEN = re.compile(r"[a-z0-9]+")
# Telex leftovers: a tone key typed after the syllable the keyboard did not convert (tieenf).
_TELEX_TONE = re.compile(r"(?<=[aeiouy])([sfrxj])$|(?<=[aeiouy][a-z])([sfrxj])$|(?<=[aeiouy][a-z]{2})([sfrxj])$")
_TELEX_MARKS = (("dd", "d"), ("aa", "a"), ("aw", "a"), ("ee", "e"), ("oo", "o"), ("ow", "o"), ("uw", "u"), ("w", "u"))


class _FoldTable(dict[int, str]):
    """str.translate table built lazily, one character at a time: compatibility forms unified
    (NFKD: full-width letters, ligatures), case folded, combining marks and zero-width
    characters dropped, đ -> d."""

    def __missing__(self, code: int) -> str:
        if unicodedata.category(chr(code)) == "Cf":  # zero-width and other invisible format characters
            self[code] = ""
            return ""
        char = unicodedata.normalize("NFKD", chr(code)).casefold()
        folded = "".join(c for c in char if not unicodedata.combining(c)).replace("đ", "d").replace("ð", "d")
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Lower-case ASCII form of `text`: no diacritics, đ -> d, compatibility forms unified.

    Works character by character, so NFC and NFD input (and old or new tone placement) fold
    to the same string.
    """
    return text.translate(_FOLD)


def syllables(text: str) -> list[str]:
    """The folded syllables (and numbers) of `text`, punctuation and symbols dropped."""
    return _TOKEN.findall(fold(text))


def telex_variants(token: str) -> list[str]:
    """Plausible plain syllables for a token with unconverted Telex keys (dduwowcj -> duoc)."""
    variants = []
    stripped = _TELEX_TONE.sub("", token)
    for candidate in {token, stripped}:
        plain = candidate
        for key, letter in _TELEX_MARKS:
            plain = plain.replace(key, letter)
        variants += [candidate, plain]
    return [variant for variant in dict.fromkeys(variants) if variant and variant != token]


def _contains(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    size = len(inner)
    return 0 < size < len(outer) and any(outer[i : i + size] == inner for i in range(len(outer) - size + 1))


class Normalizer:
    """Turns text into matching tokens using one set of synonyms; immutable once built."""

    def __init__(self, synonyms: Synonyms) -> None:
        self._replace: dict[tuple[str, ...], tuple[str, ...]] = {}
        for phrase, canonical in synonyms.replace.items():
            key = tuple(syllables(phrase))
            if key:
                self._replace[key] = tuple(syllables(canonical))
        for phrase in synonyms.filler:
            key = tuple(syllables(phrase))
            if key:
                self._replace[key] = ()
        # A term becomes one token, so "người phải thi hành án" shares nothing with "người được...".
        for phrase in synonyms.terms:
            key = tuple(syllables(phrase))
            if len(key) > 1:
                compound = ("_".join(key),)
                self._replace = {k: (compound if v == key else v) for k, v in self._replace.items()}
                self._replace[key] = compound
        # A canonical form that contains a shorter rewritten phrase maps to itself, so "khấu trừ"
        # is not expanded again by the rule for "trừ".
        for target in set(self._replace.values()):
            if any(_contains(target, key) for key in self._replace if key != target):
                self._replace.setdefault(target, target)
        # For each first syllable, the lengths of the phrases starting with it, longest first.
        lengths: dict[str, set[int]] = {}
        for key in self._replace:
            lengths.setdefault(key[0], set()).add(len(key))
        self._starts = {token: sorted(sizes, reverse=True) for token, sizes in lengths.items()}

    def known_phrases(self) -> list[tuple[str, ...]]:
        """Every phrase this normaliser rewrites or drops, as folded syllables."""
        return list(self._replace)

    def rewrite(self, tokens: list[str]) -> list[str]:
        """Expand synonyms and drop filler, longest phrase first, left to right."""
        if self._starts.keys().isdisjoint(tokens):
            return tokens
        result: list[str] = []
        index, count = 0, len(tokens)
        while index < count:
            for size in self._starts.get(tokens[index], ()):
                replacement = self._replace.get(tuple(tokens[index : index + size]))
                if replacement is not None:
                    result.extend(replacement)
                    index += size
                    break
            else:
                result.append(tokens[index])
                index += 1
        return result

    def tokens(self, text: str) -> list[str]:
        """Matching tokens of `text`."""
        return self.rewrite(syllables(text))
