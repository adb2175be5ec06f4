//! A fake Telegram Bot API on 127.0.0.1 that speaks the real wire format.
//!
//! teloxide posts to `/bot<TOKEN>/<MethodName>` (PascalCase); methods are matched case-insensitively
//! and recorded lowercased. Bodies are JSON, or multipart/form-data for methods that carry an
//! `InputFile`. Every call is recorded as a [`Call`]; tests wait on calls with [`FakeTelegram::wait_for`]
//! and friends, which wake on each new call instead of sleep-polling.
//!
//! Like Telegram, the fake refuses what Telegram refuses, so bugs show up here rather than in
//! production: HTML that does not parse, text over 4096 characters, `callback_data` over 64 bytes,
//! edits that change nothing or target an unknown message, and a callback query answered twice.
//! With [`FakeTelegram::enforce_limits`] it also answers 429 to a bot that sends faster than
//! Telegram allows, as Telegram does.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    net::SocketAddr,
    sync::{Arc, Mutex, MutexGuard},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, State},
    http::{HeaderMap, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};
use tokio::sync::Notify;

/// The bot token the fake accepts. It is a test value, but still never printed by the harness.
pub const TOKEN: &str = "123456:TEST-TOKEN";
pub const BOT_ID: i64 = 1000;
pub const BOT_USERNAME: &str = "mutual_aid_test_bot";
pub const BOT_FIRST_NAME: &str = "Mutual Aid";

/// getUpdates never holds a request longer than this, whatever `timeout` the bot asked for, so a
/// bot under test shuts down quickly.
pub const MAX_LONG_POLL: Duration = Duration::from_millis(250);

/// Methods whose successful result is a message visible in a chat.
pub const MESSAGE_METHODS: &[&str] = &[
    "sendmessage",
    "sendvoice",
    "senddocument",
    "sendphoto",
    "editmessagetext",
    "editmessagereplymarkup",
    "editmessagecaption",
];

/// Methods Telegram's flood control counts, in the enforcing mode.
pub const LIMITED_METHODS: &[&str] = &[
    "sendmessage",
    "sendvoice",
    "sendphoto",
    "senddocument",
    "editmessagetext",
    "editmessagereplymarkup",
    "copymessage",
];

/// Telegram's outbound limits, as the enforcing mode checks them (see
/// [`FakeTelegram::enforce_limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// At most this many calls in any sliding one-second window, all chats together.
    pub per_second: u32,
    /// Two calls to one private chat at least this far apart.
    pub per_chat_gap: Duration,
    /// At most this many calls to one group (negative chat id) in any sliding minute.
    pub group_per_minute: u32,
}

impl Limits {
    /// Telegram's documented limits: 30/s overall, 1/s per chat, 20/min per group.
    pub fn telegram() -> Limits {
        Limits {
            per_second: 30,
            per_chat_gap: Duration::from_secs(1),
            group_per_minute: 20,
        }
    }
}

const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);

/// The enforcing mode's bookkeeping: only calls it let through count against the limits.
#[derive(Debug, Default)]
struct FloodControl {
    limits: Option<Limits>,
    /// Admitted calls of the last second, oldest first.
    recent: VecDeque<Instant>,
    /// The last admitted call to each private chat.
    last_to_chat: HashMap<i64, Instant>,
    /// Admitted calls to each group in the last minute, oldest first.
    group_recent: HashMap<i64, VecDeque<Instant>>,
    /// Calls answered 429.
    refused: usize,
}

impl FloodControl {
    /// Lets a call to `chat` through at `now` (and counts it), or says how long until a call
    /// would be let through.
    fn admit(&mut self, chat: Option<i64>, now: Instant) -> Result<(), Duration> {
        let Some(limits) = self.limits else {
            return Ok(());
        };
        // How long until a window of `span` holding at most `max` calls has room (None: now).
        fn full_for(
            window: &mut VecDeque<Instant>,
            max: u32,
            span: Duration,
            now: Instant,
        ) -> Option<Duration> {
            while window
                .front()
                .is_some_and(|t| now.saturating_duration_since(*t) >= span)
            {
                window.pop_front();
            }
            let max = max as usize;
            if window.len() < max {
                return None;
            }
            let frees_at = match max {
                0 => now + span,
                _ => window[window.len() - max] + span,
            };
            Some(frees_at.saturating_duration_since(now))
        }
        let mut wait = full_for(&mut self.recent, limits.per_second, SECOND, now);
        match chat {
            Some(chat) if chat < 0 => {
                let window = self.group_recent.entry(chat).or_default();
                let group = full_for(window, limits.group_per_minute, MINUTE, now);
                wait = wait.max(group);
            }
            Some(chat) => {
                if let Some(last) = self.last_to_chat.get(&chat) {
                    let since = now.saturating_duration_since(*last);
                    if since < limits.per_chat_gap {
                        wait = wait.max(Some(limits.per_chat_gap - since));
                    }
                }
            }
            None => {}
        }
        if let Some(wait) = wait {
            self.refused += 1;
            return Err(wait);
        }
        self.recent.push_back(now);
        match chat {
            Some(chat) if chat < 0 => self.group_recent.entry(chat).or_default().push_back(now),
            Some(chat) => {
                self.last_to_chat.insert(chat, now);
            }
            None => {}
        }
        Ok(())
    }
}

/// The `retry_after` Telegram names for a wait: whole seconds, at least 1.
fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

/// One request the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    /// Method name, lowercased (`sendmessage`, `getupdates`, …).
    pub method: String,
    /// The JSON body, or the multipart fields (each parsed as JSON when it parses, else a string;
    /// an uploaded file is `{"file_name": …, "size": …}`, plus `"content"`: its text when the
    /// bytes are valid UTF-8).
    pub params: Value,
    /// HTTP status sent back.
    pub status: u16,
    /// On success the `result` sent back; on failure the whole error body.
    pub response: Value,
    /// When the request arrived.
    pub at: Instant,
    /// Answered by an injected fault (`fail_next`, `drop_next`): the call did nothing, whatever
    /// the status.
    pub injected: bool,
}

