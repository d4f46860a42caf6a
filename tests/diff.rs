//! `salesbook diff` (docs/diff.md): a small pipeline written up over four
//! commits — D001 moves 客户深度培育 → 方案制定与呈现 → 商务谈判与成交 and is won,
//! D002 comes in and is lost, LX002 is invalidated and then deleted, D001's
//! file moves to a sub-folder — compared pair by pair, first as books loaded
//! from two folders (the pure `changes`), then through git in all three
//! formats, with the data folder at the repository root or in a sub-folder.
//!
//! Every revision has `as_of = 2023-10-31`, so the one reported month is
//! 2023-10. Expected figures are computed by hand in the comments.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use salesbook::book::Book;
use salesbook::diff::changes;
use serde_json::{Value, json};

mod common;
use common::git::git;
use common::salesbook;

const PIPELINE: &str = r#"[team]
name = "测试组"
as_of = 2023-10-31
amount_unit = 10000
amount_unit_label = "万"

[[owners]]
id = "lisi"
name = "李四"

[[stages]]
id = "lead"
name = "线索获取与筛选"

[[stages]]
id = "nurture"
name = "客户深度培育"
core = true

[[stages]]
id = "proposal"
name = "方案制定与呈现"
core = true

[[stages]]
id = "negotiation"
name = "商务谈判与成交"
closing = true

[[stages]]
id = "fulfilment"
name = "履约与售后维护"
"#;

fn lead(acquired: &str, company: &str, status: &str, more: &str) -> String {
    format!(
        "source = \"trade_show\"\nacquired = {acquired}\ncompany = \"{company}\"\nindustry = \"制造业\"\n\
         owner = \"lisi\"\nstatus = \"{status}\"\n{more}\n[contact]\nname = \"张三\"\ntitle = \"采购经理\"\n"
    )
}

fn customer(name: &str, lead: &str) -> String {
    format!(
        "+++\nname = \"{name}\"\nindustry = \"制造业\"\nowner = \"lisi\"\nlead = \"{lead}\"\n+++\nNotes.\n"
    )
}

fn stage(id: &str, entered: &str) -> String {
    format!("\n[[stages]]\nstage = \"{id}\"\nentered = {entered}\n")
}

/// The data folder after commit `step` (1–4), file by file.
fn state(step: usize) -> BTreeMap<&'static str, String> {
    let mut files = BTreeMap::new();
    files.insert("pipeline.toml", PIPELINE.to_string());
    // LX001: a manual grade from commit 3.
    let grade = if step >= 3 { "grade = \"high\"\n" } else { "" };
    files.insert(
        "leads/LX001.toml",
        lead("2023-10-08", "A科技有限公司", "contacted", grade),
    );
    // LX002: invalidated in commit 2, deleted in commit 4.
    match step {
        1 => {
            files.insert(
                "leads/LX002.toml",
                lead("2023-10-09", "重复公司", "new", ""),
            );
        }
        2 | 3 => {
            files.insert(
                "leads/LX002.toml",
                lead(
                    "2023-10-09",
                    "重复公司",
                    "invalid",
                    "invalid_reason = \"重复线索\"\n",
                ),
            );
        }
        _ => {}
    }
    // LX003: from commit 2; its rules grade goes low → medium in commit 4.
    if step >= 2 {
        let more = if step >= 4 {
            "annual_revenue = 20000000\nmatch = 60\n"
        } else {
            ""
        };
        files.insert(
            "leads/LX003.toml",
            lead("2023-10-15", "B集团", "contacted", more),
        );
    }
    files.insert("customers/a-tech.md", customer("A科技有限公司", "LX001"));
    if step >= 3 {
        files.insert("customers/b-group.md", customer("B集团", "LX003"));
    }
    // D001 moves one stage per commit and is won in commit 4 (its file moves too).
    let mut d001 = format!(
        "customer = \"a-tech\"\ntitle = \"自动化升级项目\"\nowner = \"lisi\"\namount = {}\n",
        if step >= 3 { 450000 } else { 500000 }
    );
    d001 += if step >= 4 {
        "status = \"won\"\nclosed = 2023-10-27\n"
    } else {
        "status = \"open\"\n"
    };
    d001 += &stage("nurture", "2023-10-10");
    if step >= 2 {
        d001 += &stage("proposal", "2023-10-16");
    }
    if step >= 3 {
        d001 += &stage("negotiation", "2023-10-23");
    }
    if step >= 4 {
        d001 += "\n[[payments]]\nkind = \"prepayment\"\namount = 135000\ndue = 2023-10-30\nreceived = 2023-10-30\n";
    }
    let d001_path = if step >= 4 {
        "deals/2023/D001.toml"
    } else {
        "deals/D001.toml"
    };
    files.insert(d001_path, d001);
    // D002: from commit 3, lost in commit 4.
    if step >= 3 {
        let mut d002 = "customer = \"b-group\"\nowner = \"lisi\"\n".to_string();
        d002 += if step >= 4 {
            "status = \"lost\"\nclosed = 2023-10-28\nlost_reason = \"预算取消\"\n"
        } else {
            "status = \"open\"\n"
        };
        d002 += &stage("nurture", "2023-10-20");
        files.insert("deals/D002.toml", d002);
    }
    let revenue = if step >= 3 { 500000 } else { 600000 };
    files.insert(
        "months/2023-10.md",
        format!("+++\n[targets]\nrevenue = {revenue}\n+++\n十月。\n"),
    );
    if step >= 4 {
        files.insert(
            "cases/a-tech-win.md",
            "+++\ntitle = \"A科技签约复盘\"\ndate = 2023-10-30\nresult = \"success\"\ndeal = \"D001\"\nauthor = \"lisi\"\n+++\n方案评审一次通过。\n".to_string(),
        );
    }
    files
}

