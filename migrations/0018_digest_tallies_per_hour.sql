-- The digest read every event of a region's window and every request of the region: thousands of
-- index entries for a busy region (~1 ms a digest at 1,000,000 stored requests, and 800 /digest in
-- the load benchmark's flood took a fifth of the bot's time). Now triggers keep two tallies,
-- derived from the rows when they are written, never kept by hand:
--   region_event_hours: a region's events of each kind per hour (UTC hours since 1970), how many
--     of them were a volunteer's claim or finish (by_volunteer), and how many were the creation of
--     a request a weekly repeat posted;
--   region_request_totals: a region's requests by their current status.
-- A window [from, to) is then the tallies of the hours it touches (25 rows a kind for a day), less
-- the events of those hours outside the window (before `from` in its first hour, from `to` in its
-- last: none at all when `to` is now), less the events that are not the first of their kind for
-- their request (or their volunteer) in the window. Those last are read from two partial indexes
-- that hold only such repeated events. src/db/digests.rs has the queries.

CREATE TABLE region_event_hours (
    region_id    INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    hour         INTEGER NOT NULL,  -- at / 3,600,000
    events       INTEGER NOT NULL,
    by_volunteer INTEGER NOT NULL,
    from_repeats INTEGER NOT NULL,
    PRIMARY KEY (region_id, kind, hour)
) WITHOUT ROWID;

CREATE TABLE region_request_totals (
    region_id INTEGER NOT NULL,
    status    TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (region_id, status)
) WITHOUT ROWID;

-- What the tables hold so far.
INSERT INTO region_event_hours (region_id, kind, hour, events, by_volunteer, from_repeats)
SELECT e.region_id, e.kind, e.at / 3600000, COUNT(*), SUM(e.by_volunteer),
    SUM(e.kind = 'created'
        AND EXISTS (SELECT 1 FROM repeat_requests rr WHERE rr.request_id = e.request_id))
FROM request_events e WHERE e.region_id IS NOT NULL
GROUP BY e.region_id, e.kind, e.at / 3600000;

INSERT INTO region_request_totals (region_id, status, n)
SELECT region_id, status, COUNT(*) FROM help_requests GROUP BY region_id, status;

-- The events' trigger of 0013, and then the event's hour is tallied with what it derived.
DROP TRIGGER request_events_derived;
CREATE TRIGGER request_events_derived AFTER INSERT ON request_events
BEGIN
    UPDATE request_events
    SET region_id = COALESCE(NEW.region_id,
            (SELECT r.region_id FROM help_requests r WHERE r.id = NEW.request_id)),
        prev_kind_at = (
            SELECT p.at FROM request_events p
            WHERE p.request_id = NEW.request_id AND +p.kind = NEW.kind AND p.id < NEW.id
            ORDER BY p.at DESC LIMIT 1),
        by_volunteer = NEW.kind IN ('claimed', 'done')
            AND EXISTS (SELECT 1 FROM volunteers v WHERE v.user_id = NEW.actor_id),
        prev_actor_at = CASE WHEN NEW.kind IN ('claimed', 'done')
                AND EXISTS (SELECT 1 FROM volunteers v WHERE v.user_id = NEW.actor_id) THEN (
            SELECT p.at FROM request_events p
            WHERE p.actor_id = NEW.actor_id AND +p.by_volunteer = 1 AND p.id < NEW.id
              AND +p.region_id = COALESCE(NEW.region_id,
                    (SELECT r.region_id FROM help_requests r WHERE r.id = NEW.request_id))
            ORDER BY p.at DESC LIMIT 1) END
    WHERE id = NEW.id;
    INSERT INTO region_event_hours (region_id, kind, hour, events, by_volunteer, from_repeats)
    SELECT e.region_id, e.kind, e.at / 3600000, 1, e.by_volunteer,
        e.kind = 'created'
            AND EXISTS (SELECT 1 FROM repeat_requests rr WHERE rr.request_id = e.request_id)
    FROM request_events e WHERE e.id = NEW.id AND e.region_id IS NOT NULL
    ON CONFLICT (region_id, kind, hour) DO UPDATE SET
        events = events + 1,
        by_volunteer = by_volunteer + excluded.by_volunteer,
        from_repeats = from_repeats + excluded.from_repeats;
END;

-- A repeat's request is recorded after its created event: its hour's tally learns it then.
CREATE TRIGGER repeat_requests_tallied AFTER INSERT ON repeat_requests
BEGIN
    UPDATE region_event_hours
    SET from_repeats = from_repeats + (
        SELECT COUNT(*) FROM request_events e
        WHERE e.request_id = NEW.request_id AND +e.kind = 'created'
          AND +e.region_id = region_event_hours.region_id
          AND e.at / 3600000 = region_event_hours.hour)
    WHERE kind = 'created' AND (region_id, hour) IN (
        SELECT e.region_id, e.at / 3600000 FROM request_events e
        WHERE e.request_id = NEW.request_id AND +e.kind = 'created');
END;

CREATE TRIGGER help_requests_total_insert AFTER INSERT ON help_requests
BEGIN
    INSERT INTO region_request_totals (region_id, status, n) VALUES (NEW.region_id, NEW.status, 1)
    ON CONFLICT (region_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER help_requests_total_update AFTER UPDATE OF status, region_id ON help_requests
WHEN OLD.status IS NOT NEW.status OR OLD.region_id IS NOT NEW.region_id
BEGIN
    UPDATE region_request_totals SET n = n - 1
    WHERE region_id = OLD.region_id AND status = OLD.status;
    INSERT INTO region_request_totals (region_id, status, n) VALUES (NEW.region_id, NEW.status, 1)
    ON CONFLICT (region_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER help_requests_total_delete AFTER DELETE ON help_requests
BEGIN
    UPDATE region_request_totals SET n = n - 1
    WHERE region_id = OLD.region_id AND status = OLD.status;
END;

-- The events that are not the first of their kind for their request: prev_kind_at is set.
CREATE INDEX request_events_kind_again ON request_events
    (region_id, kind, prev_kind_at, at, request_id) WHERE prev_kind_at IS NOT NULL;
-- A volunteer's claims and finishes after their first in the region: prev_actor_at is set.
CREATE INDEX request_events_volunteer_again ON request_events
    (region_id, prev_actor_at, at, kind) WHERE by_volunteer = 1 AND prev_actor_at IS NOT NULL;
