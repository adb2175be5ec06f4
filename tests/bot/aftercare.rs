//! After the visit (receipts, a note for the next volunteer, a worry about the person) and the
//! lead's hand (pausing intake, quick voice requests and their kind of help).

use std::time::Duration;

use crate::steps::*;
use crate::support::{SentMessage, TestApp, TestUser};

const QUIET: Duration = Duration::from_millis(300);
/// The no-break space between an amount and its ₽ sign.
const NBSP: char = '\u{a0}';

/// The text of the answer to a press (the toast or popup the person saw).
async fn answered(user: &TestUser, q: &str) -> String {
    user.answer_text(q).await
}

/// The uploaded CSV of a sendDocument, without its BOM.
fn csv_text(m: &SentMessage) -> String {
    assert_eq!(m.method, "senddocument", "{}", m.describe());
    let field = &m.params["document"];
    let file = match field.as_str().and_then(|s| s.strip_prefix("attach://")) {
        Some(part) => &m.params[part],
        None => field,
    };
    let content = file["content"].as_str().expect("the file is UTF-8 text");
    content.trim_start_matches('\u{feff}').to_owned()
}

/// The cell of `column` in the row of request `id`.
fn csv_cell(text: &str, delimiter: u8, id: i64, column: &str) -> String {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let i = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column:?} in {header:?}"));
    for r in reader.records() {
        let r = r.unwrap();
        if r[0] == *id.to_string() {
            return r[i].to_owned();
        }
    }
    panic!("no row for request {id} in {text}")
}

/// The lead exports the last 7 days (a lead of one region, English).
async fn export_week(lead: &TestUser) -> String {
    lead.send_text("/export").await;
    let question = lead.expect_text("for which period?").await;
    lead.press_label(&question, "Last 7 days").await;
    csv_text(&lead.expect_text("In all:").await)
}

/// Maria asks, Anna takes it and presses Done: Anna is asked about money.
async fn done_by(app: &TestApp, requester: &TestUser, v: &TestUser) -> i64 {
    let id = ask_for_help(requester, &Ask::default()).await;
    let push = expect_push(v, id).await;
    let details = take(v, &push, id).await;
    v.press(&details, &format!("d:{id}")).await;
    v.expect_text(&format!("Did you spend your own money on request #{id}?"))
        .await;
    assert_eq!(status_of(app, id).await.0, "done");
    id
}

/// A club lead appointed now: no missed morning digest is owed to them (this file asks /digest).
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

