//! Forecast accuracy end to end (docs/metrics.md): a data repository built here
//! in git with commits at chosen dates, then `salesbook build`, and the month
//! pages' forecast tables read back with hand-computed figures.
//!
//! Team time zone Asia/Shanghai, amounts shown in yuan, as-of 2023-11-30.
//! Stage probabilities: nurture 0.10, proposal 0.30, negotiation 0.60.
//!
//! - 2023-09-25 (commit 1): lisi's a-2023 at negotiation, 200,000, expected
//!   2023-10-20; lisi's b-2023 at proposal, 100,000, expected 2023-10-25;
//!   zhaoliu's c-2023 at negotiation, 150,000, expected 2023-10-31.
//! - 2023-10-01 00:30 in Shanghai (still 30 September in UTC, commit 2):
//!   zhaoliu's d-2023, 1,000,000, expected 2023-10-15 — after October began,
//!   so not in October's forecast.
//! - 2023-11-05 (commit 3): a-2023 won 2023-10-18 for 220,000; b-2023 slipped
//!   and was won 2023-11-03 for 100,000; c-2023 lost 2023-10-28; d-2023 won
//!   2023-10-12 for 80,000; wangwu's e-2023 won 2023-10-20 for 50,000, never
//!   forecast.
//!
//! October: lisi forecast 200,000 × 0.6 + 100,000 × 0.3 = 150,000, won
//! 220,000, +70,000, accuracy 1 − 70,000 ÷ 150,000 = 53.3%; zhaoliu
//! 150,000 × 0.6 = 90,000, won 80,000, −10,000, 1 − 10,000 ÷ 90,000 = 88.9%;
//! wangwu 0, won 50,000, accuracy —; total 240,000 vs 350,000, +110,000,
//! 1 − 110,000 ÷ 240,000 = 54.2%.
//! November (snapshot: commit 2, nothing expected in November): lisi 0, won
//! 100,000 (the slipped b-2023), accuracy —. September: no commit before it
//! began.

use std::path::Path;
use std::process::Command;

use scraper::{Html, Selector};

mod common;
use common::git::git;

const PIPELINE: &str = r#"[team]
name = "测试组"
as_of = 2023-11-30

[[owners]]
id = "lisi"
name = "李四"

[[owners]]
id = "zhaoliu"
name = "赵六"

[[owners]]
id = "wangwu"
name = "王五"

[[stages]]
id = "lead"
name = "线索获取与筛选"
probability = 0.05

[[stages]]
id = "nurture"
name = "客户深度培育"
core = true
probability = 0.1

[[stages]]
id = "proposal"
name = "方案制定与呈现"
core = true
probability = 0.3

[[stages]]
id = "negotiation"
name = "商务谈判与成交"
closing = true
probability = 0.6

[[stages]]
id = "fulfilment"
name = "履约与售后维护"
probability = 1.0
"#;

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn commit_all(dir: &Path, date: &str) {
    git(dir, &["add", "-A"], None);
    git(dir, &["commit", "-q", "-m", "update"], Some(date));
}

/// A deal that went through nurture (with an activity) and proposal, up to
/// `stage`; `tail` holds the amount, status and closing lines.
fn deal(customer: &str, owner: &str, stage: &str, tail: &str) -> String {
    let mut s = format!(
        "customer = \"{customer}\"\ntitle = \"项目\"\nowner = \"{owner}\"\n{tail}\n\
         [[stages]]\nstage = \"nurture\"\nentered = 2023-09-05\n"
    );
    if stage != "nurture" {
        s += "\n[[stages]]\nstage = \"proposal\"\nentered = 2023-09-10\n";
    }
    if stage == "negotiation" {
        s += "\n[[stages]]\nstage = \"negotiation\"\nentered = 2023-09-20\n";
    }
    s + "\n[[activities]]\ndate = 2023-09-05\nkind = \"visit\"\n"
}

fn customer(dir: &Path, id: &str, owner: &str) {
    write(
        dir,
        &format!("customers/{id}.md"),
        &format!("+++\nname = \"{id} 公司\"\nindustry = \"制造业\"\nowner = \"{owner}\"\n+++\n"),
    );
}

fn open(amount: u32, close: &str) -> String {
    format!("amount = {amount}\nstatus = \"open\"\nexpected_close = {close}\n")
}

/// The data of commit 1: three open deals.
fn september(dir: &Path) {
    write(dir, "pipeline.toml", PIPELINE);
    for (c, o) in [("a", "lisi"), ("b", "lisi"), ("c", "zhaoliu")] {
        customer(dir, c, o);
    }
    write(
        dir,
        "deals/a-2023.toml",
        &deal("a", "lisi", "negotiation", &open(200_000, "2023-10-20")),
    );
    write(
        dir,
        "deals/b-2023.toml",
        &deal("b", "lisi", "proposal", &open(100_000, "2023-10-25")),
    );
    write(
        dir,
        "deals/c-2023.toml",
        &deal("c", "zhaoliu", "negotiation", &open(150_000, "2023-10-31")),
    );
}

