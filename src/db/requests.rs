//! Help requests and their history. Every transition is one conditional UPDATE inside the
//! caller's write transaction: it names the state it expects, so a stale or repeated action
//! changes nothing.

use sqlx::SqlitePool;

use super::Tx;
use crate::domain::{Beneficiary, Category, EventKind, ForWhom, Status, Urgency};

macro_rules! columns {
    () => {
        "id, requester_id, for_whom, beneficiary_name, beneficiary, region_id, category, settlement, details, \
         voice_file_id, address, phone, urgency, needed_on, status, claimed_by, created_at, updated_at, done_at, \
         opened_at, claimed_at"
    };
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RequestRow {
    pub id: i64,
    pub requester_id: i64,
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
    pub urgency: String,
    pub needed_on: String,
    pub status: String,
    pub claimed_by: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub done_at: Option<i64>,
    pub opened_at: Option<i64>,
    pub claimed_at: Option<i64>,
}

impl RequestRow {
    pub fn status(&self) -> Status {
        Status::from_code(&self.status).unwrap_or(Status::Cancelled)
    }
    pub fn category(&self) -> Category {
        Category::from_code(&self.category).unwrap_or(Category::Other)
    }
    pub fn beneficiary(&self) -> Beneficiary {
        Beneficiary::from_code(&self.beneficiary).unwrap_or(Beneficiary::Other)
    }
    pub fn for_whom(&self) -> ForWhom {
        ForWhom::from_code(&self.for_whom)
    }
    pub fn urgency(&self) -> Urgency {
        Urgency::from_code(&self.urgency)
    }
}

pub struct NewRequest {
    pub requester_id: i64,
    pub for_whom: ForWhom,
    pub beneficiary_name: Option<String>,
    pub beneficiary: Beneficiary,
    pub region_id: i64,
    pub category: Category,
    pub settlement: String,
    pub details: Option<String>,
    pub voice_file_id: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub urgency: Urgency,
    pub needed_on: chrono::NaiveDate,
}

pub async fn create(tx: &mut Tx, now: i64, r: &NewRequest) -> Result<RequestRow, sqlx::Error> {
    let row: RequestRow = sqlx::query_as(concat!(
        "INSERT INTO help_requests (requester_id, for_whom, beneficiary_name, beneficiary, region_id, category,
             settlement, details, voice_file_id, address, phone, urgency, needed_on, status, created_at, updated_at, opened_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 'open', ?14, ?14, ?14) RETURNING ",
        columns!()
    ))
    .bind(r.requester_id)
    .bind(r.for_whom.code())
    .bind(&r.beneficiary_name)
    .bind(r.beneficiary.code())
    .bind(r.region_id)
    .bind(r.category.code())
    .bind(&r.settlement)
    .bind(&r.details)
    .bind(&r.voice_file_id)
    .bind(&r.address)
    .bind(&r.phone)
    .bind(r.urgency.code())
    .bind(r.needed_on.format("%Y-%m-%d").to_string())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    event(
        tx,
        now,
        row.id,
        Some(r.requester_id),
        EventKind::Created,
        None,
    )
    .await?;
    Ok(row)
}

pub async fn get(pool: &SqlitePool, id: i64) -> Result<Option<RequestRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM help_requests WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// `get` on a connection of its own or inside a transaction.
pub async fn get_tx(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
) -> Result<Option<RequestRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM help_requests WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// A request and where its would-be claimer stands, read in one statement for the claim's checks.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimLook {
    #[sqlx(flatten)]
    pub row: RequestRow,
    /// The person's volunteer status ("approved", "pending", …), "other_region" when they
    /// volunteer elsewhere, None when they are no volunteer.
    pub volunteer: Option<String>,
    /// The requests the person holds now, soonest first (a JSON array of ids).
    pub held: sqlx::types::Json<Vec<i64>>,
}

pub async fn claim_look(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
    person: i64,
) -> Result<Option<ClaimLook>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        ", (SELECT CASE WHEN EXISTS (SELECT 1 FROM volunteer_regions vr
                                     WHERE vr.user_id = v.user_id AND vr.region_id = h.region_id)
                        THEN v.status ELSE 'other_region' END
            FROM volunteers v WHERE v.user_id = ?2) AS volunteer,
           (SELECT json_group_array(id) FROM (SELECT id FROM help_requests
                WHERE claimed_by = ?2 AND status = 'claimed' ORDER BY needed_on, id)) AS held
         FROM help_requests h WHERE h.id = ?1"
    ))
    .bind(id)
    .bind(person)
    .fetch_optional(conn)
    .await
}

