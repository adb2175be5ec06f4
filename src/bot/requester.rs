//! Asking for help: one question at a time, ⬅️ Back and ❌ Cancel on every step, nothing saved
//! before the summary is confirmed.

use chrono::Duration;
use teloxide::types::{Message, ReplyMarkup};
use teloxide::utils::html::escape;

use super::keyboards::{self, nav_row, pairs, reply};
use super::regions::{self, Picked};
use super::render;
use super::state::{ReqStep, RequestDraft, State};
use super::{Ctx, Next, Person, notify};
use crate::args;
use crate::db::{self, requests::NewRequest};
use crate::domain::text::{BoundedText, TextError, limits};
use crate::domain::when::{DateError, parse_date};
use crate::domain::{Beneficiary, Category, ForWhom, Phone, Urgency};
use crate::error::HandlerResult;
use crate::i18n::Lang;
use crate::outbox::{Outgoing, Priority};

/// A requester with MAX_OPEN_REQUESTS unfinished requests is asked to wait (a public bot meets
/// spam; a person in real need rarely has that many at once).
pub(super) async fn too_many_open(
    ctx: &Ctx,
    person: &Person,
) -> Result<Option<String>, sqlx::Error> {
    let open = db::requests::unfinished_of(&ctx.pool, person.id).await?;
    let max = i64::from(ctx.config.max_open_requests);
    Ok((open >= max).then(|| {
        ctx.i18n
            .f(person.lang, "too-many-open", &args![("count", open)])
    }))
}

/// Why no request can be created now.
pub(super) enum Refusal {
    /// MAX_OPEN_REQUESTS unfinished requests: the kind answer.
    TooMany(String),
    /// The region's intake is paused: the lead's message.
    Paused(String),
}

/// The open-request limit and the region's intake pause, read inside the write transaction that
/// would create the request.
pub(super) async fn refusal_in(
    ctx: &Ctx,
    tx: &mut db::Tx,
    person: &Person,
    region: i64,
) -> Result<Option<Refusal>, sqlx::Error> {
    let (open, paused) = db::requests::intake_look(tx, person.id, region).await?;
    if open >= i64::from(ctx.config.max_open_requests) {
        let text = ctx
            .i18n
            .f(person.lang, "too-many-open", &args![("count", open)]);
        return Ok(Some(Refusal::TooMany(text)));
    }
    Ok(paused.map(|m| Refusal::Paused(super::intake::pause_text(ctx, person.lang, region, &m))))
}

pub async fn start(ctx: &Ctx, person: &Person) -> HandlerResult {
    if let Some(text) = too_many_open(ctx, person).await? {
        let menu = ctx.main_menu(person).await?;
        return ctx
            .respond(
                person.id,
                Next::Clear,
                vec![ctx.reply(person, text, Some(menu))],
            )
            .await;
    }
    let draft = RequestDraft::default();
    let ask = ask(ctx, person.lang, ReqStep::ForWhom, &draft, None);
    let next = Next::Set(Box::new(State::Request {
        step: ReqStep::ForWhom,
        draft,
    }));
    ctx.respond(person.id, next, vec![ctx.reply(person, ask.0, Some(ask.1))])
        .await
}

