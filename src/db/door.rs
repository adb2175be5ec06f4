//! At the door and in between: code words, family followers and relayed messages. Every write
//! runs inside the caller's write transaction.

use sqlx::{SqliteConnection, SqlitePool};

use super::Tx;

/// The request's current code word, if it has one.
pub async fn code_word(
    conn: &mut SqliteConnection,
    request_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    Ok(
        sqlx::query_scalar::<_, Option<String>>("SELECT code_word FROM help_requests WHERE id = ?")
            .bind(request_id)
            .fetch_optional(&mut *conn)
            .await?
            .flatten(),
    )
}

pub async fn code_word_of(
    pool: &SqlitePool,
    request_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    Ok(
        sqlx::query_scalar::<_, Option<String>>("SELECT code_word FROM help_requests WHERE id = ?")
            .bind(request_id)
            .fetch_optional(pool)
            .await?
            .flatten(),
    )
}

/// Gives the request a new code word: `first`, unless that is the word it has now, then
/// `second` (two different words). Returns the word set (None: no such request).
pub async fn replace_code_word(
    tx: &mut Tx,
    request_id: i64,
    first: &str,
    second: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "UPDATE help_requests SET code_word = CASE WHEN code_word IS ?1 THEN ?2 ELSE ?1 END
         WHERE id = ?3 RETURNING code_word",
    )
    .bind(first)
    .bind(second)
    .bind(request_id)
    .fetch_optional(&mut **tx)
    .await
}

/// The request ended: nobody will knock any more, and nobody needs to follow it.
pub async fn forget_request(tx: &mut Tx, request_id: i64) -> Result<(), sqlx::Error> {
    for sql in [
        "UPDATE help_requests SET code_word = NULL WHERE id = ?1 AND code_word IS NOT NULL",
        "DELETE FROM followers WHERE request_id = ?1",
        "DELETE FROM follow_links WHERE request_id = ?1",
    ] {
        sqlx::query(sql).bind(request_id).execute(&mut **tx).await?;
    }
    Ok(())
}

/// The code of the request's share link, if sharing is on.
pub async fn link_code(tx: &mut Tx, request_id: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT code FROM follow_links WHERE request_id = ?")
        .bind(request_id)
        .fetch_optional(&mut **tx)
        .await
}

/// Whether a request is shared now (for /my).
pub async fn shared(pool: &SqlitePool, request_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM follow_links WHERE request_id = ?")
        .bind(request_id)
        .fetch_one(pool)
        .await?;
    Ok(n > 0)
}

/// Starts sharing with a fresh code (an existing link is kept).
pub async fn create_link(
    tx: &mut Tx,
    request_id: i64,
    code: i64,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO follow_links (request_id, code, created_at) VALUES (?, ?, ?)
         ON CONFLICT (request_id) DO NOTHING",
    )
    .bind(request_id)
    .bind(code)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    sqlx::query_scalar("SELECT code FROM follow_links WHERE request_id = ?")
        .bind(request_id)
        .fetch_one(&mut **tx)
        .await
}

/// The request a link code opens, if the link still works.
pub async fn request_of_link(tx: &mut Tx, code: i64) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT request_id FROM follow_links WHERE code = ?")
        .bind(code)
        .fetch_optional(&mut **tx)
        .await
}

/// Stops sharing: the link stops working and every follower stops being told. Returns who
/// followed.
pub async fn stop_sharing(tx: &mut Tx, request_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let followers: Vec<i64> =
        sqlx::query_scalar("DELETE FROM followers WHERE request_id = ? RETURNING user_id")
            .bind(request_id)
            .fetch_all(&mut **tx)
            .await?;
    sqlx::query("DELETE FROM follow_links WHERE request_id = ?")
        .bind(request_id)
        .execute(&mut **tx)
        .await?;
    Ok(followers)
}

/// The followers of request ?1 who can be written to, in the order they began to follow.
pub(super) const FOLLOWERS: &str = "
    SELECT f.user_id, f.since FROM followers f JOIN users u ON u.id = f.user_id
    WHERE f.request_id = ?1 AND u.unreachable_at IS NULL ORDER BY f.since, f.user_id";

pub async fn followers(tx: &mut Tx, request_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(FOLLOWERS)
        .bind(request_id)
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows.into_iter().map(|(user, _)| user).collect())
}

pub async fn follower_count(tx: &mut Tx, request_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM followers WHERE request_id = ?")
        .bind(request_id)
        .fetch_one(&mut **tx)
        .await
}

pub async fn is_follower(tx: &mut Tx, request_id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM followers WHERE request_id = ? AND user_id = ?")
            .bind(request_id)
            .bind(user_id)
            .fetch_one(&mut **tx)
            .await?;
    Ok(n > 0)
}

