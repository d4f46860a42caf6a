//! Hand-computed tests of SPEC §2.4 and §4, and property tests.

use super::testutil::*;
use super::*;
use crate::model::{DealStatus, Grade};

fn compute(
    leads: Vec<crate::model::Lead>,
    customers: Vec<crate::model::Customer>,
    deals: Vec<crate::model::Deal>,
    months: Vec<crate::model::Month>,
    date: &str,
) -> Metrics {
    let (repo, index) = repo(leads, customers, deals, months);
    Metrics::compute(&repo, &index, d(date))
}

fn actual(m: &Metrics, month: &str, key: &str) -> Option<f64> {
    m.kpi(ym(month), key).expect("month in range").actual
}

fn spans(h: &[EntrySpan]) -> Vec<(&str, String, String, i64, EndRule)> {
    h.iter()
        .map(|s| {
            (
                s.stage_id.as_str(),
                s.entered.to_string(),
                s.end.to_string(),
                s.days,
                s.rule,
            )
        })
        .collect()
}

fn s(
    stage: &'static str,
    entered: &str,
    end: &str,
    days: i64,
    rule: EndRule,
) -> (&'static str, String, String, i64, EndRule) {
    (stage, entered.into(), end.into(), days, rule)
}

// ---------------------------------------------------------------- history

/// SPEC §7 table 3: proposal 10-15 (5 days), negotiation 10-20 (7 days, closed 10-27).
fn a_tech() -> crate::model::Deal {
    with_lead(
        won(
            deal(
                "a-tech-2023",
                "a-tech",
                vec![
                    entry("nurture", "2023-10-10"),
                    entry("proposal", "2023-10-15"),
                    entry("negotiation", "2023-10-20"),
                ],
            ),
            "2023-10-27",
            500000.0,
        ),
        "LX001",
    )
}

#[test]
fn implicit_lead_entry_and_template_table3() {
    let c = config();
    let l = lead("LX001", "2023-10-08");
    let h = history::stage_history(&c, &a_tech(), Some(&l), &as_of("2023-10-31"));
    use EndRule::*;
    assert_eq!(
        spans(&h),
        vec![
            s("lead", "2023-10-08", "2023-10-10", 2, Next),
            s("nurture", "2023-10-10", "2023-10-15", 5, Next),
            s("proposal", "2023-10-15", "2023-10-20", 5, Next),
            s("negotiation", "2023-10-20", "2023-10-27", 7, Closed),
        ]
    );
    assert_eq!(h[0].entry, None);
    assert_eq!(h[1].entry, Some(0));
    assert_eq!(
        history::cycle_days(&a_tech(), Some(&l), &as_of("2023-10-31")),
        Some(19)
    );
}

#[test]
fn no_implicit_entry_without_lead_or_lead_stage_or_when_history_starts_with_lead() {
    let mut c = config();
    let l = lead("LX001", "2023-10-01");
    let a = as_of("2023-10-31");
    // Starts with `lead` already.
    let dl = deal(
        "x",
        "c",
        vec![entry("lead", "2023-10-03"), entry("nurture", "2023-10-05")],
    );
    let h = history::stage_history(&c, &dl, Some(&l), &a);
    assert_eq!(h.len(), 2);
    assert_eq!(h[0].entered, d("2023-10-03"));
    // No lead.
    let dn = deal("y", "c", vec![entry("nurture", "2023-10-05")]);
    assert_eq!(history::stage_history(&c, &dn, None, &a).len(), 1);
    // Config without a `lead` stage.
    c.stages.remove(0);
    assert_eq!(history::stage_history(&c, &dn, Some(&l), &a).len(), 1);
}

#[test]
fn deal_without_lead_starts_at_first_stage() {
    let dl = won(
        deal(
            "x",
            "c",
            vec![
                entry("nurture", "2023-10-01"),
                entry("negotiation", "2023-10-10"),
            ],
        ),
        "2023-10-31",
        1.0,
    );
    assert_eq!(
        history::cycle_days(&dl, None, &as_of("2023-10-31")),
        Some(30)
    );
    // Not won (as of an earlier date): no cycle.
    assert_eq!(history::cycle_days(&dl, None, &as_of("2023-10-30")), None);
}

#[test]
fn completed_overrides_next_entry() {
    let dl = deal(
        "x",
        "c",
        vec![
            done(entry("proposal", "2023-10-15"), "2023-10-18"),
            entry("negotiation", "2023-10-20"),
        ],
    );
    let h = history::stage_history(&config(), &dl, None, &as_of("2023-10-31"));
    use EndRule::*;
    assert_eq!(
        spans(&h),
        vec![
            s("proposal", "2023-10-15", "2023-10-18", 3, Completed),
            s("negotiation", "2023-10-20", "2023-10-31", 11, Ongoing),
        ]
    );
    assert!(h[1].ongoing && !h[0].ongoing);
}

#[test]
fn post_closing_fulfilment_entries() {
    let dl = won(
        deal(
            "x",
            "c",
            vec![
                entry("proposal", "2023-10-15"),
                entry("negotiation", "2023-10-20"),
                entry("fulfilment", "2023-10-28"),
            ],
        ),
        "2023-10-27",
        1.0,
    );
    let h = history::stage_history(&config(), &dl, None, &as_of("2023-11-30"));
    use EndRule::*;
    assert_eq!(
        spans(&h),
        vec![
            s("proposal", "2023-10-15", "2023-10-20", 5, Next),
            // Rule 2 before rule 3: ends at closed, not at fulfilment's entered.
            s("negotiation", "2023-10-20", "2023-10-27", 7, Closed),
            s("fulfilment", "2023-10-28", "2023-11-30", 33, Ongoing),
        ]
    );
    let mut dc = dl.clone();
    dc.stages[2].completed = Some(sp(d("2023-11-10")));
    let h = history::stage_history(&config(), &dc, None, &as_of("2023-11-30"));
    assert_eq!(h[2].days, 13);
    assert_eq!(h[2].rule, Completed);
}

#[test]
fn lost_deal_ends_last_pre_closing_entry_at_closed() {
    let dl = lost(
        deal(
            "x",
            "c",
            vec![
                entry("nurture", "2023-10-01"),
                entry("proposal", "2023-10-05"),
            ],
        ),
        "2023-10-12",
    );
    let h = history::stage_history(&config(), &dl, None, &as_of("2023-10-31"));
    assert_eq!(h[1].end, d("2023-10-12"));
    assert_eq!(h[1].rule, EndRule::Closed);
    assert!(h.iter().all(|s| !s.ongoing));
}

