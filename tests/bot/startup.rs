//! The binary itself: settings checked at start, a clean stop on SIGTERM, no token in any log line.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{FakeTelegram, TOKEN, TestUser};

const BIN: &str = env!("CARGO_BIN_EXE_mutual-aid-bot");

/// Runs the binary in an empty folder (no .env) with exactly these settings.
fn run_with(vars: &[(&str, &str)]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(BIN)
        .current_dir(dir.path())
        .env_clear()
        .envs(vars.iter().copied())
        .output()
        .expect("the binary runs")
}

#[test]
fn a_missing_or_malformed_setting_stops_the_bot_with_one_line_naming_it() {
    let out = run_with(&[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains("TELOXIDE_TOKEN is not set"), "{err}");

    let out = run_with(&[
        ("TELOXIDE_TOKEN", TOKEN),
        ("REQUIRE_VOLUNTEER_APPROVAL", "maybe"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(
        err.contains("REQUIRE_VOLUNTEER_APPROVAL") && !err.contains("panicked"),
        "{err}"
    );
    assert!(!err.contains("TEST-TOKEN"));
}

#[tokio::test]
async fn sigterm_finishes_in_flight_work_and_exits_zero_and_no_log_line_has_the_token() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let child = Command::new(BIN)
        .current_dir(dir.path())
        .env_clear()
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", fake.url().as_str())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/bot.db", dir.path().display()),
        )
        .env("RUST_LOG", "trace")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let maria = TestUser::new(&fake, 101, "Maria", "en");
    maria.send_text("/start").await;
    maria.expect_text("Hello, Maria!").await;

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let out = tokio::time::timeout(
        Duration::from_secs(15),
        tokio::task::spawn_blocking(move || child.wait_with_output()),
    )
    .await
    .expect("the bot stops within 15 s")
    .unwrap()
    .unwrap();
    let logs = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "exit status {:?}; logs:\n{logs}",
        out.status
    );
    assert!(logs.contains("stopped"), "{logs}");
    assert!(
        !logs.contains(TOKEN) && !logs.contains("TEST-TOKEN"),
        "the token is in the logs"
    );
    assert!(std::path::Path::new(&format!("{}/bot.db", dir.path().display())).exists());
}
