"""The PostgreSQL side of the state tests: where the server is, a schema of its own per test, and
plain SQL reads that work on either engine.

The server is TEST_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/test; when it cannot be
reached (or STATE_TEST_POSTGRES=0) the PostgreSQL runs are skipped with the reason, so the summary
says why; with STATE_TEST_POSTGRES=require (.ci/run) they fail instead. Each test gets a fresh
schema (its URL sets search_path to it), dropped afterwards.
"""

from __future__ import annotations

import functools
import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest

URL_ENV = "TEST_DATABASE_URL"
SWITCH_ENV = "STATE_TEST_POSTGRES"
LOCAL = "postgresql://postgres@127.0.0.1:5432/test"
# Any 32+ characters: a PostgreSQL state database takes its pseudonym key from the environment.
TEST_KEY = "test-only-pseudonym-key-0123456789abcdef"


@functools.cache
def server() -> tuple[str | None, str]:
    """The server's URL, or None and why there is none."""
    if os.environ.get(SWITCH_ENV, "1") == "0":
        return None, f"PostgreSQL tests skipped: {SWITCH_ENV}=0"
    url = os.environ.get(URL_ENV) or LOCAL
    try:
        with psycopg.connect(url, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as exc:
        where = URL_ENV if os.environ.get(URL_ENV) else "127.0.0.1:5432"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return None, f"PostgreSQL tests skipped: no server at {where} ({first}); set {URL_ENV} to run them"
    return url, ""


def skip_without_server() -> str:
    """The server's URL; the calling test is skipped (or fails, when required) without one."""
    url, reason = server()
    if url is None:
        if os.environ.get(SWITCH_ENV) == "require":
            pytest.fail(f"{reason} ({SWITCH_ENV}=require)")
        pytest.skip(reason)
    return url


def _with_search_path(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


@contextmanager
def fresh_schema() -> Iterator[str]:
    """A URL whose connections work in a new empty schema, dropped (with everything in it) after."""
    url, reason = server()
    assert url is not None, reason
    schema = f"test_{secrets.token_hex(6)}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        yield _with_search_path(url, schema)
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


def rows(target: Path | str, sql: str) -> list[tuple[Any, ...]]:
    """Every row of a query on a state database of either engine (SQL without parameters)."""
    if isinstance(target, Path):
        with sqlite3.connect(target) as db:
            return db.execute(sql).fetchall()
    with psycopg.connect(target) as connection:
        return [tuple(row) for row in connection.execute(sql).fetchall()]