#[test]
fn history_as_of_earlier_date() {
    let mut dl = won(
        deal(
            "x",
            "c",
            vec![
                entry("proposal", "2023-10-15"),
                done(entry("negotiation", "2023-10-20"), "2023-10-26"),
                entry("fulfilment", "2023-10-28"),
            ],
        ),
        "2023-10-27",
        1.0,
    );
    dl.lead = None;
    let a = as_of("2023-10-25");
    assert_eq!(asof::deal_status(&dl, &a), DealStatus::Open);
    assert_eq!(history::cycle_days(&dl, None, &a), None);
    let h = history::stage_history(&config(), &dl, None, &a);
    // fulfilment (entered later) is not there; the deal is still open and
    // `completed` (10-26) has not happened: negotiation is ongoing.
    use EndRule::*;
    assert_eq!(
        spans(&h),
        vec![
            s("proposal", "2023-10-15", "2023-10-20", 5, Next),
            s("negotiation", "2023-10-20", "2023-10-25", 5, Ongoing),
        ]
    );
    // A lead acquired after the as-of date does not exist: no implicit entry.
    let l = lead("L", "2023-10-26");
    assert_eq!(
        history::stage_history(&config(), &dl, Some(&l), &a).len(),
        2
    );
}

// ---------------------------------------------------------------- grading

#[test]
fn grading_rules() {
    let c = config();
    let mut l = lead("L", "2023-10-01");
    assert_eq!(grading::rule_grade(&c, &l), Grade::Low);
    l.annual_revenue = Some(60_000_000.0);
    l.match_score = Some(80.0);
    // budget_confirmed absent: the high rule's condition does not match.
    assert_eq!(grading::rule_grade(&c, &l), Grade::Medium);
    l.budget_confirmed = Some(true);
    assert_eq!(grading::rule_grade(&c, &l), Grade::High);
    l.budget_confirmed = Some(false);
    assert_eq!(grading::rule_grade(&c, &l), Grade::Medium);
    l.match_score = Some(49.0);
    assert_eq!(grading::rule_grade(&c, &l), Grade::Low);
    l.grade = Some(sp(Grade::High));
    assert_eq!(grading::effective_grade(&c, &l), Grade::High);
    assert_eq!(grading::grade_mismatch(&c, &l), Some(Grade::Low));
    l.grade = Some(sp(Grade::Low));
    assert_eq!(grading::grade_mismatch(&c, &l), None);
}

// ---------------------------------------------------------------- SLA

#[test]
fn first_contact_results_and_kpi() {
    let c = config();
    let mk = |id: &str, assigned: Option<&str>, contact: Option<&str>| {
        let mut l = lead(id, "2023-10-01");
        l.assigned = assigned.map(|s| sp(stamp(s)));
        l.first_contact = contact.map(|s| sp(stamp(s)));
        l
    };
    let leads = vec![
        mk(
            "met",
            Some("2023-10-10T09:00:00"),
            Some("2023-10-11T08:00:00"),
        ),
        mk(
            "late",
            Some("2023-10-10T09:00:00"),
            Some("2023-10-11T10:00:00"),
        ),
        mk("missing", Some("2023-10-05T09:00:00"), None),
        // SLA ends 11-01 12:00, after the as-of instant (11-01 00:00 +08).
        mk("pending", Some("2023-10-31T12:00:00"), None),
        // Contact after the as-of date has not happened; the SLA has passed.
        mk(
            "later",
            Some("2023-10-30T09:00:00"),
            Some("2023-11-01T08:00:00"),
        ),
        mk("unassigned", None, None),
    ];
    let a = as_of("2023-10-31");
    let st: Vec<Option<SlaStatus>> = leads
        .iter()
        .map(|l| sla::first_contact(&c, l, &a).map(|o| o.status))
        .collect();
    use SlaStatus::*;
    assert_eq!(
        st,
        vec![
            Some(Met),
            Some(Late),
            Some(Missing),
            Some(Pending),
            Some(Missing),
            None
        ]
    );
    let o = sla::first_contact(&c, &leads[0], &a).unwrap();
    assert!((o.hours - 23.0).abs() < 1e-9);
    let m = compute(leads, vec![], vec![], vec![], "2023-10-31");
    // met / (met + late + missing + later-missing)
    assert!(approx(actual(&m, "2023-10", "first_contact_sla"), 0.25));
    let lisi = &m.sla_by_owner[0];
    assert_eq!(lisi.owner, "lisi");
    assert_eq!((lisi.first_contact.met, lisi.first_contact.late), (1, 1));
    assert_eq!(
        (lisi.first_contact.missing, lisi.first_contact.pending),
        (2, 1)
    );
}

#[test]
fn month_boundaries_in_team_time_zone() {
    // 23:30 +08:00 on Oct 31 is October; 15:30Z is the same instant;
    // 16:30Z is 00:30 on Nov 1 in Shanghai: November.
    assert_eq!(stamp("2023-10-31T23:30:00+08:00").date, d("2023-10-31"));
    assert_eq!(stamp("2023-10-31T15:30:00Z").date, d("2023-10-31"));
    assert_eq!(stamp("2023-10-31T16:30:00Z").date, d("2023-11-01"));
    let mk = |id: &str, assigned: &str| {
        let mut l = lead(id, "2023-10-01");
        l.assigned = Some(sp(stamp(assigned)));
        l.first_contact = Some(sp(stamp("2023-11-01T09:00:00+08:00")));
        l
    };
    let leads = vec![
        mk("oct", "2023-10-31T23:30:00+08:00"),
        mk("oct-utc", "2023-10-31T15:30:00Z"),
        mk("nov", "2023-10-31T16:30:00Z"),
    ];
    let m = compute(leads.clone(), vec![], vec![], vec![], "2023-11-30");
    assert!(approx(actual(&m, "2023-10", "first_contact_sla"), 1.0));
    assert!(approx(actual(&m, "2023-11", "first_contact_sla"), 1.0));
    assert_eq!(
        m.facts
            .facts
            .iter()
            .filter(|f| matches!(f.event, kpi::Event::Contact { .. }))
            .count(),
        3
    );
    let counted: Vec<_> = m
        .facts
        .facts
        .iter()
        .filter(|f| matches!(f.event, kpi::Event::Contact { .. }))
        .map(|f| f.month.to_string())
        .collect();
    assert_eq!(counted, vec!["2023-10", "2023-10", "2023-11"]);
    // As of Oct 31: the contact at 09:00 Nov 1 has not happened; the Oct 31
    // 23:30 assignment's SLA has not passed either (pending, not counted).
    let a = as_of("2023-10-31");
    assert_eq!(
        sla::first_contact(&config(), &leads[0], &a).unwrap().status,
        SlaStatus::Pending
    );
    assert_eq!(sla::first_contact(&config(), &leads[2], &a), None);
}

