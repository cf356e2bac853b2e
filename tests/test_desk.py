"""The officials' desk in process: compose, preview, send, schedule, and the refusals, on a real
state database in tmp_path, no HTTP (the end-to-end twins are in test_announce.py and
test_forged_buttons.py). helpers.AUTHOR may write; helpers.APPROVER may write and approve."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.announce.model import Content, Status
from bot.replies import Reply
from bot.texts.announce import DESK
from tests.helpers import APPROVER, AUTHOR, Core
from tests.postgres import rows

CITIZEN = 7001


async def draft(core: Core, author: int = AUTHOR, text: str = "Lịch tiếp công dân tháng 12. Hỏi: {hotline}") -> int:
    """An official composes: /soanthongbao, then the content; the draft's id from its buttons."""
    assert await core.desk.begin(author) == [Reply(DESK.compose)]
    [reply] = await core.desk.received(author, Content(text))
    assert reply.text == DESK.pick_topic
    return int(reply.buttons[-1][0].data.rsplit(":", 1)[1])  # the last row is "discard": a:x:<id>


def refusals(core: Core) -> list[str]:
    return [row[0] for row in rows(core.path, "SELECT action FROM refusals ORDER BY id")]


@pytest.mark.parametrize(
    ("user", "data", "recorded"),
    [
        (CITIZEN, None, "compose"),
        (CITIZEN, "a:t:1:chung", "button t"),
        (CITIZEN, "a:s:1", "button s"),
        (CITIZEN, "a:x:1", "button x"),
        (CITIZEN, "a:c:1", "button c"),
        (CITIZEN, "a:y:1", "button y"),
        (AUTHOR, "a:y:1", "button y"),  # an author who is not an approver
        (AUTHOR, "a:n:1", "button n"),
        (CITIZEN, "a:\x1b[31m:1", "button \\x1b[31m"),  # forged bytes are stored escaped
    ],
)
async def test_everyone_but_an_official_in_the_right_role_is_refused_and_recorded(
    core: Core, user: int, data: str | None, recorded: str
) -> None:
    replies = await core.desk.begin(user) if data is None else await core.desk.action(user, data, None)
    assert replies == [Reply(DESK.refused)]
    assert refusals(core) == [recorded]
    assert not await core.desk.waiting(user) and core.woken == []


@pytest.mark.parametrize("data", ["a:t:{id}:chung", "a:s:{id}", "a:h:{id}", "a:x:{id}"])
async def test_another_officials_draft_is_not_yours(core: Core, data: str) -> None:
    announcement = await draft(core, AUTHOR)
    replies = await core.desk.action(APPROVER, data.format(id=announcement), (APPROVER, 1))
    assert replies == [Reply("", notice=DESK.not_yours)]
    assert await core.state.announcements.status(announcement) == Status.DRAFT
    assert not await core.desk.waiting(APPROVER) and core.woken == [] and refusals(core) == []


@pytest.mark.parametrize("number", ["²", "1234567890", "", "abc", "-1", "99"])
async def test_forged_or_unknown_ids_are_expired(core: Core, number: str) -> None:
    await draft(core)
    assert await core.desk.action(AUTHOR, f"a:s:{number}", None) == [Reply("", notice=DESK.expired)]
    assert core.woken == []


async def test_compose_preview_and_send_now(core: Core) -> None:
    for chat in range(3):
        await core.state.announcements.subscribe(chat, ["tiep-dan"])
    announcement = await draft(core)
    notice, message, control = await core.desk.action(AUTHOR, f"a:t:{announcement}:tiep-dan", None)
    assert notice == Reply("", edit=True, notice=core.board.topic_title("tiep-dan"))
    assert message.text.startswith("📢 <b>Lịch tiếp công dân</b>\n\nLịch tiếp công dân tháng 12.")
    assert "Hỏi: [Số đường dây nóng — cơ quan cập nhật]" in message.text  # configured, never invented
    assert "<b>3</b>" in control.text
    assert [b.data for row in control.buttons for b in row] == [f"a:{verb}:{announcement}" for verb in "shx"]
    [queued] = await core.desk.action(AUTHOR, f"a:s:{announcement}", (AUTHOR, 42))
    assert queued.edit and queued.text == DESK.queued.format(id=announcement, topic="Lịch tiếp công dân")
    assert await core.state.announcements.status(announcement) == Status.SCHEDULED and core.woken == [None]
    again = await core.desk.action(AUTHOR, f"a:s:{announcement}", (AUTHOR, 42))  # a second press
    assert again == [Reply("", notice=DESK.expired)] and core.woken == [None]


async def test_schedule_asks_a_time_and_refuses_bad_or_past_ones(core: Core) -> None:
    announcement = await draft(core)
    [ask] = await core.desk.action(AUTHOR, f"a:h:{announcement}", None)
    assert ask.text.startswith(DESK.ask_time.split("{")[0]) and await core.desk.waiting(AUTHOR)
    assert (await core.desk.received(AUTHOR, None, "ngày mai"))[0].text.startswith(DESK.bad_time.split("{")[0])
    assert await core.desk.received(AUTHOR, None, "01/01/2020 08:00") == [Reply(DESK.past_time)]
    later = dt.datetime.now(core.board.zone) + dt.timedelta(days=3)
    [done] = await core.desk.received(AUTHOR, None, f"{later:%d/%m/%Y} 08:00")
    assert done.text.startswith(DESK.scheduled.split("{")[0]) and not await core.desk.waiting(AUTHOR)
    item = await core.state.announcements.get(announcement)
    assert item is not None and item.status == Status.SCHEDULED and item.send_at is not None
    assert core.board.local(item.send_at) == f"{later:%d/%m/%Y} 08:00" and core.woken == [None]


async def test_cancel_while_composing_and_discard_a_draft(core: Core) -> None:
    await core.desk.begin(AUTHOR)
    assert await core.desk.abandon(AUTHOR) == [Reply(DESK.cancelled)] and not await core.desk.waiting(AUTHOR)
    assert await core.desk.abandon(AUTHOR) is None  # nothing to cancel: /huy goes elsewhere
    announcement = await draft(core)
    [gone] = await core.desk.action(AUTHOR, f"a:x:{announcement}", None)
    assert gone == Reply(DESK.discarded.format(id=announcement), edit=True)
    assert await core.state.announcements.status(announcement) == Status.CANCELLED
    assert await core.desk.action(AUTHOR, f"a:s:{announcement}", None) == [Reply("", notice=DESK.expired)]
