//! The month-start snapshots behind forecast accuracy: for each month on the
//! site, the last commit before the month's first instant (team time zone),
//! loaded once per commit (configuration, leads, customers and deals only),
//! and its forecast compared with what was won (`metrics::forecast`). Only the
//! site build reads this much history; `check` never does.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{Duration, TimeZone};
use rayon::prelude::*;

use crate::book::{Book, Snapshot};
use crate::metrics::forecast::{self, MonthForecast};
use crate::model::Kind;
use crate::model::{Index, Repo, YearMonth};

/// What each month's start commit forecast (Σ amount × probability by
/// owner, with the deals): `None` for a month with no commit before its start
/// ("no history"). Only a commit changes it, so `serve` keeps it between saves.
pub type Committed = BTreeMap<YearMonth, Option<BTreeMap<String, (f64, Vec<String>)>>>;

/// The forecasts committed at the start of each of `months`; `None` when the
/// data folder is not in a git repository.
pub fn committed(book: &Book, data_dir: &Path, months: &[YearMonth]) -> Option<Committed> {
    crate::git::prefix(data_dir).ok()?;
    let config = book.repo.config();
    let tz = config.team.timezone;
    // Which commit each month starts from: one `git log` per month.
    let revs: Vec<(YearMonth, Option<crate::git::Revision>)> = months
        .iter()
        .map(|&month| {
            let start = forecast::first_day(month)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .and_then(|t| tz.from_local_datetime(&t).earliest());
            // Strictly before the first instant: a commit at 00:00 belongs to the month.
            // With `--at`, nothing committed after that revision is known.
            let rev = start.and_then(|t| {
                let mut before = t.to_utc() - Duration::seconds(1);
                if let Snapshot::Revision(at) = &book.snapshot {
                    before = before.min(at.instant());
                }
                crate::git::last_commit_before(data_dir, before)
                    .ok()
                    .flatten()
            });
            (month, rev)
        })
        .collect();
    // Each commit loaded once (many months may share one).
    let mut snapshots: HashMap<&str, Option<(Repo, Index)>> = HashMap::new();
    for rev in revs.iter().filter_map(|(_, r)| r.as_ref()) {
        snapshots.entry(rev.oid.as_str()).or_insert_with(|| {
            // A commit without the data folder (or unreadable) has no forecast.
            let kinds = [Kind::Lead, Kind::Customer, Kind::Deal];
            crate::load::load_revision_kinds(data_dir, rev, &kinds)
                .ok()
                .filter(|(repo, _)| repo.config.is_some())
                .map(|(repo, _)| {
                    let index = Index::new(&repo);
                    (repo, index)
                })
        });
    }
    // The months are independent: computed in parallel.
    let out = revs
        .par_iter()
        .map(|(month, rev)| {
            let snapshot = rev
                .as_ref()
                .and_then(|r| snapshots.get(r.oid.as_str()))
                .and_then(Option::as_ref);
            let result = snapshot.map(|(repo, index)| forecast::committed(repo, index, *month));
            (*month, result)
        })
        .collect();
    Some(out)
}

/// Forecast accuracy of each month of `committed`: its forecast compared with
/// what the book says was won.
pub fn month_forecasts(
    book: &Book,
    committed: &Committed,
) -> BTreeMap<YearMonth, Option<MonthForecast>> {
    let config = book.repo.config();
    committed
        .iter()
        .map(|(month, c)| {
            let f = c
                .as_ref()
                .map(|c| forecast::compare(config, c, &book.metrics.facts, *month));
            (*month, f)
        })
        .collect()
}
