//! The simulation: who the team is, which leads arrive when, which become deals
//! and how each deal moves through the stages. Everything here is plain data;
//! `render` turns it into files.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};

use super::rng::Rng;
use super::vocab::*;

pub struct Scale {
    pub name: &'static str,
    pub owners: usize,
    pub leads: usize,
    pub customers: usize,
    pub deals: usize,
    pub cases: usize,
    pub months: u32,
    /// Leads and deals in sub-folders by year.
    pub by_year: bool,
}

pub const SCALES: &[Scale] = &[
    Scale {
        name: "small",
        owners: 5,
        leads: 210,
        customers: 50,
        deals: 60,
        cases: 12,
        months: 13,
        by_year: false,
    },
    Scale {
        name: "medium",
        owners: 12,
        leads: 10_000,
        customers: 2_000,
        deals: 4_000,
        cases: 500,
        months: 24,
        by_year: true,
    },
    Scale {
        name: "large",
        owners: 40,
        leads: 100_000,
        customers: 20_000,
        deals: 40_000,
        cases: 5_000,
        months: 36,
        by_year: true,
    },
];

/// The last generated month; `as_of` is its last day.
pub const END_YEAR: i32 = 2025;
pub const END_MONTH: u32 = 12;

pub fn days(n: i64) -> Duration {
    Duration::days(n)
}

pub fn at(d: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
    d.and_hms_opt(h, m, 0).expect("valid time")
}

pub struct Owner {
    pub id: String,
    pub name: String,
    pub region: &'static str,
    pub team: String,
}

#[derive(Clone)]
pub struct Company {
    pub name: String,
    pub short: String,
    pub slug: String,
    pub domain: String,
    pub city: usize,
    pub industry: usize,
    pub en: bool,
}

#[derive(Clone)]
pub struct Contact {
    pub name: String,
    pub title: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

pub struct Lead {
    pub id: String,
    pub acquired: NaiveDate,
    pub source: usize,
    pub company: Company,
    pub contact: Contact,
    pub needs: Vec<&'static str>,
    pub owner: usize,
    pub assigned: Option<NaiveDateTime>,
    pub first_contact: Option<NaiveDateTime>,
    pub status: &'static str,
    pub invalid_reason: Option<&'static str>,
    pub annual_revenue: Option<u64>,
    pub budget: Option<bool>,
    pub match_: Option<u32>,
    pub grade: Option<&'static str>,
    pub event: Option<String>,
    pub deal: Option<usize>,
}

pub struct DecisionMaker {
    pub name: String,
    pub title: String,
    pub role: &'static str,
    pub concerns: Option<&'static str>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

pub struct Customer {
    pub id: String,
    pub company: Company,
    pub owner: usize,
    pub lead: usize,
    pub annual_revenue: u64,
    pub employees: u64,
    pub pain_points: Vec<&'static str>,
    pub chain: &'static [&'static str],
    pub decision_makers: Vec<DecisionMaker>,
    pub risks: Vec<(&'static str, &'static str)>,
    pub deals: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Won,
    Lost,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Won => "won",
            Status::Lost => "lost",
        }
    }
}

pub struct Entry {
    /// Index into `STAGES`.
    pub stage: usize,
    pub entered: NaiveDate,
    pub completed: Option<NaiveDate>,
    pub actions: Vec<&'static str>,
    pub outputs: Vec<&'static str>,
    pub owner: Option<usize>,
    pub presented: Option<NaiveDateTime>,
    pub minutes_sent: Option<NaiveDateTime>,
}

pub struct Activity {
    pub date: NaiveDate,
    pub kind: &'static str,
    pub note: String,
}

pub struct Payment {
    pub kind: &'static str,
    pub amount: u64,
    pub due: NaiveDate,
    pub received: Option<NaiveDate>,
}

pub struct Visit {
    pub date: NaiveDate,
    pub satisfaction: Option<u32>,
    pub note: &'static str,
    pub upsell: bool,
}

