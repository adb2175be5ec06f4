//! Follow-ups of the review of issue #6: privacy of a request without a phone, notes per person
//! helped, one receipt per visit, quick voice requests for the leads, texts.

use std::time::Duration;

use crate::steps::*;
use crate::support::{TestApp, TestUser};

const QUIET: Duration = Duration::from_millis(300);

/// Nina (Russian) asks with one voice message and no phone; returns the request number.
async fn voice_request_without_phone(nina: &TestUser, file_id: &str) -> i64 {
    nina.send_voice(file_id).await;
    nina.expect_text("В каком вы регионе?").await;
    nina.send_text("псков").await;
    nina.expect_text("По какому номеру волонтёр может вам позвонить?")
        .await;
    nina.send_text("⏭ Пропустить").await;
    let posted = nina.expect_text("Заявка №").await;
    request_number(&posted.text)
}

#[tokio::test]
async fn a_request_without_a_phone_gives_the_claimer_the_write_button_never_a_profile_link() {
    let app = TestApp::spawn().await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let oleg = seed_volunteer(&app, 502, "Олег", "ru", PSKOV, &["other"]).await;
    let maria = app.user(101, "Maria", "en");
    let nina = app.user(103, "Нина", "ru");

    // Typed, in English, the phone skipped.
    let id = ask_for_help(
        &maria,
        &Ask {
            phone: None,
            ..Ask::default()
        },
    )
    .await;
    let push = expect_push(&anna, id).await;
    let details = take(&anna, &push, id).await;
    assert!(
        details
            .text
            .contains("No phone given — write to the person through the bot: press «💬 Write to the person» below"),
        "{}",
        details.text
    );
    assert_eq!(
        details.button_data("Write to the person").as_deref(),
        Some(&*format!("m:{id}"))
    );

    // By voice, in Russian, the phone skipped.
    let voiced = voice_request_without_phone(&nina, "voice-nina").await;
    let push = expect_push(&oleg, voiced).await;
    oleg.press(&push, &format!("c:{voiced}")).await;
    let details = oleg
        .expect_text(&format!("Вы взяли заявку №{voiced} ·"))
        .await;
    assert!(
        details
            .text
            .contains("Телефон не указан — напишите человеку через бота: кнопка «💬 Написать человеку» ниже"),
        "{}",
        details.text
    );
    oleg.expect_text(&format!("Голосовое сообщение к заявке №{voiced}"))
        .await;

    tokio::time::sleep(QUIET).await;
    for m in anna.all_messages().iter().chain(oleg.all_messages().iter()) {
        assert!(
            !m.html.contains("tg://user") && !m.text.contains("Maria") && !m.text.contains("Нина"),
            "{}",
            m.describe()
        );
    }
    app.stop().await;
}

/// The volunteer presses Done on the details and leaves a note (English), then all is well.
async fn done_with_note(v: &TestUser, details: &crate::support::SentMessage, id: i64, note: &str) {
    v.press(details, &format!("d:{id}")).await;
    v.expect_text("Did you spend your own money").await;
    v.send_text("⏭ Skip").await;
    v.expect_text("A note for the next volunteer").await;
    v.send_text(note).await;
    v.expect_text("the next volunteer will see your note").await;
    v.send_text("✅ All is well").await;
    v.expect_text("Thank you for your help").await;
}

#[tokio::test]
async fn notes_about_one_person_helped_do_not_reach_the_claimer_for_another_person_of_the_same_requester()
 {
    let app = TestApp::spawn().await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let boris = seed_volunteer(&app, 502, "Борис", "ru", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let mother = Ask {
        for_other: Some("Mother"),
        ..Ask::default()
    };
    let first = ask_for_help(&maria, &mother).await;
    let push = expect_push(&anna, first).await;
    let details = take(&anna, &push, first).await;
    done_with_note(&anna, &details, first, "Mother: lift broken, ring twice").await;

    // For the neighbour, and for Maria herself: not a word about her mother.
    let neighbour = ask_for_help(
        &maria,
        &Ask {
            for_other: Some("Neighbour"),
            ..Ask::default()
        },
    )
    .await;
    let herself = ask_for_help(&maria, &Ask::default()).await;
    // For her mother again: the note is there, in Russian for Boris.
    let again = ask_for_help(&maria, &mother).await;
    let mut pushes = vec![];
    for id in [neighbour, herself, again] {
        pushes.push(expect_push(&boris, id).await);
    }
    for ((id, shown), push) in [(neighbour, false), (herself, false), (again, true)]
        .into_iter()
        .zip(pushes)
    {
        boris.press(&push, &format!("c:{id}")).await;
        let details = boris.expect_text(&format!("Вы взяли заявку №{id} ·")).await;
        assert_eq!(
            details.text.contains("Заметки с прошлых визитов")
                && details.text.contains("Mother: lift broken"),
            shown,
            "request {id}: {}",
            details.text
        );
        assert_eq!(details.text.contains("lift broken"), shown, "{}", details.text);
    }

    app.stop().await;
}
