//! Shared set-up for the fuzz targets: one small valid data repository (what
//! `salesbook init` writes) loaded once per process, and the invariants every
//! target checks on diagnostics.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::NaiveDate;
use salesbook::diagnostic::{Diagnostic, render_human, render_json};
use salesbook::import::{Table, columns, records, sheet::Sheet};
use salesbook::load::Kind;
use salesbook::metrics::Metrics;
use salesbook::model::{Index, Repo};
use salesbook::source::{SourceFile, Sources};

/// The date the base repository is written for; the checks run as of a fixed
/// date too, so a run never depends on the clock.
pub const TODAY: NaiveDate = NaiveDate::from_ymd_opt(2024, 6, 15).unwrap();
pub const AS_OF: NaiveDate = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();

pub struct Base {
    pub dir: PathBuf,
    pub repo: Repo,
}

/// A folder of this process under the temporary directory (fresh on first use).
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join("salesbook-fuzz")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// The `salesbook init` repository, loaded (0 errors: the templates are valid).
pub fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(|| {
        let dir = scratch("base");
        salesbook::author::init(&dir, salesbook::author::InitOptions { force: true, ..Default::default() }, TODAY).expect("init the base repository");
        let (repo, diags) = salesbook::load::load(&dir).expect("load the base repository");
        assert!(
            diags
                .0
                .iter()
                .all(|d| d.severity != salesbook::diagnostic::Severity::Error),
            "the base repository loads without errors: {:?}",
            diags.0
        );
        Base { dir, repo }
    })
}

/// A copy of the base repository (`Repo` is not `Clone`; its parts are).
pub fn fresh_repo(base: &Repo) -> Repo {
    let mut sources = Sources::default();
    for (_, f) in base.sources.iter() {
        sources.add(SourceFile {
            rel_path: f.rel_path.clone(),
            abs_path: f.abs_path.clone(),
            text: f.text.clone(),
        });
    }
    Repo {
        sources,
        config: base.config.clone(),
        leads: base.leads.clone(),
        customers: base.customers.clone(),
        deals: base.deals.clone(),
        months: base.months.clone(),
        cases: base.cases.clone(),
        unparsed: base.unparsed.clone(),
    }
}

/// Where a fuzzed record of `kind` lives: a name the base does not use and that
/// is valid for the kind (a month file is named by its month).
pub fn rel_for(kind: Kind) -> &'static str {
    match kind {
        Kind::Lead => "leads/LX900.toml",
        Kind::Customer => "customers/fuzz-customer.md",
        Kind::Deal => "deals/fuzz-deal.toml",
        Kind::Month => "months/2024-04.md",
        Kind::Case => "cases/fuzz-case.md",
    }
}

/// Parses `text` as a record of `kind` added to the base repository, runs every
/// check and asserts that all diagnostics point into their files.
pub fn check_record(kind: Kind, text: &str) {
    let base = base();
    let mut repo = fresh_repo(&base.repo);
    let (_, mut diags) =
        salesbook::load::add_record(&mut repo, &base.dir, kind, rel_for(kind), text.to_string());
    diags.extend(check_all(&repo));
    assert_diagnostics(&repo.sources, &diags);
}

/// The checks `Book::load` runs (without git), as of [`AS_OF`].
pub fn check_all(repo: &Repo) -> Vec<Diagnostic> {
    let index = Index::new(repo);
    let metrics = Metrics::compute(repo, &index, AS_OF);
    salesbook::check::check(repo, &index, &metrics).0
}

/// Every diagnostic names a file of `sources` and a span inside its text on
/// character boundaries (line and column are derived from it), and renders.
pub fn assert_diagnostics(sources: &Sources, diags: &[Diagnostic]) {
    for d in diags {
        assert!(
            (d.file.0 as usize) < sources.len(),
            "file out of range: {d:?}"
        );
        let text = &sources.get(d.file).text;
        assert!(
            d.span.start <= d.span.end && d.span.end <= text.len(),
            "span outside the file ({} bytes): {d:?}",
            text.len()
        );
        assert!(
            text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end),
            "span not on character boundaries: {d:?}"
        );
        assert!(!d.message.is_empty(), "empty message: {d:?}");
        let human = render_human(d, sources, false);
        assert!(human.contains(d.code), "{human}");
        render_json(d, sources);
    }
}

