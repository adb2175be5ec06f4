-- Issue #6, at the door and in between: code words, family followers, the relay.

-- The word the volunteer says at the door; a new one each time the request is taken. Cleared when
-- the request ends (closed or cancelled).
ALTER TABLE help_requests ADD COLUMN code_word TEXT;

-- A request made for someone else: the link its author shares with family (one per request; a
-- new code when sharing starts again, so an old link stops working).
CREATE TABLE follow_links (
    request_id INTEGER PRIMARY KEY REFERENCES help_requests(id),
    code       INTEGER NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

-- Relatives told of every change of a request. Deleted when sharing stops or the request ends.
CREATE TABLE followers (
    request_id INTEGER NOT NULL REFERENCES help_requests(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    since      INTEGER NOT NULL,
    PRIMARY KEY (request_id, user_id)
) WITHOUT ROWID;
CREATE INDEX followers_by_user ON followers (user_id);

-- Messages passed between a requester and their volunteer: which queued message (outbox row) was
-- written by whom about which request, so a writer's /delete_me can forget the copies. The text
-- itself lives only in the outbox row, pruned like every sent message.
CREATE TABLE relayed (
    outbox_id  INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES help_requests(id),
    from_id    INTEGER NOT NULL,
    at         INTEGER NOT NULL
);
CREATE INDEX relayed_by_sender ON relayed (from_id);
CREATE INDEX relayed_by_request ON relayed (request_id);

-- Requests that still carry a code word: few at any time, so the retention check is one seek.
CREATE INDEX help_requests_with_code_word ON help_requests (status) WHERE code_word IS NOT NULL;
