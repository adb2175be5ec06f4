//! `cargo bench --bench load`: the load benchmark of issue #5 (see BENCHMARKS.md).
//!
//! The real release binary runs as its own process against the test suite's fake Bot API on
//! 127.0.0.1, with its SQLite file on disk; a minimal teloxide echo bot (benches/echo) is measured
//! the same way in the same run as the framework's floor. CPU time and peak RSS of each process
//! come from /proc. Every scenario runs `LOAD_RUNS` times (default 3); the table shows the median,
//! min and max of each figure, and `target/loadtest/results.json` keeps every run.
//!
//! `cargo bench --bench load -- flood storm` runs only the scenarios named.
//!
//! Latency of an update = from the moment the fake served it to the bot (the getUpdates call that
//! returned it arrived, or — for a long poll that was waiting — the moment it was queued, whichever
//! is later) to the bot's first answering call for it: answerCallbackQuery with its id for a
//! button press; else the next message (send or edit) into that chat not already counted as the
//! answer to an earlier update of the chat.

#[path = "../tests/bot/support/fake_telegram.rs"]
#[allow(dead_code)]
mod fake_telegram;

#[path = "echo/echo_floor.rs"]
mod echo_floor;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fake_telegram::{
    Call, FakeTelegram, LIMITED_METHODS, Limits, MESSAGE_METHODS, TOKEN, unix_now,
};
use serde_json::{Value, json};
use sqlx::SqlitePool;

const BOT: &str = env!("CARGO_BIN_EXE_mutual-aid-bot");

/// The bot binary to measure: this build's, or LOAD_BOT (another build of it, to compare two
/// versions on the same machine in the same hour).
fn bot_binary() -> PathBuf {
    std::env::var_os("LOAD_BOT").map_or_else(|| PathBuf::from(BOT), PathBuf::from)
}
/// Set in the environment of a copy of this binary that is to run the echo bot.
const ECHO_ROLE: &str = "LOAD_BENCH_ECHO_FLOOR";
const PSKOV: i64 = 60;

/// The request dialogue's answers, in order (English), as in tests/bot/startup.rs.
const DIALOGUE: [&str; 11] = [
    "🆘 I need help",
    "🙋 Me",
    "👵 Elderly person",
    "pskov",
    "🛒 Groceries",
    "Bread and milk",
    "Pskov",
    "Lenina 5",
    "Today",
    "⏭ Skip",
    "✅ Send the request",
];

/// Sending limits lifted, for scenarios against the counting fake that measure the bot's own
/// speed (the enforcing scenario `storm` keeps the production limits).
const FAST_SENDING: &[(&str, &str)] = &[("SEND_PER_SECOND", "1000000"), ("SEND_CHAT_GAP", "0s")];

fn main() {
    if std::env::var_os(ECHO_ROLE).is_some() {
        echo_floor::main();
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let code = runtime.block_on(run_all());
    std::process::exit(code);
}

// ---- figures, targets, results ------------------------------------------------------------------

type Figures = BTreeMap<String, f64>;

#[derive(Clone, Copy)]
enum Target {
    AtLeast(f64),
    AtMost(f64),
    Zero,
    /// Must hold, or the bench fails.
    HardZero,
    Info,
}

impl Target {
    fn describe(self) -> String {
        match self {
            Target::AtLeast(v) => format!(">= {}", fmt_num(v)),
            Target::AtMost(v) => format!("<= {}", fmt_num(v)),
            Target::Zero => "= 0".into(),
            Target::HardZero => "= 0 (hard)".into(),
            Target::Info => "".into(),
        }
    }
    fn ok(self, v: f64) -> Option<bool> {
        match self {
            Target::AtLeast(t) => Some(v >= t),
            Target::AtMost(t) => Some(v <= t),
            Target::Zero | Target::HardZero => Some(v == 0.0),
            Target::Info => None,
        }
    }
}

fn targets(scenario: &str, figure: &str) -> Target {
    use Target::*;
    match (scenario, figure) {
        ("flood", "updates_per_s") => AtLeast(5000.0),
        ("flood", "ratio_to_echo") => AtLeast(0.25),
        ("steady", "p50_ms") => AtMost(2.0),
        ("steady", "p99_ms") => AtMost(25.0),
        ("storm", "sends_per_s") => AtLeast(28.5),
        ("storm", "limits_429") => Zero,
        ("storm", "interactive_p99_ms") => AtMost(1000.0),
        ("claim_storm", "double_claims") => HardZero,
        ("claim_storm", "p99_ms") => AtMost(20.0),
        ("hot_chat", "others_p99_ms") => AtMost(2000.0),
        ("hot_chat", "max_poll_gap_ms") => AtMost(1000.0),
        ("scale_1m", "digest_ms") => AtMost(5.0),
        ("scale_1m", "tasks_page_ms") => AtMost(5.0),
        ("scale_1m", "claim_p99_ms") => AtMost(5.0),
        ("scale_1m", "peak_rss_mb") => AtMost(120.0),
        _ => Info,
    }
}

fn fmt_num(v: f64) -> String {
    if v.is_nan() {
        "-".into()
    } else if v.abs() >= 100.0 || v == v.trunc() {
        format!("{v:.0}")
    } else if v.abs() >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn median(v: &[f64]) -> f64 {
    let mut s: Vec<f64> = v.iter().copied().filter(|x| !x.is_nan()).collect();
    if s.is_empty() {
        return f64::NAN;
    }
    s.sort_by(|a, b| a.total_cmp(b));
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn percentile(v: &[f64], q: f64) -> f64 {
    let mut s: Vec<f64> = v.to_vec();
    if s.is_empty() {
        return f64::NAN;
    }
    s.sort_by(|a, b| a.total_cmp(b));
    let rank = ((q * s.len() as f64).ceil() as usize).clamp(1, s.len());
    s[rank - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Row {
    scenario: String,
    figure: String,
    median: f64,
    min: f64,
    max: f64,
    target: Target,
}

fn summarize(scenario: &str, runs: &[Figures]) -> (Vec<Row>, Value) {
    let mut names: Vec<String> = runs.iter().flat_map(|r| r.keys().cloned()).collect();
    names.sort();
    names.dedup();
    let mut rows = Vec::new();
    let mut obj = serde_json::Map::new();
    let mut spread = serde_json::Map::new();
    for name in names {
        let vals: Vec<f64> = runs
            .iter()
            .filter_map(|r| r.get(&name).copied())
            .filter(|v| !v.is_nan())
            .collect();
        let med = median(&vals);
        let min = vals.iter().copied().fold(f64::NAN, f64::min);
        let max = vals.iter().copied().fold(f64::NAN, f64::max);
        obj.insert(name.clone(), num(med));
        spread.insert(
            name.clone(),
            json!({"median": num(med), "min": num(min), "max": num(max)}),
        );
        rows.push(Row {
            scenario: scenario.into(),
            figure: name.clone(),
            median: med,
            min,
            max,
            target: targets(scenario, &name),
        });
    }
    let runs_json: Vec<Value> = runs
        .iter()
        .map(|r| Value::Object(r.iter().map(|(k, v)| (k.clone(), num(*v))).collect()))
        .collect();
    obj.insert("runs".into(), Value::Array(runs_json));
    obj.insert("spread".into(), Value::Object(spread));
    (rows, Value::Object(obj))
}

fn num(v: f64) -> Value {
    if v.is_finite() {
        json!((v * 1000.0).round() / 1000.0)
    } else {
        Value::Null
    }
}

fn print_table(rows: &[Row]) {
    println!();
    println!(
        "| {:<12} | {:<24} | {:>10} | {:>10} | {:>10} | {:<12} | {:<5} |",
        "scenario", "figure", "median", "min", "max", "target", "ok?"
    );
    println!(
        "|{:-<14}|{:-<26}|{:->12}|{:->12}|{:->12}|{:-<14}|{:-<7}|",
        "", "", "", "", "", "", ""
    );
    for r in rows {
        let ok = match r.target.ok(r.median) {
            Some(true) => "yes",
            Some(false) if r.median.is_nan() => "n/a",
            Some(false) => "NO",
            None => "",
        };
        println!(
            "| {:<12} | {:<24} | {:>10} | {:>10} | {:>10} | {:<12} | {:<5} |",
            r.scenario,
            r.figure,
            fmt_num(r.median),
            fmt_num(r.min),
            fmt_num(r.max),
            r.target.describe(),
            ok
        );
    }
}

// ---- processes ------------------------------------------------------------------------------------

fn clock_ticks() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100)
    })
}

/// A process under measurement.
struct Proc {
    child: Child,
    log: Option<PathBuf>,
}

impl Proc {
    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// User + system CPU time of all its threads so far, in µs (10 ms resolution).
    fn cpu_us(&self) -> f64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // `rest` starts at field 3 (state); utime is field 14, stime field 15.
        let get = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        (get(11) + get(12)) as f64 * 1e6 / clock_ticks() as f64
    }

    /// Peak resident set size so far (VmHWM), in MB.
    fn peak_rss_mb(&self) -> f64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    }

    fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    fn log_tail(&self) -> String {
        let Some(path) = &self.log else {
            return String::new();
        };
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(15)..].join("\n")
    }

    /// SIGTERM, then SIGKILL if it has not stopped within `grace`. Waits off the runtime, so the
    /// fake keeps answering while the process drains.
    async fn stop(mut self, grace: Duration) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let _ = tokio::task::spawn_blocking(move || {
            let deadline = Instant::now() + grace;
            while Instant::now() < deadline {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = self.child.kill();
            let _ = self.child.wait();
        })
        .await;
    }
}

