//! Volunteer duty: a volunteer's own pause (apart from a lead's suspension), quiet hours during
//! which announcements wait for the morning, the limit on requests held at once, a volunteer's
//! record (/stats), and help a requester asks to repeat every week.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use teloxide::types::{CallbackQuery, InlineKeyboardMarkup, ReplyMarkup};
use teloxide::utils::html::escape;

use super::callbacks::{Cb, DutyCb};
use super::keyboards::{inline, inline_markup};
use super::lifecycle::clear_pressed;
use super::{Ctx, Next, Person, notify, render};
use crate::args;
use crate::db::{
    self, Tx,
    duty::{Duty, Held, PushRecipient, Repeat},
    requests::{NewRequest, RequestRow},
};
use crate::domain::duty::{self as rules, PRESETS, QuietChoice, QuietHours};
use crate::domain::{Beneficiary, Category, EventKind, ForWhom, Status, Urgency};
use crate::error::HandlerResult;
use crate::i18n::Lang;
use crate::outbox::{Outgoing, Payload, enqueue};

// ---- quiet hours --------------------------------------------------------------------------------

/// The hours that hold this announcement for this volunteer, if any: their own choice or the
/// deployment's default; none for a "today" request if they asked for those at once.
fn quiet_hours_for(ctx: &Ctx, r: &PushRecipient, row: &RequestRow) -> Option<QuietHours> {
    if r.urgent_ok && row.urgency() == Urgency::Today {
        return None;
    }
    QuietChoice::from_stored(r.quiet.as_deref()).effective(ctx.config.quiet_hours)
}

/// When the announcement may go out (ms), if it has to wait: quiet hours are read in the time
/// zone of the request's region.
pub fn held_until(ctx: &Ctx, r: &PushRecipient, row: &RequestRow) -> Option<i64> {
    let hours = quiet_hours_for(ctx, r, row)?;
    let tz = ctx.regions.get(row.region_id)?.tz;
    hours
        .held_until(ctx.clock.now(), tz)
        .map(|t| t.timestamp_millis())
}

/// Most requests one "good morning" message lists, each with its own Take button; more are
/// pointed to /tasks (a keyboard of a dozen buttons is already hard to read on a phone).
pub const MORNING_BATCH: usize = 8;

/// A held announcement whose time came (or whose volunteer changed their hours): the request and
/// the volunteer to announce it to now, if it is still open and the volunteer still gets such
/// requests and is out of their quiet hours. Held on if it is still quiet for them; forgotten
/// otherwise.
async fn releasable(
    ctx: &Ctx,
    tx: &mut Tx,
    held: &Held,
) -> Result<Option<(RequestRow, PushRecipient)>, sqlx::Error> {
    let row = db::requests::get_tx(tx, held.request_id)
        .await?
        .filter(|r| r.status() == Status::Open);
    let who = match &row {
        Some(r) => db::duty::recipient(tx, held.chat_id, r.region_id, r.category()).await?,
        None => None,
    };
    let (Some(row), Some(who)) = (row, who) else {
        db::duty::unhold(tx, held.request_id, held.chat_id).await?;
        return Ok(None);
    };
    if let Some(at) = held_until(ctx, &who, &row) {
        if at != held.release_at {
            db::duty::set_release(tx, held, at).await?;
        }
        return Ok(None);
    }
    db::duty::unhold(tx, held.request_id, held.chat_id).await?;
    Ok(Some((row, who)))
}

