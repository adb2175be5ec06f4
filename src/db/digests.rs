//! What the leads' digest reads: a region's events in a time window and its requests' current
//! state. Everything is counted from `request_events` and `help_requests`, never from counters
//! kept by hand: the per-hour tallies it reads (migrations/0018) are derived from those rows by
//! triggers, in the transaction that writes them, and `RETALLY` counts them again from the rows.
//!
//! The whole digest is one statement (`read`): each figure below is a subquery of it, so one
//! hand-off to SQLite's thread reads one consistent picture. Every figure takes its values from
//! the same numbered parameters: ?1 the region, ?2 and ?3 the period [from, to), ?4 and ?5 the
//! moments before which a request counts as waiting or held too long, ?6 how many of a list to
//! show. Indexes and tallies: migrations/0004, 0011, 0013 to 0015, 0017, 0018.

use std::sync::LazyLock;

use serde::de::DeserializeOwned;
use sqlx::{Row, SqliteConnection, SqlitePool};

use super::Tx;
use super::aftercare::{CONCERNS, DUE, DigestFigures, REPAID};
use super::duty::RUNNING_IN_REGION;

// The figures, with how each is served (EXPLAIN QUERY PLAN; checked by the test below).

/// The hours' tallies a window [?2, ?3) touches (migrations/0018): SEARCH h USING PRIMARY KEY
/// (region_id=? AND kind=? AND hour>? AND hour<?), 25 rows a kind for a day.
const HOURS: &str = "h.region_id = ?1 AND h.hour >= ?2 / 3600000 AND h.hour <= ?3 / 3600000";

/// The events of those hours outside the window: before ?2 in the first hour, from ?3 in the last
/// (none when ?3 is now). SEARCH e USING COVERING INDEX request_events_by_region (region_id=? AND
/// kind=? AND at>? AND at<?).
const OUTSIDE: [&str; 2] = [
    "e.region_id = ?1 AND e.at >= ?2 / 3600000 * 3600000 AND e.at < ?2",
    "e.region_id = ?1 AND e.at >= ?3 AND e.at < (?3 / 3600000 + 1) * 3600000",
];

/// The events of the window that are not the first of their kind for their request there: their
/// kind's previous time is in the window too. SEARCH e USING COVERING INDEX
/// request_events_kind_again (region_id=? AND kind=? AND prev_kind_at>?), a partial index of such
/// events only; the unary + keeps the planner off the region's whole range.
const KIND_AGAIN: &str = "e.region_id = ?1 AND e.prev_kind_at >= ?2 AND +e.at >= ?2 AND +e.at < ?3";

/// As KIND_AGAIN, for a volunteer's claims and finishes: SEARCH e USING COVERING INDEX
/// request_events_volunteer_again (region_id=? AND prev_actor_at>?).
const VOLUNTEER_AGAIN: &str = "e.region_id = ?1 AND e.by_volunteer = 1 AND e.prev_actor_at >= ?2
      AND +e.at >= ?2 AND +e.at < ?3";

/// How many requests of the region had an event of each kind in [?2, ?3): each request counts
/// once per kind (a request claimed, released and claimed again is one claimed request), by its
/// first event of that kind in the window, the one whose `prev_kind_at` (migrations/0013) is
/// before the window or absent. That is every event of the window (the hours' tallies, less the
/// events of those hours outside it), less those whose `prev_kind_at` is in the window too.
static PERIOD_COUNTS: LazyLock<String> = LazyLock::new(|| {
    const KINDS: &str = "('created', 'claimed', 'done', 'closed', 'cancelled')";
    let [before, after] = OUTSIDE;
    format!(
        "SELECT kind, SUM(n) AS n FROM (
            SELECT h.kind, h.events AS n FROM region_event_hours h
            WHERE {HOURS} AND h.kind IN {KINDS}
            UNION ALL SELECT e.kind, -1 FROM request_events e WHERE {before} AND e.kind IN {KINDS}
            UNION ALL SELECT e.kind, -1 FROM request_events e WHERE {after} AND e.kind IN {KINDS}
            UNION ALL SELECT e.kind, -1 FROM request_events e
            WHERE {KIND_AGAIN} AND e.kind IN {KINDS})
        GROUP BY kind"
    )
});

