//! Every SQL statement of the bot lives below this module.

pub mod aftercare;
pub mod cache;
pub mod dialogues;
pub mod digests;
pub mod door;
pub mod duty;
pub mod export;
pub mod group;
pub mod leads;
pub mod outbox;
pub mod privacy;
pub mod regions;
pub mod requests;
pub mod updates;
pub mod users;
pub mod volunteers;

use std::collections::HashMap;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};

use cache::{Cache, Touch};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A write transaction: it holds its database file's write gate, and the writer's connection,
/// until it commits or is dropped (dropped, it rolls back before the next writer starts).
/// Derefs to the connection, so statements run on `&mut **tx` (or `&mut *tx` when owned).
pub struct Tx {
    /// `Some` until the transaction ends.
    writer: Option<Writer>,
    /// Inside `BEGIN`, not yet committed or rolled back.
    open: bool,
    cache: Arc<Cache>,
    touched: Vec<Touch>,
    /// What waits to be written with the commit (see `flush`): the update acted on, the messages
    /// queued, the events recorded and the dialogues changed.
    handled: Option<i64>,
    queued: Vec<outbox::NewRow>,
    events: Vec<NewEvent>,
    /// Dialogues to set (`Some`: the state as JSON) or clear, the last word for each chat.
    dialogues: Vec<(i64, Option<String>)>,
}

/// Where a transaction takes a person's row from (`Tx::user_source`).
pub(crate) enum UserSource {
    Cached(users::UserRow),
    Read(Option<cache::ReadStart>),
}

/// How a transaction ends.
enum End {
    Commit,
    /// Its last statement was the `COMMIT` (see `group`).
    Committed,
    Rollback,
}

/// An event of a request, written with the transaction's commit (see `Tx::flush`).
#[derive(serde::Serialize)]
pub struct NewEvent {
    pub request_id: i64,
    pub actor_id: Option<i64>,
    pub kind: &'static str,
    pub note: Option<String>,
    pub at: i64,
}

