//! The framework's floor for the load benchmark (`cargo bench --bench load`): a minimal teloxide
//! echo bot with the same teloxide version and features as mutual-aid-bot, and nothing else —
//! no database, no outbox, no limiter. Every text message is sent straight back.
//!
//! Reads `TELOXIDE_TOKEN` and `TELOXIDE_API_URL` like the bot (the benchmark points it at the
//! fake Bot API on 127.0.0.1). Stops on SIGTERM or Ctrl-C.

use teloxide::prelude::*;

#[tokio::main]
pub async fn main() {
    let bot = Bot::from_env();
    let handler = Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
        let text = msg.text().unwrap_or("…").to_owned();
        bot.send_message(msg.chat.id, text).await?;
        respond(())
    });
    let mut dispatcher = Dispatcher::builder(bot, handler).build();
    let shutdown = dispatcher.shutdown_token();
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        } else {
            let _ = tokio::signal::ctrl_c().await;
        }
        if let Ok(done) = shutdown.shutdown() {
            done.await;
        }
    });
    dispatcher.dispatch().await;
}
