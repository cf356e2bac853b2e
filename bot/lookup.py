"""The case lookup dialogue, free of Telegram: code, then second factor, then the answer.

An unknown code and a wrong second factor get the same neutral message. Failures are limited
per user per hour and per case code across all users (a cool-down the agency configures), both
counted in the state database, so a restart does not reset them; the check, the verification
and the record run as one exclusive step across every instance (bot/state/dialogue.py), so
concurrent updates cannot slip past the limit. Where a citizen is in the dialogue (a code
waiting for its second factor, the case last proved) is kept in the shared state too, the code
sealed, so their next message may reach any instance. Every lookup is audited with pseudonyms
only. Names are masked; no address or ID is ever shown.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from dataclasses import dataclass

from bot.actions import LookupAction
from bot.cases.codes import CodeFormat
from bot.cases.glossary import Status
from bot.cases.store import CaseRecord, CaseStore, CaseStoreError
from bot.config import CasesSettings
from bot.replies import Button, Reply
from bot.state import StateStore
from bot.texts.case import CASE_EN, CASE_VI, CaseTexts

log = logging.getLogger(__name__)

_PENDING_SECONDS = 600  # an unfinished lookup is forgotten after this long
_VERIFIED_SECONDS = 3600  # the "follow" button works this long after a successful lookup
PENDING, PROVED = "lookup", "proved"  # their kinds in the shared dialogue state
_CANCEL_WORDS = {"huy", "/huy", "thoi", "cancel", "/cancel", "stop"}


def signature(record: CaseRecord) -> str:
    """What a follower is notified about: status, last update and the number of steps."""
    return f"{record.status}|{record.updated_on.isoformat()}|{len(record.events)}"


def mask(name: str) -> str:
    """Initials only, HTML-escaped: 'Nguyễn Văn An' -> 'N. V. A.'."""
    return html.escape(" ".join(part[0].upper() + "." for part in name.split() if part))


def money(amount: int, english: bool) -> str:
    return f"{amount:,} VND" if english else f"{amount:,}".replace(",", ".") + " đồng"


@dataclass(frozen=True)
class Notice:
    """A change to tell a follower about; marked seen only once Telegram accepted it."""

    chat_id: int
    code: str
    seen: str
    reply: Reply


class CaseLookup:
    """Runs lookups for many users at once; one pending lookup per user."""

    def __init__(
        self, store: CaseStore, glossary: dict[str, Status], settings: CasesSettings, state: StateStore, hotline: str
    ) -> None:
        self.store = store
        self.glossary = glossary
        self.settings = settings
        self.codes = CodeFormat.configured(settings)
        self.state = state
        self.hotline = html.escape(hotline)
        # Shared by every instance: the pending lookup (its code sealed: "" until it is typed)
        # and the last case proved, each with its expiry.
        self.dialogue = state.dialogue

    async def pending(self, user_id: int) -> bool:
        """Is this user in the middle of a lookup?"""
        return await self.dialogue.get(user_id, PENDING, secret=True) is not None

    def _texts(self, english: bool) -> CaseTexts:
        return CASE_EN if english else CASE_VI

    def _cancel_button(self, texts: CaseTexts) -> tuple[tuple[Button, ...], ...]:
        return ((Button(texts.cancel, LookupAction.CANCEL),),)

    async def _limited(self, user_id: int) -> bool:
        since = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        return await self.state.failed_lookups(user_id, since) >= self.settings.max_failures_per_hour

    async def _case_failures(self, code: str) -> int:
        since = dt.datetime.now(dt.UTC) - dt.timedelta(hours=self.settings.case_cooldown_hours)
        return await self.state.failed_case_lookups(code, since)

    def available(self) -> bool:
        """Is there an export to look cases up in?"""
        return self.store.available()

    async def begin(self, user_id: int, english: bool, typed_code: str | None = None) -> list[Reply]:
        """Start a lookup, with the code when the citizen already gave it."""
        texts = self._texts(english)
        await self.dialogue.forget_expired()  # abandoned lookups and old proofs: their codes go
        await self.dialogue.drop(user_id, PENDING)
        if not self.available():
            return [Reply(texts.offline.format(hotline=self.hotline))]
        if await self._limited(user_id):
            await self.state.record_lookup(user_id, "limited", None)
            return [Reply(texts.limited.format(hotline=self.hotline))]
        await self.dialogue.put(user_id, PENDING, "", _PENDING_SECONDS, secret=True)
        if typed_code:
            return await self.receive(user_id, english, typed_code)
        return [Reply(texts.ask_code.format(example=html.escape(self.codes.example)), self._cancel_button(texts))]

    async def cancel(self, user_id: int, english: bool) -> list[Reply]:
        await self.dialogue.drop(user_id, PENDING)
        return [Reply(self._texts(english).cancelled)]

    async def receive(self, user_id: int, english: bool, text: str) -> list[Reply]:
        """The next message of a pending lookup: the code, then the second factor."""
        texts = self._texts(english)
        pending = await self.dialogue.get(user_id, PENDING, secret=True)
        if pending is None:
            return await self.begin(user_id, english)
        if text.strip().lower() in _CANCEL_WORDS:
            return await self.cancel(user_id, english)
        typed_code = self.codes.find(text) if pending else None
        if not pending or typed_code:  # the code, or a new code instead of the factor
            code = typed_code or self.codes.parse(text)
            if code is None:
                return [
                    Reply(texts.bad_format.format(example=html.escape(self.codes.example)), self._cancel_button(texts))
                ]
            await self.dialogue.put(user_id, PENDING, code, _PENDING_SECONDS, secret=True)
            factor = self.settings.second_factor_en if english else self.settings.second_factor
            return [Reply(texts.ask_factor.format(factor=html.escape(factor)), self._cancel_button(texts))]
        code = await self.dialogue.take(user_id, PENDING, secret=True)
        if not code:  # another instance finished it meanwhile (the same message, twice)
            return await self.begin(user_id, english)
        async with self.dialogue.exclusive():
            replies, proved = await self._check(user_id, english, code, text[:64])
        if proved:
            await self.dialogue.put(user_id, PROVED, code, _VERIFIED_SECONDS, secret=True)
        return replies

    async def _check(self, user_id: int, english: bool, code: str, factor: str) -> tuple[list[Reply], bool]:
        """Verify one guess, within both limits (called in `exclusive`); whether access was proved."""
        texts = self._texts(english)
        if await self._limited(user_id):
            await self.state.record_lookup(user_id, "limited", code)
            return [Reply(texts.limited.format(hotline=self.hotline))], False
        failures = await self._case_failures(code)
        if failures >= self.settings.max_failures_per_case:
            await self.state.record_lookup(user_id, "limited", code)
            return [Reply(texts.locked.format(hotline=self.hotline))], False
        try:
            record = self.store.find(code)
            party = self.store.verify(code, factor) if record is not None else None
        except CaseStoreError:
            return [Reply(texts.unavailable.format(hotline=self.hotline))], False
        if record is None or party is None:
            await self.state.record_lookup(user_id, "unknown" if record is None else "wrong_factor", code)
            if failures + 1 == self.settings.max_failures_per_case:  # the agency is told (no code in clear)
                log.warning(
                    "case lookup locked for %.0f h after %d failed attempts (case key %s)",
                    self.settings.case_cooldown_hours,
                    failures + 1,
                    self.state.code_key(code)[:12],
                )
            return [Reply(texts.not_found.format(hotline=self.hotline))], False
        await self.state.record_lookup(user_id, "found", code)
        answer = self.answer(record, english)
        return [Reply(answer.text, ((Button(texts.follow, LookupAction.FOLLOW),),))], True

    async def follow(self, user_id: int, english: bool) -> list[Reply]:
        """Subscribe the user to the case they last looked up successfully (never another)."""
        texts = self._texts(english)
        code = await self.dialogue.take(user_id, PROVED, secret=True)
        record = self.store.find(code) if code else None
        if code is None or record is None:
            return [Reply("", notice=texts.cancelled)]
        await self.state.subscribe_case(user_id, code, signature(record))
        return [Reply(texts.following.format(code=html.escape(code)), notice=texts.follow)]

    async def unfollow(self, user_id: int, english: bool, code: str | None = None) -> list[Reply]:
        """/huytheodoi: stop following every case (or one, from a notification's button)."""
        count = await self.state.unsubscribe_cases(user_id, code)
        return [Reply(self._texts(english).unfollowed.format(count=count))]

    async def changes(self) -> list[Notice]:
        """Notices for followed cases whose status or timeline changed since last seen; each is
        marked seen by `delivered` once sent, so a failed send is retried on the next check."""
        notices: list[Notice] = []
        for chat_id, code, seen in await self.state.case_subscriptions():
            try:
                record = self.store.find(code)
            except CaseStoreError:
                return notices
            if record is None or signature(record) == seen:
                continue
            english = await self.state.language(chat_id) == "en"
            texts = self._texts(english)
            status = self.glossary.get(record.status)
            title = (
                status.english[0]
                if english and status and status.english
                else status.title
                if status
                else record.status
            )
            latest = record.events[0].description if record.events else ""
            text = texts.changed.format(
                code=html.escape(code),
                date=record.updated_on.strftime("%d/%m/%Y"),
                status=html.escape(title),
                event=html.escape(latest),
            )
            reply = Reply(text, ((Button(texts.unfollow, LookupAction.unfollow(code)),),))
            notices.append(Notice(chat_id, code, signature(record), reply))
        return notices

    async def delivered(self, notice: Notice) -> None:
        """Telegram accepted the notice: the follower has now seen this state of the case."""
        await self.state.mark_seen(notice.chat_id, notice.code, notice.seen)

    def answer(self, record: CaseRecord, english: bool) -> Reply:
        """The case as the citizen sees it: status explained, amounts, office, recent steps."""
        texts = self._texts(english)
        status = self.glossary.get(record.status)
        lines = [texts.title.format(code=html.escape(record.code))]
        if status is None:
            lines.append(texts.unknown_status.format(status=html.escape(record.status)))
        else:
            title, meaning, steps = (
                status.english if english and status.english else (status.title, status.meaning, status.next_steps)
            )
            lines += [
                texts.status.format(title=html.escape(title)),
                html.escape(meaning),
                texts.next_steps.format(text=html.escape(steps)),
            ]
        day = "%d/%m/%Y"
        lines += [
            "",
            texts.creditor.format(name=mask(record.creditor_name)),
            texts.debtor.format(name=mask(record.debtor_name)),
            texts.amounts.format(
                due=money(record.amount_due, english),
                paid=money(record.amount_paid, english),
                left=money(record.amount_left, english),
            ),
            texts.office.format(office=html.escape(record.office_name), executor=mask(record.executor)),
            texts.contact.format(phone=html.escape(record.office_phone), address=html.escape(record.office_address)),
            texts.dates.format(decided=record.decided_on.strftime(day), updated=record.updated_on.strftime(day)),
        ]
        if record.events:
            lines += [
                "",
                texts.events,
                *(f"• {e.happened_on.strftime(day)}: {html.escape(e.description)}" for e in record.events),
            ]
        return Reply("\n".join(lines))
