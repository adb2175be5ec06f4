//! Moves the write-ahead log back into the database file every few seconds, so no commit pays
//! for a checkpoint (SQLite's automatic one runs inside the commit that crosses its threshold).

use std::time::Duration;

use tokio::sync::watch;

use crate::bot::Ctx;
use crate::db;

const EVERY: Duration = Duration::from_secs(2);

pub async fn run(ctx: Ctx, mut stop: watch::Receiver<bool>) {
    loop {
        if *stop.borrow() {
            break;
        }
        if let Err(e) = db::checkpoint(&ctx.pool).await {
            tracing::warn!(error = %e, "cannot checkpoint the database");
        }
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = stop.changed() => {}
        }
    }
    // A last one, so a stopped bot leaves a short log behind.
    let _ = db::checkpoint(&ctx.pool).await;
}
