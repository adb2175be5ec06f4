//! Volunteer duty: a volunteer's own pause, quiet hours (pushes held until the morning on the
//! bot's clock), the limit on requests held at once, /stats, and help repeated every week.

use std::time::Duration;

use chrono::Duration as Span;
use mutual_aid_bot::domain::duty::QuietHours;

use crate::steps::*;
use crate::support::{SentMessage, TestApp, TestUser, utc};

const QUIET: Duration = Duration::from_millis(250);

async fn paused_at(app: &TestApp, user: i64) -> Option<i64> {
    sqlx::query_scalar::<_, Option<i64>>("SELECT paused_at FROM volunteer_duty WHERE user_id = ?")
        .bind(user)
        .fetch_optional(&app.db)
        .await
        .unwrap()
        .flatten()
}

async fn volunteer_status(app: &TestApp, user: i64) -> String {
    sqlx::query_scalar("SELECT status FROM volunteers WHERE user_id = ?")
        .bind(user)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

async fn held_for(app: &TestApp, user: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM held_pushes WHERE chat_id = ?")
        .bind(user)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// The volunteer marks the request done from the details message; the requester is asked.
async fn mark_done(v: &TestUser, details: &SentMessage, id: i64) {
    v.press(details, &format!("d:{id}")).await;
    v.expect_text(&format!("confirm that request #{id} is done"))
        .await;
}

/// The requester confirms the help and says yes to repeating it every week.
async fn accept_weekly(requester: &TestUser, ask: &SentMessage, id: i64) {
    requester.press(ask, &format!("y:{id}")).await;
    let offer = requester.expect_text("every week?").await;
    requester.press(&offer, &format!("du:w{id}")).await;
    requester.expect_text("again every week").await;
}

/// `helped`, then a weekly repeat of it; returns the first request.
async fn helped_weekly(requester: &TestUser, v: &TestUser, details: &str) -> i64 {
    let (first, ask) = helped(requester, v, details).await;
    accept_weekly(requester, &ask, first).await;
    first
}

/// Asks for help, lets `v` take it and mark it done. Returns (request, the requester's question).
async fn helped(requester: &TestUser, v: &TestUser, details: &str) -> (i64, SentMessage) {
    let id = ask_for_help(
        requester,
        &Ask {
            details,
            ..Ask::default()
        },
    )
    .await;
    let push = expect_push(v, id).await;
    let held = take(v, &push, id).await;
    mark_done(v, &held, id).await;
    let ask = requester
        .expect_text(&format!("The volunteer says request #{id} is done"))
        .await;
    (id, ask)
}

// ---- pause and resume ---------------------------------------------------------------------------

#[tokio::test]
async fn a_paused_volunteer_is_not_pushed_keeps_what_they_hold_and_is_pushed_again_after_resume() {
    let app = TestApp::spawn().await;
    let vera = seed_volunteer(&app, 701, "Vera", "en", PSKOV, &["groceries"]).await;
    let boris = seed_volunteer(&app, 702, "Boris", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let kept = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&vera, kept).await;
    take(&vera, &push, kept).await;

    vera.send_text("/pause").await;
    let paused = vera.expect_text("⏸ You are paused").await;
    assert!(
        paused.text.contains("until you send /resume")
            && paused.text.contains("The requests you hold (1) stay yours"),
        "{}",
        paused.text
    );
    assert!(paused_at(&app, 701).await.is_some());
    assert_eq!(
        volunteer_status(&app, 701).await,
        "approved",
        "a pause of one's own is not a lead's suspension"
    );
    assert_eq!(status_of(&app, kept).await, ("claimed".into(), Some(701)));

    let second = ask_for_help(
        &maria,
        &Ask {
            details: "Medicine from the pharmacy",
            ..Ask::default()
        },
    )
    .await;
    expect_push(&boris, second).await;
    no_push(&vera, second, QUIET).await;
    assert_eq!(event_note(&app, second, "pushed").await, "1");

    vera.send_text("/pause").await;
    vera.expect_text("You are already paused").await;
    vera.send_text("/resume").await;
    let back = vera.expect_text("▶️ Welcome back!").await;
    assert!(!back.text.contains("club lead"), "{}", back.text);
    assert!(paused_at(&app, 701).await.is_none());

    let third = ask_for_help(
        &maria,
        &Ask {
            details: "Firewood for the stove",
            ..Ask::default()
        },
    )
    .await;
    expect_push(&vera, third).await;
    app.stop().await;
}

#[tokio::test]
async fn a_volunteer_pauses_from_the_profile_in_russian_and_a_leads_suspension_stays_apart() {
    let app = TestApp::spawn().await;
    let olga = seed_volunteer(&app, 711, "Ольга", "ru", PSKOV, &["groceries"]).await;
    olga.send_text("/profile").await;
    let profile = olga
        .expect_text("Дежурство: ▶️ получаете новые заявки")
        .await;
    assert!(
        profile.text.contains("Тихие часы: выключены"),
        "{}",
        profile.text
    );
    olga.press_label(&profile, "⏸ Пауза").await;
    let paused = olga.expect_text("⏸ Вы на паузе").await;
    assert!(paused.text.contains("нет взятых заявок"), "{}", paused.text);

    olga.send_text("/profile").await;
    let profile = olga
        .expect_text("Дежурство: ⏸ на паузе по вашему решению")
        .await;
    assert!(profile.has_button("▶️ Снять паузу") && !profile.has_button("⏸ Пауза"));

    // Her club lead sees both: the club's status, and that she paused herself.
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    lena.send_text("/volunteers").await;
    let list = lena.expect_text("Volunteers of your regions").await;
    assert!(
        list.text
            .contains("Ольга — active, ⏸ paused themselves (gets no new requests), holds 0"),
        "{}",
        list.text
    );
    assert!(
        list.has_button("Ольга"),
        "the lead's own pause stays available"
    );

    // A lead paused her meanwhile: lifting her own pause does not lift the lead's.
    sqlx::query("UPDATE volunteers SET status = 'suspended' WHERE user_id = 711")
        .execute(&app.db)
        .await
        .unwrap();
    olga.press_label(&profile, "Снять паузу").await;
    let resumed = olga.expect_text("С возвращением").await;
    assert!(
        resumed.text.contains("координатор клуба приостановил"),
        "{}",
        resumed.text
    );
    assert!(paused_at(&app, 711).await.is_none());
    assert_eq!(volunteer_status(&app, 711).await, "suspended");

    // Someone who is not a volunteer is told what these commands are for.
    let anna = app.user(120, "Anna", "en");
    anna.send_text("/pause").await;
    anna.expect_text("This is for volunteers").await;
    anna.send_text("/stats").await;
    anna.expect_text("This is for volunteers").await;
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM volunteer_duty WHERE user_id = 120"
        )
        .await,
        0
    );
    app.stop().await;
}