#[test]
fn nurture_interactions_per_started_week() {
    let c = config();
    let mut dl = deal(
        "x",
        "c",
        vec![
            entry("nurture", "2023-10-01"),
            entry("proposal", "2023-10-15"),
        ],
    );
    dl.activities = vec![
        activity("2023-09-30"), // before the entry
        activity("2023-10-03"),
        activity("2023-10-15"), // on the end date: inside [entered, end]
    ];
    let a = as_of("2023-10-31");
    let h = history::stage_history(&c, &dl, None, &a);
    let n = sla::nurture(&c, &dl, &h, &a);
    assert_eq!(n.len(), 1);
    assert_eq!((n[0].weeks, n[0].required, n[0].actual), (2, 2.0, 2));
    assert!(n[0].ok());
    // 15 days → 3 started weeks.
    dl.stages[1].entered = sp(d("2023-10-16"));
    let h = history::stage_history(&c, &dl, None, &a);
    let n = sla::nurture(&c, &dl, &h, &a);
    assert_eq!((n[0].weeks, n[0].actual), (3, 2));
    assert!(!n[0].ok());
    // Ongoing, entered on the as-of day: one started week; later activity ignored.
    let mut dl = deal("y", "c", vec![entry("nurture", "2023-10-31")]);
    dl.activities = vec![activity("2023-11-01")];
    let h = history::stage_history(&c, &dl, None, &a);
    let n = sla::nurture(&c, &dl, &h, &a);
    assert_eq!((n[0].weeks, n[0].actual, n[0].ongoing), (1, 0, true));
}

#[test]
fn proposal_minutes() {
    let c = config();
    let mut e1 = entry("proposal", "2023-10-15");
    e1.presented = Some(sp(stamp("2023-10-18T14:00:00")));
    e1.minutes_sent = Some(sp(stamp("2023-10-19T10:00:00")));
    let mut e2 = e1.clone();
    e2.minutes_sent = Some(sp(stamp("2023-10-19T14:00:01")));
    let mut e3 = e1.clone();
    e3.presented = Some(sp(stamp("2023-10-30T14:00:00")));
    e3.minutes_sent = None;
    let mut e4 = e3.clone();
    e4.presented = Some(sp(stamp("2023-10-31T10:00:00")));
    let mut e5 = e3.clone();
    e5.presented = Some(sp(stamp("2023-11-01T10:00:00")));
    let dl = deal("x", "c", vec![e1, e2, e3, e4, e5]);
    let r = sla::minutes(&c, &dl, &as_of("2023-10-31"));
    use SlaStatus::*;
    let st: Vec<_> = r.iter().map(|m| (m.entry, m.outcome.status)).collect();
    assert_eq!(st, vec![(0, Met), (1, Late), (2, Missing), (3, Pending)]);
    assert!((r[0].outcome.hours - 20.0).abs() < 1e-9);
}

// ---------------------------------------------------------------- KPIs

#[test]
fn completion_template_table4_and_direction() {
    use Direction::*;
    use kpi::completion;
    assert!(approx(completion(Up, Some(0.12), Some(0.15)), 0.8));
    assert!(approx(
        completion(Down, Some(35.0), Some(30.0)),
        30.0 / 35.0
    ));
    assert!((completion(Down, Some(35.0), Some(30.0)).unwrap() - 0.857).abs() < 1e-3);
    assert!(approx(
        completion(Up, Some(450000.0), Some(400000.0)),
        1.125
    ));
    assert!((completion(Up, Some(88.0), Some(90.0)).unwrap() - 0.978).abs() < 1e-3);
    // Lower is better: beating the target gives > 100%.
    assert!(approx(completion(Down, Some(25.0), Some(30.0)), 1.2));
    assert_eq!(completion(Down, Some(0.0), Some(30.0)), None);
    assert_eq!(completion(Up, Some(3.0), Some(0.0)), None);
    assert_eq!(completion(Up, None, Some(1.0)), None);
    assert_eq!(completion(Up, Some(1.0), None), None);
}

#[test]
fn kpi_definitions() {
    let keys: Vec<_> = KPIS.iter().map(|k| k.key).collect();
    assert_eq!(
        keys,
        [
            "new_leads",
            "lead_conversion_rate",
            "first_contact_sla",
            "deals_won",
            "win_rate",
            "revenue",
            "avg_deal_size",
            "avg_deal_cycle_days",
            "collection_rate",
            "satisfaction"
        ]
    );
    assert_eq!(
        kpi_def("avg_deal_cycle_days").unwrap().direction,
        Direction::Down
    );
    assert_eq!(kpi_def("lead_conversion_rate").unwrap().zh, "线索转化率");
    assert_eq!(kpi_index("nope"), None);
    assert_eq!(
        KPIS.iter()
            .filter(|k| k.direction == Direction::Down)
            .count(),
        1
    );
}

#[test]
fn leads_conversion_and_events_after_as_of() {
    let mut invalid = lead("L3", "2023-10-20");
    invalid.status = sp(crate::model::LeadStatus::Invalid);
    let leads = vec![
        lead("L1", "2023-10-08"),
        lead("L2", "2023-10-10"),
        invalid,
        lead("L4", "2023-11-02"), // after as-of: does not exist
    ];
    let customers = vec![customer("c1", None), customer("c2", Some("L2"))];
    let deals = vec![
        with_lead(
            won(
                deal("D1", "c1", vec![entry("nurture", "2023-10-09")]),
                "2023-10-27",
                500000.0,
            ),
            "L1",
        ),
        // Linked through its customer; won after the as-of date: still open.
        won(
            deal("D2", "c2", vec![entry("nurture", "2023-10-11")]),
            "2023-11-05",
            300000.0,
        ),
    ];
    let m = compute(leads, customers, deals, vec![], "2023-10-31");
    assert_eq!(m.months, vec![ym("2023-10")]);
    assert_eq!(actual(&m, "2023-10", "new_leads"), Some(3.0));
    assert!(approx(
        actual(&m, "2023-10", "lead_conversion_rate"),
        1.0 / 3.0
    ));
    assert_eq!(actual(&m, "2023-10", "deals_won"), Some(1.0));
    assert_eq!(actual(&m, "2023-10", "revenue"), Some(500000.0));
    assert_eq!(m.deals[1].status, DealStatus::Open);
    assert_eq!(m.deals[1].closed, None);
    assert_eq!(m.deals[1].lead, Some(1));
    assert!(!m.leads[3].exists);
    // The same data a week later.
    let m2 = {
        let (r, i) = repo(
            vec![lead("L1", "2023-10-08"), lead("L2", "2023-10-10")],
            vec![customer("c1", None), customer("c2", Some("L2"))],
            vec![won(
                deal("D2", "c2", vec![entry("nurture", "2023-10-11")]),
                "2023-11-05",
                300000.0,
            )],
            vec![],
        );
        Metrics::compute(&r, &i, d("2023-11-07"))
    };
    assert!(approx(actual(&m2, "2023-10", "lead_conversion_rate"), 0.5));
    assert_eq!(actual(&m2, "2023-11", "revenue"), Some(300000.0));
}

