//! `TestApp`: the real bot, in-process, against a [`FakeTelegram`] and a fresh SQLite file.

use std::time::Duration;

use mutual_aid_bot::clock::Clock;
use mutual_aid_bot::config::Config;
use serde_json::Value;
use sqlx::SqlitePool;
use tempfile::TempDir;

use super::{FakeTelegram, TOKEN, TestGroup, TestUser};

pub struct TestApp {
    pub fake: FakeTelegram,
    /// A pool of the test's own on the bot's database, for assertions and seeding.
    pub db: SqlitePool,
    /// The configuration the bot was started with.
    pub config: Config,
    pub database_url: String,
    /// The bot's clock: it stands still until a test moves it (`app.clock.advance(…)`).
    pub clock: Clock,
    running: Option<mutual_aid_bot::app::Running>,
    // Last, so the database file outlives everything above.
    dir: TempDir,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the bot with a test configuration, adjusted by `configure` before start.
    pub async fn spawn_with(configure: impl FnOnce(&mut Config)) -> TestApp {
        Self::spawn_at(chrono::Utc::now(), configure).await
    }

    /// Like `spawn_with`, with the bot's clock standing at `start` from the first moment (a test
    /// that sets the clock after start races the background jobs' first look at the time).
    pub async fn spawn_at(
        start: chrono::DateTime<chrono::Utc>,
        configure: impl FnOnce(&mut Config),
    ) -> TestApp {
        init_tracing();
        let fake = FakeTelegram::start().await;
        let dir = tempfile::tempdir().expect("temp dir for the test database");
        let database_url = format!("sqlite://{}/test.db", dir.path().display());
        let api_url = fake.url().to_string();
        let mut config = Config::from_lookup(|k| match k {
            "TELOXIDE_TOKEN" => Some(TOKEN.into()),
            "TELOXIDE_API_URL" => Some(api_url.clone()),
            "DATABASE_URL" => Some(database_url.clone()),
            _ => None,
        })
        .expect("test configuration is valid");
        // Tests must not wait on Telegram's real pacing; a test about pacing sets its own.
        config.send_limits.per_chat_gap = Duration::from_millis(0);
        config.send_limits.per_second = 1000;
        config.send_limits.group_per_minute = 60_000;
        // Simulated people type much faster than people do; the limit has its own test.
        config.messages_per_minute = 100_000;
        // Most tests are not about vetting: volunteers start approved unless a test says otherwise.
        config.require_volunteer_approval = false;
        // The clock starts at the real time of day: quiet hours would hold pushes in tests run at
        // night. Tests about quiet hours set them.
        config.quiet_hours = None;
        configure(&mut config);
        let clock = Clock::manual(start);

        let running = mutual_aid_bot::app::start(config.clone(), clock.clone())
            .await
            .expect("bot starts");
        let db = mutual_aid_bot::db::connect(&database_url)
            .await
            .expect("test opens the bot's database");
        TestApp {
            fake,
            db,
            config,
            database_url,
            clock,
            running: Some(running),
            dir,
        }
    }

    /// Shuts the bot down (draining what it has in flight) and closes the test's pool.
    pub async fn stop(mut self) {
        if let Some(running) = self.running.take() {
            running.shutdown().await;
        }
        self.db.close().await;
    }

    /// Stops the bot and starts it again on the same fake Telegram and database (a redeploy:
    /// updates the bot had not confirmed are delivered again).
    pub async fn restart(&mut self) {
        if let Some(running) = self.running.take() {
            running.shutdown().await;
        }
        let running = mutual_aid_bot::app::start(self.config.clone(), self.clock.clone())
            .await
            .expect("bot restarts");
        self.running = Some(running);
    }

    /// A person in a private chat with the bot (chat id = user id).
    pub fn user(&self, id: i64, first_name: &str, language_code: &str) -> TestUser {
        TestUser::new(&self.fake, id, first_name, language_code)
    }

    /// A group chat (negative id) the bot is in.
    pub fn group(&self, chat_id: i64, title: &str) -> TestGroup {
        TestGroup::new(&self.fake, chat_id, title)
    }

    /// Queues any update JSON as it is (an `update_id` is added if missing). Returns its id.
    pub fn push_raw(&self, update: Value) -> i64 {
        self.fake.push_update(update)
    }

    /// Where the test database lives.
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Not stopped (the test panicked, or forgot): leak the bot rather than risk blocking here.
        // Its tasks end with the test's runtime.
        if let Some(running) = self.running.take() {
            std::mem::forget(running);
        }
    }
}

/// Bot logs go to the test's captured output when RUST_LOG is set (e.g. RUST_LOG=mutual_aid_bot=debug).
fn init_tracing() {
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
    }
}
