//! A cheap per-person bound on input, checked before any SQL: one person sending a flood cannot
//! slow the bot down for everyone else. And one turn at a time per request for the presses that
//! race for it, so the losers are answered without waiting for the write gate.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Token buckets per person: `per_minute` tokens, refilled evenly over a minute.
#[derive(Debug)]
pub struct InputLimiter {
    per_minute: f64,
    buckets: Mutex<HashMap<i64, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
    /// Whether the person was already told to slow down in this flood.
    warned: bool,
}

/// What to do with an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Handle,
    /// Over the limit: drop it, and tell the person once.
    DropAndWarn,
    Drop,
}

impl InputLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute: f64::from(per_minute.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn check(&self, person: i64, now: Instant) -> Verdict {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > 50_000 {
            // Forget people whose bucket has refilled: they are no different from newcomers.
            let full = Duration::from_secs(60);
            buckets.retain(|_, b| now.duration_since(b.at) < full);
        }
        let per_minute = self.per_minute;
        let b = buckets.entry(person).or_insert(Bucket {
            tokens: per_minute,
            at: now,
            warned: false,
        });
        let refill = now.duration_since(b.at).as_secs_f64() * per_minute / 60.0;
        b.tokens = (b.tokens + refill).min(per_minute);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            b.warned = false;
            Verdict::Handle
        } else if !b.warned {
            b.warned = true;
            Verdict::DropAndWarn
        } else {
            Verdict::Drop
        }
    }
}

/// One turn at a time per key (a request): when ten volunteers press «Take» on one request at
/// once, the first goes to the write gate and the others wait here, not in the gate's queue where
/// every writer of the bot waits. When their turn comes the request is most often taken: the turn
/// before says so (`done`), or a read shows it, without the gate. Only this process's presses
/// queue here; the write transaction still checks the request itself.
#[derive(Debug, Default)]
pub struct Turns {
    keys: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<bool>>>>,
}

/// A turn, held until dropped.
pub struct Turn<'a> {
    turns: &'a Turns,
    key: i64,
    guard: Option<tokio::sync::OwnedMutexGuard<bool>>,
    /// Whether someone else had the turn first: what they did may have changed the answer.
    pub waited: bool,
}

impl Turn<'_> {
    /// Whether a turn before this one, while this one waited, marked the key done (`done`).
    pub fn done_before(&self) -> bool {
        self.guard.as_deref().copied().unwrap_or(false)
    }

    /// Marks the key done for those waiting for it (a Take that took the request): they need
    /// not look again.
    pub fn done(&mut self) {
        if let Some(g) = self.guard.as_deref_mut() {
            *g = true;
        }
    }
}

impl Turns {
    pub async fn take(&self, key: i64) -> Turn<'_> {
        let lock = self.lock().entry(key).or_default().clone();
        let (guard, waited) = match lock.clone().try_lock_owned() {
            Ok(g) => (g, false),
            Err(_) => (lock.lock_owned().await, true),
        };
        Turn {
            turns: self,
            key,
            guard: Some(guard),
            waited,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<tokio::sync::Mutex<bool>>>> {
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Keys somebody holds or waits for.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        drop(self.guard.take());
        let mut keys = self.turns.lock();
        // Nobody holds or waits for it (only the map's own handle is left): forget the key.
        if keys
            .get(&self.key)
            .is_some_and(|l| Arc::strong_count(l) == 1)
        {
            keys.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Presses on one request take turns, in order; presses on another are not held up; and a
    /// key nobody waits for any more is forgotten.
    #[tokio::test]
    async fn one_turn_at_a_time_per_key() {
        let turns = Arc::new(Turns::default());
        let mut first = turns.take(1).await;
        assert!(!first.waited);
        assert!(!first.done_before());
        let other = turns.take(2).await;
        assert!(!other.waited);
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let mut waiting = vec![];
        for n in 0..3 {
            let (turns, tx) = (turns.clone(), tx.clone());
            waiting.push(tokio::spawn(async move {
                let t = turns.take(1).await;
                tx.send((n, t.waited, t.done_before())).unwrap();
                tokio::time::sleep(Duration::from_millis(5)).await;
            }));
            tokio::task::yield_now().await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(
            rx.try_recv().is_err(),
            "nobody gets a turn while the first holds it"
        );
        first.done();
        drop(first);
        for w in waiting {
            w.await.unwrap();
        }
        let order: Vec<_> = std::iter::from_fn(|| rx.try_recv().ok()).collect();
        assert_eq!(
            order,
            vec![(0, true, true), (1, true, true), (2, true, true)]
        );
        assert_eq!(turns.len(), 1, "key 2 is still held");
        drop(other);
        assert!(turns.is_empty());
        // A key forgotten starts afresh.
        assert!(!turns.take(1).await.done_before());
    }

    #[test]
    fn a_flood_is_cut_after_the_limit_warned_once_and_let_in_again_as_time_passes() {
        let limiter = InputLimiter::new(30);
        let t0 = Instant::now();
        let verdicts: Vec<Verdict> = (0..40).map(|_| limiter.check(7, t0)).collect();
        assert!(verdicts[..30].iter().all(|v| *v == Verdict::Handle));
        assert_eq!(verdicts[30], Verdict::DropAndWarn);
        assert!(verdicts[31..].iter().all(|v| *v == Verdict::Drop));
        assert_eq!(
            limiter.check(8, t0),
            Verdict::Handle,
            "someone else is not affected"
        );
        assert_eq!(
            limiter.check(7, t0 + Duration::from_secs(2)),
            Verdict::Handle,
            "two seconds give one more"
        );
    }
}
