"""The one table of commands (bot/commands.py) and of button data (bot/actions.py): Telegram, the
console and /help offer the same commands, and every button the bot builds parses back while
forged data is rejected."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.actions import CODECS, BoardAction, DeskAction, FaqAction, LookupAction, MenuAction, parse, pattern
from bot.app import build_application
from bot.commands import CITIZENS, COMMANDS, MENU
from bot.console import run_command
from bot.conversation import User
from bot.texts import EN, VI
from tests.helpers import Core, make_settings

CITIZEN = User(6001, "vi")


def test_telegram_registers_every_row_and_every_feature_and_only_those(tmp_path: Path) -> None:
    handlers = build_application(make_settings(tmp_path, "http://127.0.0.1:9")).handlers[0]
    names = [name for command in COMMANDS for name in command.names]
    assert len(names) == len(set(names))  # no name in two rows
    assert sorted(n for h in handlers if isinstance(h, CommandHandler) for n in h.commands) == sorted(names)
    buttons = [h.pattern.pattern if h.pattern else None for h in handlers if isinstance(h, CallbackQueryHandler)]
    assert buttons == [pattern(feature) for feature in CODECS] + [None]  # the last answers the rest "expired"
    assert {c.name for c in MENU} == {
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
    for command in COMMANDS:  # what Telegram accepts in setMyCommands
        assert re.fullmatch(r"[a-z0-9_]{1,32}", command.name)
        assert all(3 <= len(description) <= 256 for description in (command.vi, command.en))
        assert (command.run is None) is (command.audience != "citizen")


async def test_the_console_runs_every_citizens_command_and_no_other(core: Core) -> None:
    for command in CITIZENS:
        for name in command.names:
            replies = await run_command(core.conversation, f"/{name}")
            assert replies and all(r.text or r.notice for r in replies), name
    [unfollowed] = await run_command(core.conversation, "/huytheodoi") or []  # the bot tells citizens to type it
    assert unfollowed.text == "Đã thôi theo dõi 0 hồ sơ."
    for name in ("faq_reload", "faq_gaps", "soanthongbao", "announce", "khongco"):
        assert await run_command(core.conversation, f"/{name}") is None  # typed as a question instead


@pytest.mark.parametrize("language", ["vi", "en"])
async def test_help_lists_every_citizens_command(core: Core, language: str) -> None:
    [reply] = await core.conversation.help(User(6002, language))
    texts = EN if language == "en" else VI
    assert reply.text.startswith(texts.help.split("{")[0]) and reply.text.endswith(texts.help.split("}")[1])
    listed = re.findall(r"^• /(\w+): (.+)\.$", reply.text, flags=re.MULTILINE)
    assert listed == [(c.name, c.description(language == "en")) for c in CITIZENS if c.name != "help"]
    assert "huytheodoi" in dict(listed)


BUILT = [
    (MenuAction.menu("browse"), MenuAction("browse")),
    (MenuAction.language("en"), MenuAction("en")),
    (FaqAction.show("tra-gop"), FaqAction("show", "tra-gop")),
    (FaqAction.vote("tra-gop", True), FaqAction("vote", "tra-gop", 1)),
    (FaqAction.vote("tra-gop", False), FaqAction("vote", "tra-gop", 0)),
    (FaqAction.topic("nop-tien", 12), FaqAction("topic", "nop-tien", 12)),
    (FaqAction.NONE, FaqAction("none")),
    (LookupAction.CANCEL, LookupAction("cancel")),
    (LookupAction.FOLLOW, LookupAction("follow")),
    (LookupAction.unfollow("QN-2026-000123"), LookupAction("unfollow", "QN-2026-000123")),
    (BoardAction.CHOICES, BoardAction("choices")),
    (BoardAction.ALL, BoardAction("all")),
    (BoardAction.DONE, BoardAction("done")),
    (BoardAction.switch("dau-gia", True), BoardAction("on", "dau-gia")),
    (BoardAction.switch("dau-gia", False), BoardAction("off", "dau-gia")),
    (BoardAction.archive(3), BoardAction("archive", page=3)),
    (DeskAction.build("t", 7, "chung"), DeskAction("t", 7, "chung")),
    (DeskAction.build("y", 7), DeskAction("y", 7)),
]


@pytest.mark.parametrize(("data", "action"), BUILT)
def test_every_button_the_bot_builds_parses_back_and_telegram_routes_it_to_its_feature(
    data: str, action: object
) -> None:
    assert parse(data) == action
    routed = [feature for feature in CODECS if re.match(pattern(feature), data)]
    assert routed == [feature for feature, codec in CODECS.items() if isinstance(action, codec)]
    assert len(data.encode()) <= 64


@pytest.mark.parametrize(
    "data", ["", "x", "zz:1", "e", "e:", "f:tra-gop:2", "f::1", "c::1", "l:fr", "m:nowhere", "s:?:chung", "s:-:", "q:1"]
)
def test_forged_or_malformed_data_is_rejected_in_one_place(data: str) -> None:
    assert parse(data) is None


@pytest.mark.parametrize(
    ("data", "action"),
    [
        ("c:nop-tien:²", FaqAction("topic", "nop-tien", 1)),  # a page that is not plain digits reads as the first
        ("c:nop-tien:99999999999999999999", FaqAction("topic", "nop-tien", 1)),
        ("t:0", BoardAction("archive", page=1)),
        ("a:s:²", DeskAction("s", None)),  # an official's button keeps its verb, so a refusal names it
        ("a:\n2026 INFO fake", DeskAction("\n2026 INFO fake", None)),
        ("a:t:5", DeskAction("t", None)),  # a topic button without its topic
    ],
)
def test_numbers_are_plain_digits_of_a_sane_length(data: str, action: object) -> None:
    assert parse(data) == action
