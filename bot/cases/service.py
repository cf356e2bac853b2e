"""Opening the case store from the configuration, with a demo snapshot when none exists."""

from __future__ import annotations

import logging
from pathlib import Path

from bot.cases.codes import CodeFormat
from bot.cases.demo import Sample, demo_rows
from bot.cases.glossary import load_glossary
from bot.cases.importer import ImportReport, import_rows
from bot.cases.store import CaseStore
from bot.config import Settings

log = logging.getLogger(__name__)


def build_demo(settings: Settings, out: Path, count: int) -> tuple[ImportReport, list[Sample]]:
    """Write a synthetic snapshot to `out`; returns the report and a few samples to try."""
    cases = settings.cases
    samples: list[Sample] = []
    statuses = set(load_glossary(cases.glossary)[0])
    report = import_rows(demo_rows(count, samples=samples), out, CodeFormat.configured(cases), statuses, demo=True)
    return report, samples


def open_case_store(settings: Settings) -> CaseStore:
    """The case store. When the configured export does not exist: a demo snapshot there only if
    `cases.demo` says so; otherwise lookups answer "not available" until the export appears."""
    path = settings.cases.database
    if not path.exists():
        if settings.cases.demo:
            log.warning("no case database at %s: creating a demo snapshot with synthetic cases", path)
            build_demo(settings, path, settings.cases.demo_count)
        else:
            log.error(
                "no case database at %s: case lookup is disabled until the agency's export is "
                "placed there (python -m bot cases import EXPORT.csv)",
                path,
            )
    store = CaseStore(path, settings.cases.recent_events, allow_demo=bool(settings.cases.demo))
    if path.exists() and not store.available():
        log.error(
            "the case database at %s is a demo snapshot (synthetic cases) or unreadable: case lookup is "
            "disabled until the agency's export replaces it (python -m bot cases import EXPORT.csv)",
            path,
        )
    return store
