//! What changed between two books, record by record and KPI by KPI.
//!
//! Records are matched by id, never by file name: a renamed file is the same
//! record, a deleted file is a removed record. Pure: no I/O, no clock.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::book::Book;
use crate::metrics::KPIS;
use crate::model::{Config, Deal, DealStatus, Grade, Lead, Payment, YearMonth};

/// Everything that moved, each list sorted by record id (then date).
/// Serialised as is: this is the JSON schema of docs/diff.md.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Changes {
    /// The one as-of date both sides were computed for.
    #[serde(serialize_with = "date")]
    pub as_of: NaiveDate,
    /// Error diagnostics in the old and the new data (what loaded is still compared).
    pub errors: Sides<usize>,
    pub leads_added: Vec<LeadAdded>,
    pub lead_status: Vec<LeadStatusChange>,
    pub grades: Vec<GradeChange>,
    pub customers_added: Vec<CustomerAdded>,
    pub deals_added: Vec<DealAdded>,
    pub stages_entered: Vec<StageEntered>,
    pub deal_status: Vec<DealStatusChange>,
    pub amounts: Vec<AmountChange>,
    pub payments: Vec<PaymentChange>,
    pub targets: Vec<TargetChange>,
    pub cases_added: Vec<CaseAdded>,
    pub removed: Vec<Removed>,
    pub kpis: Vec<KpiChange>,
}

impl Changes {
    /// Nothing moved (error counts aside).
    pub fn is_empty(&self) -> bool {
        self.leads_added.is_empty()
            && self.lead_status.is_empty()
            && self.grades.is_empty()
            && self.customers_added.is_empty()
            && self.deals_added.is_empty()
            && self.stages_entered.is_empty()
            && self.deal_status.is_empty()
            && self.amounts.is_empty()
            && self.payments.is_empty()
            && self.targets.is_empty()
            && self.cases_added.is_empty()
            && self.removed.is_empty()
            && self.kpis.is_empty()
    }
}

