//! Club leads, their invites, and the club group chats.

use sqlx::SqlitePool;

use super::{Tx, begin_write};

/// The regions a person leads.
pub async fn regions_of(pool: &SqlitePool, user_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT region_id FROM leads WHERE user_id = ? ORDER BY region_id")
        .bind(user_id)
        .fetch_all(pool)
        .await
}

pub async fn is_lead_of(tx: &mut Tx, user_id: i64, region_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM leads WHERE user_id = ? AND region_id = ?")
            .bind(user_id)
            .bind(region_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(n > 0)
}

/// The leads of a region who can be reached.
pub async fn of_region(tx: &mut Tx, region_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT l.user_id FROM leads l JOIN users u ON u.id = l.user_id
         WHERE l.region_id = ? AND u.unreachable_at IS NULL ORDER BY l.user_id",
    )
    .bind(region_id)
    .fetch_all(&mut **tx)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LeadRow {
    pub user_id: i64,
    pub region_id: i64,
    pub first_name: String,
    pub username: Option<String>,
    pub appointed_at: i64,
}

/// Every lead of every region (for operators, and for the digest job).
pub async fn all(pool: &SqlitePool) -> Result<Vec<LeadRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.user_id, l.region_id, u.first_name, u.username, l.appointed_at
         FROM leads l JOIN users u ON u.id = l.user_id ORDER BY l.region_id, l.user_id",
    )
    .fetch_all(pool)
    .await
}

pub async fn create_invite(
    pool: &SqlitePool,
    code: &str,
    region_id: i64,
    created_by: i64,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    sqlx::query(
        "INSERT INTO lead_invites (code, region_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(code)
    .bind(region_id)
    .bind(created_by)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// What opening an invite link came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    /// Now a lead of this region.
    Appointed(i64),
    /// Already a lead of this region (the invite is used up all the same).
    AlreadyLead(i64),
    Used,
    Expired,
    Unknown,
}

/// Uses an invite, once: the check and the appointment are one transaction.
pub async fn redeem(
    tx: &mut Tx,
    code: &str,
    user_id: i64,
    now: i64,
) -> Result<Redeemed, sqlx::Error> {
    let row: Option<(i64, i64, Option<i64>, i64)> = sqlx::query_as(
        "SELECT region_id, expires_at, used_by, created_by FROM lead_invites WHERE code = ?",
    )
    .bind(code)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((region_id, expires_at, used_by, created_by)) = row else {
        return Ok(Redeemed::Unknown);
    };
    if used_by.is_some() {
        return Ok(Redeemed::Used);
    }
    if expires_at <= now {
        return Ok(Redeemed::Expired);
    }
    sqlx::query(
        "UPDATE lead_invites SET used_by = ?, used_at = ? WHERE code = ? AND used_by IS NULL",
    )
    .bind(user_id)
    .bind(now)
    .bind(code)
    .execute(&mut **tx)
    .await?;
    let added = sqlx::query(
        "INSERT OR IGNORE INTO leads (user_id, region_id, appointed_by, appointed_at) VALUES (?, ?, ?, ?)",
    )
    .bind(user_id)
    .bind(region_id)
    .bind(created_by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(if added.rows_affected() == 1 {
        Redeemed::Appointed(region_id)
    } else {
        Redeemed::AlreadyLead(region_id)
    })
}

pub async fn remove(tx: &mut Tx, user_id: i64, region_id: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("DELETE FROM leads WHERE user_id = ? AND region_id = ?")
        .bind(user_id)
        .bind(region_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// The club chats of a region.
pub async fn club_chats(tx: &mut Tx, region_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT chat_id FROM club_chats WHERE region_id = ? ORDER BY chat_id")
        .bind(region_id)
        .fetch_all(&mut **tx)
        .await
}

pub async fn club_chat_region(pool: &SqlitePool, chat_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT region_id FROM club_chats WHERE chat_id = ?")
        .bind(chat_id)
        .fetch_optional(pool)
        .await
}

pub async fn bind_chat(
    tx: &mut Tx,
    chat_id: i64,
    region_id: i64,
    by: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO club_chats (chat_id, region_id, bound_by, bound_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (chat_id) DO UPDATE SET region_id = excluded.region_id, bound_by = excluded.bound_by,
             bound_at = excluded.bound_at",
    )
    .bind(chat_id)
    .bind(region_id)
    .bind(by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The bot left the group, was removed, or may no longer write there.
pub async fn unbind_chat(pool: &SqlitePool, chat_id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let r = sqlx::query("DELETE FROM club_chats WHERE chat_id = ?")
        .bind(chat_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(r.rows_affected() == 1)
}

/// The group became a supergroup with a new id.
pub async fn move_chat(pool: &SqlitePool, from: i64, to: i64) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    sqlx::query("UPDATE OR REPLACE club_chats SET chat_id = ? WHERE chat_id = ?")
        .bind(to)
        .bind(from)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE OR IGNORE pushes SET chat_id = ? WHERE chat_id = ?")
        .bind(to)
        .bind(from)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}
