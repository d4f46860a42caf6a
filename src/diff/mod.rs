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
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::book::{Book, Snapshot};

/// Reads one side: the working tree or a revision's git objects, and how
/// long that took. A revision from before the data folder existed is an empty
/// side, so the pull request that adds the data lists everything as new.
fn read_side(
    dir: &Path,
    snapshot: &Snapshot,
) -> std::io::Result<(crate::model::Repo, crate::diagnostic::Diagnostics, Duration)> {
    let start = Instant::now();
    let empty = match snapshot {
        Snapshot::WorkTree => false,
        Snapshot::Revision(rev) => {
            !crate::git::holds_data_folder(dir, &rev.oid).map_err(std::io::Error::other)?
        }
    };
    let (repo, diagnostics) = if empty {
        Default::default()
    } else {
        snapshot.read(dir)?
    };
    Ok((repo, diagnostics, start.elapsed()))
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
    // Without the timeliness pass: diff neither lists nor counts late entries.
    let new_book = Book::compute(dir, new, new_read?, as_of, false);
    let old_date = Some(new_book.metrics.as_of.date);
    let old_book = Book::compute(dir, old, old_read?, old_date, false);
    Ok((old_book, new_book))
}
