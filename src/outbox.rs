//! Every outbound message goes through the outbox: written in the transaction that caused it,
//! delivered by one sender that keeps within Telegram's limits, replies to the person who is
//! acting first. A crash between commit and send loses nothing; a long fan-out never delays a reply.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use futures_util::FutureExt;
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;
use teloxide::prelude::*;
use teloxide::types::{
    FileId, InlineKeyboardMarkup, InputFile, LinkPreviewOptions, MessageId, ParseMode, ReplyMarkup,
};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::config::SendLimits;
use crate::db::{self, Tx, outbox::OutboxRow};
use crate::error::{Redactor, SendFailure, classify};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// An answer to the person who is acting right now.
    Reply = 0,
    /// Updating a message already sent (a push that was taken).
    Edit = 1,
    /// Announcing a request to volunteers.
    Push = 2,
    /// Periodic summaries.
    Digest = 3,
    /// The last word of a conversation that is over (a request posted): it goes after the
    /// answers to people still in the middle of one, before everything else, and evenly spaced
    /// like announcements, so fifty requests posted at once leave room for people mid-dialogue.
    Closing = 4,
}

impl Priority {
    /// The order of sending (the stored numbers stay as they were before `Closing` came):
    /// replies, closing words, edits, announcements, digests.
    fn rank(stored: i64) -> i64 {
        const REPLY: i64 = Priority::Reply as i64;
        const CLOSING: i64 = Priority::Closing as i64;
        match stored {
            REPLY => 0,
            CLOSING => 1,
            other => other + 1,
        }
    }

    /// Sent evenly spaced (see `Pacer::bulk_started`).
    fn is_paced(stored: i64) -> bool {
        stored != Priority::Reply as i64 && stored != Priority::Edit as i64
    }
}

/// What to send. Texts are rendered (HTML, user text escaped) before they are queued.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Payload {
    Text {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        markup: Option<ReplyMarkup>,
    },
    Voice {
        file_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
    },
    /// Replaces a sent message's text; without markup its inline buttons go away.
    Edit {
        message_id: i32,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        markup: Option<InlineKeyboardMarkup>,
    },
    /// A picture (the weekly chart), kept base64-encoded in the queue.
    Photo {
        png_base64: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
    },
    /// A photo Telegram already has (a receipt), sent again by its file id.
    PhotoFile {
        file_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        markup: Option<InlineKeyboardMarkup>,
    },
    /// A file (an export), kept base64-encoded in the queue.
    Document {
        file_name: String,
        data_base64: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
    },
    /// The full details for the volunteer who holds a request; the sent message is recorded so the
    /// address and phone can be edited away when the request ends.
    Details {
        request_id: i64,
        text: String,
        markup: InlineKeyboardMarkup,
    },
    /// Removes the inline buttons of a sent message (an action on it is no longer possible).
    ClearButtons { message_id: i32 },
    /// Announces an open request; the sent message is recorded so it can be edited when taken.
    Push {
        request_id: i64,
        text: String,
        markup: InlineKeyboardMarkup,
        /// Shown instead if the request stopped being open while this push was on its way:
        /// taken by this reader, taken by someone else, or withdrawn.
        yours_text: String,
        taken_text: String,
        gone_text: String,
    },
}

