//! A loaded and checked data repository: the entry point every command shares.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::metrics::Metrics;
use crate::model::{Index, Repo};

/// Where the data is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Snapshot {
    /// The data folder on disk, as it is now.
    WorkTree,
    /// The data folder as committed in a revision (`--at`).
    Revision(crate::git::Revision),
}

pub struct Book {
    pub repo: Repo,
    pub index: Index,
    pub metrics: Metrics,
    /// Every diagnostic of loading and checking, sorted by file and position.
    pub diagnostics: Diagnostics,
    /// The loading diagnostics alone (kept for [`Book::update`]).
    loading: Vec<Diagnostic>,
    /// How long each phase took, in order.
    pub timings: Vec<(&'static str, Duration)>,
    /// Entry lags and last changes from git; `None` when the data folder is
    /// not in a git repository (or git is missing, or the clone is shallow).
    pub git: Option<crate::metrics::timeliness::Timeliness>,
    /// Notes for stderr that are not diagnostics (e.g. why git was skipped).
    pub notes: Vec<String>,
    /// Where the data was read from.
    pub snapshot: Snapshot,
    /// The data folder.
    pub dir: PathBuf,
    /// What the shared audience may not read, built on first use (its
    /// automaton is most of a shared build's cost) and shared by the check,
    /// the anonymiser and the read-back scan.
    shared_names: std::sync::OnceLock<crate::confidential::Confidential>,
}

impl Book {
    /// Loads and checks `dir`. The as-of date is `as_of` if given, else the
    /// config's `as_of`, else today in the team's time zone.
    pub fn load(dir: &Path, as_of: Option<NaiveDate>) -> std::io::Result<Book> {
        Book::load_snapshot(dir, &Snapshot::WorkTree, as_of)
    }

    /// Loads and checks `dir` as it is on disk or as committed in a revision.
    /// The as-of date is `as_of` if given, else the config's `as_of`, else for
    /// a revision its committer date in the team's time zone (the figures as
    /// the team saw them then), else today. The timeliness phase reads the
    /// history up to the revision: lags as they were known then.
    pub fn load_snapshot(
        dir: &Path,
        snapshot: &Snapshot,
        as_of: Option<NaiveDate>,
    ) -> std::io::Result<Book> {
        let start = Instant::now();
        let (repo, diagnostics) = snapshot.read(dir)?;
        Ok(Book::compute(
            dir,
            snapshot,
            (repo, diagnostics, start.elapsed()),
            as_of,
            true,
        ))
    }

    /// Computes and checks a snapshot already read (`loaded`: the model, its
    /// loading diagnostics and how long reading took). `timeliness: false`
    /// skips the `git log` pass (seconds on a long history), which only adds
    /// entry lags and `late-entry` warnings: `diff` neither lists nor counts them.
    pub fn compute(
        dir: &Path,
        snapshot: &Snapshot,
        loaded: (Repo, Diagnostics, Duration),
        as_of: Option<NaiveDate>,
        timeliness: bool,
    ) -> Book {
        let (repo, diagnostics, took) = loaded;
        let loading = diagnostics.0;
        let mut timings = vec![("load", took)];
        let index = Index::new(&repo);
        let team = &repo.config().team;
        let rev = match snapshot {
            Snapshot::WorkTree => None,
            Snapshot::Revision(rev) => Some(rev),
        };
        let date = as_of.or(team.as_of).unwrap_or_else(|| match rev {
            Some(rev) => rev.date(team.timezone),
            None => chrono::Utc::now()
                .with_timezone(&team.timezone)
                .date_naive(),
        });
        let mut notes = Vec::new();
        // One `git log` pass over the data folder, parsed once (or cached),
        // while the figures are computed: the two only read the model.
        let as_of = crate::metrics::AsOf::new(date, team.timezone);
        let read_git = || {
            timeliness.then(|| {
                crate::git::read_to(dir, rev.map(|r| r.oid.as_str()))
                    .map(|history| crate::metrics::timeliness::timeliness(history, &repo, &as_of))
            })
        };
        let ((git, git_took), (metrics, metrics_took)) =
            beside_figures(&repo, &index, date, read_git);
        let git = match git {
            Some(Ok(t)) => Some(t),
            Some(Err(note)) => {
                notes.push(note);
                None
            }
            None => None,
        };
        if timeliness {
            timings.push(("git", git_took));
        }
        // (They ran side by side: wall time is the longer of the two.)
        timings.push(("metrics", metrics_took));
        let (diagnostics, check_took) =
            timed(|| checked(&repo, &index, &metrics, git.as_ref(), &loading));
        timings.push(("check", check_took));
        Book {
            repo,
            index,
            metrics,
            diagnostics,
            loading,
            timings,
            git,
            notes,
            snapshot: snapshot.clone(),
            dir: dir.to_path_buf(),
            shared_names: std::sync::OnceLock::new(),
        }
    }

