//! Group commit of the commonest write: an answer to an update (the dialogue's next state, the
//! messages to send, the update marked as handled).
//!
//! Each such write joins a shared queue, then waits for either its own commit or the write gate.
//! Whoever gets the gate writes everything queued so far in one transaction of five statements
//! sent to SQLite at once, so a hundred people answering at the same moment cost one commit, not
//! a hundred. Each write is still all-or-nothing: if the shared transaction fails, every write in
//! it is tried again on its own, so one bad write fails only its own update.
//!
//! The queue also carries what Telegram last showed of a person (`users::touch`: a new person, a
//! changed name): that write waits for nobody and goes first in the next transaction of the
//! file — the answer to the same update, or any writer's, which flushes the queue before its
//! own — so every row that refers to the person is written after them.

use std::collections::HashSet;
use std::sync::Mutex;

use sqlx::SqlitePool;
use tokio::sync::oneshot;

use super::cache::Touch;
use super::outbox::NewRow;
use super::users::UserRow;
use super::{Tx, Writer, now_ms};

/// What happens to a chat's dialogue.
#[derive(Debug, Clone)]
pub enum DialogueWrite {
    Keep,
    /// The new state, as JSON.
    Set(String),
    Clear,
}

/// One update's answer.
pub struct Answer {
    /// The update being answered, recorded so a redelivered one is skipped.
    pub update_id: Option<i64>,
    pub chat_id: i64,
    pub dialogue: DialogueWrite,
    pub rows: Vec<NewRow>,
}

struct Queued {
    answer: Answer,
    done: oneshot::Sender<Result<(), sqlx::Error>>,
}

/// The queue of one database file (see `super::FileState`).
#[derive(Default)]
pub struct Queue {
    waiting: Mutex<Vec<Queued>>,
    /// People's rows to write with the next transaction, oldest first.
    people: Mutex<Vec<UserRow>>,
}

/// Writes a person's row (name, username, Telegram language; reachable again) with the next
/// transaction of the file, without waiting for it; the cache has the row at once.
pub fn defer_person(pool: &SqlitePool, row: UserRow) {
    let file = super::file_state(pool);
    file.group
        .people
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(row.clone());
    file.cache.apply(vec![Touch::UserRow(row)]);
}

/// Writes an answer, in a transaction shared with whatever other answers are waiting.
pub async fn write(pool: &SqlitePool, answer: Answer) -> Result<(), sqlx::Error> {
    if answer.update_id.is_none()
        && matches!(answer.dialogue, DialogueWrite::Keep)
        && answer.rows.is_empty()
    {
        return Ok(());
    }
    let file = super::file_state(pool);
    let (done, mut result) = oneshot::channel();
    lock(&file.group).push(Queued { answer, done });
    loop {
        tokio::select! {
            biased;
            r = &mut result => return r.unwrap_or(Err(sqlx::Error::PoolClosed)),
            writer = file.hold() => {
                let (writer, file) = (writer?, file.clone());
                super::on_writer_thread(async move { drop(flush(&file, writer).await) }).await;
                // Ours was in that batch or an earlier one; if it is still queued (a batch
                // stops before a second write to the same chat), wait for the gate again.
                if let Ok(r) = result.try_recv() {
                    return r;
                }
            }
        }
    }
}

/// Writes the answers waiting in the queue, with the write gate `writer` held and handed back
/// (`begin_write` calls this before its own transaction, so answers never wait behind a queue of
/// other writers).
pub(super) async fn flush(file: &super::FileState, writer: Writer) -> Writer {
    let people = std::mem::take(&mut *file.group.people.lock().unwrap_or_else(|e| e.into_inner()));
    let batch = take_batch(&file.group);
    if batch.is_empty() && people.is_empty() {
        return writer;
    }
    let (mut writer, shared) = commit(file, writer, &people, batch.iter().map(|q| &q.answer)).await;
    match shared {
        Ok(()) => {
            for q in batch {
                let _ = q.done.send(Ok(()));
            }
        }
        Err(e) if batch.len() + usize::from(!people.is_empty()) > 1 => {
            tracing::warn!(error = %e, n = batch.len(), "a shared commit failed; writing each alone");
            writer = people_alone(file, writer, &people).await;
            for q in batch {
                let (w, r) = commit(file, writer, &[], [&q.answer]).await;
                writer = w;
                let _ = q.done.send(r);
            }
        }
        Err(e) => match batch.into_iter().next() {
            Some(q) => {
                let _ = q.done.send(Err(e));
            }
            None => forget_people(file, &people, &e),
        },
    }
    writer
}