fn build_history(dir: &Path) {
    git(dir, &["init", "-q"], None);
    september(dir);
    commit_all(dir, "2023-09-25T10:00:00+08:00");

    customer(dir, "d", "zhaoliu");
    write(
        dir,
        "deals/d-2023.toml",
        &deal(
            "d",
            "zhaoliu",
            "negotiation",
            &open(1_000_000, "2023-10-15"),
        ),
    );
    commit_all(dir, "2023-10-01T00:30:00+08:00");

    let won = |amount: u32, closed: &str| {
        format!("amount = {amount}\nstatus = \"won\"\nclosed = {closed}\n")
    };
    write(
        dir,
        "deals/a-2023.toml",
        &deal("a", "lisi", "negotiation", &won(220_000, "2023-10-18")),
    );
    write(
        dir,
        "deals/b-2023.toml",
        &deal("b", "lisi", "negotiation", &won(100_000, "2023-11-03")),
    );
    write(
        dir,
        "deals/c-2023.toml",
        &deal(
            "c",
            "zhaoliu",
            "negotiation",
            "amount = 150000\nstatus = \"lost\"\nclosed = 2023-10-28\nlost_reason = \"预算冻结\"\n",
        ),
    );
    write(
        dir,
        "deals/d-2023.toml",
        &deal("d", "zhaoliu", "negotiation", &won(80_000, "2023-10-12")),
    );
    customer(dir, "e", "wangwu");
    write(
        dir,
        "deals/e-2023.toml",
        &deal("e", "wangwu", "negotiation", &won(50_000, "2023-10-20")),
    );
    commit_all(dir, "2023-11-05T10:00:00+08:00");
}

fn build_site(data: &Path, out: &Path) {
    let run = Command::new(env!("CARGO_BIN_EXE_salesbook"))
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .arg("--data")
        .arg(data)
        .arg("build")
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// The forecast section of a month page: the rows of its table, or its text.
fn forecast(out: &Path, month: &str) -> (Vec<Vec<String>>, String) {
    let page = std::fs::read_to_string(out.join(format!("months/{month}/index.html"))).unwrap();
    let html = Html::parse_document(&page);
    let sec = Selector::parse("section#forecast").unwrap();
    let tr = Selector::parse("tbody tr").unwrap();
    let td = Selector::parse("td").unwrap();
    let section = html
        .select(&sec)
        .next()
        .unwrap_or_else(|| panic!("no forecast section on {month}"));
    let rows = section
        .select(&tr)
        .map(|r| {
            r.select(&td)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect()
        })
        .collect();
    (rows, section.text().collect::<String>())
}

#[test]
fn month_pages_compare_the_forecast_committed_at_the_start_with_what_was_won() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    build_history(&data);
    let out = tmp.path().join("site");
    build_site(&data, &out);

    let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    let (october, _) = forecast(&out, "2023-10");
    assert_eq!(
        october,
        [
            row(&["李四", "150000", "220000", "+70000", "53.3%"]),
            row(&["赵六", "90000", "80000", "-10000", "88.9%"]),
            row(&["王五", "0", "50000", "+50000", "—"]),
            row(&["合计", "240000", "350000", "+110000", "54.2%"]),
        ]
    );
    let (november, _) = forecast(&out, "2023-11");
    assert_eq!(
        november,
        [
            row(&["李四", "0", "100000", "+100000", "—"]),
            row(&["合计", "0", "100000", "+100000", "—"]),
        ]
    );
    let (september, text) = forecast(&out, "2023-09");
    assert!(september.is_empty());
    assert!(text.contains("无历史"), "{text}");
}

#[test]
fn outside_git_there_is_no_forecast_section() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir(&data).unwrap();
    build_history(&data);
    std::fs::remove_dir_all(data.join(".git")).unwrap();
    let out = tmp.path().join("site");
    build_site(&data, &out);
    let page = std::fs::read_to_string(out.join("months/2023-10/index.html")).unwrap();
    assert!(!page.contains("id=\"forecast\""));
}

/// The dashboard's open pipeline by owner and stage, on commit 1's data (all
/// three deals still open): lisi b-2023 proposal 100,000 × 0.3 = 30,000 and
/// a-2023 negotiation 200,000 × 0.6 = 120,000; zhaoliu c-2023 negotiation
/// 150,000 × 0.6 = 90,000.
#[test]
fn dashboard_shows_the_weighted_pipeline_by_owner_and_stage() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    september(&data);
    let out = tmp.path().join("site");
    build_site(&data, &out);
    let page = std::fs::read_to_string(out.join("index.html")).unwrap();
    let html = Html::parse_document(&page);
    let tr = Selector::parse("section#pipeline-by-owner tbody tr").unwrap();
    let td = Selector::parse("td").unwrap();
    let rows: Vec<Vec<String>> = html
        .select(&tr)
        .map(|r| {
            r.select(&td)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect()
        })
        .collect();
    let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    assert_eq!(
        rows,
        [
            row(&["李四", "方案制定与呈现", "1", "100000", "30000"]),
            row(&["李四", "商务谈判与成交", "1", "200000", "120000"]),
            row(&["李四", "小计", "2", "300000", "150000"]),
            row(&["赵六", "商务谈判与成交", "1", "150000", "90000"]),
            row(&["赵六", "小计", "1", "150000", "90000"]),
            row(&["合计", "", "3", "450000", "240000"]),
        ]
    );
}
