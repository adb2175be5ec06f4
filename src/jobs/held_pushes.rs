//! Announcements held through volunteers' quiet hours go out when those hours end (on the bot's
//! clock), if the request is still open then; one taken or cancelled meanwhile is never sent.
//! Several held for one volunteer come as one message (see `bot::duty::release_for`).

use std::time::Duration;

use tokio::sync::watch;

use crate::bot::{Ctx, duty};
use crate::db;

/// How long the job sleeps at most; a manual clock in tests wakes it at once.
const LONGEST_SLEEP: Duration = Duration::from_secs(60);

pub async fn run(ctx: Ctx, stop: watch::Receiver<bool>) {
    super::run_rounds(ctx, stop, "held pushes", LONGEST_SLEEP, None, |ctx| {
        Box::pin(async move {
            release_due(&ctx).await?;
            db::duty::next_release(&ctx.pool).await
        })
    })
    .await
}

async fn release_due(ctx: &Ctx) -> Result<(), sqlx::Error> {
    let mut tx = db::begin_write(&ctx.pool).await?;
    let due = db::duty::due_held(&mut tx, ctx.clock.now_ms()).await?;
    if due.is_empty() {
        return Ok(());
    }
    // What one volunteer receives goes together: one message for several requests.
    let mut chats: Vec<i64> = due.iter().map(|h| h.chat_id).collect();
    chats.sort_unstable();
    chats.dedup();
    let mut sent = 0;
    for chat in chats {
        sent += duty::release_for(ctx, &mut tx, chat, &due).await?;
    }
    ctx.doorbell.commit(tx).await?;
    tracing::info!(
        due = due.len(),
        sent,
        "held pushes: quiet hours ended for some volunteers"
    );
    Ok(())
}
