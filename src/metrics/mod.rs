//! Every figure of SPEC §4, computed once from the validated records.
//!
//! Pure functions over the model and an as-of date: no I/O, no clock reads.
//! [`Metrics::compute`] runs them all; the report, export, site and the
//! checker's metric warnings (SLA misses, stale deals, overdue payments) read
//! the one [`Metrics`] value, so no figure is computed twice.
//!
//! # Decisions where the SPEC is silent
//!
//! - **As-of** ([`asof`]): a date counts when ≤ the as-of date; a date-time by its
//!   date in the team's zone. SLA deadlines compare with the as-of instant (the
//!   first instant of the next day): passed when strictly before it.
//! - **Existence**: a lead exists when acquired ≤ as-of. A deal exists when its
//!   lead's `acquired`, first stage's `entered` or `closed` is ≤ as-of (or it has
//!   none of them); only existing deals enter the pipeline, payments and visits.
//!   A deal linked to a lead that does not exist yet is treated as lead-less.
//! - **Reported months**: from the earliest month of a lead acquired, explicit
//!   stage entered, deal closed or visit (each ≤ as-of), a payment due (any date)
//!   or a month file with a non-empty `[targets]`, to the as-of month.
//! - **M−1 / M−12 outside the range** are computed like any month from no
//!   events: counts and sums 0 (so MoM/YoY of counts are numbers), rates and
//!   means null (so their MoM/YoY are null).
//! - **first_contact_sla**: month = the date of `assigned`. A lead not assigned,
//!   or assigned after as-of, is not counted; a contact dated after as-of has not
//!   happened (missing once the SLA passed, else pending). A contact before the
//!   assignment counts as met.
//! - **Amounts**: a won deal without amount adds 0 to revenue but counts in
//!   deals_won. Cycle: deals with neither lead nor stage are left out of the mean.
//! - **collection_rate**: a payment is received in full on its `received` date
//!   (≤ as-of) or not at all; due amount 0 → null.
//! - **satisfaction**: visits without a score are left out.
//! - **Stage history**: entries with unknown stage ids (an error) count as before
//!   the closing stage and are skipped in stage statistics; the current stage is
//!   the last entry entered ≤ as-of, the implicit `lead` entry included.
//! - **Nurture SLA**: every entry of stage id `nurture`, ongoing ones included
//!   (an ongoing entry's started week already requires its interactions); all
//!   activity kinds count.
//! - **Minutes SLA**: every entry with `presented` (≤ as-of).
//! - **Stale**: last event = stage entered (implicit `lead` entry included) or
//!   completed, activity, visit, received payment, all ≤ as-of; an open deal
//!   with no event at all is not reported stale. Stale when days > `stale_days`.
//! - **Overdue**: due < as-of and not received ≤ as-of, for payments of every
//!   existing deal (open, won or lost).
//! - **Funnel**: a lead with no deal reaches no stage, not even `lead` (SPEC: "a
//!   deal of theirs has an entry"); the first step's conversion is ÷ leads.
//! - **Breakdowns** (see [`breakdown`]): leads by their own owner, channel,
//!   group, industry, effective grade; deals (and their payments and visits) by
//!   the deal's owner, by channel/group/grade of their lead, by their customer's
//!   industry (else their lead's). Breakdowns have no targets.
//! - **SLA per owner**: first contact by the lead's owner; nurture and minutes
//!   by the stage entry's `owner`, else the deal's.

pub mod asof;
pub mod breakdown;
pub mod durations;
pub mod forecast;
pub mod funnel;
pub mod grading;
pub mod history;
pub mod kpi;
pub mod pipeline;
pub mod sla;
pub mod timeliness;

#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) mod testutil;

use std::collections::BTreeMap;

use rayon::prelude::*;

use chrono::NaiveDate;

pub use asof::AsOf;
pub use breakdown::{Breakdown, BreakdownGroup, Dimension};
pub use durations::{Durations, OngoingEntry, StageStats, Summary};
pub use forecast::{MonthForecast, OwnerForecast};
pub use funnel::{Funnel, FunnelStep, LeadReach, StepKind};
pub use history::{EndRule, EntrySpan};
pub use kpi::{Direction, KPIS, KpiDef, KpiValue, MonthKpis, Unit, kpi_def, kpi_index};
pub use pipeline::{OverduePayment, OwnerLoad, Pipeline, StageLoad, StaleDeal};
pub use sla::{MinutesCheck, NurtureCheck, SlaOutcome, SlaStatus};

