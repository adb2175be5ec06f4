//! Integration-test harness: the real bot against a fake Bot API, driven by simulated people.
//!
//! ```ignore
//! let app = TestApp::spawn().await;
//! let anna = app.user(501, "Anna", "ru");
//! anna.send_text("/start").await;
//! let menu = anna.next_message().await;
//! anna.press_label(&menu, "Need help").await;
//! app.stop().await;
//! ```
#![allow(dead_code)]

pub mod app;
pub mod fake_telegram;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use serde_json::{Value, json};

/// A moment given as RFC 3339 text, for the test clock.
pub fn utc(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

pub use app::TestApp;
pub use fake_telegram::{Call, FakeTelegram, TOKEN, unix_now};

/// How long a simulated person waits for the bot before a test fails.
pub const WAIT: Duration = Duration::from_secs(5);

// ---- what the bot sent --------------------------------------------------------------------------

/// A message the bot sent (or edited) in a chat, as a person there sees it.
#[derive(Debug, Clone)]
pub struct SentMessage {
    /// sendmessage, sendvoice, senddocument, sendphoto, editmessagetext, editmessagereplymarkup, …
    pub method: String,
    pub chat_id: i64,
    pub message_id: i64,
    /// What the person reads: text or caption with HTML parsed (as Telegram shows it); for an
    /// edit of the keyboard only, the message's current text. "" if none.
    pub text: String,
    /// The text or caption exactly as the bot sent it (raw HTML with parse_mode HTML); "" if none.
    pub html: String,
    /// The reply_markup the bot sent with this call.
    pub reply_markup: Option<Value>,
    /// Everything the bot sent with this call.
    pub params: Value,
    /// What the fake answered (the Message).
    pub response: Value,
    pub at: std::time::Instant,
}

impl SentMessage {
    pub fn from_call(call: &Call) -> SentMessage {
        let params = call.params.clone();
        let message_id = call
            .response
            .get("message_id")
            .and_then(Value::as_i64)
            .or_else(|| params.get("message_id").and_then(Value::as_i64))
            .unwrap_or(0);
        let html = call.text().unwrap_or_default();
        let text = ["text", "caption"]
            .iter()
            .find_map(|k| call.response.get(*k).and_then(Value::as_str))
            .map(str::to_owned)
            .unwrap_or_else(|| html.clone());
        let reply_markup = params.get("reply_markup").map(|m| match m {
            Value::String(s) => serde_json::from_str(s).unwrap_or_else(|_| m.clone()),
            other => other.clone(),
        });
        SentMessage {
            method: call.method.clone(),
            chat_id: call.chat_id().unwrap_or(0),
            message_id,
            text,
            html,
            reply_markup,
            params,
            response: call.response.clone(),
            at: call.at,
        }
    }

    /// Inline buttons in order, as (text, callback_data); a URL button gives its url instead.
    pub fn inline_buttons(&self) -> Vec<(String, String)> {
        let Some(rows) = self
            .reply_markup
            .as_ref()
            .and_then(|m| m.get("inline_keyboard"))
            .and_then(Value::as_array)
        else {
            return Vec::new();
        };
        rows.iter()
            .flat_map(|row| row.as_array().into_iter().flatten())
            .map(|b| {
                let text = b
                    .get("text")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                let data = ["callback_data", "url"]
                    .iter()
                    .find_map(|k| b.get(*k).and_then(Value::as_str))
                    .unwrap_or("")
                    .to_owned();
                (text, data)
            })
            .collect()
    }

    /// Reply-keyboard button texts, in order.
    pub fn keyboard(&self) -> Vec<String> {
        let Some(rows) = self
            .reply_markup
            .as_ref()
            .and_then(|m| m.get("keyboard"))
            .and_then(Value::as_array)
        else {
            return Vec::new();
        };
        rows.iter()
            .flat_map(|row| row.as_array().into_iter().flatten())
            .filter_map(|b| b.as_str().or_else(|| b.get("text").and_then(Value::as_str)))
            .map(str::to_owned)
            .collect()
    }

    /// Whether an inline or reply-keyboard button's text contains `label_part`.
    pub fn has_button(&self, label_part: &str) -> bool {
        self.inline_buttons()
            .iter()
            .any(|(t, _)| t.contains(label_part))
            || self.keyboard().iter().any(|t| t.contains(label_part))
    }

    /// The callback_data of the first inline button whose text contains `label_part`.
    pub fn button_data(&self, label_part: &str) -> Option<String> {
        self.inline_buttons()
            .into_iter()
            .find(|(t, _)| t.contains(label_part))
            .map(|(_, d)| d)
    }

    /// Whether this call asks the client to remove the reply keyboard.
    pub fn removes_keyboard(&self) -> bool {
        self.reply_markup
            .as_ref()
            .and_then(|m| m.get("remove_keyboard"))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    pub fn is_edit(&self) -> bool {
        self.method.starts_with("editmessage")
    }

    /// A voice message's file_id, as sent.
    pub fn voice_file_id(&self) -> Option<String> {
        self.params.get("voice").map(fake_telegram::value_as_text)
    }

    /// One line for failure messages.
    pub fn describe(&self) -> String {
        let mut line = format!(
            "{} #{}: {:?}",
            self.method,
            self.message_id,
            excerpt(&self.text, 300)
        );
        let inline = self.inline_buttons();
        if !inline.is_empty() {
            line += &format!(" inline={inline:?}");
        }
        let keyboard = self.keyboard();
        if !keyboard.is_empty() {
            line += &format!(" keyboard={keyboard:?}");
        }
        line
    }
}

fn excerpt(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        s.chars().take(max).collect::<String>() + "…"
    }
}

// ---- a chat's inbox -----------------------------------------------------------------------------

/// Messages the bot sent to one chat, read in order through a cursor.
#[derive(Clone)]
pub struct Inbox {
    fake: FakeTelegram,
    chat_id: i64,
    /// Index into the fake's call log just past the last message read.
    cursor: Arc<AtomicUsize>,
    who: String,
}

impl Inbox {
    fn new(fake: &FakeTelegram, chat_id: i64, who: String) -> Inbox {
        // Everything the bot ever sent to this chat counts as unread, so nothing is missed.
        let cursor = Arc::new(AtomicUsize::new(0));
        Inbox {
            fake: fake.clone(),
            chat_id,
            cursor,
            who,
        }
    }

    /// The next unread message (send or edit) in this chat, waiting up to `timeout`.
    pub async fn try_next_message(&self, timeout: Duration) -> Option<SentMessage> {
        let chat = self.chat_id;
        let from = self.cursor.load(Ordering::SeqCst);
        let (index, call) = self
            .fake
            .wait_for_after(from, timeout, |c| c.is_message_to(chat))
            .await?;
        self.cursor.store(index + 1, Ordering::SeqCst);
        Some(SentMessage::from_call(&call))
    }

    pub async fn next_message(&self) -> SentMessage {
        match self.try_next_message(WAIT).await {
            Some(m) => m,
            None => panic!(
                "{} got no new message from the bot within {WAIT:?}.\n{}",
                self.who,
                self.dump()
            ),
        }
    }

    pub async fn expect_text(&self, needle: &str) -> SentMessage {
        let deadline = tokio::time::Instant::now() + WAIT;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.try_next_message(left).await {
                Some(m) if m.text.contains(needle) => return m,
                Some(m) => seen.push(m.describe()),
                None => panic!(
                    "{} expected a message containing {needle:?} within {WAIT:?}; read instead:\n  {}\n{}",
                    self.who,
                    if seen.is_empty() {
                        "(nothing)".to_owned()
                    } else {
                        seen.join("\n  ")
                    },
                    self.dump()
                ),
            }
        }
    }

    pub async fn no_more_messages(&self, within: Duration) {
        let chat = self.chat_id;
        let from = self.cursor.load(Ordering::SeqCst);
        if let Some((_, call)) = self
            .fake
            .wait_for_after(from, within, |c| c.is_message_to(chat))
            .await
        {
            panic!(
                "{} expected no more messages, but got: {}\n{}",
                self.who,
                SentMessage::from_call(&call).describe(),
                self.dump()
            );
        }
    }

    /// All unread messages right now (no waiting); marks them read.
    pub fn unread(&self) -> Vec<SentMessage> {
        let from = self.cursor.load(Ordering::SeqCst);
        let calls = self.fake.calls_since(from);
        let mut out = Vec::new();
        for (offset, call) in calls.iter().enumerate() {
            if call.is_message_to(self.chat_id) {
                out.push(SentMessage::from_call(call));
                self.cursor.store(from + offset + 1, Ordering::SeqCst);
            }
        }
        out
    }

    /// Every message (send or edit) the bot made in this chat so far, read or not.
    pub fn all_messages(&self) -> Vec<SentMessage> {
        let chat = self.chat_id;
        self.fake
            .calls()
            .iter()
            .filter(|c| c.is_message_to(chat))
            .map(SentMessage::from_call)
            .collect()
    }

    /// A readable list of every call to this chat (for failure messages).
    pub fn dump(&self) -> String {
        let cursor = self.cursor.load(Ordering::SeqCst);
        let calls = self.fake.calls();
        let mut out = format!("Calls to chat {} (>> = unread):\n", self.chat_id);
        let mut any = false;
        for (i, call) in calls.iter().enumerate() {
            if call.chat_id() != Some(self.chat_id) {
                continue;
            }
            any = true;
            let mark = if i >= cursor && call.is_message_to(self.chat_id) {
                ">>"
            } else {
                "  "
            };
            if call.ok() {
                out += &format!("{mark} [{i}] {}\n", SentMessage::from_call(call).describe());
            } else {
                out += &format!(
                    "{mark} [{i}] {} FAILED {}: {}\n",
                    call.method,
                    call.status,
                    call.error_description().unwrap_or("?")
                );
            }
        }
        if !any {
            let mut methods: Vec<String> = calls.iter().map(|c| c.method.clone()).collect();
            methods.dedup();
            out += &format!("   (none; the bot called: {methods:?})\n");
        }
        out
    }
}