/// Releases what was held for one volunteer whose quiet hours ended (or who changed them): a
/// single request comes as the usual announcement; several come as one "good morning" message
/// listing them, each with its own Take button — only those still open. Returns how many were
/// announced.
pub async fn release_for(
    ctx: &Ctx,
    tx: &mut Tx,
    chat_id: i64,
    held: &[Held],
) -> Result<usize, sqlx::Error> {
    let mut ready = vec![];
    for h in held.iter().filter(|h| h.chat_id == chat_id) {
        if let Some(r) = releasable(ctx, tx, h).await? {
            ready.push(r);
        }
    }
    let Some((_, who)) = ready.first() else {
        return Ok(0);
    };
    let lang = Lang::negotiate(who.language.as_deref(), who.tg_language.as_deref());
    if let [(row, _)] = ready.as_slice() {
        enqueue(tx, &notify::push_to(ctx, row, chat_id, lang)).await?;
        return Ok(1);
    }
    // The most urgent first, as in /tasks.
    ready.sort_by(|(a, _), (b, _)| {
        (a.urgency() != Urgency::Today, &a.needed_on, a.id).cmp(&(
            b.urgency() != Urgency::Today,
            &b.needed_on,
            b.id,
        ))
    });
    let total = ready.len();
    let mut text = ctx
        .i18n
        .f(lang, "duty-morning-header", &args![("n", total)]);
    let mut buttons = vec![];
    for (row, _) in ready.iter().take(MORNING_BATCH) {
        text.push_str("\n\n");
        text.push_str(&render::task_item(&ctx.i18n, &ctx.regions, lang, row));
        buttons.push(vec![(
            ctx.i18n.f(lang, "btn-claim-n", &args![("id", row.id)]),
            Cb::Claim(row.id),
        )]);
    }
    if total > MORNING_BATCH {
        text.push_str("\n\n");
        text.push_str(&ctx.i18n.f(
            lang,
            "duty-morning-more",
            &args![("n", total - MORNING_BATCH)],
        ));
    }
    text.push_str("\n\n");
    text.push_str(&ctx.t(lang, "duty-morning-footer"));
    let out = Outgoing::text(
        chat_id,
        crate::outbox::Priority::Push,
        text,
        Some(inline_markup(buttons)),
    );
    enqueue(tx, &out).await?;
    Ok(total.min(MORNING_BATCH))
}

// ---- pause and resume ---------------------------------------------------------------------------

async fn volunteers_only(ctx: &Ctx, person: &Person) -> HandlerResult {
    let menu = ctx.main_menu(person).await?;
    let text = ctx.t(person.lang, "role-volunteers-only");
    ctx.respond(
        person.id,
        Next::Keep,
        vec![ctx.reply(person, text, Some(menu))],
    )
    .await
}

/// /pause and /resume (and their buttons under /profile): the volunteer's own pause. New requests
/// are not announced to them; what they hold stays theirs. A lead's suspension is another thing
/// and only a lead lifts it.
pub async fn set_pause(ctx: &Ctx, person: &Person, pause: bool) -> HandlerResult {
    let Some(profile) = db::volunteers::get(&ctx.pool, person.id).await? else {
        return volunteers_only(ctx, person).await;
    };
    let lang = person.lang;
    let mut tx = ctx.begin().await?;
    let changed = db::duty::set_paused(&mut tx, person.id, pause, ctx.clock.now_ms()).await?;
    let holding = db::duty::active_claims(&mut tx, person.id).await?.len();
    let mut text = match (pause, changed) {
        (true, true) => ctx
            .i18n
            .f(lang, "duty-paused", &args![("holding", holding)]),
        (true, false) => ctx.t(lang, "duty-already-paused"),
        (false, true) => ctx.t(lang, "duty-resumed"),
        (false, false) => ctx.t(lang, "duty-not-paused"),
    };
    if !pause {
        match profile.status.as_str() {
            "suspended" => text = format!("{text}\n\n{}", ctx.t(lang, "duty-still-suspended")),
            "pending" => text = format!("{text}\n\n{}", ctx.t(lang, "duty-still-pending")),
            _ => {}
        }
    }
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    ctx.doorbell.commit(tx).await?;
    if changed {
        tracing::info!(
            volunteer = person.id,
            paused = pause,
            "volunteer duty changed"
        );
    }
    Ok(())
}

/// How the volunteer stands, for /profile.
pub fn profile_line(ctx: &Ctx, lang: Lang, duty: &Duty) -> String {
    let state = if duty.paused {
        ctx.t(lang, "duty-state-paused")
    } else {
        ctx.t(lang, "duty-state-on")
    };
    ctx.i18n.f(
        lang,
        "duty-profile-line",
        &args![("state", state), ("quiet", quiet_label(ctx, lang, duty))],
    )
}

/// ⏸ / ▶️ and 🌙 under /profile.
pub fn profile_buttons(ctx: &Ctx, lang: Lang, duty: &Duty) -> Vec<(String, Cb)> {
    let pause = if duty.paused {
        (ctx.t(lang, "duty-btn-resume"), Cb::Duty(DutyCb::Resume))
    } else {
        (ctx.t(lang, "duty-btn-pause"), Cb::Duty(DutyCb::Pause))
    };
    vec![
        pause,
        (ctx.t(lang, "duty-btn-quiet"), Cb::Duty(DutyCb::QuietMenu)),
    ]
}

