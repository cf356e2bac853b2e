"""The FAQ dialogue: a question gets an answer, a "did you mean" list or an honest "I do not
know, call here"; answers carry related questions and feedback buttons; topics are browsed a
page at a time. Free of Telegram."""

from __future__ import annotations

import html

from bot.actions import FaqAction, MenuAction
from bot.cases.codes import CodeFormat
from bot.config import AgencySettings
from bot.dialogue import User, escaped
from bot.dialogue.menu import main_menu
from bot.dialogue.preferences import Preferences
from bot.faq.callbacks import PAGE_SIZE, pages
from bot.faq.matcher import MatchResult
from bot.faq.normalize import syllables
from bot.knowledge import Knowledge
from bot.privacy import mask_private
from bot.replies import Button, Reply, answer_text, label
from bot.smalltalk import small_talk_kind
from bot.state import StateStore
from bot.texts import Texts

QUESTION_LIMIT = 1000  # characters of a message that are read; the rest is ignored
RELATED_SHOWN = 3  # related questions offered under an answer


class FaqDialogue:
    """Questions, answers, feedback and topics on the current FAQ (`knowledge`, swapped on reload)."""

    def __init__(
        self,
        knowledge: Knowledge,
        state: StateStore,
        agency: AgencySettings,
        preferences: Preferences,
        codes: CodeFormat,
    ) -> None:
        self.knowledge = knowledge
        self.state = state
        self.agency = agency
        self.preferences = preferences
        self.codes = codes  # case codes are masked out of stored questions

    async def question(self, user: User, message: str) -> list[Reply]:
        """Answer a free-text message."""
        texts = await self.preferences.texts(user)
        prefix = ""
        if len(message) > QUESTION_LIMIT:
            message = message[:QUESTION_LIMIT]
            prefix = f"<i>{texts.too_long.format(limit=QUESTION_LIMIT)}</i>\n\n"
        if not syllables(message):  # only emoji, symbols or punctuation
            return [Reply(texts.please_type)]
        small_talk = small_talk_kind(message)
        if small_talk:
            text = getattr(texts, small_talk).format(agency=escaped(self.agency)["agency_name"])
            return [Reply(text, main_menu(texts) if small_talk == "greeting" else ())]
        knowledge = self.knowledge  # one FAQ version for the whole reply, even if a reload lands meanwhile
        result = knowledge.matcher.match(message)
        top = result.candidates[0] if result.candidates else None
        stored = mask_private(message, self.codes)
        await self.state.record_question(stored, result.outcome, result.score, top.entry_id if top else None)
        replies = await self._result(user, texts, result, knowledge)
        if prefix:
            replies[0] = Reply(prefix + replies[0].text, replies[0].buttons)
        return replies

    async def _result(self, user: User, texts: Texts, result: MatchResult, knowledge: Knowledge) -> list[Reply]:
        if result.outcome == "answer" and result.entry_id:
            return [await self.answer(user, result.entry_id, knowledge=knowledge)]
        if result.outcome == "suggest":
            english = await self.preferences.english(user)
            rows = tuple(
                (Button(label(_question(knowledge, entry_id, english)), FaqAction.show(entry_id)),)
                for entry_id in (c.entry_id for c in result.candidates)
            )
            return [Reply(texts.did_you_mean, (*rows, (Button(texts.none_of_these, FaqAction.NONE),)))]
        return [self.no_match(texts)]

    def no_match(self, texts: Texts, edit: bool = False) -> Reply:
        v = escaped(self.agency)
        text = texts.no_match.format(agency=v["agency_name"], hotline=v["hotline"], address=v["address"])
        buttons = (
            (
                Button(texts.menu_browse, MenuAction.menu("browse")),
                Button(texts.menu_contact, MenuAction.menu("contact")),
            ),
        )
        return Reply(text, buttons, edit=edit)

    async def answer(
        self, user: User, entry_id: str, edit: bool = False, feedback: bool = True, knowledge: Knowledge | None = None
    ) -> Reply:
        """An entry's answer with related questions, feedback buttons and a way home; `knowledge`:
        the FAQ version the entry id came from (default: the current one)."""
        knowledge = knowledge or self.knowledge
        texts = await self.preferences.texts(user)
        english = await self.preferences.english(user)
        entry = knowledge.faq.entries[entry_id]
        related = [r for r in entry.related if r in knowledge.faq.entries][:RELATED_SHOWN]
        rows: list[tuple[Button, ...]] = [
            (Button("↪ " + label(_question(knowledge, r, english)), FaqAction.show(r)),) for r in related
        ]
        if feedback:
            rows.append(
                (
                    Button(texts.helpful, FaqAction.vote(entry_id, True)),
                    Button(texts.not_helpful, FaqAction.vote(entry_id, False)),
                )
            )
        rows.append(
            (
                Button(texts.menu_browse, FaqAction.topic(entry.category, 1)),
                Button(texts.main_menu, MenuAction.menu("home")),
            )
        )
        return Reply(answer_text(entry, texts, english, self.agency.placeholders()), tuple(rows), edit=edit)

    async def topics(self, user: User, edit: bool = False) -> list[Reply]:
        """The FAQ categories."""
        texts = await self.preferences.texts(user)
        english = await self.preferences.english(user)
        rows = tuple(
            (Button(label(c.title_en if english and c.title_en else c.title), FaqAction.topic(c.id, 1)),)
            for c in self.knowledge.faq.categories
            if c.entry_ids
        )
        return [Reply(texts.topics, (*rows, (Button(texts.main_menu, MenuAction.menu("home")),)), edit=edit)]

    async def press(self, user: User, action: FaqAction) -> list[Reply]:
        """An answer, vote, topic page or "none of these" button; edits its message in place."""
        texts = await self.preferences.texts(user)
        knowledge = self.knowledge
        entries = knowledge.faq.entries
        if action.verb == "show" and action.key in entries:
            return [await self.answer(user, action.key, edit=True, knowledge=knowledge)]
        if action.verb == "vote" and action.key in entries:  # one vote per citizen and entry (replays ignored)
            await self.state.record_feedback(action.key, action.number == 1, voter=user.id)
            reply = await self.answer(user, action.key, edit=True, feedback=False, knowledge=knowledge)
            return [Reply(reply.text, reply.buttons, edit=True, notice=texts.thanks_feedback)]
        if action.verb == "topic":
            return self._category(texts, action.key, action.number, await self.preferences.english(user))
        if action.verb == "none":
            return [self.no_match(texts, edit=True)]
        return [Reply("", notice=texts.expired)]

    def _category(self, texts: Texts, category_id: str, page: int, english: bool) -> list[Reply]:
        knowledge = self.knowledge
        category = next((c for c in knowledge.faq.categories if c.id == category_id), None)
        if category is None or not category.entry_ids:
            return [Reply("", notice=texts.expired)]
        last = pages(len(category.entry_ids))
        page = min(max(page, 1), last)
        shown = category.entry_ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        rows: list[tuple[Button, ...]] = [
            (Button(label(_question(knowledge, e, english)), FaqAction.show(e)),) for e in shown
        ]
        paging = []
        if page > 1:
            paging.append(Button(texts.previous, FaqAction.topic(category.id, page - 1)))
        if page < last:
            paging.append(Button(texts.next, FaqAction.topic(category.id, page + 1)))
        if paging:
            rows.append(tuple(paging))
        rows.append((Button(texts.back, MenuAction.menu("browse")), Button(texts.main_menu, MenuAction.menu("home"))))
        title = category.title_en if english and category.title_en else category.title
        text = texts.topic_page.format(title=html.escape(title), page=page, pages=last)
        return [Reply(text, tuple(rows), edit=True)]


def _question(knowledge: Knowledge, entry_id: str, english: bool) -> str:
    entry = knowledge.faq.entries[entry_id]
    return entry.en.question if english and entry.en else entry.question
