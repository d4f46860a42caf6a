//! The worked import examples (`examples/import/*/import.sh`, issue 15 item 8) run
//! as a user runs them — salesbook on PATH, the CSV files as published — and give
//! a repository whose exported figures are the dataset's own facts. The public
//! datasets live in `../shared/datasets/` (not in a clone): the test uses them when
//! they are there, and always runs the script on a small file of the same shape.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/import")
}

/// Runs `examples/import/<name>/import.sh DATASET OUT` with salesbook on PATH.
fn run_example(name: &str, dataset: &Path, out: &Path) {
    let bin = Path::new(env!("CARGO_BIN_EXE_salesbook")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = std::process::Command::new("sh")
        .arg(examples().join(name).join("import.sh"))
        .arg(dataset)
        .arg(out)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{name}/import.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// `../shared/datasets/<name>` when it holds `files`; else `None`, said on stderr.
fn shared_dataset(name: &str, files: &[&str]) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/datasets")
        .join(name);
    if files.iter().all(|f| dir.join(f).is_file()) {
        return Some(dir);
    }
    eprintln!(
        "skipped: {} is not here (a clone alone has no ../shared)",
        dir.display()
    );
    None
}

/// (deals, won, win rate, average won cycle in days, average won amount) from deals.json.
fn facts(repo: &Path) -> (usize, usize, f64, f64, f64) {
    let deals: Value =
        serde_json::from_str(&common::read(&repo.join("export/deals.json"))).unwrap();
    let deals = deals.as_array().unwrap();
    let won: Vec<&Value> = deals.iter().filter(|d| d["status"] == "won").collect();
    let lost = deals.iter().filter(|d| d["status"] == "lost").count();
    let mean =
        |key: &str| won.iter().map(|d| d[key].as_f64().unwrap()).sum::<f64>() / won.len() as f64;
    (
        deals.len(),
        won.len(),
        won.len() as f64 / (won.len() + lost) as f64,
        mean("cycle_days"),
        mean("amount"),
    )
}

const MAVEN_TEAMS: &str = "sales_agent,manager,regional_office\n\
    Moses Frase,Dustin Brinkmann,Central\n\
    Darcel Schlecht,Melvin Marxen,Central\n";

const MAVEN_ACCOUNTS: &str = "account,sector,year_established,revenue,employees,office_location,subsidiary_of\n\
    Cancity,retail,2001,718.62,2448,United States,\n\
    Isdom,medical,2002,3178.24,4540,United States,\n";

/// Two won (cycles 132 and 137 days, 1,054 and 4,514), one lost, one engaging
/// without an account, one prospecting without any date.
const MAVEN_PIPELINE: &str = "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n\
    1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,2016-10-20,2017-03-01,1054\n\
    Z063OYW0,Darcel Schlecht,GTXPro,Isdom,Won,2016-10-25,2017-03-11,4514\n\
    EC4QE1BX,Darcel Schlecht,MG Special,Cancity,Lost,2016-10-25,2017-03-07,0\n\
    MV1LWRNH,Moses Frase,GTX Basic,,Engaging,2017-10-25,,\n\
    PE84CX4O,Moses Frase,GTX Basic,,Prospecting,,,\n";

#[test]
fn the_maven_example_imports_a_file_of_its_shape() {
    let tmp = tempfile::tempdir().unwrap();
    let dataset = tmp.path().join("maven");
    std::fs::create_dir_all(&dataset).unwrap();
    for (file, text) in [
        ("sales_teams.csv", MAVEN_TEAMS),
        ("accounts.csv", MAVEN_ACCOUNTS),
        ("sales_pipeline.csv", MAVEN_PIPELINE),
    ] {
        std::fs::write(dataset.join(file), text).unwrap();
    }
    let out = tmp.path().join("repo");
    run_example("maven", &dataset, &out);
    let (deals, won, win_rate, cycle, size) = facts(&out);
    assert_eq!((deals, won), (5, 2));
    assert_eq!(win_rate, 2.0 / 3.0);
    assert_eq!(cycle, (132.0 + 137.0) / 2.0);
    assert_eq!(size, (1054.0 + 4514.0) / 2.0);
    let pipeline = common::read(&out.join("pipeline.toml"));
    assert!(
        pipeline.contains("[process]\nsince = 2018-01-01"),
        "{pipeline}"
    );
    assert!(pipeline.contains("id = \"darcel-schlecht\"\nname = \"Darcel Schlecht\""));
    // No example records from init: only what the files hold.
    assert!(!out.join("leads").exists() && !out.join("cases").exists());
    let engaging = common::read(&out.join("deals/MV1LWRNH.toml"));
    assert!(engaging.contains("customer = \"no-account\""), "{engaging}");
    let (code, _, err) = common::salesbook(&out, &["check", "--as-of", "2017-12-31"]);
    assert_eq!(code, 0, "{err}");
}

/// On the published Maven file: the dataset's own win rate, average won cycle
/// and average won size, to the digits the issue gives.
#[test]
fn the_maven_example_gives_the_datasets_figures() {
    let Some(dataset) = shared_dataset("maven-crm-sales-opportunities", &["sales_pipeline.csv"])
    else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("repo");
    run_example("maven", &dataset, &out);
    let (deals, won, win_rate, cycle, size) = facts(&out);
    assert_eq!((deals, won), (8800, 4238));
    assert_eq!(format!("{win_rate:.6}"), "0.631501");
    assert_eq!(format!("{cycle:.6}"), "51.781973");
    assert_eq!(format!("{size:.2}"), "2360.91");
}

/// lead_conversion_rate by month from kpis.json: month → (new leads, rate).
fn conversion(repo: &Path) -> Vec<(String, f64, f64)> {
    let kpis: Value = serde_json::from_str(&common::read(&repo.join("export/kpis.json"))).unwrap();
    kpis["months"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| {
            let new = m["metrics"]["new_leads"]["actual"].as_f64()?;
            let rate = m["metrics"]["lead_conversion_rate"]["actual"].as_f64()?;
            Some((m["month"].as_str()?.to_string(), new, rate))
        })
        .collect()
}

const OLIST_LEADS: &str = "mql_id,first_contact_date,landing_page_id,origin\n\
    a1,2018-02-01,p1,social\n\
    a2,2018-02-10,p1,referral\n\
    a3,2018-02-20,p2,\n\
    b1,2018-03-08,p2,organic_search\n\
    b2,2018-03-09,p2,paid_search\n";

/// a2 won after its first contact; b1 won two days before it (rejected).
const OLIST_DEALS: &str = "mql_id,seller_id,sdr_id,sr_id,won_date,business_segment,lead_type\n\
    a2,s1,d1,rep1,2018-02-26 19:58:54,pet,online_medium\n\
    b1,s2,d1,rep2,2018-03-06 19:38:55,,industry\n";

#[test]
fn the_olist_example_sets_the_bad_deal_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let dataset = tmp.path().join("olist");
    std::fs::create_dir_all(&dataset).unwrap();
    std::fs::write(
        dataset.join("olist_marketing_qualified_leads_dataset.csv"),
        OLIST_LEADS,
    )
    .unwrap();
    std::fs::write(dataset.join("olist_closed_deals_dataset.csv"), OLIST_DEALS).unwrap();
    let out = tmp.path().join("repo");
    run_example("olist", &dataset, &out);
    let months = conversion(&out);
    let of = |m: &str| {
        months
            .iter()
            .find(|(x, ..)| x == m)
            .map(|(_, n, r)| (*n, *r))
    };
    assert_eq!(of("2018-02"), Some((3.0, 1.0 / 3.0)));
    // b1's deal is in rejected-deals.csv, so March converts nothing.
    assert_eq!(of("2018-03"), Some((2.0, 0.0)));
    let rejected = common::read(&out.join("rejected-deals.csv"));
    assert!(
        rejected.contains("\n3,") && rejected.contains("before its lead `b1` was acquired"),
        "{rejected}"
    );
    let (code, _, err) = common::salesbook(&out, &["check", "--as-of", "2018-12-31"]);
    assert_eq!(code, 0, "{err}");
}