// ---- quiet hours --------------------------------------------------------------------------------

#[tokio::test]
async fn quiet_hours_hold_pushes_until_the_morning_and_an_opted_in_volunteer_gets_today_requests_at_once()
 {
    // 23:00 in Pskov (Moscow time, UTC+3).
    let mut app = TestApp::spawn_at(utc("2026-12-01T20:00:00Z"), |c| {
        c.quiet_hours = QuietHours::parse("22:00-08:00");
    })
    .await;
    let vera = seed_volunteer(&app, 701, "Vera", "en", PSKOV, &["groceries"]).await;
    let olga = seed_volunteer(&app, 711, "Ольга", "ru", PSKOV, &["groceries"]).await;
    let boris = seed_volunteer(&app, 702, "Boris", "en", PSKOV, &["groceries"]).await;
    olga.send_text("/quiet").await;
    let menu = olga.expect_text("Тихие часы: 22:00–08:00").await;
    assert!(
        menu.has_button("✅ Обычные (22:00–08:00)"),
        "{}",
        menu.describe()
    );
    olga.press(&menu, "du:u1").await;
    let saved = olga.expect_text("приходят сразу, даже в тихие часы").await;
    assert!(saved.is_edit());

    let maria = app.user(101, "Maria", "en");
    let posted = ask_for_help_posted(
        &maria,
        &Ask {
            when: "Within 3 days",
            ..Ask::default()
        },
    )
    .await;
    assert!(
        posted
            .text
            .contains("resting now: they will see it from 08:00"),
        "{}",
        posted.text
    );
    let later = request_number(&posted.text);
    // A "today" request: Olga asked for those at once; the others' wait.
    let urgent = ask_for_help(
        &maria,
        &Ask {
            details: "Medicine, today please",
            ..Ask::default()
        },
    )
    .await;
    let push = expect_push(&olga, urgent).await;
    // Olga takes it in the night: the pushes held for the others must not come in the morning.
    olga.press(&push, &format!("c:{urgent}")).await;
    olga.expect_text(&format!("Вы взяли заявку №{urgent} ·"))
        .await;
    // One more, cancelled during the night: it must never reach anyone.
    let cancelled = ask_for_help(
        &maria,
        &Ask {
            when: "Within 3 days",
            details: "Firewood",
            ..Ask::default()
        },
    )
    .await;
    maria.send_text("/my").await;
    let list = maria.expect_text("Your requests").await;
    maria.press(&list, &format!("x:{cancelled}")).await;
    let sure = maria
        .expect_text(&format!("Cancel request #{cancelled}?"))
        .await;
    maria.press(&sure, &format!("xc:{cancelled}")).await;
    maria
        .expect_text(&format!("Request #{cancelled} is cancelled"))
        .await;
    no_push(&vera, later, QUIET).await;
    assert!(vera.unread().is_empty(), "Vera got nothing in the night");
    assert_eq!(held_for(&app, 701).await, 3);
    assert_eq!(held_for(&app, 711).await, 2);

    // Boris turns his quiet hours off: what was held for him comes at once.
    boris.send_text("/quiet").await;
    let menu = boris.expect_text("Quiet hours: 22:00–08:00").await;
    boris.press_label(&menu, "Off").await;
    expect_push(&boris, later).await;
    no_push(&boris, urgent, QUIET).await;
    no_push(&boris, cancelled, Duration::ZERO).await;
    assert_eq!(held_for(&app, 702).await, 0);

    // What waits is in the database: a redeploy in the night loses nothing.
    app.restart().await;
    app.clock.set(utc("2026-12-02T04:59:00Z"));
    no_push(&vera, later, QUIET).await;
    // 08:00 in Pskov: the held pushes go out, except those of the taken and the cancelled request.
    app.clock.set(utc("2026-12-02T05:00:00Z"));
    expect_push(&vera, later).await;
    expect_push(&olga, later).await;
    no_push(&vera, urgent, QUIET).await;
    no_push(&vera, cancelled, Duration::ZERO).await;
    no_push(&olga, cancelled, Duration::ZERO).await;
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM held_pushes").await,
        0,
        "nothing is left waiting"
    );
    app.stop().await;
}

