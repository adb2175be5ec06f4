//! What the leads' digest reads: a region's events in a time window and its requests' current
//! state. Everything is counted from `request_events` and `help_requests`, never from counters.
//!
//! The readers take a connection, so the job can read the whole digest inside one (read)
//! transaction and see one consistent picture. Indexes: migrations/0004_add_digest_indexes.sql.

use sqlx::{SqliteConnection, SqlitePool};

use super::Tx;

// The statements, with how each is served (EXPLAIN QUERY PLAN; checked by the test below).

/// SEARCH request_events USING COVERING INDEX request_events_by_region
/// (region_id=? AND kind=? AND at>? AND at<?): only the region's events of the window are read.
const PERIOD_COUNTS: &str = "
    SELECT e.kind, COUNT(DISTINCT e.request_id)
    FROM request_events e
    WHERE e.region_id = ?1 AND e.kind IN ('created', 'claimed', 'done', 'closed', 'cancelled')
      AND e.at >= ?2 AND e.at < ?3
    GROUP BY e.kind";

/// As PERIOD_COUNTS, then each distinct actor in volunteers by primary key. Only volunteers
/// count: a lead who assigns a request is the actor of its claimed event.
const ACTIVE_VOLUNTEERS: &str = "
    SELECT COUNT(*) FROM (
        SELECT DISTINCT e.actor_id AS actor
        FROM request_events e
        WHERE e.region_id = ?1 AND e.kind IN ('claimed', 'done') AND e.at >= ?2 AND e.at < ?3
    ) a
    WHERE EXISTS (SELECT 1 FROM volunteers v WHERE v.user_id = a.actor)";

/// SEARCH help_requests USING INDEX help_requests_by_region_status_age
/// (region_id=? AND status=? AND created_at<?): rows are read for the listed ones only.
const WAITING_LIST: &str = "
    SELECT id, category, settlement, created_at AS since, NULL AS volunteer
    FROM help_requests
    WHERE region_id = ?1 AND status = 'open' AND created_at < ?2
    ORDER BY created_at, id LIMIT ?3";

/// SEARCH help_requests USING COVERING INDEX help_requests_by_region_status_age.
const WAITING_COUNT: &str = "
    SELECT COUNT(*) FROM help_requests
    WHERE region_id = ?1 AND status = 'open' AND created_at < ?2";

/// SEARCH help_requests USING INDEX help_requests_claimed (status=? AND claimed_at<?): requests
/// held that long are few in any region.
const HELD_LIST: &str = "
    SELECT r.id, r.category, r.settlement, r.claimed_at AS since,
        COALESCE(v.display_name, u.first_name) AS volunteer
    FROM help_requests r
    LEFT JOIN volunteers v ON v.user_id = r.claimed_by
    LEFT JOIN users u ON u.id = r.claimed_by
    WHERE r.region_id = ?1 AND r.status = 'claimed' AND r.claimed_at < ?2
    ORDER BY r.claimed_at, r.id LIMIT ?3";

/// As HELD_LIST.
const HELD_COUNT: &str = "
    SELECT COUNT(*) FROM help_requests
    WHERE region_id = ?1 AND status = 'claimed' AND claimed_at < ?2";

/// SEARCH volunteer_regions USING COVERING INDEX volunteer_regions_by_region, then volunteers by
/// primary key.
const PENDING_VOLUNTEERS: &str = "
    SELECT COUNT(*) FROM volunteer_regions vr JOIN volunteers v ON v.user_id = vr.user_id
    WHERE vr.region_id = ?1 AND v.status = 'pending'";

/// As PENDING_VOLUNTEERS, then volunteer_duty by primary key: approved volunteers who paused
/// themselves (/pause), longest paused first.
const SELF_PAUSED_LIST: &str = "
    SELECT v.display_name, d.paused_at
    FROM volunteer_regions vr
    JOIN volunteers v ON v.user_id = vr.user_id AND v.status = 'approved'
    JOIN volunteer_duty d ON d.user_id = vr.user_id
    WHERE vr.region_id = ?1 AND d.paused_at IS NOT NULL
    ORDER BY d.paused_at, v.user_id LIMIT ?2";

