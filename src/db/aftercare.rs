//! After the visit: receipts, notes for the next volunteer, concerns; and the lead's hand:
//! intake pauses and quick voice requests. Every change runs inside the caller's write
//! transaction and names the state it expects, so a repeated or stale press changes nothing.

use sqlx::{SqliteConnection, SqlitePool};

use super::Tx;

/// Events of this module, in `request_events` beside the lifecycle's own.
pub mod kind {
    pub const RECEIPT: &str = "receipt";
    pub const RECEIPT_CONFIRMED: &str = "receipt_confirmed";
    pub const RECEIPT_DISPUTED: &str = "receipt_disputed";
    pub const REPAID: &str = "repaid";
    pub const NOTE: &str = "note";
    pub const CONCERN: &str = "concern";
    pub const CATEGORY_SET: &str = "category_set";
}

pub async fn event(
    tx: &mut Tx,
    now: i64,
    request_id: i64,
    actor: i64,
    kind: &'static str,
    note: Option<&str>,
) -> Result<(), sqlx::Error> {
    tx.record(super::NewEvent {
        request_id,
        actor_id: Some(actor),
        kind,
        note: note.map(str::to_owned),
        at: now,
    });
    Ok(())
}

// ---- receipts -----------------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Receipt {
    pub id: i64,
    pub request_id: i64,
    pub requester_id: i64,
    pub volunteer_id: i64,
    pub region_id: i64,
    pub amount_minor: i64,
    pub photo_file_id: Option<String>,
    pub answer: String,
    pub repaid_by: Option<i64>,
    pub repaid_at: Option<i64>,
}

macro_rules! receipt_columns {
    () => {
        "id, request_id, requester_id, volunteer_id, region_id, amount_minor, photo_file_id, answer, repaid_by, repaid_at"
    };
}

pub struct NewReceipt<'a> {
    pub request_id: i64,
    pub requester_id: i64,
    pub volunteer_id: i64,
    pub region_id: i64,
    pub amount_minor: i64,
    pub photo_file_id: Option<&'a str>,
}

/// Records a receipt; `None` when this volunteer already has one for this request (one per visit,
/// so the club never repays twice).
pub async fn add_receipt(
    tx: &mut Tx,
    now: i64,
    r: &NewReceipt<'_>,
) -> Result<Option<i64>, sqlx::Error> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO receipts (request_id, requester_id, volunteer_id, region_id, amount_minor,
             photo_file_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (request_id, volunteer_id) DO NOTHING RETURNING id",
    )
    .bind(r.request_id)
    .bind(r.requester_id)
    .bind(r.volunteer_id)
    .bind(r.region_id)
    .bind(r.amount_minor)
    .bind(r.photo_file_id)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    if id.is_some() {
        event(
            tx,
            now,
            r.request_id,
            r.volunteer_id,
            kind::RECEIPT,
            Some(&r.amount_minor.to_string()),
        )
        .await?;
    }
    Ok(id)
}

/// The receipt this volunteer recorded for this request, if any.
pub async fn receipt_of(
    tx: &mut Tx,
    request_id: i64,
    volunteer: i64,
) -> Result<Option<Receipt>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        receipt_columns!(),
        " FROM receipts WHERE request_id = ? AND volunteer_id = ?"
    ))
    .bind(request_id)
    .bind(volunteer)
    .fetch_optional(&mut **tx)
    .await
}

pub async fn receipt(tx: &mut Tx, id: i64) -> Result<Option<Receipt>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        receipt_columns!(),
        " FROM receipts WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await
}

