-- After the visit, and the lead's hand: receipts, notes for the next volunteer, concerns, intake
-- pauses and quick voice requests. Money is stored in minor units (kopecks), as integers.

-- What a volunteer spent on a request, to be repaid by the club. The requester is asked whether
-- the amount is right; a lead marks it repaid (first press wins).
CREATE TABLE receipts (
    id            INTEGER PRIMARY KEY,
    request_id    INTEGER NOT NULL REFERENCES help_requests(id),
    requester_id  INTEGER NOT NULL,
    volunteer_id  INTEGER NOT NULL,
    region_id     INTEGER NOT NULL REFERENCES regions(id),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    photo_file_id TEXT,                          -- personal data of the requester: erased with it
    answer        TEXT NOT NULL DEFAULT 'asked' CHECK (answer IN ('asked', 'confirmed', 'disputed')),
    answered_at   INTEGER,
    repaid_by     INTEGER,
    repaid_at     INTEGER,
    created_at    INTEGER NOT NULL
);
CREATE INDEX receipts_by_region ON receipts (region_id, repaid_at, amount_minor);
CREATE INDEX receipts_repaid ON receipts (region_id, repaid_at) WHERE repaid_at IS NOT NULL;
CREATE INDEX receipts_by_request ON receipts (request_id);

-- A volunteer's note for whoever helps this requester next ("lift broken, ring twice").
CREATE TABLE visit_notes (
    id           INTEGER PRIMARY KEY,
    requester_id INTEGER NOT NULL,
    request_id   INTEGER NOT NULL REFERENCES help_requests(id),
    volunteer_id INTEGER NOT NULL,
    note         TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX visit_notes_by_requester ON visit_notes (requester_id, id);
CREATE INDEX visit_notes_by_request ON visit_notes (request_id);

-- "I am worried about this person": the volunteer's words went to the region's leads at once.
CREATE TABLE concerns (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES help_requests(id),
    region_id    INTEGER NOT NULL REFERENCES regions(id),
    volunteer_id INTEGER NOT NULL,
    words        TEXT,                           -- NULL once erased with the requester's data
    created_at   INTEGER NOT NULL
);
CREATE INDEX concerns_by_region ON concerns (region_id, created_at);
CREATE INDEX concerns_by_request ON concerns (request_id);

-- A region whose club takes no new requests through the bot for now, and what people are told.
CREATE TABLE intake_pauses (
    region_id INTEGER PRIMARY KEY REFERENCES regions(id),
    message   TEXT NOT NULL,
    paused_by INTEGER NOT NULL,
    paused_at INTEGER NOT NULL
);

-- Requests made with one voice message (region and phone only); their kind of help is "other"
-- until a lead sets one.
CREATE TABLE voice_requests (
    request_id      INTEGER PRIMARY KEY REFERENCES help_requests(id),
    category_set_by INTEGER,
    category_set_at INTEGER
);
