//! Entry lags (SPEC §1 "records are updated within 24 hours", §2.1
//! `sla.update_hours`): the time from each dated event to the first commit that
//! holds its line, a pure function of the git history, the model and the as-of
//! date (docs/git.md). `check/timeliness.rs` turns them into warnings.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::git::{Commit, History, has_date, local_minute};
use crate::metrics::AsOf;
use crate::model::{Repo, Stamp, end_of_day};
use crate::source::{FileId, SourceFile, Span};

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
    let mut files: Vec<FileId> = if history.has_no_files() {
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

    #[test]
    fn helpers() {
        assert_eq!(median(vec![3.0, 1.0, 2.0, 10.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
        assert_eq!(lag_text(30.0), "30.0 h");
        assert_eq!(lag_text(72.0), "3.0 days");
    }
}
