"""Every slash command, declared once: its names, what it does in Vietnamese and English, who may
use it, and the Telegram-free handler. Telegram registration (bot/handlers), the command menu
(setMyCommands in bot/app.py), the local console and /help all read this table.

Citizens' commands run on the Conversation, so the console offers exactly what Telegram does.
Staff and officials' commands need Telegram (the chat they are typed in, the staff list), so
their handlers live in bot/handlers and are looked up there by the command's name.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.dialogue import User
from bot.replies import Reply

Audience = Literal["citizen", "staff", "official"]


class Dialogue(Protocol):
    """What citizens' commands call: the Conversation (bot/conversation.py), named by its methods
    so that this table does not import the module that reads it for /help."""

    async def start(self, user: User, payload: str | None = None) -> list[Reply]: ...
    async def help(self, user: User) -> list[Reply]: ...
    async def topics(self, user: User, edit: bool = False) -> list[Reply]: ...
    async def contact(self, user: User, edit: bool = False) -> list[Reply]: ...
    async def case(self, user: User, code: str | None = None) -> list[Reply]: ...
    async def announcements(self, user: User, command: str) -> list[Reply]: ...
    async def set_language(self, user: User, language: str, edit: bool = False) -> list[Reply]: ...
    async def choose_language(self, user: User) -> list[Reply]: ...
    async def cancel(self, user: User) -> list[Reply]: ...
    async def unfollow(self, user: User) -> list[Reply]: ...


Run = Callable[[Dialogue, User, str], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Command:
    """One slash command; `argument` is what follows the name ("" when nothing)."""

    names: tuple[str, ...]  # the first is the one shown (Vietnamese); the others are aliases
    vi: str
    en: str
    audience: Audience
    run: Run | None = None  # citizens' commands; None: a Telegram handler of bot/handlers
    menu: bool = False  # offered in Telegram's command menu

    @property
    def name(self) -> str:
        return self.names[0]

    def description(self, english: bool) -> str:
        return self.en if english else self.vi


def _first(argument: str) -> str | None:
    words = argument.split()
    return words[0] if words else None


async def _start(conversation: Dialogue, user: User, argument: str) -> list[Reply]:
    return await conversation.start(user, _first(argument))  # a deep link's payload: a case code


async def _lang(conversation: Dialogue, user: User, argument: str) -> list[Reply]:
    language = _first(argument)
    if language:
        return await conversation.set_language(user, language)
    return await conversation.choose_language(user)


COMMANDS: tuple[Command, ...] = (
    Command(("start",), "Màn hình đầu", "Start", "citizen", _start, menu=True),
    Command(("help",), "Hướng dẫn sử dụng", "How to use", "citizen", lambda c, user, _: c.help(user), menu=True),
    Command(
        ("chude", "topics"),
        "Câu hỏi theo chủ đề",
        "Questions by topic",
        "citizen",
        lambda c, user, _: c.topics(user),
        menu=True,
    ),
    Command(
        ("lienhe", "contact"),
        "Liên hệ cơ quan thi hành án",
        "Contact the agency",
        "citizen",
        lambda c, user, _: c.contact(user),
        menu=True,
    ),
    Command(
        ("tracuu", "lookup"),
        "Tra cứu hồ sơ thi hành án (cần mã hồ sơ và thông tin xác minh)",
        "Look up a case (code and verification needed)",
        "citizen",
        lambda c, user, code: c.case(user, code.strip() or None),
        menu=True,
    ),
    Command(
        ("thongbao", "news"),
        "Thông báo đã đăng",
        "Published announcements",
        "citizen",
        lambda c, user, _: c.announcements(user, "archive"),
        menu=True,
    ),
    Command(
        ("dangky", "subscribe"),
        "Đăng ký nhận thông báo",
        "Subscribe to announcements",
        "citizen",
        lambda c, user, _: c.announcements(user, "subscribe"),
        menu=True,
    ),
    Command(
        ("huydangky", "unsubscribe"),
        "Hủy đăng ký nhận thông báo",
        "Unsubscribe from announcements",
        "citizen",
        lambda c, user, _: c.announcements(user, "unsubscribe"),
        menu=True,
    ),
    Command(("lang",), "Đổi ngôn ngữ / Language", "Language / Ngôn ngữ", "citizen", _lang, menu=True),
    # In Telegram, /huy also ends an official's composing (bot/handlers/announce.py).
    Command(
        ("huy", "cancel"),
        "Thôi tra cứu đang làm dở",
        "Stop a lookup in progress",
        "citizen",
        lambda c, user, _: c.cancel(user),
    ),
    Command(
        ("huytheodoi", "unfollow"),
        "Thôi nhận tin về hồ sơ đang theo dõi",
        "Stop case notifications",
        "citizen",
        lambda c, user, _: c.unfollow(user),
    ),
    Command(("faq_reload",), "Nạp lại câu hỏi thường gặp (cán bộ)", "Reload the FAQ (staff)", "staff"),
    Command(("faq_gaps",), "Câu hỏi chưa trả lời được (cán bộ)", "Unanswered questions (staff)", "staff"),
    Command(("soanthongbao", "announce"), "Soạn thông báo (cán bộ)", "Compose an announcement (officials)", "official"),
)

MENU = tuple(command for command in COMMANDS if command.menu)
CITIZENS = tuple(command for command in COMMANDS if command.audience == "citizen")


def citizen_command(name: str) -> Command | None:
    """The citizens' command called `name` (any of its names), if there is one."""
    return next((command for command in CITIZENS if name in command.names), None)


def help_lines(english: bool) -> str:
    """The command list of /help: every citizen's command but /help itself."""
    return "\n".join(
        f"• /{command.name}: {command.description(english)}." for command in CITIZENS if command.name != "help"
    )
