//! Pipeline now (SPEC §4): open deals by current stage with amounts, stale
//! deals, overdue payments — all as of the date.

use std::collections::BTreeMap;

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

/// One owner's open deals by current stage.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnerLoad {
    /// The deal's `owner`.
    pub owner: String,
    /// Only the stages where this owner has open deals, in process order, then
    /// the unknown-stage row (`stage` None).
    pub by_stage: Vec<StageLoad>,
    pub count: usize,
    pub amount: f64,
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
    /// The same open deals by owner: configured owners with open deals in
    /// configuration order, then other owner ids, sorted.
    pub by_owner: Vec<OwnerLoad>,
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
    let rows = || -> Vec<StageLoad> {
        // Configured stages, then the unknown-stage row.
        let stage = |i: Option<usize>| StageLoad {
            stage: i,
            stage_id: i.map(|i| config.stages[i].id.clone()),
            count: 0,
            amount: 0.0,
            weighted: 0.0,
        };
        (0..config.stages.len())
            .map(Some)
            .chain([None])
            .map(stage)
            .collect()
    };
    let mut by_stage = rows();
    let mut owners: BTreeMap<&str, Vec<StageLoad>> = BTreeMap::new();
    let mut p = Pipeline::default();
    for d in open {
        let amount = d.deal.amount.as_ref().map_or(0.0, |a| a.value);
        let amount = if amount.is_finite() { amount } else { 0.0 };
        let stage = d.history.last().and_then(|s| s.stage);
        let (row, prob) = match stage {
            Some(i) => (i, config.stages[i].probability),
            None => (config.stages.len(), 0.0),
        };
        let owner = owners
            .entry(d.deal.owner.value.as_str())
            .or_insert_with(rows);
        for r in [&mut by_stage[row], &mut owner[row]] {
            r.count += 1;
            r.amount += amount;
            r.weighted += amount * prob;
        }
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
    if by_stage.last().is_some_and(|r| r.count == 0) {
        by_stage.pop();
    }
    p.by_stage = by_stage;
    let load = |owner: &str, mut rows: Vec<StageLoad>| {
        rows.retain(|r| r.count > 0);
        OwnerLoad {
            owner: owner.to_string(),
            count: rows.iter().map(|r| r.count).sum(),
            amount: rows.iter().map(|r| r.amount).sum(),
            weighted: rows.iter().map(|r| r.weighted).sum(),
            by_stage: rows,
        }
    };
    for o in &config.owners {
        if let Some(rows) = owners.remove(o.id.as_str()) {
            p.by_owner.push(load(&o.id, rows));
        }
    }
    p.by_owner
        .extend(owners.into_iter().map(|(owner, rows)| load(owner, rows)));
    p.overdue = overdue;
    p
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use crate::metrics::Metrics;

    /// lisi: D1 proposal 100,000 (×0.30 = 30,000), D2 proposal 50,000 (15,000),
    /// D3 nurture without amount (0); zhaoliu: D4 negotiation 200,000 (×0.60 =
    /// 120,000); wangwu (not configured): D5 nurture 80,000 (×0.10 = 8,000).
    /// D6 (lisi) is won and leaves the pipeline.
    #[test]
    fn weighted_pipeline_by_owner_and_stage() {
        let open = |id: &str, owner: &str, stage: &str, amount: Option<f64>| {
            let mut x = deal(id, "c", vec![entry(stage, "2023-10-20")]);
            x.owner = sp(owner.into());
            x.amount = amount.map(sp);
            x
        };
        let deals = vec![
            open("D5", "wangwu", "nurture", Some(80_000.0)),
            open("D4", "zhaoliu", "negotiation", Some(200_000.0)),
            open("D1", "lisi", "proposal", Some(100_000.0)),
            open("D2", "lisi", "proposal", Some(50_000.0)),
            open("D3", "lisi", "nurture", None),
            won(
                deal("D6", "c", vec![entry("negotiation", "2023-10-01")]),
                "2023-10-05",
                900_000.0,
            ),
        ];
        let (repo, index) = repo(vec![], vec![], deals, vec![]);
        let p = Metrics::compute(&repo, &index, d("2023-10-31")).pipeline;
        let owners: Vec<_> = p
            .by_owner
            .iter()
            .map(|o| {
                let rows: Vec<_> = o
                    .by_stage
                    .iter()
                    .map(|r| (r.stage_id.clone().unwrap(), r.count, r.amount, r.weighted))
                    .collect();
                (o.owner.as_str(), rows, (o.count, o.amount, o.weighted))
            })
            .collect();
        let row = |s: &str, c, a, w| (s.to_string(), c, a, w);
        assert_eq!(
            owners,
            vec![
                // Configured owners first (lisi, zhaoliu), then others.
                (
                    "lisi",
                    vec![
                        row("nurture", 1, 0.0, 0.0),
                        row("proposal", 2, 150_000.0, 45_000.0)
                    ],
                    (3, 150_000.0, 45_000.0)
                ),
                (
                    "zhaoliu",
                    vec![row("negotiation", 1, 200_000.0, 120_000.0)],
                    (1, 200_000.0, 120_000.0)
                ),
                (
                    "wangwu",
                    vec![row("nurture", 1, 80_000.0, 8_000.0)],
                    (1, 80_000.0, 8_000.0)
                ),
            ]
        );
        // The owners add up to the team's pipeline.
        assert_eq!((p.open, p.amount, p.weighted), (5, 430_000.0, 173_000.0));
    }
}