#[test]
fn deals_won_win_rate_size_cycle() {
    let leads = vec![lead("LX001", "2023-10-08")];
    let deals = vec![
        a_tech(), // won 10-27, 500000, cycle 19 (from the lead)
        // No lead: cycle from first stage 09-10 → 35.
        won(
            deal(
                "D2",
                "c",
                vec![
                    entry("nurture", "2023-09-10"),
                    entry("negotiation", "2023-10-01"),
                ],
            ),
            "2023-10-15",
            400000.0,
        ),
        lost(
            deal("D3", "c", vec![entry("nurture", "2023-10-01")]),
            "2023-10-20",
        ),
        lost(
            deal("D4", "c", vec![entry("nurture", "2023-09-01")]),
            "2023-09-30",
        ),
    ];
    let months = vec![month(
        "2023-10",
        &[
            ("avg_deal_size", 400000.0),
            ("avg_deal_cycle_days", 30.0),
            ("win_rate", 0.5),
        ],
        &[("avg_deal_size", "大客户成交占比提升")],
    )];
    let m = compute(
        leads,
        vec![customer("a-tech", None)],
        deals,
        months,
        "2023-10-31",
    );
    assert_eq!(m.months, vec![ym("2023-09"), ym("2023-10")]);
    assert_eq!(actual(&m, "2023-10", "deals_won"), Some(2.0));
    assert!(approx(actual(&m, "2023-10", "win_rate"), 2.0 / 3.0));
    assert_eq!(actual(&m, "2023-10", "revenue"), Some(900000.0));
    let size = m.kpi(ym("2023-10"), "avg_deal_size").unwrap();
    assert_eq!(size.actual, Some(450000.0));
    assert_eq!(size.target, Some(400000.0));
    assert!(approx(size.completion, 1.125));
    assert_eq!(size.analysis.as_deref(), Some("大客户成交占比提升"));
    assert_eq!(size.mom, None); // September has no won deal: mean is null
    let cycle = m.kpi(ym("2023-10"), "avg_deal_cycle_days").unwrap();
    assert_eq!(cycle.actual, Some(27.0));
    assert!(approx(cycle.completion, 30.0 / 27.0));
    // September: one lost deal → win rate 0, won 0, revenue 0, size null.
    assert_eq!(actual(&m, "2023-09", "win_rate"), Some(0.0));
    assert_eq!(actual(&m, "2023-09", "deals_won"), Some(0.0));
    assert_eq!(actual(&m, "2023-09", "avg_deal_size"), None);
    let wr = m.kpi(ym("2023-10"), "win_rate").unwrap();
    assert!(approx(wr.mom, 2.0 / 3.0));
    assert!(approx(wr.completion, 4.0 / 3.0));
}

#[test]
fn empty_month_is_null_and_counts_zero() {
    let leads = vec![lead("L1", "2023-09-05")];
    let m = compute(leads, vec![], vec![], vec![], "2023-10-31");
    assert_eq!(m.months, vec![ym("2023-09"), ym("2023-10")]);
    let oct = m.month(ym("2023-10")).unwrap();
    for (def, v) in oct.iter() {
        match def.key {
            "new_leads" | "deals_won" | "revenue" => assert_eq!(v.actual, Some(0.0), "{}", def.key),
            _ => assert_eq!(v.actual, None, "{}", def.key),
        }
        assert_eq!(v.target, None);
        assert_eq!(v.completion, None);
    }
    assert_eq!(oct.get("new_leads").unwrap().mom, Some(-1.0));
    assert_eq!(oct.get("lead_conversion_rate").unwrap().mom, None);
    // September's conversion is 0 (one lead, not converted), not null.
    assert_eq!(actual(&m, "2023-09", "lead_conversion_rate"), Some(0.0));
}

#[test]
fn collection_rate_partly_received() {
    let mut dl = won(
        deal("D", "c", vec![entry("negotiation", "2023-09-20")]),
        "2023-09-28",
        1000.0,
    );
    dl.payments = vec![
        payment(100.0, "2023-10-05", Some("2023-10-06")),
        payment(200.0, "2023-10-10", Some("2023-11-02")), // received after as-of
        payment(300.0, "2023-10-20", None),
        payment(350.0, "2023-10-31", None), // due on the as-of day: counts, not overdue
        payment(50.0, "2023-11-05", None),  // due after as-of
    ];
    let m = compute(vec![], vec![], vec![dl], vec![], "2023-10-31");
    assert!(approx(
        actual(&m, "2023-10", "collection_rate"),
        100.0 / 950.0
    ));
    assert_eq!(actual(&m, "2023-09", "collection_rate"), None);
    let od: Vec<_> = m
        .pipeline
        .overdue
        .iter()
        .map(|o| (o.payment, o.days))
        .collect();
    assert_eq!(od, vec![(1, 21), (2, 11)]);
}

#[test]
fn satisfaction_mean_of_scored_visits() {
    let mut dl = won(
        deal("D", "c", vec![entry("negotiation", "2023-09-20")]),
        "2023-09-28",
        1000.0,
    );
    dl.visits = vec![
        visit("2023-10-05", Some(86.0)),
        visit("2023-10-12", Some(90.0)),
        visit("2023-10-20", None),
        visit("2023-11-02", Some(10.0)), // after as-of
    ];
    let months = vec![month("2023-10", &[("satisfaction", 90.0)], &[])];
    let m = compute(vec![], vec![], vec![dl], months, "2023-10-31");
    let s = m.kpi(ym("2023-10"), "satisfaction").unwrap();
    assert_eq!(s.actual, Some(88.0));
    assert!(approx(s.completion, 88.0 / 90.0));
}