pub async fn duty_of(ctx: &Ctx, user_id: i64) -> Result<Duty, sqlx::Error> {
    let mut conn = ctx.pool.acquire().await?;
    db::duty::get(&mut conn, user_id).await
}

// ---- quiet-hours settings -----------------------------------------------------------------------

fn quiet_label(ctx: &Ctx, lang: Lang, duty: &Duty) -> String {
    match duty.quiet.effective(ctx.config.quiet_hours) {
        Some(h) => h.label(),
        None => ctx.t(lang, "duty-quiet-none"),
    }
}

/// The choices of quiet hours: index 0 the deployment's default, 1 off, then the presets.
fn choice_of(n: u8) -> Option<QuietChoice> {
    match n {
        0 => Some(QuietChoice::Default),
        1 => Some(QuietChoice::Off),
        n => PRESETS
            .get(usize::from(n) - 2)
            .copied()
            .map(QuietChoice::Hours),
    }
}

fn quiet_message(ctx: &Ctx, lang: Lang, duty: &Duty) -> (String, InlineKeyboardMarkup) {
    let urgent = if duty.urgent_ok {
        ctx.t(lang, "duty-urgent-now")
    } else {
        ctx.t(lang, "duty-urgent-waits")
    };
    let text = ctx.i18n.f(
        lang,
        "duty-quiet-text",
        &args![("quiet", quiet_label(ctx, lang, duty)), ("urgent", urgent)],
    );
    let mark = |chosen: bool, label: String| {
        if chosen {
            format!("✅ {label}")
        } else {
            label
        }
    };
    let usual = match ctx.config.quiet_hours {
        Some(h) => h.label(),
        None => ctx.t(lang, "duty-quiet-none"),
    };
    let mut rows = vec![vec![
        (
            mark(
                duty.quiet == QuietChoice::Default,
                ctx.i18n
                    .f(lang, "duty-btn-quiet-usual", &args![("hours", usual)]),
            ),
            Cb::Duty(DutyCb::Quiet(0)),
        ),
        (
            mark(
                duty.quiet == QuietChoice::Off,
                ctx.t(lang, "duty-btn-quiet-off"),
            ),
            Cb::Duty(DutyCb::Quiet(1)),
        ),
    ]];
    rows.push(
        PRESETS
            .iter()
            .enumerate()
            .map(|(i, h)| {
                (
                    mark(duty.quiet == QuietChoice::Hours(*h), h.label()),
                    Cb::Duty(DutyCb::Quiet(i as u8 + 2)),
                )
            })
            .collect(),
    );
    rows.push(vec![if duty.urgent_ok {
        (
            ctx.t(lang, "duty-btn-urgent-off"),
            Cb::Duty(DutyCb::Urgent(false)),
        )
    } else {
        (
            ctx.t(lang, "duty-btn-urgent-on"),
            Cb::Duty(DutyCb::Urgent(true)),
        )
    }]);
    (text, inline(rows))
}

/// /quiet: the volunteer's quiet hours, with the choices.
pub async fn quiet(ctx: &Ctx, person: &Person) -> HandlerResult {
    if !ctx.is_volunteer(person.id).await? {
        return volunteers_only(ctx, person).await;
    }
    let duty = duty_of(ctx, person.id).await?;
    let (text, markup) = quiet_message(ctx, person.lang, &duty);
    ctx.respond(
        person.id,
        Next::Keep,
        vec![ctx.reply(person, text, Some(ReplyMarkup::InlineKeyboard(markup)))],
    )
    .await
}