// ---- simulated people ---------------------------------------------------------------------------

/// A person in a private chat with the bot (chat id = user id).
#[derive(Clone)]
pub struct TestUser {
    pub id: i64,
    pub first_name: String,
    pub language_code: String,
    fake: FakeTelegram,
    inbox: Inbox,
}

impl TestUser {
    pub fn new(fake: &FakeTelegram, id: i64, first_name: &str, language_code: &str) -> TestUser {
        fake.register_private_chat(id, first_name);
        TestUser {
            id,
            first_name: first_name.to_owned(),
            language_code: language_code.to_owned(),
            fake: fake.clone(),
            inbox: Inbox::new(fake, id, format!("{first_name} (user {id})")),
        }
    }

    /// This person as a Telegram `User`.
    pub fn user_json(&self) -> Value {
        let mut user = json!({"id": self.id, "is_bot": false, "first_name": self.first_name});
        if !self.language_code.is_empty() {
            user["language_code"] = json!(self.language_code);
        }
        user
    }

    pub fn chat_json(&self) -> Value {
        json!({"id": self.id, "type": "private", "first_name": self.first_name})
    }

    /// Builds a message from this person in `chat` with `content` fields merged in.
    fn message_in(&self, chat: Value, content: Value) -> (i64, Value) {
        let id = self.fake.new_incoming_message_id();
        let mut msg = json!({
            "message_id": id,
            "date": unix_now(),
            "chat": chat,
            "from": self.user_json(),
        });
        if let (Some(m), Value::Object(extra)) = (msg.as_object_mut(), content) {
            m.extend(extra);
        }
        (id, msg)
    }

