//! The club leads' daily digest: at 09:00 in each region's own time, once, also across restarts
//! and after the bot was down; numbers that match what happened; a chart on Mondays; /digest.

use std::time::Duration;

use chrono::{DateTime, Utc};
use mutual_aid_bot::clock::Clock;
use mutual_aid_bot::config::Config;
use serde_json::Value;
use sqlx::SqlitePool;

use crate::steps::*;
use crate::support::{FakeTelegram, SentMessage, TOKEN, TestApp, TestUser};

const KALININGRAD: i64 = 39; // Europe/Kaliningrad, UTC+2
const KAMCHATKA: i64 = 41; // Asia/Kamchatka, UTC+12
const QUIET: Duration = Duration::from_millis(400);

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("{s}: {e}"))
        .with_timezone(&Utc)
}

fn ms(s: &str) -> i64 {
    at(s).timestamp_millis()
}

/// A club lead appointed at `appointed_at` (ms), written straight into the database.
async fn appoint_in(
    db: &SqlitePool,
    id: i64,
    name: &str,
    lang: &str,
    region: i64,
    appointed_at: i64,
) {
    sqlx::query(
        "INSERT OR IGNORE INTO users (id, first_name, tg_language, created_at) VALUES (?, ?, ?, 0)",
    )
    .bind(id)
    .bind(name)
    .bind(lang)
    .execute(db)
    .await
    .unwrap();
    sqlx::query("INSERT INTO leads (user_id, region_id, appointed_at) VALUES (?, ?, ?)")
        .bind(id)
        .bind(region)
        .bind(appointed_at)
        .execute(db)
        .await
        .unwrap();
}

/// A club lead appointed now (by the bot's clock): nothing is owed to them from before.
async fn appoint(app: &TestApp, id: i64, name: &str, lang: &str, region: i64) -> TestUser {
    appoint_in(&app.db, id, name, lang, region, app.clock.now_ms()).await;
    app.user(id, name, lang)
}

/// A request written straight into the database with its `created` event.
#[allow(clippy::too_many_arguments)]
async fn seed_request(
    db: &SqlitePool,
    requester: i64,
    region: i64,
    category: &str,
    settlement: &str,
    status: &str,
    created_at: i64,
    claimed_by: Option<i64>,
    claimed_at: Option<i64>,
) -> i64 {
    sqlx::query(
        "INSERT OR IGNORE INTO users (id, first_name, created_at) VALUES (?, 'Requester', 0)",
    )
    .bind(requester)
    .execute(db)
    .await
    .unwrap();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO help_requests (requester_id, for_whom, beneficiary, region_id, category, settlement,
             details, urgency, needed_on, status, claimed_by, created_at, updated_at, opened_at, claimed_at)
         VALUES (?1, 'self', 'elderly', ?2, ?3, ?4, 'Seeded', 'soon', '2026-01-01', ?5, ?6, ?7, ?7, ?7, ?8)
         RETURNING id",
    )
    .bind(requester)
    .bind(region)
    .bind(category)
    .bind(settlement)
    .bind(status)
    .bind(claimed_by)
    .bind(created_at)
    .bind(claimed_at)
    .fetch_one(db)
    .await
    .unwrap();
    seed_event(db, id, Some(requester), "created", created_at).await;
    id
}

async fn seed_event(db: &SqlitePool, request: i64, actor: Option<i64>, kind: &str, at: i64) {
    sqlx::query("INSERT INTO request_events (request_id, actor_id, kind, at) VALUES (?, ?, ?, ?)")
        .bind(request)
        .bind(actor)
        .bind(kind)
        .bind(at)
        .execute(db)
        .await
        .unwrap();
}

async fn seed_pending_volunteer(db: &SqlitePool, id: i64, region: i64) {
    sqlx::query("INSERT INTO users (id, first_name, created_at) VALUES (?, 'Pending', 0)")
        .bind(id)
        .execute(db)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO volunteers (user_id, display_name, status, created_at) VALUES (?, 'Pending', 'pending', 0)",
    )
    .bind(id)
    .execute(db)
    .await
    .unwrap();
    sqlx::query("INSERT INTO volunteer_regions (user_id, region_id) VALUES (?, ?)")
        .bind(id)
        .bind(region)
        .execute(db)
        .await
        .unwrap();
}

