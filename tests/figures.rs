//! SPEC §4 figures end to end, where the definition meets the edges of the data:
//! months before the data starts, an empty repository, the one funnel that the
//! dashboard's chart and `/stages/` both show.

mod common;

use common::{base::write, build_site, read, salesbook, sample, without_sort_keys};
use serde_json::Value;

const PIPELINE: &str = r#"[team]
name = "测试组"
as_of = 2024-03-31

[[owners]]
id = "lisi"
name = "李四"
"#;

fn lead(id: &str, acquired: &str) -> String {
    format!(
        "source = \"trade_show\"\nacquired = {acquired}\ncompany = \"{id}公司\"\nindustry = \"制造业\"\n\
         owner = \"lisi\"\nstatus = \"new\"\n\n[contact]\nname = \"张三\"\ntitle = \"经理\"\n"
    )
}

/// Two leads in March 2023 and three in March 2024: the data starts in March 2023.
fn two_marches(root: &std::path::Path) {
    write(root, "pipeline.toml", PIPELINE);
    for (id, day) in [
        ("L1", "2023-03-02"),
        ("L2", "2023-03-09"),
        ("L3", "2024-03-01"),
        ("L4", "2024-03-02"),
        ("L5", "2024-03-03"),
    ] {
        write(root, &format!("leads/{id}.toml"), lead(id, day));
    }
}

#[test]
fn months_before_the_data_have_no_figures_to_compare_with() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    two_marches(&data);
    let out = tmp.path().join("export");
    let (code, _, err) = salesbook(&data, &["export", "--out", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let kpis: Value = serde_json::from_str(&read(&out.join("kpis.json"))).unwrap();
    let months = kpis["months"].as_array().unwrap();
    assert_eq!(months.len(), 13); // 2023-03 ..= 2024-03
    let metric = |m: usize, key: &str| months[m]["metrics"][key].clone();
    // 2023-03, the first reported month: 2 leads, nothing to compare with.
    assert_eq!(months[0]["month"], "2023-03");
    assert_eq!(metric(0, "new_leads")["actual"], 2.0);
    for key in ["new_leads", "deals_won", "revenue"] {
        assert!(metric(0, key)["mom"].is_null(), "{key}: {}", metric(0, key));
        assert!(metric(0, key)["yoy"].is_null(), "{key}: {}", metric(0, key));
    }
    // 2023-04: reported, no events: 0 leads, 0 − 2 month over month; its
    // year-ago month (2022-04) is before the data, so null.
    assert_eq!(metric(1, "new_leads")["actual"], 0.0);
    assert_eq!(metric(1, "new_leads")["mom"], -2.0);
    assert!(metric(1, "new_leads")["yoy"].is_null());
    // 2024-03: 3 leads against 2023-03's 2 and 2024-02's 0.
    assert_eq!(months[12]["month"], "2024-03");
    assert_eq!(metric(12, "new_leads")["yoy"], 1.0);
    assert_eq!(metric(12, "new_leads")["mom"], 3.0);
    assert_eq!(metric(12, "revenue")["yoy"], 0.0);
    // The printed table says the same: "—" in the first month.
    let (code, text, _) = salesbook(&data, &["report", "--month", "2023-03"]);
    assert_eq!(code, 0);
    let row = text.lines().find(|l| l.starts_with("新增线索数")).unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&cells[cells.len() - 2..], ["—", "—"], "{row}");
}

#[test]
fn an_empty_repository_reports_nothing_and_is_not_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "pipeline.toml", PIPELINE);
    let (code, out, err) = salesbook(tmp.path(), &["report"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("no figures yet"), "{out}");
    for format in ["json", "csv"] {
        let (code, out, err) = salesbook(tmp.path(), &["report", "--format", format]);
        assert_eq!(code, 0, "{err}");
        assert!(out.is_empty(), "{out}");
        assert!(err.contains("no figures yet"), "{err}");
    }
    let (code, _, _) = salesbook(tmp.path(), &["report", "--month", "2023-10"]);
    assert_eq!(code, 0);
}

