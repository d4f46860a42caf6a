//! `salesbook import leads|customers|stages FILE`: the template's tables 1–3 from
//! CSV or xlsx into records (docs/import.md).
//!
//! Rows are read ([`sheet`]), matched to fields by their headers ([`columns`]),
//! their values parsed ([`values`]) into operations on records ([`records`]),
//! applied to new or existing record files with toml_edit ([`edit`]), and the
//! result checked by the real loader before anything is written ([`validate`]).

pub mod columns;
pub mod edit;
mod lookup;
mod owners;
pub mod records;
pub mod sheet;
pub mod validate;
pub mod values;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use toml_edit::DocumentMut;

use crate::book::Book;
use crate::model::Kind;
use edit::{Effect, Mode, Op};
use records::Planned;

/// Which template table the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// Table 1 线索来源登记表 → leads/
    Leads,
    /// Table 2 客户信息档案表 → customers/
    Customers,
    /// Table 3 销售阶段评估表 → the `[[stages]]` of deals/
    Stages,
    /// The deal table (商机) or a CRM opportunity export → deals/
    Deals,
    /// A team roster → the `[[owners]]` of pipeline.toml
    Owners,
}

impl Table {
    pub fn name(self) -> &'static str {
        match self {
            Table::Leads => "leads",
            Table::Customers => "customers",
            Table::Stages => "stages",
            Table::Deals => "deals",
            Table::Owners => "owners",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub table: Table,
    pub file: PathBuf,
    /// The xlsx sheet; default the first.
    pub sheet: Option<String>,
    /// A CSV file's encoding; detected when `None`.
    pub encoding: Option<sheet::Encoding>,
    pub map: Option<PathBuf>,
    /// Change existing records (only the imported values).
    pub update: bool,
    /// Write nothing; say what would happen.
    pub dry_run: bool,
    pub as_of: Option<NaiveDate>,
    /// Import the valid rows; write the invalid ones, with their errors, to this
    /// CSV file (without it, one bad row stops the whole import).
    pub rejects: Option<PathBuf>,
}

/// A problem with a row (1-based, the header is row 1) and column.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowError {
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
    /// The record file it was found in, when the checks found it.
    pub record: Option<String>,
    /// What fixes it.
    pub hint: Option<String>,
}

impl RowError {
    pub fn new(row: Option<usize>, column: Option<String>, message: impl Into<String>) -> Self {
        RowError {
            row,
            column,
            message: clip_quoted(&message.into(), '`'),
            ..RowError::default()
        }
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(clip_quoted(&clip_quoted(&hint.into(), '`'), '"'));
        self
    }
}

/// Characters of a cell's text a message quotes.
const QUOTED_CHARS: usize = 60;

/// `message` with every cell text between two `quote`s cut to
/// [`QUOTED_CHARS`]: a megabyte in one cell is said as its beginning, not
/// printed whole.
fn clip_quoted(message: &str, quote: char) -> String {
    let mut out = String::with_capacity(message.len().min(1024));
    for (i, part) in message.split(quote).enumerate() {
        if i > 0 {
            out.push(quote);
        }
        match part.char_indices().nth(QUOTED_CHARS) {
            Some((at, _)) if i % 2 == 1 => {
                out.push_str(&part[..at]);
                out.push('…');
            }
            _ => out.push_str(part),
        }
    }
    out
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.row, &self.column) {
            (Some(r), Some(c)) => write!(f, "row {r}, column {c}: {}", self.message)?,
            (Some(r), None) => write!(f, "row {r}: {}", self.message)?,
            (None, Some(c)) => write!(f, "column {c}: {}", self.message)?,
            (None, None) => write!(f, "{}", self.message)?,
        }
        if let Some(rel) = &self.record {
            write!(f, " ({rel})")?;
        }
        Ok(())
    }
}

/// The same problem on several rows, said once.
#[derive(Debug, Clone, PartialEq)]
pub struct Grouped<'a> {
    pub first: &'a RowError,
    /// Every row it is on, in order.
    pub rows: Vec<usize>,
}

/// How many row numbers a grouped problem lists before `…`.
const ROWS_SHOWN: usize = 5;

impl fmt::Display for Grouped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.first;
        if self.rows.len() < 2 {
            write!(f, "{e}")?;
        } else {
            if let Some(c) = &e.column {
                write!(f, "column {c}: ")?;
            }
            write!(
                f,
                "{} on {} rows ({})",
                e.message,
                self.rows.len(),
                rows_list(&self.rows)
            )?;
        }
        if let Some(h) = &e.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

