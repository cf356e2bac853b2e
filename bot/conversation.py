"""The conversation with a citizen, free of Telegram: events in, replies out.

Telegram handlers and the local console both drive this class, so they behave the same. It only
routes: questions, answers and topics to the FAQ dialogue (bot/dialogue/faq.py), the screens to
the menu (bot/dialogue/menu.py), case codes to the case lookup (bot/lookup.py), subscriptions
to the announcement board (bot/announce/board.py). Commands are declared in bot/commands.py,
button data in bot/actions.py.
"""

from __future__ import annotations

from bot.actions import BoardAction, FaqAction, LookupAction, MenuAction, parse
from bot.announce.board import Board
from bot.config import AgencySettings
from bot.dialogue import User
from bot.dialogue.faq import FaqDialogue
from bot.dialogue.menu import Menu
from bot.dialogue.preferences import Preferences
from bot.knowledge import Knowledge
from bot.lookup import CaseLookup
from bot.replies import Reply
from bot.state import StateStore

__all__ = ["Conversation", "User"]  # User lives in bot.dialogue; imported from here by the adapters


class Conversation:
    """Turns citizens' events into replies."""

    def __init__(
        self, knowledge: Knowledge, state: StateStore, agency: AgencySettings, lookup: CaseLookup, board: Board
    ) -> None:
        self.state = state
        self.agency = agency
        self.lookup = lookup
        self.board = board
        self.preferences = Preferences(state)
        self.faq = FaqDialogue(knowledge, state, agency, self.preferences, lookup.codes)
        self.menu = Menu(agency, self.preferences)

    @property
    def knowledge(self) -> Knowledge:
        """The FAQ in use; a reload swaps it in one assignment, so a reply sees the old or the new."""
        return self.faq.knowledge

    @knowledge.setter
    def knowledge(self, knowledge: Knowledge) -> None:
        self.faq.knowledge = knowledge

    async def language(self, user: User) -> str:
        """The user's chosen language, else English for English clients, else Vietnamese."""
        return await self.preferences.language(user)

    # -- commands (declared in bot/commands.py) ---------------------------------------------

    async def start(self, user: User, payload: str | None = None) -> list[Reply]:
        """The welcome message and main menu; a deep link's payload is a case code to look up."""
        await self.board.store.reactivate(user.id)  # writing again undoes "blocked": announcements reach them again
        if payload:
            return await self.case(user, payload)
        return await self.menu.welcome(user)

    async def case(self, user: User, code: str | None = None) -> list[Reply]:
        """Start a case lookup (/tracuu [code], the menu, a QR deep link or a code typed in a message)."""
        return await self.lookup.begin(user.id, await self.preferences.english(user), code)

    async def unfollow(self, user: User) -> list[Reply]:
        """/huytheodoi: stop every case notification."""
        return await self.lookup.unfollow(user.id, await self.preferences.english(user))

    async def announcements(self, user: User, command: str) -> list[Reply]:
        """/dangky ("subscribe": choose topics), /huydangky ("unsubscribe"), /thongbao ("archive")."""
        english = await self.preferences.english(user)
        if command == "subscribe":
            return await self.board.choices(user.id, english)
        if command == "unsubscribe":
            return await self.board.unsubscribe(user.id, english)
        return await self.board.archive(english)

    async def cancel(self, user: User) -> list[Reply]:
        """/huy: stop a pending lookup."""
        if await self.lookup.pending(user.id):
            return await self.lookup.cancel(user.id, await self.preferences.english(user))
        return await self.menu.ask(user)

    async def help(self, user: User) -> list[Reply]:
        return await self.menu.help(user)

    async def contact(self, user: User, edit: bool = False) -> list[Reply]:
        return await self.menu.contact(user, edit)

    async def choose_language(self, user: User) -> list[Reply]:
        return await self.menu.choose_language(user)

    async def set_language(self, user: User, language: str, edit: bool = False) -> list[Reply]:
        return await self.menu.set_language(user, language, edit)

    async def topics(self, user: User, edit: bool = False) -> list[Reply]:
        return await self.faq.topics(user, edit)

    # -- messages ------------------------------------------------------------------------------

    async def text(self, user: User, message: str) -> list[Reply]:
        """A free-text message: the next step of a pending lookup, a case code, or a question."""
        if await self.lookup.pending(user.id):
            return await self.lookup.receive(user.id, await self.preferences.english(user), message)
        code = self.lookup.codes.find(message)
        if code is not None:  # "cho em tra hồ sơ QN-2026-000066": a lookup, never a stored question
            return await self.case(user, code)
        return await self.faq.question(user, message)

    async def non_text(self, user: User) -> list[Reply]:
        """A photo, sticker, voice message, file or edited message."""
        return [Reply((await self.preferences.texts(user)).please_type)]

    async def answer(self, user: User, entry_id: str, edit: bool = False, feedback: bool = True) -> Reply:
        """An entry's answer with related questions, feedback buttons and a way home."""
        return await self.faq.answer(user, entry_id, edit, feedback)

    # -- buttons (declared in bot/actions.py) ---------------------------------------------------

    async def action(self, user: User, data: str) -> list[Reply]:
        """A button was pressed; most buttons edit their message in place."""
        action = parse(data)
        if isinstance(action, MenuAction):
            return await self._menu(user, action)
        if isinstance(action, FaqAction):
            return await self.faq.press(user, action)
        if isinstance(action, LookupAction):
            return await self._lookup(user, action)
        if isinstance(action, BoardAction):
            return await self.board.press(user.id, await self.preferences.english(user), action)
        return [Reply("", notice=(await self.preferences.texts(user)).expired)]  # forged, or an official's

    async def _menu(self, user: User, action: MenuAction) -> list[Reply]:
        english = await self.preferences.english(user)
        match action.item:
            case "vi" | "en":
                return await self.menu.set_language(user, action.item, edit=True)
            case "lang":
                return await self.menu.set_language(user, "vi" if english else "en", edit=True)
            case "browse":
                return await self.faq.topics(user, edit=True)
            case "contact":
                return await self.menu.contact(user, edit=True)
            case "case":
                return await self.case(user)
            case "news":
                return self.board.menu(english)
            case "ask":
                return await self.menu.ask(user)
        return await self.menu.welcome(user, edit=True)

    async def _lookup(self, user: User, action: LookupAction) -> list[Reply]:
        english = await self.preferences.english(user)
        if action.verb == "cancel":
            return await self.cancel(user)
        if action.verb == "follow":
            return await self.lookup.follow(user.id, english)
        return await self.lookup.unfollow(user.id, english, action.code)
