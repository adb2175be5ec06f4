//! Operators appoint club leads by invitation; leads vet and pause volunteers and step in.

use std::time::Duration;

use crate::steps::*;
use crate::support::{TestApp, TestUser};

const OPERATOR: i64 = 9000;

async fn with_operator() -> (TestApp, TestUser) {
    let app = TestApp::spawn_with(|c| c.admin_ids = vec![OPERATOR]).await;
    let op = app.user(OPERATOR, "Olga", "en");
    (app, op)
}

/// The operator makes an invitation for `region` and returns the code in the link.
async fn invite(op: &TestUser, region: &str) -> String {
    op.send_text("/invite_lead").await;
    op.expect_text("Which region is the new club lead for?")
        .await;
    op.send_text(region).await;
    let m = op.expect_text("Invitation for a club lead").await;
    let start = m.text.find("?start=lead_").expect("a deep link") + "?start=lead_".len();
    assert!(
        m.text
            .contains("https://t.me/mutual_aid_test_bot?start=lead_"),
        "{}",
        m.text
    );
    m.text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect()
}

#[tokio::test]
async fn an_invitation_works_once_and_not_twice_nor_after_seven_days_nor_forged() {
    let (app, op) = with_operator().await;
    let code = invite(&op, "pskov").await;
    let lena = app.user(301, "Lena", "en");
    lena.send_text(&format!("/start lead_{code}")).await;
    lena.expect_text("You are now a club lead of Pskov Oblast")
        .await;
    op.expect_text("Lena opened your invitation and is now a club lead of Pskov Oblast")
        .await;
    let leads: Vec<(i64, i64)> = sqlx::query_as("SELECT user_id, region_id FROM leads")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(leads, [(301, PSKOV)]);

    let mark = app.user(302, "Mark", "en");
    mark.send_text(&format!("/start lead_{code}")).await;
    mark.expect_text("This invitation has already been used")
        .await;

    let late = invite(&op, "tatar").await;
    app.clock
        .advance(chrono::Duration::days(7) + chrono::Duration::minutes(1));
    mark.send_text(&format!("/start lead_{late}")).await;
    mark.expect_text("This invitation has expired").await;
    mark.send_text("/start lead_NotARealCode123").await;
    mark.expect_text("This invitation link is not valid").await;
    mark.send_text("/start lead_../../etc").await;
    mark.expect_text("This invitation link is not valid").await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM leads").await, 1);

    mark.send_text("/invite_lead").await;
    mark.expect_text("This is for the bot's operators").await;
    app.stop().await;
}

#[tokio::test]
async fn operators_list_leads_and_remove_one() {
    let (app, op) = with_operator().await;
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    seed_lead(&app, 302, "Mark", "ru", TATARSTAN).await;
    op.send_text("/leads").await;
    let list = op.expect_text("Club leads:").await;
    assert!(
        list.text.contains("Pskov Oblast")
            && list.text.contains("Lena")
            && list.text.contains("Mark")
    );
    lena.send_text("/leads").await;
    let own = lena.expect_text("Club leads:").await;
    assert!(
        own.text.contains("Lena") && !own.text.contains("Mark"),
        "a lead sees the leads of their regions"
    );
    assert!(own.inline_buttons().is_empty());
    let q = lena.press(&list, &format!("lr:301:{PSKOV}")).await;
    assert!(lena.answer_text(&q).await.contains("operators"));

    op.press(&list, &format!("lr:301:{PSKOV}")).await;
    op.expect_text("Lena is no longer a club lead of Pskov Oblast")
        .await;
    lena.expect_text("You are no longer a club lead of Pskov Oblast")
        .await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM leads").await, 1);
    let maria = app.user(101, "Maria", "en");
    maria.send_text("/leads").await;
    maria.expect_text("This is for club leads").await;
    app.stop().await;
}

