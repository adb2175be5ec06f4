use sqlx::{SqliteConnection, SqlitePool};

use super::cache::Touch;
use super::{Tx, begin_write, now_ms};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub first_name: String,
    pub username: Option<String>,
    pub tg_language: Option<String>,
    pub language: Option<String>,
    pub unreachable_at: Option<i64>,
}

/// One person's row, as the cache holds it.
pub(super) const SELECT_USER: &str = "SELECT id, first_name, username, tg_language, language, unreachable_at FROM users WHERE id = ?";

/// What Telegram told us about a person in their latest update.
pub struct Seen<'a> {
    pub id: i64,
    pub first_name: &'a str,
    pub username: Option<&'a str>,
    pub tg_language: Option<&'a str>,
}

/// Records a person on every update, writing only when something changed: most updates then cost
/// one indexed read, or none when the person is cached. A person who writes to the bot is
/// reachable again. The write goes with the file's next transaction (`group::defer_person`):
/// the answer to this update, or whatever writes first.
pub async fn touch(pool: &SqlitePool, seen: &Seen<'_>) -> Result<UserRow, sqlx::Error> {
    let cache = super::cache(pool);
    let current = match cache.user(seen.id) {
        Ok(row) => Some(row),
        Err(start) => {
            let row: Option<UserRow> = sqlx::query_as(SELECT_USER)
                .bind(seen.id)
                .fetch_optional(pool)
                .await?;
            if let Some(row) = &row {
                cache.fill_user(start, row.clone());
            }
            row
        }
    };
    if let Some(u) = &current
        && u.first_name == seen.first_name
        && u.username.as_deref() == seen.username
        && u.tg_language.as_deref() == seen.tg_language
        && u.unreachable_at.is_none()
    {
        return Ok(current.unwrap_or_else(|| unreachable!()));
    }
    let row = UserRow {
        id: seen.id,
        first_name: seen.first_name.to_owned(),
        username: seen.username.map(str::to_owned),
        tg_language: seen.tg_language.map(str::to_owned),
        language: current.and_then(|u| u.language),
        unreachable_at: None,
    };
    super::group::defer_person(pool, row.clone());
    Ok(row)
}

pub async fn set_language(pool: &SqlitePool, id: i64, lang: &str) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    tx.touch(Touch::User(id));
    sqlx::query("UPDATE users SET language = ? WHERE id = ?")
        .bind(lang)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// The language a person reads, for messages to someone other than the one acting.
pub async fn language_of(
    tx: &mut Tx,
    id: i64,
) -> Result<(Option<String>, Option<String>), sqlx::Error> {
    Ok(tx
        .user(id)
        .await?
        .map_or((None, None), |u| (u.language, u.tg_language)))
}

pub async fn first_name(conn: &mut SqliteConnection, id: i64) -> Result<String, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT first_name FROM users WHERE id = ?")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| r.0).unwrap_or_default())
}

/// Telegram answered 403 for this chat: stop pushing to them until they write again.
pub async fn mark_unreachable(pool: &SqlitePool, id: i64) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    tx.touch(Touch::User(id));
    sqlx::query("UPDATE users SET unreachable_at = ? WHERE id = ? AND unreachable_at IS NULL")
        .bind(now_ms())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

pub async fn username(tx: &mut Tx, id: i64) -> Result<Option<String>, sqlx::Error> {
    Ok(
        sqlx::query_scalar::<_, Option<String>>("SELECT username FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
            .flatten(),
    )
}