// ---- the claim limit ----------------------------------------------------------------------------

#[tokio::test]
async fn a_fourth_claim_is_refused_kindly_with_the_list_of_what_the_volunteer_holds() {
    let app = TestApp::spawn().await;
    assert_eq!(app.config.max_active_claims, 3, "the default");
    let vera = seed_volunteer(&app, 701, "Vera", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let mut ids = vec![];
    let mut pushes = vec![];
    for details in ["Bread", "Milk", "Buckwheat", "Apples"] {
        let id = ask_for_help(
            &maria,
            &Ask {
                details,
                ..Ask::default()
            },
        )
        .await;
        pushes.push(expect_push(&vera, id).await);
        ids.push(id);
    }
    let mut details = vec![];
    for i in 0..3 {
        details.push(take(&vera, &pushes[i], ids[i]).await);
    }

    let q = vera.press(&pushes[3], &format!("c:{}", ids[3])).await;
    assert!(
        vera.answer_text(&q)
            .await
            .contains("You already hold as many requests as one volunteer can"),
    );
    let refusal = vera.expect_text("You already hold 3 requests").await;
    assert!(refusal.text.contains("at once is 3"), "{}", refusal.text);
    for id in &ids[..3] {
        assert!(
            refusal.text.contains(&format!("#{id} ·")),
            "{}",
            refusal.text
        );
    }
    assert!(!refusal.text.contains(&format!("#{} ·", ids[3])));
    assert!(refusal.text.contains("give one back in /my"));
    assert_eq!(status_of(&app, ids[3]).await, ("open".into(), None));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM help_requests WHERE claimed_by = 701 AND status = 'claimed'"
        )
        .await,
        3
    );

    // One done: there is room again.
    mark_done(&vera, &details[0], ids[0]).await;
    take(&vera, &pushes[3], ids[3]).await;
    assert_eq!(status_of(&app, ids[3]).await, ("claimed".into(), Some(701)));
    app.stop().await;
}

#[tokio::test]
async fn the_claim_limit_speaks_russian_and_a_lead_may_assign_past_it() {
    let app = TestApp::spawn_with(|c| c.max_active_claims = 1).await;
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    let olga = seed_volunteer(&app, 711, "Ольга", "ru", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let first = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&olga, first).await;
    olga.press(&push, &format!("c:{first}")).await;
    olga.expect_text(&format!("Вы взяли заявку №{first} ·"))
        .await;

    let second = ask_for_help(
        &maria,
        &Ask {
            details: "Milk",
            ..Ask::default()
        },
    )
    .await;
    let push = expect_push(&olga, second).await;
    let q = olga.press(&push, &format!("c:{second}")).await;
    assert!(olga.answer_text(&q).await.contains("Список — в чате"));
    let refusal = olga.expect_text("Взятых заявок у вас уже 1").await;
    assert!(
        refusal.text.contains(&format!("№{first} ·")) && refusal.text.contains("вернёте её в /my"),
        "{}",
        refusal.text
    );
    assert_eq!(status_of(&app, second).await, ("open".into(), None));

    // A lead's assignment is a deliberate decision: it may go past the limit.
    lena.send_text("/requests").await;
    let list = lena.expect_text("not finished").await;
    lena.press(&list, &format!("aa:{second}")).await;
    let who = lena
        .expect_text(&format!("Who should take request #{second}?"))
        .await;
    lena.press(&who, &format!("as:{second}:711")).await;
    lena.expect_text(&format!("Request #{second} is now with Ольга"))
        .await;
    assert_eq!(status_of(&app, second).await, ("claimed".into(), Some(711)));
    app.stop().await;
}

// ---- /stats -------------------------------------------------------------------------------------

