"""The conversation with a citizen, free of Telegram: events in, replies out.

Telegram handlers and the local console both drive this class, so they behave the same.
Button actions (callback data) are short strings (c:, e:, f: from bot/faq/callbacks.py):
    m:<menu item>    main menu          c:<category>:<page>   a topic's questions
    e:<entry id>     show an answer     f:<entry id>:<1|0>    feedback on an answer
    n:               none of these      l:<vi|en>             language
    s:..., t:<page>  announcements (bot/announce/board.py)
"""

from __future__ import annotations

import html
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass

from bot.announce.board import Board
from bot.config import AgencySettings
from bot.faq.callbacks import PAGE_SIZE, category_page, pages, show_entry
from bot.faq.callbacks import feedback as feedback_data
from bot.faq.matcher import MatchResult
from bot.faq.normalize import syllables
from bot.knowledge import Knowledge
from bot.lookup import CaseLookup
from bot.privacy import mask_private
from bot.replies import Button, Reply, answer_text, label
from bot.smalltalk import small_talk_kind
from bot.state import StateStore
from bot.texts import Texts, texts_for

log = logging.getLogger(__name__)

QUESTION_LIMIT = 1000  # characters of a message that are read; the rest is ignored
_LANGUAGE_CACHE = 10_000  # users whose language choice is kept in memory


@dataclass(frozen=True)
class User:
    """Who is talking: an id (never stored in clear) and the client's language code."""

    id: int
    language_code: str | None = None


