//! Timeliness from git (SPEC §1 "records are updated within 24 hours", §2.1
//! `sla.update_hours`): when each record file last changed and by whom, and the
//! entry lag of every dated event — the time from the event to the first commit
//! that holds its line. The rules are written out in docs/git.md.
//!
//! [`read`] runs `git rev-parse` and one `log -p` over the data folder and
//! parses the history once into a [`History`], cached in the git dir (only
//! the commits since the cached one are read again; src/git/cache.rs);
//! [`timeliness`] is a pure function of that history, the model and the as-of
//! date.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::metrics::AsOf;
use crate::model::{Repo, Stamp};
use crate::source::{FileId, SourceFile, Span};

mod cache;
mod revision;
pub use revision::{
    EntryKind, Revision, TreeEntry, blobs, data_commit, head, holds_data_folder,
    last_commit_before, prefix, resolve, spec_date, tree, uncommitted,
};

/// One commit of the data folder's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commit {
    /// Committer time, seconds since the epoch: when the commit was made
    /// (an amended or rebased commit has its new time).
    pub time: i64,
    /// Author name.
    pub author: String,
}

impl Commit {
    pub fn instant(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.time, 0).unwrap_or_default()
    }
}

#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
struct FileHistory {
    /// The last commit (in history order) that touched the file.
    last: Option<u32>,
    /// Per trimmed line text (only lines holding a date): the commits that
    /// added an occurrence of it, earliest first.
    lines: HashMap<String, Vec<u32>>,
}

/// The parsed history of a data folder, paths relative to the data folder.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub commits: Vec<Commit>,
    files: HashMap<String, FileHistory>,
}

impl History {
    /// The earliest commit time that touched the data folder: adoption.
    pub fn adopted(&self) -> Option<i64> {
        self.commits.iter().map(|c| c.time).min()
    }

    /// The last commit that touched `rel` (a path relative to the data folder).
    pub fn last_change(&self, rel: &str) -> Option<&Commit> {
        let i = self.files.get(rel)?.last?;
        self.commits.get(i as usize)
    }

    /// Whether every commit index points into `commits` (and each line's
    /// commits are in time order): a cache file edited by hand that is not is
    /// ignored rather than indexed out of bounds.
    fn is_consistent(&self) -> bool {
        let n = self.commits.len();
        self.files.values().all(|f| {
            f.last.is_none_or(|i| (i as usize) < n)
                && f.lines.values().all(|v| {
                    v.iter().all(|&i| (i as usize) < n)
                        && v.is_sorted_by_key(|&i| self.commits[i as usize].time)
                })
        })
    }

    /// The commits that added each occurrence of a (trimmed) line, earliest first.
    fn adds(&self, rel: &str, text: &str) -> &[u32] {
        self.files
            .get(rel)
            .and_then(|f| f.lines.get(text))
            .map_or(&[], Vec::as_slice)
    }
}

/// Whether a line can hold a dated value: it contains `dddd-dd-dd`. Only such
/// lines are kept from the history, which keeps the parse small.
pub fn has_date(line: &str) -> bool {
    let b = line.as_bytes();
    b.windows(10).any(|w| {
        w[4] == b'-'
            && w[7] == b'-'
            && [0, 1, 2, 3, 5, 6, 8, 9]
                .iter()
                .all(|&i| w[i].is_ascii_digit())
    })
}

/// `git`, run so that a repository's own configuration cannot make it run a
/// program: a hostile `.git/config` (a cloned contributor's repository) may
/// name an fsmonitor hook, a signature program or hooks, and salesbook only
/// reads. No optional locks: reading never writes the index.
pub(crate) const SAFE_CONFIG: &[&str] = &[
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "log.showSignature=false",
    "-c",
    "gpg.program=false",
    "-c",
    "core.pager=cat",
    "--no-optional-locks",
];

fn git(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.args(SAFE_CONFIG);
    cmd.current_dir(dir)
        // Inside a hook these point at the hook's repository and index; the
        // data folder finds its own repository.
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null());
    cmd
}