#[tokio::test]
async fn stats_count_done_requests_and_people_helped_this_month_and_in_all() {
    let app = TestApp::spawn_at(utc("2026-12-10T09:00:00Z"), |_| {}).await;
    let vera = seed_volunteer(&app, 701, "Vera", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let anna = app.user(102, "Anna", "en");

    vera.send_text("/stats").await;
    let none = vera.expect_text("Your help, Vera").await;
    assert!(
        none.text
            .contains("All time: requests done — 0, people helped — 0")
            && none.text.contains("Your first done request will show here"),
        "{}",
        none.text
    );

    let (a, ask) = helped(&maria, &vera, "Bread").await;
    maria.press(&ask, &format!("y:{a}")).await;
    maria
        .expect_text("Do you need the same help every week?")
        .await;
    helped(&maria, &vera, "Milk").await;
    // Anna's help did not arrive ("Not yet"): it is open again and does not count.
    let (c, ask) = helped(&anna, &vera, "Apples").await;
    anna.press(&ask, &format!("n:{c}")).await;
    anna.expect_text("We are sorry").await;
    // Taken, not done yet: does not count either.
    let d = ask_for_help(
        &anna,
        &Ask {
            details: "Firewood",
            ..Ask::default()
        },
    )
    .await;
    let push = expect_push(&vera, d).await;
    take(&vera, &push, d).await;

    vera.send_text("/stats").await;
    let stats = vera.expect_text("Your help, Vera").await;
    assert!(
        stats
            .text
            .contains("December 2026: requests done — 2, people helped — 1.")
            && stats
                .text
                .contains("All time: requests done — 2, people helped — 1.")
            && stats.text.contains("You hold now: 1 of 3."),
        "{}",
        stats.text
    );

    // A new month (in the region's time: 1 January 00:30 in Pskov is still 31 December in UTC).
    app.clock.set(utc("2026-12-31T21:30:00Z"));
    vera.send_text("/stats").await;
    let stats = vera.expect_text("Your help, Vera").await;
    assert!(
        stats
            .text
            .contains("January 2027: requests done — 0, people helped — 0.")
            && stats
                .text
                .contains("All time: requests done — 2, people helped — 1."),
        "{}",
        stats.text
    );
    app.stop().await;
}

#[tokio::test]
async fn stats_speak_russian() {
    let app = TestApp::spawn_at(utc("2026-03-10T09:00:00Z"), |_| {}).await;
    let olga = seed_volunteer(&app, 711, "Ольга", "ru", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&olga, id).await;
    olga.press(&push, &format!("c:{id}")).await;
    let details = olga.expect_text(&format!("Вы взяли заявку №{id} ·")).await;
    olga.press(&details, &format!("d:{id}")).await;
    olga.expect_text(&format!("что заявка №{id} выполнена"))
        .await;
    olga.send_text("/stats").await;
    let stats = olga.expect_text("Ваша помощь, Ольга").await;
    assert!(
        stats
            .text
            .contains("Март 2026: выполнено заявок — 1, помогли людям — 1.")
            && stats
                .text
                .contains("Всего: выполнено заявок — 1, помогли людям — 1.")
            && stats.text.contains("Сейчас у вас: 0 из 3."),
        "{}",
        stats.text
    );
    app.stop().await;
}

// ---- weekly repeats -----------------------------------------------------------------------------

#[tokio::test]
async fn a_weekly_repeat_goes_first_to_the_last_volunteer_alone_and_after_two_hours_to_everyone() {
    // Tuesday, 10:00 in Pskov.
    let app = TestApp::spawn_at(utc("2026-12-01T07:00:00Z"), |_| {}).await;
    let boris = seed_volunteer(&app, 702, "Boris", "en", PSKOV, &["groceries"]).await;
    let vera = seed_volunteer(&app, 701, "Vera", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let (first, ask) = helped(&maria, &boris, "Bread and milk").await;
    maria.press(&ask, &format!("y:{first}")).await;
    maria
        .expect_text(&format!("Thank you! Request #{first} is closed"))
        .await;
    let offer = maria
        .expect_text("Do you need the same help every week?")
        .await;
    assert!(
        offer.text.contains("on Tuesdays") && offer.text.contains("Boris"),
        "{}",
        offer.text
    );
    maria.press_label(&offer, "Yes, repeat every week").await;
    let started = maria
        .expect_text(&format!("We will post request #{first} again every week"))
        .await;
    assert!(started.text.contains("08.12.2026"), "{}", started.text);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM repeats WHERE next_on = '2026-12-08' AND stopped_at IS NULL"
        )
        .await,
        1
    );
    // Pressed twice: still one repeat.
    let q = maria.press(&offer, &format!("du:w{first}")).await;
    assert!(maria.answer_text(&q).await.contains("already repeats"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM repeats").await, 1);

    // The day before, at 09:00 — nothing yet.
    app.clock.set(utc("2026-12-07T06:00:00Z"));
    tokio::time::sleep(QUIET).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM help_requests").await, 1);

    // Tuesday 09:00 in Pskov: the new request, offered to Boris alone.
    app.clock.set(utc("2026-12-08T06:00:00Z"));
    let posted = maria
        .expect_text("Your weekly request is posted again")
        .await;
    let repeat = request_number(&posted.text);
    assert_ne!(repeat, first);
    let first_offer = expect_push(&boris, repeat).await;
    assert!(
        first_offer
            .text
            .contains("You helped last time, so it is offered to you first, for 2 hours")
            && first_offer.text.contains("Bread and milk")
            && !first_offer.text.contains("Lenina"),
        "{}",
        first_offer.text
    );
    no_push(&vera, repeat, QUIET).await;
    assert_eq!(status_of(&app, repeat).await, ("open".into(), None));

    app.clock.advance(Span::minutes(119));
    no_push(&vera, repeat, QUIET).await;
    // Two hours on and nobody took it: everyone matching sees it now, Boris not a second time.
    app.clock.advance(Span::minutes(2));
    expect_push(&vera, repeat).await;
    no_push(&boris, repeat, QUIET).await;
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM repeat_requests WHERE widen_at IS NOT NULL"
        )
        .await,
        0
    );

    // The requester stops the repetition from /my.
    maria.send_text("/my").await;
    let mine = maria.expect_text("Repeated every week").await;
    assert!(mine.text.contains("next on 15.12.2026"), "{}", mine.text);
    maria
        .press_label(&mine, &format!("Stop repeating #{first}"))
        .await;
    maria
        .expect_text(&format!(
            "The weekly repeat of request #{first} has stopped"
        ))
        .await;
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM repeats WHERE stopped_at IS NOT NULL AND address IS NULL AND phone IS NULL"
        )
        .await,
        1,
        "a stopped repeat forgets the address and phone"
    );
    let q = maria
        .press(&mine, mine.button_data("Stop").unwrap().as_str())
        .await;
    assert!(maria.answer_text(&q).await.contains("already stopped"));
    app.clock.set(utc("2026-12-15T07:00:00Z"));
    tokio::time::sleep(QUIET).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM help_requests").await, 2);
    app.stop().await;
}

