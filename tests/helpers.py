"""Shared test helpers: settings for a test bot, starting and stopping the real Application
against the loopback Bot API, playing a citizen (ask, press, labels), officials and subscribers
for announcements, and case-export rows. Fixtures live in conftest.py; test modules import from
here, never from each other (tests/test_suite_layout.py checks it)."""

from __future__ import annotations

import asyncio
import csv
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.announce.board import Board
from bot.announce.desk import Desk
from bot.app import build_application
from bot.cases.codes import CodeFormat
from bot.cases.demo import demo_rows
from bot.cases.glossary import load_glossary
from bot.cases.importer import COLUMNS, import_rows
from bot.cases.store import CaseStore
from bot.config import Official, Settings, load_settings
from bot.conversation import Conversation
from bot.handlers.context import BotApplication
from bot.knowledge import Knowledge
from bot.lookup import CaseLookup
from bot.state import StateStore
from bot.webhook import open_webhook
from tests.fake_telegram import TOKEN, FakeTelegram, Sent

ROOT = Path(__file__).resolve().parent.parent

# -- a bot on the loopback Bot API --------------------------------------------------------------


WEBHOOK_URL = "https://bot.example.test/telegram"


def webhook_yaml(port: int) -> str:
    """The `telegram.webhook` block of a test configuration: served on 127.0.0.1:`port`."""
    return f"  webhook:\n    listen: 127.0.0.1\n    port: {port}\n    url: {WEBHOOK_URL}\n"


def make_settings(
    tmp_path: Path, base_url: str, extra: str = "", env: dict[str, str] | None = None, throttled: bool = False
) -> Settings:
    """The shipped FAQ and glossary, state and a 200-case demo snapshot in `tmp_path`; `extra` is
    appended to the configuration (it continues the `telegram` section unless it opens another).

    The tests' citizens write as fast as they are answered: the per-user throttle is lifted unless
    a test asks for the shipped limits (`throttled=True`, tests/test_throttle.py)."""
    lifted = "" if throttled else "  user_burst: 100000\n"
    config = tmp_path / "config.yaml"
    config.write_text(
        f"faq:\n  dir: {ROOT / 'faq'}\nstate:\n  path: {tmp_path / 'state.sqlite3'}\n"
        f"cases:\n  glossary: {ROOT / 'glossary' / 'statuses.yaml'}\n  database: {tmp_path / 'cases.sqlite3'}\n"
        f"  demo_count: 200\n  demo: true\n  check_seconds: 0.2\n"
        f"telegram:\n  retry_seconds: 30\n{lifted}{extra}",
        encoding="utf-8",
    )
    environ = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base_url, **(env or {})}
    return load_settings(config, environ=environ)


async def started(settings: Settings) -> BotApplication:
    """The Application initialised and started the way `run_polling` does, without polling."""
    application = build_application(settings)
    await application.initialize()
    assert application.post_init is not None
    await application.post_init(application)
    await application.start()
    return application


async def running(settings: Settings) -> BotApplication:
    """Started and polling the loopback Bot API."""
    application = await started(settings)
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0, timeout=1)
    return application


async def stopped(application: BotApplication) -> None:
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    await application.stop()
    assert application.post_stop is not None and application.post_shutdown is not None
    await application.post_stop(application)
    await application.post_shutdown(application)
    await application.shutdown()


@asynccontextmanager
async def webhook_bot(tmp_path: Path, base_url: str, port: int, secret: str) -> AsyncIterator[BotApplication]:
    """Started in webhook mode, its server on 127.0.0.1:`port` at WEBHOOK_URL's path with `secret`;
    the server closed and the Application stopped on exit."""
    settings = make_settings(
        tmp_path, base_url, extra=f"  mode: webhook\n{webhook_yaml(port)}", env={"TELEGRAM_WEBHOOK_SECRET": secret}
    )
    application = await started(settings)
    runner = await open_webhook(application, settings)
    try:
        yield application
    finally:
        await runner.cleanup()
        await stopped(application)


# -- playing a citizen ----------------------------------------------------------------------------


async def ask(telegram: FakeTelegram, user: int, text: str, language: str = "vi") -> Sent:
    """Send a text as `user` and return the bot's next message to them."""
    before = len(telegram.sent_to(user))
    await telegram.send_text(user, text, language)
    return (await telegram.wait_for(user, before + 1))[-1]


async def press(telegram: FakeTelegram, user: int, message: Sent, label_part: str, count: int = 0) -> Sent:
    """Press the button whose label contains `label_part` and return the message the bot changed
    or, when it sent new ones instead, the last of more than `count` new messages."""
    data = next(data for label, data in message.buttons() if label_part in label)
    before, edits = len(telegram.sent_to(user)), message.edits
    await telegram.press(user, message, data)
    await telegram.wait_until(lambda: message.edits > edits or len(telegram.sent_to(user)) > before + count)
    return message if message.edits > edits else telegram.sent_to(user)[-1]


def labels(message: Sent) -> list[str]:
    return [label for label, _ in message.buttons()]


# -- announcements --------------------------------------------------------------------------------

