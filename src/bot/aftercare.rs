//! After the visit: when a volunteer marks a request done they may add what they spent (and a
//! photo of the receipt), a note for whoever helps this person next, and a worry about the person
//! — one optional question at a time, each with ⏭ Skip. The requester is asked to confirm the
//! amount; the region's leads see each receipt with a 💸 Repaid button (first press wins) and
//! hear at once about a worry. "😟 I am worried" also sits under the details of a held request.
//!
//! Every answer that stores something is one write transaction that re-checks that this person
//! did (or holds) this request, with its messages queued in the same transaction.

use teloxide::types::{CallbackQuery, InlineKeyboardMarkup, Message, ReplyMarkup};
use teloxide::utils::html::escape;

use super::callbacks::Cb;
use super::keyboards::{inline, inline_markup, reply};
use super::state::{AfterStep, State};
use super::{Ctx, Next, Person, lifecycle, notify, render};
use crate::args;
use crate::db::{self, Tx, aftercare as store, requests::RequestRow};
use crate::domain::Status;
use crate::domain::money::{Amount, AmountError, MAX_MINOR};
use crate::domain::text::{BoundedText, TextError};
use crate::error::HandlerResult;
use crate::i18n::Lang;
use crate::outbox::{Outgoing, Payload, Priority, enqueue};

/// A note for the next volunteer, in characters: a line or two.
pub const NOTE_MAX: usize = 300;
/// A worry, in characters: a few words for the leads.
pub const CONCERN_MAX: usize = 500;
/// How many earlier notes the next volunteer sees, newest first.
pub(super) const NOTES_SHOWN: i64 = 2;
/// How many due receipts /receipts lists (each with its button).
const RECEIPTS_SHOWN: i64 = 10;

fn amount_text(lang: Lang, minor: i64) -> String {
    Amount::from_minor(minor).display(lang == Lang::Ru)
}

/// The question of a step and its keyboard, after an optional word on the last answer.
fn ask(
    ctx: &Ctx,
    lang: Lang,
    id: i64,
    step: AfterStep,
    before: Option<String>,
) -> (String, ReplyMarkup) {
    let t = |k: &str| ctx.t(lang, k);
    let skip_cancel = || reply(vec![vec![t("btn-skip"), t("btn-cancel")]]);
    let (question, markup) = match step {
        AfterStep::Amount => (
            ctx.i18n.f(lang, "aftercare-ask-amount", &args![("id", id)]),
            skip_cancel(),
        ),
        AfterStep::Photo => (t("aftercare-ask-photo"), skip_cancel()),
        AfterStep::Note => (t("aftercare-ask-note"), skip_cancel()),
        AfterStep::Worried => (
            t("aftercare-ask-worried"),
            reply(vec![vec![t("btn-worried")], vec![t("btn-all-well")]]),
        ),
        AfterStep::Concern => (
            ctx.i18n
                .f(lang, "aftercare-ask-concern", &args![("id", id)]),
            skip_cancel(),
        ),
    };
    let text = match before {
        Some(b) => format!("{b}\n\n{question}"),
        None => question,
    };
    (text, markup)
}

fn state(id: i64, step: AfterStep, amount_minor: Option<i64>) -> State {
    State::Aftercare {
        request_id: id,
        step,
        amount_minor,
    }
}

/// The current question again (after /help or a language switch).
pub fn reask(ctx: &Ctx, person: &Person, state: &State) -> Option<Outgoing> {
    match state {
        State::Aftercare {
            request_id, step, ..
        } => {
            let (text, markup) = ask(ctx, person.lang, *request_id, *step, None);
            Some(ctx.reply(person, text, Some(markup)))
        }
        other => super::intake::reask(ctx, person, other),
    }
}