#[test]
fn yoy_with_and_without_a_year_before() {
    let leads = vec![
        lead("A", "2022-10-03"),
        lead("B", "2022-10-04"),
        lead("C", "2023-10-03"),
        lead("D", "2023-10-04"),
        lead("E", "2023-10-05"),
        lead("F", "2023-10-06"),
    ];
    let deals = vec![
        with_lead(
            won(
                deal("DA", "c", vec![entry("nurture", "2022-10-05")]),
                "2022-10-20",
                1.0,
            ),
            "A",
        ),
        with_lead(
            won(
                deal("DC", "c", vec![entry("nurture", "2023-10-05")]),
                "2023-10-20",
                1.0,
            ),
            "C",
        ),
    ];
    let m = compute(leads.clone(), vec![], deals, vec![], "2023-10-31");
    assert_eq!(m.months.len(), 13);
    let v = m.kpi(ym("2023-10"), "lead_conversion_rate").unwrap();
    assert!(approx(v.actual, 0.25));
    assert!(approx(v.yoy, 0.25 - 0.5));
    assert_eq!(m.kpi(ym("2023-10"), "new_leads").unwrap().yoy, Some(2.0));
    // 2023-09 has no events but is reported: its counts are 0 and compare as
    // numbers with reported months (2023-08: 0 − 0)…
    let sep = m.month(ym("2023-09")).unwrap();
    assert_eq!(sep.get("new_leads").unwrap().actual, Some(0.0));
    assert_eq!(sep.get("new_leads").unwrap().mom, Some(0.0));
    assert_eq!(m.kpi(ym("2023-10"), "new_leads").unwrap().mom, Some(4.0));
    // …but 2022-09 is before the first reported month (2022-10): no data at
    // all (SPEC §4), so a year-over-year against it is null, counts included.
    assert_eq!(sep.get("new_leads").unwrap().yoy, None);
    assert_eq!(sep.get("lead_conversion_rate").unwrap().yoy, None);
    let first = m.month(ym("2022-10")).unwrap();
    assert_eq!(first.get("new_leads").unwrap().actual, Some(2.0));
    for key in ["new_leads", "deals_won", "revenue", "lead_conversion_rate"] {
        let v = first.get(key).unwrap();
        assert_eq!((v.mom, v.yoy), (None, None), "{key} in the first month");
    }
    // 2023-10 against 2022-10 (reported): counts and sums are differences.
    let oct = m.month(ym("2023-10")).unwrap();
    assert_eq!(oct.get("deals_won").unwrap().yoy, Some(0.0));
    assert_eq!(oct.get("revenue").unwrap().yoy, Some(0.0));
}

#[test]
fn lead_without_assignment_counts_as_lead_not_for_sla() {
    let mut assigned = lead("A", "2023-10-03");
    assigned.assigned = Some(sp(stamp("2023-10-03T09:00:00")));
    assigned.first_contact = Some(sp(stamp("2023-10-03T11:00:00")));
    let m = compute(
        vec![assigned, lead("B", "2023-10-04")],
        vec![],
        vec![],
        vec![],
        "2023-10-31",
    );
    assert_eq!(actual(&m, "2023-10", "new_leads"), Some(2.0));
    assert_eq!(actual(&m, "2023-10", "first_contact_sla"), Some(1.0));
    assert_eq!(m.leads[1].first_contact, None);
    let m = compute(
        vec![lead("B", "2023-10-04")],
        vec![],
        vec![],
        vec![],
        "2023-10-31",
    );
    assert_eq!(actual(&m, "2023-10", "first_contact_sla"), None);
}

#[test]
fn report_months_range() {
    // A month file with targets before any record starts the range; targets of
    // a month after the as-of month do not extend it.
    let months = vec![
        month("2023-07", &[("new_leads", 10.0)], &[]),
        month("2023-12", &[("new_leads", 10.0)], &[]),
        month("2023-06", &[], &[]),
    ];
    let m = compute(
        vec![lead("L", "2023-09-01")],
        vec![],
        vec![],
        months,
        "2023-10-15",
    );
    assert_eq!(m.months.first(), Some(&ym("2023-07")));
    assert_eq!(m.months.last(), Some(&ym("2023-10")));
    assert_eq!(
        m.kpi(ym("2023-07"), "new_leads").unwrap().completion,
        Some(0.0)
    );
    // Nothing at all: no months.
    let m = compute(vec![], vec![], vec![], vec![], "2023-10-15");
    assert!(m.months.is_empty() && m.kpis.is_empty() && m.funnel_total.is_none());
    // Only records after the as-of date: none either.
    let m = compute(
        vec![lead("L", "2023-11-01")],
        vec![],
        vec![],
        vec![],
        "2023-10-15",
    );
    assert!(m.months.is_empty());
}

// ---------------------------------------------------------------- durations, funnel, pipeline

#[test]
fn summary_median_and_p90_nearest_rank() {
    use durations::summarize;
    let s = summarize(&[4, 1, 3, 2]);
    assert_eq!(
        (s.count, s.mean, s.median, s.p90),
        (4, Some(2.5), Some(2.5), Some(4))
    );
    let s = summarize(&[5, 1, 3]);
    assert_eq!((s.median, s.p90), (Some(3.0), Some(5)));
    let ten: Vec<i64> = (1..=10).collect();
    assert_eq!(summarize(&ten).p90, Some(9));
    let twenty: Vec<i64> = (1..=20).rev().collect();
    assert_eq!(summarize(&twenty).p90, Some(18));
    let eleven: Vec<i64> = (1..=11).collect();
    assert_eq!(summarize(&eleven).p90, Some(10));
    assert_eq!(summarize(&[7]).p90, Some(7));
    assert_eq!(summarize(&[]), durations::Summary::default());
}

#[test]
fn stage_durations_by_month_and_ongoing() {
    let leads = vec![lead("LX001", "2023-10-08")];
    let other = deal(
        "B",
        "c",
        vec![
            entry("nurture", "2023-09-20"),
            entry("proposal", "2023-10-05"),
        ],
    );
    let m = compute(
        leads,
        vec![customer("a-tech", None)],
        vec![a_tech(), other],
        vec![],
        "2023-10-31",
    );
    let (month, oct) = &m.durations.by_month[1];
    assert_eq!(*month, ym("2023-10"));
    let nurture = &oct[1].summary;
    // a-tech nurture 5 days (ended 10-15), B nurture 15 days (ended 10-05).
    assert_eq!(
        (nurture.count, nurture.mean, nurture.median, nurture.p90),
        (2, Some(10.0), Some(10.0), Some(15))
    );
    assert_eq!(oct[3].summary.count, 1); // negotiation, 7 days
    assert_eq!(oct[3].summary.mean, Some(7.0));
    assert_eq!(m.durations.ongoing.len(), 1);
    let o = &m.durations.ongoing[0];
    assert_eq!((o.deal, o.stage_id.as_str(), o.age), (1, "proposal", 26));
}

#[test]
fn funnel_counts_stages_reached() {
    let leads = vec![
        lead("L1", "2023-10-01"),
        lead("L2", "2023-10-02"),
        lead("L3", "2023-10-03"),
    ];
    let deals = vec![
        with_lead(
            won(
                deal(
                    "D1",
                    "c",
                    vec![
                        entry("nurture", "2023-10-05"),
                        entry("proposal", "2023-10-08"),
                        entry("negotiation", "2023-10-10"),
                    ],
                ),
                "2023-10-20",
                1.0,
            ),
            "L1",
        ),
        with_lead(deal("D2", "c", vec![entry("nurture", "2023-10-06")]), "L2"),
    ];
    let m = compute(leads, vec![], deals, vec![], "2023-10-31");
    let f = &m.funnel_by_month[0];
    let reached: Vec<_> = f.steps.iter().map(|s| s.reached).collect();
    assert_eq!(f.leads, 3);
    // lead, nurture, proposal, negotiation (closing), won, fulfilment.
    assert_eq!(reached, vec![2, 2, 1, 1, 1, 0]);
    assert_eq!(f.steps[4].kind, crate::metrics::StepKind::Won);
    assert!(approx(f.steps[0].conversion, 2.0 / 3.0));
    assert!(approx(f.steps[2].conversion, 0.5));
    // Won ÷ reached negotiation; fulfilment ÷ won.
    assert!(approx(f.steps[4].conversion, 1.0));
    assert_eq!(f.steps[5].conversion, Some(0.0));
    // Shares of the three leads: the figure the stages table and chart both give.
    assert!(approx(f.steps[4].share, 1.0 / 3.0));
    assert!(approx(f.steps[1].share, 2.0 / 3.0));
    assert_eq!(f.won, 1);
    assert!(approx(f.won_from_closing, 1.0));
    assert!(approx(f.won_rate, 1.0 / 3.0));
    assert_eq!(m.funnel_total.as_ref().unwrap().leads, 3);
}

