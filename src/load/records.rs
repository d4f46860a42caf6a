//! Parsing each record kind from its TOML table (SPEC §2.2–§2.6).
//!
//! Each function reads every field, reports every problem, and returns `None`
//! when a required value is missing or unusable.

use toml::de::DeTable;

use super::fields::{Cx, Table};
use super::shape;
use crate::model::*;
use crate::personal::{is_valid_email, is_valid_phone};
use crate::source::{Sp, Span};

pub fn lead(cx: &mut Cx, root: &DeTable, meta: Meta) -> Option<Lead> {
    let t = Table::new(cx, root, meta.span.clone(), &shape::LEAD);
    let source = t.string(cx, "source", true);
    let acquired = t.date(cx, "acquired", true);
    let company = t.req_string(cx, "company");
    let industry = t.req_string(cx, "industry");
    let contact = t.table(cx, "contact", true).map(|c| contact(cx, &c));
    let needs = t.strings(cx, "needs");
    let owner = t.string(cx, "owner", true);
    let assigned = t.stamp(cx, "assigned");
    let first_contact = t.stamp(cx, "first_contact");
    let status = t.choice(cx, "status", true, &LeadStatus::ALL, &LeadStatus::VALUES);
    let lead = Lead {
        invalid_reason: t.opt_string(cx, "invalid_reason"),
        annual_revenue: t.amount(cx, "annual_revenue", false).map(|n| n.value),
        budget_confirmed: t.bool(cx, "budget_confirmed"),
        match_score: t.percent(cx, "match"),
        grade: t.choice(cx, "grade", false, &Grade::ALL, &Grade::VALUES),
        region: t.opt_string(cx, "region"),
        extra: t.extra(cx),
        meta,
        source: source?,
        acquired: acquired?,
        company,
        industry,
        contact: contact?,
        needs,
        owner: owner?,
        assigned,
        first_contact,
        status: status?,
    };
    (!cx.failed).then_some(lead)
}

fn contact(cx: &mut Cx, t: &Table) -> Contact {
    let name = t.req_string(cx, "name");
    let title = t.req_string(cx, "title");
    let (phone, email) = phone_and_email(cx, t);
    Contact {
        name,
        title,
        phone,
        email,
    }
}

/// Optional `phone` and `email`, checked for shape.
fn phone_and_email(cx: &mut Cx, t: &Table) -> (Option<Sp<String>>, Option<Sp<String>>) {
    let phone = t.string(cx, "phone", false).filter(|p| {
        let ok = is_valid_phone(&p.value);
        if !ok {
            cx.error(
                "invalid-phone",
                p.span.clone(),
                format!("`{}` is not a phone number", p.value),
            )
            .hint = Some(
                "use 6–20 digits, spaces and + - ( ), with at least 6 digits, e.g. \"13812345678\""
                    .into(),
            );
        }
        ok
    });
    let email = t.string(cx, "email", false).filter(|e| {
        let ok = is_valid_email(&e.value);
        if !ok {
            cx.error(
                "invalid-email",
                e.span.clone(),
                format!("`{}` is not an email address", e.value),
            )
            .hint = Some(
                "an email has one @ and a dotted domain, e.g. \"zhangsan@example.com\"".into(),
            );
        }
        ok
    });
    (phone, email)
}

pub fn customer(cx: &mut Cx, root: &DeTable, meta: Meta, body: &str) -> Option<Customer> {
    let t = Table::new(cx, root, meta.span.clone(), &shape::CUSTOMER);
    let name = t.req_string(cx, "name");
    let industry = t.req_string(cx, "industry");
    let annual_revenue = t.amount(cx, "annual_revenue", false).map(|n| n.value);
    let employees = t.amount(cx, "employees", false).map(|n| n.value);
    let owner = t.string(cx, "owner", true);
    let decision_makers = t
        .tables(cx, "decision_makers")
        .into_iter()
        .filter_map(|d| {
            let name = d.string(cx, "name", true);
            let title = d.opt_string(cx, "title").unwrap_or_default();
            let role = d.choice(cx, "role", false, &Role::ALL, &Role::VALUES);
            let concerns = d.opt_string(cx, "concerns");
            let (phone, email) = phone_and_email(cx, &d);
            Some(DecisionMaker {
                name: name?.value,
                title,
                role: role.map_or(Role::Other, |r| r.value),
                concerns,
                phone,
                email,
            })
        })
        .collect();
    let risks = t
        .tables(cx, "risks")
        .into_iter()
        .filter_map(|r| {
            let kind = r.choice(cx, "kind", true, &RiskKind::ALL, &RiskKind::VALUES);
            let note = r.opt_string(cx, "note").unwrap_or_default();
            Some(Risk {
                kind: kind?.value,
                note,
            })
        })
        .collect();
    let customer = Customer {
        lead: t.string(cx, "lead", false),
        priority: t
            .choice(cx, "priority", false, &Grade::ALL, &Grade::VALUES)
            .map(|p| p.value),
        aliases: t.strings(cx, "aliases"),
        pain_points: t.strings(cx, "pain_points"),
        decision_chain: t.strings(cx, "decision_chain"),
        progress: t.opt_string(cx, "progress"),
        extra: t.extra(cx),
        body: body.to_string(),
        meta,
        name,
        industry,
        annual_revenue,
        employees,
        owner: owner?,
        decision_makers,
        risks,
    };
    (!cx.failed).then_some(customer)
}