impl Payload {
    fn kind(&self) -> &'static str {
        match self {
            Payload::Text { .. } => "text",
            Payload::Voice { .. } => "voice",
            Payload::Edit { .. } => "edit",
            Payload::Push { .. } => "push",
            Payload::ClearButtons { .. } => "clear_buttons",
            Payload::Photo { .. } => "photo",
            Payload::Details { .. } => "details",
            Payload::Document { .. } => "document",
            Payload::PhotoFile { .. } => "photo_file",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Outgoing {
    pub chat_id: i64,
    pub priority: Priority,
    pub payload: Payload,
}

impl Outgoing {
    pub fn text(
        chat_id: i64,
        priority: Priority,
        text: String,
        markup: Option<ReplyMarkup>,
    ) -> Self {
        Self {
            chat_id,
            priority,
            payload: Payload::Text { text, markup },
        }
    }

    pub fn edit(
        chat_id: i64,
        priority: Priority,
        message_id: i32,
        text: String,
        markup: Option<InlineKeyboardMarkup>,
    ) -> Self {
        Self {
            chat_id,
            priority,
            payload: Payload::Edit {
                message_id,
                text,
                markup,
            },
        }
    }
}

/// Queues messages inside the caller's transaction.
pub async fn enqueue(tx: &mut Tx, out: &Outgoing) -> Result<(), sqlx::Error> {
    tx.queue([new_row(out)?]);
    Ok(())
}

/// Queues many messages, in order.
pub async fn enqueue_all(tx: &mut Tx, outs: &[Outgoing]) -> Result<(), sqlx::Error> {
    let rows = outs.iter().map(new_row).collect::<Result<Vec<_>, _>>()?;
    tx.queue(rows);
    Ok(())
}

pub fn new_row(out: &Outgoing) -> Result<db::outbox::NewRow, sqlx::Error> {
    Ok(db::outbox::NewRow {
        priority: out.priority as i64,
        chat_id: out.chat_id,
        kind: out.payload.kind(),
        payload_json: db::to_json(&out.payload)?,
        request_id: request_of(&out.payload),
    })
}

fn request_of(payload: &Payload) -> Option<i64> {
    match payload {
        Payload::Push { request_id, .. } => Some(*request_id),
        _ => None,
    }
}

/// Wakes the sender after a commit that queued messages.
#[derive(Clone, Default, Debug)]
pub struct Doorbell(Arc<Notify>);

impl Doorbell {
    pub fn ring(&self) {
        self.0.notify_one();
    }

    /// Commits the transaction, then wakes the sender.
    pub async fn commit(&self, tx: Tx) -> Result<(), sqlx::Error> {
        tx.commit().await?;
        self.ring();
        Ok(())
    }

    pub async fn wait(&self) {
        self.0.notified().await
    }
}

/// What one send came back with.
struct Attempt {
    row: OutboxRow,
    result: Result<Option<i32>, teloxide::RequestError>,
}

/// The one-second window of Telegram's overall limit, with a margin: Telegram counts arrivals,
/// and two sends can arrive closer together than they left (by up to 30 ms here; a 429 past it
/// still only pauses the sender, nothing is lost).
const WINDOW: Duration = Duration::from_millis(1030);

/// How long sent (or given-up) messages are kept, for looking into what happened. Short: their
/// texts can carry an address or phone.
const KEEP_SENT: Duration = Duration::from_secs(24 * 3600);

/// Pacing: at most `per_second` sends in any one-second window, one send in flight per chat, and a
/// gap between two sends to the same chat (longer for groups).
struct Pacer {
    limits: SendLimits,
    /// When the next announcement or digest may start: they go evenly spaced, never in a burst
    /// that fills the window at once (a reply arriving after such a burst would wait a whole
    /// window for the burst to expire).
    next_bulk: Instant,
    /// When the sends of the last window that were not announcements started: announcements
    /// leave that much of the window to them.
    replies: VecDeque<Instant>,
    window: VecDeque<Instant>,
    next_for_chat: HashMap<i64, Instant>,
    busy_chats: HashSet<i64>,
    paused_until: Option<Instant>,
}

impl Pacer {
    fn new(limits: SendLimits) -> Self {
        Self {
            limits,
            next_bulk: Instant::now(),
            replies: VecDeque::new(),
            window: VecDeque::new(),
            next_for_chat: HashMap::new(),
            busy_chats: HashSet::new(),
            paused_until: None,
        }
    }

    fn gap(&self, chat_id: i64) -> Duration {
        if chat_id < 0 {
            Duration::from_secs(60) / self.limits.group_per_minute.max(1)
        } else {
            self.limits.per_chat_gap
        }
    }

    /// When a send to `chat_id` may start, or `None` if it may start now.
    fn wait_for(&mut self, chat_id: i64, now: Instant) -> Option<Instant> {
        if self.room(now) == 0 {
            return self.window_frees_at(now);
        }
        match self.next_for_chat.get(&chat_id) {
            Some(t) if *t > now => Some(*t),
            _ => None,
        }
    }

    /// An announcement started: the next one waits its turn. Announcements go evenly spaced over
    /// the window and leave room for half as many replies as came in the last one: evenly spaced
    /// sends leave the window one by one, so a reply never waits long for a free place, and the
    /// window stays nearly full (a whole share kept for replies left a tenth of it unused).
    fn bulk_started(&mut self, now: Instant) {
        forget_before_window(&mut self.replies, now);
        let kept = (self.replies.len() / 2) as u32;
        let interval = WINDOW / self.limits.per_second.saturating_sub(kept).max(1);
        let earliest = now.checked_sub(interval).unwrap_or(now);
        self.next_bulk = self.next_bulk.max(earliest) + interval;
    }

    fn reply_started(&mut self, now: Instant) {
        self.replies.push_back(now);
        if self.replies.len() > self.limits.per_second as usize {
            self.replies.pop_front();
        }
    }

    /// How many sends the one-second window still allows now (none while paused by a 429).
    fn room(&mut self, now: Instant) -> usize {
        if self.paused_until.is_some_and(|p| p > now) {
            return 0;
        }
        forget_before_window(&mut self.window, now);
        (self.limits.per_second as usize).saturating_sub(self.window.len())
    }

    /// When sending may resume: the end of a 429 pause, or the oldest send leaving the window.
    fn window_frees_at(&self, now: Instant) -> Option<Instant> {
        match self.paused_until {
            Some(p) if p > now => Some(p),
            _ => self.window.front().map(|t| *t + WINDOW),
        }
    }

    fn start(&mut self, chat_id: i64, now: Instant) {
        self.window.push_back(now);
        self.busy_chats.insert(chat_id);
        self.next_for_chat.insert(chat_id, now + self.gap(chat_id));
    }

    fn finish(&mut self, chat_id: i64) {
        self.busy_chats.remove(&chat_id);
        // Telegram counts arrivals: the gap runs from when the last send was answered (it had
        // arrived by then), not from when it left, so a slow send cannot bunch two together.
        let now = Instant::now();
        let gap = self.gap(chat_id);
        self.next_for_chat.insert(chat_id, now + gap);
        // Forget chats whose gap has passed, so the map stays small.
        if self.next_for_chat.len() > 10_000 {
            self.next_for_chat.retain(|_, t| *t > now);
        }
    }
}

/// Drops the starts that have left the window that ends `now`.
fn forget_before_window(starts: &mut VecDeque<Instant>, now: Instant) {
    while starts
        .front()
        .is_some_and(|t| now.duration_since(*t) >= WINDOW)
    {
        starts.pop_front();
    }
}

pub struct Sender {
    pub bot: Bot,
    pub pool: SqlitePool,
    pub doorbell: Doorbell,
    pub limits: SendLimits,
    pub redactor: Redactor,
    /// Rung when someone became unreachable (what they hold must go back to open).
    pub unreachable_bell: Doorbell,
}

/// The sender's in-memory view of the queue: every undelivered message, in sending order, with
/// its payload. A message withdrawn after it was read (a taken request's announcements, a
/// person's messages after /delete_me) is learnt of from the cache's drops (`Cache::take_drops`):
/// a request's announcements leave at once; any other withdrawal has the rows read before it
/// checked against the table just before they are sent.
#[derive(Default)]
struct Queue {
    order: BTreeSet<(i64, i64)>,
    by_id: HashMap<i64, db::outbox::Pending>,
    rows: HashMap<i64, OutboxRow>,
    /// The announcements among `rows`, by request: (request, id).
    pushes: BTreeSet<(i64, i64)>,
    /// The newest row read; rows are read again only beyond it.
    last_id: i64,
    /// Rows up to this id may have been withdrawn since they were read: checked before sending.
    recheck_upto: i64,
}

impl Queue {
    fn add(&mut self, p: db::outbox::Pending) {
        self.last_id = self.last_id.max(p.id);
        self.order.insert((Priority::rank(p.priority), p.id));
        self.by_id.insert(p.id, p);
    }

    fn add_row(&mut self, p: db::outbox::Pending, row: OutboxRow) {
        self.add(p);
        if let Some(request) = row.request_id.filter(|_| row.kind == "push") {
            self.pushes.insert((request, p.id));
        }
        self.rows.insert(p.id, row);
    }

    fn remove(&mut self, id: i64) {
        if let Some(p) = self.by_id.remove(&id) {
            self.order.remove(&(Priority::rank(p.priority), id));
        }
        if let Some(request) = self.rows.remove(&id).and_then(|r| r.request_id) {
            self.pushes.remove(&(request, id));
        }
    }

    /// Takes the messages committed since the last look straight from the writers (see
    /// `Cache::take_queued`) if they follow on from what the queue has: the outbox's ids grow by
    /// one per message and writers commit one at a time, so any gap means some are missing. Those
    /// already read from the table are skipped. False: the table must be read.
    fn follow_on(&mut self, committed: Vec<(db::outbox::Pending, OutboxRow)>) -> bool {
        let new: Vec<_> = committed
            .into_iter()
            .filter(|(p, _)| p.id > self.last_id)
            .collect();
        let follows = new
            .iter()
            .zip(self.last_id + 1..)
            .all(|((p, _), want)| p.id == want);
        if follows {
            for (p, row) in new {
                self.add_row(p, row);
            }
        }
        follows
    }

    /// Learns of withdrawn messages (see the type's comment).
    fn withdraw(&mut self, drops: Vec<Option<i64>>) {
        for drop in drops {
            match drop {
                Some(request) => {
                    let ids: Vec<i64> = self
                        .pushes
                        .range((request, i64::MIN)..=(request, i64::MAX))
                        .map(|(_, id)| *id)
                        .collect();
                    for id in ids {
                        self.remove(id);
                    }
                }
                None => self.recheck_upto = self.last_id,
            }
        }
    }

    fn remove_chat(&mut self, chat_id: i64) {
        let ids: Vec<i64> = self
            .by_id
            .values()
            .filter(|p| p.chat_id == chat_id)
            .map(|p| p.id)
            .collect();
        for id in ids {
            self.remove(id);
        }
    }

    fn move_chat(&mut self, from: i64, to: i64) {
        for p in self.by_id.values_mut().filter(|p| p.chat_id == from) {
            p.chat_id = to;
        }
        for r in self.rows.values_mut().filter(|r| r.chat_id == from) {
            r.chat_id = to;
        }
    }

    /// The picked messages' rows: from memory, or (when they may have been withdrawn) as the
    /// table has them now; a withdrawn one leaves the queue.
    async fn rows_to_send(
        &mut self,
        pool: &SqlitePool,
        picked: &[db::outbox::Pending],
    ) -> Result<Vec<OutboxRow>, sqlx::Error> {
        let (check, ready): (Vec<i64>, Vec<i64>) = picked
            .iter()
            .map(|p| p.id)
            .partition(|id| *id <= self.recheck_upto || !self.rows.contains_key(id));
        let mut rows: Vec<OutboxRow> = ready
            .iter()
            .filter_map(|id| self.rows.get(id).cloned())
            .collect();
        if !check.is_empty() {
            let found = db::outbox::still_pending(pool, &check).await?;
            let still: HashSet<i64> = found.iter().map(|r| r.id).collect();
            for id in check.iter().filter(|id| !still.contains(id)) {
                self.remove(*id);
            }
            rows.extend(found);
        }
        Ok(rows)
    }
}

/// How many rows one read of new messages takes at most; a longer backlog is read in turns.
const READ_BATCH: i64 = 2048;
/// The table is read at least this often, whatever memory says.
const TABLE_EVERY: Duration = Duration::from_secs(30);

impl Sender {
    /// Delivers queued messages until `stop` turns true, then finishes the sends in flight.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut pacer = Pacer::new(self.limits.clone());
        let cache = db::cache(&self.pool);
        let mut queue = Queue::default();
        let mut tasks: JoinSet<Attempt> = JoinSet::new();
        let mut last_prune: Option<Instant> = None;
        // New messages come from the writers in memory (`read_new`); the table is read at the
        // start, when some may be missing from memory, for a long backlog, and now and then.
        let mut read_new = true;
        let mut read_table = true;
        let mut table_read_at = Instant::now();
        // Delivered sends are recorded by a task of their own, in batches, so the sender never
        // waits for the write gate behind a queue of handlers; what it sent has already left its
        // in-memory queue, so nothing is sent twice while the record is on its way. It runs on the
        // writers' thread (see `db::writers`).
        let (record_tx, record_rx) = tokio::sync::mpsc::unbounded_channel();
        let recorder = db::writers().spawn(record_sends(
            self.pool.clone(),
            self.doorbell.clone(),
            record_rx,
        ));
        let recorded = |delivered: Vec<(OutboxRow, Option<i32>)>| {
            if !delivered.is_empty() {
                let _ = record_tx.send(delivered);
            }
        };
        loop {
            if *stop.borrow() {
                break;
            }
            if last_prune.is_none_or(|t| t.elapsed() > Duration::from_secs(3600)) {
                last_prune = Some(Instant::now());
                self.prune().await;
            }
            let mut wake: Option<Instant> = None;
            let mut more = false;
            // New messages (a reply must overtake a fan-out) are read before every pick.
            if self.doorbell.wait().now_or_never().is_some() {
                read_new = true;
            }
            if std::mem::take(&mut read_new) {
                let (committed, lost) = cache.take_queued();
                read_table |= lost || !queue.follow_on(committed);
                read_table |= table_read_at.elapsed() > TABLE_EVERY;
            }
            if std::mem::take(&mut read_table) {
                table_read_at = Instant::now();
                match db::outbox::pending_after(&self.pool, queue.last_id, READ_BATCH).await {
                    Ok(rows) => {
                        // A long backlog is read in turns, sending in between.
                        more = rows.len() as i64 == READ_BATCH;
                        read_table = more;
                        for (p, row) in rows {
                            queue.add_row(p, row);
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "outbox: cannot read queued messages");
                        read_table = true;
                        wake = Some(Instant::now() + Duration::from_secs(1));
                    }
                }
            }
            queue.withdraw(cache.take_drops());
            let now = Instant::now();
            let now_ms = db::now_ms();
            let picked = pick(
                &queue,
                &mut pacer,
                self.limits.concurrency - tasks.len(),
                now,
                now_ms,
                &mut wake,
            );
            if !picked.is_empty() {
                match queue.rows_to_send(&self.pool, &picked).await {
                    Ok(rows) => {
                        more |= tasks.len() + rows.len() < self.limits.concurrency;
                        let now = Instant::now();
                        for row in rows {
                            pacer.start(row.chat_id, now);
                            let bot = self.bot.clone();
                            tasks.spawn(async move {
                                let result = deliver(&bot, &row).await;
                                Attempt { row, result }
                            });
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "outbox: cannot read queued messages");
                        wake = Some(Instant::now() + Duration::from_secs(1));
                    }
                }
            }
            if more {
                // More rows to read, or free send slots that others may fill: go round again.
                continue;
            }
            let sleep_until = wake.unwrap_or_else(|| Instant::now() + Duration::from_secs(60));
            tokio::select! {
                _ = self.doorbell.wait() => { read_new = true; }
                Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                    let mut finished = vec![];
                    if let Ok(attempt) = done {
                        finished.push(attempt);
                    }
                    while let Some(done) = tasks.try_join_next() {
                        if let Ok(attempt) = done {
                            finished.push(attempt);
                        }
                    }
                    for a in &finished {
                        pacer.finish(a.row.chat_id);
                    }
                    recorded(self.settle(finished, &mut pacer, &mut queue).await);
                }
                _ = tokio::time::sleep_until(sleep_until) => { read_new = true; }
                _ = stop.changed() => {}
            }
        }
        let mut finished = vec![];
        while let Some(done) = tasks.join_next().await {
            if let Ok(attempt) = done {
                finished.push(attempt);
            }
        }
        recorded(self.settle(finished, &mut pacer, &mut queue).await);
        drop(record_tx);
        let _ = recorder.await;
    }