async fn receipt_id(app: &TestApp, request: i64) -> i64 {
    sqlx::query_scalar("SELECT id FROM receipts WHERE request_id = ?")
        .bind(request)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_receipt_is_confirmed_shown_in_the_digest_and_export_and_repaid_once() {
    let app = TestApp::spawn().await;
    let vera = lead(&app, 900, "Vera", "en", PSKOV).await;
    let oleg = lead(&app, 901, "Oleg", "en", PSKOV).await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = done_by(&app, &maria, &anna).await;

    // Bad input keeps the question: a photo where the amount is asked, an unreadable amount, zero.
    anna.send_photo().await;
    anna.expect_text("Please type the amount as a number").await;
    anna.send_text("a lot").await;
    anna.expect_text("Please type the amount as a number").await;
    anna.send_text("0").await;
    anna.expect_text("must be more than 0").await;
    anna.send_text("350,50 руб").await;
    anna.expect_text("Send a photo of the receipt").await;
    anna.send_text("here it is").await;
    anna.expect_text("Please send a photo of the receipt").await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM receipts").await, 0);
    anna.send_photo_with("receipt-photo-1").await;
    let saved = anna.expect_text("Saved: 350.50").await;
    assert!(
        saved.text.contains("A note for the next volunteer"),
        "{}",
        saved.text
    );

    let amount = format!("350.50{NBSP}₽");
    let ask = maria
        .expect_text(&format!(
            "The volunteer says they spent {amount} on request #{id}"
        ))
        .await;
    let rid = receipt_id(&app, id).await;
    assert_eq!(
        ask.button_data("Yes").as_deref(),
        Some(&*format!("qy:{rid}"))
    );
    // Each lead gets the receipt photo (by its file id) with the amount and 💸 Repaid.
    let mut receipts = vec![];
    for lead in [&vera, &oleg] {
        let m = lead.expect_text(&format!("Anna spent {amount}")).await;
        assert_eq!(m.method, "sendphoto", "{}", m.describe());
        assert_eq!(m.params["photo"].as_str(), Some("receipt-photo-1"));
        assert_eq!(
            m.button_data("Repaid").as_deref(),
            Some(&*format!("qp:{rid}"))
        );
        receipts.push(m);
    }

    maria.press(&ask, &format!("qy:{rid}")).await;
    maria.expect_text("Thank you for confirming").await;
    // A second press of the same answer changes nothing.
    let again = maria.press(&ask, &format!("qn:{rid}")).await;
    assert!(
        answered(&maria, &again)
            .await
            .contains("already have your answer")
    );
    let answer: String = sqlx::query_scalar("SELECT answer FROM receipts WHERE id = ?")
        .bind(rid)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(answer, "confirmed");

    anna.send_text("⏭ Skip").await;
    anna.expect_text("Is anything about this person worrying you?")
        .await;
    anna.send_text("✅ All is well").await;
    anna.expect_text(&format!("Thank you for your help with request #{id}"))
        .await;
    assert_eq!(dialogue_of(&app, 501).await, "");

    // The digest counts up to now: let a minute pass.
    app.clock.advance(chrono::Duration::minutes(1));
    vera.send_text("/digest").await;
    let digest = vera.expect_text("Daily summary").await;
    assert!(
        digest
            .text
            .contains(&format!("Reimbursements due: 1, {amount} in all")),
        "{}",
        digest.text
    );
    assert!(
        digest.text.contains("No volunteer raised a worry"),
        "{}",
        digest.text
    );
    let csv = export_week(&vera).await;
    assert_eq!(
        csv_cell(&csv, b',', id, "Spent by volunteer (RUB)"),
        "350.50"
    );
    assert_eq!(
        csv_cell(&csv, b',', id, "Person's answer on the amount"),
        "confirmed"
    );
    assert_eq!(csv_cell(&csv, b',', id, "Reimbursement"), "due");

    // /receipts lists it too.
    vera.send_text("/receipts").await;
    let list = vera.expect_text("Reimbursements due: 1").await;
    assert!(list.text.contains("person confirmed"), "{}", list.text);

    // Vera marks it repaid; Oleg's press comes second and is refused; Anna is told once.
    vera.press(&receipts[0], &format!("qp:{rid}")).await;
    vera.expect_text(&format!(
        "Marked repaid: {amount} to Anna for request #{id}"
    ))
    .await;
    anna.expect_text(&format!(
        "The club has repaid you {amount} for request #{id}"
    ))
    .await;
    let late = oleg.press(&receipts[1], &format!("qp:{rid}")).await;
    assert!(
        answered(&oleg, &late)
            .await
            .contains("already marked repaid")
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM request_events WHERE kind = 'repaid'"
        )
        .await,
        1
    );
    let repaid_by: i64 = sqlx::query_scalar("SELECT repaid_by FROM receipts WHERE id = ?")
        .bind(rid)
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(repaid_by, 900);
    anna.no_more_messages(QUIET).await;

    // The digest counts up to now: let a minute pass.
    app.clock.advance(chrono::Duration::minutes(1));
    vera.send_text("/digest").await;
    let digest = vera.expect_text("Daily summary").await;
    assert!(
        digest.text.contains("No reimbursements are due"),
        "{}",
        digest.text
    );
    assert!(
        digest
            .text
            .contains(&format!("Repaid in these 24 hours: 1, {amount}")),
        "{}",
        digest.text
    );
    let csv = export_week(&vera).await;
    assert_eq!(csv_cell(&csv, b',', id, "Reimbursement"), "repaid");
    assert!(!csv_cell(&csv, b',', id, "Repaid at").is_empty());

    // A stranger's forged press is refused kindly.
    let stranger = app.user(777, "Stranger", "en");
    let forged = stranger.press(&receipts[0], &format!("qp:{rid}")).await;
    assert!(
        answered(&stranger, &forged)
            .await
            .contains("for club leads")
    );

    // /delete_me of the requester takes the receipt photo with it; the amount stays.
    maria.send_text("/delete_me").await;
    let question = maria.expect_text("erase").await;
    maria.press(&question, "dm:y").await;
    maria
        .expect_text("Done: your personal data is erased")
        .await;
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM receipts WHERE photo_file_id IS NOT NULL"
        )
        .await,
        0
    );
    assert_eq!(
        count(&app, "SELECT SUM(amount_minor) FROM receipts").await,
        35_050
    );
    app.stop().await;
}

