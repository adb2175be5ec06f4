//! Proves the fake Bot API speaks Telegram's wire format, using teloxide directly (not the app).

use std::time::Duration;

use serde_json::json;
use teloxide::{
    ApiError, RequestError,
    prelude::*,
    types::{
        ButtonRequest, CallbackQueryId, FileId, InlineKeyboardButton, InlineKeyboardMarkup,
        InputFile, KeyboardButton, KeyboardMarkup, MessageEntityKind, MessageId, ParseMode,
    },
};
use tokio::sync::mpsc;

use crate::support::{
    TestApp, TestGroup, TestUser,
    fake_telegram::{self, FakeTelegram, TOKEN},
};

fn bot(fake: &FakeTelegram) -> Bot {
    Bot::new(TOKEN).set_api_url(fake.url())
}

fn buttons(rows: &[&[(&str, &str)]]) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(rows.iter().map(|row| {
        row.iter()
            .map(|(text, data)| InlineKeyboardButton::callback(*text, *data))
            .collect::<Vec<_>>()
    }))
}

#[tokio::test]
async fn fake_answers_sends_edits_and_callback_answers() {
    let fake = FakeTelegram::start().await;
    let bot = bot(&fake);
    let anna = TestUser::new(&fake, 501, "Anna", "ru");

    let me = bot.get_me().await.expect("getMe");
    assert_eq!(me.username(), fake_telegram::BOT_USERNAME);
    assert_eq!(me.id, UserId(1000));
    assert!(me.can_join_groups);

    // sendMessage with HTML and an inline keyboard.
    let sent = bot
        .send_message(ChatId(501), "<b>Hello</b> &amp; welcome")
        .parse_mode(ParseMode::Html)
        .reply_markup(buttons(&[&[("Take it", "c:1")]]))
        .await
        .expect("sendMessage");
    assert_eq!(sent.chat.id, ChatId(501));
    assert!(sent.chat.is_private());
    assert_eq!(sent.id.0, 1, "the fake's message ids start at 1");
    assert_eq!(sent.text(), Some("Hello & welcome"));
    assert!(sent.reply_markup().is_some());
    let msg = anna.next_message().await;
    assert_eq!(msg.method, "sendmessage");
    assert_eq!((msg.chat_id, msg.message_id), (501, 1));
    assert_eq!(msg.text, "Hello & welcome");
    assert_eq!(msg.html, "<b>Hello</b> &amp; welcome");
    assert_eq!(msg.params["chat_id"], 501);
    assert_eq!(
        msg.inline_buttons(),
        vec![("Take it".to_owned(), "c:1".to_owned())]
    );

    // sendMessage with a reply keyboard.
    let keyboard = KeyboardMarkup::new([
        vec![KeyboardButton::new("Need help")],
        vec![KeyboardButton::new("Share phone").request(ButtonRequest::Contact)],
    ])
    .resize_keyboard();
    bot.send_message(ChatId(501), "Menu")
        .reply_markup(keyboard)
        .await
        .expect("sendMessage with keyboard");
    let menu = anna.next_message().await;
    assert_eq!(menu.keyboard(), ["Need help", "Share phone"]);
    assert!(menu.has_button("Share") && !menu.has_button("Nope"));
    assert_eq!(
        menu.reply_markup.as_ref().unwrap()["keyboard"][1][0]["request_contact"],
        true
    );

    // sendVoice goes as multipart.
    let voice = bot
        .send_voice(ChatId(501), InputFile::file_id(FileId("voice-abc".into())))
        .caption("Listen")
        .await
        .expect("sendVoice");
    assert_eq!(voice.voice().expect("voice").file.id.0, "voice-abc");
    let v = anna.next_message().await;
    assert_eq!(v.method, "sendvoice");
    assert_eq!(v.voice_file_id().as_deref(), Some("voice-abc"));
    assert_eq!(v.params["chat_id"], 501);
    assert_eq!(v.text, "Listen");
    let upload = bot
        .send_document(
            ChatId(501),
            InputFile::memory(&b"%PDF"[..]).file_name("report.pdf"),
        )
        .await
        .expect("sendDocument upload");
    assert_eq!(
        upload.document().expect("document").file_name.as_deref(),
        Some("report.pdf")
    );
    assert_eq!(anna.next_message().await.method, "senddocument");

    // A press, answered once; a second answer is refused like Telegram does.
    let query = anna.press_label(&msg, "Take").await;
    bot.answer_callback_query(CallbackQueryId(query.clone()))
        .text("Taken")
        .await
        .expect("answer");
    let answer = anna.callback_answer(&query).await.expect("answer recorded");
    assert_eq!(answer.params["text"], "Taken");
    let again = bot
        .answer_callback_query(CallbackQueryId(query.clone()))
        .await;
    assert!(
        matches!(again, Err(RequestError::Api(ApiError::InvalidQueryId))),
        "{again:?}"
    );

    // Edits: text (dropping the keyboard), no-op refused, then keyboard only.
    let edited = bot
        .edit_message_text(ChatId(501), sent.id, "Taken by you")
        .await
        .expect("edit");
    assert_eq!(edited.text(), Some("Taken by you"));
    let e = anna.next_message().await;
    assert!(e.is_edit());
    assert_eq!((e.message_id, e.text.as_str()), (1, "Taken by you"));
    assert!(e.inline_buttons().is_empty());
    let same = bot
        .edit_message_text(ChatId(501), sent.id, "Taken by you")
        .await;
    assert!(
        matches!(same, Err(RequestError::Api(ApiError::MessageNotModified))),
        "{same:?}"
    );
    bot.edit_message_text(ChatId(501), sent.id, "<b>Taken by you</b>")
        .parse_mode(ParseMode::Html)
        .await
        .expect("a change of formatting only is a change");
    assert_eq!(anna.next_message().await.html, "<b>Taken by you</b>");
    bot.edit_message_reply_markup(ChatId(501), sent.id)
        .reply_markup(buttons(&[&[("Done", "d:1")]]))
        .await
        .expect("edit markup");
    let e2 = anna.next_message().await;
    assert_eq!(e2.method, "editmessagereplymarkup");
    assert_eq!(e2.text, "Taken by you");
    assert_eq!(e2.button_data("Done").as_deref(), Some("d:1"));
    assert_eq!(
        fake.message(501, 1).unwrap()["reply_markup"]["inline_keyboard"][0][0]["text"],
        "Done"
    );

    anna.no_more_messages(Duration::from_millis(50)).await;
    assert_eq!(fake.calls_of("SendMessage").len(), 2);
    assert!(
        fake.calls()
            .iter()
            .all(|c| c.method.chars().all(|ch| !ch.is_ascii_uppercase()))
    );
}

