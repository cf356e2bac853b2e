"""The secret behind the state database's pseudonyms (HMAC of user ids and case codes).

It is kept outside the state database, so a copy of that file (a backup, a file handed over for
analysis) cannot be joined back to Telegram users or case codes. In order of precedence:

1. `STATE_HMAC_KEY`: the key itself (at least 32 characters), e.g. from a secrets manager;
2. `STATE_HMAC_KEY_FILE`: a file holding it (Docker/Kubernetes secrets);
3. otherwise `<state.path>.key` beside the database, created on first use with a random key
   (owner-only permissions). Fine for the console and development; in production prefer 1 or 2
   and keep the key off the volume that holds the database and its backups. A PostgreSQL state
   database has no file to sit beside: it requires 1 or 2 (every instance must share the key).

A database from an earlier version kept its key inside (`meta.user_key_secret`): the first open
moves it to the key file (so pseudonyms stay the same), or drops it when 1 or 2 is set.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from pathlib import Path

from bot.config import ConfigError

KEY_ENV = "STATE_HMAC_KEY"
KEY_FILE_ENV = "STATE_HMAC_KEY_FILE"
_MIN_CHARS = 32


class StateKeyError(ConfigError):
    """The configured key is missing or too short (the message names the variable or file)."""


def key_path(database: Path) -> Path:
    """The default key file of a state database."""
    return database.with_name(database.name + ".key")


def _checked(text: str, where: str) -> bytes:
    text = text.strip()
    if len(text) < _MIN_CHARS:
        raise StateKeyError(f"{where}: khóa bí mật phải có ít nhất {_MIN_CHARS} ký tự (at least {_MIN_CHARS})")
    return bytes.fromhex(text) if re.fullmatch(r"[0-9a-f]{64}", text) else text.encode()


def _create(path: Path, value: str) -> None:
    """Write the key file without ever replacing an existing one (another process may race us)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(value + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # the file exists: the first writer wins
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def configured_key(environ: dict[str, str] | None = None) -> bytes | None:
    """The key set in the environment (checked: a clear error when short or unreadable), or None."""
    env = os.environ if environ is None else environ
    if env.get(KEY_ENV):
        return _checked(env[KEY_ENV], KEY_ENV)
    if env.get(KEY_FILE_ENV):
        path = Path(env[KEY_FILE_ENV])
        try:
            return _checked(path.read_text(encoding="utf-8"), str(path))
        except OSError as exc:
            raise StateKeyError(f"{KEY_FILE_ENV}: không đọc được {path} ({exc.strerror})") from exc
    return None


def state_key(database: Path | None, legacy: str | None, environ: dict[str, str] | None = None) -> bytes:
    """The pseudonym key for `database` (None: a PostgreSQL one); `legacy` is the key an older
    version stored inside it."""
    configured = configured_key(environ)
    if configured is not None:
        return configured
    if database is None:
        raise StateKeyError(
            f"PostgreSQL: đặt khóa bí mật trong {KEY_ENV} hoặc {KEY_FILE_ENV} "
            f"(set {KEY_ENV} or {KEY_FILE_ENV}: every instance must share the key)"
        )
    path = key_path(database)
    if not path.exists():
        _create(path, legacy or secrets.token_hex(32))
    return _checked(path.read_text(encoding="ascii"), str(path))