#[test]
fn pipeline_by_stage_stale_weighted() {
    let mut d1 = deal(
        "D1",
        "c",
        vec![
            entry("nurture", "2023-10-01"),
            entry("proposal", "2023-10-25"),
        ],
    );
    d1.amount = Some(sp(100000.0));
    let mut d2 = deal("D2", "c", vec![entry("nurture", "2023-10-01")]);
    d2.activities = vec![activity("2023-10-10"), activity("2023-11-02")];
    let d3 = won(
        deal("D3", "c", vec![entry("negotiation", "2023-10-01")]),
        "2023-10-05",
        5.0,
    );
    // Closed after as-of: still open, at negotiation.
    let d4 = won(
        deal("D4", "c", vec![entry("negotiation", "2023-10-20")]),
        "2023-11-03",
        200000.0,
    );
    // Entered after as-of: not there yet.
    let d5 = deal("D5", "c", vec![entry("nurture", "2023-11-05")]);
    let m = compute(
        vec![],
        vec![],
        vec![d1, d2, d3, d4, d5],
        vec![],
        "2023-10-31",
    );
    let p = &m.pipeline;
    let rows: Vec<_> = p
        .by_stage
        .iter()
        .map(|r| (r.count, r.amount, r.weighted))
        .collect();
    assert_eq!(
        rows,
        vec![
            (0, 0.0, 0.0),
            (1, 0.0, 0.0),
            (1, 100000.0, 30000.0),
            (1, 200000.0, 120000.0),
            (0, 0.0, 0.0)
        ]
    );
    assert_eq!((p.open, p.amount, p.weighted), (3, 300000.0, 150000.0));
    let stale: Vec<_> = p
        .stale
        .iter()
        .map(|s| (s.deal, s.last_event.to_string(), s.days))
        .collect();
    assert_eq!(stale, vec![(1, "2023-10-10".to_string(), 21)]);
    assert_eq!(m.deals[1].stale_days, Some(21));
    assert!(!m.deals[4].exists);
}

#[test]
fn breakdowns_attribute_deals_by_owner_and_lead() {
    let mut l2 = lead("L2", "2023-10-02");
    l2.owner = sp("zhaoliu".into());
    l2.source = sp("referral".into());
    let leads = vec![lead("L1", "2023-10-01"), l2];
    let mut d1 = with_lead(
        won(
            deal("D1", "c", vec![entry("nurture", "2023-10-05")]),
            "2023-10-20",
            100.0,
        ),
        "L2",
    );
    d1.owner = sp("lisi".into());
    let d2 = won(
        deal("D2", "c", vec![entry("nurture", "2023-10-05")]),
        "2023-10-21",
        50.0,
    );
    let m = compute(leads, vec![], vec![d1, d2], vec![], "2023-10-31");
    let get = |dim: Dimension, key: Option<&str>, kpi: &str| {
        m.breakdown(dim)
            .unwrap()
            .groups
            .iter()
            .find(|g| g.key.as_deref() == key)
            .unwrap()
            .months[0]
            .get(kpi)
            .unwrap()
            .actual
    };
    assert_eq!(get(Dimension::Owner, Some("lisi"), "new_leads"), Some(1.0));
    assert_eq!(get(Dimension::Owner, Some("lisi"), "revenue"), Some(150.0));
    assert_eq!(
        get(Dimension::Owner, Some("zhaoliu"), "new_leads"),
        Some(1.0)
    );
    assert_eq!(
        get(Dimension::Owner, Some("zhaoliu"), "lead_conversion_rate"),
        Some(1.0)
    );
    assert_eq!(get(Dimension::Owner, Some("zhaoliu"), "revenue"), Some(0.0));
    assert_eq!(
        get(Dimension::Channel, Some("referral"), "revenue"),
        Some(100.0)
    );
    assert_eq!(get(Dimension::Channel, None, "revenue"), Some(50.0));
    assert_eq!(
        get(Dimension::Channel, Some("webinar"), "new_leads"),
        Some(0.0)
    );
    assert_eq!(
        get(Dimension::ChannelGroup, Some("event"), "new_leads"),
        Some(1.0)
    );
    assert_eq!(get(Dimension::Grade, Some("low"), "new_leads"), Some(2.0));
    assert_eq!(
        get(Dimension::Industry, Some("制造业"), "revenue"),
        Some(100.0)
    );
    // D2 has neither a known customer nor a lead: no industry.
    assert_eq!(get(Dimension::Industry, None, "revenue"), Some(50.0));
    // Groups ordered: configured keys first, None last.
    let owners: Vec<_> = m
        .breakdown(Dimension::Owner)
        .unwrap()
        .groups
        .iter()
        .map(|g| g.key.clone())
        .collect();
    assert_eq!(
        owners,
        vec![Some("lisi".to_string()), Some("zhaoliu".to_string())]
    );
    // Any other subset with the same code.
    let sub = m.subset(|a| a.owner == "lisi" && a.channel.is_none());
    assert_eq!(sub[0].get("revenue").unwrap().actual, Some(50.0));
    // Breakdowns carry no targets.
    assert!(m.breakdowns.iter().all(|b| b.groups.iter().all(|g| {
        g.months
            .iter()
            .all(|mk| mk.values.iter().all(|v| v.target.is_none()))
    })));
}

// ---------------------------------------------------------------- properties

mod props {
    use super::*;
    use chrono::Days;
    use proptest::prelude::*;

    /// A deal valid per SPEC §2.4 with contiguous entries: no `completed`,
    /// post-closing entries entered on the closing date.
    #[derive(Debug, Clone)]
    struct Gen {
        first_stage: usize,
        gaps: Vec<u8>,
        lead_gap: Option<u8>,
        outcome: u8,
        close_gap: u8,
        fulfilment: bool,
        as_of: u16,
        amount: f64,
    }

