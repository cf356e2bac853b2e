"""The state engines a benchmark runs the bot on: SQLite always, PostgreSQL when a server answers.

    --engines sqlite postgresql   (default: both when the server is reachable, else SQLite alone,
                                   with a printed note saying why PostgreSQL was skipped)

The server is BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/test.
Each PostgreSQL run gets a fresh schema of its own (the URL sets search_path to it), dropped with
everything in it afterwards, as tests/postgres.py does for the tests. The bot reaches it through
STATE_DATABASE_URL; its pseudonym key is STATE_HMAC_KEY (a benchmark-only key unless one is set).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

ENGINES = ("sqlite", "postgresql")
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
LOCAL = "postgresql://postgres@127.0.0.1:5432/test"
BENCH_KEY = "benchmark-only-pseudonym-key-0123456789abcdef"


def add_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engines",
        nargs="+",
        choices=ENGINES,
        default=None,
        help="state engines to run the bot on (default: both when PostgreSQL is reachable)",
    )


def server_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL") or LOCAL


def unreachable() -> str | None:
    """Why the PostgreSQL server cannot be used, or None when it answers."""
    try:
        with psycopg.connect(server_url(), connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error as exc:
        text = str(exc).strip()
        return text.splitlines()[0] if text else type(exc).__name__
    return None


def choose(requested: list[str] | None) -> list[str]:
    """The engines to run: those asked for (exit if PostgreSQL was asked for and is not there), or
    by default both, or SQLite alone with a note."""
    if requested is not None and "postgresql" not in requested:
        return list(dict.fromkeys(requested))
    reason = unreachable()
    if reason is None:
        return list(dict.fromkeys(requested or ENGINES))
    where = "BENCH_DATABASE_URL/TEST_DATABASE_URL" if server_url() != LOCAL else "127.0.0.1:5432"
    if requested is not None:
        sys.exit(f"--engines postgresql: no PostgreSQL server at {where} ({reason})")
    print(f"Note: PostgreSQL skipped, no server at {where} ({reason}); set BENCH_DATABASE_URL to run it. SQLite only.")
    return ["sqlite"]


@contextmanager
def _fresh_schema() -> Iterator[str]:
    url = server_url()
    schema = f"bench_{secrets.token_hex(6)}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    try:
        # application_name lets database_cpu find the bot's server processes
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}&application_name={schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


@dataclass(frozen=True)
class StateDatabase:
    config: str  # the `state:` lines of a config.yaml
    env: dict[str, str]  # the bot process's environment
    target: Path | str  # what `StateStore.open` takes


def database_cpu(state: StateDatabase) -> float:
    """CPU seconds used so far by the PostgreSQL server processes serving this run's database
    (0 for SQLite, which runs inside the bot process and is counted in its CPU)."""
    if isinstance(state.target, Path):
        return 0.0
    name = state.target.rsplit("application_name=", 1)[1]
    with psycopg.connect(server_url(), autocommit=True) as connection:
        pids = [
            row[0]
            for row in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (name,)
            ).fetchall()
        ]
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone, or the server is on another machine
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


@contextmanager
def state_database(engine: str, folder: Path) -> Iterator[StateDatabase]:
    """A fresh, empty state database of the engine, for one run.

    Also sets the harness's own STATE_DATABASE_URL / STATE_HMAC_KEY for the run, so that
    `StateStore.open(url)` in this process opens the same database; both are restored after.
    """
    saved = {name: os.environ.get(name) for name in ("STATE_DATABASE_URL", "STATE_HMAC_KEY")}
    os.environ.pop("STATE_DATABASE_URL", None)
    try:
        if engine == "sqlite":
            path = folder / "state.sqlite3"
            yield StateDatabase(f"state:\n  path: {path}\n", dict(os.environ), path)
            return
        with _fresh_schema() as url:
            os.environ["STATE_DATABASE_URL"] = url
            os.environ.setdefault("STATE_HMAC_KEY", BENCH_KEY)
            yield StateDatabase(f"state:\n  path: {folder / 'unused.sqlite3'}\n", dict(os.environ), url)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
