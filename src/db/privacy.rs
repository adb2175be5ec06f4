//! Personal data: what /delete_me erases for one person, and what the retention job erases from
//! requests that ended long enough ago. Rows, statuses, categories, regions, dates and events
//! stay: counts and anonymous history are kept, names, addresses and phones are not.

use sqlx::SqlitePool;

use super::Tx;

/// What /delete_me would touch for a person: said in the question, so nothing comes as a surprise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Footprint {
    /// Their own requests not taken yet, or taken and not done: these are cancelled.
    pub unfinished: i64,
    /// Requests they took as a volunteer and have not finished: these go back to open.
    pub held: i64,
    pub volunteer: bool,
    pub lead: bool,
}

pub async fn footprint(pool: &SqlitePool, user_id: i64) -> Result<Footprint, sqlx::Error> {
    let (unfinished, held, volunteer, lead): (i64, i64, bool, bool) = sqlx::query_as(
        "SELECT
             (SELECT COUNT(*) FROM help_requests WHERE requester_id = ?1 AND status IN ('open', 'claimed')),
             (SELECT COUNT(*) FROM help_requests WHERE claimed_by = ?1 AND status = 'claimed'),
             EXISTS (SELECT 1 FROM volunteers WHERE user_id = ?1),
             EXISTS (SELECT 1 FROM leads WHERE user_id = ?1)",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    Ok(Footprint {
        unfinished,
        held,
        volunteer,
        lead,
    })
}

/// When the person last erased their data, if ever.
pub async fn erased_at(tx: &mut Tx, user_id: i64) -> Result<Option<i64>, sqlx::Error> {
    Ok(
        sqlx::query_scalar::<_, Option<i64>>("SELECT erased_at FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?
            .flatten(),
    )
}

/// A request cancelled because its requester erased their data: who held it, if anyone.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Cancelled {
    pub id: i64,
    /// Set only when it was taken (an open request has no holder).
    pub claimed_by: Option<i64>,
}

/// Cancels the person's open and taken requests. The caller records the events.
pub async fn cancel_unfinished(
    tx: &mut Tx,
    now: i64,
    requester: i64,
) -> Result<Vec<Cancelled>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE help_requests SET status = 'cancelled', updated_at = ?1
         WHERE requester_id = ?2 AND status IN ('open', 'claimed')
         RETURNING id, claimed_by",
    )
    .bind(now)
    .bind(requester)
    .fetch_all(&mut **tx)
    .await
}

/// Requests of this person (as requester or as the volunteer who held them) whose details
/// message is still on record, so it can be edited to a version without address and phone.
pub async fn with_detail_messages(tx: &mut Tx, user_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT DISTINCT d.request_id FROM detail_messages d
         JOIN help_requests h ON h.id = d.request_id
         WHERE h.requester_id = ?1 OR h.claimed_by = ?1
         ORDER BY d.request_id",
    )
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await
}

/// Forgets stored copies of messages that carry the person's data: messages already delivered to
/// them (a request's summary shows its address and phone), details and voice messages of their
/// requests (sent or not), and announcements still queued for them as a volunteer. Must run
/// before `erase_requests` (the voice messages are found by their file id).
pub async fn forget_messages(tx: &mut Tx, user_id: i64) -> Result<u64, sqlx::Error> {
    tx.flush().await?;
    let mut n = 0;
    tx.touch(super::cache::Touch::OutboxDropped(None));
    for sql in [
        "DELETE FROM outbox WHERE chat_id = ?1 AND (sent_at IS NOT NULL OR failed_at IS NOT NULL)",
        "DELETE FROM outbox WHERE chat_id = ?1 AND kind = 'push' AND sent_at IS NULL",
        "DELETE FROM outbox WHERE kind = 'details'
           AND json_extract(payload_json, '$.request_id') IN
               (SELECT id FROM help_requests WHERE requester_id = ?1)",
        "DELETE FROM outbox WHERE kind = 'voice'
           AND json_extract(payload_json, '$.file_id') IN
               (SELECT voice_file_id FROM help_requests WHERE requester_id = ?1 AND voice_file_id IS NOT NULL)",
    ] {
        n += sqlx::query(sql)
            .bind(user_id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    }
    Ok(n)
}

/// Erases address, phone, beneficiary's name and voice message of all the person's requests,
/// and the description of those that ended (an ended one is marked purged, so the retention job
/// leaves it alone). Returns how many requests had something left to erase.
pub async fn erase_requests(tx: &mut Tx, now: i64, requester: i64) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE help_requests SET address = NULL, phone = NULL, beneficiary_name = NULL,
             voice_file_id = NULL,
             details = CASE WHEN status IN ('closed', 'cancelled') THEN NULL ELSE details END,
             purged_at = CASE WHEN status IN ('closed', 'cancelled') THEN COALESCE(purged_at, ?1)
                              ELSE purged_at END
         WHERE requester_id = ?2
           AND (address IS NOT NULL OR phone IS NOT NULL OR beneficiary_name IS NOT NULL
                OR voice_file_id IS NOT NULL
                OR (status IN ('closed', 'cancelled') AND (details IS NOT NULL OR purged_at IS NULL)))",
    )
    .bind(now)
    .bind(requester)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected())
}

