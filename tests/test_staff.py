"""Communications staff in Telegram: live FAQ reload under a stream of questions, /faq_reload,
/faq_gaps, and refusals for everyone else, against the loopback Bot API."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
from pathlib import Path

from bot.faq.loader import load_faq
from tests.fake_telegram import FakeTelegram
from tests.helpers import ROOT, ask, make_settings, started, stopped

EDITOR, STAFF_CHAT, CITIZEN = 800, -100123, 7100
NEW_PHRASE = "chuyện con mèo vàng của chấp hành viên"


def staff_config(faq: Path, watch: bool = True) -> str:
    return (
        f"faq:\n  dir: {faq}\n  watch: {str(watch).lower()}\nstaff:\n  editors: [{EDITOR}]\n  chat_id: {STAFF_CHAT}\n"
    )


async def test_broken_save_keeps_serving_reports_to_staff_and_fix_takes_effect(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    faq = tmp_path / "faq"
    shutil.copytree(ROOT / "faq", faq)
    application = await started(make_settings(tmp_path, telegram.base_url, staff_config(faq)))
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    asked = answered = 0
    streaming = True

    async def citizen(user: int) -> None:  # asks, waits for the reply, asks again
        nonlocal asked, answered
        while streaming:
            asked += 1
            reply = await ask(telegram, user, "có được trả góp tiền thi hành án không")
            assert "trả góp" in reply.text, reply.text
            answered += 1

    stream = [asyncio.create_task(citizen(user)) for user in range(7200, 7204)]
    try:
        original = (faq / "tu-nguyen.yaml").read_text(encoding="utf-8")
        (faq / "tu-nguyen.yaml").write_text(
            original.replace("  - id: tra-gop", "  - id: tra-gop\n   bad: [", 1), encoding="utf-8"
        )
        await telegram.wait_until(
            lambda: any("Không nạp được" in m.text for m in telegram.sent_to(STAFF_CHAT)), timeout=20
        )
        report = telegram.sent_to(STAFF_CHAT)[-1].text
        assert "Bot vẫn dùng phiên bản trước" in report and "tu-nguyen.yaml:" in report and ": lỗi:" in report
        fixed = original.replace("    alternatives:\n", f"    alternatives:\n      - {NEW_PHRASE}\n", 1)
        (faq / "tu-nguyen.yaml").write_text(fixed, encoding="utf-8")
        await telegram.wait_until(lambda: "Đã nạp lại" in telegram.sent_to(STAFF_CHAT)[-1].text, timeout=20)
        new = await ask(telegram, CITIZEN, NEW_PHRASE)
        assert new.text.startswith("<b>Tự nguyện thi hành án là gì"), new.text
    finally:
        streaming = False
        await asyncio.gather(*stream)
        await stopped(application)
    assert answered == asked > 8  # every question during the broken save was answered


async def test_faq_reload_and_gaps_for_staff_only(telegram: FakeTelegram, tmp_path: Path) -> None:
    faq = tmp_path / "faq"
    shutil.copytree(ROOT / "faq", faq)
    settings = make_settings(tmp_path, telegram.base_url, staff_config(faq, watch=False))
    application = await started(settings)
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    try:
        refused = await ask(telegram, CITIZEN, "/faq_reload")
        assert refused.text.startswith("Xin lỗi, lệnh này chỉ dành cho cán bộ biên tập")
        unchanged = await ask(telegram, EDITOR, "/faq_reload")
        assert unchanged.text.startswith("Không có thay đổi: bot đang dùng phiên bản")
        path = faq / "tu-nguyen.yaml"
        path.write_text(
            path.read_text(encoding="utf-8").replace(
                "    alternatives:\n", f"    alternatives:\n      - {NEW_PHRASE}\n", 1
            ),
            encoding="utf-8",
        )
        reloaded = await ask(telegram, EDITOR, "/faq_reload")
        assert reloaded.text.startswith(f"Đã nạp lại bộ câu hỏi: {len(load_faq(faq)[0].entries)} mục")
        assert (await ask(telegram, CITIZEN, NEW_PHRASE)).text.startswith("<b>Tự nguyện thi hành án là gì")
        for question in ("ly hôn chia tài sản thế nào", "ly hon thi chia tai san the nao", "thời tiết hôm nay"):
            await ask(telegram, CITIZEN, question)
        gaps = await ask(telegram, EDITOR, "/faq_gaps")
        assert "ly hôn chia tài sản" in gaps.text
        bad_date = await ask(telegram, EDITOR, "/faq_gaps 31/12")
        assert bad_date.text.startswith("Ngày không hợp lệ")
        assert (await ask(telegram, CITIZEN, "/faq_gaps")).text.startswith("Xin lỗi")
    finally:
        await stopped(application)
    actions = [row[0] for row in sqlite3.connect(tmp_path / "state.sqlite3").execute("SELECT action FROM refusals")]
    assert actions == ["faq_reload", "faq_gaps"]