/// On the published Olist files: conversion by first-contact month is the
/// dataset's (leads of the month whose mql_id has a closed deal), the one deal
/// won before its lead's first contact set aside.
#[test]
fn the_olist_example_gives_the_datasets_conversion_by_month() {
    let (leads, deals) = (
        "olist_marketing_qualified_leads_dataset.csv",
        "olist_closed_deals_dataset.csv",
    );
    let Some(dataset) = shared_dataset("olist-marketing-funnel", &[leads, deals]) else {
        return;
    };
    let (leads, deals) = (dataset.join(leads), dataset.join(deals));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("repo");
    run_example("olist", &dataset, &out);
    let rows = |p: &Path| -> Vec<Vec<String>> {
        common::read(p)
            .lines()
            .skip(1)
            .map(|l| l.split(',').map(String::from).collect())
            .collect()
    };
    let first_contact: std::collections::HashMap<String, String> = rows(&leads)
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    // The dataset's facts: a deal counts for its lead unless won before the lead's first contact.
    let mut expected: std::collections::BTreeMap<String, (f64, f64)> = Default::default();
    for date in first_contact.values() {
        expected.entry(date[..7].to_string()).or_default().0 += 1.0;
    }
    let mut set_aside = 0;
    for r in rows(&deals) {
        let contact = &first_contact[&r[0]];
        if r[4][..10] < contact[..] {
            set_aside += 1;
            continue;
        }
        expected.get_mut(&contact[..7]).unwrap().1 += 1.0;
    }
    assert_eq!(set_aside, 1);
    let months = conversion(&out);
    for (month, (leads, won)) in &expected {
        let got = months.iter().find(|(m, ..)| m == month).unwrap();
        // serde_json's default parser may miss the last bit of a float: within 1e-15.
        assert_eq!(got.1, *leads, "{month}");
        assert!(
            (got.2 - won / leads).abs() < 1e-15,
            "{month}: {} vs {}",
            got.2,
            won / leads
        );
    }
    assert_eq!(expected.values().map(|(n, _)| n).sum::<f64>(), 8000.0);
}
