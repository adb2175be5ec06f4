//! Money a volunteer spent, in rubles as people type them ("350", "350,50", "350 руб"), kept in
//! minor units (kopecks) as an integer.

/// The most one receipt may claim, in kopecks (100 000 ₽): above that a typing slip is likelier
/// than a real purchase for one visit.
pub const MAX_MINOR: i64 = 100_000 * 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    /// Not a number we can read.
    Unreadable,
    /// Zero, or more than `MAX_MINOR`.
    OutOfBounds,
}

/// A positive amount of rubles, in kopecks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount(i64);

impl Amount {
    pub fn parse(raw: &str) -> Result<Amount, AmountError> {
        let lower = raw.trim().to_lowercase();
        // The currency may come before or after the number, with or without a space or a dot.
        let mut s = lower.as_str();
        for word in [
            "рублей",
            "рубля",
            "рубль",
            "руб.",
            "руб",
            "р.",
            "р",
            "₽",
            "rubles",
            "roubles",
            "rub.",
            "rub",
            "rur",
        ] {
            s = s.trim().trim_end_matches(word).trim();
            s = s.strip_prefix(word).unwrap_or(s).trim();
        }
        // Thousands may be grouped with spaces (also the narrow no-break ones Telegram keeps).
        let digits: String = s
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\''))
            .collect();
        if digits.is_empty() || digits.starts_with(['-', '+']) {
            return Err(AmountError::Unreadable);
        }
        let digits = digits.replace(',', ".");
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits.as_str(), ""),
        };
        let all_digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() && frac.is_empty()
            || !all_digits(whole)
            || !all_digits(frac)
            || frac.len() > 2
            || whole.len() > 9
        {
            return Err(AmountError::Unreadable);
        }
        let rubles: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| AmountError::Unreadable)?
        };
        let kopecks: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| AmountError::Unreadable)? * 10,
            _ => frac.parse().map_err(|_| AmountError::Unreadable)?,
        };
        let minor = rubles * 100 + kopecks;
        if minor <= 0 || minor > MAX_MINOR {
            return Err(AmountError::OutOfBounds);
        }
        Ok(Amount(minor))
    }

    pub fn from_minor(minor: i64) -> Amount {
        Amount(minor)
    }

    pub fn minor(self) -> i64 {
        self.0
    }

    /// "1 250,50 ₽" (Russian) or "1,250.50 ₽" (English); whole rubles without kopecks.
    pub fn display(self, russian: bool) -> String {
        let (group, point) = if russian { ('\u{a0}', ',') } else { (',', '.') };
        let (rubles, kopecks) = (self.0 / 100, self.0 % 100);
        let raw = rubles.to_string();
        let mut grouped = String::new();
        for (i, c) in raw.chars().enumerate() {
            if i > 0 && (raw.len() - i) % 3 == 0 {
                grouped.push(group);
            }
            grouped.push(c);
        }
        if kopecks == 0 {
            format!("{grouped}\u{a0}₽")
        } else {
            format!("{grouped}{point}{kopecks:02}\u{a0}₽")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minor(s: &str) -> Result<i64, AmountError> {
        Amount::parse(s).map(Amount::minor)
    }

    #[test]
    fn reads_amounts_as_people_type_them() {
        assert_eq!(minor("350"), Ok(35_000));
        assert_eq!(minor("350,50"), Ok(35_050));
        assert_eq!(minor("350.5"), Ok(35_050));
        assert_eq!(minor("350 руб"), Ok(35_000));
        assert_eq!(minor("350 руб."), Ok(35_000));
        assert_eq!(minor("350р"), Ok(35_000));
        assert_eq!(minor("350 ₽"), Ok(35_000));
        assert_eq!(minor("350 рублей"), Ok(35_000));
        assert_eq!(minor("RUB 99.99"), Ok(9_999));
        assert_eq!(minor("1 250,00"), Ok(125_000));
        assert_eq!(minor("1\u{a0}250"), Ok(125_000));
        assert_eq!(minor(" 0,5 "), Ok(50));
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for s in [
            "",
            "abc",
            "12,345,6",
            "3.333",
            "-50",
            "+50",
            "50$",
            "пятьсот",
            ",",
            "1.2.3",
        ] {
            assert_eq!(minor(s), Err(AmountError::Unreadable), "{s:?}");
        }
        assert_eq!(minor("0"), Err(AmountError::OutOfBounds));
        assert_eq!(minor("0,00"), Err(AmountError::OutOfBounds));
        assert_eq!(minor("100000,01"), Err(AmountError::OutOfBounds));
        assert_eq!(minor("100000"), Ok(MAX_MINOR));
        assert_eq!(minor("9999999999"), Err(AmountError::Unreadable));
    }

    #[test]
    fn shows_amounts_in_each_language() {
        assert_eq!(Amount::from_minor(35_050).display(true), "350,50\u{a0}₽");
        assert_eq!(Amount::from_minor(35_000).display(false), "350\u{a0}₽");
        assert_eq!(
            Amount::from_minor(125_005).display(true),
            "1\u{a0}250,05\u{a0}₽"
        );
        assert_eq!(
            Amount::from_minor(123_456_700).display(false),
            "1,234,567\u{a0}₽"
        );
    }
}
