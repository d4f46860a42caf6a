//! Stage duration statistics (SPEC §4): per stage and month of the entries that
//! ended in the month, and ongoing entries with their age.

use chrono::NaiveDate;

use super::history::EntrySpan;
use crate::model::{Config, YearMonth};

/// count, mean, median and p90 of a list of whole-day durations.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Summary {
    pub count: usize,
    pub mean: Option<f64>,
    /// The middle value; the mean of the two middle values for even counts.
    pub median: Option<f64>,
    /// Nearest rank: the ⌈0.9·n⌉-th smallest.
    pub p90: Option<i64>,
}

pub fn summarize(days: &[i64]) -> Summary {
    let n = days.len();
    if n == 0 {
        return Summary::default();
    }
    let mut v = days.to_vec();
    v.sort_unstable();
    let mean = v.iter().map(|&d| d as f64).sum::<f64>() / n as f64;
    let median = if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] as f64 + v[n / 2] as f64) / 2.0
    };
    let rank = (9 * n).div_ceil(10); // ⌈0.9·n⌉, 1-based
    Summary {
        count: n,
        mean: Some(mean),
        median: Some(median),
        p90: Some(v[rank.max(1) - 1]),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StageStats {
    /// Position in `config.stages`.
    pub stage: usize,
    pub stage_id: String,
    pub summary: Summary,
}

/// An entry still running as of the date.
#[derive(Debug, Clone, PartialEq)]
pub struct OngoingEntry {
    /// Index into `repo.deals`.
    pub deal: usize,
    /// Index into `deal.stages`; `None` for the implicit `lead` entry.
    pub entry: Option<usize>,
    pub stage: Option<usize>,
    pub stage_id: String,
    pub entered: NaiveDate,
    /// Days from entered to the as-of date.
    pub age: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Durations {
    /// For every reported month: one row per configured stage (count 0 when none ended).
    pub by_month: Vec<(YearMonth, Vec<StageStats>)>,
    /// All entries that ended on or before the as-of date, per stage.
    pub overall: Vec<StageStats>,
    pub ongoing: Vec<OngoingEntry>,
}

/// `histories` yields (deal index, history) for every deal.
pub fn durations<'a>(
    config: &Config,
    histories: impl IntoIterator<Item = (usize, &'a [EntrySpan])>,
    months: &[YearMonth],
) -> Durations {
    let ns = config.stages.len();
    let mut by_month: Vec<Vec<Vec<i64>>> = vec![vec![Vec::new(); ns]; months.len()];
    let mut overall: Vec<Vec<i64>> = vec![Vec::new(); ns];
    let mut ongoing = Vec::new();
    let first = months.first().copied();
    for (deal, history) in histories {
        for s in history {
            if s.ongoing {
                ongoing.push(OngoingEntry {
                    deal,
                    entry: s.entry,
                    stage: s.stage,
                    stage_id: s.stage_id.clone(),
                    entered: s.entered,
                    age: s.days,
                });
                continue;
            }
            let Some(stage) = s.stage else { continue };
            overall[stage].push(s.days);
            let ym = YearMonth::of(s.end);
            if let Some(first) = first {
                let off = (ym.year - first.year) * 12 + ym.month as i32 - first.month as i32;
                if off >= 0 && (off as usize) < months.len() {
                    by_month[off as usize][stage].push(s.days);
                }
            }
        }
    }
    let rows = |lists: &[Vec<i64>]| -> Vec<StageStats> {
        config
            .stages
            .iter()
            .zip(lists)
            .enumerate()
            .map(|(i, (def, days))| StageStats {
                stage: i,
                stage_id: def.id.clone(),
                summary: summarize(days),
            })
            .collect()
    };
    Durations {
        by_month: months
            .iter()
            .zip(&by_month)
            .map(|(&m, lists)| (m, rows(lists)))
            .collect(),
        overall: rows(&overall),
        ongoing,
    }
}
