//! Volunteers: registration, approval gate, profile changes, help.

use std::time::Duration;

use crate::steps::*;
use crate::support::TestApp;

async fn regions_of(app: &TestApp, id: i64) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT region_id FROM volunteer_regions WHERE user_id = ? ORDER BY region_id",
    )
    .bind(id)
    .fetch_all(&app.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn registration_stores_regions_kinds_of_help_and_phone() {
    let app = TestApp::spawn().await;
    let anna = app.user(501, "Anna", "en");
    anna.send_text("/start").await;
    anna.expect_text("Hello, Anna!").await;
    anna.send_text("🤝 I want to help").await;
    let name = anna.expect_text("What name should we show").await;
    assert!(
        name.keyboard().contains(&"Anna".to_owned()),
        "the Telegram name is offered"
    );
    anna.send_text("Anna K.").await;
    anna.expect_text("Which region do you help in?").await;
    anna.send_text("✅ Done").await;
    anna.expect_text("Please choose at least one region").await;
    anna.send_text("pskov").await;
    anna.expect_text("Chosen: Pskov Oblast").await;
    anna.send_text("моск").await;
    let several = anna.expect_text("Several regions match").await;
    assert!(several.keyboard().contains(&"Moscow".to_owned()));
    anna.send_text("Moscow").await;
    let chosen = anna.expect_text("Chosen: Pskov Oblast, Moscow").await;
    assert!(
        chosen.keyboard().contains(&"✅ Moscow".to_owned()),
        "{:?}",
        chosen.keyboard()
    );
    anna.send_text("✅ Moscow").await;
    anna.expect_text("Chosen: Pskov Oblast.").await;
    anna.send_text("✅ Done").await;
    anna.expect_text("What kinds of help can you give?").await;
    anna.send_text("✅ Done").await;
    anna.expect_text("Please choose at least one kind of help")
        .await;
    anna.send_text("💊 Medicine").await;
    anna.send_text("🚗 Transport or escort").await;
    let kinds = anna
        .expect_text("Chosen: 💊 Medicine, 🚗 Transport or escort")
        .await;
    assert!(
        kinds.keyboard().contains(&"✅ 💊 Medicine".to_owned()),
        "{:?}",
        kinds.keyboard()
    );
    anna.send_text("✅ Done").await;
    anna.expect_text("Your phone number").await;
    anna.send_text("not a phone").await;
    anna.expect_text("doesn't look like a phone number").await;
    anna.send_contact("+7 911 222 33 44").await;
    let done = anna.expect_text("You are registered as a volunteer").await;
    assert!(done.text.contains("Pskov Oblast") && done.text.contains("Medicine"));
    assert!(done.keyboard().contains(&"🔎 Open requests".to_owned()));

    let row: (String, Option<String>, String) =
        sqlx::query_as("SELECT display_name, phone, status FROM volunteers WHERE user_id = 501")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(
        row,
        (
            "Anna K.".into(),
            Some("+79112223344".into()),
            "approved".into()
        )
    );
    assert_eq!(regions_of(&app, 501).await, [PSKOV]);
    let kinds: Vec<String> = sqlx::query_scalar(
        "SELECT category FROM volunteer_categories WHERE user_id = 501 ORDER BY category",
    )
    .fetch_all(&app.db)
    .await
    .unwrap();
    assert_eq!(kinds, ["medicine", "transport"]);
    assert_eq!(dialogue_of(&app, 501).await, "");
    app.stop().await;
}

#[tokio::test]
async fn with_approval_required_a_new_volunteer_waits_and_is_not_pushed() {
    let app = TestApp::spawn_with(|c| c.require_volunteer_approval = true).await;
    let anna = app.user(501, "Anna", "en");
    anna.send_text("🤝 I want to help").await;
    for (send, expect) in [
        ("Anna", "Which region"),
        ("pskov", "Chosen"),
        ("✅ Done", "kinds of help"),
        ("🛒 Groceries", "Chosen"),
        ("✅ Done", "phone"),
        ("⏭ Skip", "waiting for approval"),
    ] {
        anna.send_text(send).await;
        anna.expect_text(expect).await;
    }
    let status: String = sqlx::query_scalar("SELECT status FROM volunteers WHERE user_id = 501")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "pending");
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    anna.no_more_messages(Duration::from_millis(300)).await;
    anna.send_text("/tasks").await;
    anna.expect_text("waiting for approval").await;
    // Even a forged press is refused on the server.
    let fake_push = maria.all_messages().pop().unwrap();
    let q = anna.press(&fake_push, &format!("c:{id}")).await;
    let answer = anna.callback_answer(&q).await.unwrap();
    assert!(
        answer.params["text"]
            .as_str()
            .unwrap()
            .contains("waiting for approval")
    );
    assert_eq!(status_of(&app, id).await.0, "open");
    app.stop().await;
}