/// The question of a step and its keyboard, with an optional explanation of what went wrong first.
pub fn ask(
    ctx: &Ctx,
    lang: Lang,
    step: ReqStep,
    draft: &RequestDraft,
    problem: Option<String>,
) -> (String, ReplyMarkup) {
    let t = |k: &str| ctx.t(lang, k);
    let nav = nav_row(&ctx.i18n, lang);
    let (question, markup) = match step {
        ReqStep::ForWhom => (
            t("req-ask-for-whom"),
            reply(vec![vec![t("req-for-me"), t("req-for-other")], nav]),
        ),
        ReqStep::OtherName => (t("req-ask-other-name"), reply(vec![nav])),
        ReqStep::Beneficiary => {
            let q = match (&draft.for_whom, &draft.other_name) {
                (Some(ForWhom::Other), Some(name)) => ctx.i18n.f(
                    lang,
                    "req-ask-beneficiary-other",
                    &args![("name", escape(name))],
                ),
                _ => t("req-ask-beneficiary-self"),
            };
            let mut rows = pairs(Beneficiary::ALL.iter().map(|b| t(&b.key())).collect());
            rows.push(nav);
            (q, reply(rows))
        }
        ReqStep::Region => {
            let mut rows = regions::keyboard_rows(ctx, lang, &draft.picker, &[]);
            rows.push(nav);
            (t("req-ask-region"), reply(rows))
        }
        ReqStep::Category => {
            let mut rows = pairs(Category::ALL.iter().map(|c| t(&c.key())).collect());
            rows.push(nav);
            (t("req-ask-category"), reply(rows))
        }
        ReqStep::Details => (t("req-ask-details"), reply(vec![nav])),
        ReqStep::Settlement => (t("req-ask-settlement"), reply(vec![nav])),
        ReqStep::Address => (t("req-ask-address"), reply(vec![vec![t("btn-skip")], nav])),
        ReqStep::When => (
            t("req-ask-when"),
            reply(vec![
                vec![t("when-today"), t("when-soon")],
                vec![t("when-date")],
                nav,
            ]),
        ),
        ReqStep::Date => (t("req-ask-date"), reply(vec![nav])),
        ReqStep::Phone => (t("req-ask-phone"), keyboards::phone(&ctx.i18n, lang)),
        ReqStep::Confirm => (
            ctx.i18n.f(
                lang,
                "req-summary",
                &args![("summary", summary(ctx, lang, draft))],
            ),
            reply(vec![vec![t("btn-confirm")], vec![t("btn-change")], nav]),
        ),
        ReqStep::Change => {
            let fields = [
                "field-for-whom",
                "field-beneficiary",
                "field-region",
                "field-category",
                "field-details",
                "field-settlement",
                "field-address",
                "field-when",
                "field-phone",
            ];
            let mut rows = pairs(fields.iter().map(|k| t(k)).collect());
            rows.push(vec![t("btn-back-to-summary")]);
            (t("req-ask-change"), reply(rows))
        }
    };
    let text = match problem {
        Some(p) => format!("{p}\n\n{question}"),
        None => question,
    };
    (text, markup)
}

/// The summary shown before confirming: everything the person gave, address and phone included
/// (it is their own data, shown to them).
fn summary(ctx: &Ctx, lang: Lang, d: &RequestDraft) -> String {
    let i = &ctx.i18n;
    let mut lines = vec![];
    match (&d.for_whom, &d.other_name) {
        (Some(ForWhom::Other), Some(name)) => {
            lines.push(i.f(lang, "summary-for-other", &args![("name", escape(name))]))
        }
        _ => lines.push(i.t(lang, "summary-for-me")),
    }
    if let Some(b) = d.beneficiary {
        lines.push(i.f(
            lang,
            "summary-who",
            &args![("who", render::who(i, lang, b))],
        ));
    }
    if let Some(r) = d.region_id {
        lines.push(i.f(
            lang,
            "summary-region",
            &args![("region", escape(&render::region(&ctx.regions, lang, r)))],
        ));
    }
    if let Some(c) = d.category {
        lines.push(i.f(
            lang,
            "summary-category",
            &args![("category", render::category(i, lang, c))],
        ));
    }
    match (&d.details, &d.voice_file_id) {
        (Some(text), _) => {
            lines.push(i.f(lang, "summary-details", &args![("details", escape(text))]))
        }
        (None, Some(_)) => lines.push(i.t(lang, "summary-voice")),
        _ => {}
    }
    if let Some(s) = &d.settlement {
        match d.address.as_deref().filter(|a| !a.is_empty()) {
            Some(a) => lines.push(i.f(
                lang,
                "summary-place",
                &args![("settlement", escape(s)), ("address", escape(a))],
            )),
            None => lines.push(i.f(
                lang,
                "summary-place-no-address",
                &args![("settlement", escape(s))],
            )),
        }
    }
    if let (Some(u), Some(date)) = (d.urgency, d.needed_on) {
        lines.push(i.f(
            lang,
            "summary-when",
            &args![("when", render::when(i, lang, u, date))],
        ));
    }
    match d.phone.as_deref().filter(|p| !p.is_empty()) {
        Some(p) => lines.push(i.f(lang, "summary-phone", &args![("phone", escape(p))])),
        None => lines.push(i.t(lang, "summary-no-phone")),
    }
    lines.join("\n")
}