    fn push_message(&self, content: Value) -> i64 {
        let (id, msg) = self.message_in(self.chat_json(), content);
        self.fake.push_update(json!({"message": msg}));
        id
    }

    /// Sends text (a command if it starts with '/'). Returns the message id.
    pub async fn send_text(&self, text: &str) -> i64 {
        self.push_message(text_content(text))
    }

    pub async fn send_contact(&self, phone: &str) -> i64 {
        self.push_message(json!({"contact": {
            "phone_number": phone,
            "first_name": self.first_name,
            "user_id": self.id,
        }}))
    }

    pub async fn send_voice(&self, file_id: &str) -> i64 {
        self.push_message(json!({"voice": {
            "file_id": file_id,
            "file_unique_id": format!("u-{file_id}"),
            "duration": 3,
            "mime_type": "audio/ogg",
            "file_size": 4096,
        }}))
    }

    pub async fn send_sticker(&self) -> i64 {
        let file_id = self.fake.new_file_id("sticker");
        self.push_message(json!({"sticker": {
            "file_id": file_id,
            "file_unique_id": format!("u-{file_id}"),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": false,
            "is_video": false,
            "emoji": "👍",
            "file_size": 2048,
        }}))
    }

    pub async fn send_photo(&self) -> i64 {
        let file_id = self.fake.new_file_id("photo");
        self.push_message(json!({"photo": [
            {"file_id": format!("{file_id}-s"), "file_unique_id": format!("u-{file_id}-s"), "width": 90, "height": 67, "file_size": 1200},
            {"file_id": file_id, "file_unique_id": format!("u-{file_id}"), "width": 800, "height": 600, "file_size": 64000},
        ]}))
    }