#[tokio::test]
async fn a_volunteer_changes_regions_in_the_profile_and_pushes_follow() {
    let app = TestApp::spawn().await;
    let anna = app.user(501, "Anna", "en");
    register_volunteer(&anna, "pskov", &["🛒 Groceries"]).await;
    anna.send_text("👤 My profile").await;
    let profile = anna.expect_text("Status: active").await;
    assert!(profile.text.contains("Pskov Oblast") && profile.text.contains("Phone: not given"));
    anna.press(&profile, "pe:r").await;
    let ask = anna.expect_text("Which region do you help in?").await;
    assert!(ask.keyboard().contains(&"❌ Cancel".to_owned()));
    anna.send_text("tatar").await;
    anna.expect_text("Chosen: Pskov Oblast, Republic of Tatarstan")
        .await;
    anna.send_text("✅ Pskov Oblast").await;
    anna.expect_text("Chosen: Republic of Tatarstan.").await;
    anna.send_text("✅ Done").await;
    anna.expect_text("Saved").await;
    assert_eq!(regions_of(&app, 501).await, [TATARSTAN]);

    let maria = app.user(101, "Maria", "en");
    let in_pskov = ask_for_help(&maria, &Ask::default()).await;
    let in_tatarstan = ask_for_help(
        &maria,
        &Ask {
            region: "tatar",
            settlement: "Kazan",
            ..Ask::default()
        },
    )
    .await;
    let push = expect_push(&anna, in_tatarstan).await;
    assert!(push.text.contains("Kazan"));
    assert!(
        anna.all_messages()
            .iter()
            .all(|m| !m.text.contains(&format!("Request #{in_pskov}")))
    );

    // Changing the name from the profile; ❌ Cancel leaves everything as it was.
    anna.send_text("/profile").await;
    let profile = anna.expect_text("Status: active").await;
    anna.press(&profile, "pe:n").await;
    anna.expect_text("What name should we show").await;
    anna.send_text("❌ Cancel").await;
    anna.expect_text("Cancelled").await;
    anna.press(&profile, "pe:n").await;
    anna.expect_text("What name should we show").await;
    anna.send_text("Anna the Helper").await;
    anna.expect_text("Saved").await;
    let name: String =
        sqlx::query_scalar("SELECT display_name FROM volunteers WHERE user_id = 501")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(name, "Anna the Helper");
    assert_eq!(regions_of(&app, 501).await, [TATARSTAN]);
    app.stop().await;
}

#[tokio::test]
async fn help_explains_what_each_role_can_do_and_registered_volunteers_see_their_profile() {
    let app = TestApp::spawn().await;
    let maria = app.user(101, "Maria", "en");
    maria.send_text("/help").await;
    let help = maria.expect_text("How to ask for help").await;
    assert!(help.text.contains("/my") && help.text.contains("/cancel"));
    let anna = app.user(501, "Anna", "en");
    register_volunteer(&anna, "pskov", &["🛒 Groceries"]).await;
    anna.send_text("/help").await;
    let help = anna.expect_text("As a volunteer").await;
    assert!(help.text.contains("/tasks") && help.text.contains("/profile"));
    anna.send_text("/start").await;
    let menu = anna.expect_text("Hello, Anna!").await;
    assert!(menu.keyboard().contains(&"🔎 Open requests".to_owned()));
    anna.send_text("🤝 I want to help").await;
    anna.expect_text("Status: active").await;
    app.stop().await;
}
