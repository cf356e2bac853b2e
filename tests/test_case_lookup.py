"""Case lookup end to end: the real Application, the loopback Bot API, a real case snapshot."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.app import BotApplication
from bot.cases.store import CaseStore
from tests.fake_telegram import FakeTelegram, Sent
from tests.helpers import ask, labels, make_settings, press, reexport, running, stopped


def first_case(tmp_path: Path) -> tuple[str, str, str, str]:
    """A demo case: code, debtor's factor, debtor's and creditor's full names."""
    db = sqlite3.connect(tmp_path / "cases.sqlite3")
    code, debtor, creditor = db.execute("SELECT code, debtor_name, creditor_name FROM cases LIMIT 1").fetchone()
    # The demo's factors are years of birth; find the debtor's by trying them (the store hashes them).
    store = CaseStore(tmp_path / "cases.sqlite3")
    factor = next(str(year) for year in range(1940, 2010) if store.verify(code, str(year)) == "debtor")
    return code, factor, debtor, creditor


async def test_lookup_with_code_and_second_factor(telegram: FakeTelegram, bot: BotApplication, tmp_path: Path) -> None:
    code, factor, debtor, creditor = first_case(tmp_path)
    prompt = await ask(telegram, 50, "/tracuu")
    assert prompt.text.startswith("Vui lòng gõ <b>mã hồ sơ</b>")
    assert labels(prompt) == ["✖️ Thôi tra cứu"]
    asked = await ask(telegram, 50, code.lower().replace("-", " – "))
    assert asked.text.startswith("Để bảo vệ thông tin, vui lòng gõ năm sinh của bạn")
    answer = await ask(telegram, 50, factor)
    assert answer.text.startswith(f"<b>Hồ sơ {code}</b>\nTình trạng: <b>")
    assert "Bạn có thể:" in answer.text and "Còn lại:" in answer.text
    assert debtor not in answer.text and creditor not in answer.text  # names are masked
    initials = " ".join(part[0] + "." for part in debtor.split())
    assert f"Người phải thi hành án: {initials}" in answer.text


async def test_unknown_code_and_wrong_factor_look_the_same(
    telegram: FakeTelegram, bot: BotApplication, tmp_path: Path
) -> None:
    code, factor, _, _ = first_case(tmp_path)
    await ask(telegram, 51, f"/tracuu {code}")
    wrong = await ask(telegram, 51, "1899")
    await ask(telegram, 51, "/tracuu QN-2099-123456")
    unknown = await ask(telegram, 51, factor)
    assert wrong.text == unknown.text
    assert wrong.text.startswith("Không tìm thấy hồ sơ khớp với mã và thông tin xác minh")
    audit = sqlite3.connect(tmp_path / "state.sqlite3").execute("SELECT outcome, user_key, code_key FROM lookups")
    rows = audit.fetchall()
    assert [r[0] for r in rows] == ["wrong_factor", "unknown"]
    assert all(code not in str(r) and r[1] != "51" and factor not in str(r) for r in rows)


async def test_deep_link_starts_the_lookup(telegram: FakeTelegram, bot: BotApplication, tmp_path: Path) -> None:
    code, factor, _, _ = first_case(tmp_path)
    asked = await ask(telegram, 52, f"/start {code}")
    assert asked.text.startswith("Để bảo vệ thông tin")
    assert (await ask(telegram, 52, factor)).text.startswith(f"<b>Hồ sơ {code}</b>")


@pytest.mark.parametrize("typed", ["' OR 1=1 --", "QN-2026-000001; DROP TABLE cases", "🙏🙏🙏", "x" * 10_000])
async def test_odd_codes_get_the_format_explained(telegram: FakeTelegram, bot: BotApplication, typed: str) -> None:
    await ask(telegram, 53, "/tracuu")
    reply = await ask(telegram, 53, typed)
    assert reply.text.startswith("Mã hồ sơ chưa đúng định dạng. Mã có dạng <code>QN-2026-000123</code>")
    cancelled = await ask(telegram, 53, "/huy")
    assert cancelled.text == "Đã thôi tra cứu. Bạn có thể gõ câu hỏi khác."


async def test_failures_are_limited_and_survive_a_restart(telegram: FakeTelegram, tmp_path: Path) -> None:
    application = await running(make_settings(tmp_path, telegram.base_url))
    try:
        for number in range(5):
            await ask(telegram, 54, f"/tracuu QN-2099-{number:06d}")
            assert (await ask(telegram, 54, "1970")).text.startswith("Không tìm thấy hồ sơ")
        assert (await ask(telegram, 54, "/tracuu")).text.startswith("Bạn đã tra cứu sai nhiều lần")
    finally:
        await stopped(application)
    application = await running(make_settings(tmp_path, telegram.base_url))  # a restart: the same state database
    try:
        assert (await ask(telegram, 54, "/tracuu")).text.startswith("Bạn đã tra cứu sai nhiều lần")
        assert (await ask(telegram, 55, "/tracuu")).text.startswith("Vui lòng gõ")
    finally:
        await stopped(application)


async def test_follow_a_case_and_get_told_of_changes(
    telegram: FakeTelegram, bot: BotApplication, tmp_path: Path
) -> None:
    code, factor, _, _ = first_case(tmp_path)
    await telegram.press(56, Sent(0, 56, "", None), "w:")  # a forged button without a lookup: nothing
    await ask(telegram, 56, f"/tracuu {code}")
    answer = await ask(telegram, 56, factor)
    assert labels(answer) == ["🔔 Theo dõi hồ sơ này"]
    before = len(telegram.sent_to(56))
    await telegram.press(56, answer, "w:")
    following = (await telegram.wait_for(56, before + 1))[-1]
    assert following.text.startswith(f"Đã đăng ký: khi hồ sơ {code} có trạng thái hoặc diễn biến mới")
    reexport(tmp_path, code, "da-thi-hanh-xong")
    notice = (await telegram.wait_for(56, before + 2))[-1]
    assert notice.text.startswith(f"🔔 Hồ sơ <b>{code}</b> có cập nhật (27/11/2026): <b>Đã thi hành xong</b>")
    assert labels(notice) == ["🔕 Thôi theo dõi"]
    await ask(telegram, 57, f"/tracuu {code}")  # a second follower shows when the next check has run
    await press(telegram, 57, await ask(telegram, 57, factor), "Theo dõi")
    stopped_following = await ask(telegram, 56, "/huytheodoi")
    assert stopped_following.text == "Đã thôi theo dõi 1 hồ sơ."
    count, others = len(telegram.sent_to(56)), len(telegram.sent_to(57))
    reexport(tmp_path, code, "dinh-chi")
    change = (await telegram.wait_for(57, others + 1))[-1]
    assert change.text.startswith(f"🔔 Hồ sơ <b>{code}</b> có cập nhật")
    assert len(telegram.sent_to(56)) == count  # no more notices for the one who stopped
