//! Dates and instants as the team means them.

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// A date-time written in a record: the instant, and its calendar date in the
/// team's time zone (which decides its month and day counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    pub instant: DateTime<Utc>,
    pub date: NaiveDate,
}

/// The end of a date in the team's zone: the first instant of the next day.
pub fn end_of_day(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let next = date.checked_add_days(Days::new(1)).unwrap_or(date);
    let midnight = next.and_hms_opt(0, 0, 0).unwrap_or_default();
    match tz.from_local_datetime(&midnight) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.with_timezone(&Utc)
        }
        // Midnight falls in a DST gap: the day ends when the gap starts.
        chrono::LocalResult::None => tz.from_utc_datetime(&midnight).with_timezone(&Utc),
    }
}

/// Whole days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}
