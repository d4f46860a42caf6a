//! One rebuild: load and check the data, write the site into a fresh folder, or
//! collect what went wrong for the browser's error page.

use std::collections::{BTreeSet, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use serde::Serialize;

use crate::book::Book;
use crate::diagnostic::{Severity, render_human, to_json};
use crate::git::Revision;
use crate::load::Patch;
use crate::model::YearMonth;
use crate::site::{self, Audience, Committed, PageMemo};

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
        /// Only the pages the change affects were rebuilt, in place.
        incremental: bool,
        /// How long each phase took (`--timings`).
        timings: Vec<(&'static str, Duration)>,
    },
    Failed(Failure),
}

/// Builds into numbered folders under a private directory: a new folder per
/// full build, so requests never see a half-written site; only the two newest
/// are kept (the previous one may still be read by a slow request). After a
/// change of a few record files only the pages it affects are rebuilt, each
/// renamed over its old version.
pub struct Builder {
    settings: Settings,
    dir: PathBuf,
    count: u64,
    kept: VecDeque<PathBuf>,
    /// The book of the last build, kept for incremental updates.
    live: Option<Live>,
}

struct Live {
    book: Book,
    /// The site built from the book as it was before `pending`; `None` when
    /// the book has never built (it had errors since it was loaded).
    site: Option<Rendered>,
    /// Changes applied to the book since the site was built (several when
    /// the ones in between had errors).
    pending: Patch,
    /// The pages are updated, the data page's export files not yet.
    exports_due: bool,
    /// The files changed since the site was built (for the footer).
    changed: Vec<PathBuf>,
    /// HEAD when the book was loaded.
    head: Option<Revision>,
}

/// The footer's data commit, followed from the saved files: HEAD is asked
/// on each build (one `git log -1`), but `git status` only about the files
/// saved (a whole `git status` takes most of a second in a large tree).
#[derive(Debug, Clone, PartialEq)]
struct Footer {
    head: Option<Revision>,
    /// The data folder's files that differ from HEAD (repository paths).
    changed: BTreeSet<String>,
}

impl Footer {
    /// The whole data folder's state, HEAD being `head`.
    fn read(dir: &Path, head: Option<Revision>) -> Footer {
        let changed = match head {
            Some(_) => crate::git::uncommitted(dir, &[]).unwrap_or_default(),
            None => BTreeSet::new(),
        };
        Footer { head, changed }
    }

    /// After `paths` (absolute) changed, HEAD being `head`: `None` when HEAD
    /// moved (read afresh).
    fn after(&self, dir: &Path, head: &Option<Revision>, paths: &[PathBuf]) -> Option<Footer> {
        if *head != self.head {
            return None;
        }
        let head = head.clone();
        let Some(_) = &head else {
            return Some(self.clone());
        };
        let canonical = dir.canonicalize().ok()?;
        let rels: Vec<String> = paths
            .iter()
            .map(|p| {
                let rel = p.strip_prefix(dir).or_else(|_| p.strip_prefix(&canonical));
                rel.map(|r| r.to_string_lossy().replace('\\', "/"))
            })
            .collect::<Result<_, _>>()
            .ok()?;
        let rels: Vec<&str> = rels.iter().map(String::as_str).collect();
        let now = crate::git::uncommitted(dir, &rels)?;
        // Repository paths of the saved files: their entries are replaced.
        let prefix = crate::git::prefix(dir).ok()?;
        let mut changed = self.changed.clone();
        for r in &rels {
            changed.remove(&format!("{prefix}{r}"));
        }
        changed.extend(now);
        Some(Footer { head, changed })
    }

    fn line(&self) -> Option<(Revision, bool)> {
        Some((self.head.clone()?, !self.changed.is_empty()))
    }
}

struct Rendered {
    out: PathBuf,
    files: HashSet<String>,
    /// The footer's commit line: when it changes, every page does.
    footer: Footer,
    /// The month-start forecasts (git) and the months they are for.
    committed: Option<Committed>,
    months: Vec<YearMonth>,
    lead_months: BTreeSet<YearMonth>,
    memo: PageMemo,
}

