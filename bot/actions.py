"""Every inline button's callback data, declared once: one small codec per feature that builds
the data and parses it back. Free of Telegram.

Any client can send up to 64 arbitrary bytes as callback data, so `parse` is the one place
where forged or malformed data is rejected: it returns None (the press is answered "expired"),
and a number is only ever ASCII digits of a sane length (int("²") and 10**20 would raise).

    feature  prefixes  data                                  handled by
    menu     m: l:     m:<item>, l:<vi|en>                   Conversation (dialogue/menu.py)
    faq      e: f: c:  e:<entry>, f:<entry>:<1|0>,           Conversation (dialogue/faq.py)
             n:        c:<category>:<page>, n: (none of these)
    lookup   k: w: u:  k:cancel, w: (follow), u:[<code>]     Conversation -> CaseLookup
    board    s: t:     s:, s:*, s:., s:<+|->:<topic>, t:<page>  Conversation -> Board
    desk     a:        a:<verb>:<id>[:<topic>]               Desk (officials only)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Literal

_NUMBER = re.compile(r"[0-9]{1,9}")


def _number(text: str) -> int | None:
    return int(text) if _NUMBER.fullmatch(text) else None


@dataclass(frozen=True)
class MenuAction:
    """A main-menu button (m:<item>) or a language button (l:<vi|en>)."""

    PREFIXES: ClassVar[tuple[str, ...]] = ("m", "l")
    ITEMS: ClassVar[frozenset[str]] = frozenset({"ask", "browse", "case", "news", "contact", "lang", "home"})
    item: str  # one of ITEMS, or "vi"/"en" for a language button

    @staticmethod
    def menu(item: str) -> str:
        return f"m:{item}"

    @staticmethod
    def language(language: str) -> str:
        return f"l:{language}"

    @classmethod
    def parse(cls, prefix: str, rest: str) -> MenuAction | None:
        if prefix == "m" and rest in cls.ITEMS:
            return cls(rest)
        if prefix == "l" and rest in {"vi", "en"}:
            return cls(rest)
        return None


@dataclass(frozen=True)
class FaqAction:
    """Show an answer, vote on it, page through a topic, or "none of these"."""

    PREFIXES: ClassVar[tuple[str, ...]] = ("e", "f", "c", "n")
    verb: Literal["show", "vote", "topic", "none"]
    key: str = ""  # the entry id (show, vote) or the category id (topic)
    number: int = 0  # 1/0 for a vote, the page of a topic

    @staticmethod
    def show(entry_id: str) -> str:
        return f"e:{entry_id}"

    @staticmethod
    def vote(entry_id: str, helpful: bool) -> str:
        return f"f:{entry_id}:{1 if helpful else 0}"

    @staticmethod
    def topic(category_id: str, page: int) -> str:
        return f"c:{category_id}:{page}"

    NONE: ClassVar[str] = "n:"

    @classmethod
    def parse(cls, prefix: str, rest: str) -> FaqAction | None:
        if prefix == "e" and rest:
            return cls("show", rest)
        if prefix == "f":
            entry_id, _, vote = rest.rpartition(":")
            return cls("vote", entry_id, int(vote)) if entry_id and vote in {"0", "1"} else None
        if prefix == "c":
            category_id, _, page = rest.rpartition(":")
            number = _number(page)  # a forged page reads as the first
            return cls("topic", category_id, number or 1) if category_id else None
        if prefix == "n":
            return cls("none")
        return None


@dataclass(frozen=True)
class LookupAction:
    """Stop a pending lookup, follow the case just shown, or stop following (one case or all)."""

    PREFIXES: ClassVar[tuple[str, ...]] = ("k", "w", "u")
    verb: Literal["cancel", "follow", "unfollow"]
    code: str | None = None  # the case to stop following; None: every case

    CANCEL: ClassVar[str] = "k:cancel"
    FOLLOW: ClassVar[str] = "w:"

    @staticmethod
    def unfollow(code: str) -> str:
        return f"u:{code}"

    @classmethod
    def parse(cls, prefix: str, rest: str) -> LookupAction | None:
        verbs: dict[str, Literal["cancel", "follow", "unfollow"]] = {"k": "cancel", "w": "follow", "u": "unfollow"}
        if prefix not in verbs:
            return None
        return cls(verbs[prefix], (rest or None) if prefix == "u" else None)


@dataclass(frozen=True)
class BoardAction:
    """A subscription switch (s:...) or a page of the announcement archive (t:<page>)."""

    PREFIXES: ClassVar[tuple[str, ...]] = ("s", "t")
    verb: Literal["choices", "all", "done", "on", "off", "archive"]
    topic: str = ""
    page: int = 1

    CHOICES: ClassVar[str] = "s:"
    ALL: ClassVar[str] = "s:*"
    DONE: ClassVar[str] = "s:."

    @staticmethod
    def switch(topic: str, on: bool) -> str:
        return f"s:{'+' if on else '-'}:{topic}"

    @staticmethod
    def archive(page: int) -> str:
        return f"t:{page}"

    @classmethod
    def parse(cls, prefix: str, rest: str) -> BoardAction | None:
        if prefix == "t":
            return cls("archive", page=_number(rest) or 1)  # a forged page reads as the first
        fixed: dict[str, Literal["choices", "all", "done"]] = {"": "choices", "*": "all", ".": "done"}
        if prefix != "s":
            return None
        if rest in fixed:
            return cls(fixed[rest])
        sign, _, topic = rest.partition(":")
        if sign in {"+", "-"} and topic:
            return cls("on" if sign == "+" else "off", topic)
        return None


@dataclass(frozen=True)
class DeskAction:
    """An official's button. A malformed one is still a DeskAction (with no id), so that the desk
    checks who pressed it first and records a refusal."""

    PREFIXES: ClassVar[tuple[str, ...]] = ("a",)
    VERBS: ClassVar[frozenset[str]] = frozenset("tshxync")  # topic, send, schedule, discard, yes, no, cancel
    verb: str  # as pressed: only compared with VERBS, recorded escaped when refused
    announcement: int | None  # None: missing, forged or too large
    topic: str = ""

    @staticmethod
    def build(verb: str, announcement: int, topic: str = "") -> str:
        return f"a:{verb}:{announcement}" + (f":{topic}" if topic else "")

    @classmethod
    def parse(cls, prefix: str, rest: str) -> DeskAction | None:
        if prefix != "a":
            return None
        verb, _, tail = rest.partition(":")
        number, _, topic = tail.partition(":")
        if verb not in cls.VERBS or (verb == "t") != bool(topic):  # only a:t:<id>:<topic> has a topic
            return cls(verb, None)
        return cls(verb, _number(number), topic)


Action = MenuAction | FaqAction | LookupAction | BoardAction | DeskAction
CODECS: dict[str, type[MenuAction] | type[FaqAction] | type[LookupAction] | type[BoardAction] | type[DeskAction]] = {
    "menu": MenuAction,
    "faq": FaqAction,
    "lookup": LookupAction,
    "board": BoardAction,
    "desk": DeskAction,
}
_BY_PREFIX = {prefix: codec for codec in CODECS.values() for prefix in codec.PREFIXES}


def parse(data: str) -> Action | None:
    """The action behind a button's data; None when it is forged, malformed or unknown."""
    prefix, colon, rest = data.partition(":")
    codec = _BY_PREFIX.get(prefix)
    return codec.parse(prefix, rest) if codec is not None and colon else None


def pattern(feature: str) -> str:
    """The regular expression of a feature's callback data (Telegram routes presses with it)."""
    return "^(" + "|".join(CODECS[feature].PREFIXES) + "):"
