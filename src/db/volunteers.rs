use sqlx::SqlitePool;

use super::{Tx, begin_write, now_ms};
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

/// Creates or replaces a volunteer's profile. A new volunteer starts as `initial_status`;
/// an existing one keeps the status they have.
pub async fn save(
    pool: &SqlitePool,
    p: &Profile,
    initial_status: &str,
) -> Result<String, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let (status,): (String,) = sqlx::query_as(
        "INSERT INTO volunteers (user_id, display_name, phone, status, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name, phone = excluded.phone
         RETURNING status",
    )
    .bind(p.user_id)
    .bind(&p.display_name)
    .bind(&p.phone)
    .bind(initial_status)
    .bind(now_ms())
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM volunteer_regions WHERE user_id = ?")
        .bind(p.user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM volunteer_categories WHERE user_id = ?")
        .bind(p.user_id)
        .execute(&mut *tx)
        .await?;
    for r in &p.regions {
        sqlx::query("INSERT INTO volunteer_regions (user_id, region_id) VALUES (?, ?)")
            .bind(p.user_id)
            .bind(r)
            .execute(&mut *tx)
            .await?;
    }
    for c in &p.categories {
        sqlx::query("INSERT INTO volunteer_categories (user_id, category) VALUES (?, ?)")
            .bind(p.user_id)
            .bind(c.code())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(status)
}

/// Whom to push a request to: approved, reachable volunteers of the region who do this kind of help.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Recipient {
    pub user_id: i64,
    pub language: Option<String>,
    pub tg_language: Option<String>,
}

pub async fn matching(
    tx: &mut Tx,
    region_id: i64,
    category: Category,
    exclude: &[i64],
) -> Result<Vec<Recipient>, sqlx::Error> {
    let rows: Vec<Recipient> = sqlx::query_as(
        "SELECT u.id AS user_id, u.language, u.tg_language
         FROM volunteer_regions vr
         JOIN volunteers v ON v.user_id = vr.user_id AND v.status = 'approved'
         JOIN volunteer_categories vc ON vc.user_id = vr.user_id AND vc.category = ?
         JOIN users u ON u.id = vr.user_id AND u.unreachable_at IS NULL AND u.erased_at IS NULL
         WHERE vr.region_id = ?
         ORDER BY u.id",
    )
    .bind(category.code())
    .bind(region_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|r| !exclude.contains(&r.user_id))
        .collect())
}

/// Re-read inside the claim transaction: approval is checked on the server at every claim.
pub async fn can_claim(
    tx: &mut Tx,
    user_id: i64,
    region_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String, i64)> = sqlx::query_as(
        "SELECT v.status, EXISTS (SELECT 1 FROM volunteer_regions vr WHERE vr.user_id = v.user_id AND vr.region_id = ?)
         FROM volunteers v WHERE v.user_id = ?",
    )
    .bind(region_id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
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