impl Tx {
    /// `BEGIN IMMEDIATE` on the writer's connection; on failure the gate comes back with the error.
    async fn begin(file: &FileState, writer: Writer) -> Result<Tx, (sqlx::Error, Writer)> {
        let mut tx = Tx::new(file, writer, false);
        let begun = match sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut *tx).await {
            // A transaction left open by a task that ended before it could roll back: end it.
            Err(_) => {
                let _ = sqlx::raw_sql("ROLLBACK").execute(&mut *tx).await;
                sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut *tx).await
            }
            ok => ok,
        };
        match begun {
            Ok(_) => {
                tx.open = true;
                Ok(tx)
            }
            Err(e) => Err((e, tx.writer.take().expect("the writer is held"))),
        }
    }

    /// A transaction on the writer's connection; `open`: already begun, or begun by the next
    /// statement sent, which starts with `BEGIN IMMEDIATE` (see `group::commit`).
    fn new(file: &FileState, writer: Writer, open: bool) -> Tx {
        Tx {
            writer: Some(writer),
            open,
            cache: file.cache.clone(),
            touched: Vec::new(),
            handled: None,
            queued: Vec::new(),
            events: Vec::new(),
            dialogues: Vec::new(),
        }
    }

    /// Commits, then brings the in-memory cache up to what was written.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.end(End::Commit).await.1
    }

    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.end(End::Rollback).await.1
    }

    /// Ends the transaction (a failed commit rolls back) and hands the gate back.
    async fn end(mut self, end: End) -> (Writer, Result<(), sqlx::Error>) {
        let r = match end {
            End::Commit => self.write_pending(true).await.map_err(Some),
            End::Committed => Ok(()),
            End::Rollback => Err(None),
        };
        let r = match r {
            Ok(()) => {
                self.cache.apply(std::mem::take(&mut self.touched));
                Ok(())
            }
            Err(e) => {
                let rolled = sqlx::raw_sql("ROLLBACK").execute(&mut *self).await;
                match e {
                    Some(e) => Err(e),
                    None => rolled.map(|_| ()),
                }
            }
        };
        self.open = false;
        (self.writer.take().expect("the writer is held"), r)
    }

    /// Records the update acted on, with the commit.
    pub fn mark_handled(&mut self, update_id: i64) {
        self.handled = Some(update_id);
    }

    /// Queues messages, written with the commit in order.
    pub fn queue(&mut self, rows: impl IntoIterator<Item = outbox::NewRow>) {
        self.queued.extend(rows);
    }

    /// Records an event of a request, written with the commit after those recorded before it.
    pub fn record(&mut self, event: NewEvent) {
        self.events.push(event);
    }

    /// Sets (`Some`: the state as JSON) or clears a chat's dialogue, with the commit.
    pub fn set_dialogue(&mut self, chat_id: i64, state: Option<String>) {
        self.dialogues.retain(|(c, _)| *c != chat_id);
        self.dialogues.push((chat_id, state));
    }

    /// Takes back the queued messages that `drop` picks.
    pub fn unqueue(&mut self, drop: impl Fn(&outbox::NewRow) -> bool) {
        self.queued.retain(|r| !drop(r));
    }

    /// Writes what waits for the commit now, in one statement. Nothing reads these rows back
    /// while the transaction runs, so a handler's messages, events, dialogues and update cost
    /// one trip to SQLite's thread together; a statement that reads or changes the outbox, the
    /// events or the dialogues calls this first (or `unqueue`).
    pub async fn flush(&mut self) -> Result<(), sqlx::Error> {
        self.write_pending(false).await
    }

    /// `flush`, and with `commit` the `COMMIT` in the same trip (an error: the transaction is
    /// still open).
    async fn write_pending(&mut self, commit: bool) -> Result<(), sqlx::Error> {
        if self.handled.is_none()
            && self.queued.is_empty()
            && self.events.is_empty()
            && self.dialogues.is_empty()
        {
            if commit {
                sqlx::raw_sql("COMMIT").execute(&mut **self).await?;
            }
            return Ok(());
        }
        let mut answers = vec![group::Answer {
            update_id: self.handled.take(),
            chat_id: 0,
            dialogue: group::DialogueWrite::Keep,
            rows: std::mem::take(&mut self.queued),
        }];
        answers.extend(
            self.dialogues
                .drain(..)
                .map(|(chat_id, state)| group::Answer {
                    update_id: None,
                    chat_id,
                    dialogue: state.map_or(group::DialogueWrite::Clear, group::DialogueWrite::Set),
                    rows: vec![],
                }),
        );
        let events = std::mem::take(&mut self.events);
        let frame = if commit {
            group::Frame::Commit
        } else {
            group::Frame::Writes
        };
        group::write_all(self, &[], &answers, &events, frame).await
    }

    /// Notes a change to a cached row, applied to the cache once the transaction commits.
    pub fn touch(&mut self, t: Touch) {
        self.touched.push(t);
    }

    /// A person's row: from the cache, unless this transaction changed it. A row read here is
    /// what was committed (a transaction holds the write gate, so nobody commits meanwhile) and
    /// goes into the cache when this transaction has not changed it.
    pub async fn user(&mut self, id: i64) -> Result<Option<users::UserRow>, sqlx::Error> {
        let start = match self.user_source(id) {
            UserSource::Cached(row) => return Ok(Some(row)),
            UserSource::Read(start) => start,
        };
        let row: Option<users::UserRow> = sqlx::query_as(users::SELECT_USER)
            .bind(id)
            .fetch_optional(&mut **self)
            .await?;
        Ok(self.user_read(start, row))
    }

    /// Where `user` takes a person's row from: the cache, or a read in this transaction (with
    /// the moment to hand the cache, unless this transaction changed the person).
    pub(crate) fn user_source(&self, id: i64) -> UserSource {
        let changed = self.touched.iter().any(|t| match t {
            Touch::User(u) => *u == id,
            Touch::UserRow(row) => row.id == id,
            _ => false,
        });
        match self.cache.user(id) {
            Ok(row) if !changed => UserSource::Cached(row),
            Ok(_) => UserSource::Read(None),
            Err(start) => UserSource::Read((!changed).then_some(start)),
        }
    }

    /// A person's row read in this transaction (see `user_source`), noted in the cache.
    pub(crate) fn user_read(
        &self,
        start: Option<cache::ReadStart>,
        row: Option<users::UserRow>,
    ) -> Option<users::UserRow> {
        if let (Some(start), Some(row)) = (start, &row) {
            self.cache.fill_user(start, row.clone());
        }
        row
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        let Some(mut writer) = self.writer.take() else {
            return;
        };
        if !self.open {
            return;
        }
        // Dropped inside its transaction (an error on the way): the gate goes to the next writer
        // only once this one has rolled back. Without a runtime, the next `begin` rolls it back.
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                if let Some(conn) = writer.as_mut() {
                    let _ = sqlx::raw_sql("ROLLBACK").execute(conn).await;
                }
            });
        }
    }
}