impl Call {
    /// Telegram accepted it (and did what it asked).
    pub fn ok(&self) -> bool {
        self.status == 200 && !self.injected
    }

    /// `params.chat_id` as a number (Telegram accepts it as a number or a numeric string).
    pub fn chat_id(&self) -> Option<i64> {
        chat_id_of(&self.params)
    }

    /// `params.text`, or `params.caption`, as sent (raw HTML if the bot used parse_mode HTML).
    pub fn text(&self) -> Option<String> {
        self.params
            .get("text")
            .or_else(|| self.params.get("caption"))
            .map(value_as_text)
    }

    /// The error description, for a call that failed.
    pub fn error_description(&self) -> Option<&str> {
        if self.ok() {
            return None;
        }
        self.response.get("description").and_then(Value::as_str)
    }

    /// Whether this call's successful result is a message shown in `chat_id`.
    pub fn is_message_to(&self, chat_id: i64) -> bool {
        self.ok()
            && MESSAGE_METHODS.contains(&self.method.as_str())
            && self.chat_id() == Some(chat_id)
    }
}

struct Fault {
    status: u16,
    body: Value,
    /// Close the connection instead of answering (the status and body are not sent).
    close: bool,
}

#[derive(Default)]
struct ApiState {
    calls: Vec<Call>,
    /// Updates not yet confirmed by an offset, in id order.
    updates: VecDeque<(i64, Value)>,
    next_update_id: i64,
    next_message_id: i64,
    next_incoming_message_id: i64,
    next_callback_id: u64,
    next_file_id: u64,
    faults: HashMap<String, VecDeque<Fault>>,
    blocked: HashSet<i64>,
    chats: HashMap<i64, Value>,
    /// What each message the bot sent looks like now (after edits), by (chat, message id).
    messages: HashMap<(i64, i64), Value>,
    /// Each stored message's text or caption as the bot sent it (with its parse mode), so an edit
    /// that only changes formatting counts as a change.
    sources: HashMap<(i64, i64), String>,
    /// Callback query ids handed out by [`FakeTelegram::new_callback_query_id`], and whether answered.
    callback_queries: HashMap<String, bool>,
    /// The enforcing mode (off unless a test turns it on).
    flood: FloodControl,
}

struct Shared {
    state: Mutex<ApiState>,
    /// Woken when an update is queued.
    updates_changed: Notify,
    /// Woken when a call is recorded.
    calls_changed: Notify,
    addr: SocketAddr,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, ApiState> {
        // A panicking test must not poison the fake for the bot's remaining requests.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Handle to a running fake Bot API. Cheap to clone; the server stops when the last clone drops.
#[derive(Clone)]
pub struct FakeTelegram {
    shared: Arc<Shared>,
    _server: Arc<AbortOnDrop>,
}

impl std::fmt::Debug for FakeTelegram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeTelegram")
            .field("addr", &self.shared.addr)
            .finish()
    }
}

impl FakeTelegram {
    /// Binds 127.0.0.1 on a random port and starts serving.
    pub async fn start() -> FakeTelegram {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake Telegram binds a loopback port");
        let addr = listener.local_addr().expect("bound address");
        let shared = Arc::new(Shared {
            state: Mutex::new(ApiState {
                next_update_id: 1,
                next_message_id: 1,
                next_incoming_message_id: 100_000,
                next_callback_id: 1,
                next_file_id: 1,
                ..ApiState::default()
            }),
            updates_changed: Notify::new(),
            calls_changed: Notify::new(),
            addr,
        });
        let router = Router::new()
            .fallback(handle)
            .layer(DefaultBodyLimit::disable())
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        FakeTelegram {
            shared,
            _server: Arc::new(AbortOnDrop(server)),
        }
    }

    /// The API URL to give the bot, e.g. `http://127.0.0.1:PORT/`.
    pub fn url(&self) -> url::Url {
        url::Url::parse(&format!("http://{}/", self.shared.addr)).expect("valid URL")
    }

    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// The bot as a `User` object.
    pub fn bot_user() -> Value {
        json!({
            "id": BOT_ID,
            "is_bot": true,
            "first_name": BOT_FIRST_NAME,
            "username": BOT_USERNAME,
        })
    }

    // ---- updates ------------------------------------------------------------------------------

    /// Queues an update for getUpdates, giving it the next `update_id` unless it has one.
    /// Returns its update id.
    pub fn push_update(&self, mut update: Value) -> i64 {
        let id = {
            let mut st = self.shared.lock();
            let id = match update.get("update_id").and_then(Value::as_i64) {
                Some(id) => id,
                None => {
                    let id = st.next_update_id;
                    update["update_id"] = json!(id);
                    id
                }
            };
            st.next_update_id = st.next_update_id.max(id + 1);
            let at = st.updates.partition_point(|(other, _)| *other <= id);
            st.updates.insert(at, (id, update));
            id
        };
        self.shared.updates_changed.notify_waiters();
        id
    }

    /// Updates queued and not yet confirmed by the bot (confirmation = a later getUpdates offset).
    pub fn pending_updates(&self) -> usize {
        self.shared.lock().updates.len()
    }

    /// The oldest update the bot has not confirmed yet (for failure messages).
    pub fn oldest_pending_update(&self) -> Option<Value> {
        self.shared.lock().updates.front().map(|(_, u)| u.clone())
    }

    /// Waits until the bot has confirmed every queued update. False on timeout.
    pub async fn wait_updates_confirmed(&self, timeout: Duration) -> bool {
        self.wait_until(timeout, |st| st.updates.is_empty()).await
    }

