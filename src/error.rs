//! Error types, and what to do about each error Telegram can answer.

use std::time::Duration;

use teloxide::{ApiError, RequestError};

/// Anything a handler can fail with. A failed handler is logged; the person's state stays as it was
/// because every change is one transaction.
#[derive(Debug, thiserror::Error)]
pub enum HandlerError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("telegram: {0}")]
    Telegram(#[from] RequestError),
    #[error("state: {0}")]
    State(String),
}

pub type HandlerResult = Result<(), HandlerError>;

/// How the sender treats a failed send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendFailure {
    /// 429: pause all sending for this long; the message stays queued.
    RetryAfter(Duration),
    /// 403 and friends: the person blocked the bot or is gone; stop writing to them.
    Unreachable,
    /// The edit would change nothing: as good as sent.
    NotModified,
    /// The message to edit is gone or too old; nothing to do.
    Gone,
    /// The group became a supergroup with this id.
    Migrated(i64),
    /// Network trouble or a server error: try again later.
    Transient,
    /// A request Telegram will never accept; retrying cannot help.
    Permanent,
}

pub fn classify(e: &RequestError) -> SendFailure {
    match e {
        RequestError::RetryAfter(secs) => SendFailure::RetryAfter(secs.duration()),
        RequestError::MigrateToChatId(id) => SendFailure::Migrated(id.0),
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => {
            SendFailure::Transient
        }
        RequestError::Api(api) => match api {
            ApiError::BotBlocked
            | ApiError::UserDeactivated
            | ApiError::CantInitiateConversation
            | ApiError::CantTalkWithBots
            | ApiError::ChatNotFound
            | ApiError::UserNotFound
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::BotKickedFromChannel
            | ApiError::GroupDeactivated
            | ApiError::NotEnoughRightsToPostMessages => SendFailure::Unreachable,
            ApiError::MessageNotModified => SendFailure::NotModified,
            ApiError::MessageToEditNotFound
            | ApiError::MessageCantBeEdited
            | ApiError::MessageIdInvalid => SendFailure::Gone,
            ApiError::Unknown(text) => {
                let t = text.to_ascii_lowercase();
                if t.contains("internal server error")
                    || t.contains("bad gateway")
                    || t.contains("gateway")
                    || t.contains("unavailable")
                {
                    SendFailure::Transient
                } else if t.starts_with("forbidden") {
                    SendFailure::Unreachable
                } else {
                    SendFailure::Permanent
                }
            }
            _ => SendFailure::Permanent,
        },
    }
}

/// Removes the bot token from any text before it reaches a log line: it is part of every Bot API URL.
#[derive(Clone)]
pub struct Redactor {
    token: String,
}

impl Redactor {
    pub fn new(token: &str) -> Self {
        Self {
            token: token.to_owned(),
        }
    }

    pub fn clean(&self, text: impl std::fmt::Display) -> String {
        let text = text.to_string();
        if self.token.is_empty() {
            text
        } else {
            text.replace(&self.token, "<token>")
        }
    }
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Redactor")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use teloxide::types::Seconds;

    #[test]
    fn telegram_errors_map_to_what_the_sender_does() {
        assert_eq!(
            classify(&RequestError::RetryAfter(Seconds::from_seconds(3))),
            SendFailure::RetryAfter(Duration::from_secs(3))
        );
        assert_eq!(
            classify(&RequestError::Api(ApiError::BotBlocked)),
            SendFailure::Unreachable
        );
        assert_eq!(
            classify(&RequestError::Api(ApiError::MessageNotModified)),
            SendFailure::NotModified
        );
        assert_eq!(
            classify(&RequestError::Api(ApiError::MessageToEditNotFound)),
            SendFailure::Gone
        );
        assert_eq!(
            classify(&RequestError::Api(ApiError::Unknown(
                "Internal Server Error".into()
            ))),
            SendFailure::Transient
        );
        assert_eq!(
            classify(&RequestError::Api(ApiError::Unknown(
                "Bad Request: can't parse entities".into()
            ))),
            SendFailure::Permanent
        );
    }

    #[test]
    fn the_token_never_survives_redaction() {
        let r = Redactor::new("123:SECRET");
        assert_eq!(
            r.clean("POST https://api.telegram.org/bot123:SECRET/SendMessage failed"),
            "POST https://api.telegram.org/bot<token>/SendMessage failed"
        );
    }
}
