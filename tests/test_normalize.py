"""Vietnamese normalisation: every way of typing the same words meets in one form."""

from __future__ import annotations

import unicodedata

import pytest

from bot.faq.model import Synonyms
from bot.faq.normalize import Normalizer, fold, syllables, telex_variants
from bot.faq.syllable import is_syllable
from bot.replies import split_message


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Thi hành án", "thi hanh an"),
        (unicodedata.normalize("NFD", "Thi hành án"), "thi hanh an"),  # decomposed input
        ("hoà giải", "hoa giai"),  # old tone placement
        ("hòa giải", "hoa giai"),  # new tone placement
        ("ĐƯỢC", "duoc"),
        ("Ｑｕảｎｇ　Ｎｇãｉ", "quang ngai"),  # full-width forms
        ("thuỷ / thủy", "thuy / thuy"),
    ],
)
def test_fold_unifies_spellings(typed: str, expected: str) -> None:
    assert fold(typed) == expected


def test_syllables_drop_punctuation_and_emoji() -> None:
    assert syllables("Cho em hỏi 🙏, thời hạn 10 ngày??") == ["cho", "em", "hoi", "thoi", "han", "10", "ngay"]


def test_telex_leftovers_offer_the_plain_syllable() -> None:
    assert "tien" in telex_variants("tieenf")
    assert "duoc" in telex_variants("dduwowcj")


@pytest.mark.parametrize("token", ["thi", "hanh", "nguyen", "xuat", "canh", "treo", "quyet", "khuyu", "gia"])
def test_real_syllables_are_recognised(token: str) -> None:
    assert is_syllable(token)


@pytest.mark.parametrize("token", ["tein", "hnah", "thoij", "xyz", "judgment"])
def test_typos_are_not_syllables(token: str) -> None:
    assert not is_syllable(token)


def test_synonyms_expand_and_filler_is_dropped() -> None:
    normalizer = Normalizer(Synonyms({"THA": "thi hành án", "ko": "không", "trả dần": "trả góp"}, ("cho em hỏi", "ạ")))
    assert normalizer.tokens("Cho em hỏi THA ko trả dần được ạ") == [
        "thi",
        "hanh",
        "an",
        "khong",
        "tra",
        "gop",
        "duoc",
    ]


def test_longest_phrase_wins() -> None:
    normalizer = Normalizer(Synonyms({"thế nào": "như thế nào", "như thế nào": "như thế nào"}, ()))
    assert normalizer.tokens("làm như thế nào") == ["lam", "nhu", "the", "nao"]
    assert normalizer.tokens("thế nào") == ["nhu", "the", "nao"]


def test_long_messages_split_at_boundaries() -> None:
    paragraph = "Một câu khá dài về thi hành án. " * 40
    text = "\n\n".join([paragraph] * 6)
    parts = split_message(text)
    assert len(parts) > 1
    assert all(len(part) <= 4096 for part in parts)
    assert "".join(parts).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(" ", "")
    assert split_message("ngắn") == ["ngắn"]
    assert all(len(p) <= 4096 for p in split_message("x" * 10_000))  # no boundary at all


def test_zero_width_characters_inside_words_are_ignored() -> None:
    assert syllables("co duoc tr\u200ba g\u200cop khong\u2060\ufeff") == ["co", "duoc", "tra", "gop", "khong"]
