//! Re-reading a few changed record files into a loaded repository (`serve`):
//! the walk's rules applied to single paths, so a patched model equals the
//! model a fresh load of the folder would build.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{Found, Kind, Parsed, parse_file, relative};
use crate::diagnostic::Diagnostic;
use crate::model::{Case, Customer, Deal, Lead, Meta, Month, Repo};
use crate::source::FileId;

/// A record as it was before or is after a patch (a copy: the old spans point
/// into text that is gone).
#[derive(Debug, Clone)]
pub enum Record {
    Lead(Lead),
    Customer(Customer),
    Deal(Deal),
    Month(Month),
    Case(Case),
}

/// What [`patch`] changed.
#[derive(Debug, Default)]
pub struct Patch {
    /// The files read again (or added, or removed).
    pub files: Vec<FileId>,
    /// The records those files held before and hold now.
    pub before: Vec<Record>,
    pub after: Vec<Record>,
    /// The loading diagnostics of those files now.
    pub diagnostics: Vec<Diagnostic>,
    /// Whether records were added or removed (positions moved: the id index is stale).
    pub moved: bool,
}

impl Patch {
    /// Adds a later patch of the same book: the records before both and after both.
    pub fn absorb(&mut self, later: Patch) {
        self.files.extend(later.files);
        self.files.sort();
        self.files.dedup();
        self.before.extend(later.before);
        self.after.extend(later.after);
        self.diagnostics = later.diagnostics;
        self.moved |= later.moved;
    }
}

/// One changed path, sorted out.
struct Changed {
    kind: Kind,
    rel: String,
    path: PathBuf,
    /// Still a file the walk would read (else: removed, or never read).
    present: bool,
}

/// Applies the changes at `paths` (files of the data folder `dir` that were
/// written, created or removed) to `repo`. `None` when a path is not a record
/// file the walk reads: `pipeline.toml` (its time zone and stages change every
/// record), a folder, a template. The caller then loads afresh.
pub fn patch(repo: &mut Repo, dir: &Path, paths: &[PathBuf]) -> Option<Patch> {
    let mut changed: Vec<Changed> = Vec::new();
    for path in paths {
        if let Some(c) = sort_out(repo, dir, path)?
            && !changed.iter().any(|o| o.rel == c.rel)
        {
            changed.push(c);
        }
    }
    let tz = repo.config().team.timezone;
    let mut out = Patch::default();
    let mut unparsed_touched = false;
    for c in changed {
        let old = repo
            .sources
            .iter()
            .find(|(_, f)| f.rel_path == c.rel)
            .map(|(id, _)| id);
        let old_pos = old.and_then(|id| position(repo, c.kind, id));
        if let (Some(id), None) = (old, old_pos) {
            // A file without a record failed to parse (wrong extensions are
            // never read): its id is in `unparsed`.
            unparsed_touched |=
                c.path.extension().and_then(|e| e.to_str()) == Some(c.kind.extension());
            out.files.push(id);
        }
        if let Some(p) = old_pos {
            out.before.push(take(repo, c.kind, p));
        }
        if !c.present {
            if let Some(id) = old {
                repo.sources.remove(id);
                out.files.push(id);
                out.moved |= old_pos.is_some();
            }
            continue;
        }
        let id = old.unwrap_or(FileId(repo.sources.len() as u32));
        let found = Found {
            kind: c.kind,
            path: c.path,
            rel: c.rel,
            content: None,
        };
        let (source, parsed, diags) = parse_file(found, id, tz);
        match old {
            Some(id) => repo.sources.replace(id, source),
            None => {
                repo.sources.add(source);
            }
        }
        out.files.push(id);
        out.diagnostics.extend(diags);
        match record(parsed) {
            Ok(r) => {
                out.after.push(r.clone());
                match old_pos {
                    Some(p) => insert_at(repo, r, p),
                    None => {
                        let p = sorted_position(repo, c.kind, &repo.sources.get(id).abs_path);
                        insert_at(repo, r, p);
                        out.moved = true;
                    }
                }
            }
            Err(failed) => {
                out.moved |= old_pos.is_some();
                unparsed_touched |= failed;
            }
        }
    }
    if unparsed_touched {
        repo.unparsed = unparsed(repo);
    }
    out.files.sort();
    out.files.dedup();
    Some(out)
}

