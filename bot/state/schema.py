"""The state database's tables, as numbered migrations applied in order by both engines.

Each step is a list of statements with a few tokens for what must differ between SQLite and
PostgreSQL (`_TOKENS`); the versions applied are recorded in `schema_version`. A new column or
table is a new step appended to MIGRATIONS, never an edit of an applied one.
"""

from __future__ import annotations

import datetime as dt

from bot.state.engine import Database

_CORE = [
    """CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS questions (
        {id},
        asked_at TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('answer', 'suggest', 'none')),
        score {real} NOT NULL,
        entry_id TEXT,
        text TEXT
    )""",
    """CREATE INDEX IF NOT EXISTS questions_asked_at ON questions (asked_at)""",
    """CREATE TABLE IF NOT EXISTS feedback (
        {id},
        given_at TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        helpful INTEGER NOT NULL CHECK (helpful IN (0, 1))
    )""",
    """CREATE TABLE IF NOT EXISTS lookups (
        {id},
        looked_up_at TEXT NOT NULL,
        user_key TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('found', 'unknown', 'wrong_factor', 'limited')),
        code_key TEXT
    )""",
    """CREATE INDEX IF NOT EXISTS lookups_by_user ON lookups (user_key, looked_up_at)""",
    """CREATE TABLE IF NOT EXISTS case_subscriptions (
        chat_id {big} NOT NULL,
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
        chat_id {big} PRIMARY KEY,
        active INTEGER NOT NULL DEFAULT 1,
        changed_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS subscriptions (
        chat_id {big} NOT NULL,
        topic TEXT NOT NULL,
        subscribed_at TEXT NOT NULL,
        PRIMARY KEY (chat_id, topic)
    )""",
    """CREATE INDEX IF NOT EXISTS subscriptions_by_topic ON subscriptions (topic)""",
    """CREATE TABLE IF NOT EXISTS announcements (
        {id},
        topic TEXT NOT NULL,
        text TEXT NOT NULL,
        media_kind TEXT CHECK (media_kind IN ('photo', 'document')),
        media_id TEXT,
        author_id {big} NOT NULL,
        author_name TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        send_at TEXT,
        approved_by {big},
        approval_asked INTEGER NOT NULL DEFAULT 0,
        started_at TEXT,
        finished_at TEXT,
        progress_chat {big},
        progress_message {big},
        summary TEXT
    )""",
    """CREATE INDEX IF NOT EXISTS announcements_by_status ON announcements (status, send_at)""",
    """CREATE TABLE IF NOT EXISTS deliveries (
        announcement_id INTEGER NOT NULL,
        chat_id {big} NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at {real} NOT NULL DEFAULT 0,
        message_id {big},
        done_at TEXT,
        PRIMARY KEY (announcement_id, chat_id)
    ) {without_rowid}""",
    """CREATE INDEX IF NOT EXISTS deliveries_pending ON deliveries (announcement_id, status, next_at)""",
    """CREATE TABLE IF NOT EXISTS refusals (
        {id},
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

# Several instances on one database (bot/state/lease.py): a lease row per name (the leader's
# name, who holds it, until when: a Unix time on the database's clock), and each delivery's claim
# (which sender took it to send, and when) so a new leader re-sends only what a dead one left in flight.
_LEASES = [
    """CREATE TABLE IF NOT EXISTS leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at {real} NOT NULL)""",
    """ALTER TABLE deliveries ADD COLUMN claimed_by TEXT""",
    """ALTER TABLE deliveries ADD COLUMN claimed_at {real}""",
]

# Several instances behind one webhook address (bot/state/claims.py, bot/state/dialogue.py): who
# claimed each Telegram update, and conversation state that used to live in one process's memory.
_INSTANCES = [
    """CREATE TABLE IF NOT EXISTS update_claims (
        bot_id {big} NOT NULL,
        update_id {big} NOT NULL,
        holder TEXT NOT NULL,
        claimed_at {real} NOT NULL,
        done INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (bot_id, update_id)
    )""",
    """CREATE INDEX IF NOT EXISTS update_claims_by_time ON update_claims (claimed_at)""",
    """CREATE TABLE IF NOT EXISTS dialogue (
        user_key TEXT NOT NULL,
        kind TEXT NOT NULL,
        value TEXT NOT NULL,
        expires_at {real} NOT NULL,
        PRIMARY KEY (user_key, kind)
    )""",
    """CREATE INDEX IF NOT EXISTS dialogue_by_expiry ON dialogue (expires_at)""",
    # The flood throttle's buckets, shared on PostgreSQL (bot/state/flood.py).
    """CREATE TABLE IF NOT EXISTS floods (
        sender_key TEXT PRIMARY KEY,
        tokens {real} NOT NULL,
        at {real} NOT NULL,
        warned INTEGER NOT NULL DEFAULT 0,
        verdict TEXT NOT NULL
    )""",
]

# Step 1 is the schema of the releases before versioned migrations: IF NOT EXISTS, so a file
# they created (with no schema_version) is brought up to it and recorded as version 1.
MIGRATIONS: list[list[str]] = [
    [*_CORE, *_ANNOUNCEMENTS, *_VOTES, *_CASE_LIMITS],
    _LEASES,
    _INSTANCES,
]

_TOKENS = {
    "sqlite": {"id": "id INTEGER PRIMARY KEY", "big": "INTEGER", "real": "REAL", "without_rowid": "WITHOUT ROWID"},
    # Telegram ids exceed 32 bits; PostgreSQL's REAL is 4 bytes (Unix times need 8).
    "postgresql": {
        "id": "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        "big": "BIGINT",
        "real": "DOUBLE PRECISION",
        "without_rowid": "",
    },
}
_LOCK = 7_140_014  # PostgreSQL advisory lock: one instance migrates at a time

_HAS_TABLE = {
    "sqlite": "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?",
    "postgresql": "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() "
    "AND table_name = ?",
}


def statements(dialect: str, step: int) -> list[str]:
    """The SQL of migration `step` (1-based) for an engine."""
    return [statement.format(**_TOKENS[dialect]) for statement in MIGRATIONS[step - 1]]


async def version(db: Database) -> int:
    """The schema version of the database: 0 when it has none yet."""
    row = await db.fetchone(_HAS_TABLE[db.dialect], ("schema_version",))
    if not row or not row[0]:
        return 0
    row = await db.fetchone("SELECT max(version) FROM schema_version")
    return int(row[0]) if row and row[0] is not None else 0


async def migrate(db: Database) -> int:
    """Apply the migrations the database lacks, in one transaction (another process starting at
    the same moment waits, then finds nothing to do); the version it is at now."""
    if await version(db) == len(MIGRATIONS):
        return len(MIGRATIONS)
    async with db.transaction():
        if db.dialect == "postgresql":
            await db.execute("SELECT pg_advisory_xact_lock(?)", (_LOCK,))
        await db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        current = await version(db)
        for step in range(current + 1, len(MIGRATIONS) + 1):
            for statement in statements(db.dialect, step):
                await db.execute(statement)
            if step == 1 and db.dialect == "sqlite":
                await _sqlite_before_versions(db)
            stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            await db.execute("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", (step, stamp))
    return len(MIGRATIONS)


async def _sqlite_before_versions(db: Database) -> None:
    """A file from the first release: announcements without their `summary` column."""
    columns = {str(row[1]) for row in await db.fetchall("PRAGMA table_info(announcements)")}
    if "summary" not in columns:
        await db.execute("ALTER TABLE announcements ADD COLUMN summary TEXT")