    // ---- identity helpers for simulated people ------------------------------------------------

    /// A fresh message id for a message a simulated person sends (kept apart from the bot's ids).
    pub fn new_incoming_message_id(&self) -> i64 {
        let mut st = self.shared.lock();
        let id = st.next_incoming_message_id;
        st.next_incoming_message_id += 1;
        id
    }

    /// A fresh callback query id; answerCallbackQuery accepts it once.
    pub fn new_callback_query_id(&self) -> String {
        let mut st = self.shared.lock();
        let id = format!("cbq-{}", st.next_callback_id);
        st.next_callback_id += 1;
        st.callback_queries.insert(id.clone(), false);
        id
    }

    /// A fresh file id (for media a simulated person sends, or a file the bot uploads).
    pub fn new_file_id(&self, kind: &str) -> String {
        let mut st = self.shared.lock();
        new_file_id(&mut st, kind)
    }

    /// Tells the fake what a chat looks like, so messages in it carry the right `chat` object.
    pub fn register_chat(&self, chat: Value) {
        let id = chat
            .get("id")
            .and_then(Value::as_i64)
            .expect("chat has an id");
        self.shared.lock().chats.insert(id, chat);
    }

    pub fn register_private_chat(&self, id: i64, first_name: &str) {
        self.register_chat(json!({"id": id, "type": "private", "first_name": first_name}));
    }

    /// A group; ids at or below -1_000_000_000_000 are supergroups, as in Telegram.
    pub fn register_group_chat(&self, id: i64, title: &str) {
        let kind = if id <= -1_000_000_000_000 {
            "supergroup"
        } else {
            "group"
        };
        self.register_chat(json!({"id": id, "type": kind, "title": title}));
    }

    /// The `chat` object for a chat id (registered, or a plausible default).
    pub fn chat(&self, id: i64) -> Value {
        chat_json(&self.shared.lock(), id)
    }

    /// A message the bot sent, as it looks now (after edits); None if never sent or deleted.
    pub fn message(&self, chat_id: i64, message_id: i64) -> Option<Value> {
        self.shared
            .lock()
            .messages
            .get(&(chat_id, message_id))
            .cloned()
    }

    // ---- recorded calls -------------------------------------------------------------------------

    pub fn calls(&self) -> Vec<Call> {
        self.shared.lock().calls.clone()
    }

    /// Calls of one method (any case: `"sendMessage"` and `"sendmessage"` are the same).
    pub fn calls_of(&self, method: &str) -> Vec<Call> {
        let method = method.to_ascii_lowercase();
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .cloned()
            .collect()
    }

    pub fn call_count(&self) -> usize {
        self.shared.lock().calls.len()
    }

    /// Shows each call from index `from` on to `f`, in order, without copying them; returns the
    /// index after the last one shown.
    pub fn each_call_since(&self, from: usize, mut f: impl FnMut(&Call)) -> usize {
        let st = self.shared.lock();
        for c in st.calls.iter().skip(from) {
            f(c);
        }
        st.calls.len().max(from)
    }

    /// The calls from index `from` on.
    pub fn calls_since(&self, from: usize) -> Vec<Call> {
        self.shared
            .lock()
            .calls
            .iter()
            .skip(from)
            .cloned()
            .collect()
    }

    /// The first call (ever) matching `pred`, waiting up to `timeout` for it.
    pub async fn wait_for(&self, timeout: Duration, pred: impl Fn(&Call) -> bool) -> Option<Call> {
        self.wait_for_after(0, timeout, pred).await.map(|(_, c)| c)
    }

    /// The first call at index `from` or later matching `pred`, with its index.
    /// `pred` runs under the fake's lock: it must not call back into the fake.
    pub async fn wait_for_after(
        &self,
        from: usize,
        timeout: Duration,
        pred: impl Fn(&Call) -> bool,
    ) -> Option<(usize, Call)> {
        let mut found = None;
        self.wait_until(timeout, |st| {
            found = st
                .calls
                .iter()
                .enumerate()
                .skip(from)
                .find(|(_, c)| pred(c))
                .map(|(i, c)| (i, c.clone()));
            found.is_some()
        })
        .await;
        found
    }

    /// Waits until at least `n` calls match `pred` and returns all that match (fewer on timeout).
    pub async fn wait_for_n(
        &self,
        n: usize,
        timeout: Duration,
        pred: impl Fn(&Call) -> bool,
    ) -> Vec<Call> {
        let mut found = Vec::new();
        self.wait_until(timeout, |st| {
            found = st.calls.iter().filter(|c| pred(c)).cloned().collect();
            found.len() >= n
        })
        .await;
        found
    }

    /// The first call of `method` (any case) to `chat_id`, waiting up to `timeout`.
    pub async fn wait_for_method(
        &self,
        method: &str,
        chat_id: Option<i64>,
        timeout: Duration,
    ) -> Option<Call> {
        let method = method.to_ascii_lowercase();
        self.wait_for(timeout, |c| {
            c.method == method && (chat_id.is_none() || c.chat_id() == chat_id)
        })
        .await
    }