/// Right after Done (inside its transaction): the first question, or — when the volunteer is in
/// the middle of another dialogue — a button to answer later.
pub async fn after_done(
    ctx: &Ctx,
    tx: &mut Tx,
    person: &Person,
    row: &RequestRow,
) -> Result<(), sqlx::Error> {
    // Read in the transaction: Done just closed a conversation about this request (bot::relay),
    // which is no reason to put the questions off.
    let current: Option<State> = db::dialogues::load_in(tx, person.id).await?;
    if current.is_none_or(|s| s == State::Idle) {
        let (text, markup) = ask(ctx, person.lang, row.id, AfterStep::Amount, None);
        db::dialogues::save(tx, person.id, &state(row.id, AfterStep::Amount, None)).await?;
        enqueue(tx, &ctx.reply(person, text, Some(markup))).await
    } else {
        let text = ctx
            .i18n
            .f(person.lang, "aftercare-later", &args![("id", row.id)]);
        let button = inline_markup(vec![vec![(
            ctx.t(person.lang, "btn-aftercare"),
            Cb::Aftercare(row.id),
        )]]);
        enqueue(tx, &ctx.reply(person, text, Some(button))).await
    }
}

/// The person a request helps: its requester, for whom, and the name given for someone else.
fn about(row: &RequestRow) -> store::Person<'_> {
    store::Person {
        requester_id: row.requester_id,
        for_whom: &row.for_whom,
        beneficiary_name: row.beneficiary_name.as_deref(),
    }
}

/// Notes earlier volunteers left about the person this request helps (not about everyone its
/// requester asked for), for the details of whoever takes it now: at most NOTES_SHOWN, newest
/// first. (A Take reads them with the rest it needs: `db::requests::hand_over_look`.)
pub async fn notes_for_claimer(
    conn: &mut sqlx::SqliteConnection,
    row: &RequestRow,
) -> Result<Vec<String>, sqlx::Error> {
    store::notes_about(conn, &about(row), row.id, NOTES_SHOWN).await
}

/// The notes as the details show them ("" when there are none).
pub fn notes_text(ctx: &Ctx, lang: Lang, notes: &[String]) -> String {
    if notes.is_empty() {
        return String::new();
    }
    let mut out = format!("\n\n{}", ctx.t(lang, "aftercare-notes-header"));
    for n in notes {
        out.push_str(&format!("\n• {}", escape(n)));
    }
    out
}

/// Did this volunteer finish this request (now or before it was reopened)?
async fn finished_by(
    tx: &mut Tx,
    id: i64,
    volunteer: i64,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let Some(row) = db::requests::get_tx(tx, id).await? else {
        return Ok(None);
    };
    // Events this transaction recorded are written first.
    tx.flush().await?;
    let did: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM request_events WHERE request_id = ? AND actor_id = ? AND kind = 'done')",
    )
    .bind(id)
    .bind(volunteer)
    .fetch_one(&mut **tx)
    .await?;
    Ok(did.then_some(row))
}

/// Holds it now, or finished it.
async fn held_or_finished(
    tx: &mut Tx,
    id: i64,
    volunteer: i64,
) -> Result<Option<RequestRow>, sqlx::Error> {
    if let Some(row) = db::requests::get_tx(tx, id).await?
        && row.status() == Status::Claimed
        && row.claimed_by == Some(volunteer)
    {
        return Ok(Some(row));
    }
    finished_by(tx, id, volunteer).await
}

fn text_problem(ctx: &Ctx, lang: Lang, e: TextError) -> String {
    match e {
        TextError::Empty => ctx.t(lang, "input-empty"),
        TextError::TooLong { max, got } => {
            ctx.i18n
                .f(lang, "input-too-long", &args![("max", max), ("got", got)])
        }
    }
}

async fn stay(
    ctx: &Ctx,
    person: &Person,
    id: i64,
    step: AfterStep,
    problem: String,
) -> HandlerResult {
    let (text, markup) = ask(ctx, person.lang, id, step, Some(problem));
    ctx.respond(
        person.id,
        Next::Keep,
        vec![ctx.reply(person, text, Some(markup))],
    )
    .await
}

async fn go(
    ctx: &Ctx,
    person: &Person,
    id: i64,
    step: AfterStep,
    amount_minor: Option<i64>,
) -> HandlerResult {
    let (text, markup) = ask(ctx, person.lang, id, step, None);
    let next = Next::Set(Box::new(state(id, step, amount_minor)));
    ctx.respond(person.id, next, vec![ctx.reply(person, text, Some(markup))])
        .await
}