#[tokio::test]
async fn a_paused_last_volunteer_is_skipped_and_the_repeat_goes_to_everyone_at_once() {
    let app = TestApp::spawn_at(utc("2026-12-01T07:00:00Z"), |_| {}).await;
    let boris = seed_volunteer(&app, 702, "Boris", "en", PSKOV, &["groceries"]).await;
    let vera = seed_volunteer(&app, 701, "Vera", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    helped_weekly(&maria, &boris, "Bread").await;
    boris.send_text("/pause").await;
    boris.expect_text("You are paused").await;

    app.clock.set(utc("2026-12-08T06:00:00Z"));
    let posted = maria.expect_text("posted again").await;
    let repeat = request_number(&posted.text);
    expect_push(&vera, repeat).await;
    no_push(&boris, repeat, QUIET).await;
    app.stop().await;
}

#[tokio::test]
async fn the_repeat_question_speaks_russian_and_no_means_no() {
    let app = TestApp::spawn_at(utc("2026-12-02T07:00:00Z"), |_| {}).await;
    seed_volunteer(&app, 702, "Boris", "en", PSKOV, &["groceries"]).await;
    let nina = app.user(121, "Нина", "ru");
    nina.send_text("/start").await;
    let hello = nina.expect_text("Здравствуйте").await;
    let now = app.clock.now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO help_requests (requester_id, for_whom, beneficiary, region_id, category, settlement,
             details, address, urgency, needed_on, status, claimed_by, created_at, updated_at, done_at, opened_at, claimed_at)
         VALUES (121, 'self', 'elderly', 60, 'groceries', 'Псков', 'Хлеб', 'Ленина 5', 'today', '2026-12-02',
             'done', 702, ?1, ?1, ?1, ?1, ?1) RETURNING id",
    )
    .bind(now)
    .fetch_one(&app.db)
    .await
    .unwrap();
    nina.press(&hello, &format!("y:{id}")).await;
    nina.expect_text(&format!("Спасибо! Заявка №{id} закрыта"))
        .await;
    let offer = nina
        .expect_text("Нужна ли вам такая же помощь каждую неделю?")
        .await;
    assert!(
        offer.text.contains("по средам") && offer.text.contains("Boris"),
        "{}",
        offer.text
    );
    assert!(offer.has_button("Да, повторять каждую неделю") && offer.has_button("Нет, спасибо"));
    nina.press_label(&offer, "Нет, спасибо").await;
    nina.expect_text("Хорошо. Если снова понадобится помощь")
        .await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM repeats").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn forged_and_stale_duty_buttons_get_a_kind_answer() {
    let app = TestApp::spawn().await;
    let vera = seed_volunteer(&app, 701, "Vera", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    maria.send_text("/start").await;
    let maria_hello = maria.expect_text("Hello").await;
    vera.send_text("/start").await;
    let vera_hello = vera.expect_text("Hello").await;
    let mine = ask_for_help(&maria, &Ask::default()).await;
    for (who, data, answer) in [
        (&maria, "du:w999999".to_owned(), "no longer exists"),
        (&maria, "du:s999999".to_owned(), "already stopped"),
        (&maria, "du:q9".to_owned(), "out of date"),
        (&maria, "du:u1".to_owned(), "This is for volunteers"),
        // Not closed yet: no repeat can start from it.
        (&maria, format!("du:w{mine}"), "out of date"),
        // Someone else's request.
        (&vera, format!("du:w{mine}"), "not your request"),
        (&vera, format!("du:n{mine}"), "not your request"),
    ] {
        let pressed_under = if who.id == maria.id {
            &maria_hello
        } else {
            &vera_hello
        };
        let q = who.press(pressed_under, &data).await;
        let text = who.answer_text(&q).await;
        assert!(text.contains(answer), "{data}: {text}");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM repeats").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM volunteer_duty").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn delete_me_stops_a_repeat_and_erases_its_copy_of_the_address() {
    let app = TestApp::spawn_at(utc("2026-12-01T07:00:00Z"), |_| {}).await;
    let boris = seed_volunteer(&app, 702, "Boris", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    helped_weekly(&maria, &boris, "Bread").await;
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM repeats WHERE address = 'Lenina 5, flat 12'"
        )
        .await,
        1,
        "a running repeat keeps what it needs to post the next request"
    );

    maria.send_text("/delete_me").await;
    let question = maria.expect_text("Erase your personal data?").await;
    maria.press(&question, "dm:y").await;
    maria
        .expect_text("Done: your personal data is erased")
        .await;
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM repeats WHERE stopped_at IS NOT NULL AND address IS NULL
               AND phone IS NULL AND details IS NULL AND settlement = ''"
        )
        .await,
        1
    );
    app.clock.set(utc("2026-12-08T07:00:00Z"));
    tokio::time::sleep(QUIET).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM help_requests").await, 1);
    app.stop().await;
}

