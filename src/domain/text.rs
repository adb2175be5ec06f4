//! Free text typed by a person, checked once at the edge.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextError {
    Empty,
    TooLong { max: usize, got: usize },
}

/// Trimmed, non-empty text of at most `max` characters (Unicode scalar values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundedText(String);

impl BoundedText {
    pub fn parse(raw: &str, max: usize) -> Result<Self, TextError> {
        // Control characters other than newlines only make trouble in a chat message.
        let cleaned: String = raw
            .chars()
            .filter(|c| !c.is_control() || *c == '\n')
            .collect();
        let trimmed = cleaned.trim();
        if trimmed.is_empty() {
            return Err(TextError::Empty);
        }
        let got = trimmed.chars().count();
        if got > max {
            return Err(TextError::TooLong { max, got });
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BoundedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Limits on what people type, in characters.
pub mod limits {
    pub const NAME: usize = 100;
    pub const DETAILS: usize = 1000;
    pub const SETTLEMENT: usize = 100;
    pub const ADDRESS: usize = 200;
    pub const REASON: usize = 300;
    pub const SEARCH: usize = 100;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_accepts_text_within_the_limit() {
        assert_eq!(
            BoundedText::parse("  bread and milk \n", 20)
                .unwrap()
                .as_str(),
            "bread and milk"
        );
    }

    #[test]
    fn rejects_empty_and_whitespace_only_text() {
        assert_eq!(BoundedText::parse("", 10), Err(TextError::Empty));
        assert_eq!(BoundedText::parse(" \n\t ", 10), Err(TextError::Empty));
        assert_eq!(BoundedText::parse("\u{0007}", 10), Err(TextError::Empty));
    }

    #[test]
    fn counts_characters_not_bytes() {
        assert!(BoundedText::parse("молоко", 6).is_ok());
        assert_eq!(
            BoundedText::parse("молоко!", 6),
            Err(TextError::TooLong { max: 6, got: 7 })
        );
    }
}