use crate::model::{DealStatus, Grade, Index, Repo, YearMonth};

/// Per lead (parallel to `repo.leads`).
#[derive(Debug, Clone, PartialEq)]
pub struct LeadMetrics {
    /// Acquired on or before the as-of date.
    pub exists: bool,
    pub rule_grade: Grade,
    /// Manual grade, else the rules'.
    pub grade: Grade,
    /// A manual grade is given and differs from the rules.
    pub grade_differs: bool,
    /// `None` when not assigned (as of the date).
    pub first_contact: Option<SlaOutcome>,
    /// Indices of the deals this lead leads to.
    pub deals: Vec<usize>,
    /// One of those deals is won as of the date.
    pub converted: bool,
}

/// Per deal (parallel to `repo.deals`).
#[derive(Debug, Clone, PartialEq)]
pub struct DealMetrics {
    /// The linked lead (own `lead`, else the customer's), when it exists as of the date.
    pub lead: Option<usize>,
    /// Something of the deal (lead acquired, stage entered, closing) is on or
    /// before the as-of date, or it has no date at all.
    pub exists: bool,
    /// Status as of the date (won/lost only when closed on or before it).
    pub status: DealStatus,
    /// `closed`, when won/lost as of the date.
    pub closed: Option<NaiveDate>,
    /// closed − start, for deals won as of the date.
    pub cycle_days: Option<i64>,
    pub history: Vec<EntrySpan>,
    /// Latest event on or before the date (see [`pipeline::last_event`]).
    pub last_event: Option<NaiveDate>,
    /// Days since the last event when the deal is open and stale.
    pub stale_days: Option<i64>,
    pub overdue: Vec<OverduePayment>,
    pub nurture: Vec<NurtureCheck>,
    pub minutes: Vec<MinutesCheck>,
}

impl DealMetrics {
    /// The current stage entry: the last one entered on or before the date.
    pub fn current(&self) -> Option<&EntrySpan> {
        self.history.last()
    }
}

/// Counts of SLA outcomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SlaCounts {
    pub met: usize,
    pub late: usize,
    pub missing: usize,
    pub pending: usize,
}

impl SlaCounts {
    fn add(&mut self, s: SlaStatus) {
        match s {
            SlaStatus::Met => self.met += 1,
            SlaStatus::Late => self.late += 1,
            SlaStatus::Missing => self.missing += 1,
            SlaStatus::Pending => self.pending += 1,
        }
    }
    /// met ÷ (met + late + missing); null when nothing counted.
    pub fn rate(&self) -> Option<f64> {
        let n = self.met + self.late + self.missing;
        (n > 0).then(|| self.met as f64 / n as f64)
    }
}

/// SLA compliance of one owner, over everything up to the as-of date.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OwnerSla {
    pub owner: String,
    /// Leads owned.
    pub first_contact: SlaCounts,
    /// Nurture entries (entry owner, else deal owner).
    pub nurture_ok: usize,
    pub nurture_missed: usize,
    /// Presentations (entry owner, else deal owner).
    pub minutes: SlaCounts,
}

/// Everything the report, export, site and checker need, as of one date.
#[derive(Debug, Clone)]
pub struct Metrics {
    pub as_of: AsOf,
    /// The reported months: earliest record month ..= as-of month (may be empty).
    pub months: Vec<YearMonth>,
    /// The team's monthly table 4, one per reported month.
    pub kpis: Vec<MonthKpis>,
    pub leads: Vec<LeadMetrics>,
    pub deals: Vec<DealMetrics>,
    pub durations: Durations,
    /// One funnel per reported month (leads acquired in it).
    pub funnel_by_month: Vec<Funnel>,
    /// The funnel of all reported months; `None` when there are none.
    pub funnel_total: Option<Funnel>,
    /// One per [`Dimension::ALL`], in that order.
    pub breakdowns: Vec<Breakdown>,
    pub pipeline: Pipeline,
    /// Configured owners in order, then other owner ids seen, sorted.
    pub sla_by_owner: Vec<OwnerSla>,
    /// The KPI inputs, for computing the KPIs over other subsets.
    pub facts: kpi::Facts,
}

