//! Telling people about a request: the fan-out to volunteers and messages to the other side.

use super::Ctx;
use super::callbacks::Cb;
use super::keyboards::inline;
use super::render;
use crate::args;
use crate::db::{self, Tx, requests::RequestRow};
use crate::domain::EventKind;
use crate::i18n::Lang;
use crate::outbox::{Outgoing, Payload, Priority, enqueue};

/// The language someone other than the acting person reads.
pub async fn lang_of(tx: &mut Tx, user_id: i64) -> Result<Lang, sqlx::Error> {
    let (stored, telegram) = db::users::language_of(tx, user_id).await?;
    Ok(Lang::negotiate(stored.as_deref(), telegram.as_deref()))
}

/// What a fan-out did: announced now, or held until a volunteer's quiet hours end.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Fanout {
    pub now: usize,
    pub held: usize,
    /// The earliest moment a held announcement goes out (ms).
    pub first_release: Option<i64>,
}

/// Queues one compact announcement with a Take button for every approved volunteer of the
/// region who does this kind of help and has not paused — never the address, phone or name. A
/// volunteer in quiet hours gets it when they end. Returns how many will get it.
pub async fn push_request(
    ctx: &Ctx,
    tx: &mut Tx,
    row: &RequestRow,
    exclude: &[i64],
) -> Result<usize, sqlx::Error> {
    let f = fan_out(ctx, tx, row, exclude).await?;
    Ok(f.now + f.held)
}

/// The one announcement of a request to one volunteer.
pub fn push_to(ctx: &Ctx, row: &RequestRow, chat_id: i64, lang: Lang) -> Outgoing {
    let payload = Payload::Push {
        request_id: row.id,
        text: render::push(&ctx.i18n, &ctx.regions, lang, row),
        markup: inline(vec![vec![(ctx.t(lang, "btn-claim"), Cb::Claim(row.id))]]),
        yours_text: ctx
            .i18n
            .f(lang, "push-taken-by-you", &args![("id", row.id)]),
        taken_text: render::push_taken(&ctx.i18n, &ctx.regions, lang, row),
        gone_text: ctx.i18n.f(lang, "push-gone", &args![("id", row.id)]),
    };
    Outgoing {
        chat_id,
        priority: Priority::Push,
        payload,
    }
}

/// `push_request`, saying how many got it now and how many in the morning.
pub async fn fan_out(
    ctx: &Ctx,
    tx: &mut Tx,
    row: &RequestRow,
    exclude: &[i64],
) -> Result<Fanout, sqlx::Error> {
    announce(ctx, tx, row, exclude, false).await
}

/// `fan_out` of a request created in this same transaction: nothing was offered or announced
/// before, so nothing of that is looked for.
pub async fn fan_out_new(
    ctx: &Ctx,
    tx: &mut Tx,
    row: &RequestRow,
    exclude: &[i64],
) -> Result<Fanout, sqlx::Error> {
    announce(ctx, tx, row, exclude, true).await
}

async fn announce(
    ctx: &Ctx,
    tx: &mut Tx,
    row: &RequestRow,
    exclude: &[i64],
    new: bool,
) -> Result<Fanout, sqlx::Error> {
    if !new {
        // Offered to everyone now: a weekly repeat's first offer to one volunteer is over, and
        // what was held for the night is decided again below (one statement, not one per
        // volunteer).
        db::duty::widened(tx, row.id).await?;
        db::duty::forget_held(tx, row.id).await?;
    }
    let recipients = db::duty::push_recipients(tx, row.region_id, row.category(), exclude).await?;
    let mut fanout = Fanout::default();
    // Now, or held until quiet hours end (`duty::held_until`), with the pushes queued together
    // (one statement for hundreds of volunteers keeps the write lock short while others wait).
    let mut pushes = Vec::with_capacity(recipients.len());
    // Rendered once per language: every volunteer reading it gets the same words.
    let mut rendered: Vec<(Lang, Payload)> = vec![];
    for r in &recipients {
        match super::duty::held_until(ctx, r, row) {
            None => {
                let lang = Lang::negotiate(r.language.as_deref(), r.tg_language.as_deref());
                let payload = match rendered.iter().find(|(l, _)| *l == lang) {
                    Some((_, p)) => p.clone(),
                    None => {
                        let p = push_to(ctx, row, r.user_id, lang).payload;
                        rendered.push((lang, p.clone()));
                        p
                    }
                };
                pushes.push(Outgoing {
                    chat_id: r.user_id,
                    priority: Priority::Push,
                    payload,
                });
                fanout.now += 1;
            }
            Some(at) => {
                db::duty::hold(tx, row.id, r.user_id, at, ctx.clock.now_ms()).await?;
                fanout.held += 1;
                fanout.first_release = Some(fanout.first_release.map_or(at, |t| t.min(at)));
            }
        }
    }
    crate::outbox::enqueue_all(tx, &pushes).await?;
    // The club chats of the region: a post anyone there can take, never with personal data. A post
    // that already exists (the request was taken and is open again) is turned back into an offer.
    let posted = if new {
        vec![]
    } else {
        db::requests::pushes_of(tx, row.id).await?
    };
    for chat_id in db::leads::club_chats(tx, row.region_id).await? {
        let lang = group_lang(tx, chat_id).await?;
        let text = render::push(&ctx.i18n, &ctx.regions, lang, row);
        let markup = inline(vec![vec![(ctx.t(lang, "btn-claim"), Cb::Claim(row.id))]]);
        let out = match posted.iter().find(|(c, _)| *c == chat_id) {
            Some((_, message_id)) => Outgoing::edit(
                chat_id,
                Priority::Push,
                *message_id as i32,
                text,
                Some(markup),
            ),
            None => Outgoing {
                chat_id,
                priority: Priority::Push,
                payload: Payload::Push {
                    request_id: row.id,
                    text,
                    markup,
                    yours_text: ctx.i18n.f(lang, "push-gone", &args![("id", row.id)]),
                    taken_text: render::push_taken(&ctx.i18n, &ctx.regions, lang, row),
                    gone_text: ctx.i18n.f(lang, "push-gone", &args![("id", row.id)]),
                },
            },
        };
        enqueue(tx, &out).await?;
    }
    let note = recipients.len().to_string();
    db::requests::event(
        tx,
        ctx.clock.now_ms(),
        row.id,
        None,
        EventKind::Pushed,
        Some(&note),
    )
    .await?;
    Ok(fanout)
}