/// A choice under the quiet-hours message: saved, the message shows it, and announcements held
/// for this volunteer are looked at again (with hours turned off they come at once).
async fn change_quiet(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    quiet: Option<QuietChoice>,
    urgent: Option<bool>,
) -> HandlerResult {
    if !ctx.is_volunteer(person.id).await? {
        ctx.answer_callback(q, Some(ctx.t(person.lang, "role-volunteers-only")), true)
            .await;
        return Ok(());
    }
    let mut tx = ctx.begin().await?;
    if let Some(choice) = quiet {
        db::duty::set_quiet(&mut tx, person.id, choice).await?;
    }
    if let Some(on) = urgent {
        db::duty::set_urgent_ok(&mut tx, person.id, on).await?;
    }
    let held = db::duty::held_for(&mut tx, person.id).await?;
    let released = release_for(ctx, &mut tx, person.id, &held).await?;
    let duty = db::duty::get(&mut tx, person.id).await?;
    let (text, markup) = quiet_message(ctx, person.lang, &duty);
    let out = match &q.message {
        Some(m) => Outgoing::edit(
            person.id,
            crate::outbox::Priority::Reply,
            m.id().0,
            text,
            Some(markup),
        ),
        None => ctx.reply(person, text, Some(ReplyMarkup::InlineKeyboard(markup))),
    };
    enqueue(&mut tx, &out).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(
        volunteer = person.id,
        released,
        "volunteer changed their quiet hours"
    );
    ctx.answer_callback(q, Some(ctx.t(person.lang, "duty-saved")), false)
        .await;
    Ok(())
}

// ---- the claim limit ----------------------------------------------------------------------------

fn needed_on(row: &RequestRow) -> NaiveDate {
    NaiveDate::parse_from_str(&row.needed_on, "%Y-%m-%d").unwrap_or_default()
}

/// `held`, read under the claim's write gate: a volunteer who already holds MAX_ACTIVE_CLAIMS
/// requests gets a kind message with the list of what they hold instead of another one.
pub async fn claim_limit(
    ctx: &Ctx,
    tx: &mut Tx,
    person: &Person,
    held: Vec<i64>,
) -> Result<Option<Outgoing>, sqlx::Error> {
    let max = ctx.config.max_active_claims as usize;
    if held.len() < max {
        return Ok(None);
    }
    let lang = person.lang;
    let mut text = ctx.i18n.f(
        lang,
        "duty-limit-reached",
        &args![("count", held.len()), ("max", max)],
    );
    for id in held {
        if let Some(r) = db::requests::get_tx(tx, id).await? {
            text.push('\n');
            text.push_str(&ctx.i18n.f(
                lang,
                "duty-limit-item",
                &args![
                    ("id", r.id),
                    ("category", render::category(&ctx.i18n, lang, r.category())),
                    ("settlement", render::place(&ctx.regions, lang, &r)),
                    (
                        "when",
                        render::when(&ctx.i18n, lang, r.urgency(), needed_on(&r))
                    ),
                ],
            ));
        }
    }
    text.push_str("\n\n");
    text.push_str(&ctx.t(lang, "duty-limit-next"));
    Ok(Some(ctx.reply(person, text, None)))
}

// ---- /stats -------------------------------------------------------------------------------------

/// /stats: the volunteer's own record, this month (in the time of their first region) and in all.
pub async fn stats(ctx: &Ctx, person: &Person) -> HandlerResult {
    let Some(profile) = db::volunteers::get(&ctx.pool, person.id).await? else {
        return volunteers_only(ctx, person).await;
    };
    let tz = profile
        .regions
        .first()
        .and_then(|id| ctx.regions.get(*id))
        .map_or(chrono_tz::UTC, |r| r.tz);
    let now = ctx.clock.now();
    let since = rules::month_start(now, tz).timestamp_millis();
    let month = db::duty::record(&ctx.pool, person.id, since).await?;
    let total = db::duty::record(&ctx.pool, person.id, 0).await?;
    let holding = db::requests::held_by(&ctx.pool, person.id).await?.len();
    let local = now.with_timezone(&tz);
    let lang = person.lang;
    let mut text = ctx.i18n.f(
        lang,
        "duty-stats",
        &args![
            ("name", escape(&profile.display_name)),
            ("month", local.month()),
            ("year", local.year().to_string()),
            ("month_done", month.done),
            ("month_people", month.people),
            ("done", total.done),
            ("people", total.people),
            ("holding", holding),
            ("max", ctx.config.max_active_claims),
        ],
    );
    if total.done == 0 {
        text = format!("{text}\n\n{}", ctx.t(lang, "duty-stats-first"));
    }
    ctx.respond(person.id, Next::Keep, vec![ctx.reply(person, text, None)])
        .await
}

// ---- weekly repeats -----------------------------------------------------------------------------

fn region_tz(ctx: &Ctx, region_id: i64) -> chrono_tz::Tz {
    ctx.regions.get(region_id).map_or(chrono_tz::UTC, |r| r.tz)
}

