//! Address, phone, beneficiary's name and voice message of a request that ended (closed or
//! cancelled) are erased RETENTION_DAYS after it ended, once: the request is then marked purged.
//! A weekly repeat stopped that long ago loses its copy of the request's personal data.
//! Rows, statuses, kinds of help, regions, dates and events stay, so counts stay right.
//!
//! The loop sleeps until the next request is due (at most an hour), or until the test clock
//! moves, or until stop. Each batch is its own short write transaction.

use std::time::Duration;

use tokio::sync::watch;

use crate::bot::Ctx;
use crate::db;

const LONGEST_SLEEP: Duration = Duration::from_secs(3600);
const DAY_MS: i64 = 24 * 3600 * 1000;
/// Requests erased per transaction: keeps the write lock short when much is due at once.
const BATCH: i64 = 200;

pub async fn run(ctx: Ctx, mut stop: watch::Receiver<bool>) {
    let keep_ms = i64::from(ctx.config.retention_days) * DAY_MS;
    loop {
        if *stop.borrow() {
            return;
        }
        // Before reading the time: a move of the clock after this is not missed.
        let mut clock = ctx.clock.watch();
        let now = ctx.clock.now_ms();
        let sleep = match purge_due(&ctx, now, now - keep_ms).await {
            Ok(()) => match db::privacy::earliest_unpurged_end(&ctx.pool).await {
                Ok(Some(ended)) => {
                    let due_in = (ended + keep_ms - now).max(0) as u64;
                    Duration::from_millis(due_in + 5).min(LONGEST_SLEEP)
                }
                Ok(None) => LONGEST_SLEEP,
                Err(e) => {
                    tracing::error!(error = %e, "retention: cannot read the next due time");
                    Duration::from_secs(30)
                }
            },
            Err(e) => {
                tracing::error!(error = %e, "retention: cannot erase the data of ended requests");
                Duration::from_secs(30)
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            _ = clock.moved() => {}
            changed = stop.changed() => {
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}

/// Erases, batch by batch, every request that ended at or before `ended_before`.
async fn purge_due(ctx: &Ctx, now: i64, ended_before: i64) -> Result<(), sqlx::Error> {
    let mut total = 0;
    loop {
        let mut tx = db::begin_write(&ctx.pool).await?;
        let n = db::privacy::purge_ended(&mut tx, now, ended_before, BATCH).await?;
        if n > 0 {
            db::aftercare::purge_with_requests(&mut tx).await?;
        }
        tx.commit().await?;
        total += n;
        if n < BATCH as u64 {
            break;
        }
        tokio::task::yield_now().await;
    }
    // Code words, followers and the record of relayed messages of ended requests; what weekly
    // repeats stopped that long ago kept of the person they were for.
    let mut tx = db::begin_write(&ctx.pool).await?;
    db::door::purge_ended(&mut tx).await?;
    db::duty::purge_stopped(&mut tx, ended_before).await?;
    tx.commit().await?;
    if total > 0 {
        tracing::info!(
            requests = total,
            "retention: erased address and phone of ended requests"
        );
    }
    Ok(())
}
