//! Long polling redelivers the last batch after a crash: an update handled once has no second
//! effect — no duplicate request, push, claim, event or reply.

use std::time::Duration;

use serde_json::{Value, json};

use crate::steps::*;
use crate::support::{SentMessage, TestApp, TestUser, unix_now};

const QUIET: Duration = Duration::from_millis(300);

fn text_update(user: &TestUser, update_id: i64, message_id: i64, text: &str) -> Value {
    json!({"update_id": update_id, "message": {
        "message_id": message_id, "date": unix_now(), "chat": user.chat_json(), "from": user.user_json(), "text": text,
    }})
}

fn press_update(user: &TestUser, update_id: i64, msg: &SentMessage, data: &str) -> Value {
    json!({"update_id": update_id, "callback_query": {
        "id": format!("redelivered-{update_id}"), "from": user.user_json(), "chat_instance": "ci", "data": data,
        "message": {"message_id": msg.message_id, "date": unix_now(), "chat": user.chat_json(), "text": msg.text},
    }})
}

/// Delivers `update`, waits for its effect, then restarts the bot and delivers it again.
async fn twice(app: &mut TestApp, update: Value) {
    app.push_raw(update.clone());
    app.fake
        .wait_updates_confirmed(Duration::from_secs(5))
        .await;
    tokio::time::sleep(QUIET).await;
    app.restart().await;
    app.push_raw(update);
    app.fake
        .wait_updates_confirmed(Duration::from_secs(5))
        .await;
}

#[tokio::test]
async fn an_update_delivered_again_after_a_restart_has_no_second_effect() {
    let mut app = TestApp::spawn().await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    maria.send_text("🆘 I need help").await;
    maria.expect_text("Who needs help?").await;
    for (send, expect) in [
        ("🙋 Me", "describes"),
        ("👵 Elderly person", "Which region?"),
    ] {
        maria.send_text(send).await;
        maria.expect_text(expect).await;
    }

    // A dialogue step: the region, delivered twice, is not read again as the next answer.
    twice(&mut app, text_update(&maria, 50_001, 9_001, "pskov")).await;
    maria.expect_text("What kind of help").await;
    maria.no_more_messages(QUIET).await;
    let state = dialogue_of(&app, 101).await;
    assert!(
        state.contains("\"Category\""),
        "still at the category question: {state}"
    );

    for (send, expect) in [
        ("🛒 Groceries", "What exactly"),
        ("Bread", "Which town"),
        ("Pskov", "Street"),
        ("Lenina 5", "When"),
        ("Today", "phone"),
        ("⏭ Skip", "Please check your request"),
    ] {
        maria.send_text(send).await;
        maria.expect_text(expect).await;
    }
    // Confirm, twice: one request, one push, one reply.
    twice(
        &mut app,
        text_update(&maria, 60_001, 9_002, "✅ Send the request"),
    )
    .await;
    let id = request_number(&maria.expect_text("Request #").await.text);
    maria.no_more_messages(QUIET).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM help_requests").await, 1);
    let push = expect_push(&boris, id).await;
    no_push(&boris, id, QUIET).await;
    assert_eq!(events_of(&app, id).await, ["created", "pushed"]);

    // Take, twice: one claim, one set of details.
    twice(
        &mut app,
        press_update(&boris, 70_001, &push, &format!("c:{id}")),
    )
    .await;
    let details = boris
        .expect_text(&format!("You took request #{id} ·"))
        .await;
    maria.expect_text("has taken your request").await;
    maria.no_more_messages(QUIET).await;
    let claims = boris
        .all_messages()
        .iter()
        .filter(|m| m.text.contains(&format!("You took request #{id} ·")))
        .count();
    assert_eq!(claims, 1);

    // Done, twice: the requester is asked once.
    twice(
        &mut app,
        press_update(&boris, 80_001, &details, &format!("d:{id}")),
    )
    .await;
    maria.expect_text("Did you get the help?").await;
    maria.no_more_messages(QUIET).await;
    assert_eq!(
        events_of(&app, id).await,
        ["created", "pushed", "claimed", "done"]
    );
    app.stop().await;
}
