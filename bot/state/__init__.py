"""The writable state database: the only package that speaks SQL to it.

`StateStore` (questions, feedback, lookups, preferences, case follows) and the announcement
tables share one database: SQLite (default) or PostgreSQL, chosen by state.url (engine.py).
"""

from bot.state.store import StateStore

__all__ = ["StateStore"]
