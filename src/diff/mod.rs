//! `salesbook diff`: what moved in the pipeline between two revisions of the
//! data folder (docs/diff.md).
//!
//! [`changes`] compares two loaded [`crate::book::Book`]s record by record (by
//! id, never by file name) and their monthly KPIs; [`render`] writes the result
//! for the terminal, as Markdown for a pull-request comment, or as JSON.
//!
//! Both books must be computed for the same as-of date: otherwise every
//! "days since" figure and every event that merely became past would show up as
//! a change, and the diff would mix the passing of time with edits to the data.

pub mod changes;
pub mod render;

pub use changes::{Changes, changes};

use std::path::Path;
use std::time::Instant;

use chrono::NaiveDate;

use crate::book::{Book, Snapshot};
use crate::metrics::Metrics;
use crate::model::Index;

/// Loads and checks one side like [`Book::load_snapshot`] but without the
/// timeliness pass: that is a `git log -p` over the whole history (seconds on
/// a long one, for each side), and it only adds `late-entry` warnings, which
/// `diff` neither lists nor counts. The as-of rule is the same.
pub fn load_side(
    dir: &Path,
    snapshot: &Snapshot,
    as_of: Option<NaiveDate>,
) -> std::io::Result<Book> {
    let start = Instant::now();
    let (repo, mut diagnostics) = match snapshot {
        Snapshot::WorkTree => crate::load::load(dir)?,
        Snapshot::Revision(rev) => crate::load::load_revision(dir, rev)?,
    };
    let index = Index::new(&repo);
    let load = start.elapsed();
    let team = &repo.config().team;
    let date = as_of.or(team.as_of).unwrap_or_else(|| match snapshot {
        Snapshot::Revision(rev) => rev.date(team.timezone),
        Snapshot::WorkTree => chrono::Utc::now()
            .with_timezone(&team.timezone)
            .date_naive(),
    });
    let metrics = Metrics::compute(&repo, &index, date);
    diagnostics.extend(crate::check::check(&repo, &index, &metrics).0);
    diagnostics.sort(&repo.sources);
    Ok(Book {
        repo,
        index,
        metrics,
        diagnostics,
        timings: vec![("load", load), ("metrics+check", start.elapsed() - load)],
        git: None,
        notes: Vec::new(),
        snapshot: snapshot.clone(),
        dir: dir.to_path_buf(),
    })
}
