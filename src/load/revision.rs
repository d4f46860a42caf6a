//! Loading the data folder as it was committed: the same files and the same
//! rules as the walk on disk, read from one `git ls-tree` and one
//! `git cat-file --batch` (src/git/revision.rs). The working tree is not read.

use std::path::{Path, PathBuf};

use super::{CONFIG_FILE, Content, Found, Kind, assemble, decode_bounded, symlink_error};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::git::{EntryKind, Revision, TreeEntry};
use crate::model::Repo;
use crate::source::{FileId, SourceFile};

/// Loads the data folder `dir` as committed in `rev`. Diagnostics' paths are
/// relative to the data folder, as on disk; `abs_path` is `<short>:<path>`.
/// Errors when `dir` is not in a repository or not in that commit.
pub fn load_revision(dir: &Path, rev: &Revision) -> std::io::Result<(Repo, Diagnostics)> {
    load_revision_kinds(dir, rev, &Kind::ALL)
}

/// [`load_revision`] reading only the configuration and the record folders of
/// `kinds` (e.g. the deals, for a forecast over many month starts).
pub fn load_revision_kinds(
    dir: &Path,
    rev: &Revision,
    kinds: &[Kind],
) -> std::io::Result<(Repo, Diagnostics)> {
    let mut paths = vec![CONFIG_FILE];
    paths.extend(kinds.iter().map(|k| k.folder()));
    let (prefix, entries) =
        crate::git::tree(dir, &rev.oid, &paths).map_err(std::io::Error::other)?;
    let display = |rel: &str| PathBuf::from(format!("{}:{prefix}{rel}", rev.short));

    let mut config: Option<(SourceFile, Content)> = None;
    let mut config_is_folder = false;
    let mut records: Vec<(Kind, Vec<&str>, &TreeEntry)> = Vec::new();
    for e in &entries {
        if e.path == CONFIG_FILE {
            let source = SourceFile {
                rel_path: CONFIG_FILE.into(),
                abs_path: display(CONFIG_FILE),
                text: String::new(),
            };
            let content = match e.kind {
                EntryKind::File => Ok(String::new()), // read below with the records
                EntryKind::Symlink => Err(Some(symlink_error()).into()),
                EntryKind::Other => Err(Some(not_a_file()).into()),
            };
            config = Some((source, content));
            continue;
        }
        if e.path.starts_with("pipeline.toml/") {
            config_is_folder = true;
            continue;
        }
        let mut parts = e.path.split('/');
        let folder = parts.next().unwrap_or("");
        let Some(&kind) = kinds.iter().find(|k| k.folder() == folder) else {
            continue;
        };
        let below: Vec<&str> = parts.collect();
        // The walk's rules: hidden entries skipped, links never followed,
        // only .toml and .md files, README.md skipped.
        if below.is_empty() || below.iter().any(|c| c.starts_with('.')) || e.kind != EntryKind::File
        {
            continue;
        }
        let name = below.last().copied().unwrap_or("");
        let ext = name.rsplit_once('.').map_or("", |(_, x)| x);
        if !matches!(ext, "toml" | "md") || name.eq_ignore_ascii_case("README.md") {
            continue;
        }
        records.push((kind, below, e));
    }
    // The walk's order: record folders in `Kind::ALL` order, each sorted by
    // path components (git sorts `a.toml` before `a/`, the walk does not).
    records.sort_by(|a, b| {
        let ka = Kind::ALL.iter().position(|k| *k == a.0);
        let kb = Kind::ALL.iter().position(|k| *k == b.0);
        ka.cmp(&kb).then_with(|| a.1.cmp(&b.1))
    });

    // One cat-file process for every blob, the configuration first.
    let config_blob = match (&config, entries.iter().find(|e| e.path == CONFIG_FILE)) {
        (Some((_, Ok(_))), Some(e)) => Some(e.oid.clone()),
        _ => None,
    };
    let mut oids: Vec<String> = config_blob.iter().cloned().collect();
    oids.extend(records.iter().map(|r| r.2.oid.clone()));
    let mut contents = crate::git::blobs(dir, oids)?.into_iter();

    let config = match config {
        Some((source, Ok(_))) => (source, decode_bounded(contents.next().unwrap_or_default())),
        Some(c) => c,
        None => (
            SourceFile {
                rel_path: CONFIG_FILE.into(),
                abs_path: display(CONFIG_FILE),
                text: String::new(),
            },
            // A folder named pipeline.toml reads as an error, as on disk;
            // otherwise it is missing.
            Err(config_is_folder.then(not_a_file).into()),
        ),
    };
    let found = records
        .into_iter()
        .map(|(kind, _, e)| Found {
            kind,
            path: display(&e.path),
            rel: e.path.clone(),
            content: Some(decode_bounded(contents.next().unwrap_or_default())),
        })
        .collect();
    Ok(assemble(config, found))
}

fn not_a_file() -> Diagnostic {
    Diagnostic::error(
        "read-error",
        FileId(0),
        0..0,
        "cannot read the file: it is a folder (or a submodule) in this revision",
    )
}

/// The team's time zone for reading a date given on the command line
/// (`--at 2023-10-31`): `team.timezone` of the working tree's pipeline.toml,
/// else Asia/Shanghai (the default of a configuration without one). Read
/// leniently: a broken configuration is `check`'s to report.
pub fn team_timezone(dir: &Path) -> chrono_tz::Tz {
    std::fs::read_to_string(dir.join(CONFIG_FILE))
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|t| {
            t.get("team")?
                .get("timezone")?
                .as_str()?
                .parse::<chrono_tz::Tz>()
                .ok()
        })
        .unwrap_or(chrono_tz::Asia::Shanghai)
}
