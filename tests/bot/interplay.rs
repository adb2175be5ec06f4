//! Where the parts of issue #6 meet: a quick voice request and volunteer duty, the relay and the
//! main menu, Done during a conversation, a club-chat Take and the claim limit, the retention of
//! weekly repeats, and the help each role reads.

use std::time::Duration;

use mutual_aid_bot::domain::duty::QuietHours;

use crate::steps::*;
use crate::support::{SentMessage, TestApp, TestUser, utc};

const QUIET: Duration = Duration::from_millis(250);
const CLUB: i64 = -100_888;

async fn held_for(app: &TestApp, user: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM held_pushes WHERE chat_id = ?")
        .bind(user)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// A request of Pskov already held by `volunteer`, written straight into the database.
async fn seed_claimed(app: &TestApp, requester: i64, volunteer: i64) -> i64 {
    sqlx::query(
        "INSERT OR IGNORE INTO users (id, first_name, created_at) VALUES (?, 'Requester', 0)",
    )
    .bind(requester)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query_scalar(
        "INSERT INTO help_requests (requester_id, for_whom, beneficiary, region_id, category, settlement,
             details, urgency, needed_on, status, claimed_by, created_at, updated_at, opened_at, claimed_at)
         VALUES (?, 'self', 'elderly', 60, 'groceries', 'Pskov', 'Seeded', 'soon', '2026-12-04', 'claimed', ?, 0, 0, 0, 0)
         RETURNING id",
    )
    .bind(requester)
    .bind(volunteer)
    .fetch_one(&app.db)
    .await
    .unwrap()
}

/// Nina (Russian) asks for help with one voice message for Pskov. Returns the bot's answer.
async fn voice_request(nina: &TestUser, file_id: &str) -> SentMessage {
    nina.send_voice(file_id).await;
    nina.expect_text("Я вас услышал").await;
    nina.send_text("псков").await;
    nina.expect_text("По какому номеру").await;
    nina.send_text("+7 912 345 67 89").await;
    nina.expect_text("Заявка №").await
}

#[tokio::test]
async fn a_voice_request_at_night_waits_for_the_morning_and_its_claimer_gets_voice_code_word_and_relay()
 {
    // 23:00 in Pskov; one request per volunteer at a time.
    let app = TestApp::spawn_at(utc("2026-12-01T20:00:00Z"), |c| {
        c.quiet_hours = QuietHours::parse("22:00-08:00");
        c.max_active_claims = 1;
    })
    .await;
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    let vera = seed_volunteer(&app, 701, "Vera", "en", PSKOV, &["other", "groceries"]).await;
    let olga = seed_volunteer(&app, 711, "Ольга", "ru", PSKOV, &["groceries"]).await;
    let paused = seed_volunteer(&app, 702, "Boris", "en", PSKOV, &["other", "groceries"]).await;
    paused.send_text("/pause").await;
    paused.expect_text("You are paused").await;
    seed_claimed(&app, 150, vera.id).await;

    let nina = app.user(103, "Нина", "ru");
    let posted = voice_request(&nina, "voice-nina").await;
    let id = request_number(&posted.text);
    // Told the truth: the volunteers are resting, they see it from 08:00.
    assert!(
        posted
            .text
            .contains("сейчас отдыхают: они увидят её с 08:00"),
        "{}",
        posted.text
    );
    assert_eq!(held_for(&app, vera.id).await, 1);
    assert_eq!(
        held_for(&app, paused.id).await,
        0,
        "a paused volunteer is not even held"
    );

    // The lead sets its kind of help in the night: the volunteers of that kind wait too.
    let alert = lena
        .expect_text(&format!("New voice-only request #{id}"))
        .await;
    lena.press_label(&alert, "Groceries").await;
    lena.expect_text("kind of help set to").await;
    assert_eq!(held_for(&app, olga.id).await, 1);
    assert_eq!(held_for(&app, vera.id).await, 1);
    no_push(&olga, id, QUIET).await;
    no_push(&vera, id, Duration::ZERO).await;
    no_push(&paused, id, Duration::ZERO).await;

    // 08:00: both get it once. Vera holds as many as she may: her Take is refused kindly.
    app.clock.set(utc("2026-12-02T05:00:00Z"));
    let push = expect_push(&vera, id).await;
    let push_olga = expect_push(&olga, id).await;
    vera.press(&push, &format!("c:{id}")).await;
    vera.expect_text("You already hold 1 request —").await;
    assert_eq!(status_of(&app, id).await, ("open".into(), None));

    // Olga takes it: the details with the code word, the voice message; Nina hears the word.
    olga.press(&push_olga, &format!("c:{id}")).await;
    let details = olga.expect_text(&format!("Вы взяли заявку №{id} ·")).await;
    assert!(
        details
            .text
            .contains(&format!("Кодовое слово для заявки №{id}")),
        "{}",
        details.text
    );
    let voice = olga
        .expect_text(&format!("Голосовое сообщение к заявке №{id}"))
        .await;
    assert_eq!(voice.voice_file_id().as_deref(), Some("voice-nina"));
    let told = nina
        .expect_text(&format!("Кодовое слово для заявки №{id}"))
        .await;
    let word: Option<String> =
        sqlx::query_scalar("SELECT code_word FROM help_requests WHERE id = ?")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    let word = word.expect("a code word");
    assert!(told.text.contains(&word) && details.text.contains(&word));

    // And they can write to each other through the bot.
    nina.press(&told, &format!("m:{id}")).await;
    nina.expect_text("напишите сообщение").await;
    nina.send_voice("voice-nina-door").await;
    let relayed = olga
        .expect_text(&format!("Заявка №{id} · голосовое сообщение"))
        .await;
    assert_eq!(relayed.voice_file_id().as_deref(), Some("voice-nina-door"));
    app.stop().await;
}

