//! The region's club group chat (being written).

use teloxide::types::CallbackQuery;

use super::{Ctx, Person};
use crate::error::HandlerResult;

pub async fn bind_chosen(
    _ctx: &Ctx,
    _person: &Person,
    _q: &CallbackQuery,
    _region: i64,
) -> HandlerResult {
    Ok(())
}
