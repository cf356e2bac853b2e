"""`python -m bot faq gaps` and `python -m bot faq stats`: the reports for staff, in a terminal."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.faq.loader import load_faq
from bot.knowledge import load_knowledge
from bot.reports.gaps import collect_gaps
from bot.reports.render import NO_QUESTIONS, gaps_text, stats_text
from bot.reports.stats import collect_stats
from bot.services import open_state


def add_parsers(faq_commands: Any) -> None:
    """Add `gaps` and `stats` to the `faq` sub-commands (argparse's private subparsers action)."""
    since_help = "chỉ tính câu hỏi từ ngày này (YYYY-MM-DD, theo giờ của cơ quan)"
    gaps = faq_commands.add_parser("gaps", help="câu hỏi bot chưa trả lời được, gom theo nhóm giống nhau")
    gaps.add_argument("--since", metavar="YYYY-MM-DD", help=since_help)
    gaps.add_argument("--limit", metavar="N", default="20", help="số nhóm lớn nhất hiển thị (mặc định 20)")
    stats = faq_commands.add_parser("stats", help="thống kê câu hỏi, tỷ lệ trả lời, mục hỏi nhiều, đánh giá")
    stats.add_argument("--since", metavar="YYYY-MM-DD", help=since_help)


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"ngày '{value}' không hợp lệ; hãy ghi theo dạng YYYY-MM-DD, ví dụ 2026-11-01") from None


def _limit(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"--limit '{value}' không hợp lệ; hãy ghi một số nguyên dương, ví dụ 20")
    return int(value)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Print the gap report or the statistics; 2 on a bad argument."""
    # Days begin at midnight in the agency's time zone (the one announcements are scheduled in).
    tz = ZoneInfo(settings.announcements.timezone)
    try:
        since = _date(args.since)
        limit = _limit(args.limit) if args.faq_command == "gaps" else None
    except ValueError as exc:
        print(f"Lỗi: {exc}.", file=sys.stderr)
        return 2
    start = dt.datetime.combine(since, dt.time(), tz) if since else None
    path = settings.state.database
    if isinstance(path, Path) and not path.is_file():  # a report reads; it does not create the database
        print(f"{NO_QUESTIONS} (chưa có cơ sở dữ liệu {path}).")
        return 0
    if args.faq_command == "gaps":
        knowledge = load_knowledge(settings.faq.dir, settings.matching)

        async def gaps() -> str:
            async with await open_state(settings) as state:
                report = await collect_gaps(state, knowledge, start, limit)
            return gaps_text(report, knowledge.faq, since, tz)

        print(asyncio.run(gaps()))
        return 0
    faq = load_faq(settings.faq.dir)[0]

    async def stats() -> str:
        async with await open_state(settings) as state:
            return stats_text(await collect_stats(state, faq, start, tz), since, tz)

    print(asyncio.run(stats()))
    return 0
