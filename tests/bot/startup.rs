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
    // Logs go to a file: at trace level they outgrow a pipe's buffer long before anyone reads it.
    let log_path = dir.path().join("bot.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut child = Command::new(BIN)
        .current_dir(dir.path())
        .env_clear()
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", fake.url().as_str())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/bot.db", dir.path().display()),
        )
        .env("RUST_LOG", "trace")
        .stdout(log.try_clone().unwrap())
        .stderr(log)
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
    let status = tokio::time::timeout(
        Duration::from_secs(15),
        tokio::task::spawn_blocking(move || child.wait()),
    )
    .await
    .expect("the bot stops within 15 s")
    .unwrap()
    .unwrap();
    let logs = String::from_utf8_lossy(&std::fs::read(&log_path).unwrap()).into_owned();
    assert!(status.success(), "exit status {status:?}; logs:\n{logs}");
    assert!(logs.contains("stopped"), "{logs}");
    assert!(
        !logs.contains(TOKEN) && !logs.contains("TEST-TOKEN"),
        "the token is in the logs"
    );
    assert!(std::path::Path::new(&format!("{}/bot.db", dir.path().display())).exists());
}

/// The bot as a separate process on `db` against `fake`, with fast sending (the fake has no limits).
fn spawn_bot(fake: &FakeTelegram, db: &std::path::Path) -> std::process::Child {
    Command::new(BIN)
        .current_dir(db.parent().unwrap())
        .env_clear()
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", fake.url().as_str())
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("REQUIRE_VOLUNTEER_APPROVAL", "false")
        .env("MESSAGES_PER_MINUTE", "100000")
        .env("SEND_PER_SECOND", "1000")
        .env("SEND_CHAT_GAP", "0s")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the bot starts")
}

/// The answers of the request dialogue, in order (English), and the question each one leads to.
const DIALOGUE: [(&str, &str); 11] = [
    ("🆘 I need help", "Who needs help?"),
    ("🙋 Me", "describes"),
    ("👵 Elderly person", "Which region?"),
    ("pskov", "What kind of help"),
    ("🛒 Groceries", "What exactly"),
    ("Bread and milk", "Which town"),
    ("Pskov", "Street"),
    ("Lenina 5", "When is help needed?"),
    ("Today", "A phone number"),
    ("⏭ Skip", "Please check your request"),
    ("✅ Send the request", "Request #"),
];

#[tokio::test]
async fn after_sigkill_mid_dialogues_every_request_exists_once_and_every_dialogue_continues() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("bot.db");
    let mut first = spawn_bot(&fake, &db_path);
    let people: Vec<TestUser> = (0..6)
        .map(|i| TestUser::new(&fake, 100 + i, &format!("P{i}"), "en"))
        .collect();
    // Each person gets a different number of answers in before the crash; the last one sent is
    // not waited for, so the crash may come before, during or after its handling.
    let before_crash = [11, 11, 3, 5, 8, 10];
    for (p, n) in people.iter().zip(before_crash) {
        for (answer, question) in &DIALOGUE[..n - 1] {
            p.send_text(answer).await;
            p.expect_text(question).await;
        }
    }
    for (p, n) in people.iter().zip(before_crash) {
        p.send_text(DIALOGUE[n - 1].0).await;
    }
    Command::new("kill")
        .args(["-KILL", &first.id().to_string()])
        .status()
        .unwrap();
    first.wait().unwrap();

    let mut second = spawn_bot(&fake, &db_path);
    for (p, n) in people.iter().zip(before_crash) {
        // The reply to the last answer before the crash comes (again, or for the first time)...
        p.expect_text(DIALOGUE[n - 1].1).await;
        // ...and the dialogue goes on from there to the end.
        for (answer, question) in &DIALOGUE[n..] {
            p.send_text(answer).await;
            p.expect_text(question).await;
        }
    }
    let pool = mutual_aid_bot::db::connect(&format!("sqlite://{}", db_path.display()))
        .await
        .unwrap();
    let per_person: Vec<(i64, i64)> =
        sqlx::query_as("SELECT requester_id, COUNT(*) FROM help_requests GROUP BY requester_id ORDER BY requester_id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        per_person,
        (100..106).map(|id| (id, 1)).collect::<Vec<_>>(),
        "one request per person"
    );
    let created: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM request_events WHERE kind = 'created'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(created, 6);
    pool.close().await;
    Command::new("kill")
        .args(["-TERM", &second.id().to_string()])
        .status()
        .unwrap();
    // Wait off the runtime: the fake Bot API runs on this test's thread and must keep answering.
    let status = tokio::task::spawn_blocking(move || second.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn backup_copies_the_live_database_while_the_bot_runs() {
    let app = crate::support::TestApp::spawn().await;
    let maria = app.user(101, "Maria", "en");
    crate::steps::ask_for_help(&maria, &crate::steps::Ask::default()).await;
    let target = app.dir().join("backup.db");
    let out = Command::new(BIN)
        .env_clear()
        .env("DATABASE_URL", &app.database_url)
        .args(["backup", &target.display().to_string()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copy = mutual_aid_bot::db::connect(&format!("sqlite://{}", target.display()))
        .await
        .unwrap();
    let requests: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM help_requests")
        .fetch_one(&copy)
        .await
        .unwrap();
    assert_eq!(requests, 1);
    copy.close().await;
    // A second backup never overwrites the first.
    let again = Command::new(BIN)
        .env_clear()
        .env("DATABASE_URL", &app.database_url)
        .args(["backup", &target.display().to_string()])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    app.stop().await;
}
