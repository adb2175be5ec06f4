//! The region's club group chat: a lead binds it with /bind_region; new requests of the region are
//! posted there too (never address, phone or name) with a Take button for approved volunteers.

use teloxide::types::{CallbackQuery, ChatMemberKind, ChatMemberUpdated, Message};
use teloxide::utils::html::escape;

use super::callbacks::Cb;
use super::keyboards::inline_markup;
use super::{Ctx, Next, Person, render};
use crate::args;
use crate::db;
use crate::error::HandlerResult;
use crate::outbox::{Outgoing, Priority};

fn say_in(chat_id: i64, text: String) -> Outgoing {
    Outgoing::text(chat_id, Priority::Reply, text, None)
}

/// /bind_region in a group: a lead of one region binds at once; a lead of several chooses.
pub async fn bind(ctx: &Ctx, person: &Person, msg: &Message) -> HandlerResult {
    let chat = msg.chat.id.0;
    let lang = person.lang;
    let regions = db::leads::regions_of(&ctx.pool, person.id).await?;
    match regions.as_slice() {
        [] => {
            ctx.respond(
                chat,
                Next::Keep,
                vec![say_in(chat, ctx.t(lang, "club-leads-only"))],
            )
            .await
        }
        [region] => bind_to(ctx, person, chat, *region).await,
        several => {
            let buttons = several
                .iter()
                .map(|r| vec![(render::region(&ctx.regions, lang, *r), Cb::BindRegion(*r))])
                .collect();
            let out = Outgoing::text(
                chat,
                Priority::Reply,
                ctx.t(lang, "club-choose-region"),
                Some(inline_markup(buttons)),
            );
            ctx.respond(chat, Next::Keep, vec![out]).await
        }
    }
}

/// A lead pressed a region button under /bind_region (checked again: the button proves nothing).
pub async fn bind_chosen(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    region: i64,
) -> HandlerResult {
    let Some(m) = &q.message else { return Ok(()) };
    let chat = m.chat().id.0;
    if !db::leads::regions_of(&ctx.pool, person.id)
        .await?
        .contains(&region)
    {
        ctx.answer_callback(q, Some(ctx.t(person.lang, "club-leads-only")), true)
            .await;
        return Ok(());
    }
    ctx.answer_callback(q, None, false).await;
    bind_to(ctx, person, chat, region).await
}

async fn bind_to(ctx: &Ctx, person: &Person, chat: i64, region: i64) -> HandlerResult {
    let mut tx = ctx.begin().await?;
    db::leads::bind_chat(&mut tx, chat, region, person.id, ctx.clock.now_ms()).await?;
    let text = ctx.i18n.f(
        person.lang,
        "club-bound",
        &args![(
            "region",
            escape(&render::region(&ctx.regions, person.lang, region))
        )],
    );
    crate::outbox::enqueue(&mut tx, &say_in(chat, text)).await?;
    ctx.doorbell.commit(tx).await?;
    tracing::info!(chat, region, lead = person.id, "club chat bound");
    Ok(())
}

/// /unbind_region: a lead of the bound region stops the posts.
pub async fn unbind(ctx: &Ctx, person: &Person, msg: &Message) -> HandlerResult {
    let chat = msg.chat.id.0;
    let lang = person.lang;
    let text = match db::leads::club_chat_region(&ctx.pool, chat).await? {
        None => ctx.t(lang, "club-not-bound"),
        Some(region)
            if db::leads::regions_of(&ctx.pool, person.id)
                .await?
                .contains(&region) =>
        {
            db::leads::unbind_chat(&ctx.pool, chat).await?;
            tracing::info!(chat, region, lead = person.id, "club chat unbound");
            ctx.t(lang, "club-unbound")
        }
        Some(_) => ctx.t(lang, "club-leads-only"),
    };
    ctx.respond(chat, Next::Keep, vec![say_in(chat, text)])
        .await
}

/// The bot's own membership changed: removed, banned or muted in a club chat ends the binding.
pub async fn on_membership(ctx: Ctx, update: ChatMemberUpdated) -> HandlerResult {
    let chat = update.chat.id.0;
    let member = &update.new_chat_member;
    let muted = matches!(&member.kind, ChatMemberKind::Restricted(r) if !r.can_send_messages);
    let gone = !member.is_present() || muted;
    if gone && db::leads::unbind_chat(&ctx.pool, chat).await? {
        tracing::info!(
            chat,
            "removed from a club chat (or may not write there): binding dropped"
        );
    }
    Ok(())
}

/// A group that became a supergroup keeps its binding under the new id.
pub async fn on_migration(ctx: &Ctx, msg: &Message) -> HandlerResult {
    if let Some(to) = msg.migrate_to_chat_id() {
        db::leads::move_chat(&ctx.pool, msg.chat.id.0, to.0).await?;
        tracing::info!(
            from = msg.chat.id.0,
            to = to.0,
            "club chat moved to a supergroup"
        );
    }
    Ok(())
}