/// The questions end: a word of thanks (or what was done) and the main menu.
async fn finish(ctx: &Ctx, person: &Person, id: i64, key: &str) -> HandlerResult {
    let menu = ctx.main_menu(person).await?;
    let text = ctx.i18n.f(person.lang, key, &args![("id", id)]);
    ctx.respond(
        person.id,
        Next::Clear,
        vec![ctx.reply(person, text, Some(menu))],
    )
    .await
}

/// The questions after Done are optional, and a conversation through the bot (bot::relay) has
/// nothing half-done to lose: a command or a main-menu button leaves them (the stored state is
/// cleared) and is handled as if no dialogue were going on — a menu button pressed while writing
/// is never passed on to the other side as a message.
pub async fn let_go(
    ctx: &Ctx,
    person: &Person,
    msg: &Message,
    state: State,
) -> Result<State, sqlx::Error> {
    if !matches!(state, State::Aftercare { .. } | State::Relay { .. }) {
        return Ok(state);
    }
    let Some(text) = msg.text() else {
        return Ok(state);
    };
    let menu = [
        "menu-need-help",
        "menu-want-help",
        "menu-my",
        "menu-tasks",
        "menu-profile",
    ];
    let leaves = super::commands::Command::parse(text, &ctx.bot_username).is_some()
        || menu.iter().any(|k| ctx.i18n.is_label(text, k));
    if !leaves {
        return Ok(state);
    }
    let mut tx = db::begin_write(&ctx.pool).await?;
    db::dialogues::clear(&mut tx, person.id).await?;
    if let State::Relay { request_id } = state {
        // Said once, so nobody thinks their next words still go to the other side.
        let text = ctx
            .i18n
            .f(person.lang, "relay-finished", &args![("id", request_id)]);
        enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    }
    ctx.doorbell.commit(tx).await?;
    Ok(State::Idle)
}

pub async fn on_message(
    ctx: &Ctx,
    person: &Person,
    msg: &Message,
    id: i64,
    step: AfterStep,
    amount_minor: Option<i64>,
) -> HandlerResult {
    let lang = person.lang;
    let text = msg.text();
    let is = |k: &str| text.is_some_and(|t| ctx.i18n.is_label(t, k));
    if is("btn-cancel") {
        return finish(ctx, person, id, "aftercare-stopped").await;
    }
    let skip = is("btn-skip");
    match step {
        AfterStep::Amount => {
            if skip {
                return go(ctx, person, id, AfterStep::Note, None).await;
            }
            let Some(text) = text else {
                return stay(ctx, person, id, step, ctx.t(lang, "aftercare-need-amount")).await;
            };
            match Amount::parse(text) {
                Ok(a) => go(ctx, person, id, AfterStep::Photo, Some(a.minor())).await,
                Err(AmountError::Unreadable) => {
                    stay(ctx, person, id, step, ctx.t(lang, "aftercare-need-amount")).await
                }
                Err(AmountError::OutOfBounds) => {
                    let max = amount_text(lang, MAX_MINOR);
                    let problem = ctx
                        .i18n
                        .f(lang, "aftercare-amount-bounds", &args![("max", max)]);
                    stay(ctx, person, id, step, problem).await
                }
            }
        }
        AfterStep::Photo => {
            let Some(minor) = amount_minor else {
                return go(ctx, person, id, AfterStep::Note, None).await;
            };
            let photo = msg
                .photo()
                .and_then(|sizes| sizes.last())
                .map(|p| p.file.id.0.clone());
            if photo.is_none() && !skip {
                return stay(ctx, person, id, step, ctx.t(lang, "aftercare-need-photo")).await;
            }
            save_receipt(ctx, person, id, minor, photo.as_deref()).await
        }
        AfterStep::Note => {
            if skip {
                return go(ctx, person, id, AfterStep::Worried, None).await;
            }
            let Some(text) = text else {
                return stay(ctx, person, id, step, ctx.t(lang, "input-need-text")).await;
            };
            match BoundedText::parse(text, NOTE_MAX) {
                Ok(note) => save_note(ctx, person, id, note.as_str()).await,
                Err(e) => stay(ctx, person, id, step, text_problem(ctx, lang, e)).await,
            }
        }
        AfterStep::Worried => {
            if is("btn-worried") {
                go(ctx, person, id, AfterStep::Concern, None).await
            } else if is("btn-all-well") || skip {
                finish(ctx, person, id, "aftercare-thanks").await
            } else {
                stay(ctx, person, id, step, ctx.t(lang, "not-understood")).await
            }
        }
        AfterStep::Concern => {
            if skip {
                return finish(ctx, person, id, "aftercare-thanks").await;
            }
            let Some(text) = text else {
                return stay(ctx, person, id, step, ctx.t(lang, "input-need-text")).await;
            };
            match BoundedText::parse(text, CONCERN_MAX) {
                Ok(words) => raise_concern(ctx, person, id, words.as_str()).await,
                Err(e) => stay(ctx, person, id, step, text_problem(ctx, lang, e)).await,
            }
        }
    }
}

