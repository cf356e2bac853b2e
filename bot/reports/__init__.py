"""Reports for communications staff, from the state database and the FAQ (no Telegram here).

- gaps: what citizens asked that the FAQ does not answer, grouped by similarity;
- stats: questions per day, answered shares, most asked entries, feedback per entry;
- render: the same as text, in full for a terminal or short for a Telegram staff command.

A staff command does `gaps_summary(await collect_gaps(state, knowledge, since, limit=5), faq)`.
"""

from bot.reports.gaps import GapGroup, GapReport, collect_gaps, group_gaps
from bot.reports.render import gaps_summary, gaps_text, stats_text
from bot.reports.stats import Stats, collect_stats, usage_stats

__all__ = [
    "GapGroup",
    "GapReport",
    "Stats",
    "collect_gaps",
    "collect_stats",
    "gaps_summary",
    "gaps_text",
    "group_gaps",
    "stats_text",
    "usage_stats",
]
