//! What the leads' digest reads: a region's events in a time window and its requests' current
//! state. Everything is counted from `request_events` and `help_requests`, never from counters.
//!
//! The readers take a connection, so the job can read the whole digest inside one (read)
//! transaction and see one consistent picture. Indexes: migrations/0004_add_digest_indexes.sql.

use sqlx::{SqliteConnection, SqlitePool};

use super::Tx;

/// How many requests of a region were created, claimed, done, closed and cancelled in
/// `[from, to)`. Each request counts once per kind (a request claimed, released and claimed again
/// is one claimed request).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeriodCounts {
    pub created: i64,
    pub claimed: i64,
    pub done: i64,
    pub closed: i64,
    pub cancelled: i64,
    /// Distinct volunteers who claimed or finished one of the region's requests.
    pub active_volunteers: i64,
}

pub async fn period_counts(
    conn: &mut SqliteConnection,
    region_id: i64,
    from: i64,
    to: i64,
) -> Result<PeriodCounts, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT e.kind, COUNT(DISTINCT e.request_id)
         FROM request_events e JOIN help_requests r ON r.id = e.request_id
         WHERE e.kind IN ('created', 'claimed', 'done', 'closed', 'cancelled')
           AND e.at >= ?2 AND e.at < ?3 AND r.region_id = ?1
         GROUP BY e.kind",
    )
    .bind(region_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await?;
    let mut c = PeriodCounts::default();
    for (kind, n) in rows {
        match kind.as_str() {
            "created" => c.created = n,
            "claimed" => c.claimed = n,
            "done" => c.done = n,
            "closed" => c.closed = n,
            "cancelled" => c.cancelled = n,
            _ => {}
        }
    }
    c.active_volunteers = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT e.actor_id)
         FROM request_events e JOIN help_requests r ON r.id = e.request_id
         WHERE e.kind IN ('claimed', 'done') AND e.at >= ?2 AND e.at < ?3
           AND e.actor_id IS NOT NULL AND r.region_id = ?1",
    )
    .bind(region_id)
    .bind(from)
    .bind(to)
    .fetch_one(&mut *conn)
    .await?;
    Ok(c)
}

/// A request in one of the digest's lists.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq, Eq)]
pub struct ListedRequest {
    pub id: i64,
    pub category: String,
    pub settlement: String,
    /// When it was created (waiting list) or claimed (held list).
    pub since: i64,
    /// The volunteer holding it (held list only).
    pub volunteer: Option<String>,
}

/// Open requests created before `before`, oldest first: at most `limit`, and how many in all.
pub async fn open_since_before(
    conn: &mut SqliteConnection,
    region_id: i64,
    before: i64,
    limit: i64,
) -> Result<(Vec<ListedRequest>, i64), sqlx::Error> {
    let rows: Vec<ListedRequest> = sqlx::query_as(
        "SELECT id, category, settlement, created_at AS since, NULL AS volunteer
         FROM help_requests
         WHERE region_id = ?1 AND status = 'open' AND created_at < ?2
         ORDER BY created_at, id LIMIT ?3",
    )
    .bind(region_id)
    .bind(before)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM help_requests
         WHERE region_id = ?1 AND status = 'open' AND created_at < ?2",
    )
    .bind(region_id)
    .bind(before)
    .fetch_one(&mut *conn)
    .await?;
    Ok((rows, total))
}

/// Claimed requests claimed before `before` (not done since), longest held first: at most
/// `limit`, and how many in all.
pub async fn claimed_since_before(
    conn: &mut SqliteConnection,
    region_id: i64,
    before: i64,
    limit: i64,
) -> Result<(Vec<ListedRequest>, i64), sqlx::Error> {
    let rows: Vec<ListedRequest> = sqlx::query_as(
        "SELECT r.id, r.category, r.settlement, r.claimed_at AS since,
             COALESCE(v.display_name, u.first_name) AS volunteer
         FROM help_requests r
         LEFT JOIN volunteers v ON v.user_id = r.claimed_by
         LEFT JOIN users u ON u.id = r.claimed_by
         WHERE r.region_id = ?1 AND r.status = 'claimed' AND r.claimed_at < ?2
         ORDER BY r.claimed_at, r.id LIMIT ?3",
    )
    .bind(region_id)
    .bind(before)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM help_requests
         WHERE region_id = ?1 AND status = 'claimed' AND claimed_at < ?2",
    )
    .bind(region_id)
    .bind(before)
    .fetch_one(&mut *conn)
    .await?;
    Ok((rows, total))
}

/// Volunteers of the region waiting for a lead's approval.
pub async fn pending_volunteers(
    conn: &mut SqliteConnection,
    region_id: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM volunteer_regions vr JOIN volunteers v ON v.user_id = vr.user_id
         WHERE vr.region_id = ? AND v.status = 'pending'",
    )
    .bind(region_id)
    .fetch_one(&mut *conn)
    .await
}

/// All requests of the region by current status: (status, count).
pub async fn totals(
    conn: &mut SqliteConnection,
    region_id: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT status, COUNT(*) FROM help_requests WHERE region_id = ? GROUP BY status")
        .bind(region_id)
        .fetch_all(&mut *conn)
        .await
}

/// One created, closed or cancelled event of the region, for the weekly chart.
#[derive(Debug, Clone, sqlx::FromRow, PartialEq, Eq)]
pub struct ChartEvent {
    pub request_id: i64,
    pub kind: String,
    pub at: i64,
    /// The request's status now.
    pub status: String,
}

/// The region's created, closed and cancelled events in `[from, to)`.
pub async fn chart_events(
    conn: &mut SqliteConnection,
    region_id: i64,
    from: i64,
    to: i64,
) -> Result<Vec<ChartEvent>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.request_id, e.kind, e.at, r.status
         FROM request_events e JOIN help_requests r ON r.id = e.request_id
         WHERE e.kind IN ('created', 'closed', 'cancelled') AND e.at >= ?2 AND e.at < ?3
           AND r.region_id = ?1
         ORDER BY e.at, e.id",
    )
    .bind(region_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut *conn)
    .await
}

/// What the job needs to know about a lead before building their digest: whether this period's
/// digest is already recorded, whether they can be reached, and their language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeadState {
    pub already_sent: bool,
    pub unreachable: bool,
    pub language: Option<String>,
    pub tg_language: Option<String>,
}

pub async fn lead_state(
    pool: &SqlitePool,
    lead_id: i64,
    region_id: i64,
    period: &str,
) -> Result<LeadState, sqlx::Error> {
    let row: Option<(bool, bool, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM digest_runs WHERE lead_id = ?1 AND region_id = ?2 AND period = ?3),
             unreachable_at IS NOT NULL, language, tg_language
         FROM users WHERE id = ?1",
    )
    .bind(lead_id)
    .bind(region_id)
    .bind(period)
    .fetch_optional(pool)
    .await?;
    Ok(match row {
        Some((already_sent, unreachable, language, tg_language)) => LeadState {
            already_sent,
            unreachable,
            language,
            tg_language,
        },
        None => LeadState::default(),
    })
}

/// Records that a lead's digest of a region and period is being sent. False when it already was:
/// then the caller must not queue it again.
pub async fn record_run(
    tx: &mut Tx,
    lead_id: i64,
    region_id: i64,
    period: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "INSERT OR IGNORE INTO digest_runs (lead_id, region_id, period, sent_at) VALUES (?, ?, ?, ?)",
    )
    .bind(lead_id)
    .bind(region_id)
    .bind(period)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}
