//! Warnings that are metric facts — SLA misses, grade differences, stale deals,
//! overdue payments — and month assertions. The figures come from `metrics`;
//! this only says where they point and how to word them. The SLA rules are
//! process rules: history from before `[process] since` is not held to them.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::format::{percent, plain as fmt_num, trim_number};
use crate::git::local_minute;
use crate::metrics::kpi::{self, Contribution, Contributors};
use crate::metrics::{KpiDef, Metrics, SlaOutcome, SlaStatus, Unit};
use crate::model::{Assertion, Index, Repo, YearMonth};
use crate::source::FileId;

fn sla_text(o: &SlaOutcome, what: &str) -> String {
    match o.status {
        SlaStatus::Late => format!(
            "{what} {:.1} h after, over the {} h SLA",
            o.hours,
            fmt_num(o.limit_hours)
        ),
        _ => format!(
            "no {what} yet, {:.1} h after, over the {} h SLA",
            o.hours,
            fmt_num(o.limit_hours)
        ),
    }
}

pub fn check(repo: &Repo, index: &Index, metrics: &Metrics, out: &mut Diagnostics) {
    let tz = repo.config().team.timezone;
    for (lead, m) in repo.leads.iter().zip(&metrics.leads) {
        let file = lead.meta.file;
        let history = repo.is_history_lead(lead);
        if let (Some(o), Some(assigned), false) = (&m.first_contact, &lead.assigned, history)
            && o.status.is_miss()
        {
            let span = lead
                .first_contact
                .as_ref()
                .map_or(assigned.span.clone(), |f| f.span.clone());
            out.push(
                Diagnostic::warning(
                    "sla-first-contact",
                    file,
                    span,
                    format!(
                        "first contact missed the SLA: {}",
                        sla_text(o, "first contact")
                    ),
                )
                .with_hint(
                    "a newly assigned lead gets its first contact within sla.first_contact_hours",
                ),
            );
        }
        if let (Some(assigned), Some(contact), false) =
            (&lead.assigned, &lead.first_contact, history)
            && contact.instant < assigned.instant
        {
            // Counted as met by the SLA (docs/metrics.md); one of the two dates is wrong.
            out.push(
                Diagnostic::warning(
                    "contact-before-assignment",
                    file,
                    contact.span.clone(),
                    format!(
                        "first contact {} is dated before the assignment {}",
                        local_minute(contact.instant, tz),
                        local_minute(assigned.instant, tz)
                    ),
                )
                .with_hint("`first_contact` is the first call or mail after `assigned`: check both date-times"),
            );
        }
        if let (true, Some(grade)) = (m.grade_differs, &lead.grade) {
            out.push(
                Diagnostic::warning(
                    "grade-mismatch",
                    file,
                    grade.span.clone(),
                    format!("manual grade `{}` differs from the grading rules, which give `{}`", grade.as_str(), m.rule_grade.as_str()),
                )
                .with_hint("check the lead's annual_revenue, budget_confirmed and match, or remove the manual grade"),
            );
        }
    }
    for (deal, m) in repo.deals.iter().zip(&metrics.deals) {
        let file = deal.meta.file;
        let history = repo.is_history_deal(index, deal);
        for n in m.nurture.iter().filter(|n| !history && !n.ok()) {
            let e = &deal.stages[n.entry];
            out.push(
                Diagnostic::warning(
                    "sla-nurture",
                    file,
                    e.stage.span.clone(),
                    format!(
                        "{} activit{} in {} started week{} of nurturing; the SLA asks for {}",
                        n.actual,
                        if n.actual == 1 { "y" } else { "ies" },
                        n.weeks,
                        if n.weeks == 1 { "" } else { "s" },
                        fmt_num(n.required)
                    ),
                )
                .with_hint("log each valuable interaction as an [[activities]] entry"),
            );
        }
        for c in m
            .minutes
            .iter()
            .filter(|c| !history && c.outcome.status.is_miss())
        {
            let e = &deal.stages[c.entry];
            let span = e
                .minutes_sent
                .as_ref()
                .or(e.presented.as_ref())
                .map_or(e.span.clone(), |s| s.span.clone());
            out.push(
                Diagnostic::warning("sla-minutes", file, span, format!("meeting minutes missed the SLA: {}", sla_text(&c.outcome, "minutes")))
                    .with_hint("send minutes and the revised proposal within sla.minutes_hours of the presentation"),
            );
        }
        if let Some(days) = m.stale_days {
            let last = m
                .last_event
                .map_or_else(|| "never".to_string(), |d| d.to_string());
            out.push(
                Diagnostic::warning(
                    "stale-deal",
                    file,
                    deal.status.span.clone(),
                    format!("open deal with no event for {days} days (last: {last})"),
                )
                .with_hint(format!(
                    "more than sla.stale_days ({}) without an activity, stage change or payment",
                    repo.config().sla.stale_days
                )),
            );
        }
        for o in &m.overdue {
            let p = &deal.payments[o.payment];
            out.push(
                Diagnostic::warning(
                    "payment-overdue",
                    file,
                    p.due.span.clone(),
                    format!(
                        "{} payment of {} was due {} and is {} days overdue",
                        p.kind.as_str(),
                        fmt_num(o.amount),
                        o.due,
                        o.days
                    ),
                )
                .with_hint("record `received` when it arrives"),
            );
        }
    }
    for month in &repo.months {
        let Some(ym) = month.month else { continue };
        for a in &month.asserts {
            // An unknown key is reported by the record checks (`unknown-kpi`).
            let Some(c) = kpi::contributors(ym, &a.kpi, &metrics.facts) else {
                continue;
            };
            // The team's table is the one source; months outside it are computed
            // the same way from their facts (none: counts 0, rates null).
            let actual = metrics.kpi(ym, &a.kpi).map_or(c.value, |v| v.actual);
            if let Some(d) = assertion_failure(month.meta.file, ym, a, actual, &c) {
                out.push(d);
            }
        }
    }
}

