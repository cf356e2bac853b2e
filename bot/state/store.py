"""The writable state database: questions asked, feedback, language preferences, case follows.

All access to it goes through StateStore, on SQLite (default) or PostgreSQL (bot/state/engine.py). Nothing here
identifies a citizen: questions and feedback carry no user at all, and preferences are keyed by
a keyed hash (HMAC) of the Telegram user id with a secret kept outside the file (bot/state/keys.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from bot.state.announcements import AnnouncementStore
from bot.state.claims import UpdateClaims
from bot.state.dialogue import DialogueStore
from bot.state.engine import Database, connect, sqlite_path
from bot.state.flood import SharedThrottle
from bot.state.keys import state_key
from bot.state.lease import Leases
from bot.state.schema import migrate

_QUESTION_CHARS = 1000  # stored questions are cut to this length


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _stamp(moment: dt.datetime | None) -> str:
    """The stored form of a moment: UTC ISO text, so text order is time order (naive = UTC)."""
    if moment is None:
        return _now()
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class AskedQuestion:
    """One stored question; `text` only when it was not answered confidently (suggest, none)."""

    asked_at: dt.datetime
    outcome: str
    score: float
    entry_id: str | None
    text: str | None


@dataclass(frozen=True)
class Vote:
    """One helpful / not helpful vote on an answer."""

    given_at: dt.datetime
    entry_id: str
    helpful: bool


class StateStore:
    """Async access to the state database; open with `await StateStore.open(path or URL)`."""

    def __init__(self, db: Database, secret: bytes) -> None:
        self._db = db
        self._secret = secret
        self.announcements = AnnouncementStore(db)
        self.leases = Leases(db)
        self.claims = UpdateClaims(db)  # webhook updates claimed by an instance (bot/webhook.py)
        self.dialogue = DialogueStore(db, secret, self.user_key)  # lookups and the desk, shared by instances
        self.floods = SharedThrottle(db, self.user_key)  # the flood throttle, shared on PostgreSQL

    @property
    def dialect(self) -> str:
        """The engine: "sqlite" or "postgresql"."""
        return self._db.dialect

    @classmethod
    async def open(cls, path: Path | str, busy_timeout: float = 5.0) -> StateStore:
        """Open (creating if needed) the state database and bring its tables up to date.

        Args:
            path: a SQLite file (a Path, a plain path or `sqlite:///path`) or a `postgresql://`
                URL (see state.url in bot/settings/core.py).
            busy_timeout: seconds to wait for another process's SQLite write lock before
                `sqlite3.OperationalError` (and the PostgreSQL connect timeout).

        Both engines run in autocommit mode: every statement is its own transaction, so no code
        path (an exception between a write and its commit, a write that changed nothing) can leave
        a lock held on the shared connection. The pseudonym key comes from outside the database
        (bot/state/keys.py); a failed open closes the connection, so it never keeps the process alive.
        """
        db = await connect(path, busy_timeout)
        try:
            await migrate(db)
            row = await db.fetchone("SELECT value FROM meta WHERE key = 'user_key_secret'")
            # moved out of the database before it is deleted
            key = state_key(sqlite_path(path), str(row[0]) if row else None)
            if row:  # a write only when an older database still holds its key
                await db.execute("DELETE FROM meta WHERE key = 'user_key_secret'")
        except BaseException:
            await db.close()
            raise
        return cls(db, key)

    async def close(self) -> None:
        """Close the connection."""
        await self._db.close()

    async def ping(self) -> None:
        """Raise unless the engine answers: PostgreSQL a round trip; SQLite must grant its write lock
        (an empty update, committed alone), so a lock held elsewhere or a read-only file shows."""
        if self.dialect == "sqlite":
            await self._db.execute("UPDATE meta SET value = value WHERE key = 'ping'")
        else:
            await self._db.fetchone("SELECT 1")

    async def __aenter__(self) -> StateStore:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.close()

    def user_key(self, user_id: int) -> str:
        """A stable pseudonym for a user id that cannot be reversed without the secret."""
        return hmac.new(self._secret, str(user_id).encode(), hashlib.sha256).hexdigest()

    def code_key(self, code: str) -> str:
        """A pseudonym for a case code in the audit log."""
        return hmac.new(self._secret, b"case:" + code.encode(), hashlib.sha256).hexdigest()

    async def record_lookup(self, user_id: int, outcome: str, code: str | None) -> None:
        """Audit one case lookup: time, pseudonymous user, outcome, pseudonymous code; never the factor."""
        await self._db.execute(
            "INSERT INTO lookups (looked_up_at, user_key, outcome, code_key) VALUES (?, ?, ?, ?)",
            (_now(), self.user_key(user_id), outcome, self.code_key(code) if code else None),
        )

    async def failed_lookups(self, user_id: int, since: dt.datetime) -> int:
        """Failed lookups by this user since `since` (UTC): the per-user limit."""
        return await self._failures("user_key", self.user_key(user_id), since)

    async def _failures(self, column: str, key: str, since: dt.datetime) -> int:
        row = await self._db.fetchone(
            f"SELECT count(*) FROM lookups WHERE {column} = ? AND looked_up_at >= ? "
            "AND outcome IN ('unknown', 'wrong_factor')",
            (key, since.isoformat(timespec="seconds")),
        )
        return int(row[0]) if row else 0

    async def subscribe_case(self, chat_id: int, code: str, seen: str) -> None:
        """Follow a case's changes (the chat and code are kept: they are needed to notify)."""
        await self._db.execute(
            "INSERT INTO case_subscriptions (chat_id, code, last_seen, subscribed_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (chat_id, code) DO UPDATE SET last_seen = excluded.last_seen",
            (chat_id, code, seen, _now()),
        )

    async def unsubscribe_cases(self, chat_id: int, code: str | None = None) -> int:
        """Stop following one case (or all of the chat's); how many subscriptions ended."""
        if code is None:
            return await self._db.execute("DELETE FROM case_subscriptions WHERE chat_id = ?", (chat_id,))
        return await self._db.execute("DELETE FROM case_subscriptions WHERE chat_id = ? AND code = ?", (chat_id, code))

    async def case_subscriptions(self) -> list[tuple[int, str, str]]:
        """Every (chat_id, code, last_seen)."""
        rows = await self._db.fetchall("SELECT chat_id, code, last_seen FROM case_subscriptions")
        return [(int(a), str(b), str(c)) for a, b, c in rows]

    async def mark_seen(self, chat_id: int, code: str, seen: str) -> None:
        await self._db.execute(
            "UPDATE case_subscriptions SET last_seen = ? WHERE chat_id = ? AND code = ?", (seen, chat_id, code)
        )

    async def record_question(
        self, text: str, outcome: str, score: float, entry_id: str | None, at: dt.datetime | None = None
    ) -> None:
        """Record one question: its text only when it was not answered confidently.

        Args:
            text: what the citizen wrote (kept only for "suggest" and "none", cut to 1,000 characters).
            outcome: "answer", "suggest" or "none".
            score: the best candidate's score, 0-100.
            entry_id: the answered (or best suggested) entry, if any.
            at: when it was asked; now by default (imports and tests pass older moments).
        """
        kept = None if outcome == "answer" else text[:_QUESTION_CHARS]
        await self._db.execute(
            "INSERT INTO questions (asked_at, outcome, score, entry_id, text) VALUES (?, ?, ?, ?, ?)",
            (_stamp(at), outcome, score, entry_id, kept),
        )

    async def record_feedback(
        self, entry_id: str, helpful: bool, at: dt.datetime | None = None, *, voter: int | None = None
    ) -> bool:
        """Record a helpful / not helpful vote on an answer (given `at`, now by default); with a
        `voter`, only their first vote on this entry counts. False when it was not counted."""
        if voter is not None:
            vote_key = hashlib.sha256(f"{self.user_key(voter)}:{entry_id}".encode()).hexdigest()
            counted = await self._db.execute(
                "INSERT INTO votes_cast (vote_key, given_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (vote_key, _stamp(at)),
            )
            if counted == 0:
                return False
        await self._db.execute(
            "INSERT INTO feedback (given_at, entry_id, helpful) VALUES (?, ?, ?)",
            (_stamp(at), entry_id, int(helpful)),
        )
        return True

    async def language(self, user_id: int) -> str | None:
        """The language the user chose, if any."""
        row = await self._db.fetchone("SELECT language FROM preferences WHERE user_key = ?", (self.user_key(user_id),))
        return str(row[0]) if row else None

    async def set_language(self, user_id: int, language: str) -> None:
        """Remember the user's language."""
        await self._db.execute(
            "INSERT INTO preferences (user_key, language, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_key) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at",
            (self.user_key(user_id), language, _now()),
        )

    async def questions(self, outcome: str | None = None, since: dt.datetime | None = None) -> list[AskedQuestion]:
        """Stored questions, oldest first.

        Args:
            outcome: only this outcome ("answer", "suggest" or "none"); all by default.
            since: only questions asked at or after this moment (naive = UTC).
        """
        conditions: list[str] = []
        params: list[str] = []
        if outcome:
            conditions.append("outcome = ?")
            params.append(outcome)
        if since is not None:
            conditions.append("asked_at >= ?")
            params.append(_stamp(since))
        where = " WHERE " + " AND ".join(conditions) if conditions else ""
        query = "SELECT asked_at, outcome, score, entry_id, text FROM questions" + where
        rows = await self._db.fetchall(query + " ORDER BY asked_at, id", params)
        return [AskedQuestion(dt.datetime.fromisoformat(a), str(b), float(c), d, e) for a, b, c, d, e in rows]

    async def feedback(self, since: dt.datetime | None = None) -> list[Vote]:
        """Stored votes, oldest first; only those given at or after `since` when set (naive = UTC)."""
        query, params = "SELECT given_at, entry_id, helpful FROM feedback", list[str]()
        if since is not None:
            query, params = query + " WHERE given_at >= ?", [_stamp(since)]
        rows = await self._db.fetchall(query + " ORDER BY given_at, id", params)
        return [Vote(dt.datetime.fromisoformat(a), str(b), bool(c)) for a, b, c in rows]

    async def forget_before(self, cutoff: dt.datetime) -> int:
        """Delete questions, feedback, who-voted keys and the lookup audit older than `cutoff`
        (retention: `state.retention_days`, at least a day: longer than the hourly lookup limit).

        Returns:
            How many rows were deleted, all tables together.
        """
        stamp = _stamp(cutoff)
        deleted = 0
        for table, column in (
            ("questions", "asked_at"),
            ("feedback", "given_at"),
            ("votes_cast", "given_at"),
            ("lookups", "looked_up_at"),
        ):
            deleted += await self._db.execute(f"DELETE FROM {table} WHERE {column} < ?", (stamp,))
        return deleted

    async def forget_preferences_before(self, cutoff: dt.datetime) -> int:
        """Forget language choices last changed before `cutoff` (`state.preference_days`)."""
        return await self._db.execute("DELETE FROM preferences WHERE updated_at < ?", (_stamp(cutoff),))

    async def forget_drafts_before(self, cutoff: dt.datetime) -> int:
        """Delete announcement drafts created before `cutoff` and never sent (`state.draft_days`)."""
        return await self._db.execute(
            "DELETE FROM announcements WHERE status = 'draft' AND created_at < ?", (_stamp(cutoff),)
        )

    async def failed_case_lookups(self, code: str, since: dt.datetime) -> int:
        """Failed lookups of this case code by anyone since `since` (UTC): the per-case limit."""
        return await self._failures("code_key", self.code_key(code), since)

    async def forget_idle_chats(self) -> int:
        """Forget chats that follow no topic and no case and wait for no delivery: their row (a raw
        chat id) has no use left (L1)."""
        return await self._db.execute(
            "DELETE FROM chats WHERE chat_id NOT IN (SELECT chat_id FROM subscriptions) "
            "AND chat_id NOT IN (SELECT chat_id FROM case_subscriptions) "
            "AND chat_id NOT IN (SELECT chat_id FROM deliveries)"
        )
