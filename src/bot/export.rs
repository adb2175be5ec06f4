//! /export: a CSV of a region's requests for a date range (being written).

use teloxide::types::CallbackQuery;

use super::{Ctx, Person};
use crate::error::HandlerResult;

pub async fn start(_ctx: &Ctx, _person: &Person) -> HandlerResult {
    Ok(())
}

pub async fn choose_range(
    _ctx: &Ctx,
    _person: &Person,
    _q: &CallbackQuery,
    _region: i64,
) -> HandlerResult {
    Ok(())
}

pub async fn send(
    _ctx: &Ctx,
    _person: &Person,
    _q: &CallbackQuery,
    _region: i64,
    _range: u8,
) -> HandlerResult {
    Ok(())
}
