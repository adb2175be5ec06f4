//! Long lists (open requests, volunteers, a lead's requests) are shown a page at a time, with
//! ◀️ ▶️ under the message; pressing them edits the same message.

use teloxide::types::{CallbackQuery, InlineKeyboardMarkup, ReplyMarkup};

use super::callbacks::Cb;
use super::{Ctx, Next, Person};
use crate::args;
use crate::error::HandlerResult;
use crate::i18n::Lang;
use crate::outbox::{Outgoing, Priority};

pub fn pages(total: i64, size: i64) -> i64 {
    (total + size - 1) / size
}

/// The list's first line: `key` with the total and "page N of M".
pub fn header(ctx: &Ctx, lang: Lang, key: &str, total: i64, page: u32, size: i64) -> String {
    ctx.i18n.f(
        lang,
        key,
        &args![
            ("total", total),
            ("page", page as i64 + 1),
            ("pages", pages(total, size))
        ],
    )
}

/// ◀️ ▶️ as needed, for a list of `total` items shown `size` at a time.
pub fn nav(
    ctx: &Ctx,
    lang: Lang,
    page: u32,
    total: i64,
    size: i64,
    to: impl Fn(u32) -> Cb,
) -> Option<Vec<(String, Cb)>> {
    let mut row = vec![];
    if page > 0 {
        row.push((ctx.t(lang, "btn-prev-page"), to(page - 1)));
    }
    if (page as i64 + 1) < pages(total, size) {
        row.push((ctx.t(lang, "btn-next-page"), to(page + 1)));
    }
    (!row.is_empty()).then_some(row)
}

/// Shows another page in the message whose button was pressed.
pub async fn replace(
    ctx: &Ctx,
    person: &Person,
    q: &CallbackQuery,
    text: String,
    markup: Option<InlineKeyboardMarkup>,
) -> HandlerResult {
    let out = match &q.message {
        Some(m) => Outgoing::edit(person.id, Priority::Reply, m.id().0, text, markup),
        None => ctx.reply(person, text, markup.map(ReplyMarkup::InlineKeyboard)),
    };
    ctx.respond(person.id, Next::Keep, vec![out]).await?;
    ctx.answer_callback(q, None, false).await;
    Ok(())
}
