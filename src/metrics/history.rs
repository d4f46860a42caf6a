//! Stage history of a deal (SPEC §2.4): the implicit `lead` entry, entry ends
//! and durations, as of the as-of date.

use chrono::NaiveDate;

use super::asof::{self, AsOf};
use crate::model::{Config, Deal, DealStatus, Lead, days_between};

/// Which rule of SPEC §2.4 ended an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndRule {
    /// (1) its `completed` date.
    Completed,
    /// (2) the deal's `closed` date (last entry at or before the closing stage).
    Closed,
    /// (3) the next entry's `entered`.
    Next,
    /// (4) still running: ends at the as-of date.
    Ongoing,
}

/// One entry of a deal's stage history as of the as-of date.
#[derive(Debug, Clone, PartialEq)]
pub struct EntrySpan {
    /// Position of the stage in `config.stages`; `None` for an unknown stage id
    /// (a dangling reference, reported by the checker).
    pub stage: Option<usize>,
    pub stage_id: String,
    /// Index into `deal.stages`; `None` for the implicit `lead` entry.
    pub entry: Option<usize>,
    pub entered: NaiveDate,
    pub end: NaiveDate,
    /// `end − entered` in whole days.
    pub days: i64,
    pub ongoing: bool,
    pub rule: EndRule,
}

/// The stage history of `deal` as of `as_of`. `lead` is the deal's linked lead
/// (see [`crate::model::Repo::deal_lead`]); a lead acquired after the as-of date
/// does not exist, so its implicit entry is dropped like any later entry.
///
/// Unknown stage ids count as before the closing stage.
pub fn stage_history(
    config: &Config,
    deal: &Deal,
    lead: Option<&Lead>,
    as_of: &AsOf,
) -> Vec<EntrySpan> {
    struct Raw {
        stage: Option<usize>,
        stage_id: String,
        entry: Option<usize>,
        entered: NaiveDate,
        completed: Option<NaiveDate>,
    }
    let mut raw = Vec::with_capacity(deal.stages.len() + 1);
    let starts_with_lead = deal.stages.first().is_some_and(|e| e.stage.value == "lead");
    if let (Some(lead), Some(li)) = (lead, config.stage_index("lead"))
        && !starts_with_lead
    {
        raw.push(Raw {
            stage: Some(li),
            stage_id: "lead".into(),
            entry: None,
            entered: lead.acquired.value,
            completed: None,
        });
    }
    for (i, e) in deal.stages.iter().enumerate() {
        raw.push(Raw {
            stage: config.stage_index(&e.stage.value),
            stage_id: e.stage.value.clone(),
            entry: Some(i),
            entered: e.entered.value,
            completed: asof::entry_completed(e, as_of),
        });
    }
    raw.retain(|r| as_of.happened(r.entered));

    let closed = match asof::deal_status(deal, as_of) {
        DealStatus::Open => None,
        _ => asof::deal_closed(deal, as_of),
    };
    let closing = config.closing_index();
    let pre_closing = |s: Option<usize>| match (s, closing) {
        (Some(s), Some(c)) => s <= c,
        _ => true,
    };
    let last_pre = raw.iter().rposition(|r| pre_closing(r.stage));

    let mut out = Vec::with_capacity(raw.len());
    for (i, r) in raw.iter().enumerate() {
        let (end, rule) = if let Some(c) = r.completed {
            (c, EndRule::Completed)
        } else if let (Some(c), true) = (closed, Some(i) == last_pre) {
            (c, EndRule::Closed)
        } else if let Some(next) = raw.get(i + 1) {
            (next.entered, EndRule::Next)
        } else {
            (as_of.date, EndRule::Ongoing)
        };
        out.push(EntrySpan {
            stage: r.stage,
            stage_id: r.stage_id.clone(),
            entry: r.entry,
            entered: r.entered,
            end,
            days: days_between(r.entered, end),
            ongoing: rule == EndRule::Ongoing,
            rule,
        });
    }
    out
}

/// When a deal's cycle starts: its (existing) lead's `acquired`, else its first
/// stage's `entered`.
pub fn deal_start(deal: &Deal, lead: Option<&Lead>, as_of: &AsOf) -> Option<NaiveDate> {
    lead.filter(|l| asof::lead_exists(l, as_of))
        .map(|l| l.acquired.value)
        .or_else(|| deal.stages.first().map(|e| e.entered.value))
}

/// `closed − start` in days for a deal won as of the date; `None` otherwise or
/// when the deal has neither a lead nor a stage.
pub fn cycle_days(deal: &Deal, lead: Option<&Lead>, as_of: &AsOf) -> Option<i64> {
    if asof::deal_status(deal, as_of) != DealStatus::Won {
        return None;
    }
    let closed = asof::deal_closed(deal, as_of)?;
    Some(days_between(deal_start(deal, lead, as_of)?, closed))
}

/// The current stage: the last entry entered on or before the date.
pub fn current(history: &[EntrySpan]) -> Option<&EntrySpan> {
    history.last()
}