    async fn prune(&self) {
        let before = db::now_ms() - KEEP_SENT.as_millis() as i64;
        if let Err(e) = db::outbox::prune(&self.pool, before).await {
            tracing::warn!(error = %e, "outbox: cannot prune old messages");
        }
        let two_days_ago = db::now_ms() - 2 * 24 * 3600 * 1000;
        if let Err(e) = db::updates::prune(&self.pool, two_days_ago).await {
            tracing::warn!(error = %e, "cannot prune the record of handled updates");
        }
    }

    /// Sorts out what sends came to: failures are recorded here, each on its own; the delivered
    /// ones leave the queue and are returned for the recorder.
    async fn settle(
        &self,
        finished: Vec<Attempt>,
        pacer: &mut Pacer,
        queue: &mut Queue,
    ) -> Vec<(OutboxRow, Option<i32>)> {
        let mut delivered = vec![];
        for Attempt { row, result } in finished {
            match result {
                Ok(message_id) => delivered.push((row, message_id)),
                Err(e) => match classify(&e) {
                    SendFailure::NotModified => delivered.push((row, None)),
                    failure => self.settle_failure(row, failure, &e, pacer, queue).await,
                },
            }
        }
        for (row, _) in &delivered {
            queue.remove(row.id);
        }
        delivered
    }

