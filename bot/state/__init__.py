"""The writable state database: the only package that speaks SQL to it.

`StateStore` (questions, feedback, lookups, preferences, case follows) and the announcement
tables share one SQLite file; another engine would replace this package alone.
"""

from bot.state.store import StateStore

__all__ = ["StateStore"]
