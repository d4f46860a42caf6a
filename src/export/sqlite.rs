//! `export --format sqlite`: the whole repository as one SQLite database for
//! analysts (Datasette, DBeaver, Metabase, DuckDB, the `sqlite3` shell): a table
//! per record kind and per child list, keys and foreign keys as in the SPEC, the
//! computed stage spans, `kpis` exactly as `kpis.json`, and `meta`. Dates are ISO
//! text, amounts yuan; phones, emails and the personal data in free text are
//! masked unless `--reveal-contacts`. The schema is docs/export.md.

use std::path::Path;

use rusqlite::{Connection, params};
use serde_json::Value;

use crate::metrics::Metrics;
use crate::model::Repo;
use crate::personal::{mask_in_text, mask_phone};

/// The tables, in the order a reader meets them; the foreign keys are declared
/// for the tools that draw and join by them (the data passed `check`).
const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE owners (id TEXT PRIMARY KEY, name TEXT NOT NULL, region TEXT, team TEXT);
CREATE TABLE channels (id TEXT PRIMARY KEY, name TEXT NOT NULL, grp TEXT NOT NULL);
CREATE TABLE stages (
    id TEXT PRIMARY KEY, position INTEGER NOT NULL, name TEXT NOT NULL, name_en TEXT,
    core INTEGER NOT NULL, closing INTEGER NOT NULL, probability REAL NOT NULL);
CREATE TABLE leads (
    id TEXT PRIMARY KEY, source TEXT NOT NULL REFERENCES channels(id), acquired TEXT NOT NULL, company TEXT NOT NULL,
    industry TEXT NOT NULL, contact_name TEXT NOT NULL, contact_title TEXT NOT NULL,
    phone TEXT, email TEXT, needs TEXT, owner TEXT NOT NULL REFERENCES owners(id), assigned TEXT, first_contact TEXT,
    status TEXT NOT NULL, invalid_reason TEXT, annual_revenue REAL, budget_confirmed INTEGER,
    match REAL, grade TEXT, region TEXT);
CREATE TABLE customers (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, industry TEXT NOT NULL,
    owner TEXT NOT NULL REFERENCES owners(id), lead TEXT REFERENCES leads(id), annual_revenue REAL, employees REAL, priority TEXT,
    pain_points TEXT, decision_chain TEXT, progress TEXT);
CREATE TABLE decision_makers (
    customer TEXT NOT NULL REFERENCES customers(id), position INTEGER NOT NULL,
    name TEXT NOT NULL, title TEXT, role TEXT NOT NULL, concerns TEXT, phone TEXT, email TEXT,
    PRIMARY KEY (customer, position));
CREATE TABLE risks (
    customer TEXT NOT NULL REFERENCES customers(id), position INTEGER NOT NULL,
    kind TEXT NOT NULL, note TEXT, PRIMARY KEY (customer, position));
CREATE TABLE deals (
    id TEXT PRIMARY KEY, customer TEXT NOT NULL REFERENCES customers(id), title TEXT,
    owner TEXT NOT NULL REFERENCES owners(id), lead TEXT REFERENCES leads(id), amount REAL,
    expected_close TEXT,
    status TEXT NOT NULL, closed TEXT, lost_reason TEXT, cycle_days INTEGER);
CREATE TABLE stage_entries (
    deal TEXT NOT NULL REFERENCES deals(id), position INTEGER NOT NULL,
    stage TEXT NOT NULL REFERENCES stages(id),
    entered TEXT NOT NULL, end TEXT NOT NULL, days INTEGER NOT NULL, ongoing INTEGER NOT NULL,
    implicit INTEGER NOT NULL, completed TEXT, owner TEXT, actions TEXT, outputs TEXT,
    presented TEXT, minutes_sent TEXT, PRIMARY KEY (deal, position));
CREATE TABLE activities (
    deal TEXT NOT NULL REFERENCES deals(id), position INTEGER NOT NULL, date TEXT NOT NULL,
    kind TEXT NOT NULL, note TEXT, PRIMARY KEY (deal, position));
