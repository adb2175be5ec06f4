//! What volunteers and requesters do to a request with buttons: take it, finish it, give it back,
//! confirm, dispute, cancel. Each is one write transaction that re-reads the request and checks
//! that this person may do this now; the button itself proves nothing.

use teloxide::types::CallbackQuery;
use teloxide::utils::html::escape;

use super::callbacks::{Cb, ReleaseReason};
use super::door::{self, Change};
use super::keyboards::{inline, inline_markup};
use super::{Ctx, Next, Person, notify, render};
use crate::args;
use crate::db::{self, Tx, requests::RequestRow};
use crate::domain::Status;
use crate::error::HandlerResult;
use crate::outbox::{Outgoing, Payload, Priority, enqueue};

/// Removes the buttons of the message that was pressed, so it cannot be pressed again.
pub async fn clear_pressed(tx: &mut Tx, q: &CallbackQuery) -> Result<(), sqlx::Error> {
    if let Some(m) = &q.message {
        let payload = Payload::ClearButtons {
            message_id: m.id().0,
        };
        enqueue(
            tx,
            &Outgoing {
                chat_id: m.chat().id.0,
                priority: Priority::Reply,
                payload,
            },
        )
        .await?;
    }
    Ok(())
}

async fn answer_key(ctx: &Ctx, person: &Person, q: &CallbackQuery, key: &str) -> HandlerResult {
    ctx.answer_callback(q, Some(ctx.t(person.lang, key)), true)
        .await;
    Ok(())
}

fn held_buttons(ctx: &Ctx, person: &Person, id: i64) -> teloxide::types::InlineKeyboardMarkup {
    inline(vec![
        vec![
            (ctx.t(person.lang, "btn-mark-done"), Cb::Done(id)),
            (ctx.t(person.lang, "btn-release"), Cb::ReleaseAsk(id)),
        ],
        super::door::held_row(ctx, person.lang, id),
        vec![(ctx.t(person.lang, "btn-worried"), Cb::Worried(id))],
    ])
}

/// The full details, for the volunteer who holds the request, with the notes earlier volunteers
/// left (`aftercare::notes_for_claimer`) and its code word.
pub fn details_for_claimer(
    ctx: &Ctx,
    person: &Person,
    row: &RequestRow,
    requester_name: &str,
    notes: &[String],
    word: Option<&str>,
) -> Vec<Outgoing> {
    let mut text =
        render::claimer_details(&ctx.i18n, &ctx.regions, person.lang, row, requester_name);
    text.push_str(&super::aftercare::notes_text(ctx, person.lang, notes));
    let text = super::door::with_code_word(ctx, person.lang, row.id, word, text);
    let details = Payload::Details {
        request_id: row.id,
        text,
        markup: held_buttons(ctx, person, row.id),
    };
    let mut outs = vec![Outgoing {
        chat_id: person.id,
        priority: Priority::Reply,
        payload: details,
    }];
    if let Some(file_id) = &row.voice_file_id {
        let caption = ctx
            .i18n
            .f(person.lang, "claimer-voice", &args![("id", row.id)]);
        outs.push(Outgoing {
            chat_id: person.id,
            priority: Priority::Reply,
            payload: Payload::Voice {
                file_id: file_id.clone(),
                caption: Some(caption),
            },
        });
    }
    outs
}

pub async fn claim(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    // A press that will be refused (most often: someone else took the request first) is answered
    // from a read, without waiting for the write gate; the rest is checked again under it.
    let first_look = claim_check(&mut *ctx.pool.acquire().await?, person, id).await?;
    if let Err(key) = first_look {
        return answer_key(ctx, person, q, key).await;
    }
    // Presses on this request take turns before the write gate: the ones that lost the race learn
    // it from the press before them, or from a read, without holding up every other writer.
    let mut turn = ctx.claim_turns.take(id).await;
    if turn.done_before() {
        // The press before this one took it.
        drop(turn);
        return answer_key(ctx, person, q, "claim-taken").await;
    }
    if turn.waited
        && let Err(key) = claim_check(&mut *ctx.pool.acquire().await?, person, id).await?
    {
        drop(turn);
        return answer_key(ctx, person, q, key).await;
    }
    let outcome = {
        let (ctx, person) = (ctx.clone(), person.clone());
        db::on_writer_thread(async move { take_under_gate(&ctx, &person, id).await }).await?
    };
    if let Err(key) = outcome {
        drop(turn);
        return answer_key(ctx, person, q, key).await;
    }
    turn.done();
    drop(turn);
    tracing::info!(request = id, volunteer = person.id, "request claimed");
    ctx.answer_callback(q, Some(ctx.t(person.lang, "claim-ok")), false)
        .await;
    Ok(())
}