/// First claim wins: exactly one volunteer gets an open request.
pub async fn claim(
    tx: &mut Tx,
    now: i64,
    id: i64,
    volunteer: i64,
) -> Result<Option<RequestRow>, sqlx::Error> {
    take(tx, now, id, volunteer, volunteer, None).await
}

/// An open request goes to `volunteer`; the event names `actor` (the volunteer, or a lead).
async fn take(
    tx: &mut Tx,
    now: i64,
    id: i64,
    volunteer: i64,
    actor: i64,
    note: Option<&str>,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let row: Option<RequestRow> = sqlx::query_as(concat!(
        "UPDATE help_requests SET status = 'claimed', claimed_by = ?1, updated_at = ?2, claimed_at = ?2
         WHERE id = ?3 AND status = 'open' RETURNING ",
        columns!()
    ))
    .bind(volunteer)
    .bind(now)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    if row.is_some() {
        event(tx, now, id, Some(actor), EventKind::Claimed, note).await?;
    }
    Ok(row)
}

/// The volunteer gives the request back; it is open again.
pub async fn release(
    tx: &mut Tx,
    now: i64,
    id: i64,
    volunteer: i64,
    reason: &str,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let row: Option<RequestRow> = sqlx::query_as(concat!(
        "UPDATE help_requests SET status = 'open', claimed_by = NULL, updated_at = ?1, opened_at = ?1
         WHERE id = ?2 AND status = 'claimed' AND claimed_by = ?3 RETURNING ",
        columns!()
    ))
    .bind(now)
    .bind(id)
    .bind(volunteer)
    .fetch_optional(&mut **tx)
    .await?;
    if row.is_some() {
        event(
            tx,
            now,
            id,
            Some(volunteer),
            EventKind::Released,
            Some(reason),
        )
        .await?;
    }
    Ok(row)
}

pub async fn mark_done(
    tx: &mut Tx,
    now: i64,
    id: i64,
    volunteer: i64,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let row: Option<RequestRow> = sqlx::query_as(concat!(
        "UPDATE help_requests SET status = 'done', updated_at = ?, done_at = ?
         WHERE id = ? AND status = 'claimed' AND claimed_by = ? RETURNING ",
        columns!()
    ))
    .bind(now)
    .bind(now)
    .bind(id)
    .bind(volunteer)
    .fetch_optional(&mut **tx)
    .await?;
    if row.is_some() {
        event(tx, now, id, Some(volunteer), EventKind::Done, None).await?;
    }
    Ok(row)
}

/// The requester says the help arrived.
pub async fn confirm(
    tx: &mut Tx,
    now: i64,
    id: i64,
    requester: i64,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let row: Option<RequestRow> = sqlx::query_as(concat!(
        "UPDATE help_requests SET status = 'closed', updated_at = ?
         WHERE id = ? AND status = 'done' AND requester_id = ? RETURNING ",
        columns!()
    ))
    .bind(now)
    .bind(id)
    .bind(requester)
    .fetch_optional(&mut **tx)
    .await?;
    if row.is_some() {
        event(tx, now, id, Some(requester), EventKind::Confirmed, None).await?;
        event(tx, now, id, Some(requester), EventKind::Closed, None).await?;
    }
    Ok(row)
}

/// The requester says the help has not arrived: open again, without the volunteer who held it.
/// Returns the row as it was before (to know who held it) — its status is now open.
pub async fn not_yet(
    tx: &mut Tx,
    now: i64,
    id: i64,
    requester: i64,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let before = get_tx(tx, id).await?;
    let Some(before) = before.filter(|r| r.status() == Status::Done && r.requester_id == requester)
    else {
        return Ok(None);
    };
    sqlx::query(
        "UPDATE help_requests SET status = 'open', claimed_by = NULL, done_at = NULL, updated_at = ?1,
             opened_at = ?1
         WHERE id = ?2 AND status = 'done'",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    event(
        tx,
        now,
        id,
        Some(requester),
        EventKind::Reopened,
        Some("not yet"),
    )
    .await?;
    Ok(Some(before))
}

