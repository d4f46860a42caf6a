//! The ten monthly KPIs of SPEC §4: definitions, the per-month accumulation
//! (written once, run over the whole team or any subset, see `breakdown`), and
//! the monthly table with target, completion, MoM, YoY and analysis.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use serde::Serialize;

use crate::model::{ChannelGroup, Grade, Month, YearMonth};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// ↑ higher is better.
    Up,
    /// ↓ lower is better.
    Down,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Count,
    /// A fraction (0.12 = 12%).
    Rate,
    /// Yuan.
    Amount,
    Days,
    /// 0–100.
    Score,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KpiDef {
    pub key: &'static str,
    pub direction: Direction,
    pub unit: Unit,
    pub zh: &'static str,
    pub en: &'static str,
}

const fn def(
    key: &'static str,
    direction: Direction,
    unit: Unit,
    zh: &'static str,
    en: &'static str,
) -> KpiDef {
    KpiDef {
        key,
        direction,
        unit,
        zh,
        en,
    }
}

/// The KPIs of SPEC §4, in table order. `MonthKpis::values` follows this order.
pub const KPIS: [KpiDef; 10] = {
    use Direction::*;
    use Unit::*;
    [
        def("new_leads", Up, Count, "新增线索数", "New leads"),
        def(
            "lead_conversion_rate",
            Up,
            Rate,
            "线索转化率",
            "Lead conversion rate",
        ),
        def(
            "first_contact_sla",
            Up,
            Rate,
            "首次联系及时率",
            "First contact within SLA",
        ),
        def("deals_won", Up, Count, "成交数", "Deals won"),
        def("win_rate", Up, Rate, "赢单率", "Win rate"),
        def("revenue", Up, Amount, "成交金额", "Revenue"),
        def("avg_deal_size", Up, Amount, "客单价", "Average deal size"),
        def(
            "avg_deal_cycle_days",
            Down,
            Days,
            "平均成交周期(天)",
            "Average deal cycle (days)",
        ),
        def("collection_rate", Up, Rate, "回款率", "Collection rate"),
        def(
            "satisfaction",
            Up,
            Score,
            "客户满意度(分)",
            "Customer satisfaction (score)",
        ),
    ]
};

/// Position of a KPI key in [`KPIS`]; `None` for an unknown key.
pub fn kpi_index(key: &str) -> Option<usize> {
    KPIS.iter().position(|k| k.key == key)
}

pub fn kpi_def(key: &str) -> Option<&'static KpiDef> {
    KPIS.iter().find(|k| k.key == key)
}

/// One KPI in one month, as in `kpis.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct KpiValue {
    pub actual: Option<f64>,
    pub target: Option<f64>,
    pub completion: Option<f64>,
    pub mom: Option<f64>,
    pub yoy: Option<f64>,
    pub analysis: Option<String>,
}

/// The KPIs of one month, in [`KPIS`] order.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthKpis {
    pub month: YearMonth,
    pub values: Vec<KpiValue>,
}

impl MonthKpis {
    pub fn get(&self, key: &str) -> Option<&KpiValue> {
        self.values.get(kpi_index(key)?)
    }
    /// (definition, value) pairs in table order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static KpiDef, &KpiValue)> {
        KPIS.iter().zip(&self.values)
    }
}

/// Keeps only finite numbers: no NaN or infinity reaches the output.
pub(crate) fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    if den == 0.0 { None } else { finite(num / den) }
}

/// actual ÷ target for ↑, target ÷ actual for ↓; null when either is null or
/// the divisor is 0.
pub fn completion(direction: Direction, actual: Option<f64>, target: Option<f64>) -> Option<f64> {
    let (a, t) = (actual?, target?);
    match direction {
        Direction::Up => ratio(a, t),
        Direction::Down => ratio(t, a),
    }
}

fn diff(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    finite(a? - b?)
}

/// Who and what a fact is attributed to, for breakdowns.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Attr {
    pub owner: String,
    pub channel: Option<String>,
    pub group: Option<ChannelGroup>,
    pub industry: Option<String>,
    pub grade: Option<Grade>,
}

/// Something that counts towards a KPI, in the month it happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event {
    /// A lead acquired (on or before the as-of date); converted = it leads to a
    /// deal won on or before the as-of date.
    Lead { converted: bool },
    /// A lead assigned, with a first-contact result that counts (met or missed).
    Contact { met: bool },
    /// A deal won or lost (closed on or before the as-of date).
    Closed {
        won: bool,
        amount: f64,
        cycle: Option<i64>,
    },
    /// A payment due (on or before the as-of date).
    Due { amount: f64, received: bool },
    /// A visit with a satisfaction score.
    Visit { satisfaction: f64 },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fact {
    /// Index into [`Facts::attrs`].
    pub attr: u32,
    pub month: YearMonth,
    pub event: Event,
}

/// Every KPI-relevant event as of the date, with its attribution: the one input
/// of the KPI computation, for the team and for every breakdown subset.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub attrs: Vec<Attr>,
    pub facts: Vec<Fact>,
}

