//! Loading a data repository: walk the folder, read each file once, parse it
//! (in parallel) into the typed model, keeping spans.
//!
//! Loading never fails on bad data: it returns the records it could build and a
//! diagnostic for everything else. Only an unusable data folder is an I/O error.

mod config;
mod fields;
mod frontmatter;
mod patch;
mod records;
mod revision;
pub mod shape;

pub use fields::{FIRST_DATE, LAST_DATE, plausible, to_stamp};
pub use frontmatter::{Split, SplitError, split as split_front_matter};
pub use patch::{Patch, Record, patch};
pub use revision::{load_revision, load_revision_kinds, team_timezone};

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use toml::de::DeTable;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::*;
use crate::source::{FileId, SourceFile};
use fields::Cx;

pub const CONFIG_FILE: &str = "pipeline.toml";

/// A record file found by the walk (on disk) or in a commit's tree.
struct Found {
    kind: Kind,
    /// Where it is read from on disk; for a revision, a display path
    /// (`<rev>:data/deals/D007.toml`). Its stem is the record id.
    path: PathBuf,
    rel: String,
    /// `None`: read from `path` while parsing (in parallel); `Some`: already
    /// read (from a git blob).
    content: Option<Content>,
}

/// A file's text, or why there is none.
type Content = Result<String, Box<Unreadable>>;

/// Why a file has no usable text: its diagnostic (`None`: it does not exist),
/// and the text read before the problem, so that a `not-utf8` diagnostic can
/// point at the line and column of the first bad byte.
struct Unreadable {
    why: Option<Diagnostic>,
    text: String,
}

impl From<Option<Diagnostic>> for Box<Unreadable> {
    fn from(why: Option<Diagnostic>) -> Self {
        Box::new(Unreadable {
            why,
            text: String::new(),
        })
    }
}

/// Loads `dir`. Errors only when the folder itself cannot be read.
pub fn load(dir: &Path) -> std::io::Result<(Repo, Diagnostics)> {
    if !dir.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("data folder `{}` does not exist", dir.display()),
        ));
    }
    // The configuration first: its time zone decides what date-times mean.
    let config_path = dir.join(CONFIG_FILE);
    let config = read(&config_path, CONFIG_FILE.into());
    let (mut found, unreadable) = walk(dir)?;
    // An unreadable sub-folder is a diagnostic, not the end of the run.
    found.extend(unreadable.into_iter().map(|(kind, rel, why)| {
        Found {
            kind,
            path: dir.join(&rel),
            rel,
            content: Some(Err(Some(Diagnostic::error(
                "read-error",
                FileId(0),
                0..0,
                format!("cannot read the folder: {why}"),
            ))
            .into())),
        }
    }));
    Ok(assemble(config, found))
}

/// Loads `dir` as it would be with `changed` files (relative path, text) written
/// into it, without writing them: `import` validates its records this way.
pub fn load_with(
    dir: &Path,
    changed: &[(Kind, &str, &str)],
) -> std::io::Result<(Repo, Diagnostics)> {
    // A changed pipeline.toml (`import owners`) is given by its name; its kind is not read.
    let config = match changed.iter().find(|(_, rel, _)| *rel == CONFIG_FILE) {
        Some((_, _, text)) => (
            SourceFile {
                rel_path: CONFIG_FILE.into(),
                abs_path: dir.join(CONFIG_FILE),
                text: String::new(),
            },
            Ok(text.to_string()),
        ),
        None => read(&dir.join(CONFIG_FILE), CONFIG_FILE.into()),
    };
    let (mut found, _) = walk(dir)?;
    let mut texts: std::collections::HashMap<&str, (Kind, &str)> = changed
        .iter()
        .filter(|(_, rel, _)| *rel != CONFIG_FILE)
        .map(|(k, rel, text)| (*rel, (*k, *text)))
        .collect();
    for f in &mut found {
        if let Some((_, text)) = texts.remove(f.rel.as_str()) {
            f.content = Some(Ok(text.to_string()));
        }
    }
    found.extend(texts.into_iter().map(|(rel, (kind, text))| Found {
        kind,
        path: dir.join(rel),
        rel: rel.to_string(),
        content: Some(Ok(text.to_string())),
    }));
    // In the walk's order, as a load after writing them would see them.
    let rank = |k: Kind| Kind::ALL.iter().position(|x| *x == k);
    found.sort_by(|a, b| (rank(a.kind), &a.path).cmp(&(rank(b.kind), &b.path)));
    Ok(assemble(config, found))
}

