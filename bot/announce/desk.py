"""The officials' side of announcements: compose, preview, send now / schedule / cancel, approve,
stop a running broadcast, and the progress report. Free of Telegram.

Its buttons' callback data is declared in bot/actions.py (DeskAction); every press is checked
against the configured officials before anything else. What the desk waits for from an official
(content, or a send time) is kept in the shared state (bot/state/dialogue.py), so their next
message may reach any instance.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Awaitable, Callable

from bot.actions import DeskAction, parse
from bot.announce.board import Board
from bot.announce.model import Announcement, Content, Status, in_the_past, parse_when, queued
from bot.config import AnnouncementSettings, Official
from bot.replies import Button, Reply
from bot.state.announcements import AnnouncementStore
from bot.state.dialogue import DialogueStore
from bot.texts.announce import DESK

log = logging.getLogger(__name__)
EXAMPLE_TIME = "01/12/2026 08:00"
_EDITABLE = (Status.DRAFT,)
_AUTHOR_ONLY = {"t", "s", "h", "x"}  # verbs on a draft: only its author (who is then its submitter)
WAITING = "desk"  # its kind in the shared dialogue state: "content:0" or "time:<announcement id>"
_WAIT_SECONDS = 24 * 3600  # an official's unfinished composing is forgotten after this long


class Desk:
    """Turns officials' events into replies; everyone else is politely refused (and recorded)."""

    def __init__(
        self,
        store: AnnouncementStore,
        board: Board,
        settings: AnnouncementSettings,
        *,
        user_key: Callable[[int], str],
        dialogue: DialogueStore,
        wake: Callable[[], None],
        stop: Callable[[int], Awaitable[bool]],
    ) -> None:
        self.store = store
        self.board = board
        self.settings = settings
        self.officials: dict[int, Official] = {o.id: o for o in settings.officials}
        self._user_key = user_key
        self._wake = wake
        self._stop = stop
        self._dialogue = dialogue

    def is_official(self, user_id: int, role: str = "author") -> bool:
        official = self.officials.get(user_id)
        return official is not None and role in official.roles

    async def waiting(self, user_id: int) -> bool:
        """Whether this official's next message is an announcement's content or send time."""
        return await self._waited(user_id) is not None

    async def _waited(self, user_id: int) -> tuple[str, int] | None:
        value = await self._dialogue.get(user_id, WAITING) if user_id in self.officials else None
        if value is None:
            return None
        kind, _, number = value.partition(":")
        return kind, int(number or 0)

    async def _wait(self, user_id: int, kind: str, announcement_id: int = 0) -> None:
        await self._dialogue.put(user_id, WAITING, f"{kind}:{announcement_id}", _WAIT_SECONDS)

    def approvers(self, item: Announcement) -> list[int]:
        return [o.id for o in self.settings.officials if "approver" in o.roles and o.id != item.author_id]

    async def refuse(self, user_id: int, action: str) -> list[Reply]:
        # `action` may carry forged callback data: logged with repr, stored escaped and cut.
        log.warning("refused an official action (%r) from a user who is not an official", action)
        await self.store.record_refusal(self._user_key(user_id), ascii(action)[1:-1][:80])
        return [Reply(DESK.refused)]

    async def begin(self, user_id: int) -> list[Reply]:
        """/soanthongbao: the next message is the announcement."""
        if not self.is_official(user_id):
            return await self.refuse(user_id, "compose")
        await self._wait(user_id, "content")
        return [Reply(DESK.compose)]

    async def abandon(self, user_id: int) -> list[Reply] | None:
        """/huy while composing or scheduling."""
        if user_id not in self.officials or not await self._dialogue.drop(user_id, WAITING):
            return None
        return [Reply(DESK.cancelled)]

    async def received(self, user_id: int, content: Content | None, text: str = "") -> list[Reply]:
        """The official's message while the desk waits for content (None: a kind it cannot send)
        or for a send time (`text`)."""
        kind, announcement_id = await self._waited(user_id) or ("", 0)
        if kind == "time":
            return await self._schedule(user_id, announcement_id, text)
        if content is None:
            return [Reply(DESK.unsupported)]
        first = self.settings.topics[0].id
        problem = self.board.problem(content)
        if problem:
            return [Reply(problem)]
        name = self.officials[user_id].name or str(user_id)
        announcement_id = await self.store.create(first, content, user_id, name, status=Status.DRAFT)
        await self._dialogue.drop(user_id, WAITING)
        rows = tuple(
            (Button(self.board.topic_title(t.id), DeskAction.build("t", announcement_id, t.id)),)
            for t in self.settings.topics
        )
        return [Reply(DESK.pick_topic, (*rows, (Button(DESK.discard, DeskAction.build("x", announcement_id)),)))]

    async def action(self, user_id: int, data: str, where: tuple[int, int] | None) -> list[Reply]:
        """An official's button; `where` is the (chat, message) of the pressed message."""
        parsed = parse(data)
        action = parsed if isinstance(parsed, DeskAction) else None
        verb = action.verb if action is not None else ""
        role = "approver" if verb in {"y", "n"} else "author"
        if not self.is_official(user_id, role):
            return await self.refuse(user_id, f"button {verb}")
        item = await self.store.get(action.announcement) if action and action.announcement is not None else None
        if action is None or item is None:
            return [Reply("", notice=DESK.expired)]
        if verb in _AUTHOR_ONLY and item.author_id != user_id:  # "stop" stays open to every author
            log.warning("official %s pressed %r on announcement #%d of another author", user_id, verb, item.id)
            return [Reply("", notice=DESK.not_yours)]
        if verb == "t":
            return await self._preview(item, action.topic)
        if verb == "s":
            return await self._send(user_id, item, None, where)
        if verb == "h" and item.status == Status.DRAFT:
            await self._wait(user_id, "time", item.id)
            return [Reply(DESK.ask_time.format(example=EXAMPLE_TIME))]
        if verb == "x" and await self._drop(item.id, Status.DRAFT):
            return [Reply(DESK.discarded.format(id=item.id), edit=True)]
        if verb == "c" and await self._stop(item.id):
            stopped = await self.store.get(item.id)
            return [self.progress(stopped or item)]
        if verb in {"y", "n"}:
            return await self._decide(user_id, item, approve=verb == "y")
        return [Reply("", notice=DESK.expired)]

    async def _drop(self, announcement_id: int, status: Status) -> bool:
        """Cancel only from `status`: an old button must never stop what has moved on (sending)."""
        return await self.store.update(announcement_id, [status], Status.CANCELLED, finished_at=dt.datetime.now(dt.UTC))

    async def _preview(self, item: Announcement, topic: str) -> list[Reply]:
        if topic not in {t.id for t in self.settings.topics}:
            return [Reply("", notice=DESK.expired)]
        if not await self.store.update(item.id, _EDITABLE, Status.DRAFT, topic=topic):
            return [Reply("", notice=DESK.expired)]
        audience = await self.store.audience(topic)
        buttons = (
            (
                Button(DESK.send_now, DeskAction.build("s", item.id)),
                Button(DESK.schedule, DeskAction.build("h", item.id)),
            ),
            (Button(DESK.discard, DeskAction.build("x", item.id)),),
        )
        title = html.escape(self.board.topic_title(topic))
        control = Reply(DESK.preview.format(id=item.id, topic=title, audience=audience), buttons)
        return [
            Reply("", edit=True, notice=self.board.topic_title(topic)),
            self.board.message(item.content, topic),
            control,
        ]

    async def _schedule(self, user_id: int, announcement_id: int, text: str) -> list[Reply]:
        when = parse_when(text, self.board.zone)
        if when is None:
            return [Reply(DESK.bad_time.format(example=EXAMPLE_TIME))]
        if in_the_past(when):
            return [Reply(DESK.past_time)]
        await self._dialogue.drop(user_id, WAITING)
        item = await self.store.get(announcement_id)
        if item is None:
            return [Reply(DESK.expired)]
        return await self._send(user_id, item, when, None)

    async def _send(
        self, user_id: int, item: Announcement, when: dt.datetime | None, where: tuple[int, int] | None
    ) -> list[Reply]:
        approval = self.settings.require_approval
        target, send_at = queued(approval, when)
        if not await self.store.update(item.id, _EDITABLE, target, send_at=send_at):
            return [Reply("", notice=DESK.expired)]
        topic = html.escape(self.board.topic_title(item.topic))
        stop = ((Button(DESK.unschedule if when else DESK.stop, DeskAction.build("c", item.id)),),)
        if approval:
            text = DESK.awaiting.format(id=item.id)
        elif when:
            text = DESK.scheduled.format(id=item.id, at=self.board.local(when), topic=topic)
        else:
            text = DESK.queued.format(id=item.id, topic=topic)
        if where is not None and when is None:  # this message becomes the progress report
            await self.store.set_progress(item.id, *where)
        self._wake()
        # A scheduled announcement gets a fresh progress message when it starts (a notification then).
        return [Reply(text, stop, edit=where is not None)]

    async def _decide(self, user_id: int, item: Announcement, approve: bool) -> list[Reply]:
        if item.author_id == user_id:
            return [Reply("", notice=DESK.own)]
        approver = html.escape(self.officials[user_id].name or str(user_id))
        if approve:
            done = await self.store.update(
                item.id,
                [Status.AWAITING_APPROVAL],
                Status.SCHEDULED,
                approved_by=user_id,
                send_at=item.send_at or dt.datetime.now(dt.UTC),
            )
            self._wake()
        else:
            done = await self._drop(item.id, Status.AWAITING_APPROVAL)
        if not done:
            return [Reply(DESK.expired, edit=True)]
        text = (DESK.approved if approve else DESK.rejected).format(id=item.id, approver=approver)
        if item.author_id not in self.officials:  # queued from a terminal: nobody to tell in Telegram
            return [Reply(text, edit=True)]
        return [Reply(text, edit=True), Reply(text, to=item.author_id)]

    async def approval_request(self, item: Announcement) -> list[Reply]:
        """What each approver gets: the message as recipients will see it, then the decision buttons."""
        when = self.board.local(item.send_at) if item.send_at else DESK.when_now
        text = DESK.approval.format(
            id=item.id,
            author=html.escape(item.author_name),
            topic=html.escape(self.board.topic_title(item.topic)),
            when=when,
            audience=await self.store.audience(item.topic),
        )
        buttons = (
            (Button(DESK.approve, DeskAction.build("y", item.id)), Button(DESK.reject, DeskAction.build("n", item.id))),
        )
        return [self.board.message(item), Reply(text, buttons)]

    def progress(self, item: Announcement) -> Reply:
        """The official's progress message: counts while sending, the final report after."""
        c = item.counts
        topic = html.escape(self.board.topic_title(item.topic))
        if item.status == Status.SENDING:
            text = DESK.progress.format(
                id=item.id,
                topic=topic,
                sent=c.sent,
                total=c.total,
                blocked=c.blocked,
                failed=c.failed,
                pending=c.pending,
            )
            return Reply(text, ((Button(DESK.stop, DeskAction.build("c", item.id)),),), edit=True)
        if item.status == Status.CANCELLED:
            text = DESK.stopped.format(
                id=item.id,
                topic=topic,
                sent=c.sent,
                total=c.total,
                cancelled=c.cancelled,
                blocked=c.blocked,
                failed=c.failed,
            )
            return Reply(text, edit=True)
        started = self.board.local(item.started_at) if item.started_at else "?"
        finished = self.board.local(item.finished_at) if item.finished_at else "?"
        text = DESK.finished.format(
            id=item.id,
            topic=topic,
            sent=c.sent,
            total=c.total,
            blocked=c.blocked,
            failed=c.failed,
            started=started,
            finished=finished,
        )
        return Reply(text, edit=True)