    /// Sends a photo whose largest size has this `file_id` (e.g. a receipt the bot passes on).
    pub async fn send_photo_with(&self, file_id: &str) -> i64 {
        self.push_message(json!({"photo": [
            {"file_id": format!("{file_id}-s"), "file_unique_id": format!("u-{file_id}-s"), "width": 90, "height": 67, "file_size": 1200},
            {"file_id": file_id, "file_unique_id": format!("u-{file_id}"), "width": 800, "height": 600, "file_size": 64000},
        ]}))
    }

    pub async fn send_location(&self) -> i64 {
        self.push_message(json!({"location": {"latitude": 55.7558, "longitude": 37.6173}}))
    }

    pub async fn send_document(&self) -> i64 {
        let file_id = self.fake.new_file_id("document");
        self.push_message(json!({"document": {
            "file_id": file_id,
            "file_unique_id": format!("u-{file_id}"),
            "file_name": "scan.pdf",
            "mime_type": "application/pdf",
            "file_size": 20000,
        }}))
    }

    /// Presses an inline button with this `data` under `msg`. Returns the callback query id.
    pub async fn press(&self, msg: &SentMessage, data: &str) -> String {
        let id = self.fake.new_callback_query_id();
        // The message as Telegram includes it: its current state (after edits) if the fake knows it.
        let message = self
            .fake
            .message(msg.chat_id, msg.message_id)
            .unwrap_or_else(|| {
                json!({
                    "message_id": msg.message_id,
                    "date": unix_now(),
                    "chat": self.fake.chat(msg.chat_id),
                    "from": FakeTelegram::bot_user(),
                    "text": msg.text,
                })
            });
        self.fake.push_update(json!({"callback_query": {
            "id": id,
            "from": self.user_json(),
            "message": message,
            "chat_instance": format!("ci-{}", msg.chat_id),
            "data": data,
        }}));
        id
    }

    /// Presses the inline button whose text contains `label_part`. Returns the callback query id.
    pub async fn press_label(&self, msg: &SentMessage, label_part: &str) -> String {
        let buttons = msg.inline_buttons();
        let Some((_, data)) = buttons.iter().find(|(text, _)| text.contains(label_part)) else {
            panic!(
                "{} found no inline button containing {label_part:?} under {}\nbuttons: {buttons:?}",
                self.inbox.who,
                msg.describe()
            );
        };
        self.press(msg, data).await
    }

