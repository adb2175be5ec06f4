//! Club leads' tools (being written).

use teloxide::types::CallbackQuery;

use super::callbacks::CloseReason;
use super::{Ctx, Person};
use crate::error::HandlerResult;

pub async fn decide(
    _ctx: &Ctx,
    _person: &Person,
    _q: &CallbackQuery,
    _user: i64,
    _approve: bool,
) -> HandlerResult {
    Ok(())
}
pub async fn suspend(
    _ctx: &Ctx,
    _person: &Person,
    _q: &CallbackQuery,
    _user: i64,
) -> HandlerResult {
    Ok(())
}
pub async fn reinstate(
    _ctx: &Ctx,
    _person: &Person,
    _q: &CallbackQuery,
    _user: i64,
) -> HandlerResult {
    Ok(())
}
pub async fn volunteers_page(
    _ctx: &Ctx,
    _person: &Person,
    _q: &CallbackQuery,
    _page: u32,
) -> HandlerResult {
    Ok(())
}
pub async fn push_again(
    _ctx: &Ctx,
    _person: &Person,
    _q: &CallbackQuery,
    _id: i64,
) -> HandlerResult {
    Ok(())
}
pub async fn assign_ask(
    _ctx: &Ctx,
    _person: &Person,
    _q: &CallbackQuery,
    _id: i64,
) -> HandlerResult {
    Ok(())
}
pub async fn assign(
    _ctx: &Ctx,
    _person: &Person,
    _q: &CallbackQuery,
    _id: i64,
    _volunteer: i64,
) -> HandlerResult {
    Ok(())
}
pub async fn reopen(_ctx: &Ctx, _person: &Person, _q: &CallbackQuery, _id: i64) -> HandlerResult {
    Ok(())
}
pub async fn close_as(
    _ctx: &Ctx,
    _person: &Person,
    _q: &CallbackQuery,
    _id: i64,
    _reason: CloseReason,
) -> HandlerResult {
    Ok(())
}
pub async fn requests_page(
    _ctx: &Ctx,
    _person: &Person,
    _q: &CallbackQuery,
    _page: u32,
) -> HandlerResult {
    Ok(())
}
pub async fn volunteers(_ctx: &Ctx, _person: &Person) -> HandlerResult {
    Ok(())
}
pub async fn requests(_ctx: &Ctx, _person: &Person) -> HandlerResult {
    Ok(())
}
