//! The sample pipeline in data/: it validates, and its October 2023 figures
//! reproduce the template's table 4 (SPEC §7) through `salesbook export`.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn salesbook() -> Command {
    let mut cmd = Command::cargo_bin("salesbook").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn export(dir: &Path, extra: &[&str]) {
    salesbook()
        .args(["export", "--out"])
        .arg(dir)
        .args(extra)
        .assert()
        .success();
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn close(actual: &Value, expected: f64) -> bool {
    actual.as_f64().is_some_and(|a| (a - expected).abs() < 1e-9)
}

#[test]
fn sample_checks_clean_with_only_intended_warnings() {
    let out = salesbook()
        .args(["check", "--format", "json"])
        .assert()
        .success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let diags: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(diags.iter().all(|d| d["severity"] == "warning"), "{stdout}");
    // Each warning is a realistic, intended one: at most a handful per rule.
    assert!(
        !diags.is_empty() && diags.len() < 40,
        "{} warnings",
        diags.len()
    );
    salesbook().args(["check", "--strict"]).assert().code(1);
}

#[test]
fn october_2023_reproduces_template_table_4() {
    let dir = tempfile::tempdir().unwrap();
    export(dir.path(), &["--format", "json"]);
    let kpis = read_json(&dir.path().join("kpis.json"));
    assert_eq!(kpis["as_of"], "2023-10-31");
    assert_eq!(kpis["currency"], "CNY");
    let months = kpis["months"].as_array().unwrap();
    // Months run from the earliest record's month (a deal begun in 2022-09) to as-of.
    assert!(months.first().unwrap()["month"].as_str().unwrap() <= "2022-10");
    assert_eq!(months.last().unwrap()["month"], "2023-10");
    let oct = months.iter().find(|m| m["month"] == "2023-10").unwrap();
    let m = &oct["metrics"];

    // (key, actual, target, completion, yoy, mom, analysis)
    let expected = [
        (
            "lead_conversion_rate",
            0.12,
            0.15,
            0.8,
            -0.02,
            -0.03,
            "高价值线索跟进不及时",
        ),
        (
            "avg_deal_cycle_days",
            35.0,
            30.0,
            30.0 / 35.0,
            5.0,
            3.0,
            "方案修改耗时过长",
        ),
        (
            "avg_deal_size",
            450_000.0,
            400_000.0,
            1.125,
            50_000.0,
            80_000.0,
            "大客户成交占比提升",
        ),
        (
            "satisfaction",
            88.0,
            90.0,
            88.0 / 90.0,
            -1.0,
            -2.0,
            "售后响应速度需优化",
        ),
    ];
    for (key, actual, target, completion, yoy, mom, analysis) in expected {
        let v = &m[key];
        assert!(close(&v["actual"], actual), "{key} actual {}", v["actual"]);
        assert!(close(&v["target"], target), "{key} target {}", v["target"]);
        assert!(
            close(&v["completion"], completion),
            "{key} completion {}",
            v["completion"]
        );
        assert!(close(&v["yoy"], yoy), "{key} yoy {}", v["yoy"]);
        assert!(close(&v["mom"], mom), "{key} mom {}", v["mom"]);
        assert_eq!(v["analysis"], analysis);
    }
    assert!(close(&m["revenue"]["actual"], 2_250_000.0));
    assert!(close(&m["deals_won"]["actual"], 5.0));
}

#[test]
fn report_prints_the_template_table() {
    let out = salesbook()
        .args(["report", "--month", "2023-10"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let row = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        row("线索转化率")[1..],
        ["15%", "12%", "80%", "-2%", "-3%", "高价值线索跟进不及时"]
    );
    assert_eq!(
        row("平均成交周期(天)")[1..],
        ["30", "35", "85.7%", "+5", "+3", "方案修改耗时过长"]
    );
    assert_eq!(
        row("客单价(万)")[1..],
        ["40", "45", "112.5%", "+5", "+8", "大客户成交占比提升"]
    );
    assert_eq!(
        row("客户满意度(分)")[1..],
        ["90", "88", "97.8%", "-1", "-2", "售后响应速度需优化"]
    );
}

#[test]
fn report_formats_and_bad_month() {
    let out = salesbook()
        .args(["report", "--format", "csv"])
        .assert()
        .success();
    let csv = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(csv.starts_with("month,kpi,name,target,actual,completion,yoy,mom,analysis\n"));
    assert!(csv.contains("2023-10,lead_conversion_rate,线索转化率,0.15,0.12,0.8,"));
    let out = salesbook()
        .args(["report", "--format", "json"])
        .assert()
        .success();
    let json: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(json["month"], "2023-10");
    salesbook()
        .args(["report", "--month", "2031-01"])
        .assert()
        .code(2);
    salesbook()
        .args(["report", "--month", "2023-13"])
        .assert()
        .code(2);
    salesbook()
        .args(["report", "--format", "xlsx"])
        .assert()
        .code(2);
}

#[test]
fn deals_json_has_the_spec_schema_and_table_3() {
    let dir = tempfile::tempdir().unwrap();
    export(dir.path(), &["--format", "json"]);
    let deals = read_json(&dir.path().join("deals.json"));
    let deals = deals.as_array().unwrap();
    assert!(deals.len() >= 30);
    for d in deals {
        let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "id",
                "customer",
                "owner",
                "status",
                "amount",
                "closed",
                "cycle_days",
                "stages"
            ]
        );
        assert!(["open", "won", "lost"].contains(&d["status"].as_str().unwrap()));
        assert!(d["amount"].is_number() || d["amount"].is_null());
        assert!(d["closed"].is_string() || d["closed"].is_null());
        assert_eq!(d["cycle_days"].is_number(), d["status"] == "won");
        for s in d["stages"].as_array().unwrap() {
            let keys: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ["stage", "entered", "end", "days", "ongoing"]);
            assert!(s["days"].as_i64().unwrap() >= 0);
            assert!(s["ongoing"].is_boolean());
            assert_eq!(s["entered"].as_str().unwrap().len(), 10);
        }
    }
    let a = deals.iter().find(|d| d["id"] == "a-tech-2023").unwrap();
    assert_eq!(a["status"], "won");
    assert_eq!(a["closed"], "2023-10-27");
    assert!(close(&a["amount"], 500_000.0));
    assert_eq!(a["cycle_days"], 19);
    let stages = a["stages"].as_array().unwrap();
    assert_eq!(stages[0]["stage"], "lead");
    assert_eq!(stages[0]["entered"], "2023-10-08");
    let stage = |id: &str| stages.iter().find(|s| s["stage"] == id).unwrap();
    assert_eq!(stage("proposal")["entered"], "2023-10-15");
    assert_eq!(stage("proposal")["days"], 5);
    assert_eq!(stage("negotiation")["entered"], "2023-10-20");
    assert_eq!(stage("negotiation")["days"], 7);
}

