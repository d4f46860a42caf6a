//! Test-only builders of model records with defaults (the loader is elsewhere).

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::model::*;
use crate::source::{FileId, Sp};

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

pub fn ym(s: &str) -> YearMonth {
    YearMonth::parse(s).expect("month")
}

pub fn sp<T>(v: T) -> Sp<T> {
    Sp::new(v, 0..0)
}

/// An RFC 3339 date-time, or one without offset in Asia/Shanghai.
pub fn stamp(s: &str) -> Stamp {
    let tz = chrono_tz::Asia::Shanghai;
    let instant: DateTime<Utc> = match DateTime::parse_from_rfc3339(s) {
        Ok(t) => t.with_timezone(&Utc),
        Err(_) => {
            let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").expect("datetime");
            tz.from_local_datetime(&naive).unwrap().with_timezone(&Utc)
        }
    };
    Stamp {
        instant,
        date: instant.with_timezone(&tz).date_naive(),
    }
}

fn meta(id: &str) -> Meta {
    Meta {
        id: id.into(),
        file: FileId(0),
        span: 0..0,
    }
}

pub fn config() -> Config {
    let mut c = Config::default();
    for (id, name) in [("lisi", "李四"), ("zhaoliu", "赵六")] {
        c.owners.push(Owner {
            id: id.into(),
            span: 0..0,
            name: name.into(),
            region: None,
            team: None,
        });
    }
    c
}

pub fn lead(id: &str, acquired: &str) -> Lead {
    Lead {
        meta: meta(id),
        source: sp("trade_show".into()),
        acquired: sp(d(acquired)),
        company: format!("{id} Co"),
        industry: "制造业".into(),
        contact: Contact {
            name: "张三".into(),
            title: "采购经理".into(),
            phone: None,
            email: None,
        },
        needs: vec![],
        owner: sp("lisi".into()),
        assigned: None,
        first_contact: None,
        status: sp(LeadStatus::New),
        invalid_reason: None,
        annual_revenue: None,
        budget_confirmed: None,
        match_score: None,
        grade: None,
        region: None,
        extra: Extra::new(),
    }
}

pub fn customer(id: &str, lead: Option<&str>) -> Customer {
    Customer {
        meta: meta(id),
        name: id.into(),
        aliases: vec![],
        industry: "制造业".into(),
        annual_revenue: None,
        employees: None,
        owner: sp("lisi".into()),
        lead: lead.map(|l| sp(l.into())),
        priority: None,
        pain_points: vec![],
        decision_chain: vec![],
        progress: None,
        decision_makers: vec![],
        risks: vec![],
        body: String::new(),
        extra: Extra::new(),
    }
}

pub fn entry(stage: &str, entered: &str) -> StageEntry {
    StageEntry {
        span: 0..0,
        stage: sp(stage.into()),
        entered: sp(d(entered)),
        completed: None,
        actions: vec![],
        outputs: vec![],
        owner: None,
        presented: None,
        minutes_sent: None,
    }
}

pub fn done(mut e: StageEntry, completed: &str) -> StageEntry {
    e.completed = Some(sp(d(completed)));
    e
}

/// An open deal of customer `customer` with the given stage entries.
pub fn deal(id: &str, customer: &str, stages: Vec<StageEntry>) -> Deal {
    Deal {
        meta: meta(id),
        customer: sp(customer.into()),
        title: None,
        owner: sp("lisi".into()),
        lead: None,
        amount: None,
        expected_close: None,
        status: sp(DealStatus::Open),
        closed: None,
        lost_reason: None,
        stages,
        activities: vec![],
        payments: vec![],
        visits: vec![],
        extra: Extra::new(),
    }
}

pub fn with_lead(mut deal: Deal, lead: &str) -> Deal {
    deal.lead = Some(sp(lead.into()));
    deal
}

pub fn won(mut deal: Deal, closed: &str, amount: f64) -> Deal {
    deal.status = sp(DealStatus::Won);
    deal.closed = Some(sp(d(closed)));
    deal.amount = Some(sp(amount));
    deal
}

pub fn lost(mut deal: Deal, closed: &str) -> Deal {
    deal.status = sp(DealStatus::Lost);
    deal.closed = Some(sp(d(closed)));
    deal.lost_reason = Some("price".into());
    deal
}

pub fn payment(amount: f64, due: &str, received: Option<&str>) -> Payment {
    Payment {
        span: 0..0,
        kind: PaymentKind::Progress,
        amount: sp(amount),
        due: sp(d(due)),
        received: received.map(|r| sp(d(r))),
    }
}

pub fn visit(date: &str, satisfaction: Option<f64>) -> Visit {
    Visit {
        date: sp(d(date)),
        satisfaction,
        note: None,
        upsell: false,
    }
}

pub fn activity(date: &str) -> Activity {
    Activity {
        date: sp(d(date)),
        kind: ActivityKind::Call,
        note: None,
    }
}

pub fn month(m: &str, targets: &[(&str, f64)], analysis: &[(&str, &str)]) -> Month {
    Month {
        meta: meta(m),
        month: YearMonth::parse(m),
        targets: targets
            .iter()
            .map(|(k, v)| (sp(k.to_string()), *v))
            .collect(),
        owner_targets: vec![],
        analysis: analysis
            .iter()
            .map(|(k, v)| (sp(k.to_string()), v.to_string()))
            .collect(),
        asserts: vec![],
        plan: vec![],
        body: String::new(),
        extra: Extra::new(),
    }
}

pub fn repo(
    leads: Vec<Lead>,
    customers: Vec<Customer>,
    deals: Vec<Deal>,
    months: Vec<Month>,
) -> (Repo, Index) {
    let repo = Repo {
        config: Some(config()),
        leads,
        customers,
        deals,
        months,
        ..Repo::default()
    };
    let index = Index::new(&repo);
    (repo, index)
}

pub fn as_of(date: &str) -> crate::metrics::AsOf {
    crate::metrics::AsOf::new(d(date), chrono_tz::Asia::Shanghai)
}

pub fn approx(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}