#[tokio::test]
async fn a_requester_who_disputes_the_amount_alerts_the_leads_in_russian() {
    let app = TestApp::spawn().await;
    let vera = lead(&app, 900, "Вера", "ru", PSKOV).await;
    let anna = seed_volunteer(&app, 501, "Анна", "ru", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&anna, id).await;
    anna.press(&push, &format!("c:{id}")).await;
    let details = anna.expect_text(&format!("Вы взяли заявку №{id}")).await;
    assert!(details.has_button("Я беспокоюсь"), "{}", details.describe());
    anna.press(&details, &format!("d:{id}")).await;
    anna.expect_text(&format!("Вы потратили свои деньги на заявку №{id}?"))
        .await;
    anna.send_text("100001").await;
    anna.expect_text("Сумма должна быть больше 0 и не больше 100")
        .await;
    anna.send_text("пятьсот").await;
    anna.expect_text("напишите сумму числом").await;
    anna.send_text("1 250 р").await;
    anna.expect_text("Пришлите фото чека").await;
    anna.send_voice("voice-not-a-photo").await;
    anna.expect_text("пришлите фото чека").await;
    anna.send_text("⏭ Пропустить").await;
    let amount_ru = format!("1{NBSP}250{NBSP}₽");
    anna.expect_text(&format!("Сохранено: {amount_ru}")).await;

    // The lead gets the receipt as text (no photo) with its button, in Russian.
    let receipt = vera
        .expect_text(&format!("Анна потратил(а) {amount_ru}"))
        .await;
    assert_eq!(receipt.method, "sendmessage");
    let rid = receipt_id(&app, id).await;
    assert_eq!(
        receipt.button_data("Возмещено").as_deref(),
        Some(&*format!("qp:{rid}"))
    );

    let amount_en = format!("1,250{NBSP}₽");
    let ask = maria
        .expect_text(&format!("they spent {amount_en} on request #{id}"))
        .await;
    maria.press_label(&ask, "that's not right").await;
    maria
        .expect_text("The club's coordinators will look into it")
        .await;
    let alert = vera
        .expect_text(&format!(
            "Заявка №{id}: человек говорит, что сумма {amount_ru}"
        ))
        .await;
    assert!(alert.text.contains("Анна"), "{}", alert.text);
    assert_eq!(
        alert.button_data("Возмещено").as_deref(),
        Some(&*format!("qp:{rid}"))
    );
    assert!(
        events_of(&app, id)
            .await
            .contains(&"receipt_disputed".to_owned())
    );

    vera.send_text("/receipts").await;
    let list = vera.expect_text("Нужно возместить: 1").await;
    assert!(
        list.text.contains("человек говорит, что неверно"),
        "{}",
        list.text
    );

    vera.send_text("/export").await;
    let question = vera.expect_text("За какой период?").await;
    vera.press_label(&question, "7 дней").await;
    let csv = csv_text(&vera.expect_text("Всего:").await);
    assert_eq!(
        csv_cell(&csv, b';', id, "Потратил волонтёр (руб.)"),
        "1250,00"
    );
    assert_eq!(csv_cell(&csv, b';', id, "Возмещение"), "нужно возместить");
    assert_eq!(
        csv_cell(&csv, b';', id, "Ответ человека о сумме"),
        "говорит, что неверно"
    );
    app.stop().await;
}

