//! Personal data: /delete_me erases a person's data at once; the retention job erases the address
//! and phone of ended requests after RETENTION_DAYS. Counts and anonymous events stay.

use std::time::Duration;

use serde_json::json;
use sqlx::Row;

use crate::steps::*;
use crate::support::{SentMessage, TestApp, TestUser};

const QUIET: Duration = Duration::from_millis(300);

/// Presses a button as Telegram would send it for a person who has a username, so the bot records
/// one (test users have none).
fn press_with_username(app: &TestApp, user: &TestUser, msg: &SentMessage, data: &str) -> String {
    let id = app.fake.new_callback_query_id();
    let mut from = user.user_json();
    from["username"] = json!("maria_k");
    let message = app
        .fake
        .message(msg.chat_id, msg.message_id)
        .expect("the fake knows the message");
    app.push_raw(json!({"callback_query": {
        "id": id,
        "from": from,
        "message": message,
        "chat_instance": format!("ci-{}", msg.chat_id),
        "data": data,
    }}));
    id
}

struct Private {
    address: Option<String>,
    phone: Option<String>,
    beneficiary_name: Option<String>,
    details: Option<String>,
    purged_at: Option<i64>,
}

async fn private_of(app: &TestApp, id: i64) -> Private {
    let r = sqlx::query(
        "SELECT address, phone, beneficiary_name, details, purged_at FROM help_requests WHERE id = ?",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    Private {
        address: r.get(0),
        phone: r.get(1),
        beneficiary_name: r.get(2),
        details: r.get(3),
        purged_at: r.get(4),
    }
}

async fn user_row(app: &TestApp, id: i64) -> (String, Option<String>, Option<String>, Option<i64>) {
    let r = sqlx::query("SELECT first_name, username, phone, erased_at FROM users WHERE id = ?")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    (r.get(0), r.get(1), r.get(2), r.get(3))
}

async fn events_total(app: &TestApp) -> i64 {
    count(app, "SELECT COUNT(*) FROM request_events").await
}

/// The volunteer's details message of a request is on record (the sender records it right after
/// Telegram answers), so an end of the request can edit it.
async fn details_recorded(app: &TestApp, id: i64) {
    eventually("the details message is recorded", || async {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM detail_messages WHERE request_id = ?")
                .bind(id)
                .fetch_one(&app.db)
                .await
                .unwrap();
        (n > 0).then_some(())
    })
    .await;
}

/// A request taken by `v`, marked done and confirmed by `requester`: closed.
async fn closed_request(app: &TestApp, requester: &TestUser, v: &TestUser, ask: &Ask<'_>) -> i64 {
    let id = ask_for_help(requester, ask).await;
    let push = expect_push(v, id).await;
    let details = take(v, &push, id).await;
    requester.expect_text("has taken your request").await;
    details_recorded(app, id).await;
    v.press(&details, &format!("d:{id}")).await;
    let confirm = requester.expect_text("Did you get the help?").await;
    requester.press(&confirm, &format!("y:{id}")).await;
    requester
        .expect_text(&format!("Request #{id} is closed"))
        .await;
    v.expect_text(&format!("The person confirmed that request #{id}"))
        .await;
    assert_eq!(status_of(app, id).await.0, "closed");
    id
}

#[tokio::test]
async fn a_requester_who_erases_their_data_keeps_only_anonymous_counts_and_is_answered_after() {
    let app = TestApp::spawn().await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let vera = seed_volunteer(&app, 702, "Vera", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");

    // One request for her neighbour, done and closed; one waiting; one taken by Boris.
    let for_neighbour = Ask {
        for_other: Some("Olga Petrovna"),
        ..Ask::default()
    };
    let closed = closed_request(&app, &maria, &boris, &for_neighbour).await;
    let open = ask_for_help(&maria, &Ask::default()).await;
    expect_push(&boris, open).await;
    let vera_push = expect_push(&vera, open).await;
    let taken = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&boris, taken).await;
    expect_push(&vera, taken).await;
    take(&boris, &push, taken).await;
    maria.expect_text("has taken your request").await;
    vera.expect_text(&format!("Request #{taken} (")).await;
    details_recorded(&app, taken).await;
    // Pushes of the waiting request are on record (to be edited when it ends).
    eventually("the pushes are recorded", || async {
        let n = count(&app, "SELECT COUNT(*) FROM pushes").await;
        (n >= 2).then_some(())
    })
    .await;
    sqlx::query("UPDATE users SET phone = '+79120001122' WHERE id = 101")
        .execute(&app.db)
        .await
        .unwrap();
    let events_before = events_total(&app).await;

    maria.send_text("/delete_me").await;
    let question = maria.expect_text("Erase your personal data?").await;
    assert!(
        question
            .text
            .contains("Your 2 unfinished requests will be cancelled")
            && question.text.contains("What stays")
            && !question.text.contains("volunteer profile"),
        "{}",
        question.text
    );
    assert_eq!(
        question.inline_buttons(),
        [
            ("🗑 Yes, erase".to_owned(), "dm:y".to_owned()),
            ("⬅️ No, keep".to_owned(), "dm:n".to_owned())
        ]
    );
    press_with_username(&app, &maria, &question, "dm:y");
    maria
        .expect_text("Done: your personal data is erased")
        .await;

    // Boris is told the request he took is off, and his details message loses the address.
    boris
        .expect_text(&format!(
            "Request #{taken} was cancelled by the person who asked. You don't need to go"
        ))
        .await;
    let retracted = app
        .fake
        .wait_for(Duration::from_secs(5), |c| {
            c.method == "editmessagetext"
                && c.chat_id() == Some(701)
                && c.text()
                    .unwrap_or_default()
                    .contains(&format!("Request #{taken} is no longer with you"))
        })
        .await
        .expect("the details message of the taken request is edited");
    assert!(!retracted.text().unwrap_or_default().contains("Lenina"));
    // The announcements of the waiting request say it was cancelled.
    let edited = vera
        .expect_text(&format!(
            "Request #{open} was cancelled by the person who asked"
        ))
        .await;
    assert!(edited.is_edit() && edited.message_id == vera_push.message_id);
    assert!(edited.inline_buttons().is_empty());

    // The database: no name, username or phone; no address, phone or names in any request.
    let (name, username, phone, erased_at) = user_row(&app, 101).await;
    assert_eq!(
        (name.as_str(), username, phone),
        ("", None, None),
        "the person's own data is blank"
    );
    assert!(erased_at.is_some());
    for id in [closed, open, taken] {
        let p = private_of(&app, id).await;
        assert_eq!(
            (p.address, p.phone, p.beneficiary_name, p.details),
            (None, None, None, None),
            "request {id} still has personal data"
        );
        assert!(p.purged_at.is_some(), "request {id} is marked purged");
    }
    assert_eq!(status_of(&app, closed).await, ("closed".into(), Some(701)));
    assert_eq!(status_of(&app, open).await, ("cancelled".into(), None));
    assert_eq!(
        status_of(&app, taken).await,
        ("cancelled".into(), Some(701))
    );
    // Events stay; two more: the cancellations, by her, saying why.
    assert_eq!(events_total(&app).await, events_before + 2);
    assert_eq!(
        events_of(&app, closed).await,
        [
            "created",
            "pushed",
            "claimed",
            "done",
            "confirmed",
            "closed"
        ]
    );
    for id in [open, taken] {
        assert_eq!(
            event_note(&app, id, "cancelled").await,
            "requester erased their data"
        );
    }
    // No copy of her address is left in the queue of messages either.
    let copies = count(
        &app,
        "SELECT COUNT(*) FROM outbox WHERE payload_json LIKE '%Lenina%'",
    )
    .await;
    assert_eq!(copies, 0, "stored messages still carry the address");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM users WHERE id = 101").await,
        1
    );

    // She can use the bot again at once.
    maria.send_text("/start").await;
    maria.expect_text("Hello, Maria").await;
    app.stop().await;
}

