-- The digest counts requests and volunteers, not events: a request claimed, released and claimed
-- again within the day is one claimed request; a volunteer who took five is one active volunteer.
-- Counting distinct ids over a region's day of events built a temporary b-tree per count, and
-- looked up every actor in volunteers (together 4-5 ms a digest at 1,000,000 stored requests).
-- Each event now carries what it was and when the same thing last happened before it, so "the
-- first time in the window" is a test on the event itself and each count is one pass over one
-- index range:
--   a request counts once for a kind in [from, to), by its event there whose prev_kind_at is NULL
--   or earlier than from;
--   a volunteer counts once, by their claimed-or-done event there (by_volunteer) whose
--   prev_actor_at is NULL or earlier than from.
-- All three are derived from the events when an event is written, never kept by hand.

-- When this request last had an event of this kind before this one (NULL: never).
ALTER TABLE request_events ADD COLUMN prev_kind_at INTEGER;
-- 1 for a claimed or done event whose actor was a volunteer when it was written (not a lead who
-- assigned the request to someone, nor the bot itself).
ALTER TABLE request_events ADD COLUMN by_volunteer INTEGER NOT NULL DEFAULT 0;
-- For such an event: when the same volunteer last claimed or finished a request of the same
-- region before this one (NULL: never).
ALTER TABLE request_events ADD COLUMN prev_actor_at INTEGER;

-- The events written before this migration, by who is a volunteer now.
UPDATE request_events
SET by_volunteer = kind IN ('claimed', 'done')
        AND EXISTS (SELECT 1 FROM volunteers v WHERE v.user_id = request_events.actor_id),
    prev_kind_at = (
        SELECT MAX(p.at) FROM request_events p
        WHERE p.request_id = request_events.request_id AND +p.kind = request_events.kind
          AND p.id < request_events.id);
UPDATE request_events
SET prev_actor_at = (
        SELECT MAX(p.at) FROM request_events p
        WHERE p.actor_id = request_events.actor_id AND +p.region_id = request_events.region_id
          AND +p.by_volunteer = 1 AND p.id < request_events.id)
WHERE by_volunteer = 1;

-- One trigger fills in what an event derives: its region (0011), and the three above, read
-- through the request's events (request_events_by_request) or the actor's, latest first
-- (request_events_by_actor); the unary + keeps the planner off the region's whole range.
DROP TRIGGER request_events_region;
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
END;

-- The digest's event range, now with what it tests, so every count is read from the index alone.
DROP INDEX request_events_by_region;
CREATE INDEX request_events_by_region ON request_events
    (region_id, kind, at, request_id, actor_id, prev_kind_at, by_volunteer, prev_actor_at);

-- Volunteers waiting for approval or paused by a lead are few in any region, while approved ones
-- are thousands: the digest finds the few first, then checks their regions. (Partial, so no query
-- about approved volunteers is ever drawn to them.)
CREATE INDEX volunteers_pending ON volunteers (user_id) WHERE status = 'pending';
CREATE INDEX volunteers_suspended ON volunteers (user_id) WHERE status = 'suspended';
