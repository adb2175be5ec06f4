//! Wrong content, empty or over-long text, unknown names, stale and forged buttons, commands a role
//! may not use, group chats and garbage updates: a kind answer, and the dialogue stays where it was.

use std::time::Duration;

use serde_json::json;

use crate::steps::*;
use crate::support::{TestApp, TestUser};

/// Starts a request and answers up to the question `until` (English).
async fn walk_to(user: &TestUser, until: &str) {
    user.send_text("🆘 I need help").await;
    user.expect_text("Who needs help?").await;
    let steps = [
        ("🙋 Me", "describes"),
        ("👵 Elderly person", "Which region?"),
        ("pskov", "What kind of help"),
        ("🛒 Groceries", "What exactly is needed?"),
        ("Bread", "Which town or village?"),
        ("Pskov", "Street, house and flat?"),
        ("Lenina 1", "When is help needed?"),
        ("📅 Choose a date", "Which date?"),
    ];
    for (send, expect) in steps {
        if user.unread().iter().any(|m| m.text.contains(until)) {
            break;
        }
        user.send_text(send).await;
        let got = user.expect_text(expect).await;
        if got.text.contains(until) {
            return;
        }
    }
}

/// The step and the draft stored for this chat.
async fn stored_step(app: &TestApp, chat: i64) -> serde_json::Value {
    let json = dialogue_of(app, chat).await;
    let v: serde_json::Value = serde_json::from_str(&json).expect("a dialogue is stored");
    v["Request"].clone()
}

#[tokio::test]
async fn wrong_content_empty_and_overlong_text_are_answered_and_nothing_is_lost() {
    let app = TestApp::spawn().await;
    let maria = app.user(101, "Maria", "en");
    walk_to(&maria, "What exactly is needed?").await;
    let before = stored_step(&app, 101).await;
    assert_eq!(before["step"], "Details");

    maria.send_sticker().await;
    let m = maria
        .expect_text("Please type it, or send a voice message")
        .await;
    assert!(
        m.text.contains("What exactly is needed?"),
        "the question is asked again: {}",
        m.text
    );
    maria.send_photo().await;
    maria.expect_text("Please type it").await;
    maria.send_location().await;
    maria.expect_text("Please type it").await;
    maria.send_text("   ").await;
    maria.expect_text("That looks empty").await;
    maria.send_text(&"x".repeat(1001)).await;
    maria
        .expect_text("That is too long: 1001 characters, the limit is 1000")
        .await;
    assert_eq!(
        stored_step(&app, 101).await,
        before,
        "nothing typed so far is lost"
    );

    maria.send_text(&"y".repeat(1000)).await;
    maria.expect_text("Which town or village?").await;
    let after = stored_step(&app, 101).await;
    assert_eq!(after["step"], "Settlement");
    assert_eq!(after["draft"]["category"], "groceries");
    assert_eq!(after["draft"]["region_id"], PSKOV);
    app.stop().await;
}

#[tokio::test]
async fn region_names_are_found_in_either_language_and_unknown_ones_get_close_matches() {
    let app = TestApp::spawn().await;
    let maria = app.user(101, "Maria", "en");
    walk_to(&maria, "Which region?").await;
    maria.send_text("Pskow").await;
    let close = maria
        .expect_text("I couldn't find «Pskow». Did you mean")
        .await;
    assert!(
        close.keyboard().contains(&"Pskov Oblast".to_owned()),
        "{:?}",
        close.keyboard()
    );
    maria.send_text("zzzzqqq").await;
    maria
        .expect_text("I couldn't find a region called «zzzzqqq»")
        .await;
    maria.send_text("моск").await;
    let several = maria.expect_text("Several regions match").await;
    let kb = several.keyboard();
    assert!(
        kb.contains(&"Moscow".to_owned()) && kb.contains(&"Moscow Oblast".to_owned()),
        "{kb:?}"
    );
    assert_eq!(stored_step(&app, 101).await["step"], "Region");
    maria.send_text("Moscow Oblast").await;
    maria.expect_text("What kind of help").await;
    assert_eq!(stored_step(&app, 101).await["draft"]["region_id"], 50);

    // Back, then page through the whole list.
    maria.send_text("⬅️ Back").await;
    let first = maria.expect_text("Which region?").await;
    maria.send_text("▶️ More").await;
    let second = maria.expect_text("Which region?").await;
    assert_ne!(
        first.keyboard(),
        second.keyboard(),
        "another page of regions"
    );
    maria.send_text("tatar").await;
    maria.expect_text("What kind of help").await;
    assert_eq!(
        stored_step(&app, 101).await["draft"]["region_id"],
        TATARSTAN
    );
    app.stop().await;
}

