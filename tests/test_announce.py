"""Announcements end to end: citizens subscribing and reading the archive, officials composing,
previewing, sending, scheduling, approving and stopping, against the loopback Bot API."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

from bot.announce.model import Content, Status
from bot.config import Settings
from bot.handlers.context import BotApplication
from bot.state import StateStore
from tests.fake_telegram import FakeTelegram, Sent
from tests.helpers import APPROVER, AUTHOR, OFFICIALS, ask, labels, make_settings, press, running, stopped, subscribe

CITIZEN = 7001


def settings_of(application: BotApplication) -> Settings:
    services = application.bot_data.services
    assert services is not None
    return services.settings


async def test_citizen_subscribes_with_consent_and_unsubscribes(
    telegram: FakeTelegram, officials_bot: BotApplication
) -> None:
    menu = await ask(telegram, CITIZEN, "/start")
    news = await press(telegram, CITIZEN, menu, "Thông báo")
    assert "Thông báo của" in news.text and labels(news) == ["🔔 Đăng ký nhận thông báo", "📜 Xem thông báo đã đăng"]
    choices = await ask(telegram, CITIZEN, "/dangky")
    assert "bạn đồng ý nhận tin nhắn thông báo" in choices.text and "/huydangky" in choices.text
    assert labels(choices)[:3] == ["⬜ Thông báo chung", "⬜ Đấu giá tài sản", "⬜ Lịch tiếp công dân"]
    await press(telegram, CITIZEN, choices, "Đấu giá")
    assert labels(choices)[1] == "✅ Đấu giá tài sản"
    await press(telegram, CITIZEN, choices, "Bật tất cả")
    answered = telegram.methods().count("answerCallbackQuery")
    data = next(data for label, data in choices.buttons() if "Bật tất cả" in label)
    await telegram.press(CITIZEN, choices, data)  # twice: harmless (nothing changes, nothing is posted)
    await telegram.wait_until(lambda: telegram.methods().count("answerCallbackQuery") > answered)
    assert labels(choices)[:3] == ["✅ Thông báo chung", "✅ Đấu giá tài sản", "✅ Lịch tiếp công dân"]
    path = settings_of(officials_bot).state.path
    rows = sqlite3.connect(path).execute("SELECT topic FROM subscriptions WHERE chat_id = ?", (CITIZEN,)).fetchall()
    assert sorted(rows) == [("chung",), ("dau-gia",), ("tiep-dan",)]
    await press(telegram, CITIZEN, choices, "Đấu giá")
    assert labels(choices)[1] == "⬜ Đấu giá tài sản"
    bye = await ask(telegram, CITIZEN, "/huydangky")
    assert bye.text.startswith("Bạn đã hủy đăng ký tất cả thông báo (2 chủ đề)")
    again = await ask(telegram, CITIZEN, "/huydangky")
    assert again.text.startswith("Bạn chưa đăng ký nhận thông báo nào")


async def test_official_composes_previews_and_sends_with_progress(
    telegram: FakeTelegram, officials_bot: BotApplication
) -> None:
    settings = settings_of(officials_bot)
    await subscribe(settings, range(5000, 5030))
    await subscribe(settings, range(6000, 6005), "dau-gia")  # another topic: not a recipient
    prompt = await ask(telegram, AUTHOR, "/soanthongbao")
    assert "Soạn thông báo mới" in prompt.text
    topics = await ask(telegram, AUTHOR, "Lịch tiếp công dân tháng 12: <thứ Năm> hằng tuần, từ 7h30. Hỏi: {hotline}")
    assert topics.text.startswith("Chọn chủ đề") and "Lịch tiếp công dân" in labels(topics)
    control = await press(telegram, AUTHOR, topics, "Lịch tiếp công dân", count=1)
    preview = telegram.sent_to(AUTHOR)[-2]
    assert preview.text.startswith("📢 <b>Lịch tiếp công dân</b>\n\nLịch tiếp công dân tháng 12: &lt;thứ Năm&gt;")
    assert "Ngừng nhận: /huydangky" in preview.text
    assert "Hỏi: [Số đường dây nóng — cơ quan cập nhật]" in preview.text  # configured, never invented
    assert "người nhận hiện có: <b>30</b>" in control.text
    assert labels(control) == ["📤 Gửi ngay", "🕒 Hẹn giờ", "✖ Hủy"]
    await press(telegram, AUTHOR, control, "Gửi ngay")
    await telegram.wait_until(lambda: "Đã gửi xong" in control.text, timeout=30)
    assert "Đã gửi: 30/30" in control.text and control.edits >= 2
    copies = telegram.copies("&lt;thứ Năm&gt;")
    assert {chat: n for chat, n in copies.items() if chat != AUTHOR} == dict.fromkeys(range(5000, 5030), 1)
    archive = await ask(telegram, CITIZEN, "/thongbao")
    assert "Thông báo đã đăng" in archive.text and "&lt;thứ Năm&gt;" in archive.text


async def test_photo_announcement_is_previewed_and_sent_as_photo(
    telegram: FakeTelegram, officials_bot: BotApplication
) -> None:
    await subscribe(settings_of(officials_bot), range(5100, 5103), "dau-gia")
    await ask(telegram, AUTHOR, "/soanthongbao")
    await telegram.send_photo(AUTHOR, "PHOTO-auction-1", "Đấu giá quyền sử dụng đất ngày 15/12/2026.")
    topics = (await telegram.wait_for(AUTHOR, 2))[-1]
    control = await press(telegram, AUTHOR, topics, "Đấu giá tài sản", count=1)
    preview = telegram.sent_to(AUTHOR)[-2]
    assert preview.kind == "photo" and preview.file_id == "PHOTO-auction-1"
    assert "Đấu giá quyền sử dụng đất" in preview.text
    await press(telegram, AUTHOR, control, "Gửi ngay")
    await telegram.wait_until(lambda: "Đã gửi xong" in control.text, timeout=30)
    received = [telegram.sent_to(chat)[-1] for chat in range(5100, 5103)]
    assert all(m.kind == "photo" and m.file_id == "PHOTO-auction-1" for m in received)


async def test_non_official_is_refused_and_recorded(telegram: FakeTelegram, officials_bot: BotApplication) -> None:
    reply = await ask(telegram, CITIZEN, "/soanthongbao")
    assert reply.text.startswith("Xin lỗi, chức năng này chỉ dành cho cán bộ")
    forged = Sent(1, CITIZEN, "x", None)
    before = len(telegram.sent_to(CITIZEN))
    await telegram.press(CITIZEN, forged, "a:s:1")
    await telegram.wait_for(CITIZEN, before + 1)
    assert telegram.sent_to(CITIZEN)[-1].text.startswith("Xin lỗi, chức năng này chỉ dành cho cán bộ")
    path = settings_of(officials_bot).state.path
    actions = [row[0] for row in sqlite3.connect(path).execute("SELECT action FROM refusals")]
    assert actions == ["compose", "button s"]
    question = await ask(telegram, CITIZEN, "nộp tiền thi hành án ở đâu")  # the citizen's chat still works
    assert "Xin lỗi" not in question.text


async def test_approval_is_required_and_the_author_cannot_approve(telegram: FakeTelegram, tmp_path: Path) -> None:
    application = await running(make_settings(tmp_path, telegram.base_url, OFFICIALS + "  require_approval: true\n"))
    try:
        await subscribe(settings_of(application), range(5200, 5204), "chung")
        await ask(telegram, APPROVER, "/soanthongbao")  # the approver writes one: someone else must approve
        topics = await ask(telegram, APPROVER, "Trụ sở nghỉ ngày 02/12/2026.")
        control = await press(telegram, APPROVER, topics, "Thông báo chung", count=1)
        await press(telegram, APPROVER, control, "Gửi ngay")
        assert "đang chờ một cán bộ khác duyệt" in control.text
        await asyncio.sleep(1.5)
        assert not any(telegram.sent_to(chat) for chat in range(5200, 5204))
        # The author of this one is the approver: nobody else has the role, so make one by composing as AUTHOR.
        await ask(telegram, AUTHOR, "/soanthongbao")
        topics = await ask(telegram, AUTHOR, "Tuần lễ tự nguyện thi hành án.")
        control = await press(telegram, AUTHOR, topics, "Thông báo chung", count=1)
        await press(telegram, AUTHOR, control, "Gửi ngay")
        await telegram.wait_until(
            lambda: any("Cần duyệt thông báo #2" in m.text for m in telegram.sent_to(APPROVER)), timeout=10
        )
        asked = next(m for m in telegram.sent_to(APPROVER) if "Cần duyệt thông báo #2" in m.text)
        assert "Người soạn: Phòng Nghiệp vụ" in asked.text
        assert "Tuần lễ tự nguyện" in telegram.sent_to(APPROVER)[telegram.sent_to(APPROVER).index(asked) - 1].text
        await press(telegram, APPROVER, asked, "Duyệt")
        assert "đã được Lãnh đạo duyệt" in asked.text
        await telegram.wait_until(lambda: "Đã gửi xong" in control.text, timeout=20)
        assert all(len(telegram.sent_to(chat)) == 1 for chat in range(5200, 5204))
        assert any("đã được Lãnh đạo duyệt" in m.text for m in telegram.sent_to(AUTHOR))
    finally:
        await stopped(application)


async def test_schedule_survives_a_restart(telegram: FakeTelegram, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, telegram.base_url, OFFICIALS)
    first = await running(settings)
    await subscribe(settings, range(5300, 5303), "chung")
    await ask(telegram, AUTHOR, "/soanthongbao")
    topics = await ask(telegram, AUTHOR, "Hẹn giờ: thông báo lịch làm việc.")
    control = await press(telegram, AUTHOR, topics, "Thông báo chung", count=1)
    prompt = await press(telegram, AUTHOR, control, "Hẹn giờ")
    assert "Nhập thời điểm gửi (giờ Việt Nam)" in prompt.text
    bad = await ask(telegram, AUTHOR, "sáng mai nhé")
    assert bad.text.startswith("Không hiểu thời điểm")
    past = await ask(telegram, AUTHOR, "01/01/2020 08:00")
    assert past.text.startswith("Thời điểm đó đã qua")
    later = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=4)
    when = later.astimezone(dt.timezone(dt.timedelta(hours=7)))  # typed with its offset, to the second
    done = await ask(telegram, AUTHOR, when.isoformat(timespec="seconds"))
    assert "sẽ được gửi lúc" in done.text
    await stopped(first)  # the bot goes down before the time comes
    assert not any(telegram.sent_to(chat) for chat in range(5300, 5303))
    second = await running(settings)
    try:
        await telegram.wait_until(lambda: all(telegram.sent_to(c) for c in range(5300, 5303)), timeout=20)
        assert dt.datetime.now(dt.UTC) >= when
        await telegram.wait_until(lambda: any("Đã gửi xong" in m.text for m in telegram.sent_to(AUTHOR)), timeout=10)
    finally:
        await stopped(second)


async def test_stop_mid_way_sends_no_more(telegram: FakeTelegram, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, telegram.base_url, OFFICIALS.replace("rate: 30", "rate: 10"))
    application = await running(settings)
    try:
        await subscribe(settings, range(10_000, 10_200), "chung")
        await ask(telegram, AUTHOR, "/soanthongbao")
        topics = await ask(telegram, AUTHOR, "Thông báo sẽ bị dừng giữa chừng.")
        control = await press(telegram, AUTHOR, topics, "Thông báo chung", count=1)
        await press(telegram, AUTHOR, control, "Gửi ngay")
        await telegram.wait_until(lambda: len(telegram.copies("bị dừng giữa chừng")) >= 15, timeout=20)
        await press(telegram, AUTHOR, control, "Dừng gửi")
        await telegram.wait_until(lambda: "Đã dừng thông báo" in control.text, timeout=10)
        received = len(telegram.copies("bị dừng giữa chừng")) - 1  # minus the preview
        await asyncio.sleep(1.0)
        assert len(telegram.copies("bị dừng giữa chừng")) - 1 == received < 60
        async with await StateStore.open(settings.state.path) as state:
            item = await state.announcements.get(1)
        assert item is not None and item.status == Status.CANCELLED
        assert item.counts.sent == received and item.counts.cancelled == 200 - received
    finally:
        await stopped(application)


async def test_blocked_citizen_is_skipped_until_they_write_again(telegram: FakeTelegram, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, telegram.base_url, OFFICIALS)
    application = await running(settings)
    try:
        await subscribe(settings, range(5400, 5404), "chung")
        telegram.blocked.add(5401)
        async with await StateStore.open(settings.state.path) as state:
            store = state.announcements
            await store.create(
                "chung", Content("Lần một."), 0, "test", status=Status.SCHEDULED, send_at=dt.datetime.now(dt.UTC)
            )
            await telegram.wait_until(lambda: len(telegram.copies("Lần một.")) == 3, timeout=10)
            await asyncio.sleep(0.5)
            assert not await store.is_active(5401)
            telegram.blocked.clear()
            await ask(telegram, 5401, "/start")  # the citizen comes back
            assert await store.is_active(5401)
            await store.create(
                "chung", Content("Lần hai."), 0, "test", status=Status.SCHEDULED, send_at=dt.datetime.now(dt.UTC)
            )
            await telegram.wait_until(lambda: len(telegram.copies("Lần hai.")) == 4, timeout=10)
            first = await store.get(1)
        assert first is not None and (first.counts.sent, first.counts.blocked) == (3, 1)
    finally:
        await stopped(application)


async def test_archive_pages_newest_first(telegram: FakeTelegram, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, telegram.base_url, OFFICIALS)
    async with await StateStore.open(settings.state.path) as state:
        for number in range(1, 8):
            item = await state.announcements.create(
                "chung", Content(f"Số {number}."), 0, "t", status=Status.SCHEDULED, send_at=dt.datetime.now(dt.UTC)
            )
            assert await state.announcements.start(item)
            assert await state.announcements.finish(item)
    application = await running(settings)
    try:
        first = await ask(telegram, CITIZEN, "/thongbao")
        assert "trang 1/2" in first.text and first.text.index("Số 7.") < first.text.index("Số 3.")
        assert "Số 2." not in first.text and labels(first) == ["Cũ hơn ▶"]
        await press(telegram, CITIZEN, first, "Cũ hơn")
        assert "trang 2/2" in first.text and "Số 1." in first.text and labels(first) == ["◀ Mới hơn"]
    finally:
        await stopped(application)


async def test_approver_is_asked_while_a_long_broadcast_sends(telegram: FakeTelegram, tmp_path: Path) -> None:
    extra = OFFICIALS.replace("rate: 30", "rate: 10") + "  require_approval: true\n"
    settings = make_settings(tmp_path, telegram.base_url, extra)
    await subscribe(settings, range(11_000, 11_300), "chung")
    async with await StateStore.open(settings.state.path) as state:
        await state.announcements.create(
            "chung", Content("Thông báo dài."), 0, "t", status=Status.SCHEDULED, send_at=dt.datetime.now(dt.UTC)
        )
    application = await running(settings)
    try:
        await telegram.wait_until(lambda: len(telegram.copies("Thông báo dài.")) >= 5, timeout=10)
        await ask(telegram, AUTHOR, "/soanthongbao")
        topics = await ask(telegram, AUTHOR, "Thông báo cần duyệt gấp.")
        control = await press(telegram, AUTHOR, topics, "Thông báo chung", count=1)
        await press(telegram, AUTHOR, control, "Gửi ngay")
        await telegram.wait_until(
            lambda: any("Cần duyệt thông báo #2" in m.text for m in telegram.sent_to(APPROVER)), timeout=10
        )
        assert len(telegram.copies("Thông báo dài.")) < 300  # the first one is still sending
    finally:
        await stopped(application)


async def test_terminal_announcement_is_approved_in_telegram(telegram: FakeTelegram, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, telegram.base_url, OFFICIALS + "  require_approval: true\n")
    await subscribe(settings, range(12_000, 12_003), "chung")
    async with await StateStore.open(settings.state.path) as state:  # what `python -m bot announce` writes
        await state.announcements.create(
            "chung", Content("Soạn trên máy tính."), 0, "Máy tính", status=Status.AWAITING_APPROVAL
        )
    application = await running(settings)
    try:
        await telegram.wait_until(
            lambda: any("Cần duyệt thông báo #1" in m.text for m in telegram.sent_to(APPROVER)), timeout=10
        )
        asked = next(m for m in telegram.sent_to(APPROVER) if "Cần duyệt thông báo #1" in m.text)
        assert "Người soạn: Máy tính" in asked.text and not telegram.sent_to(AUTHOR)
        await press(telegram, APPROVER, asked, "Duyệt")
        await telegram.wait_until(lambda: len(telegram.copies("Soạn trên máy tính.")) == 4, timeout=10)  # + preview
        assert "đã được Lãnh đạo duyệt" in asked.text
    finally:
        await stopped(application)