CREATE TABLE payments (
    deal TEXT NOT NULL REFERENCES deals(id), position INTEGER NOT NULL, kind TEXT NOT NULL,
    amount REAL NOT NULL, due TEXT NOT NULL, received TEXT, PRIMARY KEY (deal, position));
CREATE TABLE visits (
    deal TEXT NOT NULL REFERENCES deals(id), position INTEGER NOT NULL, date TEXT NOT NULL,
    satisfaction REAL, note TEXT, upsell INTEGER NOT NULL, PRIMARY KEY (deal, position));
CREATE TABLE months (month TEXT PRIMARY KEY, review TEXT);
CREATE TABLE targets (
    month TEXT NOT NULL REFERENCES months(month), kpi TEXT NOT NULL, owner TEXT,
    target REAL NOT NULL);
CREATE TABLE plans (
    month TEXT NOT NULL REFERENCES months(month), position INTEGER NOT NULL,
    action TEXT NOT NULL, area TEXT NOT NULL, owner TEXT, due TEXT, done INTEGER NOT NULL,
    PRIMARY KEY (month, position));
CREATE TABLE cases (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, date TEXT NOT NULL, result TEXT NOT NULL,
    deal TEXT REFERENCES deals(id), industry TEXT, stage TEXT, author TEXT,
    shareable INTEGER NOT NULL, lessons TEXT, improvements TEXT);
CREATE TABLE case_tags (
    case_id TEXT NOT NULL REFERENCES cases(id), tag TEXT NOT NULL, PRIMARY KEY (case_id, tag));
CREATE TABLE kpis (
    month TEXT NOT NULL, key TEXT NOT NULL, actual REAL, target REAL, completion REAL,
    mom REAL, yoy REAL, analysis TEXT, PRIMARY KEY (month, key));
";

/// The reference columns analysts join and filter by.
const INDEXES: &str = "
CREATE INDEX leads_source ON leads(source);
CREATE INDEX leads_owner ON leads(owner);
CREATE INDEX customers_lead ON customers(lead);
CREATE INDEX deals_customer ON deals(customer);
CREATE INDEX deals_lead ON deals(lead);
CREATE INDEX deals_owner ON deals(owner);
";

/// Lists in one cell, as the template writes them.
const LIST: &str = "、";

