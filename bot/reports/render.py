"""The reports as text for staff: full tables for a terminal, a short summary for Telegram.

Numbers are written the Vietnamese way (1.234 and 72,9%), dates as dd/mm/yyyy in the agency's
time zone. Only the stored question texts are shown (already without any user identity).
"""

from __future__ import annotations

import datetime as dt
import re

from bot.faq.model import Faq
from bot.reports.gaps import GapGroup, GapReport
from bot.reports.stats import Stats

NO_QUESTIONS = "Chưa có câu hỏi nào được ghi lại"
TELEGRAM_LIMIT = 3500  # characters; a Telegram message holds 4096
TELEGRAM_GROUPS = 5
_EXAMPLE_CHARS = 110
_QUESTION_CHARS = 70


def number(value: int) -> str:
    """1234 -> '1.234'."""
    return f"{value:,}".replace(",", ".")


def percent(value: float) -> str:
    """72.94 -> '72,9%'."""
    return f"{value:.1f}".replace(".", ",") + "%"


# Stored citizen text reaches a staff terminal: control characters (ESC starts sequences that can
# move the cursor, rewrite lines or set the clipboard) and bidirectional overrides are shown as "�".
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _cut(text: str, size: int) -> str:
    text = _UNSAFE.sub("\ufffd", " ".join(text.split()))
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _period(since: dt.date | None) -> str:
    return f"từ {since:%d/%m/%Y}" if since else "toàn bộ dữ liệu đang lưu"


def _entry(entry_id: str, question: str | None) -> str:
    return f"{entry_id}: {_cut(question, _QUESTION_CHARS)}" if question else f"{entry_id} (mục này không còn trong FAQ)"


def _split(group: GapGroup) -> str:
    parts = [(group.unanswered, "không tìm thấy"), (group.suggested, "gợi ý")]
    return ", ".join(f"{number(count)} {label}" for count, label in parts if count)


def _span(group: GapGroup, tz: dt.tzinfo, form: str) -> str:
    first, last = f"{group.first.astimezone(tz):{form}}", f"{group.last.astimezone(tz):{form}}"
    return first if first == last else f"{first}–{last}"


def _closest(group: GapGroup, faq: Faq, full: bool) -> str:
    if group.closest is None:
        return "không có mục nào gần"
    entry = faq.entries.get(group.closest.entry_id)
    score = f"(điểm {group.closest.score:.0f})"
    if full and entry:
        return f"{group.closest.entry_id} {score}: {_cut(entry.question, _QUESTION_CHARS)}"
    return f"{group.closest.entry_id} {score}"


def gaps_text(report: GapReport, faq: Faq, since: dt.date | None = None, tz: dt.tzinfo = dt.UTC) -> str:
    """The gap report for a terminal: every shown group with its examples and closest entry."""
    if not report.asked:
        return f"{NO_QUESTIONS} ({_period(since)})."
    if not report.groups:
        return (
            f"Không có câu hỏi nào bot chưa trả lời được ({_period(since)}): "
            f"cả {number(report.asked)} câu hỏi đều được trả lời ngay."
        )
    lines = [
        f"Câu hỏi bot chưa trả lời ngay ({_period(since)}): {number(report.questions)} câu trong "
        f"{number(report.group_count)} nhóm, trên tổng số {number(report.asked)} câu hỏi.",
        'Mỗi nhóm: số câu (không tìm thấy / gợi ý "có phải ý bạn"), thời gian, ví dụ, mục gần nhất.',
        "",
    ]
    width = len(str(len(report.groups)))
    for rank, group in enumerate(report.groups, 1):
        indent = " " * (width + 2)
        lines.append(f"{rank:>{width}}. {number(group.count)} câu ({_split(group)}) · {_span(group, tz, '%d/%m/%Y')}")
        lines += [f'{indent}"{_cut(example, _EXAMPLE_CHARS)}"' for example in group.examples]
        lines.append(f"{indent}Mục gần nhất: {_closest(group, faq, full=True)}")
        lines.append("")
    hidden = report.group_count - len(report.groups)
    if hidden:
        lines.append(f"Còn {number(hidden)} nhóm nhỏ hơn không hiển thị (dùng --limit để xem thêm).")
    lines.append("Nếu mục gần nhất đúng ý: thêm các ví dụ vào alternatives của mục đó; nếu không: viết mục mới.")
    return "\n".join(lines)


