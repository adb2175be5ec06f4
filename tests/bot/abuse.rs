//! Limits that keep one person (or a broken client) from hurting everyone else, and a volunteer
//! who disappears while holding a request.

use std::time::Duration;

use chrono::Duration as Span;

use crate::steps::*;
use crate::support::TestApp;

#[tokio::test]
async fn a_flood_from_one_person_is_cut_politely_before_any_sql_and_others_are_served() {
    let app = TestApp::spawn_with(|c| c.messages_per_minute = 10).await;
    let flooder = app.user(666, "Flood", "en");
    for i in 0..40 {
        flooder.send_text(&format!("spam {i}")).await;
    }
    let maria = app.user(101, "Maria", "en");
    maria.send_text("/start").await;
    maria.expect_text("Hello, Maria!").await;
    flooder
        .expect_text("You are sending a lot of messages")
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let answered = flooder
        .all_messages()
        .iter()
        .filter(|m| m.text.contains("What would you like to do?"))
        .count();
    let warned = flooder
        .all_messages()
        .iter()
        .filter(|m| m.text.contains("sending a lot"))
        .count();
    assert_eq!(
        (answered, warned),
        (10, 1),
        "ten answered, one polite word, the rest dropped"
    );
    // Dropped updates never reached the database: only the handled ones are recorded.
    let handled: i64 = count(&app, "SELECT COUNT(*) FROM processed_updates").await;
    assert_eq!(handled, 11, "ten from the flood and Maria's /start");
    app.stop().await;
}

#[tokio::test]
async fn a_requester_with_too_many_unfinished_requests_is_asked_to_wait() {
    let app = TestApp::spawn_with(|c| c.max_open_requests = 2).await;
    let maria = app.user(101, "Maria", "en");
    ask_for_help(&maria, &Ask::default()).await;
    ask_for_help(&maria, &Ask::default()).await;
    maria.send_text("🆘 I need help").await;
    let m = maria
        .expect_text("You already have 2 requests that are not finished")
        .await;
    assert!(m.text.contains("/my"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM help_requests").await, 2);
    assert_eq!(dialogue_of(&app, 101).await, "", "no dialogue was started");
    app.stop().await;
}

#[tokio::test]
async fn a_volunteer_who_blocks_the_bot_while_holding_a_request_gives_it_back_and_leads_are_told() {
    let app = TestApp::spawn().await;
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let vera = seed_volunteer(&app, 702, "Vera", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(
        &maria,
        &Ask {
            when: "Within 3 days",
            ..Ask::default()
        },
    )
    .await;
    let push = expect_push(&boris, id).await;
    expect_push(&vera, id).await;
    take(&boris, &push, id).await;
    maria.expect_text("has taken your request").await;

    app.fake.block_user(701);
    // A day later the reminder to Boris bounces with 403.
    app.clock.advance(Span::hours(24) + Span::minutes(1));
    lena.expect_text("Boris can no longer be reached in Telegram")
        .await;
    maria
        .expect_text("The volunteer can't come after all")
        .await;
    expect_push(&vera, id).await;
    assert_eq!(status_of(&app, id).await, ("open".into(), None));
    assert_eq!(
        event_note(&app, id, "released").await,
        "volunteer unreachable"
    );

    // Boris comes back: reachable again, pushed again.
    app.fake.unblock_user(701);
    boris.send_text("/start").await;
    boris.expect_text("Hello, Boris!").await;
    let unreachable: Option<i64> =
        sqlx::query_scalar("SELECT unreachable_at FROM users WHERE id = 701")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(unreachable, None);
    let next = ask_for_help(&maria, &Ask::default()).await;
    expect_push(&boris, next).await;
    app.stop().await;
}