#[tokio::test]
async fn a_menu_button_or_a_command_leaves_the_relay_and_is_never_passed_on() {
    let app = TestApp::spawn().await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&anna, id).await;
    take(&anna, &push, id).await;
    let code = maria.expect_text("Code word for request").await;

    maria.press(&code, &format!("m:{id}")).await;
    maria
        .expect_text("write your message for the volunteer")
        .await;
    // An old keyboard's «📋 My requests»: her requests, not a message to the volunteer.
    maria.send_text("📋 My requests").await;
    maria
        .expect_text(&format!("Done. To write about request #{id} again"))
        .await;
    maria.expect_text("Your requests").await;
    assert_eq!(dialogue_of(&app, maria.id).await, "");
    maria.press(&code, &format!("m:{id}")).await;
    maria
        .expect_text("write your message for the volunteer")
        .await;
    // A command is done, not refused with "finish this first".
    maria.send_text("/my").await;
    let mine = maria.expect_text("Your requests").await;
    assert!(!mine.text.contains("finish this first"));
    assert_eq!(dialogue_of(&app, maria.id).await, "");
    tokio::time::sleep(QUIET).await;
    for m in anna.unread() {
        assert!(
            !m.text.contains("My requests") && !m.text.contains("/my"),
            "passed on: {}",
            m.describe()
        );
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM relayed").await, 0);

    // Half-way through a quick voice request, an older 💬 does not throw it away.
    maria.send_voice("voice-maria").await;
    maria.expect_text("I heard you").await;
    let q = maria.press(&code, &format!("m:{id}")).await;
    assert!(maria.answer_text(&q).await.contains("finish this first"));
    assert!(dialogue_of(&app, maria.id).await.contains("VoiceRequest"));
    app.stop().await;
}

#[tokio::test]
async fn done_while_writing_to_the_person_closes_the_conversation_and_asks_the_questions_at_once() {
    let app = TestApp::spawn().await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&anna, id).await;
    let details = take(&anna, &push, id).await;
    anna.press(&details, &format!("m:{id}")).await;
    anna.expect_text("write your message for the person who asked")
        .await;
    assert!(dialogue_of(&app, anna.id).await.contains("Relay"));

    anna.press(&details, &format!("d:{id}")).await;
    anna.expect_text(&format!("Request #{id} is no longer in progress"))
        .await;
    anna.expect_text(&format!("Did you spend your own money on request #{id}?"))
        .await;
    assert!(dialogue_of(&app, anna.id).await.contains("Aftercare"));
    tokio::time::sleep(QUIET).await;
    assert!(
        anna.all_messages()
            .iter()
            .all(|m| !m.text.contains("When you have a moment")),
        "not put off"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_club_chat_take_keeps_the_claim_limit_and_gives_the_code_word() {
    let app = TestApp::spawn_with(|c| c.max_active_claims = 1).await;
    sqlx::query(
        "INSERT INTO club_chats (chat_id, region_id, bound_by, bound_at) VALUES (?, ?, NULL, 0)",
    )
    .bind(CLUB)
    .bind(PSKOV)
    .execute(&app.db)
    .await
    .unwrap();
    let group = app.group(CLUB, "Pskov club");
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["talk"]).await;
    let held = seed_claimed(&app, 150, anna.id).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let post = group.expect_text(&format!("№{id}")).await;

    let q = anna.press(&post, &format!("c:{id}")).await;
    assert!(
        anna.answer_text(&q)
            .await
            .contains("as many requests as one volunteer can")
    );
    let refusal = anna.expect_text("You already hold 1 request —").await;
    assert!(
        refusal.text.contains(&format!("#{held} ·")),
        "{}",
        refusal.text
    );
    assert_eq!(status_of(&app, id).await, ("open".into(), None));

    // With room again, the same post gives her the request with its code word.
    sqlx::query("UPDATE help_requests SET status = 'closed' WHERE id = ?")
        .bind(held)
        .execute(&app.db)
        .await
        .unwrap();
    anna.press(&post, &format!("c:{id}")).await;
    let details = anna.expect_text(&format!("You took request #{id} ·")).await;
    assert!(
        details
            .text
            .contains(&format!("Code word for request #{id}")),
        "{}",
        details.text
    );
    maria.expect_text("Code word for request").await;
    assert_eq!(status_of(&app, id).await, ("claimed".into(), Some(501)));
    app.stop().await;
}