fn db_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("bot.db").display())
}

/// The real bot, in release mode, with production settings except `settings`.
fn spawn_bot(fake: &FakeTelegram, dir: &Path, settings: &[(&str, &str)]) -> Proc {
    let log = dir.join("bot.log");
    let file = std::fs::File::create(&log).expect("log file");
    let child = Command::new(bot_binary())
        .current_dir(dir)
        .env_clear()
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", fake.url().as_str())
        .env("DATABASE_URL", db_url(dir))
        // Quiet hours would hold the pushes of a run made at night in the regions' time: the
        // figures must not depend on the hour the benchmark runs.
        .env("QUIET_HOURS", "off")
        .envs(settings.iter().copied())
        // LOAD_RUST_LOG=sqlx::query=debug logs every statement into bot.log (with LOAD_KEEP=1).
        .envs(std::env::var("LOAD_RUST_LOG").map(|v| ("RUST_LOG", v)))
        .stdout(file.try_clone().expect("log file"))
        .stderr(file)
        .spawn()
        .expect("the bot starts");
    Proc {
        child,
        log: Some(log),
    }
}

/// Where the echo bot comes from: the `echo_floor` example if it was built after its source
/// changed (`cargo build --release --example echo_floor`), else this very binary in the echo role
/// (the same source, compiled into the bench).
fn echo_command() -> (Command, &'static str) {
    let example = Path::new(BOT)
        .parent()
        .map(|d| d.join("examples").join("echo_floor"));
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/echo/echo_floor.rs");
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if let Some(example) = example
        && let (Some(built), Some(src)) = (modified(&example), modified(&source))
        && built >= src
    {
        return (Command::new(example), "target/release/examples/echo_floor");
    }
    let mut cmd = Command::new(std::env::current_exe().expect("own path"));
    cmd.env(ECHO_ROLE, "1");
    (cmd, "the bench binary in the echo role")
}

fn spawn_echo(fake: &FakeTelegram) -> Proc {
    let (mut cmd, _) = echo_command();
    let child = cmd
        .env_remove("RUST_LOG")
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", fake.url().as_str())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the echo bot starts");
    Proc { child, log: None }
}

/// Waits until the process polls for updates.
async fn wait_ready(fake: &FakeTelegram, proc: &mut Proc, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if fake
            .wait_for_method("getupdates", None, Duration::from_millis(200))
            .await
            .is_some()
        {
            return;
        }
        if proc.exited() {
            break;
        }
    }
    panic!("{what} did not start polling:\n{}", proc.log_tail());
}

fn work_dir(name: &str) -> tempfile::TempDir {
    let root = Path::new(BOT)
        .parent()
        .and_then(Path::parent)
        .map(|t| t.join("loadtest").join("work"))
        .expect("target dir");
    std::fs::create_dir_all(&root).expect("work dir");
    tempfile::Builder::new()
        .prefix(&format!("{name}-"))
        // LOAD_KEEP=1 keeps each run's database and bot.log for a look afterwards.
        .disable_cleanup(std::env::var_os("LOAD_KEEP").is_some())
        .tempdir_in(root)
        .expect("temp dir")
}

fn results_dir() -> PathBuf {
    Path::new(BOT)
        .parent()
        .and_then(Path::parent)
        .map(|t| t.join("loadtest"))
        .expect("target dir")
}

// ---- simulated people -----------------------------------------------------------------------------

fn user_json(id: i64) -> Value {
    json!({"id": id, "is_bot": false, "first_name": format!("P{id}"), "language_code": "en"})
}

fn private_chat(id: i64) -> Value {
    json!({"id": id, "type": "private", "first_name": format!("P{id}")})
}

fn text_update(fake: &FakeTelegram, user: i64, text: &str) -> Value {
    let mut msg = json!({
        "message_id": fake.new_incoming_message_id(),
        "date": unix_now(),
        "chat": private_chat(user),
        "from": user_json(user),
        "text": text,
    });
    if text.starts_with('/') {
        let command = text.split(char::is_whitespace).next().unwrap_or(text);
        msg["entities"] = json!([{
            "type": "bot_command", "offset": 0, "length": command.encode_utf16().count(),
        }]);
    }
    json!({"message": msg})
}

/// A press on an inline button under a message the bot sent into the person's chat.
fn press_update(fake: &FakeTelegram, user: i64, data: &str) -> (Value, String) {
    let id = fake.new_callback_query_id();
    let message = json!({
        "message_id": 1,
        "date": unix_now(),
        "chat": private_chat(user),
        "from": FakeTelegram::bot_user(),
        "text": "🆘 A request",
    });
    let update = json!({"callback_query": {
        "id": id,
        "from": user_json(user),
        "message": message,
        "chat_instance": format!("ci-{user}"),
        "data": data,
    }});
    (update, id)
}

/// One update as it was queued.
#[derive(Clone)]
struct Sent {
    id: i64,
    chat: i64,
    cbq: Option<String>,
    pushed: Instant,
}

fn push(fake: &FakeTelegram, chat: i64, update: Value, cbq: Option<String>) -> Sent {
    let pushed = Instant::now();
    let id = fake.push_update(update);
    Sent {
        id,
        chat,
        cbq,
        pushed,
    }
}

fn push_text(fake: &FakeTelegram, user: i64, text: &str) -> Sent {
    let u = text_update(fake, user, text);
    push(fake, user, u, None)
}

fn push_press(fake: &FakeTelegram, user: i64, data: &str) -> Sent {
    let (u, cbq) = press_update(fake, user, data);
    push(fake, user, u, Some(cbq))
}

// ---- what the bot did ----------------------------------------------------------------------------