/// A value before and after.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Sides<T> {
    pub from: T,
    pub to: T,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeadAdded {
    pub id: String,
    pub company: String,
    #[serde(serialize_with = "date")]
    pub acquired: NaiveDate,
    pub status: &'static str,
    /// The effective grade (manual, else the rules').
    pub grade: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeadStatusChange {
    pub id: String,
    pub company: String,
    pub from: &'static str,
    pub to: &'static str,
    /// `invalid_reason` when the lead became invalid.
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GradeKind {
    /// The grade the grading rules of pipeline.toml give.
    Rules,
    /// The lead's own `grade` field.
    Manual,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GradeChange {
    pub id: String,
    pub company: String,
    pub kind: GradeKind,
    /// `None`: no manual grade on that side.
    pub from: Option<&'static str>,
    pub to: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerAdded {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DealAdded {
    pub id: String,
    pub title: Option<String>,
    pub customer: String,
    pub owner: String,
    pub status: &'static str,
    pub amount: Option<f64>,
}

/// A stage entry the old side does not have.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageEntered {
    pub deal: String,
    /// The entry before it (the implicit `lead` entry for a deal with a lead);
    /// `None` for a deal's first entry.
    pub from: Option<Stage>,
    pub to: Stage,
    #[serde(serialize_with = "date")]
    pub entered: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stage {
    pub id: String,
    /// The stage's name in the team's language (the id for an unknown stage).
    pub name: String,
}

/// Won, lost or reopened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DealStatusChange {
    pub deal: String,
    pub title: Option<String>,
    /// `None` for a deal new on this side.
    pub from: Option<&'static str>,
    pub to: &'static str,
    pub amount: Option<f64>,
    #[serde(serialize_with = "opt_date")]
    pub closed: Option<NaiveDate>,
    pub lost_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AmountChange {
    pub deal: String,
    pub from: Option<f64>,
    pub to: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PaymentChangeKind {
    Added,
    Changed,
    Removed,
}

/// A payment matched by (kind, due date) within its deal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaymentChange {
    pub deal: String,
    pub change: PaymentChangeKind,
    pub kind: &'static str,
    #[serde(serialize_with = "date")]
    pub due: NaiveDate,
    pub amount: Sides<Option<f64>>,
    #[serde(serialize_with = "opt_date_sides")]
    pub received: Sides<Option<NaiveDate>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetChange {
    /// `YYYY-MM`.
    pub month: String,
    pub kpi: String,
    pub from: Option<f64>,
    pub to: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseAdded {
    pub id: String,
    pub title: String,
    #[serde(serialize_with = "date")]
    pub date: NaiveDate,
    pub result: &'static str,
    pub deal: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Removed {
    /// lead, customer, deal, month or case.
    pub kind: &'static str,
    pub id: String,
}

/// One KPI of one month whose actual, target or completion differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiChange {
    /// `YYYY-MM`.
    pub month: String,
    pub kpi: &'static str,
    pub actual: Sides<Option<f64>>,
    pub target: Sides<Option<f64>>,
    pub completion: Sides<Option<f64>>,
}

fn date<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&d.format("%Y-%m-%d"))
}

fn opt_date<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => date(d, s),
        None => s.serialize_none(),
    }
}

fn opt_date_sides<S: Serializer>(d: &Sides<Option<NaiveDate>>, s: S) -> Result<S::Ok, S::Error> {
    let text = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    Sides {
        from: text(d.from),
        to: text(d.to),
    }
    .serialize(s)
}

/// Equal up to rounding: sums taken in another record order (a renamed file
/// moves its record) may differ in the last bits.
fn same(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
        (None, None) => true,
        _ => false,
    }
}

/// The records of one kind by id, the first of duplicates (as the index does).
fn by_id<T>(records: &[T], id: impl Fn(&T) -> &str) -> BTreeMap<&str, (usize, &T)> {
    let mut map = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        map.entry(id(r)).or_insert((i, r));
    }
    map
}

/// Compares `old` with `new`. Both should be computed for the same as-of date
/// (see the module docs); the result's `as_of` is the new side's.
pub fn changes(old: &Book, new: &Book) -> Changes {
    let mut out = Changes {
        as_of: new.metrics.as_of.date,
        errors: Sides {
            from: old.diagnostics.errors(),
            to: new.diagnostics.errors(),
        },
        ..Changes::default()
    };
    let config = new.repo.config();
    leads(old, new, &mut out);
    customers(old, new, &mut out);
    deals(old, new, config, &mut out);
    months(old, new, &mut out);
    cases(old, new, &mut out);
    out.kpis = kpis(old, new);
    out
}

fn removed<T, U>(
    out: &mut Changes,
    kind: &'static str,
    old: &BTreeMap<&str, T>,
    new: &BTreeMap<&str, U>,
) {
    for id in old.keys().filter(|id| !new.contains_key(*id)) {
        out.removed.push(Removed {
            kind,
            id: id.to_string(),
        });
    }
}

fn leads(old: &Book, new: &Book, out: &mut Changes) {
    let before = by_id(&old.repo.leads, |l| &l.meta.id);
    let after = by_id(&new.repo.leads, |l| &l.meta.id);
    for (&id, &(i, lead)) in &after {
        let metrics = &new.metrics.leads[i];
        let Some(&(j, was)) = before.get(id) else {
            out.leads_added.push(LeadAdded {
                id: id.to_string(),
                company: lead.company.clone(),
                acquired: lead.acquired.value,
                status: lead.status.value.as_str(),
                grade: metrics.grade.as_str(),
            });
            continue;
        };
        if was.status.value != lead.status.value {
            out.lead_status.push(LeadStatusChange {
                id: id.to_string(),
                company: lead.company.clone(),
                from: was.status.value.as_str(),
                to: lead.status.value.as_str(),
                reason: (lead.status.value == crate::model::LeadStatus::Invalid)
                    .then(|| lead.invalid_reason.clone())
                    .flatten(),
            });
        }
        let grade_change = |kind, from: Option<Grade>, to: Option<Grade>| GradeChange {
            id: id.to_string(),
            company: lead.company.clone(),
            kind,
            from: from.map(Grade::as_str),
            to: to.map(Grade::as_str),
        };
        let rules = (old.metrics.leads[j].rule_grade, metrics.rule_grade);
        if rules.0 != rules.1 {
            out.grades
                .push(grade_change(GradeKind::Rules, Some(rules.0), Some(rules.1)));
        }
        let manual = |l: &Lead| l.grade.as_ref().map(|g| g.value);
        if manual(was) != manual(lead) {
            out.grades
                .push(grade_change(GradeKind::Manual, manual(was), manual(lead)));
        }
    }
    removed(out, "lead", &before, &after);
}

fn customers(old: &Book, new: &Book, out: &mut Changes) {
    let before = by_id(&old.repo.customers, |c| &c.meta.id);
    let after = by_id(&new.repo.customers, |c| &c.meta.id);
    for (&id, &(_, c)) in after.iter().filter(|(id, _)| !before.contains_key(*id)) {
        out.customers_added.push(CustomerAdded {
            id: id.to_string(),
            name: c.name.clone(),
        });
    }
    removed(out, "customer", &before, &after);
}

fn stage(config: &Config, id: &str) -> Stage {
    Stage {
        id: id.to_string(),
        name: config.stage_label(id),
    }
}

fn deals(old: &Book, new: &Book, config: &Config, out: &mut Changes) {
    let before = by_id(&old.repo.deals, |d| &d.meta.id);
    let after = by_id(&new.repo.deals, |d| &d.meta.id);
    for (&id, &(_, deal)) in &after {
        let was = before.get(id).map(|&(_, d)| d);
        if was.is_none() {
            out.deals_added.push(DealAdded {
                id: id.to_string(),
                title: deal.title.clone(),
                customer: deal.customer.value.clone(),
                owner: deal.owner.value.clone(),
                status: deal.status.value.as_str(),
                amount: deal.amount.as_ref().map(|a| a.value),
            });
        }
        stages_entered(new, config, deal, was, out);
        let status = (was.map(|d| d.status.value), deal.status.value);
        if status.0 != Some(status.1) && (status.1 != DealStatus::Open || status.0.is_some()) {
            out.deal_status.push(DealStatusChange {
                deal: id.to_string(),
                title: deal.title.clone(),
                from: status.0.map(DealStatus::as_str),
                to: status.1.as_str(),
                amount: deal.amount.as_ref().map(|a| a.value),
                closed: deal.closed.as_ref().map(|c| c.value),
                lost_reason: (status.1 == DealStatus::Lost)
                    .then(|| deal.lost_reason.clone())
                    .flatten(),
            });
        }
        let amount = |d: &Deal| d.amount.as_ref().map(|a| a.value);
        if let Some(was) = was
            && !same(amount(was), amount(deal))
        {
            out.amounts.push(AmountChange {
                deal: id.to_string(),
                from: amount(was),
                to: amount(deal),
            });
        }
        payments(
            id,
            was.map_or(&[][..], |d| &d.payments),
            &deal.payments,
            out,
        );
    }
    removed(out, "deal", &before, &after);
}

/// The entries of `deal` that `was` does not have, matched by (stage, entered)
/// so that an edited entry shows as the entry it now is.
fn stages_entered(new: &Book, config: &Config, deal: &Deal, was: Option<&Deal>, out: &mut Changes) {
    let mut known: HashMap<(&str, NaiveDate), usize> = HashMap::new();
    for e in was.map_or(&[][..], |d| &d.stages) {
        *known
            .entry((e.stage.value.as_str(), e.entered.value))
            .or_default() += 1;
    }
    let has_lead = new.repo.deal_lead(&new.index, deal).is_some();
    for (i, e) in deal.stages.iter().enumerate() {
        if let Some(n) = known.get_mut(&(e.stage.value.as_str(), e.entered.value))
            && *n > 0
        {
            *n -= 1;
            continue;
        }
        let from = match i.checked_sub(1) {
            Some(p) => Some(stage(config, &deal.stages[p].stage.value)),
            None if has_lead && e.stage.value != "lead" => Some(stage(config, "lead")),
            None => None,
        };
        out.stages_entered.push(StageEntered {
            deal: deal.meta.id.clone(),
            from,
            to: stage(config, &e.stage.value),
            entered: e.entered.value,
        });
    }
}

/// Payments matched by (kind, due), in order among equal keys.
fn payments(deal: &str, old: &[Payment], new: &[Payment], out: &mut Changes) {
    let key = |p: &Payment| (p.kind, p.due.value);
    let mut unmatched: Vec<&Payment> = old.iter().collect();
    let change =
        |change, p: &Payment, from: Option<&Payment>, to: Option<&Payment>| PaymentChange {
            deal: deal.to_string(),
            change,
            kind: p.kind.as_str(),
            due: p.due.value,
            amount: Sides {
                from: from.map(|p| p.amount.value),
                to: to.map(|p| p.amount.value),
            },
            received: Sides {
                from: from.and_then(|p| p.received.as_ref().map(|r| r.value)),
                to: to.and_then(|p| p.received.as_ref().map(|r| r.value)),
            },
        };
    for p in new {
        match unmatched.iter().position(|o| key(o) == key(p)) {
            Some(at) => {
                let o = unmatched.remove(at);
                let c = change(PaymentChangeKind::Changed, p, Some(o), Some(p));
                if !same(c.amount.from, c.amount.to) || c.received.from != c.received.to {
                    out.payments.push(c);
                }
            }
            None => out
                .payments
                .push(change(PaymentChangeKind::Added, p, None, Some(p))),
        }
    }
    for o in unmatched {
        out.payments
            .push(change(PaymentChangeKind::Removed, o, Some(o), None));
    }
}

fn months(old: &Book, new: &Book, out: &mut Changes) {
    let targets = |book: &Book| {
        let mut map: BTreeMap<(YearMonth, String), f64> = BTreeMap::new();
        for m in &book.repo.months {
            let Some(month) = m.month else { continue };
            for (key, value) in &m.targets {
                // The first month file and target win, as for duplicate ids.
                map.entry((month, key.value.clone())).or_insert(*value);
            }
        }
        map
    };
    let (before, after) = (targets(old), targets(new));
    let keys: BTreeSet<_> = before.keys().chain(after.keys()).collect();
    for key in keys {
        let (from, to) = (before.get(key).copied(), after.get(key).copied());
        if !same(from, to) {
            out.targets.push(TargetChange {
                month: key.0.to_string(),
                kpi: key.1.clone(),
                from,
                to,
            });
        }
    }
    let before = by_id(&old.repo.months, |m| &m.meta.id);
    let after = by_id(&new.repo.months, |m| &m.meta.id);
    removed(out, "month", &before, &after);
}

fn cases(old: &Book, new: &Book, out: &mut Changes) {
    let before = by_id(&old.repo.cases, |c| &c.meta.id);
    let after = by_id(&new.repo.cases, |c| &c.meta.id);
    for (&id, &(_, c)) in after.iter().filter(|(id, _)| !before.contains_key(*id)) {
        out.cases_added.push(CaseAdded {
            id: id.to_string(),
            title: c.title.clone(),
            date: c.date.value,
            result: c.result.as_str(),
            deal: c.deal.as_ref().map(|d| d.value.clone()),
        });
    }
    removed(out, "case", &before, &after);
}

/// Every (month, KPI) whose actual, target or completion differs; a month one
/// side does not report reads as all null there.
fn kpis(old: &Book, new: &Book) -> Vec<KpiChange> {
    let months: BTreeSet<YearMonth> = old
        .metrics
        .months
        .iter()
        .chain(&new.metrics.months)
        .copied()
        .collect();
    let mut out = Vec::new();
    for month in months {
        let (a, b) = (old.metrics.month(month), new.metrics.month(month));
        for (k, def) in KPIS.iter().enumerate() {
            let (va, vb) = (a.map(|m| &m.values[k]), b.map(|m| &m.values[k]));
            let pair = |f: fn(&crate::metrics::KpiValue) -> Option<f64>| Sides {
                from: va.and_then(f),
                to: vb.and_then(f),
            };
            let change = KpiChange {
                month: month.to_string(),
                kpi: def.key,
                actual: pair(|v| v.actual),
                target: pair(|v| v.target),
                completion: pair(|v| v.completion),
            };
            let differs = |s: &Sides<Option<f64>>| !same(s.from, s.to);
            if differs(&change.actual) || differs(&change.target) || differs(&change.completion) {
                out.push(change);
            }
        }
    }
    out
}
