//! /delete_me (being written).

use teloxide::types::CallbackQuery;

use super::{Ctx, Person};
use crate::error::HandlerResult;

pub async fn ask(_ctx: &Ctx, _person: &Person) -> HandlerResult {
    Ok(())
}

pub async fn erase(_ctx: &Ctx, _person: &Person, _q: &CallbackQuery) -> HandlerResult {
    Ok(())
}

pub async fn keep(_ctx: &Ctx, _person: &Person, _q: &CallbackQuery) -> HandlerResult {
    Ok(())
}