    /// Re-checks `cond` on every recorded call until it holds or `timeout` passes.
    async fn wait_until(&self, timeout: Duration, mut cond: impl FnMut(&ApiState) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.calls_changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if cond(&self.shared.lock()) {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return cond(&self.shared.lock());
            }
        }
    }

    // ---- fault injection ------------------------------------------------------------------------

    /// The next `times` calls of `method` (any case) answer with this HTTP status and body,
    /// exactly as given: a JSON string body goes out as raw text, so `json!("not json")` with
    /// status 200 is a broken answer (teloxide's `InvalidJson`). Recorded like any call; the call
    /// itself does nothing. Note: teloxide sleeps 10 s after any 5xx status before it even
    /// reads the body, so prefer a 4xx status (or 429) unless a test can afford that.
    pub fn fail_next(&self, method: &str, status: u16, body: Value, times: usize) {
        let mut st = self.shared.lock();
        let queue = st.faults.entry(method.to_ascii_lowercase()).or_default();
        for _ in 0..times {
            queue.push_back(Fault {
                status,
                body: body.clone(),
                close: false,
            });
        }
    }

    /// The next `times` calls of `method` (any case) get no answer: the connection closes before
    /// a response is written (the bot sees a network error). Recorded with status 0; the call
    /// does nothing (as if it never reached Telegram).
    pub fn drop_next(&self, method: &str, times: usize) {
        let mut st = self.shared.lock();
        let queue = st.faults.entry(method.to_ascii_lowercase()).or_default();
        for _ in 0..times {
            queue.push_back(Fault {
                status: 0,
                body: Value::Null,
                close: true,
            });
        }
    }

    /// Turns on the enforcing mode: from now on every call of a [`LIMITED_METHODS`] method is
    /// checked as Telegram checks it. More than `per_second` calls in any sliding second, two
    /// calls to one private chat closer than `per_chat_gap`, or more than `group_per_minute`
    /// calls to one group in any sliding minute answer 429 "Too Many Requests: retry after N"
    /// (N: the whole seconds until the call would have been let through, at least 1), recorded
    /// with status 429 and not delivered. Refused calls do not count against the limits.
    pub fn enforce_limits(&self, limits: Limits) {
        self.shared.lock().flood.limits = Some(limits);
    }

    /// Back to counting only (the default).
    pub fn stop_enforcing_limits(&self) {
        self.shared.lock().flood.limits = None;
    }

    /// How many calls the enforcing mode answered 429 (faults injected with `fail_next` aside).
    pub fn limits_429(&self) -> usize {
        self.shared.lock().flood.refused
    }

    /// The person deletes a message the bot sent: editing it fails from now on, as in Telegram
    /// ("message to edit not found").
    pub fn delete_message(&self, chat_id: i64, message_id: i64) {
        let mut st = self.shared.lock();
        st.messages.remove(&(chat_id, message_id));
        st.sources.remove(&(chat_id, message_id));
    }

    /// `fail_next` with Telegram's 429 "Too Many Requests: retry after N".
    pub fn fail_next_retry_after(&self, method: &str, retry_after_secs: u64, times: usize) {
        self.fail_next(method, 429, too_many_requests(retry_after_secs), times);
    }

    /// Every call naming this chat as `chat_id` answers 403 "Forbidden: bot was blocked by the
    /// user" (and is recorded).
    pub fn block_user(&self, chat_id: i64) {
        self.shared.lock().blocked.insert(chat_id);
    }

    pub fn unblock_user(&self, chat_id: i64) {
        self.shared.lock().blocked.remove(&chat_id);
    }
}

/// Telegram's 429 body.
pub fn too_many_requests(retry_after_secs: u64) -> Value {
    json!({
        "ok": false,
        "error_code": 429,
        "description": format!("Too Many Requests: retry after {retry_after_secs}"),
        "parameters": {"retry_after": retry_after_secs},
    })
}

/// Telegram's 403 body for a person who blocked the bot.
pub fn bot_blocked() -> Value {
    error_body(403, "Forbidden: bot was blocked by the user")
}

/// Any Telegram error body.
pub fn error_body(code: u16, description: &str) -> Value {
    json!({"ok": false, "error_code": code, "description": description})
}

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

// ---- the server ---------------------------------------------------------------------------------

async fn handle(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let at = Instant::now();
    let mut segments = uri.path().trim_matches('/').split('/');
    let (token, method) = match (segments.next(), segments.next(), segments.next()) {
        (Some(bot), Some(method), None) if bot.starts_with("bot") && !method.is_empty() => {
            (&bot[3..], method.to_ascii_lowercase())
        }
        _ => return reply(404, error_body(404, "Not Found")),
    };
    // Percent-encoded ':' is possible in theory; compare decoded.
    let token = token.replace("%3A", ":").replace("%3a", ":");
    let params = parse_params(&headers, &body, uri.query());

    let mut fault = None;
    let (status, response) = if token != TOKEN {
        (401, error_body(401, "Unauthorized"))
    } else if let Some(f) = take_fault(&shared, &method) {
        let answer = (f.status, f.body.clone());
        fault = Some(f);
        answer
    } else if method == "getupdates" {
        get_updates(&shared, &params).await
    } else {
        let mut st = shared.lock();
        let chat = chat_id_of(&params);
        let flood = if LIMITED_METHODS.contains(&method.as_str()) {
            st.flood.admit(chat, Instant::now())
        } else {
            Ok(())
        };
        match (flood, chat) {
            (Err(wait), _) => (429, too_many_requests(retry_after_secs(wait))),
            (Ok(()), Some(chat)) if st.blocked.contains(&chat) => (403, bot_blocked()),
            (Ok(()), _) => match answer(&mut st, &method, &params) {
                Ok(result) => (200, result),
                Err((code, description)) => (code, error_body(code, &description)),
            },
        }
    };

    // Written out before the call is recorded, straight from the recorded value (no copy of it).
    let body = if status == 200 {
        serde_json::to_vec(&json_ok(&response))
    } else {
        serde_json::to_vec(&response)
    }
    .unwrap_or_default();
    shared.lock().calls.push(Call {
        method,
        params,
        status,
        response,
        at,
        injected: fault.is_some(),
    });
    shared.calls_changed.notify_waiters();
    match fault {
        Some(Fault { close: true, .. }) => closed_connection(),
        Some(Fault { status, body, .. }) => verbatim(status, body),
        None => reply_bytes(status, body),
    }
}

/// Telegram's envelope of a successful answer, around a borrowed result.
fn json_ok(result: &Value) -> impl serde::Serialize + '_ {
    #[derive(serde::Serialize)]
    struct Ok<'a> {
        ok: bool,
        result: &'a Value,
    }
    Ok { ok: true, result }
}

