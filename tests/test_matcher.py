"""Matcher quality on the question set, and robustness to what citizens really send."""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.faq.matcher import Matcher, _question_sentence

CASES = yaml.safe_load((Path(__file__).parent / "data" / "questions.yaml").read_text(encoding="utf-8"))
IN_SCOPE = [c for c in CASES if c["expect"]]
OUT_OF_SCOPE = [c for c in CASES if not c["expect"]]
OLD_TONES = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "òe": "oè", "óe": "oé", "ủy": "uỷ", "úy": "uý",
             "ùy": "uỳ", "ũy": "uỹ", "ụy": "uỵ"}


def test_question_set_is_big_enough() -> None:
    kinds = Counter(c["kind"] for c in CASES)
    assert len(CASES) >= 250
    assert len(OUT_OF_SCOPE) >= 60
    assert {"short", "no_diacritics", "typo_teencode", "story", "english", "near_miss"} <= set(kinds)


def test_accuracy_targets(matcher: Matcher) -> None:
    """Top-1: the first thing the citizen is shown (the answer, or the first "did you mean")."""
    results = [(c, matcher.match(c["q"])) for c in CASES]
    first = [(c, r.candidates[0].entry_id if r.candidates else None) for c, r in results]
    top1 = sum(1 for c, got in first if c["expect"] and got == c["expect"])
    wrong = [(c["q"], c["expect"], r.entry_id) for c, r in results
             if c["expect"] and r.entry_id not in (None, c["expect"])]
    rejected = sum(1 for c, r in results if not c["expect"] and r.entry_id is None)
    assert top1 / len(IN_SCOPE) >= 0.95, f"top-1 accuracy {top1}/{len(IN_SCOPE)}"
    assert len(wrong) / len(IN_SCOPE) <= 0.02, wrong
    assert rejected / len(OUT_OF_SCOPE) >= 0.90, f"out-of-scope rejected {rejected}/{len(OUT_OF_SCOPE)}"


def test_unicode_forms_and_tone_placement_do_not_change_results(matcher: Matcher) -> None:
    sample = [c["q"] for c in CASES if c["kind"] in {"plain", "story"}]
    for question in sample:
        expected = matcher.match(question)
        old_style = question
        for new, old in OLD_TONES.items():
            old_style = old_style.replace(new, old)
        assert matcher.match(unicodedata.normalize("NFD", question)) == expected
        assert matcher.match(old_style) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Tôi được mấy ngày để tự nguyện trả tiền?", "thoi-han-tu-nguyen"),
        ("tra gop tien thi hanh an dc ko", "tra-gop"),
        ("CHV kê biên nhà tôi có đúng không", "ke-bien-tai-san"),
        ("tôi có bị cấm xuất cảnh không khi còn nợ thi hành án", "tam-hoan-xuat-canh"),
        ("Can I pay in instalments?", "tra-gop"),
        ("thi hành án tử hình thực hiện ra sao", None),
        ("án treo là gì", None),
        ("phí công chứng hợp đồng mua bán nhà bao nhiêu", None),
        ("thời hạn kháng cáo bản án sơ thẩm", None),
    ],
)
def test_typical_questions(matcher: Matcher, question: str, expected: str | None) -> None:
    assert matcher.match(question).entry_id == expected


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   ",
        "🙏🙏🙏",
        "?!.,;",
        "a" * 10_000,
        "thi hành án " * 2_000,
        "".join(chr(random.Random(1).randrange(0x20, 0x2FFF)) for _ in range(5_000)),
        "\x00\x01\x02\ufffd",
        "'; DROP TABLE faq; --",
    ],
)
def test_odd_input_never_fails(matcher: Matcher, message: str) -> None:
    result = matcher.match(message)
    assert result.outcome in {"answer", "suggest", "none"}
    assert len(result.candidates) <= matcher.thresholds.max_suggestions


def test_question_sentence_of_a_story() -> None:
    story = (
        "Năm 2022 tôi cho người quen vay 200 triệu. Tòa xử tôi thắng, bản án có hiệu lực rồi. "
        "Họ vẫn không trả. Vậy tôi nộp đơn yêu cầu thi hành án ở đâu ạ? Cảm ơn anh chị."
    )
    assert _question_sentence(story) == " Vậy tôi nộp đơn yêu cầu thi hành án ở đâu ạ?"
    assert _question_sentence("nop don o dau") is None


def test_a_story_is_answered_from_its_question(matcher: Matcher) -> None:
    story = (
        "Chồng cũ tôi phải cấp dưỡng cho con theo bản án ly hôn từ năm ngoái, mỗi tháng 2 triệu, nhưng "
        "từ đó tới giờ không đưa đồng nào, gọi điện thì không nghe. Tôi đã nộp đơn và có quyết định thi hành "
        "án rồi. Giờ tôi muốn biết hồ sơ của tôi đang tới đâu thì tra cứu ở đâu?"
    )
    assert matcher.match(story).candidates[0].entry_id == "tra-cuu-ho-so"


def test_exact_phrasing_is_answered_even_when_neighbours_are_close(matcher: Matcher) -> None:
    result = matcher.match("Thời hạn tự nguyện thi hành án là bao lâu?")
    assert result.outcome == "answer"
    assert result.entry_id == "thoi-han-tu-nguyen"


def test_zero_width_characters_do_not_lower_the_score(matcher: Matcher) -> None:
    plain = matcher.match("co duoc tra gop khong")
    assert matcher.match("co duoc tr\u200ba g\u200cop khong") == plain
