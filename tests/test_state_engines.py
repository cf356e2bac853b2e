"""The two state engines (bot/state/engine.py, bot/state/schema.py): versioned migrations, an
existing SQLite file upgraded in place, the same tables on both, the values PostgreSQL is strict
about, transactions on the shared connection, and state.url in the configuration."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

import psycopg
import pytest

from bot.__main__ import main
from bot.announce.model import Content, Status
from bot.config import ConfigError, load_settings
from bot.state import StateStore
from bot.state.engine import connect
from bot.state.keys import StateKeyError
from bot.state.schema import MIGRATIONS
from tests.postgres import TEST_KEY, fresh_schema, rows, skip_without_server


def columns(target: Path | str) -> dict[str, list[str]]:
    """Each table's columns, in order, read from the engine's own catalogue."""
    if isinstance(target, Path):
        tables = [row[0] for row in rows(target, "SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: [str(row[1]) for row in rows(target, f"PRAGMA table_info({table})")] for table in tables}
    found: dict[str, list[str]] = {}
    for table, column in rows(
        target,
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
    ):
        found.setdefault(str(table), []).append(str(column))
    return found


async def test_a_new_database_is_at_the_latest_version_and_reopening_changes_nothing(state_url: Path | str) -> None:
    for _ in range(2):
        async with await StateStore.open(state_url):
            pass
    assert rows(state_url, "SELECT version FROM schema_version") == [(step,) for step in range(1, len(MIGRATIONS) + 1)]


async def test_instances_starting_together_migrate_once(state_url: Path | str) -> None:
    stores = await asyncio.gather(*(StateStore.open(state_url) for _ in range(4)))
    try:
        await stores[0].set_language(1, "en")
        assert [await store.language(1) for store in stores] == ["en"] * 4
    finally:
        for store in stores:
            await store.close()
    assert len(rows(state_url, "SELECT version FROM schema_version")) == len(MIGRATIONS)


LEGACY = Path(__file__).parent / "data" / "state-before-migrations.sql"
LEGACY_KEY = "legacy-test-key-0123456789abcdef0123456789"


def schema_sql(path: Path) -> dict[str, str]:
    found = rows(path, "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
    return {str(name): str(sql) for name, sql in found}


async def test_a_file_from_before_versioned_migrations_upgrades_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATE_HMAC_KEY", LEGACY_KEY)
    path = tmp_path / "state.sqlite3"
    with sqlite3.connect(path) as db:  # written by the previous release's own StateStore
        db.executescript(LEGACY.read_text(encoding="utf-8"))
    async with await StateStore.open(path) as state:
        assert await state.language(555001) == "en"  # the same pseudonyms
        assert [(q.text, q.score) for q in await state.questions()] == [("ly hon thi sao", 20.5)]
        assert await state.record_feedback("tra-gop", True, voter=555001) is False  # already voted
        assert await state.failed_case_lookups("QN-2026-000001", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)) == 1
        assert await state.case_subscriptions() == [(555001, "QN-2026-000001", "2026-11-01")]
        [sending] = await state.announcements.with_status(Status.SENDING)
        assert (sending.counts.total, sending.counts.sent) == (2, 1)
        assert await state.announcements.pending(sending.id, 1e12, 10) == [(555002, 0)]  # still to send
        assert await state.announcements.create("chung", Content("Mới."), 1, "t", status=Status.DRAFT) == 2
    assert rows(path, "SELECT version FROM schema_version") == [(step,) for step in range(1, len(MIGRATIONS) + 1)]
    async with await StateStore.open(tmp_path / "new.sqlite3"):
        pass
    upgraded, fresh = schema_sql(path), schema_sql(tmp_path / "new.sqlite3")
    assert upgraded == fresh  # step 1 on SQLite is exactly the previous release's schema


async def test_a_lost_postgresql_connection_fails_one_statement_then_reconnects() -> None:
    skip_without_server()
    with fresh_schema() as schema_url:
        db = await connect(schema_url)
        try:
            row = await db.fetchone("SELECT pg_backend_pid()")
            assert row is not None
            rows(schema_url, f"SELECT pg_terminate_backend({int(row[0])})")  # a server restart, for this connection
            with pytest.raises(psycopg.OperationalError):
                await db.fetchone("SELECT 1")
            assert await db.fetchone("SELECT 1") == (1,)
        finally:
            await db.close()


async def test_both_engines_have_the_same_tables_and_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    skip_without_server()
    monkeypatch.setenv("STATE_HMAC_KEY", TEST_KEY)
    async with await StateStore.open(tmp_path / "state.sqlite3"):
        pass
    with fresh_schema() as schema_url:
        async with await StateStore.open(schema_url):
            pass
        assert columns(schema_url) == columns(tmp_path / "state.sqlite3")


async def test_telegram_ids_beyond_32_bits_and_odd_text_are_kept(state_url: Path | str) -> None:
    group = -1001234567890  # a supergroup's chat id
    async with await StateStore.open(state_url) as state:
        await state.announcements.subscribe(group, ["chung"])
        await state.subscribe_case(group, "QN-2026-000001", "2026-11-01")
        await state.record_question("a\x00b " + "ư" * 2000, "none", 12.345678901, None)
        number = await state.announcements.create(
            "chung", Content("x"), 9_000_000_000, "t", status=Status.SCHEDULED, send_at=None
        )
        assert await state.announcements.update(number, [Status.SCHEDULED], Status.SCHEDULED, approval_asked=True)
        assert await state.announcements.topics_of(group) == {"chung"}
        assert await state.case_subscriptions() == [(group, "QN-2026-000001", "2026-11-01")]
        [question] = await state.questions()
        assert question.score == 12.345678901 and len(question.text or "") == 1000
        assert (question.text or "").startswith("a") and (question.text or "")[2:4] == "b "
        item = await state.announcements.get(number)
        assert item is not None and item.author_id == 9_000_000_000


async def test_a_transaction_commits_together_or_not_at_all(state_url: Path | str) -> None:
    db = await connect(state_url)
    try:
        async with await StateStore.open(state_url):
            pass
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.execute(
                    "INSERT INTO refusals (refused_at, user_key, action) VALUES (?, ?, ?)", ("t", "k", "inside")
                )
                await asyncio.sleep(0)
                raise RuntimeError("stop")
        outside = asyncio.create_task(
            db.execute("INSERT INTO refusals (refused_at, user_key, action) VALUES (?, ?, ?)", ("t", "k", "outside"))
        )
        async with db.transaction():  # another coroutine's statement waits; it never joins this one
            await db.execute("INSERT INTO refusals (refused_at, user_key, action) VALUES (?, ?, ?)", ("t", "k", "kept"))
            await asyncio.sleep(0.05)
            assert not outside.done()
        await outside
        assert sorted(row[0] for row in await db.fetchall("SELECT action FROM refusals")) == ["kept", "outside"]
    finally:
        await db.close()


async def test_postgresql_needs_the_pseudonym_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    skip_without_server()
    monkeypatch.delenv("STATE_HMAC_KEY", raising=False)
    monkeypatch.delenv("STATE_HMAC_KEY_FILE", raising=False)
    with fresh_schema() as schema_url, pytest.raises(StateKeyError, match="STATE_HMAC_KEY"):
        await StateStore.open(schema_url)


def write(tmp_path: Path, state: str) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text(f"state:\n{state}", encoding="utf-8")
    return config


def test_state_url_in_the_configuration_and_the_environment(tmp_path: Path) -> None:
    default = load_settings(write(tmp_path, "  retention_days: 30\n"), environ={})
    assert default.state.database == tmp_path / "data" / "state.sqlite3"
    relative = load_settings(write(tmp_path, "  url: sqlite:///other/s.db\n"), environ={})
    assert relative.state.database == tmp_path / "other" / "s.db"
    postgres = load_settings(write(tmp_path, "  url: postgresql://bot@db.internal:5432/thads\n"), environ={})
    assert postgres.state.database == "postgresql://bot@db.internal:5432/thads"
    secret = "postgresql://bot:s3cret@db.internal/thads"
    overridden = load_settings(write(tmp_path, "  retention_days: 30\n"), environ={"STATE_DATABASE_URL": secret})
    assert overridden.state.database == secret  # the password may come from the environment
    with pytest.raises(ConfigError, match="mật khẩu"):
        load_settings(write(tmp_path, f"  url: {secret}\n"), environ={})
    with pytest.raises(ConfigError, match="sqlite"):
        load_settings(write(tmp_path, "  url: mysql://x/y\n"), environ={})
    with pytest.raises(ConfigError, match="STATE_DATABASE_URL"):
        load_settings(write(tmp_path, "  retention_days: 30\n"), environ={"STATE_DATABASE_URL": "mysql://x/y"})


def test_the_commands_say_clearly_when_postgresql_is_missing_its_key_or_its_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write(tmp_path, "  url: postgresql://postgres@127.0.0.1:1/none\n")
    monkeypatch.delenv("STATE_HMAC_KEY", raising=False)
    monkeypatch.delenv("STATE_HMAC_KEY_FILE", raising=False)
    monkeypatch.delenv("STATE_DATABASE_URL", raising=False)
    assert main(["--config", str(config), "announce", "status"]) == 2
    assert "STATE_HMAC_KEY" in capsys.readouterr().err
    monkeypatch.setenv("STATE_HMAC_KEY", TEST_KEY)
    assert main(["--config", str(config), "announce", "status"]) == 3
    err = capsys.readouterr().err
    assert "không kết nối được cơ sở dữ liệu PostgreSQL" in err and "Traceback" not in err


def test_the_commands_work_on_postgresql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    skip_without_server()
    monkeypatch.setenv("STATE_HMAC_KEY", TEST_KEY)
    notice = tmp_path / "notice.txt"
    notice.write_text("Lịch tiếp công dân tháng 12.", encoding="utf-8")
    config = write(tmp_path, "  retention_days: 30\n")
    with fresh_schema() as schema_url:
        monkeypatch.setenv("STATE_DATABASE_URL", schema_url)
        assert (
            main(
                [
                    "--config",
                    str(config),
                    "announce",
                    "--topic",
                    "chung",
                    "--text-file",
                    str(notice),
                    "--at",
                    "01/01/2099 08:00",
                ]
            )
            == 0
        )
        assert main(["--config", str(config), "announce", "cancel", "1"]) == 0
        assert "Đã hủy thông báo #1" in capsys.readouterr().out
        assert rows(schema_url, "SELECT status FROM announcements") == [("cancelled",)]
    assert not (tmp_path / "data").exists()  # nothing written to SQLite