/// The requester answers whether the amount is right: only the first answer counts.
pub async fn answer_receipt(
    tx: &mut Tx,
    now: i64,
    id: i64,
    requester: i64,
    confirmed: bool,
) -> Result<Option<Receipt>, sqlx::Error> {
    let answer = if confirmed { "confirmed" } else { "disputed" };
    let row: Option<Receipt> = sqlx::query_as(concat!(
        "UPDATE receipts SET answer = ?1, answered_at = ?2
         WHERE id = ?3 AND requester_id = ?4 AND answer = 'asked' RETURNING ",
        receipt_columns!()
    ))
    .bind(answer)
    .bind(now)
    .bind(id)
    .bind(requester)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(r) = &row {
        let k = if confirmed {
            kind::RECEIPT_CONFIRMED
        } else {
            kind::RECEIPT_DISPUTED
        };
        event(tx, now, r.request_id, requester, k, None).await?;
    }
    Ok(row)
}

/// A lead marks a receipt repaid: the first press wins.
pub async fn mark_repaid(
    tx: &mut Tx,
    now: i64,
    id: i64,
    lead: i64,
) -> Result<Option<Receipt>, sqlx::Error> {
    let row: Option<Receipt> = sqlx::query_as(concat!(
        "UPDATE receipts SET repaid_by = ?1, repaid_at = ?2
         WHERE id = ?3 AND repaid_at IS NULL RETURNING ",
        receipt_columns!()
    ))
    .bind(lead)
    .bind(now)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(r) = &row {
        event(
            tx,
            now,
            r.request_id,
            lead,
            kind::REPAID,
            Some(&r.amount_minor.to_string()),
        )
        .await?;
    }
    Ok(row)
}

/// A receipt not repaid yet, in a lead's list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueReceipt {
    pub id: i64,
    pub request_id: i64,
    pub region_id: i64,
    pub amount_minor: i64,
    pub answer: String,
    pub volunteer: Option<String>,
}

/// Receipts of the lead's regions not repaid yet, oldest first: at most `limit`, and how many.
pub async fn due_for_lead(
    pool: &SqlitePool,
    lead: i64,
    limit: i64,
) -> Result<(Vec<DueReceipt>, i64), sqlx::Error> {
    let rows = sqlx::query_as(
        "SELECT r.id, r.request_id, r.region_id, r.amount_minor, r.answer,
             COALESCE(v.display_name, u.first_name) AS volunteer
         FROM receipts r
         LEFT JOIN volunteers v ON v.user_id = r.volunteer_id
         LEFT JOIN users u ON u.id = r.volunteer_id
         WHERE r.repaid_at IS NULL AND r.region_id IN (SELECT region_id FROM leads WHERE user_id = ?1)
         ORDER BY r.id LIMIT ?2",
    )
    .bind(lead)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar(
        "SELECT COUNT(*) FROM receipts
         WHERE repaid_at IS NULL AND region_id IN (SELECT region_id FROM leads WHERE user_id = ?1)",
    )
    .bind(lead)
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

// ---- notes and concerns -------------------------------------------------------------------------

/// Whom a note is about: the person helped (see migration 0012).
pub struct Person<'a> {
    pub requester_id: i64,
    pub for_whom: &'a str,
    pub beneficiary_name: Option<&'a str>,
}

