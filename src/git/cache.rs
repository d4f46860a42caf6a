//! The cache of a parsed [`History`] (docs/git.md "The history cache"): one
//! JSON file per data folder in the repository's git dir
//! (`.git/salesbook/history-<hash of the data folder's prefix>`), never
//! committed, keyed by the commit the history was read up to.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use serde::{Deserialize, Serialize};

use super::{History, git};

/// Bumped whenever `History` or what the parser keeps changes: an older file
/// is then ignored and rewritten.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct Cached {
    version: u32,
    /// The data folder's prefix in the repository, to tell hash collisions apart.
    prefix: String,
    /// The commit id the history was read up to.
    commit: String,
    history: History,
}

/// Where one data folder's history is cached.
pub struct Store {
    path: PathBuf,
    prefix: String,
}

/// FNV-1a: a hash that stays the same across Rust versions (std's does not
/// promise to), so the file name of a folder's cache does not change.
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Store {
    /// `dir` is `git rev-parse --git-path salesbook`.
    pub fn new(dir: &Path, prefix: &str) -> Store {
        Store {
            path: dir.join(format!("history-{:016x}", fnv1a(prefix))),
            prefix: prefix.to_string(),
        }
    }

    /// The cached commit and history; `None` when there is none, or it is
    /// unreadable, of another version or of another folder.
    pub fn load(&self) -> Option<(String, History)> {
        let bytes = std::fs::read(&self.path).ok()?;
        let c: Cached = serde_json::from_slice(&bytes).ok()?;
        (c.version == VERSION && c.prefix == self.prefix && c.history.is_consistent())
            .then_some((c.commit, c.history))
    }

    /// Writes the cache atomically (a temporary file renamed over it), so a
    /// concurrent reader sees the old file or the new one. A failure only
    /// costs the next read its speed, so it is not reported.
    pub fn save(&self, commit: &str, history: &History) {
        let Some(dir) = self.path.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let cached = CachedRef {
            version: VERSION,
            prefix: &self.prefix,
            commit,
            history,
        };
        let Ok(bytes) = serde_json::to_vec(&cached) else {
            return;
        };
        // Best effort: a cache that cannot be written is read from git next time.
        let _ = crate::atomic::write(&self.path, &bytes, ".tmp");
    }
}

/// [`Cached`] by reference, to write without cloning the history.
#[derive(Serialize)]
struct CachedRef<'a> {
    version: u32,
    prefix: &'a str,
    commit: &'a str,
    history: &'a History,
}

/// The commit id `rev` names; `None` when it names none (no commits yet).
pub fn commit_of(dir: &Path, rev: &str) -> Option<String> {
    let out = git(dir)
        .args(["rev-parse", "--verify", "--quiet", "--end-of-options"])
        .arg(format!("{rev}^{{commit}}"))
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (out.status.success() && !id.is_empty()).then_some(id)
}

/// Whether the history up to `to` is the history up to `from` followed by
/// the commits of `from..to` in order: `from` is an ancestor of `to` and no
/// merge lies between them (with a merge, `git log` may interleave the
/// merged commits with older ones; a rebase or amend is no ancestor).
pub fn extends(dir: &Path, from: &str, to: &str) -> bool {
    let ancestor = git(dir)
        .args(["merge-base", "--is-ancestor", from, to])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ancestor {
        return false;
    }
    git(dir)
        .args(["rev-list", "--count", "--min-parents=2"])
        .arg(format!("{from}..{to}"))
        .stderr(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "0")
}