/// Deletes the volunteer profile (regions and kinds of help first). True if there was one.
pub async fn delete_volunteer(tx: &mut Tx, user_id: i64) -> Result<bool, sqlx::Error> {
    for sql in [
        "DELETE FROM volunteer_categories WHERE user_id = ?",
        "DELETE FROM volunteer_regions WHERE user_id = ?",
    ] {
        sqlx::query(sql).bind(user_id).execute(&mut **tx).await?;
    }
    let r = sqlx::query("DELETE FROM volunteers WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// The person stops being a club lead of any region. True if they were one.
pub async fn delete_lead(tx: &mut Tx, user_id: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("DELETE FROM leads WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Blanks name, username and phone; the row stays (id, language) so events keep their actor.
/// `erased_at` moves to `now` when given (something was erased), else stays as it was.
pub async fn erase_user(tx: &mut Tx, user_id: i64, now: Option<i64>) -> Result<(), sqlx::Error> {
    tx.touch(super::cache::Touch::User(user_id));
    sqlx::query(
        "UPDATE users SET first_name = '', username = NULL, phone = NULL,
             erased_at = COALESCE(?1, erased_at)
         WHERE id = ?2",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Erases address, phone, beneficiary's name and voice message of up to `limit` requests that
/// ended (closed or cancelled) at or before `ended_before` and were not purged yet. A request
/// made before its requester erased their data loses its description too. Returns how many.
pub async fn purge_ended(
    tx: &mut Tx,
    now: i64,
    ended_before: i64,
    limit: i64,
) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(PURGE_ENDED)
        .bind(now)
        .bind(ended_before)
        .bind(limit)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected())
}

/// When the earliest ended, not yet purged request ended, if any.
pub async fn earliest_unpurged_end(pool: &SqlitePool) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(EARLIEST_UNPURGED_END)
        .fetch_one(pool)
        .await
}

/// One batch of the retention purge. The inner SELECT walks the partial index
/// `help_requests_ended` (status, updated_at) WHERE purged_at IS NULL: purged rows drop out of
/// it, so the index stays as small as what is still due.
const PURGE_ENDED: &str =
    "UPDATE help_requests SET address = NULL, phone = NULL, beneficiary_name = NULL,
         voice_file_id = NULL, purged_at = ?1,
         details = CASE WHEN EXISTS (SELECT 1 FROM users u WHERE u.id = help_requests.requester_id
                                        AND u.erased_at >= help_requests.created_at)
                        THEN NULL ELSE details END
     WHERE id IN (SELECT id FROM help_requests
                  WHERE status IN ('closed', 'cancelled') AND updated_at <= ?2 AND purged_at IS NULL
                  LIMIT ?3)";

/// MIN per status, so each half is one seek at the start of the partial index.
const EARLIEST_UNPURGED_END: &str = "SELECT MIN(t) FROM (
         SELECT MIN(updated_at) AS t FROM help_requests WHERE status = 'closed' AND purged_at IS NULL
         UNION ALL
         SELECT MIN(updated_at) AS t FROM help_requests WHERE status = 'cancelled' AND purged_at IS NULL)";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::plan;

    #[tokio::test]
    async fn the_retention_queries_use_the_partial_index_of_ended_requests() {
        let (_dir, pool) = crate::db::testing::file_db().await;
        for (sql, params) in [(PURGE_ENDED, 3), (EARLIEST_UNPURGED_END, 0)] {
            let plan = plan(&pool, sql, params).await.join("\n");
            assert!(plan.contains("help_requests_ended"), "{sql}\n{plan}");
            assert!(
                !plan.lines().any(|l| l.starts_with("SCAN help_requests")),
                "{sql}\n{plan}"
            );
        }
    }
}
