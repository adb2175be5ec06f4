//! The outbox table: what the sender still has to deliver.

use sqlx::SqlitePool;

use super::{Tx, begin_write, now_ms};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    pub priority: i64,
    pub chat_id: i64,
    pub kind: String,
    pub payload_json: String,
    pub request_id: Option<i64>,
    pub attempts: i64,
}

/// A message to queue, its payload already serialized.
#[derive(serde::Serialize)]
pub struct NewRow {
    pub priority: i64,
    pub chat_id: i64,
    pub kind: &'static str,
    pub payload_json: String,
    pub request_id: Option<i64>,
}

impl NewRow {
    /// The row as the table has it once inserted with this id at `now`.
    pub fn queued(&self, id: i64, now: i64) -> (Pending, OutboxRow) {
        let p = Pending {
            id,
            priority: self.priority,
            chat_id: self.chat_id,
            not_before: now,
        };
        let row = OutboxRow {
            id,
            priority: self.priority,
            chat_id: self.chat_id,
            kind: self.kind.to_owned(),
            payload_json: self.payload_json.clone(),
            request_id: self.request_id,
            attempts: 0,
        };
        (p, row)
    }
}

/// What the sender needs to order and pace a queued message.
#[derive(Debug, Clone, Copy)]
pub struct Pending {
    pub id: i64,
    pub priority: i64,
    pub chat_id: i64,
    pub not_before: i64,
}

#[derive(sqlx::FromRow)]
struct QueuedRow {
    not_before: i64,
    #[sqlx(flatten)]
    row: OutboxRow,
}

/// Undelivered messages queued after `after_id`, oldest first. Ids only grow (AUTOINCREMENT), and
/// writers commit one at a time, so every row below the last id read has been seen.
pub async fn pending_after(
    pool: &SqlitePool,
    after_id: i64,
    limit: i64,
) -> Result<Vec<(Pending, OutboxRow)>, sqlx::Error> {
    let rows: Vec<QueuedRow> = sqlx::query_as(
        "SELECT id, priority, chat_id, kind, payload_json, request_id, attempts, not_before
         FROM outbox
         WHERE id > ? AND sent_at IS NULL AND failed_at IS NULL ORDER BY id LIMIT ?",
    )
    .bind(after_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|q| {
            let p = Pending {
                id: q.row.id,
                priority: q.row.priority,
                chat_id: q.row.chat_id,
                not_before: q.not_before,
            };
            (p, q.row)
        })
        .collect())
}

/// The queued messages among `ids` that are still undelivered (a taken request's pushes, or a
/// person's messages after /delete_me, may have been dropped since they were seen).
pub async fn still_pending(pool: &SqlitePool, ids: &[i64]) -> Result<Vec<OutboxRow>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let ids = super::to_json(ids)?;
    sqlx::query_as(
        "SELECT id, priority, chat_id, kind, payload_json, request_id, attempts FROM outbox
         WHERE id IN (SELECT value FROM json_each(?)) AND sent_at IS NULL AND failed_at IS NULL",
    )
    .bind(ids)
    .fetch_all(pool)
    .await
}

/// Marks messages delivered, with the id Telegram gave each (if any), in one statement.
pub async fn mark_sent_all(
    tx: &mut Tx,
    now: i64,
    sent: &[(i64, Option<i32>)],
) -> Result<(), sqlx::Error> {
    let sent = super::to_json(sent)?;
    sqlx::query(
        "UPDATE outbox SET sent_at = ?1, attempts = attempts + 1, sent_message_id = s.mid
         FROM (SELECT value ->> 0 AS id, value ->> 1 AS mid FROM json_each(?2)) AS s
         WHERE outbox.id = s.id",
    )
    .bind(now)
    .bind(sent)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn mark_failed(pool: &SqlitePool, id: i64) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    sqlx::query("UPDATE outbox SET failed_at = ?, attempts = attempts + 1 WHERE id = ?")
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

pub async fn retry_later(pool: &SqlitePool, id: i64, not_before: i64) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    sqlx::query("UPDATE outbox SET not_before = ?, attempts = attempts + 1 WHERE id = ?")
        .bind(not_before)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// A 429 is not the message's fault: count the attempt, keep it due.
pub async fn count_attempt(pool: &SqlitePool, id: i64) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    sqlx::query("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Unsent messages to a chat that Telegram says is unreachable are dropped.
pub async fn drop_unsent_to(pool: &SqlitePool, chat_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    sqlx::query("UPDATE outbox SET failed_at = ? WHERE chat_id = ? AND sent_at IS NULL AND failed_at IS NULL")
        .bind(now_ms())
        .bind(chat_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Remembers where requests were announced: (request, chat, message) each.
pub async fn record_pushes(tx: &mut Tx, pushes: &[(i64, i64, i32)]) -> Result<(), sqlx::Error> {
    if pushes.is_empty() {
        return Ok(());
    }
    let pushes = super::to_json(pushes)?;
    sqlx::query(
        "INSERT OR IGNORE INTO pushes (request_id, chat_id, message_id)
         SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)",
    )
    .bind(pushes)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Requests' status and who holds each, by id.
pub async fn request_statuses(
    tx: &mut Tx,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, (String, Option<i64>)>, sqlx::Error> {
    let ids = super::to_json(ids)?;
    let rows: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT id, status, claimed_by FROM help_requests
         WHERE id IN (SELECT value FROM json_each(?))",
    )
    .bind(ids)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(id, s, h)| (id, (s, h))).collect())
}

/// Forgets messages delivered (or given up) before `before`.
pub async fn prune(pool: &SqlitePool, before: i64) -> Result<u64, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let r = sqlx::query("DELETE FROM outbox WHERE COALESCE(sent_at, failed_at) < ?")
        .bind(before)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(r.rows_affected())
}

/// Unsent messages to a group follow it to its new (supergroup) id.
pub async fn move_unsent(pool: &SqlitePool, from: i64, to: i64) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    sqlx::query(
        "UPDATE outbox SET chat_id = ? WHERE chat_id = ? AND sent_at IS NULL AND failed_at IS NULL",
    )
    .bind(to)
    .bind(from)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

pub async fn record_details(
    tx: &mut Tx,
    request_id: i64,
    chat_id: i64,
    message_id: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT OR IGNORE INTO detail_messages (request_id, chat_id, message_id) VALUES (?, ?, ?)",
    )
    .bind(request_id)
    .bind(chat_id)
    .bind(message_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The messages that carry a request's address and phone; forgotten as they are returned.
pub async fn take_details(tx: &mut Tx, request_id: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as("DELETE FROM detail_messages WHERE request_id = ? RETURNING chat_id, message_id")
        .bind(request_id)
        .fetch_all(&mut **tx)
        .await
}