/// The requester withdraws an open or claimed request. Returns the row as it was before.
pub async fn cancel(
    tx: &mut Tx,
    now: i64,
    id: i64,
    requester: i64,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let before = get_tx(tx, id).await?;
    let Some(before) = before.filter(|r| r.status().cancellable() && r.requester_id == requester)
    else {
        return Ok(None);
    };
    sqlx::query(
        "UPDATE help_requests SET status = 'cancelled', updated_at = ? WHERE id = ? AND status IN ('open', 'claimed')",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    event(tx, now, id, Some(requester), EventKind::Cancelled, None).await?;
    Ok(Some(before))
}

/// Done requests nobody confirmed or disputed before `done_before` are closed by the bot.
pub async fn close_unconfirmed(
    tx: &mut Tx,
    now: i64,
    done_before: i64,
) -> Result<Vec<RequestRow>, sqlx::Error> {
    let rows: Vec<RequestRow> = sqlx::query_as(concat!(
        "UPDATE help_requests SET status = 'closed', updated_at = ?
         WHERE status = 'done' AND done_at <= ? RETURNING ",
        columns!()
    ))
    .bind(now)
    .bind(done_before)
    .fetch_all(&mut **tx)
    .await?;
    for r in &rows {
        event(
            tx,
            now,
            r.id,
            None,
            EventKind::Closed,
            Some("no answer from the requester"),
        )
        .await?;
    }
    Ok(rows)
}

/// A lead gives an open request to a volunteer; the event names the lead.
pub async fn assign(
    tx: &mut Tx,
    now: i64,
    id: i64,
    volunteer: i64,
    lead: i64,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let note = format!("assigned to {volunteer}");
    take(tx, now, id, volunteer, lead, Some(&note)).await
}

/// Everything a volunteer held goes back to open (paused by a lead, or erasing their data); the
/// events name who caused it and why.
pub async fn release_all_held(
    tx: &mut Tx,
    now: i64,
    volunteer: i64,
    actor: i64,
    why: &str,
) -> Result<Vec<RequestRow>, sqlx::Error> {
    let rows: Vec<RequestRow> = sqlx::query_as(concat!(
        "UPDATE help_requests SET status = 'open', claimed_by = NULL, updated_at = ?1, opened_at = ?1
         WHERE claimed_by = ?2 AND status = 'claimed' RETURNING ",
        columns!()
    ))
    .bind(now)
    .bind(volunteer)
    .fetch_all(&mut **tx)
    .await?;
    for r in &rows {
        event(tx, now, r.id, Some(actor), EventKind::Released, Some(why)).await?;
    }
    Ok(rows)
}

/// A lead reopens a taken or done request. Returns the row as it was before.
pub async fn reopen(
    tx: &mut Tx,
    now: i64,
    id: i64,
    lead: i64,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let Some(before) = get_tx(tx, id)
        .await?
        .filter(|r| matches!(r.status(), Status::Claimed | Status::Done))
    else {
        return Ok(None);
    };
    sqlx::query(
        "UPDATE help_requests SET status = 'open', claimed_by = NULL, done_at = NULL, updated_at = ?1, opened_at = ?1
         WHERE id = ?2 AND status IN ('claimed', 'done')",
    )
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    event(
        tx,
        now,
        id,
        Some(lead),
        EventKind::Reopened,
        Some("by a club lead"),
    )
    .await?;
    Ok(Some(before))
}

/// A lead closes an open or taken request as a duplicate or spam: it ends as cancelled.
pub async fn close_by_lead(
    tx: &mut Tx,
    now: i64,
    id: i64,
    lead: i64,
    reason: &str,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let Some(before) = get_tx(tx, id).await?.filter(|r| r.status().cancellable()) else {
        return Ok(None);
    };
    sqlx::query("UPDATE help_requests SET status = 'cancelled', updated_at = ? WHERE id = ? AND status IN ('open', 'claimed')")
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    event(tx, now, id, Some(lead), EventKind::Cancelled, Some(reason)).await?;
    Ok(Some(before))
}

/// Unfinished requests of a lead's regions: open ones first (oldest first), then taken, then done.
pub async fn for_lead(
    pool: &SqlitePool,
    lead: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<RequestRow>, i64), sqlx::Error> {
    let rows = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM help_requests
         WHERE status IN ('open', 'claimed', 'done')
           AND region_id IN (SELECT region_id FROM leads WHERE user_id = ?1)
         ORDER BY CASE status WHEN 'open' THEN 0 WHEN 'claimed' THEN 1 ELSE 2 END, COALESCE(opened_at, created_at), id
         LIMIT ?2 OFFSET ?3"
    ))
    .bind(lead)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM help_requests WHERE status IN ('open', 'claimed', 'done')
           AND region_id IN (SELECT region_id FROM leads WHERE user_id = ?)",
    )
    .bind(lead)
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

