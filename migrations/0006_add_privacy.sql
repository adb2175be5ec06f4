-- Personal data is kept only as long as needed.

-- The volunteer's message that carried a request's address and phone, to edit them away when the
-- request ends (or stops being theirs).
CREATE TABLE detail_messages (
    request_id INTEGER NOT NULL REFERENCES help_requests(id),
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (request_id, chat_id, message_id)
) WITHOUT ROWID;

-- When the address and phone of an ended request were erased (RETENTION_DAYS after it ended).
ALTER TABLE help_requests ADD COLUMN purged_at INTEGER;
CREATE INDEX help_requests_ended ON help_requests (status, updated_at) WHERE purged_at IS NULL;
