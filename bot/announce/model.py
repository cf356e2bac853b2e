"""Announcements as data: what an official wrote, its state, and the delivery counts."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from enum import StrEnum

from bot.replies import MESSAGE_LIMIT

CAPTION_LIMIT = 1024  # with a photo or a file the text is a caption


class Status(StrEnum):
    """Where an announcement is in its life."""

    DRAFT = "draft"  # being composed in Telegram
    AWAITING_APPROVAL = "awaiting_approval"  # waits for a second official
    SCHEDULED = "scheduled"  # sends at send_at ("send now" is scheduled for now)
    SENDING = "sending"  # recipients fixed, the sender works through them
    DONE = "done"
    CANCELLED = "cancelled"


class Delivery(StrEnum):
    """The outcome for one recipient."""

    PENDING = "pending"
    SENT = "sent"
    BLOCKED = "blocked"  # the citizen blocked the bot or the chat is gone
    FAILED = "failed"  # kept failing, or Telegram refused the message
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Content:
    """What recipients get: text, optionally with one photo or document (a Telegram file id)."""

    text: str
    media_kind: str | None = None  # "photo" or "document"
    media_id: str | None = None

    def problem(self, overhead: int = 0) -> str | None:
        """Why this cannot be sent, in Vietnamese, or None; `overhead`: characters the title, the
        footer and filled placeholders add to the text (see Board.problem)."""
        limit = (CAPTION_LIMIT if self.media_kind else MESSAGE_LIMIT) - overhead
        if not self.text.strip() and not self.media_kind:
            return "Thông báo chưa có nội dung."
        if len(self.text) > limit:
            kind = "chú thích ảnh/tệp" if self.media_kind else "thông báo"
            return f"Nội dung {kind} dài {len(self.text)} ký tự, tối đa {limit}. Hãy rút gọn rồi gửi lại."
        if "\x00" in self.text:
            return "Nội dung có ký tự không hợp lệ."
        return None


@dataclass(frozen=True)
class Counts:
    """How many recipients are in each delivery state."""

    total: int = 0
    sent: int = 0
    blocked: int = 0
    failed: int = 0
    cancelled: int = 0

    @property
    def pending(self) -> int:
        return self.total - self.sent - self.blocked - self.failed - self.cancelled


@dataclass(frozen=True)
class Announcement:
    """One announcement and its current state."""

    id: int
    topic: str
    content: Content
    author_id: int
    author_name: str
    status: Status
    created_at: dt.datetime
    send_at: dt.datetime | None = None
    approved_by: int | None = None
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    progress_chat: int | None = None
    progress_message: int | None = None
    counts: Counts = Counts()


def render(content: Content, topic_title: str, agency_name: str, stop_hint: str) -> str:
    """The message recipients see (Telegram HTML): the same text for the preview and the broadcast."""
    body = html.escape(content.text.strip())
    footer = f"<i>{html.escape(agency_name)} · {stop_hint}</i>"
    return (
        f"📢 <b>{html.escape(topic_title)}</b>\n\n{body}\n\n{footer}"
        if body
        else f"📢 <b>{html.escape(topic_title)}</b>\n\n{footer}"
    )


def queued(require_approval: bool, when: dt.datetime | None) -> tuple[Status, dt.datetime | None]:
    """Where a composed announcement goes, and its send time: awaiting approval (at `when`, or as
    soon as approved), or scheduled (at `when`, or now). Telegram and the terminal share this."""
    if require_approval:
        return Status.AWAITING_APPROVAL, when
    return Status.SCHEDULED, when or dt.datetime.now(dt.UTC)


def in_the_past(when: dt.datetime) -> bool:
    """A send time already gone (a minute of grace for the time it takes to type it)."""
    return when < dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)


_FORMATS = (
    "%d/%m/%Y %H:%M",
    "%d-%m-%Y %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%H:%M %d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
)


def parse_when(text: str, zone: dt.tzinfo) -> dt.datetime | None:
    """A send time typed by an official ("01/12/2026 08:00", "2026-12-01 08:00", ISO with an
    offset), read in `zone` unless it carries its own offset; None when it is not a time."""
    text = " ".join(text.replace("h", ":").split()) if "h" in text and ":" not in text else " ".join(text.split())
    for pattern in _FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).replace(tzinfo=zone)
        except ValueError:
            continue
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=zone)
    try:  # stored in UTC, shown in `zone`: both must exist (year 9999 with an offset may not)
        moment.astimezone(dt.UTC), moment.astimezone(zone)
    except OverflowError:
        return None
    return moment
