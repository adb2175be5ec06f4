//! Time as a dependency: the system clock in production, a clock the tests move by hand, so
//! digests, escalations, reminders and the 48-hour close run in tests without waiting.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use tokio::sync::watch;

#[derive(Clone)]
pub struct Clock {
    inner: Arc<Inner>,
}

struct Inner {
    /// `None`: the system clock.
    manual: Option<Mutex<DateTime<Utc>>>,
    moved: watch::Sender<()>,
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner.manual {
            None => f.write_str("Clock(system)"),
            Some(_) => write!(f, "Clock(manual, {})", self.now()),
        }
    }
}

impl Clock {
    pub fn system() -> Self {
        Self {
            inner: Arc::new(Inner {
                manual: None,
                moved: watch::channel(()).0,
            }),
        }
    }

    /// A clock that stands still at `start` until moved.
    pub fn manual(start: DateTime<Utc>) -> Self {
        Self {
            inner: Arc::new(Inner {
                manual: Some(Mutex::new(start)),
                moved: watch::channel(()).0,
            }),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.inner.manual {
            None => Utc::now(),
            Some(t) => *t.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    pub fn now_ms(&self) -> i64 {
        self.now().timestamp_millis()
    }

    /// Moves a manual clock forward (or to a set time) and wakes whoever waits on it.
    pub fn set(&self, to: DateTime<Utc>) {
        if let Some(t) = &self.inner.manual {
            *t.lock().unwrap_or_else(|e| e.into_inner()) = to;
            self.inner.moved.send_replace(());
        }
    }

    pub fn advance(&self, by: chrono::Duration) {
        self.set(self.now() + by);
    }

    /// A watch that wakes when a manual clock moves after this call. Take it *before* reading the
    /// time for a decision, so a move in between is not missed.
    pub fn watch(&self) -> ClockWatch {
        ClockWatch {
            rx: self
                .inner
                .manual
                .as_ref()
                .map(|_| self.inner.moved.subscribe()),
        }
    }
}

pub struct ClockWatch {
    rx: Option<watch::Receiver<()>>,
}

impl ClockWatch {
    /// Resolves when a manual clock has moved; never for the system clock (jobs sleep instead).
    pub async fn moved(&mut self) {
        if let Some(rx) = &mut self.rx
            && rx.changed().await.is_ok()
        {
            return;
        }
        std::future::pending::<()>().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_manual_clock_moves_only_when_told_and_wakes_its_waiters() {
        let start = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let clock = Clock::manual(start);
        assert_eq!(clock.now(), start);
        let mut watch = clock.watch();
        let waiter = tokio::spawn(async move { watch.moved().await });
        tokio::task::yield_now().await;
        clock.advance(chrono::Duration::hours(48));
        waiter.await.unwrap();
        assert_eq!(clock.now(), start + chrono::Duration::hours(48));
    }
}
