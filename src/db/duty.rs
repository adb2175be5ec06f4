//! Volunteer duty: a volunteer's own pause and quiet hours, pushes held through quiet hours, the
//! claim limit's count, a volunteer's record, and weekly repeats of a request.

use sqlx::{SqliteConnection, SqlitePool};

use super::Tx;
use super::requests::RequestRow;
use crate::domain::Category;
use crate::domain::duty::QuietChoice;

/// A volunteer's own duty settings; no row means the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duty {
    pub paused: bool,
    pub quiet: QuietChoice,
    pub urgent_ok: bool,
}

pub async fn get(conn: &mut SqliteConnection, user_id: i64) -> Result<Duty, sqlx::Error> {
    let row: Option<(Option<i64>, Option<String>, bool)> =
        sqlx::query_as("SELECT paused_at, quiet, urgent_ok FROM volunteer_duty WHERE user_id = ?")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(match row {
        Some((paused_at, quiet, urgent_ok)) => Duty {
            paused: paused_at.is_some(),
            quiet: QuietChoice::from_stored(quiet.as_deref()),
            urgent_ok,
        },
        None => Duty {
            paused: false,
            quiet: QuietChoice::Default,
            urgent_ok: false,
        },
    })
}

async fn ensure_row(tx: &mut Tx, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT OR IGNORE INTO volunteer_duty (user_id) VALUES (?)")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Pauses or resumes; false when it already was so (a repeated tap changes nothing).
pub async fn set_paused(
    tx: &mut Tx,
    user_id: i64,
    paused: bool,
    now: i64,
) -> Result<bool, sqlx::Error> {
    ensure_row(tx, user_id).await?;
    let r = if paused {
        sqlx::query(
            "UPDATE volunteer_duty SET paused_at = ? WHERE user_id = ? AND paused_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .execute(&mut **tx)
        .await?
    } else {
        sqlx::query(
            "UPDATE volunteer_duty SET paused_at = NULL WHERE user_id = ? AND paused_at IS NOT NULL",
        )
        .bind(user_id)
        .execute(&mut **tx)
        .await?
    };
    Ok(r.rows_affected() == 1)
}

pub async fn set_quiet(tx: &mut Tx, user_id: i64, choice: QuietChoice) -> Result<(), sqlx::Error> {
    ensure_row(tx, user_id).await?;
    sqlx::query("UPDATE volunteer_duty SET quiet = ? WHERE user_id = ?")
        .bind(choice.stored())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_urgent_ok(tx: &mut Tx, user_id: i64, on: bool) -> Result<(), sqlx::Error> {
    ensure_row(tx, user_id).await?;
    sqlx::query("UPDATE volunteer_duty SET urgent_ok = ? WHERE user_id = ?")
        .bind(on)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Someone a request may be announced to, with what decides whether it waits for the morning.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PushRecipient {
    pub user_id: i64,
    pub language: Option<String>,
    pub tg_language: Option<String>,
    pub quiet: Option<String>,
    pub urgent_ok: bool,
}

macro_rules! recipients_sql {
    ($extra:literal) => {
        concat!(
            "SELECT u.id AS user_id, u.language, u.tg_language, d.quiet, COALESCE(d.urgent_ok, 0) AS urgent_ok
             FROM volunteer_offers o
             JOIN volunteers v ON v.user_id = o.user_id AND v.status = 'approved'
             JOIN users u ON u.id = o.user_id AND u.unreachable_at IS NULL AND u.erased_at IS NULL
             LEFT JOIN volunteer_duty d ON d.user_id = o.user_id
             WHERE o.region_id = ?2 AND o.category = ?1 AND d.paused_at IS NULL",
            $extra
        )
    };
}

/// Approved, reachable volunteers of the region who do this kind of help and have not paused.
pub async fn push_recipients(
    tx: &mut Tx,
    region_id: i64,
    category: Category,
    exclude: &[i64],
) -> Result<Vec<PushRecipient>, sqlx::Error> {
    let rows: Vec<PushRecipient> = sqlx::query_as(recipients_sql!(" ORDER BY o.user_id"))
        .bind(category.code())
        .bind(region_id)
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows
        .into_iter()
        .filter(|r| !exclude.contains(&r.user_id))
        .collect())
}

/// The same conditions, for one volunteer (a held push at release, a repeat's first offer).
pub async fn recipient(
    tx: &mut Tx,
    user_id: i64,
    region_id: i64,
    category: Category,
) -> Result<Option<PushRecipient>, sqlx::Error> {
    sqlx::query_as(recipients_sql!(" AND o.user_id = ?3"))
        .bind(category.code())
        .bind(region_id)
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await
}

// ---- pushes held through quiet hours ------------------------------------------------------------

#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Held {
    pub request_id: i64,
    pub chat_id: i64,
    pub release_at: i64,
}

/// Holds a push until `release_at`; one held push per request and volunteer.
pub async fn hold(
    tx: &mut Tx,
    request_id: i64,
    chat_id: i64,
    release_at: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT OR IGNORE INTO held_pushes (request_id, chat_id, release_at, held_at) VALUES (?, ?, ?, ?)",
    )
    .bind(request_id)
    .bind(chat_id)
    .bind(release_at)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Forgets a held push (sent now, or no longer wanted); true if there was one.
pub async fn unhold(tx: &mut Tx, request_id: i64, chat_id: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("DELETE FROM held_pushes WHERE request_id = ? AND chat_id = ?")
        .bind(request_id)
        .bind(chat_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Forgets every push held for a request (it is being announced again, or it ended).
pub async fn forget_held(tx: &mut Tx, request_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM held_pushes WHERE request_id = ?")
        .bind(request_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn due_held(tx: &mut Tx, now: i64) -> Result<Vec<Held>, sqlx::Error> {
    sqlx::query_as(
        "SELECT request_id, chat_id, release_at FROM held_pushes WHERE release_at <= ?
         ORDER BY release_at, request_id LIMIT 500",
    )
    .bind(now)
    .fetch_all(&mut **tx)
    .await
}

pub async fn held_for(tx: &mut Tx, chat_id: i64) -> Result<Vec<Held>, sqlx::Error> {
    sqlx::query_as(
        "SELECT request_id, chat_id, release_at FROM held_pushes WHERE chat_id = ? ORDER BY request_id",
    )
    .bind(chat_id)
    .fetch_all(&mut **tx)
    .await
}

pub async fn set_release(tx: &mut Tx, held: &Held, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE held_pushes SET release_at = ? WHERE request_id = ? AND chat_id = ?")
        .bind(at)
        .bind(held.request_id)
        .bind(held.chat_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn next_release(pool: &SqlitePool) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MIN(release_at) FROM held_pushes")
        .fetch_one(pool)
        .await
}

// ---- the claim limit and the volunteer's record -------------------------------------------------

/// Requests the volunteer holds now, read inside the claim's transaction.
pub async fn active_claims(tx: &mut Tx, volunteer: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM help_requests WHERE claimed_by = ? AND status = 'claimed' ORDER BY needed_on, id",
    )
    .bind(volunteer)
    .fetch_all(&mut **tx)
    .await
}

/// Requests done and distinct people helped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Record {
    pub done: i64,
    pub people: i64,
}

/// What the volunteer finished since `since` (ms): from the "done" events they made, counting only
/// requests that are still done or closed and still theirs (not reopened after a "Not yet").
pub async fn record(pool: &SqlitePool, volunteer: i64, since: i64) -> Result<Record, sqlx::Error> {
    let (done, people): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(DISTINCT e.request_id), COUNT(DISTINCT h.requester_id)
         FROM request_events e JOIN help_requests h ON h.id = e.request_id
         WHERE e.actor_id = ?1 AND e.kind = 'done' AND e.at >= ?2
           AND h.claimed_by = ?1 AND h.status IN ('done', 'closed')",
    )
    .bind(volunteer)
    .bind(since)
    .fetch_one(pool)
    .await?;
    Ok(Record { done, people })
}

// ---- weekly repeats -----------------------------------------------------------------------------

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Repeat {
    pub id: i64,
    pub requester_id: i64,
    pub source_request_id: i64,
    pub for_whom: String,
    pub beneficiary_name: Option<String>,
    pub beneficiary: String,
    pub region_id: i64,
    pub category: String,
    pub settlement: String,
    pub details: Option<String>,
    pub voice_file_id: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub next_on: String,
    pub next_at: i64,
    pub stopped_at: Option<i64>,
}

macro_rules! repeat_columns {
    () => {
        "id, requester_id, source_request_id, for_whom, beneficiary_name, beneficiary, region_id, category, \
         settlement, details, voice_file_id, address, phone, next_on, next_at, stopped_at"
    };
}

/// Starts repeating `source` every week; `None` if it already repeats.
pub async fn start_repeat(
    tx: &mut Tx,
    source: &RequestRow,
    next_on: &str,
    next_at: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO repeats (requester_id, source_request_id, for_whom, beneficiary_name, beneficiary,
             region_id, category, settlement, details, voice_file_id, address, phone, next_on, next_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (source_request_id) DO NOTHING RETURNING id",
    )
    .bind(source.requester_id)
    .bind(source.id)
    .bind(&source.for_whom)
    .bind(&source.beneficiary_name)
    .bind(&source.beneficiary)
    .bind(source.region_id)
    .bind(&source.category)
    .bind(&source.settlement)
    .bind(&source.details)
    .bind(&source.voice_file_id)
    .bind(&source.address)
    .bind(&source.phone)
    .bind(next_on)
    .bind(next_at)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await
}

/// The running repeat a request belongs to (it started one, or one created it).
pub async fn running_repeat_of(tx: &mut Tx, request_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM repeats WHERE stopped_at IS NULL
           AND (source_request_id = ?1 OR id IN (SELECT repeat_id FROM repeat_requests WHERE request_id = ?1))
         LIMIT 1",
    )
    .bind(request_id)
    .fetch_optional(&mut **tx)
    .await
}

pub async fn due_repeats(tx: &mut Tx, now: i64) -> Result<Vec<Repeat>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        repeat_columns!(),
        " FROM repeats WHERE stopped_at IS NULL AND next_at <= ? ORDER BY next_at, id LIMIT 200"
    ))
    .bind(now)
    .fetch_all(&mut **tx)
    .await
}

