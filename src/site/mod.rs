//! `salesbook build`: the static review site (SPEC §5, §6).
//!
//! The site is rendered from one [`Book`] (records + [`crate::metrics::Metrics`]);
//! every figure shown comes from the metrics and is formatted by [`crate::format`].
//! Pages are written into a temporary folder beside the output, which is swapped
//! in at the end, so a failed or killed build leaves the previous site untouched;
//! [`output`] guards where a build may write and locks the output folder.

mod affected;
mod anon;
mod charts;
mod forecast;
pub mod markdown;
use crate::output;
mod pages;
mod search;
pub mod theme;

use std::path::{Path, PathBuf};

use crate::book::Book;
pub use affected::{Affected, lead_months};
pub use forecast::{Committed, committed as committed_forecasts};
pub use pages::{PageMemo, Written};

/// File that marks a folder as a salesbook site (safe to replace).
pub const MARKER: &str = ".salesbook-site";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Everything, for the team.
    Team,
    /// Only shareable cases, anonymised (SPEC §6).
    Shared,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    pub theme: Option<PathBuf>,
    pub audience: Audience,
    pub reveal_contacts: bool,
    /// Absolute base URL (ending in `/`); `None` = relative links (works from file://).
    pub base_url: Option<String>,
    pub force: bool,
    /// The footer's data commit when the caller knows it (`serve` follows it
    /// from the saved files); `None`: asked from git.
    pub commit: Option<Option<(crate::git::Revision, bool)>>,
}

#[derive(Debug)]
pub enum BuildError {
    /// The output exists and is not a salesbook site (exit 2, refuse).
    NotASite(PathBuf),
    /// The output is the data folder, holds it, is `/` or home… (exit 2, even with --force).
    Refused(String),
    /// Another build holds the output's lock (exit 2).
    Locked(String),
    /// Theme or template problem.
    Theme(String),
    Io(String),
    /// The shared site would publish confidential strings (exit 1, nothing published).
    Leak(Vec<crate::confidential::scan::Leak>),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::NotASite(p) => write!(
                f,
                "{} exists, is not empty and is not a salesbook site (no {MARKER}); \
                 choose another --out or pass --force to replace it",
                p.display()
            ),
            BuildError::Refused(e) | BuildError::Locked(e) => write!(f, "{e}"),
            BuildError::Theme(e) => write!(f, "{e}"),
            BuildError::Io(e) => write!(f, "{e}"),
            BuildError::Leak(leaks) => {
                writeln!(
                    f,
                    "the shared site would publish {} confidential string(s); nothing was published:",
                    leaks.len()
                )?;
                for l in leaks.iter().take(20) {
                    writeln!(f, "  {l}")?;
                }
                if leaks.len() > 20 {
                    writeln!(f, "  … and {} more", leaks.len() - 20)?;
                }
                write!(
                    f,
                    "help: `salesbook check --audience shared` shows where the cases name them; \
                     rephrase those places, or declare the name in the customer's `aliases`"
                )
            }
        }
    }
}

fn io_err(what: &str, p: &Path, e: std::io::Error) -> BuildError {
    BuildError::Io(format!("{what} {}: {e}", p.display()))
}

/// An id is safe as one path segment. The loader reports invalid ids as errors
/// (and errors stop the build); this re-checks with the same rule, which admits
/// no separator, no control character and no leading `.` (so never `..`).
pub fn safe_id(id: &str) -> bool {
    crate::model::is_valid_id(id)
}