/// Replaces the record folders and pipeline.toml of `dir` with the state after `step`.
fn write_state(dir: &Path, step: usize) {
    for folder in ["leads", "customers", "deals", "months", "cases"] {
        let _ = std::fs::remove_dir_all(dir.join(folder));
    }
    for (rel, text) in state(step) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn load_state(step: usize) -> (tempfile::TempDir, Book) {
    let dir = tempfile::tempdir().unwrap();
    write_state(dir.path(), step);
    let book = Book::load(dir.path(), None).unwrap();
    (dir, book)
}

/// The expected JSON of each pair (step − 1 → step), without `from`/`to`:
/// the one source for the pure, JSON, Markdown and text tests.
fn expected(step: usize) -> Value {
    let none: Vec<Value> = Vec::new();
    let mut v = json!({
        "as_of": "2023-10-31",
        "errors": {"from": 0, "to": 0},
        "leads_added": none, "lead_status": none, "grades": none, "customers_added": none,
        "deals_added": none, "stages_entered": none, "deal_status": none, "amounts": none,
        "payments": none, "targets": none, "cases_added": none, "removed": none, "kpis": none,
    });
    let kpi = |key: &str, actual: [Value; 2], target: [Value; 2], completion: [Value; 2]| {
        let [a0, a1] = actual;
        let [t0, t1] = target;
        let [c0, c1] = completion;
        json!({"month": "2023-10", "kpi": key,
               "actual": {"from": a0, "to": a1}, "target": {"from": t0, "to": t1},
               "completion": {"from": c0, "to": c1}})
    };
    let n = Value::Null;
    match step {
        2 => {
            v["leads_added"] = json!([{"id": "LX003", "company": "B集团", "acquired": "2023-10-15",
                                       "status": "contacted", "grade": "low"}]);
            v["lead_status"] = json!([{"id": "LX002", "company": "重复公司", "from": "new",
                                       "to": "invalid", "reason": "重复线索"}]);
            v["stages_entered"] = json!([{"deal": "D001",
                "from": {"id": "nurture", "name": "客户深度培育"},
                "to": {"id": "proposal", "name": "方案制定与呈现"}, "entered": "2023-10-16"}]);
            // New leads 2 → 3; conversion stays 0 / 2 = 0 / 3 = 0; revenue 0 of 60万.
            v["kpis"] = json!([kpi(
                "new_leads",
                [json!(2.0), json!(3.0)],
                [n.clone(), n.clone()],
                [n.clone(), n.clone()]
            )]);
        }
        3 => {
            v["grades"] = json!([{"id": "LX001", "company": "A科技有限公司", "kind": "manual",
                                  "from": null, "to": "high"}]);
            v["customers_added"] = json!([{"id": "b-group", "name": "B集团"}]);
            v["deals_added"] = json!([{"id": "D002", "title": null, "customer": "b-group",
                                       "owner": "lisi", "status": "open", "amount": null}]);
            v["stages_entered"] = json!([
                {"deal": "D001", "from": {"id": "proposal", "name": "方案制定与呈现"},
                 "to": {"id": "negotiation", "name": "商务谈判与成交"}, "entered": "2023-10-23"},
                // D002's lead LX003 (through b-group) gives it the implicit lead entry.
                {"deal": "D002", "from": {"id": "lead", "name": "线索获取与筛选"},
                 "to": {"id": "nurture", "name": "客户深度培育"}, "entered": "2023-10-20"}]);
            v["amounts"] = json!([{"deal": "D001", "from": 500000.0, "to": 450000.0}]);
            v["targets"] =
                json!([{"month": "2023-10", "kpi": "revenue", "from": 600000.0, "to": 500000.0}]);
            // Revenue 0 against 60万 → 50万: completion 0 either way.
            v["kpis"] = json!([kpi(
                "revenue",
                [json!(0.0), json!(0.0)],
                [json!(600000.0), json!(500000.0)],
                [json!(0.0), json!(0.0)]
            )]);
        }
        4 => {
            v["grades"] = json!([{"id": "LX003", "company": "B集团", "kind": "rules",
                                  "from": "low", "to": "medium"}]);
            v["deal_status"] = json!([
                {"deal": "D001", "title": "自动化升级项目", "from": "open", "to": "won",
                 "amount": 450000.0, "closed": "2023-10-27", "lost_reason": null},
                {"deal": "D002", "title": null, "from": "open", "to": "lost",
                 "amount": null, "closed": "2023-10-28", "lost_reason": "预算取消"}]);
            v["payments"] = json!([{"deal": "D001", "change": "added", "kind": "prepayment",
                "due": "2023-10-30", "amount": {"from": null, "to": 135000.0},
                "received": {"from": null, "to": "2023-10-30"}}]);
            v["cases_added"] = json!([{"id": "a-tech-win", "title": "A科技签约复盘",
                "date": "2023-10-30", "result": "success", "deal": "D001"}]);
            v["removed"] = json!([{"kind": "lead", "id": "LX002"}]);
            v["kpis"] = json!([
                // LX002 deleted: 3 → 2 leads.
                kpi(
                    "new_leads",
                    [json!(3.0), json!(2.0)],
                    [n.clone(), n.clone()],
                    [n.clone(), n.clone()]
                ),
                // LX001 leads to the won D001: 0 / 3 → 1 / 2.
                kpi(
                    "lead_conversion_rate",
                    [json!(0.0), json!(0.5)],
                    [n.clone(), n.clone()],
                    [n.clone(), n.clone()]
                ),
                kpi(
                    "deals_won",
                    [json!(0.0), json!(1.0)],
                    [n.clone(), n.clone()],
                    [n.clone(), n.clone()]
                ),
                // D001 won, D002 lost.
                kpi(
                    "win_rate",
                    [n.clone(), json!(0.5)],
                    [n.clone(), n.clone()],
                    [n.clone(), n.clone()]
                ),
                // 45万 of 50万 = 90%.
                kpi(
                    "revenue",
                    [json!(0.0), json!(450000.0)],
                    [json!(500000.0), json!(500000.0)],
                    [json!(0.0), json!(0.9)]
                ),
                kpi(
                    "avg_deal_size",
                    [n.clone(), json!(450000.0)],
                    [n.clone(), n.clone()],
                    [n.clone(), n.clone()]
                ),
                // LX001 acquired 2023-10-08, closed 2023-10-27: 19 days.
                kpi(
                    "avg_deal_cycle_days",
                    [n.clone(), json!(19.0)],
                    [n.clone(), n.clone()],
                    [n.clone(), n.clone()]
                ),
                // 13.5万 due 2023-10-30, received that day.
                kpi(
                    "collection_rate",
                    [n.clone(), json!(1.0)],
                    [n.clone(), n.clone()],
                    [n.clone(), n.clone()]
                ),
            ]);
        }
        _ => unreachable!(),
    }
    v
}

// ---------------------------------------------------------------------------
// The pure comparison, on books loaded from two folders.

#[test]
fn every_state_loads_without_errors() {
    for step in 1..=4 {
        let (_dir, book) = load_state(step);
        assert_eq!(book.diagnostics.errors(), 0, "step {step}");
    }
}

#[test]
fn changes_between_consecutive_states() {
    for step in 2..=4 {
        let (_a, old) = load_state(step - 1);
        let (_b, new) = load_state(step);
        let got = serde_json::to_value(changes(&old, &new)).unwrap();
        assert_eq!(got, expected(step), "step {} → {step}", step - 1);
    }
}

#[test]
fn no_changes_between_a_state_and_itself() {
    let (_a, old) = load_state(3);
    let (_b, new) = load_state(3);
    let c = changes(&old, &new);
    assert!(c.is_empty(), "{c:?}");
}

#[test]
fn a_moved_file_is_the_same_record() {
    // Only the file of D001 moves: nothing changes.
    let (_a, old) = load_state(3);
    let dir = tempfile::tempdir().unwrap();
    write_state(dir.path(), 3);
    std::fs::create_dir_all(dir.path().join("deals/archive")).unwrap();
    std::fs::rename(
        dir.path().join("deals/D001.toml"),
        dir.path().join("deals/archive/D001.toml"),
    )
    .unwrap();
    let new = Book::load(dir.path(), None).unwrap();
    assert!(changes(&old, &new).is_empty());
}

#[test]
fn a_payment_received_is_a_changed_payment() {
    // State 4 with D001's prepayment not yet received, then received.
    let old_dir = tempfile::tempdir().unwrap();
    write_state(old_dir.path(), 4);
    let path = old_dir.path().join("deals/2023/D001.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("received = 2023-10-30\n", "")).unwrap();
    let old = Book::load(old_dir.path(), None).unwrap();
    let (_b, new) = load_state(4);
    let c = serde_json::to_value(changes(&old, &new)).unwrap();
    assert_eq!(
        c["payments"],
        json!([{"deal": "D001", "change": "changed", "kind": "prepayment", "due": "2023-10-30",
                "amount": {"from": 135000.0, "to": 135000.0},
                "received": {"from": null, "to": "2023-10-30"}}])
    );
    // 0 of 13.5万 due in October received → all of it.
    assert_eq!(
        c["kpis"],
        json!([{"month": "2023-10", "kpi": "collection_rate", "actual": {"from": 0.0, "to": 1.0},
                "target": {"from": null, "to": null}, "completion": {"from": null, "to": null}}])
    );
}

#[test]
fn going_back_reverses_the_moves() {
    // 4 → 3: D001 reopened, its negotiation entry is no longer new, LX002 is back.
    let (_a, old) = load_state(4);
    let (_b, new) = load_state(3);
    let c = serde_json::to_value(changes(&old, &new)).unwrap();
    assert_eq!(
        c["deal_status"][0],
        json!({"deal": "D001", "title": "自动化升级项目", "from": "won", "to": "open",
               "amount": 450000.0, "closed": null, "lost_reason": null})
    );
    assert_eq!(c["stages_entered"], json!([]));
    assert_eq!(c["leads_added"][0]["id"], "LX002");
    assert_eq!(c["removed"], json!([{"kind": "case", "id": "a-tech-win"}]));
    assert_eq!(c["payments"][0]["change"], "removed");
}

// ---------------------------------------------------------------------------
// Through git: the four states as commits, compared by `salesbook diff`.

/// The commit date of each state: the evening of the day of its moves.
const DATES: [&str; 4] = [
    "2023-10-09T18:00:00+08:00",
    "2023-10-16T18:00:00+08:00",
    "2023-10-23T18:00:00+08:00",
    "2023-10-30T18:00:00+08:00",
];

/// A repository in a temporary folder with the data folder at `data_rel`
/// ("" for the top) and states 1..=`commits` committed, one commit each.
fn repository(data_rel: &str, commits: usize) -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    git(root.path(), &["init", "-q"], None);
    std::fs::write(root.path().join("README.md"), "Sales records.\n").unwrap();
    let data = root.path().join(data_rel);
    for step in 1..=commits {
        write_state(&data, step);
        git(root.path(), &["add", "-A"], None);
        let msg = format!("state {step}");
        git(
            root.path(),
            &["commit", "-q", "-m", &msg],
            Some(DATES[step - 1]),
        );
    }
    (root, data)
}

/// `diff --format json`, checked to exit 0; returns (from, to, changes).
fn diff_json(data: &Path, revs: &[&str]) -> (Value, Value, Value) {
    let mut args = vec!["diff", "--format", "json"];
    args.extend(revs);
    let (code, out, err) = salesbook(data, &args);
    assert_eq!(code, 0, "{err}");
    let mut doc: Value = serde_json::from_str(&out).unwrap();
    let obj = doc.as_object_mut().unwrap();
    let from = obj.remove("from").unwrap();
    let to = obj.remove("to").unwrap();
    (from, to, doc)
}

/// The output's lines with runs of spaces made one, for the aligned text.
fn squeezed(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// Text lines and Markdown table rows each pair must show (besides the JSON).
fn expected_lines(step: usize) -> (Vec<&'static str>, Vec<&'static str>) {
    match step {
        2 => (
            vec![
                "Leads",
                "LX003 B集团 new: contacted, grade low, acquired 2023-10-15",
                "LX002 重复公司 new → invalid: 重复线索",
                "Stage moves",
                "D001 客户深度培育 → 方案制定与呈现 2023-10-16",
                "KPI changes",
                "2023-10 新增线索数 2 → 3 — —",
            ],
            vec![
                "| LX003 | B集团 | new: contacted, grade low, acquired 2023-10-15 |",
                "| LX002 | 重复公司 | new → invalid: 重复线索 |",
                "| D001 | 客户深度培育 → 方案制定与呈现 | 2023-10-16 |",
                "| 2023-10 | 新增线索数 | 2 → 3 | — | — |",
            ],
        ),
        3 => (
            vec![
                "LX001 A科技有限公司 grade (manual) — → high",
                "b-group B集团 new",
                "D002 new (b-group) —",
                "D001 amount 50万 → 45万",
                "D001 方案制定与呈现 → 商务谈判与成交 2023-10-23",
                "D002 线索获取与筛选 → 客户深度培育 2023-10-20",
                "2023-10 成交金额(万) 60 → 50",
                "2023-10 成交金额(万) 0 60 → 50 0%",
            ],
            vec![
                "| LX001 | A科技有限公司 | grade (manual) — → high |",
                "| b-group | B集团 | new |",
                "| D002 | new (b-group) |  | — |",
                "| D001 | amount |  | 50万 → 45万 |",
                "| D001 | 方案制定与呈现 → 商务谈判与成交 | 2023-10-23 |",
                "| D002 | 线索获取与筛选 → 客户深度培育 | 2023-10-20 |",
                "| 2023-10 | 成交金额(万) | 60 → 50 |",
                "| 2023-10 | 成交金额(万) | 0 | 60 → 50 | 0% |",
            ],
        ),
        4 => (
            vec![
                "LX003 B集团 grade (rules) low → medium",
                "D001 won 2023-10-27 45万",
                "D002 lost: 预算取消 2023-10-28 —",
                "D001 prepayment 2023-10-30 added — → 13.5万 — → 2023-10-30",
                "a-tech-win A科技签约复盘 success D001 2023-10-30",
                "lead LX002",
                "2023-10 新增线索数 3 → 2 — —",
                "2023-10 线索转化率 0% → 50% — —",
                "2023-10 赢单率 — → 50% — —",
                "2023-10 成交金额(万) 0 → 45 50 0% → 90%",
                "2023-10 平均成交周期(天) — → 19 — —",
                "2023-10 回款率 — → 100% — —",
            ],
            vec![
                "| D001 | won | 2023-10-27 | 45万 |",
                "| D002 | lost: 预算取消 | 2023-10-28 | — |",
                "| D001 | prepayment | 2023-10-30 | added | — → 13.5万 | — → 2023-10-30 |",
                "| a-tech-win | A科技签约复盘 | success | D001 | 2023-10-30 |",
                "| lead | LX002 |",
                "| 2023-10 | 成交金额(万) | 0 → 45 | 50 | 0% → 90% |",
            ],
        ),
        _ => unreachable!(),
    }
}

#[test]
fn diff_between_each_pair_of_commits_in_three_formats() {
    let (_root, data) = repository("", 4);
    for step in 2..=4 {
        let from = format!("HEAD~{}", 5 - step);
        let to = format!("HEAD~{}", 4 - step);
        let (f, t, changes) = diff_json(&data, &[&from, &to]);
        assert_eq!(changes, expected(step), "{from} → {to}");
        assert_eq!(f["spec"], from.as_str());
        assert_eq!(f["commit"].as_str().unwrap().len(), 40);
        assert_eq!(t["spec"], to.as_str());
        assert!(
            t["label"]
                .as_str()
                .unwrap()
                .ends_with(&format!(" state {step})"))
        );

        let (text_lines, md_rows) = expected_lines(step);
        let (code, text, err) = salesbook(&data, &["diff", &from, &to]);
        assert_eq!(code, 0, "{err}");
        let lines = squeezed(&text);
        assert!(
            lines[0].starts_with(&format!("Changes from {from} (")),
            "{text}"
        );
        assert!(lines[0].ends_with("(as of 2023-10-31)"), "{text}");
        for want in text_lines {
            assert!(lines.iter().any(|l| l == want), "{want:?} not in\n{text}");
        }

        let (code, md, err) = salesbook(&data, &["diff", "--format", "markdown", &from, &to]);
        assert_eq!(code, 0, "{err}");
        // `~` is escaped: GitHub reads `~text~` as strikethrough.
        let heading = format!("## Pipeline changes: {} (", from.replace('~', r"\~"));
        assert!(md.starts_with(&heading), "{md}");
        assert!(md.contains("\nAs of 2023-10-31.\n"));
        for want in md_rows {
            assert!(md.lines().any(|l| l == want), "{want:?} not in\n{md}");
        }
        // Every table row has as many cells as its header (escaped pipes are not cells).
        let lines: Vec<&str> = md.lines().collect();
        let mut header = None;
        for (i, line) in lines.iter().enumerate() {
            if !line.starts_with('|') {
                header = None;
            } else if lines.get(i + 1).is_some_and(|l| l.starts_with("|---")) {
                header = Some(line.matches(" | ").count());
            } else if !line.starts_with("|---") {
                assert_eq!(Some(line.matches(" | ").count()), header, "{line}");
            }
        }
    }
}

#[test]
fn days_name_the_last_commit_on_or_before_them() {
    let (_root, data) = repository("", 4);
    // 2023-10-16 → state 2 (committed that evening), 2023-10-25 → state 3.
    let (f, t, changes) = diff_json(&data, &["2023-10-16", "2023-10-25"]);
    assert_eq!(changes, expected(3));
    assert_eq!(f["spec"], "2023-10-16");
    assert!(t["label"].as_str().unwrap().ends_with(" state 3)"));
}

#[test]
fn renamed_and_deleted_files_between_commits() {
    let (root, data) = repository("", 4);
    // git itself sees the move of D001's file as a rename.
    let names = git(
        root.path(),
        &["show", "--name-status", "--format=", "HEAD"],
        None,
    );
    assert!(
        names.contains("deals/D001.toml\tdeals/2023/D001.toml"),
        "{names}"
    );
    assert!(names.contains("D\tleads/LX002.toml"), "{names}");
    let (_, _, changes) = diff_json(&data, &["HEAD~1", "HEAD"]);
    // The deal is the same record (changed, not removed and added); the lead is removed.
    assert_eq!(changes["removed"], json!([{"kind": "lead", "id": "LX002"}]));
    assert_eq!(changes["deals_added"], json!([]));
    assert_eq!(changes["deal_status"][0]["deal"], "D001");
}

#[test]
fn data_folder_below_the_repository_top() {
    let (root, data) = repository("sales/data", 4);
    assert!(root.path().join("sales/data/pipeline.toml").is_file());
    for step in 2..=4 {
        let from = format!("HEAD~{}", 5 - step);
        let to = format!("HEAD~{}", 4 - step);
        let (_, _, changes) = diff_json(&data, &[&from, &to]);
        assert_eq!(changes, expected(step), "{from} → {to}");
    }
}

/// Every file of the working tree (outside .git) with its bytes.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

#[test]
fn default_is_head_against_the_working_tree_which_stays_untouched() {
    // States 1–3 committed, state 4 written but not committed.
    let (root, data) = repository("sales", 3);
    write_state(&data, 4);
    let before = snapshot(root.path());
    let status = git(root.path(), &["status", "--porcelain"], None);

    let (f, t, changes) = diff_json(&data, &[]);
    assert_eq!(changes, expected(4));
    assert_eq!(f["spec"], "HEAD");
    assert_eq!(
        t,
        json!({"spec": "working tree", "commit": null, "label": "the working tree"})
    );
    // One revision: from it to the working tree.
    let (f, _, changes) = diff_json(&data, &["HEAD~1"]);
    assert_eq!(f["spec"], "HEAD~1");
    assert_eq!(changes["stages_entered"][0]["entered"], "2023-10-23");
    for revs in [&["HEAD~2", "HEAD"][..], &["2023-10-10"]] {
        diff_json(&data, revs);
    }

    assert_eq!(snapshot(root.path()), before);
    assert_eq!(git(root.path(), &["status", "--porcelain"], None), status);
}

#[test]
fn errors_in_a_side_are_counted_and_the_rest_compared() {
    let (_root, data) = repository("", 4);
    // An unknown field (an error) and record text that must not format Markdown.
    let lx003 = std::fs::read_to_string(data.join("leads/LX003.toml")).unwrap();
    std::fs::write(
        data.join("leads/LX003.toml"),
        lx003.replace("match = 60", "match_score = 60"),
    )
    .unwrap();
    std::fs::write(
        data.join("leads/LX004.toml"),
        lead("2023-10-30", "A|B <img src=x> *x* `y` _z_", "new", ""),
    )
    .unwrap();
    let (code, text, err) = salesbook(&data, &["diff"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains("note: The data has 0 error(s) before and 1 after;"),
        "{text}"
    );
    // LX003 still loads; without its match score the rules give low again.
    let lines = squeezed(&text);
    assert!(
        lines
            .iter()
            .any(|l| l == "LX003 B集团 grade (rules) medium → low"),
        "{text}"
    );

    let (_, _, changes) = diff_json(&data, &[]);
    assert_eq!(changes["errors"], json!({"from": 0, "to": 1}));
    assert_eq!(
        changes["leads_added"][0]["company"],
        "A|B <img src=x> *x* `y` _z_"
    );

    let (code, md, _) = salesbook(&data, &["diff", "--format", "markdown"]);
    assert_eq!(code, 0);
    assert!(
        md.contains("> **Note:** The data has 0 error(s) before and 1 after;"),
        "{md}"
    );
    assert!(
        md.lines().any(|l| l
            == r"| LX004 | A\|B &lt;img src=x&gt; \*x\* \`y\` \_z\_ | new: new, grade low, acquired 2023-10-30 |"),
        "{md}"
    );
}

#[test]
fn git_errors_exit_2_with_a_hint() {
    let (_root, data) = repository("", 2);
    let (code, out, err) = salesbook(&data, &["diff", "no-such-rev"]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(err.contains("error: cannot read `no-such-rev`"), "{err}");
    assert!(err.contains("hint: `salesbook diff [FROM] [TO]`"), "{err}");
    // A day before the first commit.
    let (code, _, err) = salesbook(&data, &["diff", "2023-01-01"]);
    assert_eq!(code, 2);
    assert!(err.contains("no commit on or before 2023-01-01"), "{err}");
    // Outside any repository.
    let plain = tempfile::tempdir().unwrap();
    write_state(plain.path(), 1);
    let (code, _, err) = salesbook(plain.path(), &["diff"]);
    assert_eq!(code, 2);
    assert!(err.contains("not in a git repository"), "{err}");
    // Revisions are arguments, not `--at`.
    let (code, _, err) = salesbook(&data, &["diff", "--at", "HEAD~1"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`salesbook diff HEAD~1` compares HEAD~1 with the working tree"),
        "{err}"
    );
    // Markdown is for diff only.
    let (code, _, err) = salesbook(&data, &["check", "--format", "markdown"]);
    assert_eq!(code, 2);
    assert!(err.contains("--format is one of: human, json"), "{err}");
}

#[test]
fn both_sides_are_computed_for_the_new_sides_as_of_date() {
    // Only `as_of` changes, 2023-10-12 → 2023-10-31. Computed at its own date
    // the old side would not have LX003 (acquired 2023-10-15): new leads 2 → 3.
    let (root, data) = repository("", 3);
    let pipeline = data.join("pipeline.toml");
    let text = std::fs::read_to_string(&pipeline).unwrap();
    std::fs::write(
        &pipeline,
        text.replace("as_of = 2023-10-31", "as_of = 2023-10-12"),
    )
    .unwrap();
    git(
        root.path(),
        &["commit", "-qam", "as of the 12th"],
        Some(DATES[2]),
    );
    std::fs::write(&pipeline, text).unwrap();
    git(
        root.path(),
        &["commit", "-qam", "as of the 31st"],
        Some(DATES[3]),
    );

    let (_, _, changes) = diff_json(&data, &["HEAD~1", "HEAD"]);
    assert_eq!(changes["as_of"], "2023-10-31");
    assert_eq!(changes["kpis"], json!([]));
    // Reversed, both at the 12th: nothing either.
    let (_, _, changes) = diff_json(&data, &["HEAD", "HEAD~1"]);
    assert_eq!(changes["as_of"], "2023-10-12");
    assert_eq!(changes["kpis"], json!([]));
    // --as-of decides for both.
    let (_, _, changes) = diff_json(&data, &["--as-of", "2023-10-14", "HEAD~3", "HEAD"]);
    assert_eq!(changes["as_of"], "2023-10-14");
    // State 2 → 3 as of the 14th: D001's negotiation (10-23) and D002 (10-20)
    // are listed as edits, but the revenue target is the only KPI change.
    assert_eq!(changes["kpis"].as_array().unwrap().len(), 1);
    assert_eq!(changes["kpis"][0]["kpi"], "revenue");
    assert_eq!(changes["stages_entered"].as_array().unwrap().len(), 2);
}

#[test]
fn a_revision_before_the_data_folder_is_an_empty_side() {
    // The first commit has only a README; the data folder arrives in the second.
    let root = tempfile::tempdir().unwrap();
    git(root.path(), &["init", "-q"], None);
    std::fs::write(root.path().join("README.md"), "Sales records.\n").unwrap();
    git(root.path(), &["add", "-A"], None);
    git(
        root.path(),
        &["commit", "-q", "-m", "start"],
        Some(DATES[0]),
    );
    let data = root.path().join("sales");
    write_state(&data, 1);
    git(root.path(), &["add", "-A"], None);
    git(
        root.path(),
        &["commit", "-q", "-m", "records"],
        Some(DATES[0]),
    );

    let (_, _, changes) = diff_json(&data, &["HEAD~1", "HEAD"]);
    let (_, state1) = load_state(1);
    let ids = |key: &str| -> Vec<String> {
        changes[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    let mut leads: Vec<String> = state1
        .repo
        .leads
        .iter()
        .map(|l| l.meta.id.clone())
        .collect();
    leads.sort();
    assert_eq!(ids("leads_added"), leads, "every lead of the data is new");
    assert_eq!(
        ids("deals_added").len(),
        state1.repo.deals.len(),
        "every deal is new"
    );
    assert_eq!(changes["errors"], json!({"from": 0, "to": 0}));
    assert_eq!(changes["removed"], json!([]));
}