/// Builds the model from the configuration file and the record files found,
/// wherever they were read from.
fn assemble(config_file: (SourceFile, Content), found: Vec<Found>) -> (Repo, Diagnostics) {
    let mut repo = Repo::default();
    let mut diags = Diagnostics::default();
    let (mut config_source, config_text) = config_file;
    // Kept for the run: diagnostics point into it.
    config_source.text = match &config_text {
        Ok(text) => text.clone(),
        Err(e) => e.text.clone(),
    };
    let config_id = repo.sources.add(config_source);
    let mut cx = Cx::new(config_id, 0, chrono_tz::Asia::Shanghai);
    match config_text {
        Err(e) => {
            let d = e.why.unwrap_or_else(|| {
                Diagnostic::error(
                    "missing-config",
                    config_id,
                    0..0,
                    format!("no {CONFIG_FILE} in the data folder"),
                )
                .with_hint("create it with [team] name = \"…\" and at least one [[owners]] entry")
            });
            diags.push(Diagnostic {
                file: config_id,
                ..d
            });
        }
        Ok(text) => {
            let (body, offset) = strip_bom(&text);
            cx.offset = offset;
            if let Some(root) = parse_toml(&mut cx, body) {
                let meta = Meta {
                    id: "pipeline".into(),
                    file: config_id,
                    span: offset..offset,
                };
                repo.config = Some(config::parse(&mut cx, &root, meta));
            }
            diags.extend(cx.diags);
        }
    }
    let tz = repo.config().team.timezone;

    let first_id = repo.sources.len() as u32;
    let parsed: Vec<(SourceFile, Parsed, Vec<Diagnostic>)> = found
        .into_par_iter()
        .enumerate()
        .map(|(i, f)| parse_file(f, FileId(first_id + i as u32), tz))
        .collect();
    for (source, record, file_diags) in parsed {
        repo.sources.add(source);
        diags.extend(file_diags);
        insert(&mut repo, record);
    }
    (repo, diags)
}

/// Parses one record given as text, as if it were the file `rel` (e.g.
/// `leads/LX001.toml`) of the data folder `dir`, and adds it to `repo` with its
/// source: `salesbook new` validates a record this way before writing it.
/// Returns the new file's id and its loading diagnostics; the cross-record
/// checks are the caller's (`check::check` on the extended repo).
pub fn add_record(
    repo: &mut Repo,
    dir: &Path,
    kind: Kind,
    rel: &str,
    text: String,
) -> (FileId, Vec<Diagnostic>) {
    let source = SourceFile {
        rel_path: rel.to_string(),
        abs_path: dir.join(rel),
        text,
    };
    let file = FileId(repo.sources.len() as u32);
    let tz = repo.config().team.timezone;
    let (source, record, diags) = parse_source(kind, source, file, tz);
    let added = repo.sources.add(source);
    debug_assert_eq!(added, file);
    insert(repo, record);
    (file, diags)
}

fn insert(repo: &mut Repo, record: Parsed) {
    match record {
        Parsed::Lead(r) => repo.leads.push(r),
        Parsed::Customer(r) => repo.customers.push(r),
        Parsed::Deal(r) => repo.deals.push(r),
        Parsed::Month(r) => repo.months.push(r),
        Parsed::Case(r) => repo.cases.push(r),
        Parsed::Failed(kind, id) => {
            repo.unparsed.insert((kind, id));
        }
        Parsed::Skipped => {}
    }
}

/// The record files below the five record folders, in a stable order, and the
/// folders that could not be read (kind, path relative to `dir`, reason).
#[allow(clippy::type_complexity)]
fn walk(dir: &Path) -> std::io::Result<(Vec<Found>, Vec<(Kind, String, String)>)> {
    let mut found = Vec::new();
    let mut unreadable = Vec::new();
    for kind in Kind::ALL {
        let root = dir.join(kind.folder());
        // A record folder that is a symlink is not followed either.
        let is_real_dir = std::fs::symlink_metadata(&root).is_ok_and(|m| m.is_dir());
        if !is_real_dir {
            continue;
        }
        let walker = walkdir::WalkDir::new(&root)
            .follow_links(false)
            .follow_root_links(false)
            // By file name, as `sort_by_file_name` does, but without parsing both
            // paths on each comparison (4% of a `check`): siblings share their
            // parent's path, so whole paths compare as their file names do.
            .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                // An unreadable sub-folder is a diagnostic, not the end of the run.
                Err(e) => {
                    let rel = e
                        .path()
                        .map_or_else(|| kind.folder().to_string(), |p| relative(dir, p));
                    let why = e
                        .io_error()
                        .map_or_else(|| e.to_string(), ToString::to_string);
                    unreadable.push((kind, rel, why));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue; // folders, and symlinks, which are never followed
            }
            let path = entry.into_path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !matches!(ext, "toml" | "md") || name.eq_ignore_ascii_case("README.md") {
                continue;
            }
            let rel = relative(dir, &path);
            found.push(Found {
                kind,
                path,
                rel,
                content: None,
            });
        }
    }
    Ok((found, unreadable))
}