    async fn settle_failure(
        &self,
        row: OutboxRow,
        failure: SendFailure,
        e: &teloxide::RequestError,
        pacer: &mut Pacer,
        queue: &mut Queue,
    ) {
        let what = self.redactor.clean(e);
        // The row in memory counts attempts as the table does.
        if let Some(r) = queue.rows.get_mut(&row.id)
            && matches!(failure, SendFailure::RetryAfter(_) | SendFailure::Transient)
        {
            r.attempts += 1;
        }
        let outcome = match failure {
            SendFailure::RetryAfter(d) => {
                tracing::warn!(
                    retry_after_s = d.as_secs(),
                    "outbox: Telegram asked to slow down"
                );
                pacer.paused_until = Some(Instant::now() + d);
                db::outbox::count_attempt(&self.pool, row.id).await
            }
            SendFailure::NotModified => Ok(()),
            SendFailure::Unreachable => {
                tracing::info!(chat_id = row.chat_id, error = %what, "outbox: chat unreachable");
                let r = db::outbox::mark_failed(&self.pool, row.id).await;
                if row.chat_id > 0 {
                    let _ = db::users::mark_unreachable(&self.pool, row.chat_id).await;
                    self.unreachable_bell.ring();
                } else {
                    // Removed from a club chat, or no longer allowed to write there.
                    let _ = db::leads::unbind_chat(&self.pool, row.chat_id).await;
                }
                let _ = db::outbox::drop_unsent_to(&self.pool, row.chat_id).await;
                queue.remove_chat(row.chat_id);
                r
            }
            SendFailure::Gone => {
                tracing::info!(chat_id = row.chat_id, error = %what, "outbox: message to edit is gone");
                queue.remove(row.id);
                db::outbox::mark_failed(&self.pool, row.id).await
            }
            SendFailure::Migrated(to) => {
                tracing::warn!(
                    chat_id = row.chat_id,
                    to,
                    "outbox: group moved to a supergroup"
                );
                // The binding and what is queued follow the group to its new id.
                let _ = db::leads::move_chat(&self.pool, row.chat_id, to).await;
                queue.move_chat(row.chat_id, to);
                db::outbox::move_unsent(&self.pool, row.chat_id, to).await
            }
            SendFailure::Transient if (row.attempts + 1) < self.limits.max_attempts as i64 => {
                let backoff = 2_i64.pow((row.attempts as u32).min(8)) * 1000;
                tracing::warn!(chat_id = row.chat_id, attempt = row.attempts + 1, error = %what, "outbox: send failed, will retry");
                let at = db::now_ms() + backoff;
                if let Some(p) = queue.by_id.get_mut(&row.id) {
                    p.not_before = at;
                }
                db::outbox::retry_later(&self.pool, row.id, at).await
            }
            SendFailure::Transient | SendFailure::Permanent => {
                tracing::error!(chat_id = row.chat_id, kind = row.kind, error = %what, "outbox: giving up on a message");
                queue.remove(row.id);
                db::outbox::mark_failed(&self.pool, row.id).await
            }
        };
        if let Err(e) = outcome {
            tracing::error!(error = %e, outbox_id = row.id, "outbox: cannot record a send");
        }
    }
}

