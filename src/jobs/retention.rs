//! Erasing the address and phone of ended requests after RETENTION_DAYS (being written).

use tokio::sync::watch;

use crate::bot::Ctx;

pub async fn run(_ctx: Ctx, _stop: watch::Receiver<bool>) {}
