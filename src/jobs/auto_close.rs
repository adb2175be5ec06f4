//! A request marked done that its requester neither confirms nor disputes is closed after
//! CONFIRM_TIMEOUT (48 hours by default).

use std::time::Duration;

use tokio::sync::watch;

use crate::bot::Ctx;
use crate::db;

const LONGEST_SLEEP: Duration = Duration::from_secs(3600);

pub async fn run(ctx: Ctx, stop: watch::Receiver<bool>) {
    let bell = ctx.jobs_bell.clone();
    super::run_rounds(
        ctx,
        stop,
        "closing unconfirmed",
        LONGEST_SLEEP,
        Some(bell),
        |ctx| {
            Box::pin(async move {
                let timeout_ms = ctx.config.confirm_timeout.as_millis() as i64;
                close_due(&ctx, timeout_ms).await?;
                // A little after the earliest one is due.
                let earliest = db::requests::earliest_done_at(&ctx.pool).await?;
                Ok(earliest.map(|done_at| done_at + timeout_ms + 5))
            })
        },
    )
    .await
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