/// A JSON body already written out.
fn reply_bytes(status: u16, body: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// An injected answer as it was given: a JSON string is sent as raw text (so it can be
/// anything, broken JSON included), any other value as JSON.
fn verbatim(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    match body {
        Value::String(text) => (status, text).into_response(),
        other => (status, Json(other)).into_response(),
    }
}

/// A response whose body fails after the headers: hyper drops the connection, so the client
/// sees the connection close before an answer arrives.
fn closed_connection() -> Response {
    let failing = futures_util::stream::once(async {
        Err::<Bytes, _>(std::io::Error::other("the fake closed the connection"))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from_stream(failing))
        .unwrap_or_else(|_| reply(500, Value::Null))
}

fn reply(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(body)).into_response()
}

fn take_fault(shared: &Shared, method: &str) -> Option<Fault> {
    let mut st = shared.lock();
    let queue = st.faults.get_mut(method)?;
    queue.pop_front()
}

async fn get_updates(shared: &Shared, params: &Value) -> (u16, Value) {
    let offset = params.get("offset").and_then(Value::as_i64).unwrap_or(0);
    let limit = params
        .get("limit")
        .and_then(Value::as_u64)
        .unwrap_or(100)
        .clamp(1, 100) as usize;
    let timeout = params.get("timeout").and_then(Value::as_u64).unwrap_or(0);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout).min(MAX_LONG_POLL);
    {
        let mut st = shared.lock();
        if offset > 0 {
            while st.updates.front().is_some_and(|(id, _)| *id < offset) {
                st.updates.pop_front();
            }
        } else if offset < 0 {
            // Telegram: a negative offset keeps only the last -offset updates.
            let keep = offset.unsigned_abs() as usize;
            while st.updates.len() > keep {
                st.updates.pop_front();
            }
        }
    }
    loop {
        let notified = shared.updates_changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let batch: Vec<Value> = {
            let st = shared.lock();
            st.updates
                .iter()
                .filter(|(id, _)| *id >= offset)
                .take(limit)
                .map(|(_, u)| u.clone())
                .collect()
        };
        if !batch.is_empty() || tokio::time::Instant::now() >= deadline {
            return (200, Value::Array(batch));
        }
        let _ = tokio::time::timeout_at(deadline, notified).await;
    }
}

type ApiResult = Result<Value, (u16, String)>;

fn bad_request(description: impl std::fmt::Display) -> (u16, String) {
    (400, format!("Bad Request: {description}"))
}

fn answer(st: &mut ApiState, method: &str, p: &Value) -> ApiResult {
    match method {
        "getme" => {
            let mut me = FakeTelegram::bot_user();
            me["can_join_groups"] = json!(true);
            me["can_read_all_group_messages"] = json!(false);
            me["supports_inline_queries"] = json!(false);
            me["can_connect_to_business"] = json!(false);
            me["has_main_web_app"] = json!(false);
            Ok(me)
        }
        "getmycommands" => Ok(json!([])),
        "getwebhookinfo" => Ok(json!({
            "url": "",
            "has_custom_certificate": false,
            "pending_update_count": st.updates.len(),
        })),
        "sendmessage" => {
            let chat_id = require_chat(p)?;
            let raw = p.get("text").map(value_as_text).unwrap_or_default();
            let text = displayed_text(&raw, p)?;
            if text.trim().is_empty() {
                return Err(bad_request("message text is empty"));
            }
            if utf16_len(&text) > 4096 {
                return Err(bad_request("message is too long"));
            }
            let markup = checked_markup(p)?;
            let mut msg = new_message(st, chat_id);
            msg["text"] = json!(text);
            if let Some(markup) = markup {
                msg["reply_markup"] = markup;
            }
            Ok(store(st, msg, p))
        }
        "sendvoice" | "senddocument" | "sendphoto" => {
            let chat_id = require_chat(p)?;
            let field = &method[4..];
            let sent = p
                .get(field)
                .ok_or_else(|| bad_request(format!("there is no {field} in the request")))?;
            let file_id = match sent.as_str() {
                Some(id) if !id.starts_with("attach://") && !id.contains("://") => id.to_owned(),
                _ => new_file_id(st, field),
            };
            let file = json!({
                "file_id": file_id,
                "file_unique_id": format!("u-{file_id}"),
                "file_size": 1024,
            });
            let media = match field {
                "voice" => {
                    let mut v = file;
                    v["duration"] = json!(1);
                    v["mime_type"] = json!("audio/ogg");
                    v
                }
                "document" => {
                    let mut d = file;
                    // An upload names its part "attach://<part>"; that part carries the file name.
                    let part = sent
                        .as_str()
                        .and_then(|s| s.strip_prefix("attach://"))
                        .and_then(|k| p.get(k));
                    if let Some(name) = part
                        .and_then(|f| f.get("file_name"))
                        .and_then(Value::as_str)
                    {
                        d["file_name"] = json!(name);
                    }
                    d
                }
                _ => {
                    let mut ph = file;
                    ph["width"] = json!(320);
                    ph["height"] = json!(240);
                    json!([ph])
                }
            };
            let markup = checked_markup(p)?;
            let mut msg = new_message(st, chat_id);
            msg[field] = media;
            if let Some(raw) = p.get("caption").map(value_as_text) {
                let caption = displayed_text(&raw, p)?;
                if utf16_len(&caption) > 1024 {
                    return Err(bad_request("message caption is too long"));
                }
                msg["caption"] = json!(caption);
            }
            if let Some(markup) = markup {
                msg["reply_markup"] = markup;
            }
            Ok(store(st, msg, p))
        }
        "copymessage" | "forwardmessage" => {
            let chat_id = require_chat(p)?;
            let mut msg = new_message(st, chat_id);
            msg["text"] = json!("(copied message)");
            let msg = store(st, msg, p);
            Ok(if method == "copymessage" {
                json!({"message_id": msg["message_id"]})
            } else {
                msg
            })
        }
        "editmessagetext" | "editmessagereplymarkup" | "editmessagecaption" => edit(st, method, p),
        "deletemessage" => {
            if let (Some(chat), Some(id)) =
                (chat_id_of(p), p.get("message_id").and_then(Value::as_i64))
            {
                st.messages.remove(&(chat, id));
                st.sources.remove(&(chat, id));
            }
            Ok(json!(true))
        }
        "answercallbackquery" => {
            let id = p
                .get("callback_query_id")
                .map(value_as_text)
                .unwrap_or_default();
            match st.callback_queries.get_mut(&id) {
                Some(answered @ false) => {
                    *answered = true;
                    Ok(json!(true))
                }
                _ => Err(bad_request(
                    "query is too old and response timeout expired or query id is invalid",
                )),
            }
        }
        "getfile" => {
            let id = p.get("file_id").map(value_as_text).unwrap_or_default();
            Ok(
                json!({"file_id": id, "file_unique_id": format!("u-{id}"), "file_size": 1024, "file_path": format!("files/{id}")}),
            )
        }
        // setMyCommands, deleteWebhook, setChatMenuButton, sendChatAction, leaveChat, …
        _ => Ok(json!(true)),
    }
}