impl Builder {
    pub fn new(settings: Settings, dir: &Path) -> Self {
        Builder {
            settings,
            dir: dir.to_path_buf(),
            count: 0,
            kept: VecDeque::new(),
            live: None,
        }
    }

    /// Builds after `changed` files (absolute paths) changed, or from scratch
    /// (`None`, the first build).
    pub fn build(&mut self, changed: Option<&[PathBuf]>) -> Outcome {
        let start = Instant::now();
        let s = &self.settings;
        // A commit (or checkout) since loading: the history the book read is
        // stale (entry lags, last changes), so load afresh.
        let head = crate::git::head(&s.data);
        let live = self.live.take().filter(|live| live.head == head);
        let mut live = match (changed, live) {
            (Some(paths), Some(mut live)) => match live.book.update(paths) {
                Some(patch) => {
                    live.pending.absorb(patch);
                    live.changed.extend(paths.iter().cloned());
                    live
                }
                None => match fresh(s, head.clone()) {
                    Ok(l) => l,
                    Err(f) => return Outcome::Failed(f),
                },
            },
            _ => match fresh(s, head.clone()) {
                Ok(l) => l,
                Err(f) => return Outcome::Failed(f),
            },
        };
        if s.strict {
            live.book.diagnostics.make_strict();
        }
        if live.book.diagnostics.errors() > 0 {
            let failure = data_failure(&live.book);
            self.live = Some(live);
            return Outcome::Failed(failure);
        }
        let clock = Instant::now();
        let footer = live
            .site
            .as_ref()
            .and_then(|site| site.footer.after(&s.data, &head, &live.changed))
            .unwrap_or_else(|| Footer::read(&s.data, head.clone()));
        live.book.timings.push(("commit", clock.elapsed()));
        // The shared audience's neutral names (客户 A, B, …) follow the order of
        // all shared cases: one change can rename them on every page.
        let team = s.audience == Audience::Team;
        let outcome = match live.site.take() {
            Some(site) if team && site.footer.line() == footer.line() => {
                self.update(&mut live, site, footer, start)
            }
            _ => self.full(&mut live, footer, start),
        };
        if matches!(outcome, Outcome::Built { .. }) {
            live.changed.clear();
        }
        self.live = Some(live);
        outcome
    }

    /// Rebuilds the pages the pending changes affect, in place.
    fn update(
        &mut self,
        live: &mut Live,
        mut site: Rendered,
        footer: Footer,
        start: Instant,
    ) -> Outcome {
        site.footer = footer;
        let s = &self.settings;
        let affected = crate::site::Affected::new(&live.book, &live.pending, &site.lead_months);
        // Same commit (else this is a full build); the reported months may differ.
        if site.months != live.book.metrics.months {
            site.months = live.book.metrics.months.clone();
            site.committed = site::committed_forecasts(&live.book, &s.data, &site.months);
        }
        let opts = options(&self.settings, &site.out, Some(&site.footer));
        let written = match site::update(
            &live.book,
            &s.data,
            &opts,
            &affected,
            site.committed.as_ref(),
            &site.memo,
        ) {
            Ok(w) => w,
            // The site is half updated: the next build starts afresh.
            Err(e) => return build_failure(e.to_string()),
        };
        let now: HashSet<&str> = written.files.iter().map(String::as_str).collect();
        // The pages of records that are gone.
        let gone: Vec<String> = site
            .files
            .iter()
            .filter(|f| affected.covers(f) && !now.contains(f.as_str()))
            .cloned()
            .collect();
        for f in &gone {
            remove_page(&site.out, f);
            site.files.remove(f);
            site.memo.forget(f);
        }
        site.files.extend(written.files.iter().cloned());
        site.lead_months = crate::site::lead_months(&live.book);
        live.pending = Patch::default();
        live.exports_due = true;
        let root = match site.out.canonicalize() {
            Ok(r) => r,
            Err(e) => return build_failure(format!("cannot read {}: {e}", site.out.display())),
        };
        live.site = Some(site);
        Outcome::Built {
            root,
            files: written.files.len() - written.unchanged,
            took: start.elapsed(),
            incremental: true,
            timings: site_timings(&live.book, start),
        }
    }