/// Moves a running repeat on to its next date, if it still stands at `from`; false otherwise.
pub async fn advance(
    tx: &mut Tx,
    repeat_id: i64,
    from: i64,
    next_on: &str,
    next_at: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE repeats SET next_on = ?, next_at = ? WHERE id = ? AND next_at = ? AND stopped_at IS NULL",
    )
    .bind(next_on)
    .bind(next_at)
    .bind(repeat_id)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn record_repeat_request(
    tx: &mut Tx,
    request_id: i64,
    repeat_id: i64,
    offered_to: Option<i64>,
    widen_at: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO repeat_requests (request_id, repeat_id, offered_to, widen_at) VALUES (?, ?, ?, ?)",
    )
    .bind(request_id)
    .bind(repeat_id)
    .bind(offered_to)
    .bind(widen_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Who did the latest request of this repeat that was done (the first one included).
pub async fn last_helper(tx: &mut Tx, repeat_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT h.claimed_by FROM help_requests h
         WHERE (h.id = (SELECT source_request_id FROM repeats WHERE id = ?1)
                OR h.id IN (SELECT request_id FROM repeat_requests WHERE repeat_id = ?1))
           AND h.status IN ('done', 'closed') AND h.claimed_by IS NOT NULL
         ORDER BY h.done_at DESC, h.id DESC LIMIT 1",
    )
    .bind(repeat_id)
    .fetch_optional(&mut **tx)
    .await
    .map(Option::flatten)
}