def gaps_summary(report: GapReport, faq: Faq, since: dt.date | None = None, tz: dt.tzinfo = dt.UTC) -> str:
    """A short plain-text gap summary for a Telegram staff command: the TELEGRAM_GROUPS biggest
    groups, at most TELEGRAM_LIMIT characters."""
    if not report.asked:
        return f"{NO_QUESTIONS} ({_period(since)})."
    if not report.groups:
        return f"Không có câu hỏi nào bot chưa trả lời được ({_period(since)})."
    lines = [
        f"Câu hỏi bot chưa trả lời ngay ({_period(since)}): {number(report.questions)} câu, "
        f"{number(report.group_count)} nhóm. Các nhóm lớn nhất:"
    ]
    for rank, group in enumerate(report.groups[:TELEGRAM_GROUPS], 1):
        lines.append("")
        lines.append(f"{rank}. {number(group.count)} câu ({_split(group)}), {_span(group, tz, '%d/%m')}")
        lines += [f"• {_cut(example, _EXAMPLE_CHARS)}" for example in group.examples]
        lines.append(f"Gần nhất: {_closest(group, faq, full=False)}")
    lines += ["", "Chi tiết: python -m bot faq gaps"]
    text = "\n".join(lines)
    # A safety net (five groups of short parts stay far below): cut at a line boundary.
    return text if len(text) <= TELEGRAM_LIMIT else text[:TELEGRAM_LIMIT].rsplit("\n", 1)[0]


def stats_text(stats: Stats, since: dt.date | None = None, tz: dt.tzinfo = dt.UTC) -> str:
    """Usage statistics for a terminal: shares by outcome, per day, most asked entries, votes."""
    if not stats.total:
        return f"{NO_QUESTIONS} ({_period(since)})."
    zone = getattr(tz, "key", None) or str(tz)
    lines = [
        f"Thống kê câu hỏi ({_period(since)}; ngày tính theo giờ {zone})",
        "",
        f"Tổng số câu hỏi: {number(stats.total)}",
    ]
    for label, count in (
        ("Trả lời ngay", stats.answered),
        ('Gợi ý "có phải ý bạn"', stats.suggested),
        ("Không tìm thấy", stats.unanswered),
    ):
        lines.append(f"  {label:<22}{number(count):>8}  {percent(stats.share(count)):>6}")
    lines += ["", "Theo ngày", f"  {'Ngày':<10}  {'Tổng':>7}  {'Trả lời':>7}  {'Gợi ý':>7}  {'Không tìm thấy':>14}"]
    lines += [
        f"  {day.date:%d/%m/%Y}  {number(day.total):>7}  {number(day.answered):>7}  "
        f"{number(day.suggested):>7}  {number(day.unanswered):>14}"
        for day in stats.days
    ]
    lines += ["", "Mục được trả lời nhiều nhất", f"  {'#':>2}  {'Số lần':>7}  Mục"]
    lines += [
        f"  {rank:>2}  {number(use.count):>7}  {_entry(use.entry_id, use.question)}"
        for rank, use in enumerate(stats.top_entries, 1)
    ]
    if not stats.top_entries:
        lines.append("  (chưa có câu nào được trả lời ngay)")
    lines += ["", "Đánh giá câu trả lời", f"  {'Hữu ích':>7}  {'Không hữu ích':>13}  Mục"]
    lines += [
        f"  {number(v.helpful):>7}  {number(v.not_helpful):>13}  {_entry(v.entry_id, v.question)}" for v in stats.votes
    ]
    if not stats.votes:
        lines.append("  (chưa có đánh giá nào)")
    return "\n".join(lines)