/// How far `actual` is from what the assertion asks; `None` when it holds.
fn assertion_failure(
    file: FileId,
    ym: YearMonth,
    a: &Assertion,
    actual: Option<f64>,
    c: &Contributors,
) -> Option<Diagnostic> {
    let def = c.def;
    let (expected, off) = match (a.equals, a.min, a.max) {
        (Some(e), _, _) => {
            // A relative slack absorbs float noise in sums of amounts.
            let holds = |x: f64| (x - e).abs() <= a.tolerance + 1e-9 * e.abs().max(1.0);
            (
                format!("{} ± {}", show(def, e), show(def, a.tolerance)),
                actual.map(|x| (!holds(x)).then_some(x - e)),
            )
        }
        (None, lo, hi) if lo.is_some() || hi.is_some() => {
            let expected = match (lo, hi) {
                (Some(lo), Some(hi)) => format!("between {} and {}", show(def, lo), show(def, hi)),
                (Some(lo), None) => format!("at least {}", show(def, lo)),
                (_, hi) => format!("at most {}", show(def, hi.unwrap_or_default())),
            };
            let off = actual.map(|x| match (lo, hi) {
                (Some(lo), _) if x < lo => Some(x - lo),
                (_, Some(hi)) if x > hi => Some(x - hi),
                _ => None,
            });
            (expected, off)
        }
        _ => return None, // no condition: the loader reports it
    };
    let message = match off {
        Some(None) => return None,
        Some(Some(off)) => format!(
            "{ym} `{}` is {}, the assertion expects {expected} (off by {})",
            def.key,
            show(def, actual.unwrap_or_default()),
            signed(def, off)
        ),
        None => format!(
            "{ym} `{}` is null (nothing to compute it from), the assertion expects {expected}",
            def.key
        ),
    };
    let mut d = Diagnostic::error("assert-failed", file, a.kpi.span.clone(), message);
    for note in explain(c) {
        d = d.with_note(note);
    }
    Some(
        d.with_hint(
            "fix the records listed above, or the asserted figure if the records are right",
        ),
    )
}