/// Reads the history of the data folder `dir`. `Err` is the note to show when
/// there is none to read: not a repository, no `git`, a shallow clone.
pub fn read(dir: &Path) -> Result<History, String> {
    read_to(dir, None)
}

/// Reads the history of the data folder up to commit `rev` (HEAD when `None`):
/// lags as they were known at that commit.
///
/// The parsed history is cached in the repository's git dir (docs/git.md
/// "The history cache"): a cache at the same commit is used as it is, one at
/// an ancestor is continued with the newer commits only. Only a read of HEAD
/// writes the cache, so `--at REV` leaves the repository untouched.
pub fn read_to(dir: &Path, rev: Option<&str>) -> Result<History, String> {
    let out = git(dir)
        .args([
            "rev-parse",
            "--is-shallow-repository",
            "--show-prefix",
            "--git-path",
            "salesbook",
        ])
        .stderr(Stdio::null())
        .output()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                "git not found: entry lags and last changes are skipped".to_string()
            }
            _ => format!("cannot run git ({e}): entry lags and last changes are skipped"),
        })?;
    if !out.status.success() {
        return Err(
            "the data folder is not in a git repository: entry lags and last changes are skipped"
                .into(),
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    if lines.next() == Some("true") {
        return Err("shallow clone: entry lags and last changes are skipped (fetch the full history, e.g. `git fetch --unshallow`)".into());
    }
    let prefix = lines.next().unwrap_or("").to_string();
    let store = lines
        .next()
        .filter(|p| !p.is_empty())
        .map(|p| cache::Store::new(&dir.join(p), &prefix));
    // A repository without commits yet has no commit to key a cache by:
    // `git log` says so below.
    let (Some(store), Some(target)) = (store, cache::commit_of(dir, rev.unwrap_or("HEAD"))) else {
        return log(dir, rev, History::default(), &prefix);
    };
    let mut start = History::default();
    let mut range = target.clone();
    if let Some((at, cached)) = store.load() {
        if at == target {
            return Ok(cached);
        }
        if cache::extends(dir, &at, &target) {
            start = cached;
            range = format!("{at}..{target}");
        }
    }
    let history = log(dir, Some(&range), start, &prefix)?;
    if rev.is_none() {
        store.save(&target, &history);
    }
    Ok(history)
}

/// Runs `git log -p` over `range` (HEAD when `None`) and parses it onto `start`.
fn log(dir: &Path, range: Option<&str>, start: History, prefix: &str) -> Result<History, String> {
    let mut child = git(dir)
        .args([
            "-c",
            "core.quotePath=false",
            "log",
            "--reverse",
            "--no-merges",
            "--no-renames",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            "--no-relative",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "--format=%x01%ct%x09%an",
            "-p",
            "--unified=0",
        ])
        .args(range)
        .args(["--", "."])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git ({e}): entry lags and last changes are skipped"))?;
    let history = match child.stdout.take() {
        Some(stdout) => parse_onto(start, BufReader::with_capacity(1 << 16, stdout), prefix),
        None => start,
    };
    let out = child
        .wait_with_output()
        .map_err(|e| format!("git log failed ({e}): entry lags and last changes are skipped"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        // A repository without commits yet: nothing is recorded.
        if err.contains("does not have any commits") || err.contains("bad default revision") {
            return Ok(History::default());
        }
        return Err(format!(
            "git log failed ({}): entry lags and last changes are skipped",
            err.lines().next().unwrap_or("").trim()
        ));
    }
    Ok(history)
}

/// Unquotes a C-style quoted path as git writes it (`"a/x\"y"`); returns the
/// path and the rest of the line.
fn unquote(s: &str) -> Option<(String, &str)> {
    let b = s.as_bytes();
    if b.first() != Some(&b'"') {
        return None;
    }
    let mut out = Vec::new();
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'"' => return Some((String::from_utf8_lossy(&out).into_owned(), &s[i + 1..])),
            b'\\' if i + 1 < b.len() => {
                i += 1;
                match b[i] {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'a' => out.push(7),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'v' => out.push(11),
                    d @ b'0'..=b'7' => {
                        let mut v = u32::from(d - b'0');
                        for _ in 0..2 {
                            if i + 1 < b.len() && (b'0'..=b'7').contains(&b[i + 1]) {
                                i += 1;
                                v = v * 8 + u32::from(b[i] - b'0');
                            }
                        }
                        out.push(v as u8);
                    }
                    c => out.push(c),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    None
}

/// The path of a `diff --git a/P b/P` header (renames are off: both are P).
fn diff_path(rest: &str) -> Option<String> {
    if rest.starts_with('"') {
        let (a, _) = unquote(rest)?;
        return a.strip_prefix("a/").map(str::to_string);
    }
    // "a/P b/P": P is half of what remains after the prefixes.
    let n = rest.len().checked_sub(5)?;
    if n % 2 != 0 {
        return None;
    }
    let p = rest.get(2..2 + n / 2)?;
    (rest.get(2 + n / 2..2 + n / 2 + 3) == Some(" b/")).then(|| p.to_string())
}

/// `@@ -a[,b] +c[,d] @@` → (b, d).
fn hunk_counts(line: &str) -> Option<(usize, usize)> {
    let mut parts = line.split(' ');
    parts.next()?; // @@
    let count = |s: &str| -> Option<usize> {
        match s.split_once(',') {
            Some((_, n)) => n.parse().ok(),
            None => Some(1),
        }
    };
    let minus = count(parts.next()?.strip_prefix('-')?)?;
    let plus = count(parts.next()?.strip_prefix('+')?)?;
    Some((minus, plus))
}

/// The changes of one commit, applied when the commit is complete.
#[derive(Default)]
struct Pending {
    removed: Vec<(String, String)>,
    added: Vec<(String, String)>,
}

struct Parser {
    prefix: String,
    h: History,
    commit: Option<u32>,
    path: Option<String>,
    minus: usize,
    plus: usize,
    pending: Pending,
}

impl Parser {
    fn finish_commit(&mut self) {
        let Some(c) = self.commit else { return };
        let p = std::mem::take(&mut self.pending);
        // A line removed from one file and added to another in the same commit
        // (a moved or renamed file) keeps its first commit.
        let mut removed: HashMap<&str, Vec<&str>> = HashMap::new();
        for (path, text) in &p.removed {
            removed.entry(text).or_default().push(path);
        }
        let mut consumed: HashMap<(&str, &str), usize> = HashMap::new();
        let mut adds: Vec<(&str, &str, u32)> = Vec::new();
        for (path, text) in &p.added {
            let from = removed.get_mut(text.as_str()).and_then(|v| v.pop());
            let commit = match from {
                // Moved within the file: the occurrence already counts.
                Some(q) if q == path => continue,
                Some(q) => {
                    let k = consumed.entry((q, text)).or_insert(0);
                    let carried = self.h.adds(q, text).get(*k).copied();
                    *k += 1;
                    carried.unwrap_or(c)
                }
                None => c,
            };
            adds.push((path, text, commit));
        }
        for (path, text, commit) in adds {
            let time = self.h.commits[commit as usize].time;
            let list = self
                .h
                .files
                .entry(path.to_string())
                .or_default()
                .lines
                .entry(text.to_string())
                .or_default();
            let commits = &self.h.commits;
            let at = list.partition_point(|&i| commits[i as usize].time <= time);
            list.insert(at, commit);
        }
    }

    fn line(&mut self, line: &str) {
        if self.minus > 0 || self.plus > 0 {
            if let Some(path) = &self.path {
                if let Some(t) = line.strip_prefix('-').filter(|_| self.minus > 0) {
                    self.minus -= 1;
                    if has_date(t) {
                        self.pending
                            .removed
                            .push((path.clone(), t.trim().to_string()));
                    }
                    return;
                }
                if let Some(t) = line.strip_prefix('+').filter(|_| self.plus > 0) {
                    self.plus -= 1;
                    if has_date(t) {
                        self.pending
                            .added
                            .push((path.clone(), t.trim().to_string()));
                    }
                    return;
                }
            }
            if line.starts_with('\\') {
                return; // "\ No newline at end of file"
            }
            self.minus = 0;
            self.plus = 0;
        }
        if let Some(rest) = line.strip_prefix('\x01') {
            self.finish_commit();
            let (time, author) = rest.split_once('\t').unwrap_or((rest, ""));
            self.h.commits.push(Commit {
                time: time.trim().parse().unwrap_or(0),
                author: author.to_string(),
            });
            self.commit = Some(self.h.commits.len() as u32 - 1);
            self.path = None;
        } else if let Some(rest) = line.strip_prefix("diff --git ") {
            self.path = diff_path(rest)
                .and_then(|p| p.strip_prefix(self.prefix.as_str()).map(str::to_string));
            if let (Some(path), Some(c)) = (&self.path, self.commit) {
                self.h.files.entry(path.clone()).or_default().last = Some(c);
            }
        } else if line.starts_with("@@ ")
            && let Some((m, p)) = hunk_counts(line)
        {
            self.minus = m;
            self.plus = p;
        }
    }
}

/// Parses `git log --format=%x01%ct%x09%an -p --unified=0` output. Paths are
/// relative to the repository root; `prefix` (the data folder's, from
/// `git rev-parse --show-prefix`) is stripped from them.
pub fn parse(input: impl BufRead, prefix: &str) -> History {
    parse_onto(History::default(), input, prefix)
}

/// Continues `history` with the commits of `input`, which must be the commits
/// that follow it (`git log A..C` after the history up to A): the result is
/// the same as parsing the whole log at once.
pub fn parse_onto(history: History, mut input: impl BufRead, prefix: &str) -> History {
    let mut p = Parser {
        prefix: prefix.to_string(),
        h: history,
        commit: None,
        path: None,
        minus: 0,
        plus: 0,
        pending: Pending::default(),
    };
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        if buf.last() == Some(&b'\n') {
            buf.pop();
        }
        p.line(&String::from_utf8_lossy(&buf));
    }
    p.finish_commit();
    p.h
}

// ---------------------------------------------------------------------------
// Entry lags: pure functions of the history and the model.

/// What kind of dated event a lag is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    FirstContact,
    StageEntered,
    Activity,
    Visit,
    PaymentReceived,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::FirstContact => "first contact",
            EventKind::StageEntered => "stage entry",
            EventKind::Activity => "activity",
            EventKind::Visit => "visit",
            EventKind::PaymentReceived => "payment received",
        }
    }
}