#[tokio::test]
async fn a_volunteer_who_erases_their_data_gives_back_what_they_hold_and_gets_no_more_pushes() {
    let app = TestApp::spawn().await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries", "medicine"]).await;
    let vera = seed_volunteer(&app, 702, "Vera", "en", PSKOV, &["groceries"]).await;
    seed_lead(&app, 701, "Boris", "en", PSKOV).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&boris, id).await;
    expect_push(&vera, id).await;
    take(&boris, &push, id).await;
    maria.expect_text("has taken your request").await;
    vera.expect_text("has been taken").await;
    details_recorded(&app, id).await;

    boris.send_text("/delete_me").await;
    let question = boris.expect_text("Erase your personal data?").await;
    for line in [
        "The request you took goes back to other volunteers",
        "Your volunteer profile will be deleted",
        "You will no longer be a club lead",
    ] {
        assert!(question.text.contains(line), "{}", question.text);
    }
    assert!(!question.text.contains("unfinished"), "{}", question.text);
    boris.press(&question, "dm:y").await;
    let done = boris
        .expect_text("Done: your personal data is erased")
        .await;
    // Back to the menu of someone who is not a volunteer.
    assert!(
        done.keyboard().iter().any(|b| b.contains("I want to help")),
        "{:?}",
        done.keyboard()
    );

    maria
        .expect_text(&format!(
            "The volunteer can't come after all, sorry. Request #{id} is open again"
        ))
        .await;
    expect_push(&vera, id).await;
    assert_eq!(status_of(&app, id).await, ("open".into(), None));
    let retracted = app
        .fake
        .wait_for(Duration::from_secs(5), |c| {
            c.method == "editmessagetext"
                && c.chat_id() == Some(701)
                && c.text()
                    .unwrap_or_default()
                    .contains(&format!("Request #{id} is no longer with you"))
        })
        .await
        .expect("Boris's details message is edited");
    assert!(!retracted.text().unwrap_or_default().contains("Lenina"));
    for table in [
        "SELECT COUNT(*) FROM volunteers WHERE user_id = 701",
        "SELECT COUNT(*) FROM volunteer_regions WHERE user_id = 701",
        "SELECT COUNT(*) FROM volunteer_categories WHERE user_id = 701",
        "SELECT COUNT(*) FROM leads WHERE user_id = 701",
    ] {
        assert_eq!(count(&app, table).await, 0, "{table}");
    }
    assert_eq!(user_row(&app, 701).await.0, "");
    // The release names Boris, who gave it back by erasing his data.
    let actor: Option<i64> = sqlx::query_scalar(
        "SELECT actor_id FROM request_events WHERE request_id = ? AND kind = 'released'",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(actor, Some(701));

    // A new request reaches Vera, not Boris.
    let next = ask_for_help(
        &maria,
        &Ask {
            details: "Medicine and bread",
            ..Ask::default()
        },
    )
    .await;
    expect_push(&vera, next).await;
    no_push(&boris, next, QUIET).await;
    no_push(&boris, id, Duration::ZERO).await;
    app.stop().await;
}