#[tokio::test]
async fn the_retention_purge_empties_a_weekly_repeat_stopped_long_ago() {
    let app = TestApp::spawn_at(utc("2026-12-01T07:00:00Z"), |_| {}).await;
    let maria = app.user(101, "Maria", "en");
    maria.send_text("/start").await;
    maria.expect_text("Hello").await;
    let day = 24 * 3600 * 1000;
    let now = app.clock.now_ms();
    // Two weekly repeats for Granny Zina, stopped 31 and 29 days ago (RETENTION_DAYS is 30).
    for (details, stopped) in [("Bread", now - 31 * day), ("Milk", now - 29 * day)] {
        let source: i64 = sqlx::query_scalar(
            "INSERT INTO help_requests (requester_id, for_whom, beneficiary, region_id, category,
                 settlement, details, urgency, needed_on, status, created_at, updated_at)
             VALUES (101, 'other', 'elderly', 60, 'groceries', 'Pskov', ?, 'soon', '2026-10-01',
                 'closed', 0, 0) RETURNING id",
        )
        .bind(details)
        .fetch_one(&app.db)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO repeats (requester_id, source_request_id, for_whom, beneficiary_name, beneficiary,
                 region_id, category, settlement, details, voice_file_id, next_on, next_at, created_at, stopped_at)
             VALUES (101, ?, 'other', 'Granny Zina', 'elderly', 60, 'groceries', 'Pskov', ?, 'voice-1',
                 '2026-10-08', 0, 0, ?)",
        )
        .bind(source)
        .bind(details)
        .bind(stopped)
        .execute(&app.db)
        .await
        .unwrap();
    }

    // The retention job looks when the clock moves.
    app.clock.advance(chrono::Duration::minutes(1));
    let emptied = || async {
        let n = count(
            &app,
            "SELECT COUNT(*) FROM repeats WHERE beneficiary_name IS NULL AND details IS NULL
               AND voice_file_id IS NULL AND settlement = ''",
        )
        .await;
        (n == 1).then_some(())
    };
    eventually("the repeat stopped 31 days ago is emptied", emptied).await;
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM repeats WHERE beneficiary_name = 'Granny Zina'"
        )
        .await,
        1,
        "the one stopped 29 days ago keeps it for now"
    );
    app.stop().await;
}

#[tokio::test]
async fn help_names_what_each_role_can_do_in_both_languages() {
    let app = TestApp::spawn().await;
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    let ivan = seed_lead(&app, 302, "Иван", "ru", PSKOV).await;
    let vera = seed_volunteer(&app, 701, "Vera", "en", PSKOV, &["groceries"]).await;
    let olga = seed_volunteer(&app, 711, "Ольга", "ru", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let nina = app.user(103, "Нина", "ru");

    maria.send_text("/help").await;
    let help = maria.expect_text("How to ask for help").await;
    assert!(help.text.contains("send a voice message"), "{}", help.text);
    nina.send_text("/help").await;
    let help = nina.expect_text("Как попросить о помощи").await;
    assert!(help.text.contains("голосовое сообщение"), "{}", help.text);

    for (who, title) in [(&vera, "As a volunteer"), (&olga, "Для волонтёров")] {
        who.send_text("/help").await;
        let help = who.expect_text(title).await;
        for cmd in ["/pause", "/resume", "/quiet", "/stats", "/tasks", "/my"] {
            assert!(help.text.contains(cmd), "{cmd}: {}", help.text);
        }
    }
    for (who, title) in [(&lena, "As a club lead"), (&ivan, "Для координатора клуба")]
    {
        who.send_text("/help").await;
        let help = who.expect_text(title).await;
        for cmd in [
            "/volunteers",
            "/requests",
            "/digest",
            "/receipts",
            "/intake",
        ] {
            assert!(help.text.contains(cmd), "{cmd}: {}", help.text);
        }
        assert!(!help.text.contains("help-"), "a raw key: {}", help.text);
    }
    app.stop().await;
}
