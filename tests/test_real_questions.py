"""The real-question and outsider-question sets (tests/data/) are well formed; no accuracy is asserted here."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "real_questions.yaml"

KINDS = {"story", "short", "no_diacritics", "teencode", "english"}
SCOPES = {"in", "out"}
SPLITS = {"tune", "heldout"}
FIELDS = {"q", "source", "expect", "would_add", "kind", "scope", "split"}
REQUIRED = FIELDS - {"would_add"}
# Entries being written by other helpers at the time the set was collected; an expect may name them.
NEW_IDS = {
    "khong-phai-nop-phi",
    "giam-chi-phi-cuong-che",
    "dinh-gia-tai-san",
    "tai-san-khong-ke-bien",
    "nhan-thong-bao",
    "cap-duong-nuoi-con",
    "nguoi-thua-ke",
    "giay-xac-nhan-xong",
    "nop-don-truc-tuyen",
    "nop-tien-cho-nguoi-tu",
    "khieu-nai-ai-giai-quyet",
    "doi-chap-hanh-vien",
    "cuong-che-dip-tet",
    "mat-quyet-dinh",
}
# Collected from a stored web corpus in six rounds (82 + 27 + 14 + 64 + 42 + 6); the target of 300 was not
# reached: the corpus holds few more reader-written THADS questions (the sixth round: 101 searches, 6 new).
MIN_ITEMS = 235


def split_of(key: str) -> str:
    """The fixed split rule: first byte of sha256(key) even -> tune, odd -> heldout."""
    return "tune" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "heldout"


def load() -> list[dict[str, Any]]:
    items = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    assert isinstance(items, list)
    return items


def shipped_ids() -> set[str]:
    ids: set[str] = set()
    for path in sorted((ROOT / "faq").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in (doc or {}).get("entries", []) or []:
            ids.add(entry["id"])
    return ids


def test_enough_items() -> None:
    assert len(load()) >= MIN_ITEMS


def test_every_item_has_the_fields_and_valid_values() -> None:
    for n, item in enumerate(load()):
        where = f"item {n}: {str(item.get('q', ''))[:40]!r}"
        assert set(item) >= REQUIRED, f"{where}: missing {REQUIRED - set(item)}"
        assert set(item) <= FIELDS, f"{where}: unknown {set(item) - FIELDS}"
        assert isinstance(item["q"], str) and item["q"].strip(), where
        assert item["kind"] in KINDS, where
        assert item["scope"] in SCOPES, where
        assert item["split"] in SPLITS, where
        assert str(item["source"]).startswith(("http://", "https://")), where


def test_expect_names_an_entry_or_is_null_with_a_reason() -> None:
    known = shipped_ids() | NEW_IDS
    for item in load():
        expect = item["expect"]
        if expect is None:
            assert item["scope"] == "out" or item.get("would_add"), f"in-scope null needs would_add: {item['q'][:40]}"
        else:
            assert item["scope"] == "in", f"out-of-scope item with an expect: {item['q'][:40]}"
            assert expect in known, f"unknown entry id {expect!r}"
        if item.get("would_add"):
            assert expect is None and item["scope"] == "in"


def test_no_page_is_split_across_halves() -> None:
    halves: dict[str, set[str]] = defaultdict(set)
    for item in load():
        halves[item["source"]].add(item["split"])
    assert all(len(s) == 1 for s in halves.values()), [u for u, s in halves.items() if len(s) > 1]


def test_both_halves_are_used_and_questions_are_unique() -> None:
    items = load()
    assert {i["split"] for i in items} == SPLITS
    questions = [i["q"].strip() for i in items]
    assert len(questions) == len(set(questions))


def test_the_split_follows_its_fixed_rule() -> None:
    """Decided once, by page, before any result is seen: never moved to suit a figure."""
    for item in load():
        assert item["split"] == split_of(item["source"]), item["source"]


OUTSIDER = ROOT / "tests" / "data" / "outsider_questions.yaml"
OUTSIDER_FIELDS = {"q", "expect", "kind", "scope", "split"}


def test_outsider_questions_are_well_formed_and_split_by_their_rule() -> None:
    """The outsider set (written by someone who saw only the entries' English topic lines): every
    field valid, every expect a shipped entry, the split decided by sha256 of the question."""
    items = yaml.safe_load(OUTSIDER.read_text(encoding="utf-8"))
    known = shipped_ids()
    assert len(items) >= 180
    assert {i["split"] for i in items} == SPLITS and {i["scope"] for i in items} == SCOPES
    assert len({i["q"] for i in items}) == len(items)
    for item in items:
        assert set(item) == OUTSIDER_FIELDS, item
        assert item["kind"] in KINDS and item["scope"] in SCOPES, item
        assert (item["expect"] in known) if item["scope"] == "in" else item["expect"] is None, item
        assert item["split"] == split_of(item["q"]), item["q"]
