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
