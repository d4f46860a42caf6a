//! Forecast accuracy (issue #8): what the weighted pipeline promised for a month
//! at its start, against what was won in it, per owner.
//!
//! The forecast of month M is read from the data as committed at M's start (the
//! caller loads that snapshot from git): Σ amount × the current stage's
//! probability over the deals open at the first instant of M whose
//! `expected_close` falls in M — the same open deals, stages and weights as
//! "pipeline now" as of the last day of M−1. The won amount is today's revenue
//! of M per deal owner. Accuracy = 1 − |won − forecast| ÷ forecast (null when
//! nothing was forecast); docs/metrics.md gives the reason.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};

use super::Metrics;
use super::kpi::{Event, Facts};
use crate::model::{Config, DealStatus, Index, Repo, YearMonth};

/// One owner's (or the team's) forecast of a month against what was won.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OwnerForecast {
    /// The deal owner; empty for the team total.
    pub owner: String,
    /// Σ amount × stage probability of the deals expected to close in the month.
    pub forecast: f64,
    /// Revenue of the month: amounts of the deals won in it (as of today).
    pub won: f64,
    /// won − forecast.
    pub difference: f64,
    /// 1 − |won − forecast| ÷ forecast; `None` when the forecast is 0.
    pub accuracy: Option<f64>,
    /// The deals in the forecast, in snapshot order.
    pub forecast_deals: Vec<String>,
    /// The deals won in the month.
    pub won_deals: Vec<String>,
}

/// A month's forecast accuracy: one row per owner with a forecast or a win
/// (configured owners first, in configuration order, then others sorted) and
/// the team's total.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthForecast {
    pub month: YearMonth,
    pub owners: Vec<OwnerForecast>,
    pub total: OwnerForecast,
}

/// The first day of `month`.
pub fn first_day(month: YearMonth) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(month.year, month.month, 1)
}

/// 1 − |won − forecast| ÷ forecast; `None` when nothing was forecast.
pub fn accuracy(forecast: f64, won: f64) -> Option<f64> {
    if forecast == 0.0 {
        return None;
    }
    super::kpi::finite(1.0 - (won - forecast).abs() / forecast)
}

/// The forecast committed for `month`, per owner: `snapshot` is the data as it
/// was at the month's first instant (its index `index`). Returns, per deal
/// owner, the weighted amount and the deals.
pub fn committed(
    snapshot: &Repo,
    index: &Index,
    month: YearMonth,
) -> BTreeMap<String, (f64, Vec<String>)> {
    let mut out: BTreeMap<String, (f64, Vec<String>)> = BTreeMap::new();
    let Some(start) = first_day(month) else {
        return out;
    };
    let Some(eve) = start.checked_sub_days(Days::new(1)) else {
        return out;
    };
    // Open, stage and weight as "pipeline now" saw them on the eve of the month.
    let at_start = Metrics::compute(snapshot, index, eve);
    let config = snapshot.config();
    for (d, dm) in snapshot.deals.iter().zip(&at_start.deals) {
        let open = dm.exists && dm.status == DealStatus::Open;
        let due = d.expected_close.is_some_and(|c| YearMonth::of(c) == month);
        if !(open && due) {
            continue;
        }
        let probability = dm
            .current()
            .and_then(|s| s.stage)
            .and_then(|i| config.stages.get(i))
            .map_or(0.0, |s| s.probability);
        let amount = d
            .amount
            .as_ref()
            .and_then(|a| super::kpi::finite(a.value))
            .unwrap_or(0.0);
        let e = out.entry(d.owner.value.clone()).or_default();
        e.0 += amount * probability;
        e.1.push(d.meta.id.clone());
    }
    out
}