/// As SELF_PAUSED_LIST.
const SELF_PAUSED_COUNT: &str = "
    SELECT COUNT(*)
    FROM volunteer_regions vr
    JOIN volunteers v ON v.user_id = vr.user_id AND v.status = 'approved'
    JOIN volunteer_duty d ON d.user_id = vr.user_id
    WHERE vr.region_id = ?1 AND d.paused_at IS NOT NULL";

/// As PENDING_VOLUNTEERS: volunteers a lead paused (suspended).
const SUSPENDED_VOLUNTEERS: &str = "
    SELECT COUNT(*) FROM volunteer_regions vr JOIN volunteers v ON v.user_id = vr.user_id
    WHERE vr.region_id = ?1 AND v.status = 'suspended'";

/// As PERIOD_COUNTS, then repeat_requests by primary key: requests a weekly repeat created in the
/// window.
const REPEATS_POSTED: &str = "
    SELECT COUNT(DISTINCT e.request_id)
    FROM request_events e
    WHERE e.region_id = ?1 AND e.kind = 'created' AND e.at >= ?2 AND e.at < ?3
      AND EXISTS (SELECT 1 FROM repeat_requests rr WHERE rr.request_id = e.request_id)";

/// SEARCH help_requests USING COVERING INDEX help_requests_by_region_status_age (region_id=?).
const TOTALS: &str = "
    SELECT status, COUNT(*) FROM help_requests WHERE region_id = ?1 GROUP BY status";

/// As PERIOD_COUNTS, then each request by its primary key (for its status).
const CHART_EVENTS: &str = "
    SELECT e.request_id, e.kind, e.at, r.status
    FROM request_events e JOIN help_requests r ON r.id = e.request_id
    WHERE e.region_id = ?1 AND e.kind IN ('created', 'closed', 'cancelled')
      AND e.at >= ?2 AND e.at < ?3";

/// users and digest_runs by their primary keys.
const LEAD_STATE: &str = "
    SELECT EXISTS (SELECT 1 FROM digest_runs WHERE lead_id = ?1 AND region_id = ?2 AND period = ?3),
        unreachable_at IS NOT NULL, language, tg_language
    FROM users WHERE id = ?1";

const RECORD_RUN: &str = "
    INSERT OR IGNORE INTO digest_runs (lead_id, region_id, period, sent_at) VALUES (?1, ?2, ?3, ?4)";

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
    /// Distinct volunteers who claimed or finished one of the region's requests (a lead who
    /// assigned one is not counted for that, unless they volunteer too).
    pub active_volunteers: i64,
}

pub async fn period_counts(
    conn: &mut SqliteConnection,
    region_id: i64,
    from: i64,
    to: i64,
) -> Result<PeriodCounts, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(PERIOD_COUNTS)
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
    c.active_volunteers = sqlx::query_scalar(ACTIVE_VOLUNTEERS)
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
    let rows: Vec<ListedRequest> = sqlx::query_as(WAITING_LIST)
        .bind(region_id)
        .bind(before)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    let total: i64 = sqlx::query_scalar(WAITING_COUNT)
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
    let rows: Vec<ListedRequest> = sqlx::query_as(HELD_LIST)
        .bind(region_id)
        .bind(before)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    let total: i64 = sqlx::query_scalar(HELD_COUNT)
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
    sqlx::query_scalar(PENDING_VOLUNTEERS)
        .bind(region_id)
        .fetch_one(&mut *conn)
        .await
}

/// Volunteers of the region on pause: those who paused themselves (name, since when; at most
/// `limit`, and how many in all), and how many a lead paused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paused {
    pub self_paused: Vec<(String, i64)>,
    pub self_paused_total: i64,
    pub suspended: i64,
}