/// SEARCH h USING INDEX help_requests_opened (status=? AND opened_at<?): the open requests
/// opened before the later of the two times, never every open request.
const UNCLAIMED_UNALERTED: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM help_requests h
     WHERE status = 'open' AND opened_at <= MAX(?1, ?2)
       AND ((urgency = 'today' AND opened_at <= ?1) OR opened_at <= ?2)
       AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.request_id = h.id AND a.kind = 'unclaimed' AND a.since = h.opened_at)
     ORDER BY id LIMIT 500"
);

/// Open requests nobody took in time (a "today" one after `urgent_before`, any after `before`)
/// that have not been escalated since they last became open.
pub async fn unclaimed_unalerted(
    tx: &mut Tx,
    urgent_before: i64,
    before: i64,
) -> Result<Vec<RequestRow>, sqlx::Error> {
    sqlx::query_as(UNCLAIMED_UNALERTED)
        .bind(urgent_before)
        .bind(before)
        .fetch_all(&mut **tx)
        .await
}

/// SEARCH h USING INDEX help_requests_claimed (status=? AND claimed_at<?).
const CLAIMED_UNALERTED: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM help_requests h
     WHERE status = 'claimed' AND claimed_at <= ?1
       AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.request_id = h.id AND a.kind = ?2 AND a.since = h.claimed_at)
     ORDER BY id LIMIT 500"
);

/// Taken requests not done since before `before`, without an alert of `kind` for this claim.
pub async fn claimed_unalerted(
    tx: &mut Tx,
    before: i64,
    kind: &str,
) -> Result<Vec<RequestRow>, sqlx::Error> {
    sqlx::query_as(CLAIMED_UNALERTED)
        .bind(before)
        .bind(kind)
        .fetch_all(&mut **tx)
        .await
}

/// Notes that an alert went out; false if it already had (the job then sends nothing).
pub async fn record_alert(
    tx: &mut Tx,
    request_id: i64,
    kind: &str,
    since: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "INSERT OR IGNORE INTO alerts (request_id, kind, since, at) VALUES (?, ?, ?, ?)",
    )
    .bind(request_id)
    .bind(kind)
    .bind(since)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Taken requests whose volunteer blocked the bot (or left Telegram) go back to open; the bot is
/// the actor of these events.
pub async fn release_unreachable(tx: &mut Tx, now: i64) -> Result<Vec<RequestRow>, sqlx::Error> {
    let before: Vec<RequestRow> = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM help_requests WHERE status = 'claimed'
           AND claimed_by IN (SELECT id FROM users WHERE unreachable_at IS NOT NULL)"
    ))
    .fetch_all(&mut **tx)
    .await?;
    for r in &before {
        sqlx::query(
            "UPDATE help_requests SET status = 'open', claimed_by = NULL, updated_at = ?1, opened_at = ?1
             WHERE id = ?2 AND status = 'claimed'",
        )
        .bind(now)
        .bind(r.id)
        .execute(&mut **tx)
        .await?;
        event(
            tx,
            now,
            r.id,
            None,
            EventKind::Released,
            Some("volunteer unreachable"),
        )
        .await?;
    }
    Ok(before)
}

/// How many of a requester's requests are not finished (open, taken, or done and unconfirmed).
pub async fn unfinished_of(pool: &SqlitePool, requester: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM help_requests WHERE requester_id = ? AND status IN ('open', 'claimed', 'done')")
        .bind(requester)
        .fetch_one(pool)
        .await
}