/// Registers through the dialogue with approval required; returns when the volunteer is told to wait.
async fn register_pending(v: &TestUser) {
    v.send_text("🤝 I want to help").await;
    for (send, expect) in [
        (v.first_name.as_str(), "Which region"),
        ("pskov", "Chosen"),
        ("✅ Done", "kinds of help"),
        ("🛒 Groceries", "Chosen"),
        ("✅ Done", "phone"),
        ("+7 911 000 00 01", "waiting for approval"),
    ] {
        v.send_text(send).await;
        v.expect_text(expect).await;
    }
}

#[tokio::test]
async fn a_new_volunteer_waits_for_a_lead_and_the_first_decision_wins() {
    let app = TestApp::spawn_with(|c| c.require_volunteer_approval = true).await;
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    let mark = seed_lead(&app, 302, "Mark", "en", PSKOV).await;
    let anna = app.user(501, "Anna", "en");
    register_pending(&anna).await;
    let ask_lena = lena.expect_text("A new volunteer asks to join").await;
    let ask_mark = mark.expect_text("A new volunteer asks to join").await;
    assert!(
        ask_lena.text.contains("Anna")
            && ask_lena.text.contains("Pskov Oblast")
            && ask_lena.text.contains("+79110000001")
    );

    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    anna.no_more_messages(Duration::from_millis(200)).await;
    let q = anna.press(&ask_lena, &format!("c:{id}")).await;
    assert!(anna.answer_text(&q).await.contains("waiting for approval"));

    lena.press(&ask_lena, "va:501").await;
    lena.expect_text("Anna is approved").await;
    anna.expect_text("The club approved you as a volunteer in Pskov Oblast")
        .await;
    let q = mark.press(&ask_mark, "vr:501").await;
    let answer = mark.callback_answer(&q).await.unwrap();
    assert!(
        answer.params["text"]
            .as_str()
            .unwrap()
            .contains("Already decided: active (Lena)"),
        "{answer:?}"
    );
    let (status, by): (String, Option<i64>) =
        sqlx::query_as("SELECT status, decided_by FROM volunteers WHERE user_id = 501")
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!((status.as_str(), by), ("approved", Some(301)));

    anna.send_text("/tasks").await;
    let tasks = anna.expect_text("Open requests for you: 1").await;
    take(&anna, &tasks, id).await;
    app.stop().await;
}

#[tokio::test]
async fn without_a_lead_the_operators_vet_and_strangers_cannot_decide() {
    let app = TestApp::spawn_with(|c| {
        c.require_volunteer_approval = true;
        c.admin_ids = vec![OPERATOR];
    })
    .await;
    let op = app.user(OPERATOR, "Olga", "en");
    op.send_text("/start").await;
    op.expect_text("Hello").await;
    let anna = app.user(501, "Anna", "en");
    register_pending(&anna).await;
    let ask = op.expect_text("A new volunteer asks to join").await;
    let stranger = app.user(999, "Stranger", "en");
    let q = stranger.press(&ask, "va:501").await;
    assert!(stranger.answer_text(&q).await.contains("club leads"));
    op.press(&ask, "vr:501").await;
    op.expect_text("Anna is not approved").await;
    anna.expect_text("could not approve your registration")
        .await;

    // A rejected volunteer may register again, and waits anew.
    register_pending(&anna).await;
    op.expect_text("A new volunteer asks to join").await;
    let status: String = sqlx::query_scalar("SELECT status FROM volunteers WHERE user_id = 501")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(status, "pending");
    app.stop().await;
}