impl Metrics {
    pub fn compute(repo: &Repo, index: &Index, as_of: NaiveDate) -> Metrics {
        let config = repo.config();
        let as_of = AsOf::new(as_of, config.team.timezone);

        // Leads.
        let mut leads: Vec<LeadMetrics> = repo
            .leads
            .par_iter()
            .map(|l| LeadMetrics {
                exists: asof::lead_exists(l, &as_of),
                rule_grade: grading::rule_grade(config, l),
                grade: grading::effective_grade(config, l),
                grade_differs: grading::grade_mismatch(config, l).is_some(),
                first_contact: sla::first_contact(config, l, &as_of),
                deals: Vec::new(),
                converted: false,
            })
            .collect();

        // Deals.
        let deals: Vec<DealMetrics> = repo
            .deals
            .par_iter()
            .enumerate()
            .map(|(di, d)| {
                let lead = repo
                    .deal_lead(index, d)
                    .filter(|l| asof::lead_exists(l, &as_of));
                let lead_idx = lead.and_then(|l| index.leads.get(&l.meta.id).copied());
                let history = history::stage_history(config, d, lead, &as_of);
                let status = asof::deal_status(d, &as_of);
                let closed = match status {
                    DealStatus::Open => None,
                    _ => asof::deal_closed(d, &as_of),
                };
                let starts = [
                    repo.deal_lead(index, d).map(|l| l.acquired.value),
                    d.stages.first().map(|e| e.entered.value),
                    d.closed.as_ref().map(|c| c.value),
                ];
                let exists = starts.iter().all(Option::is_none)
                    || starts.iter().flatten().any(|s| as_of.happened(*s));
                let last_event = pipeline::last_event(d, &history, &as_of);
                let stale_days = last_event
                    .map(|l| crate::model::days_between(l, as_of.date))
                    .filter(|&days| {
                        exists && status == DealStatus::Open && days > config.sla.stale_days
                    });
                DealMetrics {
                    lead: lead_idx,
                    exists,
                    status,
                    closed,
                    cycle_days: history::cycle_days(d, lead, &as_of),
                    nurture: sla::nurture(config, d, &history, &as_of),
                    minutes: sla::minutes(config, d, &as_of),
                    overdue: if exists {
                        pipeline::overdue(di, d, &as_of)
                    } else {
                        Vec::new()
                    },
                    history,
                    last_event,
                    stale_days,
                }
            })
            .collect();
        for (di, dm) in deals.iter().enumerate() {
            if let Some(li) = dm.lead {
                leads[li].deals.push(di);
                leads[li].converted |= dm.status == DealStatus::Won;
            }
        }

        let months = report_months(repo, &leads, &deals, &as_of);
        let facts = build_facts(repo, index, &leads, &deals, &as_of);

        // Team KPIs.
        let targets = kpi::Targets::new(&repo.months);
        let team = kpi::accumulate(&facts, |_| Some(()));
        let empty = BTreeMap::new();
        let team_accs = team.first().map_or(&empty, |(_, m)| m);
        let kpis = kpi::table(&months, team_accs, Some(&targets));

        // Durations.
        let durations = durations::durations(
            config,
            deals
                .iter()
                .enumerate()
                .map(|(i, d)| (i, d.history.as_slice())),
            &months,
        );

        // Funnel.
        let reach: Vec<LeadReach> = repo
            .leads
            .iter()
            .zip(&leads)
            .filter(|(_, lm)| lm.exists)
            .map(|(l, lm)| LeadReach {
                acquired: YearMonth::of(l.acquired.value),
                max_stage: lm
                    .deals
                    .iter()
                    .flat_map(|&di| deals[di].history.iter().filter_map(|s| s.stage))
                    .max(),
                won: lm.converted,
            })
            .collect();
        let funnel_by_month = months
            .par_iter()
            .map(|&m| funnel::funnel(config, &reach, m, m))
            .collect();
        let funnel_total = match (months.first(), months.last()) {
            (Some(&a), Some(&b)) => Some(funnel::funnel(config, &reach, a, b)),
            _ => None,
        };

        let breakdowns = Dimension::ALL
            .par_iter()
            .map(|&dim| breakdown::breakdown(config, &facts, dim, &months, &targets))
            .collect();

        // Pipeline.
        let open = repo
            .deals
            .iter()
            .zip(&deals)
            .enumerate()
            .filter(|(_, (_, dm))| dm.exists && dm.status == DealStatus::Open)
            .map(|(i, (d, dm))| pipeline::OpenDeal {
                index: i,
                deal: d,
                history: &dm.history,
                last_event: dm.last_event,
            });
        let overdue = deals
            .iter()
            .flat_map(|d| d.overdue.iter().cloned())
            .collect();
        let pipeline = pipeline::pipeline(config, open, overdue, &as_of);

        let sla_by_owner = sla_by_owner(repo, &leads, &deals);

        Metrics {
            as_of,
            months,
            kpis,
            leads,
            deals,
            durations,
            funnel_by_month,
            funnel_total,
            breakdowns,
            pipeline,
            sla_by_owner,
            facts,
        }
    }

