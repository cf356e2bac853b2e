"""How the FAQ is used: questions per day, how many were answered, the most asked entries and
what citizens thought of the answers."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.faq.model import Faq
from bot.state.store import AskedQuestion, StateStore, Vote

TOP_ENTRIES = 10


@dataclass(frozen=True)
class Day:
    """The questions of one day (in the report's time zone), by outcome."""

    date: dt.date
    answered: int
    suggested: int
    unanswered: int

    @property
    def total(self) -> int:
        """Every question of the day."""
        return self.answered + self.suggested + self.unanswered


@dataclass(frozen=True)
class EntryUse:
    """How often an entry answered directly; `question` is None when it is no longer in the FAQ."""

    entry_id: str
    question: str | None
    count: int


@dataclass(frozen=True)
class EntryVotes:
    """Feedback on one entry's answer."""

    entry_id: str
    question: str | None
    helpful: int
    not_helpful: int


@dataclass(frozen=True)
class Stats:
    """Usage over a period: totals by outcome, per day, most asked entries, votes per entry."""

    answered: int
    suggested: int
    unanswered: int
    days: tuple[Day, ...]
    top_entries: tuple[EntryUse, ...]
    votes: tuple[EntryVotes, ...]

    @property
    def total(self) -> int:
        """Every question in the period."""
        return self.answered + self.suggested + self.unanswered

    def share(self, count: int) -> float:
        """`count` as a percentage of all questions (0 when there are none)."""
        return 100 * count / self.total if self.total else 0.0


def usage_stats(questions: Iterable[AskedQuestion], votes: Iterable[Vote], faq: Faq, tz: dt.tzinfo = dt.UTC) -> Stats:
    """Count questions and votes.

    Args:
        questions: the stored questions of the period.
        votes: the stored feedback of the period.
        faq: the current FAQ, for the entries' questions.
        tz: the time zone days are counted in (the agency's).

    Returns:
        Totals by outcome, one Day per day with questions (oldest first), the TOP_ENTRIES entries
        answered most often, and votes per entry (most votes first).
    """
    per_day: dict[dt.date, Counter[str]] = {}
    outcomes: Counter[str] = Counter()
    answered_by: Counter[str] = Counter()
    for question in questions:
        per_day.setdefault(question.asked_at.astimezone(tz).date(), Counter())[question.outcome] += 1
        outcomes[question.outcome] += 1
        if question.outcome == "answer" and question.entry_id:
            answered_by[question.entry_id] += 1
    days = tuple(Day(date, c["answer"], c["suggest"], c["none"]) for date, c in sorted(per_day.items()))

    def question_of(entry_id: str) -> str | None:
        entry = faq.entries.get(entry_id)
        return entry.question if entry else None

    top = sorted(answered_by.items(), key=lambda item: (-item[1], item[0]))[:TOP_ENTRIES]
    tally: dict[str, list[int]] = {}
    for vote in votes:
        tally.setdefault(vote.entry_id, [0, 0])[0 if vote.helpful else 1] += 1
    ranked = sorted(tally.items(), key=lambda item: (-sum(item[1]), item[0]))
    return Stats(
        outcomes["answer"],
        outcomes["suggest"],
        outcomes["none"],
        days,
        tuple(EntryUse(entry_id, question_of(entry_id), count) for entry_id, count in top),
        tuple(EntryVotes(entry_id, question_of(entry_id), good, bad) for entry_id, (good, bad) in ranked),
    )


async def collect_stats(state: StateStore, faq: Faq, since: dt.datetime | None = None, tz: dt.tzinfo = dt.UTC) -> Stats:
    """Read the questions and votes since `since` and count them (see usage_stats)."""
    return usage_stats(await state.questions(since=since), await state.feedback(since=since), faq, tz)