pub struct Deal {
    pub id: String,
    pub year: i32,
    pub customer: usize,
    pub lead: usize,
    /// Written as `lead = …` (repeat deals); the first deal uses the customer's lead.
    pub explicit_lead: bool,
    pub title: String,
    pub owner: usize,
    pub amount: Option<u64>,
    pub expected_close: Option<NaiveDate>,
    pub status: Status,
    pub closed: Option<NaiveDate>,
    pub lost_reason: Option<&'static str>,
    /// The stage where the outcome was decided (for case reviews).
    pub decisive: usize,
    pub stages: Vec<Entry>,
    pub activities: Vec<Activity>,
    pub payments: Vec<Payment>,
    pub visits: Vec<Visit>,
    pub contract_no: Option<String>,
}

pub struct Case {
    pub id: String,
    pub deal: usize,
    pub date: NaiveDate,
    pub success: bool,
    pub stage: usize,
    pub tags: Vec<String>,
    pub lessons: Vec<&'static str>,
    pub improvements: Vec<&'static str>,
    pub shareable: bool,
    pub en: bool,
}

pub struct World {
    pub scale: &'static Scale,
    pub start: NaiveDate,
    pub as_of: NaiveDate,
    pub owners: Vec<Owner>,
    pub leads: Vec<Lead>,
    pub customers: Vec<Customer>,
    pub deals: Vec<Deal>,
    pub cases: Vec<Case>,
    pub seed: u64,
}

pub fn month_start(y: i32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, 1).expect("valid month")
}

pub fn month_end(y: i32, m: u32) -> NaiveDate {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    month_start(ny, nm) - days(1)
}

fn person(rng: &mut Rng, surnames: &[(&str, &str)], given: &[(&str, &str)]) -> (String, String) {
    let (s, sp) = *rng.pick(surnames);
    let (g, gp) = *rng.pick(given);
    (format!("{s}{g}"), format!("{sp}{gp}"))
}

fn phone(rng: &mut Rng) -> String {
    if rng.chance(0.8) {
        format!("{}{:08}", rng.pick(MOBILE), rng.below(100_000_000))
    } else {
        format!(
            "0{}-{:04} {:04}",
            rng.range(10, 99),
            rng.range(2000, 8999),
            rng.below(10_000)
        )
    }
}

fn role_of(title: &str) -> &'static str {
    const RULES: &[(&str, &str)] = &[
        ("采购 Procurement", "buyer"),
        ("财务 CFO", "finance"),
        ("总经理 副总 副校长 厂长 COO", "executive"),
        ("IT 信息 技术 CTO 设备 数字化 科技", "technical"),
        (
            "运营 门店 仓储 调度 商品 供应链 生产 教务 Operations",
            "user",
        ),
    ];
    for (words, role) in RULES {
        if words.split(' ').any(|w| title.contains(w)) {
            return role;
        }
    }
    "other"
}

/// First matching default grading rule (SPEC §2.1).
pub fn rule_grade(rev: Option<u64>, budget: Option<bool>, m: Option<u32>) -> &'static str {
    let (rev, m) = (rev.unwrap_or(0), m.unwrap_or(0));
    if rev >= 50_000_000 && budget == Some(true) && m >= 70 {
        "high"
    } else if rev >= 10_000_000 && m >= 50 {
        "medium"
    } else {
        "low"
    }
}

struct Names {
    surnames: Vec<(&'static str, &'static str)>,
    given: Vec<(&'static str, &'static str)>,
    brands: Vec<(&'static str, &'static str)>,
}

fn contact(rng: &mut Rng, names: &Names, co: &Company) -> Contact {
    let ind = &INDUSTRIES[co.industry];
    let (name, py) = if co.en {
        let first = *rng.pick(&[
            "Anna", "David", "Emma", "James", "Laura", "Michael", "Sofia", "Tom",
        ]);
        let last = *rng.pick(&["Smith", "Keller", "Novak", "Brown", "Larsen", "Moreau"]);
        (
            format!("{first} {last}"),
            format!("{}.{}", first.to_lowercase(), last.to_lowercase()),
        )
    } else {
        person(rng, &names.surnames, &names.given)
    };
    let title = if co.en {
        rng.pick(EN_TITLES).to_string()
    } else if rng.chance(0.6) {
        rng.pick(ind.titles).to_string()
    } else {
        rng.pick(COMMON_TITLES).to_string()
    };
    let phone = rng.chance(0.8).then(|| phone(rng));
    let email = (phone.is_none() || rng.chance(0.5)).then(|| format!("{py}@{}", co.domain));
    Contact {
        name,
        title,
        phone,
        email,
    }
}

