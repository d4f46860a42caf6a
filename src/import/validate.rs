//! Validating the import with the real loader and checks: the data folder is
//! loaded as it would be with the new and changed records written into it
//! (they are given to the loader as text, nothing is written), and checked. Errors that the data did not have
//! before are the import's, reported by the row and column they come from.

use std::collections::HashSet;
use std::path::Path;

use chrono::NaiveDate;

use super::RowError;
use super::columns::Layout;
use crate::book::Book;
use crate::diagnostic::Severity;
use crate::model::Kind;

/// A record file as the import would write it.
pub struct Staged<'a> {
    pub rel: &'a str,
    pub text: &'a str,
    pub kind: Kind,
    /// (row, stage id) for deals; (row, "") otherwise.
    pub rows: Vec<(usize, String)>,
}

/// The new errors the staged files bring, by row and column.
pub fn validate(
    data: &Path,
    as_of: Option<NaiveDate>,
    before: &Book,
    staged: &[Staged],
    layout: &Layout,
) -> Result<(Vec<RowError>, usize), String> {
    let changed: Vec<(Kind, &str, &str)> = staged.iter().map(|s| (s.kind, s.rel, s.text)).collect();
    let start = std::time::Instant::now();
    let loaded = crate::load::load_with(data, &changed).map_err(|e| e.to_string())?;
    let (repo, diagnostics) = loaded;
    // No git pass: the staged records are not committed, they have no lags.
    let after = Book::compute(
        data,
        &crate::book::Snapshot::WorkTree,
        (repo, diagnostics, start.elapsed()),
        as_of,
        false,
    );
    let key = |book: &Book, d: &crate::diagnostic::Diagnostic| {
        (
            book.repo.sources.get(d.file).rel_path.clone(),
            d.code,
            d.message.clone(),
        )
    };
    let old: HashSet<_> = before
        .diagnostics
        .0
        .iter()
        .map(|d| key(before, d))
        .collect();
    let mut errors = Vec::new();
    let mut warnings = 0;
    for d in &after.diagnostics.0 {
        if old.contains(&key(&after, d)) {
            continue;
        }
        if d.severity == Severity::Warning {
            warnings += 1;
            continue;
        }
        let file = after.repo.sources.get(d.file);
        let Some(s) = staged.iter().find(|s| s.rel == file.rel_path) else {
            errors.push(RowError {
                message: format!("{}: {} [{}]", file.rel_path, d.message, d.code),
                hint: d.hint.clone(),
                ..RowError::default()
            });
            continue;
        };
        let text = &file.text;
        let at = d.span.start.min(text.len());
        let field = key_before(text, at);
        let row = match s.kind {
            Kind::Deal => stage_at(text, at)
                .and_then(|stage| s.rows.iter().find(|(_, st)| *st == stage))
                .or(s.rows.first())
                .map(|(r, _)| *r),
            _ => s.rows.first().map(|(r, _)| *r),
        };
        let column = field.and_then(|f| column_of(s.kind, &f, layout));
        errors.push(RowError {
            row,
            column,
            message: format!("{} [{}]", d.message, d.code),
            record: Some(s.rel.to_string()),
            hint: d.hint.clone(),
        });
    }
    Ok((errors, warnings))
}

/// The key of the `key = value` pair the offset is in (on its line, the last key before it).
fn key_before(text: &str, at: usize) -> Option<String> {
    let at = (0..=at).rev().find(|&i| text.is_char_boundary(i))?;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    // The whole line when the span is at its start (a missing-field error points at a table).
    let upto = if at == line_start { line_end } else { at };
    let before = &text[line_start..upto];
    let eq = before.rfind('=')?;
    let key: String = before[..eq]
        .trim_end()
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    (!key.is_empty()).then_some(key)
}

/// The `stage = "…"` of the `[[stages]]` entry the offset is in.
fn stage_at(text: &str, at: usize) -> Option<String> {
    let at = (0..=at).rev().find(|&i| text.is_char_boundary(i))?;
    let header = text[..at].rfind("[[stages]]").or_else(|| {
        // A span at the header itself.
        text[at..].starts_with("[[stages]]").then_some(at)
    })?;
    text[header..].lines().skip(1).find_map(|line| {
        let line = line.trim();
        if line.starts_with('[') {
            return Some(None);
        }
        let rest = line.strip_prefix("stage")?.trim_start().strip_prefix('=')?;
        Some(Some(rest.trim().trim_matches('"').to_string()))
    })?
}

/// The column header a record key came from.
fn column_of(kind: Kind, key: &str, layout: &Layout) -> Option<String> {
    let field = match (kind, key) {
        (Kind::Lead, "name") => "contact",
        (Kind::Lead, "title") => "title",
        (Kind::Customer, "name") => "name",
        (Kind::Customer, "annual_revenue" | "employees") => {
            if layout.columns.contains_key(key) {
                key
            } else {
                "size"
            }
        }
        (Kind::Customer, "note" | "kind") => "risks",
        (Kind::Deal, "customer") => "customer",
        (_, k) => k,
    };
    let field = match (kind, key) {
        (Kind::Customer, "title") => "title",
        _ => field,
    };
    layout.columns.get(field).map(|(_, h)| h.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_key_and_stage_of_an_offset() {
        let t = "a = 1\ncontact = { name = \"x\", phone = \"xxxx\" }\n\n[[stages]]\nstage = \"proposal\"\nentered = 2023-10-15\n";
        let at = t.find("xxxx").unwrap();
        assert_eq!(key_before(t, at).as_deref(), Some("phone"));
        let at = t.find("2023-10-15").unwrap();
        assert_eq!(key_before(t, at).as_deref(), Some("entered"));
        assert_eq!(stage_at(t, at).as_deref(), Some("proposal"));
        assert_eq!(stage_at(t, 0), None);
    }
}