#[tokio::test]
async fn the_note_reaches_the_next_claimer_of_the_same_requester_and_no_one_else() {
    let app = TestApp::spawn().await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let boris = seed_volunteer(&app, 502, "Boris", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let petr = app.user(102, "Petr", "en");
    let first = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&anna, first).await;
    let details = take(&anna, &push, first).await;
    assert!(
        !details.text.contains("Notes from earlier visits"),
        "{}",
        details.text
    );
    anna.press(&details, &format!("d:{first}")).await;
    anna.expect_text("Did you spend your own money").await;
    anna.send_text("⏭ Skip").await;
    anna.expect_text("A note for the next volunteer").await;
    anna.send_text(&"x".repeat(301)).await;
    anna.expect_text("That is too long: 301 characters").await;
    anna.send_photo().await;
    anna.expect_text("Please type your answer").await;
    anna.send_text("Lift broken, ring twice <b>").await;
    anna.expect_text("the next volunteer will see your note")
        .await;
    anna.send_text("✅ All is well").await;
    anna.expect_text("Thank you for your help").await;
    assert!(events_of(&app, first).await.contains(&"note".to_owned()));

    // Maria's next request: Boris takes it and reads Anna's note (escaped, shown as typed).
    let again = ask_for_help(&maria, &Ask::default()).await;
    // Petr's request: no note about Maria there.
    let other = ask_for_help(&petr, &Ask::default()).await;
    let push_again = expect_push(&boris, again).await;
    let push_other = expect_push(&boris, other).await;
    let details = take(&boris, &push_again, again).await;
    assert!(
        details.text.contains("Notes from earlier visits")
            && details.text.contains("Lift broken, ring twice <b>"),
        "{}",
        details.text
    );
    assert!(
        details.html.contains("ring twice &lt;b&gt;"),
        "{}",
        details.html
    );
    let details = take(&boris, &push_other, other).await;
    assert!(!details.text.contains("Lift broken"), "{}", details.text);
    assert!(
        !details.text.contains("Notes from earlier visits"),
        "{}",
        details.text
    );

    // Maria erases her data: the note about her goes too.
    maria.send_text("/delete_me").await;
    let question = maria.expect_text("erase").await;
    maria.press(&question, "dm:y").await;
    maria
        .expect_text("Done: your personal data is erased")
        .await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM visit_notes").await, 0);
    app.stop().await;
}

