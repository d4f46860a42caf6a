//! Page contexts and rendering. Links inside contexts are written as `@/path`
//! (from the site root) and resolved per page to a relative prefix or the base URL.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::io::Write as _;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use super::affected::Affected;
use super::anon::Anon;
use super::charts::Chart;
use super::forecast::Committed;
use super::theme::Theme;
use super::{Audience, BuildError, MARKER, Options, encode, markdown, safe_id, search};
use crate::book::Book;
use crate::diagnostic::Severity;
use crate::format::{self, NULL, kpi_name, kpi_value, percent, trim_number};
use crate::metrics::{Dimension, KpiDef, MonthKpis, kpi_def};
use crate::model::{Case, CaseResult, DealStatus, Grade, Language, Repo, YearMonth};
use crate::personal::{
    find, mask_email, mask_in_markdown, mask_in_place, mask_in_text, mask_phone, replace_found,
};
use crate::source::{FileId, Sp};

#[derive(Serialize, Default, Clone, Hash)]
pub struct Cell {
    t: String,
    h: String,
    c: String,
    id: String,
    /// A figure's value for sorting (`data-sort`, static/table.js): the number
    /// its text shows, without unit or sign words; "—" when it shows none.
    s: String,
}

fn txt(t: impl Into<String>) -> Cell {
    Cell {
        t: t.into(),
        ..Cell::default()
    }
}
fn num(t: impl Into<String>) -> Cell {
    let t = t.into();
    Cell {
        s: sort_key(&t),
        t,
        c: "num".into(),
        ..Cell::default()
    }
}

/// The number a figure's text shows, for sorting: "+12.5" → "12.5", "85.7%" →
/// "85.7", "-2个百分点" / "-2 pp" → "-2", "1,234" → "1234"; "—" (or no number)
/// when it shows none, which sorts last.
fn sort_key(t: &str) -> String {
    let t = t.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    let end = t
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || c == ',' || (i == 0 && c == '-')))
        .map_or(t.len(), |(i, _)| i);
    t[..end]
        .replace(',', "")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map_or_else(|| NULL.to_string(), |x| format!("{x}"))
}
fn link(t: impl Into<String>, h: impl Into<String>) -> Cell {
    Cell {
        t: t.into(),
        h: h.into(),
        ..Cell::default()
    }
}

#[derive(Serialize, Clone, Hash)]
struct Item {
    k: String,
    v: Cell,
}

#[derive(Serialize, Default, Clone, Hash)]
struct Section {
    kind: &'static str,
    title: String,
    id: String,
    /// Column headers; `c` is `num` over a column of figures (aligned as they are).
    headers: Vec<Cell>,
    rows: Vec<Vec<Cell>>,
    items: Vec<Item>,
    list: Vec<Cell>,
    html: String,
}

fn table(title: impl Into<String>, headers: Vec<String>, rows: Vec<Vec<Cell>>) -> Section {
    let figures = |i: usize| {
        !rows.is_empty()
            && rows
                .iter()
                .all(|r| r.get(i).is_some_and(|c| c.c.starts_with("num")))
    };
    let headers = headers
        .into_iter()
        .enumerate()
        .map(|(i, t)| if figures(i) { num(t) } else { txt(t) })
        .collect();
    Section {
        kind: "table",
        title: title.into(),
        headers,
        rows,
        ..Section::default()
    }
}
/// Rows of a long list shown where it is summed up (an alert on the
/// dashboard, a rule on the quality page); all are on the list's own pages.
const SHOWN_ROWS: usize = 20;
/// Entries of the case library's Atom feed: the latest.
const FEED_ENTRIES: usize = 50;
/// Rows of a page of a long list.
const PAGE_ROWS: usize = 500;

/// Where a table in pages is written (see `Site::paged`).
struct Paged<'a> {
    base: &'a str,
    sub: &'a str,
    template: &'a str,
    active: &'a str,
    title: String,
    crumbs: Vec<Cell>,
    table_title: String,
    /// Sections after the table on the first page only.
    after: Vec<Section>,
    /// Another path the first page is also written to.
    home: Option<&'a str>,
}

/// The folder of page `page` of a table in pages at `base`, by segment.
fn paged_folder(base: &str, sub: &str, page: usize) -> Vec<String> {
    let mut folder: Vec<String> = base.split('/').map(String::from).collect();
    if page > 1 {
        if !sub.is_empty() {
            folder.push(sub.to_string());
        }
        folder.push(page.to_string());
    }
    folder
}

/// The link to page `page` of a table in pages at `base` (`@/…`).
fn paged_href(base: &str, sub: &str, page: usize) -> String {
    let folder: Vec<String> = paged_folder(base, sub, page)
        .iter()
        .map(|s| encode(s))
        .collect();
    format!("@/{}/index.html", folder.join("/"))
}

fn kv(title: impl Into<String>, items: Vec<(String, Cell)>) -> Section {
    Section {
        kind: "kv",
        title: title.into(),
        items: items.into_iter().map(|(k, v)| Item { k, v }).collect(),
        ..Section::default()
    }
}
fn stats(items: Vec<(String, Cell)>) -> Section {
    Section {
        kind: "stats",
        ..kv("", items)
    }
}
fn list(title: impl Into<String>, list: Vec<Cell>) -> Section {
    Section {
        kind: "list",
        title: title.into(),
        list,
        ..Section::default()
    }
}
/// Where the page's charts go (the `charts` context), so they sit above the
/// detail tables that follow.
fn charts_here(title: impl Into<String>) -> Section {
    Section {
        kind: "charts",
        title: title.into(),
        ..Section::default()
    }
}

fn md(title: impl Into<String>, html: String) -> Section {
    Section {
        kind: "markdown",
        title: title.into(),
        html,
        ..Section::default()
    }
}

#[derive(Serialize, Hash)]
struct Nav {
    t: String,
    h: String,
    active: bool,
}

/// What differs from page to page; what every page shares is in the theme's
/// global context (see [`set_global_context`]), serialised once per build.
#[derive(Serialize, Hash)]
struct Ctx {
    root: String,
    title: String,
    nav: Vec<Nav>,
    breadcrumbs: Vec<Cell>,
    sections: Vec<Section>,
    charts: Vec<Chart>,
}

/// The values every page template sees: UI strings, language, team, as-of date.
pub fn set_global_context(book: &Book, opts: &Options, theme: &mut Theme) {
    let team = &book.repo.config().team;
    let global = theme.tera.global_context();
    global.insert("s", &theme.strings);
    global.insert(
        "lang",
        if team.language == Language::Zh {
            "zh"
        } else {
            "en"
        },
    );
    global.insert("team", &team.name);
    global.insert("as_of", &book.metrics.as_of.date.to_string());
    global.insert("shared", &(opts.audience == Audience::Shared));
    global.insert("has_feed", &true);
    global.insert("commit", &data_commit(book, opts, &theme.strings));
}

/// The footer's data commit: short oid, committer date in the team's zone and,
/// for a working-tree build with changes not committed, the note saying so.
/// `None` outside git. The labels fall back to English for a theme whose
/// strings predate them.
#[derive(Serialize)]
struct DataCommit {
    label: String,
    short: String,
    date: String,
    uncommitted: Option<String>,
}

fn data_commit(
    book: &Book,
    opts: &Options,
    strings: &BTreeMap<String, String>,
) -> Option<DataCommit> {
    if opts.audience == Audience::Shared {
        return None; // nothing from git leaves the team (SECURITY.md)
    }
    let at = match &book.snapshot {
        crate::book::Snapshot::WorkTree => None,
        crate::book::Snapshot::Revision(rev) => Some(rev),
    };
    let (rev, dirty) = match &opts.commit {
        Some(known) => known.clone()?,
        None => crate::git::data_commit(&book.dir, at)?,
    };
    let s = |key: &str, fallback: &str| strings.get(key).cloned().unwrap_or(fallback.into());
    Some(DataCommit {
        label: s("data_commit", "Data commit"),
        short: rev.short.clone(),
        date: rev.date(book.repo.config().team.timezone).to_string(),
        uncommitted: dirty.then(|| s("uncommitted_changes", "uncommitted changes")),
    })
}

struct Site<'a> {
    book: &'a Book,
    repo: &'a Repo,
    theme: &'a Theme,
    opts: &'a Options,
    dir: &'a Path,
    /// The month-start forecasts from git, for forecast accuracy.
    committed: Option<&'a Committed>,
    anon: Option<Anon<'a>>,
    /// Incremental (`serve`): only these pages, each written beside and renamed
    /// over the old one, so a reader sees the old page or the new one.
    only: Option<&'a Affected>,
    /// Every file written, relative to the site.
    written: std::sync::Mutex<Vec<String>>,
    /// Each page's content hash as last written (`serve`): a page whose
    /// template and context hash the same is already on disk.
    memo: Option<&'a PageMemo>,
    unchanged: std::sync::atomic::AtomicUsize,
}

impl<'a> Site<'a> {
    fn s(&self, key: &str) -> String {
        self.theme
            .strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }
    fn zh(&self) -> bool {
        self.repo.config().team.language == Language::Zh
    }
    fn amount(&self, x: f64) -> String {
        let team = &self.repo.config().team;
        if self.anon.is_some() {
            // Shared: whole 万.
            let w = (x / 10000.0).round();
            return if self.zh() {
                format!("{}万", trim_number(w, 0))
            } else {
                format!("{}0k", trim_number(w, 0))
            };
        }
        format!("{}{}", format::amount(x, team), team.amount_unit_label)
    }
    fn stage_name(&self, i: Option<usize>, id: &str) -> String {
        let config = self.repo.config();
        match i.and_then(|i| config.stages.get(i)) {
            Some(st) => st.label(config.team.language).to_string(),
            None => id.to_string(),
        }
    }
    /// One cell per KPI: the month's actual, formatted.
    fn actuals(&self, mk: &MonthKpis, defs: &[&KpiDef]) -> Vec<Cell> {
        let team = &self.repo.config().team;
        defs.iter()
            .map(|d| num(kpi_value(d, mk.get(d.key).and_then(|v| v.actual), team)))
            .collect()
    }
    fn stage_by_id(&self, id: &str) -> String {
        self.stage_name(self.repo.config().stage_index(id), id)
    }
    fn owner(&self, id: &str) -> Cell {
        let name = self.repo.config().owner_name(id);
        if safe_id(id) && self.repo.config().owner(id).is_some() {
            link(name, format!("@/owners/{}/index.html", encode(id)))
        } else {
            txt(name)
        }
    }
    fn customer(&self, id: &str) -> Cell {
        match self.book.index.customers.get(id) {
            Some(&i) if safe_id(id) => link(
                self.repo.customers[i].name.clone(),
                format!("@/customers/{}/index.html", encode(id)),
            ),
            _ => txt(id),
        }
    }
    fn deal(&self, id: &str) -> Cell {
        match self.book.index.deals.get(id) {
            Some(&i) if safe_id(id) => {
                let d = &self.repo.deals[i];
                link(
                    d.title.clone().unwrap_or_else(|| id.to_string()),
                    format!("@/deals/{}/index.html", encode(id)),
                )
            }
            _ => txt(id),
        }
    }
    fn grade(&self, g: Grade) -> String {
        self.s(g.as_str())
    }
    /// The UI label of an enum value: the string `<prefix>_<key>`, else the key itself.
    fn label(&self, prefix: &str, key: &str) -> String {
        self.theme
            .strings
            .get(&format!("{prefix}_{key}"))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }
    fn status(&self, s: DealStatus) -> String {
        match s {
            DealStatus::Open => self.s("open"),
            DealStatus::Won => self.s("won"),
            DealStatus::Lost => self.s("lost"),
        }
    }
    fn contact(&self, v: Option<&Sp<String>>, email: bool) -> String {
        match v {
            None => NULL.into(),
            Some(_) if self.anon.is_some() => NULL.into(),
            Some(v) if self.opts.reveal_contacts => v.value.clone(),
            Some(v) if email => mask_email(v),
            Some(v) => mask_phone(v),
        }
    }
    /// Free text from a record: masked (or anonymised) as the audience requires.
    fn text(&self, s: &str) -> String {
        match &self.anon {
            Some(a) => a.text(s),
            None if self.opts.reveal_contacts => s.to_string(),
            None => mask_in_text(s),
        }
    }
    /// `s` as a page shows it, in place: without control characters, contact
    /// data masked (or removed for the shared audience).
    fn guard(&self, s: &mut String) {
        if s.chars().any(crate::format::is_unprintable) {
            s.retain(|c| !crate::format::is_unprintable(c));
        }
        match self.anon {
            Some(_) if !find(s).is_empty() => {
                *s = replace_found(s, |_| super::anon::REMOVED.into());
            }
            None if !self.opts.reveal_contacts => mask_in_place(s),
            _ => {}
        }
    }
    fn markdown(&self, s: &str) -> String {
        markdown::render(&match &self.anon {
            Some(a) => a.markdown(s),
            None if self.opts.reveal_contacts => s.to_string(),
            None => mask_in_markdown(s),
        })
    }
    /// A record page's "last changed <date> by <author>" item, from git; none
    /// outside a repository or for the shared audience.
    fn last_changed(&self, file: crate::source::FileId) -> Option<(String, Cell)> {
        let git = self.book.git.as_ref().filter(|_| self.anon.is_none())?;
        let tz = self.repo.config().team.timezone;
        let value = match git.last_change(self.repo.sources.get(file)) {
            Some(c) => self
                .s("last_changed_by")
                .replace("{date}", &crate::git::local_minute(c.instant(), tz))
                .replace("{author}", &c.author),
            None => self.s("not_committed"),
        };
        Some((self.s("last_changed"), txt(value)))
    }
    /// An owner scorecard's entry lags, from git.
    fn timeliness(&self, owner: &str) -> Option<Section> {
        let git = self.book.git.as_ref()?;
        let o = git.by_owner.iter().find(|o| o.owner == owner)?;
        let late = match o.late_share() {
            Some(r) => format!("{} ({} / {})", percent(r), o.late, o.recorded),
            None => NULL.into(),
        };
        Some(kv(
            self.s("timeliness"),
            vec![
                (
                    self.s("median_lag"),
                    txt(o.median_hours.map_or(NULL.into(), |h| format!("{h:.1}"))),
                ),
                (self.s("late_share"), txt(late)),
                (self.s("not_yet_recorded"), txt(o.uncommitted.to_string())),
                (self.s("backfilled"), txt(o.backfilled.to_string())),
            ],
        ))
    }

