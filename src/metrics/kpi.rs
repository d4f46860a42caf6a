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
    /// The id of the record (lead or deal) behind each attribution, parallel to
    /// `attrs`: what [`contributors`] names.
    pub records: Vec<String>,
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

    /// Numerator and denominator of the KPI at `i` in [`KPIS`] (denominator
    /// `None` for counts and sums). The one definition of what each KPI adds up:
    /// [`Acc::actuals`] divides them and [`contributors`] lists the facts that
    /// move them.
    pub fn parts(&self, i: usize) -> (f64, Option<f64>) {
        let n = |x: u64| x as f64;
        match i {
            0 => (n(self.leads), None),
            1 => (n(self.converted), Some(n(self.leads))),
            2 => (n(self.contact_met), Some(n(self.contact_counted))),
            3 => (n(self.won), None),
            4 => (n(self.won), Some(n(self.won + self.lost))),
            5 => (self.revenue, None),
            6 => (self.revenue, Some(n(self.won))),
            7 => (self.cycle_sum, Some(n(self.cycle_n))),
            8 => (self.received, Some(self.due)),
            _ => (self.satisfaction_sum, Some(n(self.satisfaction_n))),
        }
    }

    /// The actual values, in [`KPIS`] order.
    pub fn actuals(&self) -> [Option<f64>; 10] {
        std::array::from_fn(|i| match self.parts(i) {
            (num, None) => finite(num),
            (num, Some(den)) => ratio(num, den),
        })
    }
}

/// What one record adds to a KPI's numerator and denominator in one month.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// Lead id (new leads, conversion, first contact) or deal id (the rest).
    pub record: String,
    pub numerator: f64,
    /// 0 for counts and sums.
    pub denominator: f64,
}

/// The facts behind one KPI of one month: how an assertion explains itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Contributors {
    pub def: &'static KpiDef,
    /// The KPI's value computed from exactly these facts (the team's actual).
    pub value: Option<f64>,
    pub numerator: f64,
    /// `None` for counts and sums.
    pub denominator: Option<f64>,
    /// One entry per record, in the order of the facts, with a non-zero
    /// numerator or denominator share.
    pub records: Vec<Contribution>,
}

/// The records that make up KPI `key` in `month`, over all facts; `None` for an
/// unknown key. Each fact is run through the same [`Acc::add`] and
/// [`Acc::parts`] as the KPI itself, so "which facts count" has one definition.
/// Separate from [`table`] so the normal path does not pay for the ids.
pub fn contributors(month: YearMonth, key: &str, facts: &Facts) -> Option<Contributors> {
    let i = kpi_index(key)?;
    let mut total = Acc::default();
    let mut records: Vec<Contribution> = Vec::new();
    let mut seen: HashMap<u32, usize> = HashMap::new();
    for f in facts.facts.iter().filter(|f| f.month == month) {
        total.add(&f.event);
        let mut one = Acc::default();
        one.add(&f.event);
        let (num, den) = one.parts(i);
        let den = den.unwrap_or(0.0);
        if num == 0.0 && den == 0.0 {
            continue;
        }
        // A deal's payments or visits in the month are one record's share.
        match seen.get(&f.attr) {
            Some(&r) => {
                records[r].numerator += num;
                records[r].denominator += den;
            }
            None => {
                seen.insert(f.attr, records.len());
                records.push(Contribution {
                    record: facts
                        .records
                        .get(f.attr as usize)
                        .cloned()
                        .unwrap_or_default(),
                    numerator: num,
                    denominator: den,
                });
            }
        }
    }
    let (numerator, denominator) = total.parts(i);
    Some(Contributors {
        def: &KPIS[i],
        value: total.actuals()[i],
        numerator,
        denominator,
        records,
    })
}

/// Sums per subset key and month, keys in order of first appearance among the
/// attributions. `key` returns `None` to leave a fact out.
pub fn accumulate<'a, K: Hash + Eq + Clone>(
    facts: &'a Facts,
    key: impl Fn(&'a Attr) -> Option<K>,
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
    // Summed in a dense table (key × month), then moved into the maps: one
    // array index per fact instead of a tree lookup (this runs once per
    // breakdown dimension over every fact).
    let index = |m: YearMonth| m.year as i64 * 12 + m.month as i64;
    let (lo, hi) = facts
        .facts
        .iter()
        .map(|f| index(f.month))
        .fold((i64::MAX, i64::MIN), |(lo, hi), m| (lo.min(m), hi.max(m)));
    if lo > hi {
        return out;
    }
    let width = (hi - lo + 1) as usize;
    if out.len().saturating_mul(width) > 4 * facts.facts.len() + 4096 {
        // Sparse (many keys over many months): a table would be mostly empty.
        for f in &facts.facts {
            if let Some(i) = attr_ids[f.attr as usize] {
                out[i].1.entry(f.month).or_default().add(&f.event);
            }
        }
        return out;
    }
    let mut dense: Vec<Option<Acc>> = vec![None; out.len() * width];
    let mut months: Vec<Option<YearMonth>> = vec![None; width];
    for f in &facts.facts {
        if let Some(i) = attr_ids[f.attr as usize] {
            let m = (index(f.month) - lo) as usize;
            months[m] = Some(f.month);
            dense[i * width + m].get_or_insert_default().add(&f.event);
        }
    }
    for (i, (_, map)) in out.iter_mut().enumerate() {
        for (m, acc) in dense[i * width..(i + 1) * width].iter().enumerate() {
            if let (Some(acc), Some(month)) = (acc, months[m]) {
                map.insert(month, *acc);
            }
        }
    }
    out
}

/// Targets and analysis texts of the month files, by month.
#[derive(Debug, Default, Clone)]
pub struct Targets<'a> {
    months: HashMap<YearMonth, &'a Month>,
    /// The owner whose `[targets.owners.<id>]` these are (a scorecard), or
    /// the team's `[targets]`.
    owner: Option<&'a str>,
}