async fn volunteer_name(tx: &mut Tx, id: i64) -> Result<String, sqlx::Error> {
    Ok(match db::volunteers::display_name(tx, id).await? {
        Some(n) => n,
        None => db::users::first_name(tx, id).await?,
    })
}

/// The request is no longer this volunteer's to add to: say so and end the questions.
async fn not_yours(ctx: &Ctx, person: &Person, id: i64) -> HandlerResult {
    finish(ctx, person, id, "aftercare-not-yours").await
}

/// The amount (and photo) are stored; the requester is asked to confirm; the leads get the
/// receipt with 💸 Repaid; the volunteer goes on to the note.
async fn save_receipt(
    ctx: &Ctx,
    person: &Person,
    id: i64,
    minor: i64,
    photo: Option<&str>,
) -> HandlerResult {
    let now = ctx.clock.now_ms();
    let mut tx = ctx.begin().await?;
    let Some(row) = finished_by(&mut tx, id, person.id).await? else {
        drop(tx);
        return not_yours(ctx, person, id).await;
    };
    let added = store::add_receipt(
        &mut tx,
        now,
        &store::NewReceipt {
            request_id: id,
            requester_id: row.requester_id,
            volunteer_id: person.id,
            region_id: row.region_id,
            amount_minor: minor,
            photo_file_id: photo,
        },
    )
    .await?;
    let Some(receipt) = added else {
        // Already recorded for this visit (a second "🧾 Receipt, note…"): nothing is added.
        let before = already_recorded(ctx, &mut tx, person, id).await?;
        let (text, markup) = ask(ctx, person.lang, id, AfterStep::Note, before);
        db::dialogues::save(&mut tx, person.id, &state(id, AfterStep::Note, None)).await?;
        enqueue(&mut tx, &ctx.reply(person, text, Some(markup))).await?;
        ctx.doorbell.commit(tx).await?;
        return Ok(());
    };

    let requester_lang = notify::lang_of(&mut tx, row.requester_id).await?;
    let question = ctx.i18n.f(
        requester_lang,
        "aftercare-receipt-ask",
        &args![("id", id), ("amount", amount_text(requester_lang, minor))],
    );
    let buttons = inline_markup(vec![vec![
        (
            ctx.t(requester_lang, "btn-receipt-right"),
            Cb::ReceiptRight(receipt),
        ),
        (
            ctx.t(requester_lang, "btn-receipt-wrong"),
            Cb::ReceiptWrong(receipt),
        ),
    ]]);
    enqueue(
        &mut tx,
        &Outgoing::text(row.requester_id, Priority::Reply, question, Some(buttons)),
    )
    .await?;

    let name = volunteer_name(&mut tx, person.id).await?;
    for lead in super::lead::watchers(ctx, &mut tx, row.region_id).await? {
        let lang = notify::lang_of(&mut tx, lead).await?;
        let caption = ctx.i18n.f(
            lang,
            "aftercare-receipt-lead",
            &args![
                ("id", id),
                (
                    "category",
                    render::category(&ctx.i18n, lang, row.category())
                ),
                ("volunteer", escape(&name)),
                ("amount", amount_text(lang, minor)),
            ],
        );
        let markup = repaid_button(ctx, lang, receipt, minor);
        let payload = match photo {
            Some(file_id) => Payload::PhotoFile {
                file_id: file_id.to_owned(),
                caption: Some(caption),
                markup: Some(markup),
            },
            None => Payload::Text {
                text: caption,
                markup: Some(ReplyMarkup::InlineKeyboard(markup)),
            },
        };
        enqueue(
            &mut tx,
            &Outgoing {
                chat_id: lead,
                priority: Priority::Reply,
                payload,
            },
        )
        .await?;
    }

    let saved = ctx.i18n.f(
        person.lang,
        "aftercare-receipt-saved",
        &args![("amount", amount_text(person.lang, minor))],
    );
    let (text, markup) = ask(ctx, person.lang, id, AfterStep::Note, Some(saved));
    db::dialogues::save(&mut tx, person.id, &state(id, AfterStep::Note, None)).await?;
    enqueue(&mut tx, &ctx.reply(person, text, Some(markup))).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(request = id, receipt, "receipt recorded");
    Ok(())
}

