"""What a citizen types into an unanswered question is stored for staff only after masking (M4):
phone and ID numbers in the forms Vietnamese people write them, case codes, a year given as a
year of birth. Masking is a pure function, so it is checked on the texts themselves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.cases.codes import CodeFormat
from bot.config import load_settings
from bot.knowledge import load_knowledge
from bot.privacy import NUMBER_LABEL, mask_private
from bot.reports.gaps import collect_gaps
from bot.state import StateStore
from tests.helpers import ROOT

CODES = CodeFormat(r"^QN-\d{4}-\d{6}$", "QN-2026-000123")


@pytest.mark.parametrize(
    "typed",
    [
        "goi 0905 123 456 nhe",
        "0905.123.456",
        "+84 905 123 456",
        "84905123456",
        "(+84) 905-123-456",
        "(84) 905 123 456",
        "cccd 051 071 001 234",
        "cccd 051.071.001.234",
        "cmnd 211234567",
        "cmnd 211 234 567",
        "cccd ０５１０７１００１２３４",  # full-width digits (a Japanese/Chinese keyboard layout)
        "cccd ٠٥١٠٧١٠٠١٢٣٤",  # Arabic-Indic digits
        "sdt 0905\u200b123\u200b456",  # zero-width spaces between the groups
        "ho so QN-2026-000066",
        "ho so ｑｎ－２０２６－０００００６６",
        "ho so qn – 2026 – 000066",
        "I was born in 1975",
        "year of birth 1975",
        "1975",
        " 1975 ",
        "2003.",  # a factor typed after the lookup expired
        "toi sinh nam 1971",
        "ns 1971",
        "năm sinh: 1971",
    ],
)
def test_personal_numbers_never_reach_the_stored_text(typed: str) -> None:
    stored = mask_private(typed, CODES)
    digits = [char for char in stored if char.isdecimal()]
    assert len(digits) < 4, stored  # no phone, ID, code or year of birth left


@pytest.mark.parametrize("typed", ["phải trả 5.000.000 đồng", "án phí 300 nghìn đồng", "điều 45 luật 2025"])
def test_amounts_and_articles_stay_readable(typed: str) -> None:
    assert NUMBER_LABEL not in mask_private(typed, CODES)


async def test_faq_gaps_masks_texts_stored_before_masking_existed(tmp_path: Path) -> None:
    settings = load_settings(ROOT / "config.yaml")
    knowledge = load_knowledge(settings.faq.dir, settings.matching)
    async with await StateStore.open(tmp_path / "state.sqlite3") as state:  # a row kept from an older version
        await state.record_question(
            "ho so QN-2026-000066 cua toi, sinh nam 1971, cccd 051071001234",
            "none",
            10.0,
            None,
            at=dt.datetime.now(dt.UTC),
        )
        report = await collect_gaps(state, knowledge)
    shown = " ".join(example for group in report.groups for example in group.examples)
    assert "000066" not in shown and "1971" not in shown and "051071001234" not in shown, shown
