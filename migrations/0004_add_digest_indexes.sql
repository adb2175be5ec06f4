-- The leads' digest reads a day (or four weeks) of events by kind and time, and a region's
-- requests by status and age. Both indexes cover those reads, so no digest query touches the
-- tables' rows beyond the few it lists.

-- Events of some kinds in a time window: which requests, and who acted.
CREATE INDEX request_events_by_kind_time ON request_events (kind, at, request_id, actor_id);

-- A region's requests in one status, oldest first (waiting too long, held too long).
CREATE INDEX help_requests_by_region_status_age ON help_requests (region_id, status, created_at, claimed_at);