/// History from another system rarely has a row for every core stage: when the
/// import fails on that alone, say once how to bring it in as history.
fn suggest_since(errors: &[RowError], history_until: Option<NaiveDate>) -> Option<RowError> {
    let skipped = errors
        .iter()
        .filter(|e| e.message.ends_with("[core-stage-skipped]"))
        .count();
    let since = history_until?.succ_opt()?;
    (skipped > 0).then(|| {
        RowError::new(
            None,
            None,
            format!("{skipped} of these errors are core stages the file has no row for"),
        )
        .with_hint(format!(
            "if the rows are history from another system, add `[process] since = {since}` to pipeline.toml: deals that started before it count in every figure but are not held to the process rules (SPEC §2.1)"
        ))
    })
}

/// The first rows of a list of rows, `2, 3, 4, 5, 6, …`.
pub fn rows_list(rows: &[usize]) -> String {
    let shown: Vec<String> = rows.iter().take(ROWS_SHOWN).map(usize::to_string).collect();
    let more = if rows.len() > ROWS_SHOWN { ", …" } else { "" };
    format!("{}{more}", shown.join(", "))
}

/// The problems, each said once: the same message in the same column on many
/// rows becomes one line with the count and the first rows. In row order.
pub fn group(errors: &[RowError]) -> Vec<Grouped<'_>> {
    let mut out: Vec<Grouped> = Vec::new();
    let mut at: HashMap<(&Option<String>, &str), usize> = HashMap::new();
    for e in errors {
        match (e.row, at.get(&(&e.column, e.message.as_str()))) {
            (Some(row), Some(&i)) => out[i].rows.push(row),
            _ => {
                at.insert((&e.column, e.message.as_str()), out.len());
                out.push(Grouped {
                    first: e,
                    rows: e.row.into_iter().collect(),
                });
            }
        }
    }
    out
}

#[derive(Debug)]
pub enum Failure {
    /// The file, the map file or the data folder cannot be used (exit 2).
    Usage(String),
    /// Rows are invalid; nothing was written (exit 1).
    Invalid(Vec<RowError>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    /// The record exists and the import would change it: needs `--update`.
    Skipped,
    /// The record already holds the imported values.
    Unchanged,
}

#[derive(Debug)]
pub struct Change {
    pub outcome: Outcome,
    pub rel: String,
    pub rows: Vec<usize>,
    /// For deals: what happened to each stage entry.
    pub detail: String,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub changes: Vec<Change>,
    pub notes: Vec<String>,
    /// New warnings the import brings (`salesbook check` lists them).
    pub warnings: usize,
    pub dry_run: bool,
}

impl Summary {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.changes.iter().filter(|c| c.outcome == outcome).count()
    }

    /// One line per record, then the totals.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for c in &self.changes {
            let verb = match (c.outcome, self.dry_run) {
                (Outcome::Created, false) => "created  ",
                (Outcome::Created, true) => "would create",
                (Outcome::Updated, false) => "updated  ",
                (Outcome::Updated, true) => "would update",
                (Outcome::Skipped, _) => "skipped  ",
                (Outcome::Unchanged, _) => "unchanged",
            };
            let rows: Vec<String> = c.rows.iter().map(usize::to_string).collect();
            let why = match c.outcome {
                Outcome::Skipped => " (exists; --update changes it)",
                _ => "",
            };
            out.push_str(&format!(
                "{verb} {} (row {}){why}{}\n",
                c.rel,
                rows.join(", "),
                if c.detail.is_empty() {
                    String::new()
                } else {
                    format!(": {}", c.detail)
                }
            ));
        }
        out.push_str(&format!(
            "{}{} created, {} updated, {} skipped ({} unchanged, {} existing without --update)\n",
            if self.dry_run {
                "dry run, nothing written: "
            } else {
                ""
            },
            self.count(Outcome::Created),
            self.count(Outcome::Updated),
            self.count(Outcome::Skipped) + self.count(Outcome::Unchanged),
            self.count(Outcome::Unchanged),
            self.count(Outcome::Skipped),
        ));
        out
    }
}

/// A record file after the import: its new text, if it changes.
#[doc(hidden)]
pub struct Result1 {
    outcome: Outcome,
    pub text: Option<String>,
    detail: String,
}

/// How many times `--rejects` sets rows aside and tries again: leaving a row out
/// can make another fail (a deal whose customer row was rejected).
const REJECT_ROUNDS: usize = 8;