    /// What the person saw when the bot answered this button press (panics if it never did).
    pub async fn answer_text(&self, query_id: &str) -> String {
        let answer = self
            .callback_answer(query_id)
            .await
            .unwrap_or_else(|| panic!("{} got no answer to the press {query_id}", self.first_name));
        answer.params["text"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The bot's answerCallbackQuery for this query (its params.text is what the person saw).
    pub async fn callback_answer(&self, query_id: &str) -> Option<Call> {
        self.fake
            .wait_for(WAIT, |c| {
                c.method == "answercallbackquery"
                    && c.params.get("callback_query_id").and_then(Value::as_str) == Some(query_id)
            })
            .await
    }

    pub async fn next_message(&self) -> SentMessage {
        self.inbox.next_message().await
    }

    pub async fn try_next_message(&self, timeout: Duration) -> Option<SentMessage> {
        self.inbox.try_next_message(timeout).await
    }

    pub async fn expect_text(&self, needle: &str) -> SentMessage {
        self.inbox.expect_text(needle).await
    }

    pub async fn no_more_messages(&self, within: Duration) {
        self.inbox.no_more_messages(within).await
    }

    pub fn unread(&self) -> Vec<SentMessage> {
        self.inbox.unread()
    }

    pub fn all_messages(&self) -> Vec<SentMessage> {
        self.inbox.all_messages()
    }

    pub fn inbox(&self) -> &Inbox {
        &self.inbox
    }
}

/// Text content with a bot_command entity when it starts with '/', as Telegram sends it.
fn text_content(text: &str) -> Value {
    let mut content = json!({"text": text});
    if text.starts_with('/') {
        let command = text.split(char::is_whitespace).next().unwrap_or(text);
        content["entities"] = json!([{
            "type": "bot_command",
            "offset": 0,
            "length": command.encode_utf16().count(),
        }]);
    }
    content
}

/// A group chat the bot is in.
#[derive(Clone)]
pub struct TestGroup {
    pub chat_id: i64,
    pub title: String,
    fake: FakeTelegram,
    inbox: Inbox,
}

impl TestGroup {
    /// `chat_id` must be negative; at or below -1_000_000_000_000 it is a supergroup.
    pub fn new(fake: &FakeTelegram, chat_id: i64, title: &str) -> TestGroup {
        assert!(chat_id < 0, "group chat ids are negative");
        fake.register_group_chat(chat_id, title);
        TestGroup {
            chat_id,
            title: title.to_owned(),
            fake: fake.clone(),
            inbox: Inbox::new(fake, chat_id, format!("group {title:?} ({chat_id})")),
        }
    }

    pub fn chat_json(&self) -> Value {
        self.fake.chat(self.chat_id)
    }

    /// `user` writes `text` in this group. Returns the message id.
    pub async fn send_text_as(&self, user: &TestUser, text: &str) -> i64 {
        let (id, msg) = user.message_in(self.chat_json(), text_content(text));
        self.fake.push_update(json!({"message": msg}));
        id
    }

    pub async fn next_message(&self) -> SentMessage {
        self.inbox.next_message().await
    }

    pub async fn try_next_message(&self, timeout: Duration) -> Option<SentMessage> {
        self.inbox.try_next_message(timeout).await
    }

    pub async fn expect_text(&self, needle: &str) -> SentMessage {
        self.inbox.expect_text(needle).await
    }

    pub async fn no_more_messages(&self, within: Duration) {
        self.inbox.no_more_messages(within).await
    }

    pub fn unread(&self) -> Vec<SentMessage> {
        self.inbox.unread()
    }

    pub fn inbox(&self) -> &Inbox {
        &self.inbox
    }
}