    fn root_for(&self, rel: &str) -> String {
        match &self.opts.base_url {
            Some(b) => {
                if b.ends_with('/') {
                    b.clone()
                } else {
                    format!("{b}/")
                }
            }
            None => "../".repeat(rel.matches('/').count()),
        }
    }

    fn nav(&self, active: &str) -> Vec<Nav> {
        let items: &[(&str, &str)] = if self.anon.is_some() {
            &[("nav_cases", "cases/index.html")]
        } else {
            &[
                ("nav_dashboard", "index.html"),
                ("nav_months", "months/index.html"),
                ("nav_stages", "stages/index.html"),
                ("nav_leads", "leads/index.html"),
                ("nav_customers", "customers/index.html"),
                ("nav_deals", "deals/index.html"),
                ("nav_owners", "owners/index.html"),
                ("nav_cases", "cases/index.html"),
                ("nav_quality", "quality/index.html"),
                ("nav_data", "data/index.html"),
            ]
        };
        items
            .iter()
            .map(|(k, h)| Nav {
                t: self.s(k),
                h: format!("@/{h}"),
                active: *k == active,
            })
            .collect()
    }

    /// Renders one page. `crumbs` are the parents (home is added first).
    #[allow(clippy::too_many_arguments)]
    fn page(
        &self,
        rel: &str,
        template: &str,
        active: &str,
        title: String,
        crumbs: Vec<Cell>,
        mut sections: Vec<Section>,
        charts: Vec<Chart>,
    ) -> Result<(), BuildError> {
        if !self.wants(rel) {
            return Ok(());
        }
        let root = self.root_for(rel);
        // Every text on the page goes through the one detector (SPEC §6): a
        // phone number in a company name or an action is masked as one in a
        // note is. Figures are not text.
        let fix = |c: &mut Cell| {
            if let Some(rest) = c.h.strip_prefix("@/") {
                c.h = format!("{root}{rest}");
            }
            if !c.c.starts_with("num") {
                self.guard(&mut c.t);
            }
        };
        let mut title = title;
        self.guard(&mut title);
        let mut breadcrumbs = Vec::new();
        if rel != "index.html" {
            breadcrumbs.push(link(self.s("home"), "@/index.html"));
            breadcrumbs.extend(crumbs);
            breadcrumbs.push(txt(title.clone()));
        }
        breadcrumbs.iter_mut().for_each(fix);
        for sec in &mut sections {
            self.guard(&mut sec.title);
            sec.headers.iter_mut().for_each(|h| self.guard(&mut h.t));
            sec.rows.iter_mut().flatten().for_each(fix);
            sec.items.iter_mut().for_each(|i| fix(&mut i.v));
            sec.list.iter_mut().for_each(fix);
        }
        let mut nav = self.nav(active);
        for n in &mut nav {
            if let Some(rest) = n.h.strip_prefix("@/") {
                n.h = format!("{root}{rest}");
            }
        }
        let ctx = Ctx {
            root,
            title,
            nav,
            breadcrumbs,
            sections,
            charts,
        };
        if let Some(memo) = self.memo {
            let mut h = std::hash::DefaultHasher::new();
            (template, &ctx).hash(&mut h);
            if !memo.remember(rel, h.finish()) {
                self.unchanged
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                self.written.lock().map(|mut w| w.push(rel.into())).ok();
                return Ok(());
            }
        }
        let ctx = tera::Context::from_serialize(&ctx)
            .map_err(|e| BuildError::Theme(format!("{rel}: {e}")))?;
        // Rendered straight into the file: pages are not held in memory.
        self.write_with(rel, |out| {
            self.theme
                .tera
                .render_to(template, &ctx, out)
                .map_err(|e| BuildError::Theme(format!("rendering {rel} with {template}: {e}")))
        })
    }

    fn write_bytes(&self, rel: &str, bytes: &[u8]) -> Result<(), BuildError> {
        if !self.wants(rel) {
            return Ok(());
        }
        let path = self.dir.join(rel);
        self.write_with(rel, |out| {
            out.write_all(bytes)
                .map_err(|e| BuildError::Io(format!("cannot write {}: {e}", path.display())))
        })
    }

    /// Whether this build writes `rel` (all of them, unless incremental).
    fn wants(&self, rel: &str) -> bool {
        self.only.is_none_or(|a| a.covers(rel))
    }

    /// Writes the file `rel` of the site through a buffer, counts it; in an
    /// incremental build through a temporary name renamed over the old file.
    fn write_with(
        &self,
        rel: &str,
        fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<(), BuildError>,
    ) -> Result<(), BuildError> {
        let path = self.dir.join(rel);
        let io =
            |e: std::io::Error| BuildError::Io(format!("cannot write {}: {e}", path.display()));
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        // A fresh build writes into its own new folder; an incremental one
        // into the live site, through a temporary file renamed over the page.
        let (file, tmp) = match self.only {
            None => (std::fs::File::create(&path).map_err(io)?, None),
            Some(_) => {
                let (f, t) = crate::atomic::temp_beside(&path, ".salesbook-tmp").map_err(io)?;
                (f, Some(t))
            }
        };
        let mut out = std::io::BufWriter::new(file);
        let filled = fill(&mut out).and_then(|()| out.flush().map_err(io));
        drop(out);
        filled?; // a temporary file is removed as it drops
        if let Some(tmp) = tmp {
            tmp.persist(&path).map_err(|e| io(e.error))?;
        }
        if let Ok(mut w) = self.written.lock() {
            w.push(rel.to_string());
        }
        Ok(())
    }

    fn table4(&self, m: &MonthKpis) -> Section {
        let config = self.repo.config();
        let team = &config.team;
        let rows = crate::report::rows(m, team)
            .into_iter()
            .zip(m.iter())
            .map(|(r, (def, v))| {
                r.into_iter()
                    .enumerate()
                    .map(|(i, t)| match i {
                        0 | 6 => txt(t),
                        // A rate's difference is in percentage points: the
                        // template's "-2%" reads as a relative change on a page.
                        4 | 5 => num(format::points_in_words(def, t, team.language)),
                        // Completion: met, near or missed at a glance.
                        3 => Cell {
                            c: v.completion.map_or("num".into(), |c| {
                                format!("num {}", config.completion.signal(c))
                            }),
                            ..num(t)
                        },
                        _ => num(t),
                    })
                    .collect()
            })
            .collect();
        let headers = crate::report::headers(team.language)
            .map(String::from)
            .to_vec();
        table(format!("{} {}", self.s("table4"), m.month), headers, rows)
    }

    fn month_href(m: YearMonth) -> String {
        format!("@/months/{m}/index.html")
    }

    /// Lead `i`'s row in the register: the page of its acquisition month; the
    /// register's index for a lead it does not list (acquired after the as-of
    /// date, so its month has no page yet, or with an id that is no path).
    fn lead_href(&self, i: usize) -> String {
        let l = &self.repo.leads[i];
        if !self.book.metrics.leads[i].exists || !safe_id(&l.meta.id) {
            return "@/leads/index.html".into();
        }
        format!(
            "@/leads/{}/index.html#lead-{}",
            YearMonth::of(l.acquired.value),
            encode(&l.meta.id)
        )
    }

    /// [`Self::lead_href`] by id; the register's index for an unknown lead.
    fn lead_href_by_id(&self, id: &str) -> String {
        self.book
            .index
            .leads
            .get(id)
            .map_or_else(|| "@/leads/index.html".into(), |&i| self.lead_href(i))
    }
}

/// The files of a build, relative to the site.
pub struct Written {
    pub files: Vec<String>,
    /// Of those, pages left as they were (their content hashed the same).
    pub unchanged: usize,
    /// Each part of the site in build order: its name, the files it wrote, the time it took.
    pub sections: Vec<(&'static str, usize, std::time::Duration)>,
}

/// Each page's content hash as last written, kept by `serve` between builds.
#[derive(Default)]
pub struct PageMemo(std::sync::Mutex<HashMap<String, u64>>);

impl PageMemo {
    /// Records `hash` for `rel`; whether it differs from the one recorded.
    fn remember(&self, rel: &str, hash: u64) -> bool {
        let Ok(mut m) = self.0.lock() else {
            return true;
        };
        m.insert(rel.to_string(), hash) != Some(hash)
    }

