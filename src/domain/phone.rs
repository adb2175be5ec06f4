//! Phone numbers as people type them: "8 (912) 345-67-89", "+7 912 345 67 89", "+44 20 7946 0958".

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Normalises to `+` and digits. A Russian number written with a leading 8 becomes +7.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        if raw.is_empty() || raw.chars().count() > 32 {
            return None;
        }
        let allowed = |c: char| c.is_ascii_digit() || " +-()./".contains(c);
        if !raw.chars().all(allowed) || raw[1..].contains('+') {
            return None;
        }
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        let normalised = if raw.starts_with('+') {
            digits
        } else if digits.len() == 11 && (digits.starts_with('8') || digits.starts_with('7')) {
            format!("7{}", &digits[1..])
        } else if digits.len() == 10 && digits.starts_with('9') {
            // A Russian mobile number typed without the country code.
            format!("7{digits}")
        } else {
            digits
        };
        if !(10..=15).contains(&normalised.len()) {
            return None;
        }
        Some(Self(format!("+{normalised}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_the_ways_russian_numbers_are_written() {
        for raw in [
            "8 (912) 345-67-89",
            "+7 912 345 67 89",
            "79123456789",
            "9123456789",
        ] {
            assert_eq!(Phone::parse(raw).unwrap().as_str(), "+79123456789", "{raw}");
        }
    }

    #[test]
    fn keeps_foreign_numbers_with_a_plus() {
        assert_eq!(
            Phone::parse("+44 20 7946 0958").unwrap().as_str(),
            "+442079460958"
        );
    }

    #[test]
    fn rejects_what_is_not_a_phone_number() {
        for raw in [
            "",
            "hello",
            "12345",
            "+7 912 345 67 89 12 34 56 78",
            "+7+9123456789",
            "8-912-abc",
        ] {
            assert!(Phone::parse(raw).is_none(), "{raw}");
        }
    }
}