/// Repeat requests whose first offer has run out: (request, the volunteer it was offered to).
pub async fn due_widenings(tx: &mut Tx, now: i64) -> Result<Vec<(i64, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT request_id, offered_to FROM repeat_requests WHERE widen_at IS NOT NULL AND widen_at <= ?
         ORDER BY widen_at LIMIT 200",
    )
    .bind(now)
    .fetch_all(&mut **tx)
    .await
}

/// The request has been offered to everyone matching (by the job, or because it was pushed again
/// for another reason): no widening left to do. True if there was one pending.
pub async fn widened(tx: &mut Tx, request_id: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE repeat_requests SET widen_at = NULL WHERE request_id = ? AND widen_at IS NOT NULL",
    )
    .bind(request_id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The earliest moment one of the repeat jobs has something to do.
pub async fn next_repeat_work(pool: &SqlitePool) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT MIN(t) FROM (
             SELECT MIN(next_at) AS t FROM repeats WHERE stopped_at IS NULL
             UNION ALL SELECT MIN(widen_at) FROM repeat_requests WHERE widen_at IS NOT NULL)",
    )
    .fetch_one(pool)
    .await
}

/// The requester stops a repeat; its copy of the address and phone is erased. False if it was
/// not theirs or had already stopped.
pub async fn stop_repeat(
    tx: &mut Tx,
    repeat_id: i64,
    requester: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE repeats SET stopped_at = ?, address = NULL, phone = NULL
         WHERE id = ? AND requester_id = ? AND stopped_at IS NULL",
    )
    .bind(now)
    .bind(repeat_id)
    .bind(requester)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// /delete_me: every repeat of the person stops and forgets its personal data; their own duty