fn edit(st: &mut ApiState, method: &str, p: &Value) -> ApiResult {
    if p.get("inline_message_id").is_some() {
        return Ok(json!(true));
    }
    let chat_id = require_chat(p)?;
    let message_id = p
        .get("message_id")
        .and_then(Value::as_i64)
        .ok_or_else(|| bad_request("message_id is required"))?;
    let Some(current) = st.messages.get(&(chat_id, message_id)).cloned() else {
        return Err(bad_request("message to edit not found"));
    };
    let mut next = current.clone();
    let old_source = st
        .sources
        .get(&(chat_id, message_id))
        .cloned()
        .unwrap_or_default();
    let mut new_source = old_source.clone();
    match method {
        "editmessagetext" => {
            let raw = p.get("text").map(value_as_text).unwrap_or_default();
            let text = displayed_text(&raw, p)?;
            if text.trim().is_empty() {
                return Err(bad_request("message text is empty"));
            }
            if utf16_len(&text) > 4096 {
                return Err(bad_request("MESSAGE_TOO_LONG"));
            }
            next["text"] = json!(text);
            new_source = source_of(p, "text");
        }
        "editmessagecaption" => {
            let raw = p.get("caption").map(value_as_text).unwrap_or_default();
            next["caption"] = json!(displayed_text(&raw, p)?);
            new_source = source_of(p, "caption");
        }
        _ => {}
    }
    // Telegram drops the inline keyboard from an edit that does not repeat it.
    let obj = next.as_object_mut().expect("stored message is an object");
    obj.remove("edit_date");
    match checked_markup(p)? {
        Some(markup) => {
            obj.insert("reply_markup".into(), markup);
        }
        None => {
            obj.remove("reply_markup");
        }
    }
    let mut unchanged = current.clone();
    if let Some(o) = unchanged.as_object_mut() {
        o.remove("edit_date");
    }
    if unchanged == next && old_source == new_source {
        return Err(bad_request(
            "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
        ));
    }
    next["edit_date"] = json!(unix_now());
    st.messages.insert((chat_id, message_id), next.clone());
    st.sources.insert((chat_id, message_id), new_source);
    Ok(next)
}

fn new_message(st: &mut ApiState, chat_id: i64) -> Value {
    let id = st.next_message_id;
    st.next_message_id += 1;
    json!({
        "message_id": id,
        "date": unix_now(),
        "chat": chat_json(st, chat_id),
        "from": FakeTelegram::bot_user(),
    })
}

/// Keeps a message the bot sent (with the params it was sent with) for later edits and presses.
fn store(st: &mut ApiState, msg: Value, p: &Value) -> Value {
    let chat = msg["chat"]["id"].as_i64().expect("chat id");
    let id = msg["message_id"].as_i64().expect("message id");
    let field = if p.get("text").is_some() {
        "text"
    } else {
        "caption"
    };
    st.sources.insert((chat, id), source_of(p, field));
    st.messages.insert((chat, id), msg.clone());
    msg
}

fn source_of(p: &Value, field: &str) -> String {
    let mode = p.get("parse_mode").and_then(Value::as_str).unwrap_or("");
    let raw = p.get(field).map(value_as_text).unwrap_or_default();
    format!("{mode}:{raw}")
}

fn new_file_id(st: &mut ApiState, kind: &str) -> String {
    let id = format!("fake-{kind}-{}", st.next_file_id);
    st.next_file_id += 1;
    id
}

fn chat_json(st: &ApiState, id: i64) -> Value {
    if let Some(chat) = st.chats.get(&id) {
        return chat.clone();
    }
    if id > 0 {
        json!({"id": id, "type": "private", "first_name": format!("User {id}")})
    } else if id <= -1_000_000_000_000 {
        json!({"id": id, "type": "supergroup", "title": format!("Group {id}")})
    } else {
        json!({"id": id, "type": "group", "title": format!("Group {id}")})
    }
}

fn require_chat(p: &Value) -> Result<i64, (u16, String)> {
    chat_id_of(p).ok_or_else(|| bad_request("chat not found"))
}