fn company(rng: &mut Rng, names: &Names, industry: usize, city: usize, en: bool) -> Company {
    let ind = &INDUSTRIES[industry];
    let (cname, cpy, _) = CITIES[city];
    if en {
        let b = *rng.pick(EN_BRANDS);
        let s = *rng.pick(ind.en_sfx);
        let slug = format!("{}-{}", b.to_lowercase(), ind.en.to_lowercase());
        return Company {
            name: format!("{b} {s}"),
            short: b.to_string(),
            domain: format!("{}.example.com", b.to_lowercase()),
            slug,
            city,
            industry,
            en,
        };
    }
    let (b, bpy) = *rng.pick(&names.brands);
    let (sfx, slug, short) = *rng.pick(ind.sfx);
    let with_city = rng.chance(0.5);
    Company {
        name: if with_city {
            format!("{cname}{b}{sfx}")
        } else {
            format!("{b}{sfx}")
        },
        short: format!("{b}{short}"),
        slug: if with_city {
            format!("{bpy}-{slug}-{cpy}")
        } else {
            format!("{bpy}-{slug}")
        },
        domain: format!("{bpy}.example.com"),
        city,
        industry,
        en,
    }
}

/// Working days count fully, weekends a fifth; February (the Spring Festival)
/// and the summer are quieter, March, September and the year end busier.
fn day_weight(d: NaiveDate) -> f64 {
    let wd = d.weekday().num_days_from_monday();
    let w = if wd >= 5 { 0.2 } else { 1.0 };
    let season =
        [0.9, 0.6, 1.2, 1.0, 1.0, 1.0, 0.9, 0.85, 1.2, 1.1, 1.1, 1.05][d.month0() as usize];
    w * season
}