#[tokio::test]
async fn no_keeps_everything_a_forged_yes_is_honoured_and_a_second_yes_changes_nothing() {
    let app = TestApp::spawn().await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let posted = ask_for_help_posted(&maria, &Ask::default()).await;
    let id = request_number(&posted.text);
    expect_push(&boris, id).await;

    // No: nothing changes, and the buttons go away.
    maria.send_text("/delete_me").await;
    let question = maria.expect_text("Erase your personal data?").await;
    assert!(
        question
            .text
            .contains("Your unfinished request will be cancelled")
    );
    maria.press(&question, "dm:n").await;
    maria.expect_text("nothing is erased").await;
    eventually("the question loses its buttons", || async {
        let m = app.fake.message(101, question.message_id)?;
        m.get("reply_markup").is_none().then_some(())
    })
    .await;
    assert_eq!(user_row(&app, 101).await.0, "Maria");
    assert_eq!(status_of(&app, id).await.0, "open");
    assert_eq!(
        private_of(&app, id).await.address.as_deref(),
        Some("Lenina 5, flat 12")
    );
    assert!(user_row(&app, 101).await.3.is_none());

    // "dm:y" under a message that never asked: it is her own data, so it is erased.
    maria.press(&posted, "dm:y").await;
    maria
        .expect_text("Done: your personal data is erased")
        .await;
    boris
        .expect_text(&format!("Request #{id} was cancelled"))
        .await;
    assert_eq!(status_of(&app, id).await.0, "cancelled");
    let erased_at = user_row(&app, 101).await.3.expect("erased_at is set");
    let events = events_total(&app).await;
    let calls = app.fake.call_count();

    // Again (a second tap, or the old question): nothing more happens, only a short answer.
    app.clock.advance(chrono::Duration::minutes(5));
    let q = maria.press(&question, "dm:y").await;
    let answer = maria
        .callback_answer(&q)
        .await
        .expect("the press is answered");
    assert!(
        answer.params["text"]
            .as_str()
            .unwrap_or_default()
            .contains("already erased"),
        "{:?}",
        answer.params
    );
    maria.no_more_messages(QUIET).await;
    boris.no_more_messages(Duration::ZERO).await;
    assert_eq!(events_total(&app).await, events);
    let (name, _, _, again) = user_row(&app, 101).await;
    assert_eq!((name.as_str(), again), ("", Some(erased_at)));
    let sent_since: Vec<String> = app
        .fake
        .calls_since(calls)
        .iter()
        .filter(|c| c.method.starts_with("send"))
        .map(|c| format!("{} to {:?}", c.method, c.chat_id()))
        .collect();
    assert!(sent_since.is_empty(), "{sent_since:?}");
    app.stop().await;
}