impl<'a> Targets<'a> {
    pub fn new(months: &'a [Month]) -> Self {
        let mut map = HashMap::new();
        for m in months {
            if let Some(ym) = m.month {
                map.entry(ym).or_insert(m);
            }
        }
        Targets {
            months: map,
            owner: None,
        }
    }
    /// One owner's targets (no analysis texts: those are the team's).
    pub fn of_owner(&self, owner: &'a str) -> Self {
        Targets {
            months: self.months.clone(),
            owner: Some(owner),
        }
    }
    pub fn target(&self, ym: YearMonth, key: &str) -> Option<f64> {
        let m = self.months.get(&ym)?;
        let targets = match self.owner {
            None => &m.targets,
            Some(o) => &m.owner_targets.iter().find(|(id, _)| id.value == o)?.1,
        };
        targets
            .iter()
            .find(|(k, _)| k.value == key)
            .and_then(|(_, v)| finite(*v))
    }
    pub fn analysis(&self, ym: YearMonth, key: &str) -> Option<String> {
        if self.owner.is_some() {
            return None;
        }
        let m = self.months.get(&ym)?;
        m.analysis
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(_, v)| v.clone())
    }
}

/// The monthly table for `months` from per-month sums. A reported month
/// without events has counts and sums 0, rates and means null. A month before
/// the first reported month has no data at all (SPEC §4): every actual null, so
/// every `mom`/`yoy` against it is null, counts and sums too.
pub fn table(
    months: &[YearMonth],
    accs: &BTreeMap<YearMonth, Acc>,
    targets: Option<&Targets>,
) -> Vec<MonthKpis> {
    let first = months.first().copied();
    let actuals = |ym: YearMonth| {
        if first.is_some_and(|f| ym < f) {
            return [None; 10];
        }
        accs.get(&ym).copied().unwrap_or_default().actuals()
    };
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

#[cfg(test)]
mod contributor_tests {
    use super::*;

    fn ym(s: &str) -> YearMonth {
        YearMonth::parse(s).expect("month")
    }

    /// October: lead LX1 (converted), lead LX2; deal D1 won 500,000 (cycle 30)
    /// with two payments due (300,000 received, 200,000 not); deal D2 lost;
    /// deal D3 won 1,200,000 in November.
    fn facts() -> Facts {
        let mut f = Facts::default();
        let mut add = |record: &str, month: &str, events: &[Event]| {
            let attr = f.attrs.len() as u32;
            f.attrs.push(Attr::default());
            f.records.push(record.into());
            for e in events {
                f.facts.push(Fact {
                    attr,
                    month: ym(month),
                    event: *e,
                });
            }
        };
        add("LX1", "2023-10", &[Event::Lead { converted: true }]);
        add("LX2", "2023-10", &[Event::Lead { converted: false }]);
        let won = |amount| Event::Closed {
            won: true,
            amount,
            cycle: Some(30),
        };
        add(
            "D1",
            "2023-10",
            &[
                won(500_000.0),
                Event::Due {
                    amount: 300_000.0,
                    received: true,
                },
                Event::Due {
                    amount: 200_000.0,
                    received: false,
                },
            ],
        );
        add(
            "D2",
            "2023-10",
            &[Event::Closed {
                won: false,
                amount: 80_000.0,
                cycle: None,
            }],
        );
        add("D3", "2023-11", &[won(1_200_000.0)]);
        f
    }

    fn ids(c: &Contributors) -> Vec<(&str, f64, f64)> {
        c.records
            .iter()
            .map(|r| (r.record.as_str(), r.numerator, r.denominator))
            .collect()
    }

    #[test]
    fn revenue_is_the_won_deals_of_the_month() {
        let c = contributors(ym("2023-10"), "revenue", &facts()).unwrap();
        assert_eq!(c.value, Some(500_000.0));
        assert_eq!(c.denominator, None);
        // D2 is lost (adds nothing), D3 is won in November.
        assert_eq!(ids(&c), [("D1", 500_000.0, 0.0)]);
    }

    #[test]
    fn win_rate_lists_won_over_closed() {
        let c = contributors(ym("2023-10"), "win_rate", &facts()).unwrap();
        assert_eq!(c.value, Some(0.5));
        assert_eq!((c.numerator, c.denominator), (1.0, Some(2.0)));
        assert_eq!(ids(&c), [("D1", 1.0, 1.0), ("D2", 0.0, 1.0)]);
    }

    #[test]
    fn payments_of_one_deal_are_one_share() {
        let c = contributors(ym("2023-10"), "collection_rate", &facts()).unwrap();
        assert_eq!(c.value, Some(0.6));
        assert_eq!(ids(&c), [("D1", 300_000.0, 500_000.0)]);
    }

    #[test]
    fn conversion_names_leads() {
        let c = contributors(ym("2023-10"), "lead_conversion_rate", &facts()).unwrap();
        assert_eq!(ids(&c), [("LX1", 1.0, 1.0), ("LX2", 0.0, 1.0)]);
    }

    #[test]
    fn every_value_matches_the_table() {
        let f = facts();
        let team = accumulate(&f, |_| Some(()));
        let months = [ym("2023-09"), ym("2023-10"), ym("2023-11")];
        for m in table(&months, &team[0].1, None) {
            for (def, v) in m.iter() {
                let c = contributors(m.month, def.key, &f).unwrap();
                assert_eq!(c.value, v.actual, "{} {}", m.month, def.key);
            }
        }
    }

    #[test]
    fn an_unknown_key_has_no_contributors() {
        assert!(contributors(ym("2023-10"), "revnue", &facts()).is_none());
    }
}
