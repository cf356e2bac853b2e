"""The two state engines behind one small interface: SQLite (the default) and PostgreSQL.

SQL is written once, with `?` placeholders, in the subset both engines speak (upserts with
ON CONFLICT, RETURNING); PostgreSQL gets `%s` from `_postgres_sql`. Both connections are in
autocommit mode: every statement is its own transaction unless it runs inside `transaction()`,
which holds the connection for its task alone until it ends (other coroutines wait), so no
statement of another coroutine ever joins it.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote, urlsplit

import aiosqlite

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

Params = Sequence[Any]
Row = tuple[Any, ...]

POSTGRES_SCHEMES = ("postgresql", "postgres")


class StateUnavailableError(RuntimeError):
    """The PostgreSQL server cannot be reached (the message says so in Vietnamese and English)."""


def url_password(url: str) -> str | None:
    """The password written in a database URL, if any (so the logs can redact it)."""
    try:
        return urlsplit(url).password or None
    except ValueError:
        return None


class Database(Protocol):
    """What the stores need from a state engine."""

    dialect: str  # "sqlite" or "postgresql"

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; how many rows it changed."""

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for each row of parameters."""

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """The first row of a query (or of an INSERT ... RETURNING)."""

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Every row of a query."""

    def transaction(self) -> AbstractAsyncContextManager[None]:
        """`async with db.transaction():` the statements inside commit together or not at all."""

    async def close(self) -> None:
        """Close the connection."""


def sqlite_path(target: Path | str) -> Path | None:
    """The SQLite file a target names (a path, or a `sqlite:///path` URL); None for PostgreSQL."""
    if isinstance(target, Path):
        return target
    scheme = target.split(":", 1)[0].lower() if "://" in target else ""
    if scheme in POSTGRES_SCHEMES:
        return None
    if scheme == "sqlite":
        if not target.lower().startswith("sqlite:///"):
            raise ValueError("state.url: sqlite:///relative/path hoặc sqlite:////absolute/path")
        return Path(unquote(target[len("sqlite:///") :]))
    if scheme:
        raise ValueError(f"state.url: chỉ hỗ trợ sqlite:/// hoặc postgresql:// (unsupported scheme '{scheme}')")
    return Path(target)


class _Serialized:
    """The shared connection's turn-taking: a transaction's task has it alone until it ends."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        if self._owner is not None and self._owner is asyncio.current_task():
            yield
            return
        async with self._lock:
            yield

    @asynccontextmanager
    async def own(self) -> AsyncIterator[None]:
        if self._owner is not None and self._owner is asyncio.current_task():
            raise RuntimeError("nested state transaction")
        async with self._lock:
            self._owner = asyncio.current_task()
            try:
                yield
            finally:
                self._owner = None


async def _wal(connection: aiosqlite.Connection, busy_timeout: float) -> None:
    """Switch a file to WAL (kept in the file: once done, a reopen only reads it). The switch
    needs the file to itself and SQLite does not wait for that, so processes creating the same
    new file together retry here, within the busy timeout."""
    deadline = asyncio.get_running_loop().time() + busy_timeout
    while True:
        try:
            async with connection.execute("PRAGMA journal_mode=WAL") as cursor:
                await cursor.fetchone()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.02)


class SqliteDatabase:
    """aiosqlite in autocommit mode (`isolation_level=None`), WAL, a busy timeout."""

    dialect = "sqlite"

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._db = connection
        self._turns = _Serialized()

    @classmethod
    async def connect(cls, path: Path, busy_timeout: float) -> SqliteDatabase:
        """Waiting for another process's lock ends after `busy_timeout` seconds with
        `sqlite3.OperationalError`; the connection is closed then."""
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = await aiosqlite.connect(path, timeout=busy_timeout, isolation_level=None)
        try:
            await _wal(connection, busy_timeout)
            await connection.execute("PRAGMA synchronous=NORMAL")
        except BaseException:
            await connection.close()
            raise
        return cls(connection)

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._turns.turn():
            cursor = await self._db.execute(sql, params)
            return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self._turns.turn():
            await self._db.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._turns.turn(), self._db.execute(sql, params) as cursor:
            row = await cursor.fetchone()
        return tuple(row) if row is not None else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._turns.turn(), self._db.execute(sql, params) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        async with self._turns.own():
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")

    async def close(self) -> None:
        await self._db.close()


def _postgres_sql(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (our SQL has no `?` or `%` of its own)."""
    return sql.replace("%", "%%").replace("?", "%s")


def _postgres_value(value: Any) -> Any:
    """SQLite stores True as 1 and keeps NUL characters; PostgreSQL's integer columns and text do not."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


def _postgres_params(params: Params) -> list[Any]:
    return [_postgres_value(value) for value in params]


class PostgresDatabase:
    """psycopg 3 (async), one connection in autocommit mode; the password from the URL or the
    environment (PGPASSWORD, ~/.pgpass): libpq reads them itself.

    A lost connection (a server restart, a failover) fails the statement that found it, as any
    database error does; the next statement opens a new connection. A statement is never retried:
    it may have been committed before the connection went.
    """

    dialect = "postgresql"

    def __init__(self, connection: psycopg.AsyncConnection[Row], url: str, timeout: float) -> None:
        self._db = connection
        self._url = url
        self._timeout = timeout
        self._turns = _Serialized()

    @staticmethod
    async def _open(url: str, timeout: float) -> psycopg.AsyncConnection[Row]:
        import psycopg  # noqa: PLC0415 - only a PostgreSQL deployment needs the driver loaded

        try:
            return await psycopg.AsyncConnection.connect(url, autocommit=True, connect_timeout=max(2, int(timeout)))
        except psycopg.OperationalError as exc:
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise StateUnavailableError(
                f"không kết nối được cơ sở dữ liệu PostgreSQL: {reason} (cannot connect to the state database)"
            ) from exc

    @classmethod
    async def connect(cls, url: str, timeout: float) -> PostgresDatabase:
        return cls(await cls._open(url, timeout), url, timeout)

    async def _connection(self) -> psycopg.AsyncConnection[Row]:
        if self._db.closed or self._db.broken:
            log.warning("state database: the PostgreSQL connection was lost; reconnecting")
            self._db = await self._open(self._url, self._timeout)
        return self._db

    async def execute(self, sql: str, params: Params = ()) -> int:
        async with self._turns.turn():
            cursor = await (await self._connection()).execute(_postgres_sql(sql), _postgres_params(params))
            return int(cursor.rowcount)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self._turns.turn(), (await self._connection()).cursor() as cursor:
            await cursor.executemany(_postgres_sql(sql), [_postgres_params(row) for row in rows])

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._turns.turn():
            cursor = await (await self._connection()).execute(_postgres_sql(sql), _postgres_params(params))
            row = await cursor.fetchone()
        return tuple(row) if row is not None else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        async with self._turns.turn():
            cursor = await (await self._connection()).execute(_postgres_sql(sql), _postgres_params(params))
            return [tuple(row) for row in await cursor.fetchall()]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        async with self._turns.own(), (await self._connection()).transaction():
            yield

    async def close(self) -> None:
        await self._db.close()


async def connect(target: Path | str, busy_timeout: float = 5.0) -> Database:
    """Open the state engine a target names: a Path or `sqlite:///path` (SQLite), or a
    `postgresql://` URL."""
    path = sqlite_path(target)
    if path is not None:
        return await SqliteDatabase.connect(path, busy_timeout)
    return await PostgresDatabase.connect(str(target), busy_timeout)