/// Records delivered sends, as many as have come in together in one transaction. Database errors
/// are logged: the worst case is a message sent twice after a restart, never one lost.
async fn record_sends(
    pool: SqlitePool,
    doorbell: Doorbell,
    mut rx: tokio::sync::mpsc::UnboundedReceiver<Vec<(OutboxRow, Option<i32>)>>,
) {
    while let Some(mut batch) = rx.recv().await {
        while let Ok(more) = rx.try_recv() {
            batch.extend(more);
        }
        let result = record_batch(&pool, &batch).await;
        match result {
            Ok(true) => doorbell.ring(),
            Ok(false) => {}
            Err(e) => {
                tracing::error!(error = %e, sends = batch.len(), "outbox: cannot record sends")
            }
        }
    }
}

/// Records delivered messages in one transaction, with a few statements whatever their number;
/// true if it queued a follow-up (a push taken on its way).
async fn record_batch(
    pool: &SqlitePool,
    batch: &[(OutboxRow, Option<i32>)],
) -> Result<bool, sqlx::Error> {
    let mut tx = db::begin_write(pool).await?;
    let sent: Vec<(i64, Option<i32>)> = batch.iter().map(|(r, m)| (r.id, *m)).collect();
    db::outbox::mark_sent_all(&mut tx, db::now_ms(), &sent).await?;
    let mut pushes = vec![];
    for (row, message_id) in batch {
        let Some(mid) = *message_id else { continue };
        if row.kind != "details" && row.kind != "push" {
            continue;
        }
        match serde_json::from_str::<Payload>(&row.payload_json) {
            Ok(Payload::Details { request_id, .. }) => {
                db::outbox::record_details(&mut tx, request_id, row.chat_id, mid).await?;
            }
            Ok(Payload::Push {
                request_id,
                yours_text,
                taken_text,
                gone_text,
                ..
            }) => pushes.push((
                row.chat_id,
                mid,
                request_id,
                yours_text,
                taken_text,
                gone_text,
            )),
            _ => {}
        }
    }
    if pushes.is_empty() {
        tx.commit().await?;
        return Ok(false);
    }
    let ids: Vec<i64> = pushes.iter().map(|p| p.2).collect();
    let statuses = db::outbox::request_statuses(&mut tx, &ids).await?;
    let mut remembered = vec![];
    let mut edits = vec![];
    for (chat_id, mid, request_id, yours_text, taken_text, gone_text) in pushes {
        let text = match statuses.get(&request_id) {
            Some((status, _)) if status == "open" => None,
            Some((_, Some(holder))) if *holder == chat_id => Some(yours_text),
            Some((status, _)) if status != "cancelled" => Some(taken_text),
            _ => Some(gone_text),
        };
        // A club-chat post is remembered whatever became of the request, so it can be turned
        // back into an offer if the request reopens (and show "done" later).
        if text.is_none() || chat_id < 0 {
            remembered.push((request_id, chat_id, mid));
        }
        // Taken (or withdrawn) while this push was on its way: show that at once.
        if let Some(text) = text {
            edits.push(Outgoing::edit(chat_id, Priority::Edit, mid, text, None));
        }
    }
    db::outbox::record_pushes(&mut tx, &remembered).await?;
    enqueue_all(&mut tx, &edits).await?;
    tx.commit().await?;
    Ok(!edits.is_empty())
}

