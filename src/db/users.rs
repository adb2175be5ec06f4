use sqlx::sqlite::SqliteRow;
use sqlx::{FromRow, Row, SqliteConnection, SqlitePool};

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

/// A person's row (if any, `user_in`) and their private chat's dialogue (if any), in one row.
const SELECT_USER_WITH_DIALOGUE: &str = "
    SELECT u.id, u.first_name, u.username, u.tg_language, u.language, u.unreachable_at,
        (SELECT d.state_json FROM dialogues d WHERE d.chat_id = ?1) AS dialogue
    FROM (SELECT ?1 AS id) k LEFT JOIN users u ON u.id = k.id";

/// The person's row in a row that reads `users u` by a LEFT JOIN, with `u.id` and the other
/// columns of `SELECT_USER`: None when `u.id` is NULL (no such person).
pub(super) fn user_in(row: &SqliteRow) -> Result<Option<UserRow>, sqlx::Error> {
    match row.try_get::<Option<i64>, _>("id")? {
        Some(_) => UserRow::from_row(row).map(Some),
        None => Ok(None),
    }
}

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
            // The person's private chat has their id: its dialogue, which the same update reads
            // next, comes with the row in one read.
            let found = sqlx::query(SELECT_USER_WITH_DIALOGUE)
                .bind(seen.id)
                .fetch_one(pool)
                .await?;
            cache.fill_dialogue(start, seen.id, found.try_get("dialogue")?);
            let row = user_in(&found)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{dialogues, testing};

    fn seen(id: i64, name: &str) -> Seen<'_> {
        Seen {
            id,
            first_name: name,
            username: None,
            tg_language: Some("ru"),
        }
    }

    /// A person not in the cache is read with their chat's dialogue: both are then cached as
    /// the table has them, a new person and a person without a dialogue included.
    #[tokio::test]
    async fn a_first_read_of_a_person_brings_their_dialogue() {
        let (_dir, pool) = testing::file_db().await;
        sqlx::query(
            "INSERT INTO users (id, first_name, tg_language, language, created_at)
             VALUES (1, 'Anna', 'ru', 'en', 0), (2, 'Boris', 'ru', NULL, 0)",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO dialogues (chat_id, state_json, updated_at) VALUES (1, '\"x\"', 0)",
        )
        .execute(&pool)
        .await
        .unwrap();
        let cache = crate::db::cache(&pool);

        let anna = touch(&pool, &seen(1, "Anna")).await.unwrap();
        assert_eq!(
            (anna.first_name.as_str(), anna.language.as_deref()),
            ("Anna", Some("en"))
        );
        assert_eq!(cache.dialogue(1).ok(), Some(Some("\"x\"".to_owned())));
        assert_eq!(
            cache.user(1).ok().map(|u| u.first_name),
            Some("Anna".into())
        );

        touch(&pool, &seen(2, "Boris")).await.unwrap();
        assert_eq!(cache.dialogue(2).ok(), Some(None));

        // Someone new: no row yet (it goes with the next write), and no dialogue.
        let new = touch(&pool, &seen(3, "Vera")).await.unwrap();
        assert_eq!(new.first_name, "Vera");
        assert_eq!(cache.dialogue(3).ok(), Some(None));
        let state: Option<String> = dialogues::load(&pool, 1).await.unwrap();
        assert_eq!(state.as_deref(), Some("x"));
    }

    /// One row by primary key from each table.
    #[tokio::test]
    async fn the_read_with_the_dialogue_uses_both_primary_keys() {
        let pool = testing::memory_db(i64::MAX).await;
        let plan = testing::plan(&pool, SELECT_USER_WITH_DIALOGUE, 1).await;
        assert!(
            plan.iter()
                .any(|l| l.contains("SEARCH u USING INTEGER PRIMARY KEY")),
            "{plan:?}"
        );
        assert!(
            plan.iter()
                .any(|l| l.contains("SEARCH d USING INTEGER PRIMARY KEY")),
            "{plan:?}"
        );
        assert!(
            !plan
                .iter()
                .any(|l| l.contains("SCAN u") || l.contains("SCAN d")),
            "{plan:?}"
        );
    }
}