class Conversation:
    """Turns citizens' events into replies."""

    def __init__(self, knowledge: Knowledge, state: StateStore, agency: AgencySettings,
                 lookup: CaseLookup | None = None, board: Board | None = None) -> None:
        self.knowledge = knowledge
        self.state = state
        self.agency = agency
        self.lookup = lookup
        self.board = board
        self._chosen: OrderedDict[int, str | None] = OrderedDict()  # recent users' choices, from the state DB

    async def language(self, user: User) -> str:
        """The user's chosen language, else English for English clients, else Vietnamese."""
        if user.id in self._chosen:
            self._chosen.move_to_end(user.id)
            chosen = self._chosen[user.id]
        else:
            chosen = await self.state.language(user.id)
            self._remember(user.id, chosen)
        if chosen:
            return chosen
        return "en" if (user.language_code or "").lower().startswith("en") else "vi"

    def _remember(self, user_id: int, language: str | None) -> None:
        self._chosen[user_id] = language
        self._chosen.move_to_end(user_id)
        if len(self._chosen) > _LANGUAGE_CACHE:
            self._chosen.popitem(last=False)

    async def _english(self, user: User) -> bool:
        return await self.language(user) == "en"

    async def _texts(self, user: User) -> Texts:
        return texts_for(await self.language(user))

    def _values(self) -> dict[str, str]:
        return {key: html.escape(value) for key, value in self.agency.placeholders().items()}

    def _menu(self, texts: Texts) -> tuple[tuple[Button, ...], ...]:
        return (
            (Button(texts.menu_ask, "m:ask"), Button(texts.menu_browse, "m:browse")),
            (Button(texts.menu_case, "m:case"), Button(texts.menu_news, "m:news")),
            (Button(texts.menu_contact, "m:contact"), Button(texts.menu_language, "m:lang")),
        )

    # -- commands ------------------------------------------------------------------------

    async def start(self, user: User, payload: str | None = None) -> list[Reply]:
        """The welcome message and main menu; a deep link's payload is a case code to look up."""
        if self.board is not None:  # writing again undoes "blocked": announcements reach them again
            await self.board.store.reactivate(user.id)
        if payload and self.lookup is not None:
            return await self.case(user, payload)
        texts = await self._texts(user)
        return [Reply(texts.welcome.format(agency=self._values()["agency_name"]), self._menu(texts))]

    async def case(self, user: User, code: str | None = None) -> list[Reply]:
        """Start a case lookup (/tracuu [code], the menu, or a QR deep link)."""
        texts = await self._texts(user)
        if self.lookup is None:
            return [Reply(texts.case_soon.format(hotline=self._values()["hotline"]), self._menu(texts))]
        return await self.lookup.begin(user.id, await self._english(user), code)

    async def unfollow(self, user: User) -> list[Reply]:
        """/huytheodoi: stop every case notification."""
        if self.lookup is None:
            return [Reply((await self._texts(user)).ask_prompt)]
        return await self.lookup.unfollow(user.id, await self._english(user))

    async def announcements(self, user: User, command: str) -> list[Reply]:
        """/dangky ("subscribe": choose topics), /huydangky ("unsubscribe"), /thongbao ("archive")."""
        if self.board is None:
            return [Reply((await self._texts(user)).news_soon)]
        english = await self._english(user)
        if command == "subscribe":
            return await self.board.choices(user.id, english)
        if command == "unsubscribe":
            return await self.board.unsubscribe(user.id, english)
        return await self.board.archive(english)

    async def cancel(self, user: User) -> list[Reply]:
        """/huy: stop a pending lookup."""
        english = await self._english(user)
        if self.lookup is not None and self.lookup.pending(user.id):
            return self.lookup.cancel(user.id, english)
        return [Reply((await self._texts(user)).ask_prompt)]

    async def help(self, user: User) -> list[Reply]:
        """How to use the bot."""
        texts = await self._texts(user)
        return [Reply(texts.help, self._menu(texts))]

    async def contact(self, user: User, edit: bool = False) -> list[Reply]:
        """The agency's contact details (configured placeholders until the agency fills them)."""
        texts = await self._texts(user)
        v = self._values()
        text = texts.contact.format(agency=v["agency_name"], address=v["address"], hotline=v["hotline"],
                                    office_hours=v["office_hours"], website=v["website"])
        return [Reply(text, ((Button(texts.main_menu, "m:home"),),), edit=edit)]

    async def choose_language(self, user: User) -> list[Reply]:
        """Offer the two languages."""
        texts = await self._texts(user)
        return [Reply(texts.choose_language, ((Button("Tiếng Việt", "l:vi"), Button("English", "l:en")),))]

    async def set_language(self, user: User, language: str, edit: bool = False) -> list[Reply]:
        """Remember the language and confirm in it."""
        language = "en" if language.lower().startswith("en") else "vi"
        await self.state.set_language(user.id, language)
        self._remember(user.id, language)
        texts = texts_for(language)
        return [Reply(texts.language_set, self._menu(texts), edit=edit)]

    async def topics(self, user: User, edit: bool = False) -> list[Reply]:
        """The FAQ categories."""
        texts = await self._texts(user)
        english = await self._english(user)
        rows = tuple((Button(label((c.title_en if english and c.title_en else c.title)), category_page(c.id, 1)),)
                     for c in self.knowledge.faq.categories if c.entry_ids)
        return [Reply(texts.topics, (*rows, (Button(texts.main_menu, "m:home"),)), edit=edit)]

    # -- messages ------------------------------------------------------------------------

    async def text(self, user: User, message: str) -> list[Reply]:
        """Answer a free-text message."""
        if self.lookup is not None and self.lookup.pending(user.id):
            return await self.lookup.receive(user.id, await self._english(user), message)
        code = self.lookup.codes.find(message) if self.lookup is not None else None
        if code is not None:  # "cho em tra hồ sơ QN-2026-000066": a lookup, never a stored question
            return await self.case(user, code)
        texts = await self._texts(user)
        prefix = ""
        if len(message) > QUESTION_LIMIT:
            message = message[:QUESTION_LIMIT]
            prefix = f"<i>{texts.too_long.format(limit=QUESTION_LIMIT)}</i>\n\n"
        if not syllables(message):  # only emoji, symbols or punctuation
            return [Reply(texts.please_type)]
        small_talk = small_talk_kind(message)
        if small_talk:
            text = getattr(texts, small_talk).format(agency=self._values()["agency_name"])
            return [Reply(text, self._menu(texts) if small_talk == "greeting" else ())]
        knowledge = self.knowledge  # one FAQ version for the whole reply, even if a reload lands meanwhile
        result = knowledge.matcher.match(message)
        top = result.candidates[0] if result.candidates else None
        stored = mask_private(message, self.lookup.codes if self.lookup is not None else None)
        await self.state.record_question(stored, result.outcome, result.score, top.entry_id if top else None)
        replies = await self._result(user, texts, result, knowledge)
        if prefix:
            replies[0] = Reply(prefix + replies[0].text, replies[0].buttons)
        return replies

    async def non_text(self, user: User) -> list[Reply]:
        """A photo, sticker, voice message, file or edited message."""
        return [Reply((await self._texts(user)).please_type)]

    async def _result(self, user: User, texts: Texts, result: MatchResult, knowledge: Knowledge) -> list[Reply]:
        if result.outcome == "answer" and result.entry_id:
            return [await self.answer(user, result.entry_id, knowledge=knowledge)]
        if result.outcome == "suggest":
            english = await self._english(user)
            rows = tuple((Button(label(_question(knowledge, entry_id, english)), show_entry(entry_id)),)
                         for entry_id in (c.entry_id for c in result.candidates))
            return [Reply(texts.did_you_mean, (*rows, (Button(texts.none_of_these, "n:"),)))]
        return [self._no_match(texts)]

    def _no_match(self, texts: Texts, edit: bool = False) -> Reply:
        v = self._values()
        text = texts.no_match.format(agency=v["agency_name"], hotline=v["hotline"], address=v["address"])
        buttons = ((Button(texts.menu_browse, "m:browse"), Button(texts.menu_contact, "m:contact")),)
        return Reply(text, buttons, edit=edit)

    async def answer(self, user: User, entry_id: str, edit: bool = False, feedback: bool = True,
                     knowledge: Knowledge | None = None) -> Reply:
        """An entry's answer with related questions, feedback buttons and a way home; `knowledge`:
        the FAQ version the entry id came from (default: the current one)."""
        knowledge = knowledge or self.knowledge
        texts = await self._texts(user)
        english = await self._english(user)
        entry = knowledge.faq.entries[entry_id]
        related = [r for r in entry.related if r in knowledge.faq.entries][:3]
        rows: list[tuple[Button, ...]] = [(Button("↪ " + label(_question(knowledge, r, english)), show_entry(r)),)
                                          for r in related]
        if feedback:
            rows.append((Button(texts.helpful, feedback_data(entry_id, True)),
                         Button(texts.not_helpful, feedback_data(entry_id, False))))
        rows.append((Button(texts.menu_browse, category_page(entry.category, 1)), Button(texts.main_menu, "m:home")))
        return Reply(answer_text(entry, texts, english, self.agency.placeholders()), tuple(rows), edit=edit)

    # -- buttons ---------------------------------------------------------------------------

    async def action(self, user: User, data: str) -> list[Reply]:
        """A button was pressed; most buttons edit their message in place."""
        texts = await self._texts(user)
        kind, _, rest = data.partition(":")
        knowledge = self.knowledge
        entries = knowledge.faq.entries
        if kind == "m":
            return await self._menu_action(user, texts, rest)
        if kind == "e" and rest in entries:
            return [await self.answer(user, rest, edit=True, knowledge=knowledge)]
        if kind == "f":
            entry_id, _, vote = rest.rpartition(":")
            if entry_id in entries and vote in {"0", "1"}:  # one vote per citizen and entry (replays ignored)
                await self.state.record_feedback(entry_id, vote == "1", voter=user.id)
                reply = await self.answer(user, entry_id, edit=True, feedback=False, knowledge=knowledge)
                return [Reply(reply.text, reply.buttons, edit=True, notice=texts.thanks_feedback)]
        if kind == "c":
            category, _, page = rest.rpartition(":")
            number = int(page) if re.fullmatch(r"[0-9]{1,6}", page) else 1  # forged data: int("²") raises
            return self._category(texts, category, number, await self.language(user))
        if kind == "n":
            return [self._no_match(texts, edit=True)]
        if kind == "l" and rest in {"vi", "en"}:
            return await self.set_language(user, rest, edit=True)
        if kind == "k":
            return await self.cancel(user)
        if kind == "w" and self.lookup is not None:
            return await self.lookup.follow(user.id, await self._english(user))
        if kind in {"s", "t"} and self.board is not None:
            return await self.board.action(user.id, await self._english(user), data)
        if kind == "u" and self.lookup is not None:
            return await self.lookup.unfollow(user.id, await self._english(user), rest or None)
        return [Reply("", notice=texts.expired)]

    async def _menu_action(self, user: User, texts: Texts, item: str) -> list[Reply]:
        if item == "browse":
            return await self.topics(user, edit=True)
        if item == "contact":
            return await self.contact(user, edit=True)
        if item == "lang":
            other = "vi" if await self._english(user) else "en"
            return await self.set_language(user, other, edit=True)
        if item == "case":
            return await self.case(user)
        if item == "news":
            if self.board is None:
                return [Reply(texts.news_soon, self._menu(texts), edit=True)]
            return self.board.menu(await self._english(user))
        if item == "ask":
            return [Reply(texts.ask_prompt, notice=None)]
        return [Reply(texts.welcome.format(agency=self._values()["agency_name"]), self._menu(texts), edit=True)]

    def _category(self, texts: Texts, category_id: str, page: int, language: str) -> list[Reply]:
        knowledge = self.knowledge
        category = next((c for c in knowledge.faq.categories if c.id == category_id), None)
        if category is None or not category.entry_ids:
            return [Reply("", notice=texts.expired)]
        last = pages(len(category.entry_ids))
        page = min(max(page, 1), last)
        shown = category.entry_ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        english = language == "en"
        rows: list[tuple[Button, ...]] = [(Button(label(_question(knowledge, e, english)), show_entry(e)),)
                                          for e in shown]
        paging = []
        if page > 1:
            paging.append(Button(texts.previous, category_page(category.id, page - 1)))
        if page < last:
            paging.append(Button(texts.next, category_page(category.id, page + 1)))
        if paging:
            rows.append(tuple(paging))
        rows.append((Button(texts.back, "m:browse"), Button(texts.main_menu, "m:home")))
        title = category.title_en if english and category.title_en else category.title
        text = texts.topic_page.format(title=html.escape(title), page=page, pages=last)
        return [Reply(text, tuple(rows), edit=True)]


def _question(knowledge: Knowledge, entry_id: str, english: bool) -> str:
    entry = knowledge.faq.entries[entry_id]
    return entry.en.question if english and entry.en else entry.question
