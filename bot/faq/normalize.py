"""Vietnamese-aware text normalisation for matching (never for display).

Everything citizens type is reduced to one comparable form: Unicode NFKC (full-width and
compatibility characters), case-folded, diacritics removed (so NFC/NFD, old and new tone
placement - hoà/hòa - and text typed without accents all meet), đ -> d, split into syllables.
Then staff synonyms and abbreviations are expanded and filler phrases dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.faq.model import Synonyms

_TOKEN = re.compile(r"[a-z0-9]+")
# Telex leftovers: a tone key typed after the syllable the keyboard did not convert (tieenf).
_TELEX_TONE = re.compile(r"(?<=[aeiouy])([sfrxj])$|(?<=[aeiouy][a-z])([sfrxj])$|(?<=[aeiouy][a-z]{2})([sfrxj])$")
_TELEX_MARKS = (("dd", "d"), ("aa", "a"), ("aw", "a"), ("ee", "e"), ("oo", "o"), ("ow", "o"), ("uw", "u"), ("w", "u"))


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case ASCII form of `text`: no diacritics, đ -> d, compatibility forms unified."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = unicodedata.normalize("NFD", text)
    text = "".join(char for char in text if unicodedata.category(char) != "Mn")
    return text.replace("đ", "d").replace("ð", "d")


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
        self._longest = max((len(key) for key in self._replace), default=0)

    def known_phrases(self) -> list[tuple[str, ...]]:
        """Every phrase this normaliser rewrites or drops, as folded syllables."""
        return list(self._replace)

    def rewrite(self, tokens: list[str]) -> list[str]:
        """Expand synonyms and drop filler, longest phrase first, left to right."""
        if not self._longest:
            return tokens
        result: list[str] = []
        index = 0
        while index < len(tokens):
            for size in range(min(self._longest, len(tokens) - index), 0, -1):
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