    fn gen_deal() -> impl Strategy<Value = Gen> {
        (
            0usize..=3,
            prop::collection::vec(0u8..30, 1..=4),
            prop::option::of(0u8..20),
            0u8..3,
            0u8..30,
            any::<bool>(),
            0u16..200,
            prop_oneof![Just(0.0), 1.0..1e7f64],
        )
            .prop_map(
                |(first_stage, gaps, lead_gap, outcome, close_gap, fulfilment, as_of, amount)| {
                    Gen {
                        first_stage,
                        gaps,
                        lead_gap,
                        outcome,
                        close_gap,
                        fulfilment,
                        as_of,
                        amount,
                    }
                },
            )
    }

    fn build(
        i: usize,
        g: &Gen,
    ) -> (
        crate::model::Deal,
        Option<crate::model::Lead>,
        chrono::NaiveDate,
    ) {
        let stages = ["lead", "nurture", "proposal", "negotiation"];
        let base = d("2023-01-01");
        let at = |n: u64| base.checked_add_days(Days::new(n)).unwrap();
        let mut t = 30u64;
        let mut entries = Vec::new();
        for (k, gap) in g.gaps.iter().enumerate() {
            let s = g.first_stage + k;
            if s > 3 {
                break;
            }
            entries.push(entry(stages[s], &at(t).to_string()));
            t += *gap as u64;
        }
        let first = entries[0].entered.value;
        let mut dl = deal(&format!("D{i}"), "c", entries);
        let closed = at(t + g.close_gap as u64);
        match g.outcome {
            1 => {
                dl = won(dl, &closed.to_string(), g.amount);
                if g.fulfilment {
                    dl.stages.push(entry("fulfilment", &closed.to_string()));
                }
            }
            2 => dl = lost(dl, &closed.to_string()),
            _ => dl.amount = Some(sp(g.amount)),
        }
        dl.payments = vec![payment(
            g.amount / 2.0,
            &at(t).to_string(),
            Some(&closed.to_string()),
        )];
        dl.visits = vec![visit(&closed.to_string(), Some(g.close_gap as f64 * 3.0))];
        let lead = g.lead_gap.map(|lg| {
            let l = lead(
                &format!("L{i}"),
                &(first - Days::new(lg as u64)).to_string(),
            );
            dl.lead = Some(sp(l.meta.id.clone()));
            l
        });
        (dl, lead, at(g.as_of as u64))
    }

    proptest! {
        #[test]
        fn durations_nonnegative_and_sum_to_span(g in gen_deal()) {
            let (dl, lead, date) = build(0, &g);
            let a = AsOf::new(date, chrono_tz::Asia::Shanghai);
            let h = history::stage_history(&config(), &dl, lead.as_ref(), &a);
            for s in &h {
                prop_assert!(s.days >= 0, "{s:?}");
                prop_assert!(s.end <= date);
                prop_assert_eq!(s.ongoing, s.rule == EndRule::Ongoing);
            }
            for w in h.windows(2) {
                prop_assert_eq!(w[0].end, w[1].entered);
            }
            if let (Some(f), Some(l)) = (h.first(), h.last()) {
                let total: i64 = h.iter().map(|s| s.days).sum();
                prop_assert_eq!(total, crate::model::days_between(f.entered, l.end));
            }
            // At most the last entry is ongoing.
            prop_assert!(h.iter().rev().skip(1).all(|s| !s.ongoing));
        }

        #[test]
        fn completion_consistent_with_direction(a in 0.0..1e6f64, t in 0.001..1e6f64) {
            let up = kpi::completion(Direction::Up, Some(a), Some(t)).unwrap();
            prop_assert!(up.is_finite());
            prop_assert_eq!(up >= 1.0, a >= t);
            if a > 0.0 {
                let down = kpi::completion(Direction::Down, Some(a), Some(t)).unwrap();
                prop_assert!(down.is_finite());
                prop_assert_eq!(down >= 1.0, a <= t);
            } else {
                prop_assert_eq!(kpi::completion(Direction::Down, Some(a), Some(t)), None);
            }
        }

        #[test]
        fn no_nan_or_infinity_anywhere(gens in prop::collection::vec(gen_deal(), 0..8), as_of in 0u16..400, target in prop_oneof![Just(0.0), 0.5..1e6f64]) {
            let mut deals = Vec::new();
            let mut leads = Vec::new();
            for (i, g) in gens.iter().enumerate() {
                let (dl, l, _) = build(i, g);
                deals.push(dl);
                leads.extend(l);
            }
            let targets: Vec<(&str, f64)> = KPIS.iter().map(|k| (k.key, target)).collect();
            let months: Vec<_> = ["2023-01", "2023-02", "2023-03", "2023-04"].iter().map(|m| month(m, &targets, &[])).collect();
            let date = d("2023-01-01").checked_add_days(Days::new(as_of as u64)).unwrap();
            let (r, i) = repo(leads, vec![], deals, months);
            let m = Metrics::compute(&r, &i, date);
            let ok = |x: Option<f64>| x.is_none_or(f64::is_finite);
            let tables = m.kpis.iter().chain(m.breakdowns.iter().flat_map(|b| b.groups.iter().flat_map(|g| g.months.iter())));
            for mk in tables {
                for v in &mk.values {
                    prop_assert!(ok(v.actual) && ok(v.target) && ok(v.completion) && ok(v.mom) && ok(v.yoy), "{v:?}");
                }
            }
            for s in m.durations.overall.iter().chain(m.durations.by_month.iter().flat_map(|(_, r)| r.iter())) {
                prop_assert!(ok(s.summary.mean) && ok(s.summary.median));
            }
            for f in m.funnel_by_month.iter().chain(m.funnel_total.iter()) {
                prop_assert!(ok(f.won_rate) && ok(f.won_from_closing));
                prop_assert!(f.steps.iter().all(|s| ok(s.conversion)));
            }
            prop_assert!(m.pipeline.amount.is_finite() && m.pipeline.weighted.is_finite());
            // Counts are never null in a reported month.
            for mk in &m.kpis {
                prop_assert!(mk.get("new_leads").unwrap().actual.is_some());
                prop_assert!(mk.get("revenue").unwrap().actual.is_some());
            }
        }
    }
}

#[test]
fn sla_limits_out_of_range_do_not_panic() {
    let mut c = config();
    c.sla.first_contact_hours = 1e300;
    let mut l = lead("L", "2023-10-01");
    l.assigned = Some(sp(stamp("2023-10-01T09:00:00")));
    let a = as_of("2023-10-31");
    assert_eq!(
        sla::first_contact(&c, &l, &a).unwrap().status,
        SlaStatus::Pending
    );
    c.sla.first_contact_hours = f64::NAN;
    assert_eq!(
        sla::first_contact(&c, &l, &a).unwrap().status,
        SlaStatus::Pending
    );
    c.sla.first_contact_hours = -5.0;
    assert_eq!(
        sla::first_contact(&c, &l, &a).unwrap().status,
        SlaStatus::Missing
    );
}