    /// Forgets a page that was removed.
    pub fn forget(&self, rel: &str) {
        if let Ok(mut m) = self.0.lock() {
            m.remove(rel);
        }
    }
}

/// What the site's data page offers.
const EXPORTS: crate::export::ExportFormat = crate::export::ExportFormat::All;

/// Writes the export files of the data page into the site `dir`; returns
/// their names.
pub fn write_exports(book: &Book, dir: &Path, opts: &Options) -> Result<Vec<String>, BuildError> {
    let dir = dir.join("data");
    let files = crate::export::write(
        &dir,
        &book.repo,
        &book.index,
        &book.metrics,
        EXPORTS,
        opts.reveal_contacts,
        None,
    )
    .map_err(|e| BuildError::Io(format!("cannot write {}: {e}", dir.display())))?;
    Ok(files)
}

pub fn write_all(
    book: &Book,
    committed: Option<&Committed>,
    theme: &Theme,
    opts: &Options,
    dir: &Path,
    only: Option<&Affected>,
    memo: Option<&PageMemo>,
) -> Result<Written, BuildError> {
    let mut site = Site {
        book,
        repo: &book.repo,
        theme,
        opts,
        dir,
        committed,
        anon: None,
        only,
        written: Default::default(),
        memo,
        unchanged: Default::default(),
    };
    if only.is_none() {
        let marker = dir.join(MARKER);
        std::fs::write(&marker, b"salesbook site\n")
            .map_err(|e| BuildError::Io(format!("cannot write {}: {e}", marker.display())))?;
    }
    for (name, bytes) in &theme.statics {
        site.write_bytes(&format!("static/{name}"), bytes)?;
    }
    let cases: Vec<&Case> = match opts.audience {
        Audience::Team => book.repo.cases.iter().collect(),
        Audience::Shared => {
            site.anon = Some(Anon::new(book.shared_names()));
            book.repo.cases.iter().filter(|c| c.shareable).collect()
        }
    };
    let mut cases = cases;
    cases.retain(|c| safe_id(&c.meta.id));
    cases.sort_by(|a, b| {
        b.date
            .value
            .cmp(&a.date.value)
            .then(a.meta.id.cmp(&b.meta.id))
    });
    let mut sections = Vec::new();
    let mut section = |name: &'static str, run: &dyn Fn(&Site) -> Result<(), BuildError>| {
        let (files, clock) = (site.files_written(), std::time::Instant::now());
        run(&site)?;
        sections.push((name, site.files_written() - files, clock.elapsed()));
        Ok::<(), BuildError>(())
    };
    if only.is_none_or(Affected::case_library) {
        section("cases", &|s| s.case_pages(&cases))?;
    }
    section("404", &|s| s.not_found())?;
    if opts.audience == Audience::Team {
        section("dashboard", &|s| s.dashboard())?;
        section("months", &|s| s.months())?;
        section("stages", &|s| s.stages())?;
        section("leads", &|s| s.leads())?;
        section("customers", &|s| s.customers())?;
        section("deals", &|s| s.deals())?;
        section("owners", &|s| s.owners())?;
        section("quality", &|s| s.quality())?;
        section("data", &|s| s.data())?;
    }
    Ok(Written {
        files: site.written.into_inner().unwrap_or_default(),
        unchanged: site.unchanged.into_inner(),
        sections,
    })
}

