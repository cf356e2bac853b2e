"""The menu screens: welcome, help (its command list read from bot/commands.py), contact and the
language choice. Free of Telegram; the menu's buttons are routed by bot/conversation.py."""

from __future__ import annotations

from bot.actions import MenuAction
from bot.commands import help_lines
from bot.config import AgencySettings
from bot.dialogue import User, escaped
from bot.dialogue.preferences import Preferences
from bot.replies import Button, Reply
from bot.texts import Texts, texts_for


def main_menu(texts: Texts) -> tuple[tuple[Button, ...], ...]:
    """The main menu's buttons."""
    item = MenuAction.menu
    return (
        (Button(texts.menu_ask, item("ask")), Button(texts.menu_browse, item("browse"))),
        (Button(texts.menu_case, item("case")), Button(texts.menu_news, item("news"))),
        (Button(texts.menu_contact, item("contact")), Button(texts.menu_language, item("lang"))),
    )


class Menu:
    """The screens around the dialogues."""

    def __init__(self, agency: AgencySettings, preferences: Preferences) -> None:
        self.agency = agency
        self.preferences = preferences

    async def welcome(self, user: User, edit: bool = False) -> list[Reply]:
        """The welcome message and the main menu."""
        texts = await self.preferences.texts(user)
        return [Reply(texts.welcome.format(agency=escaped(self.agency)["agency_name"]), main_menu(texts), edit=edit)]

    async def help(self, user: User) -> list[Reply]:
        """How to use the bot, with every citizen's command."""
        texts = await self.preferences.texts(user)
        english = await self.preferences.english(user)
        return [Reply(texts.help.format(commands=help_lines(english)), main_menu(texts))]

    async def ask(self, user: User) -> list[Reply]:
        """The menu's "ask a question": an example of what to type."""
        return [Reply((await self.preferences.texts(user)).ask_prompt)]

    async def contact(self, user: User, edit: bool = False) -> list[Reply]:
        """The agency's contact details (configured placeholders until the agency fills them)."""
        texts = await self.preferences.texts(user)
        v = escaped(self.agency)
        text = texts.contact.format(
            agency=v["agency_name"],
            address=v["address"],
            hotline=v["hotline"],
            office_hours=v["office_hours"],
            website=v["website"],
        )
        return [Reply(text, ((Button(texts.main_menu, MenuAction.menu("home")),),), edit=edit)]

    async def choose_language(self, user: User) -> list[Reply]:
        """Offer the two languages."""
        texts = await self.preferences.texts(user)
        buttons = ((Button("Tiếng Việt", MenuAction.language("vi")), Button("English", MenuAction.language("en"))),)
        return [Reply(texts.choose_language, buttons)]

    async def set_language(self, user: User, language: str, edit: bool = False) -> list[Reply]:
        """Remember the language and confirm in it."""
        texts = texts_for(await self.preferences.choose(user, language))
        return [Reply(texts.language_set, main_menu(texts), edit=edit)]