pub fn deal(cx: &mut Cx, root: &DeTable, meta: Meta) -> Option<Deal> {
    let t = Table::new(cx, root, meta.span.clone(), &shape::DEAL);
    let customer = t.string(cx, "customer", true);
    let title = t.opt_string(cx, "title");
    let owner = t.string(cx, "owner", true);
    let lead = t.string(cx, "lead", false);
    let amount = t.amount(cx, "amount", false);
    let expected_close = t.date(cx, "expected_close", false).map(|d| d.value);
    let status = t.choice(cx, "status", true, &DealStatus::ALL, &DealStatus::VALUES);
    let closed = t.date(cx, "closed", false);
    let lost_reason = t.opt_string(cx, "lost_reason");

    // An entry that is missing a required value is dropped, and so is the deal:
    // its history would be wrong.
    let stages = t
        .tables(cx, "stages")
        .into_iter()
        .filter_map(|s| {
            let span = s.span.clone();
            let stage = s.string(cx, "stage", true);
            let entered = s.date(cx, "entered", true);
            Some(StageEntry {
                completed: s.date(cx, "completed", false),
                actions: s.strings(cx, "actions"),
                outputs: s.strings(cx, "outputs"),
                owner: s.string(cx, "owner", false),
                presented: s.stamp(cx, "presented"),
                minutes_sent: s.stamp(cx, "minutes_sent"),
                span,
                stage: stage?,
                entered: entered?,
            })
        })
        .collect();
    let activities = t
        .tables(cx, "activities")
        .into_iter()
        .filter_map(|a| {
            let date = a.date(cx, "date", true);
            let kind = a.choice(cx, "kind", false, &ActivityKind::ALL, &ActivityKind::VALUES);
            let note = a.opt_string(cx, "note");
            Some(Activity {
                date: date?,
                kind: kind.map_or(ActivityKind::Other, |k| k.value),
                note,
            })
        })
        .collect();
    let payments = t
        .tables(cx, "payments")
        .into_iter()
        .filter_map(|p| {
            let span = p.span.clone();
            let kind = p.choice(cx, "kind", true, &PaymentKind::ALL, &PaymentKind::VALUES);
            let amount = p.amount(cx, "amount", true);
            let due = p.date(cx, "due", true);
            let received = p.date(cx, "received", false);
            Some(Payment {
                span,
                kind: kind?.value,
                amount: amount?,
                due: due?,
                received,
            })
        })
        .collect();
    let visits = t
        .tables(cx, "visits")
        .into_iter()
        .filter_map(|v| {
            let date = v.date(cx, "date", true);
            Some(Visit {
                satisfaction: v.percent(cx, "satisfaction"),
                note: v.opt_string(cx, "note"),
                upsell: v.bool(cx, "upsell").unwrap_or(false),
                date: date?,
            })
        })
        .collect();
    let deal = Deal {
        extra: t.extra(cx),
        meta,
        customer: customer?,
        title,
        owner: owner?,
        lead,
        amount,
        expected_close,
        status: status?,
        closed,
        lost_reason,
        stages,
        activities,
        payments,
        visits,
    };
    (!cx.failed).then_some(deal)
}

/// The keys of a free-form table with their absolute spans, in file order.
fn keys_of(cx: &Cx, t: &Table) -> Vec<(String, Span)> {
    let mut keys: Vec<_> = t
        .entries()
        .map(|(k, _)| (k.get_ref().to_string(), cx.abs(k.span())))
        .collect();
    keys.sort_by_key(|(_, span)| span.start);
    keys
}

/// `[targets.owners.<id>]` of a month file: each owner's KPI targets.
fn owners_targets(cx: &mut Cx, tt: &Table) -> Vec<(Sp<String>, TargetList)> {
    let mut out = Vec::new();
    let Some(owners) = tt.table(cx, "owners", false) else {
        return out;
    };
    for (id, id_span) in keys_of(cx, &owners) {
        let Some(ot) = owners.table(cx, &id, false) else {
            continue;
        };
        let mut targets = Vec::new();
        for (key, span) in keys_of(cx, &ot) {
            if let Some(n) = ot.number(cx, &key, false) {
                targets.push((Sp::new(key, span), n.value));
            }
        }
        out.push((Sp::new(id, id_span), targets));
    }
    out
}

