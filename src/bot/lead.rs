//! Club leads: vetting volunteers, pausing them, alerts about requests, and stepping in
//! (assign, push again, reopen, close as duplicate or spam). Every action re-checks on the server
//! that the person leads the region concerned (operators may act everywhere).

use teloxide::types::{CallbackQuery, InlineKeyboardMarkup, ReplyMarkup};
use teloxide::utils::html::escape;

use super::callbacks::{Cb, CloseReason};
use super::keyboards::{inline, inline_markup};
use super::{Ctx, Next, Person, lifecycle, notify, paging, render};
use crate::args;
use crate::db::{self, Tx, requests::RequestRow};
use crate::domain::Status;
use crate::error::HandlerResult;
use crate::i18n::Lang;
use crate::outbox::{Outgoing, Priority, enqueue};

const VOLUNTEERS_PAGE: i64 = 8;
const REQUESTS_PAGE: i64 = 5;

/// Who hears about a region: its leads, or the operators when it has none.
pub async fn watchers(ctx: &Ctx, tx: &mut Tx, region_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let leads = db::leads::of_region(tx, region_id).await?;
    Ok(if leads.is_empty() {
        ctx.config.admin_ids.clone()
    } else {
        leads
    })
}

/// May this person act on this region's affairs?
async fn may_act(
    ctx: &Ctx,
    tx: &mut Tx,
    person: &Person,
    region_id: i64,
) -> Result<bool, sqlx::Error> {
    Ok(ctx.is_admin(person.id) || db::leads::is_lead_of(tx, person.id, region_id).await?)
}

async fn refuse(ctx: &Ctx, person: &Person, q: &CallbackQuery, key: &str) -> HandlerResult {
    ctx.answer_callback(q, Some(ctx.t(person.lang, key)), true)
        .await;
    Ok(())
}

/// Tells the watchers of a request's region something about it, with optional buttons.
pub async fn alert_leads(
    ctx: &Ctx,
    tx: &mut Tx,
    row: &RequestRow,
    key: &str,
    hours: i64,
    buttons: Option<&(dyn Fn(Lang) -> InlineKeyboardMarkup + Send + Sync)>,
) -> Result<usize, sqlx::Error> {
    let watchers = watchers(ctx, tx, row.region_id).await?;
    let volunteer = match row.claimed_by {
        Some(v) => db::volunteers::display_name(tx, v)
            .await?
            .unwrap_or_default(),
        None => String::new(),
    };
    for lead in &watchers {
        let lang = notify::lang_of(tx, *lead).await?;
        let text = ctx.i18n.f(
            lang,
            key,
            &args![
                ("id", row.id),
                (
                    "category",
                    render::category(&ctx.i18n, lang, row.category())
                ),
                // A quick voice request has no town: the region alone.
                ("place", render::place(&ctx.regions, lang, row)),
                (
                    "region",
                    escape(&render::region(&ctx.regions, lang, row.region_id))
                ),
                ("volunteer", escape(&volunteer)),
                ("hours", hours),
            ],
        );
        let markup = buttons.map(|b| ReplyMarkup::InlineKeyboard(b(lang)));
        enqueue(tx, &Outgoing::text(*lead, Priority::Reply, text, markup)).await?;
    }
    Ok(watchers.len())
}

