"""The citizen's conversation in process: Conversation on the shipped FAQ and a real state database
in tmp_path, no HTTP and no Telegram (the end-to-end twins are in test_telegram.py). Each test
runs in milliseconds, so a change to the dialogue gets feedback at once."""

from __future__ import annotations

import html
from pathlib import Path
from textwrap import dedent

import pytest

from bot.actions import FaqAction
from bot.config import MatchingSettings
from bot.conversation import Conversation, User
from bot.faq.callbacks import PAGE_SIZE, pages
from bot.knowledge import Knowledge, load_knowledge
from bot.replies import Reply
from bot.texts import EN, VI
from tests.helpers import Core
from tests.postgres import rows

CITIZEN = User(5001, "vi")
ENGLISH = User(5002, "en")


def stored(core: Core, table: str = "questions", columns: str = "outcome, text") -> list[tuple[object, ...]]:
    """Rows of the state database, read through a connection of its own (what was committed)."""
    return rows(core.path, f"SELECT {columns} FROM {table}")


def datas(reply: Reply) -> list[str]:
    return [button.data for row in reply.buttons for button in row]


def labels(reply: Reply) -> list[str]:
    return [button.label for row in reply.buttons for button in row]


@pytest.mark.parametrize(
    ("question", "kind", "entry_id"),
    [
        ("Có được trả góp tiền thi hành án không?", "answer", "tra-gop"),
        ("co duoc tra gop tien thi hanh an khong", "answer", "tra-gop"),  # no diacritics
        ("tạm hoãn xuất cảnh là gì", "answer", "tam-hoan-xuat-canh"),
        ("thời hiệu là gì", "suggest", "thoi-hieu-yeu-cau"),  # two entries about as likely
        ("giá vàng hôm nay bao nhiêu", "none", None),
        ("xin chào", "greeting", None),
        ("cảm ơn nhiều", "thanks", None),
        ("🙏🙏", "please_type", None),
    ],
)
async def test_a_question_gets_an_answer_a_suggestion_or_an_honest_none(
    core: Core, question: str, kind: str, entry_id: str | None
) -> None:
    [reply] = await core.conversation.text(CITIZEN, question)
    entries = core.conversation.knowledge.faq.entries
    if kind == "answer":
        assert entry_id is not None
        assert reply.text.startswith(f"<b>{html.escape(entries[entry_id].question)}</b>\n\n")
        assert FaqAction.vote(entry_id, True) in datas(reply) and FaqAction.vote(entry_id, False) in datas(reply)
    elif kind == "suggest":
        assert reply.text == VI.did_you_mean
        assert FaqAction.show(str(entry_id)) in datas(reply) and datas(reply)[-1] == "n:"
    elif kind == "none":
        assert reply.text.startswith("Xin lỗi, tôi chưa có câu trả lời cho câu hỏi này.")
        assert "[Số đường dây nóng — cơ quan cập nhật]" in reply.text  # the configured placeholder
    else:
        assert reply.text.startswith(getattr(VI, kind).split("{")[0])
    # The text is kept only when the FAQ fell short; small talk and emoji are not questions at all.
    recorded = {"answer": [("answer", None)], "suggest": [("suggest", question)], "none": [("none", question)]}
    assert stored(core) == recorded.get(kind, [])


async def test_a_long_message_is_read_up_to_the_limit_and_says_so(core: Core) -> None:
    [reply] = await core.conversation.text(CITIZEN, "tôi muốn hỏi về trả góp " + "rất dài " * 1250)
    assert reply.text.startswith("<i>Tin nhắn khá dài, tôi đã đọc phần đầu (1000 ký tự).</i>\n\n")
    [(outcome, text)] = stored(core)
    assert outcome in {"suggest", "none"} and text == ("tôi muốn hỏi về trả góp " + "rất dài " * 1250)[:1000]


async def test_english_client_gets_the_english_answer_and_can_switch(core: Core) -> None:
    [reply] = await core.conversation.text(ENGLISH, "Can I pay the judgment debt in instalments?")
    english = core.conversation.knowledge.faq.entries["tra-gop"].en
    assert english is not None and reply.text.startswith(f"<b>{html.escape(english.question)}</b>")
    assert "<b>Legal basis</b>" in reply.text and EN.no_english not in reply.text
    assert EN.helpful in labels(reply)
    [switched] = await core.conversation.set_language(ENGLISH, "vi")
    assert switched.text == VI.language_set
    again = Conversation(
        core.conversation.knowledge, core.state, core.conversation.agency, core.conversation.lookup, core.board
    )  # a restart
    assert await again.language(ENGLISH) == "vi"  # stored, not only remembered in memory