/// The next messages to send, most important first, within the pacing and the free send slots;
/// `wake` learns when the first one held back could go.
fn pick(
    queue: &Queue,
    pacer: &mut Pacer,
    slots: usize,
    now: Instant,
    now_ms: i64,
    wake: &mut Option<Instant>,
) -> Vec<db::outbox::Pending> {
    let mut soonest = |t: Instant| *wake = Some(wake.map_or(t, |w| w.min(t)));
    let mut room = slots.min(pacer.room(now));
    if room == 0 {
        if let Some(t) = pacer.window_frees_at(now) {
            soonest(t);
        }
        return vec![];
    }
    let mut picked: Vec<db::outbox::Pending> = vec![];
    let mut chats: HashSet<i64> = HashSet::new();
    for (rank, id) in &queue.order {
        let Some(p) = queue.by_id.get(id) else {
            continue;
        };
        // Announcements, digests and closing words go evenly spaced (see
        // `Pacer::bulk_started`), so a person who is talking to the bot never waits a whole
        // window behind a fan-out; edits (ranked between them) may still go.
        let bulk = Priority::is_paced(p.priority);
        if bulk && pacer.next_bulk > now {
            soonest(pacer.next_bulk);
            if *rank >= Priority::rank(Priority::Push as i64) {
                break;
            }
            continue;
        }
        // A chat with a send in flight (or picked in this round) waits for it.
        if pacer.busy_chats.contains(&p.chat_id) || chats.contains(&p.chat_id) {
            continue;
        }
        if p.not_before > now_ms {
            soonest(now + Duration::from_millis((p.not_before - now_ms) as u64));
            continue;
        }
        if let Some(t) = pacer.wait_for(p.chat_id, now) {
            soonest(t);
            continue;
        }
        chats.insert(p.chat_id);
        picked.push(*p);
        if bulk {
            pacer.bulk_started(now);
        } else {
            pacer.reply_started(now);
        }
        room -= 1;
        if room == 0 {
            break;
        }
    }
    picked
}

