//! The outbox: replies before pushes, Telegram's limits kept, 429 honoured, blocked users, restarts.

use std::time::Duration;

use crate::steps::*;
use crate::support::TestApp;

#[tokio::test]
async fn a_reply_to_someone_typing_goes_before_a_long_fan_out() {
    let app = TestApp::spawn_with(|c| c.send_limits.per_second = 40).await;
    for i in 0..80 {
        seed_volunteer(&app, 2000 + i, "V", "en", PSKOV, &["groceries"]).await;
    }
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let oleg = app.user(102, "Oleg", "en");
    oleg.send_text("/start").await;
    let reply = oleg.expect_text("Hello, Oleg!").await;
    let pushes = app
        .fake
        .wait_for_n(80, Duration::from_secs(15), |c| {
            c.method == "sendmessage"
                && c.chat_id() != Some(101)
                && c.text()
                    .is_some_and(|t| t.contains(&format!("Request #{id}")))
        })
        .await;
    assert_eq!(pushes.len(), 80, "every volunteer is pushed");
    let last_push = pushes.iter().map(|c| c.at).max().unwrap();
    assert!(
        reply.at < last_push,
        "the reply did not wait for the fan-out to finish"
    );
    eventually("every queued message is recorded as sent", || async {
        (count(
            &app,
            "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .await
            == 0)
            .then_some(())
    })
    .await;
    app.stop().await;
}

#[tokio::test]
async fn sends_never_exceed_the_per_second_limit() {
    let app = TestApp::spawn_with(|c| c.send_limits.per_second = 10).await;
    for i in 0..25 {
        seed_volunteer(&app, 2000 + i, "V", "en", PSKOV, &["groceries"]).await;
    }
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let pushes = app
        .fake
        .wait_for_n(25, Duration::from_secs(15), |c| {
            c.method == "sendmessage"
                && c.chat_id() != Some(101)
                && c.text()
                    .is_some_and(|t| t.contains(&format!("Request #{id}")))
        })
        .await;
    assert_eq!(pushes.len(), 25);
    let sends: Vec<_> = app
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.method.starts_with("send") || c.method.starts_with("edit"))
        .map(|c| c.at)
        .collect();
    for (i, start) in sends.iter().enumerate() {
        let within = sends[i..]
            .iter()
            .take_while(|t| t.duration_since(*start) < Duration::from_secs(1))
            .count();
        assert!(within <= 10, "{within} sends within one second");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_429_pauses_sending_and_the_message_still_arrives() {
    let app = TestApp::spawn().await;
    let maria = app.user(101, "Maria", "en");
    app.fake.fail_next_retry_after("sendmessage", 1, 1);
    maria.send_text("/start").await;
    let hello = maria.expect_text("Hello, Maria!").await;
    let refused = app
        .fake
        .calls_of("sendmessage")
        .into_iter()
        .find(|c| c.status == 429)
        .expect("the fake said 429");
    assert!(
        hello.at.duration_since(refused.at) >= Duration::from_millis(950),
        "retry_after was honoured"
    );
    let attempts = eventually("the greeting is recorded as sent", || async {
        sqlx::query_scalar::<_, i64>("SELECT attempts FROM outbox WHERE sent_at IS NOT NULL AND payload_json LIKE '%Hello, Maria%'")
            .fetch_optional(&app.db)
            .await
            .unwrap()
    })
    .await;
    assert_eq!(attempts, 2, "one refused attempt, one delivered");
    app.stop().await;
}

#[tokio::test]
async fn a_volunteer_who_blocked_the_bot_is_not_pushed_until_they_come_back() {
    let app = TestApp::spawn().await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let vera = seed_volunteer(&app, 702, "Vera", "en", PSKOV, &["groceries"]).await;
    app.fake.block_user(701);
    let maria = app.user(101, "Maria", "en");
    let first = ask_for_help(&maria, &Ask::default()).await;
    expect_push(&vera, first).await;
    app.fake
        .wait_for(Duration::from_secs(5), |c| {
            c.chat_id() == Some(701) && c.status == 403
        })
        .await
        .expect("a 403");
    eventually("the blocked volunteer is marked unreachable", || async {
        sqlx::query_scalar::<_, Option<i64>>("SELECT unreachable_at FROM users WHERE id = 701")
            .fetch_one(&app.db)
            .await
            .unwrap()
    })
    .await;

    let second = ask_for_help(&maria, &Ask::default()).await;
    expect_push(&vera, second).await;
    let to_boris: i64 = count(&app, "SELECT COUNT(*) FROM outbox WHERE chat_id = 701").await;
    assert_eq!(
        to_boris, 1,
        "no second push was even queued for the blocked volunteer"
    );

    app.fake.unblock_user(701);
    boris.send_text("/start").await;
    boris.expect_text("Hello, Boris!").await;
    let third = ask_for_help(&maria, &Ask::default()).await;
    expect_push(&boris, third).await;
    app.stop().await;
}

#[tokio::test]
async fn queued_messages_and_dialogues_survive_a_restart() {
    let mut app = TestApp::spawn().await;
    let maria = app.user(101, "Maria", "en");
    maria.send_text("🆘 I need help").await;
    maria.expect_text("Who needs help?").await;
    maria.send_text("🙋 Me").await;
    maria.expect_text("describes").await;
    app.restart().await;
    // A message queued while the bot was down (as after a crash between commit and send).
    sqlx::query(
        "INSERT INTO outbox (priority, chat_id, kind, payload_json, not_before, created_at)
         VALUES (0, 101, 'text', '{\"t\":\"text\",\"text\":\"queued before the restart\"}', 0, 0)",
    )
    .execute(&app.db)
    .await
    .unwrap();
    maria.send_text("👵 Elderly person").await;
    maria.expect_text("Which region?").await;
    let queued = app
        .fake
        .wait_for(Duration::from_secs(5), |c| {
            c.text().is_some_and(|t| t == "queued before the restart")
        })
        .await;
    assert!(queued.is_some(), "the queued message was delivered");
    app.stop().await;
}
