//! What people do, as reusable steps: register as a volunteer, ask for help, look at the database.

use sqlx::Row;

use crate::support::{SentMessage, TestApp, TestUser};

pub const PSKOV: i64 = 60;
pub const TATARSTAN: i64 = 16;

/// A request as a person fills it in (English labels).
pub struct Ask<'a> {
    pub for_other: Option<&'a str>,
    pub beneficiary: &'a str,
    pub region: &'a str,
    pub category: &'a str,
    pub details: &'a str,
    pub settlement: &'a str,
    pub address: &'a str,
    pub when: &'a str,
    pub phone: Option<&'a str>,
}

impl Default for Ask<'_> {
    fn default() -> Self {
        Ask {
            for_other: None,
            beneficiary: "👵 Elderly person",
            region: "pskov",
            category: "🛒 Groceries",
            details: "Bread, milk and buckwheat, please",
            settlement: "Pskov",
            address: "Lenina 5, flat 12",
            when: "Today",
            phone: Some("+7 912 345 67 89"),
        }
    }
}

/// Goes through the whole dialogue and confirms. Returns the request number the bot announced.
pub async fn ask_for_help(user: &TestUser, ask: &Ask<'_>) -> i64 {
    request_number(&ask_for_help_posted(user, ask).await.text)
}

/// Like `ask_for_help`, returning the bot's "posted" message.
pub async fn ask_for_help_posted(user: &TestUser, ask: &Ask<'_>) -> SentMessage {
    user.send_text("🆘 I need help").await;
    user.expect_text("Who needs help?").await;
    match ask.for_other {
        Some(name) => {
            user.send_text("👥 Someone else").await;
            user.expect_text("What is the name").await;
            user.send_text(name).await;
        }
        None => {
            user.send_text("🙋 Me").await;
        }
    }
    user.expect_text("describes").await;
    user.send_text(ask.beneficiary).await;
    user.expect_text("Which region?").await;
    user.send_text(ask.region).await;
    user.expect_text("What kind of help").await;
    user.send_text(ask.category).await;
    user.expect_text("What exactly is needed?").await;
    user.send_text(ask.details).await;
    user.expect_text("Which town or village?").await;
    user.send_text(ask.settlement).await;
    user.expect_text("Street, house and flat?").await;
    user.send_text(ask.address).await;
    user.expect_text("When is help needed?").await;
    user.send_text(ask.when).await;
    user.expect_text("A phone number").await;
    match ask.phone {
        Some(p) => user.send_text(p).await,
        None => user.send_text("⏭ Skip").await,
    };
    user.expect_text("Please check your request").await;
    user.send_text("✅ Send the request").await;
    user.expect_text("Request #").await
}

/// The number after the first '#' (or '№') in a text.
pub fn request_number(text: &str) -> i64 {
    let start = text
        .find(['#', '№'])
        .unwrap_or_else(|| panic!("no request number in {text:?}"));
    let digits: String = text[start..]
        .chars()
        .skip(1)
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no request number in {text:?}"))
}

/// Registers through the dialogue, in English, choosing one region and the given kinds of help.
pub async fn register_volunteer(v: &TestUser, region: &str, categories: &[&str]) {
    v.send_text("🤝 I want to help").await;
    v.expect_text("What name should we show").await;
    v.send_text(&v.first_name).await;
    v.expect_text("Which region do you help in?").await;
    v.send_text(region).await;
    v.expect_text("Chosen:").await;
    v.send_text("✅ Done").await;
    v.expect_text("What kinds of help can you give?").await;
    for c in categories {
        v.send_text(c).await;
        v.expect_text("Chosen:").await;
    }
    v.send_text("✅ Done").await;
    v.expect_text("Your phone number").await;
    v.send_text("⏭ Skip").await;
    v.expect_text("You are registered as a volunteer").await;
}

/// A person the bot knows, written straight into the database (unless already there).
async fn seed_user(app: &TestApp, id: i64, name: &str, lang: &str) {
    sqlx::query(
        "INSERT OR IGNORE INTO users (id, first_name, tg_language, created_at) VALUES (?, ?, ?, 0)",
    )
    .bind(id)
    .bind(name)
    .bind(lang)
    .execute(&app.db)
    .await
    .unwrap();
}