#[tokio::test]
async fn a_worried_volunteer_alerts_the_leads_once_per_concern() {
    let app = TestApp::spawn().await;
    let vera = lead(&app, 900, "Vera", "en", PSKOV).await;
    let ruslan = lead(&app, 902, "Ruslan", "ru", PSKOV).await;
    let elsewhere = lead(&app, 903, "Elsewhere", "en", TATARSTAN).await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let boris = seed_volunteer(&app, 502, "Boris", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&anna, id).await;
    expect_push(&boris, id).await;
    let details = take(&anna, &push, id).await;

    // Someone who does not hold it cannot raise a worry about it.
    let forged = boris.press(&details, &format!("qw:{id}")).await;
    assert!(answered(&boris, &forged).await.contains("not yours"));

    // While holding it: 😟 under the details.
    anna.press_label(&details, "I am worried").await;
    anna.expect_text("what worries you about the person of request")
        .await;
    anna.send_sticker().await;
    anna.expect_text("Please type your answer").await;
    anna.send_text("   ").await;
    anna.expect_text("That looks empty").await;
    anna.send_text("She seems confused & alone").await;
    anna.expect_text("The club's coordinators have your words")
        .await;
    let alert = vera
        .expect_text(&format!(
            "A volunteer is worried about the person of request #{id}"
        ))
        .await;
    assert!(
        alert
            .text
            .contains("Anna writes: «She seems confused & alone»"),
        "{}",
        alert.text
    );
    assert!(
        alert.html.contains("confused &amp; alone"),
        "{}",
        alert.html
    );
    ruslan
        .expect_text(&format!("Волонтёр беспокоится о человеке из заявки №{id}"))
        .await;
    vera.no_more_messages(QUIET).await;
    ruslan.no_more_messages(QUIET).await;
    elsewhere.no_more_messages(QUIET).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM concerns").await, 1);
    assert_eq!(
        events_of(&app, id)
            .await
            .iter()
            .filter(|k| *k == "concern")
            .count(),
        1
    );

    // After Done: the last question.
    anna.press(&details, &format!("d:{id}")).await;
    anna.expect_text("Did you spend your own money").await;
    anna.send_text("⏭ Skip").await;
    anna.expect_text("A note for the next volunteer").await;
    anna.send_text("⏭ Skip").await;
    anna.expect_text("Is anything about this person worrying you?")
        .await;
    anna.send_text("Maybe").await;
    anna.expect_text("I didn't understand that").await;
    anna.send_text("😟 I am worried about this person").await;
    anna.expect_text("Write a few words").await;
    anna.send_text("No food in the fridge").await;
    anna.expect_text("The club's coordinators have your words")
        .await;
    vera.expect_text("No food in the fridge").await;
    ruslan.expect_text("No food in the fridge").await;
    vera.no_more_messages(QUIET).await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM concerns").await, 2);

    // The digest counts up to now: let a minute pass.
    app.clock.advance(chrono::Duration::minutes(1));
    vera.send_text("/digest").await;
    let digest = vera.expect_text("Daily summary").await;
    assert!(
        digest
            .text
            .contains("Volunteers worried about a person in these 24 hours: 2"),
        "{}",
        digest.text
    );
    app.stop().await;
}