/// As PERIOD_COUNTS, for volunteers: each once, by their first claimed or done event of the
/// region in the window (`by_volunteer`, `prev_actor_at`). Only volunteers count: a lead who
/// assigns a request is the actor of its claimed event.
static ACTIVE_VOLUNTEERS: LazyLock<String> = LazyLock::new(|| {
    const KINDS: &str = "('claimed', 'done')";
    let [before, after] = OUTSIDE;
    format!(
        "SELECT COALESCE(SUM(n), 0) FROM (
            SELECT h.by_volunteer AS n FROM region_event_hours h WHERE {HOURS} AND h.kind IN {KINDS}
            UNION ALL SELECT -1 FROM request_events e
            WHERE {before} AND e.kind IN {KINDS} AND e.by_volunteer = 1
            UNION ALL SELECT -1 FROM request_events e
            WHERE {after} AND e.kind IN {KINDS} AND e.by_volunteer = 1
            UNION ALL SELECT -1 FROM request_events e
            WHERE {VOLUNTEER_AGAIN} AND e.kind IN {KINDS})"
    )
});

/// Requests a weekly repeat created in the window, as PERIOD_COUNTS counts created requests: the
/// hours' `from_repeats`, less the events outside the window and the repeated ones, each checked
/// in repeat_requests by its primary key.
static REPEATS_POSTED: LazyLock<String> = LazyLock::new(|| {
    const REPEAT: &str = "e.kind = 'created'
        AND EXISTS (SELECT 1 FROM repeat_requests rr WHERE rr.request_id = e.request_id)";
    let [before, after] = OUTSIDE;
    format!(
        "SELECT COALESCE(SUM(n), 0) FROM (
            SELECT h.from_repeats AS n FROM region_event_hours h
            WHERE {HOURS} AND h.kind = 'created'
            UNION ALL SELECT -1 FROM request_events e WHERE {before} AND {REPEAT}
            UNION ALL SELECT -1 FROM request_events e WHERE {after} AND {REPEAT}
            UNION ALL SELECT -1 FROM request_events e WHERE {KIND_AGAIN} AND {REPEAT})"
    )
});

/// SEARCH help_requests USING INDEX help_requests_by_region_status_age
/// (region_id=? AND status=? AND created_at<?): rows are read for the listed ones only.
const WAITING_LIST: &str = "
    SELECT id, category, settlement, created_at AS since, NULL AS volunteer
    FROM help_requests
    WHERE region_id = ?1 AND status = 'open' AND created_at < ?4
    ORDER BY created_at, id LIMIT ?6";

/// SEARCH help_requests USING COVERING INDEX help_requests_by_region_status_age.
const WAITING_COUNT: &str = "
    SELECT COUNT(*) FROM help_requests
    WHERE region_id = ?1 AND status = 'open' AND created_at < ?4";

/// SEARCH r USING INDEX help_requests_claimed_by_region (status=? AND region_id=? AND
/// claimed_at<?), a partial index (migrations/0017): only the region's held requests, in the
/// list's order; rows are read for the listed ones only.
const HELD_LIST: &str = "
    SELECT r.id, r.category, r.settlement, r.claimed_at AS since,
        COALESCE(v.display_name, u.first_name) AS volunteer
    FROM help_requests r
    LEFT JOIN volunteers v ON v.user_id = r.claimed_by
    LEFT JOIN users u ON u.id = r.claimed_by
    WHERE r.region_id = ?1 AND r.status = 'claimed' AND r.claimed_at < ?5
    ORDER BY r.claimed_at, r.id LIMIT ?6";

/// As HELD_LIST, from the index alone (COVERING).
const HELD_COUNT: &str = "
    SELECT COUNT(*) FROM help_requests
    WHERE region_id = ?1 AND status = 'claimed' AND claimed_at < ?5";