/// Runs the import into the data folder `data`.
pub fn run(data: &Path, opts: &Options) -> Result<Summary, Failure> {
    let Some(rejects) = &opts.rejects else {
        return run_rows(data, opts, &BTreeMap::new());
    };
    // row → its errors
    let mut rejected: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for _ in 0..REJECT_ROUNDS {
        match run_rows(data, opts, &rejected) {
            Ok(mut summary) => {
                if !rejected.is_empty() {
                    let rows: Vec<usize> = rejected.keys().copied().collect();
                    if !opts.dry_run {
                        write_rejects(opts, rejects, &rejected).map_err(Failure::Usage)?;
                    }
                    summary.notes.push(format!(
                        "{} row(s) rejected ({}){}: the other rows are imported",
                        rows.len(),
                        rows_list(&rows),
                        if opts.dry_run {
                            String::new()
                        } else {
                            format!(", written with their errors to {}", rejects.display())
                        }
                    ));
                }
                return Ok(summary);
            }
            Err(Failure::Invalid(errors)) if errors.iter().all(|e| e.row.is_some()) => {
                for e in errors {
                    let row = e.row.expect("every error has its row");
                    let column = e.column.map(|c| format!("{c}: ")).unwrap_or_default();
                    rejected
                        .entry(row)
                        .or_default()
                        .push(format!("{column}{}", e.message));
                }
            }
            Err(e) => return Err(e),
        }
    }
    Err(Failure::Usage(format!(
        "rows kept failing after {REJECT_ROUNDS} rounds of setting the invalid ones aside; import without --rejects to see every error"
    )))
}

