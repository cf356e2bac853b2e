"""Staff-edited content as one immutable bundle: the FAQ with its matcher, and the status glossary.

Loading validates with the checks of `python -m bot faq check` and builds only when there is no
error. Everything here blocks (file reads, checks, indexing): callers run it in a worker thread.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from bot.cases.glossary import Status, load_glossary
from bot.config import Settings
from bot.faq.check import CheckRules, check_loaded
from bot.faq.instruments import load_instruments
from bot.faq.loader import INSTRUMENTS_FILE, SYNONYMS_FILE, faq_files, load_faq
from bot.faq.matcher import Matcher, Thresholds
from bot.faq.yamlfile import Problem
from bot.knowledge import Knowledge, load_knowledge

log = logging.getLogger(__name__)

_ATTEMPTS = 3  # loads tried while files keep changing underneath


@dataclass(frozen=True)
class Content:
    """Everything staff edit, loaded together and replaced together.

    Attributes:
        knowledge: the FAQ and its matcher.
        glossary: case status id -> its explanation (read-only).
        version: a short hash of the files' bytes; the same bytes give the same version.
        loaded_at: when this bundle was built (UTC).
    """

    knowledge: Knowledge
    glossary: Mapping[str, Status]
    version: str
    loaded_at: dt.datetime


@dataclass(frozen=True)
class Loaded:
    """The content passed the checks and was built; warnings did not block it."""

    content: Content
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Rejected:
    """The content has errors; the version in use stays. `version` is the refused files' hash."""

    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()
    version: str = ""

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Errors first, then warnings."""
        return self.errors + self.warnings

    @classmethod
    def of(cls, problems: Sequence[Problem], version: str = "") -> Rejected:
        """The refusal for problems as `on_rejected` receives them (split into errors and warnings)."""
        return cls(tuple(p for p in problems if not p.warning), tuple(p for p in problems if p.warning), version)


def content_files(settings: Settings) -> list[Path]:
    """The files the content is built from or checked against: category files, synonyms.yaml, the
    list of legal instruments, the glossary."""
    folder = settings.faq.dir
    extra = [path for path in (folder / SYNONYMS_FILE, folder / INSTRUMENTS_FILE) if path.is_file()]
    return [*faq_files(folder), *extra, settings.cases.glossary]


def _version(files: list[Path]) -> str:
    """A short hash of the files' names and bytes. An unreadable file is hashed as such; the
    checks then report it with a clear message."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path).encode() + b"\0")
        try:
            data = path.read_bytes()
        except OSError as exc:
            digest.update(f"unreadable: {exc.strerror}".encode())
            continue
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()[:8]


def build_content(settings: Settings, version: str) -> Content:
    """A lenient bundle from the files as they are (start-up with errors: every usable entry)."""
    statuses = load_glossary(settings.cases.glossary)[0]
    knowledge = load_knowledge(settings.faq.dir, settings.matching)
    return Content(knowledge, MappingProxyType(statuses), version, dt.datetime.now(dt.UTC))


def _unexpected(settings: Settings, exc: Exception) -> Problem:
    """What staff are told when loading failed in a way the checks do not cover."""
    if isinstance(exc, OSError):
        where = str(exc.filename or settings.faq.dir)
        return Problem(where, 0, f"không đọc được tệp ({exc.strerror or exc}); nếu tệp đang được lưu, hãy lưu lại")
    if isinstance(exc, MemoryError | RecursionError):
        return Problem(str(settings.faq.dir), 0, "nội dung quá lớn hoặc lồng nhau quá sâu; hãy kiểm tra tệp vừa sửa")
    log.error("unexpected error while loading the FAQ", exc_info=exc)
    return Problem(
        str(settings.faq.dir),
        0,
        f"lỗi không lường trước khi nạp ({type(exc).__name__}); bộ phận kỹ thuật xem nhật ký của bot",
    )


def _checked(settings: Settings, version: str) -> Loaded | Rejected:
    # One load serves both: the FAQ and matcher the checks (per-entry tests included) ran on are
    # the ones served, and the glossary checked is the one served.
    faq, loaded_problems, where = load_faq(settings.faq.dir)
    instruments, listed = load_instruments(settings.faq.dir)
    thresholds = Thresholds.from_settings(settings.matching)
    matcher = Matcher(faq, thresholds) if faq.entries else None  # no entry: the load reported why
    problems = check_loaded(
        faq,
        loaded_problems + listed,
        where,
        CheckRules.from_settings(settings.faq),
        matcher=matcher,
        instruments=instruments,
    )
    statuses, glossary_problems = load_glossary(settings.cases.glossary)
    problems += glossary_problems
    errors = tuple(p for p in problems if not p.warning)
    warnings = tuple(p for p in problems if p.warning)
    if errors:
        return Rejected(errors, warnings, version)
    knowledge = Knowledge(faq, matcher or Matcher(faq, thresholds))
    content = Content(knowledge, MappingProxyType(statuses), version, dt.datetime.now(dt.UTC))
    return Loaded(content, warnings)


def load_changed(settings: Settings, in_use: str | None) -> Loaded | Rejected | None:
    """Like load_content, but None (nothing parsed) when the files hash to `in_use`."""
    try:
        for _ in range(_ATTEMPTS):
            version = _version(content_files(settings))
            if version == in_use:
                return None
            outcome = _checked(settings, version)
            # The checks and the build each read the files: a save landing in between could serve
            # unchecked text, so the result stands only if the files still hash the same.
            if _version(content_files(settings)) == version:
                return outcome
        return Rejected((Problem(str(settings.faq.dir), 0, "các tệp thay đổi liên tục trong lúc nạp; hãy lưu lại"),))
    except Exception as exc:  # bad content must never stop the bot; see _unexpected
        return Rejected((_unexpected(settings, exc),))


def load_content(settings: Settings) -> Loaded | Rejected:
    """Validate the configured content like `faq check` and build a bundle when it has no error.

    Blocking (file reads, checks, indexing): run it with `asyncio.to_thread`. Never raises on bad
    content: unreadable or vanished files, binary data and YAML alias bombs become a `Rejected`.
    """
    outcome = load_changed(settings, None)
    assert outcome is not None  # only None when asked to skip a known hash
    return outcome
