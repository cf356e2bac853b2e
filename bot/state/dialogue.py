"""Conversation state shared by every instance: where a citizen or an official is in a dialogue.

A citizen's next message may reach another instance (webhook mode behind a load balancer), so
what used to live in one process's memory lives here: the case lookup waiting for a code or a
second factor, the case the citizen last proved access to (for "follow"), and the desk waiting
for an official's content or send time. Rows are keyed by the user pseudonym (HMAC) and a kind,
and carry an expiry; an expired row counts as absent and is deleted when met, by `forget_expired`
and by the retention job.

Case codes are never stored in clear (security review M4): a value written with `secret=True` is
sealed with AES-GCM under a key derived from the state key (bot/state/keys.py), bound to its row
(user pseudonym and kind), and deleted on completion, cancellation or expiry.
"""

from __future__ import annotations

import base64
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.state.engine import Database

_NONCE_BYTES = 12
_GUARD_LOCK = 7_140_015  # PostgreSQL advisory lock of `exclusive` (the migration lock is 7_140_014)


class DialogueStore:
    """The `dialogue` table: (user_key, kind) -> value, expires_at (Unix time)."""

    def __init__(self, db: Database, secret: bytes, user_key: Callable[[int], str]) -> None:
        self._db = db
        self._user_key = user_key
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"bot.state.dialogue seal").derive(secret)
        self._aead = AESGCM(key)

    def _seal(self, text: str, row: bytes) -> str:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        return base64.b64encode(nonce + self._aead.encrypt(nonce, text.encode(), row)).decode("ascii")

    def _open(self, sealed: str, row: bytes) -> str | None:
        """The sealed text, or None when it cannot be opened (another key, or moved to another row)."""
        try:
            raw = base64.b64decode(sealed)
            return self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], row).decode()
        except (ValueError, InvalidTag):
            return None

    async def put(self, user_id: int, kind: str, value: str, seconds: float, *, secret: bool = False) -> None:
        """Remember `value` for this user and kind for `seconds` (replacing what was there)."""
        key = self._user_key(user_id)
        stored = self._seal(value, f"{key}:{kind}".encode()) if secret else value
        await self._db.execute(
            "INSERT INTO dialogue (user_key, kind, value, expires_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_key, kind) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
            (key, kind, stored, time.time() + seconds),
        )

    async def get(self, user_id: int, kind: str, *, secret: bool = False) -> str | None:
        """The value remembered for this user and kind, None when there is none (or it expired)."""
        key = self._user_key(user_id)
        row = await self._db.fetchone(
            "SELECT value, expires_at FROM dialogue WHERE user_key = ? AND kind = ?", (key, kind)
        )
        return self._value(key, kind, row, secret)

    async def take(self, user_id: int, kind: str, *, secret: bool = False) -> str | None:
        """Remove and return the value (one statement: of two instances taking it, one gets it)."""
        key = self._user_key(user_id)
        row = await self._db.fetchone(
            "DELETE FROM dialogue WHERE user_key = ? AND kind = ? RETURNING value, expires_at", (key, kind)
        )
        return self._value(key, kind, row, secret)

    def _value(self, key: str, kind: str, row: tuple[object, ...] | None, secret: bool) -> str | None:
        if row is None or float(str(row[1])) < time.time():
            return None
        return self._open(str(row[0]), f"{key}:{kind}".encode()) if secret else str(row[0])

    async def drop(self, user_id: int, kind: str) -> bool:
        """Forget this user's value of this kind; whether there was one still valid."""
        return await self.take(user_id, kind) is not None

    async def forget_expired(self) -> int:
        """Delete every expired row (sealed codes included); how many."""
        return await self._db.execute("DELETE FROM dialogue WHERE expires_at < ?", (time.time(),))

    @asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        """One transaction at a time across every instance (the lookup limits' check, verification
        and record): SQLite's write lock on the shared file, a PostgreSQL advisory lock otherwise."""
        async with self._db.transaction():
            if self._db.dialect == "postgresql":
                await self._db.execute("SELECT pg_advisory_xact_lock(?)", (_GUARD_LOCK,))
            yield