/// An approved volunteer written straight into the database (setup for tests about many people).
pub async fn seed_volunteer(
    app: &TestApp,
    id: i64,
    name: &str,
    lang: &str,
    region: i64,
    categories: &[&str],
) -> TestUser {
    seed_user(app, id, name, lang).await;
    sqlx::query("INSERT INTO volunteers (user_id, display_name, status, created_at) VALUES (?, ?, 'approved', 0)")
        .bind(id)
        .bind(name)
        .execute(&app.db)
        .await
        .unwrap();
    sqlx::query("INSERT INTO volunteer_regions (user_id, region_id) VALUES (?, ?)")
        .bind(id)
        .bind(region)
        .execute(&app.db)
        .await
        .unwrap();
    for c in categories {
        sqlx::query("INSERT INTO volunteer_categories (user_id, category) VALUES (?, ?)")
            .bind(id)
            .bind(c)
            .execute(&app.db)
            .await
            .unwrap();
    }
    app.user(id, name, lang)
}

pub async fn status_of(app: &TestApp, id: i64) -> (String, Option<i64>) {
    let row = sqlx::query("SELECT status, claimed_by FROM help_requests WHERE id = ?")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

pub async fn events_of(app: &TestApp, id: i64) -> Vec<String> {
    sqlx::query_scalar("SELECT kind FROM request_events WHERE request_id = ? ORDER BY id")
        .bind(id)
        .fetch_all(&app.db)
        .await
        .unwrap()
}

pub async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap()
}

/// The dialogue state stored for a chat, as JSON text ("" when there is none).
pub async fn dialogue_of(app: &TestApp, chat_id: i64) -> String {
    sqlx::query_scalar::<_, String>("SELECT state_json FROM dialogues WHERE chat_id = ?")
        .bind(chat_id)
        .fetch_optional(&app.db)
        .await
        .unwrap()
        .unwrap_or_default()
}

/// The next push (a new message, not an edit) about request `id` this volunteer got.
pub async fn expect_push(v: &TestUser, id: i64) -> SentMessage {
    let take = format!("c:{id}");
    loop {
        let m = v.next_message().await;
        if !m.is_edit() && m.inline_buttons().iter().any(|(_, data)| *data == take) {
            return m;
        }
    }
}

/// Waits (up to 2 s) until `check` gives a value: for what the bot records right after Telegram
/// answers, which a test can otherwise read a moment too early.
pub async fn eventually<T, F, Fut>(what: &str, check: F) -> T
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..80 {
        if let Some(v) = check().await {
            return v;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("still not true after 2 s: {what}");
}

/// The note of a request's event of this kind (e.g. how many were pushed, why it was released).
pub async fn event_note(app: &TestApp, id: i64, kind: &str) -> String {
    sqlx::query_scalar("SELECT note FROM request_events WHERE request_id = ? AND kind = ?")
        .bind(id)
        .bind(kind)
        .fetch_one(&app.db)
        .await
        .unwrap()
}

/// The volunteer presses Take under their push and gets the details (English).
pub async fn take(v: &TestUser, push: &SentMessage, id: i64) -> SentMessage {
    v.press(push, &format!("c:{id}")).await;
    // The details (not the edit of the push, which says "You took request #N. The details…").
    v.expect_text(&format!("You took request #{id} ·")).await
}

/// No new push (a message with a Take button) about request `id` reaches this volunteer within
/// `within`; edits of earlier messages may still arrive.
pub async fn no_push(v: &TestUser, id: i64, within: std::time::Duration) {
    tokio::time::sleep(within).await;
    let take = format!("c:{id}");
    for m in v.unread() {
        let is_push = !m.is_edit() && m.inline_buttons().iter().any(|(_, d)| *d == take);
        assert!(
            !is_push,
            "{} was pushed request {id} again: {}",
            v.first_name,
            m.describe()
        );
    }
}

/// A club lead of `region`, written straight into the database (setup; the invitation flow has
/// its own tests). The person must have written to the bot or be seeded first.
pub async fn seed_lead(app: &TestApp, id: i64, name: &str, lang: &str, region: i64) -> TestUser {
    seed_user(app, id, name, lang).await;
    sqlx::query("INSERT INTO leads (user_id, region_id, appointed_at) VALUES (?, ?, 0)")
        .bind(id)
        .bind(region)
        .execute(&app.db)
        .await
        .unwrap();
    app.user(id, name, lang)
}
