//! Watching the data and theme folders: debounced file events, minus the noise
//! (hidden files, editor temp files, reads), as one [`Change`] per burst.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, EventKind, MetadataKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

/// Quiet time after the last event of a burst before it is reported: an
/// editor's save (temp file, rename, chmod) is one burst.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// Files that changed in one burst.
#[derive(Debug)]
pub struct Change {
    /// When the first event of the burst happened (for the latency report).
    pub first: Instant,
    pub paths: Vec<PathBuf>,
}

pub type Watcher = Debouncer<RecommendedWatcher, RecommendedCache>;

/// Is `path` (under one of `roots`) noise: a hidden file or folder (`.git`,
/// `.#lock`, `.x.swp`), or an editor's temp or backup file (`x~`, `*.swp`,
/// `*.swx`, vim's `4913` probe, JetBrains' `___jb_tmp___`)?
pub fn ignored(path: &Path, roots: &[PathBuf]) -> bool {
    let rel = roots
        .iter()
        .find_map(|r| path.strip_prefix(r).ok())
        .unwrap_or(path);
    let hidden = rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    if hidden {
        return true;
    }
    let Some(name) = rel.file_name().map(|n| n.to_string_lossy()) else {
        return false;
    };
    name.ends_with('~')
        || name == "4913"
        || [".swp", ".swx", ".swo", "___jb_tmp___", "___jb_old___"]
            .iter()
            .any(|s| name.ends_with(s))
}

/// Does this kind of event change content? Reads (including our own build's)
/// and access-time updates do not.
fn relevant(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime | MetadataKind::Ownership | MetadataKind::Permissions,
        )) => false,
        _ => true,
    }
}

/// Starts watching `roots` recursively; each relevant burst is sent on `tx`.
pub fn start(roots: Vec<PathBuf>, tx: Sender<Change>) -> Result<Watcher, String> {
    let filter_roots = roots.clone();
    let handler = move |result: DebounceEventResult| match result {
        Ok(events) => {
            let mut first: Option<Instant> = None;
            let mut paths = Vec::new();
            for e in &events {
                if !relevant(&e.event.kind) {
                    continue;
                }
                let kept: Vec<_> = e
                    .event
                    .paths
                    .iter()
                    .filter(|p| !ignored(p, &filter_roots))
                    .cloned()
                    .collect();
                if kept.is_empty() {
                    continue;
                }
                first = Some(first.map_or(e.time, |f| f.min(e.time)));
                paths.extend(kept);
            }
            if let Some(first) = first {
                paths.sort();
                paths.dedup();
                let _ = tx.send(Change { first, paths });
            }
        }
        Err(errors) => {
            for e in errors {
                eprintln!("warning: watching files: {e}");
            }
        }
    };
    let mut debouncer =
        new_debouncer(DEBOUNCE, None, handler).map_err(|e| format!("cannot watch files: {e}"))?;
    for root in &roots {
        debouncer
            .watch(root, RecursiveMode::Recursive)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    }
    Ok(debouncer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_is_ignored() {
        let roots = vec![PathBuf::from("/home/u/.sales/data")];
        let r = |p: &str| ignored(Path::new(p), &roots);
        // A hidden folder above the root does not hide the data.
        assert!(!r("/home/u/.sales/data/leads/LX001.toml"));
        assert!(!r("/home/u/.sales/data/pipeline.toml"));
        assert!(!r("/home/u/.sales/data/leads"));
        for p in [
            "/home/u/.sales/data/.git/index",
            "/home/u/.sales/data/leads/.#LX001.toml",
            "/home/u/.sales/data/leads/.LX001.toml.swp",
            "/home/u/.sales/data/leads/LX001.toml~",
            "/home/u/.sales/data/leads/LX001.toml.swp",
            "/home/u/.sales/data/leads/4913",
            "/home/u/.sales/data/leads/LX001.toml___jb_tmp___",
        ] {
            assert!(r(p), "{p}");
        }
    }

    #[test]
    fn reads_are_not_changes() {
        use notify::event::{CreateKind, DataChange};
        assert!(!relevant(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!relevant(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(relevant(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(relevant(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(relevant(&EventKind::Create(CreateKind::File)));
        assert!(!relevant(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime
        ))));
    }
}