/// The rejected rows as read, with an `error` column, as CSV (UTF-8 with a BOM,
/// which Excel opens as such).
fn write_rejects(
    opts: &Options,
    path: &Path,
    rejected: &BTreeMap<usize, Vec<String>>,
) -> Result<(), String> {
    let sheet = sheet::read(&opts.file, opts.sheet.as_deref(), opts.encoding)?;
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: csv::Error| format!("cannot write {}: {e}", path.display());
    let mut headers = vec!["row".to_string(), "error".to_string()];
    headers.extend(sheet.headers.iter().cloned());
    w.write_record(&headers).map_err(fail)?;
    for row in sheet
        .rows
        .iter()
        .filter(|r| rejected.contains_key(&r.number))
    {
        let mut record = vec![row.number.to_string(), rejected[&row.number].join("; ")];
        record.extend((0..sheet.headers.len()).map(|i| row.cell(i).text()));
        w.write_record(&record).map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    write_atomic(path, &bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The import without the rows in `skipped`.
fn run_rows(
    data: &Path,
    opts: &Options,
    skipped: &BTreeMap<usize, Vec<String>>,
) -> Result<Summary, Failure> {
    let book = Book::load(data, opts.as_of).map_err(|e| Failure::Usage(e.to_string()))?;
    let Some(config) = book.repo.config.as_ref() else {
        return Err(Failure::Usage(format!(
            "{} has no usable pipeline.toml (`salesbook check` says why)",
            data.display()
        )));
    };
    let map = match &opts.map {
        Some(p) => columns::MapFile::read(p, opts.table).map_err(Failure::Usage)?,
        None => columns::MapFile::default(),
    };
    let mut sheet =
        sheet::read(&opts.file, opts.sheet.as_deref(), opts.encoding).map_err(Failure::Usage)?;
    sheet.rows.retain(|r| !skipped.contains_key(&r.number));
    let layout = columns::layout(opts.table, &sheet.headers, &map).map_err(Failure::Usage)?;
    let mut summary = Summary {
        dry_run: opts.dry_run,
        ..Summary::default()
    };
    if let Some(e) = sheet.encoding {
        summary.notes.push(format!(
            "{} read as {} (give --encoding to read it otherwise)",
            opts.file.display(),
            e.name()
        ));
    }
    if !layout.ignored.is_empty() {
        summary.notes.push(format!(
            "columns not imported: {} (name them in a --map file to import them)",
            layout.ignored.join(", ")
        ));
    }
    if opts.table == Table::Owners {
        return import_owners(data, opts, &book, config, &sheet, &layout, &map, summary);
    }
    let lookup = lookup::Lookup::new(&book.repo);
    let mut cx = records::Cx {
        table: opts.table,
        config,
        repo: &book.repo,
        lookup: &lookup,
        layout: &layout,
        map: &map,
        as_of: book.metrics.as_of.date,
        update: opts.update,
        existing: false,
        errors: Vec::new(),
        notes: Vec::new(),
        history_until: None,
    };
    let planned = records::plan(&mut cx, &sheet);
    let history_until = cx.history_until;
    let (mut errors, notes) = (cx.errors, cx.notes);
    summary.notes.extend(notes);
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(Failure::Invalid(errors));
    }

    let process: Vec<String> = config.stages.iter().map(|s| s.id.clone()).collect();
    let mut results = Vec::new();
    for p in &planned {
        match apply(data, p, opts.update, &process) {
            Ok(r) => results.push(r),
            Err(message) => errors.push(RowError::new(p.rows().first().copied(), None, message)),
        }
    }
    if !errors.is_empty() {
        return Err(Failure::Invalid(errors));
    }

    let staged: Vec<validate::Staged> = planned
        .iter()
        .zip(&results)
        .filter_map(|(p, r)| {
            Some(validate::Staged {
                rel: &p.rel,
                text: r.text.as_deref()?,
                kind: p.kind,
                rows: p
                    .ops
                    .iter()
                    .map(|(row, op)| match op {
                        Op::Stage { stage, .. } => (*row, stage.clone()),
                        _ => (*row, String::new()),
                    })
                    .collect(),
            })
        })
        .collect();
    if !staged.is_empty() {
        let (mut errors, warnings) = validate::validate(data, opts.as_of, &book, &staged, &layout)
            .map_err(Failure::Usage)?;
        if opts.table == Table::Deals {
            awaiting_stages(&mut errors, &staged, &mut summary.notes);
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.row);
            errors.extend(suggest_since(&errors, history_until));
            return Err(Failure::Invalid(errors));
        }
        summary.warnings = warnings;
    }

    if !opts.dry_run {
        for s in &staged {
            write_atomic(&data.join(s.rel), s.text.as_bytes())
                .map_err(|e| Failure::Usage(format!("cannot write {}: {e}", s.rel)))?;
        }
    }
    for (p, r) in planned.iter().zip(results) {
        summary.changes.push(Change {
            outcome: r.outcome,
            rel: p.rel.clone(),
            rows: p.rows(),
            detail: r.detail,
        });
    }
    Ok(summary)
}

/// `import owners`: pipeline.toml gains the roster's new owners, checked like
/// every import before it is written.
#[allow(clippy::too_many_arguments)]
fn import_owners(
    data: &Path,
    opts: &Options,
    book: &Book,
    config: &crate::model::Config,
    sheet: &sheet::Sheet,
    layout: &columns::Layout,
    map: &columns::MapFile,
    mut summary: Summary,
) -> Result<Summary, Failure> {
    let rel = crate::load::CONFIG_FILE;
    let text = std::fs::read_to_string(data.join(rel))
        .map_err(|e| Failure::Usage(format!("cannot read {rel}: {e}")))?;
    let (new_text, kept) =
        owners::plan(config, &text, sheet, layout, map, &mut summary).map_err(Failure::Invalid)?;
    if !kept.is_empty() {
        summary.notes.push(format!(
            "{} row(s) ({}) name owners pipeline.toml has: kept as they are (edit pipeline.toml to change them)",
            kept.len(),
            rows_list(&kept)
        ));
    }
    if summary.changes.is_empty() {
        return Ok(summary);
    }
    let staged = [validate::Staged {
        rel,
        text: &new_text,
        kind: Kind::Lead, // not read for pipeline.toml
        rows: summary
            .changes
            .iter()
            .flat_map(|c| c.rows.iter().map(|r| (*r, String::new())))
            .collect(),
    }];
    let (errors, warnings) =
        validate::validate(data, opts.as_of, book, &staged, layout).map_err(Failure::Usage)?;
    if !errors.is_empty() {
        return Err(Failure::Invalid(errors));
    }
    summary.warnings = warnings;
    if !opts.dry_run {
        write_atomic(&data.join(rel), new_text.as_bytes())
            .map_err(|e| Failure::Usage(format!("cannot write {rel}: {e}")))?;
    }
    Ok(summary)
}

/// A won deal of the deal table without any stage history yet: the history comes
/// from table 3 (`import stages`), imported next, so its not reaching the closing
/// stage is not the deal table's error. Said once as a note; `check` reports it
/// until the stages are in.
fn awaiting_stages(
    errors: &mut Vec<RowError>,
    staged: &[validate::Staged],
    notes: &mut Vec<String>,
) {
    let mut rows = Vec::new();
    errors.retain(|e| {
        let without_history = e.message.ends_with("[won-without-closing-stage]")
            && staged
                .iter()
                .any(|s| e.record.as_deref() == Some(s.rel) && !s.text.contains("[[stages]]"));
        if without_history {
            rows.extend(e.row);
        }
        !without_history
    });
    if !rows.is_empty() {
        rows.sort_unstable();
        notes.push(format!(
            "{} won deal(s) have no stage history yet (rows {}): import it next with \
             `salesbook import stages` (table 3); until then `salesbook check` reports \
             [won-without-closing-stage] on them",
            rows.len(),
            rows_list(&rows)
        ));
    }
}

/// The record's text after the import, and what happened to it.
#[doc(hidden)] // public for the import fuzz targets
pub fn apply(
    data: &Path,
    p: &Planned,
    update: bool,
    process: &[String],
) -> Result<Result1, String> {
    let md = p.kind.extension() == "md";
    let (original, prefix, toml, suffix) = if p.exists {
        let text = std::fs::read_to_string(data.join(&p.rel))
            .map_err(|e| format!("cannot read {}: {e}", p.rel))?;
        let (prefix, toml, suffix) = if md {
            let s = crate::load::split_front_matter(&text).map_err(|_| {
                format!(
                    "{}: no `+++` front matter to update; fix the file first",
                    p.rel
                )
            })?;
            let end = s.toml_offset + s.toml.len();
            (
                text[..s.toml_offset].to_string(),
                s.toml.to_string(),
                text[end..].to_string(),
            )
        } else {
            let bom = if text.starts_with('\u{feff}') {
                "\u{feff}"
            } else {
                ""
            };
            (
                bom.to_string(),
                text[bom.len()..].to_string(),
                String::new(),
            )
        };
        (Some(text), prefix, toml, suffix)
    } else {
        (None, String::new(), String::new(), String::new())
    };
    let mut doc: DocumentMut = toml
        .parse()
        .map_err(|e| format!("{} is not valid TOML, fix it first: {e}", p.rel))?;
    let mode = Mode {
        update,
        new: !p.exists,
    };
    let mut total = Effect::Same;
    let mut stages: Vec<(String, Effect)> = Vec::new();
    let mut changed = Vec::new();
    for (_, op) in &p.ops {
        let effect = edit::apply(&mut doc, op, mode, process, &mut changed);
        if let Op::Stage { stage, .. } = op {
            stages.push((stage.clone(), effect));
        }
        total = edit::combine(total, effect);
    }
    let detail = stages
        .iter()
        .map(|(s, e)| {
            let what = match (e, p.exists) {
                (_, false) | (Effect::Added, true) => "added",
                (Effect::Changed, _) => "updated",
                (Effect::Same, _) => "unchanged",
                (Effect::Blocked, _) => "skipped",
            };
            format!("{s} {what}")
        })
        .chain(changed)
        .collect::<Vec<_>>()
        .join(", ");
    let changed = stages
        .iter()
        .any(|(_, e)| matches!(e, Effect::Added | Effect::Changed))
        || (p.kind != Kind::Deal && matches!(total, Effect::Added | Effect::Changed));
    let outcome = match (original.is_some(), changed, total) {
        (false, _, _) => Outcome::Created,
        (true, true, _) => Outcome::Updated,
        (true, false, Effect::Blocked) => Outcome::Skipped,
        (true, false, _) => Outcome::Unchanged,
    };
    let text = match outcome {
        Outcome::Created if md => Some(format!("+++\n{doc}+++\n\n# {}\n", p.title)),
        Outcome::Created => Some(format!("# {} · {}\n\n{doc}", p.id, p.title)),
        Outcome::Updated => Some(format!("{prefix}{doc}{suffix}")),
        Outcome::Skipped | Outcome::Unchanged => None,
    };
    Ok(Result1 {
        outcome,
        text,
        detail,
    })
}

/// Writes through a hidden temporary file in the same folder and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::atomic::write(path, bytes, ".import-tmp")
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoted_cell_text_is_clipped() {
        let long = "张".repeat(10_000);
        let m = super::clip_quoted(
            &format!("unknown owner `{long}`: add it to `[values.owner]`"),
            '`',
        );
        assert_eq!(
            m,
            format!(
                "unknown owner `{}…`: add it to `[values.owner]`",
                "张".repeat(60)
            )
        );
        assert_eq!(super::clip_quoted("no quotes", '`'), "no quotes");
    }
}
