-- Long polling redelivers the last batch of updates after a crash. Each update a handler acted on
-- is recorded in the same transaction as its effect, so a redelivered one is recognised and
-- skipped. Pruned after two days (Telegram keeps unconfirmed updates for 24 hours).
CREATE TABLE processed_updates (
    update_id INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL
);
