//! /delete_me: a person erases their personal data. The question says plainly what goes and what
//! stays; Yes erases everything in one write transaction; No changes nothing.
//!
//! What goes: name, username and phone; address, phone, beneficiary's name and voice message of
//! every request they made (and the description of those that ended); their volunteer profile and
//! their club-lead roles. What stays: the rows themselves with statuses, kinds of help, regions,
//! dates and events, so counts and digests stay right; the user row keeps only the id (and
//! language), so events keep their actor.

use teloxide::types::CallbackQuery;

use super::keyboards::{inline_markup, main_menu};
use super::{Ctx, Next, Person, notify};
use crate::args;
use crate::db::{self, Tx};
use crate::domain::EventKind;
use crate::error::HandlerResult;
use crate::outbox::{Outgoing, Payload, Priority, enqueue};

/// The event note of a request cancelled because its requester erased their data.
const CANCEL_NOTE: &str = "requester erased their data";

pub async fn ask(ctx: &Ctx, person: &Person) -> HandlerResult {
    let lang = person.lang;
    let f = db::privacy::footprint(&ctx.pool, person.id).await?;
    let mut lines = vec![ctx.t(lang, "privacy-ask")];
    if f.unfinished > 0 {
        lines.push(ctx.i18n.f(
            lang,
            "privacy-ask-unfinished",
            &args![("count", f.unfinished)],
        ));
    }
    if f.held > 0 {
        lines.push(
            ctx.i18n
                .f(lang, "privacy-ask-held", &args![("count", f.held)]),
        );
    }
    if f.volunteer {
        lines.push(ctx.t(lang, "privacy-ask-volunteer"));
    }
    if f.lead {
        lines.push(ctx.t(lang, "privacy-ask-lead"));
    }
    lines.push(ctx.t(lang, "privacy-ask-door"));
    lines.push(ctx.t(lang, "privacy-ask-sure"));
    let buttons = inline_markup(vec![vec![
        (
            ctx.t(lang, "privacy-btn-erase"),
            super::callbacks::Cb::DeleteMe,
        ),
        (
            ctx.t(lang, "privacy-btn-keep"),
            super::callbacks::Cb::DeleteKeep,
        ),
    ]]);
    ctx.respond(
        person.id,
        Next::Keep,
        vec![ctx.reply(person, lines.join("\n\n"), Some(buttons))],
    )
    .await
}

/// Yes. A press is honoured whatever message it came from (it is the person's own data); a
/// second press finds nothing left to erase and only says so in a toast: no message, no edit.
pub async fn erase(ctx: &Ctx, person: &Person, q: &CallbackQuery) -> HandlerResult {
    let now = ctx.clock.now_ms();
    let me = person.id;
    let mut tx = ctx.begin().await?;
    let erased_before = db::privacy::erased_at(&mut tx, me).await?;

    // As a requester: what is still open or taken is withdrawn, as if they cancelled it.
    let cancelled = db::privacy::cancel_unfinished(&mut tx, now, me).await?;
    for c in &cancelled {
        withdraw(ctx, &mut tx, now, me, c).await?;
    }

    // As a volunteer: what they hold goes back to open and to the region's other volunteers.
    let released =
        db::requests::release_all_held(&mut tx, now, me, me, "volunteer erased their data").await?;
    for row in &released {
        notify::tell(
            &mut tx,
            ctx,
            row.requester_id,
            "requester-released",
            row.id,
            None,
        )
        .await?;
        notify::retract_details(ctx, &mut tx, row.id).await?;
        notify::push_request(ctx, &mut tx, row, &[me, row.requester_id]).await?;
        super::door::changed(ctx, &mut tx, row.id, super::door::Change::Reopened).await?;
    }

    // Details messages still on record (their done requests, on either side) lose address and phone.
    for id in db::privacy::with_detail_messages(&mut tx, me).await? {
        notify::retract_details(ctx, &mut tx, id).await?;
    }
    db::privacy::forget_messages(&mut tx, me).await?;
    db::aftercare::erase_requester(&mut tx, me).await?;
    super::door::erase(ctx, &mut tx, me).await?;
    db::duty::erase_person(&mut tx, me, now).await?;
    let requests = db::privacy::erase_requests(&mut tx, now, me).await?;
    let volunteer = db::privacy::delete_volunteer(&mut tx, me).await?;
    let lead = db::privacy::delete_lead(&mut tx, me).await?;
    let changed = erased_before.is_none()
        || !cancelled.is_empty()
        || !released.is_empty()
        || requests > 0
        || volunteer
        || lead;
    // The press itself re-recorded the name (every update does): blank it again in any case.
    db::privacy::erase_user(&mut tx, me, changed.then_some(now)).await?;
    db::dialogues::clear(&mut tx, me).await?;
    if changed {
        clear_pressed(&mut tx, q).await?;
        let text = ctx.t(person.lang, "privacy-done");
        let menu = main_menu(&ctx.i18n, person.lang, false);
        enqueue(&mut tx, &ctx.reply(person, text, Some(menu))).await?;
    }
    ctx.doorbell.commit(tx).await?;
    if changed {
        tracing::info!(
            user = me,
            cancelled = cancelled.len(),
            released = released.len(),
            requests,
            volunteer,
            lead,
            "personal data erased at the person's request"
        );
        ctx.answer_callback(q, None, false).await;
    } else {
        let text = ctx.t(person.lang, "privacy-already");
        ctx.answer_callback(q, Some(text), false).await;
    }
    Ok(())
}

/// A request withdrawn because its requester erased their data: told and recorded like a cancel.
async fn withdraw(
    ctx: &Ctx,
    tx: &mut Tx,
    now: i64,
    requester: i64,
    c: &db::privacy::Cancelled,
) -> HandlerResult {
    let id = c.id;
    db::requests::event(
        tx,
        now,
        id,
        Some(requester),
        EventKind::Cancelled,
        Some(CANCEL_NOTE),
    )
    .await?;
    let i18n = &ctx.i18n;
    notify::close_pushes(tx, id, false, |lang, _| {
        i18n.f(lang, "push-cancelled", &args![("id", id)])
    })
    .await?;
    notify::retract_details(ctx, tx, id).await?;
    if let Some(volunteer) = c.claimed_by {
        notify::tell(tx, ctx, volunteer, "cancel-volunteer", id, None).await?;
    }
    super::door::changed(ctx, tx, id, super::door::Change::Cancelled).await?;
    Ok(())
}

/// No: nothing changes.
pub async fn keep(ctx: &Ctx, person: &Person, q: &CallbackQuery) -> HandlerResult {
    let mut tx = ctx.begin().await?;
    clear_pressed(&mut tx, q).await?;
    enqueue(
        &mut tx,
        &ctx.reply(person, ctx.t(person.lang, "privacy-kept"), None),
    )
    .await?;
    ctx.doorbell.commit(tx).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// Removes the Yes / No buttons of the question, so it cannot be answered again.
async fn clear_pressed(tx: &mut Tx, q: &CallbackQuery) -> Result<(), sqlx::Error> {
    let Some(m) = &q.message else {
        return Ok(());
    };
    enqueue(
        tx,
        &Outgoing {
            chat_id: m.chat().id.0,
            priority: Priority::Reply,
            payload: Payload::ClearButtons {
                message_id: m.id().0,
            },
        },
    )
    .await
}
