//! Settings from the environment (and an optional `.env`, loaded by `main`).

use std::time::Duration;

use chrono::NaiveTime;
use url::Url;

use crate::domain::duty::QuietHours;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} is not set: put it into .env (see .env.example)")]
    Missing(&'static str),
    #[error("{name} has an unreadable value {value:?}: {hint}")]
    Malformed {
        name: &'static str,
        value: String,
        hint: &'static str,
    },
}

/// How fast the outbox may send. Telegram's documented limits are the defaults; tests shorten them.
#[derive(Debug, Clone)]
pub struct SendLimits {
    /// Messages per second across all chats.
    pub per_second: u32,
    /// Minimum gap between two messages to one private chat.
    pub per_chat_gap: Duration,
    /// Messages per minute to one group.
    pub group_per_minute: u32,
    /// Sends in flight at once (Bot API round trips overlap).
    pub concurrency: usize,
    /// Attempts before a message that keeps failing with network or server errors is given up.
    pub max_attempts: u32,
}

impl Default for SendLimits {
    fn default() -> Self {
        Self {
            per_second: 30,
            per_chat_gap: Duration::from_secs(1),
            group_per_minute: 20,
            concurrency: 8,
            max_attempts: 8,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub token: String,
    pub api_url: Option<Url>,
    pub database_url: String,
    pub require_volunteer_approval: bool,
    /// A request marked done with no answer from the requester is closed after this long.
    pub confirm_timeout: Duration,
    /// Operators: they appoint club leads, and approve volunteers of regions without a lead.
    pub admin_ids: Vec<i64>,
    /// When leads get their daily digest, in each region's own time zone.
    pub digest_time: NaiveTime,
    /// An unclaimed "today" request alerts the region's leads after this long.
    pub escalate_after_urgent: Duration,
    /// Any other unclaimed request alerts the leads after this long.
    pub escalate_after: Duration,
    /// A claimed request not done after this long: its volunteer is asked whether they are on it.
    pub remind_after: Duration,
    /// A claimed request not done after this long: the region's leads are alerted.
    pub stuck_after: Duration,
    /// Address and phone of a closed or cancelled request are erased this many days after it ends.
    pub retention_days: u32,
    /// Unfinished requests one requester may have at once.
    pub max_open_requests: u32,
    /// Messages and button presses one person may send per minute; more are dropped cheaply.
    pub messages_per_minute: u32,
    /// When pushes to volunteers wait for the morning, in the request's region's time; `None`: never.
    /// Each volunteer may choose other hours or none.
    pub quiet_hours: Option<QuietHours>,
    /// Requests one volunteer may hold at once (a lead's assignment may go past it).
    pub max_active_claims: u32,
    pub send_limits: SendLimits,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://mutual-aid.db";

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `get`, so tests can build a Config without touching the process environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            get(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let token = get("TELOXIDE_TOKEN").ok_or(ConfigError::Missing("TELOXIDE_TOKEN"))?;
        if token.contains(char::is_whitespace) || !token.contains(':') {
            // Never echo the token itself.
            return Err(ConfigError::Malformed {
                name: "TELOXIDE_TOKEN",
                value: "<hidden>".into(),
                hint: "expected the token from @BotFather, like 123456:ABC-DEF…",
            });
        }
        let api_url = match get("TELOXIDE_API_URL") {
            None => None,
            Some(v) => Some(Url::parse(&v).map_err(|_| ConfigError::Malformed {
                name: "TELOXIDE_API_URL",
                value: v.clone(),
                hint: "expected a URL such as https://api.telegram.org",
            })?),
        };
        let database_url = get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if !database_url.starts_with("sqlite:") {
            return Err(ConfigError::Malformed {
                name: "DATABASE_URL",
                value: database_url,
                hint: "expected sqlite://path/to/file.db",
            });
        }
        let require_volunteer_approval = match get("REQUIRE_VOLUNTEER_APPROVAL") {
            None => true,
            Some(v) => parse_bool(&v).ok_or(ConfigError::Malformed {
                name: "REQUIRE_VOLUNTEER_APPROVAL",
                value: v,
                hint: "expected true or false",
            })?,
        };
        let duration = |name: &'static str, default_hours: u64| -> Result<Duration, ConfigError> {
            match get(name) {
                None => Ok(Duration::from_secs(default_hours * 3600)),
                Some(v) => humantime::parse_duration(&v).map_err(|_| ConfigError::Malformed {
                    name,
                    value: v,
                    hint: "expected a duration such as 48h, 2d or 90m",
                }),
            }
        };
        let number = |name: &'static str, default: u32| -> Result<u32, ConfigError> {
            match get(name) {
                None => Ok(default),
                Some(v) => v
                    .parse::<u32>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(ConfigError::Malformed {
                        name,
                        value: v,
                        hint: "expected a whole number above zero",
                    }),
            }
        };
        let duration_ms = |name: &'static str, default_ms: u64| -> Result<Duration, ConfigError> {
            match get(name) {
                None => Ok(Duration::from_millis(default_ms)),
                Some(v) => humantime::parse_duration(&v).map_err(|_| ConfigError::Malformed {
                    name,
                    value: v,
                    hint: "expected a duration such as 1s or 50ms",
                }),
            }
        };
        let admin_ids = match get("ADMIN_IDS") {
            None => vec![],
            Some(v) => v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.parse::<i64>().ok().filter(|id| *id > 0))
                .collect::<Option<Vec<i64>>>()
                .ok_or(ConfigError::Malformed {
                    name: "ADMIN_IDS",
                    value: v,
                    hint: "expected Telegram user ids separated by commas, like 12345,67890",
                })?,
        };
        let digest_time = match get("DIGEST_TIME") {
            None => NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
            Some(v) => {
                NaiveTime::parse_from_str(&v, "%H:%M").map_err(|_| ConfigError::Malformed {
                    name: "DIGEST_TIME",
                    value: v,
                    hint: "expected a time of day such as 09:00",
                })?
            }
        };
        let quiet_hours = match get("QUIET_HOURS") {
            None => Some(QuietHours::at(22, 8)),
            Some(v) if v.eq_ignore_ascii_case("off") => None,
            Some(v) => Some(QuietHours::parse(&v).ok_or(ConfigError::Malformed {
                name: "QUIET_HOURS",
                value: v,
                hint: "expected a span of the day such as 22:00-08:00, or off",
            })?),
        };
        Ok(Self {
            token,
            api_url,
            database_url,
            require_volunteer_approval,
            confirm_timeout: duration("CONFIRM_TIMEOUT", 48)?,
            admin_ids,
            digest_time,
            escalate_after_urgent: duration("ESCALATE_AFTER_URGENT", 2)?,
            escalate_after: duration("ESCALATE_AFTER", 24)?,
            remind_after: duration("REMIND_AFTER", 24)?,
            stuck_after: duration("STUCK_AFTER", 48)?,
            retention_days: number("RETENTION_DAYS", 30)?,
            max_open_requests: number("MAX_OPEN_REQUESTS", 5)?,
            messages_per_minute: number("MESSAGES_PER_MINUTE", 30)?,
            quiet_hours,
            max_active_claims: number("MAX_ACTIVE_CLAIMS", 3)?,
            send_limits: SendLimits {
                per_second: number("SEND_PER_SECOND", 30)?,
                per_chat_gap: duration_ms("SEND_CHAT_GAP", 1000)?,
                ..SendLimits::default()
            },
        })
    }
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn a_token_alone_gives_the_defaults() {
        let c = config(&[("TELOXIDE_TOKEN", "123:abc")]).unwrap();
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert!(c.require_volunteer_approval);
        assert!(c.admin_ids.is_empty());
        assert_eq!(c.digest_time, NaiveTime::from_hms_opt(9, 0, 0).unwrap());
        assert_eq!(c.escalate_after_urgent, Duration::from_secs(2 * 3600));
        assert_eq!(c.confirm_timeout, Duration::from_secs(48 * 3600));
        assert!(c.api_url.is_none());
    }

    #[test]
    fn a_missing_token_is_named() {
        let err = config(&[]).unwrap_err();
        assert_eq!(err, ConfigError::Missing("TELOXIDE_TOKEN"));
        assert!(err.to_string().starts_with("TELOXIDE_TOKEN is not set"));
    }

    #[test]
    fn operators_and_times_are_read() {
        let c = config(&[
            ("TELOXIDE_TOKEN", "1:a"),
            ("ADMIN_IDS", " 42, 7 "),
            ("DIGEST_TIME", "07:30"),
            ("ESCALATE_AFTER", "90m"),
            ("REQUIRE_VOLUNTEER_APPROVAL", "no"),
        ])
        .unwrap();
        assert_eq!(c.admin_ids, [42, 7]);
        assert_eq!(c.digest_time, NaiveTime::from_hms_opt(7, 30, 0).unwrap());
        assert_eq!(c.escalate_after, Duration::from_secs(90 * 60));
        assert!(!c.require_volunteer_approval);
        for (name, bad) in [
            ("ADMIN_IDS", "42,bob"),
            ("DIGEST_TIME", "9am"),
            ("STUCK_AFTER", "later"),
        ] {
            let err = config(&[("TELOXIDE_TOKEN", "1:a"), (name, bad)]).unwrap_err();
            assert!(err.to_string().starts_with(name), "{err}");
        }
    }

    #[test]
    fn quiet_hours_and_the_claim_limit_are_read() {
        let c = config(&[("TELOXIDE_TOKEN", "1:a")]).unwrap();
        assert_eq!(c.quiet_hours, Some(QuietHours::at(22, 8)));
        assert_eq!(c.max_active_claims, 3);
        let c = config(&[
            ("TELOXIDE_TOKEN", "1:a"),
            ("QUIET_HOURS", "23:30-07:00"),
            ("MAX_ACTIVE_CLAIMS", "5"),
        ])
        .unwrap();
        assert_eq!(
            c.quiet_hours.map(|q| q.code()).as_deref(),
            Some("23:30-07:00")
        );
        assert_eq!(c.max_active_claims, 5);
        let c = config(&[("TELOXIDE_TOKEN", "1:a"), ("QUIET_HOURS", "Off")]).unwrap();
        assert_eq!(c.quiet_hours, None);
        for (name, bad) in [
            ("QUIET_HOURS", "night"),
            ("QUIET_HOURS", "22:00-22:00"),
            ("MAX_ACTIVE_CLAIMS", "0"),
            ("MAX_ACTIVE_CLAIMS", "three"),
        ] {
            let err = config(&[("TELOXIDE_TOKEN", "1:a"), (name, bad)]).unwrap_err();
            let line = err.to_string();
            assert!(line.starts_with(name) && !line.contains('\n'), "{line}");
        }
    }

    #[test]
    fn malformed_settings_are_named_and_the_token_is_never_echoed() {
        let err = config(&[
            ("TELOXIDE_TOKEN", "123:abc"),
            ("REQUIRE_VOLUNTEER_APPROVAL", "maybe"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("REQUIRE_VOLUNTEER_APPROVAL"));
        let err = config(&[("TELOXIDE_TOKEN", "secret token")]).unwrap_err();
        assert!(!err.to_string().contains("secret"));
        let err =
            config(&[("TELOXIDE_TOKEN", "1:a"), ("TELOXIDE_API_URL", "not a url")]).unwrap_err();
        assert!(err.to_string().contains("TELOXIDE_API_URL"));
        let err = config(&[("TELOXIDE_TOKEN", "1:a"), ("CONFIRM_TIMEOUT", "soon")]).unwrap_err();
        assert!(err.to_string().contains("CONFIRM_TIMEOUT"));
    }
}
