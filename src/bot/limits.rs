//! A cheap per-person bound on input, checked before any SQL: one person sending a flood cannot
//! slow the bot down for everyone else.

use std::collections::HashMap;
use std::sync::Mutex;
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

#[cfg(test)]
mod tests {
    use super::*;

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