async fn runs(db: &SqlitePool) -> Vec<(i64, i64, String)> {
    sqlx::query_as("SELECT lead_id, region_id, period FROM digest_runs ORDER BY sent_at, lead_id")
        .fetch_all(db)
        .await
        .unwrap()
}

/// Every digest this person got so far (other jobs may write to leads too: alerts are not counted).
fn digests_of(user: &TestUser) -> Vec<SentMessage> {
    user.all_messages()
        .into_iter()
        .filter(|m| m.text.contains("Daily summary") || m.text.contains("Сводка за сутки"))
        .collect()
}

/// After a quiet moment, this person has got exactly `n` digests in all.
async fn expect_digests(user: &TestUser, n: usize) {
    tokio::time::sleep(QUIET).await;
    let got = digests_of(user);
    assert_eq!(
        got.len(),
        n,
        "{} digests for user {}:\n{}",
        got.len(),
        user.id,
        got.iter()
            .map(SentMessage::describe)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

fn assert_has(m: &SentMessage, needles: &[&str]) {
    for n in needles {
        assert!(m.text.contains(n), "no {n:?} in the digest:\n{}", m.text);
    }
}

#[tokio::test]
async fn each_lead_gets_the_digest_at_nine_in_their_regions_time_once() {
    let mut app = TestApp::spawn_at(at("2026-03-09T20:00:00Z"), |_| {}).await;
    // Tuesday 10.03.2026, 20:00 UTC: 22:00 on the 9th in Kaliningrad, 08:00 on the 10th in Kamchatka.
    app.clock.set(at("2026-03-09T20:00:00Z"));
    let kira = appoint(&app, 801, "Kira", "en", KALININGRAD).await;
    let kamil = appoint(&app, 802, "Kamil", "en", KAMCHATKA).await;

    // Appointed after the latest 09:00 of both regions: nothing is owed.
    app.clock.set(at("2026-03-09T20:59:00Z"));
    kira.no_more_messages(QUIET).await;
    kamil.no_more_messages(QUIET).await;

    // 09:00:30 in Kamchatka.
    app.clock.set(at("2026-03-09T21:00:30Z"));
    let digest = kamil.expect_text("Daily summary").await;
    assert_has(
        &digest,
        &["Kamchatka Krai", "The 24 hours up to 10.03.2026 09:00"],
    );
    kira.no_more_messages(QUIET).await;
    kamil.no_more_messages(QUIET).await;

    // A redeploy in between sends nothing twice.
    app.restart().await;
    app.clock.advance(chrono::Duration::minutes(30));
    kamil.no_more_messages(QUIET).await;
    kira.no_more_messages(Duration::ZERO).await;

    // 09:00:30 in Kaliningrad.
    app.clock.set(at("2026-03-10T06:59:00Z"));
    kira.no_more_messages(QUIET).await;
    app.clock.set(at("2026-03-10T07:00:30Z"));
    let digest = kira.expect_text("Daily summary").await;
    assert_has(
        &digest,
        &["Kaliningrad Oblast", "The 24 hours up to 10.03.2026 09:00"],
    );

    // Later the same day, and after another restart: nothing more.
    app.clock.set(at("2026-03-10T11:00:00Z"));
    app.restart().await;
    app.clock.set(at("2026-03-10T20:30:00Z"));
    kira.no_more_messages(QUIET).await;
    kamil.no_more_messages(Duration::ZERO).await;
    assert_eq!(
        runs(&app.db).await,
        [
            (802, KAMCHATKA, "2026-03-10".to_owned()),
            (801, KALININGRAD, "2026-03-10".to_owned())
        ]
    );
    // Not a Monday: no chart.
    assert!(app.fake.calls_of("sendphoto").is_empty());

    // The next morning in Kamchatka comes the next one.
    app.clock.set(at("2026-03-10T21:00:30Z"));
    let digest = kamil.expect_text("Daily summary").await;
    assert_has(&digest, &["The 24 hours up to 11.03.2026 09:00"]);
    kira.no_more_messages(QUIET).await;
    app.stop().await;
}

/// The bot, stopped and started by hand, so the clock can move while it is down.
struct Bot {
    fake: FakeTelegram,
    config: Config,
    clock: Clock,
    db: SqlitePool,
    running: Option<mutual_aid_bot::app::Running>,
    _dir: tempfile::TempDir,
}

impl Bot {
    async fn start(now: DateTime<Utc>) -> Bot {
        let fake = FakeTelegram::start().await;
        let dir = tempfile::tempdir().unwrap();
        let database_url = format!("sqlite://{}/test.db", dir.path().display());
        let api_url = fake.url().to_string();
        let mut config = Config::from_lookup(|k| match k {
            "TELOXIDE_TOKEN" => Some(TOKEN.into()),
            "TELOXIDE_API_URL" => Some(api_url.clone()),
            "DATABASE_URL" => Some(database_url.clone()),
            _ => None,
        })
        .unwrap();
        config.send_limits.per_chat_gap = Duration::ZERO;
        config.send_limits.per_second = 1000;
        let clock = Clock::manual(now);
        let running = mutual_aid_bot::app::start(config.clone(), clock.clone())
            .await
            .unwrap();
        let db = mutual_aid_bot::db::connect(&database_url).await.unwrap();
        Bot {
            fake,
            config,
            clock,
            db,
            running: Some(running),
            _dir: dir,
        }
    }

    async fn down(&mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
    }

    async fn up(&mut self) {
        assert!(self.running.is_none());
        let running = mutual_aid_bot::app::start(self.config.clone(), self.clock.clone())
            .await
            .unwrap();
        self.running = Some(running);
    }
}

#[tokio::test]
async fn a_bot_down_at_nine_sends_the_missed_digest_once_when_back_and_no_backlog() {
    let mut bot = Bot::start(at("2026-03-09T20:00:00Z")).await;
    appoint_in(&bot.db, 802, "Kamil", "en", KAMCHATKA, bot.clock.now_ms()).await;
    let kamil = TestUser::new(&bot.fake, 802, "Kamil", "en");

    // Down over 09:00 in Kamchatka (21:00 UTC); back at 09:40 local.
    bot.down().await;
    bot.clock.set(at("2026-03-09T21:40:00Z"));
    bot.up().await;
    let digest = kamil.expect_text("Daily summary").await;
    assert_has(&digest, &["The 24 hours up to 10.03.2026 09:00"]);
    kamil.no_more_messages(QUIET).await;

    // Another restart the same day: nothing again.
    bot.down().await;
    bot.clock.set(at("2026-03-10T03:00:00Z"));
    bot.up().await;
    kamil.no_more_messages(QUIET).await;

    // Down for three mornings: only the latest one comes.
    bot.down().await;
    bot.clock.set(at("2026-03-12T22:00:00Z"));
    bot.up().await;
    let digest = kamil.expect_text("Daily summary").await;
    assert_has(&digest, &["The 24 hours up to 13.03.2026 09:00"]);
    kamil.no_more_messages(QUIET).await;
    assert_eq!(
        runs(&bot.db).await,
        [
            (802, KAMCHATKA, "2026-03-10".to_owned()),
            (802, KAMCHATKA, "2026-03-13".to_owned())
        ]
    );
    bot.down().await;
    bot.db.close().await;
}

#[tokio::test]
async fn the_digest_counts_what_happened_in_the_region() {
    let app = TestApp::spawn_at(at("2026-03-10T08:00:00Z"), |_| {}).await;
    // Tuesday 10.03.2026, 10:00 in Kaliningrad.
    let lena = appoint(&app, 801, "Lena", "en", KALININGRAD).await;

    // Before the digest's 24 hours: one request waiting for four days, one held for three.
    let waiting = seed_request(
        &app.db,
        150,
        KALININGRAD,
        "medicine",
        "Svetlogorsk & <b>Co</b>",
        "open",
        ms("2026-03-07T07:00:00Z"),
        None,
        None,
    )
    .await;
    let boris = seed_volunteer(&app, 702, "Boris", "en", KALININGRAD, &["transport"]).await;
    let held = seed_request(
        &app.db,
        150,
        KALININGRAD,
        "transport",
        "Baltiysk",
        "claimed",
        ms("2026-03-06T07:00:00Z"),
        Some(boris.id),
        Some(ms("2026-03-08T07:00:00Z")),
    )
    .await;
    seed_event(
        &app.db,
        held,
        Some(boris.id),
        "claimed",
        ms("2026-03-08T07:00:00Z"),
    )
    .await;
    let old_closed = seed_request(
        &app.db,
        150,
        KALININGRAD,
        "talk",
        "Sovetsk",
        "closed",
        ms("2026-02-01T07:00:00Z"),
        None,
        None,
    )
    .await;
    seed_event(
        &app.db,
        old_closed,
        None,
        "closed",
        ms("2026-02-03T07:00:00Z"),
    )
    .await;
    // Another region's activity inside the 24 hours does not count.
    let elsewhere = seed_request(
        &app.db,
        151,
        PSKOV,
        "groceries",
        "Pskov",
        "cancelled",
        ms("2026-03-10T08:00:00Z"),
        None,
        None,
    )
    .await;
    seed_event(
        &app.db,
        elsewhere,
        Some(151),
        "cancelled",
        ms("2026-03-10T09:00:00Z"),
    )
    .await;
    seed_pending_volunteer(&app.db, 901, KALININGRAD).await;
    seed_pending_volunteer(&app.db, 902, KALININGRAD).await;
    seed_pending_volunteer(&app.db, 903, PSKOV).await;

    // Inside the 24 hours, through the bot: three requests; two taken, one of them done and
    // confirmed; the third cancelled.
    let anna = seed_volunteer(&app, 701, "Anna", "en", KALININGRAD, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let ask = Ask {
        region: "Kaliningrad",
        settlement: "Zelenogradsk",
        ..Ask::default()
    };
    let a = ask_for_help(&maria, &ask).await;
    let b = ask_for_help(&maria, &ask).await;
    let c = ask_for_help(&maria, &ask).await;
    let push_a = expect_push(&anna, a).await;
    let push_b = expect_push(&anna, b).await;
    let details_a = take(&anna, &push_a, a).await;
    take(&anna, &push_b, b).await;
    anna.press(&details_a, &format!("d:{a}")).await;
    anna.expect_text("We asked the person to confirm").await;
    let confirm = maria
        .expect_text(&format!("The volunteer says request #{a} is done"))
        .await;
    maria.press(&confirm, &format!("y:{a}")).await;
    maria
        .expect_text(&format!("Thank you! Request #{a} is closed"))
        .await;
    maria.send_text("/my").await;
    let list = maria.expect_text("Your requests").await;
    maria.press(&list, &format!("x:{c}")).await;
    let sure = maria.expect_text(&format!("Cancel request #{c}?")).await;
    maria.press(&sure, &format!("xc:{c}")).await;
    maria
        .expect_text(&format!("Request #{c} is cancelled"))
        .await;
    assert_eq!(status_of(&app, b).await.0, "claimed");
    // The lead gave an older request to Anna: taken in the 24 hours, the lead is its claim's actor
    // and not a volunteer.
    let assigned = seed_request(
        &app.db,
        150,
        KALININGRAD,
        "groceries",
        "Chernyakhovsk",
        "claimed",
        ms("2026-03-05T07:00:00Z"),
        Some(anna.id),
        Some(ms("2026-03-10T12:00:00Z")),
    )
    .await;
    seed_event(
        &app.db,
        assigned,
        Some(lena.id),
        "claimed",
        ms("2026-03-10T12:00:00Z"),
    )
    .await;

    // Wednesday 11.03, 09:00:30 in Kaliningrad.
    // (Tuesday's came when the clock passed it; Wednesday's is the one that counts here.)
    app.clock.set(at("2026-03-11T07:00:30Z"));
    let digest = lena
        .expect_text("The 24 hours up to 11.03.2026 09:00")
        .await;
    assert_has(
        &digest,
        &[
            "Daily summary · Kaliningrad Oblast",
            "The 24 hours up to 11.03.2026 09:00",
            "New requests: 3",
            "Taken by volunteers: 3",
            "Marked done by volunteers: 1",
            "Closed: 1",
            "Cancelled: 1",
            "Volunteers who took or finished requests: 1",
            "Waiting for a volunteer for over 24 hours: 1",
            &format!("#{waiting} · 💊 Medicine · Svetlogorsk & <b>Co</b> · waiting 4 days"),
            "Taken but not done for over 48 hours: 1",
            &format!("#{held} · 🚗 Transport or escort · Baltiysk · Boris, for 3 days"),
            "Volunteers waiting for your approval: 2",
            "Open: 1 · 🤝 Taken: 3 · ✅ Done, not yet confirmed: 0",
            "Closed: 2 · ✖️ Cancelled: 1 · All requests: 7",
        ],
    );
    // The new requests are not "waiting over 24 hours" (23 hours old), the assigned one is held for
    // 19 hours only, and user text is escaped.
    for id in [a, b, c, assigned] {
        assert!(!digest.text.contains(&format!("#{id} ")), "{}", digest.text);
    }
    assert!(
        digest
            .html
            .contains("Svetlogorsk &amp; &lt;b&gt;Co&lt;/b&gt;")
    );
    assert!(!digest.html.contains("<b>Co"));
    app.stop().await;
}

/// The uploaded file of a sendPhoto call: (file name, size).
fn uploaded_photo(params: &Value) -> (String, u64, Vec<u8>) {
    use base64::Engine;
    let mut file = &params["photo"];
    if let Some(part) = file.as_str().and_then(|s| s.strip_prefix("attach://")) {
        file = &params[part];
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(file["base64"].as_str().unwrap_or_default())
        .unwrap_or_default();
    (
        file["file_name"].as_str().unwrap_or_default().to_owned(),
        file["size"].as_u64().unwrap_or(0),
        bytes,
    )
}

/// Three requests of Kaliningrad in the four weeks before Monday 09.03.2026: one closed, one
/// cancelled, one still open.
async fn seed_four_weeks(app: &TestApp) {
    for (day, status) in [
        ("2026-02-09T10:00:00Z", "closed"),
        ("2026-02-20T10:00:00Z", "cancelled"),
        ("2026-03-07T10:00:00Z", "open"),
    ] {
        let id = seed_request(
            &app.db,
            150,
            KALININGRAD,
            "groceries",
            "Gusev",
            status,
            ms(day),
            None,
            None,
        )
        .await;
        if status != "open" {
            seed_event(&app.db, id, None, status, ms(day) + 3_600_000).await;
        }
    }
}

#[tokio::test]
async fn the_monday_digest_carries_a_chart_of_four_weeks() {
    let app = TestApp::spawn_at(at("2026-03-08T12:00:00Z"), |_| {}).await;
    // Sunday 08.03.2026, 14:00 in Kaliningrad.
    let olga = appoint(&app, 801, "Olga", "ru", KALININGRAD).await;
    seed_four_weeks(&app).await;

    // Monday 09.03, 09:00:30 in Kaliningrad.
    app.clock.set(at("2026-03-09T07:00:30Z"));
    // The region's alerts (a request nobody takes) may come too; the chart follows the text.
    let text = olga.expect_text("Сводка за сутки").await;
    assert_eq!(text.method, "sendmessage");
    assert_has(&text, &["Сводка за сутки · Калининградская область"]);
    let photo = loop {
        let m = olga.next_message().await;
        if m.method == "sendphoto" {
            break m;
        }
    };
    assert!(
        photo.text.contains("Заявки по дням с 09.02 по 08.03"),
        "{}",
        photo.text
    );
    let calls = app.fake.calls_of("sendphoto");
    assert_eq!(calls.len(), 1);
    let (file_name, size, bytes) = uploaded_photo(&calls[0].params);
    assert!(file_name.ends_with(".png"), "{file_name}");
    assert!(size > 1000 && bytes.len() as u64 == size, "{size} bytes");
    // What reached Telegram is a PNG that decodes, of the chart's size.
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let reader = decoder.read_info().expect("a valid PNG");
    let info = reader.info();
    assert_eq!((info.width, info.height), (900, 500));
    expect_digests(&olga, 1).await;
    assert_eq!(app.fake.calls_of("sendphoto").len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn slash_digest_answers_a_lead_at_once_in_their_language_and_others_get_the_role_text() {
    let app = TestApp::spawn_at(at("2026-03-12T10:00:00Z"), |_| {}).await;
    // Thursday 12.03.2026: no chart.
    let lena = appoint(&app, 801, "Lena", "en", KALININGRAD).await;
    let ivan = appoint(&app, 802, "Иван", "ru", KAMCHATKA).await;
    appoint_in(&app.db, 802, "Иван", "ru", KALININGRAD, app.clock.now_ms()).await;
    let id = seed_request(
        &app.db,
        150,
        KAMCHATKA,
        "household",
        "Елизово",
        "open",
        ms("2026-03-10T10:00:00Z"),
        None,
        None,
    )
    .await;

    lena.send_text("/digest").await;
    let digest = lena.expect_text("Daily summary").await;
    assert_has(
        &digest,
        &[
            "Kaliningrad Oblast",
            "The 24 hours up to 12.03.2026 12:00",
            "New requests: 0",
            "All requests: 0",
        ],
    );
    expect_digests(&lena, 1).await;
    // A first update that leaves the dialogue at its start writes no dialogue.
    let dialogues: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM dialogues WHERE chat_id = ?")
        .bind(lena.id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(dialogues, 0);

    // One digest per region, in Russian, each in its region's time.
    ivan.send_text("/digest").await;
    let first = ivan.expect_text("Сводка за сутки").await;
    let second = ivan.expect_text("Сводка за сутки").await;
    for m in [&first, &second] {
        assert!(!m.text.contains("digest-"), "a raw key: {}", m.text);
        assert_has(m, &["Сводка за сутки", "Новые заявки: 0", "Всего заявок:"]);
    }
    assert_has(
        &first,
        &["Калининградская область", "За 24 часа до 12.03.2026 12:00"],
    );
    assert_has(
        &second,
        &[
            "Камчатский край",
            "За 24 часа до 12.03.2026 22:00",
            "Ждут волонтёра больше 24 часов: 1",
            &format!("№{id} · "),
            "Елизово · ждёт 2 дня",
            "Волонтёров, которые ждут вашего одобрения, нет.",
        ],
    );
    expect_digests(&ivan, 2).await;

    let stranger = app.user(900, "Sasha", "en");
    stranger.send_text("/digest").await;
    stranger.expect_text("This is for club leads").await;
    let pyotr = app.user(901, "Пётр", "ru");
    pyotr.send_text("/digest").await;
    pyotr
        .expect_text("Это раздел для координаторов клубов")
        .await;

    // On demand is not the morning digest: nothing recorded.
    assert!(runs(&app.db).await.is_empty());
    app.stop().await;
}

/// The photo calls to one chat so far.
fn photos_to(app: &TestApp, chat: i64) -> Vec<crate::support::Call> {
    app.fake
        .calls_of("sendphoto")
        .into_iter()
        .filter(|c| c.chat_id() == Some(chat))
        .collect()
}

#[tokio::test]
async fn slash_digest_is_text_at_once_any_day_and_its_button_draws_four_weeks_for_leads_only() {
    // Monday 09.03.2026, 10:00 in Kaliningrad: on demand, still the text alone.
    let app = TestApp::spawn_at(at("2026-03-09T08:00:00Z"), |_| {}).await;
    let lena = appoint(&app, 801, "Lena", "en", KALININGRAD).await;
    let ivan = appoint(&app, 802, "Иван", "ru", KAMCHATKA).await;
    seed_four_weeks(&app).await;

    lena.send_text("/digest").await;
    let digest = lena.expect_text("Daily summary").await;
    let data = digest
        .button_data("Requests per day, last four weeks")
        .unwrap_or_else(|| panic!("no chart button: {}", digest.describe()));
    assert_eq!(data, format!("dg:{KALININGRAD}"));
    tokio::time::sleep(QUIET).await;
    assert!(photos_to(&app, lena.id).is_empty(), "no picture unasked");

    // The button: the answer at once, then the chart of the four weeks before today.
    let press = lena.press(&digest, &data).await;
    let answer = lena
        .callback_answer(&press)
        .await
        .expect("the press is answered");
    assert!(answer.params.get("text").is_none(), "{:?}", answer.params);
    let photo = loop {
        let m = lena.next_message().await;
        if m.method == "sendphoto" {
            break m;
        }
    };
    assert!(
        photo.text.contains("Requests per day from 09.02 to 08.03"),
        "{}",
        photo.text
    );
    let calls = photos_to(&app, lena.id);
    assert_eq!(calls.len(), 1);
    let (_, _, bytes) = uploaded_photo(&calls[0].params);
    let reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a valid PNG");
    assert_eq!((reader.info().width, reader.info().height), (900, 500));
    // It went through the outbox, to her chat only, and is recorded as sent.
    let rows: Vec<(i64, bool)> = eventually("the photo recorded as sent", || async {
        let rows: Vec<(i64, bool)> = sqlx::query_as(
            "SELECT chat_id, sent_at IS NOT NULL FROM outbox WHERE kind = 'photo' ORDER BY id",
        )
        .fetch_all(&app.db)
        .await
        .unwrap();
        rows.iter().all(|(_, sent)| *sent).then_some(rows)
    })
    .await;
    assert_eq!(rows, vec![(lena.id, true)]);

    // A lead of another region, a stranger and a broken button: a kind word, no picture.
    let forged = format!("dg:{KALININGRAD}");
    let press = ivan.press(&digest, &forged).await;
    assert!(
        ivan.answer_text(&press)
            .await
            .contains("Вы не координатор этого региона")
    );
    let stranger = app.user(900, "Sasha", "en");
    let press = stranger.press(&digest, &forged).await;
    assert!(
        stranger
            .answer_text(&press)
            .await
            .contains("This is for club leads")
    );
    let press = lena.press(&digest, "dg:abc").await;
    assert!(!lena.answer_text(&press).await.is_empty());
    tokio::time::sleep(QUIET).await;
    assert_eq!(app.fake.calls_of("sendphoto").len(), 1);
    let photos: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'photo'")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(photos, 1);
    app.stop().await;
}

/// A weekly repeat of `source`, written straight into the database; `stopped` if it no longer runs.
async fn seed_repeat(db: &SqlitePool, source: i64, region: i64, stopped: bool) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO repeats (requester_id, source_request_id, for_whom, beneficiary, region_id, category,
             settlement, next_on, next_at, created_at, stopped_at)
         SELECT requester_id, id, 'self', 'elderly', ?2, category, settlement, '2026-03-17', 0, 0, ?3
         FROM help_requests WHERE id = ?1 RETURNING id",
    )
    .bind(source)
    .bind(region)
    .bind(stopped.then_some(1_i64))
    .fetch_one(db)
    .await
    .unwrap()
}

async fn seed_repeat_request(db: &SqlitePool, request: i64, repeat: i64) {
    sqlx::query("INSERT INTO repeat_requests (request_id, repeat_id) VALUES (?, ?)")
        .bind(request)
        .bind(repeat)
        .execute(db)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_digest_shows_volunteers_on_pause_and_weekly_repeats_in_both_languages() {
    // Monday 09.03.2026, 10:00 in Kaliningrad.
    let app = TestApp::spawn_at(at("2026-03-09T08:00:00Z"), |_| {}).await;
    let lena = appoint(&app, 801, "Lena", "en", KALININGRAD).await;
    let ivan = appoint(&app, 802, "Иван", "ru", KALININGRAD).await;
    let vera = seed_volunteer(&app, 701, "Vera <V>", "en", KALININGRAD, &["groceries"]).await;
    let olga = seed_volunteer(&app, 711, "Ольга", "ru", KALININGRAD, &["groceries"]).await;
    seed_volunteer(&app, 702, "Boris", "en", KALININGRAD, &["groceries"]).await;
    let suspended = seed_volunteer(&app, 703, "Sergei", "en", KALININGRAD, &["groceries"]).await;
    let elsewhere = seed_volunteer(&app, 704, "Pavel", "en", PSKOV, &["groceries"]).await;

    // Nothing yet: both lines say so.
    lena.send_text("/digest").await;
    let digest = lena.expect_text("Daily summary").await;
    assert_has(
        &digest,
        &[
            "No volunteer has paused themselves.",
            "No weekly repeats are running.",
        ],
    );
    assert!(
        !digest.text.contains("Paused by a club lead"),
        "{}",
        digest.text
    );

    // Vera pauses herself on Monday, Olga on Tuesday evening; Pavel of another region too.
    vera.send_text("/pause").await;
    vera.expect_text("You are paused").await;
    elsewhere.send_text("/pause").await;
    elsewhere.expect_text("You are paused").await;
    app.clock.set(at("2026-03-10T18:00:00Z"));
    olga.send_text("/pause").await;
    olga.expect_text("Вы на паузе").await;
    // A lead paused Sergei: counted apart, not among those who paused themselves.
    sqlx::query("UPDATE volunteers SET status = 'suspended' WHERE user_id = ?")
        .bind(suspended.id)
        .execute(&app.db)
        .await
        .unwrap();

    // Two weekly repeats run in the region (one more stopped, one elsewhere). One posted its
    // request inside the digest's 24 hours, one a week before.
    let now = app.clock.now_ms();
    let source = seed_request(
        &app.db,
        150,
        KALININGRAD,
        "groceries",
        "Gusev",
        "closed",
        ms("2026-03-01T08:00:00Z"),
        None,
        None,
    )
    .await;
    let running = seed_repeat(&app.db, source, KALININGRAD, false).await;
    let source2 = seed_request(
        &app.db,
        151,
        KALININGRAD,
        "medicine",
        "Sovetsk",
        "closed",
        ms("2026-03-01T08:00:00Z"),
        None,
        None,
    )
    .await;
    seed_repeat(&app.db, source2, KALININGRAD, false).await;
    let source3 = seed_request(
        &app.db,
        152,
        KALININGRAD,
        "talk",
        "Baltiysk",
        "closed",
        ms("2026-03-01T08:00:00Z"),
        None,
        None,
    )
    .await;
    seed_repeat(&app.db, source3, KALININGRAD, true).await;
    let source4 = seed_request(
        &app.db,
        153,
        PSKOV,
        "talk",
        "Pskov",
        "closed",
        ms("2026-03-01T08:00:00Z"),
        None,
        None,
    )
    .await;
    seed_repeat(&app.db, source4, PSKOV, false).await;
    let this_week = seed_request(
        &app.db,
        150,
        KALININGRAD,
        "groceries",
        "Gusev",
        "open",
        now - 3_600_000,
        None,
        None,
    )
    .await;
    seed_repeat_request(&app.db, this_week, running).await;
    let last_week = seed_request(
        &app.db,
        150,
        KALININGRAD,
        "groceries",
        "Gusev",
        "closed",
        now - 7 * 24 * 3_600_000,
        None,
        None,
    )
    .await;
    seed_repeat_request(&app.db, last_week, running).await;
    // A request made by hand in the 24 hours is not a repeat.
    seed_request(
        &app.db,
        154,
        KALININGRAD,
        "groceries",
        "Gusev",
        "open",
        now - 3_600_000,
        None,
        None,
    )
    .await;

    // Wednesday 11.03, 09:00 in Kaliningrad: the morning digest to both leads.
    // (Tuesday's came when the clock passed it; Wednesday's is the one that counts here.)
    app.clock.set(at("2026-03-11T07:00:30Z"));
    let digest = lena
        .expect_text("The 24 hours up to 11.03.2026 09:00")
        .await;
    assert_has(
        &digest,
        &[
            "⏸ Paused by their own choice: 2",
            "• Vera <V>, for 47 hours",
            "• Ольга, for 13 hours",
            "🚫 Paused by a club lead: 1 — see /volunteers",
            "🔁 Weekly repeats running: 2 · repeat requests posted in these 24 hours: 1",
        ],
    );
    // The longest paused first; names are escaped; other regions' volunteers are not there.
    assert!(digest.text.find("Vera").unwrap() < digest.text.find("Ольга").unwrap());
    assert!(digest.html.contains("Vera &lt;V&gt;"), "{}", digest.html);
    for absent in ["Pavel", "Boris", "Sergei"] {
        assert!(!digest.text.contains(absent), "{absent}: {}", digest.text);
    }
    let digest = ivan.expect_text("За 24 часа до 11.03.2026 09:00").await;
    assert_has(
        &digest,
        &[
            "⏸ На паузе по своему решению: 2",
            "• Vera <V>, уже 47 часов",
            "• Ольга, уже 13 часов",
            "🚫 Приостановлены координатором: 1 — см. /volunteers",
            "🔁 Еженедельных повторов: 2 · повторных заявок за эти 24 часа: 1",
        ],
    );
    assert!(
        !digest.text.contains("digest-"),
        "a raw key: {}",
        digest.text
    );

    // Olga comes back: she is no longer listed.
    olga.send_text("/resume").await;
    olga.expect_text("С возвращением").await;
    ivan.send_text("/digest").await;
    let digest = ivan.expect_text("Сводка за сутки").await;
    assert_has(&digest, &["⏸ На паузе по своему решению: 1"]);
    assert!(!digest.text.contains("Ольга"), "{}", digest.text);
    app.stop().await;
}