pub(crate) fn chat_id_of(params: &Value) -> Option<i64> {
    match params.get("chat_id")? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// A field as text: strings as they are, anything else (a numeric caption parsed from multipart)
/// as its JSON text.
pub(crate) fn value_as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// What the person sees: HTML parsed (and refused like Telegram does) when parse_mode is HTML.
fn displayed_text(raw: &str, p: &Value) -> Result<String, (u16, String)> {
    match p.get("parse_mode").and_then(Value::as_str) {
        Some(mode) if mode.eq_ignore_ascii_case("html") => {
            parse_html(raw).map_err(|e| bad_request(format!("can't parse entities: {e}")))
        }
        _ => Ok(raw.to_owned()),
    }
}

const HTML_TAGS: &[&str] = &[
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
];

/// Parses Telegram's HTML subset into plain text. Errors read like Telegram's.
pub fn parse_html(src: &str) -> Result<String, String> {
    let mut out = String::with_capacity(src.len());
    let mut open: Vec<String> = Vec::new();
    let mut i = 0;
    while i < src.len() {
        let rest = &src[i..];
        if rest.starts_with('<') {
            let Some(end) = rest.find('>') else {
                return Err(format!("Unclosed start tag at byte offset {i}"));
            };
            let inner = &rest[1..end];
            if let Some(name) = inner.strip_prefix('/') {
                let name = name.trim().to_ascii_lowercase();
                match open.pop() {
                    Some(expected) if expected == name => {}
                    Some(expected) => {
                        return Err(format!(
                            "Unmatched end tag at byte offset {i}, expected \"</{expected}>\", found \"</{name}>\""
                        ));
                    }
                    None => return Err(format!("Unexpected end tag at byte offset {i}")),
                }
            } else {
                let name = inner
                    .split(char::is_whitespace)
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if !HTML_TAGS.contains(&name.as_str()) {
                    return Err(format!(
                        "Unsupported start tag \"{name}\" at byte offset {i}"
                    ));
                }
                open.push(name);
            }
            i += end + 1;
        } else if let Some(after) = rest.strip_prefix('&') {
            let entity = after.find(';').filter(|&n| n <= 10).map(|n| &after[..n]);
            let decoded = entity.and_then(|e| match e {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                _ => {
                    let num = e.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            });
            match (decoded, entity) {
                (Some(c), Some(e)) => {
                    out.push(c);
                    i += e.len() + 2;
                }
                _ => {
                    out.push('&');
                    i += 1;
                }
            }
        } else {
            let c = rest.chars().next().expect("non-empty");
            out.push(c);
            i += c.len_utf8();
        }
    }
    match open.pop() {
        Some(name) => Err(format!(
            "Can't find end tag corresponding to start tag \"{name}\""
        )),
        None => Ok(out),
    }
}

/// The reply_markup to keep on the message (inline keyboards only, as in Telegram's Message),
/// after checking it the way Telegram does.
fn checked_markup(p: &Value) -> Result<Option<Value>, (u16, String)> {
    let Some(markup) = p.get("reply_markup") else {
        return Ok(None);
    };
    let markup = match markup {
        // Some clients send reply_markup as JSON text.
        Value::String(s) => serde_json::from_str(s)
            .map_err(|_| bad_request("can't parse reply keyboard markup JSON object"))?,
        other => other.clone(),
    };
    if let Some(rows) = markup.get("inline_keyboard") {
        let rows = rows
            .as_array()
            .ok_or_else(|| bad_request("can't parse inline keyboard markup"))?;
        for button in rows.iter().flat_map(|r| r.as_array().into_iter().flatten()) {
            let text = button.get("text").and_then(Value::as_str).unwrap_or("");
            if text.is_empty() {
                return Err(bad_request("inline keyboard button text is empty"));
            }
            if let Some(data) = button.get("callback_data") {
                let len = data.as_str().map_or(0, str::len);
                if !(1..=64).contains(&len) {
                    return Err(bad_request("BUTTON_DATA_INVALID"));
                }
            } else if ![
                "url",
                "login_url",
                "switch_inline_query",
                "switch_inline_query_current_chat",
                "web_app",
                "copy_text",
                "pay",
                "callback_game",
            ]
            .iter()
            .any(|k| button.get(*k).is_some())
            {
                return Err(bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
                ));
            }
        }
        if rows.iter().all(|r| r.as_array().is_none_or(Vec::is_empty)) {
            return Ok(None);
        }
        return Ok(Some(markup));
    }
    if let Some(rows) = markup.get("keyboard") {
        let rows = rows
            .as_array()
            .ok_or_else(|| bad_request("can't parse reply keyboard markup"))?;
        for button in rows.iter().flat_map(|r| r.as_array().into_iter().flatten()) {
            let text = button
                .as_str()
                .or_else(|| button.get("text").and_then(Value::as_str))
                .unwrap_or("");
            if text.is_empty() {
                return Err(bad_request("keyboard button text is empty"));
            }
        }
    }
    Ok(None)
}

// ---- request parsing ----------------------------------------------------------------------------

fn parse_params(headers: &HeaderMap, body: &[u8], query: Option<&str>) -> Value {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut params = if let Some(boundary) = multipart_boundary(content_type) {
        parse_multipart(body, &boundary)
    } else if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(body)
            .unwrap_or_else(|_| json!({"_raw": String::from_utf8_lossy(body)}))
    };
    if let (Some(query), Some(obj)) = (query, params.as_object_mut()) {
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            obj.entry(k.to_owned()).or_insert_with(|| field_value(v));
        }
    }
    params
}