/// Whether and when an event's line was committed.
#[derive(Debug, Clone, PartialEq)]
pub enum LagStatus {
    /// Committed: the first commit holding the line, the lag in hours (never
    /// negative) and whether it is over `sla.update_hours`.
    Recorded {
        commit: usize,
        hours: f64,
        late: bool,
    },
    /// Dated before the first commit of the data folder: recorded at adoption.
    Backfilled,
    /// The line is in no commit yet: not yet recorded.
    Uncommitted,
}

/// One dated event and its entry lag.
#[derive(Debug, Clone, PartialEq)]
pub struct EventLag {
    pub file: FileId,
    /// The event's value.
    pub span: Span,
    pub kind: EventKind,
    /// Owner id it counts for.
    pub owner: String,
    /// The value as written: a date, or a date-time's instant ([`EventLag::shown`]).
    pub value: Shown,
    /// When it happened: a date-time's instant, or the end of a date in the team's zone.
    pub at: DateTime<Utc>,
    pub status: LagStatus,
}

/// An event's value: formatted only for the few events a message shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shown {
    Date(NaiveDate),
    Instant(DateTime<Utc>),
}

impl EventLag {
    /// The value as the team reads it: a date, or a local date-time.
    pub fn shown(&self, tz: Tz) -> String {
        match self.value {
            Shown::Date(d) => d.to_string(),
            Shown::Instant(t) => local_minute(t, tz),
        }
    }
}

