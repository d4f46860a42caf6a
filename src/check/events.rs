//! Events dated after the as-of date: kept, ignored by the metrics, reported.
//! Due dates, expected closes and plan dates may lie ahead and are not events.

use chrono::NaiveDate;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::metrics::asof::AsOf;
use crate::model::*;
use crate::source::{FileId, Span};

pub fn check(repo: &Repo, as_of: &AsOf, out: &mut Diagnostics) {
    let mut future = |file: FileId, what: &str, date: NaiveDate, span: &Span| {
        if !as_of.happened(date) {
            out.push(
                Diagnostic::warning(
                    "future-event",
                    file,
                    span.clone(),
                    format!("{what} {date} is after the as-of date {}", as_of.date),
                )
                .with_hint("the metrics ignore it until then; check the date, or pass --as-of"),
            );
        }
    };
    for l in &repo.leads {
        let f = l.meta.file;
        future(f, "`acquired`", *l.acquired, &l.acquired.span);
        for (what, s) in [
            ("`assigned`", &l.assigned),
            ("`first_contact`", &l.first_contact),
        ] {
            if let Some(s) = s {
                future(f, what, s.date, &s.span);
            }
        }
    }
    for d in &repo.deals {
        let f = d.meta.file;
        for e in &d.stages {
            future(f, "`entered`", *e.entered, &e.entered.span);
            if let Some(c) = &e.completed {
                future(f, "`completed`", **c, &c.span);
            }
        }
        if let Some(c) = &d.closed {
            future(f, "`closed`", **c, &c.span);
        }
        for a in &d.activities {
            future(f, "the activity on", *a.date, &a.date.span);
        }
        for v in &d.visits {
            future(f, "the visit on", *v.date, &v.date.span);
        }
        for p in &d.payments {
            if let Some(r) = &p.received {
                future(f, "payment `received`", **r, &r.span);
            }
        }
    }
}
