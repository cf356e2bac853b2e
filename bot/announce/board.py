"""The citizens' side of announcements: subscribing to topics, the archive, and the message
every recipient gets. Free of Telegram.

Its buttons' callback data is declared in bot/actions.py (BoardAction).
"""

from __future__ import annotations

import datetime as dt
import html
import math
from zoneinfo import ZoneInfo

from bot.actions import BoardAction
from bot.announce.model import Announcement, Content, render
from bot.config import AgencySettings, AnnouncementSettings
from bot.faq.model import fill_placeholders
from bot.replies import Button, Media, Reply
from bot.state.announcements import AnnouncementStore
from bot.texts.announce import BOARD_EN, BOARD_VI, BoardTexts

_ARCHIVE_CHARS = 400  # of each announcement's text in the archive list


class Board:
    """Subscriptions and the archive."""

    def __init__(self, store: AnnouncementStore, settings: AnnouncementSettings, agency: AgencySettings) -> None:
        self.store = store
        self.settings = settings
        self.agency = agency
        self.zone = ZoneInfo(settings.timezone)

    def topic_title(self, topic: str, english: bool = False) -> str:
        for item in self.settings.topics:
            if item.id == topic:
                return item.title_en if english and item.title_en else item.title
        return topic

    def message(self, item: Announcement | Content, topic: str | None = None) -> Reply:
        """What a recipient gets (the preview shows exactly this)."""
        content = item.content if isinstance(item, Announcement) else item
        topic = item.topic if isinstance(item, Announcement) else topic or ""
        filled = Content(
            fill_placeholders(content.text, self.agency.placeholders()), content.media_kind, content.media_id
        )  # {hotline}, {address}... as in FAQ answers
        text = render(filled, self.topic_title(topic), self.agency.name, BOARD_VI.stop_hint)
        media = Media(content.media_kind, content.media_id) if content.media_kind and content.media_id else None
        return Reply(text, media=media)

    def problem(self, content: Content, topic: str | None = None) -> str | None:
        """Why `content` cannot go out as one message, judged on what recipients get (title,
        footer, filled placeholders) under `topic`, or under the longest topic title when not
        chosen yet; None when it can."""
        topics = [topic] if topic else [t.id for t in self.settings.topics]
        longest = max(len(self.message(content, t).text) for t in topics)
        return content.problem(longest - len(content.text.strip()))

    def local(self, moment: dt.datetime) -> str:
        return moment.astimezone(self.zone).strftime("%d/%m/%Y %H:%M")

    @staticmethod
    def _texts(english: bool) -> BoardTexts:
        return BOARD_EN if english else BOARD_VI

    def menu(self, english: bool) -> list[Reply]:
        """The main menu's "Announcements" button."""
        texts = self._texts(english)
        buttons = (
            (Button(texts.subscribe_button, BoardAction.CHOICES),),
            (Button(texts.archive_button, BoardAction.archive(1)),),
        )
        return [Reply(texts.menu.format(agency=html.escape(self.agency.name)), buttons, edit=True)]

    async def choices(self, chat_id: int, english: bool, edit: bool = False, notice: str | None = None) -> list[Reply]:
        """/dangky: every topic with its on/off state, and the consent sentence."""
        texts = self._texts(english)
        chosen = await self.store.topics_of(chat_id)
        rows: list[tuple[Button, ...]] = []
        for topic in self.settings.topics:
            title = self.topic_title(topic.id, english)
            on = topic.id in chosen
            rows.append(
                (Button((texts.on if on else texts.off).format(topic=title), BoardAction.switch(topic.id, not on)),)
            )
        rows.append((Button(texts.all_topics, BoardAction.ALL), Button(texts.done, BoardAction.DONE)))
        consent = texts.consent.format(agency=html.escape(self.agency.name))
        return [Reply(texts.choose.format(consent=consent), tuple(rows), edit=edit, notice=notice)]

    async def press(self, chat_id: int, english: bool, action: BoardAction) -> list[Reply]:
        """A subscription or archive button."""
        texts = self._texts(english)
        known = {topic.id for topic in self.settings.topics}
        if action.verb == "archive":
            return await self.archive(english, action.page, edit=True)
        if action.verb == "choices":
            return await self.choices(chat_id, english, edit=True)
        if action.verb == "all":
            await self.store.subscribe(chat_id, sorted(known))
            return await self.choices(chat_id, english, edit=True, notice=texts.subscribed.format(topic="✔"))
        if action.verb == "done":
            chosen = await self.store.topics_of(chat_id) & known
            if not chosen:
                return [Reply(texts.none_subscribed, edit=True)]
            titles = ", ".join(self.topic_title(t, english) for t in sorted(chosen))
            return [Reply(texts.subscribed.format(topic=html.escape(titles)) + "\n" + texts.stop_hint, edit=True)]
        if action.topic not in known:
            return [Reply("", notice=texts.done)]
        title = self.topic_title(action.topic, english)
        if action.verb == "on":
            await self.store.subscribe(chat_id, [action.topic])
            return await self.choices(chat_id, english, edit=True, notice=texts.subscribed.format(topic=title))
        await self.store.unsubscribe(chat_id, action.topic)
        return await self.choices(chat_id, english, edit=True, notice=texts.unsubscribed.format(topic=title))

    async def unsubscribe(self, chat_id: int, english: bool) -> list[Reply]:
        """/huydangky: end every subscription."""
        texts = self._texts(english)
        count = await self.store.unsubscribe(chat_id)
        return [Reply(texts.unsubscribed_all.format(count=count) if count else texts.none_subscribed)]

    async def archive(self, english: bool, page: int = 1, edit: bool = False) -> list[Reply]:
        """/thongbao: published announcements, newest first, a page at a time."""
        texts = self._texts(english)
        size = self.settings.archive_page_size
        items, total = await self.store.published((max(page, 1) - 1) * size, size)
        if total == 0:
            return [Reply(texts.archive_empty, edit=edit)]
        pages = math.ceil(total / size)
        if not items:  # a page that no longer exists: show the last one
            return await self.archive(english, pages, edit)
        parts = [texts.archive_title.format(page=page, pages=pages)]
        for item in items:
            text = item.content.text.strip()
            if len(text) > _ARCHIVE_CHARS:
                text = text[:_ARCHIVE_CHARS].rstrip() + "…"
            shown = html.escape(text) + ("\n" + texts.attachment if item.content.media_kind else "")
            when = self.local(item.started_at or item.created_at)
            parts.append(
                texts.archive_item.format(
                    date=when, topic=html.escape(self.topic_title(item.topic, english)), text=shown
                )
            )
        paging = []
        if page > 1:
            paging.append(Button(texts.newer, BoardAction.archive(page - 1)))
        if page < pages:
            paging.append(Button(texts.older, BoardAction.archive(page + 1)))
        return [Reply("\n\n".join(parts), (tuple(paging),) if paging else (), edit=edit)]