impl std::ops::Deref for Tx {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        self.writer
            .as_ref()
            .and_then(|w| w.as_ref())
            .expect("a transaction holds the writer")
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.writer
            .as_mut()
            .and_then(|w| w.as_mut())
            .expect("a transaction holds the writer")
    }
}

/// The write gate, held, with the writer's connection in it (`None` until first opened).
type Writer = tokio::sync::OwnedMutexGuard<Option<SqliteConnection>>;

/// What the bot keeps per database file: its write gate and its cache.
///
/// The write gate: SQLite lets one writer in at a time; writers that find the lock taken sleep in
/// its busy handler (1 ms, 2 ms, 5 ms, … 100 ms), which under load costs more than the writes
/// themselves. Waiting here instead is a fair async queue: the next writer starts the moment the
/// last one commits.
///
/// The gate holds the writer's connection, opened on first use and kept: whoever holds the gate
/// writes on it, and never waits in the pool's queue behind readers (a digest, a list), nor for
/// the pool to take back the previous writer's connection, while every other writer waits.
#[derive(Clone)]
struct FileState {
    gate: Arc<tokio::sync::Mutex<Option<SqliteConnection>>>,
    options: Arc<SqliteConnectOptions>,
    cache: Arc<Cache>,
    group: Arc<group::Queue>,
}

static FILES: LazyLock<Mutex<HashMap<PathBuf, FileState>>> = LazyLock::new(Default::default);

fn file_state(pool: &SqlitePool) -> FileState {
    let file = pool.connect_options().get_filename().to_path_buf();
    let mut files = FILES.lock().unwrap_or_else(|e| e.into_inner());
    files
        .entry(file)
        .or_insert_with(|| FileState {
            gate: Arc::default(),
            options: pool.connect_options(),
            cache: Arc::default(),
            group: Arc::default(),
        })
        .clone()
}

impl FileState {
    /// Waits for the gate; opens the writer's connection if it is not open yet. An in-memory
    /// database has no second connection to it: it takes no writes through the gate (the tests'
    /// in-memory databases only read).
    async fn hold(&self) -> Result<Writer, sqlx::Error> {
        let mut writer = self.gate.clone().lock_owned().await;
        if writer.is_none() {
            let file = self.options.get_filename().as_os_str();
            if file.is_empty() || file == ":memory:" {
                return Err(sqlx::Error::Configuration(
                    "an in-memory database has no writer's connection: use a file".into(),
                ));
            }
            use sqlx::ConnectOptions;
            let mut conn = self.options.connect().await?;
            stable_plans(&mut conn).await?;
            *writer = Some(conn);
        }
        Ok(writer)
    }
}

/// Closes the pool and the writer's connection of its file.
pub async fn close(pool: &SqlitePool) {
    let file = pool.connect_options().get_filename().to_path_buf();
    let state = FILES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&file);
    if let Some(state) = state
        && let Some(conn) = state.gate.lock().await.take()
    {
        use sqlx::Connection;
        let _ = conn.close().await;
    }
    pool.close().await;
}

