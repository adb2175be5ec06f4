//! /export: a club lead gets a CSV of their region's requests for a period, in their private chat.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::steps::*;
use crate::support::{SentMessage, TestApp, TestUser};

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .with_timezone(&Utc)
}

/// The uploaded file of a sendDocument: (file name, text without the BOM). Panics unless the
/// text starts with a UTF-8 BOM.
fn document(m: &SentMessage) -> (String, String) {
    assert_eq!(m.method, "senddocument", "{}", m.describe());
    let field = &m.params["document"];
    let file = match field.as_str().and_then(|s| s.strip_prefix("attach://")) {
        Some(part) => &m.params[part],
        None => field,
    };
    let name = file["file_name"].as_str().expect("a file name").to_owned();
    let content = file["content"].as_str().expect("the file is UTF-8 text");
    let text = content
        .strip_prefix('\u{feff}')
        .unwrap_or_else(|| panic!("no BOM at the start of {content:?}"));
    (name, text.to_owned())
}

/// The rows of a CSV as maps from header to cell.
fn rows(text: &str, delimiter: u8) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let records = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, records)
}

fn cell<'a>(header: &[String], row: &'a [String], column: &str) -> &'a str {
    let i = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column:?} in {header:?}"));
    &row[i]
}

/// /export by a lead of one region: the question about the period, with its buttons.
async fn ask_export(lead: &TestUser, question: &str) -> SentMessage {
    lead.send_text("/export").await;
    lead.expect_text(question).await
}