/// Writes the database into the (new, empty) file at `path`.
pub fn write(
    path: &Path,
    repo: &Repo,
    metrics: &Metrics,
    kpis: &Value,
    reveal: bool,
    commit: Option<&str>,
) -> rusqlite::Result<()> {
    let mut db = Connection::open(path)?;
    db.execute_batch(SCHEMA)?;
    // One transaction and prepared statements: 100,000 leads in seconds.
    let tx = db.transaction()?;
    let text = |s: &str| {
        if reveal {
            s.to_string()
        } else {
            mask_in_text(s)
        }
    };
    let opt_text = |s: &Option<String>| s.as_deref().map(text);
    let phone = |p: &Option<crate::source::Sp<String>>| {
        p.as_ref().map(|p| {
            if reveal {
                p.value.clone()
            } else {
                mask_phone(&p.value)
            }
        })
    };
    let email = |e: &Option<crate::source::Sp<String>>| e.as_ref().map(|e| text(&e.value));
    let stamp = |s: &Option<crate::source::Sp<crate::model::Stamp>>| {
        s.as_ref().map(|s| s.instant.to_rfc3339())
    };
    let config = repo.config();
    {
        let mut meta = tx.prepare("INSERT INTO meta VALUES (?1, ?2)")?;
        meta.execute(params!["as_of", metrics.as_of.date.to_string()])?;
        meta.execute(params!["currency", config.team.currency])?;
        meta.execute(params!["data_commit", commit])?;
        meta.execute(params!["salesbook_version", env!("CARGO_PKG_VERSION")])?;

        let mut owner = tx.prepare("INSERT INTO owners VALUES (?1, ?2, ?3, ?4)")?;
        for o in &config.owners {
            owner.execute(params![o.id, o.name, o.region, o.team])?;
        }
        let mut channel = tx.prepare("INSERT INTO channels VALUES (?1, ?2, ?3)")?;
        for c in &config.channels {
            channel.execute(params![c.id, c.name, c.group.as_str()])?;
        }
        let mut stage = tx.prepare("INSERT INTO stages VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?;
        for (i, s) in config.stages.iter().enumerate() {
            stage.execute(params![
                s.id,
                (i + 1) as i64,
                s.name,
                s.name_en,
                s.core,
                s.closing,
                s.probability
            ])?;
        }

        let mut lead = tx.prepare(
            "INSERT INTO leads VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
        )?;
        for l in &repo.leads {
            lead.execute(params![
                l.meta.id,
                l.source.value,
                l.acquired.value.to_string(),
                text(&l.company),
                l.industry,
                text(&l.contact.name),
                text(&l.contact.title),
                phone(&l.contact.phone),
                email(&l.contact.email),
                text(&l.needs.join(LIST)),
                l.owner.value,
                stamp(&l.assigned),
                stamp(&l.first_contact),
                l.status.value.as_str(),
                opt_text(&l.invalid_reason),
                l.annual_revenue,
                l.budget_confirmed,
                l.match_score,
                l.grade.as_ref().map(|g| g.value.as_str()),
                l.region,
            ])?;
        }

        let mut customer = tx.prepare(
            "INSERT INTO customers VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        let mut person =
            tx.prepare("INSERT INTO decision_makers VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
        let mut risk = tx.prepare("INSERT INTO risks VALUES (?1, ?2, ?3, ?4)")?;
        for c in &repo.customers {
            customer.execute(params![
                c.meta.id,
                text(&c.name),
                c.industry,
                c.owner.value,
                c.lead.as_ref().map(|l| &l.value),
                c.annual_revenue,
                c.employees,
                c.priority.map(|p| p.as_str()),
                text(&c.pain_points.join(LIST)),
                text(&c.decision_chain.join("+")),
                opt_text(&c.progress),
            ])?;
            for (i, p) in c.decision_makers.iter().enumerate() {
                person.execute(params![
                    c.meta.id,
                    (i + 1) as i64,
                    text(&p.name),
                    text(&p.title),
                    p.role.as_str(),
                    opt_text(&p.concerns),
                    phone(&p.phone),
                    email(&p.email),
                ])?;
            }
            for (i, r) in c.risks.iter().enumerate() {
                risk.execute(params![
                    c.meta.id,
                    (i + 1) as i64,
                    r.kind.as_str(),
                    text(&r.note)
                ])?;
            }
        }

        let mut deal =
            tx.prepare("INSERT INTO deals VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")?;
        let mut entry = tx.prepare(
            "INSERT INTO stage_entries VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?;
        let mut activity = tx.prepare("INSERT INTO activities VALUES (?1, ?2, ?3, ?4, ?5)")?;
        let mut payment = tx.prepare("INSERT INTO payments VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
        let mut visit = tx.prepare("INSERT INTO visits VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
        for (d, m) in repo.deals.iter().zip(&metrics.deals) {
            // As of the as-of date, like deals.json.
            deal.execute(params![
                d.meta.id,
                d.customer.value,
                opt_text(&d.title),
                d.owner.value,
                d.lead.as_ref().map(|l| &l.value),
                d.amount.as_ref().map(|a| a.value),
                d.expected_close.map(|e| e.to_string()),
                m.status.as_str(),
                m.closed.map(|c| c.to_string()),
                opt_text(&d.lost_reason),
                m.cycle_days,
            ])?;
            for (i, e) in m.history.iter().enumerate() {
                let written = e.entry.map(|i| &d.stages[i]);
                entry.execute(params![
                    d.meta.id,
                    (i + 1) as i64,
                    e.stage_id,
                    e.entered.to_string(),
                    e.end.to_string(),
                    e.days,
                    e.ongoing,
                    written.is_none(),
                    written.and_then(|w| w.completed.as_ref().map(|c| c.value.to_string())),
                    written.and_then(|w| w.owner.as_ref().map(|o| o.value.clone())),
                    written.map(|w| text(&w.actions.join(LIST))),
                    written.map(|w| text(&w.outputs.join(LIST))),
                    written.and_then(|w| stamp(&w.presented)),
                    written.and_then(|w| stamp(&w.minutes_sent)),
                ])?;
            }
            for (i, a) in d.activities.iter().enumerate() {
                activity.execute(params![
                    d.meta.id,
                    (i + 1) as i64,
                    a.date.value.to_string(),
                    a.kind.as_str(),
                    opt_text(&a.note),
                ])?;
            }
            for (i, p) in d.payments.iter().enumerate() {
                payment.execute(params![
                    d.meta.id,
                    (i + 1) as i64,
                    p.kind.as_str(),
                    p.amount.value,
                    p.due.value.to_string(),
                    p.received.as_ref().map(|r| r.value.to_string()),
                ])?;
            }
            for (i, v) in d.visits.iter().enumerate() {
                visit.execute(params![
                    d.meta.id,
                    (i + 1) as i64,
                    v.date.value.to_string(),
                    v.satisfaction,
                    opt_text(&v.note),
                    v.upsell,
                ])?;
            }
        }

        let mut month = tx.prepare("INSERT INTO months VALUES (?1, ?2)")?;
        let mut target = tx.prepare("INSERT INTO targets VALUES (?1, ?2, ?3, ?4)")?;
        let mut plan = tx.prepare("INSERT INTO plans VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")?;
        for mo in &repo.months {
            let Some(ym) = mo.month else { continue };
            let ym = ym.to_string();
            month.execute(params![ym, text(&mo.body)])?;
            for (k, v) in &mo.targets {
                target.execute(params![ym, k.value, None::<String>, v])?;
            }
            for (owner, targets) in &mo.owner_targets {
                for (k, v) in targets {
                    target.execute(params![ym, k.value, owner.value, v])?;
                }
            }
            for (i, p) in mo.plan.iter().enumerate() {
                plan.execute(params![
                    ym,
                    (i + 1) as i64,
                    text(&p.action),
                    p.area.as_str(),
                    p.owner.as_ref().map(|o| &o.value),
                    p.due.map(|d| d.to_string()),
                    p.done,
                ])?;
            }
        }

        let mut case =
            tx.prepare("INSERT INTO cases VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")?;
        let mut tag = tx.prepare("INSERT OR IGNORE INTO case_tags VALUES (?1, ?2)")?;
        for c in &repo.cases {
            case.execute(params![
                c.meta.id,
                text(&c.title),
                c.date.value.to_string(),
                c.result.as_str(),
                c.deal.as_ref().map(|d| &d.value),
                c.industry,
                c.stage.as_ref().map(|s| &s.value),
                c.author.as_ref().map(|a| &a.value),
                c.shareable,
                text(&c.lessons.join(LIST)),
                text(&c.improvements.join(LIST)),
            ])?;
            for t in &c.tags {
                tag.execute(params![c.meta.id, t])?;
            }
        }

        // kpis.json, row by row: the same values, unrounded.
        let mut kpi = tx.prepare("INSERT INTO kpis VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
        for m in kpis["months"].as_array().into_iter().flatten() {
            let Some(figures) = m["metrics"].as_object() else {
                continue;
            };
            for (key, f) in figures {
                kpi.execute(params![
                    m["month"].as_str(),
                    key,
                    f["actual"].as_f64(),
                    f["target"].as_f64(),
                    f["completion"].as_f64(),
                    f["mom"].as_f64(),
                    f["yoy"].as_f64(),
                    f["analysis"].as_str(),
                ])?;
            }
        }
        // After the rows: building an index once is faster than keeping it up.
        tx.execute_batch(INDEXES)?;
    }
    tx.commit()?;
    db.close().map_err(|(_, e)| e)
}
