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

/// One side read and parsed, not yet computed (see [`load_sides`]).
pub struct Read {
    repo: crate::model::Repo,
    diagnostics: crate::diagnostic::Diagnostics,
    took: std::time::Duration,
}

/// Reads one side: the working tree or a revision's git objects. A revision
/// from before the data folder existed is an empty side, so the pull request
/// that adds the data lists everything as new.
pub fn read_side(dir: &Path, snapshot: &Snapshot) -> std::io::Result<Read> {
    let start = Instant::now();
    let (repo, diagnostics) = match snapshot {
        Snapshot::WorkTree => crate::load::load(dir)?,
        Snapshot::Revision(rev) => {
            if crate::git::holds_data_folder(dir, &rev.oid).map_err(std::io::Error::other)? {
                crate::load::load_revision(dir, rev)?
            } else {
                Default::default()
            }
        }
    };
    Ok(Read {
        repo,
        diagnostics,
        took: start.elapsed(),
    })
}

/// Computes and checks a side read by [`read_side`] like
/// [`Book::load_snapshot`], but without the timeliness pass: that is a
/// `git log -p` over the whole history (seconds on a long one, for each side),
/// and it only adds `late-entry` warnings, which `diff` neither lists nor
/// counts. The as-of rule is the same.
pub fn finish_side(dir: &Path, snapshot: &Snapshot, read: Read, as_of: Option<NaiveDate>) -> Book {
    let start = Instant::now();
    let Read {
        repo,
        mut diagnostics,
        took,
    } = read;
    let index = Index::new(&repo);
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
    Book {
        repo,
        index,
        metrics,
        diagnostics,
        timings: vec![("load", took), ("metrics+check", start.elapsed())],
        git: None,
        notes: Vec::new(),
        snapshot: snapshot.clone(),
        dir: dir.to_path_buf(),
    }
}

/// Both sides of a diff: read at once (reading a revision waits on git, so
/// the two overlap), then computed for one as-of date — `as_of` if given, else
/// the new side's (see the module docs).
pub fn load_sides(
    dir: &Path,
    old: &Snapshot,
    new: &Snapshot,
    as_of: Option<NaiveDate>,
) -> std::io::Result<(Book, Book)> {
    let (old_read, new_read) = rayon::join(|| read_side(dir, old), || read_side(dir, new));
    let new_book = finish_side(dir, new, new_read?, as_of);
    let old_book = finish_side(dir, old, old_read?, Some(new_book.metrics.as_of.date));
    Ok((old_book, new_book))
}