/// Reads the fake's call log incrementally.
#[derive(Default)]
struct Tracker {
    cursor: usize,
    /// Update id → arrival of the first getUpdates call that returned it.
    served: HashMap<i64, Instant>,
    /// Chat → successful message calls (sends and edits) into it.
    answers: HashMap<i64, Vec<Instant>>,
    /// Chat → first message announcing a posted request ("Request #N").
    posted: HashMap<i64, Instant>,
    /// Callback query id → answered at, and the text shown.
    cbq: HashMap<String, (Instant, String)>,
    /// Arrivals of getUpdates calls.
    polls: Vec<Instant>,
    /// Successful calls Telegram's flood control counts.
    limited_ok: Vec<Instant>,
}

impl Tracker {
    fn ingest(&mut self, fake: &FakeTelegram) {
        self.cursor = fake.each_call_since(self.cursor, |c| self.add(c));
    }

    fn add(&mut self, c: &Call) {
        match c.method.as_str() {
            "getupdates" => {
                self.polls.push(c.at);
                if let Some(batch) = c.response.as_array().filter(|_| c.status == 200) {
                    for u in batch {
                        if let Some(id) = u.get("update_id").and_then(Value::as_i64) {
                            self.served.entry(id).or_insert(c.at);
                        }
                    }
                }
            }
            "answercallbackquery" => {
                let id = c
                    .params
                    .get("callback_query_id")
                    .map(fake_telegram::value_as_text)
                    .unwrap_or_default();
                let text = c.text().unwrap_or_default();
                self.cbq.entry(id).or_insert((c.at, text));
            }
            m if MESSAGE_METHODS.contains(&m) && c.ok() => {
                if let Some(chat) = c.chat_id() {
                    self.answers.entry(chat).or_default().push(c.at);
                    let shown = c.response.get("text").and_then(Value::as_str).unwrap_or("");
                    if shown.contains("Request #") {
                        self.posted.entry(chat).or_insert(c.at);
                    }
                }
            }
            _ => {}
        }
        if c.ok() && LIMITED_METHODS.contains(&c.method.as_str()) {
            self.limited_ok.push(c.at);
        }
    }

    fn served_at(&self, s: &Sent) -> Option<Instant> {
        self.served.get(&s.id).map(|at| (*at).max(s.pushed))
    }

    /// For each sent update (same order): when it was served and when it was answered.
    fn outcomes(&self, sent: &[Sent]) -> Vec<(Option<Instant>, Option<Instant>)> {
        let mut out = vec![(None, None); sent.len()];
        let mut by_chat: HashMap<i64, Vec<usize>> = HashMap::new();
        for (i, s) in sent.iter().enumerate() {
            let served = self.served_at(s);
            out[i].0 = served;
            match &s.cbq {
                Some(q) => out[i].1 = self.cbq.get(q).map(|(at, _)| *at),
                None => by_chat.entry(s.chat).or_default().push(i),
            }
        }
        for (chat, mut idx) in by_chat {
            idx.sort_by_key(|i| sent[*i].id);
            let mut answers = self.answers.get(&chat).cloned().unwrap_or_default();
            answers.sort();
            let mut j = 0;
            for i in idx {
                let Some(served) = out[i].0 else { continue };
                while j < answers.len() && answers[j] < served {
                    j += 1;
                }
                if j < answers.len() {
                    out[i].1 = Some(answers[j]);
                    j += 1;
                }
            }
        }
        out
    }

    /// Latencies (ms) of the answered updates, and how many were not answered.
    fn latencies(&self, sent: &[Sent]) -> (Vec<f64>, usize) {
        let mut lat = Vec::new();
        let mut missing = 0;
        for (served, answered) in self.outcomes(sent) {
            match (served, answered) {
                (Some(s), Some(a)) => lat.push(ms(a.saturating_duration_since(s))),
                _ => missing += 1,
            }
        }
        (lat, missing)
    }

    fn max_poll_gap(&self, from: Instant, to: Instant) -> Duration {
        let mut polls: Vec<Instant> = self
            .polls
            .iter()
            .copied()
            .filter(|t| *t >= from && *t <= to)
            .collect();
        polls.sort();
        polls
            .windows(2)
            .map(|w| w[1] - w[0])
            .max()
            .unwrap_or(Duration::ZERO)
    }
}

/// Waits until `done` holds (checked every `every`) or `timeout` passes. True if it held.
async fn wait_until(
    fake: &FakeTelegram,
    tracker: &mut Tracker,
    timeout: Duration,
    every: Duration,
    mut done: impl FnMut(&Tracker) -> bool,
) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        tracker.ingest(fake);
        if done(tracker) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(every).await;
    }
}

/// Waits for the answer to one update (the next message into its chat after `from`, or the
/// answer to its callback query).
async fn await_answer(fake: &FakeTelegram, from: usize, s: &Sent, timeout: Duration) -> bool {
    let chat = s.chat;
    let cbq = s.cbq.clone();
    fake.wait_for_after(from, timeout, move |c| match &cbq {
        Some(q) => {
            c.method == "answercallbackquery"
                && c.params.get("callback_query_id").and_then(Value::as_str) == Some(q.as_str())
        }
        None => c.is_message_to(chat),
    })
    .await
    .is_some()
}

// ---- seeding the database before the bot starts ---------------------------------------------------

async fn open_db(dir: &Path) -> SqlitePool {
    mutual_aid_bot::db::connect_and_migrate(&db_url(dir))
        .await
        .expect("database")
}

fn now_ms() -> i64 {
    mutual_aid_bot::db::now_ms()
}

/// `n` users with ids from `first`, named `prefix` and their id, reading English.
async fn seed_users(tx: &mut sqlx::SqliteConnection, first: i64, n: i64, prefix: &str) {
    sqlx::query(
        "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?2)
         INSERT INTO users (id, first_name, tg_language, created_at)
         SELECT ?1 + i, ?3 || (?1 + i), 'en', 0 FROM s",
    )
    .bind(first)
    .bind(n)
    .bind(prefix)
    .execute(tx)
    .await
    .unwrap();
}

/// `n` approved volunteers with ids from `first`, in `region`, doing `categories`.
async fn seed_volunteers(pool: &SqlitePool, first: i64, n: i64, region: i64, categories: &[&str]) {
    let mut tx = pool.begin().await.unwrap();
    seed_users(&mut tx, first, n, "V").await;
    sqlx::query(
        "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?2)
         INSERT INTO volunteers (user_id, display_name, status, created_at)
         SELECT ?1 + i, 'V' || (?1 + i), 'approved', 0 FROM s",
    )
    .bind(first)
    .bind(n)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?2)
         INSERT INTO volunteer_regions (user_id, region_id) SELECT ?1 + i, ?3 FROM s",
    )
    .bind(first)
    .bind(n)
    .bind(region)
    .execute(&mut *tx)
    .await
    .unwrap();
    for c in categories {
        sqlx::query(
            "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?2)
             INSERT INTO volunteer_categories (user_id, category) SELECT ?1 + i, ?3 FROM s",
        )
        .bind(first)
        .bind(n)
        .bind(*c)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

/// `n` club leads of `region`, appointed now (so no missed morning digest is due at start).
async fn seed_leads(pool: &SqlitePool, first: i64, n: i64, region: i64) {
    let mut tx = pool.begin().await.unwrap();
    seed_users(&mut tx, first, n, "L").await;
    sqlx::query(
        "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?2)
         INSERT INTO leads (user_id, region_id, appointed_at) SELECT ?1 + i, ?3, ?4 FROM s",
    )
    .bind(first)
    .bind(n)
    .bind(region)
    .bind(now_ms())
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// `n` open requests (one per requester, requesters' ids from `first_requester`), created now.
/// Returns their ids in order.
async fn seed_open_requests(
    pool: &SqlitePool,
    first_requester: i64,
    n: i64,
    region: i64,
    category: &str,
) -> Vec<i64> {
    let mut tx = pool.begin().await.unwrap();
    seed_users(&mut tx, first_requester, n, "R").await;
    let now = now_ms();
    sqlx::query(
        "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?2)
         INSERT INTO help_requests (requester_id, for_whom, beneficiary, region_id, category,
             settlement, details, address, urgency, needed_on, status, created_at, updated_at, opened_at)
         SELECT ?1 + i, 'self', 'elderly', ?3, ?4, 'Pskov', 'Bread and milk', 'Lenina 5', 'soon',
             date('now', '+2 days'), 'open', ?5, ?5, ?5 FROM s",
    )
    .bind(first_requester)
    .bind(n)
    .bind(region)
    .bind(category)
    .bind(now)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO request_events (request_id, region_id, actor_id, kind, at)
         SELECT id, region_id, requester_id, 'created', created_at FROM help_requests
         WHERE requester_id >= ?1 AND requester_id < ?1 + ?2",
    )
    .bind(first_requester)
    .bind(n)
    .execute(&mut *tx)
    .await
    .unwrap();
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM help_requests WHERE requester_id >= ?1 AND requester_id < ?1 + ?2 ORDER BY requester_id",
    )
    .bind(first_requester)
    .bind(n)
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    ids
}

