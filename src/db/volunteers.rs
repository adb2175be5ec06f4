use sqlx::{SqliteConnection, SqlitePool};

use super::Tx;
use crate::domain::Category;

#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub user_id: i64,
    pub display_name: String,
    pub phone: Option<String>,
    pub status: String,
    pub regions: Vec<i64>,
    pub categories: Vec<Category>,
}

impl Profile {
    pub fn is_approved(&self) -> bool {
        self.status == "approved"
    }
}

pub async fn get(pool: &SqlitePool, user_id: i64) -> Result<Option<Profile>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    get_on(&mut conn, user_id).await
}

/// The same, on a connection (or inside a transaction: `get_on(&mut tx, id)`).
pub async fn get_on(
    conn: &mut SqliteConnection,
    user_id: i64,
) -> Result<Option<Profile>, sqlx::Error> {
    let row: Option<(String, Option<String>, String)> =
        sqlx::query_as("SELECT display_name, phone, status FROM volunteers WHERE user_id = ?")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((display_name, phone, status)) = row else {
        return Ok(None);
    };
    let regions: Vec<(i64,)> = sqlx::query_as(
        "SELECT region_id FROM volunteer_regions WHERE user_id = ? ORDER BY region_id",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    let categories: Vec<(String,)> =
        sqlx::query_as("SELECT category FROM volunteer_categories WHERE user_id = ?")
            .bind(user_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut categories: Vec<Category> = categories
        .iter()
        .filter_map(|(c,)| Category::from_code(c))
        .collect();
    categories.sort_by_key(|c| c.index());
    Ok(Some(Profile {
        user_id,
        display_name,
        phone,
        status,
        regions: regions.into_iter().map(|(r,)| r).collect(),
        categories,
    }))
}

/// What saving a profile did to the volunteer's standing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub status: String,
    /// A new or re-registering volunteer now waits for a lead's decision.
    pub newly_pending: bool,
}

/// Creates or replaces a volunteer's profile. A new volunteer starts as `initial_status`; one who
/// was rejected and registers again starts over the same way; anyone else keeps their status.
pub async fn save(
    tx: &mut Tx,
    now: i64,
    p: &Profile,
    initial_status: &str,
) -> Result<Saved, sqlx::Error> {
    let before: Option<String> =
        sqlx::query_scalar("SELECT status FROM volunteers WHERE user_id = ?")
            .bind(p.user_id)
            .fetch_optional(&mut **tx)
            .await?;
    let (status,): (String,) = sqlx::query_as(
        "INSERT INTO volunteers (user_id, display_name, phone, status, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name, phone = excluded.phone,
             status = CASE WHEN volunteers.status = 'rejected' THEN excluded.status ELSE volunteers.status END,
             decided_by = CASE WHEN volunteers.status = 'rejected' THEN NULL ELSE volunteers.decided_by END
         RETURNING status",
    )
    .bind(p.user_id)
    .bind(&p.display_name)
    .bind(&p.phone)
    .bind(initial_status)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM volunteer_regions WHERE user_id = ?")
        .bind(p.user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM volunteer_categories WHERE user_id = ?")
        .bind(p.user_id)
        .execute(&mut **tx)
        .await?;
    for r in &p.regions {
        sqlx::query("INSERT INTO volunteer_regions (user_id, region_id) VALUES (?, ?)")
            .bind(p.user_id)
            .bind(r)
            .execute(&mut **tx)
            .await?;
    }
    for c in &p.categories {
        sqlx::query("INSERT INTO volunteer_categories (user_id, category) VALUES (?, ?)")
            .bind(p.user_id)
            .bind(c.code())
            .execute(&mut **tx)
            .await?;
    }
    let newly_pending = status == "pending" && before.as_deref() != Some("pending");
    Ok(Saved {
        status,
        newly_pending,
    })
}

/// A lead's (or operator's) decision on a pending volunteer; the first decision wins.
pub async fn decide(
    tx: &mut Tx,
    now: i64,
    user_id: i64,
    approve: bool,
    by: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE volunteers SET status = ?, decided_by = ?, decided_at = ? WHERE user_id = ? AND status = 'pending'",
    )
    .bind(if approve { "approved" } else { "rejected" })
    .bind(by)
    .bind(now)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Moves a volunteer between `from` and `to` (approved ⇄ suspended), recording who decided.
pub async fn set_status(
    tx: &mut Tx,
    now: i64,
    user_id: i64,
    from: &str,
    to: &str,
    by: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE volunteers SET status = ?, decided_by = ?, decided_at = ? WHERE user_id = ? AND status = ?",
    )
    .bind(to)
    .bind(by)
    .bind(now)
    .bind(user_id)
    .bind(from)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Status and who decided it, with that person's name.
pub async fn decision(
    tx: &mut Tx,
    user_id: i64,
) -> Result<Option<(String, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT v.status, u.first_name FROM volunteers v LEFT JOIN users u ON u.id = v.decided_by WHERE v.user_id = ?",
    )
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await
}

/// A volunteer of one of the lead's regions, for the /volunteers list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedVolunteer {
    pub user_id: i64,
    pub display_name: String,
    pub username: Option<String>,
    pub status: String,
    /// Requests they hold now.
    pub load: i64,
    /// Paused by themselves (/pause): no pushes, but a lead may still assign them.
    pub self_paused: bool,
}

