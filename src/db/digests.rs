//! What the leads' digest reads: a region's events in a time window and its requests' current
//! state. Everything is counted from `request_events` and `help_requests`, never from counters.
//!
//! The readers take a connection, so the job can read the whole digest inside one (read)
//! transaction and see one consistent picture. Indexes: migrations/0004_add_digest_indexes.sql.

use sqlx::{SqliteConnection, SqlitePool};

use super::Tx;

// The statements, with how each is served (EXPLAIN QUERY PLAN; checked by the test below).

/// SEARCH request_events USING COVERING INDEX request_events_by_region
/// (region_id=? AND kind=? AND at>? AND at<?): only the region's events of the window are read,
/// once, from the index. A request counts once per kind: by its first event of that kind in the
/// window, the one whose `prev_kind_at` (migrations/0013) is before the window or absent.
const PERIOD_COUNTS: &str = "
    SELECT e.kind, COUNT(*)
    FROM request_events e
    WHERE e.region_id = ?1 AND e.kind IN ('created', 'claimed', 'done', 'closed', 'cancelled')
      AND e.at >= ?2 AND e.at < ?3
      AND (e.prev_kind_at IS NULL OR e.prev_kind_at < ?2)
    GROUP BY e.kind";

/// As PERIOD_COUNTS: each volunteer once, by their first claimed or done event of the region in
/// the window (`by_volunteer`, `prev_actor_at`). Only volunteers count: a lead who assigns a
/// request is the actor of its claimed event.
const ACTIVE_VOLUNTEERS: &str = "
    SELECT COUNT(*)
    FROM request_events e
    WHERE e.region_id = ?1 AND e.kind IN ('claimed', 'done') AND e.at >= ?2 AND e.at < ?3
      AND e.by_volunteer = 1 AND (e.prev_actor_at IS NULL OR e.prev_actor_at < ?2)";

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

/// SCAN v USING COVERING INDEX volunteers_pending (a partial index), then volunteer_regions by
/// primary key: the few waiting volunteers of the whole club, not the region's thousands of
/// approved ones.
const PENDING_VOLUNTEERS: &str = "
    SELECT COUNT(*) FROM volunteers v CROSS JOIN volunteer_regions vr
    WHERE v.status = 'pending' AND vr.user_id = v.user_id AND vr.region_id = ?1";

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

/// As PENDING_VOLUNTEERS, through volunteers_suspended: volunteers a lead paused.
const SUSPENDED_VOLUNTEERS: &str = "
    SELECT COUNT(*) FROM volunteers v CROSS JOIN volunteer_regions vr
    WHERE v.status = 'suspended' AND vr.user_id = v.user_id AND vr.region_id = ?1";