#[tokio::test]
async fn the_address_and_phone_of_an_ended_request_are_erased_after_the_retention_period() {
    let app = TestApp::spawn().await;
    assert_eq!(app.config.retention_days, 30);
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let closed = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&boris, closed).await;
    let details = take(&boris, &push, closed).await;
    assert!(details.text.contains("Lenina 5, flat 12"));
    maria.expect_text("has taken your request").await;
    details_recorded(&app, closed).await;
    boris.press(&details, &format!("d:{closed}")).await;
    let confirm = maria.expect_text("Did you get the help?").await;
    maria.press(&confirm, &format!("y:{closed}")).await;
    maria.expect_text("is closed").await;

    // When it ended, the volunteer's details message was edited to drop address and phone.
    let retracted = app
        .fake
        .wait_for(Duration::from_secs(5), |c| {
            c.method == "editmessagetext"
                && c.chat_id() == Some(701)
                && c.params["message_id"].as_i64() == Some(details.message_id)
        })
        .await
        .expect("the details message is edited when the request ends");
    let text = retracted.text().unwrap_or_default();
    assert!(
        text.contains("no longer with you") && !text.contains("Lenina") && !text.contains("912"),
        "{text}"
    );

    let open = ask_for_help(
        &maria,
        &Ask {
            address: "Sovetskaya 3",
            ..Ask::default()
        },
    )
    .await;

    // 29 days later: not yet.
    app.clock.advance(chrono::Duration::days(29));
    tokio::time::sleep(QUIET).await;
    let p = private_of(&app, closed).await;
    assert_eq!(p.address.as_deref(), Some("Lenina 5, flat 12"));
    assert!(p.phone.is_some() && p.purged_at.is_none());

    // 31 days: erased, once.
    app.clock.advance(chrono::Duration::days(2));
    let purged_at = eventually("the closed request is purged", || async {
        private_of(&app, closed).await.purged_at
    })
    .await;
    assert_eq!(purged_at, app.clock.now_ms());
    let p = private_of(&app, closed).await;
    assert_eq!((p.address, p.phone, p.beneficiary_name), (None, None, None));
    // What was asked stays (the requester did not erase their data): counts and history are whole.
    assert_eq!(
        p.details.as_deref(),
        Some("Bread, milk and buckwheat, please")
    );
    assert_eq!(status_of(&app, closed).await.0, "closed");
    assert_eq!(events_of(&app, closed).await.len(), 6);
    let still_open = private_of(&app, open).await;
    assert_eq!(still_open.address.as_deref(), Some("Sovetskaya 3"));
    assert!(still_open.phone.is_some() && still_open.purged_at.is_none());

    // Moving on does not purge it again.
    app.clock.advance(chrono::Duration::days(1));
    tokio::time::sleep(QUIET).await;
    assert_eq!(private_of(&app, closed).await.purged_at, Some(purged_at));
    app.stop().await;
}