/// A new or re-registering volunteer waits: their profile goes, with Approve / Reject, to the leads
/// of each of their regions (the operators for a region without a lead).
pub async fn ask_for_approval(ctx: &Ctx, tx: &mut Tx, volunteer: i64) -> Result<(), sqlx::Error> {
    let Some(p) = db::volunteers::get_on(tx, volunteer).await? else {
        return Ok(());
    };
    let username: Option<String> = db::users::username(tx, volunteer).await?;
    let mut asked: Vec<i64> = vec![];
    for region in &p.regions {
        for w in watchers(ctx, tx, *region).await? {
            if !asked.contains(&w) && w != volunteer {
                asked.push(w);
            }
        }
    }
    for lead in asked {
        let lang = notify::lang_of(tx, lead).await?;
        let regions = p
            .regions
            .iter()
            .map(|r| escape(&render::region(&ctx.regions, lang, *r)))
            .collect::<Vec<_>>()
            .join(", ");
        let kinds = p
            .categories
            .iter()
            .map(|c| render::category(&ctx.i18n, lang, *c))
            .collect::<Vec<_>>()
            .join(", ");
        let text = ctx.i18n.f(
            lang,
            "vet-request",
            &args![
                ("name", escape(&p.display_name)),
                (
                    "username",
                    username
                        .as_deref()
                        .map(|u| format!(" (@{})", escape(u)))
                        .unwrap_or_default()
                ),
                ("regions", regions),
                ("categories", kinds),
                (
                    "phone",
                    p.phone
                        .as_deref()
                        .map(escape)
                        .unwrap_or_else(|| ctx.t(lang, "profile-no-phone"))
                ),
            ],
        );
        let buttons = inline_markup(vec![vec![
            (ctx.t(lang, "btn-approve"), Cb::ApproveVolunteer(volunteer)),
            (ctx.t(lang, "btn-reject"), Cb::RejectVolunteer(volunteer)),
        ]]);
        enqueue(
            tx,
            &Outgoing::text(lead, Priority::Reply, text, Some(buttons)),
        )
        .await?;
    }
    Ok(())
}