pub fn generate(scale: &'static Scale, seed: u64) -> World {
    let root = Rng::new(seed);
    let names = Names {
        surnames: pairs(SURNAMES),
        given: pairs(GIVEN),
        brands: pairs(BRANDS),
    };
    let as_of = month_end(END_YEAR, END_MONTH);
    let total = END_YEAR * 12 + END_MONTH as i32 - 1 - (scale.months as i32 - 1);
    let start = month_start(total / 12, (total % 12) as u32 + 1);

    // ---------------------------------------------------------------- owners
    let mut rng = root.fork(1);
    let n_regions = (scale.owners / 3).clamp(4, REGIONS.len());
    let mut owners: Vec<Owner> = Vec::new();
    let mut used = std::collections::BTreeSet::new();
    for i in 0..scale.owners {
        let (name, py) = loop {
            let p = person(&mut rng, &names.surnames, &names.given);
            if used.insert(p.0.clone()) {
                break p;
            }
        };
        let mut id = py.clone();
        let mut k = 2;
        while owners.iter().any(|o| o.id == id) {
            id = format!("{py}{k}");
            k += 1;
        }
        owners.push(Owner {
            id,
            name,
            region: REGIONS[i % n_regions],
            team: format!("大客户{}组", TEAM_NUM[(i / 5) % TEAM_NUM.len()]),
        });
    }
    let cities: Vec<usize> = (0..CITIES.len())
        .filter(|&c| REGIONS[..n_regions].contains(&CITIES[c].2))
        .collect();
    let owners_of = |region: &str| -> Vec<usize> {
        (0..owners.len())
            .filter(|&o| owners[o].region == region)
            .collect()
    };
    let region_owners: Vec<Vec<usize>> = CITIES.iter().map(|c| owners_of(c.2)).collect();

    // ---------------------------------------------------------------- leads
    let mut rng = root.fork(2);
    let all_days: Vec<NaiveDate> = start.iter_days().take_while(|d| *d <= as_of).collect();
    let cum: Vec<f64> = all_days
        .iter()
        .scan(0.0, |s, d| {
            *s += day_weight(*d);
            Some(*s)
        })
        .collect();
    let total_w = *cum.last().expect("at least one day");
    let ch_w: Vec<f64> = CHANNELS.iter().map(|c| c.3).collect();
    let ind_w: Vec<f64> = INDUSTRIES.iter().map(|i| i.weight).collect();
    let mut leads: Vec<Lead> = (0..scale.leads)
        .map(|_| {
            let x = rng.f64() * total_w;
            let acquired = all_days[cum.partition_point(|&c| c <= x).min(all_days.len() - 1)];
            let source = rng.weighted(&ch_w);
            let industry = rng.weighted(&ind_w);
            let city = *rng.pick(&cities);
            let en = rng.chance(0.06);
            let co = company(&mut rng, &names, industry, city, en);
            let ctc = contact(&mut rng, &names, &co);
            let k = rng.range(1, 2) as usize;
            Lead {
                id: String::new(),
                acquired,
                source,
                needs: rng.sample(INDUSTRIES[industry].needs, k),
                owner: *rng.pick(&region_owners[city]),
                company: co,
                contact: ctc,
                assigned: None,
                first_contact: None,
                status: "contacted",
                invalid_reason: None,
                annual_revenue: None,
                budget: None,
                match_: None,
                grade: None,
                event: None,
                deal: None,
            }
        })
        .collect();
    leads.sort_by_key(|l| l.acquired);
    let width = scale.leads.to_string().len().max(3);
    for (i, l) in leads.iter_mut().enumerate() {
        l.id = format!("LX{:0width$}", i + 1);
    }

    // ---------------------------------------------------------------- which leads become deals
    // Weighted sampling without replacement (Efraimidis–Spirakis keys).
    let mut rng = root.fork(3);
    let last_deal_day = as_of - days(7);
    let mut keyed: Vec<(f64, usize)> = leads
        .iter()
        .enumerate()
        .filter(|(_, l)| l.acquired <= last_deal_day)
        .map(|(i, l)| (-(1.0 - rng.f64()).ln() / CHANNELS[l.source].4, i))
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut chosen: Vec<usize> = keyed.iter().take(scale.deals).map(|k| k.1).collect();
    chosen.sort_unstable();

    // ---------------------------------------------------------------- customers
    let mut customers: Vec<Customer> = Vec::new();
    let mut slugs: std::collections::BTreeMap<String, u32> = Default::default();
    let mut deal_customer: Vec<(usize, usize, bool)> = Vec::new(); // (lead, customer, repeat)
    for (k, &li) in chosen.iter().enumerate() {
        let remaining_deals = chosen.len() - k;
        let remaining_customers = scale.customers.saturating_sub(customers.len());
        let new =
            customers.is_empty() || rng.f64() < remaining_customers as f64 / remaining_deals as f64;
        if new {
            let lead = &leads[li];
            let co = lead.company.clone();
            let n = slugs.entry(co.slug.clone()).or_insert(0);
            *n += 1;
            let id = if *n == 1 {
                co.slug.clone()
            } else {
                format!("{}-{}", co.slug, n)
            };
            let ind = &INDUSTRIES[co.industry];
            let rev = *rng.pick(&[15u64, 30, 60, 80, 120, 200, 350, 600, 1200]) * 1_000_000;
            let mut dms = vec![DecisionMaker {
                name: lead.contact.name.clone(),
                title: lead.contact.title.clone(),
                role: role_of(&lead.contact.title),
                concerns: Some(*rng.pick(CONCERNS)),
                phone: lead.contact.phone.clone(),
                email: lead.contact.email.clone(),
            }];
            let extra = rng.range(1, 3) as usize;
            for title in rng.sample(MORE_TITLES, extra) {
                let c = contact(&mut rng, &names, &co);
                let title = if co.en {
                    c.title.clone()
                } else {
                    title.to_string()
                };
                dms.push(DecisionMaker {
                    role: role_of(&title),
                    name: c.name,
                    title,
                    concerns: rng.chance(0.5).then(|| *rng.pick(CONCERNS)),
                    phone: rng.chance(0.3).then_some(c.phone).flatten(),
                    email: rng.chance(0.3).then_some(c.email).flatten(),
                });
            }
            let nr = rng.range(1, 2) as usize;
            let risks = rng
                .sample(RISKS, nr)
                .into_iter()
                .map(|(k, notes)| (k, *rng.pick(notes)))
                .collect();
            customers.push(Customer {
                id,
                employees: (rev / rng.range(200_000, 600_000) as u64).max(30) / 10 * 10,
                annual_revenue: rev,
                owner: lead.owner,
                lead: li,
                pain_points: rng.sample(ind.pains, 2),
                chain: rng.pick::<&[&str]>(CHAINS),
                decision_makers: dms,
                risks,
                deals: Vec::new(),
                company: co,
            });
            deal_customer.push((li, customers.len() - 1, false));
        } else {
            let ci = rng.below(customers.len());
            let c = &customers[ci];
            let dm = rng.pick(&c.decision_makers);
            let lead = &mut leads[li];
            lead.company = c.company.clone();
            lead.owner = c.owner;
            lead.contact = Contact {
                name: dm.name.clone(),
                title: dm.title.clone(),
                phone: dm.phone.clone(),
                email: dm.email.clone(),
            };
            lead.needs = vec![*rng.pick(INDUSTRIES[c.company.industry].needs)];
            if rng.chance(0.5) {
                lead.source = CHANNELS.iter().position(|c| c.0 == "referral").unwrap_or(0);
            }
            deal_customer.push((li, ci, true));
        }
    }

    // ---------------------------------------------------------------- lead details
    let mut rng = root.fork(4);
    let deal_leads: std::collections::BTreeSet<usize> = chosen.iter().copied().collect();
    for (i, l) in leads.iter_mut().enumerate() {
        let is_deal = deal_leads.contains(&i);
        let recent = l.acquired >= as_of - days(2);
        if !is_deal && recent {
            l.status = "new";
            if l.acquired == as_of {
                l.assigned = Some(at(l.acquired, rng.range(9, 16) as u32, 30));
            }
        } else {
            let a = at(
                l.acquired,
                rng.range(9, 17) as u32,
                *rng.pick(&[0, 15, 30, 45]),
            );
            let mins = if rng.chance(0.025) {
                rng.range(26 * 60, 72 * 60)
            } else {
                rng.lognormal(180.0, 0.9, 10.0, 20.0 * 60.0) as i64
            };
            let fc = a + Duration::minutes(mins);
            l.assigned = Some(a);
            l.first_contact = (fc.date() <= as_of).then_some(fc);
            if !is_deal {
                let r = rng.f64();
                if r < 0.22 {
                    l.status = "invalid";
                    l.invalid_reason = Some(*rng.pick(INVALID_REASONS));
                } else if r < 0.55 {
                    l.status = "nurturing";
                }
            }
        }
        if rng.chance(0.78) {
            l.annual_revenue =
                Some(*rng.pick(&[5u64, 8, 15, 30, 60, 80, 120, 200, 350, 600]) * 1_000_000);
        }
        if rng.chance(0.8) {
            l.budget = Some(rng.chance(if is_deal { 0.6 } else { 0.35 }));
        }
        if rng.chance(0.8) {
            let lo = if is_deal { 11 } else { 6 };
            l.match_ = Some(rng.range(lo, 20) as u32 * 5);
        }
        if rng.chance(0.15) {
            let g = rule_grade(l.annual_revenue, l.budget, l.match_);
            l.grade = Some(if rng.chance(0.04) {
                if g == "high" { "medium" } else { "high" }
            } else {
                g
            });
        }
        if CHANNELS[l.source].0 == "trade_show" {
            l.event = Some(format!("{} {}", l.acquired.year(), rng.pick(EVENTS)));
        }
    }

    // ---------------------------------------------------------------- deals
    let mut rng = root.fork(5);
    let mut deal_ids: std::collections::BTreeMap<String, u32> = Default::default();
    let mut deals = Vec::with_capacity(deal_customer.len());
    for (di, &(li, ci, repeat)) in deal_customer.iter().enumerate() {
        let mut d = simulate(&mut rng, &leads[li], owners.len(), as_of, repeat);
        let base = format!("{}-{}", customers[ci].id, d.year);
        let n = deal_ids.entry(base.clone()).or_insert(0);
        *n += 1;
        d.id = if *n == 1 { base } else { format!("{base}-{n}") };
        d.customer = ci;
        d.lead = li;
        d.explicit_lead = repeat;
        if d.status == Status::Won {
            d.contract_no = Some(format!(
                "HT-{}-{:05}",
                d.closed.map_or(d.year, |c| c.year()),
                di + 1
            ));
        }
        customers[ci].deals.push(di);
        let l = &mut leads[li];
        l.deal = Some(di);
        l.status = if d.stages.iter().any(|e| e.stage >= 2) {
            "converted"
        } else {
            "nurturing"
        };
        deals.push(d);
    }

    // ---------------------------------------------------------------- cases
    let mut rng = root.fork(6);
    let closed: Vec<usize> = (0..deals.len())
        .filter(|&i| deals[i].closed.is_some_and(|c| c <= as_of - days(3)))
        .collect();
    let mut keyed: Vec<(f64, usize)> = closed
        .iter()
        .map(|&i| {
            let w = if deals[i].status == Status::Won {
                1.4
            } else {
                1.0
            };
            (-(1.0 - rng.f64()).ln() / w, i)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut picked: Vec<usize> = keyed.iter().take(scale.cases).map(|k| k.1).collect();
    picked.sort_unstable();
    let cases = picked
        .into_iter()
        .map(|di| {
            let d = &deals[di];
            let c = &customers[d.customer];
            let success = d.status == Status::Won;
            let closed = d.closed.expect("closed deals only");
            let date = (closed + days(rng.range(3, 30))).min(as_of);
            let en = c.company.en || rng.chance(0.05);
            let nl = rng.range(2, 3) as usize;
            let ni = rng.range(1, 3) as usize;
            let tags = vec![
                CHANNELS[leads[d.lead].source].1.to_string(),
                INDUSTRIES[c.company.industry].name.to_string(),
                STAGES[d.decisive].1.to_string(),
            ];
            Case {
                id: format!("{}-{}", d.id, if success { "win" } else { "loss" }),
                deal: di,
                date,
                success,
                stage: d.decisive,
                tags,
                lessons: if en {
                    rng.sample(EN_LESSONS, nl)
                } else {
                    rng.sample(LESSONS, nl)
                },
                improvements: if en {
                    rng.sample(EN_IMPROVEMENTS, ni.min(2))
                } else {
                    rng.sample(IMPROVEMENTS, ni)
                },
                shareable: rng.chance(0.4),
                en,
            }
        })
        .collect();

    World {
        scale,
        start,
        as_of,
        owners,
        leads,
        customers,
        deals,
        cases,
        seed,
    }
}

/// One deal from its lead: the full planned story, then cut at the as-of date
/// (anything later has not happened yet: the deal is open, payments unreceived).
fn simulate(rng: &mut Rng, lead: &Lead, n_owners: usize, as_of: NaiveDate, repeat: bool) -> Deal {
    let fc = lead
        .first_contact
        .map_or(lead.acquired + days(1), |f| f.date());
    let n0 = (fc + days(rng.range(0, 3))).min(as_of);
    let win_p = (0.5 * CHANNELS[lead.source].4 * if repeat { 1.2 } else { 1.0 }).min(0.85);
    let won = rng.chance(win_p);
    let (final_stage, lost_reason) = if won {
        (3, None)
    } else {
        let s = 1 + rng.weighted(&[0.35, 0.35, 0.30]);
        let reasons: Vec<&str> = LOST_REASONS
            .iter()
            .filter(|r| r.0 == s)
            .map(|r| r.1)
            .collect();
        (s, Some(*rng.pick(&reasons)))
    };
    let stalled = rng
        .chance(0.03)
        .then(|| rng.range(2, 3) as usize)
        .filter(|&s| s <= final_stage);
    let mut dur = [
        0,
        rng.lognormal(14.0, 0.45, 5.0, 60.0) as i64,
        rng.lognormal(10.0, 0.45, 3.0, 45.0) as i64,
        rng.lognormal(12.0, 0.5, 3.0, 60.0) as i64,
    ];
    if let Some(s) = stalled {
        dur[s] = (dur[s] * 4).min(150);
    }
    if !won {
        dur[final_stage] = ((dur[final_stage] as f64 * (0.4 + 0.6 * rng.f64())) as i64).max(1);
    }
    let amount = rng.lognormal(450_000.0, 0.75, 100_000.0, 3_000_000.0);
    let amount = (amount / 5_000.0).round() as u64 * 5_000;

    // Stage entries in process order, never skipping nurture or proposal.
    let mut entered = [n0; 5];
    for s in 2..=final_stage {
        entered[s] = entered[s - 1] + days(dur[s - 1]);
    }
    let closed = entered[final_stage] + days(dur[final_stage]);
    let mut stages = Vec::new();
    let mut acts: Vec<Activity> = Vec::new();
    let act = |acts: &mut Vec<Activity>, date, kind: &'static str, note: String| {
        acts.push(Activity { date, kind, note });
    };
    for s in 1..=final_stage {
        let end = if s < final_stage {
            entered[s + 1]
        } else {
            closed
        };
        let is_last = s == final_stage;
        let mut e = Entry {
            stage: s,
            entered: entered[s],
            completed: (!is_last && rng.chance(0.7)).then_some(end),
            actions: if is_last && !won {
                vec![ACTIONS[s][0]]
            } else {
                rng.sample(ACTIONS[s], 2)
            },
            outputs: STAGES[s].5.to_vec(),
            owner: (s == 3 && rng.chance(0.03)).then(|| rng.below(n_owners)),
            presented: None,
            minutes_sent: None,
        };
        if rng.chance(0.004) {
            e.outputs.pop(); // an expected document not filed
        }
        let len = (end - entered[s]).num_days();
        match s {
            1 => {
                // At least one valuable interaction per started week (SPEC §1).
                let weeks = ((len + 6) / 7).max(1);
                let gap = weeks >= 2 && rng.chance(0.015);
                for k in 0..weeks {
                    if gap && k == weeks - 1 {
                        continue;
                    }
                    let (date, kind) = if k == 0 {
                        (entered[s], *rng.pick(&["meeting", "visit"]))
                    } else {
                        (
                            entered[s] + days(7 * k - rng.range(0, 3)),
                            *rng.pick(ACT_KINDS),
                        )
                    };
                    let note = if k == 0 {
                        "需求调研会，了解业务流程"
                    } else {
                        *rng.pick(act_notes(kind))
                    };
                    act(&mut acts, date, kind, note.to_string());
                }
                if rng.chance(0.3) && len > 0 {
                    let kind = *rng.pick(ACT_KINDS);
                    act(
                        &mut acts,
                        entered[s] + days(rng.range(0, len)),
                        kind,
                        rng.pick(act_notes(kind)).to_string(),
                    );
                }
            }
            2 => {
                let off = if len >= 2 { rng.range(1, len - 1) } else { 0 };
                let p = at(entered[s] + days(off), *rng.pick(&[10, 14, 15]), 0);
                let h = if rng.chance(0.02) {
                    rng.range(30, 60)
                } else {
                    rng.range(2, 22)
                };
                let mut m = p + Duration::hours(h);
                if h < 24 && m.hour() >= 20 {
                    // written up the next morning, still within the SLA
                    m = at(p.date() + days(1), 9, 30);
                }
                e.presented = Some(p);
                e.minutes_sent = Some(m);
                act(&mut acts, p.date(), "meeting", "方案汇报会".into());
                act(
                    &mut acts,
                    m.date(),
                    "email",
                    "发送会议纪要及修订方案".into(),
                );
                if stalled != Some(s) {
                    let mut d = entered[s] + days(rng.range(3, 7));
                    while d < end {
                        act(
                            &mut acts,
                            d,
                            rng.pick::<&str>(&["call", "email"]),
                            rng.pick(PROPOSAL_NOTES).to_string(),
                        );
                        d += days(rng.range(5, 9));
                    }
                }
            }
            _ => {
                let mut d = entered[s] + days(1);
                let mut first = true;
                while d < end && (first || stalled != Some(s)) {
                    act(
                        &mut acts,
                        d,
                        rng.pick::<&str>(&["meeting", "call"]),
                        rng.pick(NEGOTIATION_NOTES).to_string(),
                    );
                    d += days(rng.range(4, 9));
                    first = false;
                }
            }
        }
        stages.push(e);
    }
    if let Some(r) = lost_reason {
        act(&mut acts, closed, "call", format!("客户告知最终结果：{r}"));
    } else {
        act(&mut acts, closed, "meeting", "合同签署".into());
    }

    let mut payments = Vec::new();
    let mut visits = Vec::new();
    if won {
        let f0 = closed + days(rng.range(0, 7));
        let flen = if amount >= 1_000_000 {
            rng.range(90, 150)
        } else {
            rng.range(45, 100)
        };
        stages.push(Entry {
            stage: 4,
            entered: f0,
            completed: Some(f0 + days(flen)),
            actions: ACTIONS[4].to_vec(),
            outputs: STAGES[4].5.to_vec(),
            owner: None,
            presented: None,
            minutes_sent: None,
        });
        let plan: &[(&str, f64, i64)] = if amount >= 400_000 {
            &[
                ("prepayment", 0.3, 10),
                ("progress", 0.4, 75),
                ("final", 0.3, 150),
            ]
        } else {
            &[("prepayment", 0.5, 10), ("final", 0.5, 100)]
        };
        let mut left = amount;
        for (i, &(kind, share, off)) in plan.iter().enumerate() {
            let a = if i + 1 == plan.len() {
                left
            } else {
                ((amount as f64 * share) / 1000.0).round() as u64 * 1000
            };
            left -= a;
            let due = closed + days(off + rng.range(-3, 5));
            let r = rng.f64();
            let received = if r < 0.85 {
                (due - days(rng.range(0, 5))).max(closed)
            } else if r < 0.97 {
                due + days(rng.range(1, 12))
            } else {
                due + days(rng.range(20, 90))
            };
            payments.push(Payment {
                kind,
                amount: a,
                due,
                received: Some(received),
            });
        }
        let mut d = f0 + days(rng.range(21, 35));
        for _ in 0..rng.range(1, 4) {
            let upsell = rng.chance(0.1);
            let sat = rng
                .chance(0.9)
                .then(|| (87.0 + 5.0 * rng.normal()).round().clamp(60.0, 100.0) as u32);
            visits.push(Visit {
                date: d,
                satisfaction: sat,
                note: if upsell {
                    UPSELL_NOTE
                } else {
                    rng.pick::<&str>(VISIT_NOTES)
                },
                upsell,
            });
            d += days(rng.range(60, 95));
        }
    }
    acts.sort_by_key(|a| a.date);

    let title = format!(
        "{}{}",
        lead.needs[0],
        if repeat {
            "二期项目"
        } else {
            *rng.pick(TITLE_SFX)
        }
    );
    let decisive = if won {
        1 + rng.weighted(&[0.25, 0.4, 0.35])
    } else {
        final_stage
    };
    let mut deal = Deal {
        id: String::new(),
        year: n0.year(),
        customer: 0,
        lead: 0,
        explicit_lead: false,
        title,
        owner: lead.owner,
        amount: Some(amount),
        expected_close: None,
        status: if won { Status::Won } else { Status::Lost },
        closed: Some(closed),
        lost_reason,
        decisive,
        stages,
        activities: acts,
        payments,
        visits,
        contract_no: None,
    };

    // Cut at the as-of date.
    if closed > as_of {
        deal.status = Status::Open;
        deal.closed = None;
        deal.lost_reason = None;
        deal.expected_close = Some(if won {
            closed
        } else {
            as_of + days(rng.range(14, 60))
        });
        deal.payments.clear();
        if rng.chance(0.15) {
            deal.amount = None;
        }
    } else if !won && rng.chance(0.3) {
        deal.amount = None;
    }
    deal.stages.retain(|e| e.entered <= as_of);
    for e in &mut deal.stages {
        if e.completed.is_some_and(|c| c > as_of) {
            e.completed = None;
        }
        if e.presented.is_some_and(|p| p.date() > as_of) {
            e.presented = None;
            e.minutes_sent = None;
        }
        if e.minutes_sent.is_some_and(|m| m.date() > as_of) {
            e.minutes_sent = None;
        }
        if e.stage == 4 && e.completed.is_none() {
            e.actions.truncate(1);
        }
    }
    deal.activities.retain(|a| a.date <= as_of);
    deal.visits.retain(|v| v.date <= as_of);
    for p in &mut deal.payments {
        if p.received.is_some_and(|r| r > as_of) {
            p.received = None;
        }
    }
    deal
}
