"""What the bot sends, independent of Telegram: text (Telegram HTML subset) and buttons."""

from __future__ import annotations

import html
from dataclasses import dataclass

from bot.faq.model import Entry, fill_placeholders
from bot.texts import Texts

MESSAGE_LIMIT = 4096  # Telegram's limit for one message
LABEL_LIMIT = 60  # longer button labels are cut (phones show about that much)


@dataclass(frozen=True)
class Button:
    """An inline button: what it says and the action it triggers (callback data, <= 64 bytes)."""

    label: str
    data: str


@dataclass(frozen=True)
class Media:
    """A photo or document already on Telegram, sent again by its file id."""

    kind: str  # "photo" or "document"
    file_id: str


@dataclass(frozen=True)
class Reply:
    """One message to show; `edit` replaces the message whose button was pressed."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    edit: bool = False
    notice: str | None = None  # a short pop-up for the button press
    media: Media | None = None  # the text is then its caption
    to: int | None = None  # another chat than the one being answered


def label(text: str) -> str:
    """A button label: one line, cut with an ellipsis when too long."""
    text = " ".join(text.split())
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1].rstrip() + "…"


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split text into messages of at most `limit` characters, at paragraph, line, then word
    boundaries (tags never span lines in our texts, so no tag is cut)."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"))
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return parts


def answer_text(entry: Entry, texts: Texts, english: bool, values: dict[str, str]) -> str:
    """The answer to an entry as Telegram HTML: question, answer, legal basis, review date."""
    if english and entry.en:
        question, answer, note = entry.en.question, entry.en.answer, ""
    else:
        question, answer = entry.question, entry.answer
        note = texts.no_english + "\n\n" if english and texts.no_english else ""
    safe_values = {key: html.escape(value) for key, value in values.items()}
    lines = [f"<b>{html.escape(question)}</b>", "", note + fill_placeholders(html.escape(answer), safe_values)]
    if entry.legal_basis:
        lines += ["", f"<b>{texts.legal_basis}</b>", *(f"• {html.escape(item)}" for item in entry.legal_basis)]
    if entry.reviewed:
        lines += ["", f"<i>{texts.reviewed.format(date=entry.reviewed.strftime('%d/%m/%Y'))}</i>"]
    return "\n".join(lines)


def plain(text: str) -> str:
    """Telegram HTML to plain text, for the console."""
    for tag in ("<b>", "</b>", "<i>", "</i>", "<code>", "</code>"):
        text = text.replace(tag, "")
    return html.unescape(text)