#[test]
fn export_writes_csv_tables_and_an_xlsx_workbook() {
    let dir = tempfile::tempdir().unwrap();
    export(dir.path(), &[]);
    for f in [
        "kpis.json",
        "deals.json",
        "kpis.csv",
        "deals.csv",
        "deal_stages.csv",
        "table1_leads.csv",
        "table2_customers.csv",
        "table3_stages.csv",
        "table4_kpis.csv",
    ] {
        assert!(dir.path().join(f).is_file(), "{f} missing");
    }
    let t1 = std::fs::read_to_string(dir.path().join("table1_leads.csv")).unwrap();
    let t1 = t1.trim_start_matches('\u{feff}');
    // The template's ten columns first, then what `import` needs to read it back.
    assert!(t1.starts_with(
        "线索编号,来源渠道,获取时间,客户名称,行业,联系人,职位,电话,需求标签,负责人,\
         状态,无效原因,分配时间,首次联系时间,邮箱,区域,年营收\n"
    ));
    let lx001 = t1.lines().find(|l| l.starts_with("LX001,")).unwrap();
    assert!(
        lx001.starts_with("LX001,行业展会,2023-10-08,A科技有限公司,制造业,张三,采购经理,"),
        "{lx001}"
    );
    assert!(
        lx001.contains(",自动化升级,李四,已转化,,2023-10-08 10:00:00,2023-10-08 15:30:00,"),
        "{lx001}"
    );
    assert!(
        lx001.contains("****"),
        "phones are masked by default: {lx001}"
    );
    let t2 = std::fs::read_to_string(dir.path().join("table2_customers.csv")).unwrap();
    assert!(
        t2.contains("A科技有限公司,制造业,1亿/500人,张三,采购经理,"),
        "{t2}"
    );
    let t3 = std::fs::read_to_string(dir.path().join("table3_stages.csv")).unwrap();
    assert!(
        t3.contains("A科技有限公司,方案制定与呈现,2023-10-15,5,方案评审通过，客户无异议,"),
        "{t3}"
    );
    assert!(
        t3.contains("A科技有限公司,商务谈判与成交,2023-10-20,7,"),
        "{t3}"
    );

    let xdir = tempfile::tempdir().unwrap();
    export(xdir.path(), &["--format", "xlsx"]);
    let bytes = std::fs::read(xdir.path().join("salesbook.xlsx")).unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx file is a zip archive");
}