/// Sums for one month (and one subset).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Acc {
    pub leads: u64,
    pub converted: u64,
    pub contact_met: u64,
    pub contact_counted: u64,
    pub won: u64,
    pub lost: u64,
    pub revenue: f64,
    pub cycle_sum: f64,
    pub cycle_n: u64,
    pub due: f64,
    pub received: f64,
    pub satisfaction_sum: f64,
    pub satisfaction_n: u64,
}

impl Acc {
    pub fn add(&mut self, e: &Event) {
        match *e {
            Event::Lead { converted } => {
                self.leads += 1;
                self.converted += converted as u64;
            }
            Event::Contact { met } => {
                self.contact_counted += 1;
                self.contact_met += met as u64;
            }
            Event::Closed { won, amount, cycle } => {
                if won {
                    self.won += 1;
                    self.revenue += amount;
                    if let Some(c) = cycle {
                        self.cycle_sum += c as f64;
                        self.cycle_n += 1;
                    }
                } else {
                    self.lost += 1;
                }
            }
            Event::Due { amount, received } => {
                self.due += amount;
                if received {
                    self.received += amount;
                }
            }
            Event::Visit { satisfaction } => {
                self.satisfaction_sum += satisfaction;
                self.satisfaction_n += 1;
            }
        }
    }

    /// The actual values, in [`KPIS`] order.
    pub fn actuals(&self) -> [Option<f64>; 10] {
        let n = |x: u64| x as f64;
        [
            Some(n(self.leads)),
            ratio(n(self.converted), n(self.leads)),
            ratio(n(self.contact_met), n(self.contact_counted)),
            Some(n(self.won)),
            ratio(n(self.won), n(self.won + self.lost)),
            finite(self.revenue),
            ratio(self.revenue, n(self.won)),
            ratio(self.cycle_sum, n(self.cycle_n)),
            ratio(self.received, self.due),
            ratio(self.satisfaction_sum, n(self.satisfaction_n)),
        ]
    }
}

/// Sums per subset key and month, keys in order of first appearance among the
/// attributions. `key` returns `None` to leave a fact out.
pub fn accumulate<K: Hash + Eq + Clone>(
    facts: &Facts,
    key: impl Fn(&Attr) -> Option<K>,
) -> Vec<(K, BTreeMap<YearMonth, Acc>)> {
    let mut ids: HashMap<K, usize> = HashMap::new();
    let mut out: Vec<(K, BTreeMap<YearMonth, Acc>)> = Vec::new();
    let attr_ids: Vec<Option<usize>> = facts
        .attrs
        .iter()
        .map(|a| {
            let k = key(a)?;
            Some(*ids.entry(k.clone()).or_insert_with(|| {
                out.push((k, BTreeMap::new()));
                out.len() - 1
            }))
        })
        .collect();
    for f in &facts.facts {
        if let Some(i) = attr_ids[f.attr as usize] {
            out[i].1.entry(f.month).or_default().add(&f.event);
        }
    }
    out
}

/// Targets and analysis texts of the month files, by month.
#[derive(Debug, Default)]
pub struct Targets<'a> {
    months: HashMap<YearMonth, &'a Month>,
}

impl<'a> Targets<'a> {
    pub fn new(months: &'a [Month]) -> Self {
        let mut map = HashMap::new();
        for m in months {
            if let Some(ym) = m.month {
                map.entry(ym).or_insert(m);
            }
        }
        Targets { months: map }
    }
    pub fn target(&self, ym: YearMonth, key: &str) -> Option<f64> {
        let m = self.months.get(&ym)?;
        m.targets
            .iter()
            .find(|(k, _)| k.value == key)
            .and_then(|(_, v)| finite(*v))
    }
    pub fn analysis(&self, ym: YearMonth, key: &str) -> Option<String> {
        let m = self.months.get(&ym)?;
        m.analysis
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(_, v)| v.clone())
    }
}

/// The monthly table for `months` from per-month sums. Months outside the map
/// (including M−1 and M−12 before the first reported month) are computed the
/// same way from no events: counts and sums 0, rates and means null.
pub fn table(
    months: &[YearMonth],
    accs: &BTreeMap<YearMonth, Acc>,
    targets: Option<&Targets>,
) -> Vec<MonthKpis> {
    let actuals = |ym: YearMonth| accs.get(&ym).copied().unwrap_or_default().actuals();
    months
        .iter()
        .map(|&ym| {
            let now = actuals(ym);
            let prev = actuals(ym.plus(-1));
            let year_ago = actuals(ym.plus(-12));
            let values = KPIS
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let target = targets.and_then(|t| t.target(ym, d.key));
                    KpiValue {
                        actual: now[i],
                        target,
                        completion: completion(d.direction, now[i], target),
                        mom: diff(now[i], prev[i]),
                        yoy: diff(now[i], year_ago[i]),
                        analysis: targets.and_then(|t| t.analysis(ym, d.key)),
                    }
                })
                .collect();
            MonthKpis { month: ym, values }
        })
        .collect()
}
