-- After the review of issue #6.
--
-- A note for the next volunteer is about the person helped, not about whoever asked: someone who
-- asks for her mother and for a neighbour must not see notes cross between the two households.
-- The person is the requester, for whom (self / other) and the name given for someone else
-- (compared with IS, so a request for oneself, with no name, matches another such request).
ALTER TABLE visit_notes ADD COLUMN for_whom TEXT NOT NULL DEFAULT 'self';
ALTER TABLE visit_notes ADD COLUMN beneficiary_name TEXT;
UPDATE visit_notes
SET for_whom = COALESCE((SELECT h.for_whom FROM help_requests h WHERE h.id = visit_notes.request_id), 'self'),
    beneficiary_name = (SELECT h.beneficiary_name FROM help_requests h WHERE h.id = visit_notes.request_id);
DROP INDEX visit_notes_by_requester;
CREATE INDEX visit_notes_by_person ON visit_notes (requester_id, for_whom, beneficiary_name, id);

-- One receipt per visit: the club must never repay the same volunteer twice for one request.
-- Receipts were not released before this migration; a later duplicate of a pair is dropped, the
-- first one (which the requester was asked about first) stays.
DELETE FROM receipts
WHERE EXISTS (SELECT 1 FROM receipts r
              WHERE r.request_id = receipts.request_id AND r.volunteer_id = receipts.volunteer_id
                AND r.id < receipts.id);
CREATE UNIQUE INDEX receipts_one_per_visit ON receipts (request_id, volunteer_id);
