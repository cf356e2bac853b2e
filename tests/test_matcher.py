"""Matcher quality on the question set, and robustness to what citizens really send."""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml

from bot.faq.decision import DECISION, FEATURES, Decision
from bot.faq.matcher import Matcher
from bot.faq.story import question_part

CASES = yaml.safe_load((Path(__file__).parent / "data" / "questions.yaml").read_text(encoding="utf-8"))
IN_SCOPE = [c for c in CASES if c["expect"]]
OUT_OF_SCOPE = [c for c in CASES if not c["expect"]]
OLD_TONES = {
    "òa": "oà",
    "óa": "oá",
    "ỏa": "oả",
    "õa": "oã",
    "ọa": "oạ",
    "òe": "oè",
    "óe": "oé",
    "ủy": "uỷ",
    "úy": "uý",
    "ùy": "uỳ",
    "ũy": "uỹ",
    "ụy": "uỵ",
}


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
    wrong = [
        (c["q"], c["expect"], r.entry_id) for c, r in results if c["expect"] and r.entry_id not in (None, c["expect"])
    ]
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


def _without_diacritics(text: str) -> str:
    """What a phone without a Vietnamese keyboard sends: the same letters, no marks, d for đ."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def test_real_questions_typed_without_diacritics_get_the_same_result(matcher: Matcher) -> None:
    """Real citizens often type without accents: every real question (both halves; nothing is
    tuned here, only the sameness is checked), stripped of its marks, is matched exactly as typed."""
    real = yaml.safe_load((Path(__file__).parent / "data" / "real_questions.yaml").read_text(encoding="utf-8"))
    questions = [c["q"] for c in real if c["kind"] != "english"]
    assert len(questions) >= 200
    different = [q[:80] for q in questions if matcher.match(_without_diacritics(q)) != matcher.match(q)]
    assert different == []


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
    assert question_part(story) == " Vậy tôi nộp đơn yêu cầu thi hành án ở đâu ạ?"
    assert question_part("nop don o dau") is None


@pytest.mark.parametrize(
    ("message", "part"),
    [
        # A short last question is read with the asking sentence before it.
        (
            "Tòa buộc họ bồi thường cho tôi 17 triệu. Đã 7 tháng họ vẫn chưa trả. Tôi phải làm gì để được "
            "thi hành án? Thủ tục ra sao?",
            " Tôi phải làm gì để được thi hành án? Thủ tục ra sao?",
        ),
        # "không" inside the story is a negation, not a question; at the end it asks.
        ("Chồng tôi vay tiền. Họ vẫn không trả tiền. Có bị đi tù không. Xin cảm ơn.", " Có bị đi tù không."),
        # Thanks after the question are not the question.
        ("Tôi được tòa xử thắng kiện. Bên kia chưa trả. Nộp đơn ở đâu? Xin chân thành cảm ơn!", " Nộp đơn ở đâu?"),
        # No asking sentence: the last one.
        ("Tôi bị kê biên nhà. Tôi muốn biết thủ tục.", " Tôi muốn biết thủ tục."),
        # Asking for the law that says so is set aside when another sentence asks the question.
        (
            "Tôi bị phạt tiền trong bản án. Tiền phạt có được miễn giảm không? Văn bản pháp luật nào quy định?",
            " Tiền phạt có được miễn giảm không?",
        ),
        # "..." and "TP." inside a sentence do not end it: a piece in lower case goes on before it.
        (
            "Bản án tuyên đã lâu. Vậy thời gian là bao lâu, 1 năm hay 2 năm... mà Nhà nước quy định hiện nay?",
            " Vậy thời gian là bao lâu, 1 năm hay 2 năm... mà Nhà nước quy định hiện nay?",
        ),
        (
            "Tôi ở TP. Quảng Ngãi. Tôi đã nộp đơn ở Phòng Thi hành án khu vực. đến nay chưa có quyết định thì sao?",
            " Tôi đã nộp đơn ở Phòng Thi hành án khu vực. đến nay chưa có quyết định thì sao?",
        ),
        # Typed all in lower case, every sentence starts so: none is joined.
        ("toi thang kien. ho khong tra. nop don o dau?", " nop don o dau?"),
    ],
)
def test_asking_part_of_real_phrasing(message: str, part: str) -> None:
    assert question_part(message) == part


@pytest.mark.parametrize(
    ("message", "part"),
    [
        # The story and the question in one sentence: what follows "cho tôi hỏi" is the question.
        (
            "Tôi có bản án về tiền đặt cọc, vậy Luật sư cho tôi hỏi phí thi hành án được tính như thế nào?",
            "phi thi hanh an duoc tinh nhu the nao?",
        ),
        # The last asking sentence alone: its own "xin hỏi" cuts the story told before it.
        (
            "Con tôi bị phạt tù 5 năm. Đã nộp đủ tiền bồi thường, xin hỏi: cháu có được giảm án không?",
            "chau co duoc giam an khong?",
        ),
        # Too little after the marker to be a question of its own: the sentence is kept whole.
        (
            "Bản án đã có hiệu lực. Tôi ra cơ quan thi hành án xin hỏi thì bảo chờ?",
            " Tôi ra cơ quan thi hành án xin hỏi thì bảo chờ?",
        ),
    ],
)
def test_the_question_after_the_askers_own_i_ask(message: str, part: str) -> None:
    assert question_part(message) == part


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


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # Story first, question last: the story's words (tòa, nợ, nhà) must not pick the entry.
        (
            "Năm 2020 tôi cho người quen vay 300 triệu, tòa xử tôi thắng kiện, bản án đã có hiệu lực. Họ vẫn "
            "ở nhà đó, có xe, nhưng không trả đồng nào. Giờ tôi muốn nhờ cơ quan thi hành án thì phải nộp đơn "
            "yêu cầu thi hành án ở đâu, thủ tục ra sao?",
            "noi-nop-don",
        ),
        (
            "Tôi ly hôn năm 2021, tòa giao con cho tôi nuôi, chồng cũ phải góp 2 triệu mỗi tháng. Hai năm nay "
            "anh ấy không đưa đồng nào dù vẫn đi làm có lương. Tôi phải làm gì để đòi tiền cấp dưỡng cho con?",
            "cap-duong-nuoi-con",
        ),
        # Colloquial terms of real questions: "con nợ" the person who must pay, "phát mãi" the auction.
        ("nhà con nợ bị phát mãi thì ai được mua", "dau-gia-tai-san"),
    ],
)
def test_real_phrasing_finds_the_entry_first(matcher: Matcher, question: str, expected: str) -> None:
    result = matcher.match(question)
    assert result.candidates and result.candidates[0].entry_id == expected


def test_scores_are_chances_and_thresholds_mean_them(matcher: Matcher) -> None:
    """The first candidate's score is the chance (%) it is right; an answer needs confident_score."""
    limits = matcher.thresholds
    for case in CASES[:80]:
        result = matcher.match(case["q"])
        scores = [c.score for c in result.candidates]
        assert all(0 <= s <= 100 for s in scores) and scores == sorted(scores, reverse=True)
        if result.outcome == "answer" and not matcher.index.is_phrasing(
            matcher.entry_ids.index(result.candidates[0].entry_id), matcher.index.tokens(case["q"])
        ):
            assert result.score >= limits.confident_score
        if result.outcome == "suggest":
            assert all(s >= limits.suggest_score for s in scores)


def test_decision_weights_cover_every_feature() -> None:
    """The shipped weights name every feature; a feature added without refitting is refused."""
    assert DECISION.rank.shape == (len(FEATURES),)
    rows = np.array([[1.0] * len(FEATURES), [0.5] * len(FEATURES)])
    chances = DECISION.chances(rows, False, 0.0)
    assert 0 < chances.sum() < 1 and chances[0] > chances[1]  # "none of these" keeps a share
    with pytest.raises(ValueError, match="fit_decision"):
        Decision({"rank": {}, "none": {}, "confidence": {}})


def test_zero_width_characters_do_not_lower_the_score(matcher: Matcher) -> None:
    plain = matcher.match("co duoc tra gop khong")
    assert matcher.match("co duoc tr\u200ba g\u200cop khong") == plain
