//! Pipeline now (SPEC §4): open deals by current stage with amounts, stale
//! deals, overdue payments — all as of the date.

use chrono::NaiveDate;

use super::asof::{self, AsOf};
use super::history::EntrySpan;
use crate::model::{Config, Deal, days_between};

/// Open deals whose current stage is one stage (or unknown / none: `stage` None).
#[derive(Debug, Clone, PartialEq)]
pub struct StageLoad {
    pub stage: Option<usize>,
    pub stage_id: Option<String>,
    pub count: usize,
    /// Sum of amounts; open deals without an amount count 0.
    pub amount: f64,
    /// Sum of amount × the stage's probability.
    pub weighted: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StaleDeal {
    pub deal: usize,
    pub last_event: NaiveDate,
    /// Days from the last event to the as-of date (> `sla.stale_days`).
    pub days: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OverduePayment {
    pub deal: usize,
    /// Index into `deal.payments`.
    pub payment: usize,
    pub due: NaiveDate,
    pub amount: f64,
    /// Days from due to the as-of date (≥ 1).
    pub days: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pipeline {
    /// One row per configured stage in process order, then a row with `stage`
    /// None when some open deal has no known current stage.
    pub by_stage: Vec<StageLoad>,
    pub open: usize,
    pub amount: f64,
    pub weighted: f64,
    pub stale: Vec<StaleDeal>,
    pub overdue: Vec<OverduePayment>,
}

/// The latest event of a deal on or before the date: stage entered (the
/// implicit `lead` entry included) or completed, activity, visit, received payment.
pub fn last_event(deal: &Deal, history: &[EntrySpan], as_of: &AsOf) -> Option<NaiveDate> {
    let entered = history.iter().map(|s| s.entered);
    let completed = deal
        .stages
        .iter()
        .filter_map(|e| asof::entry_completed(e, as_of));
    let activities = deal.activities.iter().map(|a| a.date.value);
    let visits = deal.visits.iter().map(|v| v.date.value);
    let received = deal
        .payments
        .iter()
        .filter_map(|p| asof::payment_received(p, as_of));
    entered
        .chain(completed)
        .chain(activities)
        .chain(visits)
        .chain(received)
        .filter(|d| as_of.happened(*d))
        .max()
}

/// Payments due before the date and not received on or before it.
pub fn overdue(deal_index: usize, deal: &Deal, as_of: &AsOf) -> Vec<OverduePayment> {
    deal.payments
        .iter()
        .enumerate()
        .filter(|(_, p)| p.due.value < as_of.date && asof::payment_received(p, as_of).is_none())
        .map(|(i, p)| OverduePayment {
            deal: deal_index,
            payment: i,
            due: p.due.value,
            amount: p.amount.value,
            days: days_between(p.due.value, as_of.date),
        })
        .collect()
}

/// One open deal as the pipeline sees it.
pub struct OpenDeal<'a> {
    pub index: usize,
    pub deal: &'a Deal,
    pub history: &'a [EntrySpan],
    pub last_event: Option<NaiveDate>,
}

/// The pipeline of the open deals; `overdue` gathers the overdue payments of all deals.
pub fn pipeline<'a>(
    config: &Config,
    open: impl IntoIterator<Item = OpenDeal<'a>>,
    overdue: Vec<OverduePayment>,
    as_of: &AsOf,
) -> Pipeline {
    let mut by_stage: Vec<StageLoad> = config
        .stages
        .iter()
        .enumerate()
        .map(|(i, s)| StageLoad {
            stage: Some(i),
            stage_id: Some(s.id.clone()),
            count: 0,
            amount: 0.0,
            weighted: 0.0,
        })
        .collect();
    let mut none = StageLoad {
        stage: None,
        stage_id: None,
        count: 0,
        amount: 0.0,
        weighted: 0.0,
    };
    let mut p = Pipeline::default();
    for d in open {
        let amount = d.deal.amount.as_ref().map_or(0.0, |a| a.value);
        let amount = if amount.is_finite() { amount } else { 0.0 };
        let stage = d.history.last().and_then(|s| s.stage);
        let (row, prob) = match stage {
            Some(i) => (&mut by_stage[i], config.stages[i].probability),
            None => (&mut none, 0.0),
        };
        row.count += 1;
        row.amount += amount;
        row.weighted += amount * prob;
        p.open += 1;
        p.amount += amount;
        p.weighted += amount * prob;
        if let Some(last) = d.last_event {
            let days = days_between(last, as_of.date);
            if days > config.sla.stale_days {
                p.stale.push(StaleDeal {
                    deal: d.index,
                    last_event: last,
                    days,
                });
            }
        }
    }
    if none.count > 0 {
        by_stage.push(none);
    }
    p.by_stage = by_stage;
    p.overdue = overdue;
    p
}
