//! Requests that need a person: an open one nobody took in time alerts the region's leads; a taken
//! one not done reminds its volunteer, and later alerts the leads. Each fires once per stretch of
//! time in that state (the `alerts` table), also across restarts.

use std::time::Duration;

use teloxide::types::ReplyMarkup;
use tokio::sync::watch;

use crate::args;
use crate::bot::callbacks::Cb;
use crate::bot::keyboards::inline;
use crate::bot::{Ctx, lead, notify};
use crate::db;
use crate::outbox::{Outgoing, Priority, enqueue};

/// How often the job looks, at most; a manual clock in tests wakes it at once.
const ROUND: Duration = Duration::from_secs(60);

pub async fn run(ctx: Ctx, stop: watch::Receiver<bool>) {
    let bell = ctx.escalation_bell.clone();
    super::run_rounds(ctx, stop, "escalation", ROUND, Some(bell), |ctx| {
        Box::pin(async move {
            round(&ctx).await?;
            Ok(None)
        })
    })
    .await
}

fn ms(d: Duration) -> i64 {
    d.as_millis() as i64
}

async fn round(ctx: &Ctx) -> Result<(), sqlx::Error> {
    let now = ctx.clock.now_ms();
    let c = &ctx.config;
    let mut tx = db::begin_write(&ctx.pool).await?;
    let mut sent = 0;

    // A volunteer who blocked the bot cannot get the details any more: what they held is open
    // again, pushed to others, and the leads hear of it.
    for row in db::requests::release_unreachable(&mut tx, now).await? {
        let volunteer = row.claimed_by.unwrap_or_default();
        let Some(open) = db::requests::get_tx(&mut tx, row.id).await? else {
            continue;
        };
        notify::push_request(ctx, &mut tx, &open, &[volunteer, row.requester_id]).await?;
        notify::tell(
            &mut tx,
            ctx,
            row.requester_id,
            "requester-released",
            row.id,
            None,
        )
        .await?;
        lead::alert_leads(ctx, &mut tx, &row, "alert-unreachable", 0, None).await?;
        crate::bot::door::changed(ctx, &mut tx, row.id, crate::bot::door::Change::Reopened).await?;
        sent += 1;
    }

    let unclaimed = db::requests::unclaimed_unalerted(
        &mut tx,
        now - ms(c.escalate_after_urgent),
        now - ms(c.escalate_after),
    )
    .await?;
    for row in &unclaimed {
        let since = row.opened_at.unwrap_or(row.created_at);
        if db::requests::record_alert(&mut tx, row.id, "unclaimed", since, now).await? {
            let buttons = lead::unclaimed_buttons(ctx, row.id);
            lead::alert_leads(
                ctx,
                &mut tx,
                row,
                "alert-unclaimed",
                (now - since) / 3_600_000,
                Some(&buttons),
            )
            .await?;
            sent += 1;
        }
    }

    for row in
        db::requests::claimed_unalerted(&mut tx, now - ms(c.remind_after), "reminder").await?
    {
        let (Some(volunteer), Some(since)) = (row.claimed_by, row.claimed_at) else {
            continue;
        };
        if db::requests::record_alert(&mut tx, row.id, "reminder", since, now).await? {
            let lang = notify::lang_of(&mut tx, volunteer).await?;
            let text = ctx
                .i18n
                .f(lang, "reminder-volunteer", &args![("id", row.id)]);
            let buttons = inline(vec![vec![
                (ctx.t(lang, "btn-mark-done"), Cb::Done(row.id)),
                (ctx.t(lang, "btn-release"), Cb::ReleaseAsk(row.id)),
            ]]);
            enqueue(
                &mut tx,
                &Outgoing::text(
                    volunteer,
                    Priority::Reply,
                    text,
                    Some(ReplyMarkup::InlineKeyboard(buttons)),
                ),
            )
            .await?;
            sent += 1;
        }
    }

    for row in db::requests::claimed_unalerted(&mut tx, now - ms(c.stuck_after), "stuck").await? {
        let Some(since) = row.claimed_at else {
            continue;
        };
        if db::requests::record_alert(&mut tx, row.id, "stuck", since, now).await? {
            let buttons = lead::stuck_buttons(ctx, row.id);
            lead::alert_leads(
                ctx,
                &mut tx,
                &row,
                "alert-stuck",
                (now - since) / 3_600_000,
                Some(&buttons),
            )
            .await?;
            sent += 1;
        }
    }
    ctx.doorbell.commit(tx).await?;
    if sent > 0 {
        tracing::info!(sent, "escalation: alerts and reminders queued");
    }
    Ok(())
}