/// SCAN v USING COVERING INDEX volunteers_pending (a partial index), then volunteer_regions by
/// primary key: the few waiting volunteers of the whole club, not the region's thousands of
/// approved ones.
const PENDING_VOLUNTEERS: &str = "
    SELECT COUNT(*) FROM volunteers v CROSS JOIN volunteer_regions vr
    WHERE v.status = 'pending' AND vr.user_id = v.user_id AND vr.region_id = ?1";

/// SEARCH d USING COVERING INDEX volunteer_duty_paused (a partial index, in the list's order), then
/// volunteer_regions and volunteers by primary key: approved volunteers of the region who paused
/// themselves (/pause), longest paused first.
const SELF_PAUSED_LIST: &str = "
    SELECT v.display_name, d.paused_at
    FROM volunteer_duty d CROSS JOIN volunteer_regions vr CROSS JOIN volunteers v
    WHERE d.paused_at IS NOT NULL AND vr.user_id = d.user_id AND vr.region_id = ?1
      AND v.user_id = d.user_id AND v.status = 'approved'
    ORDER BY d.paused_at, d.user_id LIMIT ?6";

/// As SELF_PAUSED_LIST.
const SELF_PAUSED_COUNT: &str = "
    SELECT COUNT(*)
    FROM volunteer_duty d CROSS JOIN volunteer_regions vr CROSS JOIN volunteers v
    WHERE d.paused_at IS NOT NULL AND vr.user_id = d.user_id AND vr.region_id = ?1
      AND v.user_id = d.user_id AND v.status = 'approved'";

/// As PENDING_VOLUNTEERS, through volunteers_suspended: volunteers a lead paused.
const SUSPENDED_VOLUNTEERS: &str = "
    SELECT COUNT(*) FROM volunteers v CROSS JOIN volunteer_regions vr
    WHERE v.status = 'suspended' AND vr.user_id = v.user_id AND vr.region_id = ?1";

/// The region's requests by current status, from the tally the triggers keep (migrations/0018):
/// SEARCH region_request_totals USING PRIMARY KEY (region_id=?).
const TOTALS: &str = "
    SELECT status, n FROM region_request_totals WHERE region_id = ?1 AND n > 0 ORDER BY status";

/// The tallies of migrations/0018 made again from the rows, for a database whose rows were
/// written with the triggers dropped (the load benchmark's seed).
pub const RETALLY: [&str; 4] = [
    "DELETE FROM region_event_hours",
    "INSERT INTO region_event_hours (region_id, kind, hour, events, by_volunteer, from_repeats)
     SELECT e.region_id, e.kind, e.at / 3600000, COUNT(*), SUM(e.by_volunteer),
         SUM(e.kind = 'created'
             AND EXISTS (SELECT 1 FROM repeat_requests rr WHERE rr.request_id = e.request_id))
     FROM request_events e WHERE e.region_id IS NOT NULL
     GROUP BY e.region_id, e.kind, e.at / 3600000",
    "DELETE FROM region_request_totals",
    "INSERT INTO region_request_totals (region_id, status, n)
     SELECT region_id, status, COUNT(*) FROM help_requests GROUP BY region_id, status",
];

/// SEARCH e USING COVERING INDEX request_events_by_region (region_id=? AND kind=? AND at>? AND
/// at<?), then each request by its primary key (for its status).
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

/// A request in one of the digest's lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedRequest {
    pub id: i64,
    pub category: String,
    pub settlement: String,
    /// When it was created (waiting list) or claimed (held list).
    pub since: i64,
    /// The volunteer holding it (held list only).
    pub volunteer: Option<String>,
}

/// Volunteers of the region on pause: those who paused themselves (name, since when; at most
/// `limit`, and how many in all), and how many a lead paused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paused {
    pub self_paused: Vec<(String, i64)>,
    pub self_paused_total: i64,
    pub suspended: i64,
}