async fn deliver(bot: &Bot, row: &OutboxRow) -> Result<Option<i32>, teloxide::RequestError> {
    let payload: Payload = match serde_json::from_str(&row.payload_json) {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(outbox_id = row.id, error = %e, "outbox: unreadable payload");
            return Err(teloxide::RequestError::Api(teloxide::ApiError::Unknown(
                "unreadable payload".into(),
            )));
        }
    };
    let chat = ChatId(row.chat_id);
    let no_preview = LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    };
    match payload {
        Payload::Text { text, markup } => {
            let mut req = bot
                .send_message(chat, text)
                .parse_mode(ParseMode::Html)
                .link_preview_options(no_preview);
            if let Some(m) = markup {
                req = req.reply_markup(m);
            }
            req.await.map(|m| Some(m.id.0))
        }
        Payload::Details { text, markup, .. } | Payload::Push { text, markup, .. } => bot
            .send_message(chat, text)
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_preview)
            .reply_markup(markup)
            .await
            .map(|m| Some(m.id.0)),
        Payload::Voice { file_id, caption } => {
            let mut req = bot.send_voice(chat, InputFile::file_id(FileId(file_id)));
            if let Some(c) = caption {
                req = req.caption(c).parse_mode(ParseMode::Html);
            }
            req.await.map(|m| Some(m.id.0))
        }
        Payload::Photo {
            png_base64,
            caption,
        } => {
            let file = InputFile::memory(decode(&png_base64)).file_name("chart.png");
            let mut req = bot.send_photo(chat, file);
            if let Some(c) = caption {
                req = req.caption(c).parse_mode(ParseMode::Html);
            }
            req.await.map(|m| Some(m.id.0))
        }
        Payload::PhotoFile {
            file_id,
            caption,
            markup,
        } => {
            let mut req = bot.send_photo(chat, InputFile::file_id(FileId(file_id)));
            if let Some(c) = caption {
                req = req.caption(c).parse_mode(ParseMode::Html);
            }
            if let Some(m) = markup {
                req = req.reply_markup(m);
            }
            req.await.map(|m| Some(m.id.0))
        }
        Payload::Document {
            file_name,
            data_base64,
            caption,
        } => {
            let file = InputFile::memory(decode(&data_base64)).file_name(file_name);
            let mut req = bot.send_document(chat, file);
            if let Some(c) = caption {
                req = req.caption(c).parse_mode(ParseMode::Html);
            }
            req.await.map(|m| Some(m.id.0))
        }
        Payload::ClearButtons { message_id } => bot
            .edit_message_reply_markup(chat, MessageId(message_id))
            .await
            .map(|m| Some(m.id.0)),
        Payload::Edit {
            message_id,
            text,
            markup,
        } => {
            let mut req = bot
                .edit_message_text(chat, MessageId(message_id), text)
                .parse_mode(ParseMode::Html)
                .link_preview_options(no_preview);
            if let Some(m) = markup {
                req = req.reply_markup(m);
            }
            req.await.map(|m| Some(m.id.0))
        }
    }
}

