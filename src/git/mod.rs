//! Timeliness from git (SPEC §1 "records are updated within 24 hours", §2.1
//! `sla.update_hours`): when each record file last changed and by whom, and the
//! entry lag of every dated event — the time from the event to the first commit
//! that holds its line. The rules are written out in docs/git.md.
//!
//! [`read`] runs `git rev-parse` and one `log -p` over the data folder and
//! parses the history once into a [`History`], cached in the git dir (only
//! the commits since the cached one are read again; src/git/cache.rs);
//! [`timeliness`] is a pure function of that history, the model and the as-of
//! date.

use std::io::BufReader;
use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Tz;

mod cache;
mod history;
mod revision;
pub use history::*;
pub use revision::{
    EntryKind, Revision, TreeEntry, blobs, data_commit, head, holds_data_folder,
    last_commit_before, prefix, resolve, spec_date, tree, uncommitted,
};

pub use crate::model::end_of_day;

/// `git`, run so that a repository's own configuration cannot make it run a
/// program: a hostile `.git/config` (a cloned contributor's repository) may
/// name an fsmonitor hook, a signature program or hooks, and salesbook only
/// reads. No optional locks: reading never writes the index.
pub(crate) const SAFE_CONFIG: &[&str] = &[
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "log.showSignature=false",
    "-c",
    "gpg.program=false",
    "-c",
    "core.pager=cat",
    "--no-optional-locks",
];

fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.args(SAFE_CONFIG);
    cmd.current_dir(dir)
        // Inside a hook these point at the hook's repository and index; the
        // data folder finds its own repository.
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null());
    cmd
}

/// Reads the history of the data folder `dir`. `Err` is the note to show when
/// there is none to read: not a repository, no `git`, a shallow clone.
pub fn read(dir: &Path) -> Result<History, String> {
    read_to(dir, None)
}

/// Reads the history of the data folder up to commit `rev` (HEAD when `None`):
/// lags as they were known at that commit.
///
/// The parsed history is cached in the repository's git dir (docs/git.md
/// "The history cache"): a cache at the same commit is used as it is, one at
/// an ancestor is continued with the newer commits only. Only a read of HEAD
/// writes the cache, so `--at REV` leaves the repository untouched.
pub fn read_to(dir: &Path, rev: Option<&str>) -> Result<History, String> {
    let out = git(dir)
        .args([
            "rev-parse",
            "--is-shallow-repository",
            "--show-prefix",
            "--git-path",
            "salesbook",
        ])
        .stderr(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                "git not found: entry lags and last changes are skipped".to_string()
            }
            _ => format!("cannot run git ({e}): entry lags and last changes are skipped"),
        })?;
    if !out.status.success() {
        return Err(
            "the data folder is not in a git repository: entry lags and last changes are skipped"
                .into(),
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    if lines.next() == Some("true") {
        return Err("shallow clone: entry lags and last changes are skipped (fetch the full history, e.g. `git fetch --unshallow`)".into());
    }
    let prefix = lines.next().unwrap_or("").to_string();
    let store = lines
        .next()
        .filter(|p| !p.is_empty())
        .map(|p| cache::Store::new(&dir.join(p), &prefix));
    // A repository without commits yet has no commit to key a cache by:
    // `git log` says so below.
    let (Some(store), Some(target)) = (store, cache::commit_of(dir, rev.unwrap_or("HEAD"))) else {
        return log(dir, rev, History::default(), &prefix);
    };
    let mut start = History::default();
    let mut range = target.clone();
    if let Some((at, cached)) = store.load() {
        if at == target {
            return Ok(cached);
        }
        if cache::extends(dir, &at, &target) {
            start = cached;
            range = format!("{at}..{target}");
        }
    }
    let history = log(dir, Some(&range), start, &prefix)?;
    if rev.is_none() {
        store.save(&target, &history);
    }
    Ok(history)
}

/// Runs `git log -p` over `range` (HEAD when `None`) and parses it onto `start`.
fn log(dir: &Path, range: Option<&str>, start: History, prefix: &str) -> Result<History, String> {
    let mut child = git(dir)
        .args([
            "-c",
            "core.quotePath=false",
            "log",
            "--reverse",
            "--no-merges",
            "--no-renames",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--no-relative",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "--format=%x01%ct%x09%an",
            "-p",
            "--unified=0",
        ])
        .args(range)
        .args(["--", "."])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git ({e}): entry lags and last changes are skipped"))?;
    let history = match child.stdout.take() {
        Some(stdout) => parse_onto(start, BufReader::with_capacity(1 << 16, stdout), prefix),
        None => start,
    };
    let out = child
        .wait_with_output()
        .map_err(|e| format!("git log failed ({e}): entry lags and last changes are skipped"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        // A repository without commits yet: nothing is recorded.
        if err.contains("does not have any commits") || err.contains("bad default revision") {
            return Ok(History::default());
        }
        return Err(format!(
            "git log failed ({}): entry lags and last changes are skipped",
            err.lines().next().unwrap_or("").trim()
        ));
    }
    Ok(history)
}

/// A local "YYYY-MM-DD HH:MM" of an instant.
pub fn local_minute(t: DateTime<Utc>, tz: Tz) -> String {
    tz.from_utc_datetime(&t.naive_utc())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}
