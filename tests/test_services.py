"""The service graph without Telegram (bot/services.py): opened and closed in-process on real SQLite
files and copies of the shipped FAQ, with a recording outlet where the bot would use Telegram."""

from __future__ import annotations

import asyncio
import re
import shutil
from pathlib import Path

from bot.announce.board import Board
from bot.announce.desk import Desk
from bot.announce.model import Announcement
from bot.announce.sender import Outcome, Result
from bot.config import Settings, load_settings
from bot.content import Loaded, Rejected
from bot.conversation import User
from bot.reload import Unchanged
from bot.services import Services, open_state

ROOT = Path(__file__).resolve().parent.parent
NEW_PHRASING = "quầy xyzzy plugh nhận tiền"  # answered by nothing until staff add it
BROKEN = "  - id: hong\n    question: [\n"


class RecordingOutlet:
    """Where the bot would call Telegram: what the services hand out is recorded."""

    def __init__(self) -> None:
        self.told: list[str] = []
        self.boards: list[Board] = []

    def transport(self, board: Board) -> RecordingOutlet:
        self.boards.append(board)
        return self

    async def send(self, chat_id: int, announcement: Announcement) -> Result:
        return Result(Outcome.SENT, message_id=1)

    async def progress(self, desk: Desk, item: Announcement) -> None:
        return None

    async def approval(self, desk: Desk, item: Announcement) -> bool:
        return False

    async def tell_staff(self, text: str) -> None:
        self.told.append(text)


def make_settings(tmp_path: Path) -> Settings:
    shutil.copytree(ROOT / "faq", tmp_path / "faq")
    config = tmp_path / "config.yaml"
    config.write_text(
        f"faq:\n  dir: faq\n  watch: false\nstate:\n  path: state.sqlite3\n"
        f"cases:\n  glossary: {ROOT / 'glossary' / 'statuses.yaml'}\n  database: cases.sqlite3\n"
        f"  demo_count: 10\n",
        encoding="utf-8",
    )
    return load_settings(config, environ={})


def add_phrasing(folder: Path) -> None:
    """One more alternative for noi-nop-tien (Nộp tiền thi hành án ở đâu?)."""
    path = folder / "nop-tien.yaml"
    text, count = re.subn(
        r"(- id: noi-nop-tien\n(?:.*\n)*?    alternatives:\n)",
        rf"\1      - {NEW_PHRASING}\n",
        path.read_text(encoding="utf-8"),
    )
    assert count == 1
    path.write_text(text, encoding="utf-8")


async def test_the_console_graph_answers_and_closes_without_telegram(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    async with Services.running(settings) as services:
        assert isinstance(services.startup, Loaded)
        assert services.desk.board is services.board and services.conversation.lookup is services.lookup
        replies = await services.conversation.text(User(1), "Nộp tiền thi hành án ở đâu?")
        data = [button.data for reply in replies for row in reply.buttons for button in row]
        assert "f:noi-nop-tien:1" in data  # the answer, with its feedback buttons
    # Closed on leaving: the state database takes another opener at once.
    async with await open_state(settings) as state:
        assert await state.language(1) is None


async def test_faq_reload_serves_the_new_content_and_tells_only_the_requester(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    outlet = RecordingOutlet()
    services = await Services.open(settings, outlet)
    try:
        assert outlet.boards == [services.board]  # the broadcaster's transport renders with the board
        assert isinstance(await services.reload(), Unchanged)
        add_phrasing(settings.faq.dir)
        outcome = await services.reload()
        assert isinstance(outcome, Loaded)
        assert services.conversation.knowledge is outcome.content.knowledge is services.reloader.current.knowledge
        assert services.conversation.knowledge.matcher.match(NEW_PHRASING).entry_id == "noi-nop-tien"
        assert services.lookup.glossary == dict(outcome.content.glossary)
        assert outlet.told == []  # /faq_reload answers the requester; the staff chat hears nothing
    finally:
        await services.close()


async def test_saves_are_served_and_reported_to_staff_once_started(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    outlet = RecordingOutlet()
    services = await Services.open(settings, outlet)
    try:
        services.start()
        add_phrasing(settings.faq.dir)
        await services.reloader.reload("watch")  # what the watcher does after a save
        assert services.conversation.knowledge.matcher.match(NEW_PHRASING).entry_id == "noi-nop-tien"
        assert len(outlet.told) == 1 and outlet.told[0].startswith("Đã nạp lại bộ câu hỏi")
        good = services.conversation.knowledge
        with (settings.faq.dir / "nop-tien.yaml").open("a", encoding="utf-8") as file:
            file.write(BROKEN)
        assert isinstance(await services.reloader.reload("watch"), Rejected)
        assert services.conversation.knowledge is good  # the last good version keeps serving
        assert len(outlet.told) == 2 and outlet.told[1].startswith("Không nạp được")
    finally:
        await services.stop()
        await services.close()


async def test_a_start_up_refusal_is_told_to_staff_when_the_bot_starts(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with (settings.faq.dir / "nop-tien.yaml").open("a", encoding="utf-8") as file:
        file.write(BROKEN)
    outlet = RecordingOutlet()
    services = await Services.open(settings, outlet)
    try:
        assert isinstance(services.startup, Rejected)
        assert services.conversation.knowledge.faq.entries  # every usable entry still serves
        assert outlet.told == []
        services.start()
        await asyncio.gather(*services.background)  # the report is sent in the background
    finally:
        await services.stop()
        await services.close()
    assert len(outlet.told) == 1 and outlet.told[0].startswith("Không nạp được")
