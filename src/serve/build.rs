//! One rebuild: load and check the data, write the site into a fresh folder, or
//! collect what went wrong for the browser's error page.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde::Serialize;

use crate::book::Book;
use crate::diagnostic::{Severity, render_human, to_json};
use crate::site::{self, Audience};

/// What a build needs besides the output folder.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data: PathBuf,
    pub as_of: Option<NaiveDate>,
    pub strict: bool,
    pub theme: Option<PathBuf>,
    pub audience: Audience,
    pub reveal_contacts: bool,
}

/// One problem shown in the browser. Data errors have a file, line and column
/// (1-based); theme and I/O failures only a message.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub code: Option<String>,
    pub message: String,
    /// rustc-style text with the source line (plain, no colour).
    pub detail: Option<String>,
}

impl Problem {
    fn message(message: String) -> Self {
        Problem {
            file: None,
            line: None,
            column: None,
            code: None,
            message,
            detail: None,
        }
    }

    /// `leads/LX001.toml:3:9`, or nothing.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        Some(match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
            (Some(l), None) => format!("{file}:{l}"),
            _ => file.clone(),
        })
    }
}

/// A failed build: what the overlay shows.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub summary: String,
    pub problems: Vec<Problem>,
}

pub enum Outcome {
    /// The site was written into `root` (canonical).
    Built {
        root: PathBuf,
        files: usize,
        took: Duration,
    },
    Failed(Failure),
}

/// Builds into numbered folders under a private directory: a new folder per
/// build, so requests never see a half-written site; only the two newest are
/// kept (the previous one may still be read by a slow request).
pub struct Builder {
    settings: Settings,
    dir: PathBuf,
    count: u64,
    kept: VecDeque<PathBuf>,
}

impl Builder {
    pub fn new(settings: Settings, dir: &Path) -> Self {
        Builder {
            settings,
            dir: dir.to_path_buf(),
            count: 0,
            kept: VecDeque::new(),
        }
    }

    pub fn build(&mut self) -> Outcome {
        let start = Instant::now();
        let s = &self.settings;
        let mut book = match Book::load(&s.data, s.as_of) {
            Ok(b) => b,
            Err(e) => {
                return Outcome::Failed(Failure {
                    summary: format!("cannot read {}", s.data.display()),
                    problems: vec![Problem::message(format!(
                        "cannot read {}: {e}",
                        s.data.display()
                    ))],
                });
            }
        };
        if s.strict {
            book.diagnostics.make_strict();
        }
        let errors = book.diagnostics.errors();
        if errors > 0 {
            let sources = &book.repo.sources;
            let problems = book
                .diagnostics
                .0
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| {
                    let j = to_json(d, sources);
                    Problem {
                        file: Some(j.file.to_string()),
                        line: Some(j.line),
                        column: Some(j.column),
                        code: Some(j.code.to_string()),
                        message: j.message.to_string(),
                        detail: Some(render_human(d, sources, false)),
                    }
                })
                .collect();
            let plural = if errors == 1 { "" } else { "s" };
            return Outcome::Failed(Failure {
                summary: format!("the data has {errors} error{plural}"),
                problems,
            });
        }
        self.count += 1;
        let out = self.dir.join(format!("build-{}", self.count));
        let opts = site::Options {
            out: out.clone(),
            theme: s.theme.clone(),
            audience: s.audience,
            reveal_contacts: s.reveal_contacts,
            base_url: None,
            force: false,
        };
        let files = match site::build(&book, &s.data, &opts) {
            Ok(n) => n,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&out);
                return Outcome::Failed(Failure {
                    summary: "the site could not be built".into(),
                    problems: vec![Problem::message(e.to_string())],
                });
            }
        };
        let root = match out.canonicalize() {
            Ok(r) => r,
            Err(e) => {
                return Outcome::Failed(Failure {
                    summary: "the site could not be built".into(),
                    problems: vec![Problem::message(format!(
                        "cannot read {}: {e}",
                        out.display()
                    ))],
                });
            }
        };
        self.kept.push_back(out);
        while self.kept.len() > 2 {
            if let Some(old) = self.kept.pop_front() {
                let _ = std::fs::remove_dir_all(old);
            }
        }
        Outcome::Built {
            root,
            files,
            took: start.elapsed(),
        }
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The page served instead of the site while the last build failed. `head`
/// is the live-reload snippet, so fixing the file brings the site back. Every
/// text is escaped (it quotes the data, payloads included) and the CSP, like the
/// site's, runs only script files from the server; the style is inline.
pub fn error_page(failure: &Failure, head: &str) -> String {
    let mut items = String::new();
    for p in &failure.problems {
        items.push_str("<li>");
        if let Some(loc) = p.location() {
            items.push_str(&format!("<p class=\"loc\">{}</p>", escape(&loc)));
        }
        let code = p
            .code
            .as_ref()
            .map(|c| format!("<code>{}</code> ", escape(c)))
            .unwrap_or_default();
        if p.detail.is_none() && p.message.contains('\n') {
            // Template errors come with their own snippet.
            items.push_str(&format!("<pre>{code}{}</pre>", escape(&p.message)));
        } else {
            items.push_str(&format!(
                "<p class=\"msg\">{code}{}</p>",
                escape(&p.message)
            ));
        }
        if let Some(d) = &p.detail {
            items.push_str(&format!("<pre>{}</pre>", escape(d)));
        }
        items.push_str("</li>\n");
    }
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; style-src 'unsafe-inline'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'">
<title>salesbook: {summary}</title>
<style>
body{{margin:0;background:rgba(20,20,24,.96);color:#eee;font:15px/1.5 system-ui,sans-serif}}
.overlay{{max-width:60rem;margin:2rem auto;padding:0 1rem}}
h1{{color:#ff6b6b;font-size:1.3rem}}
ol{{padding-left:1.2rem}} li{{margin-bottom:1.2rem}}
.loc{{font-family:ui-monospace,monospace;color:#ffd166;margin:0}}
.msg{{margin:.2rem 0}} code{{color:#8ecae6}}
pre{{background:#000;padding:.6rem;overflow:auto;border-radius:4px}}
.hint{{color:#aaa}}
</style>
{head}
</head>
<body>
<div class="overlay" id="salesbook-errors">
<h1>salesbook: {summary} · 数据有误</h1>
<p class="hint">Fix the file and save: this page reloads by itself. 修改并保存文件后页面会自动刷新。</p>
<ol>
{items}</ol>
</div>
</body>
</html>
"#,
        summary = escape(&failure.summary),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_page_escapes_and_locates() {
        let f = Failure {
            summary: "the data has 1 error".into(),
            problems: vec![Problem {
                file: Some("leads/LX001.toml".into()),
                line: Some(3),
                column: Some(9),
                code: Some("bad-date".into()),
                message: "`<script>` is not a date".into(),
                detail: None,
            }],
        };
        let html = error_page(&f, "<!--head-->");
        assert!(html.contains("leads/LX001.toml:3:9"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
        assert!(html.contains("<!--head-->"));
    }
}