pub async fn add_note(
    tx: &mut Tx,
    now: i64,
    about: &Person<'_>,
    request_id: i64,
    volunteer: i64,
    note: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO visit_notes (requester_id, for_whom, beneficiary_name, request_id, volunteer_id,
             note, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(about.requester_id)
    .bind(about.for_whom)
    .bind(about.beneficiary_name)
    .bind(request_id)
    .bind(volunteer)
    .bind(note)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    event(tx, now, request_id, volunteer, kind::NOTE, None).await
}

/// The latest notes left about this person helped on their other requests, newest first.
/// The latest notes about a person helped (?1 requester, ?2 for whom, ?3 the beneficiary's name),
/// but those of request ?4, at most ?5, newest first.
pub(super) const NOTES_ABOUT: &str = "
    SELECT id, note FROM visit_notes
    WHERE requester_id = ?1 AND for_whom = ?2 AND beneficiary_name IS ?3 AND request_id <> ?4
    ORDER BY id DESC LIMIT ?5";

pub async fn notes_about(
    conn: &mut SqliteConnection,
    about: &Person<'_>,
    except_request: i64,
    limit: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let notes: Vec<(i64, String)> = sqlx::query_as(NOTES_ABOUT)
        .bind(about.requester_id)
        .bind(about.for_whom)
        .bind(about.beneficiary_name)
        .bind(except_request)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    Ok(notes.into_iter().map(|(_, note)| note).collect())
}

pub async fn add_concern(
    tx: &mut Tx,
    now: i64,
    request_id: i64,
    region_id: i64,
    volunteer: i64,
    words: &str,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO concerns (request_id, region_id, volunteer_id, words, created_at)
         VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(request_id)
    .bind(region_id)
    .bind(volunteer)
    .bind(words)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    event(
        tx,
        now,
        request_id,
        volunteer,
        kind::CONCERN,
        Some(&id.to_string()),
    )
    .await?;
    Ok(id)
}

// ---- the digest's figures -----------------------------------------------------------------------

// Figures of a region's digest, read as part of it (`digests::read`: ?1 the region, [?2, ?3) the
// period).

/// SEARCH receipts USING COVERING INDEX receipts_by_region (region_id=? AND repaid_at=?).
pub(super) const DUE: &str = "SELECT COUNT(*) AS n, COALESCE(SUM(amount_minor), 0) AS minor
     FROM receipts WHERE region_id = ?1 AND repaid_at IS NULL";
/// SEARCH receipts USING INDEX receipts_repaid (region_id=? AND repaid_at>? AND repaid_at<?).
pub(super) const REPAID: &str = "SELECT COUNT(*) AS n, COALESCE(SUM(amount_minor), 0) AS minor
     FROM receipts WHERE region_id = ?1 AND repaid_at >= ?2 AND repaid_at < ?3";
/// SEARCH concerns USING COVERING INDEX concerns_by_region (region_id=? AND created_at>? AND …).
pub(super) const CONCERNS: &str =
    "SELECT COUNT(*) FROM concerns WHERE region_id = ?1 AND created_at >= ?2 AND created_at < ?3";

/// Reimbursements due now, those made in `[from, to)`, and concerns raised in `[from, to)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DigestFigures {
    pub due: i64,
    pub due_minor: i64,
    pub repaid: i64,
    pub repaid_minor: i64,
    pub concerns: i64,
}

// ---- intake pauses ------------------------------------------------------------------------------

/// The lead's message for people while the region's intake is paused.
pub async fn pause_message(
    pool: &SqlitePool,
    region_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT message FROM intake_pauses WHERE region_id = ?")
        .bind(region_id)
        .fetch_optional(pool)
        .await
}

/// `pause_message`, read on the connection of a write transaction (to re-check it there).
/// The lead's regions whose intake is paused.
pub async fn paused_among(pool: &SqlitePool, lead: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT region_id FROM intake_pauses
         WHERE region_id IN (SELECT region_id FROM leads WHERE user_id = ?) ORDER BY region_id",
    )
    .bind(lead)
    .fetch_all(pool)
    .await
}

/// Pauses intake; false if it already was paused (the first pause and its message stay).
pub async fn pause(
    tx: &mut Tx,
    now: i64,
    region_id: i64,
    lead: i64,
    message: &str,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "INSERT OR IGNORE INTO intake_pauses (region_id, message, paused_by, paused_at)
         VALUES (?, ?, ?, ?)",
    )
    .bind(region_id)
    .bind(message)
    .bind(lead)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Resumes intake; false if it was not paused.