    /// The team's KPIs of a month in the reported range.
    pub fn month(&self, month: YearMonth) -> Option<&MonthKpis> {
        self.kpis.iter().find(|m| m.month == month)
    }

    /// One KPI of one month (for `[[assert]]`).
    pub fn kpi(&self, month: YearMonth, key: &str) -> Option<&KpiValue> {
        self.month(month)?.get(key)
    }

    pub fn breakdown(&self, dimension: Dimension) -> Option<&Breakdown> {
        self.breakdowns.iter().find(|b| b.dimension == dimension)
    }

    /// The KPIs of any subset of facts, e.g. one owner's leads from one channel.
    pub fn subset(&self, keep: impl Fn(&kpi::Attr) -> bool) -> Vec<MonthKpis> {
        breakdown::subset_table(&self.facts, &self.months, keep)
    }
}

/// Earliest month of: a lead acquired, a stage entered, a deal closed, a visit
/// (those on or before the as-of date), a payment due or a month file with
/// targets (those may lie ahead) — up to the as-of month.
fn report_months(
    repo: &Repo,
    leads: &[LeadMetrics],
    deals: &[DealMetrics],
    as_of: &AsOf,
) -> Vec<YearMonth> {
    let mut dates: Vec<NaiveDate> = Vec::new();
    for (l, lm) in repo.leads.iter().zip(leads) {
        if lm.exists {
            dates.push(l.acquired.value);
        }
    }
    for (d, dm) in repo.deals.iter().zip(deals) {
        dates.extend(
            dm.history
                .iter()
                .filter(|s| s.entry.is_some())
                .map(|s| s.entered),
        );
        dates.extend(dm.closed);
        dates.extend(d.payments.iter().map(|p| p.due.value));
        dates.extend(
            d.visits
                .iter()
                .map(|v| v.date.value)
                .filter(|v| as_of.happened(*v)),
        );
    }
    let mut first = dates.into_iter().min().map(YearMonth::of);
    for m in &repo.months {
        if let Some(ym) = m.month
            && !m.targets.is_empty()
        {
            first = Some(first.map_or(ym, |f| f.min(ym)));
        }
    }
    let last = as_of.month();
    let mut out = Vec::new();
    if let Some(mut m) = first {
        while m <= last {
            out.push(m);
            m = m.plus(1);
        }
    }
    out
}

