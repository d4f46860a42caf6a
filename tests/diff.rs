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
use std::process::Command;

use salesbook::book::Book;
use salesbook::diff::changes;
use serde_json::{Value, json};

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