/// After "Yes, I got the help": offer to repeat it every week, unless it already repeats.
pub async fn offer_repeat(
    ctx: &Ctx,
    tx: &mut Tx,
    person: &Person,
    row: &RequestRow,
) -> Result<(), sqlx::Error> {
    if db::duty::running_repeat_of(tx, row.id).await?.is_some() {
        return Ok(());
    }
    let name = match row.claimed_by {
        Some(v) => db::volunteers::display_name(tx, v).await?,
        None => None,
    };
    let (next_on, _) = first_repeat(ctx, row);
    let lang = person.lang;
    let weekly = ctx
        .i18n
        .f(lang, "duty-weekday", &args![("day", weekday(next_on))]);
    let text = match name {
        Some(n) => ctx.i18n.f(
            lang,
            "duty-repeat-ask",
            &args![("id", row.id), ("weekly", weekly), ("name", escape(&n))],
        ),
        None => ctx.i18n.f(
            lang,
            "duty-repeat-ask-anyone",
            &args![("id", row.id), ("weekly", weekly)],
        ),
    };
    let buttons = inline_markup(vec![
        vec![(
            ctx.t(lang, "duty-btn-repeat"),
            Cb::Duty(DutyCb::RepeatWeekly(row.id)),
        )],
        vec![(
            ctx.t(lang, "duty-btn-no-repeat"),
            Cb::Duty(DutyCb::RepeatNo(row.id)),
        )],
    ]);
    enqueue(tx, &ctx.reply(person, text, Some(buttons))).await
}

/// 1 = Monday … 7 = Sunday.
fn weekday(d: NaiveDate) -> u32 {
    d.weekday().number_from_monday()
}

/// The first repeat of a request: a week after the day it was done, in the region's time.
fn first_repeat(ctx: &Ctx, row: &RequestRow) -> (NaiveDate, DateTime<Utc>) {
    let tz = region_tz(ctx, row.region_id);
    let now = ctx.clock.now();
    let helped = row
        .done_at
        .map(db::from_ms)
        .unwrap_or(now)
        .with_timezone(&tz)
        .date_naive();
    let on = rules::first_repeat_on(helped, now.with_timezone(&tz).date_naive());
    (on, rules::repeat_moment(on, tz))
}

/// The request as the requester sees it, or why not.
async fn own_request(
    tx: &mut Tx,
    person: &Person,
    id: i64,
) -> Result<Result<RequestRow, &'static str>, sqlx::Error> {
    Ok(match db::requests::get_tx(tx, id).await? {
        None => Err("request-not-found"),
        Some(r) if r.requester_id != person.id => Err("not-your-request"),
        Some(r) => Ok(r),
    })
}