/// Everything one digest shows, as of one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Digest {
    pub counts: PeriodCounts,
    /// Open requests created before the waiting moment, oldest first (at most the cap), and how
    /// many in all.
    pub waiting: Vec<ListedRequest>,
    pub waiting_total: i64,
    /// Requests claimed before the held moment and not done since, longest held first.
    pub held: Vec<ListedRequest>,
    pub held_total: i64,
    /// Volunteers of the region waiting for a lead's approval.
    pub pending: i64,
    /// All requests of the region by current status: (status, count).
    pub totals: Vec<(String, i64)>,
    /// Reimbursements due and made, concerns raised (bot::aftercare).
    pub aftercare: DigestFigures,
    /// Volunteers on pause, by their own choice or a lead's (bot::duty).
    pub paused: Paused,
    /// Weekly repeats running in the region, and the requests they posted in the period.
    pub repeats_running: i64,
    pub repeats_posted: i64,
}

/// What a digest is read for.
#[derive(Debug, Clone, Copy)]
pub struct DigestQuery {
    pub region_id: i64,
    /// The period, [from, to) (ms).
    pub from: i64,
    pub to: i64,
    /// Open requests created before this are listed as waiting too long.
    pub waiting_before: i64,
    /// Claimed requests claimed before this are listed as held too long.
    pub held_before: i64,
    /// How many of each list to read.
    pub cap: i64,
}

/// The digest as one statement: each list comes back as a JSON array of its rows.
static DIGEST: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT
            (SELECT json_group_array(json_array(kind, n)) FROM ({counts})) AS counts,
            ({active}) AS active_volunteers,
            (SELECT json_group_array(json_array(id, category, settlement, since, volunteer))
             FROM ({WAITING_LIST})) AS waiting,
            ({WAITING_COUNT}) AS waiting_total,
            (SELECT json_group_array(json_array(id, category, settlement, since, volunteer))
             FROM ({HELD_LIST})) AS held,
            ({HELD_COUNT}) AS held_total,
            ({PENDING_VOLUNTEERS}) AS pending,
            (SELECT json_group_array(json_array(status, n)) FROM ({TOTALS})) AS totals,
            (SELECT json_array(n, minor) FROM ({DUE})) AS due,
            (SELECT json_array(n, minor) FROM ({REPAID})) AS repaid,
            ({CONCERNS}) AS concerns,
            (SELECT json_group_array(json_array(display_name, paused_at))
             FROM ({SELF_PAUSED_LIST})) AS self_paused,
            ({SELF_PAUSED_COUNT}) AS self_paused_total,
            ({SUSPENDED_VOLUNTEERS}) AS suspended,
            ({RUNNING_IN_REGION}) AS repeats_running,
            ({repeats}) AS repeats_posted",
        counts = PERIOD_COUNTS.as_str(),
        active = ACTIVE_VOLUNTEERS.as_str(),
        repeats = REPEATS_POSTED.as_str(),
    )
});