/// The in-memory cache of the pool's database file (see `cache`).
pub fn cache(pool: &SqlitePool) -> Arc<Cache> {
    file_state(pool).cache
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot open the database: {0}")]
    Open(#[source] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error("backup failed: {0}")]
    Backup(String),
}

/// Opens (creating if missing) the SQLite file in WAL mode, with foreign keys and a busy timeout.
pub async fn connect(url: &str) -> Result<SqlitePool, DbError> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(DbError::Open)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // Checkpoints run in the background (`jobs::checkpoint`), not inside whichever commit
        // crosses the WAL's size threshold.
        .pragma("wal_autocheckpoint", "0");
    SqlitePoolOptions::new()
        .max_connections(8)
        // A ping before every use would double the hand-offs to SQLite's thread; a broken
        // connection shows in the statement's own error instead.
        .test_before_acquire(false)
        .after_connect(|conn, _| Box::pin(stable_plans(conn)))
        .connect_with(options)
        .await
        .map_err(DbError::Open)
}

/// Turns on SQLite's query planner stability guarantee (QPSG) for a connection: a statement's
/// plan never depends on the values bound to it. Without it SQLite compiles a statement again at
/// every run that binds a new value to a parameter it planned with, and sqlx binds at every run:
/// every `LIMIT ?` (the digest's lists, a Take's notes, every page of a list) and every parameter
/// compared with a partial index's condition. The digest and a Take's hand-over read were parsed
/// and planned anew at each run: 14% of the bot's CPU in the load benchmark's flood.
pub async fn stable_plans(conn: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    use libsqlite3_sys::{SQLITE_DBCONFIG_ENABLE_QPSG, SQLITE_OK, sqlite3_db_config};
    use std::ffi::c_int;
    let mut handle = conn.lock_handle().await?;
    let mut now: c_int = 0;
    // SAFETY: the handle is the connection's open database, locked to this thread for the call;
    // SQLITE_DBCONFIG_ENABLE_QPSG takes an int (1: on) and a pointer to an int that receives the
    // setting now in force, as SQLite's documentation of sqlite3_db_config says.
    let rc = unsafe {
        sqlite3_db_config(
            handle.as_raw_handle().as_ptr(),
            SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as c_int,
            &mut now as *mut c_int,
        )
    };
    if rc != SQLITE_OK || now != 1 {
        return Err(sqlx::Error::Configuration(
            format!("SQLite refused the query planner stability guarantee (code {rc})").into(),
        ));
    }
    Ok(())
}

/// Connects and brings the schema up to date.
pub async fn connect_and_migrate(url: &str) -> Result<SqlitePool, DbError> {
    let pool = connect(url).await?;
    MIGRATOR.run(&pool).await.map_err(DbError::Migrate)?;
    Ok(pool)
}

/// Every transaction that writes takes the write lock up front: a deferred BEGIN that later
/// writes fails with SQLITE_BUSY under contention, whatever the busy timeout.
pub async fn begin_write(pool: &SqlitePool) -> Result<Tx, sqlx::Error> {
    write_gate(pool).await?.begin().await
}

/// The file's write gate, held: nobody else commits until it is dropped or becomes a
/// transaction (`WriteGate::begin`). A read on any connection of the pool meanwhile sees every
/// commit, and stays true until this holder writes — a check that may refuse can run before
/// `BEGIN`, and a refusal then costs no transaction.
pub struct WriteGate {
    writer: Writer,
    file: FileState,
}

pub async fn write_gate(pool: &SqlitePool) -> Result<WriteGate, sqlx::Error> {
    let file = file_state(pool);
    let writer = file.hold().await?;
    // Answers to people waiting in the shared queue go first: they wait for at most one
    // transaction, not for every writer queued before them (see `group`).
    let writer = group::flush(&file, writer).await;
    Ok(WriteGate { writer, file })
}

impl WriteGate {
    pub async fn begin(self) -> Result<Tx, sqlx::Error> {
        Tx::begin(&self.file, self.writer).await.map_err(|(e, _)| e)
    }

    /// The writer's connection, for a look under the gate before `begin`.
    pub fn conn(&mut self) -> &mut SqliteConnection {
        self.writer.as_mut().expect("the gate holds the writer")
    }
}

/// Runs a writer's work on the writers' own thread: there it is never queued behind the handlers'
/// other work each time SQLite answers, while every other writer waits for it.
pub async fn on_writer_thread<T: Send + 'static>(
    work: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    match writers().spawn(work).await {
        Ok(v) => v,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
}

