//! The product's main path: a need is posted, the right volunteers see it, one takes it, it is done.

use std::time::Duration;

use sqlx::Row;

use crate::steps::*;
use crate::support::TestApp;

#[tokio::test]
async fn the_whole_path_from_asking_to_confirmation_is_told_and_recorded() {
    let app = TestApp::spawn().await;
    let anna = app.user(501, "Anna", "en");
    register_volunteer(&anna, "Pskov", &["🛒 Groceries", "💊 Medicine"]).await;
    let maria = app.user(101, "Maria", "en");

    let posted = ask_for_help_posted(&maria, &Ask::default()).await;
    let id = request_number(&posted.text);
    assert!(
        posted
            .text
            .contains("Volunteers of Pskov Oblast see it now"),
        "{}",
        posted.text
    );

    let push = expect_push(&anna, id).await;
    assert!(
        push.text.contains("Groceries")
            && push.text.contains("Pskov")
            && push.text.contains("an elderly person")
    );
    assert!(push.text.contains("Bread, milk and buckwheat"));

    let q = anna.press(&push, &format!("c:{id}")).await;
    let answer = anna
        .callback_answer(&q)
        .await
        .expect("the press is answered");
    assert!(
        answer.params["text"]
            .as_str()
            .unwrap_or_default()
            .contains("It's yours")
    );
    let details = anna.expect_text(&format!("You took request #{id} ·")).await;
    assert!(
        details.text.contains("Lenina 5, flat 12") && details.text.contains("+79123456789"),
        "{}",
        details.text
    );
    let told = maria
        .expect_text("Volunteer Anna has taken your request")
        .await;
    assert!(told.text.contains(&format!("#{id}")));
    let edited = anna
        .expect_text(&format!("You took request #{id}. The details are below"))
        .await;
    assert!(edited.is_edit() && edited.inline_buttons().is_empty());
    assert_eq!(status_of(&app, id).await, ("claimed".into(), Some(501)));

    anna.press(&details, &format!("d:{id}")).await;
    anna.expect_text("We asked the person to confirm").await;
    let ask = maria
        .expect_text(&format!("The volunteer says request #{id} is done"))
        .await;
    assert_eq!(status_of(&app, id).await.0, "done");

    maria.press(&ask, &format!("y:{id}")).await;
    maria
        .expect_text(&format!("Thank you! Request #{id} is closed"))
        .await;
    anna.expect_text(&format!("The person confirmed that request #{id} is done"))
        .await;
    assert_eq!(status_of(&app, id).await, ("closed".into(), Some(501)));
    assert_eq!(
        events_of(&app, id).await,
        [
            "created",
            "pushed",
            "claimed",
            "done",
            "confirmed",
            "closed"
        ]
    );
    let actors: Vec<Option<i64>> =
        sqlx::query_scalar("SELECT actor_id FROM request_events WHERE request_id = ? ORDER BY id")
            .bind(id)
            .fetch_all(&app.db)
            .await
            .unwrap();
    assert_eq!(
        actors,
        [Some(101), None, Some(501), Some(501), Some(101), Some(101)]
    );
    app.stop().await;
}

#[tokio::test]
async fn only_approved_volunteers_of_the_region_and_kind_of_help_are_pushed() {
    let app = TestApp::spawn().await;
    let fits = seed_volunteer(&app, 601, "Fits", "en", PSKOV, &["groceries"]).await;
    let elsewhere = seed_volunteer(&app, 602, "Elsewhere", "en", TATARSTAN, &["groceries"]).await;
    let other_kind = seed_volunteer(&app, 603, "OtherKind", "en", PSKOV, &["medicine"]).await;
    let pending = seed_volunteer(&app, 604, "Pending", "en", PSKOV, &["groceries"]).await;
    sqlx::query("UPDATE volunteers SET status = 'pending' WHERE user_id = 604")
        .execute(&app.db)
        .await
        .unwrap();

    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    expect_push(&fits, id).await;
    for v in [&elsewhere, &other_kind, &pending] {
        v.no_more_messages(Duration::from_millis(300)).await;
    }
    let pushed = event_note(&app, id, "pushed").await;
    assert_eq!(pushed, "1");
    app.stop().await;
}