/// Bytes for the queue: files travel base64-encoded inside the JSON payload.
pub fn encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn decode(text: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(id: i64, priority: Priority, chat_id: i64) -> db::outbox::Pending {
        db::outbox::Pending {
            id,
            priority: priority as i64,
            chat_id,
            not_before: 0,
        }
    }

    fn committed(ids: impl IntoIterator<Item = i64>) -> Vec<(db::outbox::Pending, OutboxRow)> {
        ids.into_iter()
            .map(|id| {
                db::outbox::NewRow {
                    priority: Priority::Reply as i64,
                    chat_id: 100 + id,
                    kind: "text",
                    payload_json: "{}".into(),
                    request_id: None,
                }
                .queued(id, 0)
            })
            .collect()
    }

    /// Messages handed over in memory are taken only when they follow on from what the queue
    /// has; any doubt sends the sender to the table.
    #[test]
    fn committed_messages_are_taken_only_when_nothing_can_be_missing() {
        let mut queue = Queue::default();
        // At the start the table was not read: ids 5… do not follow 0.
        assert!(!queue.follow_on(committed(5..8)));
        assert!(queue.by_id.is_empty());
        // The table gave 1 to 7; memory repeats 5 to 7 (read there already) and brings 8, 9.
        for (p, row) in committed(1..8) {
            queue.add_row(p, row);
        }
        assert!(queue.follow_on(committed(5..10)));
        assert_eq!(queue.last_id, 9);
        assert_eq!(queue.by_id.len(), 9);
        // A gap (10 missing): nothing taken.
        assert!(!queue.follow_on(committed([11, 12])));
        assert_eq!(queue.last_id, 9);
        assert!(!queue.follow_on(committed([10, 12])));
        assert_eq!(queue.by_id.len(), 9);
        // Nothing new: nothing to read.
        assert!(queue.follow_on(vec![]));
        assert!(queue.follow_on(committed([10, 11])));
        assert_eq!(queue.last_id, 11);
    }

    /// A taken request's announcements leave the queue, and only they: not another request's,
    /// not a reply about the same request.
    #[test]
    fn withdrawing_a_request_drops_its_announcements_only() {
        let mut queue = Queue::default();
        let row = |id: i64, kind: &'static str, request: i64| {
            db::outbox::NewRow {
                priority: Priority::Push as i64,
                chat_id: 1000 + id,
                kind,
                payload_json: "{}".into(),
                request_id: Some(request),
            }
            .queued(id, 0)
        };
        for (id, kind, request) in [
            (1, "push", 7),
            (2, "push", 8),
            (3, "text", 7),
            (4, "push", 7),
        ] {
            let (p, r) = row(id, kind, request);
            queue.add_row(p, r);
        }
        queue.withdraw(vec![Some(7)]);
        let mut left: Vec<i64> = queue.rows.keys().copied().collect();
        left.sort_unstable();
        assert_eq!(left, vec![2, 3]);
        assert_eq!(queue.order.len(), 2);
        assert_eq!(
            queue.pushes.iter().copied().collect::<Vec<_>>(),
            vec![(8, 2)]
        );
        // Sent or withdrawn some other way: its entry goes too.
        queue.remove(2);
        assert!(queue.pushes.is_empty());
    }

    /// A fan-out of 500 at Telegram's 30 a second while people talk to the bot: announcements go
    /// evenly spaced, leave replies their share of every window, and together they use it all;
    /// once the first window has passed, no reply waits more than a moment.
    #[test]
    fn a_fan_out_goes_evenly_and_leaves_room_in_every_window_for_replies() {
        let mut pacer = Pacer::new(SendLimits {
            concurrency: 64,
            ..SendLimits::default()
        });
        let mut queue = Queue::default();
        for i in 0..500 {
            queue.add(pending(i + 1, Priority::Push, 1000 + i));
        }
        let t0 = Instant::now();
        let mut starts: Vec<Instant> = vec![];
        let mut queued_at: HashMap<i64, Instant> = HashMap::new();
        let mut longest_wait = Duration::ZERO;
        for step in 0..600 {
            let t = t0 + Duration::from_millis(5 * step);
            // Every 70 ms someone who is talking to the bot gets an answer queued.
            if step % 14 == 0 {
                let id = 10_000 + step as i64;
                queue.add(pending(id, Priority::Reply, id));
                queued_at.insert(id, t);
            }
            let mut wake = None;
            for p in pick(&queue, &mut pacer, 64, t, 0, &mut wake) {
                pacer.start(p.chat_id, t);
                queue.remove(p.id);
                match queued_at.get(&p.id) {
                    Some(q) if t > t0 + WINDOW => longest_wait = longest_wait.max(t - *q),
                    Some(_) => {}
                    None => starts.push(t),
                }
            }
        }
        // Sends spread evenly free a slot every few tens of milliseconds.
        assert!(
            longest_wait <= Duration::from_millis(300),
            "a reply waited {longest_wait:?}"
        );
        for (i, s) in starts.iter().enumerate() {
            let in_window = starts[i..].iter().take_while(|t| **t < *s + WINDOW).count();
            assert!(in_window <= 20, "{in_window} announcements in one window");
        }
        let busiest_step = starts
            .chunk_by(|a, b| a == b)
            .map(|same| same.len())
            .max()
            .unwrap();
        assert!(
            busiest_step <= 3,
            "{busiest_step} announcements at one moment"
        );
        // Together they use the window: 3 s at about 28 a second.
        let sent =
            starts.len() + queued_at.len() - queue.order.iter().filter(|(p, _)| *p == 0).count();
        assert!(
            sent >= 80,
            "{sent} sends in 3 s ({} announcements)",
            starts.len()
        );
    }

    /// One send in flight per chat, and a message not yet due stays queued.
    #[test]
    fn one_send_per_chat_at_a_time_and_nothing_before_it_is_due() {
        let mut pacer = Pacer::new(SendLimits::default());
        let now = Instant::now();
        let mut queue = Queue::default();
        queue.add(pending(1, Priority::Reply, 7));
        queue.add(pending(2, Priority::Reply, 7));
        queue.add(db::outbox::Pending {
            not_before: 5_000,
            ..pending(3, Priority::Reply, 8)
        });
        let mut wake = None;
        let picked = pick(&queue, &mut pacer, 8, now, 1_000, &mut wake);
        assert_eq!(picked.iter().map(|p| p.id).collect::<Vec<_>>(), vec![1]);
        assert!(wake.is_some_and(|t| t >= now + Duration::from_millis(4_000)));
    }

    /// Fifty requests posted at once: their closing words go spaced out and after the answers to
    /// people still mid-dialogue, who are all answered in the first window; edits are not held
    /// back by the spacing.
    #[test]
    fn closing_words_leave_room_for_people_mid_dialogue() {
        let mut pacer = Pacer::new(SendLimits::default());
        let t0 = Instant::now();
        let mut queue = Queue::default();
        for i in 0..50 {
            queue.add(pending(i + 1, Priority::Closing, 1000 + i));
        }
        queue.add(pending(60, Priority::Edit, 3000));
        let mut sent_at: HashMap<i64, Instant> = HashMap::new();
        for step in 0..600 {
            let t = t0 + Duration::from_millis(5 * step);
            // Ten people mid-dialogue get their next question within the first 250 ms.
            if step < 50 && step % 5 == 0 {
                let id = 100 + step as i64;
                queue.add(pending(id, Priority::Reply, 2000 + id));
            }
            let mut wake = None;
            for p in pick(&queue, &mut pacer, 64, t, 0, &mut wake) {
                pacer.start(p.chat_id, t);
                queue.remove(p.id);
                sent_at.insert(p.id, t);
            }
        }
        let replies: Vec<Instant> = (0..10).map(|i| sent_at[&(100 + 5 * i)]).collect();
        assert!(
            replies.iter().all(|t| *t < t0 + Duration::from_millis(300)),
            "every answer mid-dialogue went at once: {:?}",
            replies.iter().map(|t| *t - t0).collect::<Vec<_>>()
        );
        assert!(
            sent_at[&60] < t0 + Duration::from_millis(10),
            "the edit went at once"
        );
        let closing_first_window = (1..=50)
            .filter(|id| sent_at.get(id).is_some_and(|t| *t < t0 + WINDOW))
            .count();
        assert!(
            (5..=25).contains(&closing_first_window),
            "{closing_first_window} closing words in the first window"
        );
        assert!(
            (1..=50).all(|id| sent_at.contains_key(&id)),
            "all went in 3 s"
        );
    }
}