/// The claim itself, under the write gate; a refusal comes back as its answer's key.
async fn take_under_gate(
    ctx: &Ctx,
    person: &Person,
    id: i64,
) -> Result<Result<(), &'static str>, crate::error::HandlerError> {
    // Looked at again with the write gate held: nobody can commit between this look and the
    // claim, and a press that lost the race since the first look costs no transaction.
    let mut gate = db::write_gate(&ctx.pool).await?;
    let held = match claim_check(gate.conn(), person, id).await? {
        Ok((_, held)) => held,
        Err(key) => return Ok(Err(key)),
    };
    let mut tx = ctx.begin_with(gate).await?;
    // The claim limit, from the look under the gate: two quick taps cannot both pass it.
    if let Some(refusal) = super::duty::claim_limit(ctx, &mut tx, person, held).await? {
        enqueue(&mut tx, &refusal).await?;
        ctx.doorbell.commit(tx).await?;
        return Ok(Err("duty-limit-popup"));
    }
    let Some(claimed) = db::requests::claim(&mut tx, ctx.clock.now_ms(), id, person.id).await?
    else {
        return Ok(Err("claim-taken"));
    };
    hand_over(ctx, &mut tx, &claimed, person).await?;
    ctx.doorbell.commit(tx).await?;
    Ok(Ok(()))
}

/// The open request this person may take, with the requests they hold now; or why not (the
/// answer's key).
async fn claim_check(
    conn: &mut sqlx::SqliteConnection,
    person: &Person,
    id: i64,
) -> Result<Result<(RequestRow, Vec<i64>), &'static str>, sqlx::Error> {
    let Some(db::requests::ClaimLook {
        row,
        volunteer,
        held,
    }) = db::requests::claim_look(conn, id, person.id).await?
    else {
        return Ok(Err("request-not-found"));
    };
    if row.requester_id == person.id {
        return Ok(Err("claim-own"));
    }
    let refusal = match volunteer.as_deref() {
        Some("approved") => None,
        Some("other_region") => Some("claim-other-region"),
        Some("pending") => Some("claim-pending"),
        Some("suspended") => Some("claim-suspended"),
        _ => Some("claim-not-volunteer"),
    };
    Ok(match (refusal, row.status()) {
        (Some(key), _) => Err(key),
        (None, Status::Open) => Ok((row, held.0)),
        (None, Status::Claimed | Status::Done) => Err("claim-taken"),
        (None, _) => Err("claim-gone"),
    })
}

/// What follows a claim (or a lead's assignment): the announcements show it is taken, the
/// volunteer gets the details, the requester hears who is coming.
pub async fn hand_over(
    ctx: &Ctx,
    tx: &mut Tx,
    claimed: &RequestRow,
    volunteer: &Person,
) -> Result<(), sqlx::Error> {
    let (i18n, regions, me, id) = (&ctx.i18n, &ctx.regions, volunteer.id, claimed.id);
    // The requester (their language for the code word, from here on from the cache), the
    // volunteer's name, the notes and the followers: one read.
    let look =
        db::requests::hand_over_look(tx, claimed, volunteer.id, super::aftercare::NOTES_SHOWN)
            .await?;
    let word = super::door::new_code_word(tx, claimed).await?;
    notify::close_pushes(tx, id, true, |lang, chat| {
        if chat == me {
            i18n.f(lang, "push-taken-by-you", &args![("id", id)])
        } else {
            render::push_taken(i18n, regions, lang, claimed)
        }
    })
    .await?;
    let requester_name = look.requester.map(|u| u.first_name).unwrap_or_default();
    let outs = details_for_claimer(
        ctx,
        volunteer,
        claimed,
        &requester_name,
        &look.notes,
        Some(&word),
    );
    crate::outbox::enqueue_all(tx, &outs).await?;
    let volunteer_name = look
        .volunteer_name
        .unwrap_or_else(|| volunteer.first_name.clone());
    let requester_lang = notify::lang_of(tx, claimed.requester_id).await?;
    let text = ctx.i18n.f(
        requester_lang,
        "requester-claimed",
        &args![("id", id), ("name", escape(&volunteer_name))],
    );
    super::door::claimed(
        ctx,
        tx,
        claimed,
        &word,
        &volunteer_name,
        &look.followers,
        text,
    )
    .await
}

