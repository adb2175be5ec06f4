//! Every SQL statement of the bot lives below this module.

pub mod dialogues;
pub mod digests;
pub mod duty;
pub mod export;
pub mod leads;
pub mod outbox;
pub mod privacy;
pub mod regions;
pub mod requests;
pub mod updates;
pub mod users;
pub mod volunteers;

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub type Tx = Transaction<'static, Sqlite>;

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
        .busy_timeout(Duration::from_secs(10));
    SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .map_err(DbError::Open)
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
    pool.begin_with("BEGIN IMMEDIATE").await
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
