//! Operators (ADMIN_IDS): invite club leads with single-use links, list and remove them.

use rand::Rng;
use rand::distr::Alphanumeric;
use teloxide::types::{CallbackQuery, Message};
use teloxide::utils::html::escape;

use super::keyboards::{inline_markup, nav_row, reply};
use super::regions::{self, Picked};
use super::state::{RegionPicker, State};
use super::{Ctx, Next, Person, callbacks::Cb, notify, render};
use crate::args;
use crate::db::{self, leads::Redeemed};
use crate::error::HandlerResult;

/// How long an invitation link works.
pub const INVITE_DAYS: i64 = 7;

async fn say(ctx: &Ctx, person: &Person, key: &str) -> HandlerResult {
    let text = ctx.t(person.lang, key);
    ctx.respond(person.id, Next::Keep, vec![ctx.reply(person, text, None)])
        .await
}

/// /invite_lead: choose the region, then get the link.
pub async fn invite(ctx: &Ctx, person: &Person) -> HandlerResult {
    if !ctx.is_admin(person.id) {
        return say(ctx, person, "role-operators-only").await;
    }
    ask_region(ctx, person, RegionPicker::default(), None).await
}

async fn ask_region(
    ctx: &Ctx,
    person: &Person,
    picker: RegionPicker,
    problem: Option<String>,
) -> HandlerResult {
    let lang = person.lang;
    let mut rows = regions::keyboard_rows(ctx, lang, &picker, &[]);
    rows.push(nav_row(&ctx.i18n, lang));
    let question = ctx.t(lang, "invite-ask-region");
    let text = match problem {
        Some(p) => format!("{p}\n\n{question}"),
        None => question,
    };
    let next = Next::Set(Box::new(State::InviteLead { picker }));
    ctx.respond(
        person.id,
        next,
        vec![ctx.reply(person, text, Some(reply(rows)))],
    )
    .await
}

pub async fn on_invite_region(
    ctx: &Ctx,
    person: &Person,
    msg: &Message,
    mut picker: RegionPicker,
) -> HandlerResult {
    let text = msg.text().unwrap_or_default();
    if ctx.i18n.is_label(text, "btn-cancel")
        || ctx.i18n.is_label(text, "btn-back")
        || !ctx.is_admin(person.id)
    {
        return super::commands::cancel_dialogue(ctx, person).await;
    }
    if msg.text().is_none() {
        return ask_region(
            ctx,
            person,
            picker,
            Some(ctx.t(person.lang, "input-need-text")),
        )
        .await;
    }
    let region = match regions::handle(ctx, person.lang, &mut picker, text) {
        Picked::Region(id) => id,
        Picked::Stay(problem) => return ask_region(ctx, person, picker, problem).await,
    };
    let code: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect();
    let now = ctx.clock.now_ms();
    let expires = now + INVITE_DAYS * 24 * 3600 * 1000;
    db::leads::create_invite(&ctx.pool, &code, region, person.id, now, expires).await?;
    let link = format!("https://t.me/{}?start=lead_{code}", ctx.bot_username);
    let text = ctx.i18n.f(
        person.lang,
        "invite-link",
        &args![
            (
                "region",
                escape(&render::region(&ctx.regions, person.lang, region))
            ),
            ("link", link),
            ("days", INVITE_DAYS)
        ],
    );
    let menu = ctx.main_menu(person).await?;
    tracing::info!(region, by = person.id, "lead invitation created");
    ctx.respond(
        person.id,
        Next::Clear,
        vec![ctx.reply(person, text, Some(menu))],
    )
    .await
}