/// What handing a taken request to its volunteer reads, in one trip to SQLite: the requester's
/// row (from the cache if there), the volunteer's name, the latest notes earlier volunteers left
/// about the person helped (at most `notes`, newest first, `aftercare::NOTES_ABOUT`), and the
/// request's followers who can be written to (`door::FOLLOWERS`).
#[derive(Debug, Default)]
pub struct HandOverLook {
    pub requester: Option<super::users::UserRow>,
    pub volunteer_name: Option<String>,
    pub notes: Vec<String>,
    pub followers: Vec<i64>,
}

/// ?1 the requester, ?2 and ?3 whom the request helps, ?4 the request, ?5 how many notes, ?6 the
/// volunteer. Each part by its own index: users and volunteers by primary key, visit_notes by
/// requester, followers by request.
static HAND_OVER_LOOK: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT u.id, u.first_name, u.username, u.tg_language, u.language, u.unreachable_at,
            (SELECT display_name FROM volunteers WHERE user_id = ?6) AS volunteer_name,
            (SELECT json_group_array(json_array(id, note)) FROM ({notes})) AS notes,
            (SELECT json_group_array(json_array(since, user_id)) FROM ({followers})) AS followers
         FROM (SELECT ?1 AS id) k LEFT JOIN users u ON u.id = k.id",
        notes = super::aftercare::NOTES_ABOUT,
        followers = super::door::FOLLOWERS.replace("?1", "?4"),
    )
});

pub async fn hand_over_look(
    tx: &mut Tx,
    row: &RequestRow,
    volunteer: i64,
    notes: i64,
) -> Result<HandOverLook, sqlx::Error> {
    use sqlx::Row;
    let source = tx.user_source(row.requester_id);
    let found = sqlx::query(sqlx::AssertSqlSafe(HAND_OVER_LOOK.as_str()))
        .bind(row.requester_id)
        .bind(&row.for_whom)
        .bind(&row.beneficiary_name)
        .bind(row.id)
        .bind(notes)
        .bind(volunteer)
        .fetch_one(&mut **tx)
        .await?;
    let requester = match source {
        super::UserSource::Cached(cached) => Some(cached),
        super::UserSource::Read(start) => {
            let read = super::users::user_in(&found)?;
            tx.user_read(start, read)
        }
    };
    let json = |column: &str| -> Result<Vec<(i64, serde_json::Value)>, sqlx::Error> {
        let text: String = found.try_get(column)?;
        serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    };
    // Each list in its order again (a JSON array keeps it, but nothing needs to rest on that).
    let mut notes = json("notes")?;
    notes.sort_by_key(|(id, _)| std::cmp::Reverse(*id));
    let mut followers = json("followers")?;
    followers.sort_by_key(|(since, user)| (*since, user.as_i64()));
    Ok(HandOverLook {
        requester,
        volunteer_name: found.try_get("volunteer_name")?,
        notes: notes
            .into_iter()
            .filter_map(|(_, n)| n.as_str().map(str::to_owned))
            .collect(),
        followers: followers
            .into_iter()
            .filter_map(|(_, u)| u.as_i64())
            .collect(),
    })
}

/// What may stop a new request in a region: the requester's unfinished requests and the
/// region's intake pause message, in one statement.
pub async fn intake_look(
    conn: &mut sqlx::SqliteConnection,
    requester: i64,
    region_id: i64,
) -> Result<(i64, Option<String>), sqlx::Error> {
    sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM help_requests
                 WHERE requester_id = ?1 AND status IN ('open', 'claimed', 'done')),
                (SELECT message FROM intake_pauses WHERE region_id = ?2)",
    )
    .bind(requester)
    .bind(region_id)
    .fetch_one(conn)
    .await
}

/// The taken requests of a requester (at most two: enough to tell "exactly one").
pub async fn taken_of_requester(
    pool: &SqlitePool,
    requester: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM help_requests WHERE requester_id = ? AND status = 'claimed' ORDER BY id LIMIT 2",
    )
    .bind(requester)
    .fetch_all(pool)
    .await
}

/// When the earliest done request will be due for closing, if any.
pub async fn earliest_done_at(pool: &SqlitePool) -> Result<Option<i64>, sqlx::Error> {
    let row: (Option<i64>,) =
        sqlx::query_as("SELECT MIN(done_at) FROM help_requests WHERE status = 'done'")
            .fetch_one(pool)
            .await?;
    Ok(row.0)
}