/// Entry lags of one owner.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OwnerLag {
    pub owner: String,
    /// Committed events not backfilled.
    pub recorded: usize,
    /// Of those, over `sla.update_hours`.
    pub late: usize,
    /// Median lag of the recorded events, hours; `None` when there are none.
    pub median_hours: Option<f64>,
    /// Events whose line is in no commit yet.
    pub uncommitted: usize,
    pub backfilled: usize,
}

impl OwnerLag {
    /// late ÷ recorded; `None` when nothing is recorded.
    pub fn late_share(&self) -> Option<f64> {
        (self.recorded > 0).then(|| self.late as f64 / self.recorded as f64)
    }
}

/// Everything the checker and the site read from git.
#[derive(Debug, Default)]
pub struct Timeliness {
    pub history: History,
    /// `sla.update_hours`.
    pub limit_hours: f64,
    /// Every dated event that has happened by the as-of date, in model order.
    pub events: Vec<EventLag>,
    /// Configured owners in order, then other owner ids seen, sorted.
    pub by_owner: Vec<OwnerLag>,
}

impl Timeliness {
    /// The last commit that touched a record's file.
    pub fn last_change(&self, file: &SourceFile) -> Option<&Commit> {
        self.history.last_change(&file.rel_path)
    }
    pub fn commit(&self, i: usize) -> Option<&Commit> {
        self.history.commits.get(i)
    }
}