// ---- what a lead sees of duty -------------------------------------------------------------------

#[tokio::test]
async fn the_assign_list_marks_who_paused_themselves_and_shows_load_against_the_limit() {
    let app = TestApp::spawn().await;
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    let ivan = seed_lead(&app, 302, "Иван", "ru", PSKOV).await;
    let vera = seed_volunteer(&app, 701, "Vera", "en", PSKOV, &["groceries"]).await;
    seed_volunteer(&app, 702, "Boris", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let held = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&vera, held).await;
    take(&vera, &push, held).await;
    vera.send_text("/pause").await;
    vera.expect_text("You are paused").await;
    let id = ask_for_help(
        &maria,
        &Ask {
            details: "Milk",
            ..Ask::default()
        },
    )
    .await;

    lena.send_text("/requests").await;
    let list = lena.expect_text("not finished").await;
    lena.press(&list, &format!("aa:{id}")).await;
    let who = lena
        .expect_text(&format!("Who should take request #{id}?"))
        .await;
    assert!(
        who.text.contains("of the 3 requests") && who.text.contains("⏸ — paused themselves"),
        "{}",
        who.text
    );
    let labels: Vec<String> = who.inline_buttons().into_iter().map(|(l, _)| l).collect();
    assert_eq!(
        labels,
        ["Boris · holds 0 of 3", "⏸ Vera · holds 1 of 3 · paused"],
        "on duty first, the paused last"
    );
    ivan.send_text("/requests").await;
    let list = ivan.expect_text("Незавершённые заявки").await;
    ivan.press(&list, &format!("aa:{id}")).await;
    let who = ivan
        .expect_text(&format!("Кому передать заявку №{id}?"))
        .await;
    assert!(
        who.text.contains("на паузе по своему решению"),
        "{}",
        who.text
    );
    assert!(
        who.has_button("⏸ Vera · заявок 1 из 3 · на паузе")
            && who.has_button("Boris · заявок 0 из 3"),
        "{}",
        who.describe()
    );
    // Her own pause does not stop a lead's deliberate assignment.
    ivan.press(&who, &format!("as:{id}:701")).await;
    ivan.expect_text(&format!("Заявка №{id} передана: Vera"))
        .await;
    assert_eq!(status_of(&app, id).await, ("claimed".into(), Some(701)));
    app.stop().await;
}

#[tokio::test]
async fn push_again_says_how_many_got_it_now_and_how_many_in_the_morning() {
    // 23:00 in Pskov.
    let app = TestApp::spawn_at(utc("2026-12-01T20:00:00Z"), |c| {
        c.quiet_hours = QuietHours::parse("22:00-08:00");
    })
    .await;
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    let ivan = seed_lead(&app, 302, "Иван", "ru", PSKOV).await;
    let vera = seed_volunteer(&app, 701, "Vera", "en", PSKOV, &["groceries"]).await;
    let boris = seed_volunteer(&app, 702, "Boris", "en", PSKOV, &["groceries"]).await;
    boris.send_text("/quiet").await;
    let menu = boris.expect_text("Quiet hours").await;
    boris.press_label(&menu, "Off").await;
    boris.expect_text("Quiet hours: off").await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(
        &maria,
        &Ask {
            when: "Within 3 days",
            ..Ask::default()
        },
    )
    .await;
    expect_push(&boris, id).await;

    lena.send_text("/requests").await;
    let list = lena.expect_text("not finished").await;
    lena.press(&list, &format!("ep:{id}")).await;
    let said = lena
        .expect_text(&format!("Request #{id} was sent again"))
        .await;
    assert!(
        said.text.contains(
            "to 1 volunteers now; 1 more are in their quiet hours and will get it from 08:00"
        ),
        "{}",
        said.text
    );
    expect_push(&boris, id).await;
    ivan.send_text("/requests").await;
    let list = ivan.expect_text("Незавершённые заявки").await;
    ivan.press(&list, &format!("ep:{id}")).await;
    let said = ivan
        .expect_text(&format!("Заявка №{id} снова отправлена"))
        .await;
    assert!(
        said.text
            .contains("волонтёрам: 1 — сейчас; ещё 1 — в тихих часах, получат её с 08:00"),
        "{}",
        said.text
    );
    no_push(&vera, id, QUIET).await;
    assert_eq!(
        held_for(&app, 701).await,
        1,
        "held once, however often pushed"
    );

    // In the morning Vera gets it once.
    app.clock.set(utc("2026-12-02T05:00:00Z"));
    expect_push(&vera, id).await;
    no_push(&vera, id, QUIET).await;
    app.stop().await;
}

// ---- the morning after quiet hours --------------------------------------------------------------

