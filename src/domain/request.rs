//! The request lifecycle: statuses and which transitions are allowed.
//!
//! ```text
//! open ──claim──▶ claimed ──done──▶ done ──confirm / timeout──▶ closed
//!  ▲                │                 │
//!  └──release───────┘                 └──not yet──▶ open
//! open / claimed ──cancel──▶ cancelled
//! ```

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    Claimed,
    Done,
    Closed,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Open,
        Status::Claimed,
        Status::Done,
        Status::Closed,
        Status::Cancelled,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Claimed => "claimed",
            Status::Done => "done",
            Status::Closed => "closed",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Some(match s {
            "open" => Status::Open,
            "claimed" => Status::Claimed,
            "done" => Status::Done,
            "closed" => Status::Closed,
            "cancelled" => Status::Cancelled,
            _ => return None,
        })
    }

    /// A requester may withdraw a request until the help has been given.
    pub fn cancellable(self) -> bool {
        matches!(self, Status::Open | Status::Claimed)
    }

    pub fn is_final(self) -> bool {
        matches!(self, Status::Closed | Status::Cancelled)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForWhom {
    Myself,
    Other,
}

impl ForWhom {
    pub fn code(self) -> &'static str {
        match self {
            ForWhom::Myself => "self",
            ForWhom::Other => "other",
        }
    }

    pub fn from_code(s: &str) -> Self {
        if s == "other" {
            ForWhom::Other
        } else {
            ForWhom::Myself
        }
    }
}

/// How soon the help is needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Today,
    Soon,
    Date,
}

impl Urgency {
    pub fn code(self) -> &'static str {
        match self {
            Urgency::Today => "today",
            Urgency::Soon => "soon",
            Urgency::Date => "date",
        }
    }

    pub fn from_code(s: &str) -> Self {
        match s {
            "today" => Urgency::Today,
            "soon" => Urgency::Soon,
            _ => Urgency::Date,
        }
    }
}

/// What happened to a request; one row in `request_events` each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Created,
    Pushed,
    Claimed,
    Released,
    Done,
    Confirmed,
    Reopened,
    Cancelled,
    Closed,
    /// The volunteer who holds it said when they expect to arrive (note: 30m, 1h, 2h, later).
    OnTheWay,
}

impl EventKind {
    pub fn code(self) -> &'static str {
        match self {
            EventKind::Created => "created",
            EventKind::Pushed => "pushed",
            EventKind::Claimed => "claimed",
            EventKind::Released => "released",
            EventKind::Done => "done",
            EventKind::Confirmed => "confirmed",
            EventKind::Reopened => "reopened",
            EventKind::Cancelled => "cancelled",
            EventKind::Closed => "closed",
            EventKind::OnTheWay => "on_the_way",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        assert_eq!(Status::from_code("lost"), None);
    }

    #[test]
    fn only_unfinished_requests_can_be_cancelled() {
        assert!(Status::Open.cancellable());
        assert!(Status::Claimed.cancellable());
        assert!(!Status::Done.cancellable());
        assert!(!Status::Closed.cancellable());
        assert!(!Status::Cancelled.cancellable());
    }
}