fn build_facts(
    repo: &Repo,
    index: &Index,
    leads: &[LeadMetrics],
    deals: &[DealMetrics],
    as_of: &AsOf,
) -> kpi::Facts {
    use kpi::{Attr, Event, Fact};
    let config = repo.config();
    let mut f = kpi::Facts::default();
    let lead_attr = |l: &crate::model::Lead, lm: &LeadMetrics| Attr {
        owner: l.owner.value.clone(),
        channel: Some(l.source.value.clone()),
        group: config.channel(&l.source).map(|c| c.group),
        industry: Some(l.industry.clone()),
        grade: Some(lm.grade),
    };
    for (l, lm) in repo.leads.iter().zip(leads) {
        if !lm.exists {
            continue;
        }
        let attr = f.attrs.len() as u32;
        f.attrs.push(lead_attr(l, lm));
        f.records.push(l.meta.id.clone());
        f.facts.push(Fact {
            attr,
            month: YearMonth::of(l.acquired.value),
            event: Event::Lead {
                converted: lm.converted,
            },
        });
        if let Some(o) = &lm.first_contact
            && o.status != SlaStatus::Pending
        {
            f.facts.push(Fact {
                attr,
                month: YearMonth::of(o.start.date),
                event: Event::Contact {
                    met: o.status == SlaStatus::Met,
                },
            });
        }
    }
    for (d, dm) in repo.deals.iter().zip(deals) {
        if !dm.exists {
            continue;
        }
        let lead = dm.lead.map(|li| (&repo.leads[li], &leads[li]));
        let industry = index
            .customers
            .get(d.customer.as_str())
            .map(|&ci| repo.customers[ci].industry.clone())
            .or_else(|| lead.map(|(l, _)| l.industry.clone()));
        let attr = f.attrs.len() as u32;
        let la = lead.map(|(l, lm)| lead_attr(l, lm));
        f.attrs.push(Attr {
            owner: d.owner.value.clone(),
            channel: la.as_ref().and_then(|a| a.channel.clone()),
            group: la.as_ref().and_then(|a| a.group),
            industry,
            grade: la.as_ref().and_then(|a| a.grade),
        });
        f.records.push(d.meta.id.clone());
        if let Some(closed) = dm.closed {
            f.facts.push(Fact {
                attr,
                month: YearMonth::of(closed),
                event: Event::Closed {
                    won: dm.status == DealStatus::Won,
                    amount: d
                        .amount
                        .as_ref()
                        .and_then(|a| kpi::finite(a.value))
                        .unwrap_or(0.0),
                    cycle: dm.cycle_days,
                },
            });
        }
        for p in &d.payments {
            if as_of.happened(p.due.value) {
                f.facts.push(Fact {
                    attr,
                    month: YearMonth::of(p.due.value),
                    event: Event::Due {
                        amount: kpi::finite(p.amount.value).unwrap_or(0.0),
                        received: asof::payment_received(p, as_of).is_some(),
                    },
                });
            }
        }
        for v in &d.visits {
            if let Some(s) = v.satisfaction.and_then(kpi::finite)
                && as_of.happened(v.date.value)
            {
                f.facts.push(Fact {
                    attr,
                    month: YearMonth::of(v.date.value),
                    event: Event::Visit { satisfaction: s },
                });
            }
        }
    }
    f
}

fn sla_by_owner(repo: &Repo, leads: &[LeadMetrics], deals: &[DealMetrics]) -> Vec<OwnerSla> {
    let config = repo.config();
    let mut map: BTreeMap<String, OwnerSla> = BTreeMap::new();
    fn get<'m>(map: &'m mut BTreeMap<String, OwnerSla>, id: &str) -> &'m mut OwnerSla {
        map.entry(id.to_string()).or_insert_with(|| OwnerSla {
            owner: id.to_string(),
            ..OwnerSla::default()
        })
    }
    for (l, lm) in repo.leads.iter().zip(leads) {
        if let Some(o) = &lm.first_contact {
            get(&mut map, &l.owner).first_contact.add(o.status);
        }
    }
    for (d, dm) in repo.deals.iter().zip(deals) {
        let owner_of = |entry: usize| -> &str {
            d.stages[entry]
                .owner
                .as_ref()
                .map_or(d.owner.value.as_str(), |o| o.value.as_str())
        };
        for n in &dm.nurture {
            let o = get(&mut map, owner_of(n.entry));
            if n.ok() {
                o.nurture_ok += 1;
            } else {
                o.nurture_missed += 1;
            }
        }
        for m in &dm.minutes {
            get(&mut map, owner_of(m.entry))
                .minutes
                .add(m.outcome.status);
        }
    }
    let mut out: Vec<OwnerSla> = config
        .owners
        .iter()
        .map(|o| {
            map.remove(&o.id).unwrap_or_else(|| OwnerSla {
                owner: o.id.clone(),
                ..OwnerSla::default()
            })
        })
        .collect();
    out.extend(map.into_values());
    out
}