/// settings and any announcements held for them go.
pub async fn erase_person(tx: &mut Tx, user_id: i64, now: i64) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE repeats SET stopped_at = COALESCE(stopped_at, ?), address = NULL, phone = NULL,
             beneficiary_name = NULL, details = NULL, voice_file_id = NULL, settlement = ''
         WHERE requester_id = ?",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM volunteer_duty WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM held_pushes WHERE chat_id = ?")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected())
}

/// Retention: a repeat stopped at or before `stopped_before` keeps nothing of the person it was
/// for (its address and phone went when it stopped); its requests keep their own history. Walks
/// the repeats table, which holds one row per weekly help ever asked for.
pub async fn purge_stopped(tx: &mut Tx, stopped_before: i64) -> Result<u64, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE repeats SET address = NULL, phone = NULL, beneficiary_name = NULL, details = NULL,
             voice_file_id = NULL, settlement = ''
         WHERE stopped_at IS NOT NULL AND stopped_at <= ?
           AND (address IS NOT NULL OR phone IS NOT NULL OR beneficiary_name IS NOT NULL
                OR details IS NOT NULL OR voice_file_id IS NOT NULL OR settlement != '')",
    )
    .bind(stopped_before)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected())
}

pub async fn running_repeats_of(
    pool: &SqlitePool,
    requester: i64,
) -> Result<Vec<Repeat>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        repeat_columns!(),
        " FROM repeats WHERE requester_id = ? AND stopped_at IS NULL ORDER BY id"
    ))
    .bind(requester)
    .fetch_all(pool)
    .await
}

pub async fn get_repeat(tx: &mut Tx, repeat_id: i64) -> Result<Option<Repeat>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        repeat_columns!(),
        " FROM repeats WHERE id = ?"
    ))
    .bind(repeat_id)
    .fetch_optional(&mut **tx)
    .await
}

/// The latest request of this repeat still waiting for a volunteer or being helped with: (id,
/// status).
pub async fn unfinished_of_repeat(
    tx: &mut Tx,
    repeat_id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, status FROM help_requests
         WHERE id IN (SELECT request_id FROM repeat_requests WHERE repeat_id = ?)
           AND status IN ('open', 'claimed')
         ORDER BY id DESC LIMIT 1",
    )
    .bind(repeat_id)
    .fetch_optional(&mut **tx)
    .await
}

/// How many of a requester's requests are not finished (open, taken, or done and unconfirmed), read
/// inside the caller's transaction: what MAX_OPEN_REQUESTS counts.
pub async fn unfinished_count(tx: &mut Tx, requester: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM help_requests WHERE requester_id = ? AND status IN ('open', 'claimed', 'done')",
    )
    .bind(requester)
    .fetch_one(&mut **tx)
    .await
}

/// The message people read while the region's intake is paused, read inside the caller's
/// transaction.
pub async fn intake_pause_message(
    tx: &mut Tx,
    region_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT message FROM intake_pauses WHERE region_id = ?")
        .bind(region_id)
        .fetch_optional(&mut **tx)
        .await
}

/// Weekly repeats running in a region (?1), for the leads' digest (`digests::read`). Walks the
/// partial index of running repeats (one per requester who asked for weekly help), never the
/// stopped ones.
pub(super) const RUNNING_IN_REGION: &str = "SELECT COUNT(*) FROM repeats INDEXED BY repeats_due WHERE stopped_at IS NULL AND region_id = ?1";

