-- The digest counts and lists a region's requests held since before a moment. Through
-- help_requests_claimed (status, claimed_at) it walked every held request of the club and read
-- each row for its region (2,000 held requests: 0.3–0.6 ms a digest); this index holds the
-- region too, so the count is one range of the region's held requests and reads no row.
-- help_requests_claimed stays for the reminders to holders, which read every region at once.
CREATE INDEX help_requests_claimed_by_region ON help_requests (status, region_id, claimed_at)
WHERE status = 'claimed';