pub async fn paused_volunteers(
    conn: &mut SqliteConnection,
    region_id: i64,
    limit: i64,
) -> Result<Paused, sqlx::Error> {
    let self_paused = sqlx::query_as(SELF_PAUSED_LIST)
        .bind(region_id)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    let self_paused_total = sqlx::query_scalar(SELF_PAUSED_COUNT)
        .bind(region_id)
        .fetch_one(&mut *conn)
        .await?;
    let suspended = sqlx::query_scalar(SUSPENDED_VOLUNTEERS)
        .bind(region_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Paused {
        self_paused,
        self_paused_total,
        suspended,
    })
}

/// Requests weekly repeats created in the region in `[from, to)`.
pub async fn repeats_posted(
    conn: &mut SqliteConnection,
    region_id: i64,
    from: i64,
    to: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(REPEATS_POSTED)
        .bind(region_id)
        .bind(from)
        .bind(to)
        .fetch_one(&mut *conn)
        .await
}

/// All requests of the region by current status: (status, count).
pub async fn totals(
    conn: &mut SqliteConnection,
    region_id: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(TOTALS)
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
    sqlx::query_as(CHART_EVENTS)
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
    let row: Option<(bool, bool, Option<String>, Option<String>)> = sqlx::query_as(LEAD_STATE)
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
    let r = sqlx::query(RECORD_RUN)
        .bind(lead_id)
        .bind(region_id)
        .bind(period)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

#[cfg(test)]
mod tests {
    use sqlx::sqlite::SqlitePoolOptions;

    use super::*;

    /// Every digest query, with how many parameters it takes.
    const QUERIES: [(&str, &str, usize); 15] = [
        ("PERIOD_COUNTS", PERIOD_COUNTS, 3),
        ("ACTIVE_VOLUNTEERS", ACTIVE_VOLUNTEERS, 3),
        ("WAITING_LIST", WAITING_LIST, 3),
        ("WAITING_COUNT", WAITING_COUNT, 2),
        ("HELD_LIST", HELD_LIST, 3),
        ("HELD_COUNT", HELD_COUNT, 2),
        ("PENDING_VOLUNTEERS", PENDING_VOLUNTEERS, 1),
        ("SELF_PAUSED_LIST", SELF_PAUSED_LIST, 2),
        ("SELF_PAUSED_COUNT", SELF_PAUSED_COUNT, 1),
        ("SUSPENDED_VOLUNTEERS", SUSPENDED_VOLUNTEERS, 1),
        ("REPEATS_POSTED", REPEATS_POSTED, 3),
        ("TOTALS", TOTALS, 1),
        ("CHART_EVENTS", CHART_EVENTS, 3),
        ("LEAD_STATE", LEAD_STATE, 3),
        ("RECORD_RUN", RECORD_RUN, 4),
    ];

    #[tokio::test]
    async fn no_digest_query_scans_a_whole_table() {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        crate::db::MIGRATOR.run(&pool).await.unwrap();
        for (name, sql, params) in QUERIES {
            let mut q = sqlx::query_as::<_, (i64, i64, i64, String)>(sqlx::AssertSqlSafe(format!(
                "EXPLAIN QUERY PLAN {sql}"
            )));
            for _ in 0..params {
                q = q.bind(1_i64);
            }
            let plan = q.fetch_all(&pool).await.unwrap();
            let steps: Vec<&str> = plan.iter().map(|(_, _, _, d)| d.as_str()).collect();
            // Reading the rows a subquery made (a co-routine) is no table scan.
            let made: Vec<&str> = steps
                .iter()
                .filter_map(|d| d.strip_prefix("CO-ROUTINE "))
                .collect();
            assert!(
                steps
                    .iter()
                    .filter_map(|d| d.strip_prefix("SCAN "))
                    .all(|what| made.contains(&what)),
                "{name} scans a table: {steps:#?}"
            );
            // The event queries read only the region's events of the window, through the
            // covering index.
            if sql.contains("request_events") {
                assert!(
                    steps.iter().any(|d| d.contains(
                        "USING COVERING INDEX request_events_by_region (region_id=? AND kind=? AND at>? AND at<?)"
                    )),
                    "{name}: {steps:#?}"
                );
            }
        }
    }
}