    /// Writes the whole site into a new folder.
    fn full(&mut self, live: &mut Live, footer: Footer, start: Instant) -> Outcome {
        self.count += 1;
        let out = self.dir.join(format!("build-{}", self.count));
        let data = &self.settings.data;
        let months = live.book.metrics.months.clone();
        let committed = site::committed_forecasts(&live.book, data, &months);
        let memo = PageMemo::default();
        let written = match site::build_with(
            &live.book,
            data,
            &options(&self.settings, &out, Some(&footer)),
            committed.as_ref(),
            Some(&memo),
        ) {
            Ok(w) => w,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&out);
                return build_failure(e.to_string());
            }
        };
        let root = match out.canonicalize() {
            Ok(r) => r,
            Err(e) => return build_failure(format!("cannot read {}: {e}", out.display())),
        };
        self.kept.push_back(out.clone());
        while self.kept.len() > 2 {
            if let Some(old) = self.kept.pop_front() {
                let _ = std::fs::remove_dir_all(old);
            }
        }
        live.site = Some(Rendered {
            out,
            files: written.files.iter().cloned().collect(),
            footer,
            committed,
            months,
            lead_months: crate::site::lead_months(&live.book),
            memo,
        });
        live.pending = Patch::default();
        live.exports_due = false;
        Outcome::Built {
            root,
            files: written.files.len(),
            took: start.elapsed(),
            incremental: false,
            timings: site_timings(&live.book, start),
        }
    }

    /// Writes the export files an incremental update left for later (they
    /// hold every record: seconds at scale, while the pages take less).
    /// Whether there were any to write.
    pub fn finish(&mut self) -> Result<bool, String> {
        // Not while the data has errors: the site keeps the last good files.
        let due = |l: &&mut Live| l.exports_due && l.book.diagnostics.errors() == 0;
        let Some(live) = self.live.as_mut().filter(due) else {
            return Ok(false);
        };
        live.exports_due = false;
        let Some(site) = live.site.as_mut() else {
            return Ok(false);
        };
        let opts = options(&self.settings, &site.out, None);
        match site::write_exports(&live.book, &opts) {
            Ok(files) => {
                site.files.extend(files);
                Ok(true)
            }
            Err(e) => Err(e.to_string()),
        }
    }
}

fn options(s: &Settings, out: &Path, footer: Option<&Footer>) -> site::Options {
    site::Options {
        commit: footer.map(Footer::line),
        out: out.to_path_buf(),
        theme: s.theme.clone(),
        audience: s.audience,
        reveal_contacts: s.reveal_contacts,
        base_url: None,
        force: false,
    }
}

/// The book's phases, then the site's: the rest of the time since `start`.
fn site_timings(book: &Book, start: Instant) -> Vec<(&'static str, Duration)> {
    let mut t = book.timings.clone();
    let before: Duration = t.iter().map(|(_, d)| *d).sum();
    t.push(("site", start.elapsed().saturating_sub(before)));
    t
}

/// Loads the data afresh; `head` is HEAD now (read once per build).
fn fresh(s: &Settings, head: Option<Revision>) -> Result<Live, Failure> {
    let book = Book::load(&s.data, s.as_of).map_err(|e| Failure {
        summary: format!("cannot read {}", s.data.display()),
        problems: vec![Problem::message(format!(
            "cannot read {}: {e}",
            s.data.display()
        ))],
    })?;
    Ok(Live {
        book,
        site: None,
        pending: Patch::default(),
        exports_due: false,
        changed: Vec::new(),
        head,
    })
}

/// The data's errors, for the browser.
fn data_failure(book: &Book) -> Failure {
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
    let errors = book.diagnostics.errors();
    let plural = if errors == 1 { "" } else { "s" };
    Failure {
        summary: format!("the data has {errors} error{plural}"),
        problems,
    }
}

fn build_failure(message: String) -> Outcome {
    Outcome::Failed(Failure {
        summary: "the site could not be built".into(),
        problems: vec![Problem::message(message)],
    })
}

/// Removes a file of the site (a path this build wrote, from validated ids)
/// and the folders it leaves empty.
fn remove_page(out: &Path, rel: &str) {
    let path = out.join(rel);
    if std::fs::remove_file(&path).is_err() {
        return;
    }
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d == out || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
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