#[tokio::test]
async fn fake_refuses_like_telegram() {
    let fake = FakeTelegram::start().await;
    let bot = bot(&fake);

    fake.fail_next("sendMessage", 429, fake_telegram::too_many_requests(3), 1);
    let err = bot.send_message(ChatId(7), "hi").await.unwrap_err();
    assert!(
        matches!(err, RequestError::RetryAfter(s) if s.seconds() == 3),
        "{err:?}"
    );
    bot.send_message(ChatId(7), "hi")
        .await
        .expect("the fault was used up");

    fake.block_user(7);
    let err = bot.send_message(ChatId(7), "hi").await.unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::BotBlocked)),
        "{err:?}"
    );
    let err = bot
        .send_voice(ChatId(7), InputFile::file_id(FileId("v".into())))
        .await
        .unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::BotBlocked)),
        "{err:?}"
    );
    fake.unblock_user(7);
    let statuses: Vec<u16> = fake
        .calls_of("sendmessage")
        .iter()
        .map(|c| c.status)
        .collect();
    assert_eq!(statuses, [429, 200, 403]);

    let err = bot
        .send_message(ChatId(8), "I <3 you")
        .parse_mode(ParseMode::Html)
        .await
        .unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::CantParseEntities(_))),
        "{err:?}"
    );
    let err = bot
        .send_message(ChatId(8), "<b>open")
        .parse_mode(ParseMode::Html)
        .await
        .unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::CantParseEntities(_))),
        "{err:?}"
    );
    let err = bot
        .send_message(ChatId(8), "я".repeat(4097))
        .await
        .unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::MessageIsTooLong)),
        "{err:?}"
    );
    bot.send_message(ChatId(8), "я".repeat(4096))
        .await
        .expect("4096 characters fit");
    let long_data = "x".repeat(65);
    let err = bot
        .send_message(ChatId(8), "pick")
        .reply_markup(buttons(&[&[("A", &long_data)]]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::ButtonDataInvalid)),
        "{err:?}"
    );
    let err = bot
        .edit_message_text(ChatId(8), MessageId(999), "x")
        .await
        .unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::MessageToEditNotFound)),
        "{err:?}"
    );
    let err = bot.send_message(ChatId(8), " ").await.unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::MessageTextIsEmpty)),
        "{err:?}"
    );

    let wrong = Bot::new("999:WRONG").set_api_url(fake.url());
    let err = wrong.get_me().await.unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::InvalidToken)),
        "{err:?}"
    );
}

