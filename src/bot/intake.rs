//! The lead's hand on intake, and a way in for people who cannot type.
//!
//! /intake: a club lead pauses new requests in one of their regions, typing what people are told
//! instead (a phone line, another place for help), and resumes them. While a region is paused, a
//! requester who chooses it hears the lead's message and is asked for a region again (or ❌).
//!
//! A voice message sent outside any dialogue starts a quick request: "I heard you. Which
//! region?" → phone → posted, marked voice only, kind of help "other". The region's leads get it
//! with buttons to set the kind of help; the volunteer who takes it gets the voice message.

use chrono::Duration;
use teloxide::types::{CallbackQuery, Message, ReplyMarkup};
use teloxide::utils::html::escape;

use super::callbacks::Cb;
use super::keyboards::{self, inline, inline_markup, nav_row, reply};
use super::regions::{self, Picked};
use super::requester::Refusal;
use super::state::{RegionPicker, State, VoiceStep};
use super::{Ctx, Next, Person, lifecycle, notify, render};
use crate::args;
use crate::db::{self, Tx, aftercare as store, requests::NewRequest};
use crate::domain::text::{BoundedText, TextError};
use crate::domain::{Beneficiary, Category, ForWhom, Phone, Status, Urgency};
use crate::error::HandlerResult;
use crate::i18n::Lang;
use crate::outbox::{Outgoing, Payload, Priority, enqueue};

/// What a lead may type for people while intake is paused, in characters.
pub const PAUSE_MESSAGE_MAX: usize = 500;

/// The kind answer for a region whose intake is paused (`None` when it is open).
pub async fn paused_notice(
    ctx: &Ctx,
    lang: Lang,
    region: Option<i64>,
) -> Result<Option<String>, sqlx::Error> {
    let Some(region) = region else {
        return Ok(None);
    };
    Ok(store::pause_message(&ctx.pool, region)
        .await?
        .map(|m| pause_text(ctx, lang, region, &m)))
}

/// What a requester reads while the region's intake is paused.
pub fn pause_text(ctx: &Ctx, lang: Lang, region: i64, message: &str) -> String {
    ctx.i18n.f(
        lang,
        "intake-paused-requester",
        &args![
            (
                "region",
                escape(&render::region(&ctx.regions, lang, region))
            ),
            ("message", escape(message)),
        ],
    )
}

async fn may_act(
    ctx: &Ctx,
    tx: &mut Tx,
    person: &Person,
    region: i64,
) -> Result<bool, sqlx::Error> {
    Ok(ctx.is_admin(person.id) || db::leads::is_lead_of(tx, person.id, region).await?)
}

async fn say(ctx: &Ctx, person: &Person, text: String) -> HandlerResult {
    ctx.respond(person.id, Next::Keep, vec![ctx.reply(person, text, None)])
        .await
}

// ---- intake pause -------------------------------------------------------------------------------

/// /intake: each of the lead's regions, taking requests or paused, with the button to change it.
pub async fn intake(ctx: &Ctx, person: &Person) -> HandlerResult {
    let lang = person.lang;
    let led = db::leads::regions_of(&ctx.pool, person.id).await?;
    if led.is_empty() {
        return say(ctx, person, ctx.t(lang, "role-leads-only")).await;
    }
    let paused = store::paused_among(&ctx.pool, person.id).await?;
    let mut lines = vec![ctx.t(lang, "intake-header")];
    let mut buttons = vec![];
    for region in led {
        let name = render::region(&ctx.regions, lang, region);
        if paused.contains(&region) {
            let message = store::pause_message(&ctx.pool, region)
                .await?
                .unwrap_or_default();
            lines.push(ctx.i18n.f(
                lang,
                "intake-item-paused",
                &args![("region", escape(&name)), ("message", escape(&message))],
            ));
            buttons.push(vec![(
                ctx.i18n
                    .f(lang, "btn-intake-resume", &args![("region", name)]),
                Cb::ResumeIntake(region),
            )]);
        } else {
            lines.push(
                ctx.i18n
                    .f(lang, "intake-item-open", &args![("region", escape(&name))]),
            );
            buttons.push(vec![(
                ctx.i18n
                    .f(lang, "btn-intake-pause", &args![("region", name)]),
                Cb::PauseIntake(region),
            )]);
        }
    }
    ctx.respond(
        person.id,
        Next::Keep,
        vec![ctx.reply(person, lines.join("\n"), Some(inline_markup(buttons)))],
    )
    .await
}

