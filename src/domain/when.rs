//! "When is the help needed": today, within three days, or a date typed by the person.

use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    Unreadable,
    Past,
    TooFar,
}

/// How far ahead a request may be dated.
pub const MAX_DAYS_AHEAD: i64 = 365;

/// Reads "15.12", "15.12.2026", "15/12/26", "2026-12-15" relative to `today` (the region's date).
/// A day and month without a year mean the next such date that is not in the past.
pub fn parse_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, DateError> {
    let raw = raw.trim();
    let date = if let Ok(d) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        d
    } else {
        let parts: Vec<&str> = raw
            .split(['.', '/', '-', ' '])
            .filter(|p| !p.is_empty())
            .collect();
        let num = |s: &str| s.parse::<u32>().map_err(|_| DateError::Unreadable);
        match parts.as_slice() {
            [d, m] => {
                let (d, m) = (num(d)?, num(m)?);
                let this_year =
                    NaiveDate::from_ymd_opt(today.year(), m, d).ok_or(DateError::Unreadable)?;
                if this_year < today {
                    NaiveDate::from_ymd_opt(today.year() + 1, m, d).ok_or(DateError::Unreadable)?
                } else {
                    this_year
                }
            }
            [d, m, y] => {
                let (d, m, mut y) = (num(d)?, num(m)?, num(y)? as i32);
                if y < 100 {
                    y += 2000;
                }
                NaiveDate::from_ymd_opt(y, m, d).ok_or(DateError::Unreadable)?
            }
            _ => return Err(DateError::Unreadable),
        }
    };
    if date < today {
        return Err(DateError::Past);
    }
    if (date - today).num_days() > MAX_DAYS_AHEAD {
        return Err(DateError::TooFar);
    }
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn reads_the_usual_ways_of_writing_a_date() {
        let today = d(2026, 11, 27);
        assert_eq!(parse_date("15.12", today), Ok(d(2026, 12, 15)));
        assert_eq!(parse_date("15.12.2026", today), Ok(d(2026, 12, 15)));
        assert_eq!(parse_date("15/12/26", today), Ok(d(2026, 12, 15)));
        assert_eq!(parse_date("2026-12-15", today), Ok(d(2026, 12, 15)));
        assert_eq!(parse_date("27.11", today), Ok(today));
    }

    #[test]
    fn a_day_and_month_already_past_this_year_mean_next_year() {
        assert_eq!(parse_date("10.01", d(2026, 11, 27)), Ok(d(2027, 1, 10)));
    }

    #[test]
    fn refuses_past_unreadable_and_far_dates() {
        let today = d(2026, 11, 27);
        assert_eq!(parse_date("01.01.2020", today), Err(DateError::Past));
        assert_eq!(
            parse_date("tomorrow-ish", today),
            Err(DateError::Unreadable)
        );
        assert_eq!(parse_date("31.02.2027", today), Err(DateError::Unreadable));
        assert_eq!(parse_date("01.01.2030", today), Err(DateError::TooFar));
    }
}
