//! What the bot reads on every update — the person behind it and their dialogue — kept in memory.
//!
//! Writes go through `Tx`, which notes the rows it changed; once the transaction commits, the
//! notes are applied here (a dialogue's new state written through, a person's row dropped so the
//! next read fetches it). A read that misses goes to SQL and fills the cache only if no commit
//! changed that row while the read was on its way, so a slow read never puts an old row back.
//!
//! It also carries, from the writers to the sender, the messages committed (so the sender need
//! not read them back) and the ones withdrawn.

use std::collections::HashMap;
use std::sync::Mutex;

use super::outbox::{OutboxRow, Pending};
use super::users::UserRow;

/// Entries kept at most per kind; past it the cache starts afresh (a few MB at most).
const MAX_ENTRIES: usize = 200_000;
/// Committed messages kept for the sender at most; past it they are dropped, and the sender
/// reads them from the table.
const MAX_QUEUED: usize = 20_000;

/// A change a committed transaction made.
#[derive(Debug, Clone)]
pub enum Touch {
    /// A person's row changed: read it again.
    User(i64),
    /// A person's row is now this.
    UserRow(UserRow),
    /// A chat's dialogue is now this state (JSON), or none.
    Dialogue(i64, Option<String>),
    /// Queued messages were withdrawn: a request's announcements (`Some`), or others (`None`).
    /// The sender, which holds queued messages in memory, learns of it through `take_drops`.
    OutboxDropped(Option<i64>),
    /// Messages queued, as inserted (ids in order): the sender takes them from memory through
    /// `take_queued` instead of reading them back.
    Queued(Vec<(Pending, OutboxRow)>),
}

#[derive(Default)]
pub struct Cache {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Counts commits applied; a read notes it before going to SQL.
    generation: u64,
    /// Reads started before this generation may not fill (the maps were emptied since).
    emptied_at: u64,
    users: HashMap<i64, Slot<UserRow>>,
    dialogues: HashMap<i64, Slot<Option<String>>>,
    drops: Vec<Option<i64>>,
    /// Messages committed since the sender last took them, in commit order; `queued_lost`: some
    /// were dropped since (past `MAX_QUEUED`).
    queued: Vec<(Pending, OutboxRow)>,
    queued_lost: bool,
}

struct Slot<T> {
    /// The generation of the last commit that changed this row.
    changed_at: u64,
    value: Option<T>,
}

/// The moment a read went to SQL, to hand back with what it read.
#[derive(Clone, Copy, Debug)]
pub struct ReadStart(u64);

fn fill<T>(map: &mut HashMap<i64, Slot<T>>, emptied_at: u64, key: i64, start: ReadStart, v: T) {
    if start.0 < emptied_at {
        return;
    }
    let slot = map.entry(key).or_insert(Slot {
        changed_at: 0,
        value: None,
    });
    if slot.changed_at <= start.0 {
        slot.value = Some(v);
    }
}

