-- Indexes for the load targets of issue #5.
--
-- The digest counts a region's events in a time window. Through the requests table that meant
-- reading every event of the window across the country and keeping the region's; with the region
-- on the event itself one index range holds exactly what a digest counts.
ALTER TABLE request_events ADD COLUMN region_id INTEGER;
UPDATE request_events
SET region_id = (SELECT r.region_id FROM help_requests r WHERE r.id = request_events.request_id);

-- A request never changes region, so whoever writes an event, the region is copied once.
CREATE TRIGGER request_events_region AFTER INSERT ON request_events
WHEN NEW.region_id IS NULL
BEGIN
    UPDATE request_events
    SET region_id = (SELECT r.region_id FROM help_requests r WHERE r.id = NEW.request_id)
    WHERE id = NEW.id;
END;

CREATE INDEX request_events_by_region ON request_events (region_id, kind, at, request_id, actor_id);

-- /tasks: the open requests of a volunteer's regions and kinds of help, and how many there are.
-- By region and status alone every open request of the region was read to check its kind.
CREATE INDEX help_requests_open_tasks ON help_requests (region_id, category, needed_on, created_at)
WHERE status = 'open';
