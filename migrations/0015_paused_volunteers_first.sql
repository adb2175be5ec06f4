-- The digest lists the volunteers of a region who paused themselves. Read from the region's
-- volunteers, that checked every one of them (3,000 in a large region: 1 ms a digest); read from
-- the paused ones, it checks the few who are paused, in the order the digest lists them.
CREATE INDEX volunteer_duty_paused ON volunteer_duty (paused_at, user_id) WHERE paused_at IS NOT NULL;