/// What the numerator and denominator of each KPI add up, and whether each
/// record's share is a value (listed with it) or a count (listed by id).
fn part_labels(key: &str) -> [(&'static str, bool); 2] {
    match key {
        "new_leads" => [("new leads", false), ("", false)],
        "lead_conversion_rate" => [("converted leads", false), ("new leads", false)],
        "first_contact_sla" => [
            ("first contacts within the SLA", false),
            ("assigned leads whose first contact counts", false),
        ],
        "deals_won" => [("won deals", false), ("", false)],
        "win_rate" => [("won deals", false), ("closed deals (won + lost)", false)],
        "revenue" => [("amounts of won deals", true), ("", false)],
        "avg_deal_size" => [("amounts of won deals", true), ("won deals", false)],
        "avg_deal_cycle_days" => [
            ("cycle days of won deals", true),
            ("won deals with a cycle", false),
        ],
        "collection_rate" => [("received", true), ("due", true)],
        _ => [("satisfaction scores", true), ("scored visits", false)],
    }
}

/// At most this many records are named per line.
const LISTED: usize = 10;

/// The notes of an `assert-failed`: the formula, then the records behind the
/// numerator (and denominator).
fn explain(c: &Contributors) -> Vec<String> {
    let [num, den] = part_labels(c.def.key);
    let list = |(label, valued): (&str, bool), total: f64, share: &dyn Fn(&Contribution) -> f64| {
        let items: Vec<String> = c
            .records
            .iter()
            .filter(|r| share(r) != 0.0)
            .map(|r| match (valued, share(r)) {
                (true, x) => format!("{} {}", r.record, grouped(x)),
                (false, 1.0) => r.record.clone(),
                (false, x) => format!("{} ×{}", r.record, fmt_num(x)),
            })
            .collect();
        let total = if valued {
            grouped(total)
        } else {
            fmt_num(total)
        };
        let shown = match items.len() {
            0 => "none".to_string(),
            n if n > LISTED => format!(
                "{} and {} more",
                items[..LISTED].join(if valued { "; " } else { ", " }),
                n - LISTED
            ),
            _ => items.join(if valued { "; " } else { ", " }),
        };
        format!("{label} = {total}: {shown}")
    };
    match c.denominator {
        None => vec![list(num, c.numerator, &|r| r.numerator)],
        Some(d) => vec![
            format!(
                "`{}` = {} ÷ {} = {} ÷ {}",
                c.def.key,
                num.0,
                den.0,
                if num.1 {
                    grouped(c.numerator)
                } else {
                    fmt_num(c.numerator)
                },
                if den.1 { grouped(d) } else { fmt_num(d) },
            ),
            list(num, c.numerator, &|r| r.numerator),
            list(den, d, &|r| r.denominator),
        ],
    }
}

/// A KPI value as written in assertions (rates as fractions, amounts in yuan),
/// with the percentage for rates.
fn show(def: &KpiDef, x: f64) -> String {
    match def.unit {
        Unit::Amount => grouped(x),
        Unit::Rate => format!("{} ({})", trim_number(x, 4), percent(x)),
        _ => trim_number(x, 2),
    }
}

fn signed(def: &KpiDef, x: f64) -> String {
    let abs = match def.unit {
        Unit::Rate => trim_number(x.abs(), 4),
        _ => show(def, x.abs()),
    };
    format!("{}{abs}", if x < 0.0 { "−" } else { "+" })
}

/// 1200000 → "1,200,000"; up to two decimals kept.
fn grouped(x: f64) -> String {
    let text = trim_number(x.abs(), 2);
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), ""), |(i, f)| (i, f));
    let mut out = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    if x < 0.0 { format!("-{out}") } else { out }
}