/// How many open requests a volunteer may take. SEARCH help_requests USING COVERING INDEX
/// help_requests_open_tasks (region_id=? AND category=?) for each of their regions and kinds
/// (named: without statistics the planner would take the region's open requests of every kind).
const TASKS_COUNT: &str = "
    SELECT COUNT(*) FROM help_requests INDEXED BY help_requests_open_tasks
    WHERE status = 'open'
      AND region_id IN (SELECT region_id FROM volunteer_regions WHERE user_id = ?1)
      AND category IN (SELECT category FROM volunteer_categories WHERE user_id = ?1)";

/// Open requests a volunteer may take: their regions and kinds of help, most urgent first.
pub async fn open_for_volunteer(
    pool: &SqlitePool,
    volunteer: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<RequestRow>, i64), sqlx::Error> {
    // As TASKS_COUNT, then the page's rows by primary key.
    let rows: Vec<RequestRow> = sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM help_requests INDEXED BY help_requests_open_tasks
         WHERE status = 'open'
           AND region_id IN (SELECT region_id FROM volunteer_regions WHERE user_id = ?1)
           AND category IN (SELECT category FROM volunteer_categories WHERE user_id = ?1)
         ORDER BY needed_on, created_at, id LIMIT ?2 OFFSET ?3"
    ))
    .bind(volunteer)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total: i64 = sqlx::query_scalar(TASKS_COUNT)
        .bind(volunteer)
        .fetch_one(pool)
        .await?;
    Ok((rows, total))
}

pub async fn held_by(pool: &SqlitePool, volunteer: i64) -> Result<Vec<RequestRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM help_requests WHERE claimed_by = ? AND status = 'claimed' ORDER BY needed_on, id"
    ))
    .bind(volunteer)
    .fetch_all(pool)
    .await
}

/// A requester's requests: unfinished ones first, then the latest finished ones.
pub async fn of_requester(
    pool: &SqlitePool,
    requester: i64,
    limit: i64,
) -> Result<Vec<RequestRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM help_requests WHERE requester_id = ?
         ORDER BY status IN ('closed', 'cancelled'), id DESC LIMIT ?"
    ))
    .bind(requester)
    .bind(limit)
    .fetch_all(pool)
    .await
}

pub async fn event(
    tx: &mut Tx,
    now: i64,
    request_id: i64,
    actor: Option<i64>,
    kind: EventKind,
    note: Option<&str>,
) -> Result<(), sqlx::Error> {
    tx.record(super::NewEvent {
        request_id,
        actor_id: actor,
        kind: kind.code(),
        note: note.map(str::to_owned),
        at: now,
    });
    Ok(())
}

/// Where a request was announced (chat, message), recorded once the push is sent.
pub async fn pushes_of(tx: &mut Tx, request_id: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT chat_id, message_id FROM pushes WHERE request_id = ?")
        .bind(request_id)
        .fetch_all(&mut **tx)
        .await
}

/// A request stopped being open: its announcements not yet sent are dropped (also those queued
/// by this transaction), and those sent are returned, to be edited, and forgotten, except club
/// chat posts when they are kept (`keep_group_posts`). One trip to SQLite.
pub async fn close_pushes(
    tx: &mut Tx,
    request_id: i64,
    keep_group_posts: bool,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    tx.unqueue(|r| r.kind == "push" && r.request_id == Some(request_id));
    tx.touch(super::cache::Touch::OutboxDropped(Some(request_id)));
    sqlx::query_as(
        "DELETE FROM outbox WHERE request_id = ?1 AND kind = 'push' AND sent_at IS NULL;
         SELECT chat_id, message_id FROM pushes WHERE request_id = ?1;
         DELETE FROM pushes WHERE request_id = ?1 AND (chat_id > 0 OR NOT ?2);",
    )
    .bind(request_id)
    .bind(keep_group_posts)
    .fetch_all(&mut **tx)
    .await
}

#[cfg(test)]
mod tests {
    use crate::db::testing::{memory_db, plan};

