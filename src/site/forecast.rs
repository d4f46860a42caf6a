//! The month-start snapshots behind forecast accuracy: for each month on the
//! site, the last commit before the month's first instant (team time zone),
//! loaded once per commit (configuration, leads, customers and deals only),
//! and its forecast compared with what was won (`metrics::forecast`). Only the
//! site build reads this much history; `check` never does.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{Duration, TimeZone};

use crate::book::Book;
use crate::load::Kind;
use crate::metrics::forecast::{self, MonthForecast};
use crate::model::{Index, Repo, YearMonth};

/// Forecast accuracy of each of `months`: `None` for a month with no commit
/// before its start ("no history"). The whole result is `None` when the data
/// folder is not in a git repository.
pub fn month_forecasts(
    book: &Book,
    data_dir: &Path,
    months: &[YearMonth],
) -> Option<BTreeMap<YearMonth, Option<MonthForecast>>> {
    crate::git::prefix(data_dir).ok()?;
    let config = book.repo.config();
    let tz = config.team.timezone;
    let mut snapshots: HashMap<String, Option<(Repo, Index)>> = HashMap::new();
    let mut out = BTreeMap::new();
    for &month in months {
        let start = forecast::first_day(month)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|t| tz.from_local_datetime(&t).earliest());
        // Strictly before the first instant: a commit at 00:00 belongs to the month.
        let rev = start.and_then(|t| {
            crate::git::last_commit_before(data_dir, t.to_utc() - Duration::seconds(1))
                .ok()
                .flatten()
        });
        let Some(rev) = rev else {
            out.insert(month, None);
            continue;
        };
        let snapshot = snapshots.entry(rev.oid.clone()).or_insert_with(|| {
            // A commit without the data folder (or unreadable) has no forecast.
            let kinds = [Kind::Lead, Kind::Customer, Kind::Deal];
            crate::load::load_revision_kinds(data_dir, &rev, &kinds)
                .ok()
                .filter(|(repo, _)| repo.config.is_some())
                .map(|(repo, _)| {
                    let index = Index::new(&repo);
                    (repo, index)
                })
        });
        let result = snapshot.as_ref().map(|(repo, index)| {
            let committed = forecast::committed(repo, index, month);
            forecast::compare(config, &committed, &book.metrics.facts, month)
        });
        out.insert(month, result);
    }
    Some(out)
}
