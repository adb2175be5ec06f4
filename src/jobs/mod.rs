//! Background loops. Each sleeps until its next due time (or until woken), and is idempotent:
//! running it twice, or after a restart, does no harm.

pub mod auto_close;
pub mod chart;
pub mod checkpoint;
pub mod digest;
pub mod escalation;
pub mod held_pushes;
pub mod recurring;
pub mod retention;

use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::sync::watch;

use crate::bot::Ctx;
use crate::outbox::Doorbell;

/// What one round of a job reports: when (ms on the bot's clock) it has work next, if it knows.
pub type Round = BoxFuture<'static, Result<Option<i64>, sqlx::Error>>;

/// The loop of a job: a round, then sleep until the round's next due time (at most `longest`),
/// or until the bot's clock moves (tests), `bell` rings, or the bot stops. A failed round is
/// logged and tried again within half a minute.
pub async fn run_rounds(
    ctx: Ctx,
    mut stop: watch::Receiver<bool>,
    job: &'static str,
    longest: Duration,
    bell: Option<Doorbell>,
    round: impl Fn(Ctx) -> Round,
) {
    loop {
        if *stop.borrow() {
            return;
        }
        // Watched before the round, so a move of the clock during it is not missed.
        let mut clock = ctx.clock.watch();
        let sleep = match round(ctx.clone()).await {
            Ok(Some(at)) => Duration::from_millis((at - ctx.clock.now_ms()).max(0) as u64),
            Ok(None) => longest,
            Err(e) => {
                tracing::error!(error = %e, job, "a background job failed; trying again soon");
                Duration::from_secs(30)
            }
        }
        .min(longest);
        let rang = async {
            match &bell {
                Some(b) => b.wait().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            _ = rang => {}
            _ = clock.moved() => {}
            _ = stop.changed() => {}
        }
    }
}