/// "The amount for request №N is already recorded", when this volunteer has a receipt for it.
async fn already_recorded(
    ctx: &Ctx,
    tx: &mut Tx,
    person: &Person,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    Ok(store::receipt_of(tx, id, person.id).await?.map(|r| {
        ctx.i18n.f(
            person.lang,
            "aftercare-receipt-already",
            &args![
                ("id", id),
                ("amount", amount_text(person.lang, r.amount_minor))
            ],
        )
    }))
}

fn repaid_button(ctx: &Ctx, lang: Lang, receipt: i64, minor: i64) -> InlineKeyboardMarkup {
    inline(vec![vec![(
        ctx.i18n.f(
            lang,
            "btn-repaid",
            &args![("amount", amount_text(lang, minor))],
        ),
        Cb::Repaid(receipt),
    )]])
}

async fn save_note(ctx: &Ctx, person: &Person, id: i64, note: &str) -> HandlerResult {
    let now = ctx.clock.now_ms();
    let mut tx = ctx.begin().await?;
    let Some(row) = finished_by(&mut tx, id, person.id).await? else {
        drop(tx);
        return not_yours(ctx, person, id).await;
    };
    store::add_note(&mut tx, now, &about(&row), id, person.id, note).await?;
    let saved = ctx.t(person.lang, "aftercare-note-saved");
    let (text, markup) = ask(ctx, person.lang, id, AfterStep::Worried, Some(saved));
    db::dialogues::save(&mut tx, person.id, &state(id, AfterStep::Worried, None)).await?;
    enqueue(&mut tx, &ctx.reply(person, text, Some(markup))).await?;
    ctx.doorbell.commit(tx).await?;
    Ok(())
}

/// The volunteer's words go to the region's leads at once, with the request; recorded as a
/// concern and an event. Each submitted worry is one alert (a redelivered update is skipped).
async fn raise_concern(ctx: &Ctx, person: &Person, id: i64, words: &str) -> HandlerResult {
    let now = ctx.clock.now_ms();
    let menu = ctx.main_menu(person).await?;
    let mut tx = ctx.begin().await?;
    let Some(row) = held_or_finished(&mut tx, id, person.id).await? else {
        drop(tx);
        return not_yours(ctx, person, id).await;
    };
    let concern = store::add_concern(&mut tx, now, id, row.region_id, person.id, words).await?;
    let name = volunteer_name(&mut tx, person.id).await?;
    for lead in super::lead::watchers(ctx, &mut tx, row.region_id).await? {
        let lang = notify::lang_of(&mut tx, lead).await?;
        let text = ctx.i18n.f(
            lang,
            "aftercare-concern-lead",
            &args![
                ("id", id),
                (
                    "category",
                    render::category(&ctx.i18n, lang, row.category())
                ),
                ("settlement", escape(&row.settlement)),
                (
                    "region",
                    escape(&render::region(&ctx.regions, lang, row.region_id))
                ),
                ("status", render::status(&ctx.i18n, lang, row.status())),
                ("volunteer", escape(&name)),
                ("words", escape(words)),
            ],
        );
        enqueue(&mut tx, &Outgoing::text(lead, Priority::Reply, text, None)).await?;
    }
    db::dialogues::clear(&mut tx, person.id).await?;
    let text = ctx
        .i18n
        .f(person.lang, "aftercare-concern-sent", &args![("id", id)]);
    enqueue(&mut tx, &ctx.reply(person, text, Some(menu))).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(request = id, concern, "concern raised; leads alerted");
    Ok(())
}