pub async fn resume(tx: &mut Tx, region_id: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("DELETE FROM intake_pauses WHERE region_id = ?")
        .bind(region_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

// ---- quick voice requests -------------------------------------------------------------------------

pub async fn mark_voice_request(tx: &mut Tx, request_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT OR IGNORE INTO voice_requests (request_id) VALUES (?)")
        .bind(request_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A lead sets the kind of help of a request that is not finished. Returns the request's status
/// when it changed, `None` when the request is finished or unknown.
pub async fn set_category(
    tx: &mut Tx,
    now: i64,
    request_id: i64,
    category: &str,
    lead: i64,
) -> Result<Option<String>, sqlx::Error> {
    let status: Option<String> = sqlx::query_scalar(
        "UPDATE help_requests SET category = ?1, updated_at = ?2
         WHERE id = ?3 AND status IN ('open', 'claimed', 'done') RETURNING status",
    )
    .bind(category)
    .bind(now)
    .bind(request_id)
    .fetch_optional(&mut **tx)
    .await?;
    if status.is_some() {
        sqlx::query(
            "UPDATE voice_requests SET category_set_by = ?1, category_set_at = ?2 WHERE request_id = ?3",
        )
        .bind(lead)
        .bind(now)
        .bind(request_id)
        .execute(&mut **tx)
        .await?;
        event(
            tx,
            now,
            request_id,
            lead,
            kind::CATEGORY_SET,
            Some(category),
        )
        .await?;
    }
    Ok(status)
}

// ---- personal data ------------------------------------------------------------------------------

/// /delete_me of a requester: notes about them, the words of concerns about them and the receipt
/// photos of their requests go. Amounts stay (the club may still owe the volunteer).
pub async fn erase_requester(tx: &mut Tx, requester: i64) -> Result<(), sqlx::Error> {
    tx.flush().await?;
    tx.touch(super::cache::Touch::OutboxDropped(None));
    for sql in [
        // Queued copies of the photos first: they are found by their file id.
        "DELETE FROM outbox WHERE kind = 'photo_file'
           AND json_extract(payload_json, '$.file_id') IN
               (SELECT photo_file_id FROM receipts WHERE requester_id = ?1 AND photo_file_id IS NOT NULL)",
        "DELETE FROM visit_notes WHERE requester_id = ?1",
        "UPDATE concerns SET words = NULL WHERE words IS NOT NULL
           AND request_id IN (SELECT id FROM help_requests WHERE requester_id = ?1)",
        "UPDATE receipts SET photo_file_id = NULL WHERE requester_id = ?1 AND photo_file_id IS NOT NULL",
    ] {
        sqlx::query(sql)
            .bind(requester)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The retention purge: once a request's own personal data was erased (RETENTION_DAYS after it
/// ended), its notes, concerns' words and receipt photo go too.
pub async fn purge_with_requests(tx: &mut Tx) -> Result<u64, sqlx::Error> {
    let mut n = 0;
    for sql in [
        // Each small table is walked once, each request looked up by its primary key.
        "DELETE FROM visit_notes WHERE EXISTS (SELECT 1 FROM help_requests h
           WHERE h.id = visit_notes.request_id AND h.purged_at IS NOT NULL)",
        "UPDATE concerns SET words = NULL WHERE words IS NOT NULL AND EXISTS (SELECT 1 FROM help_requests h
           WHERE h.id = concerns.request_id AND h.purged_at IS NOT NULL)",
        "UPDATE receipts SET photo_file_id = NULL WHERE photo_file_id IS NOT NULL AND EXISTS (SELECT 1
           FROM help_requests h WHERE h.id = receipts.request_id AND h.purged_at IS NOT NULL)",
    ] {
        n += sqlx::query(sql).execute(&mut **tx).await?.rows_affected();
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::{memory_db, plan};

    #[tokio::test]
    async fn the_digest_figures_read_through_indexes() {
        let pool = memory_db(i64::MAX).await;
        for (sql, params) in [(DUE, 1), (REPAID, 3), (CONCERNS, 3)] {
            let plan = plan(&pool, sql, params).await;
            assert!(
                plan.iter().all(|d| !d.starts_with("SCAN")),
                "{sql}: {plan:?}"
            );
        }
    }
}
