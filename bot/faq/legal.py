"""The `faq check` rules that keep an entry's law current: citations of ended instruments, articles
not yet verified, and figures stated without the article they come from."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from bot.faq.figures import figures
from bot.faq.instruments import Instrument, Instruments, articles, canonical
from bot.faq.model import Entry

_ARTICLE = re.compile(r"\bdieu\s+\d")


@dataclass(frozen=True)
class Finding:
    """One problem of an entry: the field it is at (as the loader's Source keys), message, level."""

    key: str
    message: str
    warning: bool = False


def marked_ended(line: str, markers: tuple[str, ...]) -> bool:
    """Whether a legal_basis line says the instrument has ended: a marker written as a note, after a
    dash, comma, semicolon, colon or opening bracket ("— hết hiệu lực", "(luật cũ)", "(đã hết hiệu
    lực từ 01/7/2026)"). "ban hành theo luật cũ" describes where a text came from, not its status."""
    text = canonical(line)
    return any(
        re.search(rf"(?:^|[-(,;:])\s*(?:da\s+)?{re.escape(canonical(marker))}(?![0-9a-z])", text) for marker in markers
    )


def _date(day: dt.date | None) -> str:
    return f" từ {day:%d/%m/%Y}" if day else ""


def _ended(entry: Entry, index: int, line: str, item: Instrument, markers: tuple[str, ...]) -> Finding:
    replaced = f", thay bằng {item.replaced_by}" if item.replaced_by else ""
    shown = " hoặc ".join(f"'— {marker}'" for marker in reversed(markers))
    return Finding(
        f"legal_basis.{index}",
        f"'{entry.id}': căn cứ '{line}' dẫn {item.name}, văn bản đã hết hiệu lực"
        f"{_date(item.since)}{replaced}. "
        f"Hãy dẫn văn bản đang có hiệu lực; nếu chỉ nhắc quy định cũ, ghi {shown} ở cuối dòng",
    )


def _unverified(entry: Entry, index: int, item: Instrument, found: list[str], where: str) -> Finding:
    listed = ", ".join(f"Điều {article}" for article in found)
    line = entry.legal_basis[index]
    return Finding(
        f"legal_basis.{index}",
        f"'{entry.id}': căn cứ '{line}' dẫn {listed} của {item.name}, chưa có trong danh sách điều đã "
        f"kiểm chứng ({where}); hãy đối chiếu với văn bản chính thức rồi thêm vào 'verified_articles', "
        f"hoặc bỏ số điều",
        warning=True,
    )


def citation_findings(
    entry: Entry, instruments: Instruments, markers: tuple[str, ...], today: dt.date
) -> list[Finding]:
    """Ended instruments cited unmarked (errors) and unverified articles (warnings), per line."""
    found = []
    for index, line in enumerate(entry.legal_basis):
        cited = [item for _, item in instruments.cited(line)]
        ended = [item for item in cited if item.ended_on(today)]
        if ended and not marked_ended(line, markers):
            found.append(_ended(entry, index, line, ended[0], markers))
        for item in cited:
            if item.verified_articles is None or item.ended_on(today):
                continue
            unverified = [a for a in articles(line, instruments, item) if a not in item.verified_articles]
            if unverified:
                found.append(_unverified(entry, index, item, unverified, f"{instruments.file}:{item.line}"))
    return found


def figure_findings(entry: Entry) -> list[Finding]:
    """A warning when the answer states a percentage, amount or period and no legal_basis line names
    an article ("Điều N") it could come from."""
    if any(_ARTICLE.search(canonical(line)) for line in entry.legal_basis):
        return []
    for key, text in (("answer", entry.answer), ("en", entry.en.answer if entry.en else "")):
        stated = figures(text)
        if stated:
            return [
                Finding(
                    key,
                    f"'{entry.id}': câu trả lời nêu con số \"{stated[0]}\" nhưng không dòng căn cứ nào "
                    "ghi số điều ('Điều N'); hãy ghi điều, khoản quy định con số đó, hoặc bỏ con số và "
                    "hướng dẫn người dân xem quyết định đã nhận",
                    warning=True,
                )
            ]
    return []
