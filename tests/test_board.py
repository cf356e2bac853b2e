"""Subscriptions and the archive in process: the Board behind the citizen's Conversation, on a real
state database in tmp_path, no HTTP (the end-to-end twins are in test_announce.py)."""

from __future__ import annotations

import pytest

from bot.announce.model import Content, Status
from bot.conversation import User
from bot.replies import Reply
from bot.texts import VI
from bot.texts.announce import BOARD_VI
from tests.helpers import AUTHOR, Core

CITIZEN = User(7001, "vi")
ALL = {"chung", "dau-gia", "tiep-dan"}


def topic_labels(core: Core, reply: Reply) -> dict[str, bool]:
    """Each topic's switch as shown: True when it reads "on"."""
    shown = [button.label for row in reply.buttons for button in row]
    found = {}
    for topic in core.board.settings.topics:
        title = core.board.topic_title(topic.id)
        on, off = BOARD_VI.on.format(topic=title), BOARD_VI.off.format(topic=title)
        assert (on in shown) != (off in shown), title
        found[topic.id] = on in shown
    return found


@pytest.mark.parametrize(
    "steps",
    [
        [("s:+:dau-gia", {"dau-gia"}), ("s:+:dau-gia", {"dau-gia"}), ("s:-:dau-gia", set())],
        [("s:*", ALL), ("s:*", ALL), ("s:-:chung", {"dau-gia", "tiep-dan"}), ("s:-:chung", {"dau-gia", "tiep-dan"})],
        [
            ("s:+:tiep-dan", {"tiep-dan"}),
            ("s:+:khong-co", {"tiep-dan"}),
            ("s:?:chung", {"tiep-dan"}),
            ("s:-:", {"tiep-dan"}),
            ("s:", {"tiep-dan"}),
        ],
    ],
)
async def test_topic_switches_toggle_and_show_what_is_stored(core: Core, steps: list[tuple[str, set[str]]]) -> None:
    [shown] = await core.conversation.announcements(CITIZEN, "subscribe")
    assert topic_labels(core, shown) == dict.fromkeys(sorted(ALL), False)
    for data, expected in steps:
        [reply] = await core.conversation.action(CITIZEN, data)
        assert await core.state.announcements.topics_of(CITIZEN.id) == expected, data
        if reply.buttons:  # a forged switch only answers the press; the message stays as it was
            assert topic_labels(core, reply) == {topic: topic in expected for topic in sorted(ALL)}, data
        else:  # a topic no longer offered is "done"; data that is no switch at all is "expired" (bot/actions.py)
            assert reply == Reply("", notice=BOARD_VI.done if data == "s:+:khong-co" else VI.expired), data


async def test_done_lists_the_chosen_topics_or_says_there_are_none(core: Core) -> None:
    [none] = await core.conversation.action(CITIZEN, "s:.")
    assert none == Reply(BOARD_VI.none_subscribed, edit=True)
    await core.conversation.action(CITIZEN, "s:+:tiep-dan")
    await core.conversation.action(CITIZEN, "s:+:chung")
    [done] = await core.conversation.action(CITIZEN, "s:.")
    titles = ", ".join(core.board.topic_title(t) for t in ("chung", "tiep-dan"))
    assert done.text == BOARD_VI.subscribed.format(topic=titles) + "\n" + BOARD_VI.stop_hint


async def test_unsubscribe_ends_every_topic_once(core: Core) -> None:
    await core.state.announcements.subscribe(CITIZEN.id, ["chung", "dau-gia"])
    [bye] = await core.conversation.announcements(CITIZEN, "unsubscribe")
    assert bye.text == BOARD_VI.unsubscribed_all.format(count=2)
    assert await core.state.announcements.topics_of(CITIZEN.id) == set()
    [again] = await core.conversation.announcements(CITIZEN, "unsubscribe")
    assert again.text == BOARD_VI.none_subscribed


async def published(core: Core, count: int) -> None:
    """`count` announcements sent through their life (scheduled, sending, done), the newest last."""
    store = core.state.announcements
    for number in range(count):
        item = await store.create("chung", Content(f"Thông báo số {number}"), AUTHOR, "Phòng", status=Status.SCHEDULED)
        assert await store.start(item) and await store.finish(item)


@pytest.mark.parametrize(
    ("data", "page"),
    [
        ("t:1", 1),
        ("t:2", 2),
        ("t:9", 2),
        ("t:²", 1),
        ("t:", 1),
        ("t:0", 1),  # a forged page 0 reads as the first, title included (BoardAction.parse)
    ],
)
async def test_archive_pages_newest_first(core: Core, data: str, page: int) -> None:
    assert (await core.conversation.announcements(CITIZEN, "archive"))[0].text == BOARD_VI.archive_empty
    await published(core, 6)  # two pages of five
    [reply] = await core.conversation.action(CITIZEN, data)
    assert reply.edit and reply.text.startswith(BOARD_VI.archive_title.format(page=page, pages=2))
    shown = sorted((reply.text.index(f"Thông báo số {n}"), n) for n in range(6) if f"Thông báo số {n}" in reply.text)
    assert [n for _, n in shown] == ([5, 4, 3, 2, 1] if page == 1 else [0])