impl Site<'_> {
    fn files_written(&self) -> usize {
        self.written.lock().map_or(0, |w| w.len())
    }

    fn not_found(&self) -> Result<(), BuildError> {
        self.page(
            "404.html",
            "404.html",
            "",
            self.s("not_found"),
            vec![],
            vec![],
            vec![],
        )
    }

    fn dashboard(&self) -> Result<(), BuildError> {
        let m = &self.book.metrics;
        let p = &m.pipeline;
        let warnings = self.book.diagnostics.warnings();
        let mut secs = vec![stats(vec![
            (
                self.s("pipeline"),
                link(p.open.to_string(), "@/deals/index.html"),
            ),
            (self.s("amount"), num(self.amount(p.amount))),
            (self.s("weighted"), num(self.amount(p.weighted))),
            (
                self.s("quality_count"),
                link(warnings.to_string(), "@/quality/index.html"),
            ),
        ])];
        if let Some(k) = m.month(m.as_of.month()) {
            let mut t = self.table4(k);
            t.title = format!("{} {}", self.s("table4"), k.month);
            secs.push(t);
            // The month's report holds the records behind these figures.
            secs.push(Section {
                kind: "pager",
                list: vec![link(
                    format!("{} {} →", self.s("nav_months"), k.month),
                    Self::month_href(k.month),
                )],
                ..Section::default()
            });
        }
        // The charts, above the detail tables.
        secs.push(charts_here(self.s("charts")));
        secs.push(self.pipeline_table());
        secs.push(self.pipeline_owner_table());
        // Alerts, the longest waiting first: the worst few on the dashboard,
        // every one on the alert's own pages.
        let mut misses: Vec<(f64, Vec<Cell>)> = Vec::new();
        for (i, (l, lm)) in self.repo.leads.iter().zip(&m.leads).enumerate() {
            if let Some(o) = &lm.first_contact
                && o.status.is_miss()
            {
                misses.push((
                    o.hours,
                    vec![
                        link(l.meta.id.clone(), self.lead_href(i)),
                        txt(self.text(&l.company)),
                        self.owner(&l.owner),
                        txt(self.s(o.status.as_str())),
                        num(trim_number(o.hours, 1)),
                    ],
                ));
            }
        }
        misses.sort_by(|a, b| b.0.total_cmp(&a.0));
        secs.extend(self.alert(
            "sla",
            self.s("sla_misses"),
            vec![
                self.s("id"),
                self.s("company"),
                self.s("owner"),
                self.s("status"),
                self.s("hours"),
            ],
            misses.into_iter().map(|(_, r)| r).collect(),
        )?);
        let mut stale: Vec<_> = p.stale.iter().collect();
        stale.sort_by_key(|s| std::cmp::Reverse(s.days));
        let rows = stale
            .into_iter()
            .filter_map(|s| {
                let d = self.repo.deals.get(s.deal)?;
                Some(vec![
                    self.deal(&d.meta.id),
                    self.customer(&d.customer),
                    self.owner(&d.owner),
                    txt(s.last_event.to_string()),
                    num(s.days.to_string()),
                ])
            })
            .collect();
        secs.extend(self.alert(
            "stale",
            self.s("stale_deals"),
            vec![
                self.s("deal"),
                self.s("customer"),
                self.s("owner"),
                self.s("last_event"),
                self.s("days"),
            ],
            rows,
        )?);
        let overdue = self.overdue_table(None);
        secs.extend(self.alert(
            "overdue",
            self.s("overdue_payments"),
            overdue.headers.into_iter().map(|h| h.t).collect(),
            overdue.rows,
        )?);
        self.page(
            "index.html",
            "index.html",
            "nav_dashboard",
            format!("{} · {}", self.s("nav_dashboard"), m.as_of.month()),
            vec![],
            secs,
            super::charts::dashboard(self.book, &|k| self.s(k)),
        )
    }

    /// An alert's table on the dashboard: its first [`SHOWN_ROWS`] rows and a
    /// link to all of them on `alerts/<slug>/`.
    fn alert(
        &self,
        slug: &str,
        name: String,
        headers: Vec<String>,
        rows: Vec<Vec<Cell>>,
    ) -> Result<Vec<Section>, BuildError> {
        let title = format!("{} · {name}", self.s("alerts"));
        self.capped(
            &format!("alerts/{slug}"),
            "nav_dashboard",
            title,
            headers,
            rows,
        )
    }

    /// A long list, capped: the section for the page that sums it up holds its
    /// first [`SHOWN_ROWS`] rows and a link to all of them, on `base` (see
    /// [`Self::paged`]).
    fn capped(
        &self,
        base: &str,
        active: &str,
        title: String,
        headers: Vec<String>,
        rows: Vec<Vec<Cell>>,
    ) -> Result<Vec<Section>, BuildError> {
        let title = format!("{title} ({})", rows.len());
        self.paged(
            &Paged {
                base,
                sub: "",
                template: "page.html",
                active,
                title: title.clone(),
                crumbs: vec![],
                table_title: title.clone(),
                after: vec![],
                home: None,
            },
            &headers,
            &rows,
        )?;
        let mut out = vec![table(
            title,
            headers,
            rows.iter().take(SHOWN_ROWS).cloned().collect(),
        )];
        if rows.len() > SHOWN_ROWS {
            out.push(Section {
                kind: "pager",
                list: vec![link(
                    format!("{} {} →", self.s("see_all"), rows.len()),
                    paged_href(base, "", 1),
                )],
                ..Section::default()
            });
        }
        Ok(out)
    }

    /// A table in pages of [`PAGE_ROWS`] rows: the first at `<base>/index.html`,
    /// the next at `<base>/<sub>/<n>/index.html`, each with links to its
    /// neighbours; always the first, so a link to it never breaks. `base` is a
    /// folder of the site made of validated ids.
    fn paged(&self, p: &Paged, headers: &[String], rows: &[Vec<Cell>]) -> Result<(), BuildError> {
        let pages = rows.len().div_ceil(PAGE_ROWS).max(1);
        let href = |page: usize| paged_href(p.base, p.sub, page);
        for (i, chunk) in rows
            .chunks(PAGE_ROWS)
            .chain(rows.is_empty().then_some(&[][..]))
            .enumerate()
        {
            let page = i + 1;
            let mut secs = vec![table(
                p.table_title.clone(),
                headers.to_vec(),
                chunk.to_vec(),
            )];
            if pages > 1 {
                let prev =
                    (page > 1).then(|| link(format!("← {}", self.s("prev_page")), href(page - 1)));
                let next = (page < pages)
                    .then(|| link(format!("{} →", self.s("next_page")), href(page + 1)));
                secs.push(Section {
                    kind: "pager",
                    list: [prev, Some(txt(format!("{page} / {pages}"))), next]
                        .into_iter()
                        .flatten()
                        .collect(),
                    ..Section::default()
                });
            }
            if page == 1 {
                secs.extend(p.after.iter().cloned());
            }
            let rel = paged_folder(p.base, p.sub, page).join("/") + "/index.html";
            let home = p.home.filter(|_| page == 1);
            for rel in std::iter::once(rel.as_str()).chain(home) {
                self.page(
                    rel,
                    p.template,
                    p.active,
                    p.title.clone(),
                    p.crumbs.clone(),
                    secs.clone(),
                    vec![],
                )?;
            }
        }
        Ok(())
    }

    /// The case reviews of each deal, grouped once.
    fn cases_by_deal(&self) -> HashMap<&str, Vec<&Case>> {
        let mut by: HashMap<&str, Vec<&Case>> = HashMap::new();
        for c in &self.repo.cases {
            if let Some(d) = &c.deal {
                by.entry(d.as_str()).or_default().push(c);
            }
        }
        by
    }

    /// The case reviews of a deal or a customer, each a link to its page.
    fn cases_section<'c>(&self, cases: impl Iterator<Item = &'c Case>) -> Section {
        let rows = cases
            .map(|c| {
                vec![
                    link(
                        self.text(&c.title),
                        format!("@/cases/{}/index.html", encode(&c.meta.id)),
                    ),
                    txt(c.date.value.to_string()),
                    txt(self.s(match c.result {
                        CaseResult::Success => "success",
                        CaseResult::Failure => "failure",
                    })),
                ]
            })
            .collect();
        table(
            self.s("cases"),
            vec![self.s("case_title"), self.s("date"), self.s("result")],
            rows,
        )
    }

    /// The deals behind a month's won and lost figures: closed in `ym` as of the
    /// date, won first, largest first, each a link to its page.
    fn closed_in(&self, ym: YearMonth) -> Section {
        let m = &self.book.metrics;
        let mut closed: Vec<(&crate::model::Deal, &crate::metrics::DealMetrics)> = self
            .repo
            .deals
            .iter()
            .zip(&m.deals)
            .filter(|(d, dm)| {
                dm.closed.is_some_and(|c| YearMonth::of(c) == ym) && safe_id(&d.meta.id)
            })
            .collect();
        let amount = |d: &crate::model::Deal| d.amount.as_ref().map_or(0.0, |a| a.value);
        closed.sort_by(|a, b| {
            (a.1.status != DealStatus::Won)
                .cmp(&(b.1.status != DealStatus::Won))
                .then(amount(b.0).total_cmp(&amount(a.0)))
                .then(a.0.meta.id.cmp(&b.0.meta.id))
        });
        let rows = closed
            .into_iter()
            .map(|(d, dm)| {
                vec![
                    self.deal(&d.meta.id),
                    self.customer(&d.customer),
                    self.owner(&d.owner),
                    txt(self.s(dm.status.as_str())),
                    num(d
                        .amount
                        .as_ref()
                        .map_or(NULL.into(), |a| self.amount(a.value))),
                    txt(dm.closed.map_or(NULL.into(), |c| c.to_string())),
                    num(dm.cycle_days.map_or(NULL.into(), |c| c.to_string())),
                ]
            })
            .collect();
        table(
            self.s("closed_in_month"),
            [
                "deal",
                "customer",
                "owner",
                "status",
                "amount",
                "closed",
                "cycle_days",
            ]
            .iter()
            .map(|k| self.s(k))
            .collect(),
            rows,
        )
    }

    fn overdue_table(&self, deal: Option<usize>) -> Section {
        let mut overdue: Vec<_> = self
            .book
            .metrics
            .pipeline
            .overdue
            .iter()
            .filter(|o| deal.is_none_or(|d| d == o.deal))
            .collect();
        overdue.sort_by_key(|o| std::cmp::Reverse(o.days));
        let rows = overdue
            .into_iter()
            .filter_map(|o| {
                let d = self.repo.deals.get(o.deal)?;
                Some(vec![
                    self.deal(&d.meta.id),
                    self.customer(&d.customer),
                    txt(o.due.to_string()),
                    num(self.amount(o.amount)),
                    num(o.days.to_string()),
                ])
            })
            .collect();
        table(
            format!("{} · {}", self.s("alerts"), self.s("overdue_payments")),
            vec![
                self.s("deal"),
                self.s("customer"),
                self.s("due"),
                self.s("amount"),
                self.s("days"),
            ],
            rows,
        )
    }

    fn pipeline_table(&self) -> Section {
        let p = &self.book.metrics.pipeline;
        let mut rows: Vec<Vec<Cell>> = p
            .by_stage
            .iter()
            .map(|s| {
                vec![
                    txt(self.stage_name(s.stage, s.stage_id.as_deref().unwrap_or(NULL))),
                    num(s.count.to_string()),
                    num(self.amount(s.amount)),
                    num(self.amount(s.weighted)),
                ]
            })
            .collect();
        rows.push(vec![
            txt(self.s("total")),
            num(p.open.to_string()),
            num(self.amount(p.amount)),
            num(self.amount(p.weighted)),
        ]);
        table(
            self.s("pipeline"),
            vec![
                self.s("stage"),
                self.s("count"),
                self.s("amount"),
                self.s("weighted"),
            ],
            rows,
        )
    }

    /// Forecast accuracy of a month: per owner forecast, won, difference and
    /// accuracy, the team total and a line saying how they are computed; "no
    /// history" without a commit before the month began.
    fn forecast_sections(&self, f: Option<&crate::metrics::MonthForecast>) -> Vec<Section> {
        let title = self.s("forecast_accuracy");
        let Some(f) = f else {
            return vec![Section {
                id: "forecast".into(),
                ..list(title, vec![txt(self.s("forecast_no_history"))])
            }];
        };
        let signed = |x: f64| {
            let a = self.amount(x);
            if x > 0.0 { format!("+{a}") } else { a }
        };
        let row = |owner: Cell, o: &crate::metrics::OwnerForecast| {
            vec![
                owner,
                num(self.amount(o.forecast)),
                num(self.amount(o.won)),
                num(signed(o.difference)),
                num(o.accuracy.map_or(NULL.into(), percent)),
            ]
        };
        let mut rows: Vec<Vec<Cell>> = f
            .owners
            .iter()
            .map(|o| row(self.owner(&o.owner), o))
            .collect();
        if !rows.is_empty() {
            rows.push(row(txt(self.s("total")), &f.total));
        }
        vec![
            Section {
                id: "forecast".into(),
                ..table(
                    title,
                    vec![
                        self.s("owner"),
                        self.s("forecast"),
                        self.s("forecast_won"),
                        self.s("forecast_difference"),
                        self.s("accuracy"),
                    ],
                    rows,
                )
            },
            list("", vec![txt(self.s("forecast_explained"))]),
        ]
    }

    /// Open deals by owner × current stage, each owner's subtotal, the team total.
    fn pipeline_owner_table(&self) -> Section {
        let p = &self.book.metrics.pipeline;
        let mut rows: Vec<Vec<Cell>> = Vec::new();
        for o in &p.by_owner {
            for s in &o.by_stage {
                rows.push(vec![
                    self.owner(&o.owner),
                    txt(self.stage_name(s.stage, s.stage_id.as_deref().unwrap_or(NULL))),
                    num(s.count.to_string()),
                    num(self.amount(s.amount)),
                    num(self.amount(s.weighted)),
                ]);
            }
            rows.push(vec![
                self.owner(&o.owner),
                txt(self.s("subtotal")),
                num(o.count.to_string()),
                num(self.amount(o.amount)),
                num(self.amount(o.weighted)),
            ]);
        }
        if !rows.is_empty() {
            rows.push(vec![
                txt(self.s("total")),
                txt(""),
                num(p.open.to_string()),
                num(self.amount(p.amount)),
                num(self.amount(p.weighted)),
            ]);
        }
        Section {
            id: "pipeline-by-owner".into(),
            ..table(
                self.s("pipeline_by_owner"),
                vec![
                    self.s("owner"),
                    self.s("stage"),
                    self.s("count"),
                    self.s("amount"),
                    self.s("weighted"),
                ],
                rows,
            )
        }
    }

    fn durations_table(&self, title: String, stats: &[crate::metrics::StageStats]) -> Section {
        let f = |x: Option<f64>| x.map_or(NULL.into(), |x| trim_number(x, 1));
        let rows = stats
            .iter()
            .map(|s| {
                vec![
                    txt(self.stage_name(Some(s.stage), &s.stage_id)),
                    num(s.summary.count.to_string()),
                    num(f(s.summary.mean)),
                    num(f(s.summary.median)),
                    num(s.summary.p90.map_or(NULL.into(), |x| x.to_string())),
                ]
            })
            .collect();
        table(
            title,
            vec![
                self.s("stage"),
                self.s("count"),
                self.s("mean"),
                self.s("median"),
                self.s("p90"),
            ],
            rows,
        )
    }

    fn breakdown_tables(&self, month: YearMonth) -> Vec<Section> {
        let team = &self.repo.config().team;
        let keys = [
            "new_leads",
            "lead_conversion_rate",
            "deals_won",
            "win_rate",
            "revenue",
            "avg_deal_size",
        ];
        let defs: Vec<_> = keys.iter().filter_map(|k| kpi_def(k)).collect();
        let mut out = Vec::new();
        for b in &self.book.metrics.breakdowns {
            let mut headers = vec![self.s("group")];
            headers.extend(defs.iter().map(|d| kpi_name(d, team)));
            let rows = b
                .groups
                .iter()
                .filter_map(|g| {
                    let mk = g.months.iter().find(|m| m.month == month)?;
                    let key = g.key.clone().unwrap_or_else(|| NULL.into());
                    let label = match b.dimension {
                        Dimension::Owner => self.owner(&key),
                        Dimension::Channel => txt(self.repo.config().channel_name(&key)),
                        Dimension::Grade => txt(self.s(&key)),
                        Dimension::ChannelGroup => txt(self.label("group", &key)),
                        // Industries are free text: shown as written.
                        Dimension::Industry => txt(key),
                    };
                    let mut row = vec![label];
                    row.extend(self.actuals(mk, &defs));
                    Some(row)
                })
                .collect();
            let dim = self.label("by", b.dimension.as_str());
            out.push(table(
                format!("{} · {dim}", self.s("breakdowns")),
                headers,
                rows,
            ));
        }
        out
    }

    fn months(&self) -> Result<(), BuildError> {
        let m = &self.book.metrics;
        let months: Vec<YearMonth> = m.months.clone();
        let forecasts = self
            .committed
            .map(|c| super::forecast::month_forecasts(self.book, c));
        let mut index_rows = Vec::new();
        for (i, &ym) in months.iter().enumerate() {
            let Some(k) = m.month(ym) else { continue };
            let mut secs = vec![Section {
                kind: "pager",
                list: vec![
                    i.checked_sub(1)
                        .and_then(|j| months.get(j))
                        .map_or(txt(""), |p| {
                            link(format!("← {} {p}", self.s("prev")), Self::month_href(*p))
                        }),
                    months.get(i + 1).map_or(txt(""), |n| {
                        link(format!("{} {n} →", self.s("next")), Self::month_href(*n))
                    }),
                ],
                ..Section::default()
            }];
            secs.push(self.table4(k));
            secs.push(charts_here(self.s("charts")));
            secs.push(self.closed_in(ym));
            let file = self.repo.months.iter().find(|f| f.month == Some(ym));
            if let Some(f) = file {
                if !f.body.trim().is_empty() {
                    secs.push(md(self.s("review"), self.markdown(&f.body)));
                }
                let rows = f
                    .plan
                    .iter()
                    .map(|p| {
                        vec![
                            txt(self.label("area", p.area.as_str())),
                            txt(self.text(&p.action)),
                            p.owner.as_ref().map_or(txt(NULL), |o| self.owner(o)),
                            txt(p.due.map_or(NULL.into(), |d| d.to_string())),
                            txt(if p.done { self.s("yes") } else { self.s("no") }),
                        ]
                    })
                    .collect();
                secs.push(table(
                    self.s("plan"),
                    vec![
                        self.s("area"),
                        self.s("action"),
                        self.s("owner"),
                        self.s("plan_due"),
                        self.s("done"),
                    ],
                    rows,
                ));
            }
            if let Some((_, st)) = m.durations.by_month.iter().find(|(mm, _)| *mm == ym) {
                secs.push(self.durations_table(self.s("durations"), st));
            }
            secs.extend(self.breakdown_tables(ym));
            if let Some(f) = forecasts.as_ref().and_then(|f| f.get(&ym)) {
                secs.extend(self.forecast_sections(f.as_ref()));
            }
            let team = &self.repo.config().team;
            let get = |key: &str| {
                kpi_def(key).map_or(NULL.into(), |d| {
                    kpi_value(d, k.get(key).and_then(|v| v.actual), team)
                })
            };
            index_rows.push(vec![
                link(ym.to_string(), Self::month_href(ym)),
                num(get("new_leads")),
                num(get("deals_won")),
                num(get("revenue")),
                num(get("lead_conversion_rate")),
            ]);
            self.page(
                &format!("months/{ym}/index.html"),
                "month.html",
                "nav_months",
                format!("{} {ym}", self.s("table4")),
                vec![link(self.s("nav_months"), "@/months/index.html")],
                secs,
                super::charts::trends(self.book, &|k| self.s(k), ym),
            )?;
        }
        index_rows.reverse();
        let team = &self.repo.config().team;
        let name = |k: &str| kpi_def(k).map_or(k.to_string(), |d| kpi_name(d, team));
        let headers = vec![
            self.s("month"),
            name("new_leads"),
            name("deals_won"),
            name("revenue"),
            name("lead_conversion_rate"),
        ];
        self.page(
            "months/index.html",
            "page.html",
            "nav_months",
            self.s("nav_months"),
            vec![],
            vec![table("", headers, index_rows)],
            vec![],
        )
    }

    fn stages(&self) -> Result<(), BuildError> {
        let m = &self.book.metrics;
        let mut secs = Vec::new();
        let mut charts = Vec::new();
        if let Some(f) = &m.funnel_total {
            // The funnel chart of the table below, above the tables.
            charts.push(super::charts::funnel(self.book, &|k| self.s(k), f));
            secs.push(charts_here(String::new()));
        }
        secs.push(self.durations_table(self.s("durations"), &m.durations.overall));
        let rows = m
            .durations
            .ongoing
            .iter()
            .filter_map(|o| {
                let d = self.repo.deals.get(o.deal)?;
                Some(vec![
                    self.deal(&d.meta.id),
                    txt(self.stage_name(o.stage, &o.stage_id)),
                    txt(o.entered.to_string()),
                    num(o.age.to_string()),
                ])
            })
            .collect();
        secs.push(table(
            self.s("ongoing"),
            vec![
                self.s("deal"),
                self.s("stage"),
                self.s("entered"),
                self.s("age"),
            ],
            rows,
        ));
        if let Some(f) = &m.funnel_total {
            let pct = |x: Option<f64>| num(x.map_or(NULL.into(), percent));
            let rows = super::charts::funnel_rows(self.book, &|k| self.s(k), f)
                .into_iter()
                .map(|r| {
                    vec![
                        txt(r.label),
                        num(r.reached.to_string()),
                        pct(r.conversion),
                        pct(r.share),
                    ]
                })
                .collect();
            secs.push(table(
                format!("{} {}–{}", self.s("funnel"), f.from, f.to),
                vec![
                    self.s("stage"),
                    self.s("reached"),
                    self.s("conversion"),
                    self.s("share_of_leads"),
                ],
                rows,
            ));
        }
        self.page(
            "stages/index.html",
            "stages.html",
            "nav_stages",
            self.s("nav_stages"),
            vec![],
            secs,
            charts,
        )
    }

    /// The lead register (table 1): one page per acquisition month, newest first,
    /// so no page holds years of leads; the index lists the months and the channel
    /// report.
    fn leads(&self) -> Result<(), BuildError> {
        let m = &self.book.metrics;
        let config = self.repo.config();
        let mut leads: Vec<usize> = (0..self.repo.leads.len())
            .filter(|&i| m.leads[i].exists && safe_id(&self.repo.leads[i].meta.id))
            .collect();
        leads.sort_by(|&a, &b| {
            let (a, b) = (&self.repo.leads[a], &self.repo.leads[b]);
            b.acquired
                .value
                .cmp(&a.acquired.value)
                .then(a.meta.id.cmp(&b.meta.id))
        });
        let mut by_month: Vec<(YearMonth, Vec<usize>)> = Vec::new();
        for i in leads {
            let ym = YearMonth::of(self.repo.leads[i].acquired.value);
            match by_month.last_mut() {
                Some((m, ids)) if *m == ym => ids.push(i),
                _ => by_month.push((ym, vec![i])),
            }
        }
        // Which customer each lead became, found once rather than per lead.
        let customer_of: HashMap<&str, &crate::model::Customer> = self
            .repo
            .customers
            .iter()
            .filter_map(|c| Some((c.lead.as_ref()?.value.as_str(), c)))
            .collect();
        let headers = [
            "id",
            "channel",
            "acquired",
            "company",
            "industry",
            "contact",
            "title",
            "phone",
            "needs",
            "owner",
            "grade",
            "status",
            "first_contact",
        ]
        .iter()
        .map(|k| self.s(k))
        .collect::<Vec<_>>();
        let row = |i: usize| {
            let l = &self.repo.leads[i];
            let lm = &m.leads[i];
            let mut id = txt(l.meta.id.clone());
            id.id = format!("lead-{}", encode(&l.meta.id));
            let customer = customer_of.get(l.meta.id.as_str());
            vec![
                id,
                txt(config.channel_name(&l.source)),
                txt(l.acquired.value.to_string()),
                customer.map_or(txt(l.company.clone()), |c| self.customer(&c.meta.id)),
                txt(l.industry.clone()),
                txt(l.contact.name.clone()),
                txt(l.contact.title.clone()),
                txt(self.contact(l.contact.phone.as_ref(), false)),
                txt(l.needs.join("、")),
                self.owner(&l.owner),
                txt(self.grade(lm.grade)),
                txt(self.label("lead", l.status.as_str())),
                txt(lm
                    .first_contact
                    .as_ref()
                    .map_or(NULL.into(), |o| self.s(o.status.as_str()))),
            ]
        };
        let month_href = |ym: YearMonth| format!("@/leads/{ym}/index.html");
        by_month
            .par_iter()
            .enumerate()
            .try_for_each(|(k, (ym, ids))| {
                if !self.wants(&format!("leads/{ym}/index.html")) {
                    return Ok(());
                }
                let mut secs = vec![Section {
                    id: format!("month-{ym}"),
                    ..table(
                        format!("{ym} ({})", ids.len()),
                        headers.clone(),
                        ids.iter().map(|&i| row(i)).collect(),
                    )
                }];
                // The older and the newer month with leads (the list is newest first).
                let older = by_month
                    .get(k + 1)
                    .map(|(p, _)| link(format!("← {} {p}", self.s("prev")), month_href(*p)));
                let newer = k.checked_sub(1).map(|n| {
                    let (n, _) = &by_month[n];
                    link(format!("{} {n} →", self.s("next")), month_href(*n))
                });
                let around: Vec<Cell> = older.into_iter().chain(newer).collect();
                if !around.is_empty() {
                    secs.push(list("", around));
                }
                self.page(
                    &format!("leads/{ym}/index.html"),
                    "leads.html",
                    "nav_leads",
                    format!("{} {ym}", self.s("lead_register")),
                    vec![link(self.s("lead_register"), "@/leads/index.html")],
                    secs,
                    vec![],
                )
            })?;
        let month_rows = by_month
            .iter()
            .map(|(ym, ids)| {
                vec![
                    link(ym.to_string(), month_href(*ym)),
                    num(ids.len().to_string()),
                ]
            })
            .collect();
        let mut secs = vec![table(
            self.s("month"),
            vec![self.s("month"), self.s("nav_leads")],
            month_rows,
        )];
        if let Some(b) = m.breakdown(Dimension::Channel) {
            let team = &config.team;
            let defs: Vec<_> = ["new_leads", "lead_conversion_rate", "deals_won", "revenue"]
                .iter()
                .filter_map(|k| kpi_def(k))
                .collect();
            let mut headers = vec![self.s("channel")];
            headers.extend(defs.iter().map(|d| kpi_name(d, team)));
            // Channel report over all reported months: sum counts, recompute nothing —
            // show the as-of month's figures per channel.
            let month = m.as_of.month();
            let rows = b
                .groups
                .iter()
                .filter_map(|g| {
                    let mk = g.months.iter().find(|x| x.month == month)?;
                    let key = g.key.clone().unwrap_or_else(|| NULL.into());
                    let mut row = vec![txt(config.channel_name(&key))];
                    row.extend(self.actuals(mk, &defs));
                    Some(row)
                })
                .collect();
            secs.push(table(
                format!("{} · {month}", self.s("channel")),
                headers,
                rows,
            ));
        }
        self.page(
            "leads/index.html",
            "leads.html",
            "nav_leads",
            self.s("lead_register"),
            vec![],
            secs,
            vec![],
        )
    }

    fn customers(&self) -> Result<(), BuildError> {
        let crumbs = || vec![link(String::new(), "@/customers/index.html")];
        // Each customer's deals, grouped once rather than searched per customer.
        let mut deals_of: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, d) in self.repo.deals.iter().enumerate() {
            deals_of.entry(d.customer.as_str()).or_default().push(i);
        }
        let cases_of = self.cases_by_deal();
        let index = self
            .repo
            .customers
            .par_iter()
            .filter(|c| safe_id(&c.meta.id))
            .map(|c| -> Result<Vec<Cell>, BuildError> {
                let row = vec![
                    self.customer(&c.meta.id),
                    txt(c.industry.clone()),
                    self.owner(&c.owner),
                    txt(c.priority.map_or(NULL.into(), |g| self.grade(g))),
                    txt(c.progress.clone().unwrap_or_default()),
                ];
                if !self.wants(&format!("customers/{}/index.html", c.meta.id)) {
                    return Ok(row);
                }
                let mut profile = vec![
                    (self.s("name"), txt(c.name.clone())),
                    (self.s("industry"), txt(c.industry.clone())),
                    (
                        self.s("annual_revenue"),
                        txt(c.annual_revenue.map_or(NULL.into(), |x| self.amount(x))),
                    ),
                    (
                        self.s("employees"),
                        txt(c.employees.map_or(NULL.into(), |x| trim_number(x, 0))),
                    ),
                    (self.s("owner"), self.owner(&c.owner)),
                ];
                if let Some(l) = &c.lead {
                    profile.push((
                        self.s("lead"),
                        link(l.value.clone(), self.lead_href_by_id(l)),
                    ));
                }
                if !c.aliases.is_empty() {
                    profile.push((self.s("aliases"), txt(c.aliases.join("、"))));
                }
                profile.extend([
                    (
                        self.s("priority"),
                        txt(c.priority.map_or(NULL.into(), |g| self.grade(g))),
                    ),
                    (self.s("pain_points"), txt(c.pain_points.join("、"))),
                    (self.s("decision_chain"), txt(c.decision_chain.join(" + "))),
                    (
                        self.s("progress"),
                        txt(c.progress.clone().unwrap_or_else(|| NULL.into())),
                    ),
                ]);
                for (k, v) in &c.extra {
                    profile.push((k.clone(), txt(extra_value(v))));
                }
                profile.extend(self.last_changed(c.meta.file));
                let mut secs = vec![kv(self.s("profile"), profile)];
                let rows = c
                    .decision_makers
                    .iter()
                    .map(|d| {
                        vec![
                            txt(d.name.clone()),
                            txt(d.title.clone()),
                            txt(self.label("role", d.role.as_str())),
                            txt(d.concerns.clone().unwrap_or_default()),
                            txt(self.contact(d.phone.as_ref(), false)),
                            txt(self.contact(d.email.as_ref(), true)),
                        ]
                    })
                    .collect();
                secs.push(table(
                    self.s("decision_makers"),
                    ["name", "title", "role", "concerns", "phone", "email"]
                        .iter()
                        .map(|k| self.s(k))
                        .collect(),
                    rows,
                ));
                let rows = c
                    .risks
                    .iter()
                    .map(|r| {
                        vec![
                            txt(self.label("risk", r.kind.as_str())),
                            txt(r.note.clone()),
                        ]
                    })
                    .collect();
                secs.push(table(
                    self.s("risks"),
                    vec![self.s("kind"), self.s("note")],
                    rows,
                ));
                let rows = deals_of
                    .get(c.meta.id.as_str())
                    .into_iter()
                    .flatten()
                    .map(|&i| (&self.repo.deals[i], &self.book.metrics.deals[i]))
                    .map(|(d, dm)| {
                        vec![
                            self.deal(&d.meta.id),
                            txt(self.status(dm.status)),
                            num(d.amount.as_ref().map_or(NULL.into(), |a| self.amount(**a))),
                            txt(dm.closed.map_or(NULL.into(), |x| x.to_string())),
                        ]
                    })
                    .collect();
                secs.push(table(
                    self.s("deals"),
                    vec![
                        self.s("deal"),
                        self.s("status"),
                        self.s("amount"),
                        self.s("closed"),
                    ],
                    rows,
                ));
                let deals = deals_of
                    .get(c.meta.id.as_str())
                    .map_or(&[][..], Vec::as_slice);
                secs.push(self.customer_timeline(c, deals));
                secs.push(self.cases_section(deals.iter().flat_map(|&i| {
                    let id = self.repo.deals[i].meta.id.as_str();
                    cases_of.get(id).into_iter().flatten().copied()
                })));
                if !c.body.trim().is_empty() {
                    secs.push(md(self.s("notes"), self.markdown(&c.body)));
                }
                let mut cr = crumbs();
                cr[0].t = self.s("nav_customers");
                self.page(
                    &format!("customers/{}/index.html", c.meta.id),
                    "customer.html",
                    "nav_customers",
                    c.name.clone(),
                    cr,
                    secs,
                    vec![],
                )?;
                Ok(row)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let headers: Vec<String> = ["customer", "industry", "owner", "priority", "progress"]
            .iter()
            .map(|k| self.s(k))
            .collect();
        self.paged(
            &Paged {
                base: "customers",
                sub: "page",
                template: "customers.html",
                active: "nav_customers",
                title: self.s("nav_customers"),
                crumbs: vec![],
                table_title: String::new(),
                after: vec![],
                home: None,
            },
            &headers,
            &index,
        )
    }

    /// A customer's events across its deals in date order, up to the as-of date:
    /// leads acquired, stage entries, activities, visits, payments received, closings.
    fn customer_timeline(&self, c: &crate::model::Customer, deals: &[usize]) -> Section {
        let m = &self.book.metrics;
        let as_of = &m.as_of;
        // (date, order within the day, event, detail, record)
        let mut events: Vec<(chrono::NaiveDate, u8, String, String, Cell)> = Vec::new();
        let mut leads: Vec<usize> = c
            .lead
            .as_ref()
            .and_then(|l| self.book.index.leads.get(l.as_str()).copied())
            .into_iter()
            .chain(deals.iter().filter_map(|&di| m.deals[di].lead))
            .collect();
        leads.sort_unstable();
        leads.dedup();
        for li in leads {
            let (l, lm) = (&self.repo.leads[li], &m.leads[li]);
            if !lm.exists {
                continue;
            }
            let id = &l.meta.id;
            let record = if safe_id(id) {
                link(id.clone(), self.lead_href_by_id(id))
            } else {
                txt(id.clone())
            };
            let channel = self.repo.config().channel_name(&l.source);
            events.push((l.acquired.value, 0, self.s("ev_lead"), channel, record));
        }
        for &di in deals {
            let (d, dm) = (&self.repo.deals[di], &m.deals[di]);
            // The implicit `lead` entry is the lead acquired above.
            for h in dm.history.iter().filter(|h| h.entry.is_some()) {
                events.push((
                    h.entered,
                    1,
                    self.s("ev_stage"),
                    self.stage_name(h.stage, &h.stage_id),
                    self.deal(&d.meta.id),
                ));
            }
            for a in d.activities.iter().filter(|a| as_of.happened(*a.date)) {
                events.push((
                    *a.date,
                    2,
                    self.label("activity", a.kind.as_str()),
                    self.text(a.note.as_deref().unwrap_or("")),
                    self.deal(&d.meta.id),
                ));
            }
            for v in d.visits.iter().filter(|v| as_of.happened(*v.date)) {
                let mut detail = Vec::new();
                if let Some(x) = v.satisfaction {
                    detail.push(format!("{} {}", self.s("satisfaction"), trim_number(x, 1)));
                }
                if v.upsell {
                    detail.push(self.s("upsell"));
                }
                if let Some(n) = &v.note {
                    detail.push(self.text(n));
                }
                events.push((
                    *v.date,
                    3,
                    self.s("ev_visit"),
                    detail.join(" · "),
                    self.deal(&d.meta.id),
                ));
            }
            for p in &d.payments {
                if let Some(r) = crate::metrics::asof::payment_received(p, as_of) {
                    events.push((
                        r,
                        4,
                        self.s("ev_payment"),
                        format!(
                            "{} {}",
                            self.label("payment", p.kind.as_str()),
                            self.amount(*p.amount)
                        ),
                        self.deal(&d.meta.id),
                    ));
                }
            }
            if let Some(closed) = dm.closed {
                let (event, detail) = match dm.status {
                    DealStatus::Lost => (
                        self.s("ev_lost"),
                        d.lost_reason
                            .as_deref()
                            .map_or(String::new(), |r| self.text(r)),
                    ),
                    _ => (
                        self.s("ev_won"),
                        d.amount
                            .as_ref()
                            .map_or(String::new(), |a| self.amount(**a)),
                    ),
                };
                events.push((closed, 5, event, detail, self.deal(&d.meta.id)));
            }
        }
        events.sort_by_key(|e| (e.0, e.1));
        let rows = events
            .into_iter()
            .map(|(date, _, event, detail, record)| {
                vec![txt(date.to_string()), txt(event), txt(detail), record]
            })
            .collect();
        table(
            self.s("customer_timeline"),
            ["date", "event", "detail", "record"]
                .iter()
                .map(|k| self.s(k))
                .collect(),
            rows,
        )
    }

    fn deals(&self) -> Result<(), BuildError> {
        let m = &self.book.metrics;
        let cases_of = self.cases_by_deal();
        let index = self
            .repo
            .deals
            .par_iter()
            .enumerate()
            .filter(|(_, d)| safe_id(&d.meta.id))
            .map(|(di, d)| -> Result<Vec<Cell>, BuildError> {
                let dm = &m.deals[di];
                let title = d.title.clone().unwrap_or_else(|| d.meta.id.clone());
                let row = vec![
                    self.deal(&d.meta.id),
                    self.customer(&d.customer),
                    self.owner(&d.owner),
                    txt(self.status(dm.status)),
                    txt(dm
                        .current()
                        .map_or(NULL.into(), |e| self.stage_name(e.stage, &e.stage_id))),
                    num(d.amount.as_ref().map_or(NULL.into(), |a| self.amount(**a))),
                ];
                if !self.wants(&format!("deals/{}/index.html", d.meta.id)) {
                    return Ok(row);
                }
                let mut info = vec![
                    (self.s("customer"), self.customer(&d.customer)),
                    (self.s("owner"), self.owner(&d.owner)),
                    (self.s("status"), txt(self.status(dm.status))),
                    (
                        self.s("amount"),
                        txt(d.amount.as_ref().map_or(NULL.into(), |a| self.amount(**a))),
                    ),
                    (
                        self.s("closed"),
                        txt(dm.closed.map_or(NULL.into(), |x| x.to_string())),
                    ),
                    (
                        self.s("cycle_days"),
                        txt(dm.cycle_days.map_or(NULL.into(), |x| x.to_string())),
                    ),
                ];
                if let Some(e) = d.expected_close {
                    info.push((self.s("expected_close"), txt(e.to_string())));
                }
                if let Some(r) = &d.lost_reason {
                    info.push((self.s("lost_reason"), txt(self.text(r))));
                }
                for (k, v) in &d.extra {
                    info.push((k.clone(), txt(extra_value(v))));
                }
                info.extend(self.last_changed(d.meta.file));
                // The stage timeline chart, above the stage table it draws.
                let timeline: Vec<Chart> =
                    super::charts::deal_timeline(self.book, &|k| self.s(k), di)
                        .into_iter()
                        .collect();
                let mut secs = vec![kv("", info)];
                if !timeline.is_empty() {
                    secs.push(charts_here(String::new()));
                }
                let rows = dm
                    .history
                    .iter()
                    .map(|h| {
                        let e = h.entry.and_then(|i| d.stages.get(i));
                        let mut days = num(h.days.to_string());
                        if h.ongoing {
                            days.t = format!("{} ({})", h.days, self.s("ongoing"));
                        }
                        vec![
                            txt(self.stage_name(h.stage, &h.stage_id)),
                            txt(h.entered.to_string()),
                            txt(h.end.to_string()),
                            days,
                            txt(e.map_or(String::new(), |e| self.text(&e.actions.join("、")))),
                            txt(e.map_or(String::new(), |e| self.text(&e.outputs.join("、")))),
                            e.and_then(|e| e.owner.as_ref())
                                .map_or_else(|| self.owner(&d.owner), |o| self.owner(o)),
                        ]
                    })
                    .collect();
                secs.push(table(
                    self.s("timeline"),
                    [
                        "stage", "entered", "end", "days", "actions", "outputs", "owner",
                    ]
                    .iter()
                    .map(|k| self.s(k))
                    .collect(),
                    rows,
                ));
                let rows = d
                    .activities
                    .iter()
                    .map(|a| {
                        vec![
                            txt(a.date.value.to_string()),
                            txt(self.label("activity", a.kind.as_str())),
                            txt(self.text(a.note.as_deref().unwrap_or(""))),
                        ]
                    })
                    .collect();
                secs.push(table(
                    self.s("activities"),
                    vec![self.s("date"), self.s("kind"), self.s("note")],
                    rows,
                ));
                let rows = d
                    .payments
                    .iter()
                    .map(|p| {
                        vec![
                            txt(self.label("payment", p.kind.as_str())),
                            num(self.amount(*p.amount)),
                            txt(p.due.value.to_string()),
                            txt(p
                                .received
                                .as_ref()
                                .map_or(NULL.into(), |r| r.value.to_string())),
                        ]
                    })
                    .collect();
                secs.push(table(
                    self.s("payments"),
                    vec![
                        self.s("kind"),
                        self.s("amount"),
                        self.s("due"),
                        self.s("received"),
                    ],
                    rows,
                ));
                if dm.overdue.iter().any(|_| true) {
                    secs.push(self.overdue_table(Some(di)));
                }
                let rows = d
                    .visits
                    .iter()
                    .map(|v| {
                        vec![
                            txt(v.date.value.to_string()),
                            num(v.satisfaction.map_or(NULL.into(), |x| trim_number(x, 1))),
                            txt(if v.upsell {
                                self.s("yes")
                            } else {
                                self.s("no")
                            }),
                            txt(self.text(v.note.as_deref().unwrap_or(""))),
                        ]
                    })
                    .collect();
                secs.push(table(
                    self.s("visits"),
                    vec![
                        self.s("date"),
                        self.s("satisfaction"),
                        self.s("upsell"),
                        self.s("note"),
                    ],
                    rows,
                ));
                secs.push(
                    self.cases_section(
                        cases_of
                            .get(d.meta.id.as_str())
                            .into_iter()
                            .flatten()
                            .copied(),
                    ),
                );
                self.page(
                    &format!("deals/{}/index.html", d.meta.id),
                    "deal.html",
                    "nav_deals",
                    title,
                    vec![link(self.s("nav_deals"), "@/deals/index.html")],
                    secs,
                    timeline,
                )?;
                Ok(row)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let headers: Vec<String> = ["deal", "customer", "owner", "status", "stage", "amount"]
            .iter()
            .map(|k| self.s(k))
            .collect();
        self.paged(
            &Paged {
                base: "deals",
                sub: "page",
                template: "deals.html",
                active: "nav_deals",
                title: self.s("nav_deals"),
                crumbs: vec![],
                table_title: String::new(),
                after: vec![],
                home: None,
            },
            &headers,
            &index,
        )
    }

    fn owners(&self) -> Result<(), BuildError> {
        let m = &self.book.metrics;
        let month = m.as_of.month();
        let mut index = Vec::new();
        let owners = self.repo.config().owners.clone();
        for o in &owners {
            if !safe_id(&o.id) {
                continue;
            }
            index.push(vec![
                self.owner(&o.id),
                txt(o.region.clone().unwrap_or_default()),
                txt(o.team.clone().unwrap_or_default()),
            ]);
            if !self.wants(&format!("owners/{}/index.html", o.id)) {
                continue;
            }
            let mut secs = vec![];
            if let Some(g) = m
                .breakdown(Dimension::Owner)
                .and_then(|b| b.groups.iter().find(|g| g.key.as_deref() == Some(&o.id)))
                && let Some(mk) = g.months.iter().find(|x| x.month == month)
            {
                let mut t = self.table4(mk);
                t.title = format!("{} {month}", self.s("scorecard"));
                secs.push(t);
            }
            if let Some(sla) = m.sla_by_owner.iter().find(|s| s.owner == o.id) {
                let rate = |r: Option<f64>| r.map_or(NULL.into(), percent);
                let fc = &sla.first_contact;
                secs.push(kv(
                    self.s("sla"),
                    vec![
                        (
                            self.s("first_contact"),
                            txt(format!(
                                "{} ({} {} · {} {} · {} {} · {} {})",
                                rate(fc.rate()),
                                self.s("met"),
                                fc.met,
                                self.s("late"),
                                fc.late,
                                self.s("missing"),
                                fc.missing,
                                self.s("pending"),
                                fc.pending
                            )),
                        ),
                        (self.s("nurture_ok"), txt(sla.nurture_ok.to_string())),
                        (
                            self.s("nurture_missed"),
                            txt(sla.nurture_missed.to_string()),
                        ),
                        (self.s("minutes"), txt(rate(sla.minutes.rate()))),
                    ],
                ));
            }
            secs.extend(self.timeliness(&o.id));
            let rows = self
                .repo
                .deals
                .iter()
                .zip(&m.deals)
                .filter(|(d, _)| d.owner.value == o.id)
                .map(|(d, dm)| {
                    vec![
                        self.deal(&d.meta.id),
                        self.customer(&d.customer),
                        txt(self.status(dm.status)),
                        num(d.amount.as_ref().map_or(NULL.into(), |a| self.amount(**a))),
                    ]
                })
                .collect();
            // Their deals and leads, each a link; at volume the first 20 here,
            // all of them on `owners/<id>/deals/` and `owners/<id>/leads/`.
            secs.extend(self.capped(
                &format!("owners/{}/deals", o.id),
                "nav_owners",
                format!("{} · {}", o.name, self.s("deals")),
                vec![
                    self.s("deal"),
                    self.s("customer"),
                    self.s("status"),
                    self.s("amount"),
                ],
                rows,
            )?);
            let mut leads: Vec<usize> = (0..self.repo.leads.len())
                .filter(|&i| m.leads[i].exists && self.repo.leads[i].owner.value == o.id)
                .collect();
            // Newest first, as the register lists them.
            leads.sort_by(|&a, &b| {
                let (a, b) = (&self.repo.leads[a], &self.repo.leads[b]);
                (b.acquired.value, &a.meta.id).cmp(&(a.acquired.value, &b.meta.id))
            });
            let rows = leads
                .into_iter()
                .map(|i| {
                    let (l, lm) = (&self.repo.leads[i], &m.leads[i]);
                    vec![
                        link(l.meta.id.clone(), self.lead_href(i)),
                        txt(l.acquired.value.to_string()),
                        txt(l.company.clone()),
                        txt(self.grade(lm.grade)),
                        txt(self.label("lead", l.status.as_str())),
                    ]
                })
                .collect();
            secs.extend(
                self.capped(
                    &format!("owners/{}/leads", o.id),
                    "nav_owners",
                    format!("{} · {}", o.name, self.s("nav_leads")),
                    ["id", "acquired", "company", "grade", "status"]
                        .iter()
                        .map(|k| self.s(k))
                        .collect(),
                    rows,
                )?,
            );
            self.page(
                &format!("owners/{}/index.html", o.id),
                "owner.html",
                "nav_owners",
                o.name.clone(),
                vec![link(self.s("nav_owners"), "@/owners/index.html")],
                secs,
                vec![],
            )?;
        }
        self.page(
            "owners/index.html",
            "owners.html",
            "nav_owners",
            self.s("nav_owners"),
            vec![],
            vec![
                self.leaderboard(&owners),
                table(
                    "",
                    vec![self.s("owner"), self.s("region"), self.s("team")],
                    index,
                ),
            ],
            vec![],
        )
    }

    /// The owners ranked by the as-of month's revenue, then deals won: the
    /// figures of their scorecards, side by side.
    fn leaderboard(&self, owners: &[crate::model::Owner]) -> Section {
        const KPIS: [&str; 5] = [
            "revenue",
            "deals_won",
            "win_rate",
            "new_leads",
            "lead_conversion_rate",
        ];
        let m = &self.book.metrics;
        let month = m.as_of.month();
        let team = &self.repo.config().team;
        let defs: Vec<&KpiDef> = KPIS.iter().filter_map(|k| kpi_def(k)).collect();
        let of = |id: &str| {
            m.breakdown(Dimension::Owner)
                .and_then(|b| b.groups.iter().find(|g| g.key.as_deref() == Some(id)))
                .and_then(|g| g.months.iter().find(|x| x.month == month))
        };
        let mut ranked: Vec<(&crate::model::Owner, Vec<Option<f64>>)> = owners
            .iter()
            .filter(|o| safe_id(&o.id))
            .map(|o| {
                let mk = of(&o.id);
                let values = KPIS
                    .iter()
                    .map(|k| mk.and_then(|mk| mk.get(k)).and_then(|v| v.actual))
                    .collect();
                (o, values)
            })
            .collect();
        // Highest revenue, then most deals won; an owner without figures last.
        let key = |v: &[Option<f64>]| (v[0].unwrap_or(f64::NEG_INFINITY), v[1].unwrap_or(-1.0));
        ranked.sort_by(|a, b| {
            key(&b.1)
                .partial_cmp(&key(&a.1))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let rows = ranked
            .iter()
            .enumerate()
            .map(|(i, (o, values))| {
                let mut row = vec![num((i + 1).to_string()), self.owner(&o.id)];
                row.extend(
                    defs.iter()
                        .zip(values)
                        .map(|(d, v)| num(kpi_value(d, *v, team))),
                );
                row
            })
            .collect();
        let mut headers = vec![self.s("rank"), self.s("owner")];
        headers.extend(defs.iter().map(|d| kpi_name(d, team)));
        table(format!("{} {month}", self.s("leaderboard")), headers, rows)
    }

    /// The page of each record file in `files`: only those are looked up
    /// (formatting every record's href costs more than the page).
    fn record_href(&self, files: &HashSet<FileId>) -> HashMap<FileId, String> {
        let mut h = HashMap::new();
        let r = self.repo;
        let mut add = |file: FileId, href: &dyn Fn() -> String| {
            if files.contains(&file) {
                h.insert(file, href());
            }
        };
        for (i, l) in r.leads.iter().enumerate() {
            add(l.meta.file, &|| self.lead_href(i));
        }
        for c in r.customers.iter().filter(|c| safe_id(&c.meta.id)) {
            add(c.meta.file, &|| {
                format!("@/customers/{}/index.html", encode(&c.meta.id))
            });
        }
        for d in r.deals.iter().filter(|d| safe_id(&d.meta.id)) {
            add(d.meta.file, &|| {
                format!("@/deals/{}/index.html", encode(&d.meta.id))
            });
        }
        for c in r.cases.iter().filter(|c| safe_id(&c.meta.id)) {
            add(c.meta.file, &|| {
                format!("@/cases/{}/index.html", encode(&c.meta.id))
            });
        }
        for m in &r.months {
            if let Some(ym) = m.month
                && self.book.metrics.months.contains(&ym)
            {
                add(m.meta.file, &|| Self::month_href(ym));
            }
        }
        h
    }

    /// The owner of each record file in `files`: lead, deal and customer
    /// owner, case author.
    fn record_owner(&self, files: &HashSet<FileId>) -> HashMap<FileId, &str> {
        let r = self.repo;
        let leads = r.leads.iter().map(|l| (l.meta.file, Some(&l.owner.value)));
        let customers = r
            .customers
            .iter()
            .map(|c| (c.meta.file, Some(&c.owner.value)));
        let deals = r.deals.iter().map(|d| (d.meta.file, Some(&d.owner.value)));
        let cases = r
            .cases
            .iter()
            .map(|c| (c.meta.file, c.author.as_ref().map(|a| &a.value)));
        leads
            .chain(customers)
            .chain(deals)
            .chain(cases)
            .filter(|(f, _)| files.contains(f))
            .filter_map(|(f, o)| Some((f, o?.as_str())))
            .collect()
    }

    fn quality(&self) -> Result<(), BuildError> {
        let files: HashSet<FileId> = self.book.diagnostics.0.iter().map(|d| d.file).collect();
        let hrefs = self.record_href(&files);
        let owners = self.record_owner(&files);
        let sources = &self.repo.sources;
        let mut by_code: BTreeMap<&str, Vec<Vec<Cell>>> = BTreeMap::new();
        // Configured owners in order, then other owner ids sorted, then records without one.
        let mut by_owner: BTreeMap<(usize, Option<&str>), Vec<Vec<Cell>>> = BTreeMap::new();
        let config = self.repo.config();
        for d in self
            .book
            .diagnostics
            .0
            .iter()
            .filter(|d| d.severity == Severity::Warning)
        {
            let f = sources.get(d.file);
            let (line, _) = f.line_col(d.span.start);
            let loc = format!("{}:{line}", f.rel_path);
            let loc = match hrefs.get(&d.file) {
                Some(h) => link(loc, h.clone()),
                None => txt(loc),
            };
            let msg = match &d.hint {
                Some(h) => format!("{} ({h})", d.message),
                None => d.message.clone(),
            };
            let msg = txt(self.text(&msg));
            let owner = owners.get(&d.file).copied();
            let rank = match owner {
                Some(o) => config
                    .owners
                    .iter()
                    .position(|c| c.id == o)
                    .unwrap_or(config.owners.len()),
                None => usize::MAX,
            };
            by_owner.entry((rank, owner)).or_default().push(vec![
                txt(d.code),
                loc.clone(),
                msg.clone(),
            ]);
            by_code.entry(d.code).or_default().push(vec![loc, msg]);
        }
        let mut secs = vec![stats(vec![(
            self.s("quality_count"),
            num(self.book.diagnostics.warnings().to_string()),
        )])];
        // Each rule and each owner: the first rows here, all on their own pages
        // (at volume the warnings run to tens of thousands).
        for (code, rows) in by_code {
            secs.extend(self.capped(
                &format!("quality/rules/{code}"),
                "nav_quality",
                format!("{} · {code}", self.s("quality_by_rule")),
                vec![self.s("file"), self.s("message")],
                rows,
            )?);
        }
        for ((_, owner), rows) in by_owner {
            let name = owner.map_or(NULL.into(), |o| config.owner_name(o));
            let folder = match owner.filter(|o| safe_id(o)) {
                Some(o) => format!("quality/owners/{o}"),
                None => "quality/unowned".to_string(),
            };
            let mut owned = self.capped(
                &folder,
                "nav_quality",
                format!("{} · {name}", self.s("quality_by_owner")),
                vec![self.s("rule"), self.s("file"), self.s("message")],
                rows,
            )?;
            if let Some(o) = owner.filter(|o| safe_id(o)) {
                owned[0].id = format!("owner-{}", encode(o));
            }
            secs.extend(owned);
        }
        self.page(
            "quality/index.html",
            "quality.html",
            "nav_quality",
            self.s("quality"),
            vec![],
            secs,
            vec![],
        )
    }

    fn data(&self) -> Result<(), BuildError> {
        let files = match self.only {
            // serve writes them after the pages (`write_exports`): pages first.
            Some(_) => crate::export::names(EXPORTS),
            None => {
                let files = write_exports(self.book, self.dir, self.opts)?;
                if let Ok(mut w) = self.written.lock() {
                    w.extend(files.iter().map(|f| format!("data/{f}")));
                }
                files
            }
        };
        let cells = files
            .iter()
            .map(|f| link(f.clone(), format!("@/data/{}", encode(f))))
            .collect();
        let mut sec = list(self.s("data_note"), cells);
        sec.title = self.s("data_note");
        self.page(
            "data/index.html",
            "data.html",
            "nav_data",
            self.s("data_exports"),
            vec![],
            vec![sec],
            vec![],
        )
    }

    fn case_industry(&self, c: &Case) -> String {
        c.industry.clone().unwrap_or_else(|| {
            c.deal
                .as_ref()
                .and_then(|d| self.book.index.deals.get(d.as_str()))
                .and_then(|&di| {
                    let cust = &self.repo.deals[di].customer;
                    self.book.index.customers.get(cust.as_str())
                })
                .map_or(NULL.into(), |&ci| self.repo.customers[ci].industry.clone())
        })
    }

    fn case_pages(&self, cases: &[&Case]) -> Result<(), BuildError> {
        let shared = self.anon.is_some();
        let tag_href = |t: &str| format!("@/cases/tags/{}/index.html", encode(t));
        // The shared site's paths are neutral (SPEC §6): a case's file stem often
        // spells its customer. Cases are numbered oldest first, so a new case
        // leaves the others' addresses as they were.
        let slugs: HashMap<&str, String> = if shared {
            let mut by_date: Vec<&Case> = cases.to_vec();
            by_date.sort_by(|a, b| (a.date.value, &a.meta.id).cmp(&(b.date.value, &b.meta.id)));
            by_date
                .iter()
                .enumerate()
                .map(|(i, c)| (c.meta.id.as_str(), (i + 1).to_string()))
                .collect()
        } else {
            cases
                .iter()
                .map(|c| (c.meta.id.as_str(), encode(&c.meta.id)))
                .collect()
        };
        let slug = |c: &Case| slugs[c.meta.id.as_str()].clone();
        // Tags are grouped as this audience reads them: in the shared site a
        // tag that names a customer becomes its label, and so does its path.
        let tag_key = |t: &str| if shared { self.text(t) } else { t.to_string() };
        let result = |r: CaseResult| match r {
            CaseResult::Success => "success",
            CaseResult::Failure => "failure",
        };
        // Each case's page, list row, search entry and feed entry, in parallel;
        // collected in the library's order.
        let one = |c: &&Case| -> Result<_, BuildError> {
            let title = self.text(&c.title);
            let slug = slug(c);
            let href = format!("@/cases/{slug}/index.html");
            let stage = c
                .stage
                .as_ref()
                .map_or(NULL.into(), |s| self.stage_by_id(s));
            // Free text, like the title: it may name the customer.
            let industry = self.text(&self.case_industry(c));
            let row = vec![
                Cell {
                    id: format!("case-{slug}"),
                    ..link(title.clone(), href.clone())
                },
                txt(c.date.value.to_string()),
                txt(self.s(result(c.result))),
                txt(industry.clone()),
                txt(stage.clone()),
                txt(c
                    .tags
                    .iter()
                    .map(|t| self.text(t))
                    .collect::<Vec<_>>()
                    .join("、")),
            ];
            let mut info = vec![
                (self.s("date"), txt(c.date.value.to_string())),
                (self.s("result"), txt(self.s(result(c.result)))),
                (self.s("industry"), txt(industry.clone())),
                (self.s("stage"), txt(stage.clone())),
            ];
            if let Some(d) = &c.deal {
                let cell = match (&self.anon, self.book.index.deals.get(d.as_str())) {
                    (Some(a), Some(&di)) => {
                        let deal = &self.repo.deals[di];
                        let amount = deal
                            .amount
                            .as_ref()
                            .map_or(String::new(), |x| format!(" · {}", self.amount(**x)));
                        txt(format!("{}{amount}", a.customer(&deal.customer)))
                    }
                    (Some(_), None) => txt(NULL),
                    (None, _) => self.deal(d),
                };
                info.push((self.s("deal"), cell));
            }
            if let Some(a) = &c.author
                && !shared
            {
                info.push((self.s("author"), self.owner(a)));
            }
            let tag_cells: Vec<Cell> = c
                .tags
                .iter()
                .map(|t| tag_key(t))
                .filter(|t| safe_id(t))
                .map(|t| link(self.text(&t), tag_href(&t)))
                .collect();
            info.extend(self.last_changed(c.meta.file));
            let mut secs = vec![kv("", info)];
            if !tag_cells.is_empty() {
                secs.push(list(self.s("tags"), tag_cells));
            }
            secs.push(list(
                self.s("lessons"),
                c.lessons.iter().map(|l| txt(self.text(l))).collect(),
            ));
            secs.push(list(
                self.s("improvements"),
                c.improvements.iter().map(|l| txt(self.text(l))).collect(),
            ));
            let body = if c.body.trim().is_empty() {
                String::new()
            } else {
                self.markdown(&c.body)
            };
            let search = search::Entry {
                slug: slug.clone(),
                title: title.clone(),
                date: c.date.value.to_string(),
                result: result(c.result),
                stage: c.stage.as_ref().map_or(String::new(), |s| s.value.clone()),
                tags: c.tags.iter().map(|t| self.text(t)).collect(),
                text: self.search_text(c, &title, &industry, &stage, &body),
                industry,
                stage_label: stage,
            };
            if !body.is_empty() {
                secs.push(md("", body));
            }
            let entry = serde_json::json!({
                "title": xml_chars(&title),
                "id": format!("urn:salesbook:case:{slug}"),
                "link": match &self.opts.base_url {
                    Some(b) => format!("{}/cases/{slug}/index.html", b.trim_end_matches('/')),
                    None => format!("{slug}/index.html"),
                },
                "updated": format!("{}T00:00:00Z", c.date.value),
                "summary": xml_chars(&c.lessons.iter().map(|l| self.text(l)).collect::<Vec<_>>().join("；")),
            });
            self.page(
                &format!("cases/{slug}/index.html"),
                "case.html",
                "nav_cases",
                title,
                vec![link(self.s("cases"), "@/cases/index.html")],
                secs,
                vec![],
            )?;
            Ok((row, search, entry))
        };
        let done = cases.par_iter().map(one).collect::<Result<Vec<_>, _>>()?;
        let mut tags: BTreeMap<String, Vec<Vec<Cell>>> = BTreeMap::new();
        let mut rows = Vec::with_capacity(done.len());
        let mut search = Vec::with_capacity(done.len());
        let mut entries = Vec::with_capacity(done.len());
        for (c, (row, s, e)) in cases.iter().zip(done) {
            // Two tags of a case may read the same to this audience: one row.
            let mut keys: Vec<String> = c.tags.iter().map(|t| tag_key(t)).collect();
            keys.sort();
            keys.dedup();
            for t in keys.into_iter().filter(|t| safe_id(t)) {
                tags.entry(t).or_default().push(row.clone());
            }
            rows.push(row);
            search.push(s);
            entries.push((c.date.value, e));
        }
        // The feed: the latest cases only (a reader polls it; the library lists all).
        entries.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| a.1["id"].as_str().cmp(&b.1["id"].as_str()))
        });
        let entries: Vec<serde_json::Value> = entries
            .into_iter()
            .take(FEED_ENTRIES)
            .map(|(_, e)| e)
            .collect();
        let headers: Vec<String> = ["case_title", "date", "result", "industry", "stage", "tags"]
            .iter()
            .map(|k| self.s(k))
            .collect();
        let mut tag_list: Vec<Cell> = tags
            .iter()
            .map(|(t, r)| link(format!("{} ({})", self.text(t), r.len()), tag_href(t)))
            .collect();
        tag_list.push(link(self.s("feed"), "@/cases/atom.xml"));
        // The tag pages, the library, its search index and its feed, side by side.
        let tag_pages = || {
            tags.into_par_iter().try_for_each(|(t, trows)| {
                // A tag of thousands of cases is a list in pages.
                self.paged(
                    &Paged {
                        base: &format!("cases/tags/{t}"),
                        sub: "page",
                        template: "tag.html",
                        active: "nav_cases",
                        title: format!("{} · {}", self.s("tags"), self.text(&t)),
                        crumbs: vec![link(self.s("cases"), "@/cases/index.html")],
                        table_title: String::new(),
                        after: vec![],
                        home: None,
                    },
                    &headers,
                    &trows,
                )
            })
        };
        let library = || {
            // In pages (the list as written works without JavaScript); the
            // shared site's home page is the library's first.
            self.paged(
                &Paged {
                    base: "cases",
                    sub: "page",
                    template: "cases.html",
                    active: "nav_cases",
                    title: self.s("cases"),
                    crumbs: vec![],
                    table_title: String::new(),
                    after: vec![list(self.s("tags"), tag_list.clone())],
                    home: shared.then_some("index.html"),
                },
                &headers,
                &rows,
            )
        };
        let search_index = || {
            let facets = self.search_facets(&search);
            search::files(&search, &facets)
                .into_par_iter()
                .try_for_each(|(rel, content)| self.write_bytes(&rel, content.as_bytes()))
        };
        let feed = || {
            let updated = cases
                .iter()
                .map(|c| c.date.value)
                .max()
                .unwrap_or(self.book.metrics.as_of.date);
            let mut ctx = tera::Context::new();
            ctx.insert("team", &xml_chars(&self.repo.config().team.name));
            ctx.insert("s", &self.theme.strings);
            ctx.insert("feed_id", "urn:salesbook:cases");
            ctx.insert("feed_link", "index.html");
            ctx.insert("updated", &format!("{updated}T00:00:00Z"));
            ctx.insert("entries", &entries);
            let xml = self
                .theme
                .tera
                .render("atom.xml", &ctx)
                .map_err(|e| BuildError::Theme(format!("rendering cases/atom.xml: {e}")))?;
            self.write_bytes("cases/atom.xml", xml.as_bytes())
        };
        let ((t, l), (i, f)) = rayon::join(
            || rayon::join(tag_pages, library),
            || rayon::join(search_index, feed),
        );
        t.and(l).and(i).and(f)
    }
}

fn extra_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Text for the Atom feed: without the characters XML 1.0 forbids even as
/// references (C0 controls but tab and line breaks, U+FFFE, U+FFFF), which
/// record text can hold (TOML `\u0001`) and which make the whole feed unreadable.
/// Tera escapes the markup characters.
fn xml_chars(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        })
        .collect()
}

