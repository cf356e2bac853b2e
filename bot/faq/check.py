"""`faq check`: every problem communications staff should fix, as `file:line: message`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.faq.instruments import Instruments, load_instruments
from bot.faq.legal import citation_findings, figure_findings
from bot.faq.loader import Source, load_faq
from bot.faq.matcher import Matcher, Thresholds
from bot.faq.model import PLACEHOLDER, Entry, Faq
from bot.faq.normalize import Normalizer
from bot.faq.yamlfile import Problem
from bot.settings import AgencySettings, FaqSettings

PLACEHOLDERS = AgencySettings.placeholder_names()


@dataclass(frozen=True)
class CheckRules:
    """The limits `faq check` applies (from config.yaml's `faq` section)."""

    max_answer_chars: int
    min_alternatives: int
    review_max_age_days: int
    near_duplicate_score: float
    ended_markers: tuple[str, ...]

    @classmethod
    def from_settings(cls, faq: FaqSettings | None = None) -> CheckRules:
        """The rules configured in config.yaml's `faq` section (None: its defaults)."""
        faq = faq or FaqSettings()
        return cls(
            faq.max_answer_chars,
            faq.min_alternatives,
            faq.review_max_age_days,
            faq.near_duplicate_score,
            faq.ended_markers,
        )


def _answer_problems(entry: Entry, rules: CheckRules) -> list[tuple[str, str]]:
    found = []
    answers = [("answer", entry.answer)] + ([("en", entry.en.answer)] if entry.en else [])
    for key, text in answers:
        name = "answer" if key == "answer" else "en.answer"
        if len(text) > rules.max_answer_chars:
            limit = rules.max_answer_chars
            found.append((key, f"'{entry.id}': {name} dài {len(text)} ký tự, quá {limit}; hãy rút gọn"))
        for unknown in sorted(set(PLACEHOLDER.findall(text)) - PLACEHOLDERS):
            allowed = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
            found.append((key, f"'{entry.id}': {name} dùng chỗ trống không có {{{unknown}}}; chỉ dùng {allowed}"))
    return found


def _near_duplicates(faq: Faq, rules: CheckRules) -> list[tuple[str, str, str]]:
    """Alternatives that read like another entry's question: (entry id, field, message)."""
    normalizer = Normalizer(faq.synonyms)
    ids = list(faq.entries)
    questions = [" ".join(normalizer.tokens(faq.entries[i].question)) for i in ids]
    found = []
    for entry in faq.entries.values():
        for position, alternative in enumerate(entry.alternatives):
            text = " ".join(normalizer.tokens(alternative))
            hits = process.extract(
                text,
                questions,
                scorer=fuzz.token_sort_ratio,
                processor=None,
                score_cutoff=rules.near_duplicate_score,
                limit=3,
            )
            for _, score, index in hits:
                other = ids[index]
                if other != entry.id:
                    message = (
                        f"'{entry.id}': câu hỏi phụ \"{alternative}\" gần trùng câu hỏi chính "
                        f"của '{other}' (điểm {score:.0f}); hai mục sẽ tranh nhau"
                    )
                    found.append((entry.id, f"alternatives.{position}", message))
    return found


def _test_lines(entry: Entry, source: Source) -> list[int]:
    """The line of each of the entry's test questions. The loader drops empty items (already an
    error), so item lines are only trusted when none was dropped; else the `tests:` key's line."""
    written = sum(key.startswith("tests.") for key in source.fields)
    if written == len(entry.tests):
        return [source.fields[f"tests.{index}"] for index in range(written)]
    return [source.line_of("tests")] * len(entry.tests)


def _test_problems(faq: Faq, where: dict[str, Source], matcher: Matcher) -> list[Problem]:
    """Each entry's `tests:` questions, asked to the matcher: each must be answered by that entry."""
    found = []
    for entry in faq.entries.values():
        source = where[entry.id]
        for question, line in zip(entry.tests, _test_lines(entry, source), strict=True):
            result = matcher.match(question)
            if result.entry_id == entry.id:
                continue
            if result.outcome == "answer":
                verdict = f"bot trả lời '{result.entry_id}' (điểm {result.score:.0f})"
            elif result.outcome == "suggest":
                verdict = "bot chỉ gợi ý: " + ", ".join(c.entry_id for c in result.candidates)
            else:
                verdict = "bot không tìm thấy mục nào"
            message = f"'{entry.id}': câu thử \"{question}\" không khớp mục này — {verdict}"
            found.append(Problem(source.file, line, message))
    return found


def check_faq(
    folder: Path, rules: CheckRules, today: dt.date | None = None, thresholds: Thresholds | None = None
) -> list[Problem]:
    """Validate a FAQ folder: syntax, fields, ids, links, lengths, overlaps, review dates, citations
    (against the folder's van-ban.yaml), figures without an article, and each entry's `tests:`
    questions against the matcher.

    Args:
        folder: the FAQ folder (category files and synonyms.yaml).
        rules: the limits to apply.
        today: the date review ages are counted to; defaults to today.
        thresholds: the matcher's thresholds for the `tests:` questions (config `matching`);
            defaults to the matcher's defaults.

    Returns:
        Every problem, errors and warnings, sorted by file and line.
    """
    faq, problems, where = load_faq(folder)
    instruments, listed = load_instruments(folder)
    has_tests = any(entry.tests for entry in faq.entries.values())
    matcher = Matcher(faq, thresholds or Thresholds.from_settings()) if has_tests else None
    return check_loaded(faq, problems + listed, where, rules, today=today, matcher=matcher, instruments=instruments)


def check_loaded(
    faq: Faq,
    problems: list[Problem],
    where: dict[str, Source],
    rules: CheckRules,
    *,
    today: dt.date | None = None,
    matcher: Matcher | None = None,
    instruments: Instruments | None = None,
) -> list[Problem]:
    """check_faq on a FAQ already loaded (load_faq's result), with `matcher` built on it for the
    `tests:` questions (None: not run) and the folder's list of instruments (None: those rules are
    skipped; load_instruments reports why). Lets a caller check and serve one load."""
    problems = list(problems)
    today = today or dt.date.today()

    def add(entry_id: str, message: str, key: str = "", warning: bool = False) -> None:
        source = where[entry_id]
        problems.append(Problem(source.file, source.line_of(key), message, warning))

    for entry in faq.entries.values():
        if len(entry.alternatives) < rules.min_alternatives:
            add(
                entry.id,
                f"'{entry.id}': cần ít nhất {rules.min_alternatives} câu hỏi phụ (alternatives), "
                f"hiện có {len(entry.alternatives)}",
                "alternatives",
            )
        for index, related in enumerate(entry.related):
            if related not in faq.entries:
                add(
                    entry.id,
                    f"'{entry.id}': related nhắc đến '{related}' nhưng không có mục nào có id này",
                    f"related.{index}",
                )
        for key, message in _answer_problems(entry, rules):
            add(entry.id, message, key)
        cited = citation_findings(entry, instruments, rules.ended_markers, today) if instruments else []
        for finding in cited + figure_findings(entry):
            add(entry.id, finding.message, finding.key, warning=finding.warning)
        if entry.reviewed and (today - entry.reviewed).days > rules.review_max_age_days:
            add(
                entry.id,
                f"'{entry.id}': rà soát lần cuối {entry.reviewed:%d/%m/%Y}, đã quá "
                f"{rules.review_max_age_days} ngày; hãy đối chiếu lại với luật hiện hành",
                "reviewed",
                warning=True,
            )
        if entry.reviewed and entry.reviewed > today:
            add(entry.id, f"'{entry.id}': ngày rà soát {entry.reviewed:%d/%m/%Y} nằm trong tương lai", "reviewed")
    for entry_id, key, message in _near_duplicates(faq, rules):
        add(entry_id, message, key)
    # Tests run on whatever entries loaded: useful even while other problems are being fixed.
    if matcher is not None:
        problems += _test_problems(faq, where, matcher)
    return sorted(problems, key=lambda p: (p.file, p.line, p.message))