/// The sample's funnel, as the dashboard chart's text alternative and the
/// `/stages/` table both show it: the same steps, in the same order, with the
/// same conversions — won right after the closing stage.
#[test]
fn the_funnel_chart_and_the_stages_table_agree() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    build_site(&sample(), &site, &[]);
    let index = read(&site.join("index.html"));
    let start = index
        .find(r#"class="chart chart-funnel""#)
        .expect("funnel chart");
    let desc_at = index[start..].find("<desc>").unwrap() + start + 6;
    let desc = &index[desc_at..desc_at + index[desc_at..].find("</desc>").unwrap()];
    // "线索数: 35; 线索获取与筛选: 35 (转化率 100%); …"
    let chart: Vec<(String, String)> = desc
        .split("; ")
        .skip(1)
        .map(|step| {
            let (label, rest) = step.split_once(": ").unwrap();
            let pct = rest
                .split_once("转化率 ")
                .map_or("—".into(), |(_, p)| p.trim_end_matches(')').to_string());
            (label.to_string(), pct)
        })
        .collect();
    let labels: Vec<&str> = chart.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        labels,
        [
            "线索获取与筛选",
            "客户深度培育",
            "方案制定与呈现",
            "商务谈判与成交",
            "成交",
            "履约与售后维护"
        ],
        "{desc}"
    );
    let stages = read(&site.join("stages/index.html"));
    let funnel = &stages[stages.rfind("转化漏斗").expect("funnel table")..];
    for (label, pct) in &chart {
        let row = funnel
            .split("<tr")
            .find(|r| r.contains(&format!(">{label}<")) && r.matches("<td").count() == 4)
            .unwrap_or_else(|| panic!("no funnel row {label}"));
        assert!(
            row.contains(&format!(">{pct}<")),
            "{label}: {pct} not in {row}"
        );
    }
}

/// `[targets.owners.<id>]`: an owner's scorecard has targets and completion.
#[test]
fn owner_targets_give_the_scorecard_its_completion() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    common::copy_dir(&sample(), &data);
    let month = data.join("months/2023-10.md");
    let text = read(&month);
    let with = |extra: &str| text.replacen("[[assert]]", &format!("{extra}\n[[assert]]"), 1);
    let lisi = "[targets.owners.lisi]\nrevenue = 400000\ndeals_won = 2\n";

    // An owner or a KPI that does not exist is named where it is written.
    std::fs::write(
        &month,
        with(&format!("{lisi}\n[targets.owners.nobody]\nrevenu = 1\n")),
    )
    .unwrap();
    let (code, json, _) = salesbook(&data, &["check", "--format", "json"]);
    assert_eq!(code, 1);
    let errors: Vec<Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|d: &Value| d["severity"] == "error")
        .collect();
    let codes: Vec<&str> = errors.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["dangling-reference", "unknown-kpi"], "{errors:#?}");
    assert!(errors.iter().all(|d| d["file"] == "months/2023-10.md"));

    std::fs::write(&month, with(lisi)).unwrap();
    let out = tmp.path().join("site");
    build_site(&data, &out, &[]);
    let page = without_sort_keys(&read(&out.join("owners/lisi/index.html")));
    // October: 李四 won 50 万 of a 40 万 target (125%), 1 deal of 2 (50%).
    for row in [
        "<td>成交金额(万)</td><td class=\"num\">40</td><td class=\"num\">50</td><td class=\"num met\">125%</td>",
        "<td>成交数</td><td class=\"num\">2</td><td class=\"num\">1</td><td class=\"num missed\">50%</td>",
    ] {
        assert!(page.contains(row), "{row} not on the scorecard");
    }
    // The team's table 4 keeps the team's targets.
    let dash = without_sort_keys(&read(&out.join("months/2023-10/index.html")));
    assert!(
        dash.contains("<td>成交金额(万)</td><td class=\"num\">160</td>"),
        "team target"
    );
}