/// The requester answers whether the amount is right. "No" alerts the region's leads.
pub async fn answer_receipt(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    id: i64,
    right: bool,
) -> HandlerResult {
    let now = ctx.clock.now_ms();
    let mut tx = ctx.begin().await?;
    let Some(r) = store::answer_receipt(&mut tx, now, id, person.id, right).await? else {
        let key = match store::receipt(&mut tx, id).await? {
            None => "stale-button",
            Some(r) if r.requester_id != person.id => "not-your-request",
            Some(_) => "already-answered",
        };
        drop(tx);
        ctx.answer_callback(q, Some(ctx.t(person.lang, key)), true)
            .await;
        return Ok(());
    };
    if !right {
        let name = volunteer_name(&mut tx, r.volunteer_id).await?;
        for lead in super::lead::watchers(ctx, &mut tx, r.region_id).await? {
            let lang = notify::lang_of(&mut tx, lead).await?;
            let text = ctx.i18n.f(
                lang,
                "aftercare-receipt-disputed-lead",
                &args![
                    ("id", r.request_id),
                    ("volunteer", escape(&name)),
                    ("amount", amount_text(lang, r.amount_minor)),
                ],
            );
            let markup = (r.repaid_at.is_none()).then(|| {
                ReplyMarkup::InlineKeyboard(repaid_button(ctx, lang, r.id, r.amount_minor))
            });
            enqueue(
                &mut tx,
                &Outgoing::text(lead, Priority::Reply, text, markup),
            )
            .await?;
        }
    }
    lifecycle::clear_pressed(&mut tx, q).await?;
    let key = if right {
        "aftercare-receipt-thanks"
    } else {
        "aftercare-receipt-disputed"
    };
    let text = ctx.i18n.f(person.lang, key, &args![("id", r.request_id)]);
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    ctx.doorbell.commit(tx).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// 💸 Repaid: a lead of the receipt's region (or an operator); the first press wins, the
/// volunteer is told.
pub async fn repaid(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let now = ctx.clock.now_ms();
    let mut tx = ctx.begin().await?;
    let Some(r) = store::receipt(&mut tx, id).await? else {
        drop(tx);
        ctx.answer_callback(q, Some(ctx.t(person.lang, "stale-button")), true)
            .await;
        return Ok(());
    };
    let allowed =
        ctx.is_admin(person.id) || db::leads::is_lead_of(&mut tx, person.id, r.region_id).await?;
    if !allowed {
        drop(tx);
        ctx.answer_callback(q, Some(ctx.t(person.lang, "role-leads-only")), true)
            .await;
        return Ok(());
    }
    let Some(r) = store::mark_repaid(&mut tx, now, id, person.id).await? else {
        drop(tx);
        let text = ctx.i18n.f(
            person.lang,
            "aftercare-already-repaid",
            &args![("id", r.request_id)],
        );
        ctx.answer_callback(q, Some(text), true).await;
        return Ok(());
    };
    let volunteer_lang = notify::lang_of(&mut tx, r.volunteer_id).await?;
    let told = ctx.i18n.f(
        volunteer_lang,
        "aftercare-repaid-volunteer",
        &args![
            ("id", r.request_id),
            ("amount", amount_text(volunteer_lang, r.amount_minor))
        ],
    );
    enqueue(
        &mut tx,
        &Outgoing::text(r.volunteer_id, Priority::Reply, told, None),
    )
    .await?;
    let name = volunteer_name(&mut tx, r.volunteer_id).await?;
    let text = ctx.i18n.f(
        person.lang,
        "aftercare-repaid-lead",
        &args![
            ("id", r.request_id),
            ("volunteer", escape(&name)),
            ("amount", amount_text(person.lang, r.amount_minor))
        ],
    );
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    lifecycle::clear_pressed(&mut tx, q).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(receipt = id, lead = person.id, "receipt repaid");
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// 😟 under a held request's details (or a finished one): the volunteer is asked for a few words.
pub async fn worried(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    id: i64,
    current: State,
) -> HandlerResult {
    enter(ctx, person, q, id, current, AfterStep::Concern).await
}

/// 🧾 Receipt, note…: the questions after Done, asked later.
pub async fn start_later(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    id: i64,
    current: State,
) -> HandlerResult {
    enter(ctx, person, q, id, current, AfterStep::Amount).await
}

async fn enter(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    id: i64,
    current: State,
    step: AfterStep,
) -> HandlerResult {
    let busy = !matches!(current, State::Idle | State::Aftercare { .. });
    if busy {
        ctx.answer_callback(q, Some(ctx.t(person.lang, "finish-first")), true)
            .await;
        return Ok(());
    }
    let mut tx = ctx.begin().await?;
    let allowed = match step {
        AfterStep::Concern => held_or_finished(&mut tx, id, person.id).await?,
        _ => finished_by(&mut tx, id, person.id).await?,
    };
    if allowed.is_none() {
        drop(tx);
        let key = match db::requests::get(&ctx.pool, id).await? {
            None => "request-not-found",
            Some(_) => "not-held-by-you",
        };
        ctx.answer_callback(q, Some(ctx.t(person.lang, key)), true)
            .await;
        return Ok(());
    }
    let (mut step, mut before) = (step, None);
    if step == AfterStep::Amount {
        // "🧾 Receipt, note…" is used once: its button goes, and an amount already recorded for
        // this visit is not asked for again.
        lifecycle::clear_pressed(&mut tx, q).await?;
        before = already_recorded(ctx, &mut tx, person, id).await?;
        if before.is_some() {
            step = AfterStep::Note;
        }
    }
    let (text, markup) = ask(ctx, person.lang, id, step, before);
    db::dialogues::save(&mut tx, person.id, &state(id, step, None)).await?;
    enqueue(&mut tx, &ctx.reply(person, text, Some(markup))).await?;
    ctx.doorbell.commit(tx).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// /receipts: the reimbursements due in the lead's regions, oldest first, each with 💸 Repaid.
pub async fn receipts(ctx: &Ctx, person: &Person) -> HandlerResult {
    let lang = person.lang;
    if db::leads::regions_of(&ctx.pool, person.id)
        .await?
        .is_empty()
    {
        let text = ctx.t(lang, "role-leads-only");
        return ctx
            .respond(person.id, Next::Keep, vec![ctx.reply(person, text, None)])
            .await;
    }
    let (rows, total) = store::due_for_lead(&ctx.pool, person.id, RECEIPTS_SHOWN).await?;
    if total == 0 {
        let text = ctx.t(lang, "aftercare-receipts-none");
        return ctx
            .respond(person.id, Next::Keep, vec![ctx.reply(person, text, None)])
            .await;
    }
    let mut text = ctx
        .i18n
        .f(lang, "aftercare-receipts-header", &args![("n", total)]);
    let mut buttons = vec![];
    for r in &rows {
        let answer = ctx.t(lang, &format!("aftercare-answer-{}", r.answer));
        text.push('\n');
        text.push_str(&ctx.i18n.f(
            lang,
            "aftercare-receipts-item",
            &args![
                ("id", r.request_id),
                ("amount", amount_text(lang, r.amount_minor)),
                ("volunteer", escape(r.volunteer.as_deref().unwrap_or("?"))),
                ("answer", answer),
                (
                    "region",
                    escape(&render::region(&ctx.regions, lang, r.region_id))
                ),
            ],
        ));
        buttons.push(vec![(
            ctx.i18n.f(
                lang,
                "btn-repaid-n",
                &args![
                    ("id", r.request_id),
                    ("amount", amount_text(lang, r.amount_minor))
                ],
            ),
            Cb::Repaid(r.id),
        )]);
    }
    let shown = rows.len() as i64;
    if total > shown {
        text.push('\n');
        text.push_str(&ctx.i18n.f(
            lang,
            "aftercare-receipts-more",
            &args![("n", total - shown)],
        ));
    }
    ctx.respond(
        person.id,
        Next::Keep,
        vec![ctx.reply(person, text, Some(inline_markup(buttons)))],
    )
    .await
}