#[tokio::test]
async fn intake_pause_answers_new_requesters_with_the_leads_message_and_resume_restores_it() {
    let app = TestApp::spawn().await;
    let vera = lead(&app, 900, "Vera", "en", PSKOV).await;
    sqlx::query("INSERT INTO leads (user_id, region_id, appointed_at) VALUES (900, ?, ?)")
        .bind(TATARSTAN)
        .bind(app.clock.now_ms())
        .execute(&app.db)
        .await
        .unwrap();
    let oleg = lead(&app, 901, "Oleg", "en", PSKOV).await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;

    // A lead of two regions chooses which one to pause.
    vera.send_text("/intake").await;
    let list = vera.expect_text("New requests in your regions").await;
    assert!(
        list.text.contains("Pskov Oblast: ✅ taking requests")
            && list
                .text
                .contains("Republic of Tatarstan: ✅ taking requests"),
        "{}",
        list.text
    );
    assert_eq!(
        list.button_data("Pause: Pskov").as_deref(),
        Some(&*format!("qi:{PSKOV}"))
    );
    // Not a lead: refused kindly, nothing paused.
    let stranger = app.user(777, "Stranger", "en");
    let forged = stranger.press(&list, &format!("qi:{PSKOV}")).await;
    assert!(
        answered(&stranger, &forged)
            .await
            .contains("for club leads")
    );

    vera.press_label(&list, "Pause: Pskov").await;
    vera.expect_text("What should people read instead?").await;
    vera.send_photo().await;
    vera.expect_text("Please type your answer").await;
    vera.send_text("Please call our hotline +7 800 555-35-35 <today>")
        .await;
    vera.expect_text("New requests in Pskov Oblast are paused")
        .await;
    oleg.expect_text("Vera paused new requests in Pskov Oblast")
        .await;

    // A requester who chooses Pskov hears the lead's message and can choose again.
    let maria = app.user(101, "Maria", "en");
    maria.send_text("🆘 I need help").await;
    maria.expect_text("Who needs help?").await;
    maria.send_text("🙋 Me").await;
    maria.expect_text("describes").await;
    maria.send_text("👵 Elderly person").await;
    maria.expect_text("Which region?").await;
    maria.send_text("pskov").await;
    let notice = maria.expect_text("is not taking new requests").await;
    assert!(
        notice
            .text
            .contains("«Please call our hotline +7 800 555-35-35 <today>»")
            && notice.text.contains("Which region?"),
        "{}",
        notice.text
    );
    assert!(notice.html.contains("&lt;today&gt;"), "{}", notice.html);
    assert!(notice.has_button("❌ Cancel"), "{}", notice.describe());
    assert!(dialogue_of(&app, 101).await.contains("Region"));
    maria.send_text("tatarstan").await;
    maria.expect_text("What kind of help").await;
    maria.send_text("❌ Cancel").await;
    maria.expect_text("Cancelled").await;

    // A quick voice request for Pskov, in Russian, is answered the same way.
    let nina = app.user(103, "Нина", "ru");
    nina.send_voice("voice-nina").await;
    nina.expect_text("Я вас услышал").await;
    nina.send_text("псков").await;
    let notice = nina.expect_text("сейчас не принимает новые заявки").await;
    assert!(notice.text.contains("hotline"), "{}", notice.text);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM help_requests").await, 0);

    // Resume: intake works again.
    vera.send_text("/intake").await;
    let list = vera.expect_text("New requests in your regions").await;
    assert!(
        list.text.contains("Pskov Oblast: ⏸ paused"),
        "{}",
        list.text
    );
    vera.press_label(&list, "Resume: Pskov").await;
    vera.expect_text("Pskov Oblast takes new requests again")
        .await;
    oleg.expect_text("Vera resumed new requests in Pskov Oblast")
        .await;
    let again = vera.press_label(&list, "Resume: Pskov").await;
    assert!(answered(&vera, &again).await.contains("not paused"));

    let id = ask_for_help(&maria, &Ask::default()).await;
    expect_push(&anna, id).await;
    assert_eq!(status_of(&app, id).await.0, "open");
    app.stop().await;
}