/// The end of a date in the team's zone (the first instant of the next day).
pub fn end_of_day(d: NaiveDate, tz: Tz) -> DateTime<Utc> {
    AsOf::new(d, tz).end
}

/// A local "YYYY-MM-DD HH:MM" of an instant.
pub fn local_minute(t: DateTime<Utc>, tz: Tz) -> String {
    tz.from_utc_datetime(&t.naive_utc())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

struct Raw<'a> {
    file: FileId,
    span: Span,
    kind: EventKind,
    owner: &'a str,
    value: Shown,
    at: DateTime<Utc>,
}

/// The lags of every dated event of `repo` that has happened by `as_of`.
pub fn timeliness(history: History, repo: &Repo, as_of: &AsOf) -> Timeliness {
    let config = repo.config();
    let tz = config.team.timezone;
    let limit = config.sla.update_hours;
    let mut raw: Vec<Raw> = Vec::new();
    // Events share few days: each day's end is converted from the zone once.
    let mut ends: HashMap<NaiveDate, DateTime<Utc>> = HashMap::new();
    let mut date_ev = |file, span: &Span, d: NaiveDate, kind, owner| Raw {
        file,
        span: span.clone(),
        kind,
        owner,
        value: Shown::Date(d),
        at: *ends.entry(d).or_insert_with(|| end_of_day(d, tz)),
    };
    for l in &repo.leads {
        if let Some(fc) = &l.first_contact
            && as_of.happened_at(fc)
        {
            let Stamp { instant, .. } = fc.value;
            raw.push(Raw {
                file: l.meta.file,
                span: fc.span.clone(),
                kind: EventKind::FirstContact,
                owner: &l.owner.value,
                value: Shown::Instant(instant),
                at: instant,
            });
        }
    }
    for d in &repo.deals {
        let f = d.meta.file;
        let owner = d.owner.value.as_str();
        for e in &d.stages {
            if as_of.happened(e.entered.value) {
                let o = e.owner.as_ref().map_or(owner, |o| o.value.as_str());
                raw.push(date_ev(
                    f,
                    &e.entered.span,
                    e.entered.value,
                    EventKind::StageEntered,
                    o,
                ));
            }
        }
        for a in d.activities.iter().filter(|a| as_of.happened(a.date.value)) {
            raw.push(date_ev(
                f,
                &a.date.span,
                a.date.value,
                EventKind::Activity,
                owner,
            ));
        }
        for v in d.visits.iter().filter(|v| as_of.happened(v.date.value)) {
            raw.push(date_ev(
                f,
                &v.date.span,
                v.date.value,
                EventKind::Visit,
                owner,
            ));
        }
        for p in &d.payments {
            if let Some(r) = p.received.as_ref().filter(|r| as_of.happened(r.value)) {
                raw.push(date_ev(
                    f,
                    &r.span,
                    r.value,
                    EventKind::PaymentReceived,
                    owner,
                ));
            }
        }
    }

    // Which occurrence of its text each event's line is, per file: the k-th
    // occurrence takes the k-th earliest commit that added that text.
    let mut occurrence: HashMap<(FileId, usize), (&str, usize)> = HashMap::new();
    // (Without any committed file no line was added by a commit.)
    let mut files: Vec<FileId> = if history.files.is_empty() {
        Vec::new()
    } else {
        raw.iter().map(|r| r.file).collect()
    };
    files.sort();
    files.dedup();
    for file in files {
        let text = &repo.sources.get(file).text;
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut start = 0;
        for line in text.split_inclusive('\n') {
            let t = line.trim();
            if has_date(t) {
                let k = seen.entry(t).or_insert(0);
                occurrence.insert((file, start), (t, *k));
                *k += 1;
            }
            start += line.len();
        }
    }

    let adopted = history.adopted();
    let mut events = Vec::with_capacity(raw.len());
    for r in raw {
        let source = repo.sources.get(r.file);
        let line = source.line_range(r.span.start);
        let commit = occurrence
            .get(&(r.file, line.start))
            .and_then(|(t, k)| history.adds(&source.rel_path, t).get(*k).copied());
        let status = match commit {
            None => LagStatus::Uncommitted,
            Some(_) if adopted.is_some_and(|a| r.at.timestamp() <= a) => LagStatus::Backfilled,
            Some(c) => {
                let t = history.commits[c as usize].time;
                let hours = ((t - r.at.timestamp()) as f64 / 3600.0).max(0.0);
                LagStatus::Recorded {
                    commit: c as usize,
                    hours,
                    late: hours > limit,
                }
            }
        };
        events.push(EventLag {
            file: r.file,
            span: r.span,
            kind: r.kind,
            owner: r.owner.to_string(),
            value: r.value,
            at: r.at,
            status,
        });
    }

    let mut map: BTreeMap<&str, (OwnerLag, Vec<f64>)> = BTreeMap::new();
    for e in &events {
        let (o, lags) = map.entry(&e.owner).or_insert_with(|| {
            (
                OwnerLag {
                    owner: e.owner.clone(),
                    ..OwnerLag::default()
                },
                Vec::new(),
            )
        });
        match &e.status {
            LagStatus::Recorded { hours, late, .. } => {
                o.recorded += 1;
                o.late += usize::from(*late);
                lags.push(*hours);
            }
            LagStatus::Backfilled => o.backfilled += 1,
            LagStatus::Uncommitted => o.uncommitted += 1,
        }
    }
    let configured: Vec<&str> = config.owners.iter().map(|o| o.id.as_str()).collect();
    let rest: Vec<String> = map
        .keys()
        .filter(|k| !configured.contains(k))
        .map(|k| k.to_string())
        .collect();
    let mut finish = |id: &str| -> OwnerLag {
        match map.remove(id) {
            Some((mut o, lags)) => {
                o.median_hours = median(lags);
                o
            }
            None => OwnerLag {
                owner: id.to_string(),
                ..OwnerLag::default()
            },
        }
    };
    let mut by_owner: Vec<OwnerLag> = configured.iter().map(|o| finish(o)).collect();
    by_owner.extend(rest.iter().map(|k| finish(k)));
    Timeliness {
        history,
        limit_hours: limit,
        events,
        by_owner,
    }
}