/// `path` relative to the data folder, with `/` separators.
fn relative(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

enum Parsed {
    Lead(Lead),
    Customer(Customer),
    Deal(Deal),
    Month(Month),
    Case(Case),
    /// The record could not be built; its id still counts as existing, so that
    /// references to it do not pile up more errors.
    Failed(Kind, String),
    Skipped,
}

/// The diagnostic for a symbolic link, on disk or committed (mode 120000).
fn symlink_error() -> Diagnostic {
    Diagnostic::error(
        "read-error",
        FileId(0),
        0..0,
        "the file is a symbolic link, and salesbook does not follow links",
    )
    .with_hint("keep the data files themselves in the data folder")
}

/// A file's bytes as text, or the `not-utf8` diagnostic at the first bad byte.
fn decode(bytes: Vec<u8>) -> Content {
    String::from_utf8(bytes).map_err(|e| {
        // Keep the valid text and the rest of the offending line (lossy, at
        // most a few hundred bytes), so the diagnostic can show its line and column.
        let at = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let rest = &bytes[at..bytes.len().min(at + 256)];
        let line_end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let mut text = String::from_utf8_lossy(&bytes[..at]).into_owned();
        text.push_str(&String::from_utf8_lossy(&rest[..line_end]));
        let what = match bytes.get(..2) {
            Some([0xff, 0xfe] | [0xfe, 0xff]) => "it looks like UTF-16",
            _ => "invalid byte",
        };
        let why = Diagnostic::error(
            "not-utf8",
            FileId(0),
            at..at + '\u{fffd}'.len_utf8(),
            format!(
                "the file is not valid UTF-8 ({what} at offset {at}, byte 0x{:02X})",
                bytes[at]
            ),
        )
        .with_hint("save the file as UTF-8");
        Box::new(Unreadable {
            why: Some(why),
            text,
        })
    })
}

/// Reads a file once. `Err(None)`: it does not exist. The source's text is
/// left empty: it is the content's.
fn read(path: &Path, rel: String) -> (SourceFile, Content) {
    let file = SourceFile {
        rel_path: rel,
        abs_path: path.to_path_buf(),
        text: String::new(),
    };
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return (file, Err(Some(symlink_error()).into()));
    }
    // A FIFO or a device would block or never end: only regular files are read.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        let d = Diagnostic::error(
            "read-error",
            FileId(0),
            0..0,
            "not a regular file (a folder, a pipe or a device)",
        );
        return (file, Err(Some(d).into()));
    }
    let result = match read_bounded(path) {
        Ok(bytes) => decode(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(None.into()),
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
            Err(Some(too_large(e.to_string())).into())
        }
        Err(e) => Err(Some(Diagnostic::error(
            "read-error",
            FileId(0),
            0..0,
            format!("cannot read the file: {e}"),
        ))
        .into()),
    };
    (file, result)
}

/// The largest file salesbook reads (record or `pipeline.toml`). Parsing needs
/// up to ~45× a file's size in memory (a file of many small tables), so this
/// bounds memory per file; hand-written records are far smaller (the sample's
/// largest is a few kB). See docs/robustness.md.
pub const MAX_FILE_BYTES: u64 = 10 << 20;

/// Reads a whole file unless it is larger than [`MAX_FILE_BYTES`]; reads at most
/// one byte past the limit, so a huge or growing file costs no memory.
fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let len = file.metadata().map_or(0, |m| m.len());
    let mut bytes = Vec::with_capacity(len.min(MAX_FILE_BYTES) as usize + 1);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES || len > MAX_FILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            too_large_message(len.max(bytes.len() as u64)),
        ));
    }
    Ok(bytes)
}

/// A committed file's bytes (git blob) as text, refused like a file on disk
/// when larger than [`MAX_FILE_BYTES`]: parsing is what costs memory.
fn decode_bounded(bytes: Vec<u8>) -> Content {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let message = too_large_message(bytes.len() as u64);
        return Err(Some(too_large(message)).into());
    }
    decode(bytes)
}

fn too_large_message(len: u64) -> String {
    format!(
        "the file is {}, more than the {} MiB salesbook reads",
        mib(len),
        MAX_FILE_BYTES >> 20
    )
}

/// The `read-error` of a file over [`MAX_FILE_BYTES`].
fn too_large(message: String) -> Diagnostic {
    Diagnostic::error("read-error", FileId(0), 0..0, message).with_hint(
        "split the record, or move large material (exports, attachments) out of the data folder",
    )
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1 << 20) as f64)
}

