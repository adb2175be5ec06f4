-- The sender keeps the queue in memory and reads only rows newer than the last one it saw, so an
-- outbox id must never be reused (a plain rowid can be, after the newest row is deleted).
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO outbox_new SELECT id, priority, chat_id, kind, payload_json, request_id, not_before,
    attempts, sent_message_id, sent_at, failed_at, created_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_by_request ON outbox (request_id) WHERE request_id IS NOT NULL;
CREATE INDEX outbox_sent ON outbox (COALESCE(sent_at, failed_at));