/// People whose request dialogue stands at the summary: one tap on "✅ Send the request" posts it.
async fn seed_at_confirm(pool: &SqlitePool, first: i64, n: i64) {
    use mutual_aid_bot::bot::state::{ReqStep, RequestDraft, State};
    use mutual_aid_bot::domain::{Beneficiary, Category, ForWhom, Urgency};
    let mut tx = mutual_aid_bot::db::begin_write(pool).await.unwrap();
    for i in 0..n {
        let id = first + i;
        sqlx::query(
            "INSERT INTO users (id, first_name, tg_language, created_at) VALUES (?, ?, 'en', 0)",
        )
        .bind(id)
        .bind(format!("P{id}"))
        .execute(&mut *tx)
        .await
        .unwrap();
        let state = State::Request {
            step: ReqStep::Confirm,
            draft: RequestDraft {
                for_whom: Some(ForWhom::Myself),
                beneficiary: Some(Beneficiary::Elderly),
                region_id: Some(PSKOV),
                category: Some(Category::Groceries),
                details: Some("Bread and milk".into()),
                settlement: Some("Pskov".into()),
                address: Some("Lenina 5".into()),
                urgency: Some(Urgency::Today),
                needed_on: Some(chrono::Utc::now().date_naive()),
                phone: Some(String::new()),
                ..RequestDraft::default()
            },
        };
        mutual_aid_bot::db::dialogues::save(&mut tx, id, &state)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

/// Requests with more than one claim in their history, plus claims answered "it's yours" beyond
/// one per claimed request.
async fn double_claims(pool: &SqlitePool) -> (i64, i64) {
    let doubles: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT request_id FROM request_events WHERE kind = 'claimed'
         GROUP BY request_id HAVING COUNT(*) > 1)",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    let claimed: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM help_requests WHERE status = 'claimed'")
            .fetch_one(pool)
            .await
            .unwrap();
    (doubles, claimed)
}

// ---- the scenarios ---------------------------------------------------------------------------------

fn interleave(streams: Vec<Vec<(i64, Step)>>) -> Vec<(i64, Step)> {
    let mut out = Vec::new();
    let longest = streams.iter().map(Vec::len).max().unwrap_or(0);
    for k in 0..longest {
        for s in &streams {
            if let Some(x) = s.get(k) {
                out.push(x.clone());
            }
        }
    }
    out
}