#[tokio::test]
async fn a_quick_voice_request_reaches_the_claimer_as_a_voice_message() {
    let app = TestApp::spawn().await;
    let vera = lead(&app, 900, "Vera", "en", PSKOV).await;
    let anyone = seed_volunteer(&app, 501, "Anyone", "en", PSKOV, &["other"]).await;
    let boris = seed_volunteer(&app, 502, "Boris", "en", PSKOV, &["groceries"]).await;
    let nina = app.user(103, "Нина", "ru");

    nina.send_voice("voice-nina-1").await;
    nina.expect_text("Я вас услышал. В каком вы регионе?").await;
    nina.send_photo().await;
    nina.expect_text("Пожалуйста, напишите ответ").await;
    nina.send_voice("voice-nina-2").await;
    nina.expect_text("Хорошо, возьмём последнее сообщение.")
        .await;
    nina.send_text("псков").await;
    nina.expect_text("По какому номеру волонтёр может вам позвонить?")
        .await;
    nina.send_text("12").await;
    nina.expect_text("Это не похоже на номер телефона").await;
    nina.send_text("+7 912 345 67 89").await;
    let posted = nina.expect_text("опубликована").await;
    let id = request_number(&posted.text);
    assert_eq!(dialogue_of(&app, 103).await, "");

    let (category, details, voice, phone): (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT category, details, voice_file_id, phone FROM help_requests WHERE id = ?",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .unwrap();
    assert_eq!(category, "other");
    assert_eq!(details, None);
    assert_eq!(voice.as_deref(), Some("voice-nina-2"));
    assert_eq!(phone.as_deref(), Some("+79123456789"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM voice_requests").await,
        1,
        "marked voice only"
    );

    // Volunteers of "other" hear of it at once; the lead sets its kind of help.
    let push = expect_push(&anyone, id).await;
    assert!(push.text.contains("A voice message"), "{}", push.text);
    let alert = vera
        .expect_text(&format!("New voice-only request #{id} in Pskov Oblast"))
        .await;
    assert_eq!(
        alert.button_data("Groceries").as_deref(),
        Some(&*format!("qc:{id}:0"))
    );
    vera.send_text("/requests").await;
    let list = vera.expect_text(&format!("#{id}")).await;
    assert_eq!(
        list.button_data(&format!("Kind of help #{id}")).as_deref(),
        Some(&*format!("qk:{id}"))
    );
    let forged = boris.press(&alert, &format!("qc:{id}:0")).await;
    assert!(answered(&boris, &forged).await.contains("for club leads"));
    vera.press_label(&alert, "Groceries").await;
    vera.expect_text(&format!("Request #{id}: kind of help set to 🛒 Groceries"))
        .await;
    assert_eq!(
        events_of(&app, id)
            .await
            .iter()
            .filter(|k| *k == "category_set")
            .count(),
        1
    );

    // Boris (groceries) now gets it, takes it, and receives the voice message.
    let push = expect_push(&boris, id).await;
    boris.press(&push, &format!("c:{id}")).await;
    let details = boris
        .expect_text(&format!("You took request #{id} ·"))
        .await;
    assert!(details.text.contains("Pskov Oblast"), "{}", details.text);
    assert!(details.text.contains("+79123456789"), "{}", details.text);
    let voice = boris
        .expect_text(&format!("The voice message for request #{id}"))
        .await;
    assert_eq!(voice.method, "sendvoice");
    assert_eq!(voice.voice_file_id().as_deref(), Some("voice-nina-2"));
    assert_eq!(status_of(&app, id).await, ("claimed".into(), Some(502)));
    nina.expect_text(&format!("Вашу заявку №{id} взяли")).await;

    // Its kind is set: /requests no longer offers to set it.
    vera.send_text("/requests").await;
    let list = vera.expect_text(&format!("#{id}")).await;
    assert!(
        !list.has_button(&format!("Kind of help #{id}")),
        "{}",
        list.describe()
    );
    app.stop().await;
}

#[tokio::test]
async fn notes_worries_and_receipt_photos_go_with_the_retention_purge() {
    let app = TestApp::spawn().await;
    lead(&app, 900, "Vera", "en", PSKOV).await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = done_by(&app, &maria, &anna).await;
    anna.send_text("120").await;
    anna.expect_text("Send a photo of the receipt").await;
    anna.send_photo_with("receipt-photo-2").await;
    anna.expect_text("A note for the next volunteer").await;
    anna.send_text("Dog behind the door").await;
    anna.expect_text("Is anything about this person worrying you?")
        .await;
    anna.send_text("😟 I am worried about this person").await;
    anna.expect_text("Write a few words").await;
    anna.send_text("Very thin").await;
    anna.expect_text("The club's coordinators have your words")
        .await;
    let ask = maria.expect_text("Did you get the help?").await;
    maria.press(&ask, &format!("y:{id}")).await;
    maria.expect_text("is closed").await;
    let personal = "SELECT (SELECT COUNT(*) FROM visit_notes)
                         + (SELECT COUNT(*) FROM concerns WHERE words IS NOT NULL)
                         + (SELECT COUNT(*) FROM receipts WHERE photo_file_id IS NOT NULL)";
    assert_eq!(count(&app, personal).await, 3);

    app.clock.advance(chrono::Duration::days(
        i64::from(app.config.retention_days) + 1,
    ));
    eventually(
        "the note, the worry's words and the photo are erased",
        || async { (count(&app, personal).await == 0).then_some(()) },
    )
    .await;
    // What the club needs stays: the amount, that there was a worry.
    assert_eq!(
        count(&app, "SELECT SUM(amount_minor) FROM receipts").await,
        12_000
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM concerns").await, 1);
    app.stop().await;
}
