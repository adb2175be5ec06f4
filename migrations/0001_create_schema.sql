-- Core schema. All times are UTC, stored as INTEGER milliseconds since the Unix epoch.

CREATE TABLE regions (
    id      INTEGER PRIMARY KEY,
    code    TEXT NOT NULL UNIQUE,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    tz      TEXT NOT NULL
);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,           -- Telegram user id
    first_name     TEXT NOT NULL,
    username       TEXT,
    tg_language    TEXT,                          -- Telegram's language_code, as last seen
    language       TEXT,                          -- the person's own choice (/language), wins over tg_language
    phone          TEXT,
    created_at     INTEGER NOT NULL,
    unreachable_at INTEGER,
    erased_at      INTEGER
);

CREATE TABLE volunteers (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id),
    display_name TEXT NOT NULL,
    phone        TEXT,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'suspended')),
    decided_by   INTEGER,
    decided_at   INTEGER,
    created_at   INTEGER NOT NULL
);

CREATE TABLE volunteer_regions (
    user_id   INTEGER NOT NULL REFERENCES volunteers(user_id) ON DELETE CASCADE,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    PRIMARY KEY (user_id, region_id)
) WITHOUT ROWID;
CREATE INDEX volunteer_regions_by_region ON volunteer_regions (region_id, user_id);

CREATE TABLE volunteer_categories (
    user_id  INTEGER NOT NULL REFERENCES volunteers(user_id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    PRIMARY KEY (user_id, category)
) WITHOUT ROWID;

CREATE TABLE help_requests (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    requester_id     INTEGER NOT NULL REFERENCES users(id),
    for_whom         TEXT NOT NULL CHECK (for_whom IN ('self', 'other')),
    beneficiary_name TEXT,                        -- only when asked on someone else's behalf
    beneficiary      TEXT NOT NULL,
    region_id        INTEGER NOT NULL REFERENCES regions(id),
    category         TEXT NOT NULL,
    settlement       TEXT NOT NULL,
    details          TEXT,
    voice_file_id    TEXT,
    address          TEXT,                        -- private: claimer and the region's leads only
    phone            TEXT,                        -- private: claimer and the region's leads only
    urgency          TEXT NOT NULL CHECK (urgency IN ('today', 'soon', 'date')),
    needed_on        TEXT NOT NULL,               -- YYYY-MM-DD in the region's time zone
    status           TEXT NOT NULL CHECK (status IN ('open', 'claimed', 'done', 'closed', 'cancelled')),
    claimed_by       INTEGER REFERENCES users(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    done_at          INTEGER
);
CREATE INDEX help_requests_open_by_region ON help_requests (region_id, status, needed_on, created_at);
CREATE INDEX help_requests_by_requester ON help_requests (requester_id, status);
CREATE INDEX help_requests_by_claimer ON help_requests (claimed_by, status);
CREATE INDEX help_requests_done ON help_requests (status, done_at) WHERE status = 'done';

CREATE TABLE request_events (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES help_requests(id),
    actor_id   INTEGER,                           -- NULL: the bot itself (e.g. the 48-hour close)
    kind       TEXT NOT NULL,
    note       TEXT,
    at         INTEGER NOT NULL
);
CREATE INDEX request_events_by_request ON request_events (request_id, id);
CREATE INDEX request_events_by_time ON request_events (at, kind);

-- Every outbound message, written in the transaction that caused it, drained by the sender.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    priority        INTEGER NOT NULL,             -- 0 reply, 1 edit, 2 push, 3 digest
    chat_id         INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    payload_json    TEXT NOT NULL,
    request_id      INTEGER,                      -- set for pushes, so a claim can drop unsent ones
    not_before      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    sent_message_id INTEGER,
    sent_at         INTEGER,
    failed_at       INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX outbox_pending ON outbox (priority, id) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_by_request ON outbox (request_id) WHERE request_id IS NOT NULL;

-- Where each request was announced, so the bot can edit those messages when it is taken.
CREATE TABLE pushes (
    request_id INTEGER NOT NULL REFERENCES help_requests(id),
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (request_id, chat_id, message_id)
) WITHOUT ROWID;

CREATE TABLE dialogues (
    chat_id    INTEGER PRIMARY KEY,
    state_json TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