#[tokio::test]
async fn dates_in_the_past_or_unreadable_and_bad_phones_are_refused_kindly() {
    let app = TestApp::spawn().await;
    let maria = app.user(101, "Maria", "en");
    walk_to(&maria, "Which date?").await;
    maria.send_text("01.01.2020").await;
    maria.expect_text("That date has already passed").await;
    maria.send_text("next week maybe").await;
    maria.expect_text("I couldn't read that date").await;
    maria.send_text("31.02.2030").await;
    maria.expect_text("I couldn't read that date").await;
    assert_eq!(stored_step(&app, 101).await["step"], "Date");
    let next_year = chrono::Utc::now().date_naive() + chrono::Duration::days(40);
    maria
        .send_text(&next_year.format("%d.%m.%Y").to_string())
        .await;
    maria.expect_text("A phone number").await;
    maria.send_text("call me maybe").await;
    maria
        .expect_text("That doesn't look like a phone number")
        .await;
    maria.send_sticker().await;
    maria.expect_text("Please type your answer").await;
    assert_eq!(stored_step(&app, 101).await["step"], "Phone");
    maria.send_text("8 912 345 67 89").await;
    let summary = maria.expect_text("Please check your request").await;
    assert!(summary.text.contains("+79123456789"));
    assert!(
        summary
            .text
            .contains(&next_year.format("%d.%m.%Y").to_string())
    );
    app.stop().await;
}

#[tokio::test]
async fn cancel_at_any_step_leaves_nothing_and_back_keeps_the_answers() {
    let app = TestApp::spawn().await;
    let maria = app.user(101, "Maria", "en");
    walk_to(&maria, "Street, house and flat?").await;
    maria.send_text("⬅️ Back").await;
    maria.expect_text("Which town or village?").await;
    assert_eq!(stored_step(&app, 101).await["draft"]["settlement"], "Pskov");
    maria.send_text("/cancel").await;
    let bye = maria.expect_text("Cancelled. Nothing was saved.").await;
    assert!(bye.keyboard().contains(&"🆘 I need help".to_owned()));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM help_requests").await, 0);
    assert_eq!(dialogue_of(&app, 101).await, "");

    walk_to(&maria, "What kind of help").await;
    maria.send_text("❌ Cancel").await;
    maria.expect_text("Cancelled").await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM help_requests").await, 0);

    // A command mid-dialogue does not lose it.
    walk_to(&maria, "What kind of help").await;
    maria.send_text("/tasks").await;
    let m = maria.expect_text("Let's finish this first").await;
    assert!(m.text.contains("/cancel"));
    maria.expect_text("What kind of help").await;
    assert_eq!(stored_step(&app, 101).await["step"], "Category");
    app.stop().await;
}

#[tokio::test]
async fn changing_one_answer_from_the_summary_returns_to_the_summary() {
    let app = TestApp::spawn().await;
    let maria = app.user(101, "Maria", "en");
    walk_to(&maria, "Which date?").await;
    maria.send_text("⬅️ Back").await;
    maria.expect_text("When is help needed?").await;
    maria.send_text("Today").await;
    maria.expect_text("A phone number").await;
    maria.send_text("⏭ Skip").await;
    let summary = maria.expect_text("Please check your request").await;
    assert!(summary.text.contains("Lenina 1") && summary.text.contains("No phone"));
    maria.send_text("✏️ Change something").await;
    maria.expect_text("What would you like to change?").await;
    maria.send_text("Address").await;
    maria.expect_text("Street, house and flat?").await;
    maria.send_text("Lenina 2, flat 7").await;
    let again = maria.expect_text("Please check your request").await;
    assert!(again.text.contains("Lenina 2, flat 7") && !again.text.contains("Lenina 1"));
    maria.send_text("✅ Send the request").await;
    let id = request_number(&maria.expect_text("Request #").await.text);
    let address: String = sqlx::query_scalar("SELECT address FROM help_requests WHERE id = ?")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(address, "Lenina 2, flat 7");
    app.stop().await;
}

#[tokio::test]
async fn stale_and_forged_buttons_are_checked_on_the_server() {
    let app = TestApp::spawn().await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let outsider = seed_volunteer(&app, 702, "Outsider", "en", TATARSTAN, &["groceries"]).await;
    let stranger = app.user(999, "Stranger", "en");
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&boris, id).await;
    // Registered in the region, not yet approved.
    let waiting = seed_volunteer(&app, 703, "Waiting", "en", PSKOV, &["groceries"]).await;
    sqlx::query("UPDATE volunteers SET status = 'pending' WHERE user_id = ?")
        .bind(waiting.id)
        .execute(&app.db)
        .await
        .unwrap();

    let answer_text = |u: &TestUser, data: &'static str| {
        let push = push.clone();
        let u = u.clone();
        async move {
            let q = u.press(&push, data).await;
            u.callback_answer(&q).await.expect("answered").params["text"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        }
    };
    assert!(answer_text(&boris, "garbage").await.contains("out of date"));
    assert!(answer_text(&boris, "c:abc").await.contains("out of date"));
    assert!(
        answer_text(&boris, "c:424242")
            .await
            .contains("no longer exists")
    );
    assert!(
        answer_text(&stranger, "c:1")
            .await
            .contains("Only registered volunteers")
    );
    assert!(
        answer_text(&outsider, "c:1")
            .await
            .contains("region you don't cover")
    );
    assert!(
        answer_text(&waiting, "c:1")
            .await
            .contains("waiting for approval by the club")
    );
    assert!(answer_text(&boris, "d:1").await.contains("not yours"));
    assert!(
        answer_text(&boris, "y:1")
            .await
            .contains("not your request")
    );
    assert!(
        answer_text(&stranger, "xc:1")
            .await
            .contains("not your request")
    );
    assert!(
        answer_text(&maria, "c:1")
            .await
            .contains("your own request")
    );
    assert_eq!(id, 1);
    assert_eq!(status_of(&app, id).await, ("open".into(), None));
    assert_eq!(events_of(&app, id).await, ["created", "pushed"]);
    app.stop().await;
}

