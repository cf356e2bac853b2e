"""Terminal commands on edge input (review L10, L13, issue item 14): a missing or empty FAQ
folder, a configuration whose relative paths point nowhere, a send time past year 9999, and
stored question texts carrying terminal escape sequences."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.state import StateStore

pytestmark = pytest.mark.slow  # each test runs `python -m bot` as a real process

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], check=False, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("kind", ["empty", "missing"])
def test_ask_with_a_missing_or_empty_faq_folder_is_one_clear_line(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "faq"
    if kind == "empty":
        folder.mkdir()
    result = run("ask", "--faq", str(folder), "có được trả góp không")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(folder) in lines[0] and lines[0].startswith("Lỗi:")


@pytest.mark.parametrize("command", [("console",), ("faq", "stats"), ("faq", "gaps"), ("ask", "trả góp")])
def test_a_config_outside_the_project_with_relative_paths_is_one_clear_line(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    config = tmp_path / "elsewhere" / "config.yaml"
    config.parent.mkdir()
    config.write_text("faq:\n  dir: faq\nstate:\n  path: data/state.sqlite3\n", encoding="utf-8")
    result = run("--config", str(config), *command)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"Lỗi: không có thư mục câu hỏi {config.parent / 'faq'} (kiểm tra faq.dir trong "
        "cấu hình hoặc --faq / --dir). (FAQ folder not found.)"
    )


@pytest.mark.parametrize("moment", ["9999-12-31T23:00-05:00", "9999-12-31T23:00+00:00"])
def test_a_send_time_past_year_9999_is_a_clear_error(tmp_path: Path, moment: str) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text("Lịch tiếp công dân.", encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(f"faq:\n  dir: {ROOT / 'faq'}\nstate:\n  path: {tmp_path / 'state.sqlite3'}\n", encoding="utf-8")
    result = run("--config", str(config), "announce", "--topic", "chung", "--text-file", str(notice), "--at", moment)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith(f"--at: không hiểu thời điểm '{moment}'")


def test_stored_escape_sequences_do_not_reach_the_terminal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = "ly hôn \x1b]52;c;ZWNobyBoaQ==\x07 chia tài sản \x1b[2K\x1b[1A \u202egnp.exe\x9b31m"

    async def fill() -> None:
        async with await StateStore.open(tmp_path / "state.sqlite3") as state:
            for _ in range(3):
                await state.record_question(hostile, "none", 10.0, None)

    asyncio.run(fill())
    config = tmp_path / "config.yaml"
    config.write_text(f"faq:\n  dir: {ROOT / 'faq'}\nstate:\n  path: {tmp_path / 'state.sqlite3'}\n", encoding="utf-8")
    assert main(["--config", str(config), "faq", "gaps"]) == 0
    out = capsys.readouterr().out
    assert "ly hôn" in out and "chia tài sản" in out
    assert not any(c in out for c in "\x1b\x07\x9b\u202e")
