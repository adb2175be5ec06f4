//! Telling people about a request: the fan-out to volunteers and messages to the other side.

use super::Ctx;
use super::callbacks::Cb;
use super::keyboards::inline;
use super::render;
use crate::args;
use crate::db::{self, Tx, requests::RequestRow};
use crate::domain::EventKind;
use crate::error::HandlerResult;
use crate::i18n::Lang;
use crate::outbox::{Outgoing, Payload, Priority, enqueue};

/// The language someone other than the acting person reads.
pub async fn lang_of(tx: &mut Tx, user_id: i64) -> Result<Lang, sqlx::Error> {
    let (stored, telegram) = db::users::language_of(tx, user_id).await?;
    Ok(Lang::negotiate(stored.as_deref(), telegram.as_deref()))
}

/// Queues one compact announcement with a Take button for every approved volunteer of the
/// region who does this kind of help — never the address, phone or name. Returns how many.
pub async fn push_request(
    ctx: &Ctx,
    tx: &mut Tx,
    row: &RequestRow,
    exclude: &[i64],
) -> Result<usize, sqlx::Error> {
    let recipients = db::volunteers::matching(tx, row.region_id, row.category(), exclude).await?;
    for r in &recipients {
        let lang = Lang::negotiate(r.language.as_deref(), r.tg_language.as_deref());
        let payload = Payload::Push {
            request_id: row.id,
            text: render::push(&ctx.i18n, &ctx.regions, lang, row),
            markup: inline(vec![vec![(ctx.t(lang, "btn-claim"), Cb::Claim(row.id))]]),
            yours_text: ctx
                .i18n
                .f(lang, "push-taken-by-you", &args![("id", row.id)]),
            taken_text: render::push_taken(&ctx.i18n, lang, row),
            gone_text: ctx.i18n.f(lang, "push-gone", &args![("id", row.id)]),
        };
        enqueue(
            tx,
            &Outgoing {
                chat_id: r.user_id,
                priority: Priority::Push,
                payload,
            },
        )
        .await?;
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
    Ok(recipients.len())
}

/// Edits every announcement of a request that stopped being open, and forgets them. Pushes still
/// queued are dropped. `text_for(lang, chat_id)` gives the new text for each reader.
pub async fn close_pushes(
    tx: &mut Tx,
    request_id: i64,
    text_for: impl Fn(Lang, i64) -> String,
) -> Result<(), sqlx::Error> {
    db::outbox::drop_unsent_pushes(tx, request_id).await?;
    for (chat_id, message_id) in db::requests::pushes_of(tx, request_id).await? {
        let lang = lang_of(tx, chat_id).await?;
        let edit = Outgoing::edit(
            chat_id,
            Priority::Edit,
            message_id as i32,
            text_for(lang, chat_id),
            None,
        );
        enqueue(tx, &edit).await?;
    }
    db::requests::forget_pushes(tx, request_id).await
}

/// A plain message to someone other than the acting person, in their language.
pub async fn tell(
    tx: &mut Tx,
    ctx: &Ctx,
    user_id: i64,
    key: &str,
    id: i64,
    markup: Option<teloxide::types::ReplyMarkup>,
) -> HandlerResult {
    let lang = lang_of(tx, user_id).await?;
    let text = ctx.i18n.f(lang, key, &args![("id", id)]);
    enqueue(tx, &Outgoing::text(user_id, Priority::Reply, text, markup)).await?;
    Ok(())
}