/// One transaction of people and answers, the gate handed back whatever happens. `BEGIN`, the
/// writes and `COMMIT` go to SQLite in one call; if that fails, they are tried once more the usual
/// way (a transaction someone left open is ended first), and that answer stands.
async fn commit<'a>(
    file: &super::FileState,
    writer: Writer,
    people: &[UserRow],
    batch: impl IntoIterator<Item = &'a Answer>,
) -> (Writer, Result<(), sqlx::Error>) {
    let batch: Vec<&Answer> = batch.into_iter().collect();
    let mut tx = Tx::new(file, writer, true);
    let writer = match write_all(&mut tx, people, batch.iter().copied(), &[], Frame::Whole).await {
        Ok(()) => return tx.end(super::End::Committed).await,
        Err(_) => tx.end(super::End::Rollback).await.0,
    };
    let mut tx = match Tx::begin(file, writer).await {
        Ok(tx) => tx,
        Err((e, writer)) => return (writer, Err(e)),
    };
    match write_all(&mut tx, people, batch, &[], Frame::Commit).await {
        Ok(()) => tx.end(super::End::Committed).await,
        Err(e) => (tx.end(super::End::Rollback).await.0, Err(e)),
    }
}

/// What `write_all` sends around the writes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Frame {
    /// The writes alone: the transaction is open and stays open.
    Writes,
    /// The writes and `COMMIT`.
    Commit,
    /// `BEGIN IMMEDIATE`, the writes and `COMMIT`.
    Whole,
}

/// The people of a failed shared commit, written on their own; if that fails too, the cache
/// forgets them, so their next update reads and writes them again.
async fn people_alone(file: &super::FileState, writer: Writer, people: &[UserRow]) -> Writer {
    if people.is_empty() {
        return writer;
    }
    let (writer, r) = commit(file, writer, people, []).await;
    if let Err(e) = r {
        forget_people(file, people, &e);
    }
    writer
}

fn forget_people(file: &super::FileState, people: &[UserRow], e: &sqlx::Error) {
    tracing::error!(error = %e, n = people.len(), "cannot record people seen in updates");
    file.cache
        .apply(people.iter().map(|p| Touch::User(p.id)).collect());
}

fn lock(q: &Queue) -> std::sync::MutexGuard<'_, Vec<Queued>> {
    q.waiting.lock().unwrap_or_else(|e| e.into_inner())
}

/// Everything queued, in order, up to (not including) a second answer in the same chat: a chat's
/// answers must land one after the other.
fn take_batch(q: &Queue) -> Vec<Queued> {
    let mut waiting = lock(q);
    let mut chats = HashSet::new();
    let n = waiting
        .iter()
        .position(|q| !chats.insert(q.answer.chat_id))
        .unwrap_or(waiting.len());
    waiting.drain(..n).collect()
}