/// ⏸ Pause: the lead is asked what people should read instead.
pub async fn pause_ask(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    region: i64,
    current: State,
) -> HandlerResult {
    let lang = person.lang;
    let refusal = if !matches!(current, State::Idle | State::IntakePause { .. }) {
        Some(ctx.t(lang, "finish-first"))
    } else {
        let mut tx = db::begin_write(&ctx.pool).await?;
        let allowed = may_act(ctx, &mut tx, person, region).await?;
        drop(tx);
        if !allowed || ctx.regions.get(region).is_none() {
            Some(ctx.t(lang, "role-leads-only"))
        } else if store::pause_message(&ctx.pool, region).await?.is_some() {
            Some(ctx.t(lang, "intake-already-paused"))
        } else {
            None
        }
    };
    if let Some(text) = refusal {
        ctx.answer_callback(q, Some(text), true).await;
        return Ok(());
    }
    let text = ctx.i18n.f(
        lang,
        "intake-pause-ask",
        &args![(
            "region",
            escape(&render::region(&ctx.regions, lang, region))
        )],
    );
    let next = Next::Set(Box::new(State::IntakePause { region_id: region }));
    let markup = reply(vec![vec![ctx.t(lang, "btn-cancel")]]);
    ctx.respond(person.id, next, vec![ctx.reply(person, text, Some(markup))])
        .await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// The lead's message: intake pauses (first pause wins), the region's other leads are told.
pub async fn on_pause_message(
    ctx: &Ctx,
    person: &Person,
    msg: &Message,
    region: i64,
) -> HandlerResult {
    let lang = person.lang;
    let text = msg.text();
    if text.is_some_and(|t| ctx.i18n.is_label(t, "btn-cancel") || ctx.i18n.is_label(t, "btn-back"))
    {
        return super::commands::cancel_dialogue(ctx, person).await;
    }
    let markup = || Some(reply(vec![vec![ctx.t(lang, "btn-cancel")]]));
    let problem = match text.map(|t| BoundedText::parse(t, PAUSE_MESSAGE_MAX)) {
        Some(Ok(message)) => return pause(ctx, person, region, message.as_str()).await,
        None => ctx.t(lang, "input-need-text"),
        Some(Err(TextError::Empty)) => ctx.t(lang, "input-empty"),
        Some(Err(TextError::TooLong { max, got })) => {
            ctx.i18n
                .f(lang, "input-too-long", &args![("max", max), ("got", got)])
        }
    };
    let question = ctx.i18n.f(
        lang,
        "intake-pause-ask",
        &args![(
            "region",
            escape(&render::region(&ctx.regions, lang, region))
        )],
    );
    let out = ctx.reply(person, format!("{problem}\n\n{question}"), markup());
    ctx.respond(person.id, Next::Keep, vec![out]).await
}

async fn pause(ctx: &Ctx, person: &Person, region: i64, message: &str) -> HandlerResult {
    let lang = person.lang;
    let menu = ctx.main_menu(person).await?;
    let mut tx = ctx.begin().await?;
    let key = if !may_act(ctx, &mut tx, person, region).await? {
        "role-leads-only"
    } else if store::pause(&mut tx, ctx.clock.now_ms(), region, person.id, message).await? {
        tell_other_leads(ctx, &mut tx, person, region, "intake-paused-other-lead").await?;
        "intake-paused"
    } else {
        "intake-already-paused"
    };
    db::dialogues::clear(&mut tx, person.id).await?;
    let text = ctx.i18n.f(
        lang,
        key,
        &args![(
            "region",
            escape(&render::region(&ctx.regions, lang, region))
        )],
    );
    enqueue(&mut tx, &ctx.reply(person, text, Some(menu))).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(region, lead = person.id, "intake pause asked");
    Ok(())
}

async fn tell_other_leads(
    ctx: &Ctx,
    tx: &mut Tx,
    person: &Person,
    region: i64,
    key: &str,
) -> Result<(), sqlx::Error> {
    let name = escape(&person.first_name);
    for lead in db::leads::of_region(tx, region).await? {
        if lead == person.id {
            continue;
        }
        let lang = notify::lang_of(tx, lead).await?;
        let text = ctx.i18n.f(
            lang,
            key,
            &args![
                (
                    "region",
                    escape(&render::region(&ctx.regions, lang, region))
                ),
                ("name", name.clone()),
            ],
        );
        enqueue(tx, &Outgoing::text(lead, Priority::Reply, text, None)).await?;
    }
    Ok(())
}

/// ▶️ Resume: new requests are taken again.
pub async fn resume(ctx: &Ctx, person: &Person, q: &CallbackQuery, region: i64) -> HandlerResult {
    let lang = person.lang;
    let mut tx = ctx.begin().await?;
    if !may_act(ctx, &mut tx, person, region).await? {
        drop(tx);
        ctx.answer_callback(q, Some(ctx.t(lang, "role-leads-only")), true)
            .await;
        return Ok(());
    }
    if !store::resume(&mut tx, region).await? {
        drop(tx);
        ctx.answer_callback(q, Some(ctx.t(lang, "intake-not-paused")), true)
            .await;
        return Ok(());
    }
    tell_other_leads(ctx, &mut tx, person, region, "intake-resumed-other-lead").await?;
    lifecycle::clear_pressed(&mut tx, q).await?;
    let text = ctx.i18n.f(
        lang,
        "intake-resumed",
        &args![(
            "region",
            escape(&render::region(&ctx.regions, lang, region))
        )],
    );
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(region, lead = person.id, "intake resumed");
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

// ---- quick voice request ------------------------------------------------------------------------

fn voice_ask(
    ctx: &Ctx,
    lang: Lang,
    step: VoiceStep,
    picker: &RegionPicker,
    problem: Option<String>,
) -> (String, ReplyMarkup) {
    let (question, markup) = match step {
        VoiceStep::Region => {
            let mut rows = regions::keyboard_rows(ctx, lang, picker, &[]);
            rows.push(nav_row(&ctx.i18n, lang));
            (ctx.t(lang, "voice-ask-region"), reply(rows))
        }
        VoiceStep::Phone => (
            ctx.t(lang, "voice-ask-phone"),
            keyboards::phone(&ctx.i18n, lang),
        ),
    };
    let text = match problem {
        Some(p) => format!("{p}\n\n{question}"),
        None => question,
    };
    (text, markup)
}

/// The current question of a lead's pause or a quick voice request, again.
pub fn reask(ctx: &Ctx, person: &Person, state: &State) -> Option<Outgoing> {
    let lang = person.lang;
    match state {
        State::VoiceRequest { step, picker, .. } => {
            let (text, markup) = voice_ask(ctx, lang, *step, picker, None);
            Some(ctx.reply(person, text, Some(markup)))
        }
        State::IntakePause { region_id } => {
            let text = ctx.i18n.f(
                lang,
                "intake-pause-ask",
                &args![(
                    "region",
                    escape(&render::region(&ctx.regions, lang, *region_id))
                )],
            );
            Some(ctx.reply(
                person,
                text,
                Some(reply(vec![vec![ctx.t(lang, "btn-cancel")]])),
            ))
        }
        _ => None,
    }
}

/// A voice message outside any dialogue: "I heard you. Which region?"
pub async fn voice_start(ctx: &Ctx, person: &Person, file_id: &str) -> HandlerResult {
    if let Some(text) = super::requester::too_many_open(ctx, person).await? {
        let menu = ctx.main_menu(person).await?;
        return ctx
            .respond(
                person.id,
                Next::Clear,
                vec![ctx.reply(person, text, Some(menu))],
            )
            .await;
    }
    let picker = RegionPicker::default();
    let (text, markup) = voice_ask(ctx, person.lang, VoiceStep::Region, &picker, None);
    let next = Next::Set(Box::new(State::VoiceRequest {
        file_id: file_id.to_owned(),
        step: VoiceStep::Region,
        region_id: None,
        picker,
    }));
    ctx.respond(person.id, next, vec![ctx.reply(person, text, Some(markup))])
        .await
}

pub async fn on_voice_message(
    ctx: &Ctx,
    person: &Person,
    msg: &Message,
    state: State,
) -> HandlerResult {
    let State::VoiceRequest {
        mut file_id,
        step,
        mut region_id,
        mut picker,
    } = state
    else {
        return Ok(());
    };
    let lang = person.lang;
    let text = msg.text().unwrap_or_default();
    let is = |k: &str| msg.text().is_some() && ctx.i18n.is_label(text, k);
    if is("btn-cancel") || (is("btn-back") && step == VoiceStep::Region) {
        return super::commands::cancel_dialogue(ctx, person).await;
    }
    let (next_step, problem) = match step {
        _ if is("btn-back") => (VoiceStep::Region, None),
        VoiceStep::Region => {
            if let Some(voice) = msg.voice() {
                // A second try at the message: the newest one is kept.
                file_id = voice.file.id.0.clone();
                (VoiceStep::Region, Some(ctx.t(lang, "voice-heard-again")))
            } else if msg.text().is_none() {
                (VoiceStep::Region, Some(ctx.t(lang, "input-need-text")))
            } else {
                match regions::handle(ctx, lang, &mut picker, text) {
                    Picked::Region(id) => match paused_notice(ctx, lang, Some(id)).await? {
                        Some(notice) => (VoiceStep::Region, Some(notice)),
                        None => {
                            region_id = Some(id);
                            (VoiceStep::Phone, None)
                        }
                    },
                    Picked::Stay(problem) => (VoiceStep::Region, problem),
                }
            }
        }
        VoiceStep::Phone => {
            let phone = if let Some(contact) = msg.contact() {
                Phone::parse(&contact.phone_number).map(|p| Some(p.into_inner()))
            } else if is("btn-skip") {
                Some(None)
            } else if msg.text().is_some() {
                Phone::parse(text).map(|p| Some(p.into_inner()))
            } else {
                None
            };
            match (phone, region_id) {
                (Some(phone), Some(region)) => {
                    return submit(ctx, person, file_id, region, phone).await;
                }
                (_, None) => (VoiceStep::Region, None),
                (None, _) => (VoiceStep::Phone, Some(ctx.t(lang, "input-bad-phone"))),
            }
        }
    };
    let (text, markup) = voice_ask(ctx, lang, next_step, &picker, problem);
    let next = Next::Set(Box::new(State::VoiceRequest {
        file_id,
        step: next_step,
        region_id,
        picker,
    }));
    ctx.respond(person.id, next, vec![ctx.reply(person, text, Some(markup))])
        .await
}

/// The quick request is created, announced and shown to the leads with buttons for its kind of
/// help — one transaction.
async fn submit(
    ctx: &Ctx,
    person: &Person,
    file_id: String,
    region: i64,
    phone: Option<String>,
) -> HandlerResult {
    let today = ctx
        .regions
        .get(region)
        .map(|r| r.today(ctx.clock.now()))
        .unwrap_or_else(|| ctx.clock.now().date_naive());
    let new = NewRequest {
        requester_id: person.id,
        for_whom: ForWhom::Myself,
        beneficiary_name: None,
        beneficiary: Beneficiary::Other,
        region_id: region,
        category: Category::Other,
        // The voice message says where; the push shows the region only.
        settlement: String::new(),
        details: None,
        voice_file_id: Some(file_id),
        address: None,
        phone,
        urgency: Urgency::Soon,
        needed_on: today + Duration::days(3),
    };
    let menu = ctx.main_menu(person).await?;
    let mut tx = ctx.begin().await?;
    // The limit and the pause, read in the transaction that creates the request.
    match super::requester::refusal_in(ctx, &mut tx, person, region).await? {
        None => {}
        Some(Refusal::TooMany(text)) => {
            drop(tx);
            return ctx
                .respond(
                    person.id,
                    Next::Clear,
                    vec![ctx.reply(person, text, Some(menu))],
                )
                .await;
        }
        Some(Refusal::Paused(notice)) => {
            drop(tx);
            let picker = RegionPicker::default();
            let (text, markup) =
                voice_ask(ctx, person.lang, VoiceStep::Region, &picker, Some(notice));
            let next = Next::Set(Box::new(State::VoiceRequest {
                file_id: new.voice_file_id.unwrap_or_default(),
                step: VoiceStep::Region,
                region_id: None,
                picker,
            }));
            return ctx
                .respond(person.id, next, vec![ctx.reply(person, text, Some(markup))])
                .await;
        }
    }
    let row = db::requests::create(&mut tx, ctx.clock.now_ms(), &new).await?;
    store::mark_voice_request(&mut tx, row.id).await?;
    let fanout = notify::fan_out_new(ctx, &mut tx, &row, &[person.id]).await?;
    let pushed = fanout.now + fanout.held;
    // The leads hear the message itself first: it is all there is to tell its kind of help by.
    if let Some(file_id) = &row.voice_file_id {
        for lead in super::lead::watchers(ctx, &mut tx, region).await? {
            let lang = notify::lang_of(&mut tx, lead).await?;
            let caption = ctx.i18n.f(lang, "claimer-voice", &args![("id", row.id)]);
            let voice = Payload::Voice {
                file_id: file_id.clone(),
                caption: Some(caption),
            };
            enqueue(
                &mut tx,
                &Outgoing {
                    chat_id: lead,
                    priority: Priority::Reply,
                    payload: voice,
                },
            )
            .await?;
        }
    }
    let buttons = |lang: Lang| category_buttons(ctx, lang, row.id);
    super::lead::alert_leads(ctx, &mut tx, &row, "voice-request-lead", 0, Some(&buttons)).await?;
    let region_name = escape(&render::region(&ctx.regions, person.lang, region));
    // Like a typed request: at night the person hears when the volunteers will see it, and with
    // no volunteer to hear it, that a coordinator will listen and pass it on.
    let text = match (fanout.now, fanout.first_release) {
        (0, Some(at)) => super::duty::posted_at_night(ctx, person.lang, &row, &region_name, at),
        (0, None) => ctx.i18n.f(
            person.lang,
            "voice-posted-nobody",
            &args![("id", row.id), ("region", region_name)],
        ),
        _ => ctx.i18n.f(
            person.lang,
            "voice-posted",
            &args![("id", row.id), ("region", region_name)],
        ),
    };
    db::dialogues::clear(&mut tx, person.id).await?;
    enqueue(&mut tx, &ctx.reply(person, text, Some(menu))).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(
        request = row.id,
        region,
        pushed,
        "quick voice request created"
    );
    Ok(())
}

fn category_buttons(ctx: &Ctx, lang: Lang, id: i64) -> teloxide::types::InlineKeyboardMarkup {
    let buttons: Vec<(String, Cb)> = Category::ALL
        .iter()
        .map(|c| {
            let cb = Cb::SetCategory {
                request: id,
                category: c.index() as u8,
            };
            (render::category(&ctx.i18n, lang, *c), cb)
        })
        .collect();
    inline(buttons.chunks(2).map(<[_]>::to_vec).collect())
}

/// 🏷 in /requests: the kinds of help of a request, as buttons.
pub async fn category_ask(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let lang = person.lang;
    let mut tx = db::begin_write(&ctx.pool).await?;
    let row = db::requests::get_tx(&mut tx, id).await?;
    let allowed = match &row {
        Some(r) => may_act(ctx, &mut tx, person, r.region_id).await?,
        None => false,
    };
    drop(tx);
    let Some(row) = row.filter(|r| !r.status().is_final()) else {
        ctx.answer_callback(q, Some(ctx.t(lang, "request-not-found")), true)
            .await;
        return Ok(());
    };
    if !allowed {
        ctx.answer_callback(q, Some(ctx.t(lang, "role-leads-only")), true)
            .await;
        return Ok(());
    }
    let text = ctx
        .i18n
        .f(lang, "voice-category-ask", &args![("id", row.id)]);
    let markup = ReplyMarkup::InlineKeyboard(category_buttons(ctx, lang, row.id));
    ctx.respond(
        person.id,
        Next::Keep,
        vec![ctx.reply(person, text, Some(markup))],
    )
    .await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// A lead sets the kind of help: an open request is announced to the volunteers of that kind who
/// have not seen it yet.
pub async fn set_category(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    id: i64,
    index: u8,
) -> HandlerResult {
    let lang = person.lang;
    let Some(category) = Category::from_index(usize::from(index)) else {
        ctx.answer_callback(q, Some(ctx.t(lang, "stale-button")), true)
            .await;
        return Ok(());
    };
    let now = ctx.clock.now_ms();
    let mut tx = ctx.begin().await?;
    let Some(row) = db::requests::get_tx(&mut tx, id).await? else {
        drop(tx);
        ctx.answer_callback(q, Some(ctx.t(lang, "request-not-found")), true)
            .await;
        return Ok(());
    };
    if !may_act(ctx, &mut tx, person, row.region_id).await? {
        drop(tx);
        ctx.answer_callback(q, Some(ctx.t(lang, "role-leads-only")), true)
            .await;
        return Ok(());
    }
    let Some(status) = store::set_category(&mut tx, now, id, category.code(), person.id).await?
    else {
        drop(tx);
        ctx.answer_callback(q, Some(ctx.t(lang, "voice-category-too-late")), true)
            .await;
        return Ok(());
    };
    if status == Status::Open.code()
        && let Some(updated) = db::requests::get_tx(&mut tx, id).await?
    {
        let mut seen: Vec<i64> = db::requests::pushes_of(&mut tx, id)
            .await?
            .into_iter()
            .map(|(chat, _)| chat)
            .collect();
        seen.push(updated.requester_id);
        notify::push_request(ctx, &mut tx, &updated, &seen).await?;
    }
    lifecycle::clear_pressed(&mut tx, q).await?;
    let text = ctx.i18n.f(
        lang,
        "voice-category-set",
        &args![
            ("id", id),
            ("category", render::category(&ctx.i18n, lang, category))
        ],
    );
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    ctx.doorbell.commit(tx).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}
