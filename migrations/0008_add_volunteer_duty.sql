-- Volunteer duty: a volunteer's own pause and quiet hours, pushes held through quiet hours, and
-- help repeated every week.

-- A volunteer's own settings (a lead's suspension is volunteers.status = 'suspended', apart).
CREATE TABLE volunteer_duty (
    user_id   INTEGER PRIMARY KEY REFERENCES users(id),
    -- Set while the volunteer paused themselves: no pushes; what they hold stays theirs.
    paused_at INTEGER,
    -- NULL: the deployment's QUIET_HOURS; 'off'; or their own 'HH:MM-HH:MM' (region's time).
    quiet     TEXT,
    -- "Today" requests come at once even during quiet hours.
    urgent_ok INTEGER NOT NULL DEFAULT 0
);

-- Announcements held through a volunteer's quiet hours; a job on the bot's clock sends them at
-- release_at if the request is still open then.
CREATE TABLE held_pushes (
    request_id INTEGER NOT NULL REFERENCES help_requests(id),
    chat_id    INTEGER NOT NULL,
    release_at INTEGER NOT NULL,
    held_at    INTEGER NOT NULL,
    PRIMARY KEY (request_id, chat_id)
) WITHOUT ROWID;
CREATE INDEX held_pushes_due ON held_pushes (release_at);
CREATE INDEX held_pushes_by_chat ON held_pushes (chat_id);

-- "Repeat every week": a copy of the request it came from, and when the next one is created.
-- The address and phone are kept while the repetition runs and erased when it stops.
CREATE TABLE repeats (
    id                INTEGER PRIMARY KEY,
    requester_id      INTEGER NOT NULL REFERENCES users(id),
    source_request_id INTEGER NOT NULL UNIQUE REFERENCES help_requests(id),
    for_whom          TEXT NOT NULL,
    beneficiary_name  TEXT,
    beneficiary       TEXT NOT NULL,
    region_id         INTEGER NOT NULL REFERENCES regions(id),
    category          TEXT NOT NULL,
    settlement        TEXT NOT NULL,
    details           TEXT,
    voice_file_id     TEXT,
    address           TEXT,
    phone             TEXT,
    -- The region's date of the next request, and the moment it is created.
    next_on           TEXT NOT NULL,
    next_at           INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    stopped_at        INTEGER
);
CREATE INDEX repeats_due ON repeats (next_at) WHERE stopped_at IS NULL;
CREATE INDEX repeats_by_requester ON repeats (requester_id);

-- Requests a repeat created. `offered_to` had it to themselves until `widen_at`; NULL once
-- everyone matching has been offered it.
CREATE TABLE repeat_requests (
    request_id INTEGER PRIMARY KEY REFERENCES help_requests(id),
    repeat_id  INTEGER NOT NULL REFERENCES repeats(id),
    offered_to INTEGER,
    widen_at   INTEGER
);
CREATE INDEX repeat_requests_by_repeat ON repeat_requests (repeat_id);
CREATE INDEX repeat_requests_widen ON repeat_requests (widen_at) WHERE widen_at IS NOT NULL;