#[tokio::test]
async fn commands_a_role_may_not_use_are_explained() {
    let app = TestApp::spawn().await;
    let maria = app.user(101, "Maria", "en");
    maria.send_text("/tasks").await;
    maria.expect_text("This is for volunteers").await;
    maria.send_text("/profile").await;
    maria.expect_text("This is for volunteers").await;
    maria.send_text("/whatever").await;
    maria.expect_text("I didn't understand that").await;
    maria.send_text("hello?").await;
    let menu = maria.expect_text("What would you like to do?").await;
    assert!(menu.keyboard().contains(&"🤝 I want to help".to_owned()));

    let pending = seed_volunteer(&app, 702, "Pending", "en", PSKOV, &["groceries"]).await;
    sqlx::query("UPDATE volunteers SET status = 'pending' WHERE user_id = 702")
        .execute(&app.db)
        .await
        .unwrap();
    pending.send_text("/tasks").await;
    pending.expect_text("waiting for approval").await;
    app.stop().await;
}

#[tokio::test]
async fn group_chats_get_only_a_pointer_to_the_private_chat_and_garbage_is_survived() {
    let app = TestApp::spawn().await;
    let maria = app.user(101, "Maria", "en");
    let group = app.group(-1001, "Pskov club");
    group.send_text_as(&maria, "hello everyone").await;
    group
        .send_text_as(&maria, "/start@mutual_aid_test_bot")
        .await;
    let pointer = app
        .fake
        .wait_for(Duration::from_secs(5), |c| {
            c.chat_id() == Some(-1001) && c.text().is_some()
        })
        .await
        .expect("the bot answers a command in the group");
    assert!(pointer.text().unwrap().contains("@mutual_aid_test_bot"));
    group.send_text_as(&maria, "/start@some_other_bot").await;

    // Updates of kinds the bot does not serve, and malformed ones.
    app.push_raw(json!({"some_future_update": {"x": 1}}));
    app.push_raw(json!({"edited_message": {"message_id": 5, "date": 0, "chat": {"id": 101, "type": "private", "first_name": "Maria"}, "text": "edit"}}));
    app.push_raw(json!({"channel_post": {"message_id": 6, "date": 0, "chat": {"id": -100200, "type": "channel", "title": "News"}, "text": "post"}}));
    app.push_raw(
        json!({"message": {"message_id": 7, "date": 0, "chat": {"id": 101, "type": "private"}}}),
    );
    app.push_raw(json!({"callback_query": {"id": "q-raw", "from": {"id": 101, "is_bot": false, "first_name": "Maria"}, "chat_instance": "x", "data": "c:1"}}));

    maria.send_text("/start").await;
    maria.expect_text("Hello, Maria!").await;
    // The bot asks Telegram only for the kinds of update it serves.
    let polls = app.fake.calls_of("getupdates");
    let mut allowed: Vec<String> = polls[0].params["allowed_updates"]
        .as_array()
        .expect("allowed_updates is set")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect();
    allowed.sort();
    assert_eq!(allowed, ["callback_query", "message", "my_chat_member"]);
    let group_texts: Vec<String> = app
        .fake
        .calls()
        .iter()
        .filter(|c| c.chat_id() == Some(-1001))
        .filter_map(|c| c.text())
        .collect();
    assert_eq!(
        group_texts.len(),
        1,
        "one pointer, nothing for plain text or other bots: {group_texts:?}"
    );
    app.stop().await;
}

#[tokio::test]
async fn markup_typed_by_a_person_is_shown_as_text_and_never_breaks_a_message() {
    let app = TestApp::spawn().await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "<b>Maria</b> & Co", "en");
    let ask = Ask {
        details: "<b>milk</b> & bread <3 </i>",
        settlement: "Pskov <script>",
        address: "<a href=\"x\">Lenina</a> 5",
        ..Ask::default()
    };
    let id = ask_for_help(&maria, &ask).await;
    let push = expect_push(&boris, id).await;
    assert!(
        push.text.contains("<b>milk</b> & bread <3 </i>"),
        "{}",
        push.text
    );
    assert!(push.text.contains("Pskov <script>"));
    let details = take(&boris, &push, id).await;
    assert!(
        details.text.contains("<a href=\"x\">Lenina</a> 5"),
        "{}",
        details.text
    );
    let refused: Vec<_> = app
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.status != 200)
        .collect();
    assert!(
        refused.is_empty(),
        "Telegram would have refused: {:?}",
        refused
            .iter()
            .map(|c| c.error_description())
            .collect::<Vec<_>>()
    );
    app.stop().await;
}
