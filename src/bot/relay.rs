//! The relay: while a request is taken, the person who asked (for a request made for someone
//! else: its author) and the volunteer who holds it write to each other through the bot, text or
//! voice, without seeing each other's phone number or username.
//!
//! 💬 Write puts the person in `State::Relay { request_id }`; what they send goes to the other side
//! of that request — every message, prompt and acknowledgement names it, so someone with two
//! conversations always knows which one they are in — until ✅ Done writing, or until the request
//! stops being taken (the conversation then closes and both sides are told; a message sent after
//! that gets a kind answer and goes nowhere). Texts are copied, never forwarded (a forward shows
//! the sender); voice messages are re-sent by file id.

use teloxide::types::{CallbackQuery, Message, ReplyMarkup};
use teloxide::utils::html::escape;

use super::callbacks::Cb;
use super::keyboards::{self, inline_markup, reply};
use super::state::State;
use super::{Ctx, Next, Person, notify};
use crate::args;
use crate::db::{self, Tx, requests::RequestRow};
use crate::domain::Status;
use crate::domain::text::{BoundedText, TextError};
use crate::error::HandlerResult;
use crate::outbox::{Outgoing, Payload, Priority, enqueue};

/// The longest text passed on: a note about a request, not a letter.
pub const MAX_CHARS: usize = 1000;

/// Which side of a taken request this person is on, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    /// The person who asked (or its author); writes to the volunteer.
    Requester,
    /// The volunteer who holds it; writes to the person who asked.
    Volunteer,
}

fn side_of(row: &RequestRow, person_id: i64) -> Option<Side> {
    if row.requester_id == person_id {
        Some(Side::Requester)
    } else if row.claimed_by == Some(person_id) {
        Some(Side::Volunteer)
    } else {
        None
    }
}

fn keyboard(ctx: &Ctx, person: &Person) -> ReplyMarkup {
    reply(vec![vec![ctx.t(person.lang, "btn-done-writing")]])
}

fn prompt(ctx: &Ctx, person: &Person, id: i64, side: Side) -> Outgoing {
    let key = match side {
        Side::Requester => "relay-prompt-to-volunteer",
        Side::Volunteer => "relay-prompt-to-requester",
    };
    let text = ctx.i18n.f(person.lang, key, &args![("id", id)]);
    ctx.reply(person, text, Some(keyboard(ctx, person)))
}

/// The reminder shown when someone in a conversation sends a command that has to wait.
pub fn prompt_again(ctx: &Ctx, person: &Person, id: i64) -> Outgoing {
    let text = ctx
        .i18n
        .f(person.lang, "relay-prompt-again", &args![("id", id)]);
    ctx.reply(person, text, Some(keyboard(ctx, person)))
}

