//! Wiring: database, bot, dispatcher, sender and jobs; and an orderly stop.

use std::sync::Arc;
use std::time::Duration;

use teloxide::dispatching::ShutdownToken;
use teloxide::prelude::*;
use teloxide::types::BotCommand;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::bot::{self, Ctx, RedactingErrorHandler, Shared, commands::Command};
use crate::clock::Clock;
use crate::config::Config;
use crate::db::{self, dialogues::DialogueStorage};
use crate::error::Redactor;
use crate::i18n::{I18n, Lang, LocaleError};
use crate::outbox::{Doorbell, Sender};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error("cannot read the regions: {0}")]
    Regions(#[source] sqlx::Error),
    #[error("cannot read which updates were handled: {0}")]
    Updates(#[source] sqlx::Error),
    #[error(transparent)]
    Locale(#[from] LocaleError),
    #[error("cannot reach the Telegram Bot API (check TELOXIDE_TOKEN and the network): {0}")]
    Telegram(String),
}

/// A started bot. Call `shutdown` to stop it in order.
pub struct Running {
    shutdown: ShutdownToken,
    dispatcher: JoinHandle<()>,
    stop: watch::Sender<bool>,
    background: Vec<JoinHandle<()>>,
    pool: sqlx::SqlitePool,
}

impl Running {
    /// Stops taking updates, lets the handlers in flight finish, lets the sender finish the sends
    /// in flight (the rest stays queued in the database for the next start), closes the pool.
    pub async fn shutdown(self) {
        // Asking is synchronous; then wait for the dispatcher task itself to end. (Awaiting the
        // token's future instead can miss its wake-up when the dispatcher stops very quickly.)
        loop {
            match self.shutdown.shutdown() {
                Ok(_) => break,
                // The dispatcher has not started yet, or has already stopped.
                Err(_) if self.dispatcher.is_finished() => break,
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
        let _ = self.dispatcher.await;
        let _ = self.stop.send(true);
        for task in self.background {
            let _ = task.await;
        }
        db::close(&self.pool).await;
    }
}

/// Runs until SIGTERM or Ctrl-C, then stops in order.
pub async fn run(config: Config) -> Result<(), AppError> {
    let running = start(config, Clock::system()).await?;
    wait_for_signal().await;
    tracing::info!("stopping: finishing the updates in flight");
    running.shutdown().await;
    tracing::info!("stopped");
    Ok(())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Starts the bot; `clock` is the system clock except in tests.
pub async fn start(config: Config, clock: Clock) -> Result<Running, AppError> {
    let redactor = Redactor::new(&config.token);
    let pool = db::connect_and_migrate(&config.database_url).await?;
    // What another process (or an earlier start in this one) cached may be out of date.
    db::cache(&pool).clear();
    let regions = db::regions::load(&pool).await.map_err(AppError::Regions)?;
    let i18n = Arc::new(I18n::load()?);

    let mut bot = Bot::new(&config.token);
    if let Some(url) = &config.api_url {
        bot = bot.set_api_url(url.clone());
    }
    let me = get_me(&bot, &redactor).await?;
    let bot_username = me.username.clone().unwrap_or_default();
    set_command_menu(&bot, &i18n, &redactor).await;

    let doorbell = Doorbell::default();
    let handled_before_start = db::updates::newest(&pool)
        .await
        .map_err(AppError::Updates)?;
    let ctx = Ctx::new(Shared {
        bot: bot.clone(),
        pool: pool.clone(),
        i18n,
        regions: Arc::new(regions),
        config: Arc::new(config.clone()),
        doorbell: doorbell.clone(),
        jobs_bell: Doorbell::default(),
        bot_username: bot_username.as_str().into(),
        clock,
        handled_before_start,
        input_limiter: Arc::new(crate::bot::limits::InputLimiter::new(
            config.messages_per_minute,
        )),
        claim_turns: Arc::default(),
        escalation_bell: Doorbell::default(),
    });

    let (stop, stop_rx) = watch::channel(false);
    let sender = Sender {
        bot: bot.clone(),
        pool: pool.clone(),
        doorbell,
        limits: config.send_limits.clone(),
        redactor: redactor.clone(),
        unreachable_bell: ctx.escalation_bell.clone(),
    };
    let background = vec![
        tokio::spawn(sender.run(stop_rx.clone())),
        tokio::spawn(crate::jobs::auto_close::run(ctx.clone(), stop_rx.clone())),
        tokio::spawn(crate::jobs::checkpoint::run(ctx.clone(), stop_rx.clone())),
        tokio::spawn(crate::jobs::digest::run(ctx.clone(), stop_rx.clone())),
        tokio::spawn(crate::jobs::escalation::run(ctx.clone(), stop_rx.clone())),
        tokio::spawn(crate::jobs::held_pushes::run(ctx.clone(), stop_rx.clone())),
        tokio::spawn(crate::jobs::recurring::run(ctx.clone(), stop_rx.clone())),
        tokio::spawn(crate::jobs::retention::run(ctx.clone(), stop_rx)),
    ];

    let listener_bot = bot.clone();
    let listener_redactor = redactor.clone();
    let storage = DialogueStorage::new(pool.clone());
    let mut dispatcher = Dispatcher::builder(bot, bot::schema())
        .dependencies(dptree::deps![ctx, storage])
        .default_handler(|_| async {})
        .error_handler(Arc::new(RedactingErrorHandler(redactor)))
        .build();
    let shutdown = dispatcher.shutdown_token();
    // The kinds of update asked of Telegram come from the handler tree (see `bot::schema`);
    // polling errors are logged without the token.
    let listener = teloxide::update_listeners::Polling::builder(listener_bot)
        .timeout(Duration::from_secs(10))
        .delete_webhook()
        .await
        .build();
    let listener_errors = Arc::new(RedactingErrorHandler(listener_redactor));
    let dispatcher = tokio::spawn(async move {
        dispatcher
            .dispatch_with_listener(listener, listener_errors)
            .await
    });
    tracing::info!(bot = bot_username, "mutual-aid-bot is up");
    Ok(Running {
        shutdown,
        dispatcher,
        stop,
        background,
        pool,
    })
}

async fn get_me(bot: &Bot, redactor: &Redactor) -> Result<teloxide::types::Me, AppError> {
    let mut delay = Duration::from_millis(500);
    let mut attempt = 1;
    loop {
        match bot.get_me().await {
            Ok(me) => return Ok(me),
            Err(e @ teloxide::RequestError::Api(_)) => {
                return Err(AppError::Telegram(redactor.clean(e)));
            }
            Err(e) if attempt >= 5 => return Err(AppError::Telegram(redactor.clean(e))),
            Err(e) => {
                tracing::warn!(attempt, error = %redactor.clean(e), "getMe failed, retrying");
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
        }
    }
}

/// Telegram's command menu in each language; English for everyone else.
async fn set_command_menu(bot: &Bot, i18n: &I18n, redactor: &Redactor) {
    let commands = |lang: Lang| -> Vec<BotCommand> {
        Command::MENU
            .iter()
            .map(|(name, key)| BotCommand::new(*name, i18n.t(lang, key)))
            .collect()
    };
    let ru = bot
        .set_my_commands(commands(Lang::Ru))
        .language_code("ru")
        .await;
    let en = bot.set_my_commands(commands(Lang::En)).await;
    for result in [ru, en] {
        if let Err(e) = result {
            tracing::warn!(error = %redactor.clean(e), "could not set the command menu");
        }
    }
}