/// What an answer leads to.
enum Outcome {
    /// Go on to this step (or back to the summary when changing one answer).
    Next(ReqStep),
    /// Stay on the same step, saying why.
    Stay(Option<String>),
}

pub async fn on_message(
    ctx: &Ctx,
    person: &Person,
    msg: &Message,
    step: ReqStep,
    mut draft: RequestDraft,
) -> HandlerResult {
    let lang = person.lang;
    let text = msg.text().unwrap_or_default();
    if ctx.i18n.is_label(text, "btn-cancel") {
        return super::commands::cancel_dialogue(ctx, person).await;
    }
    if ctx.i18n.is_label(text, "btn-back") || ctx.i18n.is_label(text, "btn-back-to-summary") {
        let target = if draft.editing && step != ReqStep::Confirm {
            Some(ReqStep::Confirm)
        } else {
            step.back(&draft)
        };
        return match target {
            None => super::commands::cancel_dialogue(ctx, person).await,
            Some(prev) => {
                if prev == ReqStep::Confirm {
                    draft.editing = false;
                }
                stay_or_go(ctx, person, prev, draft, None).await
            }
        };
    }
    if step == ReqStep::Confirm && ctx.i18n.is_label(text, "btn-confirm") {
        return submit(ctx, person, draft).await;
    }
    let before = draft.clone();
    match answer(ctx, lang, msg, step, &mut draft) {
        Outcome::Next(_)
            if step == ReqStep::Region
                && let Some(notice) =
                    super::intake::paused_notice(ctx, lang, draft.region_id).await? =>
        {
            // The club takes no new requests there now: its message, and the region question again.
            stay_or_go(ctx, person, step, before, Some(notice)).await
        }
        Outcome::Next(mut next) => {
            // Changing one answer: after it (and its follow-up question) comes the summary again.
            let follow_up = step == ReqStep::Change
                || matches!(next, ReqStep::OtherName | ReqStep::Date | ReqStep::Change);
            if draft.editing && !follow_up {
                next = ReqStep::Confirm;
                draft.editing = false;
            }
            stay_or_go(ctx, person, next, draft, None).await
        }
        Outcome::Stay(problem) => stay_or_go(ctx, person, step, draft, problem).await,
    }
}

async fn stay_or_go(
    ctx: &Ctx,
    person: &Person,
    step: ReqStep,
    draft: RequestDraft,
    problem: Option<String>,
) -> HandlerResult {
    let (text, markup) = ask(ctx, person.lang, step, &draft, problem);
    let next = Next::Set(Box::new(State::Request { step, draft }));
    ctx.respond(person.id, next, vec![ctx.reply(person, text, Some(markup))])
        .await
}

fn text_problem(ctx: &Ctx, lang: Lang, e: TextError) -> Option<String> {
    Some(match e {
        TextError::Empty => ctx.t(lang, "input-empty"),
        TextError::TooLong { max, got } => {
            ctx.i18n
                .f(lang, "input-too-long", &args![("max", max), ("got", got)])
        }
    })
}