/// Edits every announcement of a request that stopped being open; pushes still queued are
/// dropped. Private pushes are forgotten; club-chat posts are kept when `keep_group_posts`, so
/// they can show later what became of the request. `text_for(lang, chat_id)` gives each text.
pub async fn close_pushes(
    tx: &mut Tx,
    request_id: i64,
    keep_group_posts: bool,
    text_for: impl Fn(Lang, i64) -> String,
) -> Result<(), sqlx::Error> {
    for (chat_id, message_id) in
        db::requests::close_pushes(tx, request_id, keep_group_posts).await?
    {
        let lang = if chat_id < 0 {
            group_lang(tx, chat_id).await?
        } else {
            lang_of(tx, chat_id).await?
        };
        let edit = Outgoing::edit(
            chat_id,
            Priority::Edit,
            message_id as i32,
            text_for(lang, chat_id),
            None,
        );
        enqueue(tx, &edit).await?;
    }
    Ok(())
}

/// Edits the club-chat posts of a request (e.g. to show it is done).
pub async fn update_group_posts(
    tx: &mut Tx,
    request_id: i64,
    text_for: impl Fn(Lang) -> String,
) -> Result<(), sqlx::Error> {
    for (chat_id, message_id) in db::requests::pushes_of(tx, request_id).await? {
        if chat_id < 0 {
            let lang = group_lang(tx, chat_id).await?;
            enqueue(
                tx,
                &Outgoing::edit(
                    chat_id,
                    Priority::Edit,
                    message_id as i32,
                    text_for(lang),
                    None,
                ),
            )
            .await?;
        }
    }
    Ok(())
}

/// A club chat reads the language of the lead who bound it.
pub async fn group_lang(tx: &mut Tx, chat_id: i64) -> Result<Lang, sqlx::Error> {
    let bound_by: Option<i64> =
        sqlx::query_scalar("SELECT bound_by FROM club_chats WHERE chat_id = ?")
            .bind(chat_id)
            .fetch_optional(&mut **tx)
            .await?
            .flatten();
    match bound_by {
        Some(lead) => lang_of(tx, lead).await,
        None => Ok(Lang::Ru),
    }
}

/// A plain message to someone other than the acting person, in their language.
pub async fn tell(
    tx: &mut Tx,
    ctx: &Ctx,
    user_id: i64,
    key: &str,
    id: i64,
    markup: Option<teloxide::types::ReplyMarkup>,
) -> Result<(), sqlx::Error> {
    let lang = lang_of(tx, user_id).await?;
    let text = ctx.i18n.f(lang, key, &args![("id", id)]);
    enqueue(tx, &Outgoing::text(user_id, Priority::Reply, text, markup)).await?;
    Ok(())
}

/// The request ended, or is no longer this volunteer's: the message that carried its address and
/// phone is edited to a version without them.
pub async fn retract_details(ctx: &Ctx, tx: &mut Tx, request_id: i64) -> Result<(), sqlx::Error> {
    for (chat_id, message_id) in db::outbox::take_details(tx, request_id).await? {
        let lang = lang_of(tx, chat_id).await?;
        let text = ctx
            .i18n
            .f(lang, "details-retracted", &args![("id", request_id)]);
        enqueue(
            tx,
            &Outgoing::edit(chat_id, Priority::Edit, message_id as i32, text, None),
        )
        .await?;
    }
    Ok(())
}