/// Whether the person can be written to (a repeat of someone who blocked the bot or erased their
/// data creates nothing).
pub async fn reachable(tx: &mut Tx, user_id: i64) -> Result<bool, sqlx::Error> {
    let ok: Option<bool> = sqlx::query_scalar(
        "SELECT unreachable_at IS NULL AND erased_at IS NULL FROM users WHERE id = ?",
    )
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(ok.unwrap_or(false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::testing::{memory_db, plan};

    /// A request's announcement reads exactly its region's volunteers of its kind, in id order,
    /// not every volunteer of the region.
    #[tokio::test]
    async fn announcements_read_one_range_of_the_kind_in_the_region() {
        let pool = memory_db(i64::MAX).await;
        let steps = plan(&pool, recipients_sql!(" ORDER BY o.user_id"), 2).await;
        assert!(
            steps[0].contains("SEARCH o USING PRIMARY KEY (region_id=? AND category=?)"),
            "{steps:?}"
        );
        assert!(
            !steps.iter().any(|d| d.contains("TEMP B-TREE")),
            "{steps:?}"
        );
    }

    /// `volunteer_offers` is always what the volunteers' regions and kinds of help say, whatever
    /// order they are written, changed and removed in (and for rows from before the migration).
    #[tokio::test]
    async fn offers_follow_regions_and_kinds() {
        let pool = memory_db(16).await;
        let run = |sql: &'static str| {
            let pool = pool.clone();
            async move { sqlx::raw_sql(sql).execute(&pool).await.unwrap() }
        };
        run("INSERT INTO users (id, first_name, created_at) VALUES (1, 'A', 0), (2, 'B', 0), (3, 'C', 0);
             INSERT INTO volunteers (user_id, display_name, status, created_at)
                 VALUES (1, 'A', 'approved', 0), (2, 'B', 'approved', 0), (3, 'C', 'pending', 0);
             INSERT INTO volunteer_regions (user_id, region_id) VALUES (1, 60), (1, 77), (2, 60);
             INSERT INTO volunteer_categories (user_id, category)
                 VALUES (1, 'groceries'), (1, 'medicine'), (2, 'ride');")
        .await;
        // The migration fills the table from what was there before it.
        let migrator = sqlx::migrate::Migrator {
            migrations: crate::db::MIGRATOR.migrations.clone(),
            ..sqlx::migrate::Migrator::DEFAULT
        };
        migrator.run(&pool).await.unwrap();
        let offers = || async {
            let derived: Vec<(i64, String, i64)> = sqlx::query_as(
                "SELECT region_id, category, user_id FROM volunteer_offers
                 ORDER BY region_id, category, user_id",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            let joined: Vec<(i64, String, i64)> = sqlx::query_as(
                "SELECT vr.region_id, vc.category, vr.user_id
                 FROM volunteer_regions vr JOIN volunteer_categories vc ON vc.user_id = vr.user_id
                 ORDER BY 1, 2, 3",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            assert_eq!(derived, joined);
            derived.len()
        };
        assert_eq!(offers().await, 5);
        // Kinds first, then regions; a kind with no region yet; changes; removals; a cascade.
        run(
            "INSERT INTO volunteer_categories (user_id, category) VALUES (3, 'chat');
             INSERT INTO volunteer_regions (user_id, region_id) VALUES (3, 60), (3, 78);",
        )
        .await;
        assert_eq!(offers().await, 7);
        run("UPDATE volunteer_regions SET region_id = 50 WHERE user_id = 1 AND region_id = 77;
             UPDATE volunteer_categories SET category = 'pharmacy' WHERE user_id = 1 AND category = 'medicine';")
        .await;
        assert_eq!(offers().await, 7);
        run(
            "DELETE FROM volunteer_categories WHERE user_id = 1 AND category = 'groceries';
             DELETE FROM volunteer_regions WHERE user_id = 3 AND region_id = 78;",
        )
        .await;
        assert_eq!(offers().await, 4);
        run("DELETE FROM volunteers WHERE user_id = 2;").await;
        assert_eq!(offers().await, 3);
        run("DELETE FROM volunteer_regions; DELETE FROM volunteer_categories;").await;
        assert_eq!(offers().await, 0);
    }

    #[tokio::test]
    async fn the_digest_reads_only_running_repeats() {
        let pool = memory_db(i64::MAX).await;
        let plan = plan(&pool, RUNNING_IN_REGION, 1).await;
        assert!(
            plan.iter().any(|d| d.contains("USING INDEX repeats_due")),
            "{plan:?}"
        );
    }
}
