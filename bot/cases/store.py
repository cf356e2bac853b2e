"""The read-only case database exported by the agency (schema: docs/case-database.md).

Opened read-only (`mode=ro` URI and `PRAGMA query_only`), parameterised queries only, rows
mapped to frozen dataclasses, "not found" distinct from an error. The agency replaces the file
with a new export (atomically: write elsewhere, then rename); the store notices the new file on
the next lookup and switches to it, while lookups already running finish on the old one.

Queries run synchronously: a primary-key lookup takes microseconds, less than handing it to a
thread would (measured in benchmarks/cases.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE offices (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    phone TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE cases (
    code TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    office_id TEXT NOT NULL REFERENCES offices (id),
    executor TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    updated_on TEXT NOT NULL,
    amount_due INTEGER NOT NULL CHECK (amount_due >= 0),
    amount_paid INTEGER NOT NULL CHECK (amount_paid >= 0),
    creditor_name TEXT NOT NULL,
    debtor_name TEXT NOT NULL,
    events TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE verifiers (
    case_code TEXT NOT NULL REFERENCES cases (code),
    party TEXT NOT NULL CHECK (party IN ('creditor', 'debtor')),
    salt BLOB NOT NULL,
    digest BLOB NOT NULL,
    PRIMARY KEY (case_code, party)
) WITHOUT ROWID;
CREATE TABLE snapshot (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
"""


def digest(salt: bytes, factor: str) -> bytes:
    """The stored verifier of a second factor (salted SHA-256 of its normalised form)."""
    return hashlib.sha256(salt + normalise_factor(factor).encode()).digest()


def normalise_factor(factor: str) -> str:
    """ASCII digits only: '1 9 8 0', '１９８０' and '1980.' are the same answer."""
    if factor.isascii() and factor.isdigit():
        return factor
    text = unicodedata.normalize("NFKC", factor or "")
    return "".join(char for char in text if char in "0123456789")


@dataclass(frozen=True)
class Event:
    """One step of a case's timeline."""

    happened_on: dt.date
    description: str


def parse_events(text: str) -> list[Event]:
    """A case's timeline as exported: 'YYYY-MM-DD: description | YYYY-MM-DD: description'.

    Raises:
        ValueError: when a part has no valid date or no description.
    """
    events = []
    for part in text.split("|"):
        day, _, description = part.partition(":")
        if not part.strip():
            continue
        if not description.strip():
            raise ValueError(f"sự kiện '{part.strip()[:40]}' phải có dạng YYYY-MM-DD: nội dung")
        events.append(Event(dt.date.fromisoformat(day.strip()), description.strip()))
    return events


@dataclass(frozen=True)
class CaseRecord:
    """What the answer needs about a case; names are kept only to be masked."""

    code: str
    status: str
    office_name: str
    office_address: str
    office_phone: str
    executor: str
    decided_on: dt.date
    updated_on: dt.date
    amount_due: int
    amount_paid: int
    creditor_name: str
    debtor_name: str
    events: tuple[Event, ...]

    @property
    def amount_left(self) -> int:
        return max(self.amount_due - self.amount_paid, 0)


class CaseStoreError(Exception):
    """The case database is missing or unreadable (not the same as "no such case")."""


@dataclass
class _Snapshot:
    connection: sqlite3.Connection
    identity: tuple[int, int, int]


def _identity(path: Path) -> tuple[int, int, int]:
    info = os.stat(path)
    return info.st_ino, info.st_mtime_ns, info.st_size


def open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection: the URI forbids writes, query_only forbids them again."""
    # as_uri() percent-quotes the path: a '#' or '%' in a file name stays part of it (not a fragment)
    connection = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True, check_same_thread=False)
    connection.execute("PRAGMA query_only = ON")
    return connection


class CaseStore:
    """Lookups in the current snapshot of the case database."""

    def __init__(self, path: Path, recent_events: int = 5, *, allow_demo: bool = True) -> None:
        self.path = path
        self.recent_events = recent_events
        self.allow_demo = allow_demo  # False: a snapshot of synthetic cases is refused like a missing one
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None

    def _current(self) -> sqlite3.Connection:
        try:
            identity = _identity(self.path)
        except OSError as exc:
            if self._snapshot is not None:  # the file is being replaced: keep the open snapshot
                return self._snapshot.connection
            raise CaseStoreError(f"case database not found: {self.path.name}") from exc
        snapshot = self._snapshot
        if snapshot is None or snapshot.identity != identity:
            with self._lock:
                if self._snapshot is None or self._snapshot.identity != identity:
                    try:
                        connection = open_read_only(self.path)
                        demo = connection.execute("SELECT 1 FROM snapshot WHERE key = 'demo'").fetchone()
                        if demo and not self.allow_demo:
                            connection.close()
                            raise sqlite3.DatabaseError("a demo snapshot, refused: cases.demo is not set")
                    except sqlite3.Error as exc:
                        if self._snapshot is not None:
                            return self._snapshot.connection
                        raise CaseStoreError(f"case database unreadable: {type(exc).__name__}") from exc
                    # The previous connection is left to the garbage collector: a lookup that
                    # started on it may still be reading.
                    self._snapshot = _Snapshot(connection, identity)
            snapshot = self._snapshot
        assert snapshot is not None
        return snapshot.connection

    def available(self) -> bool:
        """Can lookups be served (an export is there, readable, and not refused demo data)?"""
        try:
            self._current()
        except CaseStoreError:
            return False
        return True

    def snapshot_id(self) -> tuple[int, int, int] | None:
        """Identity of the snapshot in use (changes when a new export is picked up)."""
        return self._snapshot.identity if self._snapshot else None

    def find(self, code: str) -> CaseRecord | None:
        """The case with this normalised code, or None."""
        connection = self._current()
        try:
            row = connection.execute(
                "SELECT c.code, c.status, o.name, o.address, o.phone, c.executor, c.decided_on, c.updated_on, "
                "c.amount_due, c.amount_paid, c.creditor_name, c.debtor_name, c.events "
                "FROM cases AS c JOIN offices AS o ON o.id = c.office_id WHERE c.code = ?",
                (code,),
            ).fetchone()
        except sqlite3.Error as exc:
            raise CaseStoreError(f"lookup failed: {type(exc).__name__}") from exc
        if row is None:
            return None
        events = sorted(parse_events(row[12]), key=lambda e: e.happened_on, reverse=True)[: self.recent_events]
        return CaseRecord(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            row[5],
            dt.date.fromisoformat(row[6]),
            dt.date.fromisoformat(row[7]),
            int(row[8]),
            int(row[9]),
            row[10],
            row[11],
            tuple(events),
        )

    def verify(self, code: str, factor: str) -> str | None:
        """Which party ('creditor' or 'debtor') the second factor belongs to, or None."""
        typed = normalise_factor(factor)
        if not typed:
            return None
        try:
            rows = (
                self._current()
                .execute("SELECT party, salt, digest FROM verifiers WHERE case_code = ?", (code,))
                .fetchall()
            )
        except sqlite3.Error as exc:
            raise CaseStoreError(f"verification failed: {type(exc).__name__}") from exc
        for party, salt, stored in rows:
            if hmac.compare_digest(digest(salt, typed), stored):
                return str(party)
        return None