NO_ENGLISH = """\
category: {id: nop-tien, title: Nộp tiền, title_en: Payment}
entries:
  - id: noi-nop-tien
    question: Nộp tiền thi hành án ở đâu?
    alternatives: [Tôi nộp tiền ở chỗ nào, Chuyển khoản tiền thi hành án được không]
    answer: Nộp tại cơ quan thi hành án.
    en:
      question: Where do I pay?
      answer: At the enforcement office.
  - id: tra-gop
    question: Có được trả góp tiền thi hành án không?
    alternatives: [Tôi trả dần từng tháng được không, Không đủ tiền trả một lần thì sao]
    answer: Có thể thỏa thuận trả dần.
"""


@pytest.fixture
def small_faq(tmp_path: Path) -> Knowledge:
    folder = tmp_path / "faq"
    folder.mkdir()
    (folder / "nop-tien.yaml").write_text(dedent(NO_ENGLISH), encoding="utf-8")
    return load_knowledge(folder, MatchingSettings())


@pytest.mark.parametrize(("entry_id", "note"), [("tra-gop", True), ("noi-nop-tien", False)])
async def test_an_answer_without_english_says_so_to_an_english_client(
    core: Core, small_faq: Knowledge, entry_id: str, note: bool
) -> None:
    conversation = Conversation(small_faq, core.state, core.conversation.agency, core.conversation.lookup, core.board)
    reply = await conversation.answer(ENGLISH, entry_id)
    entry = small_faq.faq.entries[entry_id]
    assert (EN.no_english in reply.text) is note
    assert (entry.answer in reply.text) is note  # the Vietnamese answer follows the note
    vietnamese = await conversation.answer(CITIZEN, entry_id)
    assert EN.no_english not in vietnamese.text and entry.answer in vietnamese.text


async def test_feedback_counts_once_per_citizen_and_removes_the_buttons(core: Core) -> None:
    [first] = await core.conversation.action(CITIZEN, FaqAction.vote("tra-gop", True))
    assert first.notice == VI.thanks_feedback and first.edit
    assert FaqAction.vote("tra-gop", True) not in datas(first) and FaqAction.vote("tra-gop", False) not in datas(first)
    await core.conversation.action(CITIZEN, FaqAction.vote("tra-gop", True))  # a replayed press
    await core.conversation.action(User(5003), FaqAction.vote("tra-gop", False))  # another citizen
    assert sorted(stored(core, "feedback", "entry_id, helpful")) == [("tra-gop", 0), ("tra-gop", 1)]


@pytest.mark.parametrize(
    "data", ["e:khong-co-muc-nay", "f:tra-gop:2", "f:khong-co:1", "c:khong-co:1", "l:fr", "zz:1", "", "x"]
)
async def test_forged_or_outdated_buttons_are_expired(core: Core, data: str) -> None:
    assert await core.conversation.action(CITIZEN, data) == [Reply("", notice=VI.expired)]
    assert stored(core, "feedback", "entry_id") == []


async def test_topic_pages_are_clamped_and_forged_numbers_read_as_the_first(core: Core) -> None:
    category = next(c for c in core.conversation.knowledge.faq.categories if len(c.entry_ids) > PAGE_SIZE)
    last = pages(len(category.entry_ids))
    for page, shown in [("1", 1), ("2", 2), ("0", 1), ("999", last), ("²", 1), ("-1", 1)]:
        [reply] = await core.conversation.action(CITIZEN, f"c:{category.id}:{page}")
        assert f"(trang {shown}/{last})" in reply.text, page
        assert [data for data in datas(reply) if data.startswith("e:")] == [
            FaqAction.show(e) for e in category.entry_ids[(shown - 1) * PAGE_SIZE : shown * PAGE_SIZE]
        ]
        assert (FaqAction.topic(category.id, shown + 1) in datas(reply)) is (shown < last)


@pytest.mark.parametrize(
    ("item", "starts"),
    [
        ("browse", VI.topics),
        ("contact", VI.contact.split("{")[0]),
        ("home", VI.welcome.split("{")[0]),
        ("ask", VI.ask_prompt),
    ],
)
async def test_menu_buttons(core: Core, item: str, starts: str) -> None:
    [reply] = await core.conversation.action(CITIZEN, f"m:{item}")
    assert reply.text.startswith(starts)
