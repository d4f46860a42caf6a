//! The as-of rule (SPEC §4), in one place: the as-of instant is the end of the
//! as-of day in the team's time zone, and anything dated after it has not
//! happened yet.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::model::{Deal, DealStatus, Lead, Payment, StageEntry, Stamp, YearMonth, end_of_day};

/// The report date and the instant it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsOf {
    pub date: NaiveDate,
    /// The first instant after the as-of day in the team's time zone
    /// (exclusive end: something at `end` or later has not happened).
    pub end: DateTime<Utc>,
}

impl AsOf {
    pub fn new(date: NaiveDate, tz: Tz) -> Self {
        AsOf {
            date,
            end: end_of_day(date, tz),
        }
    }

    pub fn month(&self) -> YearMonth {
        YearMonth::of(self.date)
    }

    /// Whether something dated `d` has happened by the as-of date.
    pub fn happened(&self, d: NaiveDate) -> bool {
        d <= self.date
    }

    /// Whether something at this date-time has happened (by its date in the team's zone).
    pub fn happened_at(&self, s: &Stamp) -> bool {
        s.date <= self.date
    }

    /// Whether a deadline has passed by the as-of instant.
    pub fn passed(&self, deadline: DateTime<Utc>) -> bool {
        deadline < self.end
    }

    /// The date if it has happened, else `None`.
    pub fn filter(&self, d: Option<NaiveDate>) -> Option<NaiveDate> {
        d.filter(|d| self.happened(*d))
    }
}

/// A deal's status as of the date: won/lost only when closed on or before it.
pub fn deal_status(deal: &Deal, as_of: &AsOf) -> DealStatus {
    match (deal.status.value, deal_closed(deal, as_of)) {
        (s @ (DealStatus::Won | DealStatus::Lost), Some(_)) => s,
        _ => DealStatus::Open,
    }
}

/// The closing date, when the deal is won or lost and closed on or before the date.
pub fn deal_closed(deal: &Deal, as_of: &AsOf) -> Option<NaiveDate> {
    if deal.status.value == DealStatus::Open {
        return None;
    }
    as_of.filter(deal.closed.as_ref().map(|c| c.value))
}

/// The date a payment was received, when on or before the date.
pub fn payment_received(p: &Payment, as_of: &AsOf) -> Option<NaiveDate> {
    as_of.filter(p.received.as_ref().map(|r| r.value))
}

/// An entry's `completed`, when on or before the date.
pub fn entry_completed(e: &StageEntry, as_of: &AsOf) -> Option<NaiveDate> {
    as_of.filter(e.completed.as_ref().map(|c| c.value))
}

/// A lead acquired after the date does not exist yet.
pub fn lead_exists(lead: &Lead, as_of: &AsOf) -> bool {
    as_of.happened(lead.acquired.value)
}