/// The import path after reading the file: headers → columns, rows → records
/// (against the base repository), each record's new text → the loader and
/// every check. Problems must come back as row errors or diagnostics.
pub fn import_rows(table: Table, sheet: &Sheet, update: bool) {
    // Row numbers are what the user is told: after the header, increasing.
    let mut last = sheet.header_row;
    for row in &sheet.rows {
        assert!(
            row.number > last,
            "row numbers increase: {last} then {}",
            row.number
        );
        last = row.number;
    }
    let base = base();
    let config = base.repo.config.as_ref().expect("base config");
    let map = columns::MapFile::default();
    let Ok(layout) = columns::layout(table, &sheet.headers, &map) else {
        return;
    };
    let mut cx = records::Cx {
        table,
        config,
        repo: &base.repo,
        layout: &layout,
        map: &map,
        errors: Vec::new(),
        notes: Vec::new(),
    };
    let planned = records::plan(&mut cx, sheet);
    for e in &cx.errors {
        if let Some(r) = e.row {
            assert!(
                r >= 1 && r <= last.max(sheet.header_row),
                "row {r} is not in the file"
            );
        }
    }
    if !cx.errors.is_empty() {
        return;
    }
    let process: Vec<String> = config.stages.iter().map(|s| s.id.clone()).collect();
    let mut repo = fresh_repo(&base.repo);
    let mut diags = Vec::new();
    for p in &planned {
        assert!(salesbook::load::is_valid_id(&p.id), "planned id {:?}", p.id);
        assert!(
            p.rel.starts_with(p.kind.folder()) && !p.rel.contains(".."),
            "planned file {:?}",
            p.rel
        );
        let Ok(result) = salesbook::import::apply(&base.dir, p, update, &process) else {
            continue;
        };
        if let Some(text) = result.text {
            let (_, d) = salesbook::load::add_record(&mut repo, &base.dir, p.kind, &p.rel, text);
            diags.extend(d);
        }
    }
    diags.extend(check_all(&repo));
    assert_diagnostics(&repo.sources, &diags);
}

/// The first byte chooses the table and `--update`; the rest is the file.
pub fn split_table(data: &[u8]) -> Option<(Table, bool, &[u8])> {
    let (&first, rest) = data.split_first()?;
    let table = match first % 3 {
        0 => Table::Leads,
        1 => Table::Customers,
        _ => Table::Stages,
    };
    Some((table, first & 4 != 0, rest))
}

/// `path` with no `..`, `.` or root component after `root`.
pub fn stays_under(root: &Path, path: &Path) -> bool {
    path.strip_prefix(root).is_ok_and(|rest| {
        rest.components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
    })
}

/// Sanitised HTML holds no script or style element, no event-handler
/// attribute and no link to a script URL. Scans the serialised tags (ammonia
/// quotes every attribute value with `"` and escapes `<` in text).
pub fn assert_safe_html(html: &str) {
    let lower = html.to_ascii_lowercase();
    for bad in [
        "<script", "<style", "<iframe", "<object", "<embed", "<svg", "<math",
    ] {
        assert!(!lower.contains(bad), "{bad} in {html}");
    }
    let bytes = lower.as_bytes();
    let mut i = 0;
    while let Some(open) = lower[i..].find('<').map(|o| i + o) {
        // The tag name, then attributes `name="value"` up to the unquoted `>`.
        let mut j = open + 1;
        while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' {
            j += 1;
        }
        loop {
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                break;
            }
            let name_start = j;
            while j < bytes.len() && !b"= \t\n>".contains(&bytes[j]) {
                j += 1;
            }
            let name = &lower[name_start..j];
            assert!(!name.starts_with("on"), "event handler `{name}` in {html}");
            assert!(name != "style" && name != "srcdoc", "`{name}` in {html}");
            if bytes.get(j) == Some(&b'=') && bytes.get(j + 1) == Some(&b'"') {
                let value_start = j + 2;
                let value_end = lower[value_start..]
                    .find('"')
                    .map_or(lower.len(), |e| value_start + e);
                let value: String = lower[value_start..value_end]
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect();
                // Only URL attributes lead anywhere (`lang="data:"` is harmless text).
                if [
                    "href",
                    "src",
                    "cite",
                    "action",
                    "formaction",
                    "poster",
                    "srcset",
                ]
                .contains(&name)
                {
                    for scheme in ["javascript:", "vbscript:", "data:"] {
                        assert!(!value.starts_with(scheme), "{scheme} in {name} of {html}");
                    }
                }
                j = value_end + 1;
            }
        }
        i = j.min(lower.len());
        if i == open {
            i += 1;
        }
    }
}

/// libFuzzer's panic hook aborts even on a panic that is caught. salesbook
/// catches panics inside calamine (`import::sheet`, calamine 0.38 overflows on
/// long cell references), so let those unwind to it; any other panic still
/// aborts and is reported.
pub fn let_calamine_panics_unwind() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = info
                .location()
                .is_some_and(|l| l.file().contains("/calamine-"));
            if !in_calamine {
                abort(info);
            }
        }));
    });
}
