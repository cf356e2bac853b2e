-- A state database written by the release before versioned migrations (commit ba9e2fe), through
-- its StateStore with STATE_HMAC_KEY=legacy-test-key-0123456789abcdef0123456789; dumped with
-- sqlite3 iterdump. tests/test_state_engines.py upgrades it with the current code.
BEGIN TRANSACTION;
CREATE TABLE announcements (
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
    );
INSERT INTO "announcements" VALUES(1,'chung','Lịch tiếp dân.',NULL,NULL,900,'Phòng Nghiệp vụ','sending','2026-11-30T19:38:23+00:00','2026-11-20T03:00:00+00:00',NULL,0,'2026-11-30T19:38:23+00:00',NULL,NULL,NULL,NULL);
CREATE TABLE case_subscriptions (
        chat_id INTEGER NOT NULL,
        code TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        subscribed_at TEXT NOT NULL,
        PRIMARY KEY (chat_id, code)
    );
INSERT INTO "case_subscriptions" VALUES(555001,'QN-2026-000001','2026-11-01','2026-11-30T19:38:23+00:00');
CREATE TABLE chats (
        chat_id INTEGER PRIMARY KEY,
        active INTEGER NOT NULL DEFAULT 1,
        changed_at TEXT NOT NULL
    );
INSERT INTO "chats" VALUES(555001,1,'2026-11-30T19:38:23+00:00');
INSERT INTO "chats" VALUES(555002,1,'2026-11-30T19:38:23+00:00');
CREATE TABLE deliveries (
        announcement_id INTEGER NOT NULL,
        chat_id INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at REAL NOT NULL DEFAULT 0,
        message_id INTEGER,
        done_at TEXT,
        PRIMARY KEY (announcement_id, chat_id)
    ) WITHOUT ROWID;
INSERT INTO "deliveries" VALUES(1,555001,'sent',1,0.0,7,'2026-11-30T19:38:23+00:00');
INSERT INTO "deliveries" VALUES(1,555002,'pending',0,0.0,NULL,NULL);
CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        given_at TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        helpful INTEGER NOT NULL CHECK (helpful IN (0, 1))
    );
INSERT INTO "feedback" VALUES(1,'2026-11-20T02:00:00+00:00','tra-gop',1);
CREATE TABLE lookups (
        id INTEGER PRIMARY KEY,
        looked_up_at TEXT NOT NULL,
        user_key TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('found', 'unknown', 'wrong_factor', 'limited')),
        code_key TEXT
    );
INSERT INTO "lookups" VALUES(1,'2026-11-30T19:38:23+00:00','40eac193e335647fddaeba891417869dd2e7e03e23f2774ec38666eecf39e4d7','wrong_factor','d071c65bb12c3f61db803607904a11521e2a201ee3324dda080c838a7f335442');
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE preferences (
        user_key TEXT PRIMARY KEY,
        language TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
INSERT INTO "preferences" VALUES('40eac193e335647fddaeba891417869dd2e7e03e23f2774ec38666eecf39e4d7','en','2026-11-30T19:38:23+00:00');
CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        asked_at TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('answer', 'suggest', 'none')),
        score REAL NOT NULL,
        entry_id TEXT,
        text TEXT
    );
INSERT INTO "questions" VALUES(1,'2026-11-20T01:00:00+00:00','none',20.5,NULL,'ly hon thi sao');
CREATE TABLE refusals (
        id INTEGER PRIMARY KEY,
        refused_at TEXT NOT NULL,
        user_key TEXT NOT NULL,
        action TEXT NOT NULL
    );
CREATE TABLE subscriptions (
        chat_id INTEGER NOT NULL,
        topic TEXT NOT NULL,
        subscribed_at TEXT NOT NULL,
        PRIMARY KEY (chat_id, topic)
    );
INSERT INTO "subscriptions" VALUES(555001,'chung','2026-11-30T19:38:23+00:00');
INSERT INTO "subscriptions" VALUES(555002,'chung','2026-11-30T19:38:23+00:00');
CREATE TABLE votes_cast (vote_key TEXT PRIMARY KEY, given_at TEXT NOT NULL);
INSERT INTO "votes_cast" VALUES('aebcd014b5553523654e80bcf7652312fbf935d2db04023c333f097b52b0bacc','2026-11-20T02:00:00+00:00');
CREATE INDEX questions_asked_at ON questions (asked_at);
CREATE INDEX lookups_by_user ON lookups (user_key, looked_up_at);
CREATE INDEX subscriptions_by_topic ON subscriptions (topic);
CREATE INDEX announcements_by_status ON announcements (status, send_at);
CREATE INDEX deliveries_pending ON deliveries (announcement_id, status, next_at);
CREATE INDEX lookups_by_code ON lookups (code_key, looked_up_at);
COMMIT;
