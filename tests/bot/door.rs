//! At the door and in between: the code word reaches only the two people at the door, 🚶 On my
//! way is told and recorded, family followers hear every change until sharing stops, and the
//! relay carries text and voice between the two sides of a taken request — and nothing else.

use std::time::Duration;

use chrono::Duration as Span;
use serde_json::json;
use sqlx::Row;

use crate::steps::*;
use crate::support::{SentMessage, TestApp, TestUser};

const CLUB: i64 = -100777;
const SHORT: Duration = Duration::from_millis(300);

async fn code_word(app: &TestApp, id: i64) -> Option<String> {
    sqlx::query_scalar("SELECT code_word FROM help_requests WHERE id = ?")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// Waits until the sender delivered everything queued, so "nobody else got it" is a fact.
async fn drained(app: &TestApp) {
    eventually("the outbox is drained", || async {
        let n = count(
            app,
            "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .await;
        (n == 0).then_some(())
    })
    .await;
}

/// Every message the bot sent (or edited) anywhere, as (chat, text) — captions and HTML included.
fn everything_sent(app: &TestApp) -> Vec<(i64, String)> {
    app.fake
        .calls()
        .iter()
        .filter_map(|c| {
            let chat = c.chat_id()?;
            Some((
                chat,
                format!("{} {}", c.params, c.text().unwrap_or_default()),
            ))
        })
        .collect()
}

/// A request made by Olga for her mother; returns its number and the share link's code.
async fn ask_for_mother(olga: &TestUser) -> (i64, String) {
    let ask = Ask {
        for_other: Some("Maria Ivanovna"),
        ..Ask::default()
    };
    let id = ask_for_help(olga, &ask).await;
    let share = olga.expect_text("Family can follow request").await;
    assert!(share.text.contains(&format!("#{id}")), "{}", share.text);
    (id, link_code(&share.text))
}

fn link_code(text: &str) -> String {
    let start = text.find("start=f_").expect("a share link") + "start=f_".len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect()
}

/// A relative opens the link and says yes.
async fn follow(rel: &TestUser, code: &str, question: &str, done: &str) {
    rel.send_text(&format!("/start f_{code}")).await;
    let ask = rel.expect_text(question).await;
    rel.press(&ask, &format!("fo:{code}")).await;
    rel.expect_text(done).await;
}

async fn followers_of(app: &TestApp, id: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM followers WHERE request_id = ?")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// A text from this person with a Telegram username, as a real client sends it.
fn send_text_as_handle(app: &TestApp, user: &TestUser, text: &str, handle: &str) {
    let mut from = user.user_json();
    from["username"] = json!(handle);
    app.push_raw(json!({"message": {
        "message_id": app.fake.new_incoming_message_id(),
        "date": chrono::Utc::now().timestamp(),
        "chat": user.chat_json(),
        "from": from,
        "text": text,
    }}));
}

/// Someone who asked in English (the steps speak English) switches to Russian.
async fn speak_russian(user: &TestUser) {
    user.send_text("/language").await;
    let choose = user.expect_text("Choose your language").await;
    user.press(&choose, "l:ru").await;
    user.expect_text("Язык: русский").await;
}

async fn press_write(user: &TestUser, msg: &SentMessage, id: i64) {
    user.press(msg, &format!("m:{id}")).await;
}

#[tokio::test]
async fn the_code_word_reaches_the_requester_and_the_claimer_and_nobody_else() {
    let app = TestApp::spawn().await;
    sqlx::query(
        "INSERT INTO club_chats (chat_id, region_id, bound_by, bound_at) VALUES (?, ?, NULL, 0)",
    )
    .bind(CLUB)
    .bind(PSKOV)
    .execute(&app.db)
    .await
    .unwrap();
    let group = app.group(CLUB, "Pskov club");
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let boris = seed_volunteer(&app, 502, "Boris", "ru", PSKOV, &["groceries"]).await;
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    let maria = app.user(101, "Maria", "en");

    let id = ask_for_help(&maria, &Ask::default()).await;
    group.expect_text(&format!("№{id}")).await;
    expect_push(&boris, id).await;
    let push = expect_push(&anna, id).await;
    let theirs = take(&anna, &push, id).await;

    let word = code_word(&app, id).await.expect("a code word is stored");
    assert!(
        mutual_aid_bot::domain::door::words(mutual_aid_bot::i18n::Lang::En)
            .contains(&word.as_str()),
        "{word} is not one of the English words"
    );
    // One message: who is coming, and the word.
    let told = maria.expect_text("has taken your request").await;
    assert!(
        told.text.contains(&format!("Code word for request #{id}")) && told.text.contains(&word),
        "{}",
        told.text
    );
    assert!(
        told.text.contains("Don't open to anyone who can't")
            && told.text.contains("won't need to come in"),
        "{}",
        told.text
    );
    assert!(told.has_button("Write to the volunteer"));
    // With the details, so it goes when they are edited away.
    assert!(
        theirs
            .text
            .contains(&format!("Code word for request #{id}"))
            && theirs.text.contains(&word)
            && theirs.text.contains(&format!("the number {id}")),
        "{}",
        theirs.text
    );

    // /my shows it again, for someone who forgot it.
    maria.send_text("/my").await;
    let my = maria.expect_text("Your requests").await;
    assert!(
        my.text.contains(&format!("Code word: {word}")),
        "{}",
        my.text
    );
    assert!(my.has_button(&format!("Write about #{id}")));

    drained(&app).await;
    let leaked: Vec<_> = everything_sent(&app)
        .into_iter()
        .filter(|(chat, text)| ![maria.id, anna.id].contains(chat) && text.contains(&word))
        .collect();
    assert!(
        leaked.is_empty(),
        "the code word reached others: {leaked:?}"
    );
    // Those who are not at the door got messages, just not the word.
    assert!(!boris.all_messages().is_empty() && !group.inbox().all_messages().is_empty());
    let _ = lena;
}

#[tokio::test]
async fn a_new_code_word_in_the_requesters_language_when_the_request_changes_hands() {
    let app = TestApp::spawn().await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let boris = seed_volunteer(&app, 502, "Boris", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Мария", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    // She reads Russian when the request is taken: the word is chosen in her language.
    speak_russian(&maria).await;

    let push = expect_push(&anna, id).await;
    let details = take(&anna, &push, id).await;
    let first = code_word(&app, id).await.unwrap();
    assert!(
        first.chars().all(|c| ('А'..='Я').contains(&c)),
        "{first} is not a Russian word"
    );
    let told = maria
        .expect_text(&format!("Кодовое слово для заявки №{id}"))
        .await;
    assert!(
        told.text.contains(&first) && told.text.contains("Не открывайте"),
        "{}",
        told.text
    );

    assert!(details.text.contains(&first));
    anna.press(&details, &format!("r:{id}")).await;
    let why = anna.expect_text("Why are you giving").await;
    anna.press(&why, &format!("rr:{id}:0")).await;
    anna.expect_text("You gave request").await;
    let push = expect_push(&boris, id).await;
    let theirs = take(&boris, &push, id).await;

    let second = code_word(&app, id).await.unwrap();
    assert_ne!(first, second, "a new holder gets a new word");
    let told = maria
        .expect_text(&format!("Кодовое слово для заявки №{id}"))
        .await;
    assert!(told.text.contains(&second) && !told.text.contains(&first));
    assert!(theirs.text.contains(&second));
    drained(&app).await;
    // Giving it back edited the old details: the old word is gone from the volunteer's chat.
    let retracted = anna
        .all_messages()
        .into_iter()
        .find(|m| m.is_edit() && m.text.contains("is no longer with you"))
        .expect("the details were edited away");
    assert!(!retracted.html.contains(&first), "{}", retracted.describe());
    drained(&app).await;
    assert!(
        !anna.all_messages().iter().any(|m| m.html.contains(&second)),
        "the volunteer who gave it back must not learn the new word"
    );
}

#[tokio::test]
async fn on_my_way_tells_the_requester_and_followers_is_recorded_and_counts_as_a_sign_of_life() {
    let app = TestApp::spawn().await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let olga = app.user(102, "Olga", "en");
    let ivan = app.user(201, "Иван", "ru");
    let (id, code) = ask_for_mother(&olga).await;
    follow(&ivan, &code, "Следить за ней?", "Теперь вы следите").await;
    olga.expect_text("Иван now follows request").await;

    let push = expect_push(&anna, id).await;
    let details = take(&anna, &push, id).await;
    let word = code_word(&app, id).await.unwrap();
    let author = olga.expect_text("Please tell it to Maria Ivanovna").await;
    assert!(author.text.contains(&word));
    ivan.expect_text(&format!(
        "Заявка №{id} (для: Maria Ivanovna): её взял волонтёр Anna"
    ))
    .await;

    anna.press(&details, &format!("w:{id}")).await;
    let when = anna.expect_text("When will you be there").await;
    anna.press(&when, &format!("wt:{id}:1")).await;
    let at = (app.clock.now() + Span::hours(1))
        .with_timezone(&chrono_tz::Europe::Moscow)
        .format("%H:%M")
        .to_string();
    let told = olga.expect_text("is on the way to Maria Ivanovna").await;
    assert!(
        told.text.contains(&format!("#{id}"))
            && told.text.contains(&format!("around {at}"))
            && told.text.contains(&word),
        "{}",
        told.text
    );
    let heard = ivan.expect_text("волонтёр уже в пути").await;
    assert!(
        heard.text.contains(&format!("около {at}")),
        "{}",
        heard.text
    );
    anna.expect_text("We told the person who asked").await;

    assert!(events_of(&app, id).await.contains(&"on_the_way".to_owned()));
    assert_eq!(event_note(&app, id, "on_the_way").await, "1h");
    let reminded = count(
        &app,
        "SELECT COUNT(*) FROM alerts WHERE kind = 'reminder' AND since = (SELECT claimed_at FROM help_requests)",
    )
    .await;
    assert_eq!(
        reminded, 1,
        "the press stands for the reminder of this claim"
    );
    app.clock.advance(Span::hours(24) + Span::minutes(1));
    drained(&app).await;
    assert!(
        !anna
            .all_messages()
            .iter()
            .any(|m| m.text.contains("Are you still on")),
        "no reminder after a sign of life"
    );
    drained(&app).await;
    assert!(
        !ivan.all_messages().iter().any(|m| m.html.contains(&word)),
        "followers never get the code word"
    );

    // Done, then confirmed: the follower hears both, and then nothing is kept for the door.
    anna.press(&details, &format!("d:{id}")).await;
    ivan.expect_text("волонтёр сообщает, что помощь оказана")
        .await;
    let ask = olga.expect_text("Did you get").await;
    olga.press(&ask, &format!("y:{id}")).await;
    ivan.expect_text(&format!("Заявка №{id} (для: Maria Ivanovna) закрыта"))
        .await;
    assert_eq!(followers_of(&app, id).await, 0);
    assert_eq!(code_word(&app, id).await, None);
}

#[tokio::test]
async fn a_request_a_lead_assigns_gets_a_code_word_like_a_taken_one() {
    let app = TestApp::spawn().await;
    let lena = seed_lead(&app, 301, "Lena", "en", PSKOV).await;
    let boris = seed_volunteer(&app, 701, "Boris", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    lena.send_text("/requests").await;
    let list = lena.expect_text("Requests of your regions").await;
    lena.press(&list, &format!("aa:{id}")).await;
    let who = lena
        .expect_text(&format!("Who should take request #{id}?"))
        .await;
    lena.press(&who, &format!("as:{id}:701")).await;
    lena.expect_text(&format!("Request #{id} is now with Boris"))
        .await;

    let word = code_word(&app, id)
        .await
        .expect("an assignment sets a code word");
    let details = boris
        .expect_text(&format!("You took request #{id} ·"))
        .await;
    assert!(details.text.contains(&word) && details.has_button("On my way"));
    let told = maria
        .expect_text("Volunteer Boris has taken your request")
        .await;
    assert!(told.text.contains(&word));
    drained(&app).await;
    assert!(
        !lena.all_messages().iter().any(|m| m.html.contains(&word)),
        "the lead who assigned it does not get the word"
    );
}

#[tokio::test]
async fn followers_hear_every_change_until_sharing_stops_and_the_old_link_dies() {
    let app = TestApp::spawn().await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let boris = seed_volunteer(&app, 502, "Boris", "en", PSKOV, &["groceries"]).await;
    let olga = app.user(102, "Olga", "en");
    let ivan = app.user(201, "Ivan", "en");
    let petr = app.user(202, "Petr", "en");
    let (id, code) = ask_for_mother(&olga).await;
    follow(
        &ivan,
        &code,
        "You will be told of every change",
        "You follow request",
    )
    .await;
    assert_eq!(followers_of(&app, id).await, 1);

    let push = expect_push(&anna, id).await;
    let details = take(&anna, &push, id).await;
    ivan.expect_text(&format!(
        "Request #{id} for Maria Ivanovna: volunteer Anna has taken it"
    ))
    .await;
    anna.press(&details, &format!("d:{id}")).await;
    ivan.expect_text("the volunteer says the help was given")
        .await;
    let ask = olga.expect_text("Did you get").await;
    olga.press(&ask, &format!("n:{id}")).await;
    ivan.expect_text("is open again").await;
    let push = expect_push(&boris, id).await;
    let held = take(&boris, &push, id).await;
    ivan.expect_text("volunteer Boris has taken it").await;
    // Followers never see the address, the phone or the volunteer's handle.
    drained(&app).await;
    for m in ivan.all_messages() {
        assert!(
            !m.html.contains("Lenina")
                && !m.html.contains("9123456789")
                && !m.html.contains("tg://user"),
            "{}",
            m.describe()
        );
    }

    olga.send_text("/my").await;
    let my = olga.expect_text("Your requests").await;
    assert!(my.has_button("Stop sharing"));
    olga.press(&my, &format!("us:{id}")).await;
    olga.expect_text("is no longer shared").await;
    ivan.expect_text("stopped sharing it").await;
    assert_eq!(followers_of(&app, id).await, 0);

    boris.press(&held, &format!("d:{id}")).await;
    olga.expect_text("Did you get").await;
    drained(&app).await;
    ivan.no_more_messages(SHORT).await;

    petr.send_text(&format!("/start f_{code}")).await;
    petr.expect_text("This link no longer works").await;
    assert_eq!(followers_of(&app, id).await, 0);
}

#[tokio::test]
async fn a_cancelled_request_tells_its_followers_and_forgets_them_and_its_code_word() {
    let app = TestApp::spawn().await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let olga = app.user(102, "Olga", "en");
    let ivan = app.user(201, "Ivan", "en");
    let (id, code) = ask_for_mother(&olga).await;
    follow(&ivan, &code, "Follow it?", "You follow request").await;
    let push = expect_push(&anna, id).await;
    take(&anna, &push, id).await;
    assert!(code_word(&app, id).await.is_some());

    olga.send_text("/my").await;
    let my = olga.expect_text("Your requests").await;
    olga.press(&my, &format!("x:{id}")).await;
    let sure = olga.expect_text("Cancel request").await;
    olga.press(&sure, &format!("xc:{id}")).await;
    ivan.expect_text(&format!("Request #{id} for Maria Ivanovna was cancelled"))
        .await;
    assert_eq!(code_word(&app, id).await, None);
    assert_eq!(followers_of(&app, id).await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM follow_links").await, 0);
}

#[tokio::test]
async fn relayed_text_and_voice_reach_the_other_side_with_the_request_number_and_no_contact() {
    let app = TestApp::spawn().await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    sqlx::query("UPDATE volunteers SET phone = '+79001112233' WHERE user_id = 501")
        .execute(&app.db)
        .await
        .unwrap();
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&anna, id).await;
    take(&anna, &push, id).await;
    let code = maria.expect_text("Code word for request").await;

    press_write(&maria, &code, id).await;
    let prompt = maria
        .expect_text("write your message for the volunteer")
        .await;
    assert!(prompt.text.contains(&format!("#{id}")));
    assert_eq!(prompt.keyboard(), ["✅ Done writing"]);

    send_text_as_handle(&app, &maria, "<b>Ring</b> twice & wait, please", "maria_k");
    let got = anna.expect_text("message from the person who asked").await;
    assert!(got.text.contains(&format!("Request #{id}")), "{}", got.text);
    assert!(
        got.html
            .contains("&lt;b&gt;Ring&lt;/b&gt; twice &amp; wait, please"),
        "relayed text is escaped: {}",
        got.html
    );
    for private in ["maria_k", "9123456789", "tg://user", "Maria"] {
        assert!(
            !got.html.contains(private),
            "{private} leaked: {}",
            got.html
        );
    }
    maria
        .expect_text(&format!("Passed on to the volunteer of request #{id}"))
        .await;

    // Oversized or unsupported input is refused kindly; nothing goes out; she stays in the relay.
    maria.send_text(&"a".repeat(1001)).await;
    maria
        .expect_text("That is too long to pass on: 1001 characters")
        .await;
    maria.send_sticker().await;
    maria.expect_text("Only text or a voice message").await;
    assert!(dialogue_of(&app, maria.id).await.contains("Relay"));

    // The volunteer answers by voice and by text.
    press_write(&anna, &got, id).await;
    anna.expect_text("write your message for the person who asked")
        .await;
    anna.send_voice("voice-from-anna").await;
    let voice = maria.expect_text("voice message from volunteer Anna").await;
    assert_eq!(voice.method, "sendvoice");
    assert_eq!(voice.voice_file_id().as_deref(), Some("voice-from-anna"));
    assert!(voice.text.contains(&format!("#{id}")));
    anna.expect_text("Passed on to the person who asked").await;
    send_text_as_handle(&app, &anna, "I am at the entrance", "anna_volunteer");
    let text = maria.expect_text("message from volunteer Anna").await;
    assert!(text.text.contains("I am at the entrance") && text.text.contains(&format!("#{id}")));
    for private in ["anna_volunteer", "9001112233", "tg://user"] {
        assert!(!text.html.contains(private) && !voice.html.contains(private));
    }

    drained(&app).await;
    let too_long_reached: Vec<_> = anna
        .all_messages()
        .into_iter()
        .filter(|m| m.text.contains("aaaaaaaaaa"))
        .collect();
    assert!(too_long_reached.is_empty());
    assert_eq!(count(&app, "SELECT COUNT(*) FROM relayed").await, 3);

    maria.send_text("✅ Done writing").await;
    maria.expect_text("Done. To write about request").await;
    assert_eq!(dialogue_of(&app, maria.id).await, "");
}

#[tokio::test]
async fn the_relay_closes_when_the_request_ends_and_later_messages_go_nowhere() {
    let mut app = TestApp::spawn().await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Мария", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    speak_russian(&maria).await;
    let push = expect_push(&anna, id).await;
    let details = take(&anna, &push, id).await;
    let code = maria.expect_text("Кодовое слово").await;
    press_write(&maria, &code, id).await;
    maria.expect_text("напишите сообщение для волонтёра").await;
    maria.send_text("Код домофона 12").await;
    let got = anna.expect_text("message from the person who asked").await;
    assert!(got.text.contains("Код домофона 12"));
    maria.expect_text("Передали волонтёру").await;
    press_write(&anna, &got, id).await;
    anna.expect_text("write your message for the person").await;

    anna.press(&details, &format!("d:{id}")).await;
    let closed = maria
        .expect_text(&format!("Заявка №{id} больше не выполняется"))
        .await;
    assert!(
        closed
            .keyboard()
            .iter()
            .any(|b| b.contains("Мои заявки") || b.contains("Мне нужна помощь"))
    );
    anna.expect_text("conversation about it is closed").await;
    assert_eq!(dialogue_of(&app, maria.id).await, "");
    // Anna is out of the conversation; the questions after Done come at once.
    assert!(dialogue_of(&app, anna.id).await.contains("Aftercare"));

    // A stale 💬 button, and a conversation state left behind: kind answers, nothing relayed.
    let q = maria.press(&code, &format!("m:{id}")).await;
    assert!(maria.answer_text(&q).await.contains("писать некому"));
    mutual_aid_bot_state(&app, anna.id, id).await;
    app.restart().await;
    anna.send_text("Are you there?").await;
    anna.expect_text("Your message was not sent").await;
    assert_eq!(dialogue_of(&app, anna.id).await, "");
    drained(&app).await;
    assert!(
        !maria
            .all_messages()
            .iter()
            .any(|m| m.text.contains("Are you there?")),
        "nothing is relayed after the end"
    );
}

/// Writes a relay state straight into the dialogue table (as a crash or an old version might
/// leave it; the bot reads it after a restart).
async fn mutual_aid_bot_state(app: &TestApp, chat: i64, id: i64) {
    sqlx::query(
        "INSERT OR REPLACE INTO dialogues (chat_id, state_json, updated_at) VALUES (?, ?, 0)",
    )
    .bind(chat)
    .bind(format!("{{\"Relay\":{{\"request_id\":{id}}}}}"))
    .execute(&app.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_volunteer_with_two_conversations_always_writes_to_the_one_named() {
    let app = TestApp::spawn().await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let petr = app.user(102, "Petr", "en");
    let first = ask_for_help(&maria, &Ask::default()).await;
    let second = ask_for_help(&petr, &Ask::default()).await;
    let push1 = expect_push(&anna, first).await;
    let push2 = expect_push(&anna, second).await;
    let d1 = take(&anna, &push1, first).await;
    let d2 = take(&anna, &push2, second).await;

    press_write(&anna, &d1, first).await;
    anna.expect_text(&format!("Request #{first}: write your message"))
        .await;
    press_write(&anna, &d2, second).await;
    anna.expect_text(&format!("Request #{second}: write your message"))
        .await;
    anna.send_text("Coming at five").await;
    let got = petr.expect_text("Coming at five").await;
    assert!(got.text.contains(&format!("Request #{second}")));
    anna.expect_text(&format!("(request #{second})")).await;
    // A command leaves the conversation (nothing half-done is lost), saying so.
    anna.send_text("/my").await;
    anna.expect_text(&format!("Done. To write about request #{second} again"))
        .await;
    anna.expect_text("Requests you hold: 2").await;
    assert_eq!(dialogue_of(&app, anna.id).await, "");
    drained(&app).await;
    assert!(
        !maria
            .all_messages()
            .iter()
            .any(|m| m.text.contains("Coming at five"))
    );
}

#[tokio::test]
async fn forged_and_stale_door_buttons_get_a_kind_answer_and_change_nothing() {
    let app = TestApp::spawn().await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let boris = seed_volunteer(&app, 502, "Boris", "en", PSKOV, &["groceries"]).await;
    let olga = app.user(102, "Olga", "en");
    let (id, _code) = ask_for_mother(&olga).await;
    // Both announcements first: a push still queued when Anna takes the request is dropped.
    let anna_push = expect_push(&anna, id).await;
    let push = expect_push(&boris, id).await;
    take(&anna, &anna_push, id).await;

    for (data, answer) in [
        (format!("w:{id}"), "not yours"),
        (format!("wt:{id}:0"), "not yours"),
        (format!("m:{id}"), "You can write only about"),
        (format!("us:{id}"), "not your request"),
        (format!("sh:{id}"), "not your request"),
        ("fo:1234567890123".to_owned(), "This link no longer works"),
        ("w:999999".to_owned(), "no longer exists"),
    ] {
        let q = boris.press(&push, &data).await;
        let seen = boris.answer_text(&q).await;
        assert!(seen.contains(answer), "{data}: {seen}");
    }
    boris.send_text("/start f_12345").await;
    boris.expect_text("This link no longer works").await;
    boris.send_text("/start f_<script>").await;
    boris.expect_text("This link no longer works").await;

    assert_eq!(followers_of(&app, id).await, 0);
    assert!(!events_of(&app, id).await.contains(&"on_the_way".to_owned()));
    assert!(!dialogue_of(&app, boris.id).await.contains("Relay"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM follow_links").await, 1);
    // Olga's own link cannot make her a follower of her own request.
    let code = sqlx::query("SELECT code FROM follow_links")
        .fetch_one(&app.db)
        .await
        .unwrap()
        .get::<i64, _>(0);
    olga.send_text(&format!("/start f_{code}")).await;
    olga.expect_text("This is your own request").await;
}

#[tokio::test]
async fn delete_me_forgets_followers_links_code_words_and_relayed_messages() {
    let app = TestApp::spawn().await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let olga = app.user(102, "Olga", "en");
    let ivan = app.user(201, "Ivan", "en");
    let (id, code) = ask_for_mother(&olga).await;
    follow(&ivan, &code, "Follow it?", "You follow request").await;
    let push = expect_push(&anna, id).await;
    take(&anna, &push, id).await;
    let word = olga.expect_text("Please tell it to").await;
    press_write(&olga, &word, id).await;
    olga.expect_text("write your message").await;
    olga.send_text("The key is under the mat").await;
    anna.expect_text("The key is under the mat").await;
    olga.send_text("✅ Done writing").await;
    olga.expect_text("Done. To write about").await;
    drained(&app).await;

    // A follower who erases their data stops following.
    ivan.send_text("/delete_me").await;
    let ask = ivan.expect_text("Relatives who follow").await;
    ivan.press(&ask, "dm:y").await;
    ivan.expect_text("erased").await;
    assert_eq!(followers_of(&app, id).await, 0);

    olga.send_text("/delete_me").await;
    let ask = olga.expect_text("Erase your personal data").await;
    olga.press(&ask, "dm:y").await;
    olga.expect_text("erased").await;
    assert_eq!(code_word(&app, id).await, None);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM follow_links").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM relayed").await, 0);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM outbox WHERE payload_json LIKE '%under the mat%'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn retention_forgets_what_the_door_kept_about_an_ended_request() {
    let app = TestApp::spawn().await;
    let anna = seed_volunteer(&app, 501, "Anna", "en", PSKOV, &["groceries"]).await;
    let maria = app.user(101, "Maria", "en");
    let id = ask_for_help(&maria, &Ask::default()).await;
    let push = expect_push(&anna, id).await;
    let details = take(&anna, &push, id).await;
    press_write(&anna, &details, id).await;
    anna.expect_text("write your message").await;
    anna.send_text("See you at noon").await;
    maria.expect_text("See you at noon").await;
    anna.press(&details, &format!("d:{id}")).await;
    let ask = maria.expect_text("Did you get").await;
    maria.press(&ask, &format!("y:{id}")).await;
    maria.expect_text("Thank you").await;
    assert_eq!(count(&app, "SELECT COUNT(*) FROM relayed").await, 1);

    app.clock.advance(Span::days(31));
    eventually(
        "the relayed messages of the ended request are forgotten",
        || async {
            let n = count(&app, "SELECT COUNT(*) FROM relayed").await
                + count(
                    &app,
                    "SELECT COUNT(*) FROM outbox WHERE payload_json LIKE '%See you at noon%'",
                )
                .await;
            (n == 0).then_some(())
        },
    )
    .await;
    assert_eq!(code_word(&app, id).await, None);
}
