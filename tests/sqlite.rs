//! `export --format sqlite` (issue 20, item 1): the three queries of
//! docs/export.md, read from the page, run on the sample's database and give the
//! figures of `kpis.json` and `deals.json`; contacts are masked unless revealed.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{read, salesbook, sample};
use rusqlite::Connection;
use serde_json::Value;

/// The ```sql blocks of docs/export.md, in order.
fn doc_queries() -> Vec<String> {
    let doc = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/export.md"));
    doc.split("```sql\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap().to_string())
        .collect()
}

fn export(out: &Path, extra: &[&str]) -> Connection {
    let mut args = vec!["export", "--out", out.to_str().unwrap()];
    args.extend(extra);
    let (code, _, err) = salesbook(&sample(), &args);
    assert_eq!(code, 0, "{err}");
    Connection::open(out.join("salesbook.sqlite")).unwrap()
}

/// Month → KPI key → actual, from kpis.json.
fn actuals(dir: &Path) -> BTreeMap<String, BTreeMap<String, Option<f64>>> {
    let kpis: Value = serde_json::from_str(&read(&dir.join("kpis.json"))).unwrap();
    kpis["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let figures = m["metrics"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, f)| (k.clone(), f["actual"].as_f64()))
                .collect();
            (m["month"].as_str().unwrap().to_string(), figures)
        })
        .collect()
}

#[test]
fn the_documented_queries_give_the_sites_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let json = tmp.path().join("json");
    let (code, _, err) = salesbook(&sample(), &["export", "--out", json.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let db = export(&tmp.path().join("db"), &["--format", "sqlite"]);
    let kpis = actuals(&json);
    let queries = doc_queries();
    assert_eq!(queries.len(), 3, "docs/export.md has three queries");

    // 1. Revenue by month = table 4's revenue and deals won.
    let mut stmt = db.prepare(&queries[0]).unwrap();
    let rows: Vec<(String, f64, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(rows.len() >= 6, "{rows:?}");
    let mut compared = 0;
    for (month, revenue, won) in &rows {
        let Some(k) = kpis.get(month) else { continue };
        assert_eq!(k["revenue"], Some(*revenue), "{month}");
        assert_eq!(k["deals_won"], Some(*won as f64), "{month}");
        compared += 1;
    }
    assert!(compared >= 6);
    for (month, k) in &kpis {
        if k["deals_won"].unwrap_or(0.0) > 0.0 {
            assert!(rows.iter().any(|(m, ..)| m == month), "{month} has wins");
        }
    }

    // 2. Stage durations by owner = deals.json's ended entries, averaged.
    let deals: Value = serde_json::from_str(&read(&json.join("deals.json"))).unwrap();
    let mut expected: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for d in deals.as_array().unwrap() {
        for e in d["stages"].as_array().unwrap() {
            if e["ongoing"] == false {
                let key = (
                    d["owner"].as_str().unwrap().to_string(),
                    e["stage"].as_str().unwrap().to_string(),
                );
                let v = expected.entry(key).or_default();
                v.0 += 1;
                v.1 += e["days"].as_i64().unwrap();
            }
        }
    }
    let mut stmt = db.prepare(&queries[1]).unwrap();
    let got: BTreeMap<(String, String), (i64, f64)> = stmt
        .query_map([], |r| Ok(((r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?))))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(got.len(), expected.len());
    for (key, (n, total)) in &expected {
        let (gn, avg) = got[key];
        assert_eq!(gn, *n, "{key:?}");
        assert!((avg - *total as f64 / *n as f64).abs() < 1e-9, "{key:?}");
    }

    // 3. Conversion by channel and month, summed over the channels = table 4's
    //    new leads and lead conversion rate.
    let mut stmt = db.prepare(&queries[2]).unwrap();
    let mut by_month: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut channels = std::collections::BTreeSet::new();
    for row in stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })
        .unwrap()
    {
        let (month, channel, leads, converted) = row.unwrap();
        channels.insert(channel);
        let m = by_month.entry(month).or_default();
        m.0 += leads;
        m.1 += converted;
    }
    assert!(channels.len() >= 4, "{channels:?}");
    let mut compared = 0;
    for (month, (leads, converted)) in &by_month {
        let Some(k) = kpis.get(month) else { continue };
        assert_eq!(k["new_leads"], Some(*leads as f64), "{month}");
        let rate = k["lead_conversion_rate"].unwrap();
        assert!(
            (rate - *converted as f64 / *leads as f64).abs() < 1e-12,
            "{month}"
        );
        compared += 1;
    }
    assert!(compared >= 10, "{compared}");

    // kpis is kpis.json row by row.
    let n: i64 = db
        .query_row("SELECT COUNT(*) FROM kpis", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n as usize, kpis.values().map(BTreeMap::len).sum::<usize>());
    let as_of: String = db
        .query_row("SELECT value FROM meta WHERE key = 'as_of'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(as_of, "2023-10-31");
}

#[test]
fn contacts_are_masked_unless_revealed() {
    let tmp = tempfile::tempdir().unwrap();
    let phone = |db: &Connection| -> String {
        db.query_row("SELECT phone FROM leads WHERE id = 'LX001'", [], |r| {
            r.get(0)
        })
        .unwrap()
    };
    let masked = export(&tmp.path().join("masked"), &["--format", "sqlite"]);
    assert_eq!(phone(&masked), "138****5678");
    let people: i64 = masked
        .query_row(
            "SELECT COUNT(*) FROM decision_makers WHERE phone GLOB '*[0-9][0-9][0-9][0-9][0-9][0-9][0-9]*'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(people, 0, "decision makers' phones masked too");
    let revealed = export(
        &tmp.path().join("revealed"),
        &["--format", "sqlite", "--reveal-contacts"],
    );
    assert_eq!(phone(&revealed), "13812345678");
}
