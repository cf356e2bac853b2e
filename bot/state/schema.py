"""The state database's tables, and the steps that bring an older file up to them."""

from __future__ import annotations

import aiosqlite

_CORE = [
    """CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS questions (
        id INTEGER PRIMARY KEY,
        asked_at TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('answer', 'suggest', 'none')),
        score REAL NOT NULL,
        entry_id TEXT,
        text TEXT
    )""",
    """CREATE INDEX IF NOT EXISTS questions_asked_at ON questions (asked_at)""",
    """CREATE TABLE IF NOT EXISTS feedback (
        id INTEGER PRIMARY KEY,
        given_at TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        helpful INTEGER NOT NULL CHECK (helpful IN (0, 1))
    )""",
    """CREATE TABLE IF NOT EXISTS lookups (
        id INTEGER PRIMARY KEY,
        looked_up_at TEXT NOT NULL,
        user_key TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('found', 'unknown', 'wrong_factor', 'limited')),
        code_key TEXT
    )""",
    """CREATE INDEX IF NOT EXISTS lookups_by_user ON lookups (user_key, looked_up_at)""",
    """CREATE TABLE IF NOT EXISTS case_subscriptions (
        chat_id INTEGER NOT NULL,
        code TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        subscribed_at TEXT NOT NULL,
        PRIMARY KEY (chat_id, code)
    )""",
    """CREATE TABLE IF NOT EXISTS preferences (
        user_key TEXT PRIMARY KEY,
        language TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
]

# Announcements: subscriptions, the outbox (one delivery row per recipient) and refusals.
_ANNOUNCEMENTS = [
    """CREATE TABLE IF NOT EXISTS chats (
        chat_id INTEGER PRIMARY KEY,
        active INTEGER NOT NULL DEFAULT 1,
        changed_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS subscriptions (
        chat_id INTEGER NOT NULL,
        topic TEXT NOT NULL,
        subscribed_at TEXT NOT NULL,
        PRIMARY KEY (chat_id, topic)
    )""",
    """CREATE INDEX IF NOT EXISTS subscriptions_by_topic ON subscriptions (topic)""",
    """CREATE TABLE IF NOT EXISTS announcements (
        id INTEGER PRIMARY KEY,
        topic TEXT NOT NULL,
        text TEXT NOT NULL,
        media_kind TEXT CHECK (media_kind IN ('photo', 'document')),
        media_id TEXT,
        author_id INTEGER NOT NULL,
        author_name TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        send_at TEXT,
        approved_by INTEGER,
        approval_asked INTEGER NOT NULL DEFAULT 0,
        started_at TEXT,
        finished_at TEXT,
        progress_chat INTEGER,
        progress_message INTEGER,
        summary TEXT
    )""",
    """CREATE INDEX IF NOT EXISTS announcements_by_status ON announcements (status, send_at)""",
    """CREATE TABLE IF NOT EXISTS deliveries (
        announcement_id INTEGER NOT NULL,
        chat_id INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at REAL NOT NULL DEFAULT 0,
        message_id INTEGER,
        done_at TEXT,
        PRIMARY KEY (announcement_id, chat_id)
    ) WITHOUT ROWID""",
    """CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (announcement_id, status, next_at)""",
    """CREATE TABLE IF NOT EXISTS refusals (
        id INTEGER PRIMARY KEY,
        refused_at TEXT NOT NULL,
        user_key TEXT NOT NULL,
        action TEXT NOT NULL
    )""",
]

# One row per (citizen, answer) voted on, keyed by a hash of the user pseudonym and the entry:
# a replayed or forged vote button counts once. Pruned with the feedback (retention_days).
_VOTES = [
    """CREATE TABLE IF NOT EXISTS votes_cast (vote_key TEXT PRIMARY KEY, given_at TEXT NOT NULL)""",
]

# Case lookups: failures per case code (all users together) are counted from the audit.
_CASE_LIMITS = [
    """CREATE INDEX IF NOT EXISTS lookups_by_code ON lookups (code_key, looked_up_at)""",
]

SCHEMA = [*_CORE, *_ANNOUNCEMENTS, *_VOTES, *_CASE_LIMITS]


async def migrate(connection: aiosqlite.Connection) -> None:
    """Bring a state database created by an earlier version up to this schema."""
    async with connection.execute("PRAGMA table_info(announcements)") as cursor:
        columns = {str(row[1]) for row in await cursor.fetchall()}
    if "summary" not in columns:
        await connection.execute("ALTER TABLE announcements ADD COLUMN summary TEXT")