#[derive(Clone)]
enum Step {
    Text(&'static str),
    Press(String),
}

/// Queues everything at once; returns the updates as sent.
fn push_all(fake: &FakeTelegram, plan: &[(i64, Step)]) -> Vec<Sent> {
    // Build first, then queue in one go.
    let built: Vec<(i64, Value, Option<String>)> = plan
        .iter()
        .map(|(user, step)| match step {
            Step::Text(t) => (*user, text_update(fake, *user, t), None),
            Step::Press(d) => {
                let (u, q) = press_update(fake, *user, d);
                (*user, u, Some(q))
            }
        })
        .collect();
    built
        .into_iter()
        .map(|(chat, u, q)| push(fake, chat, u, q))
        .collect()
}

/// `flood`: 20,000 mixed updates available at once; the echo bot does 20,000 texts.
async fn flood(run: usize) -> Figures {
    const PEOPLE: i64 = 1_200; // × 11 dialogue steps = 13,200
    const TAKE_VOLUNTEERS: i64 = 3_000;
    const REQUESTS: i64 = 2_000; // × 3 presses = 6,000
    const LEADS: i64 = 200; // × 4 /digest = 800
    let mut f = Figures::new();

    // The bot.
    let dir = work_dir(&format!("flood{run}"));
    let pool = open_db(dir.path()).await;
    seed_volunteers(&pool, 2_000_000, TAKE_VOLUNTEERS, PSKOV, &["medicine"]).await;
    seed_volunteers(&pool, 2_100_000, 10, PSKOV, &["groceries"]).await;
    seed_leads(&pool, 3_000_000, LEADS, PSKOV).await;
    let ids = seed_open_requests(&pool, 4_000_000, REQUESTS, PSKOV, "medicine").await;
    pool.close().await;

    let fake = FakeTelegram::start().await;
    let mut bot = spawn_bot(&fake, dir.path(), FAST_SENDING);
    wait_ready(&fake, &mut bot, "the bot").await;
    let mut streams: Vec<Vec<(i64, Step)>> = Vec::new();
    for p in 0..PEOPLE {
        let id = 1_000_000 + p;
        streams.push(DIALOGUE.iter().map(|t| (id, Step::Text(t))).collect());
    }
    let mut presses: HashMap<i64, Vec<(i64, Step)>> = HashMap::new();
    for (r, req) in ids.iter().enumerate() {
        for k in 0..3 {
            let v = 2_000_000 + ((r as i64) * 3 + k) % TAKE_VOLUNTEERS;
            presses
                .entry(v)
                .or_default()
                .push((v, Step::Press(format!("c:{req}"))));
        }
    }
    let mut presses: Vec<_> = presses.into_iter().collect();
    presses.sort_by_key(|(v, _)| *v);
    streams.extend(presses.into_iter().map(|(_, s)| s));
    for l in 0..LEADS {
        let id = 3_000_000 + l;
        streams.push((0..4).map(|_| (id, Step::Text("/digest"))).collect());
    }
    let plan = interleave(streams);
    let n = plan.len();
    let mut tracker = Tracker::default();
    tracker.ingest(&fake);
    let cpu0 = bot.cpu_us();
    let t0 = Instant::now();
    let sent = push_all(&fake, &plan);
    let people: Vec<i64> = (0..PEOPLE).map(|p| 1_000_000 + p).collect();
    let mut cpu1 = cpu0;
    // Bounded in time: a bot slower than the cap is measured by what it answered within it.
    let cap = Duration::from_secs(
        std::env::var("LOAD_FLOOD_CAP_SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(20),
    );
    let finished = wait_until(&fake, &mut tracker, cap, Duration::from_millis(50), |tr| {
        let done = fake.pending_updates() == 0
            && people.iter().all(|p| tr.posted.contains_key(p))
            && tr.latencies(&sent).1 == 0;
        if done {
            cpu1 = bot.cpu_us();
        }
        done
    })
    .await;
    let outcomes = tracker.outcomes(&sent);
    let answered = outcomes.iter().filter(|(_, a)| a.is_some()).count();
    let (end, done) = if finished {
        let last_answer = outcomes.iter().filter_map(|(_, a)| *a).max().unwrap_or(t0);
        let last_served = outcomes.iter().filter_map(|(s, _)| *s).max().unwrap_or(t0);
        (last_answer.max(last_served), n)
    } else {
        cpu1 = bot.cpu_us();
        println!(
            "    flood run {}: not finished within the {} s cap: {answered} of {n} updates answered, {} not yet confirmed; measured on what was answered",
            run + 1,
            cap.as_secs(),
            fake.pending_updates()
        );
        (Instant::now(), answered)
    };
    let secs = (end - t0).as_secs_f64();
    f.insert("updates_per_s".into(), done as f64 / secs);
    f.insert("seconds".into(), secs);
    f.insert("answered_pct".into(), 100.0 * answered as f64 / n as f64);
    f.insert(
        "bot_cpu_us_per_update".into(),
        (cpu1 - cpu0) / done.max(1) as f64,
    );
    f.insert("peak_rss_mb".into(), bot.peak_rss_mb());
    let (doubles, _) = {
        let pool = mutual_aid_bot::db::connect(&db_url(dir.path()))
            .await
            .unwrap();
        let d = double_claims(&pool).await;
        pool.close().await;
        d
    };
    f.insert("double_claims".into(), doubles as f64);
    bot.stop(Duration::from_secs(20)).await;
    drop(fake);

    // The echo bot, same number of text updates, as many chats as the bot had.
    let fake = FakeTelegram::start().await;
    let mut echo = spawn_echo(&fake);
    wait_ready(&fake, &mut echo, "the echo bot").await;
    let chats = 2_000i64;
    let streams: Vec<Vec<(i64, Step)>> = (0..chats)
        .map(|c| {
            (0..(n as i64 / chats))
                .map(|_| (8_000_000 + c, Step::Text("Bread and milk")))
                .collect()
        })
        .collect();
    let plan = interleave(streams);
    let mut tracker = Tracker::default();
    tracker.ingest(&fake);
    let cpu0 = echo.cpu_us();
    let t0 = Instant::now();
    let sent = push_all(&fake, &plan);
    let mut cpu1 = cpu0;
    let _ = wait_until(
        &fake,
        &mut tracker,
        Duration::from_secs(60),
        Duration::from_millis(20),
        |tr| {
            let done = fake.pending_updates() == 0 && tr.latencies(&sent).1 == 0;
            if done {
                cpu1 = echo.cpu_us();
            }
            done
        },
    )
    .await;
    let outcomes = tracker.outcomes(&sent);
    let end = outcomes
        .iter()
        .filter_map(|(s, a)| a.or(*s))
        .max()
        .unwrap_or(t0);
    let echo_rate = plan.len() as f64 / (end - t0).as_secs_f64();
    f.insert("echo_updates_per_s".into(), echo_rate);
    f.insert(
        "echo_cpu_us_per_update".into(),
        (cpu1 - cpu0) / plan.len() as f64,
    );
    f.insert("echo_peak_rss_mb".into(), echo.peak_rss_mb());
    f.insert("ratio_to_echo".into(), f["updates_per_s"] / echo_rate);
    echo.stop(Duration::from_secs(5)).await;
    f
}

/// `steady`: an open loop of updates at `rate`/s for `secs` seconds: people going through the
/// request dialogue, volunteers asking for /tasks, leads for /digest.
async fn steady(run: usize) -> Figures {
    let secs: f64 = std::env::var("LOAD_STEADY_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20.0);
    let rate = 1_000.0;
    const REQUESTERS: i64 = 3_400;
    const VOLUNTEERS: i64 = 400;
    const LEADS: i64 = 200;
    let users = REQUESTERS + VOLUNTEERS + LEADS; // each writes every users/rate seconds
    let dir = work_dir(&format!("steady{run}"));
    let pool = open_db(dir.path()).await;
    seed_volunteers(&pool, 2_000_000, VOLUNTEERS, PSKOV, &["groceries"]).await;
    seed_leads(&pool, 3_000_000, LEADS, PSKOV).await;
    seed_open_requests(&pool, 4_000_000, 300, PSKOV, "groceries").await;
    pool.close().await;
    let fake = FakeTelegram::start().await;
    let mut bot = spawn_bot(&fake, dir.path(), FAST_SENDING);
    wait_ready(&fake, &mut bot, "the bot").await;

    let total = (rate * secs) as usize;
    let script = |k: usize| -> (i64, &'static str) {
        let u = (k as i64) % users;
        let round = k / users as usize;
        if u < REQUESTERS {
            (1_000_000 + u, DIALOGUE[round % DIALOGUE.len()])
        } else if u < REQUESTERS + VOLUNTEERS {
            (2_000_000 + u - REQUESTERS, "/tasks")
        } else {
            (3_000_000 + u - REQUESTERS - VOLUNTEERS, "/digest")
        }
    };
    let mut sent = Vec::with_capacity(total);
    let cpu0 = bot.cpu_us();
    let t0 = Instant::now();
    let mut k = 0;
    while k < total {
        let due = ((t0.elapsed().as_secs_f64() * rate) as usize + 1).min(total);
        while k < due {
            let (user, text) = script(k);
            sent.push(push_text(&fake, user, text));
            k += 1;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let offered = total as f64 / t0.elapsed().as_secs_f64();
    let mut tracker = Tracker::default();
    wait_until(
        &fake,
        &mut tracker,
        Duration::from_secs(5),
        Duration::from_millis(200),
        |tr| tr.latencies(&sent).1 == 0,
    )
    .await;
    let cpu1 = bot.cpu_us();
    let (lat, missing) = tracker.latencies(&sent);
    let mut f = Figures::new();
    f.insert("p50_ms".into(), percentile(&lat, 0.50));
    f.insert("p99_ms".into(), percentile(&lat, 0.99));
    f.insert("max_ms".into(), percentile(&lat, 1.0));
    f.insert("offered_per_s".into(), offered);
    f.insert("unanswered".into(), missing as f64);
    f.insert("bot_cpu_us_per_update".into(), (cpu1 - cpu0) / total as f64);
    f.insert("peak_rss_mb".into(), bot.peak_rss_mb());
    bot.stop(Duration::from_secs(20)).await;
    f
}

/// `claim_storm`: 200 open requests, each pressed by 10 volunteers within 50 ms.
async fn claim_storm(run: usize) -> Figures {
    const REQUESTS: i64 = 200;
    const PER_REQUEST: i64 = 10;
    let dir = work_dir(&format!("claim{run}"));
    let pool = open_db(dir.path()).await;
    seed_volunteers(
        &pool,
        2_000_000,
        REQUESTS * PER_REQUEST,
        PSKOV,
        &["medicine"],
    )
    .await;
    let ids = seed_open_requests(&pool, 4_000_000, REQUESTS, PSKOV, "medicine").await;
    pool.close().await;
    let fake = FakeTelegram::start().await;
    let mut bot = spawn_bot(&fake, dir.path(), &[]);
    wait_ready(&fake, &mut bot, "the bot").await;

    // Request r's presses start at r × 25 ms, one every 5 ms (all ten within 45 ms).
    let mut schedule: Vec<(Duration, i64, i64)> = Vec::new();
    for (r, id) in ids.iter().enumerate() {
        for k in 0..PER_REQUEST {
            let at = Duration::from_millis(r as u64 * 25 + k as u64 * 5);
            let volunteer = 2_000_000 + r as i64 * PER_REQUEST + k;
            schedule.push((at, volunteer, *id));
        }
    }
    schedule.sort_by_key(|(at, _, _)| *at);
    let mut sent = Vec::new();
    let t0 = Instant::now();
    for (at, volunteer, id) in &schedule {
        let wait = at.saturating_sub(t0.elapsed());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        sent.push(push_press(&fake, *volunteer, &format!("c:{id}")));
    }
    let mut tracker = Tracker::default();
    wait_until(
        &fake,
        &mut tracker,
        Duration::from_secs(30),
        Duration::from_millis(50),
        |tr| {
            sent.iter()
                .all(|s| tr.cbq.contains_key(s.cbq.as_deref().unwrap_or("")))
        },
    )
    .await;
    let (lat, missing) = tracker.latencies(&sent);
    let pool = mutual_aid_bot::db::connect(&db_url(dir.path()))
        .await
        .unwrap();
    let (doubles, claimed) = double_claims(&pool).await;
    pool.close().await;
    let yours = tracker
        .cbq
        .values()
        .filter(|(_, text)| text.contains("It's yours"))
        .count() as i64;
    let mut f = Figures::new();
    f.insert("p50_ms".into(), percentile(&lat, 0.50));
    f.insert("p99_ms".into(), percentile(&lat, 0.99));
    f.insert(
        "double_claims".into(),
        (doubles + (yours - claimed).max(0)) as f64,
    );
    f.insert("claimed".into(), claimed as f64);
    f.insert("unanswered".into(), missing as f64);
    f.insert("peak_rss_mb".into(), bot.peak_rss_mb());
    bot.stop(Duration::from_secs(20)).await;
    f
}

/// One person going through the dialogue like a person: answer, wait for the bot, think, answer.
/// Returns the updates sent.
async fn converse(
    fake: FakeTelegram,
    user: i64,
    steps: usize,
    start_after: Duration,
    think: Duration,
    until: Instant,
) -> Vec<Sent> {
    tokio::time::sleep(start_after).await;
    let mut sent = Vec::new();
    for k in 0..steps {
        if Instant::now() >= until {
            break;
        }
        let from = fake.call_count();
        let s = push_text(&fake, user, DIALOGUE[k % DIALOGUE.len()]);
        sent.push(s.clone());
        let left = until.saturating_duration_since(Instant::now()) + Duration::from_secs(5);
        if !await_answer(&fake, from, &s, left).await {
            break;
        }
        tokio::time::sleep(think).await;
    }
    sent
}

/// `storm`: 50 requests posted at once in one region with 500 matching volunteers, while 20
/// other people are mid-dialogue, against the fake enforcing Telegram's limits; production settings.
async fn storm(run: usize) -> Figures {
    const VOLUNTEERS: i64 = 500;
    // LOAD_STORM_POSTERS=0 runs the talkers alone (their latency without the fan-out).
    let posters: i64 = std::env::var("LOAD_STORM_POSTERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    const TALKERS: i64 = 20;
    let window = Duration::from_secs(14);
    let dir = work_dir(&format!("storm{run}"));
    let pool = open_db(dir.path()).await;
    seed_volunteers(&pool, 2_000_000, VOLUNTEERS, PSKOV, &["groceries"]).await;
    seed_at_confirm(&pool, 5_000_000, posters).await;
    pool.close().await;
    let fake = FakeTelegram::start().await;
    fake.enforce_limits(Limits::telegram());
    let mut bot = spawn_bot(&fake, dir.path(), &[]);
    wait_ready(&fake, &mut bot, "the bot").await;

    let t0 = Instant::now();
    let until = t0 + window;
    let mut posts = Vec::new();
    for p in 0..posters {
        posts.push(push_text(&fake, 5_000_000 + p, "✅ Send the request"));
    }
    let talkers: Vec<_> = (0..TALKERS)
        .map(|p| {
            tokio::spawn(converse(
                fake.clone(),
                6_000_000 + p,
                DIALOGUE.len(),
                Duration::from_millis(p as u64 * 50),
                Duration::from_millis(1_200),
                until,
            ))
        })
        .collect();
    let mut talk = Vec::new();
    for t in talkers {
        talk.extend(t.await.unwrap_or_default());
    }
    let left = until.saturating_duration_since(Instant::now());
    tokio::time::sleep(left).await;
    let end = Instant::now();
    let mut tracker = Tracker::default();
    tracker.ingest(&fake);
    let (lat, missing) = tracker.latencies(&talk);
    if std::env::var_os("LOAD_DEBUG").is_some() {
        // The slowest answers to the people mid-dialogue, with when (since the storm began).
        let mut slow: Vec<(f64, i64, f64)> = talk
            .iter()
            .zip(tracker.outcomes(&talk))
            .filter_map(|(s, o)| match o {
                (Some(served), Some(a)) => Some((
                    ms(a.saturating_duration_since(served)),
                    s.chat,
                    ms(served.saturating_duration_since(t0)),
                )),
                _ => None,
            })
            .collect();
        slow.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (l, chat, at) in slow.iter().take(8) {
            eprintln!("    slow answer: {l:.0} ms to chat {chat}, served at +{at:.0} ms");
        }
    }
    let sends: Vec<Instant> = tracker
        .limited_ok
        .iter()
        .copied()
        .filter(|t| *t >= t0 && *t <= end)
        .collect();
    let first = sends.iter().min().copied().unwrap_or(t0);
    let mut f = Figures::new();
    f.insert(
        "sends_per_s".into(),
        sends.len() as f64 / (end - first).as_secs_f64(),
    );
    f.insert("limits_429".into(), fake.limits_429() as f64);
    f.insert("interactive_p50_ms".into(), percentile(&lat, 0.50));
    f.insert("interactive_p99_ms".into(), percentile(&lat, 0.99));
    f.insert("interactive_unanswered".into(), missing as f64);
    f.insert(
        "posted_requests".into(),
        (0..posters)
            .filter(|p| tracker.posted.contains_key(&(5_000_000 + p)))
            .count() as f64,
    );
    f.insert("peak_rss_mb".into(), bot.peak_rss_mb());
    bot.stop(Duration::from_secs(20)).await;
    f
}

/// `hot_chat`: one person sends 300 messages in 2 s while 100 others use the bot normally.
async fn hot_chat(run: usize) -> Figures {
    const OTHERS: i64 = 100;
    const HOT: i64 = 7_500_000;
    let window = Duration::from_secs(10);
    let dir = work_dir(&format!("hot{run}"));
    let pool = open_db(dir.path()).await;
    pool.close().await;
    let fake = FakeTelegram::start().await;
    let mut bot = spawn_bot(&fake, dir.path(), &[]);
    wait_ready(&fake, &mut bot, "the bot").await;

    let t0 = Instant::now();
    let until = t0 + window;
    let others: Vec<_> = (0..OTHERS)
        .map(|p| {
            tokio::spawn(converse(
                fake.clone(),
                7_000_000 + p,
                DIALOGUE.len(),
                Duration::from_millis(p as u64 * 30),
                Duration::from_millis(4_000 + (p as u64 % 10) * 40),
                until,
            ))
        })
        .collect();
    let hot = {
        let fake = fake.clone();
        tokio::spawn(async move {
            let start = Instant::now();
            for k in 0..300u32 {
                let at = Duration::from_micros(k as u64 * 6_667);
                let wait = at.saturating_sub(start.elapsed());
                if !wait.is_zero() {
                    tokio::time::sleep(wait).await;
                }
                push_text(&fake, HOT, "hello? is anyone there?");
            }
        })
    };
    let mut sent = Vec::new();
    for o in others {
        sent.extend(o.await.unwrap_or_default());
    }
    let _ = hot.await;
    tokio::time::sleep(until.saturating_duration_since(Instant::now())).await;
    let mut tracker = Tracker::default();
    tracker.ingest(&fake);
    let (lat, missing) = tracker.latencies(&sent);
    let mut f = Figures::new();
    f.insert("others_p50_ms".into(), percentile(&lat, 0.50));
    f.insert("others_p99_ms".into(), percentile(&lat, 0.99));
    f.insert("others_unanswered".into(), missing as f64);
    f.insert("others_updates".into(), sent.len() as f64);
    f.insert(
        "max_poll_gap_ms".into(),
        ms(tracker.max_poll_gap(t0, Instant::now())),
    );
    f.insert(
        "hot_replies".into(),
        tracker.answers.get(&HOT).map_or(0, Vec::len) as f64,
    );
    f.insert("peak_rss_mb".into(), bot.peak_rss_mb());
    bot.stop(Duration::from_secs(20)).await;
    f
}

// ---- scale_1m ---------------------------------------------------------------------------------

const SCALE_REQUESTERS: i64 = 200_000;
const SCALE_VOLUNTEERS: i64 = 100_000;
const SCALE_REQUESTS: i64 = 1_000_000;
const SCALE_REQUESTER_BASE: i64 = 10_000_000;
const SCALE_VOLUNTEER_BASE: i64 = 20_000_000;
const SCALE_LEAD_BASE: i64 = 30_000_000;

/// 1,000,000 requests over all regions (10% open, 10% claimed, 5% done, 5% cancelled, 70%
/// closed, over a year; what is open, claimed or done is recent, so no background job wakes up on
/// the seed), their events, 100,000 volunteers, one lead per region. One transaction of
/// INSERT … SELECT statements over a generated series.
async fn seed_scale(dir: &Path) -> Duration {
    let t = Instant::now();
    let pool = open_db(dir).await;
    let mut tx = pool.begin().await.unwrap();
    let now = now_ms();
    let steps: [&'static str; 9] = [
        "CREATE TEMP TABLE rk (k INTEGER PRIMARY KEY, id INTEGER NOT NULL)",
        "CREATE TEMP TABLE cats (k INTEGER PRIMARY KEY, code TEXT)",
        "INSERT INTO cats VALUES (0,'groceries'),(1,'medicine'),(2,'transport'),(3,'household'),(4,'paperwork'),(5,'talk'),(6,'other')",
        // Requesters, volunteers, leads.
        "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?2)
         INSERT INTO users (id, first_name, tg_language, created_at) SELECT ?1 + i, 'R' || i, 'ru', 0 FROM s",
        "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?2)
         INSERT INTO users (id, first_name, tg_language, created_at) SELECT ?1 + i, 'V' || i, 'en', 0 FROM s",
        "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?2)
         INSERT INTO volunteers (user_id, display_name, status, created_at) SELECT ?1 + i, 'V' || i, 'approved', 0 FROM s",
        "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?2)
         INSERT INTO volunteer_regions (user_id, region_id)
         SELECT ?1 + i, (SELECT id FROM rk WHERE k = i % (SELECT COUNT(*) FROM rk)) FROM s",
        "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?2)
         INSERT INTO volunteer_categories (user_id, category)
         SELECT ?1 + i, code FROM s JOIN cats ON cats.k = i % 7
         UNION ALL
         SELECT ?1 + i, code FROM s JOIN cats ON cats.k = (i + 3) % 7",
        "INSERT INTO users (id, first_name, tg_language, created_at) SELECT ?1 + k, 'L' || k, 'en', 0 FROM rk",
    ];
    sqlx::query(steps[0]).execute(&mut *tx).await.unwrap();
    sqlx::query("INSERT INTO rk SELECT ROW_NUMBER() OVER (ORDER BY id) - 1, id FROM regions")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(steps[1]).execute(&mut *tx).await.unwrap();
    sqlx::query(steps[2]).execute(&mut *tx).await.unwrap();
    sqlx::query(steps[3])
        .bind(SCALE_REQUESTER_BASE)
        .bind(SCALE_REQUESTERS)
        .execute(&mut *tx)
        .await
        .unwrap();
    for q in &steps[4..8] {
        sqlx::query(*q)
            .bind(SCALE_VOLUNTEER_BASE)
            .bind(SCALE_VOLUNTEERS)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    sqlx::query(steps[8])
        .bind(SCALE_LEAD_BASE)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO leads (user_id, region_id, appointed_at) SELECT ?1 + k, id, ?2 FROM rk",
    )
    .bind(SCALE_LEAD_BASE)
    .bind(now)
    .execute(&mut *tx)
    .await
    .unwrap();
    // The requests and their events go in with the tables' indexes and triggers dropped, which are
    // then made again from their own definitions (several times faster than updating the indexes
    // row by row); what the events' trigger derives is set below in one statement each, and the
    // digest's tallies are counted once at the end.
    let indexes: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')
         AND sql IS NOT NULL AND tbl_name IN ('help_requests', 'request_events')",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    for (kind, name, _) in &indexes {
        let drop = format!("DROP {kind} \"{name}\"");
        sqlx::query(sqlx::AssertSqlSafe(drop))
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    let t_rows = Instant::now();
    // The requests. i % 20: 0-1 open, 2-3 claimed, 4 done, 5 cancelled, else closed.
    sqlx::query(
        "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?1),
         g AS (
           SELECT i,
             CASE WHEN i % 20 < 2 THEN 'open' WHEN i % 20 < 4 THEN 'claimed' WHEN i % 20 = 4 THEN 'done'
                  WHEN i % 20 = 5 THEN 'cancelled' ELSE 'closed' END AS status,
             CASE WHEN i % 20 < 2 THEN ?2 - (i % 3600) * 1000
                  WHEN i % 20 < 5 THEN ?2 - 3600000 - (i % 36000) * 1000
                  ELSE ?2 - 86400000 - ((i * 7919) % (365 * 86400)) * 1000 END AS created
           FROM s)
         INSERT INTO help_requests (requester_id, for_whom, beneficiary, region_id, category, settlement,
             details, address, phone, urgency, needed_on, status, claimed_by, created_at, updated_at,
             done_at, opened_at, claimed_at, purged_at)
         SELECT ?3 + i % ?4, 'self', 'elderly', (SELECT id FROM rk WHERE k = i % (SELECT COUNT(*) FROM rk)),
             (SELECT code FROM cats WHERE k = (i / 89) % 7), 'Town', 'Bread and milk',
             CASE WHEN status IN ('closed', 'cancelled') AND created < ?2 - 31 * 86400000 THEN NULL ELSE 'Lenina 5' END,
             NULL, 'soon',
             CASE WHEN status IN ('open', 'claimed') THEN date('now', '+2 days') ELSE date(created / 1000, 'unixepoch') END,
             status,
             CASE WHEN status = 'open' OR status = 'cancelled' THEN NULL ELSE ?5 + i % ?6 END,
             created,
             CASE WHEN status IN ('closed', 'cancelled') THEN created + 86400000 ELSE created END,
             CASE WHEN status IN ('done', 'closed') THEN created + 1800000 END,
             created,
             CASE WHEN status IN ('claimed', 'done', 'closed') THEN created + 600000 END,
             CASE WHEN status IN ('closed', 'cancelled') AND created < ?2 - 31 * 86400000 THEN created + 86400000 END
         FROM g",
    )
    .bind(SCALE_REQUESTS)
    .bind(now)
    .bind(SCALE_REQUESTER_BASE)
    .bind(SCALE_REQUESTERS)
    .bind(SCALE_VOLUNTEER_BASE)
    .bind(SCALE_VOLUNTEERS)
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO request_events (request_id, region_id, actor_id, kind, at)
         SELECT id, region_id, requester_id, 'created', created_at FROM help_requests",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO request_events (request_id, region_id, actor_id, kind, at)
         SELECT id, region_id, claimed_by, 'claimed', claimed_at FROM help_requests WHERE claimed_at IS NOT NULL",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO request_events (request_id, region_id, actor_id, kind, at)
         SELECT id, region_id, claimed_by, 'done', done_at FROM help_requests WHERE done_at IS NOT NULL",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    // Each request has one event of each kind, so none has a previous one of its kind; every
    // claim and finish is a volunteer's, and their previous one in the region is the one before.
    sqlx::query(
        "UPDATE request_events SET by_volunteer = 1, prev_actor_at = p.prev
         FROM (SELECT id, LAG(at) OVER (PARTITION BY actor_id, region_id ORDER BY at, id) AS prev
               FROM request_events WHERE kind IN ('claimed', 'done')) p
         WHERE request_events.id = p.id",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    let t_indexes = Instant::now();
    for (_, _, sql) in &indexes {
        sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    // The digest's tallies, which the dropped triggers would have kept.
    for sql in mutual_aid_bot::db::digests::RETALLY {
        sqlx::query(sql).execute(&mut *tx).await.unwrap();
    }
    println!(
        "  scale_1m: users and volunteers {:.1} s, requests and events {:.1} s, indexes {:.1} s",
        (t_rows - t).as_secs_f64(),
        (t_indexes - t_rows).as_secs_f64(),
        t_indexes.elapsed().as_secs_f64()
    );
    tx.commit().await.unwrap();
    pool.close().await;
    t.elapsed()
}

/// `scale_1m`: /digest, /tasks and claims on a database of 1,000,000 requests (seeded once,
/// shared by the runs; each run claims other requests).
async fn scale_1m(run: usize, shared: &mut Option<(tempfile::TempDir, Duration)>) -> Figures {
    if shared.is_none() {
        let dir = work_dir("scale");
        let took = seed_scale(dir.path()).await;
        println!(
            "  scale_1m: seeded 1,000,000 requests in {:.1} s",
            took.as_secs_f64()
        );
        *shared = Some((dir, took));
    }
    let (dir, seed_time) = shared.as_ref().expect("seeded");
    let dir = dir.path();
    const SAMPLES: usize = 20;
    // Enough for a p99 that is not just the slowest one (with 50 it would be).
    const CLAIMS: usize = 200;
    // Who asks what: leads of the first regions, volunteers, and open requests of their regions.
    let pool = mutual_aid_bot::db::connect(&db_url(dir)).await.unwrap();
    let leads: Vec<i64> =
        sqlx::query_scalar("SELECT user_id FROM leads ORDER BY user_id LIMIT ?1 OFFSET ?2")
            .bind(SAMPLES as i64)
            .bind((run * SAMPLES) as i64)
            .fetch_all(&pool)
            .await
            .unwrap();
    let volunteers: Vec<i64> = (0..SAMPLES as i64)
        .map(|k| SCALE_VOLUNTEER_BASE + 50_000 + run as i64 * 1_000 + k)
        .collect();
    let claims: Vec<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT h.id, (SELECT vr.user_id FROM volunteer_regions vr WHERE vr.region_id = h.region_id
                       AND vr.user_id >= ?3 + (h.id % 40000) LIMIT 1)
         FROM help_requests h WHERE h.status = 'open' ORDER BY h.id LIMIT ?1 OFFSET ?2",
    )
    .bind(CLAIMS as i64)
    .bind((run * CLAIMS * 7) as i64)
    .bind(SCALE_VOLUNTEER_BASE)
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;

    let fake = FakeTelegram::start().await;
    let mut bot = spawn_bot(&fake, dir, &[]);
    wait_ready(&fake, &mut bot, "the bot").await;
    // One at a time: the latency of each, not of a queue.
    // The runs share the database, and the bot skips an update id it has handled before (it
    // takes it for a redelivery): each run numbers its updates from its own range.
    let mut first_id = Some((run as i64 + 1) * 10_000_000);
    let mut measure = async |items: Vec<(i64, Step)>| -> Vec<Sent> {
        let mut sent = Vec::new();
        for (user, step) in items {
            let from = fake.call_count();
            let (mut update, cbq) = match step {
                Step::Text(t) => (text_update(&fake, user, t), None),
                Step::Press(d) => {
                    let (u, q) = press_update(&fake, user, &d);
                    (u, Some(q))
                }
            };
            if let Some(id) = first_id.take() {
                update["update_id"] = json!(id);
            }
            let s = push(&fake, user, update, cbq);
            await_answer(&fake, from, &s, Duration::from_secs(10)).await;
            sent.push(s);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        sent
    };
    let digests = measure(leads.iter().map(|l| (*l, Step::Text("/digest"))).collect()).await;
    let tasks = measure(
        volunteers
            .iter()
            .map(|v| (*v, Step::Text("/tasks")))
            .collect(),
    )
    .await;
    let presses = measure(
        claims
            .iter()
            .filter_map(|(id, v)| v.map(|v| (v, Step::Press(format!("c:{id}")))))
            .collect(),
    )
    .await;
    let mut tracker = Tracker::default();
    tracker.ingest(&fake);
    let (d, dm) = tracker.latencies(&digests);
    let (t, tm) = tracker.latencies(&tasks);
    let (c, cm) = tracker.latencies(&presses);
    let mut f = Figures::new();
    f.insert("digest_ms".into(), median(&d));
    f.insert("tasks_page_ms".into(), median(&t));
    f.insert("claim_p99_ms".into(), percentile(&c, 0.99));
    f.insert("claim_p50_ms".into(), percentile(&c, 0.50));
    f.insert("unanswered".into(), (dm + tm + cm) as f64);
    f.insert("peak_rss_mb".into(), bot.peak_rss_mb());
    f.insert("seed_s".into(), seed_time.as_secs_f64());
    bot.stop(Duration::from_secs(20)).await;
    f
}

// ---- the run --------------------------------------------------------------------------------------

const SCENARIOS: [&str; 6] = [
    "flood",
    "steady",
    "claim_storm",
    "hot_chat",
    "storm",
    "scale_1m",
];

async fn run_all() -> i32 {
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let runs: usize = std::env::var("LOAD_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(3);
    let order: Vec<&str> = SCENARIOS
        .iter()
        .copied()
        .filter(|s| wanted.is_empty() || wanted.iter().any(|w| w == s))
        .collect();
    let (_, echo_from) = echo_command();
    println!(
        "load benchmark: {} run(s) of {:?}; bot {}; echo bot: {echo_from}; {} cores",
        runs,
        order,
        bot_binary().display(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let started = Instant::now();
    let mut rows = Vec::new();
    let mut results = serde_json::Map::new();
    let mut scale_db = None;
    for scenario in &order {
        let mut all = Vec::new();
        for run in 0..runs {
            let t = Instant::now();
            let figures = match *scenario {
                "flood" => flood(run).await,
                "steady" => steady(run).await,
                "claim_storm" => claim_storm(run).await,
                "hot_chat" => hot_chat(run).await,
                "storm" => storm(run).await,
                "scale_1m" => scale_1m(run, &mut scale_db).await,
                _ => unreachable!(),
            };
            println!(
                "  {scenario} run {}: {} ({:.1} s)",
                run + 1,
                figures
                    .iter()
                    .map(|(k, v)| format!("{k}={}", fmt_num(*v)))
                    .collect::<Vec<_>>()
                    .join(" "),
                t.elapsed().as_secs_f64()
            );
            all.push(figures);
        }
        let (r, json) = summarize(scenario, &all);
        rows.extend(r);
        results.insert((*scenario).into(), json);
    }
    drop(scale_db);
    print_table(&rows);
    println!("\n(whole run: {:.0} s)", started.elapsed().as_secs_f64());
    let dir = results_dir();
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("results.json");
    let mut doc = Value::Object(results);
    doc["_meta"] = json!({
        "runs": runs,
        "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
        "unix_time": unix_now(),
        "echo_bot": echo_from,
    });
    match std::fs::write(
        &path,
        serde_json::to_string_pretty(&doc).unwrap_or_default(),
    ) {
        Ok(()) => println!("results: {}", path.display()),
        Err(e) => eprintln!("cannot write {}: {e}", path.display()),
    }
    let hard_failure = rows
        .iter()
        .any(|r| matches!(r.target, Target::HardZero) && r.max != 0.0 && !r.max.is_nan());
    if hard_failure {
        eprintln!("a hard invariant failed (see the table)");
        1
    } else {
        0
    }
}
