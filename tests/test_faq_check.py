"""`faq check`: staff mistakes are reported as `file:line: message`, and the shipped FAQ is clean."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from textwrap import dedent

from bot.config import MatchingSettings, Settings
from bot.faq.check import CheckRules, check_faq
from bot.faq.loader import load_faq
from bot.faq.matcher import Thresholds

TODAY = dt.date(2026, 11, 27)
RULES = CheckRules(
    max_answer_chars=300,
    min_alternatives=2,
    review_max_age_days=365,
    near_duplicate_score=90,
    ended_markers=("luật cũ",),
)
LIST = """\
instruments:
  - name: Luật Thi hành án dân sự 2008 (26/2008/QH12)
    cited_as: [26/2008/QH12]
    status: hết hiệu lực
    since: 2026-07-01
"""

GOOD = """\
category: {id: nop-tien, title: Nộp tiền}
entries:
  - id: noi-nop-tien
    question: Nộp tiền thi hành án ở đâu?
    alternatives: [Tôi nộp tiền ở chỗ nào, Chuyển khoản tiền thi hành án được không]
    answer: Nộp tại cơ quan thi hành án, gọi {hotline}.
    legal_basis: [Luật Thi hành án dân sự 2025 (106/2025/QH15)]
    related: [tra-gop]
    reviewed: 2026-11-01
  - id: tra-gop
    question: Có được trả góp tiền thi hành án không?
    alternatives: [Tôi trả dần từng tháng được không, Không đủ tiền trả một lần thì sao]
    answer: Có thể thỏa thuận trả dần với người được thi hành án.
    legal_basis:
      - Luật Thi hành án dân sự 2008, Điều 45 (26/2008/QH12) — luật cũ
    reviewed: 2026-11-01