/// Reads the answer to one step into the draft.
fn answer(ctx: &Ctx, lang: Lang, msg: &Message, step: ReqStep, d: &mut RequestDraft) -> Outcome {
    let i = &ctx.i18n;
    let not_understood = || Outcome::Stay(Some(ctx.t(lang, "not-understood")));
    let need_text = || Outcome::Stay(Some(ctx.t(lang, "input-need-text")));
    let bounded = |max: usize| -> Result<String, Outcome> {
        let Some(text) = msg.text() else {
            return Err(need_text());
        };
        BoundedText::parse(text, max)
            .map(BoundedText::into_inner)
            .map_err(|e| Outcome::Stay(text_problem(ctx, lang, e)))
    };
    let text = msg.text().unwrap_or_default();
    match step {
        ReqStep::ForWhom => {
            if i.is_label(text, "req-for-me") {
                d.for_whom = Some(ForWhom::Myself);
                d.other_name = None;
                Outcome::Next(ReqStep::Beneficiary)
            } else if i.is_label(text, "req-for-other") {
                d.for_whom = Some(ForWhom::Other);
                Outcome::Next(ReqStep::OtherName)
            } else {
                not_understood()
            }
        }
        ReqStep::OtherName => match bounded(limits::NAME) {
            Ok(name) => {
                d.other_name = Some(name);
                Outcome::Next(ReqStep::Beneficiary)
            }
            Err(o) => o,
        },
        ReqStep::Beneficiary => {
            match Beneficiary::ALL.iter().find(|b| i.is_label(text, &b.key())) {
                Some(b) => {
                    d.beneficiary = Some(*b);
                    Outcome::Next(ReqStep::Region)
                }
                None => not_understood(),
            }
        }
        ReqStep::Region => {
            if msg.text().is_none() {
                return need_text();
            }
            match regions::handle(ctx, lang, &mut d.picker, text) {
                Picked::Region(id) => {
                    if d.region_id != Some(id) && d.urgency.is_some() {
                        // Dates were read in the old region's time zone.
                        d.urgency = None;
                        d.needed_on = None;
                    }
                    d.region_id = Some(id);
                    Outcome::Next(if d.urgency.is_none() && d.editing {
                        ReqStep::When
                    } else {
                        ReqStep::Category
                    })
                }
                Picked::Stay(problem) => Outcome::Stay(problem),
            }
        }
        ReqStep::Category => match Category::ALL.iter().find(|c| i.is_label(text, &c.key())) {
            Some(c) => {
                d.category = Some(*c);
                Outcome::Next(ReqStep::Details)
            }
            None => not_understood(),
        },
        ReqStep::Details => {
            if let Some(voice) = msg.voice() {
                d.voice_file_id = Some(voice.file.id.0.clone());
                d.details = None;
                return Outcome::Next(ReqStep::Settlement);
            }
            if msg.text().is_none() {
                return Outcome::Stay(Some(ctx.t(lang, "input-need-text-or-voice")));
            }
            match bounded(limits::DETAILS) {
                Ok(details) => {
                    d.details = Some(details);
                    d.voice_file_id = None;
                    Outcome::Next(ReqStep::Settlement)
                }
                Err(o) => o,
            }
        }
        ReqStep::Settlement => match bounded(limits::SETTLEMENT) {
            Ok(s) => {
                d.settlement = Some(s);
                Outcome::Next(ReqStep::Address)
            }
            Err(o) => o,
        },
        ReqStep::Address => {
            if i.is_label(text, "btn-skip") {
                d.address = Some(String::new());
                return Outcome::Next(ReqStep::When);
            }
            match bounded(limits::ADDRESS) {
                Ok(a) => {
                    d.address = Some(a);
                    Outcome::Next(ReqStep::When)
                }
                Err(o) => o,
            }
        }
        ReqStep::When => {
            let today = d
                .region_id
                .and_then(|id| ctx.regions.get(id))
                .map(|r| r.today(ctx.clock.now()))
                .unwrap_or_else(|| ctx.clock.now().date_naive());
            if i.is_label(text, "when-today") {
                d.urgency = Some(Urgency::Today);
                d.needed_on = Some(today);
                Outcome::Next(ReqStep::Phone)
            } else if i.is_label(text, "when-soon") {
                d.urgency = Some(Urgency::Soon);
                d.needed_on = Some(today + Duration::days(3));
                Outcome::Next(ReqStep::Phone)
            } else if i.is_label(text, "when-date") {
                Outcome::Next(ReqStep::Date)
            } else if msg.text().is_some() && parse_date(text, today).is_ok() {
                // A date typed straight away is understood too.
                d.urgency = Some(Urgency::Date);
                d.needed_on = parse_date(text, today).ok();
                Outcome::Next(ReqStep::Phone)
            } else {
                not_understood()
            }
        }
        ReqStep::Date => {
            if msg.text().is_none() {
                return need_text();
            }
            let today = d
                .region_id
                .and_then(|id| ctx.regions.get(id))
                .map(|r| r.today(ctx.clock.now()))
                .unwrap_or_else(|| ctx.clock.now().date_naive());
            match parse_date(text, today) {
                Ok(date) => {
                    d.urgency = Some(if date == today {
                        Urgency::Today
                    } else {
                        Urgency::Date
                    });
                    d.needed_on = Some(date);
                    Outcome::Next(ReqStep::Phone)
                }
                Err(DateError::Unreadable) => Outcome::Stay(Some(ctx.t(lang, "date-unreadable"))),
                Err(DateError::Past) => Outcome::Stay(Some(ctx.t(lang, "date-past"))),
                Err(DateError::TooFar) => Outcome::Stay(Some(ctx.t(lang, "date-too-far"))),
            }
        }
        ReqStep::Phone => {
            // A shared contact is checked like a typed number: a client can send anything.
            if let Some(contact) = msg.contact() {
                return match Phone::parse(&contact.phone_number) {
                    Some(p) => {
                        d.phone = Some(p.into_inner());
                        Outcome::Next(ReqStep::Confirm)
                    }
                    None => Outcome::Stay(Some(ctx.t(lang, "input-bad-phone"))),
                };
            }
            if i.is_label(text, "btn-skip") {
                d.phone = Some(String::new());
                return Outcome::Next(ReqStep::Confirm);
            }
            if msg.text().is_none() {
                return need_text();
            }
            match Phone::parse(text) {
                Some(p) => {
                    d.phone = Some(p.into_inner());
                    Outcome::Next(ReqStep::Confirm)
                }
                None => Outcome::Stay(Some(ctx.t(lang, "input-bad-phone"))),
            }
        }
        ReqStep::Confirm => {
            if i.is_label(text, "btn-change") {
                Outcome::Next(ReqStep::Change)
            } else {
                not_understood()
            }
        }
        ReqStep::Change => {
            let target = [
                ("field-for-whom", ReqStep::ForWhom),
                ("field-beneficiary", ReqStep::Beneficiary),
                ("field-region", ReqStep::Region),
                ("field-category", ReqStep::Category),
                ("field-details", ReqStep::Details),
                ("field-settlement", ReqStep::Settlement),
                ("field-address", ReqStep::Address),
                ("field-when", ReqStep::When),
                ("field-phone", ReqStep::Phone),
            ]
            .into_iter()
            .find(|(k, _)| i.is_label(text, k));
            match target {
                Some((_, step)) => {
                    d.editing = true;
                    d.picker = Default::default();
                    Outcome::Next(step)
                }
                None => not_understood(),
            }
        }
    }
}

