//! Requests that need a person: unclaimed ones alert the leads once, taken ones not done remind the
//! volunteer and then alert the leads, "Not yet" alerts the leads. Time is the test's clock.

use std::time::Duration;

use chrono::Duration as Span;

use crate::steps::*;
use crate::support::{TestApp, utc};

const QUIET: Duration = Duration::from_millis(250);

#[tokio::test]
async fn an_unclaimed_today_request_alerts_the_leads_once_after_two_hours() {
    let mut app = TestApp::spawn().await;
    // 10:00 in Pskov: the 2.5 hours below cross no morning digest and no quiet hours.
    app.clock.set(utc("2026-12-02T07:00:00Z"));
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    sqlx::query("UPDATE leads SET appointed_at = ?")
        .bind(app.clock.now_ms())
        .execute(&app.db)
        .await
        .unwrap();
    let vera = seed_volunteer(&app, 702, "Vera", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    expect_push(&vera, id).await;

    app.clock.advance(Span::minutes(119));
    lena.no_more_messages(QUIET).await;
    app.clock.advance(Span::minutes(2));
    let alert = lena
        .expect_text(&format!("Nobody has taken request #{id}"))
        .await;
    assert!(
        alert.text.contains("Groceries")
            && alert.text.contains("Pskov")
            && alert.text.contains("2 h"),
        "{}",
        alert.text
    );
    assert!(!alert.text.contains("Lenina"), "no address in an alert");
    app.clock.advance(Span::minutes(30));
    lena.no_more_messages(QUIET).await;
    app.restart().await;
    app.clock.advance(Span::minutes(1));
    lena.no_more_messages(QUIET).await;
    let alerts: i64 = count(&app, "SELECT COUNT(*) FROM alerts WHERE kind = 'unclaimed'").await;
    assert_eq!(alerts, 1, "the escalation fired once");

    // 📣 Push again from the alert reaches the volunteers again.
    lena.press(&alert, &format!("ep:{id}")).await;
    lena.expect_text(&format!("Request #{id} was sent again to 1 volunteers"))
        .await;
    expect_push(&vera, id).await;
    app.stop().await;
}

#[tokio::test]
async fn a_request_for_later_alerts_after_a_day_and_a_region_without_leads_alerts_the_operators() {
    let app = TestApp::spawn_with(|c| c.admin_ids = vec![9000]).await;
    let op = app.user(9000, "Olga", "en");
    op.send_text("/start").await;
    op.expect_text("Hello").await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(
        &maria,
        &Ask {
            when: "Within 3 days",
            ..Ask::default()
        },
    )
    .await;
    app.clock.advance(Span::hours(3));
    op.no_more_messages(QUIET).await;
    app.clock.advance(Span::hours(21));
    let alert = op
        .expect_text(&format!("Nobody has taken request #{id}"))
        .await;
    assert!(alert.text.contains("24 h"));
    assert!(alert.has_button("Assign"));
    app.stop().await;
}

#[tokio::test]
async fn a_taken_request_not_done_reminds_the_volunteer_after_a_day_and_alerts_the_leads_after_two()
{
    let app = TestApp::spawn().await;
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    sqlx::query("UPDATE leads SET appointed_at = ?")
        .bind(app.clock.now_ms())
        .execute(&app.db)
        .await
        .unwrap();
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
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
    take(&boris, &push, id).await;

    app.clock.advance(Span::hours(24) + Span::minutes(1));
    let reminder = boris
        .expect_text(&format!("Are you still on request #{id}?"))
        .await;
    assert!(reminder.has_button("Done") && reminder.has_button("Give back"));
    tokio::time::sleep(QUIET).await;
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM alerts WHERE kind = 'stuck'").await,
        0,
        "the leads are not alerted yet"
    );
    app.clock.advance(Span::hours(24));
    let alert = lena.expect_text("was taken by Boris").await;
    assert!(
        alert.text.contains("was taken by Boris 48 h ago"),
        "{}",
        alert.text
    );
    app.clock.advance(Span::hours(24));
    tokio::time::sleep(QUIET).await;
    assert!(
        boris
            .unread()
            .iter()
            .all(|m| !m.text.contains("Are you still on")),
        "one reminder only"
    );
    let reminders: Vec<(String, i64)> =
        sqlx::query_as("SELECT kind, COUNT(*) FROM alerts GROUP BY kind ORDER BY kind")
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        reminders,
        [("reminder".to_owned(), 1), ("stuck".to_owned(), 1)]
    );

    // Done from the reminder works like Done from the details.
    boris.press(&reminder, &format!("d:{id}")).await;
    maria.expect_text("Did you get the help?").await;
    assert_eq!(status_of(&app, id).await.0, "done");

    // A lead may reopen it from the alert even when it is marked done; the volunteer is told.
    lena.press(&alert, &format!("ro:{id}")).await;
    lena.expect_text(&format!("Request #{id} is open again"))
        .await;
    boris.expect_text(&format!("reopened request #{id}")).await;
    app.stop().await;
}

#[tokio::test]
async fn a_requester_saying_not_yet_alerts_the_leads_at_once() {
    let app = TestApp::spawn().await;
    let lena = seed_lead(&app, 301, "Lena", "ru", PSKOV).await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&boris, id).await;
    let details = take(&boris, &push, id).await;
    boris.press(&details, &format!("d:{id}")).await;
    let ask = maria.expect_text("Did you get the help?").await;
    maria.press(&ask, &format!("n:{id}")).await;
    let alert = lena.expect_text(&format!("Заявка №{id}")).await;
    assert!(
        alert.text.contains("помощь не пришла") && alert.text.contains("Boris"),
        "{}",
        alert.text
    );
    app.stop().await;
}