impl Site<'_> {
    /// The searchable text of a case: title, industry, stage, tags, lessons,
    /// improvements and the body as the page shows it (its sanitised HTML reduced
    /// to text, so nothing the sanitiser dropped is indexed).
    fn search_text(
        &self,
        c: &Case,
        title: &str,
        industry: &str,
        stage: &str,
        body: &str,
    ) -> String {
        let mut parts = vec![title.to_string(), industry.to_string(), stage.to_string()];
        parts.extend(c.tags.iter().map(|t| self.text(t)));
        parts.extend(c.lessons.iter().map(|l| self.text(l)));
        parts.extend(c.improvements.iter().map(|l| self.text(l)));
        parts.push(search::html_text(body));
        search::norm(&parts.join("\n"))
    }

    /// The case library's filters: each value a case of this audience has, in
    /// the form's order (stages in pipeline order, success before failure).
    fn search_facets(&self, cases: &[search::Entry]) -> search::Facets {
        let mut industries = std::collections::BTreeSet::new();
        let mut tags = std::collections::BTreeSet::new();
        let mut stages: Vec<(Option<usize>, &str, &str)> = Vec::new();
        let mut results = Vec::new();
        for c in cases {
            if c.industry != NULL {
                industries.insert(c.industry.as_str());
            }
            tags.extend(c.tags.iter().map(String::as_str));
            if !c.stage.is_empty() && !stages.iter().any(|s| s.1 == c.stage) {
                let i = self.repo.config().stage_index(&c.stage);
                stages.push((i, &c.stage, &c.stage_label));
            }
            if !results.contains(&c.result) {
                results.push(c.result);
            }
        }
        stages.sort_by_key(|s| (s.0.is_none(), s.0, s.1));
        results.sort_by_key(|r| *r != "success");
        let same = |v: &str| search::Facet {
            value: v.to_string(),
            label: v.to_string(),
        };
        search::Facets {
            result: results
                .iter()
                .map(|r| search::Facet {
                    value: r.to_string(),
                    label: self.s(r),
                })
                .collect(),
            industry: industries.into_iter().map(same).collect(),
            stage: stages
                .iter()
                .map(|s| search::Facet {
                    value: s.1.to_string(),
                    label: s.2.to_string(),
                })
                .collect(),
            tag: tags.into_iter().map(same).collect(),
        }
    }
}

#[cfg(test)]
mod feed_tests {
    #[test]
    fn feed_text_has_only_xml_characters() {
        assert_eq!(
            super::xml_chars("a\u{1}b\tc\u{1b}[31m\u{FFFE}\u{2028}<d>"),
            "ab\tc[31m\u{2028}<d>"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::sort_key;

    #[test]
    fn sort_keys_are_the_numbers_the_figures_show() {
        for (text, key) in [
            ("45", "45"),
            ("+12.5", "12.5"),
            ("85.7%", "85.7"),
            ("-2个百分点", "-2"),
            ("-4.5 pp", "-4.5"),
            ("1,234", "1234"),
            ("0", "0"),
            ("—", "—"),
            ("", "—"),
            ("-", "—"),
        ] {
            assert_eq!(sort_key(text), key, "{text:?}");
        }
    }
}