AUTHOR, APPROVER = 900, 901
OFFICIALS = (
    f"announcements:\n  officials:\n    - id: {AUTHOR}\n      name: Phòng Nghiệp vụ\n      roles: [author]\n"
    f"    - id: {APPROVER}\n      name: Lãnh đạo\n      roles: [author, approver]\n"
    "  progress_seconds: 0.3\n  rate: 30\n"
)


async def subscribe(settings: Settings, chats: range, topic: str = "tiep-dan") -> None:
    """Subscribe `chats` to `topic` directly in the state database."""
    async with await StateStore.open(settings.state.path) as state:
        for chat in chats:
            await state.announcements.subscribe(chat, [topic])


# -- the Telegram-free core, in process ---------------------------------------------------------


@dataclass
class Core:
    """What the Telegram handlers and the console drive, on a real state database: no HTTP."""

    state: StateStore
    path: Path | str  # of the state database: a SQLite file or a PostgreSQL URL (tests/postgres.py)
    conversation: Conversation
    board: Board
    desk: Desk
    woken: list[None] = field(default_factory=list)  # one item each time the desk woke the sender


@asynccontextmanager
async def open_core(
    settings: Settings, knowledge: Knowledge, cases: CaseStore, state_path: Path | str
) -> AsyncIterator[Core]:
    """The core as the bot builds it (bot.services.Services), with helpers.AUTHOR and
    helpers.APPROVER as officials and the sender replaced by a record of wake-ups."""
    officials = (
        Official(id=AUTHOR, name="Phòng Nghiệp vụ"),
        Official(id=APPROVER, name="Lãnh đạo", roles=("author", "approver")),
    )
    announcements = settings.announcements.model_copy(update={"officials": officials})
    async with await StateStore.open(state_path) as state:
        glossary = load_glossary(settings.cases.glossary)[0]
        lookup = CaseLookup(cases, dict(glossary), settings.cases, state, settings.agency.hotline)
        board = Board(state.announcements, announcements, settings.agency)
        woken: list[None] = []
        desk = Desk(
            state.announcements,
            board,
            announcements,
            user_key=state.user_key,
            dialogue=state.dialogue,
            wake=lambda: woken.append(None),
            stop=state.announcements.cancel,
        )
        conversation = Conversation(knowledge, state, settings.agency, lookup, board)
        yield Core(state, state_path, conversation, board, desk, woken)


# -- case exports ---------------------------------------------------------------------------------

CODES = CodeFormat(r"^QN-\d{4}-\d{6}$", "QN-2026-000123")
STATUSES = set(load_glossary(ROOT / "glossary" / "statuses.yaml")[0])
ROW = {
    "code": "QN-2026-000001",
    "status": "tu-nguyen",
    "office_id": "KV1",
    "office_name": "Phòng THADS khu vực 1",
    "office_address": "[địa chỉ]",
    "office_phone": "[điện thoại]",
    "executor": "Lê Văn Cường",
    "decided_on": "2026-07-02",
    "updated_on": "2026-07-10",
    "amount_due": "50000000",
    "amount_paid": "0",
    "creditor_name": "Nguyễn Văn An",
    "debtor_name": "Trần Thị Bình",
    "creditor_factor": "1970",
    "debtor_factor": "1982",
    "events": "2026-07-02: Ra quyết định thi hành án | 2026-07-10: Gửi thông báo",
}


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """An export in the importer's columns."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def reexport(tmp_path: Path, code: str, status: str) -> None:
    """A new export in which one case moved on."""
    rows = []
    for line, row in demo_rows(200):
        if row["code"] == code:
            row.update(
                status=status,
                updated_on="2026-11-27",
                events=row["events"] + " | 2026-11-27: Xác nhận đã thi hành xong",
            )
        rows.append((line, row))
    statuses = set(load_glossary(ROOT / "glossary" / "statuses.yaml")[0])
    report = import_rows(iter(rows), tmp_path / "cases.sqlite3", CodeFormat(r"^QN-\d{4}-\d{6}$", "x"), statuses)
    assert report.errors == []


async def prepare(tmp_path: Path, config: Path, chats: range, text: str) -> None:
    async with await StateStore.open(tmp_path / "state.sqlite3") as state:
        for chat in chats:
            await state.announcements.subscribe(chat, ["chung"])
    notice = tmp_path / "notice.txt"
    notice.write_text(text, encoding="utf-8")
    queued = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "--config",
        str(config),
        "announce",
        "--topic",
        "chung",
        "--text-file",
        str(notice),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await queued.communicate()
    assert queued.returncode == 0, err.decode()
    assert "Đã xếp thông báo #1 vào hàng gửi" in out.decode()


async def bot_process(
    config: Path,
    base_url: str,
    *,
    stdout: int = asyncio.subprocess.PIPE,
    stderr: int = asyncio.subprocess.PIPE,
    **env: str,
) -> asyncio.subprocess.Process:
    """`python -m bot` as a real process on `config`, talking to the Bot API at `base_url` with
    the tests' token; `env` adds environment variables (e.g. TELEGRAM_WEBHOOK_SECRET)."""
    environ = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": base_url,
        "BOT_CONFIG": str(config),
        **env,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=environ, stdout=stdout, stderr=stderr
    )