/// Approve or Reject: the first decision wins; the volunteer is told.
pub async fn decide(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    user: i64,
    approve: bool,
) -> HandlerResult {
    let mut tx = ctx.begin().await?;
    let Some(profile) = db::volunteers::get_on(&mut tx, user).await? else {
        drop(tx);
        return refuse(ctx, person, q, "stale-button").await;
    };
    let mut allowed = ctx.is_admin(person.id);
    for r in &profile.regions {
        allowed = allowed || db::leads::is_lead_of(&mut tx, person.id, *r).await?;
    }
    if !allowed {
        drop(tx);
        return refuse(ctx, person, q, "role-leads-only").await;
    }
    if !db::volunteers::decide(&mut tx, ctx.clock.now_ms(), user, approve, person.id).await? {
        let (status, by) = db::volunteers::decision(&mut tx, user)
            .await?
            .unwrap_or_default();
        drop(tx);
        let text = ctx.i18n.f(
            person.lang,
            "vet-already-decided",
            &args![
                (
                    "status",
                    ctx.t(person.lang, &format!("vol-status-{status}"))
                ),
                ("by", by.unwrap_or_default())
            ],
        );
        ctx.answer_callback(q, Some(text), true).await;
        return Ok(());
    }
    let volunteer_lang = notify::lang_of(&mut tx, user).await?;
    let told = if approve {
        let regions = profile
            .regions
            .iter()
            .map(|r| escape(&render::region(&ctx.regions, volunteer_lang, *r)))
            .collect::<Vec<_>>()
            .join(", ");
        ctx.i18n.f(
            volunteer_lang,
            "vet-approved-volunteer",
            &args![("regions", regions)],
        )
    } else {
        ctx.t(volunteer_lang, "vet-rejected-volunteer")
    };
    enqueue(&mut tx, &Outgoing::text(user, Priority::Reply, told, None)).await?;
    let key = if approve {
        "vet-approved-lead"
    } else {
        "vet-rejected-lead"
    };
    let text = ctx.i18n.f(
        person.lang,
        key,
        &args![("name", escape(&profile.display_name))],
    );
    if let Some(m) = &q.message {
        enqueue(
            &mut tx,
            &Outgoing::edit(person.id, Priority::Reply, m.id().0, text, None),
        )
        .await?;
    } else {
        enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    }
    ctx.doorbell.commit(tx).await?;
    tracing::info!(
        volunteer = user,
        lead = person.id,
        approve,
        "volunteer decided"
    );
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

fn volunteers_message(
    ctx: &Ctx,
    lang: Lang,
    rows: &[db::volunteers::ListedVolunteer],
    total: i64,
    page: u32,
) -> (String, Option<InlineKeyboardMarkup>) {
    if total == 0 {
        return (ctx.t(lang, "volunteers-none"), None);
    }
    let mut text = paging::header(ctx, lang, "volunteers-header", total, page, VOLUNTEERS_PAGE);
    let mut buttons = vec![];
    for v in rows {
        let name = match &v.username {
            Some(u) => format!("{} (@{})", escape(&v.display_name), escape(u)),
            None => escape(&v.display_name),
        };
        let mut status = ctx.t(lang, &format!("vol-status-{}", v.status));
        if v.self_paused {
            status = format!("{status}, {}", ctx.t(lang, "duty-lead-sees-paused"));
        }
        text.push_str(&format!(
            "\n• {}",
            ctx.i18n.f(
                lang,
                "volunteers-item",
                &args![("name", name), ("status", status), ("load", v.load)]
            )
        ));
        let short = v.display_name.chars().take(24).collect::<String>();
        let row = match v.status.as_str() {
            "pending" => vec![
                (
                    ctx.i18n
                        .f(lang, "btn-approve-n", &args![("name", short.clone())]),
                    Cb::ApproveVolunteer(v.user_id),
                ),
                (
                    ctx.i18n.f(lang, "btn-reject-n", &args![("name", short)]),
                    Cb::RejectVolunteer(v.user_id),
                ),
            ],
            "approved" => vec![(
                ctx.i18n.f(lang, "btn-suspend-n", &args![("name", short)]),
                Cb::SuspendVolunteer(v.user_id),
            )],
            "suspended" => vec![(
                ctx.i18n.f(lang, "btn-reinstate-n", &args![("name", short)]),
                Cb::ReinstateVolunteer(v.user_id),
            )],
            _ => vec![],
        };
        if !row.is_empty() {
            buttons.push(row);
        }
    }
    buttons.extend(paging::nav(
        ctx,
        lang,
        page,
        total,
        VOLUNTEERS_PAGE,
        Cb::VolunteersPage,
    ));
    (text, Some(inline(buttons)))
}

/// True for a club lead; anyone else is told what this is for.
async fn is_lead_or_say(ctx: &Ctx, person: &Person) -> Result<bool, crate::error::HandlerError> {
    if !db::leads::regions_of(&ctx.pool, person.id)
        .await?
        .is_empty()
    {
        return Ok(true);
    }
    let text = ctx.t(person.lang, "role-leads-only");
    ctx.respond(person.id, Next::Keep, vec![ctx.reply(person, text, None)])
        .await?;
    Ok(false)
}

/// /volunteers: the volunteers of the lead's regions with status and load, paged.
pub async fn volunteers(ctx: &Ctx, person: &Person) -> HandlerResult {
    if !is_lead_or_say(ctx, person).await? {
        return Ok(());
    }
    let (rows, total) = db::volunteers::of_lead(&ctx.pool, person.id, VOLUNTEERS_PAGE, 0).await?;
    let (text, markup) = volunteers_message(ctx, person.lang, &rows, total, 0);
    ctx.respond(
        person.id,
        Next::Keep,
        vec![ctx.reply(person, text, markup.map(ReplyMarkup::InlineKeyboard))],
    )
    .await
}

pub async fn volunteers_page(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    page: u32,
) -> HandlerResult {
    let (rows, total) = db::volunteers::of_lead(
        &ctx.pool,
        person.id,
        VOLUNTEERS_PAGE,
        page as i64 * VOLUNTEERS_PAGE,
    )
    .await?;
    let (text, markup) = volunteers_message(ctx, person.lang, &rows, total, page);
    paging::replace(ctx, person, q, text, markup).await
}

/// Does the person lead one of the volunteer's regions (or operate the bot)?
async fn may_manage(
    ctx: &Ctx,
    tx: &mut Tx,
    person: &Person,
    volunteer: i64,
) -> Result<Option<db::volunteers::Profile>, sqlx::Error> {
    let Some(p) = db::volunteers::get_on(tx, volunteer).await? else {
        return Ok(None);
    };
    let mut allowed = ctx.is_admin(person.id);
    for r in &p.regions {
        allowed = allowed || db::leads::is_lead_of(tx, person.id, *r).await?;
    }
    Ok(allowed.then_some(p))
}

/// ⏸ Pause: a suspended volunteer is no longer pushed and cannot claim; what they hold goes back to
/// open and is pushed again.
pub async fn suspend(ctx: &Ctx, person: &Person, q: &CallbackQuery, user: i64) -> HandlerResult {
    let now = ctx.clock.now_ms();
    let mut tx = ctx.begin().await?;
    let Some(profile) = may_manage(ctx, &mut tx, person, user).await? else {
        drop(tx);
        return refuse(ctx, person, q, "role-leads-only").await;
    };
    if !db::volunteers::set_status(&mut tx, now, user, "approved", "suspended", person.id).await? {
        drop(tx);
        return refuse(ctx, person, q, "stale-button").await;
    }
    let released =
        db::requests::release_all_held(&mut tx, now, user, person.id, "volunteer suspended")
            .await?;
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
        notify::push_request(ctx, &mut tx, row, &[user, row.requester_id]).await?;
        super::door::changed(ctx, &mut tx, row.id, super::door::Change::Reopened).await?;
    }
    let volunteer_lang = notify::lang_of(&mut tx, user).await?;
    enqueue(
        &mut tx,
        &Outgoing::text(
            user,
            Priority::Reply,
            ctx.t(volunteer_lang, "suspended-volunteer"),
            None,
        ),
    )
    .await?;
    let text = ctx.i18n.f(
        person.lang,
        "suspended-lead",
        &args![
            ("name", escape(&profile.display_name)),
            ("count", released.len())
        ],
    );
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(
        volunteer = user,
        lead = person.id,
        released = released.len(),
        "volunteer suspended"
    );
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

pub async fn reinstate(ctx: &Ctx, person: &Person, q: &CallbackQuery, user: i64) -> HandlerResult {
    let mut tx = ctx.begin().await?;
    let Some(profile) = may_manage(ctx, &mut tx, person, user).await? else {
        drop(tx);
        return refuse(ctx, person, q, "role-leads-only").await;
    };
    if !db::volunteers::set_status(
        &mut tx,
        ctx.clock.now_ms(),
        user,
        "suspended",
        "approved",
        person.id,
    )
    .await?
    {
        drop(tx);
        return refuse(ctx, person, q, "stale-button").await;
    }
    let volunteer_lang = notify::lang_of(&mut tx, user).await?;
    enqueue(
        &mut tx,
        &Outgoing::text(
            user,
            Priority::Reply,
            ctx.t(volunteer_lang, "reinstated-volunteer"),
            None,
        ),
    )
    .await?;
    let text = ctx.i18n.f(
        person.lang,
        "reinstated-lead",
        &args![("name", escape(&profile.display_name))],
    );
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    ctx.doorbell.commit(tx).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// The request, if it exists and the person may act on its region; otherwise the press is answered.
async fn request_for_lead(
    ctx: &Ctx,
    tx: &mut Tx,
    person: &Person,
    q: &CallbackQuery,
    id: i64,
) -> Result<Option<RequestRow>, crate::error::HandlerError> {
    let Some(row) = db::requests::get_tx(tx, id).await? else {
        refuse(ctx, person, q, "request-not-found").await?;
        return Ok(None);
    };
    if !may_act(ctx, tx, person, row.region_id).await? {
        refuse(ctx, person, q, "role-leads-only").await?;
        return Ok(None);
    }
    Ok(Some(row))
}

/// 📣 Push again: the region's volunteers get the open request once more.
pub async fn push_again(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let mut tx = ctx.begin().await?;
    let Some(row) = request_for_lead(ctx, &mut tx, person, q, id).await? else {
        return Ok(());
    };
    if row.status() != Status::Open {
        drop(tx);
        return refuse(ctx, person, q, "claim-gone").await;
    }
    let sent = notify::fan_out(ctx, &mut tx, &row, &[row.requester_id]).await?;
    // Honest about who reads it now and who in the morning (their quiet hours hold it).
    let text = match sent.first_release {
        Some(at) if sent.held > 0 => {
            let time = db::from_ms(at)
                .with_timezone(
                    &ctx.regions
                        .get(row.region_id)
                        .map_or(chrono_tz::UTC, |r| r.tz),
                )
                .format("%H:%M")
                .to_string();
            ctx.i18n.f(
                person.lang,
                "pushed-again-held",
                &args![
                    ("id", id),
                    ("count", sent.now),
                    ("held", sent.held),
                    ("time", time)
                ],
            )
        }
        _ => ctx.i18n.f(
            person.lang,
            "pushed-again",
            &args![("id", id), ("count", sent.now)],
        ),
    };
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    ctx.doorbell.commit(tx).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// 👤 Assign: the approved volunteers of the region, least busy first.
pub async fn assign_ask(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let mut tx = ctx.begin().await?;
    let Some(row) = request_for_lead(ctx, &mut tx, person, q, id).await? else {
        return Ok(());
    };
    if row.status() != Status::Open {
        drop(tx);
        return refuse(ctx, person, q, "claim-gone").await;
    }
    let candidates = db::volunteers::approved_in_region(&mut tx, row.region_id).await?;
    drop(tx);
    let lang = person.lang;
    let max = ctx.config.max_active_claims;
    let out = if candidates.is_empty() {
        ctx.reply(
            person,
            ctx.i18n.f(lang, "assign-nobody", &args![("id", id)]),
            None,
        )
    } else {
        let buttons = candidates
            .iter()
            .map(|v| {
                let label = ctx.i18n.f(
                    lang,
                    "btn-assign-to",
                    &args![
                        ("name", v.display_name.chars().take(30).collect::<String>()),
                        ("load", v.load),
                        ("max", max),
                        ("paused", if v.self_paused { "yes" } else { "no" })
                    ],
                );
                vec![(
                    label,
                    Cb::Assign {
                        request: id,
                        volunteer: v.user_id,
                    },
                )]
            })
            .collect();
        let mut text = ctx
            .i18n
            .f(lang, "assign-ask", &args![("id", id), ("max", max)]);
        if candidates.iter().any(|v| v.self_paused) {
            text = format!("{text}\n{}", ctx.t(lang, "assign-ask-paused"));
        }
        ctx.reply(person, text, Some(inline_markup(buttons)))
    };
    ctx.respond(person.id, Next::Keep, vec![out]).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// The lead gives an open request to a volunteer of the region, as if they had taken it.
pub async fn assign(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    id: i64,
    volunteer: i64,
) -> HandlerResult {
    let now = ctx.clock.now_ms();
    let mut tx = ctx.begin().await?;
    let Some(row) = request_for_lead(ctx, &mut tx, person, q, id).await? else {
        return Ok(());
    };
    if db::volunteers::can_claim(&mut tx, volunteer, row.region_id)
        .await?
        .as_deref()
        != Some("approved")
    {
        drop(tx);
        return refuse(ctx, person, q, "assign-not-possible").await;
    }
    let Some(claimed) = db::requests::assign(&mut tx, now, id, volunteer, person.id).await? else {
        drop(tx);
        return refuse(ctx, person, q, "claim-gone").await;
    };
    let (first_name, lang) = (
        db::users::first_name(&mut tx, volunteer).await?,
        notify::lang_of(&mut tx, volunteer).await?,
    );
    let taker = Person {
        id: volunteer,
        first_name,
        lang,
    };
    lifecycle::hand_over(ctx, &mut tx, &claimed, &taker).await?;
    let name = db::volunteers::display_name(&mut tx, volunteer)
        .await?
        .unwrap_or_default();
    let text = ctx.i18n.f(
        person.lang,
        "assigned-lead",
        &args![("id", id), ("name", escape(&name))],
    );
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    lifecycle::clear_pressed(&mut tx, q).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(
        request = id,
        volunteer,
        lead = person.id,
        "request assigned by a lead"
    );
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// ↩️ Reopen a taken (or done) request: the volunteer is told, the region's volunteers see it again.
pub async fn reopen(ctx: &Ctx, person: &Person, q: &CallbackQuery, id: i64) -> HandlerResult {
    let now = ctx.clock.now_ms();
    let mut tx = ctx.begin().await?;
    if request_for_lead(ctx, &mut tx, person, q, id)
        .await?
        .is_none()
    {
        return Ok(());
    }
    let Some(before) = db::requests::reopen(&mut tx, now, id, person.id).await? else {
        drop(tx);
        return refuse(ctx, person, q, "reopen-not-possible").await;
    };
    let Some(open) = db::requests::get_tx(&mut tx, id).await? else {
        return Ok(());
    };
    let mut exclude = vec![open.requester_id];
    if let Some(v) = before.claimed_by {
        exclude.push(v);
        notify::tell(&mut tx, ctx, v, "reopened-volunteer", id, None).await?;
    }
    notify::retract_details(ctx, &mut tx, id).await?;
    notify::push_request(ctx, &mut tx, &open, &exclude).await?;
    super::door::changed(ctx, &mut tx, id, super::door::Change::Reopened).await?;
    let text = ctx.i18n.f(person.lang, "reopened-lead", &args![("id", id)]);
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    ctx.doorbell.commit(tx).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

/// 🗑 Close as duplicate or spam: the requester is told kindly, the announcements are withdrawn.
pub async fn close_as(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    id: i64,
    reason: CloseReason,
) -> HandlerResult {
    let now = ctx.clock.now_ms();
    let mut tx = ctx.begin().await?;
    if request_for_lead(ctx, &mut tx, person, q, id)
        .await?
        .is_none()
    {
        return Ok(());
    }
    let Some(before) =
        db::requests::close_by_lead(&mut tx, now, id, person.id, reason.code()).await?
    else {
        drop(tx);
        return refuse(ctx, person, q, "close-not-possible").await;
    };
    notify::retract_details(ctx, &mut tx, id).await?;
    let i18n = &ctx.i18n;
    notify::close_pushes(&mut tx, id, false, |lang, _| {
        i18n.f(lang, "push-gone", &args![("id", id)])
    })
    .await?;
    if let Some(v) = before
        .claimed_by
        .filter(|_| before.status() == Status::Claimed)
    {
        notify::tell(&mut tx, ctx, v, "cancel-volunteer", id, None).await?;
    }
    let key = match reason {
        CloseReason::Duplicate => "closed-duplicate-requester",
        CloseReason::Spam => "closed-spam-requester",
    };
    notify::tell(&mut tx, ctx, before.requester_id, key, id, None).await?;
    super::door::changed(ctx, &mut tx, id, super::door::Change::Cancelled).await?;
    let text = ctx.i18n.f(person.lang, "closed-lead", &args![("id", id)]);
    enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    lifecycle::clear_pressed(&mut tx, q).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(
        request = id,
        lead = person.id,
        reason = reason.code(),
        "request closed by a lead"
    );
    ctx.answer_callback(q, None, false).await;
    Ok(())
}

fn requests_message(
    ctx: &Ctx,
    lang: Lang,
    rows: &[RequestRow],
    total: i64,
    page: u32,
    now: i64,
) -> (String, Option<InlineKeyboardMarkup>) {
    if total == 0 {
        return (ctx.t(lang, "lead-requests-none"), None);
    }
    let mut text = paging::header(
        ctx,
        lang,
        "lead-requests-header",
        total,
        page,
        REQUESTS_PAGE,
    );
    let mut buttons = vec![];
    for r in rows {
        let since = match r.status() {
            Status::Claimed => r.claimed_at,
            _ => r.opened_at,
        }
        .unwrap_or(r.created_at);
        let hours = (now - since).max(0) / 3_600_000;
        let stale = r.status() == Status::Open && hours >= 24;
        text.push_str("\n\n");
        text.push_str(&ctx.i18n.f(
            lang,
            "lead-requests-item",
            &args![
                ("id", r.id),
                ("stale", if stale { "⚠️ " } else { "" }),
                ("category", render::category(&ctx.i18n, lang, r.category())),
                ("place", render::place(&ctx.regions, lang, r)),
                ("status", render::status(&ctx.i18n, lang, r.status())),
                ("hours", hours),
            ],
        ));
        let mut row = vec![];
        match r.status() {
            Status::Open => {
                row.push((
                    ctx.i18n.f(lang, "btn-assign-n", &args![("id", r.id)]),
                    Cb::AssignAsk(r.id),
                ));
                row.push((
                    ctx.i18n.f(lang, "btn-push-n", &args![("id", r.id)]),
                    Cb::PushAgain(r.id),
                ));
            }
            Status::Claimed | Status::Done => row.push((
                ctx.i18n.f(lang, "btn-reopen-n", &args![("id", r.id)]),
                Cb::Reopen(r.id),
            )),
            _ => {}
        }
        // A voice-only request of kind "other" (a quick voice request): its kind can be set.
        if r.details.is_none() && r.category() == crate::domain::Category::Other {
            row.push((
                ctx.i18n.f(lang, "btn-category-n", &args![("id", r.id)]),
                Cb::CategoryAsk(r.id),
            ));
        }
        buttons.push(row);
        if matches!(r.status(), Status::Open | Status::Claimed) {
            buttons.push(vec![
                (
                    ctx.i18n.f(lang, "btn-duplicate-n", &args![("id", r.id)]),
                    Cb::CloseAs(r.id, CloseReason::Duplicate),
                ),
                (
                    ctx.i18n.f(lang, "btn-spam-n", &args![("id", r.id)]),
                    Cb::CloseAs(r.id, CloseReason::Spam),
                ),
            ]);
        }
    }
    buttons.extend(paging::nav(
        ctx,
        lang,
        page,
        total,
        REQUESTS_PAGE,
        Cb::RequestsPage,
    ));
    (text, Some(inline(buttons)))
}

/// /requests: open (stale marked), taken and done requests of the lead's regions, oldest first.
pub async fn requests(ctx: &Ctx, person: &Person) -> HandlerResult {
    if !is_lead_or_say(ctx, person).await? {
        return Ok(());
    }
    let (rows, total) = db::requests::for_lead(&ctx.pool, person.id, REQUESTS_PAGE, 0).await?;
    let (text, markup) = requests_message(ctx, person.lang, &rows, total, 0, ctx.clock.now_ms());
    ctx.respond(
        person.id,
        Next::Keep,
        vec![ctx.reply(person, text, markup.map(ReplyMarkup::InlineKeyboard))],
    )
    .await
}

pub async fn requests_page(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    page: u32,
) -> HandlerResult {
    let (rows, total) = db::requests::for_lead(
        &ctx.pool,
        person.id,
        REQUESTS_PAGE,
        page as i64 * REQUESTS_PAGE,
    )
    .await?;
    let (text, markup) = requests_message(ctx, person.lang, &rows, total, page, ctx.clock.now_ms());
    paging::replace(ctx, person, q, text, markup).await
}

/// Buttons under an alert about an open request nobody took.
pub fn unclaimed_buttons(
    ctx: &Ctx,
    id: i64,
) -> impl Fn(Lang) -> InlineKeyboardMarkup + Send + Sync + '_ {
    move |lang| {
        inline(vec![vec![
            (ctx.t(lang, "btn-push-again"), Cb::PushAgain(id)),
            (ctx.t(lang, "btn-assign"), Cb::AssignAsk(id)),
        ]])
    }
}

/// Buttons under an alert about a taken request that is not done.
pub fn stuck_buttons(
    ctx: &Ctx,
    id: i64,
) -> impl Fn(Lang) -> InlineKeyboardMarkup + Send + Sync + '_ {
    move |lang| {
        inline(vec![vec![(
            ctx.i18n.f(lang, "btn-reopen-n", &args![("id", id)]),
            Cb::Reopen(id),
        )]])
    }
}