pub fn month(cx: &mut Cx, root: &DeTable, meta: Meta, body: &str) -> Option<Month> {
    let t = Table::new(cx, root, meta.span.clone(), &shape::MONTH);
    let mut targets = Vec::new();
    let mut owner_targets = Vec::new();
    if let Some(tt) = t.table(cx, "targets", false) {
        for (key, span) in keys_of(cx, &tt) {
            if key == "owners" {
                owner_targets = owners_targets(cx, &tt);
            } else if let Some(n) = tt.number(cx, &key, false) {
                targets.push((Sp::new(key, span), n.value));
            }
        }
    }
    let mut analysis = Vec::new();
    if let Some(at) = t.table(cx, "analysis", false) {
        for (key, span) in keys_of(cx, &at) {
            if let Some(s) = at.string(cx, &key, false) {
                analysis.push((Sp::new(key, span), s.value));
            }
        }
    }
    let asserts = t
        .tables(cx, "assert")
        .into_iter()
        .filter_map(|a| {
            let span = a.span.clone();
            let kpi = a.string(cx, "kpi", true);
            let equals = a.number(cx, "equals", false).map(|n| n.value);
            let tolerance = a
                .number_in(cx, "tolerance", false, Some(0.0), None)
                .map_or(0.0, |n| n.value);
            let min = a.number(cx, "min", false).map(|n| n.value);
            let max = a.number(cx, "max", false).map(|n| n.value);
            if equals.is_none() && min.is_none() && max.is_none() {
                cx.error(
                    "missing-field",
                    span.clone(),
                    "an assertion needs `equals`, `min` or `max`",
                );
            }
            Some(Assertion {
                span,
                kpi: kpi?,
                equals,
                tolerance,
                min,
                max,
            })
        })
        .collect();
    let plan = t
        .tables(cx, "plan")
        .into_iter()
        .filter_map(|p| {
            let area = p.choice(cx, "area", false, &PlanArea::ALL, &PlanArea::VALUES);
            let action = p.string(cx, "action", true);
            Some(PlanItem {
                area: area.map_or(PlanArea::Process, |a| a.value),
                owner: p.string(cx, "owner", false),
                due: p.date(cx, "due", false).map(|d| d.value),
                done: p.bool(cx, "done").unwrap_or(false),
                action: action?.value,
            })
        })
        .collect();
    let ym = YearMonth::parse(&meta.id);
    if let Some(ym) = ym
        && !chrono::NaiveDate::from_ymd_opt(ym.year, ym.month, 1).is_some_and(super::plausible)
    {
        // Named like a month, but outside the dates salesbook accepts.
        cx.error(
            "out-of-range",
            meta.span.clone(),
            format!(
                "month `{}` is outside {} to {}",
                meta.id,
                super::FIRST_DATE.format("%Y-%m"),
                super::LAST_DATE.format("%Y-%m")
            ),
        );
        return None;
    }
    let month = Month {
        month: ym,
        extra: t.extra(cx),
        body: body.to_string(),
        meta,
        targets,
        owner_targets,
        analysis,
        asserts,
        plan,
    };
    (!cx.failed).then_some(month)
}

pub fn case(
    cx: &mut Cx,
    root: &DeTable,
    meta: Meta,
    body: &str,
    body_offset: usize,
) -> Option<Case> {
    let t = Table::new(cx, root, meta.span.clone(), &shape::CASE);
    let title = t.req_string(cx, "title");
    let date = t.date(cx, "date", true);
    let result = t.choice(cx, "result", true, &CaseResult::ALL, &CaseResult::VALUES);
    let case = Case {
        deal: t.string(cx, "deal", false),
        industry: t.opt_string(cx, "industry"),
        stage: t.string(cx, "stage", false),
        tags: tags(cx, &t),
        lessons: t.strings(cx, "lessons"),
        improvements: t.strings(cx, "improvements"),
        author: t.string(cx, "author", false),
        shareable: t.bool(cx, "shareable").unwrap_or(false),
        extra: t.extra(cx),
        body: body.to_string(),
        body_offset,
        meta,
        title,
        date: date?,
        result: result?.value,
    };
    (!cx.failed).then_some(case)
}

/// At most this many distinct tags per case: each tag becomes a page
/// (`cases/tags/<tag>/`) listing its cases.
pub const MAX_TAGS: usize = 100;

/// A case's tags, each once (a repeated tag is accepted and counts once),
/// at most [`MAX_TAGS`] of them.
fn tags(cx: &mut Cx, t: &Table) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut tags = t.strings(cx, "tags");
    tags.retain(|tag| seen.insert(tag.clone()));
    if tags.len() > MAX_TAGS {
        let span = t.get("tags").map_or(0..0, |v| cx.abs(v.span()));
        cx.error(
            "out-of-range",
            span,
            format!(
                "{} different tags; a case has at most {MAX_TAGS}",
                tags.len()
            ),
        );
        tags.truncate(MAX_TAGS);
    }
    tags
}