    /// The confidential forms for the shared audience
    /// ([`crate::confidential::Confidential::shared`]).
    pub fn shared_names(&self) -> &crate::confidential::Confidential {
        self.shared_names
            .get_or_init(|| crate::confidential::Confidential::shared(&self.repo, &self.index))
    }

    /// Frees the text of every file no diagnostic points into, once lags and
    /// checks are done: a one-shot `build` or `export` reads no other (179 MB
    /// of a large repository's peak). Not for `serve`, whose next update may
    /// point a diagnostic at any file.
    pub fn release_texts(&mut self) {
        let mut keep = vec![false; self.repo.sources.len()];
        for d in &self.diagnostics.0 {
            keep[d.file.0 as usize] = true;
        }
        self.repo.sources.release_texts(|f| keep[f.0 as usize]);
    }
}

/// Runs `f`, and says how long it took.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let clock = Instant::now();
    (f(), clock.elapsed())
}

/// The entry lags (`lags`) computed beside the figures, each timed: both only
/// read the model.
fn beside_figures<T: Send>(
    repo: &Repo,
    index: &Index,
    date: NaiveDate,
    lags: impl FnOnce() -> T + Send,
) -> ((T, Duration), (Metrics, Duration)) {
    rayon::join(
        || timed(lags),
        || timed(|| Metrics::compute(repo, index, date)),
    )
}

/// The loading diagnostics, then every check's, sorted.
fn checked(
    repo: &Repo,
    index: &Index,
    metrics: &Metrics,
    git: Option<&crate::metrics::timeliness::Timeliness>,
    loading: &[Diagnostic],
) -> Diagnostics {
    let mut diagnostics = Diagnostics(loading.to_vec());
    diagnostics.extend(crate::check::check(repo, index, metrics).0);
    if let Some(t) = git {
        crate::check::timeliness(repo, index, t, &mut diagnostics);
    }
    diagnostics.sort(&repo.sources);
    diagnostics
}

impl Book {
    /// Applies changed files of a working-tree book in place (`serve`): the
    /// changed record files are read again and everything after loading is
    /// recomputed: the same model, figures and diagnostics as loading afresh,
    /// without reading every file. The git history is kept (saving a file is
    /// not a commit); entry lags are recomputed. `None` when the change needs a
    /// fresh load (the configuration, a folder, a template, a revision);
    /// the book is then unchanged.
    pub fn update(&mut self, paths: &[std::path::PathBuf]) -> Option<crate::load::Patch> {
        if self.snapshot != Snapshot::WorkTree {
            return None;
        }
        let clock = Instant::now();
        let patch = crate::load::patch(&mut self.repo, &self.dir, paths)?;
        self.shared_names = std::sync::OnceLock::new();
        self.loading
            .retain(|d| patch.files.binary_search(&d.file).is_err());
        self.loading.extend(patch.diagnostics.iter().cloned());
        if patch.moved {
            self.index = Index::new(&self.repo);
        }
        let load_took = clock.elapsed();
        let as_of = self.metrics.as_of;
        let (repo, history) = (&self.repo, self.git.take());
        let ((git, git_took), (metrics, metrics_took)) =
            beside_figures(repo, &self.index, as_of.date, || {
                history.map(|t| crate::metrics::timeliness::timeliness(t.history, repo, &as_of))
            });
        (self.git, self.metrics) = (git, metrics);
        let (diagnostics, check_took) = timed(|| {
            checked(
                &self.repo,
                &self.index,
                &self.metrics,
                self.git.as_ref(),
                &self.loading,
            )
        });
        self.diagnostics = diagnostics;
        self.timings = vec![
            ("load", load_took),
            ("git", git_took),
            ("metrics", metrics_took),
            ("check", check_took),
        ];
        Some(patch)
    }
}

impl Snapshot {
    /// Reads the snapshot's data files into the model, with loading diagnostics.
    pub fn read(&self, dir: &Path) -> std::io::Result<(Repo, Diagnostics)> {
        match self {
            Snapshot::WorkTree => crate::load::load(dir),
            Snapshot::Revision(rev) => crate::load::load_revision(dir, rev),
        }
    }
}
