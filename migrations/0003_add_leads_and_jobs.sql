-- Club leads and operators' invites, club group chats, and what the background jobs remember.

CREATE TABLE leads (
    user_id      INTEGER NOT NULL REFERENCES users(id),
    region_id    INTEGER NOT NULL REFERENCES regions(id),
    appointed_by INTEGER,
    appointed_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, region_id)
) WITHOUT ROWID;
CREATE INDEX leads_by_region ON leads (region_id, user_id);

-- Single-use deep links that make whoever opens them a lead of a region.
CREATE TABLE lead_invites (
    code       TEXT PRIMARY KEY,
    region_id  INTEGER NOT NULL REFERENCES regions(id),
    created_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_by    INTEGER,
    used_at    INTEGER
);

-- A region's club group: new requests are posted there too (never address or phone).
CREATE TABLE club_chats (
    chat_id   INTEGER PRIMARY KEY,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    bound_by  INTEGER,
    bound_at  INTEGER NOT NULL
);
CREATE INDEX club_chats_by_region ON club_chats (region_id);

-- A digest is sent at most once per lead, region and period (the local date of its 09:00).
CREATE TABLE digest_runs (
    lead_id   INTEGER NOT NULL,
    region_id INTEGER NOT NULL,
    period    TEXT NOT NULL,
    sent_at   INTEGER NOT NULL,
    PRIMARY KEY (lead_id, region_id, period)
) WITHOUT ROWID;

-- Escalations and reminders fire once per request, kind and stretch of time in a state
-- (`since`: when the request last became open, or was claimed).
CREATE TABLE alerts (
    request_id INTEGER NOT NULL REFERENCES help_requests(id),
    kind       TEXT NOT NULL,
    since      INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    PRIMARY KEY (request_id, kind, since)
) WITHOUT ROWID;

-- When the request last became open / was last claimed: the clocks of escalation and reminders.
ALTER TABLE help_requests ADD COLUMN opened_at INTEGER;
ALTER TABLE help_requests ADD COLUMN claimed_at INTEGER;
UPDATE help_requests SET opened_at = created_at;
UPDATE help_requests SET claimed_at = updated_at WHERE status = 'claimed';
CREATE INDEX help_requests_opened ON help_requests (status, opened_at);
CREATE INDEX help_requests_claimed ON help_requests (status, claimed_at);
CREATE INDEX request_events_by_actor ON request_events (actor_id, at);