/// True if the person now follows the request (false: they already did).
pub async fn follow(
    tx: &mut Tx,
    request_id: i64,
    user_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "INSERT OR IGNORE INTO followers (request_id, user_id, since) VALUES (?, ?, ?)",
    )
    .bind(request_id)
    .bind(user_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// True if the person followed the request.
pub async fn unfollow(tx: &mut Tx, request_id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
    let r = sqlx::query("DELETE FROM followers WHERE request_id = ? AND user_id = ?")
        .bind(request_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Notes the outbox row just inserted on this connection as a relayed message.
pub async fn record_relayed(
    tx: &mut Tx,
    request_id: i64,
    from_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    tx.flush().await?;
    sqlx::query(
        "INSERT INTO relayed (outbox_id, request_id, from_id, at) VALUES (last_insert_rowid(), ?, ?, ?)",
    )
    .bind(request_id)
    .bind(from_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Chats whose dialogue is a relay about this request.
pub async fn relaying_chats(tx: &mut Tx, request_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    tx.flush().await?;
    sqlx::query_scalar(
        "SELECT chat_id FROM dialogues WHERE json_extract(state_json, '$.Relay.request_id') = ?
         ORDER BY chat_id",
    )
    .bind(request_id)
    .fetch_all(&mut **tx)
    .await
}

pub async fn is_volunteer(tx: &mut Tx, user_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM volunteers WHERE user_id = ?")
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(n > 0)
}

/// /delete_me: the person stops following anything; requests they made stop being shared and
/// lose their code words; copies of messages they wrote through the relay are forgotten (sent
/// or not). Returns the followers of their shared requests (to tell them sharing stopped).
pub async fn erase(tx: &mut Tx, user_id: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    tx.flush().await?;
    let dropped: Vec<(i64, i64)> = sqlx::query_as(
        "DELETE FROM followers WHERE request_id IN (SELECT id FROM help_requests WHERE requester_id = ?1)
         RETURNING request_id, user_id",
    )
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await?;
    tx.touch(super::cache::Touch::OutboxDropped(None));
    for sql in [
        "DELETE FROM followers WHERE user_id = ?1",
        "DELETE FROM follow_links WHERE request_id IN (SELECT id FROM help_requests WHERE requester_id = ?1)",
        "UPDATE help_requests SET code_word = NULL WHERE requester_id = ?1 AND code_word IS NOT NULL",
        "DELETE FROM outbox WHERE id IN (SELECT outbox_id FROM relayed WHERE from_id = ?1)",
        "DELETE FROM relayed WHERE from_id = ?1",
    ] {
        sqlx::query(sql).bind(user_id).execute(&mut **tx).await?;
    }
    Ok(dropped)
}

/// Retention: requests that ended and were purged keep no code word, followers, link or record
/// of relayed messages (their outbox copies went within a day of sending). Returns rows touched.
pub async fn purge_ended(tx: &mut Tx) -> Result<u64, sqlx::Error> {
    tx.flush().await?;
    let mut n = 0;
    // Each statement walks one of the small tables (or the partial index of code words) and looks
    // requests up by id: never a scan of every request.
    tx.touch(super::cache::Touch::OutboxDropped(None));
    for sql in [
        "UPDATE help_requests SET code_word = NULL
         WHERE code_word IS NOT NULL AND status IN ('closed', 'cancelled')",
        "DELETE FROM followers WHERE EXISTS (SELECT 1 FROM help_requests h
             WHERE h.id = followers.request_id AND h.status IN ('closed', 'cancelled'))",
        "DELETE FROM follow_links WHERE EXISTS (SELECT 1 FROM help_requests h
             WHERE h.id = follow_links.request_id AND h.status IN ('closed', 'cancelled'))",
        "DELETE FROM outbox WHERE id IN (SELECT r.outbox_id FROM relayed r
             JOIN help_requests h ON h.id = r.request_id WHERE h.purged_at IS NOT NULL)",
        "DELETE FROM relayed WHERE EXISTS (SELECT 1 FROM help_requests h
             WHERE h.id = relayed.request_id AND h.purged_at IS NOT NULL)",
    ] {
        n += sqlx::query(sql).execute(&mut **tx).await?.rows_affected();
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    /// A new code word is never the one the request has: of the two offered, the other one.
    #[tokio::test]
    async fn a_new_code_word_differs_from_the_one_before() {
        let (_dir, pool) = crate::db::testing::file_db().await;
        crate::db::testing::seed_request(&pool, 5, "claimed").await;
        let mut words = vec![];
        for (first, second) in [("apple", "birch"), ("apple", "birch"), ("cedar", "birch")] {
            let mut tx = crate::db::begin_write(&pool).await.unwrap();
            words.push(
                super::replace_code_word(&mut tx, 5, first, second)
                    .await
                    .unwrap(),
            );
            tx.commit().await.unwrap();
        }
        let mut tx = crate::db::begin_write(&pool).await.unwrap();
        words.push(
            super::replace_code_word(&mut tx, 6, "apple", "birch")
                .await
                .unwrap(),
        );
        drop(tx);
        let words: Vec<Option<&str>> = words.iter().map(|w| w.as_deref()).collect();
        assert_eq!(
            words,
            vec![Some("apple"), Some("birch"), Some("cedar"), None]
        );
        crate::db::close(&pool).await;
    }
}