/// Confirm: the request is created, announced to the region's volunteers and the person is told
/// what happens next — all in one transaction.
async fn submit(ctx: &Ctx, person: &Person, d: RequestDraft) -> HandlerResult {
    let complete = (|| {
        Some(NewRequest {
            requester_id: person.id,
            for_whom: d.for_whom?,
            beneficiary_name: if d.for_whom? == ForWhom::Other {
                d.other_name.clone()
            } else {
                None
            },
            beneficiary: d.beneficiary?,
            region_id: d.region_id?,
            category: d.category?,
            settlement: d.settlement.clone()?,
            details: d.details.clone(),
            voice_file_id: d.voice_file_id.clone(),
            address: d.address.clone().filter(|a| !a.is_empty()),
            phone: d.phone.clone().filter(|p| !p.is_empty()),
            urgency: d.urgency?,
            needed_on: d.needed_on?,
        })
    })();
    let Some(new) = complete.filter(|n| n.details.is_some() || n.voice_file_id.is_some()) else {
        // Only reachable with a state from an older version: start the missing part again.
        return stay_or_go(
            ctx,
            person,
            ReqStep::ForWhom,
            d,
            Some(ctx.t(person.lang, "not-understood")),
        )
        .await;
    };
    let menu = ctx.main_menu(person).await?;
    let posted = {
        let (ctx, person, menu) = (ctx.clone(), person.clone(), menu.clone());
        db::on_writer_thread(async move { post(&ctx, &person, new, menu).await }).await?
    };
    let (row, pushed) = match posted {
        Ok(posted) => posted,
        Err(Refusal::TooMany(text)) => {
            return ctx
                .respond(
                    person.id,
                    Next::Clear,
                    vec![ctx.reply(person, text, Some(menu))],
                )
                .await;
        }
        Err(Refusal::Paused(notice)) => {
            // The same notice, and the region question again.
            let draft = RequestDraft {
                editing: true,
                picker: Default::default(),
                ..d
            };
            return stay_or_go(ctx, person, ReqStep::Region, draft, Some(notice)).await;
        }
    };
    tracing::info!(
        request = row.id,
        region = row.region_id,
        pushed,
        "request created"
    );
    Ok(())
}