/// `cargo test --release metrics::tests::timing -- --ignored --nocapture`
#[test]
#[ignore]
fn timing_large_repo() {
    use chrono::Days;
    let base = d("2021-01-01");
    let at = |n: u64| base.checked_add_days(Days::new(n)).unwrap().to_string();
    let n = 20_000u64;
    let mut leads = Vec::new();
    let mut deals = Vec::new();
    for i in 0..n {
        let t = i * 1000 / n;
        let mut l = lead(&format!("L{i}"), &at(t));
        l.assigned = Some(sp(stamp(&format!("{}T09:00:00", at(t)))));
        l.first_contact = Some(sp(stamp(&format!("{}T1{}:00:00", at(t + i % 2), i % 10))));
        leads.push(l);
        let mut dl = deal(
            &format!("D{i}"),
            "c",
            vec![
                entry("nurture", &at(t + 2)),
                entry("proposal", &at(t + 9)),
                entry("negotiation", &at(t + 20)),
            ],
        );
        dl.activities = (0..5).map(|k| activity(&at(t + 2 + k * 3))).collect();
        dl = with_lead(dl, &format!("L{i}"));
        if i % 3 == 0 {
            dl = won(dl, &at(t + 30), 1000.0 * (i % 97) as f64);
            dl.payments = vec![
                payment(10.0, &at(t + 40), Some(&at(t + 41))),
                payment(10.0, &at(t + 70), None),
            ];
            dl.visits = vec![visit(&at(t + 60), Some(80.0 + (i % 20) as f64))];
        } else if i % 3 == 1 {
            dl = lost(dl, &at(t + 25));
        }
        deals.push(dl);
    }
    let (r, idx) = repo(leads, vec![], deals, vec![]);
    let t0 = std::time::Instant::now();
    let m = Metrics::compute(&r, &idx, d("2023-12-31"));
    eprintln!(
        "Metrics::compute: {} leads, {} deals, {} months in {:?}",
        r.leads.len(),
        r.deals.len(),
        m.months.len(),
        t0.elapsed()
    );
}

/// Dates that may go backwards anywhere — the lead acquired after the first
/// stage, a stage before the previous one, a completion before its entry, a
/// closing before the last stage, fulfilment before the closing: whatever
/// `check` lets through has no negative duration or cycle (SPEC §3's
/// `date-order`, the implicit `lead` entry included).
mod clean_data_has_no_negative_durations {
    use super::*;
    use chrono::Days;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    struct Wild {
        /// The lead is acquired this many days before the first stage (negative: after).
        lead_before: Option<i8>,
        first_stage: usize,
        /// Days from one listed stage to the next (negative: backwards).
        gaps: Vec<i8>,
        /// An entry's `completed`, this many days after its `entered`.
        completed: Option<(usize, i8)>,
        outcome: u8,
        /// Days from the last listed stage to `closed`.
        close_gap: i8,
        /// A fulfilment entry this many days after `closed`.
        fulfilment: Option<i8>,
        as_of: u8,
    }

    impl Wild {
        fn forward(&self) -> bool {
            self.lead_before.is_none_or(|g| g >= 0)
                && self.gaps.iter().all(|&g| g >= 0)
                && self.completed.is_none_or(|(_, g)| g >= 0)
                && self.close_gap >= 0
                && self.fulfilment.is_none_or(|g| g >= 0)
        }
    }

    fn wild() -> impl Strategy<Value = Wild> {
        (
            prop::option::of(-6i8..20),
            0usize..=3,
            prop::collection::vec(-4i8..12, 0..=3),
            prop::option::of((0usize..4, -3i8..8)),
            0u8..3,
            -6i8..12,
            prop::option::of(-3i8..6),
            0u8..120,
        )
            .prop_map(
                |(
                    lead_before,
                    first_stage,
                    gaps,
                    completed,
                    outcome,
                    close_gap,
                    fulfilment,
                    as_of,
                )| {
                    Wild {
                        lead_before,
                        first_stage,
                        gaps,
                        completed,
                        outcome,
                        close_gap,
                        fulfilment,
                        as_of,
                    }
                },
            )
    }

    fn build(w: &Wild) -> (Repo, Index, chrono::NaiveDate) {
        let stages = ["lead", "nurture", "proposal", "negotiation"];
        let base = d("2023-03-01");
        let at = |n: i64| base + chrono::Duration::days(n);
        let mut t = 20i64;
        let mut entries = vec![entry(stages[w.first_stage], &at(t).to_string())];
        for (k, gap) in w.gaps.iter().enumerate() {
            let Some(stage) = stages.get(w.first_stage + k + 1) else {
                break;
            };
            t += *gap as i64;
            entries.push(entry(stage, &at(t).to_string()));
        }
        if let Some((i, g)) = w.completed
            && let Some(e) = entries.get_mut(i)
        {
            let c = *e.entered + chrono::Duration::days(g as i64);
            *e = done(e.clone(), &c.to_string());
        }
        let mut dl = deal("D1", "c", entries);
        let closed = at(t + w.close_gap as i64);
        match w.outcome {
            1 => dl = won(dl, &closed.to_string(), 100.0),
            2 => dl = lost(dl, &closed.to_string()),
            _ => {}
        }
        if let Some(f) = w.fulfilment
            && w.outcome == 1
        {
            let e = closed + chrono::Duration::days(f as i64);
            dl.stages.push(entry("fulfilment", &e.to_string()));
        }
        let leads = match w.lead_before {
            Some(g) => {
                dl.lead = Some(sp("L1".into()));
                vec![lead("L1", &at(20 - g as i64).to_string())]
            }
            None => vec![],
        };
        let (r, i) = repo(leads, vec![customer("c", None)], vec![dl], vec![]);
        let as_of = base.checked_add_days(Days::new(w.as_of as u64)).unwrap();
        (r, i, as_of)
    }

    proptest! {
        #[test]
        fn durations_and_cycles_of_clean_data_are_never_negative(w in wild()) {
            let (r, i, as_of) = build(&w);
            let m = Metrics::compute(&r, &i, as_of);
            let diags = crate::check::check(&r, &i, &m);
            let errors: Vec<_> = diags.0.iter().filter(|d| d.severity == crate::diagnostic::Severity::Error).map(|d| d.code).collect();
            if errors.is_empty() {
                for dm in &m.deals {
                    for s in &dm.history {
                        prop_assert!(s.days >= 0, "{s:?}");
                    }
                    prop_assert!(dm.cycle_days.is_none_or(|c| c >= 0), "{:?}", dm.cycle_days);
                }
            }
            // The check is not simply refusing everything: data whose dates
            // only go forward has no date-order error.
            if w.forward() {
                prop_assert!(!errors.contains(&"date-order"), "{errors:?}");
            }
        }
    }
}
