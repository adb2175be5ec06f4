//! The club's group chat: bound by a lead, gets every new request without personal data, with a
//! Take button that works only for approved volunteers of the region.

use std::time::Duration;

use serde_json::json;

use crate::steps::*;
use crate::support::{SentMessage, TestApp};

const CLUB: i64 = -100500;

async fn post_in_group(app: &TestApp, id: i64) -> SentMessage {
    let call = app
        .fake
        .wait_for(Duration::from_secs(5), |c| {
            c.chat_id() == Some(CLUB)
                && c.method == "sendmessage"
                && c.params["reply_markup"]
                    .to_string()
                    .contains(&format!("\"c:{id}\""))
        })
        .await
        .unwrap_or_else(|| {
            let seen: Vec<String> = app
                .fake
                .calls()
                .iter()
                .filter(|c| c.chat_id() == Some(CLUB))
                .map(|c| format!("{} {}", c.method, c.params))
                .collect();
            panic!("request {id} was not posted in the club chat; the chat got: {seen:#?}")
        });
    SentMessage::from_call(&call)
}

#[tokio::test]
async fn a_bound_club_chat_gets_requests_without_personal_data_and_its_take_button_works() {
    let app = TestApp::spawn().await;
    let lena = seed_lead(&app, 301, "Lena", "ru", PSKOV).await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let stranger = app.user(999, "Stranger", "en");
    let outsider = seed_volunteer(&app, 703, "Outsider", "en", TATARSTAN, &["groceries"]).await;
    let group = app.group(CLUB, "Pskov club");
    group
        .send_text_as(&stranger, "/bind_region@mutual_aid_test_bot")
        .await;
    group.expect_text("Only the club's coordinators").await;
    group.send_text_as(&lena, "/bind_region").await;
    group
        .expect_text("Новые заявки региона «Псковская область» будут публиковаться в этой группе")
        .await;
    eprintln!(
        "SLOW? {:?}",
        app.fake
            .calls()
            .iter()
            .filter(|c| c.status != 200)
            .map(|c| (c.method.clone(), c.status, c.response.clone()))
            .collect::<Vec<_>>()
    );
    let bound: Vec<(i64, i64)> = sqlx::query_as("SELECT chat_id, region_id FROM club_chats")
        .fetch_all(&app.db)
        .await
        .unwrap();
    assert_eq!(bound, [(CLUB, PSKOV)]);

    let son = app.user(102, "Ivan", "en");
    let ask = Ask {
        for_other: Some("Maria Ivanovna"),
        address: "Sovetskaya 12, flat 3",
        phone: Some("+7 912 000 11 22"),
        ..Ask::default()
    };
    let id = ask_for_help(&son, &ask).await;
    let post = post_in_group(&app, id).await;
    for secret in [
        "Sovetskaya",
        "000 11 22",
        "79120001122",
        "Maria Ivanovna",
        "Ivan",
    ] {
        assert!(
            !post.text.contains(secret),
            "the group post shows {secret:?}: {}",
            post.text
        );
    }
    assert!(
        post.inline_buttons()
            .iter()
            .any(|(_, d)| *d == format!("c:{id}"))
    );

    for (who, expected) in [
        (&stranger, "Only registered volunteers"),
        (&outsider, "region you don't cover"),
    ] {
        let q = who.press(&post, &format!("c:{id}")).await;
        let answer = who.callback_answer(&q).await.unwrap();
        assert!(answer.params["text"].as_str().unwrap().contains(expected));
        assert_eq!(
            answer.params["show_alert"], true,
            "a private popup, not a message in the group"
        );
    }
    assert_eq!(status_of(&app, id).await.0, "open");

    boris.press(&post, &format!("c:{id}")).await;
    let details = boris
        .expect_text(&format!("You took request #{id} ·"))
        .await;
    assert!(details.text.contains("Sovetskaya 12, flat 3") && details.chat_id == 701);
    let taken = group.expect_text("взял волонтёр").await;
    assert!(
        taken.is_edit() && taken.message_id == post.message_id && taken.inline_buttons().is_empty()
    );

    boris.press(&details, &format!("d:{id}")).await;
    let done = group.expect_text(&format!("Заявка №{id} выполнена")).await;
    assert!(done.is_edit());
    for call in app
        .fake
        .calls()
        .iter()
        .filter(|c| c.chat_id() == Some(CLUB))
    {
        let text = call.text().unwrap_or_default();
        assert!(
            !text.contains("Sovetskaya") && !text.contains("0001122"),
            "personal data in the group: {text}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn a_reopened_request_is_offered_again_in_the_same_post_and_a_cancelled_one_says_so() {
    let app = TestApp::spawn().await;
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let group = app.group(CLUB, "Pskov club");
    group.send_text_as(&lena, "/bind_region").await;
    group.expect_text("will be posted in this group").await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let post = post_in_group(&app, id).await;
    boris.press(&post, &format!("c:{id}")).await;
    let details = boris
        .expect_text(&format!("You took request #{id} ·"))
        .await;
    group.expect_text("has been taken").await;
    boris.press(&details, &format!("r:{id}")).await;
    let why = boris.expect_text("Why are you giving").await;
    boris.press_label(&why, "in time").await;
    let again = group.expect_text(&format!("Request #{id}")).await;
    assert!(again.is_edit() && again.message_id == post.message_id);
    assert!(
        again
            .inline_buttons()
            .iter()
            .any(|(_, d)| *d == format!("c:{id}")),
        "the Take button is back"
    );

    maria.send_text("/my").await;
    let list = maria.expect_text("Your requests").await;
    maria.press(&list, &format!("x:{id}")).await;
    let sure = maria.expect_text("Cancel request").await;
    maria.press(&sure, &format!("xc:{id}")).await;
    let cancelled = group
        .expect_text(&format!("Request #{id} was cancelled"))
        .await;
    assert!(cancelled.is_edit() && cancelled.message_id == post.message_id);
    app.stop().await;
}

#[tokio::test]
async fn unbinding_or_removing_the_bot_stops_the_posts() {
    let app = TestApp::spawn().await;
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    let mark = seed_lead(&app, 302, "Mark", "en", TATARSTAN).await;
    let group = app.group(CLUB, "Pskov club");
    group.send_text_as(&lena, "/bind_region").await;
    group.expect_text("will be posted").await;
    group.send_text_as(&mark, "/unbind_region").await;
    group.expect_text("Only the club's coordinators").await;
    group.send_text_as(&lena, "/unbind_region").await;
    group.expect_text("will no longer get new requests").await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM club_chats").await, 0);

    group.send_text_as(&lena, "/bind_region").await;
    group.expect_text("will be posted").await;
    app.push_raw(json!({"my_chat_member": {
        "chat": {"id": CLUB, "type": "group", "title": "Pskov club"},
        "from": lena.user_json(),
        "date": 0,
        "old_chat_member": {"user": crate::support::FakeTelegram::bot_user(), "status": "member"},
        "new_chat_member": {"user": crate::support::FakeTelegram::bot_user(), "status": "left"},
    }}));
    eventually("the binding is dropped", || async {
        (count(&app, "SELECT COUNT(*) FROM club_chats").await == 0).then_some(())
    })
    .await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    group.no_more_messages(Duration::from_millis(300)).await;
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM outbox WHERE chat_id < 0 AND kind = 'push'"
        )
        .await,
        0,
        "request {id} was not posted"
    );

    // A lead of several regions chooses which one the group follows.
    sqlx::query("INSERT INTO leads (user_id, region_id, appointed_at) VALUES (301, ?, 0)")
        .bind(TATARSTAN)
        .execute(&app.db)
        .await
        .unwrap();
    group.send_text_as(&lena, "/bind_region").await;
    let choose = group.expect_text("Which region's requests").await;
    let q = mark.press(&choose, &format!("br:{PSKOV}")).await;
    assert!(mark.answer_text(&q).await.contains("coordinators"));
    lena.press(&choose, &format!("br:{TATARSTAN}")).await;
    group
        .expect_text("Republic of Tatarstan will be posted")
        .await;
    app.stop().await;
}
