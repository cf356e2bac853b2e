"""End to end: the real Application against the Bot API server on 127.0.0.1, playing citizens.

Every test asserts what the citizen sees (texts and buttons), not internal calls.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import aiohttp
import pytest

from bot.faq.loader import load_faq
from bot.handlers.context import BotApplication
from tests.fake_telegram import FakeTelegram, Fault
from tests.helpers import ROOT, WEBHOOK_URL, ask, labels, press, webhook_bot


async def test_start_shows_welcome_menu_and_registers_commands(telegram: FakeTelegram, bot: BotApplication) -> None:
    reply = await ask(telegram, 1, "/start")
    assert reply.text.startswith("Xin chào! Tôi là trợ lý hỏi đáp về <b>thi hành án dân sự</b>")
    assert "không phải tư vấn pháp lý" in reply.text
    assert labels(reply) == [
        "❓ Đặt câu hỏi",
        "📚 Câu hỏi theo chủ đề",
        "🔎 Tra cứu hồ sơ",
        "📢 Thông báo",
        "☎️ Liên hệ",
        "🌐 English",
    ]
    commands = [params for name, params in telegram.calls if name == "setMyCommands"]
    assert {c["command"] for c in commands[0]["commands"]} == {
        "start",
        "help",
        "chude",
        "lienhe",
        "tracuu",
        "thongbao",
        "dangky",
        "huydangky",
        "lang",
    }
    help_reply = await ask(telegram, 1, "/help")
    assert "<b>Cách dùng</b>" in help_reply.text


@pytest.mark.parametrize(
    "question", ["Có được trả góp tiền thi hành án không?", "co duoc tra gop tien thi hanh an khong"]
)
async def test_question_gets_answer_legal_basis_and_buttons(
    telegram: FakeTelegram, bot: BotApplication, question: str
) -> None:
    reply = await ask(telegram, 2, question)
    assert reply.text.startswith("<b>Tôi không đủ tiền trả một lần, có được trả góp, trả dần không?</b>")
    assert "<b>Căn cứ pháp lý</b>" in reply.text
    reviewed = load_faq(ROOT / "faq")[0].entries["tra-gop"].reviewed  # follows the shipped content
    assert reviewed is not None and f"Cập nhật ngày {reviewed:%d/%m/%Y}" in reply.text
    assert "[Số đường dây nóng — cơ quan cập nhật]" in reply.text  # configured placeholder, never invented
    assert "👍 Hữu ích" in labels(reply) and "👎 Chưa hữu ích" in labels(reply)
    assert any(label.startswith("↪ ") for label in labels(reply))  # related questions


async def test_did_you_mean_choice_by_button(telegram: FakeTelegram, bot: BotApplication, tmp_path: Path) -> None:
    reply = await ask(telegram, 3, "thời hiệu là gì")
    assert reply.text == "Có phải bạn muốn hỏi một trong các câu sau?"
    assert labels(reply)[-1] == "Không phải các câu trên"
    await press(telegram, 3, reply, "Thời hiệu yêu cầu thi hành án")
    assert reply.text.startswith("<b>Thời hiệu yêu cầu thi hành án là bao lâu?</b>")  # edited in place
    stored = sqlite3.connect(tmp_path / "state.sqlite3").execute("SELECT outcome, text FROM questions").fetchall()
    assert stored == [("suggest", "thời hiệu là gì")]


async def test_browse_topics_and_back(telegram: FakeTelegram, bot: BotApplication) -> None:
    menu = await ask(telegram, 4, "/chude")
    assert menu.text == "Chọn một chủ đề:"
    assert "Tự nguyện thi hành án" in " ".join(labels(menu))
    await press(telegram, 4, menu, "Tự nguyện thi hành án")
    assert menu.text.startswith("<b>Tự nguyện thi hành án</b> (trang 1/1)")
    await press(telegram, 4, menu, "Tự nguyện thi hành án là gì")
    assert menu.text.startswith("<b>Tự nguyện thi hành án là gì")
    await press(telegram, 4, menu, "📚 Câu hỏi theo chủ đề")
    assert menu.text.startswith("<b>Tự nguyện thi hành án</b> (trang 1/1)")
    await press(telegram, 4, menu, "⬅️ Quay lại")
    assert menu.text == "Chọn một chủ đề:"
    assert len(telegram.sent_to(4)) == 1  # everything happened in one message


async def test_paging_through_a_long_topic(telegram: FakeTelegram, bot: BotApplication) -> None:
    menu = await ask(telegram, 5, "/chude")
    await press(telegram, 5, menu, "Yêu cầu thi hành án")
    assert "(trang 1/2)" in menu.text
    await press(telegram, 5, menu, "Sau ▶️")
    assert "(trang 2/2)" in menu.text
    await press(telegram, 5, menu, "◀️ Trước")
    assert "(trang 1/2)" in menu.text


async def test_feedback_is_stored_without_identity(telegram: FakeTelegram, bot: BotApplication, tmp_path: Path) -> None:
    user = 987654
    reply = await ask(telegram, user, "nộp tiền thi hành án ở đâu, chuyển khoản được không")
    await press(telegram, user, reply, "👍 Hữu ích")
    answers = [params for name, params in telegram.calls if name == "answerCallbackQuery"]
    assert answers[-1]["text"] == "Cảm ơn bạn đã góp ý!"
    assert "👍 Hữu ích" not in labels(reply)
    db = sqlite3.connect(tmp_path / "state.sqlite3")
    assert db.execute("SELECT entry_id, helpful FROM feedback").fetchall() == [("noi-nop-tien", 1)]
    dump = "\n".join(db.iterdump())
    assert str(user) not in dump and "Dân" not in dump


async def test_out_of_scope_question_gets_contact_and_is_recorded(
    telegram: FakeTelegram, bot: BotApplication, tmp_path: Path
) -> None:
    reply = await ask(telegram, 7, "giá vàng hôm nay bao nhiêu")
    assert reply.text.startswith("Xin lỗi, tôi chưa có câu trả lời cho câu hỏi này.")
    assert "[Số đường dây nóng — cơ quan cập nhật]" in reply.text
    assert labels(reply) == ["📚 Câu hỏi theo chủ đề", "☎️ Liên hệ"]
    stored = sqlite3.connect(tmp_path / "state.sqlite3").execute("SELECT outcome, text FROM questions").fetchall()
    assert stored == [("none", "giá vàng hôm nay bao nhiêu")]


async def test_small_talk_is_not_a_miss(telegram: FakeTelegram, bot: BotApplication) -> None:
    assert (await ask(telegram, 8, "xin chào")).text.startswith("Xin chào! Bạn cần hỏi gì")
    assert (await ask(telegram, 8, "cảm ơn nhiều")).text.startswith("Không có gì ạ!")


async def test_sticker_and_edited_message_get_a_hint(telegram: FakeTelegram, bot: BotApplication) -> None:
    await telegram.send_sticker(9)
    first = (await telegram.wait_for(9, 1))[-1]
    assert first.text.startswith("Tôi chỉ đọc được tin nhắn chữ.")
    await telegram.edit_text(9, "sửa lại câu hỏi")
    second = (await telegram.wait_for(9, 2))[-1]
    assert second.text.startswith("Tôi chỉ đọc được tin nhắn chữ.")


async def test_ten_thousand_character_message(telegram: FakeTelegram, bot: BotApplication) -> None:
    reply = await ask(telegram, 10, "tôi muốn hỏi về trả góp " + "rất dài " * 1250)
    assert reply.text.startswith("<i>Tin nhắn khá dài, tôi đã đọc phần đầu (1000 ký tự).</i>")
    assert len(reply.text) <= 4096


async def test_english_client_gets_english(telegram: FakeTelegram, bot: BotApplication) -> None:
    reply = await ask(telegram, 11, "Can I pay the judgment debt in instalments?", language="en")
    assert "<b>Legal basis</b>" in reply.text
    assert "👍 Helpful" in labels(reply)
    # Every shipped entry has an English version; the note for one without is proved in
    # test_conversation.py. A Vietnamese question from an English client gets English buttons.
    suggestion = await ask(telegram, 11, "người có quyền lợi nghĩa vụ liên quan là ai", language="en")
    english_question = load_faq(ROOT / "faq")[0].entries["nguoi-lien-quan"].en
    assert suggestion.text == "Did you mean one of these?"
    assert english_question is not None and labels(suggestion)[0].startswith(english_question.question[:40])
    switched = await ask(telegram, 11, "/lang vi", language="en")
    assert switched.text == "Đã chuyển sang Tiếng Việt."
    assert (await ask(telegram, 11, "/start", language="en")).text.startswith("Xin chào!")


async def test_429_and_5xx_are_retried(telegram: FakeTelegram, bot: BotApplication) -> None:
    telegram.faults.append(Fault("sendMessage", 429, count=1, retry_after=1))
    telegram.faults.append(Fault("sendMessage", 502, count=2))
    reply = await ask(telegram, 12, "phí thi hành án bao nhiêu")
    assert reply.text.startswith("<b>Phí thi hành án")
    statuses = [name for name, _ in telegram.calls].count("sendMessage")
    assert statuses >= 4  # 429, 502, 502, then delivered


async def test_blocked_user_does_not_stop_the_bot(telegram: FakeTelegram, bot: BotApplication) -> None:
    blocked = Fault("sendMessage", 403, count=100, chat_id=13)
    telegram.faults.append(blocked)
    await telegram.send_text(13, "xin chào")
    # The reply is refused (403); the error handler's apology is refused too; neither is retried.
    await telegram.wait_until(lambda: blocked.count == 98)
    reply = await ask(telegram, 14, "xin chào")
    assert reply.text.startswith("Xin chào!")
    assert blocked.count == 98 and telegram.sent_to(13) == []
    blocked.count = 0  # unblocked: the same citizen is served again
    assert (await ask(telegram, 13, "xin chào")).text.startswith("Xin chào!")


async def test_dropped_connections_then_every_question_is_answered(telegram: FakeTelegram, bot: BotApplication) -> None:
    await ask(telegram, 15, "xin chào")
    telegram.drop_until = time.monotonic() + 2.0
    for number in range(5):
        await telegram.send_text(100 + number, "tạm hoãn xuất cảnh là gì")
    for number in range(5):
        replies = await telegram.wait_for(100 + number, 1, timeout=40)
        assert replies[0].text.startswith("<b>Người phải thi hành án có bị tạm hoãn xuất cảnh không?</b>")


async def test_webhook_checks_the_secret(telegram: FakeTelegram, tmp_path: Path, unused_tcp_port: int) -> None:
    secret = "s3cret-token-for-the-webhook"
    async with webhook_bot(tmp_path, telegram.base_url, unused_tcp_port, secret):
        assert telegram.webhook["url"] == WEBHOOK_URL
        assert telegram.webhook["secret_token"] == secret
        update = {
            "update_id": 1,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 20, "type": "private"},
                "from": {"id": 20, "is_bot": False, "first_name": "A"},
                "text": "xin chào",
            },
        }
        url = f"http://127.0.0.1:{unused_tcp_port}/telegram"
        async with aiohttp.ClientSession() as session:
            async with session.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}) as bad:
                assert bad.status == 403
            async with session.post(url, json=update) as missing:
                assert missing.status == 403
            async with session.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": secret}) as good:
                assert good.status == 200
        replies = await telegram.wait_for(20, 1)
        assert replies[0].text.startswith("Xin chào!")


APOLOGY = {
    "vi": "Xin lỗi, đã có lỗi khi xử lý tin nhắn. Bạn vui lòng thử lại sau ít phút.",
    "en": "Sorry, something went wrong while handling your message. Please try again in a few minutes.",
}


@pytest.mark.parametrize("language", sorted(APOLOGY))
async def test_an_internal_error_gets_an_apology_in_the_citizens_language_and_a_clean_log(
    telegram: FakeTelegram, bot: BotApplication, tmp_path: Path, caplog: pytest.LogCaptureFixture, language: str
) -> None:
    db = sqlite3.connect(tmp_path / "state.sqlite3")
    db.execute("DROP TABLE questions")  # the state database is damaged under the running bot
    db.commit()
    reply = await ask(telegram, 30, "câu hỏi riêng tư số 4242 về trả góp", language=language)
    assert reply.text == APOLOGY[language]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "error while handling update" in logged and "OperationalError" in logged
    assert "4242" not in logged and "riêng tư" not in logged


async def test_a_double_tap_does_not_post_the_page_again(telegram: FakeTelegram, bot: BotApplication) -> None:
    menu = await ask(telegram, 8, "/chude")
    await press(telegram, 8, menu, "Tự nguyện thi hành án")
    data = next(data for label, data in menu.buttons() if "Tự nguyện thi hành án là gì" in label)
    edits = len([m for m in telegram.methods() if m == "editMessageText"])
    for _ in range(2):  # the same button twice: the second edit changes nothing (Telegram: 400)
        await telegram.press(8, menu, data)
    await telegram.wait_until(lambda: telegram.methods().count("editMessageText") >= edits + 2)
    with pytest.raises(TimeoutError):  # nothing is posted as a new message
        await telegram.wait_for(8, 2, timeout=1.0)
    assert len(telegram.sent_to(8)) == 1 and menu.edits == 2