impl Cache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The person's row if cached, else the moment to hand to `fill_user` after reading it.
    pub fn user(&self, id: i64) -> Result<UserRow, ReadStart> {
        let inner = self.lock();
        match inner.users.get(&id).and_then(|s| s.value.clone()) {
            Some(row) => Ok(row),
            None => Err(ReadStart(inner.generation)),
        }
    }

    pub fn fill_user(&self, start: ReadStart, row: UserRow) {
        let mut inner = self.lock();
        inner.make_room();
        let emptied_at = inner.emptied_at;
        fill(&mut inner.users, emptied_at, row.id, start, row);
    }

    /// The chat's dialogue (JSON; `None`: no dialogue) if cached.
    pub fn dialogue(&self, chat_id: i64) -> Result<Option<String>, ReadStart> {
        let inner = self.lock();
        match inner.dialogues.get(&chat_id).and_then(|s| s.value.clone()) {
            Some(state) => Ok(state),
            None => Err(ReadStart(inner.generation)),
        }
    }

    pub fn fill_dialogue(&self, start: ReadStart, chat_id: i64, state: Option<String>) {
        let mut inner = self.lock();
        inner.make_room();
        let emptied_at = inner.emptied_at;
        fill(&mut inner.dialogues, emptied_at, chat_id, start, state);
    }

    /// Messages committed since the last call, in commit order, and whether some were dropped
    /// meanwhile (see `MAX_QUEUED`).
    pub fn take_queued(&self) -> (Vec<(Pending, OutboxRow)>, bool) {
        let mut inner = self.lock();
        let lost = std::mem::take(&mut inner.queued_lost);
        (std::mem::take(&mut inner.queued), lost)
    }

    /// Withdrawals of queued messages committed since the last call.
    pub fn take_drops(&self) -> Vec<Option<i64>> {
        std::mem::take(&mut self.lock().drops)
    }

    /// Forgets everything (a new start reads every row afresh).
    pub fn clear(&self) {
        self.lock().empty();
    }

    /// Applies what a transaction changed, after it committed.
    pub fn apply(&self, touched: Vec<Touch>) {
        if touched.is_empty() {
            return;
        }
        let mut inner = self.lock();
        inner.make_room();
        inner.generation += 1;
        let generation = inner.generation;
        for t in touched {
            match t {
                Touch::User(id) => {
                    inner.users.insert(
                        id,
                        Slot {
                            changed_at: generation,
                            value: None,
                        },
                    );
                }
                Touch::UserRow(row) => {
                    inner.users.insert(
                        row.id,
                        Slot {
                            changed_at: generation,
                            value: Some(row),
                        },
                    );
                }
                Touch::OutboxDropped(request) => inner.drops.push(request),
                Touch::Queued(rows) => {
                    // Nobody taking them (no sender running): the table has them anyway.
                    if inner.queued.len() + rows.len() > MAX_QUEUED {
                        inner.queued.clear();
                        inner.queued_lost = true;
                    }
                    inner.queued.extend(rows);
                }
                Touch::Dialogue(chat_id, state) => {
                    inner.dialogues.insert(
                        chat_id,
                        Slot {
                            changed_at: generation,
                            value: Some(state),
                        },
                    );
                }
            }
        }
    }
}

impl Inner {
    fn empty(&mut self) {
        self.users.clear();
        self.dialogues.clear();
        self.generation += 1;
        self.emptied_at = self.generation;
    }

    fn make_room(&mut self) {
        if self.users.len() >= MAX_ENTRIES || self.dialogues.len() >= MAX_ENTRIES {
            self.empty();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, name: &str) -> UserRow {
        UserRow {
            id,
            first_name: name.into(),
            username: None,
            tg_language: None,
            language: None,
            unreachable_at: None,
        }
    }

    #[test]
    fn a_read_that_raced_a_commit_does_not_put_the_old_row_back() {
        let cache = Cache::default();
        let start = cache.user(1).unwrap_err();
        // A commit changes the person while the read is on its way.
        cache.apply(vec![Touch::User(1)]);
        cache.fill_user(start, row(1, "old"));
        assert!(cache.user(1).is_err(), "the old row must not be cached");
        let start = cache.user(1).unwrap_err();
        cache.fill_user(start, row(1, "new"));
        assert_eq!(cache.user(1).unwrap().first_name, "new");
    }

    #[test]
    fn dialogues_are_written_through_and_absence_is_remembered() {
        let cache = Cache::default();
        let start = cache.dialogue(7).unwrap_err();
        cache.fill_dialogue(start, 7, None);
        assert_eq!(cache.dialogue(7).unwrap(), None);
        cache.apply(vec![Touch::Dialogue(7, Some("\"Idle\"".into()))]);
        assert_eq!(cache.dialogue(7).unwrap().as_deref(), Some("\"Idle\""));
        // A read that started before that commit cannot undo it.
        cache.fill_dialogue(start, 7, None);
        assert_eq!(cache.dialogue(7).unwrap().as_deref(), Some("\"Idle\""));
    }
}