"""


def run(tmp_path: Path, files: dict[str, str]) -> list[str]:
    for name, text in {"van-ban.yaml": LIST, **files}.items():
        (tmp_path / name).write_text(dedent(text), encoding="utf-8")
    return [str(p).replace(str(tmp_path) + "/", "") for p in check_faq(tmp_path, RULES, TODAY)]


def test_a_good_file_has_no_problem(tmp_path: Path) -> None:
    assert run(tmp_path, {"nop-tien.yaml": GOOD}) == []


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    broken = GOOD.replace("    answer: Có thể", "    answer: [Có thể")
    problems = run(tmp_path, {"nop-tien.yaml": broken})
    assert len(problems) == 1
    assert problems[0].startswith("nop-tien.yaml:14: lỗi: lỗi cú pháp YAML")


def test_tab_indentation_is_reported(tmp_path: Path) -> None:
    problems = run(tmp_path, {"a.yaml": GOOD.replace("    reviewed: 2026-11-01\n  - id: tra-gop", "\treviewed: x\n")})
    assert any(":9: lỗi: lỗi cú pháp YAML" in p for p in problems), problems


def test_missing_and_empty_fields(tmp_path: Path) -> None:
    text = GOOD.replace("    answer: Có thể thỏa thuận trả dần với người được thi hành án.\n", "")
    text = text.replace("    legal_basis: [Luật Thi hành án dân sự 2025 (106/2025/QH15)]\n", "    legal_basis: []\n")
    problems = run(tmp_path, {"nop-tien.yaml": text})
    assert "nop-tien.yaml:7: lỗi: thiếu hoặc để trống danh sách 'legal_basis'" in problems
    assert "nop-tien.yaml:10: lỗi: thiếu hoặc để trống trường 'answer'" in problems


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    other = GOOD.replace("id: nop-tien,", "id: khac,").replace("id: tra-gop", "id: tra-gop-2")
    problems = run(tmp_path, {"a.yaml": GOOD, "b.yaml": other})
    assert "b.yaml:3: lỗi: id 'noi-nop-tien' đã dùng ở a.yaml:3; mỗi id phải là duy nhất" in problems


def test_unknown_related_id(tmp_path: Path) -> None:
    problems = run(tmp_path, {"a.yaml": GOOD.replace("related: [tra-gop]", "related: [tra-gopp]")})
    assert problems == ["a.yaml:8: lỗi: 'noi-nop-tien': related nhắc đến 'tra-gopp' nhưng không có mục nào có id này"]


def test_answer_too_long_and_unknown_placeholder(tmp_path: Path) -> None:
    text = GOOD.replace("gọi {hotline}.", "gọi {so_dien_thoai}. " + "Rất dài. " * 40)
    problems = run(tmp_path, {"a.yaml": text})
    assert any("answer dài 409 ký tự, quá 300" in p for p in problems), problems
    assert any("{so_dien_thoai}" in p and p.startswith("a.yaml:6:") for p in problems), problems


def test_near_duplicate_alternative_names_both_entries(tmp_path: Path) -> None:
    text = GOOD.replace("Tôi nộp tiền ở chỗ nào", "Có được trả góp tiền thi hành án không ạ")
    problems = run(tmp_path, {"a.yaml": text})
    assert len(problems) == 1
    assert problems[0].startswith("a.yaml:5: lỗi: 'noi-nop-tien': câu hỏi phụ")
    assert "câu hỏi chính của 'tra-gop' (điểm 100)" in problems[0]


def test_stale_review_is_a_warning(tmp_path: Path) -> None:
    stale = GOOD.replace("reviewed: 2026-11-01\n  - id: tra-gop", "reviewed: 2024-01-02\n  - id: tra-gop")
    problems = run(tmp_path, {"a.yaml": stale})
    assert problems == [
        "a.yaml:9: cảnh báo: 'noi-nop-tien': rà soát lần cuối 02/01/2024, đã quá 365 ngày; "
        "hãy đối chiếu lại với luật hiện hành"
    ]


def test_impossible_date(tmp_path: Path) -> None:
    impossible = GOOD.replace("reviewed: 2026-11-01\n  - id: tra-gop", "reviewed: 2026-13-45\n  - id: tra-gop")
    problems = run(tmp_path, {"a.yaml": impossible})
    assert "a.yaml:9: lỗi: 'reviewed': giá trị không hợp lệ" in problems


def test_superseded_law_without_marker(tmp_path: Path) -> None:
    problems = run(tmp_path, {"a.yaml": GOOD.replace(" — luật cũ\n", "\n")})
    assert problems == [
        "a.yaml:15: lỗi: 'tra-gop': căn cứ 'Luật Thi hành án dân sự 2008, Điều 45 (26/2008/QH12)' "
        "dẫn Luật Thi hành án dân sự 2008 (26/2008/QH12), văn bản đã hết hiệu lực từ 01/07/2026. "
        "Hãy dẫn văn bản đang có hiệu lực; nếu chỉ nhắc quy định cũ, ghi '— luật cũ' ở cuối dòng"
    ]


def test_duplicate_key_and_unknown_key(tmp_path: Path) -> None:
    text = GOOD.replace("    related: [tra-gop]\n", "    related: [tra-gop]\n    relatd: [x]\n    answer: again\n")
    problems = run(tmp_path, {"a.yaml": text})
    assert "a.yaml:10: lỗi: khóa 'answer' bị lặp lại; chỉ giữ một" in problems
    assert "a.yaml:9: lỗi: khóa 'relatd' không được hỗ trợ (kiểm tra chính tả)" in problems


def test_binary_and_empty_files_do_not_crash(tmp_path: Path) -> None:
    (tmp_path / "rac.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe")
    (tmp_path / "trong.yaml").write_text("", encoding="utf-8")
    problems = run(tmp_path, {"a.yaml": GOOD})
    assert any(p.startswith("rac.yaml:1: lỗi: tệp không phải UTF-8") for p in problems), problems
    assert "trong.yaml:1: lỗi: tệp trống: chưa có câu hỏi nào" in problems
    faq, _, _ = load_faq(tmp_path)
    assert set(faq.entries) == {"noi-nop-tien", "tra-gop"}  # good files still load


def test_broken_synonyms_file(tmp_path: Path) -> None:
    (tmp_path / "synonyms.yaml").write_text("abbreviations:\n  THA:\nsynonyms:\n  - [chỉ một từ]\n", encoding="utf-8")
    problems = run(tmp_path, {"a.yaml": GOOD})
    assert "synonyms.yaml:2: lỗi: 'THA': thiếu dạng đầy đủ" in problems
    assert "synonyms.yaml:4: lỗi: mỗi nhóm đồng nghĩa cần ít nhất 2 từ, từ đầu tiên là dạng chuẩn" in problems


def test_shipped_faq_has_no_error(settings: Settings) -> None:
    thresholds = Thresholds.from_settings(settings.matching)
    problems = check_faq(settings.faq.dir, CheckRules.from_settings(settings.faq), thresholds=thresholds)
    assert [str(p) for p in problems if not p.warning] == []


def test_every_shipped_entry_has_tests(settings: Settings) -> None:
    faq, _, _ = load_faq(settings.faq.dir)
    assert [entry.id for entry in faq.entries.values() if not entry.tests] == []


def with_tests(*questions: str) -> str:
    """GOOD with `tests:` questions on its first entry (items on lines 10, 11, ...)."""
    items = "".join(f"      - {question}\n" for question in questions)
    return GOOD.replace("    related: [tra-gop]\n", f"    related: [tra-gop]\n    tests:\n{items}")


def test_entry_tests_that_the_bot_answers_with_their_entry_pass(tmp_path: Path) -> None:
    assert run(tmp_path, {"a.yaml": with_tests("nop tien thi hanh an o dau", "Tôi nộp tiền ở chỗ nào vậy")}) == []


def test_entry_test_answered_by_another_entry_names_it_at_the_item_line(tmp_path: Path) -> None:
    problems = run(tmp_path, {"a.yaml": with_tests("nop tien o dau", "Có được trả góp tiền thi hành án không ạ")})
    assert problems == [
        "a.yaml:11: lỗi: 'noi-nop-tien': câu thử \"Có được trả góp tiền thi hành án không ạ\" "
        "không khớp mục này — bot trả lời 'tra-gop' (điểm 100)"
    ]


def test_entry_test_matching_nothing(tmp_path: Path) -> None:
    problems = run(tmp_path, {"a.yaml": with_tests("thời tiết hôm nay thế nào")})
    assert problems == [
        "a.yaml:10: lỗi: 'noi-nop-tien': câu thử \"thời tiết hôm nay thế nào\" "
        "không khớp mục này — bot không tìm thấy mục nào"
    ]


def test_entry_tests_use_the_given_thresholds(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(with_tests("tôi nộp tiền thi hành án ở chỗ nào"), encoding="utf-8")
    (tmp_path / "van-ban.yaml").write_text(LIST, encoding="utf-8")
    assert check_faq(tmp_path, RULES, TODAY) == []
    strict = Thresholds.from_settings(MatchingSettings(confident_score=100, evidence_score=100))
    problems = [p.message for p in check_faq(tmp_path, RULES, TODAY, strict)]
    assert problems == [
        "'noi-nop-tien': câu thử \"tôi nộp tiền thi hành án ở chỗ nào\" không khớp mục này "
        "— bot chỉ gợi ý: noi-nop-tien"
    ]


def test_a_single_string_where_a_list_is_expected_is_one_item(tmp_path: Path) -> None:
    text = GOOD.replace("related: [tra-gop]", "related: tra-gop").replace(
        "legal_basis: [Luật Thi hành án dân sự 2025 (106/2025/QH15)]",
        "legal_basis: Luật Thi hành án dân sự 2025 (106/2025/QH15)",
    )
    assert run(tmp_path, {"nop-tien.yaml": text}) == []
    faq, _, _ = load_faq(tmp_path)
    assert faq.entries["noi-nop-tien"].related == ("tra-gop",)


def test_editor_lock_and_backup_files_are_not_categories(tmp_path: Path) -> None:
    (tmp_path / ".#nop-tien.yaml").write_text("not: [yaml", encoding="utf-8")
    (tmp_path / "#nop-tien.yaml#").write_text("not: [yaml", encoding="utf-8")
    assert run(tmp_path, {"nop-tien.yaml": GOOD}) == []


def test_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    rows = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    rows += [f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]" for a, b in zip("abcdefg", "bcdefgh", strict=True)]
    problems = run(tmp_path, {"bomb.yaml": "\n".join(rows) + "\n"})
    assert problems == [
        "bomb.yaml:1: lỗi: tệp dùng tham chiếu YAML (&, *) lồng nhau quá nhiều; hãy viết nội dung trực tiếp"
    ]
