//! Weekly repeats: on the day, a repeat creates its request and offers it first to the volunteer
//! who did the last one; after `FIRST_OFFER`, if still open, to everyone matching. Both on the
//! bot's clock; each step is conditional, so a second run (or a restart) does nothing twice.

use std::time::Duration;

use tokio::sync::watch;

use crate::bot::{Ctx, duty};
use crate::db;

const LONGEST_SLEEP: Duration = Duration::from_secs(60);

pub async fn run(ctx: Ctx, stop: watch::Receiver<bool>) {
    super::run_rounds(ctx, stop, "weekly repeats", LONGEST_SLEEP, None, |ctx| {
        Box::pin(async move {
            round(&ctx).await?;
            db::duty::next_repeat_work(&ctx.pool).await
        })
    })
    .await
}

async fn round(ctx: &Ctx) -> Result<(), sqlx::Error> {
    let now = ctx.clock.now_ms();
    let mut tx = db::begin_write(&ctx.pool).await?;
    let mut created = vec![];
    for rep in db::duty::due_repeats(&mut tx, now).await? {
        if let Some(id) = duty::create_repeat_request(ctx, &mut tx, &rep).await? {
            created.push((rep.id, id));
        }
    }
    let mut widened = 0;
    for (request_id, offered_to) in db::duty::due_widenings(&mut tx, now).await? {
        if duty::widen(ctx, &mut tx, request_id, offered_to).await? {
            widened += 1;
        }
    }
    ctx.doorbell.commit(tx).await?;
    for (repeat, request) in created {
        tracing::info!(repeat, request, "weekly repeat: request posted");
    }
    if widened > 0 {
        tracing::info!(
            widened,
            "weekly repeats offered to everyone after the first offer"
        );
    }
    Ok(())
}
