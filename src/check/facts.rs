//! Warnings that are metric facts — SLA misses, grade differences, stale deals,
//! overdue payments — and month assertions. The figures come from `metrics`;
//! this only says where they point and how to word them.

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::format::plain as fmt_num;
use crate::metrics::{Metrics, SlaOutcome, SlaStatus};
use crate::model::Repo;

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

pub fn check(repo: &Repo, metrics: &Metrics, out: &mut Diagnostics) {
    for (lead, m) in repo.leads.iter().zip(&metrics.leads) {
        let file = lead.meta.file;
        if let (Some(o), Some(assigned)) = (&m.first_contact, &lead.assigned)
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
        for n in m.nurture.iter().filter(|n| !n.ok()) {
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
        for c in m.minutes.iter().filter(|c| c.outcome.status.is_miss()) {
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
            let Some(value) = metrics.kpi(ym, &a.kpi) else {
                continue; // unknown KPI (reported) or a month outside the report
            };
            let actual = value.actual;
            let holds = actual.is_some_and(|x| {
                a.equals
                    .is_none_or(|e| (x - e).abs() <= a.tolerance + 1e-9 * e.abs().max(1.0))
                    && a.min.is_none_or(|m| x >= m)
                    && a.max.is_none_or(|m| x <= m)
            });
            if !holds {
                let expected = match (a.equals, a.min, a.max) {
                    (Some(e), _, _) => format!("{} ± {}", fmt_num(e), fmt_num(a.tolerance)),
                    (None, Some(lo), Some(hi)) => {
                        format!("between {} and {}", fmt_num(lo), fmt_num(hi))
                    }
                    (None, Some(lo), None) => format!("at least {}", fmt_num(lo)),
                    (None, None, Some(hi)) => format!("at most {}", fmt_num(hi)),
                    (None, None, None) => continue,
                };
                let computed =
                    actual.map_or_else(|| "null (nothing to compute it from)".to_string(), fmt_num);
                out.push(Diagnostic::error(
                    "assert-failed",
                    month.meta.file,
                    a.kpi.span.clone(),
                    format!(
                        "{ym} `{}` is {computed}, the assertion expects {expected}",
                        a.kpi.value
                    ),
                ));
            }
        }
    }
}