fn field_value(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

fn multipart_boundary(content_type: &str) -> Option<String> {
    let mut parts = content_type.split(';');
    if !parts
        .next()?
        .trim()
        .eq_ignore_ascii_case("multipart/form-data")
    {
        return None;
    }
    parts.find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.eq_ignore_ascii_case("boundary")
            .then(|| v.trim_matches('"').to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn parse_multipart(body: &[u8], boundary: &str) -> Value {
    let mut fields = serde_json::Map::new();
    let delimiter = format!("--{boundary}");
    let Some(start) = find(body, delimiter.as_bytes()) else {
        return Value::Object(fields);
    };
    let mut rest = &body[start + delimiter.len()..];
    let next_delimiter = format!("\r\n--{boundary}");
    loop {
        if rest.starts_with(b"--") {
            break;
        }
        rest = rest.strip_prefix(b"\r\n").unwrap_or(rest);
        let Some(head_end) = find(rest, b"\r\n\r\n") else {
            break;
        };
        let head = String::from_utf8_lossy(&rest[..head_end]).into_owned();
        let content_start = head_end + 4;
        let Some(len) = find(&rest[content_start..], next_delimiter.as_bytes()) else {
            break;
        };
        let content = &rest[content_start..content_start + len];
        rest = &rest[content_start + len + next_delimiter.len()..];

        let disposition = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))
            .unwrap_or("");
        let attr = |name: &str| {
            disposition.split(';').find_map(|p| {
                let (k, v) = p.trim().split_once('=')?;
                (k == name).then(|| v.trim_matches('"').to_owned())
            })
        };
        let Some(name) = attr("name") else { continue };
        let value = match attr("filename") {
            Some(file_name) => {
                let mut file = json!({"file_name": file_name, "size": content.len()});
                // The uploaded bytes as text, when they are UTF-8 (a CSV export), for tests to read.
                if let Ok(text) = std::str::from_utf8(content) {
                    file["content"] = json!(text);
                } else {
                    // Binary uploads (a chart) keep their bytes too, base64-encoded.
                    use base64::Engine;
                    file["base64"] =
                        json!(base64::engine::general_purpose::STANDARD.encode(content));
                }
                file
            }
            None => field_value(&String::from_utf8_lossy(content)),
        };
        fields.insert(name, value);
    }
    Value::Object(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enforcing(per_second: u32, gap_ms: u64, group_per_minute: u32) -> FloodControl {
        FloodControl {
            limits: Some(Limits {
                per_second,
                per_chat_gap: Duration::from_millis(gap_ms),
                group_per_minute,
            }),
            ..FloodControl::default()
        }
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn off_by_default_everything_passes() {
        let mut f = FloodControl::default();
        let t0 = Instant::now();
        for i in 0..1000 {
            assert_eq!(f.admit(Some(7), t0 + Duration::from_micros(i)), Ok(()));
        }
        assert_eq!(f.refused, 0);
    }

    #[test]
    fn the_overall_window_slides_and_refusals_do_not_count() {
        let mut f = enforcing(3, 0, 1000);
        let t0 = Instant::now();
        assert_eq!(f.admit(Some(1), t0), Ok(()));
        assert_eq!(f.admit(Some(2), t0 + ms(100)), Ok(()));
        assert_eq!(f.admit(Some(3), t0 + ms(200)), Ok(()));
        // A fourth inside the second: refused until the first leaves the window.
        assert_eq!(f.admit(Some(4), t0 + ms(300)), Err(ms(700)));
        assert_eq!(f.admit(Some(4), t0 + ms(999)), Err(ms(1)));
        assert_eq!(f.refused, 2);
        assert_eq!(f.admit(Some(4), t0 + ms(1000)), Ok(()));
        // Now t0+100, +200, +1000 are in the window: the next frees when t0+100 leaves.
        assert_eq!(f.admit(Some(5), t0 + ms(1050)), Err(ms(50)));
        assert_eq!(f.admit(Some(5), t0 + ms(1100)), Ok(()));
        // Calls to no chat count against the overall limit too.
        assert_eq!(f.admit(None, t0 + ms(1150)), Err(ms(50)));
        assert_eq!(f.refused, 4);
    }

    #[test]
    fn a_private_chat_needs_its_gap_and_other_chats_do_not_wait() {
        let mut f = enforcing(100, 50, 1000);
        let t0 = Instant::now();
        assert_eq!(f.admit(Some(7), t0), Ok(()));
        assert_eq!(f.admit(Some(7), t0 + ms(49)), Err(ms(1)));
        assert_eq!(f.admit(Some(8), t0 + ms(49)), Ok(()));
        // The refused call did not move the gap.
        assert_eq!(f.admit(Some(7), t0 + ms(50)), Ok(()));
        assert_eq!(f.admit(Some(7), t0 + ms(60)), Err(ms(40)));
    }

    #[test]
    fn a_group_gets_so_many_per_sliding_minute() {
        let mut f = enforcing(100, 1000, 2);
        let t0 = Instant::now();
        // Groups have no per-call gap, only the per-minute count.
        assert_eq!(f.admit(Some(-5), t0), Ok(()));
        assert_eq!(f.admit(Some(-5), t0 + ms(10)), Ok(()));
        assert_eq!(f.admit(Some(-5), t0 + ms(2000)), Err(ms(58_000)));
        assert_eq!(f.admit(Some(-6), t0 + ms(2000)), Ok(()));
        assert_eq!(f.admit(Some(-5), t0 + ms(60_000)), Ok(()));
        assert_eq!(f.admit(Some(-5), t0 + ms(60_005)), Err(ms(5)));
        assert_eq!(f.admit(Some(-5), t0 + ms(60_010)), Ok(()));
    }

    #[test]
    fn the_longest_wait_wins() {
        let mut f = enforcing(1, 5000, 1000);
        let t0 = Instant::now();
        assert_eq!(f.admit(Some(7), t0), Ok(()));
        assert_eq!(f.admit(Some(7), t0 + ms(500)), Err(ms(4500)));
    }

    #[test]
    fn retry_after_is_whole_seconds_rounded_up_and_at_least_one() {
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
        assert_eq!(retry_after_secs(ms(1)), 1);
        assert_eq!(retry_after_secs(ms(1000)), 1);
        assert_eq!(retry_after_secs(ms(1001)), 2);
        assert_eq!(retry_after_secs(ms(58_000)), 58);
    }
}
