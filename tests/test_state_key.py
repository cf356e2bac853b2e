"""The pseudonym key lives outside the state database (security review L1)."""

from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.state import StateStore
from bot.state.keys import KEY_ENV, key_path
from tests.helpers import ROOT


def meta(path: Path) -> dict[str, str]:
    return dict(sqlite3.connect(path).execute("SELECT key, value FROM meta").fetchall())


async def test_the_database_alone_cannot_reverse_pseudonyms(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    async with await StateStore.open(path) as state:
        await state.record_lookup(424242, "unknown", "QN-2025-000123")
        pseudonym = state.user_key(424242)
    assert "user_key_secret" not in meta(path)  # a copy of the file holds no key
    stored = " ".join(str(value) for row in sqlite3.connect(path).execute("SELECT * FROM lookups") for value in row)
    assert pseudonym in stored and "424242" not in stored and "QN-2025-000123" not in stored
    key_file = key_path(path)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    async with await StateStore.open(path) as state:  # a restart: the same pseudonyms
        assert state.user_key(424242) == pseudonym


async def test_an_older_database_keeps_its_pseudonyms_and_loses_its_key(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    legacy = "ab" * 32
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("INSERT INTO meta VALUES ('user_key_secret', ?)", (legacy,))
    db.commit()
    db.close()
    async with await StateStore.open(path) as state:
        assert state.user_key(7) == hmac.new(bytes.fromhex(legacy), b"7", hashlib.sha256).hexdigest()
    assert "user_key_secret" not in meta(path)
    assert key_path(path).read_text(encoding="ascii").strip() == legacy


async def test_a_key_from_the_environment_is_used_and_no_file_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "k" * 40
    monkeypatch.setenv(KEY_ENV, key)
    path = tmp_path / "state.sqlite3"
    async with await StateStore.open(path) as state:
        assert state.user_key(7) == hmac.new(key.encode(), b"7", hashlib.sha256).hexdigest()
    assert not key_path(path).exists()


def test_a_short_key_in_the_environment_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"faq:\n  dir: {ROOT / 'faq'}\nstate:\n  path: {tmp_path / 's.sqlite3'}\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config), "faq", "gaps"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env={**os.environ, KEY_ENV: "short"},
    )
    assert result.returncode == 2
    assert "STATE_HMAC_KEY: khóa bí mật phải có ít nhất 32 ký tự" in result.stderr
    assert "Traceback" not in result.stderr