/// An open request of Pskov (by user 101) written straight into the database, held for `volunteer`
/// until `at`.
async fn seed_held(app: &TestApp, details: &str, volunteer: i64, at: i64) -> i64 {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO help_requests (requester_id, for_whom, beneficiary, region_id, category, settlement,
             details, urgency, needed_on, status, created_at, updated_at, opened_at)
         VALUES (101, 'self', 'elderly', 60, 'groceries', 'Pskov', ?1, 'soon', '2026-12-04', 'open', 0, 0, 0)
         RETURNING id",
    )
    .bind(details)
    .fetch_one(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO held_pushes (request_id, chat_id, release_at, held_at) VALUES (?, ?, ?, 0)",
    )
    .bind(id)
    .bind(volunteer)
    .bind(at)
    .execute(&app.db)
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn what_waited_through_the_night_comes_as_one_good_morning_message_with_a_take_button_each() {
    // 23:00 in Pskov.
    let app = TestApp::spawn_at(utc("2026-12-01T20:00:00Z"), |c| {
        c.quiet_hours = QuietHours::parse("22:00-08:00");
    })
    .await;
    let vera = seed_volunteer(&app, 701, "Vera", "en", PSKOV, &["groceries"]).await;
    let olga = seed_volunteer(&app, 711, "Ольга", "ru", PSKOV, &["groceries"]).await;
    let boris = seed_volunteer(&app, 702, "Boris", "en", PSKOV, &["groceries"]).await;
    boris.send_text("/quiet").await;
    let menu = boris.expect_text("Quiet hours").await;
    boris.press_label(&menu, "Off").await;
    boris.expect_text("Quiet hours: off").await;
    let maria = app.user(101, "Maria", "en");
    let mut ids = vec![];
    for details in ["Bread", "Milk", "Firewood", "Medicine"] {
        ids.push(
            ask_for_help(
                &maria,
                &Ask {
                    when: "Within 3 days",
                    details,
                    ..Ask::default()
                },
            )
            .await,
        );
    }
    let [bread, milk, firewood, medicine] = ids[..] else {
        unreachable!()
    };
    // In the night Boris takes the firewood and Maria cancels the medicine.
    let push = expect_push(&boris, firewood).await;
    take(&boris, &push, firewood).await;
    maria.send_text("/my").await;
    let list = maria.expect_text("Your requests").await;
    maria.press(&list, &format!("x:{medicine}")).await;
    let sure = maria
        .expect_text(&format!("Cancel request #{medicine}?"))
        .await;
    maria.press(&sure, &format!("xc:{medicine}")).await;
    maria
        .expect_text(&format!("Request #{medicine} is cancelled"))
        .await;
    assert_eq!(held_for(&app, 701).await, 4);

    // 08:00: one message each, listing what is still open, each with its own Take button.
    app.clock.set(utc("2026-12-02T05:00:00Z"));
    let morning = vera.expect_text("Good morning! 2 new requests").await;
    assert_eq!(
        morning.inline_buttons(),
        [
            (format!("🤝 Take #{bread}"), format!("c:{bread}")),
            (format!("🤝 Take #{milk}"), format!("c:{milk}")),
        ]
    );
    assert!(
        morning.text.contains("Bread") && morning.text.contains("Milk"),
        "{}",
        morning.text
    );
    for gone in ["Firewood", "Medicine", "Lenina", "+7 912"] {
        assert!(!morning.text.contains(gone), "{gone}: {}", morning.text);
    }
    let utro = olga.expect_text("Доброе утро!").await;
    assert!(
        utro.text.contains("вас ждали новые заявки: 2")
            && utro.has_button(&format!("Взять №{milk}")),
        "{}",
        utro.describe()
    );
    tokio::time::sleep(QUIET).await;
    let news: Vec<_> = vera.unread().into_iter().filter(|m| !m.is_edit()).collect();
    assert!(news.is_empty(), "one message only: {news:?}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM held_pushes").await, 0);

    // Its buttons are checked like any Take: one works, one taken meanwhile is refused kindly.
    take(&vera, &morning, milk).await;
    assert_eq!(status_of(&app, milk).await, ("claimed".into(), Some(701)));
    let q = olga.press(&utro, &format!("c:{milk}")).await;
    assert!(
        olga.answer_text(&q)
            .await
            .contains("только что взял другой волонтёр")
    );
    assert_eq!(status_of(&app, milk).await, ("claimed".into(), Some(701)));

    // The next night more waited than one message lists: the rest are pointed to /tasks.
    let release = utc("2026-12-03T05:00:00Z").timestamp_millis();
    let mut seeded = vec![];
    for i in 0..10 {
        seeded.push(seed_held(&app, &format!("Seeded {i}"), 702, release).await);
    }
    app.clock.set(utc("2026-12-03T05:00:00Z"));
    let morning = boris.expect_text("Good morning! 10 new requests").await;
    assert_eq!(morning.inline_buttons().len(), 8);
    assert!(
        morning.text.contains("…and 2 more: /tasks"),
        "{}",
        morning.text
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM held_pushes").await, 0);
    app.stop().await;
}

// ---- a weekly repeat and the rest of the bot ----------------------------------------------------

