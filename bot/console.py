"""A local console that goes through the same Conversation as Telegram.

Buttons are shown numbered; typing the number presses the button. The citizens' commands of
bot/commands.py work as in Telegram (/help lists them); Ctrl+D or /thoat quits.
"""

from __future__ import annotations

import asyncio
from typing import TextIO

from bot.commands import citizen_command
from bot.config import Settings
from bot.conversation import Conversation, User
from bot.replies import Button, Reply, plain
from bot.services import Services

CONSOLE_USER = User(id=0, language_code="vi")


async def run_command(conversation: Conversation, line: str) -> list[Reply] | None:
    """A citizens' command of bot/commands.py, as in Telegram; None when there is no such command."""
    name, _, argument = line[1:].partition(" ")
    command = citizen_command(name)
    if command is None or command.run is None:
        return None
    return await command.run(conversation, CONSOLE_USER, argument)


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
    async with Services.running(settings) as services:
        conversation = services.conversation
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
            elif line.startswith("/") and (commanded := await run_command(conversation, line)) is not None:
                replies = commanded
            else:
                replies = await conversation.text(CONSOLE_USER, line)
            shown = _show(replies, out)
            buttons = shown or buttons