fn json<T: DeserializeOwned>(
    row: &sqlx::sqlite::SqliteRow,
    column: &str,
) -> Result<T, sqlx::Error> {
    let text: String = row.try_get(column)?;
    serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Reads a whole digest in one statement.
pub async fn read(conn: &mut SqliteConnection, q: &DigestQuery) -> Result<Digest, sqlx::Error> {
    let row = sqlx::query(DIGEST.as_str())
        .bind(q.region_id)
        .bind(q.from)
        .bind(q.to)
        .bind(q.waiting_before)
        .bind(q.held_before)
        .bind(q.cap)
        .fetch_one(conn)
        .await?;
    let mut counts = PeriodCounts {
        active_volunteers: row.try_get("active_volunteers")?,
        ..PeriodCounts::default()
    };
    for (kind, n) in json::<Vec<(String, i64)>>(&row, "counts")? {
        match kind.as_str() {
            "created" => counts.created = n,
            "claimed" => counts.claimed = n,
            "done" => counts.done = n,
            "closed" => counts.closed = n,
            "cancelled" => counts.cancelled = n,
            _ => {}
        }
    }
    // A list keeps its order through the JSON array; sorting again costs nothing and does not rest
    // on that.
    let list = |column: &str| -> Result<Vec<ListedRequest>, sqlx::Error> {
        let mut rows: Vec<ListedRequest> =
            json::<Vec<(i64, String, String, i64, Option<String>)>>(&row, column)?
                .into_iter()
                .map(
                    |(id, category, settlement, since, volunteer)| ListedRequest {
                        id,
                        category,
                        settlement,
                        since,
                        volunteer,
                    },
                )
                .collect();
        rows.sort_by_key(|r| (r.since, r.id));
        Ok(rows)
    };
    let (due, due_minor): (i64, i64) = json(&row, "due")?;
    let (repaid, repaid_minor): (i64, i64) = json(&row, "repaid")?;
    let mut self_paused: Vec<(String, i64)> = json(&row, "self_paused")?;
    self_paused.sort_by_key(|(_, at)| *at);
    Ok(Digest {
        counts,
        waiting: list("waiting")?,
        waiting_total: row.try_get("waiting_total")?,
        held: list("held")?,
        held_total: row.try_get("held_total")?,
        pending: row.try_get("pending")?,
        totals: json(&row, "totals")?,
        aftercare: DigestFigures {
            due,
            due_minor,
            repaid,
            repaid_minor,
            concerns: row.try_get("concerns")?,
        },
        paused: Paused {
            self_paused,
            self_paused_total: row.try_get("self_paused_total")?,
            suspended: row.try_get("suspended")?,
        },
        repeats_running: row.try_get("repeats_running")?,
        repeats_posted: row.try_get("repeats_posted")?,
    })
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

    use super::*;

    /// Every digest query, with how many parameters it takes.
    fn queries() -> [(&'static str, &'static str, usize); 16] {
        [
            ("PERIOD_COUNTS", PERIOD_COUNTS.as_str(), 3),
            ("ACTIVE_VOLUNTEERS", ACTIVE_VOLUNTEERS.as_str(), 3),
            ("WAITING_LIST", WAITING_LIST, 6),
            ("WAITING_COUNT", WAITING_COUNT, 4),
            ("HELD_LIST", HELD_LIST, 6),
            ("HELD_COUNT", HELD_COUNT, 5),
            ("PENDING_VOLUNTEERS", PENDING_VOLUNTEERS, 1),
            ("SELF_PAUSED_LIST", SELF_PAUSED_LIST, 6),
            ("SELF_PAUSED_COUNT", SELF_PAUSED_COUNT, 1),
            ("SUSPENDED_VOLUNTEERS", SUSPENDED_VOLUNTEERS, 1),
            ("REPEATS_POSTED", REPEATS_POSTED.as_str(), 3),
            ("TOTALS", TOTALS, 1),
            ("CHART_EVENTS", CHART_EVENTS, 3),
            ("LEAD_STATE", LEAD_STATE, 3),
            ("RECORD_RUN", RECORD_RUN, 4),
            ("DIGEST", "", 6),
        ]
    }

    /// A database in memory with the migrations before `version`, without foreign keys.
    async fn memory_db(version: i64) -> SqlitePool {
        let pool = crate::db::testing::memory_db(version).await;
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&pool)
            .await
            .unwrap();
        pool
    }

    /// A club's life in two regions, drawn from a fixed seed: requests taken, released, taken
    /// again and finished, by volunteers and by a lead, several events in one millisecond; 0 to 3
    /// `step`s (ms) between two events. (request id, actor, kind, at), in the order written.
    fn events(step: i64) -> Vec<(i64, Option<i64>, &'static str, i64)> {
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
                at += next(4) as i64 * step;
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

    async fn seed(pool: &SqlitePool, regions: (i64, i64), step: i64) {
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
        // Every fourth request was posted by a weekly repeat.
        sqlx::query(
            "INSERT INTO repeat_requests (request_id, repeat_id)
             SELECT id, 1 FROM help_requests WHERE id % 4 = 0",
        )
        .execute(pool)
        .await
        .unwrap();
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
        for (request, actor, kind, at) in events(step) {
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

    /// One count of the definitions below: ?1 the region, [?2, ?3) the window.
    async fn count(
        conn: &mut SqliteConnection,
        sql: String,
        region: i64,
        from: i64,
        to: i64,
    ) -> i64 {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(region)
            .bind(from)
            .bind(to)
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    }

    /// The counts as the definition says, distinct ids over the window's events (what the digest
    /// ran before events knew their previous time), and the requests weekly repeats posted.
    async fn counted_by_definition(
        conn: &mut SqliteConnection,
        region: i64,
        from: i64,
        to: i64,
    ) -> (PeriodCounts, i64) {
        const EVENTS: &str = "FROM request_events e JOIN help_requests r ON r.id = e.request_id
             WHERE r.region_id = ?1 AND e.at >= ?2 AND e.at < ?3";
        let mut c = PeriodCounts::default();
        for (kind, n) in [
            ("created", &mut c.created),
            ("claimed", &mut c.claimed),
            ("done", &mut c.done),
            ("closed", &mut c.closed),
            ("cancelled", &mut c.cancelled),
        ] {
            let sql = format!("SELECT COUNT(DISTINCT e.request_id) {EVENTS} AND e.kind = '{kind}'");
            *n = count(conn, sql, region, from, to).await;
        }
        let sql = format!(
            "SELECT COUNT(DISTINCT e.actor_id) {EVENTS} AND e.kind IN ('claimed', 'done')
             AND EXISTS (SELECT 1 FROM volunteers v WHERE v.user_id = e.actor_id)"
        );
        c.active_volunteers = count(conn, sql, region, from, to).await;
        let sql = format!(
            "SELECT COUNT(DISTINCT e.request_id) {EVENTS} AND e.kind = 'created'
             AND EXISTS (SELECT 1 FROM repeat_requests rr WHERE rr.request_id = e.request_id)"
        );
        (c, count(conn, sql, region, from, to).await)
    }

    /// Compares the digest's counts with the definition's in every window [from, from + len) of
    /// `froms` × `lens`, in both regions. Returns how many windows there were, in how many a request
    /// claimed more than once counted once, and in how many a repeat had posted a request.
    async fn compare_windows(
        pool: &SqlitePool,
        regions: (i64, i64),
        froms: impl Iterator<Item = i64>,
        lens: &[i64],
    ) -> (i64, i64, i64) {
        let mut conn = pool.acquire().await.unwrap();
        let (mut windows, mut repeated, mut posted) = (0, 0, 0);
        for from in froms {
            for len in lens {
                for region in [regions.0, regions.1] {
                    let to = from + len;
                    let query = DigestQuery {
                        region_id: region,
                        from,
                        to,
                        waiting_before: 0,
                        held_before: 0,
                        cap: 0,
                    };
                    let digest = read(&mut conn, &query).await.unwrap();
                    let got = digest.counts;
                    let (want, repeats) = counted_by_definition(&mut conn, region, from, to).await;
                    assert_eq!(got, want, "region {region}, [{from}, {to})");
                    assert_eq!(digest.repeats_posted, repeats, "[{from}, {to})");
                    posted += i64::from(repeats > 0);
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
        (windows, repeated, posted)
    }

    #[tokio::test]
    async fn the_counts_are_distinct_requests_volunteers_and_repeats_in_any_window() {
        let pool = memory_db(i64::MAX).await;
        let regions = two_regions(&pool).await;
        seed(&pool, regions, 1).await;
        let last = events(1).last().unwrap().3;
        let froms = (1_000..last).step_by(17);
        let (windows, repeated, posted) =
            compare_windows(&pool, regions, froms, &[1, 5, 60, 300, 2_000]).await;
        // The seed exercises what the distinct counts are for.
        assert!(windows > 400, "{windows}");
        assert!(repeated > 50, "{repeated} of {windows} windows");
        assert!(posted > 100, "{posted} of {windows} windows");
    }

    /// Requests a weekly repeat posts are recorded after their created event (the trigger on
    /// repeat_requests tallies them then).
    async fn repeats_recorded_after_their_events(pool: &SqlitePool) {
        sqlx::query(
            "INSERT INTO repeat_requests (request_id, repeat_id)
             SELECT id, 2 FROM help_requests WHERE id % 4 = 2",
        )
        .execute(pool)
        .await
        .unwrap();
    }

    /// The same over ten days of events, with windows that start and end anywhere in an hour and
    /// span minutes, hours and days: the hours' tallies, less the events of those hours outside
    /// the window and the repeated ones, count as the window's events do.
    #[tokio::test]
    async fn the_counts_hold_across_hours_and_days() {
        let pool = memory_db(i64::MAX).await;
        let regions = two_regions(&pool).await;
        seed(&pool, regions, 1_000_000).await;
        repeats_recorded_after_their_events(&pool).await;
        let last = events(1_000_000).last().unwrap().3;
        assert!(last > 5 * 86_400_000, "{last}");
        let froms = (1_000..last).step_by(7_777_777);
        let lens = [1, 1_800_000, 3_600_000, 86_400_000, 100_000_017];
        let (windows, repeated, posted) = compare_windows(&pool, regions, froms, &lens).await;
        assert!(windows > 1_000, "{windows}");
        assert!(repeated > 200, "{repeated} of {windows} windows");
        assert!(posted > 300, "{posted} of {windows} windows");
    }

    /// Both tallies, as (region, kind, hour, events, by volunteer, from repeats) and
    /// (region, status, requests); a status no request has any more is left out.
    async fn tallies(
        pool: &SqlitePool,
    ) -> (
        Vec<(i64, String, i64, i64, i64, i64)>,
        Vec<(i64, String, i64)>,
    ) {
        let hours =
            sqlx::query_as("SELECT * FROM region_event_hours ORDER BY region_id, kind, hour")
                .fetch_all(pool)
                .await
                .unwrap();
        let totals = sqlx::query_as(
            "SELECT region_id, status, n FROM region_request_totals WHERE n > 0
             ORDER BY region_id, status",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        (hours, totals)
    }

    /// What the triggers keep is what counting the rows again gives, after requests change status
    /// and region and one is deleted.
    #[tokio::test]
    async fn the_tallies_are_what_the_rows_give() {
        let pool = memory_db(i64::MAX).await;
        let regions = two_regions(&pool).await;
        seed(&pool, regions, 1_000_000).await;
        repeats_recorded_after_their_events(&pool).await;
        for sql in [
            "UPDATE help_requests SET status = 'claimed' WHERE id % 5 = 0",
            "UPDATE help_requests SET status = 'done' WHERE id % 10 = 0",
            "UPDATE help_requests SET status = 'closed' WHERE id % 7 = 0",
            "UPDATE help_requests SET status = 'open' WHERE id = 35",
            "UPDATE help_requests SET region_id = (SELECT MAX(id) FROM regions) WHERE id = 1",
            "DELETE FROM help_requests WHERE id = 2",
        ] {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        let kept = tallies(&pool).await;
        for sql in RETALLY {
            sqlx::query(sql).execute(&pool).await.unwrap();
        }
        let (hours, totals) = tallies(&pool).await;
        assert!(hours.len() > 300, "{}", hours.len());
        assert!(hours.iter().any(|h| h.4 > 0) && hours.iter().any(|h| h.5 > 0));
        assert_eq!(totals.iter().map(|t| t.2).sum::<i64>(), 39);
        assert_eq!(kept, (hours, totals));
    }

    /// Events written before migration 0013 get the times the trigger gives new ones, and those
    /// written before 0018 are tallied as new ones are.
    #[tokio::test]
    async fn older_events_get_what_the_trigger_gives_new_ones() {
        const DERIVED: &str = "SELECT id, region_id, prev_kind_at, by_volunteer, prev_actor_at
                               FROM request_events ORDER BY id";
        let upgraded = memory_db(13).await;
        let regions = two_regions(&upgraded).await;
        seed(&upgraded, regions, 1).await;
        crate::db::MIGRATOR.run(&upgraded).await.unwrap();
        let fresh = memory_db(i64::MAX).await;
        seed(&fresh, regions, 1).await;
        type Row = (i64, i64, Option<i64>, bool, Option<i64>);
        let a: Vec<Row> = sqlx::query_as(DERIVED).fetch_all(&upgraded).await.unwrap();
        let b: Vec<Row> = sqlx::query_as(DERIVED).fetch_all(&fresh).await.unwrap();
        assert_eq!(a.len(), events(1).len());
        assert!(a.iter().filter(|r| r.2.is_some()).count() > 100);
        assert!(a.iter().filter(|r| r.3).count() > 100);
        assert!(a.iter().filter(|r| r.4.is_some()).count() > 50);
        assert_eq!(a, b);
        // Migration 0018 tallies what was there as its triggers tally new rows.
        let (hours, totals) = tallies(&upgraded).await;
        assert!(!hours.is_empty() && !totals.is_empty());
        assert_eq!((hours, totals), tallies(&fresh).await);
    }

    #[tokio::test]
    async fn no_digest_query_scans_a_whole_table() {
        let pool = crate::db::testing::memory_db(i64::MAX).await;
        for (name, sql, params) in queries() {
            // The whole digest: its figures together, each served as alone.
            let sql = if name == "DIGEST" {
                DIGEST.as_str()
            } else {
                sql
            };
            let plan = crate::db::testing::plan(&pool, sql, params).await;
            let steps: Vec<&str> = plan.iter().map(String::as_str).collect();
            // Reading the rows a subquery made (a co-routine) is no table scan.
            let made: Vec<&str> = steps
                .iter()
                .filter_map(|d| d.strip_prefix("CO-ROUTINE "))
                .collect();
            // Nor is walking a partial index: it holds only the rows the query asks for; nor the
            // one row of a SELECT without FROM (the whole digest).
            let partial = [
                "v USING COVERING INDEX volunteers_pending",
                "v USING COVERING INDEX volunteers_suspended",
                "repeats USING INDEX repeats_due",
                "CONSTANT ROW",
            ];
            assert!(
                steps
                    .iter()
                    .filter_map(|d| d.strip_prefix("SCAN "))
                    .all(|what| made.contains(&what) || partial.contains(&what)),
                "{name} scans a table: {steps:#?}"
            );
            // The event queries read only the region's events of the window's first and last
            // hour, through the covering index, or its repeated events, through the partial
            // indexes that hold only those; the hours between come from the tallies.
            let events_read = [
                "SEARCH e USING COVERING INDEX request_events_by_region (region_id=? AND kind=? AND at>? AND at<?)",
                "SEARCH e USING COVERING INDEX request_events_kind_again (region_id=? AND kind=? AND prev_kind_at>?)",
                "SEARCH e USING COVERING INDEX request_events_volunteer_again (region_id=? AND prev_actor_at>?)",
            ];
            let events: Vec<&&str> = steps.iter().filter(|d| d.contains(" e ")).collect();
            assert_eq!(sql.contains("request_events"), !events.is_empty(), "{name}");
            assert!(
                events.iter().all(|d| events_read.contains(d)),
                "{name}: {steps:#?}"
            );
            let hours = "SEARCH h USING PRIMARY KEY (region_id=? AND kind=? AND hour>? AND hour<?)";
            let tallies: Vec<&&str> = steps.iter().filter(|d| d.contains(" h ")).collect();
            assert_eq!(
                sql.contains("region_event_hours"),
                !tallies.is_empty(),
                "{name}"
            );
            assert!(tallies.iter().all(|d| **d == hours), "{name}: {steps:#?}");
            if name == "TOTALS" {
                let totals = "SEARCH region_request_totals USING PRIMARY KEY (region_id=?)";
                assert_eq!(steps, [totals], "{name}");
            }
            // The held requests: one range of the region's, not every held request of the club.
            if name.starts_with("HELD") {
                let held =
                    "help_requests_claimed_by_region (status=? AND region_id=? AND claimed_at<?)";
                assert!(steps.iter().any(|d| d.contains(held)), "{name}: {steps:#?}");
            }
        }
    }
}