#[tokio::test]
async fn pausing_a_volunteer_reopens_what_they_hold_and_pushes_it_again() {
    let app = TestApp::spawn().await;
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let vera = seed_volunteer(&app, 702, "Vera", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&boris, id).await;
    take(&boris, &push, id).await;
    maria.expect_text("has taken your request").await;

    lena.send_text("/volunteers").await;
    let list = lena.expect_text("Volunteers of your regions: 2").await;
    assert!(
        list.text.contains("Boris — active, holds 1")
            && list.text.contains("Vera — active, holds 0"),
        "{}",
        list.text
    );
    let q = vera.press(&list, "vs:701").await;
    assert!(vera.answer_text(&q).await.contains("club leads"));
    lena.press(&list, "vs:701").await;
    lena.expect_text("Boris is paused. Requests they held, back to open: 1")
        .await;
    boris
        .expect_text("The club has paused your volunteering")
        .await;
    maria
        .expect_text("The volunteer can't come after all")
        .await;
    expect_push(&vera, id).await;
    assert_eq!(status_of(&app, id).await, ("open".into(), None));

    let second = ask_for_help(&maria, &Ask::default()).await;
    expect_push(&vera, second).await;
    boris.send_text("/tasks").await;
    boris.expect_text("paused your volunteering").await;
    assert!(
        boris
            .all_messages()
            .iter()
            .all(|m| !m.text.contains(&format!("Request #{second} ·")))
    );

    lena.send_text("/volunteers").await;
    let list = lena.expect_text("Volunteers of your regions").await;
    lena.press(&list, "vu:701").await;
    lena.expect_text("Boris is active again").await;
    boris.expect_text("resumed your volunteering").await;
    app.stop().await;
}

#[tokio::test]
async fn a_lead_assigns_reopens_and_closes_requests_from_the_list() {
    let app = TestApp::spawn().await;
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    seed_volunteer(&app, 702, "Vera", "en", PSKOV, &["groceries"]).await;
    let outsider = seed_volunteer(&app, 703, "Outsider", "en", TATARSTAN, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let first = ask_for_help(&maria, &Ask::default()).await;
    let second = ask_for_help(
        &maria,
        &Ask {
            details: "the same again",
            ..Ask::default()
        },
    )
    .await;

    lena.send_text("/requests").await;
    let list = lena
        .expect_text("Requests of your regions that are not finished: 2")
        .await;
    assert!(list.text.contains(&format!("#{first}")) && list.text.contains(&format!("#{second}")));
    lena.press(&list, &format!("aa:{first}")).await;
    let who = lena
        .expect_text(&format!("Who should take request #{first}?"))
        .await;
    assert!(who.has_button("Boris") && who.has_button("Vera") && !who.has_button("Outsider"));
    let q = lena.press(&who, &format!("as:{first}:703")).await;
    assert!(lena.answer_text(&q).await.contains("cannot take"));
    lena.press(&who, &format!("as:{first}:701")).await;
    lena.expect_text(&format!("Request #{first} is now with Boris"))
        .await;
    let details = boris
        .expect_text(&format!("You took request #{first} ·"))
        .await;
    assert!(details.text.contains("Lenina 5, flat 12"));
    maria
        .expect_text(&format!("Volunteer Boris has taken your request #{first}"))
        .await;
    let actor: Option<i64> = sqlx::query_scalar(
        "SELECT actor_id FROM request_events WHERE request_id = ? AND kind = 'claimed'",
    )
    .bind(first)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(actor, Some(301), "the event names the lead");

    lena.press(&list, &format!("ro:{first}")).await;
    lena.expect_text(&format!("Request #{first} is open again"))
        .await;
    boris
        .expect_text(&format!("reopened request #{first}"))
        .await;
    assert_eq!(status_of(&app, first).await, ("open".into(), None));

    lena.press(&list, &format!("cl:{second}:0")).await;
    lena.expect_text(&format!("Request #{second} is closed"))
        .await;
    maria
        .expect_text(&format!(
            "Request #{second} was closed by the club because it repeats"
        ))
        .await;
    assert_eq!(status_of(&app, second).await.0, "cancelled");
    assert_eq!(event_note(&app, second, "cancelled").await, "duplicate");

    let q = outsider.press(&list, &format!("cl:{first}:1")).await;
    assert!(outsider.answer_text(&q).await.contains("club leads"));
    assert_eq!(status_of(&app, first).await.0, "open");
    app.stop().await;
}