/// 🔁 Yes, every week.
async fn repeat_weekly(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let lang = person.lang;
    let mut tx = ctx.begin().await?;
    // Offered only once the person confirmed the help (the request is closed).
    let row = match own_request(&mut tx, person, id).await? {
        Ok(r) if r.status() == Status::Closed => Ok(r),
        Ok(_) => Err("stale-button"),
        Err(key) => Err(key),
    };
    let row = match row {
        Ok(r) => r,
        Err(key) => {
            drop(tx);
            ctx.answer_callback(q, Some(ctx.t(lang, key)), true).await;
            return Ok(());
        }
    };
    if db::duty::running_repeat_of(&mut tx, id).await?.is_some() {
        clear_pressed(&mut tx, q).await?;
        ctx.doorbell.commit(tx).await?;
        ctx.answer_callback(q, Some(ctx.t(lang, "duty-repeat-already")), true)
            .await;
        return Ok(());
    }
    let (on, at) = first_repeat(ctx, &row);
    let started = db::duty::start_repeat(
        &mut tx,
        &row,
        &on.format("%Y-%m-%d").to_string(),
        at.timestamp_millis(),
        ctx.clock.now_ms(),
    )
    .await?;
    clear_pressed(&mut tx, q).await?;
    if started.is_some() {
        let weekly = ctx
            .i18n
            .f(lang, "duty-weekday", &args![("day", weekday(on))]);
        let text = ctx.i18n.f(
            lang,
            "duty-repeat-started",
            &args![
                ("id", id),
                ("weekly", weekly),
                ("date", on.format("%d.%m.%Y").to_string())
            ],
        );
        enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    }
    ctx.doorbell.commit(tx).await?;
    if let Some(repeat) = started {
        tracing::info!(request = id, repeat, "weekly repeat started");
    }
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// No, thank you.
async fn repeat_no(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let mut tx = ctx.begin().await?;
    if let Err(key) = own_request(&mut tx, person, id).await? {
        drop(tx);
        ctx.answer_callback(q, Some(ctx.t(person.lang, key)), true)
            .await;
        return Ok(());
    }
    clear_pressed(&mut tx, q).await?;
    let text = ctx.t(person.lang, "duty-repeat-no");
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    ctx.doorbell.commit(tx).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// ⏹ Stop (from /my): no more requests from this repeat; what was already posted stays.
async fn repeat_stop(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let lang = person.lang;
    let mut tx = ctx.begin().await?;
    let source = db::duty::get_repeat(&mut tx, id)
        .await?
        .filter(|r| r.requester_id == person.id)
        .map(|r| r.source_request_id);
    let stopped = db::duty::stop_repeat(&mut tx, id, person.id, ctx.clock.now_ms()).await?;
    let (true, Some(source)) = (stopped, source) else {
        drop(tx);
        ctx.answer_callback(q, Some(ctx.t(lang, "duty-repeat-not-running")), true)
            .await;
        return Ok(());
    };
    clear_pressed(&mut tx, q).await?;
    let text = ctx
        .i18n
        .f(lang, "duty-repeat-stopped", &args![("id", source)]);
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(repeat = id, "weekly repeat stopped by its requester");
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// In /my: the requester's running repeats, each with ⏹ Stop.
pub async fn my_repeats(ctx: &Ctx, person: &Person) -> Result<Option<Outgoing>, sqlx::Error> {
    let repeats = db::duty::running_repeats_of(&ctx.pool, person.id).await?;
    if repeats.is_empty() {
        return Ok(None);
    }
    let lang = person.lang;
    let mut text = ctx.t(lang, "duty-my-repeats");
    let mut buttons = vec![];
    for r in &repeats {
        let category = render::category(
            &ctx.i18n,
            lang,
            Category::from_code(&r.category).unwrap_or(Category::Other),
        );
        let next = NaiveDate::parse_from_str(&r.next_on, "%Y-%m-%d").unwrap_or_default();
        text.push_str("\n\n");
        text.push_str(&ctx.i18n.f(
            lang,
            "duty-my-repeat-item",
            &args![
                ("id", r.source_request_id),
                ("category", category),
                // A quick voice request has no town: its region instead.
                (
                    "settlement",
                    if r.settlement.is_empty() {
                        escape(&render::region(&ctx.regions, lang, r.region_id))
                    } else {
                        escape(&r.settlement)
                    }
                ),
                (
                    "weekly",
                    ctx.i18n
                        .f(lang, "duty-weekday", &args![("day", weekday(next))])
                ),
                ("date", next.format("%d.%m.%Y").to_string()),
            ],
        ));
        buttons.push(vec![(
            ctx.i18n.f(
                lang,
                "duty-btn-stop-repeat",
                &args![("id", r.source_request_id)],
            ),
            Cb::Duty(DutyCb::RepeatStop(r.id)),
        )]);
    }
    Ok(Some(ctx.reply(person, text, Some(inline_markup(buttons)))))
}

/// The job's part: a repeat whose day came creates its request and offers it — first to the
/// volunteer who did the last one (alone, for `FIRST_OFFER`), else to everyone matching.
pub async fn create_repeat_request(
    ctx: &Ctx,
    tx: &mut Tx,
    rep: &Repeat,
) -> Result<Option<i64>, sqlx::Error> {
    let now = ctx.clock.now();
    let tz = region_tz(ctx, rep.region_id);
    let today = now.with_timezone(&tz).date_naive();
    let due_on = NaiveDate::parse_from_str(&rep.next_on, "%Y-%m-%d").unwrap_or(today);
    let next_on = rules::first_repeat_on(due_on, today);
    let next_at = rules::repeat_moment(next_on, tz).timestamp_millis();
    if !db::duty::advance(
        tx,
        rep.id,
        rep.next_at,
        &next_on.format("%Y-%m-%d").to_string(),
        next_at,
    )
    .await?
    {
        return Ok(None);
    }
    if !db::duty::reachable(tx, rep.requester_id).await? {
        db::duty::stop_repeat(tx, rep.id, rep.requester_id, now.timestamp_millis()).await?;
        return Ok(None);
    }
    // This week's is skipped (the repeat goes on) while last week's is still waiting or being
    // helped with, while the requester has MAX_OPEN_REQUESTS unfinished, or while the club paused
    // intake in the region; the requester is told why, and when the next one comes.
    if let Some(skip) = skip_reason(ctx, tx, rep).await? {
        let lang = notify::lang_of(tx, rep.requester_id).await?;
        let date = next_on.format("%d.%m.%Y").to_string();
        let text = match skip {
            Skip::Unfinished(prev, status) => ctx.i18n.f(
                lang,
                "duty-repeat-skipped-unfinished",
                &args![("id", prev), ("status", status), ("date", date)],
            ),
            Skip::Limit(count) => ctx.i18n.f(
                lang,
                "duty-repeat-skipped-limit",
                &args![
                    ("id", rep.source_request_id),
                    ("count", count),
                    ("date", date)
                ],
            ),
            Skip::Intake(message) => ctx.i18n.f(
                lang,
                "duty-repeat-skipped-intake",
                &args![
                    (
                        "region",
                        escape(&render::region(&ctx.regions, lang, rep.region_id))
                    ),
                    ("message", escape(&message)),
                    ("date", date)
                ],
            ),
        };
        enqueue(
            tx,
            &Outgoing::text(rep.requester_id, crate::outbox::Priority::Push, text, None),
        )
        .await?;
        tracing::info!(
            repeat = rep.id,
            "weekly repeat: this week's request skipped"
        );
        return Ok(None);
    }
    let new = NewRequest {
        requester_id: rep.requester_id,
        for_whom: ForWhom::from_code(&rep.for_whom),
        beneficiary_name: rep.beneficiary_name.clone(),
        beneficiary: Beneficiary::from_code(&rep.beneficiary).unwrap_or(Beneficiary::Other),
        region_id: rep.region_id,
        category: Category::from_code(&rep.category).unwrap_or(Category::Other),
        settlement: rep.settlement.clone(),
        details: rep.details.clone(),
        voice_file_id: rep.voice_file_id.clone(),
        address: rep.address.clone(),
        phone: rep.phone.clone(),
        // Needed on the day it is posted; not "today" (urgent), so the leads are not alerted
        // while the volunteer who helped last time still has it to themselves.
        urgency: Urgency::Date,
        needed_on: today,
    };
    let row = db::requests::create(tx, now.timestamp_millis(), &new).await?;
    let first = match db::duty::last_helper(tx, rep.id).await? {
        Some(v) => first_offer_to(ctx, tx, v, &row).await?,
        None => None,
    };
    match first {
        Some(who) => {
            let lang = Lang::negotiate(who.language.as_deref(), who.tg_language.as_deref());
            let mut out = notify::push_to(ctx, &row, who.user_id, lang);
            if let Payload::Push { text, .. } = &mut out.payload {
                let hours = rules::FIRST_OFFER.num_hours();
                let header = ctx
                    .i18n
                    .f(lang, "duty-first-offer", &args![("hours", hours)]);
                *text = format!("{header}\n\n{text}");
            }
            enqueue(tx, &out).await?;
            let widen_at = (now + rules::FIRST_OFFER).timestamp_millis();
            db::duty::record_repeat_request(tx, row.id, rep.id, Some(who.user_id), Some(widen_at))
                .await?;
            db::requests::event(
                tx,
                now.timestamp_millis(),
                row.id,
                None,
                EventKind::Pushed,
                Some("1"),
            )
            .await?;
        }
        None => {
            db::duty::record_repeat_request(tx, row.id, rep.id, None, None).await?;
            notify::push_request(ctx, tx, &row, &[rep.requester_id]).await?;
        }
    }
    let lang = notify::lang_of(tx, rep.requester_id).await?;
    let mut text = ctx.i18n.f(
        lang,
        "duty-repeat-posted",
        &args![
            ("id", row.id),
            (
                "category",
                render::category(&ctx.i18n, lang, row.category())
            )
        ],
    );
    // Made for someone else: like any such request, its author gets a link for the family.
    if let Some(share) = super::door::share_text(ctx, tx, &row, lang).await? {
        text = format!("{text}\n\n{share}");
    }
    enqueue(
        tx,
        &Outgoing::text(rep.requester_id, crate::outbox::Priority::Push, text, None),
    )
    .await?;
    Ok(Some(row.id))
}

/// Why this week's request of a repeat is not posted.
enum Skip {
    /// Last week's (this id, open or claimed) is not finished.
    Unfinished(i64, String),
    /// The requester already has this many unfinished requests (MAX_OPEN_REQUESTS).
    Limit(i64),
    /// The region's intake is paused; what the club's leads tell people.
    Intake(String),
}

async fn skip_reason(ctx: &Ctx, tx: &mut Tx, rep: &Repeat) -> Result<Option<Skip>, sqlx::Error> {
    if let Some((id, status)) = db::duty::unfinished_of_repeat(tx, rep.id).await? {
        return Ok(Some(Skip::Unfinished(id, status)));
    }
    let open = db::duty::unfinished_count(tx, rep.requester_id).await?;
    if open >= i64::from(ctx.config.max_open_requests) {
        return Ok(Some(Skip::Limit(open)));
    }
    Ok(db::duty::intake_pause_message(tx, rep.region_id)
        .await?
        .map(Skip::Intake))
}

/// The volunteer who did the last one, if they can be offered it right now: still on duty for
/// this region and kind of help, not in quiet hours, and below the claim limit.
async fn first_offer_to(
    ctx: &Ctx,
    tx: &mut Tx,
    volunteer: i64,
    row: &RequestRow,
) -> Result<Option<PushRecipient>, sqlx::Error> {
    let Some(who) = db::duty::recipient(tx, volunteer, row.region_id, row.category()).await? else {
        return Ok(None);
    };
    if held_until(ctx, &who, row).is_some() {
        return Ok(None);
    }
    let holding = db::duty::active_claims(tx, volunteer).await?.len();
    Ok((holding < ctx.config.max_active_claims as usize).then_some(who))
}

/// The job's part: the first offer ran out and nobody took it — now everyone matching sees it.
pub async fn widen(
    ctx: &Ctx,
    tx: &mut Tx,
    request_id: i64,
    offered_to: Option<i64>,
) -> Result<bool, sqlx::Error> {
    if !db::duty::widened(tx, request_id).await? {
        return Ok(false);
    }
    let Some(row) = db::requests::get_tx(tx, request_id)
        .await?
        .filter(|r| r.status() == Status::Open)
    else {
        return Ok(false);
    };
    let mut exclude = vec![row.requester_id];
    exclude.extend(offered_to);
    notify::push_request(ctx, tx, &row, &exclude).await?;
    Ok(true)
}

// ---- buttons ------------------------------------------------------------------------------------

pub async fn on_callback(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    cb: DutyCb,
) -> HandlerResult {
    match cb {
        DutyCb::Pause | DutyCb::Resume => {
            ctx.answer_callback(q, None, false).await;
            set_pause(ctx, person, cb == DutyCb::Pause).await
        }
        DutyCb::QuietMenu => {
            ctx.answer_callback(q, None, false).await;
            quiet(ctx, person).await
        }
        DutyCb::Quiet(n) => match choice_of(n) {
            Some(choice) => change_quiet(ctx, person, q, Some(choice), None).await,
            None => {
                ctx.answer_callback(q, Some(ctx.t(person.lang, "stale-button")), false)
                    .await;
                Ok(())
            }
        },
        DutyCb::Urgent(on) => change_quiet(ctx, person, q, None, Some(on)).await,
        DutyCb::RepeatWeekly(id) => repeat_weekly(ctx, person, q, id).await,
        DutyCb::RepeatNo(id) => repeat_no(ctx, person, q, id).await,
        DutyCb::RepeatStop(id) => repeat_stop(ctx, person, q, id).await,
    }
}

/// "Posted; the volunteers are resting, they see it from 08:00": every volunteer who would get
/// it is in quiet hours.
pub fn posted_at_night(ctx: &Ctx, lang: Lang, row: &RequestRow, region: &str, at: i64) -> String {
    let time = db::from_ms(at)
        .with_timezone(&region_tz(ctx, row.region_id))
        .format("%H:%M")
        .to_string();
    ctx.i18n.f(
        lang,
        "duty-posted-at-night",
        &args![("id", row.id), ("region", region), ("time", time)],
    )
}