/// The people's, the answers' and a transaction's events' writes in six statements sent as one,
/// framed as `frame` says: one trip to SQLite's thread (an error: the transaction may still be
/// open).
pub(super) async fn write_all<'a>(
    tx: &mut Tx,
    people: &[UserRow],
    batch: impl IntoIterator<Item = &'a Answer>,
    events: &[super::NewEvent],
    frame: Frame,
) -> Result<(), sqlx::Error> {
    for p in people {
        tx.touch(Touch::UserRow(p.clone()));
    }
    let people: Vec<_> = people
        .iter()
        .map(|p| (p.id, &p.first_name, &p.username, &p.tg_language))
        .collect();
    let mut updates = vec![];
    let mut sets: Vec<(i64, &str)> = vec![];
    let mut clears = vec![];
    let mut rows: Vec<&NewRow> = vec![];
    for a in batch {
        updates.extend(a.update_id);
        match &a.dialogue {
            DialogueWrite::Keep => {}
            DialogueWrite::Set(json) => {
                sets.push((a.chat_id, json));
                tx.touch(Touch::Dialogue(a.chat_id, Some(json.clone())));
            }
            DialogueWrite::Clear => {
                clears.push(a.chat_id);
                tx.touch(Touch::Dialogue(a.chat_id, None));
            }
        }
        rows.extend(&a.rows);
    }
    // Three parameters for all six statements: the messages, the largest part, in `?2` and the
    // events in `?3`, each read by the one statement that needs it (each statement parses the
    // JSON it reads again); the rest in `?1`. sqlx binds a statement that skips parameters
    // (`?1, ?5`) by counting the skipped ones from where the last statement's count ended, so
    // only the last statement skips any.
    let now = now_ms();
    let all = serde_json::json!({
        "now": now,
        "people": people,
        "updates": updates,
        "sets": sets,
        "clears": clears,
    });
    // People first: the rest may refer to them. A later row of the same person wins.
    macro_rules! write_all_sql {
        () => {
            "INSERT INTO users (id, first_name, username, tg_language, created_at)
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, ?1 ->> '$.now'
             FROM json_each(?1, '$.people') WHERE true ORDER BY key
             ON CONFLICT (id) DO UPDATE SET first_name = excluded.first_name,
                 username = excluded.username, tg_language = excluded.tg_language,
                 unreachable_at = NULL;
         INSERT OR IGNORE INTO processed_updates (update_id, at)
             SELECT value, ?1 ->> '$.now' FROM json_each(?1, '$.updates');
         INSERT INTO dialogues (chat_id, state_json, updated_at)
             SELECT value ->> 0, value ->> 1, ?1 ->> '$.now' FROM json_each(?1, '$.sets') WHERE true
             ON CONFLICT (chat_id) DO UPDATE
                 SET state_json = excluded.state_json, updated_at = excluded.updated_at;
         DELETE FROM dialogues WHERE chat_id IN (SELECT value FROM json_each(?1, '$.clears'));
         INSERT INTO outbox (priority, chat_id, kind, payload_json, request_id, not_before, created_at)
             SELECT value ->> 'priority', value ->> 'chat_id', value ->> 'kind',
                 value ->> 'payload_json', value ->> 'request_id', ?1 ->> '$.now', ?1 ->> '$.now'
             FROM json_each(?2) ORDER BY key RETURNING id;
         INSERT INTO request_events (request_id, actor_id, kind, note, at)
             SELECT value ->> 'request_id', value ->> 'actor_id', value ->> 'kind',
                 value ->> 'note', value ->> 'at'
             FROM json_each(?3) ORDER BY key;"
        };
    }
    let sql = match frame {
        Frame::Writes => write_all_sql!(),
        Frame::Commit => concat!(write_all_sql!(), "\n         COMMIT;"),
        Frame::Whole => concat!("BEGIN IMMEDIATE;\n", write_all_sql!(), "\n         COMMIT;"),
    };
    let mut ids: Vec<i64> = sqlx::query_scalar(sql)
        .bind(super::to_json(&all)?)
        .bind(super::to_json(&rows)?)
        .bind(super::to_json(events)?)
        .fetch_all(&mut **tx)
        .await?;
    // Inserted in the messages' order, so their ids grow in it (RETURNING itself gives no order).
    ids.sort_unstable();
    if ids.len() == rows.len() && !rows.is_empty() {
        tx.touch(Touch::Queued(
            ids.into_iter()
                .zip(rows)
                .map(|(id, r)| r.queued(id, now))
                .collect(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(update: i64, chat: i64, dialogue: DialogueWrite, text: &str) -> Answer {
        Answer {
            update_id: Some(update),
            chat_id: chat,
            dialogue,
            rows: vec![NewRow {
                priority: 0,
                chat_id: chat,
                kind: "text",
                payload_json: format!("{{\"t\":\"{text}\"}}"),
                request_id: None,
            }],
        }
    }

    #[tokio::test]
    async fn many_answers_at_once_all_land_each_whole() {
        let (_dir, pool) = crate::db::testing::file_db().await;
        let mut tasks = vec![];
        for i in 0..60_i64 {
            let pool = pool.clone();
            let dialogue = match i % 3 {
                0 => DialogueWrite::Set(format!("{{\"step\":{i}}}")),
                1 => DialogueWrite::Clear,
                _ => DialogueWrite::Keep,
            };
            tasks.push(tokio::spawn(async move {
                write(&pool, answer(1000 + i, i, dialogue, &format!("m{i}"))).await
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let updates: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM processed_updates")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(updates, 60);
        let dialogues: Vec<(i64, String)> =
            sqlx::query_as("SELECT chat_id, state_json FROM dialogues ORDER BY chat_id")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert_eq!(dialogues.len(), 20);
        assert!(
            dialogues
                .iter()
                .all(|(c, s)| *s == format!("{{\"step\":{c}}}"))
        );
        let outbox: Vec<(i64, String)> =
            sqlx::query_as("SELECT chat_id, payload_json FROM outbox ORDER BY id")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert_eq!(outbox.len(), 60);
        assert!(
            outbox
                .iter()
                .all(|(c, p)| *p == format!("{{\"t\":\"m{c}\"}}"))
        );
        // The cache holds what was committed.
        let cache = crate::db::cache(&pool);
        assert_eq!(cache.dialogue(3).unwrap().as_deref(), Some("{\"step\":3}"));
        assert_eq!(cache.dialogue(4).unwrap(), None);
        // And hands the sender the messages as the table has them, in the order of their ids.
        assert_eq!(queued_in_memory(&pool), queued_in_table(&pool).await);
        assert!(
            crate::db::cache(&pool).take_queued().0.is_empty(),
            "taken once"
        );
    }

    type Queued = Vec<(i64, i64, i64, String, String, Option<i64>, i64)>;

    fn queued_in_memory(pool: &SqlitePool) -> Queued {
        let (rows, lost) = crate::db::cache(pool).take_queued();
        assert!(!lost);
        rows.into_iter()
            .map(|(p, r)| {
                assert_eq!((p.id, p.chat_id, p.priority), (r.id, r.chat_id, r.priority));
                (
                    r.id,
                    r.priority,
                    r.chat_id,
                    r.kind,
                    r.payload_json,
                    r.request_id,
                    p.not_before,
                )
            })
            .collect()
    }

    async fn queued_in_table(pool: &SqlitePool) -> Queued {
        sqlx::query_as(
            "SELECT id, priority, chat_id, kind, payload_json, request_id, not_before
             FROM outbox ORDER BY id",
        )
        .fetch_all(pool)
        .await
        .unwrap()
    }

    /// `BEGIN` goes with the writes; a transaction left open on the writer's connection makes
    /// that fail, and the answer still lands, written the usual way.
    #[tokio::test]
    async fn a_transaction_left_open_does_not_fail_the_next_answers() {
        let (_dir, pool) = crate::db::testing::file_db().await;
        let file = crate::db::file_state(&pool);
        let mut writer = file.hold().await.unwrap();
        sqlx::raw_sql("BEGIN IMMEDIATE")
            .execute(writer.as_mut().unwrap())
            .await
            .unwrap();
        drop(writer);
        write(
            &pool,
            answer(1, 1, DialogueWrite::Set("{}".into()), "first"),
        )
        .await
        .unwrap();
        write(&pool, answer(2, 2, DialogueWrite::Keep, "second"))
            .await
            .unwrap();
        assert_eq!(queued_in_table(&pool).await.len(), 2);
        assert_eq!(queued_in_memory(&pool), queued_in_table(&pool).await);
        // Committed for every connection to see, not left inside a transaction.
        let dialogues: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dialogues")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(dialogues, 1);
    }

    #[tokio::test]
    async fn one_bad_answer_fails_alone() {
        let (_dir, pool) = crate::db::testing::file_db().await;
        // The gate is held, so both answers queue and are written as one batch.
        let gate = crate::db::file_state(&pool).gate.clone();
        let held = gate.lock_owned().await;
        let good = tokio::spawn({
            let pool = pool.clone();
            async move { write(&pool, answer(1, 1, DialogueWrite::Keep, "fine")).await }
        });
        // A message the database refuses: the shared statement fails on it.
        sqlx::query(
            "CREATE TRIGGER refuse BEFORE INSERT ON outbox WHEN NEW.payload_json LIKE '%boom%'
             BEGIN SELECT RAISE(ABORT, 'refused'); END",
        )
        .execute(&pool)
        .await
        .unwrap();
        let bad = answer(2, 2, DialogueWrite::Set("{}".into()), "boom");
        let bad = tokio::spawn({
            let pool = pool.clone();
            async move { write(&pool, bad).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        drop(held);
        assert!(good.await.unwrap().is_ok());
        assert!(bad.await.unwrap().is_err());
        let sent: Vec<String> = sqlx::query_scalar("SELECT payload_json FROM outbox")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(sent, vec!["{\"t\":\"fine\"}".to_string()]);
        // The shared commit that failed handed nothing over; the good answer's own did.
        assert_eq!(queued_in_memory(&pool), queued_in_table(&pool).await);
        let dialogues: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dialogues")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(dialogues, 0, "nothing of the refused answer stays");
    }

    fn person(id: i64, name: &str) -> UserRow {
        UserRow {
            id,
            first_name: name.into(),
            username: None,
            tg_language: Some("ru".into()),
            language: None,
            unreachable_at: None,
        }
    }

    async fn name_in_db(pool: &SqlitePool, id: i64) -> Option<String> {
        sqlx::query_scalar("SELECT first_name FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(pool)
            .await
            .unwrap()
    }

    /// A person seen in an update is in the cache at once and in the database with the next
    /// transaction, before anything in it that refers to them; the latest name wins.
    #[tokio::test]
    async fn people_go_first_in_the_next_transaction() {
        let (_dir, pool) = crate::db::testing::file_db().await;
        defer_person(&pool, person(5, "Vera"));
        defer_person(&pool, person(5, "Вера"));
        assert_eq!(crate::db::cache(&pool).user(5).unwrap().first_name, "Вера");
        assert_eq!(name_in_db(&pool, 5).await, None);
        // A writer's transaction refers to the person (a foreign key): they are written first.
        let mut tx = crate::db::begin_write(&pool).await.unwrap();
        sqlx::query(
            "INSERT INTO help_requests (requester_id, for_whom, beneficiary, region_id, category,
                 settlement, urgency, needed_on, status, created_at, updated_at)
             VALUES (5, 'self', 'elderly', 60, 'groceries', 'Pskov', 'soon', '2026-12-01', 'open', 0, 0)",
        )
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(name_in_db(&pool, 5).await.as_deref(), Some("Вера"));
        // And with an answer: the same transaction.
        defer_person(&pool, person(6, "Anna"));
        write(&pool, answer(1, 6, DialogueWrite::Keep, "hi"))
            .await
            .unwrap();
        assert_eq!(name_in_db(&pool, 6).await.as_deref(), Some("Anna"));
        assert_eq!(crate::db::cache(&pool).user(6).unwrap().first_name, "Anna");
    }

    /// A person the database refuses is forgotten by the cache (their next update writes them
    /// again); the answers of the same transaction still land.
    #[tokio::test]
    async fn a_refused_person_is_forgotten_and_the_answers_still_land() {
        let (_dir, pool) = crate::db::testing::file_db().await;
        sqlx::query(
            "CREATE TRIGGER refuse BEFORE INSERT ON users WHEN NEW.first_name = 'boom'
             BEGIN SELECT RAISE(ABORT, 'refused'); END",
        )
        .execute(&pool)
        .await
        .unwrap();
        defer_person(&pool, person(7, "boom"));
        assert!(crate::db::cache(&pool).user(7).is_ok());
        write(&pool, answer(1, 8, DialogueWrite::Keep, "fine"))
            .await
            .unwrap();
        assert_eq!(name_in_db(&pool, 7).await, None);
        assert!(crate::db::cache(&pool).user(7).is_err());
        let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(sent, 1);
    }

    /// A writer that queued for the gate before an answer still finds the answer committed when
    /// its own transaction starts: answers never wait behind a queue of other writers.
    #[tokio::test]
    async fn answers_go_before_writers_queued_ahead_of_them() {
        let (_dir, pool) = crate::db::testing::file_db().await;
        let first = crate::db::begin_write(&pool).await.unwrap();
        let writer = tokio::spawn({
            let pool = pool.clone();
            async move {
                let mut tx = crate::db::begin_write(&pool).await.unwrap();
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
                    .fetch_one(&mut *tx)
                    .await
                    .unwrap();
                tx.rollback().await.unwrap();
                n
            }
        });
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        let answered = tokio::spawn({
            let pool = pool.clone();
            async move { write(&pool, answer(1, 1, DialogueWrite::Keep, "hi")).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        first.rollback().await.unwrap();
        assert_eq!(writer.await.unwrap(), 1, "the answer was written first");
        answered.await.unwrap().unwrap();
    }
}