/// The median; `None` for no values.
pub fn median(mut v: Vec<f64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// A lag for reading: hours under two days, else days.
pub fn lag_text(hours: f64) -> String {
    if hours < 48.0 {
        format!("{hours:.1} h")
    } else {
        format!("{:.1} days", hours / 24.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "\x011697000000\t李四
diff --git a/data/deals/x.toml b/data/deals/x.toml
new file mode 100644
index 0000000..1111111
--- /dev/null
+++ b/data/deals/x.toml
@@ -0,0 +1,4 @@
+customer = \"a\"
+[[activities]]
+date = 2023-10-10
+date = 2023-10-10
\x011697100000\t王五
diff --git a/data/deals/x.toml b/data/deals/x.toml
index 1111111..2222222 100644
--- a/data/deals/x.toml
+++ b/data/deals/x.toml
@@ -4 +4,2 @@
-date = 2023-10-10
+date = 2023-10-10
+date = 2023-10-12
\\ No newline at end of file
diff --git \"a/data/leads/\\\"q\\\".toml\" \"b/data/leads/\\\"q\\\".toml\"
new file mode 100644
--- /dev/null
+++ \"b/data/leads/\\\"q\\\".toml\"
@@ -0,0 +1 @@
+first_contact = 2023-10-08T15:30:00
\x011697200000\t张三
diff --git a/data/deals/x.toml b/data/deals/x.toml
deleted file mode 100644
--- a/data/deals/x.toml
+++ /dev/null
@@ -1,5 +0,0 @@
-customer = \"a\"
-[[activities]]
-date = 2023-10-10
-date = 2023-10-10
-date = 2023-10-12
diff --git a/data/deals/2023/x.toml b/data/deals/2023/x.toml
new file mode 100644
--- /dev/null
+++ b/data/deals/2023/x.toml
@@ -0,0 +1,3 @@
+date = 2023-10-10
+date = 2023-10-12
+date = 2023-10-13
";

    #[test]
    fn parses_adds_moves_and_quoted_paths() {
        let h = parse(LOG.as_bytes(), "data/");
        assert_eq!(h.commits.len(), 3);
        assert_eq!(h.adopted(), Some(1697000000));
        assert_eq!(h.last_change("deals/x.toml").unwrap().author, "张三");
        assert_eq!(h.last_change("leads/\"q\".toml").unwrap().author, "王五");
        // Two occurrences added by the first commit; the re-added line moved in place.
        assert_eq!(h.adds("deals/x.toml", "date = 2023-10-10"), &[0, 0]);
        assert_eq!(h.adds("deals/x.toml", "date = 2023-10-12"), &[1]);
        assert_eq!(h.adds("deals/x.toml", "customer = \"a\""), &[] as &[u32]);
        // Moved to a sub-folder: the lines keep their first commits.
        assert_eq!(h.adds("deals/2023/x.toml", "date = 2023-10-10"), &[0]);
        assert_eq!(h.adds("deals/2023/x.toml", "date = 2023-10-12"), &[1]);
        assert_eq!(h.adds("deals/2023/x.toml", "date = 2023-10-13"), &[2]);
        assert_eq!(
            h.adds("leads/\"q\".toml", "first_contact = 2023-10-08T15:30:00"),
            &[1]
        );
    }

    #[test]
    fn continuing_a_parsed_history_equals_parsing_it_whole() {
        let whole = parse(LOG.as_bytes(), "data/");
        // Split before each commit: the cached history up to it, then the rest
        // (the third commit moves lines the first two added).
        for (at, _) in LOG.match_indices('\x01').skip(1) {
            let (first, rest) = LOG.split_at(at);
            let head = parse(first.as_bytes(), "data/");
            assert!(head.commits.len() < whole.commits.len());
            assert_eq!(parse_onto(head, rest.as_bytes(), "data/"), whole);
        }
        // The cache's round trip keeps everything the lags are computed from.
        let json = serde_json::to_vec(&whole).unwrap();
        assert_eq!(serde_json::from_slice::<History>(&json).unwrap(), whole);
        assert!(whole.is_consistent());
        // A commit index past the commits (a hand-edited cache) is refused.
        let mut broken = parse(LOG.as_bytes(), "data/");
        broken.commits.pop();
        assert!(!broken.is_consistent());
    }

    #[test]
    fn helpers() {
        assert!(has_date("date = 2023-10-10"));
        assert!(!has_date("date = 2023-1-10"));
        assert_eq!(
            diff_path("a/x y.toml b/x y.toml").as_deref(),
            Some("x y.toml")
        );
        assert_eq!(hunk_counts("@@ -4 +4,2 @@"), Some((1, 2)));
        assert_eq!(hunk_counts("@@ -0,0 +1 @@ x"), Some((0, 1)));
        assert_eq!(median(vec![3.0, 1.0, 2.0, 10.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
        assert_eq!(lag_text(30.0), "30.0 h");
        assert_eq!(lag_text(72.0), "3.0 days");
    }
}
