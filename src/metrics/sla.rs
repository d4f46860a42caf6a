//! SLA results (SPEC §1 process rules, §4 `first_contact_sla`): first contact,
//! nurture interactions, proposal minutes. The checker turns misses into warnings
//! and the KPI counts them: one implementation for both.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::asof::AsOf;
use super::history::EntrySpan;
use crate::model::{Config, Deal, Lead, Stamp};

/// Outcome of a "B within N hours of A" rule as of the as-of instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaStatus {
    /// B happened within the limit.
    Met,
    /// B happened, later than the limit.
    Late,
    /// B has not happened and the limit has passed.
    Missing,
    /// B has not happened and the limit has not passed yet: not counted.
    Pending,
}

impl SlaStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaStatus::Met => "met",
            SlaStatus::Late => "late",
            SlaStatus::Missing => "missing",
            SlaStatus::Pending => "pending",
        }
    }
    /// Late or missing.
    pub fn is_miss(self) -> bool {
        matches!(self, SlaStatus::Late | SlaStatus::Missing)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlaOutcome {
    pub status: SlaStatus,
    /// When the clock started (assignment, presentation).
    pub start: Stamp,
    /// When the follow-up happened, if it has (as of the date).
    pub done: Option<Stamp>,
    /// Hours from start to follow-up, or to the as-of instant when not done.
    pub hours: f64,
    pub limit_hours: f64,
}

fn hours(d: Duration) -> f64 {
    d.num_seconds() as f64 / 3600.0
}

/// `start` + `h` hours; `None` when out of range (a limit that never passes).
fn deadline(start: DateTime<Utc>, h: f64) -> Option<DateTime<Utc>> {
    let ms = (h * 3_600_000.0).round();
    if !ms.is_finite() {
        return None;
    }
    start.checked_add_signed(Duration::try_milliseconds(ms as i64)?)
}

/// `done` within `limit_hours` after `start`, as of the date. `None` when `start`
/// has not happened.
pub fn within(
    start: Option<&Stamp>,
    done: Option<&Stamp>,
    limit_hours: f64,
    as_of: &AsOf,
) -> Option<SlaOutcome> {
    let start = *start.filter(|s| as_of.happened_at(s))?;
    let done = done.filter(|d| as_of.happened_at(d)).copied();
    let deadline = deadline(start.instant, limit_hours);
    let (status, h) = match done {
        Some(d) if deadline.is_none_or(|dl| d.instant <= dl) => {
            (SlaStatus::Met, hours(d.instant - start.instant))
        }
        Some(d) => (SlaStatus::Late, hours(d.instant - start.instant)),
        None if deadline.is_some_and(|dl| as_of.passed(dl)) => {
            (SlaStatus::Missing, hours(as_of.end - start.instant))
        }
        None => (SlaStatus::Pending, hours(as_of.end - start.instant)),
    };
    Some(SlaOutcome {
        status,
        start,
        done,
        hours: h,
        limit_hours,
    })
}

/// First contact within `sla.first_contact_hours` of assignment. `None` when the
/// lead is not assigned (or not yet, as of the date, or not acquired yet).
pub fn first_contact(config: &Config, lead: &Lead, as_of: &AsOf) -> Option<SlaOutcome> {
    if !as_of.happened(lead.acquired.value) {
        return None;
    }
    within(
        lead.assigned.as_ref().map(|s| &s.value),
        lead.first_contact.as_ref().map(|s| &s.value),
        config.sla.first_contact_hours,
        as_of,
    )
}

/// Minutes within `sla.minutes_hours` of a presentation, for one entry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MinutesCheck {
    /// Index into `deal.stages`.
    pub entry: usize,
    pub outcome: SlaOutcome,
}

/// Every entry with a `presented` date-time on or before the date.
pub fn minutes(config: &Config, deal: &Deal, as_of: &AsOf) -> Vec<MinutesCheck> {
    deal.stages
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let outcome = within(
                e.presented.as_ref().map(|s| &s.value),
                e.minutes_sent.as_ref().map(|s| &s.value),
                config.sla.minutes_hours,
                as_of,
            )?;
            Some(MinutesCheck { entry: i, outcome })
        })
        .collect()
}

/// Nurture interactions for one `nurture` entry of a deal's history.
#[derive(Debug, Clone, PartialEq)]
pub struct NurtureCheck {
    /// Index into `deal.stages`.
    pub entry: usize,
    pub entered: NaiveDate,
    pub end: NaiveDate,
    pub ongoing: bool,
    /// Started weeks: max(1, ⌈days / 7⌉).
    pub weeks: i64,
    /// weeks × `sla.nurture_interactions_per_week`.
    pub required: f64,
    /// Activities dated within [entered, end] and on or before the as-of date.
    pub actual: usize,
}

impl NurtureCheck {
    pub fn ok(&self) -> bool {
        self.actual as f64 >= self.required
    }
}

/// Nurture checks for the entries of stage `nurture` in `history`.
pub fn nurture(
    config: &Config,
    deal: &Deal,
    history: &[EntrySpan],
    as_of: &AsOf,
) -> Vec<NurtureCheck> {
    history
        .iter()
        .filter(|s| s.stage_id == "nurture")
        .filter_map(|s| {
            let entry = s.entry?;
            let weeks = ((s.days.max(0) + 6) / 7).max(1);
            let actual = deal
                .activities
                .iter()
                .filter(|a| {
                    let d = a.date.value;
                    d >= s.entered && d <= s.end && as_of.happened(d)
                })
                .count();
            Some(NurtureCheck {
                entry,
                entered: s.entered,
                end: s.end,
                ongoing: s.ongoing,
                weeks,
                required: weeks as f64 * config.sla.nurture_interactions_per_week,
                actual,
            })
        })
        .collect()
}