fn strip_bom(text: &str) -> (&str, usize) {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, 3),
        None => (text, 0),
    }
}

/// Parses TOML, reporting every syntax error; `None` when there was any.
fn parse_toml<'i>(cx: &mut Cx, text: &'i str) -> Option<DeTable<'i>> {
    let (root, errors) = DeTable::parse_recoverable(text);
    if errors.is_empty() {
        return Some(root.into_inner());
    }
    cx.failed = true;
    for e in errors {
        let span = e.span().unwrap_or(0..0);
        let span = cx.abs(span);
        let message = e.message().trim_end().trim_end_matches('.').to_string();
        cx.error("toml-syntax", span, format!("invalid TOML: {message}"));
    }
    None
}

fn parse_file(f: Found, file: FileId, tz: chrono_tz::Tz) -> (SourceFile, Parsed, Vec<Diagnostic>) {
    let (mut source, content) = match f.content {
        None => read(&f.path, f.rel),
        Some(content) => (
            SourceFile {
                rel_path: f.rel,
                abs_path: f.path.clone(),
                text: String::new(),
            },
            content,
        ),
    };
    let content = match content {
        Ok(text) => text,
        Err(e) => {
            source.text = e.text;
            let d = e.why.unwrap_or_else(|| {
                Diagnostic::error(
                    "read-error",
                    file,
                    0..0,
                    "the file disappeared while reading",
                )
            });
            return (
                source,
                Parsed::Failed(f.kind, stem(&f.path)),
                vec![Diagnostic { file, ..d }],
            );
        }
    };
    source.text = content;
    parse_source(f.kind, source, file, tz)
}

/// A record's id: its file name without the extension.
fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Parses a record file already read; its id and extension come from `abs_path`.
fn parse_source(
    kind: Kind,
    source: SourceFile,
    file: FileId,
    tz: chrono_tz::Tz,
) -> (SourceFile, Parsed, Vec<Diagnostic>) {
    let mut cx = Cx::new(file, 0, tz);
    let path = source.abs_path.clone();
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if ext != kind.extension() {
        cx.error(
            "wrong-extension",
            0..0,
            format!(
                "{} records are `.{}` files, this is `.{ext}`",
                kind.folder(),
                kind.extension()
            ),
        )
        .hint = Some(format!("rename it to `{id}.{}`", kind.extension()));
        return (source, Parsed::Skipped, cx.diags);
    }
    if !is_valid_id(&id) {
        cx.error("invalid-id", 0..0, format!("`{id}` is not a valid record id (the file name is the id)"))
            .hint = Some("ids are 1–100 letters, digits, `-`, `_` or `.`, not starting with `.`; rename the file".into());
    }

    let text = source.text.as_str();
    let (toml_text, offset, body, body_offset, record_span) = if kind.extension() == "md" {
        match split_front_matter(text) {
            Ok(s) => (s.toml, s.toml_offset, s.body, s.body_offset, s.open),
            Err(e) => {
                let (span, msg) = match e {
                    SplitError::Missing => (
                        0..0,
                        "missing front matter: the file must start with a `+++` line",
                    ),
                    SplitError::Unclosed(open) => {
                        (open, "the front matter is not closed by a `+++` line")
                    }
                };
                cx.error("missing-front-matter", span, msg).hint = Some(
                    "write the record's fields as TOML between two `+++` lines at the top".into(),
                );
                let parsed = Parsed::Failed(kind, id);
                let diags = cx.diags;
                return (source, parsed, diags);
            }
        }
    } else {
        let (t, o) = strip_bom(text);
        (t, o, "", text.len(), o..o)
    };
    cx.offset = offset;
    let Some(root) = parse_toml(&mut cx, toml_text) else {
        let diags = cx.diags;
        return (source, Parsed::Failed(kind, id), diags);
    };
    let meta = Meta {
        id: id.clone(),
        file,
        span: record_span,
    };
    let parsed = match kind {
        Kind::Lead => records::lead(&mut cx, &root, meta).map(Parsed::Lead),
        Kind::Customer => records::customer(&mut cx, &root, meta, body).map(Parsed::Customer),
        Kind::Deal => records::deal(&mut cx, &root, meta).map(Parsed::Deal),
        Kind::Month => records::month(&mut cx, &root, meta, body).map(Parsed::Month),
        Kind::Case => records::case(&mut cx, &root, meta, body, body_offset).map(Parsed::Case),
    }
    .unwrap_or(Parsed::Failed(kind, id));
    drop(root);
    let diags = cx.diags;
    (source, parsed, diags)
}
