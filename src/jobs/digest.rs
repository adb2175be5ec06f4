//! The leads' daily digest (being written).

use tokio::sync::watch;

use crate::bot::{Ctx, Person};
use crate::error::HandlerResult;

pub async fn run(_ctx: Ctx, _stop: watch::Receiver<bool>) {}

/// /digest: the digest of the lead's regions, now.
pub async fn send_now(_ctx: &Ctx, _person: &Person) -> HandlerResult {
    Ok(())
}
