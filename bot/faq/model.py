"""The FAQ as immutable data."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class English:
    """The optional English version of an entry."""

    question: str
    answer: str
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One question and its answer."""

    id: str
    question: str
    answer: str
    category: str
    alternatives: tuple[str, ...] = ()
    legal_basis: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    reviewed: dt.date | None = None
    en: English | None = None
    tests: tuple[str, ...] = ()

    def texts(self) -> tuple[str, ...]:
        """Every phrasing that should match this entry, Vietnamese then English."""
        english = (self.en.question, *self.en.alternatives) if self.en else ()
        return (self.question, *self.alternatives, *english)


@dataclass(frozen=True)
class Category:
    """A group of entries, one per FAQ file."""

    id: str
    title: str
    title_en: str | None = None
    entry_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Synonyms:
    """Staff-edited vocabulary: phrase -> canonical phrase, filler phrases to ignore, and terms
    (multi-word phrases matched only as a whole, such as "người phải thi hành án")."""

    replace: dict[str, str] = field(default_factory=dict)
    filler: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()

    def merged(self, other: Synonyms) -> Synonyms:
        """These synonyms with `other`'s on top (other wins on the same phrase)."""
        return Synonyms(
            {**self.replace, **other.replace},
            tuple(dict.fromkeys(self.filler + other.filler)),
            tuple(dict.fromkeys(self.terms + other.terms)),
        )


@dataclass(frozen=True)
class Faq:
    """The whole FAQ: entries by id, categories in file order, synonyms."""

    entries: dict[str, Entry]
    categories: tuple[Category, ...]
    synonyms: Synonyms = Synonyms()


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace {name} placeholders with configured values; unknown ones stay visible."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
