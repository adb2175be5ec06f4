//! Which updates the bot has already acted on.

use sqlx::SqlitePool;

use super::begin_write;

pub async fn seen(pool: &SqlitePool, update_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM processed_updates WHERE update_id = ?")
        .bind(update_id)
        .fetch_one(pool)
        .await?;
    Ok(n > 0)
}

/// The newest update acted on (0 if none).
pub async fn newest(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COALESCE(MAX(update_id), 0) FROM processed_updates")
        .fetch_one(pool)
        .await
}

pub async fn prune(pool: &SqlitePool, before: i64) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    sqlx::query("DELETE FROM processed_updates WHERE at < ?")
        .bind(before)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}
