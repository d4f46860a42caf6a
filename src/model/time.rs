//! Dates and instants as the team means them.

use chrono::{DateTime, NaiveDate, Utc};

/// A date-time written in a record: the instant, and its calendar date in the
/// team's time zone (which decides its month and day counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    pub instant: DateTime<Utc>,
    pub date: NaiveDate,
}

/// Whole days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}