#[tokio::test]
async fn a_weekly_repeat_waits_for_last_weeks_request_the_open_limit_and_a_paused_intake() {
    // Tuesday, 10:00 in Pskov. One unfinished request per requester at most.
    let app = TestApp::spawn_at(utc("2026-12-01T07:00:00Z"), |c| c.max_open_requests = 1).await;
    let boris = seed_volunteer(&app, 702, "Boris", "en", PSKOV, &["groceries"]).await;
    let vera = seed_volunteer(&app, 701, "Vera", "en", PSKOV, &["groceries"]).await;
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    let maria = app.user(101, "Maria", "en");
    let first = ask_for_help(
        &maria,
        &Ask {
            for_other: Some("Granny Zina"),
            ..Ask::default()
        },
    )
    .await;
    let push = expect_push(&boris, first).await;
    let held = take(&boris, &push, first).await;
    mark_done(&boris, &held, first).await;
    let ask = maria
        .expect_text(&format!("The volunteer says request #{first} is done"))
        .await;
    accept_weekly(&maria, &ask, first).await;

    // 08.12: posted, and — made for someone else — with a link for the family, like any such request.
    app.clock.set(utc("2026-12-08T06:00:00Z"));
    let posted = maria.expect_text("posted again").await;
    let repeat = request_number(&posted.text);
    assert!(
        posted
            .text
            .contains(&format!("Family can follow request #{repeat}"))
            && posted.text.contains("start=f_"),
        "{}",
        posted.text
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM follow_links").await,
        1,
        "the link of the new request (the old one's went when it closed)"
    );
    expect_push(&boris, repeat).await;
    app.clock.advance(Span::hours(3));
    let push = expect_push(&vera, repeat).await;

    // 15.12: last week's still waits for a volunteer — no second one; the repeat goes on.
    app.clock.set(utc("2026-12-15T06:00:00Z"));
    let skipped = maria.expect_text("did not post a new one this week").await;
    assert!(
        skipped.text.contains(&format!(
            "Request #{repeat} is still waiting for a volunteer"
        )) && skipped.text.contains("The next one comes on 22.12.2026"),
        "{}",
        skipped.text
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM help_requests").await, 2);
    // 22.12: Vera holds it now — still no second one.
    let details = take(&vera, &push, repeat).await;
    app.clock.set(utc("2026-12-22T06:00:00Z"));
    let skipped = maria.expect_text("did not post a new one this week").await;
    assert!(
        skipped.text.contains(&format!(
            "A volunteer is still helping with request #{repeat}"
        )),
        "{}",
        skipped.text
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM help_requests").await, 2);

    // Done and confirmed; Maria asks for something else by hand, which is her one unfinished
    // request: the repeat does not go past MAX_OPEN_REQUESTS. She reads Russian now.
    mark_done(&vera, &details, repeat).await;
    let ask = maria
        .expect_text(&format!("The volunteer says request #{repeat} is done"))
        .await;
    maria.press(&ask, &format!("y:{repeat}")).await;
    maria
        .expect_text(&format!("Thank you! Request #{repeat} is closed"))
        .await;
    let by_hand = ask_for_help(
        &maria,
        &Ask {
            details: "Medicine",
            ..Ask::default()
        },
    )
    .await;
    maria.send_text("/language").await;
    let choose = maria.expect_text("Choose").await;
    maria.press(&choose, "l:ru").await;
    maria.expect_text("Язык").await;
    app.clock.set(utc("2026-12-29T06:00:00Z"));
    let skipped = maria.expect_text("не завершены заявки: 1").await;
    assert!(
        skipped.text.contains(&format!(
            "повтор заявки №{first} на этой неделе мы не отправили"
        )) && skipped.text.contains("Следующий — 05.01.2027"),
        "{}",
        skipped.text
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM help_requests").await, 3);

    // The club paused intake in Pskov: the requester reads the club's message.
    lena.send_text("/intake").await;
    let list = lena.expect_text("New requests in your regions").await;
    lena.press_label(&list, "Pause: Pskov").await;
    lena.expect_text("What should people read instead?").await;
    lena.send_text("Please call 8-800-100 <today>").await;
    lena.expect_text("are paused").await;
    maria.send_text("/my").await;
    let list = maria.expect_text("Ваши заявки").await;
    maria.press(&list, &format!("x:{by_hand}")).await;
    let sure = maria.expect_text(&format!("№{by_hand}")).await;
    maria.press(&sure, &format!("xc:{by_hand}")).await;
    maria.expect_text("отменена").await;
    app.clock.set(utc("2027-01-05T06:00:00Z"));
    let skipped = maria
        .expect_text("сейчас не принимает новые заявки через бота")
        .await;
    assert!(
        skipped.text.contains("Please call 8-800-100 <today>")
            && skipped.html.contains("&lt;today&gt;")
            && skipped.text.contains("Следующая — 12.01.2027"),
        "{}",
        skipped.text
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM help_requests").await, 3);

    // Resumed: the next week's comes again.
    lena.send_text("/intake").await;
    let list = lena.expect_text("New requests in your regions").await;
    lena.press_label(&list, "Resume: Pskov").await;
    lena.expect_text("takes new requests again").await;
    app.clock.set(utc("2027-01-12T06:00:00Z"));
    maria
        .expect_text("Ваша еженедельная заявка снова отправлена")
        .await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM help_requests").await, 4);
    app.stop().await;
}