/// 💬 Write: checked on the server (a taken request, and this person is one of its two sides).
pub async fn start(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    id: i64,
    state: State,
) -> HandlerResult {
    // A half-filled form (a request, a quick voice request, a profile, a lead's pause message) is
    // not thrown away by a press on an older message.
    if matches!(
        state,
        State::Request { .. }
            | State::Volunteer { .. }
            | State::InviteLead { .. }
            | State::VoiceRequest { .. }
            | State::IntakePause { .. }
    ) {
        ctx.answer_callback(q, Some(ctx.t(person.lang, "finish-first")), true)
            .await;
        return Ok(());
    }
    let mut tx = ctx.begin().await?;
    let row = db::requests::get_tx(&mut tx, id).await?;
    let refusal = match &row {
        None => Err("request-not-found"),
        Some(r) => match side_of(r, person.id) {
            None => Err("relay-not-party"),
            Some(_) if r.status() != Status::Claimed => Err("relay-not-taken"),
            Some(side) => Ok(side),
        },
    };
    let side = match refusal {
        Ok(side) => side,
        Err(key) => {
            drop(tx);
            let text = ctx.i18n.f(person.lang, key, &args![("id", id)]);
            ctx.answer_callback(q, Some(text), true).await;
            return Ok(());
        }
    };
    db::dialogues::save(&mut tx, person.id, &State::Relay { request_id: id }).await?;
    enqueue(&mut tx, &prompt(ctx, person, id, side)).await?;
    ctx.doorbell.commit(tx).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

async fn leave(ctx: &Ctx, person: &Person, key: &str, id: i64) -> HandlerResult {
    let menu = ctx.main_menu(person).await?;
    let text = ctx.i18n.f(person.lang, key, &args![("id", id)]);
    ctx.respond(
        person.id,
        Next::Clear,
        vec![ctx.reply(person, text, Some(menu))],
    )
    .await
}

/// A message written in a conversation about request `id`.
pub async fn on_message(ctx: &Ctx, person: &Person, msg: &Message, id: i64) -> HandlerResult {
    let lang = person.lang;
    let typed = msg.text().unwrap_or_default();
    if ctx.i18n.is_label(typed, "btn-done-writing") || ctx.i18n.is_label(typed, "btn-cancel") {
        return leave(ctx, person, "relay-finished", id).await;
    }
    // What is wrong with the message itself is said before anything is looked up.
    let content = if let Some(voice) = msg.voice() {
        Ok(Content::Voice(voice.file.id.0.clone()))
    } else if let Some(text) = msg.text() {
        match BoundedText::parse(text, MAX_CHARS) {
            Ok(t) => Ok(Content::Text(t.into_inner())),
            Err(TextError::Empty) => Err(ctx.t(lang, "input-empty")),
            Err(TextError::TooLong { max, got }) => {
                Err(ctx
                    .i18n
                    .f(lang, "relay-too-long", &args![("max", max), ("got", got)]))
            }
        }
    } else {
        Err(ctx.t(lang, "relay-text-or-voice"))
    };
    let mut tx = ctx.begin().await?;
    let row = db::requests::get_tx(&mut tx, id).await?;
    let side = row
        .as_ref()
        .filter(|r| r.status() == Status::Claimed)
        .and_then(|r| side_of(r, person.id).map(|s| (r, s)));
    let Some((row, side)) = side else {
        drop(tx);
        return leave(ctx, person, "relay-ended", id).await;
    };
    let content = match content {
        Ok(c) => c,
        Err(problem) => {
            enqueue(
                &mut tx,
                &ctx.reply(person, problem, Some(keyboard(ctx, person))),
            )
            .await?;
            ctx.doorbell.commit(tx).await?;
            return Ok(());
        }
    };
    let (to, volunteer) = match side {
        Side::Requester => (row.claimed_by.unwrap_or_default(), row.claimed_by),
        Side::Volunteer => (row.requester_id, Some(person.id)),
    };
    let name = match volunteer {
        Some(v) => db::volunteers::display_name(&mut tx, v)
            .await?
            .unwrap_or_default(),
        None => String::new(),
    };
    let to_lang = notify::lang_of(&mut tx, to).await?;
    let answer = inline_markup(vec![vec![(
        ctx.i18n.f(to_lang, "btn-relay-reply", &args![("id", id)]),
        Cb::RelayStart(id),
    )]]);
    let mut outs = vec![];
    match content {
        Content::Text(text) => {
            let key = match side {
                Side::Requester => "relay-from-requester",
                Side::Volunteer => "relay-from-volunteer",
            };
            let text = ctx.i18n.f(
                to_lang,
                key,
                &args![("id", id), ("name", escape(&name)), ("text", escape(&text))],
            );
            outs.push(Outgoing::text(to, Priority::Reply, text, Some(answer)));
        }
        Content::Voice(file_id) => {
            let key = match side {
                Side::Requester => "relay-voice-from-requester",
                Side::Volunteer => "relay-voice-from-volunteer",
            };
            let caption = ctx
                .i18n
                .f(to_lang, key, &args![("id", id), ("name", escape(&name))]);
            outs.push(Outgoing {
                chat_id: to,
                priority: Priority::Reply,
                payload: Payload::Voice {
                    file_id,
                    caption: Some(caption),
                },
            });
            // A voice message carries no buttons here: a short line after it does.
            let line = ctx.i18n.f(to_lang, "relay-voice-reply", &args![("id", id)]);
            outs.push(Outgoing::text(to, Priority::Reply, line, Some(answer)));
        }
    }
    crate::outbox::enqueue_all(&mut tx, &outs).await?;
    db::door::record_relayed(&mut tx, id, person.id, ctx.clock.now_ms()).await?;
    let ack = match side {
        Side::Requester => "relay-sent-to-volunteer",
        Side::Volunteer => "relay-sent-to-requester",
    };
    let ack = ctx.i18n.f(lang, ack, &args![("id", id)]);
    enqueue(
        &mut tx,
        &ctx.reply(person, ack, Some(keyboard(ctx, person))),
    )
    .await?;
    ctx.doorbell.commit(tx).await?;
    tracing::debug!(request = id, "message relayed");
    Ok(())
}

/// Words typed outside any dialogue by a requester with exactly one taken request: she is asked
/// whether to pass them to its volunteer («💬 Pass it on»), the words kept in her dialogue state
/// until she presses. False (nothing said) when there is no such request or the text is not one
/// that could be passed on.
pub async fn offer(
    ctx: &Ctx,
    person: &Person,
    text: &str,
) -> Result<bool, crate::error::HandlerError> {
    let Ok(words) = BoundedText::parse(text, MAX_CHARS) else {
        return Ok(false);
    };
    let taken = db::requests::taken_of_requester(&ctx.pool, person.id).await?;
    let [id] = taken[..] else {
        return Ok(false);
    };
    let words = words.into_inner();
    let question = ctx.i18n.f(
        person.lang,
        "relay-offer",
        &args![("id", id), ("text", escape(&words))],
    );
    let buttons = inline_markup(vec![vec![(
        ctx.t(person.lang, "btn-relay-pass"),
        Cb::RelayPass(id),
    )]]);
    let next = Next::Set(Box::new(State::RelayOffer {
        request_id: id,
        text: words,
    }));
    ctx.respond(
        person.id,
        next,
        vec![ctx.reply(person, question, Some(buttons))],
    )
    .await?;
    Ok(true)
}

/// Anything but «💬 Pass it on» leaves an offer: its words are forgotten.
pub async fn drop_offer(ctx: &Ctx, person: &Person, state: State) -> Result<State, sqlx::Error> {
    if !matches!(state, State::RelayOffer { .. }) {
        return Ok(state);
    }
    let mut tx = db::begin_write(&ctx.pool).await?;
    db::dialogues::clear(&mut tx, person.id).await?;
    tx.commit().await?;
    Ok(State::Idle)
}

/// 💬 Pass it on: the kept words go to the volunteer of the request, if it is still taken and
/// hers — one transaction, re-checked there.
pub async fn pass(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    id: i64,
    state: State,
) -> HandlerResult {
    let offered =
        |s: &State| matches!(s, State::RelayOffer { request_id, .. } if *request_id == id);
    if !offered(&state) {
        ctx.answer_callback(q, Some(ctx.t(person.lang, "stale-button")), true)
            .await;
        return Ok(());
    }
    let mut tx = ctx.begin().await?;
    // Read again in the transaction: two quick presses pass the words on once.
    let Some(State::RelayOffer { text, .. }) = db::dialogues::load_in(&mut tx, person.id)
        .await?
        .filter(offered)
    else {
        drop(tx);
        ctx.answer_callback(q, Some(ctx.t(person.lang, "stale-button")), true)
            .await;
        return Ok(());
    };
    let row = db::requests::get_tx(&mut tx, id)
        .await?
        .filter(|r| r.status() == Status::Claimed && r.requester_id == person.id);
    let Some(volunteer) = row.and_then(|r| r.claimed_by) else {
        db::dialogues::clear(&mut tx, person.id).await?;
        super::lifecycle::clear_pressed(&mut tx, q).await?;
        ctx.doorbell.commit(tx).await?;
        let text = ctx
            .i18n
            .f(person.lang, "relay-not-taken", &args![("id", id)]);
        ctx.answer_callback(q, Some(text), true).await;
        return Ok(());
    };
    let to_lang = notify::lang_of(&mut tx, volunteer).await?;
    let relayed = ctx.i18n.f(
        to_lang,
        "relay-from-requester",
        &args![("id", id), ("name", ""), ("text", escape(&text))],
    );
    let answer = inline_markup(vec![vec![(
        ctx.i18n.f(to_lang, "btn-relay-reply", &args![("id", id)]),
        Cb::RelayStart(id),
    )]]);
    enqueue(
        &mut tx,
        &Outgoing::text(volunteer, Priority::Reply, relayed, Some(answer)),
    )
    .await?;
    db::door::record_relayed(&mut tx, id, person.id, ctx.clock.now_ms()).await?;
    db::dialogues::clear(&mut tx, person.id).await?;
    super::lifecycle::clear_pressed(&mut tx, q).await?;
    let ack = ctx.i18n.f(person.lang, "relay-passed", &args![("id", id)]);
    enqueue(&mut tx, &ctx.reply(person, ack, None)).await?;
    ctx.doorbell.commit(tx).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

enum Content {
    Text(String),
    Voice(String),
}

/// The request stopped being taken: every conversation about it closes, and whoever was in one
/// is told and gets their main menu back.
pub async fn close(ctx: &Ctx, tx: &mut Tx, id: i64) -> Result<(), sqlx::Error> {
    for chat in db::door::relaying_chats(tx, id).await? {
        db::dialogues::clear(tx, chat).await?;
        let lang = notify::lang_of(tx, chat).await?;
        let menu = keyboards::main_menu(&ctx.i18n, lang, db::door::is_volunteer(tx, chat).await?);
        let text = ctx.i18n.f(lang, "relay-closed", &args![("id", id)]);
        enqueue(tx, &Outgoing::text(chat, Priority::Reply, text, Some(menu))).await?;
    }
    Ok(())
}
