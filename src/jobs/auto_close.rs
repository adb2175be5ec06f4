//! A request marked done that its requester neither confirms nor disputes is closed after
//! CONFIRM_TIMEOUT (48 hours by default).

use std::time::Duration;

use tokio::sync::watch;

use crate::bot::Ctx;
use crate::db;

const LONGEST_SLEEP: Duration = Duration::from_secs(3600);

pub async fn run(ctx: Ctx, mut stop: watch::Receiver<bool>) {
    let timeout_ms = ctx.config.confirm_timeout.as_millis() as i64;
    loop {
        if *stop.borrow() {
            return;
        }
        let mut clock = ctx.clock.watch();
        if let Err(e) = close_due(&ctx, timeout_ms).await {
            tracing::error!(error = %e, "auto-close: cannot close unconfirmed requests");
        }
        let sleep = match db::requests::earliest_done_at(&ctx.pool).await {
            Ok(Some(done_at)) => {
                let due_in = (done_at + timeout_ms - ctx.clock.now_ms()).max(0) as u64;
                Duration::from_millis(due_in + 5).min(LONGEST_SLEEP)
            }
            Ok(None) => LONGEST_SLEEP,
            Err(e) => {
                tracing::error!(error = %e, "auto-close: cannot read the next due time");
                Duration::from_secs(30)
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            _ = ctx.jobs_bell.wait() => {}
            _ = clock.moved() => {}
            _ = stop.changed() => {}
        }
    }
}

async fn close_due(ctx: &Ctx, timeout_ms: i64) -> Result<(), sqlx::Error> {
    let now = ctx.clock.now_ms();
    let mut tx = db::begin_write(&ctx.pool).await?;
    let closed = db::requests::close_unconfirmed(&mut tx, now, now - timeout_ms).await?;
    for r in &closed {
        crate::bot::notify::retract_details(ctx, &mut tx, r.id).await?;
        crate::bot::door::changed(ctx, &mut tx, r.id, crate::bot::door::Change::Closed).await?;
    }
    ctx.doorbell.commit(tx).await?;
    for r in &closed {
        tracing::info!(
            request = r.id,
            "closed: no answer from the requester after it was marked done"
        );
    }
    Ok(())
}