/// Percent-encodes a path segment for a URL (UTF-8 bytes outside `[A-Za-z0-9._-]`).
pub fn encode(seg: &str) -> String {
    let mut s = String::new();
    for b in seg.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// The theme, compiled, with the values every page shares.
fn site_theme(book: &Book, data_dir: &Path, opts: &Options) -> Result<theme::Theme, BuildError> {
    let mut theme = theme::load(
        data_dir,
        opts.theme.as_deref(),
        book.repo.config().team.language,
    )
    .map_err(BuildError::Theme)?;
    pages::set_global_context(book, opts, &mut theme);
    Ok(theme)
}

/// Builds the site; returns the files written (relative to the site) and what each part took.
pub fn build(book: &Book, data_dir: &Path, opts: &Options) -> Result<Written, BuildError> {
    let committed = committed_forecasts(book, data_dir, &book.metrics.months);
    build_with(book, data_dir, opts, committed.as_ref(), None)
}

/// [`build`] with the month-start forecasts already read from git, recording
/// each page's content hash in `memo` (`serve`, for [`update`]).
pub fn build_with(
    book: &Book,
    data_dir: &Path,
    opts: &Options,
    committed: Option<&Committed>,
    memo: Option<&PageMemo>,
) -> Result<Written, BuildError> {
    let out = &opts.out;
    output::guard(out, data_dir).map_err(BuildError::Refused)?;
    // Held until the swap is done; every `.<out>.*` folder beside it is then stale.
    let _lock = output::Lock::acquire(out, "build").map_err(BuildError::Locked)?;
    output::recover(out).map_err(|e| io_err("cannot clean up beside", out, e))?;
    // Refuse to replace something that is not ours.
    if out.exists() {
        if !out.is_dir() {
            return Err(BuildError::NotASite(out.clone()));
        }
        let empty = std::fs::read_dir(out)
            .map_err(|e| io_err("cannot read", out, e))?
            .next()
            .is_none();
        let ours = out.join(MARKER).is_file();
        if !empty && !ours {
            // A repository or a home folder is never replaced, --force or not.
            if let Some(entry) = output::precious(out, MARKER) {
                return Err(BuildError::Refused(format!(
                    "refusing to replace {}: it is not a salesbook site and holds {entry} \
                     (a repository or a home folder?); choose another --out \
                     (--force does not override this)",
                    out.display()
                )));
            }
            if !opts.force {
                return Err(BuildError::NotASite(out.clone()));
            }
        }
    }
    let theme = site_theme(book, data_dir, opts)?;

    let (tmp, old) = output::temp_names(out);
    std::fs::create_dir(&tmp).map_err(|e| io_err("cannot create", &tmp, e))?;
    let written = match pages::write_all(book, committed, &theme, opts, &tmp, None, memo) {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(e);
        }
    };
    if opts.audience == Audience::Shared {
        // Fail closed: the shared site leaves the team only when no byte of it
        // holds a confidential string (SPEC §6).
        let scanned =
            crate::confidential::scan::Scanner::new(book.shared_names(), &book.repo).dir(&tmp);
        let leaks = match scanned {
            Ok(leaks) => leaks,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&tmp);
                return Err(io_err("cannot read back", &tmp, e));
            }
        };
        if !leaks.is_empty() {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(BuildError::Leak(leaks));
        }
    }
    output::swap(&tmp, out, &old).map_err(|e| {
        let _ = std::fs::remove_dir_all(&tmp);
        io_err("cannot move into place", out, e)
    })?;
    Ok(written)
}

/// Rebuilds, in the site `opts.out` that an earlier state of `book` built, the
/// pages `affected` selects (`serve`): each page whose content changed (by its
/// hash in `memo`) is written beside its old version and renamed over it.
/// Returns the files of those pages. The caller removes the files of pages no
/// longer written (a removed record's).
pub fn update(
    book: &Book,
    data_dir: &Path,
    opts: &Options,
    affected: &Affected,
    committed: Option<&Committed>,
    memo: &PageMemo,
) -> Result<Written, BuildError> {
    let theme = site_theme(book, data_dir, opts)?;
    pages::write_all(
        book,
        committed,
        &theme,
        opts,
        &opts.out,
        Some(affected),
        Some(memo),
    )
}

/// Writes the data page's export files into the site `opts.out` (after an
/// [`update`], which leaves them to the caller so the pages come first);
/// returns them relative to the site.
pub fn write_exports(book: &Book, opts: &Options) -> Result<Vec<String>, BuildError> {
    let files = pages::write_exports(book, &opts.out, opts)?;
    Ok(files.into_iter().map(|f| format!("data/{f}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_urls() {
        assert!(safe_id("LX001") && safe_id("a-tech.2023"));
        assert!(!safe_id("../x") && !safe_id("a/b") && !safe_id("a\\b") && !safe_id(".x"));
        assert!(!safe_id("..") && !safe_id("") && safe_id("LX..002") && safe_id("客户甲"));
        assert_eq!(encode("a-tech_1.x"), "a-tech_1.x");
        assert_eq!(encode("客户"), "%E5%AE%A2%E6%88%B7");
        assert_eq!(encode("a b"), "a%20b");
    }
}