/// Compares the committed forecast of `month` with the amounts won in it
/// according to `facts` (today's KPI inputs: the revenue KPI's own facts).
pub fn compare(
    config: &Config,
    forecast: &BTreeMap<String, (f64, Vec<String>)>,
    facts: &Facts,
    month: YearMonth,
) -> MonthForecast {
    let mut won: BTreeMap<String, (f64, Vec<String>)> = BTreeMap::new();
    for f in facts.facts.iter().filter(|f| f.month == month) {
        if let Event::Closed {
            won: true, amount, ..
        } = f.event
        {
            let (Some(attr), Some(id)) = (
                facts.attrs.get(f.attr as usize),
                facts.records.get(f.attr as usize),
            ) else {
                continue;
            };
            let e = won.entry(attr.owner.clone()).or_default();
            e.0 += amount;
            e.1.push(id.clone());
        }
    }
    let mut ids: Vec<&str> = config
        .owners
        .iter()
        .map(|o| o.id.as_str())
        .filter(|o| forecast.contains_key(*o) || won.contains_key(*o))
        .collect();
    let others: std::collections::BTreeSet<&str> = forecast
        .keys()
        .chain(won.keys())
        .map(String::as_str)
        .filter(|o| config.owner(o).is_none())
        .collect();
    ids.extend(others);
    let none = (0.0, Vec::new());
    let owners: Vec<OwnerForecast> = ids
        .into_iter()
        .map(|o| {
            let f = forecast.get(o).unwrap_or(&none);
            let w = won.get(o).unwrap_or(&none);
            OwnerForecast {
                owner: o.to_string(),
                forecast: f.0,
                won: w.0,
                difference: w.0 - f.0,
                accuracy: accuracy(f.0, w.0),
                forecast_deals: f.1.clone(),
                won_deals: w.1.clone(),
            }
        })
        .collect();
    let forecast_total: f64 = owners.iter().map(|o| o.forecast).sum();
    let won_total: f64 = owners.iter().map(|o| o.won).sum();
    let total = OwnerForecast {
        owner: String::new(),
        forecast: forecast_total,
        won: won_total,
        difference: won_total - forecast_total,
        accuracy: accuracy(forecast_total, won_total),
        forecast_deals: owners
            .iter()
            .flat_map(|o| o.forecast_deals.clone())
            .collect(),
        won_deals: owners.iter().flat_map(|o| o.won_deals.clone()).collect(),
    };
    MonthForecast {
        month,
        owners,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::model::Deal;

    fn open(id: &str, owner: &str, stage: &str, amount: f64, close: &str) -> Deal {
        let mut x = deal(id, "c", vec![entry(stage, "2023-09-10")]);
        x.owner = sp(owner.into());
        x.amount = Some(sp(amount));
        x.expected_close = Some(d(close));
        x
    }

    /// October 2023, as committed on 30 September:
    /// - lisi: D1 negotiation 200,000 (×0.60 = 120,000), expected 2023-10-20,
    ///   won on 2023-10-18 for 220,000;
    ///   D2 proposal 100,000 (×0.30 = 30,000), expected 2023-10-25, slipped:
    ///   won on 2023-11-03;
    ///   D3 nurture 500,000, expected in November: not in October's forecast.
    /// - zhaoliu: D4 negotiation 150,000 (×0.60 = 90,000), expected 2023-10-31,
    ///   lost on 2023-10-28.
    /// - wangwu (not configured): D5 won on 2023-10-12 for 80,000 without being
    ///   in the pipeline at the start (entered and closed in October).
    ///
    /// Forecast lisi 150,000, won 220,000 → diff +70,000, accuracy 1 − 70/150 =
    /// 0.5333…; zhaoliu 90,000, won 0 → −90,000, accuracy 0; wangwu 0, won
    /// 80,000 → accuracy null. Team 240,000 vs 300,000 → 1 − 60/240 = 0.75.
    #[test]
    fn forecast_against_won_per_owner() {
        let snapshot = vec![
            open("D1", "lisi", "negotiation", 200_000.0, "2023-10-20"),
            open("D2", "lisi", "proposal", 100_000.0, "2023-10-25"),
            open("D3", "lisi", "nurture", 500_000.0, "2023-11-15"),
            open("D4", "zhaoliu", "negotiation", 150_000.0, "2023-10-31"),
        ];
        let (then, then_index) = repo(vec![], vec![], snapshot.clone(), vec![]);
        let committed = committed(&then, &then_index, ym("2023-10"));

        let mut now = snapshot;
        now[0] = won(now[0].clone(), "2023-10-18", 220_000.0);
        now[1] = won(now[1].clone(), "2023-11-03", 100_000.0);
        now[3] = lost(now[3].clone(), "2023-10-28");
        let mut d5 = won(
            deal("D5", "c", vec![entry("negotiation", "2023-10-05")]),
            "2023-10-12",
            80_000.0,
        );
        d5.owner = sp("wangwu".into());
        now.push(d5);
        let (now, now_index) = repo(vec![], vec![], now, vec![]);
        let metrics = Metrics::compute(&now, &now_index, d("2023-11-30"));
        let m = compare(now.config(), &committed, &metrics.facts, ym("2023-10"));

        let rows: Vec<_> = m
            .owners
            .iter()
            .map(|o| (o.owner.as_str(), o.forecast, o.won, o.difference))
            .collect();
        assert_eq!(
            rows,
            [
                ("lisi", 150_000.0, 220_000.0, 70_000.0),
                ("zhaoliu", 90_000.0, 0.0, -90_000.0),
                ("wangwu", 0.0, 80_000.0, 80_000.0),
            ]
        );
        assert!(approx(m.owners[0].accuracy, 1.0 - 70.0 / 150.0));
        assert_eq!(m.owners[1].accuracy, Some(0.0));
        assert_eq!(m.owners[2].accuracy, None);
        assert_eq!(m.owners[0].forecast_deals, ["D1", "D2"]);
        assert_eq!(m.owners[0].won_deals, ["D1"]);
        assert_eq!(m.owners[2].won_deals, ["D5"]);
        assert_eq!(
            (m.total.forecast, m.total.won, m.total.difference),
            (240_000.0, 300_000.0, 60_000.0)
        );
        assert!(approx(m.total.accuracy, 0.75));
    }

    /// A deal closed before the month started, or entered after it started, is
    /// not in the forecast; neither is one without `expected_close`.
    #[test]
    fn only_deals_open_at_the_first_instant_count() {
        let closed = won(
            open("D1", "lisi", "negotiation", 100_000.0, "2023-10-20"),
            "2023-09-30",
            100_000.0,
        );
        let later = open("D2", "lisi", "negotiation", 100_000.0, "2023-10-20");
        let mut later = later;
        later.stages = vec![entry("negotiation", "2023-10-01")];
        let mut undated = open("D3", "lisi", "negotiation", 100_000.0, "2023-10-20");
        undated.expected_close = None;
        let (then, index) = repo(vec![], vec![], vec![closed, later, undated], vec![]);
        assert!(committed(&then, &index, ym("2023-10")).is_empty());
    }

    #[test]
    fn accuracy_is_relative_to_the_forecast() {
        assert_eq!(accuracy(100.0, 100.0), Some(1.0));
        assert_eq!(accuracy(100.0, 50.0), Some(0.5));
        assert_eq!(accuracy(100.0, 150.0), Some(0.5));
        // Won three times the forecast: as far off as forecasting −100%.
        assert_eq!(accuracy(100.0, 300.0), Some(-1.0));
        assert_eq!(accuracy(0.0, 50.0), None);
    }
}
