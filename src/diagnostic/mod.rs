//! Diagnostics: what is wrong with the data, where, and how to report it.

pub mod annotations;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use serde::Serialize;

use crate::source::{FileId, Sources, Span};

/// "did you mean `source`?" for a misspelt name, if one is close. A candidate that
/// contains the given name (or is contained in it) wins over mere similarity.
pub fn did_you_mean<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| {
            let contains = given.len() >= 3 && (c.contains(given) || given.contains(c));
            (contains, strsim::jaro_winkler(given, c), c)
        })
        .filter(|(contains, score, _)| *contains || *score > 0.8)
        .max_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(b.2.cmp(a.2)))
        .map(|(_, _, c)| format!("did you mean `{c}`?"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable kebab-case code, listed in docs/diagnostics.md.
    pub code: &'static str,
    pub file: FileId,
    /// The offending value, or the record when no single value is at fault.
    pub span: Span,
    pub message: String,
    pub hint: Option<String>,
    /// Supporting facts shown under the message (e.g. the records behind a
    /// computed figure), one line each.
    pub notes: Vec<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, file: FileId, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            file,
            span,
            message: message.into(),
            hint: None,
            notes: Vec::new(),
        }
    }

    pub fn warning(
        code: &'static str,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, file, span, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
}

/// Diagnostics of one run, in report order.
#[derive(Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(ds);
    }

    pub fn errors(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.0.len() - self.errors()
    }

    /// `--strict`: every warning becomes an error.
    pub fn make_strict(&mut self) {
        for d in &mut self.0 {
            d.severity = Severity::Error;
        }
    }

    /// Sort by file path, then position; keeps the order of equal positions.
    pub fn sort(&mut self, sources: &Sources) {
        self.0.sort_by(|a, b| {
            let pa = &sources.get(a.file).rel_path;
            let pb = &sources.get(b.file).rel_path;
            pa.cmp(pb).then(a.span.start.cmp(&b.span.start))
        });
    }
}

/// The JSON form of a diagnostic (SPEC §3).
#[derive(Serialize)]
pub struct JsonDiagnostic<'a> {
    pub severity: Severity,
    pub code: &'a str,
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub message: &'a str,
    pub hint: Option<&'a str>,
    /// Omitted when empty, so the SPEC §3 shape is unchanged for most diagnostics.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub notes: &'a [String],
}

pub fn to_json<'a>(d: &'a Diagnostic, sources: &'a Sources) -> JsonDiagnostic<'a> {
    let file = sources.get(d.file);
    let (line, column) = file.line_col(d.span.start);
    JsonDiagnostic {
        severity: d.severity,
        code: d.code,
        file: &file.rel_path,
        line,
        column,
        message: &d.message,
        hint: d.hint.as_deref(),
        notes: &d.notes,
    }
}

/// One JSON object per line.
pub fn render_json(d: &Diagnostic, sources: &Sources) -> String {
    serde_json::to_string(&to_json(d, sources)).expect("diagnostics serialise")
}

/// rustc-style text with the source line and a caret under the value.
pub fn render_human(d: &Diagnostic, sources: &Sources, color: bool) -> String {
    let file = sources.get(d.file);
    let (line, _) = file.line_col(d.span.start);
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let title = level.primary_title(d.message.as_str()).id(d.code);
    let group = if file.text.is_empty() {
        title.element(Origin::path(file.rel_path.as_str()))
    } else {
        // Show only the lines the span covers, not the whole file.
        let first = file.line_range(d.span.start);
        let end = d.span.end.max(d.span.start).min(file.text.len());
        let last = file.line_range(end);
        let shown = first.start..last.end.max(first.end);
        let rel = |o: usize| o.clamp(shown.start, shown.end) - shown.start;
        let mut span = rel(d.span.start)..rel(end);
        if span.is_empty() && span.end < shown.len() {
            span.end += file.text[shown.clone()][span.start..]
                .chars()
                .next()
                .map_or(0, char::len_utf8);
        }
        title.element(
            Snippet::source(&file.text[shown.clone()])
                .line_start(line)
                .path(file.rel_path.as_str())
                .annotation(AnnotationKind::Primary.span(span)),
        )
    };
    let mut report = vec![group];
    for note in &d.notes {
        report.push(Group::with_title(
            Level::NOTE.secondary_title(note.as_str()),
        ));
    }
    if let Some(hint) = &d.hint {
        report.push(Group::with_title(
            Level::HELP.secondary_title(hint.as_str()),
        ));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&report)
}

/// "2 errors, 5 warnings in 137 files"
pub fn summary(diags: &Diagnostics, files: usize) -> String {
    fn plural(n: usize, word: &str) -> String {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    }
    format!(
        "{}, {} in {}",
        plural(diags.errors(), "error"),
        plural(diags.warnings(), "warning"),
        plural(files, "file")
    )
}