/// The writers' thread: a runtime of its own that runs only work holding the write gate.
pub fn writers() -> &'static tokio::runtime::Handle {
    static WRITERS: LazyLock<tokio::runtime::Handle> = LazyLock::new(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("the writers' runtime");
        let handle = rt.handle().clone();
        std::thread::Builder::new()
            .name("writers".into())
            .spawn(move || rt.block_on(std::future::pending::<()>()))
            .expect("the writers' thread");
        handle
    });
    &WRITERS
}

/// Copies what the WAL holds back into the database file without blocking anyone (PASSIVE):
/// returns the WAL's frames and how many of them are now in the file.
pub async fn checkpoint(pool: &SqlitePool) -> Result<(i64, i64), sqlx::Error> {
    let (_busy, log, done): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(pool)
        .await?;
    Ok((log, done))
}

/// A value as JSON text, for a column or a `json_each(?)` parameter.
pub fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String, sqlx::Error> {
    serde_json::to_string(value).map_err(|e| sqlx::Error::Encode(Box::new(e)))
}

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub fn from_ms(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// A consistent copy of the live database into a new file (`VACUUM INTO`): safe while the bot
/// runs, since WAL readers do not block the writer.
pub async fn backup(url: &str, to: &std::path::Path) -> Result<(), DbError> {
    if to.exists() {
        return Err(DbError::Backup(format!(
            "{} already exists; choose a new file",
            to.display()
        )));
    }
    let pool = connect(url).await?;
    let result = sqlx::query("VACUUM INTO ?")
        .bind(to.to_string_lossy().into_owned())
        .execute(&pool)
        .await
        .map_err(|e| DbError::Backup(e.to_string()));
    pool.close().await;
    result.map(|_| ())
}

/// What the database modules' tests share: a migrated database in memory, and query plans.
#[cfg(test)]
pub(crate) mod testing {
    use sqlx::SqlitePool;
    use sqlx::sqlite::SqlitePoolOptions;

    /// A migrated database in a file of a new directory (kept while the directory lives).
    pub async fn file_db() -> (tempfile::TempDir, SqlitePool) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/t.db", dir.path().display());
        (dir, super::connect_and_migrate(&url).await.unwrap())
    }

    /// Request `id` of requester 9 in Pskov (region 60), with `status`.
    pub async fn seed_request(pool: &SqlitePool, id: i64, status: &str) {
        sqlx::query(
            "INSERT OR IGNORE INTO users (id, first_name, created_at) VALUES (9, 'R', 0);
             INSERT INTO help_requests (id, requester_id, for_whom, beneficiary, region_id, category,
                 settlement, urgency, needed_on, status, created_at, updated_at)
             VALUES (?1, 9, 'self', 'elderly', 60, 'groceries', 'Pskov', 'today', '2026-11-28',
                 ?2, 0, 0);",
        )
        .bind(id)
        .bind(status)
        .execute(pool)
        .await
        .unwrap();
    }

    /// A database in memory on one connection, with the migrations numbered below `before`
    /// (`i64::MAX`: all of them), planned as the bot's connections plan (`stable_plans`).
    pub async fn memory_db(before: i64) -> SqlitePool {
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .after_connect(|conn, _| Box::pin(super::stable_plans(conn)))
            .connect("sqlite::memory:")
            .await
            .unwrap();
        let migrator = sqlx::migrate::Migrator {
            migrations: super::MIGRATOR
                .migrations
                .iter()
                .filter(|m| m.version < before)
                .cloned()
                .collect::<Vec<_>>()
                .into(),
            ..sqlx::migrate::Migrator::DEFAULT
        };
        migrator.run(&pool).await.unwrap();
        pool
    }

    /// The steps of a statement's plan (EXPLAIN QUERY PLAN), each of its parameters bound to 1.
    pub async fn plan(pool: &SqlitePool, sql: &str, params: usize) -> Vec<String> {
        let mut q = sqlx::query_as::<_, (i64, i64, i64, String)>(sqlx::AssertSqlSafe(format!(
            "EXPLAIN QUERY PLAN {sql}"
        )));
        for _ in 0..params {
            q = q.bind(1_i64);
        }
        let rows = q.fetch_all(pool).await.unwrap();
        rows.into_iter().map(|(_, _, _, step)| step).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::cache::Touch;

    /// How many times SQLite compiled again the statements the connection holds, and whether the
    /// digest's is one of them (SQLite's own count, SQLITE_STMTSTATUS_REPREPARE).
    async fn compiled_again(conn: &mut sqlx::SqliteConnection) -> (i64, bool) {
        use libsqlite3_sys::{
            SQLITE_STMTSTATUS_REPREPARE, sqlite3_next_stmt, sqlite3_sql, sqlite3_stmt_status,
        };
        let mut handle = conn.lock_handle().await.unwrap();
        let db = handle.as_raw_handle().as_ptr();
        let (mut again, mut digest) = (0, false);
        // SAFETY: the handle is locked to this thread; the statements it walks belong to it and
        // live until the lock is released.
        unsafe {
            let mut stmt = sqlite3_next_stmt(db, std::ptr::null_mut());
            while !stmt.is_null() {
                again += i64::from(sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_REPREPARE, 0));
                let sql = std::ffi::CStr::from_ptr(sqlite3_sql(stmt)).to_string_lossy();
                digest |= sql.contains("region_event_hours");
                stmt = sqlite3_next_stmt(db, stmt);
            }
        }
        (again, digest)
    }

    /// The digest (its lists' `LIMIT ?6`) and a list's pages (`LIMIT ? OFFSET ?`), each run three
    /// times with other values.
    async fn digests_and_pages(conn: &mut sqlx::SqliteConnection) {
        for cap in [5, 6, 7] {
            let query = super::digests::DigestQuery {
                region_id: 1,
                from: 0,
                to: 1,
                waiting_before: 0,
                held_before: 0,
                cap,
            };
            super::digests::read(conn, &query).await.unwrap();
            sqlx::query("SELECT id FROM regions ORDER BY id LIMIT ? OFFSET ?")
                .bind(cap)
                .bind(cap * 2)
                .fetch_all(&mut *conn)
                .await
                .unwrap();
        }
    }

    /// A statement run again with other values is not compiled again, on the pool's connections
    /// and the writer's. Without `stable_plans`, SQLite compiles such statements again at every
    /// run (seen on a connection of its own).
    #[tokio::test]
    async fn statements_are_not_compiled_again_for_other_values() {
        use sqlx::ConnectOptions;
        let (_dir, pool) = super::testing::file_db().await;
        let mut conn = pool.acquire().await.unwrap();
        digests_and_pages(&mut conn).await;
        assert_eq!(compiled_again(&mut conn).await, (0, true));
        let mut gate = super::write_gate(&pool).await.unwrap();
        digests_and_pages(gate.conn()).await;
        assert_eq!(compiled_again(gate.conn()).await, (0, true));
        drop(gate);
        let mut plain = pool.connect_options().connect().await.unwrap();
        digests_and_pages(&mut plain).await;
        let (again, digest) = compiled_again(&mut plain).await;
        assert!(digest && again >= 4, "{again}");
    }

    /// A transaction reads a person from the cache, fills it on a miss, and reads the database for
    /// a person it changed itself (the cache learns of that only at commit).
    #[tokio::test]
    async fn a_transaction_reads_people_through_the_cache_except_those_it_changed() {
        let (_dir, pool) = super::testing::file_db().await;
        sqlx::query(
            "INSERT INTO users (id, first_name, language, created_at) VALUES (7, 'Vera', 'ru', 0)",
        )
        .execute(&pool)
        .await
        .unwrap();
        let cache = super::cache(&pool);
        assert!(cache.user(7).is_err());
        let mut tx = super::begin_write(&pool).await.unwrap();
        let read = tx.user(7).await.unwrap().unwrap();
        assert_eq!(read.language.as_deref(), Some("ru"));
        assert_eq!(cache.user(7).unwrap().language.as_deref(), Some("ru"));
        // Changed in this transaction: the cache's row is not this transaction's truth.
        tx.touch(Touch::User(7));
        sqlx::query("UPDATE users SET language = 'en' WHERE id = 7")
            .execute(&mut *tx)
            .await
            .unwrap();
        assert_eq!(
            tx.user(7).await.unwrap().unwrap().language.as_deref(),
            Some("en")
        );
        assert_eq!(cache.user(7).unwrap().language.as_deref(), Some("ru"));
        tx.rollback().await.unwrap();
        assert_eq!(cache.user(7).unwrap().language.as_deref(), Some("ru"));
        // Committed: the cache forgets the row, and the next transaction reads it again.
        let mut tx = super::begin_write(&pool).await.unwrap();
        tx.touch(Touch::User(7));
        sqlx::query("UPDATE users SET language = 'en' WHERE id = 7")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut tx = super::begin_write(&pool).await.unwrap();
        assert_eq!(
            tx.user(7).await.unwrap().unwrap().language.as_deref(),
            Some("en")
        );
        assert!(tx.user(8).await.unwrap().is_none());
        drop(tx);
        pool.close().await;
    }

    /// A transaction's messages and its update are written with its commit, in the order they
    /// were queued; a statement on the outbox sees the ones queued before it; a transaction that
    /// does not commit leaves neither.
    #[tokio::test]
    async fn messages_and_the_update_are_written_with_the_commit() {
        let (_dir, pool) = super::testing::file_db().await;
        let row =
            |chat_id: i64, kind: &'static str, request_id: Option<i64>| super::outbox::NewRow {
                priority: 0,
                chat_id,
                kind,
                payload_json: format!("{{\"to\":{chat_id}}}"),
                request_id,
            };
        let count = |sql: &'static str| {
            let pool = pool.clone();
            async move {
                sqlx::query_scalar::<_, i64>(sql)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
            }
        };
        super::testing::seed_request(&pool, 5, "open").await;
        let mut tx = super::begin_write(&pool).await.unwrap();
        tx.mark_handled(42);
        for (kind, at) in [("claimed", 10), ("on_the_way", 11)] {
            tx.record(super::NewEvent {
                request_id: 5,
                actor_id: Some(9),
                kind,
                note: None,
                at,
            });
        }
        tx.queue([row(1, "text", None), row(2, "push", Some(5))]);
        tx.queue([row(3, "push", Some(6)), row(4, "text", None)]);
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(
            n, 0,
            "nothing written before the commit or a statement on the outbox"
        );
        // Dialogues: the last word for each chat, and a read in the transaction sees it.
        super::dialogues::save(&mut tx, 7, &serde_json::json!({"step": 1}))
            .await
            .unwrap();
        super::dialogues::clear(&mut tx, 8).await.unwrap();
        super::dialogues::save(&mut tx, 8, &serde_json::json!({"step": 2}))
            .await
            .unwrap();
        super::dialogues::clear(&mut tx, 7).await.unwrap();
        let eight: Option<serde_json::Value> = super::dialogues::load_in(&mut tx, 8).await.unwrap();
        assert_eq!(eight, Some(serde_json::json!({"step": 2})));
        // Request 5 was taken in the same transaction: its push queued above goes too.
        let sent = super::requests::close_pushes(&mut tx, 5, false)
            .await
            .unwrap();
        assert!(sent.is_empty());
        tx.queue([row(5, "text", None)]);
        tx.commit().await.unwrap();
        let chats: Vec<i64> = sqlx::query_scalar("SELECT chat_id FROM outbox ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(chats, vec![1, 3, 4, 5]);
        // The sender is handed the same rows in memory, with the ids the table gave them, and
        // learns that request 5's announcements were withdrawn (the push written before
        // `close_pushes` read the outbox, then deleted by it).
        let in_memory = || {
            let (rows, lost) = super::cache(&pool).take_queued();
            assert!(!lost);
            rows.into_iter()
                .map(|(p, r)| (p.id, r.chat_id, r.request_id))
                .collect::<Vec<_>>()
        };
        let in_table: Vec<(i64, i64, Option<i64>)> =
            sqlx::query_as("SELECT id, chat_id, request_id FROM outbox ORDER BY id")
                .fetch_all(&pool)
                .await
                .unwrap();
        let handed = in_memory();
        assert_eq!(super::cache(&pool).take_drops(), vec![Some(5)]);
        let kept: Vec<_> = handed
            .iter()
            .copied()
            .filter(|(_, _, request)| *request != Some(5))
            .collect();
        assert_eq!(kept, in_table);
        assert_eq!(handed.len(), in_table.len() + 1);
        assert_eq!(
            count("SELECT COUNT(*) FROM processed_updates WHERE update_id = 42").await,
            1
        );
        let dialogues: Vec<(i64, String)> =
            sqlx::query_as("SELECT chat_id, state_json FROM dialogues ORDER BY chat_id")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert_eq!(dialogues, vec![(8, "{\"step\":2}".to_owned())]);
        let events: Vec<(String, i64, i64)> =
            sqlx::query_as("SELECT kind, at, region_id FROM request_events ORDER BY id")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert_eq!(
            events,
            vec![("claimed".into(), 10, 60), ("on_the_way".into(), 11, 60)],
            "in order, and the events' trigger fills in the region"
        );
        let mut tx = super::begin_write(&pool).await.unwrap();
        tx.mark_handled(43);
        tx.queue([row(6, "text", None)]);
        tx.flush().await.unwrap();
        drop(tx);
        assert_eq!(count("SELECT COUNT(*) FROM outbox").await, 4);
        assert_eq!(
            in_memory(),
            vec![],
            "a transaction that did not commit hands nothing over"
        );
        assert_eq!(count("SELECT COUNT(*) FROM processed_updates").await, 1);
        pool.close().await;
    }

    /// A transaction dropped on the way (an error, a panic) leaves nothing behind, and the next
    /// writer starts on the same connection only once it has rolled back.
    #[tokio::test]
    async fn a_dropped_transaction_rolls_back_before_the_next_writer() {
        let (_dir, pool) = super::testing::file_db().await;
        let insert = "INSERT INTO users (id, first_name, created_at) VALUES (?, 'A', 0)";
        let ids = || async {
            sqlx::query_scalar::<_, i64>("SELECT id FROM users ORDER BY id")
                .fetch_all(&pool)
                .await
                .unwrap()
        };
        let mut tx = super::begin_write(&pool).await.unwrap();
        sqlx::query(insert).bind(1).execute(&mut *tx).await.unwrap();
        tx.record(super::NewEvent {
            request_id: 1,
            actor_id: None,
            kind: "created",
            note: None,
            at: 0,
        });
        drop(tx);
        let mut tx = super::begin_write(&pool).await.unwrap();
        sqlx::query(insert).bind(2).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(ids().await, vec![2]);
        let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM request_events")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(events, 0);
        // An explicit rollback, then a commit: the connection is never left inside a transaction.
        let mut tx = super::begin_write(&pool).await.unwrap();
        sqlx::query(insert).bind(3).execute(&mut *tx).await.unwrap();
        tx.rollback().await.unwrap();
        let mut tx = super::begin_write(&pool).await.unwrap();
        sqlx::query(insert).bind(4).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(ids().await, vec![2, 4]);
        super::close(&pool).await;
    }

    /// Commits never checkpoint on their own (the WAL grows past SQLite's usual 1,000 pages);
    /// `checkpoint` moves all of it into the file.
    #[tokio::test]
    async fn commits_leave_checkpoints_to_the_background() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/t.db", dir.path().display());
        let pool = super::connect(&url).await.unwrap();
        sqlx::query("CREATE TABLE t (x BLOB)")
            .execute(&pool)
            .await
            .unwrap();
        // 1,600 rows of 4 KB in 40 commits: about 1,600 pages of log.
        for _ in 0..40 {
            let mut tx = super::begin_write(&pool).await.unwrap();
            for _ in 0..40 {
                sqlx::query("INSERT INTO t VALUES (randomblob(4000))")
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
        }
        let (log, done) = super::checkpoint(&pool).await.unwrap();
        assert!(
            log > 1_000,
            "a commit checkpointed: only {log} pages in the log"
        );
        assert_eq!(log, done, "everything is in the file");
    }
}