/// `Some(None)`: the path is nothing the walk reads (hidden, not `.toml`/`.md`,
/// a README). `None`: not patchable.
fn sort_out(repo: &Repo, dir: &Path, path: &Path) -> Option<Option<Changed>> {
    // Watchers report canonical paths; the model keeps `dir` as given.
    let rel = match path.strip_prefix(dir) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => path
            .strip_prefix(dir.canonicalize().ok()?)
            .ok()?
            .to_path_buf(),
    };
    let path = &dir.join(&rel);
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy());
    let first = parts.next()?;
    let Some(kind) = Kind::ALL.into_iter().find(|k| k.folder() == first) else {
        // Outside the record folders only pipeline.toml and templates/ are read.
        return if first == super::CONFIG_FILE || first == "templates" {
            None
        } else {
            Some(None)
        };
    };
    let rest: Vec<_> = parts.collect();
    if rest.is_empty() || rest.iter().any(|p| p.starts_with('.')) {
        // The record folder itself, or hidden: load afresh / ignore.
        return if rest.is_empty() { None } else { Some(None) };
    }
    if !std::fs::symlink_metadata(dir.join(kind.folder())).is_ok_and(|m| m.is_dir()) {
        return None;
    }
    let rel = relative(dir, path);
    let meta = std::fs::symlink_metadata(path);
    if meta.as_ref().is_ok_and(|m| m.is_dir()) {
        return None; // a folder: many files may have come or gone
    }
    let prefix = format!("{rel}/");
    if meta.is_err()
        && repo
            .sources
            .iter()
            .any(|(_, f)| f.rel_path.starts_with(&prefix))
    {
        return None; // a folder that was removed
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if !matches!(ext, "toml" | "md") || name.eq_ignore_ascii_case("README.md") {
        return Some(None);
    }
    // The walk reads regular files only (symlinks are skipped).
    let present = meta.is_ok_and(|m| m.is_file());
    Some(Some(Changed {
        kind,
        rel,
        path: path.to_path_buf(),
        present,
    }))
}

fn metas(repo: &Repo, kind: Kind) -> Vec<&Meta> {
    match kind {
        Kind::Lead => repo.leads.iter().map(|r| &r.meta).collect(),
        Kind::Customer => repo.customers.iter().map(|r| &r.meta).collect(),
        Kind::Deal => repo.deals.iter().map(|r| &r.meta).collect(),
        Kind::Month => repo.months.iter().map(|r| &r.meta).collect(),
        Kind::Case => repo.cases.iter().map(|r| &r.meta).collect(),
    }
}

fn position(repo: &Repo, kind: Kind, file: FileId) -> Option<usize> {
    let find = |m: &Meta| m.file == file;
    match kind {
        Kind::Lead => repo.leads.iter().position(|r| find(&r.meta)),
        Kind::Customer => repo.customers.iter().position(|r| find(&r.meta)),
        Kind::Deal => repo.deals.iter().position(|r| find(&r.meta)),
        Kind::Month => repo.months.iter().position(|r| find(&r.meta)),
        Kind::Case => repo.cases.iter().position(|r| find(&r.meta)),
    }
}

/// Where the walk would have put a new file: it visits each folder's entries
/// sorted by name, depth first, which is how paths compare component-wise.
fn sorted_position(repo: &Repo, kind: Kind, path: &Path) -> usize {
    let metas = metas(repo, kind);
    metas.partition_point(|m| repo.sources.get(m.file).abs_path.as_path() < path)
}

fn take(repo: &mut Repo, kind: Kind, p: usize) -> Record {
    match kind {
        Kind::Lead => Record::Lead(repo.leads.remove(p)),
        Kind::Customer => Record::Customer(repo.customers.remove(p)),
        Kind::Deal => Record::Deal(repo.deals.remove(p)),
        Kind::Month => Record::Month(repo.months.remove(p)),
        Kind::Case => Record::Case(repo.cases.remove(p)),
    }
}

fn insert_at(repo: &mut Repo, r: Record, p: usize) {
    match r {
        Record::Lead(r) => repo.leads.insert(p, r),
        Record::Customer(r) => repo.customers.insert(p, r),
        Record::Deal(r) => repo.deals.insert(p, r),
        Record::Month(r) => repo.months.insert(p, r),
        Record::Case(r) => repo.cases.insert(p, r),
    }
}

/// The record, or whether the file failed (its id then exists unparsed).
fn record(parsed: Parsed) -> Result<Record, bool> {
    match parsed {
        Parsed::Lead(r) => Ok(Record::Lead(r)),
        Parsed::Customer(r) => Ok(Record::Customer(r)),
        Parsed::Deal(r) => Ok(Record::Deal(r)),
        Parsed::Month(r) => Ok(Record::Month(r)),
        Parsed::Case(r) => Ok(Record::Case(r)),
        Parsed::Failed(..) => Err(true),
        Parsed::Skipped => Err(false),
    }
}

/// The ids of record files that hold no record (wrong extensions are skipped,
/// not failed), as loading records them; other entries (an unreadable
/// folder's) are kept.
fn unparsed(repo: &Repo) -> HashSet<(Kind, String)> {
    let with_record: HashSet<FileId> = Kind::ALL
        .into_iter()
        .flat_map(|k| metas(repo, k).into_iter().map(|m| m.file))
        .collect();
    let mut files = HashSet::new();
    let mut failed = HashSet::new();
    for (id, f) in repo.sources.iter().skip(1) {
        let path = Path::new(&f.rel_path);
        let kind = Kind::ALL
            .into_iter()
            .find(|k| f.rel_path.starts_with(&format!("{}/", k.folder())));
        let Some(kind) = kind else { continue };
        if path.extension().and_then(|e| e.to_str()) != Some(kind.extension()) {
            continue;
        }
        let key = (kind, super::stem(path));
        if !with_record.contains(&id) {
            failed.insert(key.clone());
        }
        files.insert(key);
    }
    repo.unparsed
        .iter()
        .filter(|k| !files.contains(*k))
        .cloned()
        .chain(failed)
        .collect()
}