/// Volunteers of any of the lead's regions: pending first, then by name.
pub async fn of_lead(
    pool: &SqlitePool,
    lead: i64,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ListedVolunteer>, i64), sqlx::Error> {
    let rows = sqlx::query_as(
        "SELECT v.user_id, v.display_name, u.username, v.status,
                (SELECT COUNT(*) FROM help_requests h WHERE h.claimed_by = v.user_id AND h.status = 'claimed') AS load,
                EXISTS (SELECT 1 FROM volunteer_duty d WHERE d.user_id = v.user_id AND d.paused_at IS NOT NULL) AS self_paused
         FROM volunteers v JOIN users u ON u.id = v.user_id
         WHERE v.user_id IN (SELECT vr.user_id FROM volunteer_regions vr JOIN leads l ON l.region_id = vr.region_id
                             WHERE l.user_id = ?1)
         ORDER BY v.status != 'pending', v.display_name, v.user_id LIMIT ?2 OFFSET ?3",
    )
    .bind(lead)
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await?;
    let total: i64 = sqlx::query_scalar(
        "SELECT COUNT(DISTINCT vr.user_id) FROM volunteer_regions vr JOIN leads l ON l.region_id = vr.region_id
         WHERE l.user_id = ?",
    )
    .bind(lead)
    .fetch_one(pool)
    .await?;
    Ok((rows, total))
}

/// Approved volunteers of a region with their load, for a lead assigning a request: those on duty
/// first (least busy first), then those who paused themselves (a lead may still assign them).
pub async fn approved_in_region(
    tx: &mut Tx,
    region_id: i64,
) -> Result<Vec<ListedVolunteer>, sqlx::Error> {
    sqlx::query_as(
        "SELECT v.user_id, v.display_name, u.username, v.status,
                (SELECT COUNT(*) FROM help_requests h WHERE h.claimed_by = v.user_id AND h.status = 'claimed') AS load,
                EXISTS (SELECT 1 FROM volunteer_duty d WHERE d.user_id = v.user_id AND d.paused_at IS NOT NULL) AS self_paused
         FROM volunteer_regions vr JOIN volunteers v ON v.user_id = vr.user_id AND v.status = 'approved'
         JOIN users u ON u.id = v.user_id AND u.unreachable_at IS NULL
         WHERE vr.region_id = ? ORDER BY self_paused, load, v.display_name LIMIT 30",
    )
    .bind(region_id)
    .fetch_all(&mut **tx)
    .await
}

/// Where a volunteer stands for a request of `region_id`, re-read inside a lead's assignment (a
/// volunteer's own claim reads it with the request: `requests::claim_look`).
pub async fn can_claim(
    conn: &mut SqliteConnection,
    user_id: i64,
    region_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT v.status, EXISTS (SELECT 1 FROM volunteer_regions vr WHERE vr.user_id = v.user_id AND vr.region_id = ?)
         FROM volunteers v WHERE v.user_id = ?",
    )
    .bind(region_id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(status, in_region)| {
        if in_region == 1 {
            status
        } else {
            "other_region".to_owned()
        }
    }))
}

/// The name a volunteer chose to show the people they help.
pub async fn display_name(tx: &mut Tx, user_id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT display_name FROM volunteers WHERE user_id = ?")
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.map(|r| r.0))
}