/// Why a transition on `id` by this volunteer did not happen.
async fn volunteer_refusal(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    id: i64,
) -> HandlerResult {
    let key = match db::requests::get(&ctx.pool, id).await? {
        None => "request-not-found",
        Some(_) => "not-held-by-you",
    };
    answer_key(ctx, person, q, key).await
}

pub async fn done(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let mut tx = ctx.begin().await?;
    let Some(row) = db::requests::mark_done(&mut tx, ctx.clock.now_ms(), id, person.id).await?
    else {
        drop(tx);
        return volunteer_refusal(ctx, person, q, id).await;
    };
    let requester_lang = notify::lang_of(&mut tx, row.requester_id).await?;
    let ask = inline_markup(vec![vec![
        (ctx.t(requester_lang, "btn-got-help"), Cb::GotHelp(id)),
        (ctx.t(requester_lang, "btn-not-yet"), Cb::NotYet(id)),
    ]]);
    notify::tell(
        &mut tx,
        ctx,
        row.requester_id,
        "requester-ask-confirm",
        id,
        Some(ask),
    )
    .await?;
    let i18n = &ctx.i18n;
    notify::update_group_posts(&mut tx, id, |lang| {
        i18n.f(lang, "push-done", &args![("id", id)])
    })
    .await?;
    door::changed(ctx, &mut tx, id, Change::Done).await?;
    clear_pressed(&mut tx, q).await?;
    let text = ctx.i18n.f(person.lang, "done-ok", &args![("id", id)]);
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    super::aftercare::after_done(ctx, &mut tx, person, &row).await?;
    ctx.doorbell.commit(tx).await?;
    ctx.jobs_bell.ring();
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

pub async fn release_ask(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let held = db::requests::get(&ctx.pool, id)
        .await?
        .filter(|r| r.status() == Status::Claimed && r.claimed_by == Some(person.id));
    if held.is_none() {
        return volunteer_refusal(ctx, person, q, id).await;
    }
    let buttons = ReleaseReason::ALL
        .iter()
        .map(|r| vec![(ctx.t(person.lang, r.key()), Cb::Release(id, *r))])
        .collect();
    let text = ctx.i18n.f(person.lang, "release-ask", &args![("id", id)]);
    ctx.respond(
        person.id,
        Next::Keep,
        vec![ctx.reply(person, text, Some(inline_markup(buttons)))],
    )
    .await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

pub async fn release(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    id: i64,
    reason: ReleaseReason,
) -> HandlerResult {
    let mut tx = ctx.begin().await?;
    let Some(row) =
        db::requests::release(&mut tx, ctx.clock.now_ms(), id, person.id, reason.code()).await?
    else {
        drop(tx);
        return volunteer_refusal(ctx, person, q, id).await;
    };
    notify::retract_details(ctx, &mut tx, id).await?;
    notify::push_request(ctx, &mut tx, &row, &[person.id, row.requester_id]).await?;
    notify::tell(
        &mut tx,
        ctx,
        row.requester_id,
        "requester-released",
        id,
        None,
    )
    .await?;
    door::changed(ctx, &mut tx, id, Change::Reopened).await?;
    clear_pressed(&mut tx, q).await?;
    let text = ctx.i18n.f(person.lang, "release-ok", &args![("id", id)]);
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(
        request = id,
        volunteer = person.id,
        reason = reason.code(),
        "request released"
    );
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// Why a requester's action on `id` did not happen.
async fn requester_refusal(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    id: i64,
) -> HandlerResult {
    let key = match db::requests::get(&ctx.pool, id).await? {
        None => "request-not-found",
        Some(r) if r.requester_id != person.id => "not-your-request",
        Some(_) => "already-answered",
    };
    answer_key(ctx, person, q, key).await
}

pub async fn got_help(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let menu = ctx.main_menu(person).await?;
    let mut tx = ctx.begin().await?;
    let Some(row) = db::requests::confirm(&mut tx, ctx.clock.now_ms(), id, person.id).await? else {
        drop(tx);
        return requester_refusal(ctx, person, q, id).await;
    };
    notify::retract_details(ctx, &mut tx, id).await?;
    if let Some(volunteer) = row.claimed_by {
        notify::tell(
            &mut tx,
            ctx,
            volunteer,
            "confirm-thanks-volunteer",
            id,
            None,
        )
        .await?;
    }
    door::changed(ctx, &mut tx, id, Change::Closed).await?;
    clear_pressed(&mut tx, q).await?;
    let text = ctx
        .i18n
        .f(person.lang, "confirm-thanks-requester", &args![("id", id)]);
    enqueue(&mut tx, &ctx.reply(person, text, Some(menu))).await?;
    super::duty::offer_repeat(ctx, &mut tx, person, &row).await?;
    ctx.doorbell.commit(tx).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

pub async fn not_yet(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let mut tx = ctx.begin().await?;
    let Some(before) = db::requests::not_yet(&mut tx, ctx.clock.now_ms(), id, person.id).await?
    else {
        drop(tx);
        return requester_refusal(ctx, person, q, id).await;
    };
    let Some(row) = db::requests::get_tx(&mut tx, id).await? else {
        return Ok(());
    };
    let mut exclude = vec![person.id];
    if let Some(volunteer) = before.claimed_by {
        exclude.push(volunteer);
        notify::tell(&mut tx, ctx, volunteer, "not-yet-volunteer", id, None).await?;
    }
    super::lead::alert_leads(ctx, &mut tx, &before, "alert-not-yet", 0, None).await?;
    notify::retract_details(ctx, &mut tx, id).await?;
    notify::push_request(ctx, &mut tx, &row, &exclude).await?;
    door::changed(ctx, &mut tx, id, Change::Reopened).await?;
    clear_pressed(&mut tx, q).await?;
    let text = ctx
        .i18n
        .f(person.lang, "not-yet-requester", &args![("id", id)]);
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(
        request = id,
        "requester says help has not arrived; reopened"
    );
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

pub async fn cancel_ask(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let Some(row) = db::requests::get(&ctx.pool, id)
        .await?
        .filter(|r| r.requester_id == person.id)
    else {
        return requester_refusal(ctx, person, q, id).await;
    };
    let text = if row.status().cancellable() {
        let buttons = inline_markup(vec![vec![
            (ctx.t(person.lang, "btn-cancel-sure"), Cb::CancelSure(id)),
            (ctx.t(person.lang, "btn-cancel-keep"), Cb::CancelKeep(id)),
        ]]);
        let text = ctx.i18n.f(person.lang, "cancel-ask", &args![("id", id)]);
        ctx.reply(person, text, Some(buttons))
    } else {
        let status = render::status(&ctx.i18n, person.lang, row.status());
        ctx.reply(
            person,
            ctx.i18n.f(
                person.lang,
                "cancel-too-late",
                &args![("id", id), ("status", status)],
            ),
            None,
        )
    };
    ctx.respond(person.id, Next::Keep, vec![text]).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

pub async fn cancel(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let menu = ctx.main_menu(person).await?;
    let mut tx = ctx.begin().await?;
    let Some(before) = db::requests::cancel(&mut tx, ctx.clock.now_ms(), id, person.id).await?
    else {
        drop(tx);
        let row = db::requests::get(&ctx.pool, id).await?;
        return match row {
            Some(r) if r.requester_id == person.id => {
                let status = render::status(&ctx.i18n, person.lang, r.status());
                let text = ctx.i18n.f(
                    person.lang,
                    "cancel-too-late",
                    &args![("id", id), ("status", status)],
                );
                ctx.answer_callback(q, Some(text), true).await;
                Ok(())
            }
            _ => requester_refusal(ctx, person, q, id).await,
        };
    };
    let i18n = &ctx.i18n;
    notify::close_pushes(&mut tx, id, false, |lang, _| {
        i18n.f(lang, "push-cancelled", &args![("id", id)])
    })
    .await?;
    notify::retract_details(ctx, &mut tx, id).await?;
    if let Some(volunteer) = before
        .claimed_by
        .filter(|_| before.status() == Status::Claimed)
    {
        notify::tell(&mut tx, ctx, volunteer, "cancel-volunteer", id, None).await?;
    }
    door::changed(ctx, &mut tx, id, Change::Cancelled).await?;
    clear_pressed(&mut tx, q).await?;
    let text = ctx.i18n.f(person.lang, "cancel-ok", &args![("id", id)]);
    enqueue(&mut tx, &ctx.reply(person, text, Some(menu))).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(request = id, "request cancelled by its requester");
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

pub async fn cancel_keep(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let mut tx = ctx.begin().await?;
    clear_pressed(&mut tx, q).await?;
    let text = ctx.i18n.f(person.lang, "cancel-kept", &args![("id", id)]);
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    ctx.doorbell.commit(tx).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}