/// The request written and announced, under the write gate: the request and how many were told
/// of it, or why it may not be posted now.
async fn post(
    ctx: &Ctx,
    person: &Person,
    new: NewRequest,
    menu: ReplyMarkup,
) -> Result<Result<(db::requests::RequestRow, usize), Refusal>, crate::error::HandlerError> {
    let mut tx = ctx.begin().await?;
    // The limit, and a pause since the region was chosen, read in the transaction that creates
    // the request: nothing can slip in between the check and the request.
    if let Some(refusal) = refusal_in(ctx, &mut tx, person, new.region_id).await? {
        return Ok(Err(refusal));
    }
    let row = db::requests::create(&mut tx, ctx.clock.now_ms(), &new).await?;
    let fanout = notify::fan_out_new(ctx, &mut tx, &row, &[person.id]).await?;
    let pushed = fanout.now + fanout.held;
    let region = escape(&render::region(&ctx.regions, person.lang, row.region_id));
    let text = match (fanout.now, fanout.first_release) {
        (0, Some(at)) => super::duty::posted_at_night(ctx, person.lang, &row, &region, at),
        (0, None) => ctx.i18n.f(
            person.lang,
            "req-posted-nobody",
            &args![("id", row.id), ("region", region)],
        ),
        _ => ctx.i18n.f(
            person.lang,
            "req-posted",
            &args![("id", row.id), ("region", region)],
        ),
    };
    db::dialogues::clear(&mut tx, person.id).await?;
    // The conversation is over: people still in the middle of one are answered first.
    let posted = Outgoing::text(person.id, Priority::Closing, text, Some(menu));
    crate::outbox::enqueue(&mut tx, &posted).await?;
    super::door::after_create(ctx, &mut tx, &row, person).await?;
    ctx.doorbell.commit(tx).await?;
    Ok(Ok((row, pushed)))
}