    /// A Take's one read: the requester, the volunteer's name, the newest notes about the person
    /// helped but this request's own, and the followers who can be written to, in order; each
    /// part by its own index.
    #[tokio::test]
    async fn the_hand_over_look_reads_what_a_take_needs_in_one_statement() {
        let (_dir, pool) = crate::db::testing::file_db().await;
        crate::db::testing::seed_request(&pool, 5, "claimed").await;
        crate::db::testing::seed_request(&pool, 6, "closed").await;
        sqlx::query(
            "INSERT INTO users (id, first_name, created_at, unreachable_at) VALUES
                 (20, 'Vera', 0, NULL), (21, 'Gone', 0, 5), (22, 'Oleg', 0, NULL);
             INSERT INTO volunteers (user_id, display_name, status, created_at)
                 VALUES (20, 'Vera K.', 'approved', 0);
             INSERT INTO visit_notes (requester_id, request_id, volunteer_id, note, created_at) VALUES
                 (9, 6, 20, 'first', 0), (9, 6, 20, 'second', 0), (9, 6, 20, 'third', 0),
                 (9, 5, 20, 'this request', 0);
             INSERT INTO followers (request_id, user_id, since) VALUES
                 (5, 22, 30), (5, 21, 10), (5, 9, 20), (6, 20, 0);",
        )
        .execute(&pool)
        .await
        .unwrap();
        let mut tx = crate::db::begin_write(&pool).await.unwrap();
        let row = super::get_tx(&mut tx, 5).await.unwrap().unwrap();
        let look = super::hand_over_look(&mut tx, &row, 20, 2).await.unwrap();
        tx.rollback().await.unwrap();
        assert_eq!(look.requester.map(|u| u.first_name).as_deref(), Some("R"));
        assert_eq!(look.volunteer_name.as_deref(), Some("Vera K."));
        assert_eq!(look.notes, vec!["third".to_owned(), "second".to_owned()]);
        assert_eq!(look.followers, vec![9, 22]);
        // The requester's row went into the cache.
        assert!(crate::db::cache(&pool).user(9).is_ok());

        let pool = memory_db(i64::MAX).await;
        let steps = plan(&pool, &super::HAND_OVER_LOOK, 6).await;
        // No table is walked: only the constant row and the subqueries' own rows.
        assert!(
            steps
                .iter()
                .filter_map(|s| s.strip_prefix("SCAN "))
                .all(|what| what == "CONSTANT ROW"
                    || what == "k"
                    || what.starts_with("(subquery-")),
            "{steps:#?}"
        );
        for index in [
            "volunteers USING INTEGER PRIMARY KEY",
            "visit_notes USING INDEX visit_notes_by_person",
            "USING PRIMARY KEY (request_id=?)",
        ] {
            assert!(
                steps.iter().any(|s| s.contains(index)),
                "{index}: {steps:#?}"
            );
        }
    }

    /// /tasks reads only the open requests of the volunteer's regions and kinds of help.
    #[tokio::test]
    async fn tasks_go_through_the_open_requests_index() {
        let pool = memory_db(i64::MAX).await;
        for sql in [
            super::TASKS_COUNT.to_owned(),
            format!(
                "SELECT id {}",
                &super::TASKS_COUNT[super::TASKS_COUNT.find("FROM").unwrap()..]
            ),
        ] {
            let plan = plan(&pool, &sql, 1).await;
            assert!(
                plan.iter().any(|d| d.contains(
                    "help_requests USING COVERING INDEX help_requests_open_tasks (region_id=? AND category=?)"
                )),
                "{plan:#?}"
            );
        }
    }

    /// The escalations read the open (taken) requests opened (taken) before a time through the
    /// indexes of that status alone (migrations/0014), not every request of that status.
    #[tokio::test]
    async fn escalations_read_a_range_of_one_status() {
        let pool = memory_db(i64::MAX).await;
        for (sql, index) in [
            (
                super::UNCLAIMED_UNALERTED,
                "SEARCH h USING INDEX help_requests_opened (status=? AND opened_at<?)",
            ),
            (
                super::CLAIMED_UNALERTED,
                "SEARCH h USING INDEX help_requests_claimed (status=? AND claimed_at<?)",
            ),
        ] {
            let plan = plan(&pool, sql, 2).await;
            assert!(plan.iter().any(|d| d == index), "{plan:#?}");
        }
    }
}
