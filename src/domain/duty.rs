//! A volunteer's duty: quiet hours (when announcements wait for the morning) and the weekly
//! rhythm of repeated help. Plain rules over times; no Telegram, no SQL.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// A stretch of the day, in the region's own time, during which pushes wait. It may run over
/// midnight (22:00–08:00).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

/// The choices a volunteer gets, besides "off" and the deployment's default.
pub const PRESETS: [QuietHours; 3] = [
    QuietHours::at(21, 8),
    QuietHours::at(22, 8),
    QuietHours::at(23, 7),
];

impl QuietHours {
    /// Whole hours, for the presets.
    pub const fn at(start_hour: u32, end_hour: u32) -> Self {
        let start = match NaiveTime::from_hms_opt(start_hour, 0, 0) {
            Some(t) => t,
            None => NaiveTime::MIN,
        };
        let end = match NaiveTime::from_hms_opt(end_hour, 0, 0) {
            Some(t) => t,
            None => NaiveTime::MIN,
        };
        Self { start, end }
    }

    /// "22:00-08:00" (a dash or an en dash; spaces allowed). Start and end must differ.
    pub fn parse(s: &str) -> Option<Self> {
        let (a, b) = s.split_once(['-', '–'])?;
        let start = NaiveTime::parse_from_str(a.trim(), "%H:%M").ok()?;
        let end = NaiveTime::parse_from_str(b.trim(), "%H:%M").ok()?;
        (start != end).then_some(Self { start, end })
    }

    /// How it is stored and shown: "22:00-08:00".
    pub fn code(&self) -> String {
        format!(
            "{}-{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }

    /// "22:00–08:00", for people.
    pub fn label(&self) -> String {
        format!(
            "{}–{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }

    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start < self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }

    /// If `now` falls in these hours where the region is, the moment they end.
    pub fn held_until(&self, now: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        let local = now.with_timezone(&tz).naive_local();
        if !self.contains(local.time()) {
            return None;
        }
        let end_date = if self.start > self.end && local.time() >= self.start {
            local.date() + Duration::days(1)
        } else {
            local.date()
        };
        Some(local_to_utc(tz, end_date.and_time(self.end)))
    }
}

/// A volunteer's own choice about quiet hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuietChoice {
    /// The deployment's QUIET_HOURS.
    Default,
    Off,
    Hours(QuietHours),
}

impl QuietChoice {
    /// From the stored column: NULL → default, "off", or "HH:MM-HH:MM".
    pub fn from_stored(s: Option<&str>) -> Self {
        match s {
            None => QuietChoice::Default,
            Some("off") => QuietChoice::Off,
            Some(v) => QuietHours::parse(v).map_or(QuietChoice::Default, QuietChoice::Hours),
        }
    }

    pub fn stored(&self) -> Option<String> {
        match self {
            QuietChoice::Default => None,
            QuietChoice::Off => Some("off".to_owned()),
            QuietChoice::Hours(h) => Some(h.code()),
        }
    }

    /// The hours in force, given the deployment's default.
    pub fn effective(&self, default: Option<QuietHours>) -> Option<QuietHours> {
        match self {
            QuietChoice::Default => default,
            QuietChoice::Off => None,
            QuietChoice::Hours(h) => Some(*h),
        }
    }
}

/// A local time as a UTC instant; in a gap (a clock moved forward) the first moment after it.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => local_to_utc(tz, local + Duration::hours(1)),
    }
}

/// When a weekly repeat creates its request on `date`: in the morning, where the region is.
pub const REPEAT_AT: NaiveTime = match NaiveTime::from_hms_opt(9, 0, 0) {
    Some(t) => t,
    None => NaiveTime::MIN,
};

/// How long the volunteer who helped last time has the repeat to themselves.
pub const FIRST_OFFER: Duration = Duration::hours(2);

/// The first repeat's date: a week after the help came (`helped_on`, the region's date), but never
/// today or earlier.
pub fn first_repeat_on(helped_on: NaiveDate, today: NaiveDate) -> NaiveDate {
    let mut d = helped_on + Duration::days(7);
    while d <= today {
        d += Duration::days(7);
    }
    d
}

/// The moment a repeat's request is created on `date` in the region.
pub fn repeat_moment(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    local_to_utc(tz, date.and_time(REPEAT_AT))
}