async fn answer_text(user: &TestUser, q: &str) -> (String, bool) {
    let answer = user
        .callback_answer(q)
        .await
        .expect("the press is answered");
    (
        answer.params["text"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        answer.params["show_alert"].as_bool().unwrap_or(false),
    )
}

#[tokio::test]
async fn a_lead_exports_the_last_30_days_with_local_times() {
    let app = TestApp::spawn().await;
    let lead = seed_lead(&app, 900, "Olga", "en", PSKOV).await;
    let vera = seed_volunteer(&app, 501, "Vera", "en", PSKOV, &["groceries", "medicine"]).await;

    // Too old for the last 30 days.
    app.clock.set(at("2026-10-01T12:00:00Z"));
    let old = ask_for_help(&app.user(101, "Maria", "en"), &Ask::default()).await;
    // 23:30 UTC is 02:30 the next day in Pskov (UTC+3).
    app.clock.set(at("2026-11-10T23:30:00Z"));
    let late = ask_for_help(&app.user(102, "Pavel", "en"), &Ask::default()).await;
    app.clock.set(at("2026-11-12T10:00:00Z"));
    let taken = ask_for_help(
        &app.user(103, "Irina", "en"),
        &Ask {
            category: "💊 Medicine",
            address: "Sovetskaya 1, flat 3",
            details: "Insulin from the pharmacy",
            phone: None,
            for_other: Some("Aunt Zina"),
            ..Ask::default()
        },
    )
    .await;
    let push = expect_push(&vera, taken).await;
    app.clock.set(at("2026-11-12T10:15:00Z"));
    take(&vera, &push, taken).await;
    // Done by Vera and confirmed by the requester: closed.
    app.clock.set(at("2026-11-13T06:00:00Z"));
    let sergei = app.user(105, "Sergei", "en");
    let closed = ask_for_help(
        &sergei,
        &Ask {
            address: "Pushkina 10",
            ..Ask::default()
        },
    )
    .await;
    let push = expect_push(&vera, closed).await;
    let details = take(&vera, &push, closed).await;
    app.clock.set(at("2026-11-13T08:00:00Z"));
    vera.press(&details, &format!("d:{closed}")).await;
    let confirm = sergei
        .expect_text(&format!("The volunteer says request #{closed} is done"))
        .await;
    app.clock.set(at("2026-11-13T09:00:00Z"));
    sergei.press(&confirm, &format!("y:{closed}")).await;
    sergei
        .expect_text(&format!("Request #{closed} is closed"))
        .await;
    // Another region's request is not in Pskov's file.
    let elsewhere = ask_for_help(
        &app.user(104, "Rustam", "en"),
        &Ask {
            region: "tatarstan",
            ..Ask::default()
        },
    )
    .await;

    app.clock.set(at("2026-11-15T09:30:00Z"));
    let question = ask_export(&lead, "Requests of Pskov Oblast: for which period?").await;
    assert!(question.text.contains("UTC+3"), "{}", question.text);
    assert_eq!(
        question.button_data("Last 30 days").as_deref(),
        Some("xe:60:1")
    );
    let q = lead.press_label(&question, "Last 30 days").await;
    let (text, _) = answer_text(&lead, &q).await;
    assert!(text.is_empty(), "a quiet answer: {text:?}");

    let sent = lead.expect_text("In all: 3").await;
    assert!(
        sent.text.contains("from 17.10.2026 to 15.11.2026")
            && sent.text.contains("do not forward it"),
        "{}",
        sent.text
    );
    let (name, text) = document(&sent);
    assert_eq!(name, "requests-pskov-2026-10-17-2026-11-15.csv");
    let (header, records) = rows(&text, b',');
    assert_eq!(header.first().map(String::as_str), Some("Request number"));
    let numbers: Vec<i64> = records.iter().map(|r| r[0].parse().unwrap()).collect();
    assert_eq!(
        numbers,
        vec![late, taken, closed],
        "oldest first; not {old} or {elsewhere}"
    );

    let (first, second, third) = (&records[0], &records[1], &records[2]);
    let c = |row, column| cell(&header, row, column);
    assert_eq!(
        c(first, "Created"),
        "2026-11-11 02:30",
        "the region's own date"
    );
    assert_eq!(c(first, "Status"), "waiting for a volunteer");
    assert_eq!(c(first, "Kind of help"), "Groceries");
    assert_eq!(c(first, "Who needs help"), "an elderly person");
    assert_eq!(c(first, "Asked for"), "themselves");
    assert_eq!(c(first, "Town or village"), "Pskov");
    assert_eq!(c(first, "Address"), "Lenina 5, flat 12");
    assert_eq!(
        c(first, "Phone"),
        "'+79123456789",
        "kept as text, not a formula"
    );
    assert_eq!(c(first, "Help needed on"), "2026-11-11");
    assert_eq!(c(first, "Volunteer"), "");
    assert_eq!(
        c(first, "What is needed"),
        "Bread, milk and buckwheat, please"
    );

    assert_eq!(c(second, "Created"), "2026-11-12 13:00");
    assert_eq!(c(second, "Status"), "taken by a volunteer");
    assert_eq!(c(second, "Kind of help"), "Medicine");
    assert_eq!(c(second, "Asked for"), "someone else");
    assert_eq!(c(second, "Address"), "Sovetskaya 1, flat 3");
    assert_eq!(c(second, "Phone"), "");
    assert_eq!(c(second, "Volunteer"), "Vera");
    assert_eq!(c(second, "Taken at"), "2026-11-12 13:15");
    assert_eq!(c(second, "Done at"), "");
    assert_eq!(c(second, "Closed or cancelled at"), "");
    assert_eq!(c(second, "What is needed"), "Insulin from the pharmacy");

    assert_eq!(c(third, "Status"), "closed");
    assert_eq!(c(third, "Address"), "Pushkina 10");
    assert_eq!(c(third, "Volunteer"), "Vera");
    assert_eq!(c(third, "Taken at"), "2026-11-13 09:00");
    assert_eq!(c(third, "Done at"), "2026-11-13 11:00");
    assert_eq!(c(third, "Closed or cancelled at"), "2026-11-13 12:00");

    // The file went to the lead's private chat and nowhere else.
    let uploads = app.fake.calls_of("senddocument");
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].chat_id(), Some(lead.id));
    app.stop().await;
}

#[tokio::test]
async fn a_lead_of_several_regions_chooses_the_region_first() {
    let app = TestApp::spawn().await;
    seed_lead(&app, 900, "Olga", "en", PSKOV).await;
    let lead = seed_lead(&app, 900, "Olga", "en", TATARSTAN).await;
    app.clock.set(at("2026-11-02T08:00:00Z"));
    let id = ask_for_help(
        &app.user(104, "Rustam", "en"),
        &Ask {
            region: "tatarstan",
            settlement: "Kazan",
            ..Ask::default()
        },
    )
    .await;

    let choice = ask_export(&lead, "Which region's requests").await;
    assert_eq!(
        choice.inline_buttons(),
        vec![
            ("Pskov Oblast".to_owned(), "xr:60".to_owned()),
            ("Republic of Tatarstan".to_owned(), "xr:16".to_owned()),
        ]
    );
    lead.press_label(&choice, "Tatarstan").await;
    let question = lead
        .expect_text("Requests of Republic of Tatarstan: for which period?")
        .await;
    assert!(
        question.is_edit(),
        "the same message asks the next question"
    );
    assert_eq!(question.button_data("All time").as_deref(), Some("xe:16:4"));
    lead.press_label(&question, "All time").await;
    let sent = lead.expect_text("In all: 1").await;
    let (name, text) = document(&sent);
    assert_eq!(name, "requests-tatarstan-all-2026-11-02.csv");
    let (header, records) = rows(&text, b',');
    assert_eq!(records.len(), 1);
    assert_eq!(cell(&header, &records[0], "Request number"), id.to_string());
    assert_eq!(cell(&header, &records[0], "Town or village"), "Kazan");
    app.stop().await;
}