/// As PERIOD_COUNTS, then repeat_requests by primary key: requests a weekly repeat created in the
/// window.
const REPEATS_POSTED: &str = "
    SELECT COUNT(*)
    FROM request_events e
    WHERE e.region_id = ?1 AND e.kind = 'created' AND e.at >= ?2 AND e.at < ?3
      AND (e.prev_kind_at IS NULL OR e.prev_kind_at < ?2)
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
    /// assigned one is not counted for that, unless they volunteered then too).
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

    /// A database in memory with the migrations before `version`, without foreign keys.
    async fn memory_db(version: i64) -> SqlitePool {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        let mut first = sqlx::migrate::Migrator {
            migrations: crate::db::MIGRATOR.migrations.clone(),
            ..sqlx::migrate::Migrator::DEFAULT
        };
        first.migrations = first
            .migrations
            .iter()
            .filter(|m| m.version < version)
            .cloned()
            .collect::<Vec<_>>()
            .into();
        first.run(&pool).await.unwrap();
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&pool)
            .await
            .unwrap();
        pool
    }

    /// A day of a club's life in two regions, drawn from a fixed seed: requests taken, released,
    /// taken again and finished, by volunteers and by a lead, several events in one millisecond.
    /// (request id, actor, kind, at), in the order written.
    fn events() -> Vec<(i64, Option<i64>, &'static str, i64)> {
        const KINDS: [&str; 6] = [
            "created",
            "claimed",
            "done",
            "closed",
            "cancelled",
            "reopened",
        ];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let mut at = 1_000;
        (0..600)
            .map(|_| {
                at += next(4) as i64;
                let request = 1 + next(40) as i64;
                // Actors 1-8 volunteer, 9 leads, none: the bot itself.
                let actor = match next(10) {
                    0 => None,
                    k => Some(k as i64),
                };
                (request, actor, KINDS[next(6) as usize], at)
            })
            .collect()
    }

    async fn seed(pool: &SqlitePool, regions: (i64, i64)) {
        for id in 1..=40_i64 {
            let region = if id % 3 == 0 { regions.1 } else { regions.0 };
            sqlx::query(
                "INSERT INTO help_requests (id, requester_id, for_whom, beneficiary, region_id, category,
                     settlement, urgency, needed_on, status, created_at, updated_at)
                 VALUES (?1, 100, 'self', 'elderly', ?2, 'groceries', 'Town', 'soon', '2026-01-01',
                     'open', 0, 0)",
            )
            .bind(id)
            .bind(region)
            .execute(pool)
            .await
            .unwrap();
        }
        for v in 1..=8_i64 {
            sqlx::query(
                "INSERT INTO volunteers (user_id, display_name, status, created_at)
                 VALUES (?, 'V', 'approved', 0)",
            )
            .bind(v)
            .execute(pool)
            .await
            .unwrap();
        }
        for (request, actor, kind, at) in events() {
            sqlx::query(
                "INSERT INTO request_events (request_id, actor_id, kind, at) VALUES (?, ?, ?, ?)",
            )
            .bind(request)
            .bind(actor)
            .bind(kind)
            .bind(at)
            .execute(pool)
            .await
            .unwrap();
        }
    }

    async fn two_regions(pool: &SqlitePool) -> (i64, i64) {
        sqlx::query_as("SELECT MIN(id), MAX(id) FROM regions")
            .fetch_one(pool)
            .await
            .unwrap()
    }

    /// The counts as the definition says, distinct ids over the window's events (what the digest
    /// ran before events knew their previous time).
    async fn counted_by_definition(
        conn: &mut SqliteConnection,
        region: i64,
        from: i64,
        to: i64,
    ) -> PeriodCounts {
        let mut c = PeriodCounts::default();
        for (kind, n) in [
            ("created", &mut c.created),
            ("claimed", &mut c.claimed),
            ("done", &mut c.done),
            ("closed", &mut c.closed),
            ("cancelled", &mut c.cancelled),
        ] {
            *n = sqlx::query_scalar(
                "SELECT COUNT(DISTINCT e.request_id) FROM request_events e
                 JOIN help_requests r ON r.id = e.request_id
                 WHERE r.region_id = ? AND e.kind = ? AND e.at >= ? AND e.at < ?",
            )
            .bind(region)
            .bind(kind)
            .bind(from)
            .bind(to)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        }
        c.active_volunteers = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT e.actor_id) FROM request_events e
             JOIN help_requests r ON r.id = e.request_id
             JOIN volunteers v ON v.user_id = e.actor_id
             WHERE r.region_id = ? AND e.kind IN ('claimed', 'done') AND e.at >= ? AND e.at < ?",
        )
        .bind(region)
        .bind(from)
        .bind(to)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        c
    }

    #[tokio::test]
    async fn the_counts_are_distinct_requests_and_volunteers_in_any_window() {
        let pool = memory_db(i64::MAX).await;
        let regions = two_regions(&pool).await;
        seed(&pool, regions).await;
        let last = events().last().unwrap().3;
        let mut conn = pool.acquire().await.unwrap();
        let mut windows = 0;
        let mut repeated = 0;
        for from in (1_000..last).step_by(17) {
            for len in [1, 5, 60, 300, 2_000] {
                for region in [regions.0, regions.1] {
                    let to = from + len;
                    let got = period_counts(&mut conn, region, from, to).await.unwrap();
                    let want = counted_by_definition(&mut conn, region, from, to).await;
                    assert_eq!(got, want, "region {region}, [{from}, {to})");
                    let events: i64 = sqlx::query_scalar(
                        "SELECT COUNT(*) FROM request_events
                         WHERE region_id = ? AND kind = 'claimed' AND at >= ? AND at < ?",
                    )
                    .bind(region)
                    .bind(from)
                    .bind(to)
                    .fetch_one(&mut *conn)
                    .await
                    .unwrap();
                    windows += 1;
                    repeated += i64::from(events > got.claimed);
                }
            }
        }
        // The seed exercises what the distinct counts are for.
        assert!(windows > 400, "{windows}");
        assert!(repeated > 50, "{repeated} of {windows} windows");
    }

    /// Events written before migration 0013 get the times the trigger gives new ones.
    #[tokio::test]
    async fn older_events_get_what_the_trigger_gives_new_ones() {
        const DERIVED: &str = "SELECT id, region_id, prev_kind_at, by_volunteer, prev_actor_at
                               FROM request_events ORDER BY id";
        let upgraded = memory_db(13).await;
        let regions = two_regions(&upgraded).await;
        seed(&upgraded, regions).await;
        crate::db::MIGRATOR.run(&upgraded).await.unwrap();
        let fresh = memory_db(i64::MAX).await;
        seed(&fresh, regions).await;
        type Row = (i64, i64, Option<i64>, bool, Option<i64>);
        let a: Vec<Row> = sqlx::query_as(DERIVED).fetch_all(&upgraded).await.unwrap();
        let b: Vec<Row> = sqlx::query_as(DERIVED).fetch_all(&fresh).await.unwrap();
        assert_eq!(a.len(), events().len());
        assert!(a.iter().filter(|r| r.2.is_some()).count() > 100);
        assert!(a.iter().filter(|r| r.3).count() > 100);
        assert!(a.iter().filter(|r| r.4.is_some()).count() > 50);
        assert_eq!(a, b);
    }

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
            // Nor is walking a partial index: it holds only the rows the query asks for.
            let partial = [
                "v USING COVERING INDEX volunteers_pending",
                "v USING COVERING INDEX volunteers_suspended",
            ];
            assert!(
                steps
                    .iter()
                    .filter_map(|d| d.strip_prefix("SCAN "))
                    .all(|what| made.contains(&what) || partial.contains(&what)),
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
