"""A local console that goes through the same Conversation as Telegram.

Buttons are shown numbered; typing the number presses the button. Commands work as in
Telegram (/start, /help, /chude, /lienhe, /tracuu, /huy, /dangky, /huydangky, /thongbao,
/lang en); Ctrl+D or /thoat quits.
"""

from __future__ import annotations

import asyncio
from typing import TextIO

from bot.app import open_services
from bot.config import Settings
from bot.conversation import Conversation, User
from bot.replies import Button, Reply, plain

CONSOLE_USER = User(id=0, language_code="vi")


async def _command(conversation: Conversation, line: str) -> list[Reply] | None:
    name, _, argument = line[1:].partition(" ")
    commands = {
        "start": conversation.start, "help": conversation.help, "chude": conversation.topics,
        "topics": conversation.topics, "lienhe": conversation.contact, "contact": conversation.contact,
    }
    if name in {"tracuu", "lookup"}:
        return await conversation.case(CONSOLE_USER, argument.strip() or None)
    if name in {"huy", "cancel"}:
        return await conversation.cancel(CONSOLE_USER)
    announcements = {"dangky": "subscribe", "huydangky": "unsubscribe", "thongbao": "archive"}
    if name in announcements:
        return await conversation.announcements(CONSOLE_USER, announcements[name])
    if name == "start" and argument.strip():
        return await conversation.start(CONSOLE_USER, argument.strip())
    if name == "lang":
        if argument.strip():
            return await conversation.set_language(CONSOLE_USER, argument.strip())
        return await conversation.choose_language(CONSOLE_USER)
    if name in commands:
        return await commands[name](CONSOLE_USER)
    return None


def _show(replies: list[Reply], out: TextIO) -> list[Button]:
    buttons: list[Button] = []
    for reply in replies:
        if reply.notice:
            out.write(f"({reply.notice})\n")
        if reply.text:
            out.write(plain(reply.text) + "\n")
        for row in reply.buttons:
            for button in row:
                buttons.append(button)
                out.write(f"  [{len(buttons)}] {button.label}\n")
    out.write("\n")
    out.flush()
    return buttons


async def run_console(settings: Settings, stdin: TextIO, out: TextIO) -> None:
    """Read lines until end of input, answering each like the Telegram bot would."""
    if settings.cases.demo is None:  # the console may try the bot on synthetic cases; Telegram never by default
        settings = settings.model_copy(update={"cases": settings.cases.model_copy(update={"demo": True})})
    services = await open_services(settings)
    conversation = services.conversation
    try:
        out.write("Bảng điều khiển cục bộ (local console). Gõ câu hỏi; gõ số để bấm nút; Ctrl+D để thoát.\n\n")
        buttons = _show(await conversation.start(CONSOLE_USER), out)
        while True:
            line = await asyncio.to_thread(stdin.readline)
            if not line or line.strip() in {"/thoat", "/quit", "/exit"}:
                break
            line = line.strip()
            if not line:
                continue
            if line.isdigit() and 1 <= int(line) <= len(buttons):
                replies = await conversation.action(CONSOLE_USER, buttons[int(line) - 1].data)
            elif line.startswith("/") and (commanded := await _command(conversation, line)) is not None:
                replies = commanded
            else:
                replies = await conversation.text(CONSOLE_USER, line)
            shown = _show(replies, out)
            buttons = shown or buttons
    finally:
        await services.state.close()