#[tokio::test]
async fn a_non_lead_and_a_forged_button_are_refused_kindly() {
    let app = TestApp::spawn().await;
    ask_for_help(
        &app.user(104, "Rustam", "en"),
        &Ask {
            region: "tatarstan",
            ..Ask::default()
        },
    )
    .await;

    let stranger = app.user(700, "Stas", "en");
    stranger.send_text("/export").await;
    let refused = stranger.expect_text("This is for club leads").await;
    assert!(refused.inline_buttons().is_empty());
    // Buttons copied from someone else's chat do not work either.
    let q = stranger.press(&refused, "xe:16:4").await;
    let (text, alert) = answer_text(&stranger, &q).await;
    assert!(text.contains("This is for club leads") && alert, "{text:?}");

    let lead = seed_lead(&app, 900, "Olga", "en", PSKOV).await;
    let question = ask_export(&lead, "Requests of Pskov Oblast").await;
    for forged in ["xe:16:1", "xr:16"] {
        let q = lead.press(&question, forged).await;
        let (text, alert) = answer_text(&lead, &q).await;
        assert!(
            text.contains("You are not a club lead of this region") && alert,
            "{forged}: {text:?}"
        );
    }
    lead.no_more_messages(Duration::from_millis(300)).await;
    assert!(app.fake.calls_of("senddocument").is_empty());
    app.stop().await;
}

#[tokio::test]
async fn an_empty_period_is_said_in_words_not_sent_as_an_empty_file() {
    let app = TestApp::spawn().await;
    let lead = seed_lead(&app, 900, "Olga", "en", PSKOV).await;
    app.clock.set(at("2026-11-01T12:00:00Z"));
    ask_for_help(&app.user(101, "Maria", "en"), &Ask::default()).await;

    app.clock.set(at("2026-12-20T12:00:00Z"));
    let question = ask_export(&lead, "Requests of Pskov Oblast").await;
    lead.press_label(&question, "Last 7 days").await;
    let said = lead
        .expect_text("No requests were made in Pskov Oblast from 14.12.2026 to 20.12.2026")
        .await;
    assert_eq!(said.method, "sendmessage");
    // Last month (November) has the request.
    lead.press_label(&question, "Last month").await;
    let sent = lead.expect_text("In all: 1").await;
    assert_eq!(
        document(&sent).0,
        "requests-pskov-2026-11-01-2026-11-30.csv"
    );
    assert_eq!(app.fake.calls_of("senddocument").len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn a_russian_lead_gets_russian_headers_and_semicolons() {
    let app = TestApp::spawn().await;
    let lead = seed_lead(&app, 900, "Ольга", "ru", PSKOV).await;
    app.clock.set(at("2026-11-03T07:00:00Z"));
    let id = ask_for_help(&app.user(101, "Maria", "en"), &Ask::default()).await;

    let question = ask_export(&lead, "За какой период?").await;
    assert!(
        question.text.contains("Псковская область"),
        "{}",
        question.text
    );
    lead.press_label(&question, "Этот месяц").await;
    let sent = lead.expect_text("Всего: 1").await;
    assert!(
        sent.text.contains("с 01.11.2026 по 03.11.2026"),
        "{}",
        sent.text
    );
    let (_, text) = document(&sent);
    let (header, records) = rows(&text, b';');
    assert_eq!(
        header[..3],
        ["Номер заявки", "Создана", "Состояние"].map(String::from)
    );
    let row = &records[0];
    assert_eq!(cell(&header, row, "Номер заявки"), id.to_string());
    assert_eq!(cell(&header, row, "Создана"), "2026-11-03 10:00");
    assert_eq!(cell(&header, row, "Состояние"), "ждёт волонтёра");
    assert_eq!(cell(&header, row, "Вид помощи"), "Продукты");
    assert_eq!(cell(&header, row, "Кому нужна помощь"), "пожилой человек");
    assert_eq!(cell(&header, row, "Для кого просили"), "для себя");
    assert_eq!(cell(&header, row, "Адрес"), "Lenina 5, flat 12");
    app.stop().await;
}