/// Someone opened an invitation link (`/start lead_CODE`).
pub async fn redeem_invite(ctx: &Ctx, person: &Person, code: &str) -> HandlerResult {
    let valid_shape =
        !code.is_empty() && code.len() <= 64 && code.chars().all(|c| c.is_ascii_alphanumeric());
    let mut tx = ctx.begin().await?;
    let outcome = if valid_shape {
        db::leads::redeem(&mut tx, code, person.id, ctx.clock.now_ms()).await?
    } else {
        Redeemed::Unknown
    };
    let lang = person.lang;
    let region_name = |r: i64| escape(&render::region(&ctx.regions, lang, r));
    let text = match &outcome {
        Redeemed::Appointed(r) => {
            // The operator who made the link hears who used it.
            let operator: Option<i64> =
                sqlx::query_scalar("SELECT created_by FROM lead_invites WHERE code = ?")
                    .bind(code)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(op) = operator.filter(|op| *op != person.id) {
                let op_lang = notify::lang_of(&mut tx, op).await?;
                let note = ctx.i18n.f(
                    op_lang,
                    "invite-used-operator",
                    &args![
                        ("name", escape(&person.first_name)),
                        ("region", escape(&render::region(&ctx.regions, op_lang, *r)))
                    ],
                );
                crate::outbox::enqueue(
                    &mut tx,
                    &crate::outbox::Outgoing::text(op, crate::outbox::Priority::Reply, note, None),
                )
                .await?;
            }
            ctx.i18n
                .f(lang, "invite-welcome", &args![("region", region_name(*r))])
        }
        Redeemed::AlreadyLead(r) => ctx.i18n.f(
            lang,
            "invite-already-lead",
            &args![("region", region_name(*r))],
        ),
        Redeemed::Used => ctx.t(lang, "invite-used"),
        Redeemed::Expired => ctx.t(lang, "invite-expired"),
        Redeemed::Unknown => ctx.t(lang, "invite-unknown"),
    };
    db::dialogues::clear(&mut tx, person.id).await?;
    crate::outbox::enqueue(&mut tx, &ctx.reply(person, text, None)).await?;
    ctx.doorbell.commit(tx).await?;
    if let Redeemed::Appointed(r) = outcome {
        tracing::info!(
            lead = person.id,
            region = r,
            "club lead appointed by invitation"
        );
    }
    Ok(())
}

/// /leads: operators see every lead with a remove button; a lead sees the leads of their regions.
pub async fn leads(ctx: &Ctx, person: &Person) -> HandlerResult {
    let lang = person.lang;
    let admin = ctx.is_admin(person.id);
    let mine = db::leads::regions_of(&ctx.pool, person.id).await?;
    if !admin && mine.is_empty() {
        return say(ctx, person, "role-leads-only").await;
    }
    let all = db::leads::all(&ctx.pool).await?;
    let shown: Vec<_> = all
        .iter()
        .filter(|l| admin || mine.contains(&l.region_id))
        .collect();
    if shown.is_empty() {
        return say(ctx, person, "leads-none").await;
    }
    let mut text = ctx.t(lang, "leads-header");
    let mut buttons = vec![];
    let mut last_region = None;
    for l in &shown {
        if last_region != Some(l.region_id) {
            text.push_str(&format!(
                "\n\n<b>{}</b>",
                escape(&render::region(&ctx.regions, lang, l.region_id))
            ));
            last_region = Some(l.region_id);
        }
        let who = match &l.username {
            Some(u) => format!("{} (@{})", escape(&l.first_name), escape(u)),
            None => escape(&l.first_name),
        };
        text.push_str(&format!("\n• {who}"));
        if admin {
            let label = ctx.i18n.f(
                lang,
                "btn-remove-lead",
                &args![
                    ("name", l.first_name.clone()),
                    ("region", render::region(&ctx.regions, lang, l.region_id))
                ],
            );
            buttons.push(vec![(
                label,
                Cb::RemoveLead {
                    user: l.user_id,
                    region: l.region_id,
                },
            )]);
        }
    }
    let markup = (!buttons.is_empty()).then(|| inline_markup(buttons));
    ctx.respond(person.id, Next::Keep, vec![ctx.reply(person, text, markup)])
        .await
}

pub async fn remove_lead(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    user: i64,
    region: i64,
) -> HandlerResult {
    if !ctx.is_admin(person.id) {
        ctx.answer_callback(q, Some(ctx.t(person.lang, "role-operators-only")), true)
            .await;
        return Ok(());
    }
    let mut tx = ctx.begin().await?;
    if !db::leads::remove(&mut tx, user, region).await? {
        drop(tx);
        ctx.answer_callback(q, Some(ctx.t(person.lang, "stale-button")), false)
            .await;
        return Ok(());
    }
    let lead_lang = notify::lang_of(&mut tx, user).await?;
    let told = ctx.i18n.f(
        lead_lang,
        "lead-removed",
        &args![(
            "region",
            escape(&render::region(&ctx.regions, lead_lang, region))
        )],
    );
    crate::outbox::enqueue(
        &mut tx,
        &crate::outbox::Outgoing::text(user, crate::outbox::Priority::Reply, told, None),
    )
    .await?;
    let name = db::users::first_name(&mut tx, user).await?;
    let done = ctx.i18n.f(
        person.lang,
        "lead-removed-operator",
        &args![
            ("name", escape(&name)),
            (
                "region",
                escape(&render::region(&ctx.regions, person.lang, region))
            )
        ],
    );
    crate::outbox::enqueue(&mut tx, &ctx.reply(person, done, None)).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(lead = user, region, by = person.id, "club lead removed");
    ctx.answer_callback(q, None, false).await;
    Ok(())
}