fn describe(msg: &Message) -> String {
    let from = msg.from.as_ref().expect("from");
    assert_eq!(from.language_code.as_deref(), Some("ru"));
    if msg.chat.is_group() {
        return format!(
            "group {} {}: {}",
            msg.chat.id,
            msg.chat.title().unwrap_or("?"),
            msg.text().unwrap_or("")
        );
    }
    assert!(msg.chat.is_private());
    assert_eq!(msg.chat.id.0, from.id.0 as i64);
    if let Some(text) = msg.text() {
        let command = msg
            .entities()
            .unwrap_or_default()
            .iter()
            .any(|e| e.kind == MessageEntityKind::BotCommand);
        return format!("{} {text}", if command { "command" } else { "text" });
    }
    if let Some(c) = msg.contact() {
        return format!(
            "contact {} user {}",
            c.phone_number,
            c.user_id.map_or(0, |u| u.0)
        );
    }
    if let Some(v) = msg.voice() {
        return format!("voice {}", v.file.id.0);
    }
    if msg.sticker().is_some() {
        return "sticker".into();
    }
    if let Some(p) = msg.photo() {
        return format!("photo x{}", p.len());
    }
    if msg.location().is_some() {
        return "location".into();
    }
    if let Some(d) = msg.document() {
        return format!("document {}", d.file_name.as_deref().unwrap_or("?"));
    }
    format!("other {msg:?}")
}

#[tokio::test]
async fn dispatcher_receives_every_kind_of_simulated_update() {
    let fake = FakeTelegram::start().await;
    let bot = bot(&fake);
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();

    let handler = dptree::entry()
        .branch(Update::filter_message().endpoint(
            |msg: Message, tx: mpsc::UnboundedSender<String>| async move {
                let _ = tx.send(describe(&msg));
                respond(())
            },
        ))
        .branch(Update::filter_callback_query().endpoint(
            |q: CallbackQuery, tx: mpsc::UnboundedSender<String>| async move {
                let text = q
                    .regular_message()
                    .and_then(|m| m.text())
                    .unwrap_or("?")
                    .to_owned();
                let _ = tx.send(format!(
                    "callback {} on {text} by {}",
                    q.data.unwrap_or_default(),
                    q.from.id
                ));
                respond(())
            },
        ));
    let mut dispatcher = Dispatcher::builder(bot.clone(), handler)
        .dependencies(dptree::deps![tx])
        .distribution_function(|_| Some(()))
        .build();
    let shutdown = dispatcher.shutdown_token();
    let running = tokio::spawn(async move { dispatcher.dispatch().await });

    let anna = TestUser::new(&fake, 501, "Anna", "ru");
    let club = TestGroup::new(&fake, -100, "Club");
    anna.send_text("hello").await;
    anna.send_text("/start ref").await;
    anna.send_contact("+79001234567").await;
    fake.push_update(json!({"some_future_update": {"anything": 1}}));
    anna.send_voice("voice-1").await;
    anna.send_sticker().await;
    anna.send_photo().await;
    anna.send_location().await;
    anna.send_document().await;
    bot.send_message(ChatId(501), "Pick")
        .reply_markup(buttons(&[&[("Yes", "y:1")]]))
        .await
        .expect("send");
    let pick = anna.next_message().await;
    anna.press_label(&pick, "Yes").await;
    club.send_text_as(&anna, "hi all").await;

    let expected = [
        "text hello",
        "command /start ref",
        "contact +79001234567 user 501",
        "voice voice-1",
        "sticker",
        "photo x2",
        "location",
        "document scan.pdf",
        "callback y:1 on Pick by 501",
        "group -100 Club: hi all",
    ];
    for want in expected {
        let got = tokio::time::timeout(Duration::from_secs(3), rx.recv()).await;
        assert_eq!(got.ok().flatten().as_deref(), Some(want));
    }

    shutdown.shutdown().expect("dispatcher is running").await;
    running.await.expect("dispatcher task");
    assert_eq!(
        fake.pending_updates(),
        0,
        "the final getUpdates confirmed every update"
    );
    assert!(fake.calls_of("getupdates").iter().all(|c| c.ok()));
}

#[tokio::test]
async fn test_app_starts_polls_and_stops() {
    let app = TestApp::spawn().await;
    assert!(!app.fake.calls_of("getMe").is_empty());
    assert!(!app.fake.calls_of("setMyCommands").is_empty());
    app.fake
        .wait_for(Duration::from_secs(5), |c| c.method == "getupdates")
        .await
        .expect("the bot polls");
    sqlx::query("SELECT 1")
        .execute(&app.db)
        .await
        .expect("the test's pool works");
    let started = std::time::Instant::now();
    app.stop().await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "stop took {:?}",
        started.elapsed()
    );

    // An app that is never stopped (a test that panicked) is dropped without hanging.
    let forgotten = TestApp::spawn().await;
    drop(forgotten);
}