#[tokio::test]
async fn address_phone_and_name_reach_only_the_volunteer_who_took_the_request() {
    let app = TestApp::spawn().await;
    let volunteers = [
        seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await,
        seed_volunteer(&app, 702, "Vera", "ru", PSKOV, &["groceries"]).await,
        seed_volunteer(&app, 703, "Gleb", "en", PSKOV, &["groceries"]).await,
    ];
    let son = app.user(102, "Ivan", "en");
    let ask = Ask {
        for_other: Some("Maria Ivanovna"),
        address: "Sovetskaya 12, flat 3",
        phone: Some("8 (912) 000-11-22"),
        ..Ask::default()
    };
    let id = ask_for_help(&son, &ask).await;

    let mut pushes = vec![];
    for v in &volunteers {
        let push = v.next_message().await;
        assert!(push.text.contains(&id.to_string()));
        for secret in [
            "Sovetskaya",
            "000-11-22",
            "79120001122",
            "Maria Ivanovna",
            "Ivan",
        ] {
            assert!(
                !push.text.contains(secret),
                "a push shows {secret:?}: {}",
                push.text
            );
        }
        pushes.push(push);
    }
    volunteers[1].press(&pushes[1], &format!("c:{id}")).await;
    let details = volunteers[1]
        .expect_text(&format!("Вы взяли заявку №{id}"))
        .await;
    for private in ["Sovetskaya 12, flat 3", "+79120001122", "Maria Ivanovna"] {
        assert!(
            details.text.contains(private),
            "the claimer misses {private:?}: {}",
            details.text
        );
    }
    // The others see the push edited to "taken", and nothing private ever.
    for v in [&volunteers[0], &volunteers[2]] {
        let edited = v.expect_text("has been taken by a volunteer").await;
        assert!(edited.is_edit() && edited.inline_buttons().is_empty());
    }
    for call in app.fake.calls() {
        let text = call.text().unwrap_or_default();
        let to = call.chat_id().unwrap_or_default();
        if text.contains("Sovetskaya") {
            assert!(
                to == 702 || to == 102,
                "the address went to chat {to}: {text}"
            );
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn twenty_volunteers_pressing_take_at_once_give_exactly_one_owner() {
    let app = TestApp::spawn().await;
    let mut volunteers = vec![];
    for i in 0..20 {
        volunteers.push(
            seed_volunteer(&app, 800 + i, &format!("V{i}"), "en", PSKOV, &["groceries"]).await,
        );
    }
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let mut pushes = vec![];
    for v in &volunteers {
        pushes.push(expect_push(v, id).await);
    }
    let mut queries = vec![];
    for (v, push) in volunteers.iter().zip(&pushes) {
        queries.push(v.press(push, &format!("c:{id}")).await);
    }
    let mut won = 0;
    let mut taken = 0;
    for (v, q) in volunteers.iter().zip(&queries) {
        let answer = v.callback_answer(q).await.expect("every press is answered");
        let text = answer.params["text"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if text.contains("It's yours") {
            won += 1;
        } else if text.contains("another volunteer has just taken") {
            taken += 1;
        } else {
            panic!("unexpected answer: {text}");
        }
    }
    assert_eq!((won, taken), (1, 19));
    let (status, owner) = status_of(&app, id).await;
    assert_eq!(status, "claimed");
    assert!((800..820).contains(&owner.unwrap()));
    let claims: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM request_events WHERE request_id = ? AND kind = 'claimed'",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(claims, 1);
    maria.expect_text("has taken your request").await;
    maria.no_more_messages(Duration::from_millis(300)).await;
    app.stop().await;
}

#[tokio::test]
async fn giving_a_request_back_reopens_it_and_pushes_it_again_to_the_others() {
    let app = TestApp::spawn().await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let vera = seed_volunteer(&app, 702, "Vera", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&boris, id).await;
    expect_push(&vera, id).await;
    let details = take(&boris, &push, id).await;
    vera.expect_text("has been taken").await;

    boris.press(&details, &format!("r:{id}")).await;
    let why = boris
        .expect_text(&format!("Why are you giving request #{id} back?"))
        .await;
    assert_eq!(why.inline_buttons().len(), 3);
    boris.press_label(&why, "too far").await;
    boris
        .expect_text(&format!("You gave request #{id} back"))
        .await;
    maria
        .expect_text("The volunteer can't come after all")
        .await;
    let again = expect_push(&vera, id).await;
    assert!(!again.is_edit());
    no_push(&boris, id, Duration::from_millis(300)).await;
    assert_eq!(status_of(&app, id).await, ("open".into(), None));
    let note = event_note(&app, id, "released").await;
    assert_eq!(note, "too_far");
    app.stop().await;
}

#[tokio::test]
async fn not_yet_reopens_the_request_and_pushes_it_again() {
    let app = TestApp::spawn().await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let vera = seed_volunteer(&app, 702, "Vera", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&boris, id).await;
    expect_push(&vera, id).await;
    let details = take(&boris, &push, id).await;
    boris.press(&details, &format!("d:{id}")).await;
    let ask = maria.expect_text("Did you get the help?").await;
    maria.press(&ask, &format!("n:{id}")).await;
    maria
        .expect_text(&format!("Request #{id} is open again"))
        .await;
    boris.expect_text("has not arrived yet").await;
    expect_push(&vera, id).await;
    assert_eq!(status_of(&app, id).await, ("open".into(), None));
    assert!(events_of(&app, id).await.ends_with(&[
        "done".into(),
        "reopened".into(),
        "pushed".into()
    ]));
    // The same answer pressed again changes nothing.
    let q = maria.press(&ask, &format!("n:{id}")).await;
    let answer = maria.callback_answer(&q).await.unwrap();
    assert!(
        answer.params["text"]
            .as_str()
            .unwrap()
            .contains("already have your answer")
    );
    assert_eq!(status_of(&app, id).await.0, "open");
    app.stop().await;
}

#[tokio::test]
async fn a_done_request_nobody_confirms_is_closed_after_48_hours() {
    let app = TestApp::spawn().await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&boris, id).await;
    let details = take(&boris, &push, id).await;
    boris.press(&details, &format!("d:{id}")).await;
    maria.expect_text("Did you get the help?").await;
    app.clock.advance(chrono::Duration::hours(47));
    maria.no_more_messages(Duration::from_millis(200)).await;
    assert_eq!(status_of(&app, id).await.0, "done", "not yet: 47 hours");
    app.clock.advance(chrono::Duration::hours(1));
    eventually("the request is closed after the timeout", || async {
        (status_of(&app, id).await.0 == "closed").then_some(())
    })
    .await;
    let row = sqlx::query(
        "SELECT actor_id, note FROM request_events WHERE request_id = ? AND kind = 'closed'",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(row.get::<Option<i64>, _>(0), None);
    app.stop().await;
}

#[tokio::test]
async fn a_requester_sees_their_requests_and_cancels_one_and_the_volunteer_is_told() {
    let app = TestApp::spawn().await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let vera = seed_volunteer(&app, 702, "Vera", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&boris, id).await;
    expect_push(&vera, id).await;
    take(&boris, &push, id).await;

    maria.send_text("/my").await;
    let list = maria.expect_text("Your requests").await;
    assert!(list.text.contains(&format!("#{id}")) && list.text.contains("A volunteer is on it"));
    maria.press(&list, &format!("x:{id}")).await;
    let sure = maria.expect_text(&format!("Cancel request #{id}?")).await;
    maria.press(&sure, &format!("xc:{id}")).await;
    maria
        .expect_text(&format!("Request #{id} is cancelled"))
        .await;
    boris
        .expect_text(&format!(
            "Request #{id} was cancelled by the person who asked"
        ))
        .await;
    assert_eq!(status_of(&app, id).await.0, "cancelled");
    assert_eq!(
        events_of(&app, id).await.last().map(String::as_str),
        Some("cancelled")
    );
    app.stop().await;
}

#[tokio::test]
async fn an_open_request_cancelled_edits_every_push() {
    let app = TestApp::spawn().await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&boris, id).await;
    maria.send_text("📋 My requests").await;
    let list = maria.expect_text("Waiting for a volunteer").await;
    maria.press(&list, &format!("x:{id}")).await;
    let sure = maria.expect_text("Cancel request").await;
    maria.press(&sure, &format!("xc:{id}")).await;
    let edited = boris
        .expect_text(&format!("Request #{id} was cancelled"))
        .await;
    assert!(edited.is_edit());
    assert_eq!(edited.message_id, push.message_id);
    // A late press on the old push is answered kindly and changes nothing.
    let q = boris.press(&push, &format!("c:{id}")).await;
    let answer = boris.callback_answer(&q).await.unwrap();
    assert!(
        answer.params["text"]
            .as_str()
            .unwrap()
            .contains("no longer open")
    );
    assert_eq!(status_of(&app, id).await.0, "cancelled");
    app.stop().await;
}

#[tokio::test]
async fn a_voice_request_reaches_the_volunteer_as_voice_after_taking_it() {
    let app = TestApp::spawn().await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["medicine"]).await;
    let maria = app.user(101, "Maria", "en");
    maria.send_text("🆘 I need help").await;
    for (send, expect) in [
        ("🙋 Me", "describes"),
        ("♿ Limited mobility", "Which region?"),
        ("Псковская", "What kind of help"),
        ("💊 Medicine", "What exactly"),
    ] {
        maria.send_text(send).await;
        maria.expect_text(expect).await;
    }
    maria.send_voice("VOICE-123").await;
    maria.expect_text("Which town").await;
    for (send, expect) in [
        ("Ostrov", "Street"),
        ("⏭ Skip", "When is help needed?"),
        ("Within 3 days", "A phone number"),
    ] {
        maria.send_text(send).await;
        maria.expect_text(expect).await;
    }
    maria.send_contact("79125550000").await;
    let summary = maria.expect_text("Please check your request").await;
    assert!(summary.text.contains("Voice message") && summary.text.contains("+79125550000"));
    maria.send_text("✅ Send the request").await;
    let id = request_number(&maria.expect_text("Request #").await.text);

    let push = expect_push(&boris, id).await;
    assert!(push.text.contains("voice message"), "{}", push.text);
    let details = take(&boris, &push, id).await;
    assert!(
        details.text.contains("not given"),
        "no address: {}",
        details.text
    );
    let voice = boris
        .expect_text(&format!("voice message for request #{id}"))
        .await;
    assert_eq!(voice.method, "sendvoice");
    assert_eq!(voice.voice_file_id().as_deref(), Some("VOICE-123"));
    let stored: Option<String> =
        sqlx::query_scalar("SELECT voice_file_id FROM help_requests WHERE id = ?")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .unwrap();
    assert_eq!(stored.as_deref(), Some("VOICE-123"));
    app.stop().await;
}

#[tokio::test]
async fn tasks_lists_open_requests_most_urgent_first_paged_and_claims_from_there() {
    let app = TestApp::spawn().await;
    let boris = app.user(701, "Boris", "en");
    register_volunteer(&boris, "pskov", &["🛒 Groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    sqlx::query("INSERT INTO users (id, first_name, created_at) VALUES (101, 'Maria', 0)")
        .execute(&app.db)
        .await
        .unwrap();
    // Seven open requests with different dates, one in another region, one of another kind.
    for (i, (region, category, day)) in [
        (PSKOV, "groceries", "2099-01-05"),
        (PSKOV, "groceries", "2099-01-01"),
        (PSKOV, "groceries", "2099-01-07"),
        (PSKOV, "groceries", "2099-01-02"),
        (PSKOV, "groceries", "2099-01-03"),
        (PSKOV, "groceries", "2099-01-06"),
        (PSKOV, "groceries", "2099-01-04"),
        (TATARSTAN, "groceries", "2099-01-01"),
        (PSKOV, "medicine", "2099-01-01"),
    ]
    .into_iter()
    .enumerate()
    {
        sqlx::query(
            "INSERT INTO help_requests (requester_id, for_whom, beneficiary, region_id, category, settlement, details,
                 urgency, needed_on, status, created_at, updated_at)
             VALUES (101, 'self', 'elderly', ?, ?, 'Town', ?, 'date', ?, 'open', ?, ?)",
        )
        .bind(region)
        .bind(category)
        .bind(format!("need number {i}"))
        .bind(day)
        .bind(i as i64)
        .bind(i as i64)
        .execute(&app.db)
        .await
        .unwrap();
    }
    boris.send_text("/tasks").await;
    let page1 = boris.expect_text("Open requests for you: 7").await;
    assert!(page1.text.contains("Page 1 of 2"));
    let order: Vec<i64> = page1
        .inline_buttons()
        .iter()
        .filter_map(|(_, d)| d.strip_prefix("c:").map(|n| n.parse().unwrap()))
        .collect();
    assert_eq!(order, [2, 4, 5, 7, 1], "most urgent first");
    boris.press(&page1, "tp:1").await;
    let page2 = boris.expect_text("Page 2 of 2").await;
    assert!(page2.is_edit() && page2.message_id == page1.message_id);
    let order2: Vec<String> = page2.inline_buttons().into_iter().map(|(_, d)| d).collect();
    assert!(
        order2.contains(&"c:6".to_owned())
            && order2.contains(&"c:3".to_owned())
            && order2.contains(&"tp:0".to_owned())
    );
    boris.press(&page2, "c:6").await;
    boris.expect_text("You took request #6").await;
    maria
        .expect_text("Volunteer Boris has taken your request #6")
        .await;
    assert_eq!(status_of(&app, 6).await, ("claimed".into(), Some(701)));

    boris.send_text("/my").await;
    boris.expect_text("Requests you hold: 1").await;
    let held = boris.expect_text("You took request #6").await;
    assert!(held.has_button("Done") && held.has_button("Give back"));
    app.stop().await;
}
