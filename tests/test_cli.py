"""The command line, run as a real process the way staff and evaluators use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each test runs `python -m bot` as a real process

ROOT = Path(__file__).resolve().parent.parent


def bot(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"TELEGRAM_BOT_TOKEN", "BOT_CONFIG"}}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**environ, **(env or {})},
        timeout=120,
        check=False,
    )


def test_ask_json_reads_one_question_per_line() -> None:
    done = bot("ask", "--json", stdin="Nộp tiền thi hành án ở đâu?\n\nthoi tiet hom nay the nao\n")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [row["question"] for row in rows] == ["Nộp tiền thi hành án ở đâu?", "thoi tiet hom nay the nao"]
    assert rows[0]["match"] == "noi-nop-tien"
    assert rows[1]["match"] is None
    for row in rows:
        assert set(row) == {"question", "match", "score", "suggestions"}
        assert isinstance(row["score"], float | int)
        assert all(set(s) == {"id", "score"} for s in row["suggestions"])


def test_ask_on_a_minimal_foreign_faq(tmp_path: Path) -> None:
    (tmp_path / "any.yaml").write_text(
        "- id: mot\n  question: Giờ làm việc của thư viện?\n  answer: Từ 8 giờ.\n"
        "- id: hai\n  question: Mượn sách cần thẻ gì?\n  answer: Thẻ bạn đọc.\n"
        "- id: ba\n  question: Thư viện có wifi không?\n  answer: Có.\n",
        encoding="utf-8",
    )
    done = bot("ask", "--faq", str(tmp_path), "--json", "muon sach can the j", "gio lam viec thu vien")
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["match"] for line in done.stdout.splitlines()] == ["hai", "mot"]


def test_ask_plain_text_shows_answer_and_legal_basis() -> None:
    done = bot("ask", "thời hạn tự nguyện thi hành án là bao lâu")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("[thoi-han-tu-nguyen, điểm 100]\nThời hạn tự nguyện thi hành án là bao lâu?")
    assert "\nCăn cứ pháp lý\n• Luật Thi hành án dân sự 2025 (106/2025/QH15)" in done.stdout
    assert "Cập nhật ngày 30/11/2026" in done.stdout


def test_faq_check_passes_on_shipped_faq_and_fails_on_broken(tmp_path: Path) -> None:
    assert bot("faq", "check").returncode == 0
    (tmp_path / "hong.yaml").write_text(
        "category: {id: x, title: X}\nentries:\n  - id: a\n    question: [\n", encoding="utf-8"
    )
    done = bot("faq", "check", str(tmp_path))
    assert done.returncode == 1
    assert done.stdout.startswith(f"{tmp_path}/hong.yaml:5: lỗi: lỗi cú pháp YAML")
    assert "Kết quả: 1 lỗi" in done.stderr


def test_bad_configuration_exits_naming_the_key(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("matching:\n  margn: 5\n", encoding="utf-8")
    done = bot("--config", str(config), "ask", "x")
    assert done.returncode == 2
    assert "matching.margn: khóa không được hỗ trợ" in done.stderr


def test_console_without_token_answers_from_stdin(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"faq:\n  dir: {ROOT / 'faq'}\nstate:\n  path: {tmp_path / 'state.sqlite3'}\n", encoding="utf-8")
    done = bot("run", stdin="có được trả góp không\n4\n/lang en\nhello\n", env={"BOT_CONFIG": str(config)})
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Xin chào! Tôi là trợ lý hỏi đáp" in out
    assert "[1] ❓ Đặt câu hỏi" in out
    assert "có được trả góp, trả dần không?" in out  # the answer's question
    assert "Căn cứ pháp lý" in out
    assert "(Cảm ơn bạn đã góp ý!)" in out  # button 4 was "Hữu ích"
    assert "Switched to English." in out
    assert "Hello! What would you like to know" in out
    assert (tmp_path / "state.sqlite3").exists()


def test_faq_check_reports_glossary_mistakes(tmp_path: Path) -> None:
    glossary = tmp_path / "statuses.yaml"
    glossary.write_text("statuses:\n  - id: tu-nguyen\n    title: Tự nguyện\n", encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text(f"faq:\n  dir: {ROOT / 'faq'}\ncases:\n  glossary: {glossary}\n", encoding="utf-8")
    done = bot("--config", str(config), "faq", "check")
    assert done.returncode == 1
    assert f"{glossary}:2: lỗi: mỗi trạng thái cần id, title, meaning, next_steps" in done.stdout


def test_console_subscription_and_archive(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"faq:\n  dir: {ROOT / 'faq'}\nstate:\n  path: {tmp_path / 'state.sqlite3'}\n", encoding="utf-8")
    done = bot("run", stdin="/dangky\n1\n/thongbao\n/huydangky\n", env={"BOT_CONFIG": str(config)})
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "[1] ⬜ Thông báo chung" in out and "[1] ✅ Thông báo chung" in out
    assert "Chưa có thông báo nào được đăng." in out
    assert "Bạn đã hủy đăng ký tất cả thông báo (1 chủ đề)" in out


def test_announce_command_queues_lists_and_cancels(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(f"state:\n  path: {tmp_path / 'state.sqlite3'}\n", encoding="utf-8")
    notice = tmp_path / "notice.txt"
    notice.write_text("Thông báo lịch tiếp công dân tháng 12/2026.", encoding="utf-8")
    wrong_topic = bot("--config", str(config), "announce", "--topic", "tin-vui", "--text-file", str(notice))
    assert wrong_topic.returncode == 1 and "Các chủ đề: chung (Thông báo chung)" in wrong_topic.stderr
    past = bot(
        "--config", str(config), "announce", "--topic", "chung", "--text-file", str(notice), "--at", "1/1/2020 8:00"
    )
    assert past.returncode == 1 and "đã qua" in past.stderr
    binary = tmp_path / "notice.bin"
    binary.write_bytes(b"\xff\xfe\x00binary")
    unreadable = bot("--config", str(config), "announce", "--topic", "chung", "--text-file", str(binary))
    assert unreadable.returncode == 1 and "không đọc được tệp văn bản UTF-8" in unreadable.stderr
    long = tmp_path / "long.txt"
    long.write_text("Lịch tiếp dân {address}. " * 150, encoding="utf-8")  # < 4096 typed, > 4096 once filled
    too_long = bot("--config", str(config), "announce", "--topic", "chung", "--text-file", str(long))
    assert too_long.returncode == 1 and "Hãy rút gọn" in too_long.stderr, too_long.stderr
    queued = bot(
        "--config",
        str(config),
        "announce",
        "--topic",
        "tiep-dan",
        "--text-file",
        str(notice),
        "--at",
        "01/12/2099 08:00",
    )
    assert queued.returncode == 0, queued.stderr
    assert "Đã hẹn gửi thông báo #1 lúc 01/12/2099 08:00 (giờ Việt Nam)." in queued.stdout
    listed = bot("--config", str(config), "announce", "status")
    assert "đã hẹn giờ" in listed.stdout and "Lịch tiếp công dân" in listed.stdout
    assert bot("--config", str(config), "announce", "cancel", "1").returncode == 0
    again = bot("--config", str(config), "announce", "cancel", "1")
    assert again.returncode == 1 and "Không hủy được #1" in again.stderr
    assert "đã hủy" in bot("--config", str(config), "announce", "status").stdout