/// The first day of the month `now` is in, where `tz` is, as a UTC instant.
pub fn month_start(now: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    let local = now.with_timezone(&tz).date_naive();
    let first = NaiveDate::from_ymd_opt(
        chrono::Datelike::year(&local),
        chrono::Datelike::month(&local),
        1,
    )
    .unwrap_or(local);
    local_to_utc(tz, first.and_time(NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    const MOSCOW: Tz = chrono_tz::Europe::Moscow;

    #[test]
    fn quiet_hours_parse_and_print() {
        let q = QuietHours::parse(" 22:00 - 08:00 ").unwrap();
        assert_eq!(q, QuietHours::at(22, 8));
        assert_eq!(q.code(), "22:00-08:00");
        assert_eq!(
            QuietHours::parse("23:30–07:15").unwrap().code(),
            "23:30-07:15"
        );
        for bad in ["", "22:00", "22-08", "25:00-08:00", "08:00-08:00", "night"] {
            assert_eq!(QuietHours::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn hours_over_midnight_hold_until_the_next_morning() {
        let q = QuietHours::at(22, 8);
        // 23:00 in Moscow (UTC+3) → held until 08:00 Moscow the next day.
        assert_eq!(
            q.held_until(utc("2026-12-01T20:00:00Z"), MOSCOW),
            Some(utc("2026-12-02T05:00:00Z"))
        );
        // 03:00 in Moscow → until 08:00 the same day.
        assert_eq!(
            q.held_until(utc("2026-12-02T00:00:00Z"), MOSCOW),
            Some(utc("2026-12-02T05:00:00Z"))
        );
        // 08:00 sharp and noon are not quiet; 22:00 sharp is.
        assert_eq!(q.held_until(utc("2026-12-02T05:00:00Z"), MOSCOW), None);
        assert_eq!(q.held_until(utc("2026-12-02T09:00:00Z"), MOSCOW), None);
        assert!(q.held_until(utc("2026-12-02T19:00:00Z"), MOSCOW).is_some());
    }

    #[test]
    fn the_same_moment_is_quiet_in_one_zone_and_not_in_another() {
        let q = QuietHours::at(22, 8);
        let now = utc("2026-12-01T16:00:00Z"); // 19:00 Moscow, 04:00 Kamchatka (UTC+12)
        assert_eq!(q.held_until(now, MOSCOW), None);
        assert_eq!(
            q.held_until(now, chrono_tz::Asia::Kamchatka),
            Some(utc("2026-12-01T20:00:00Z"))
        );
    }

    #[test]
    fn hours_within_one_day_work_too() {
        let q = QuietHours::parse("13:00-15:00").unwrap();
        assert!(q.contains(NaiveTime::from_hms_opt(14, 0, 0).unwrap()));
        assert!(!q.contains(NaiveTime::from_hms_opt(23, 0, 0).unwrap()));
    }

    #[test]
    fn a_choice_falls_back_to_the_default() {
        let default = Some(QuietHours::at(22, 8));
        assert_eq!(QuietChoice::from_stored(None).effective(default), default);
        assert_eq!(
            QuietChoice::from_stored(Some("off")).effective(default),
            None
        );
        let own = QuietChoice::from_stored(Some("23:00-07:00"));
        assert_eq!(own.effective(default), Some(QuietHours::at(23, 7)));
        assert_eq!(own.stored().as_deref(), Some("23:00-07:00"));
        assert_eq!(QuietChoice::Default.effective(None), None);
    }

    #[test]
    fn repeats_fall_on_the_same_weekday_in_the_future() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            first_repeat_on(d("2026-12-01"), d("2026-12-02")),
            d("2026-12-08")
        );
        assert_eq!(
            first_repeat_on(d("2026-12-01"), d("2026-12-08")),
            d("2026-12-15")
        );
        assert_eq!(
            repeat_moment(d("2026-12-08"), MOSCOW),
            utc("2026-12-08T06:00:00Z")
        );
    }

    #[test]
    fn a_month_starts_where_the_region_is() {
        // 1 December 01:00 Moscow is still November in UTC.
        let now = utc("2026-11-30T22:00:00Z");
        assert_eq!(month_start(now, MOSCOW), utc("2026-11-30T21:00:00Z"));
        assert_eq!(
            month_start(now, chrono_tz::UTC),
            utc("2026-11-01T00:00:00Z")
        );
    }
}
