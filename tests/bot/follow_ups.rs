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
        details.text.contains(
            "Телефон не указан — напишите человеку через бота: кнопка «💬 Написать человеку» ниже"
        ),
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
        assert_eq!(
            details.text.contains("lift broken"),
            shown,
            "{}",
            details.text
        );
    }

    app.stop().await;
}

#[tokio::test]
async fn the_later_receipt_button_is_used_once_and_a_second_press_records_no_second_receipt() {
    let app = TestApp::spawn().await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let boris = seed_volunteer(&app, 502, "Борис", "ru", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");

    for (v, done_text, cancelled, amount, again) in [
        (
            &anna,
            "When you have a moment",
            "Cancelled",
            "Did you spend your own money",
            "The amount for request #",
        ),
        (
            &boris,
            "Когда будет минутка",
            "Отменено",
            "Вы потратили свои деньги",
            "Сумма по заявке №",
        ),
    ] {
        let id = ask_for_help(&maria, &Ask::default()).await;
        let push = expect_push(v, id).await;
        v.press(&push, &format!("c:{id}")).await;
        let details = v.expect_text(&format!("{id} ·")).await;
        // In the middle of asking for help herself: the questions wait behind a button.
        let (need, cancel) = if v.id == 501 {
            ("🆘 I need help", "❌ Cancel")
        } else {
            ("🆘 Мне нужна помощь", "❌ Отмена")
        };
        v.send_text(need).await;
        v.next_message().await;
        v.press(&details, &format!("d:{id}")).await;
        let later = v.expect_text(done_text).await;
        assert_eq!(
            later.inline_buttons().first().map(|(_, d)| d.clone()),
            Some(format!("qa:{id}"))
        );
        v.send_text(cancel).await;
        v.expect_text(cancelled).await;

        v.press(&later, &format!("qa:{id}")).await;
        v.expect_text(amount).await;
        assert!(
            v.all_messages().iter().any(|m| m.is_edit()
                && m.message_id == later.message_id
                && m.inline_buttons().is_empty()),
            "the pressed button goes: {}",
            v.all_messages()
                .iter()
                .map(|m| m.describe())
                .collect::<Vec<_>>()
                .join("\n")
        );
        v.send_text("350").await;
        v.next_message().await; // the photo question
        v.send_text(if v.id == 501 {
            "⏭ Skip"
        } else {
            "⏭ Пропустить"
        })
        .await;
        v.next_message().await; // saved; the note question

        // The old message pressed again: the amount is not asked for, nothing more is recorded.
        v.press(&later, &format!("qa:{id}")).await;
        let answer = v.expect_text(again).await;
        assert!(answer.text.contains("350"), "{}", answer.text);
        v.send_text("400").await;
        v.next_message().await;
        let receipts: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM receipts WHERE request_id = ?")
                .bind(id)
                .fetch_one(&app.db)
                .await
                .unwrap();
        assert_eq!(receipts, 1, "request {id}");
    }
    app.stop().await;
}

/// A club lead appointed now: no missed morning digest is owed to them.
async fn lead(app: &TestApp, id: i64, name: &str, lang: &str, region: i64) -> TestUser {
    let user = seed_lead(app, id, name, lang, region).await;
    sqlx::query("UPDATE leads SET appointed_at = ? WHERE user_id = ?")
        .bind(app.clock.now_ms())
        .bind(id)
        .execute(&app.db)
        .await
        .unwrap();
    user
}

#[tokio::test]
async fn the_leads_hear_a_quick_voice_request_and_with_nobody_to_hear_it_the_person_is_told_so() {
    let app = TestApp::spawn().await;
    let vera = lead(&app, 900, "Vera", "en", PSKOV).await;
    let lev = lead(&app, 901, "Лев", "ru", PSKOV).await;
    // Nobody helps with "other" in Pskov Oblast.
    let _boris = seed_volunteer(&app, 502, "Boris", "en", PSKOV, &["groceries"]).await;
    let nina = app.user(103, "Нина", "ru");
    let mike = app.user(104, "Mike", "en");

    nina.send_voice("voice-nina").await;
    nina.expect_text("В каком вы регионе?").await;
    nina.send_text("псков").await;
    nina.expect_text("По какому номеру").await;
    nina.send_text("⏭ Пропустить").await;
    let posted = nina.expect_text("Заявка №").await;
    let id = request_number(&posted.text);
    assert!(
        posted.text.contains("сохранена")
            && posted
                .text
                .contains("Координатор клуба прослушает ваше голосовое сообщение")
            && !posted.text.contains("услышат ваше"),
        "{}",
        posted.text
    );

    mike.send_voice("voice-mike").await;
    mike.expect_text("Which region are you in?").await;
    mike.send_text("pskov").await;
    mike.expect_text("A phone number").await;
    mike.send_text("⏭ Skip").await;
    let posted = mike.expect_text("Request #").await;
    let second = request_number(&posted.text);
    assert!(
        posted.text.contains("is saved")
            && posted
                .text
                .contains("A coordinator of the club will listen to your voice message")
            && !posted.text.contains("will hear"),
        "{}",
        posted.text
    );

    for (l, request, file, caption, alert) in [
        (
            &vera,
            id,
            "voice-nina",
            format!("The voice message for request #{id}"),
            format!("New voice-only request #{id}"),
        ),
        (
            &lev,
            id,
            "voice-nina",
            format!("Голосовое сообщение к заявке №{id}"),
            format!("№{id}"),
        ),
        (
            &vera,
            second,
            "voice-mike",
            format!("The voice message for request #{second}"),
            format!("New voice-only request #{second}"),
        ),
    ] {
        let voice = l.expect_text(&caption).await;
        assert_eq!(voice.method, "sendvoice", "{}", voice.describe());
        assert_eq!(voice.voice_file_id().as_deref(), Some(file));
        // Then the alert with the buttons for its kind of help.
        let next = l.next_message().await;
        assert!(next.text.contains(&alert), "{}", next.describe());
        assert!(
            next.has_button("Groceries") || next.has_button("Продукты"),
            "{}",
            next.describe()
        );
        assert!(next.at >= voice.at);
        let _ = request;
    }
    app.stop().await;
}

/// Maria (English) fills in a whole request and stops at its summary.
async fn up_to_the_summary(maria: &TestUser) {
    maria.send_text("🆘 I need help").await;
    for (expect, answer) in [
        ("Who needs help?", "🙋 Me"),
        ("describes", "👵 Elderly person"),
        ("Which region?", "pskov"),
        ("What kind of help", "🛒 Groceries"),
        ("What exactly is needed?", "Bread and milk"),
        ("Which town or village?", "Pskov"),
        ("Street, house and flat?", "Lenina 5"),
        ("When is help needed?", "Today"),
        ("A phone number", "⏭ Skip"),
    ] {
        maria.expect_text(expect).await;
        maria.send_text(answer).await;
    }
    maria.expect_text("Please check your request").await;
}

/// While the test holds the database's write gate, `send` is handled up to the write that would
/// create the request; then the lead's pause lands first.
async fn pause_lands_first(app: &TestApp, send: impl std::future::Future<Output = i64>) {
    let mut gate = mutual_aid_bot::db::begin_write(&app.db).await.unwrap();
    send.await;
    // The bot reads everything it checks before writing, then waits for the gate.
    tokio::time::sleep(Duration::from_millis(400)).await;
    sqlx::query(
        "INSERT INTO intake_pauses (region_id, message, paused_by, paused_at)
         VALUES (?, 'Call 8-800-000', 900, 0)",
    )
    .bind(PSKOV)
    .execute(&mut *gate)
    .await
    .unwrap();
    gate.commit().await.unwrap();
}

#[tokio::test]
async fn an_intake_pause_that_lands_just_before_the_request_is_written_stops_it() {
    let app = TestApp::spawn().await;
    let _vera = lead(&app, 900, "Vera", "en", PSKOV).await;
    let _anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries", "other"]).await;
    let maria = app.user(101, "Maria", "en");
    let nina = app.user(103, "Нина", "ru");

    up_to_the_summary(&maria).await;
    pause_lands_first(&app, maria.send_text("✅ Send the request")).await;
    let told = maria.expect_text("Call 8-800-000").await;
    assert!(told.text.contains("Pskov Oblast"), "{}", told.text);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM help_requests").await, 0);
    sqlx::query("DELETE FROM intake_pauses")
        .execute(&app.db)
        .await
        .unwrap();

    nina.send_voice("voice-nina").await;
    nina.expect_text("В каком вы регионе?").await;
    nina.send_text("псков").await;
    nina.expect_text("По какому номеру").await;
    pause_lands_first(&app, nina.send_text("⏭ Пропустить")).await;
    let told = nina.expect_text("Call 8-800-000").await;
    assert!(told.text.contains("Псковская область"), "{}", told.text);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM help_requests").await, 0);
    app.stop().await;
}

async fn code_word(app: &TestApp, id: i64) -> Option<String> {
    sqlx::query_scalar("SELECT code_word FROM help_requests WHERE id = ?")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn on_my_way_for_a_request_without_a_code_word_gives_both_sides_a_new_one() {
    let app = TestApp::spawn().await;
    let oleg = seed_volunteer(&app, 502, "Олег", "ru", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&oleg, id).await;
    oleg.press(&push, &format!("c:{id}")).await;
    let details = oleg.expect_text(&format!("Вы взяли заявку №{id} ·")).await;
    maria.expect_text("Code word for request").await;
    // Taken before code words existed.
    sqlx::query("UPDATE help_requests SET code_word = NULL WHERE id = ?")
        .bind(id)
        .execute(&app.db)
        .await
        .unwrap();

    oleg.press(&details, &format!("w:{id}")).await;
    let when = oleg.expect_text("Когда вы будете на месте").await;
    oleg.press(&when, &format!("wt:{id}:1")).await;
    let told = maria.expect_text("is on the way to you").await;
    let word = code_word(&app, id).await.expect("a new code word");
    assert!(!word.is_empty());
    assert!(
        !told.html.contains("<b></b>") && told.html.contains(&format!("<b>{word}</b>")),
        "{}",
        told.html
    );
    let ok = oleg.expect_text("Мы сообщили человеку").await;
    assert!(
        ok.html
            .contains(&format!("Кодовое слово для заявки №{id}: <b>{word}</b>")),
        "{}",
        ok.html
    );
    app.stop().await;
}

#[tokio::test]
async fn later_today_is_not_on_the_way_the_author_hears_whom_and_the_requester_pays_nothing() {
    let app = TestApp::spawn().await;
    let oleg = seed_volunteer(&app, 502, "Олег", "ru", PSKOV, &["groceries"]).await;
    let boris = seed_volunteer(&app, 503, "Boris", "en", PSKOV, &["other"]).await;
    let olga = app.user(102, "Olga", "en");
    let nina = app.user(103, "Нина", "ru");

    // Olga asks for her mother; Oleg will come later today.
    let id = ask_for_help(
        &olga,
        &Ask {
            for_other: Some("Mother"),
            ..Ask::default()
        },
    )
    .await;
    let push = expect_push(&oleg, id).await;
    oleg.press(&push, &format!("c:{id}")).await;
    let details = oleg.expect_text(&format!("Вы взяли заявку №{id} ·")).await;
    oleg.press(&details, &format!("w:{id}")).await;
    let when = oleg.expect_text("Когда вы будете на месте").await;
    oleg.press(&when, &format!("wt:{id}:3")).await;
    let told = olga
        .expect_text(&format!(
            "Volunteer Олег will come to Mother later today (request #{id})"
        ))
        .await;
    assert!(!told.text.contains("on the way"), "{}", told.text);

    // Nina asks by voice; Boris will come later today, then records what he spent.
    let voiced = voice_request_without_phone(&nina, "voice-nina").await;
    let push = expect_push(&boris, voiced).await;
    let details = take(&boris, &push, voiced).await;
    boris.press(&details, &format!("w:{voiced}")).await;
    let when = boris.expect_text("When will you be there").await;
    boris.press(&when, &format!("wt:{voiced}:3")).await;
    let told = nina
        .expect_text(&format!(
            "Волонтёр Boris придёт к вам сегодня, позже (заявка №{voiced})"
        ))
        .await;
    assert!(!told.text.contains("в пути"), "{}", told.text);

    boris.press(&details, &format!("d:{voiced}")).await;
    boris.expect_text("Did you spend your own money").await;
    boris.send_text("350").await;
    boris.expect_text("Send a photo of the receipt").await;
    boris.send_text("⏭ Skip").await;
    let ask = nina
        .expect_text("Волонтёр говорит, что потратил(а) 350")
        .await;
    assert!(
        ask.text
            .contains("Вам ничего платить не нужно — эти деньги волонтёру вернёт клуб"),
        "{}",
        ask.text
    );
    app.stop().await;
}

#[tokio::test]
async fn a_voice_request_without_a_town_shows_its_region_when_taken_and_in_lead_alerts() {
    let app = TestApp::spawn().await;
    let vera = lead(&app, 900, "Vera", "en", PSKOV).await;
    let lev = lead(&app, 901, "Лев", "ru", PSKOV).await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["other"]).await;
    let oleg = seed_volunteer(&app, 502, "Олег", "ru", PSKOV, &["other"]).await;
    let nina = app.user(103, "Нина", "ru");
    let id = voice_request_without_phone(&nina, "voice-nina").await;

    let push = expect_push(&anna, id).await;
    expect_push(&oleg, id).await;
    let details = take(&anna, &push, id).await;
    let taken = oleg.expect_text(&format!("Заявку №{id} (")).await;
    assert!(
        taken.text.contains("Псковская область)") && !taken.text.contains(", )"),
        "{}",
        taken.text
    );

    anna.press(&details, &format!("d:{id}")).await;
    let ask = nina.expect_text("Вы получили помощь?").await;
    nina.press(&ask, &format!("n:{id}")).await;
    let alert = vera.expect_text(&format!("Request #{id} (")).await;
    assert!(
        alert.text.contains("Pskov Oblast)") && !alert.text.contains(", )"),
        "{}",
        alert.text
    );
    let alert = lev.expect_text(&format!("Заявка №{id} (")).await;
    assert!(
        alert.text.contains("Псковская область)") && !alert.text.contains(", )"),
        "{}",
        alert.text
    );
    app.stop().await;
}

#[tokio::test]
async fn a_relayed_voice_message_is_followed_by_a_line_with_the_reply_button() {
    let app = TestApp::spawn().await;
    let oleg = seed_volunteer(&app, 502, "Олег", "ru", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&oleg, id).await;
    oleg.press(&push, &format!("c:{id}")).await;
    oleg.expect_text(&format!("Вы взяли заявку №{id} ·")).await;
    let code = maria.expect_text("Code word for request").await;

    maria.press(&code, &format!("m:{id}")).await;
    maria
        .expect_text("write your message for the volunteer")
        .await;
    maria.send_voice("voice-from-maria").await;
    let voice = oleg.expect_text("голосовое сообщение от человека").await;
    assert_eq!(voice.method, "sendvoice");
    let line = oleg.next_message().await;
    assert!(
        line.text
            .contains(&format!("Чтобы ответить о заявке №{id}, нажмите ниже")),
        "{}",
        line.describe()
    );
    assert_eq!(
        line.button_data("Ответить").as_deref(),
        Some(&*format!("m:{id}"))
    );

    oleg.press(&line, &format!("m:{id}")).await;
    oleg.expect_text("напишите сообщение для человека").await;
    oleg.send_voice("voice-from-oleg").await;
    maria.expect_text("voice message from volunteer Олег").await;
    let line = maria.next_message().await;
    assert!(
        line.text
            .contains(&format!("To answer about request #{id}, press below")),
        "{}",
        line.describe()
    );
    assert_eq!(
        line.button_data("Reply").as_deref(),
        Some(&*format!("m:{id}"))
    );
    app.stop().await;
}

#[tokio::test]
async fn words_typed_outside_a_conversation_go_to_the_volunteer_only_after_the_press() {
    let app = TestApp::spawn().await;
    let oleg = seed_volunteer(&app, 502, "Олег", "ru", PSKOV, &["groceries", "other"]).await;
    let maria = app.user(101, "Maria", "en");
    let nina = app.user(103, "Нина", "ru");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&oleg, id).await;
    oleg.press(&push, &format!("c:{id}")).await;
    oleg.expect_text(&format!("Вы взяли заявку №{id} ·")).await;
    maria.expect_text("Code word for request").await;

    maria.send_text("The door code is 45, <b>please</b>").await;
    let offer = maria
        .expect_text(&format!("Pass this to the volunteer of request #{id}?"))
        .await;
    assert!(
        offer.text.contains("The door code is 45, <b>please</b>"),
        "{}",
        offer.text
    );
    tokio::time::sleep(QUIET).await;
    assert!(
        !oleg.unread().iter().any(|m| m.text.contains("door code")),
        "nothing goes before the press"
    );
    maria.press(&offer, &format!("mp:{id}")).await;
    let got = oleg
        .expect_text("сообщение от человека, который просил о помощи")
        .await;
    assert!(
        got.text.contains("The door code is 45, <b>please</b>"),
        "{}",
        got.text
    );
    assert_eq!(
        got.button_data("Ответить").as_deref(),
        Some(&*format!("m:{id}"))
    );
    maria
        .expect_text(&format!("Passed on to the volunteer of request #{id}."))
        .await;
    assert_eq!(dialogue_of(&app, maria.id).await, "");
    // The same button again: stale, nothing more goes.
    let again = maria.press(&offer, &format!("mp:{id}")).await;
    assert!(!maria.answer_text(&again).await.is_empty());

    // In Russian; a menu button instead of the press forgets the words.
    let voiced = voice_request_without_phone(&nina, "voice-nina").await;
    let push = expect_push(&oleg, voiced).await;
    oleg.press(&push, &format!("c:{voiced}")).await;
    nina.expect_text("Кодовое слово для заявки").await;
    nina.send_text("Я дома после обеда").await;
    let offer = nina
        .expect_text(&format!("Передать это волонтёру заявки №{voiced}?"))
        .await;
    assert_eq!(
        offer.button_data("Передать").as_deref(),
        Some(&*format!("mp:{voiced}"))
    );
    nina.send_text("📋 Мои заявки").await;
    nina.next_message().await;
    let stale = nina.press(&offer, &format!("mp:{voiced}")).await;
    assert!(!nina.answer_text(&stale).await.is_empty());
    tokio::time::sleep(QUIET).await;
    assert!(
        !oleg
            .all_messages()
            .iter()
            .any(|m| m.text.contains("после обеда")),
        "forgotten words never reach the volunteer"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_held_voice_request_shows_its_region_in_the_claim_limit_list() {
    let app = TestApp::spawn_with(|c| c.max_active_claims = 1).await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["other", "groceries"]).await;
    let nina = app.user(103, "Нина", "ru");
    let maria = app.user(101, "Maria", "en");
    let voice = voice_request_without_phone(&nina, "voice-nina").await;
    let push = expect_push(&anna, voice).await;
    take(&anna, &push, voice).await;

    let typed = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&anna, typed).await;
    anna.press(&push, &format!("c:{typed}")).await;
    let list = anna.expect_text("You already hold 1 request —").await;
    assert!(
        list.text
            .contains(&format!("#{voice} · ✳️ Other · Pskov Oblast ·")),
        "{}",
        list.text
    );
    assert_eq!(status_of(&app, typed).await, ("open".to_owned(), None));
    app.stop().await;
}

#[tokio::test]
async fn a_waiting_voice_request_is_listed_in_the_digest_as_one_whose_place_is_in_the_voice() {
    let app = TestApp::spawn().await;
    let vera = lead(&app, 900, "Vera", "en", PSKOV).await;
    let lev = lead(&app, 901, "Лев", "ru", PSKOV).await;
    let nina = app.user(103, "Нина", "ru");
    let id = voice_request_without_phone(&nina, "voice-nina").await;

    app.clock.advance(chrono::Duration::hours(25));
    vera.send_text("/digest").await;
    let digest = vera
        .expect_text("Waiting for a volunteer for over 24 hours: 1")
        .await;
    assert!(
        digest.text.contains(&format!(
            "#{id} · ✳️ Other · 🎤 place in the voice message · waiting"
        )),
        "{}",
        digest.text
    );
    lev.send_text("/digest").await;
    let digest = lev.expect_text("Ждут волонтёра больше 24 часов: 1").await;
    assert!(
        digest.text.contains(&format!(
            "№{id} · ✳️ Другая помощь · 🎤 место — в голосовом сообщении · ждёт"
        )),
        "{}",
        digest.text
    );
    app.stop().await;
}
