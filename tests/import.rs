//! `salesbook import`: the template's tables 1–3 (SPEC §7) from CSV and xlsx into
//! a small repository built by each test, with Chinese, English and mapped
//! headers; bad rows; `--update` keeping files byte-for-byte; `--dry-run`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use tempfile::TempDir;

const PIPELINE: &str = r#"# 测试组的配置
[team]
name = "测试组"
as_of = 2023-10-31

[[owners]]
id = "lisi"
name = "李四"

[[owners]]
id = "zhaoliu"
name = "赵六"
"#;

/// A valid repository: the configuration only, or with `files` (path → text).
fn repo(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for folder in ["leads", "customers", "deals", "months", "cases"] {
        std::fs::create_dir_all(data.join(folder)).unwrap();
    }
    std::fs::write(data.join("pipeline.toml"), PIPELINE).unwrap();
    for (path, text) in files {
        std::fs::write(data.join(path), text).unwrap();
    }
    dir
}

fn data(dir: &TempDir) -> PathBuf {
    dir.path().join("data")
}

fn salesbook(dir: &TempDir) -> Command {
    let mut cmd = Command::cargo_bin("salesbook").unwrap();
    cmd.current_dir(dir.path());
    cmd
}

/// Runs `salesbook import ARGS…`; returns (exit code, stdout, stderr).
fn import(dir: &TempDir, args: &[&str]) -> (i32, String, String) {
    let out = salesbook(dir).arg("import").args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn import_ok(dir: &TempDir, args: &[&str]) -> String {
    let (code, stdout, stderr) = import(dir, args);
    assert_eq!(code, 0, "import {args:?} failed:\n{stdout}\n{stderr}");
    stdout
}

fn check_passes(dir: &TempDir) {
    let out = salesbook(dir).arg("check").output().unwrap();
    assert!(
        out.status.success(),
        "check failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every file of the data folder with its bytes.
fn snapshot(dir: &TempDir) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(data(dir))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(data(dir)).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn read(dir: &TempDir, rel: &str) -> String {
    std::fs::read_to_string(data(dir).join(rel)).unwrap()
}

fn write_csv(dir: &TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    name.to_string()
}

/// Writes an xlsx file with one sheet; cells that parse as `YYYY-MM-DD` become
/// date cells, `#number` becomes a number cell.
fn write_xlsx(dir: &TempDir, name: &str, sheet: &str, rows: &[&[&str]]) -> String {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(sheet).unwrap();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if let Some(n) = cell.strip_prefix('#') {
                ws.write_number(r, c, n.parse::<f64>().unwrap()).unwrap();
            } else if r > 0 && cell.len() == 10 && cell.as_bytes()[4] == b'-' {
                let d = ExcelDateTime::parse_from_str(cell).unwrap();
                ws.write_datetime_with_format(r, c, &d, &date_format)
                    .unwrap();
            } else {
                ws.write_string(r, c, *cell).unwrap();
            }
        }
    }
    book.save(dir.path().join(name)).unwrap();
    name.to_string()
}

// Table 1 线索来源登记表 (SPEC §7), with real phone numbers for the template's
// placeholders, dates in two spreadsheet forms and a UTF-8 BOM.
const TABLE1_ZH: &str =
    "\u{feff}线索编号,来源渠道,获取时间,客户名称,行业,联系人,职位,电话,需求标签,负责人
LX001,行业展会,2023-10-08,A科技有限公司,制造业,张三,采购经理,13812345678,自动化升级,李四
LX002,客户转介绍,2023/10/10,B集团,零售,王五,总监,13900001111,供应链管理、数字化,赵六
";

const TABLE2_ZH: &str = "客户名称,行业,企业规模(营收/员工数),关键决策人,职位,需求痛点,需求优先级,决策链,风险评估,跟进进度
A科技,制造业,1亿/500人,张三,采购经理,\"人工成本高,效率低\",高,采购+技术+副总,竞品价格优势,方案已呈
B集团,零售,5亿/2000人,王五,总监,\"库存周转慢,数据不透明\",中,总监+财务部,预算未最终批复,需求挖掘
";

const TABLE3_ZH: &str =
    "客户名称,销售阶段,进入阶段时间,阶段耗时(天),核心动作完成情况,阶段产出,负责人
A科技,客户深度培育,2023年10月9日,6,识别决策链,《客户信息档案表》,李四
A科技,方案制定与呈现,2023-10-15,5,\"方案评审通过,客户无异议\",《定制化解决方案书》,李四
A科技,商务谈判与成交,2023-10-20,7,\"价格达成一致,合同已签\",《销售合同》(金额50万),李四
";

#[test]
fn template_tables_from_csv_with_chinese_headers() {
    let dir = repo(&[]);
    let t1 = write_csv(&dir, "t1.csv", TABLE1_ZH);
    let t2 = write_csv(&dir, "t2.csv", TABLE2_ZH);
    let t3 = write_csv(&dir, "t3.csv", TABLE3_ZH);

    let out = import_ok(&dir, &["leads", &t1]);
    assert!(out.contains("created   leads/LX001.toml (row 2)"), "{out}");
    assert!(out.contains("2 created, 0 updated, 0 skipped"), "{out}");
    assert_eq!(
        read(&dir, "leads/LX002.toml"),
        "# LX002 · B集团

source = \"referral\"
acquired = 2023-10-10
company = \"B集团\"
industry = \"零售\"
contact = { name = \"王五\", title = \"总监\", phone = \"13900001111\" }
needs = [\"供应链管理\", \"数字化\"]
owner = \"zhaoliu\"
status = \"new\"
"
    );

    import_ok(&dir, &["customers", &t2]);
    let a = read(&dir, "customers/customer-001.md");
    for line in [
        "name = \"A科技\"",
        "annual_revenue = 100000000",
        "employees = 500",
        "owner = \"lisi\"",
        "lead = \"LX001\"",
        "priority = \"high\"",
        "pain_points = [\"人工成本高\", \"效率低\"]",
        "decision_chain = [\"采购\", \"技术\", \"副总\"]",
        "progress = \"方案已呈\"",
        "[[decision_makers]]\nname = \"张三\"\ntitle = \"采购经理\"",
        "[[risks]]\nkind = \"competition\"\nnote = \"竞品价格优势\"",
    ] {
        assert!(a.contains(line), "missing {line:?} in\n{a}");
    }
    let b = read(&dir, "customers/customer-002.md");
    assert!(b.contains("priority = \"medium\"") && b.contains("owner = \"zhaoliu\""));
    assert!(b.contains("employees = 2000") && b.contains("kind = \"budget\""));

    let out = import_ok(&dir, &["stages", &t3]);
    assert!(
        out.contains("created   deals/customer-001-2023.toml (row 2, 3, 4)"),
        "{out}"
    );
    let deal = read(&dir, "deals/customer-001-2023.toml");
    assert!(deal.contains("customer = \"customer-001\"\nowner = \"lisi\"\nstatus = \"open\""));
    assert!(deal.contains(
        "[[stages]]
stage = \"negotiation\"
entered = 2023-10-20
actions = [\"价格达成一致\", \"合同已签\"]
outputs = [\"销售合同\"]
owner = \"lisi\"
"
    ));
    check_passes(&dir);

    // Importing the same files again changes nothing.
    let before = snapshot(&dir);
    for (table, file) in [("leads", &t1), ("customers", &t2), ("stages", &t3)] {
        let out = import_ok(&dir, &[table, file]);
        assert!(out.contains("0 created, 0 updated"), "{out}");
    }
    assert_eq!(before, snapshot(&dir));
}

#[test]
fn template_tables_from_xlsx_with_english_headers() {
    let dir = repo(&[]);
    let t1 = write_xlsx(
        &dir,
        "t1.xlsx",
        "table1_leads",
        &[
            &[
                "Lead", "Source", "Acquired", "Company", "Industry", "Contact", "Title", "Phone",
                "Needs", "Owner",
            ],
            &[
                "LX001",
                "trade_show",
                "2023-10-08",
                "A科技有限公司",
                "制造业",
                "张三",
                "采购经理",
                "13812345678",
                "自动化升级",
                "lisi",
            ],
            // An Excel serial date in a plain number cell: 45209 is 2023-10-10.
            &[
                "LX002",
                "客户转介绍",
                "#45209",
                "B集团",
                "零售",
                "王五",
                "总监",
                "13900001111",
                "供应链管理",
                "赵六",
            ],
        ],
    );
    let t2 = write_xlsx(
        &dir,
        "t2.xlsx",
        "table2_customers",
        &[
            &[
                "Customer",
                "Industry",
                "Size (revenue/employees)",
                "Key decision maker",
                "Title",
                "Pain points",
                "Priority",
                "Decision chain",
                "Risks",
                "Progress",
            ],
            &[
                "A科技",
                "制造业",
                "100000000/500",
                "张三",
                "采购经理",
                "人工成本高; 效率低",
                "high",
                "采购+技术+副总",
                "竞品价格优势",
                "方案已呈",
            ],
        ],
    );
    let mut book = Workbook::new();
    book.add_worksheet().set_name("first").unwrap();
    let stages = book.add_worksheet();
    stages.set_name("table3_stages").unwrap();
    let rows: [[&str; 7]; 3] = [
        [
            "Customer",
            "Stage",
            "Entered",
            "Days in stage",
            "Key actions",
            "Outputs",
            "Owner",
        ],
        [
            "A科技",
            "Nurturing & needs discovery",
            "2023-10-09",
            "6",
            "识别决策链",
            "客户信息档案表",
            "李四",
        ],
        [
            "A科技",
            "proposal",
            "2023-10-15",
            "5",
            "方案评审通过; 客户无异议",
            "定制化解决方案书",
            "lisi",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            stages.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    book.save(dir.path().join("t3.xlsx")).unwrap();

    import_ok(&dir, &["leads", &t1]);
    let lx001 = read(&dir, "leads/LX001.toml");
    assert!(lx001.contains("acquired = 2023-10-08\n"), "{lx001}");
    let lx002 = read(&dir, "leads/LX002.toml");
    assert!(lx002.contains("acquired = 2023-10-10\n"), "{lx002}");
    assert!(lx002.contains("source = \"referral\"") && lx002.contains("owner = \"zhaoliu\""));

    import_ok(&dir, &["customers", &t2]);
    let a = read(&dir, "customers/customer-001.md");
    assert!(
        a.contains("annual_revenue = 100000000\nemployees = 500"),
        "{a}"
    );
    assert!(
        a.contains("pain_points = [\"人工成本高\", \"效率低\"]"),
        "{a}"
    );

    // Not the first sheet: --sheet names it.
    let (code, _, stderr) = import(&dir, &["stages", "t3.xlsx"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("no column for"), "{stderr}");
    import_ok(&dir, &["stages", "t3.xlsx", "--sheet", "table3_stages"]);
    let deal = read(&dir, "deals/customer-001-2023.toml");
    assert!(
        deal.contains("stage = \"nurture\"\nentered = 2023-10-09"),
        "{deal}"
    );
    assert!(
        deal.contains("actions = [\"方案评审通过\", \"客户无异议\"]"),
        "{deal}"
    );
    check_passes(&dir);
}

/// A lead, a customer and an open deal, written by hand with comments.
const LEAD: &str = "# LX001 · A科技有限公司 — 展会线索
source = \"trade_show\"   # 行业展会
acquired = 2023-10-08
company = \"A科技有限公司\"
industry = \"制造业\"
region = \"上海\"
contact = { name = \"张三\", title = \"采购经理\", phone = \"13812345678\", email = \"zhangsan@atech.example.com\" }
needs = [\"自动化升级\"]
owner = \"lisi\"
assigned = 2023-10-08T10:00:00
first_contact = 2023-10-08T15:30:00
status = \"converted\"

# 分级依据
annual_revenue = 100_000_000
budget_confirmed = true

[extra]
event = \"2023 华东智能制造展\"
";

const CUSTOMER: &str = "+++
name = \"A科技有限公司\"   # 全称
industry = \"制造业\"
owner = \"lisi\"
lead = \"LX001\"
priority = \"medium\"
progress = \"需求挖掘\"

[[decision_makers]]
name = \"张三\"
title = \"采购主管\"
role = \"buyer\"

[[risks]]
kind = \"competition\"
note = \"竞品价格优势\"
+++

# A科技

调研笔记：保持原样。
";

const DEAL: &str = "# 自动化升级项目
customer = \"a-tech\"
title = \"自动化升级项目\"
owner = \"lisi\"
status = \"open\"

[[stages]]
stage = \"nurture\"
entered = 2023-10-09   # 展会后第二天
actions = [\"识别决策链\"]

[[activities]]
date = 2023-10-12
kind = \"visit\"
note = \"产线现场调研\"
";

fn existing_repo() -> TempDir {
    repo(&[
        ("leads/LX001.toml", LEAD),
        ("customers/a-tech.md", CUSTOMER),
        ("deals/a-tech-2023.toml", DEAL),
    ])
}

#[test]
fn existing_records_are_skipped_without_update_and_kept_byte_for_byte_with_it() {
    let dir = existing_repo();
    check_passes(&dir);
    let t1 = write_csv(&dir, "t1.csv", TABLE1_ZH);
    let t2 = write_csv(&dir, "t2.csv", TABLE2_ZH);
    let t3 = write_csv(&dir, "t3.csv", TABLE3_ZH);
    let changed = TABLE1_ZH.replace(
        "13812345678,自动化升级,李四",
        "13812345670,\"自动化升级、数字化\",赵六",
    );
    let t1b = write_csv(&dir, "t1b.csv", &changed);

    // Without --update: existing leads and customers are left alone.
    let before = snapshot(&dir);
    let out = import_ok(&dir, &["leads", &t1b]);
    assert!(
        out.contains("skipped   leads/LX001.toml (row 2) (exists; --update changes it)"),
        "{out}"
    );
    assert!(out.contains("1 created, 0 updated, 1 skipped"), "{out}");
    let out = import_ok(&dir, &["customers", &t2]);
    assert!(
        out.contains("skipped   customers/a-tech.md (row 2)"),
        "{out}"
    );
    let mut after = snapshot(&dir);
    after.remove("leads/LX002.toml").unwrap();
    after.remove("customers/customer-001.md").unwrap();
    assert_eq!(before, after);

    // Stages: the open deal gets the new entries (in process order, before the
    // activities); its existing entry is skipped.
    let out = import_ok(&dir, &["stages", &t3]);
    assert!(
        out.contains("updated   deals/a-tech-2023.toml (row 2, 3, 4): nurture skipped, proposal added, negotiation added"),
        "{out}"
    );
    assert_eq!(
        read(&dir, "deals/a-tech-2023.toml"),
        DEAL.replace(
            "[[activities]]",
            "[[stages]]
stage = \"proposal\"
entered = 2023-10-15
actions = [\"方案评审通过\", \"客户无异议\"]
outputs = [\"定制化解决方案书\"]
owner = \"lisi\"

[[stages]]
stage = \"negotiation\"
entered = 2023-10-20
actions = [\"价格达成一致\", \"合同已签\"]
outputs = [\"销售合同\"]
owner = \"lisi\"

[[activities]]"
        )
    );

    // With --update only the imported values change; comments, layout and the
    // other fields stay byte for byte.
    import_ok(&dir, &["leads", &t1, "--update"]);
    // The template's row says what the file says (its `status` is not a column
    // of the table): the lead is unchanged.
    assert_eq!(read(&dir, "leads/LX001.toml"), LEAD);
    assert_eq!(before["leads/LX001.toml"], LEAD.as_bytes());
    let out = import_ok(&dir, &["leads", &t1b, "--update"]);
    assert!(out.contains("updated   leads/LX001.toml (row 2)"), "{out}");
    assert_eq!(
        read(&dir, "leads/LX001.toml"),
        LEAD.replace("phone = \"13812345678\"", "phone = \"13812345670\"")
            .replace(
                "needs = [\"自动化升级\"]",
                "needs = [\"自动化升级\", \"数字化\"]"
            )
            .replace("owner = \"lisi\"", "owner = \"zhaoliu\"")
    );

    import_ok(&dir, &["customers", &t2, "--update"]);
    assert_eq!(
        read(&dir, "customers/a-tech.md"),
        CUSTOMER
            .replace("priority = \"medium\"", "priority = \"high\"")
            // Fields the record did not have come after its last field.
            .replace(
                "progress = \"需求挖掘\"",
                "progress = \"方案已呈\"
annual_revenue = 100000000
employees = 500
pain_points = [\"人工成本高\", \"效率低\"]
decision_chain = [\"采购\", \"技术\", \"副总\"]"
            )
            .replace("title = \"采购主管\"", "title = \"采购经理\"")
    );

    let stages_changed = TABLE3_ZH.replace("2023年10月9日", "2023-10-10");
    let t3b = write_csv(&dir, "t3b.csv", &stages_changed);
    let out = import_ok(&dir, &["stages", &t3b, "--update"]);
    assert!(out.contains("nurture updated"), "{out}");
    let deal = read(&dir, "deals/a-tech-2023.toml");
    assert!(
        deal.contains("entered = 2023-10-10   # 展会后第二天\n"),
        "{deal}"
    );
    assert!(deal.contains("[[activities]]\ndate = 2023-10-12\nkind = \"visit\""));
    check_passes(&dir);
}

#[test]
fn bad_rows_are_reported_by_row_and_column_and_nothing_is_written() {
    let dir = existing_repo();
    let before = snapshot(&dir);
    let bad = write_csv(
        &dir,
        "bad.csv",
        "线索编号,来源渠道,获取时间,客户名称,行业,联系人,职位,电话,需求标签,负责人
LX010,展销会,2023-10-08,C公司,制造业,张三,采购经理,13812345678,自动化升级,李四
LX011,行业展会,2023-13-45,D公司,制造业,张三,采购经理,13812345678,自动化升级,李四
LX012,行业展会,2023-10-08,,制造业,张三,采购经理,13812345678,自动化升级,李四
LX010,行业展会,2023-10-08,E公司,制造业,张三,采购经理,13812345678,自动化升级,李四
LX014,行业展会,2023-10-08,F公司,制造业,张三,采购经理,13812345678,自动化升级,李四
",
    );
    let (code, stdout, stderr) = import(&dir, &["leads", &bad]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    for line in [
        "error: row 2, column 来源渠道: unknown channel `展销会`",
        "error: row 3, column 获取时间: `2023-13-45` is not a date",
        "error: row 4, column 客户名称: missing the company",
        "error: row 5, column 线索编号: duplicate id `LX010`: row 2 already imports it",
        "nothing was written",
    ] {
        assert!(stderr.contains(line), "missing {line:?} in\n{stderr}");
    }
    assert!(!stderr.contains("row 6"), "{stderr}");
    assert_eq!(before, snapshot(&dir));

    // Problems only the loader finds are named by row and column too.
    let phone = write_csv(
        &dir,
        "phone.csv",
        &TABLE1_ZH.replace("13900001111", "139xxxx"),
    );
    let (code, _, stderr) = import(&dir, &["leads", &phone]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("error: row 3, column 电话: `139xxxx` is not a phone number"),
        "{stderr}"
    );
    assert_eq!(before, snapshot(&dir));

    // The same from xlsx: a date cell that is text in no known form.
    let xlsx = write_xlsx(
        &dir,
        "bad.xlsx",
        "Sheet1",
        &[
            &["客户名称", "销售阶段", "进入阶段时间", "负责人"],
            &["A科技", "方案制定与呈现", "下周一", "李四"],
            &["无名公司", "方案制定与呈现", "2023-10-15", "李四"],
            &["A科技", "谈判", "2023-10-15", "李四"],
        ],
    );
    let (code, _, stderr) = import(&dir, &["stages", &xlsx]);
    assert_eq!(code, 1);
    for line in [
        "row 2, column 进入阶段时间: `下周一` is not a date",
        "row 3, column 客户名称: unknown customer `无名公司`",
        "row 4, column 销售阶段: unknown stage `谈判`",
    ] {
        assert!(stderr.contains(line), "missing {line:?} in\n{stderr}");
    }
    // A stage that breaks the process order is caught by the real checks.
    let order = write_csv(
        &dir,
        "order.csv",
        "客户名称,销售阶段,进入阶段时间\nA科技,方案制定与呈现,2023-10-01\n",
    );
    let (code, _, stderr) = import(&dir, &["stages", &order]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("error: row 2, column 进入阶段时间: "),
        "{stderr}"
    );
    assert_eq!(before, snapshot(&dir));
}

#[test]
fn the_same_mistake_on_many_rows_is_said_once_with_the_count_and_the_fix() {
    let dir = existing_repo();
    let mut csv =
        String::from("线索编号,来源渠道,获取时间,客户名称,行业,联系人,职位,电话,需求标签,负责人\n");
    for i in 0..7 {
        csv.push_str(&format!(
            "LX1{i:02},行业展会,2023-10-08,G{i}公司,制造业,张三,采购经理,13812345678,自动化升级,王五\n"
        ));
    }
    let bad = write_csv(&dir, "owners.csv", &csv);
    let (code, _, stderr) = import(&dir, &["leads", &bad]);
    assert_eq!(code, 1, "{stderr}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error:") && l.contains("王五"))
        .collect();
    assert_eq!(lines.len(), 1, "said once:\n{stderr}");
    assert!(
        lines[0].contains("on 7 rows (2, 3, 4, 5, 6, …)"),
        "count and first rows:\n{stderr}"
    );
    assert!(
        stderr.contains("hint: the choices are: lisi (李四), zhaoliu (赵六)")
            && stderr.contains("[values.owner] \"王五\""),
        "the fix, once:\n{stderr}"
    );
    assert_eq!(stderr.matches("hint: ").count(), 1, "{stderr}");
}

#[test]
fn dry_run_writes_nothing() {
    let dir = existing_repo();
    let before = snapshot(&dir);
    let t1 = write_csv(&dir, "t1.csv", TABLE1_ZH);
    let out = import_ok(&dir, &["leads", &t1, "--dry-run", "--update"]);
    assert!(
        out.contains("would create leads/LX002.toml (row 3)"),
        "{out}"
    );
    assert!(out.contains("dry run, nothing written: 1 created"), "{out}");
    assert_eq!(before, snapshot(&dir));
}

#[test]
fn a_map_file_reads_another_crms_columns() {
    let dir = existing_repo();
    let crm = write_csv(
        &dir,
        "crm.csv",
        "opportunity_id,sales_agent,account,sector,engage_date,origin,contact,role\n\
         OP-1,Li Si,Acme,technology,2016-10-20 09:30:00,social,Ann,CTO\n\
         OP-2,赵六,Betasoloin,medical,2016/10/25,paid_search,Bob,CFO\n",
    );
    let map = dir.path().join("map.toml");
    std::fs::write(
        &map,
        r#"[columns]
id = "opportunity_id"
company = "account"
industry = "sector"
acquired = "engage_date"
source = "origin"
title = "role"

[defaults]
owner = "lisi"

[values.source]
social = "webinar"
paid_search = "其他"
"#,
    )
    .unwrap();
    let map = map.to_str().unwrap();
    // `sales_agent` is not mapped, so [defaults] owner applies to every row.
    let out = import_ok(&dir, &["leads", &crm, "--map", map]);
    assert!(out.contains("2 created"), "{out}");
    let op1 = read(&dir, "leads/OP-1.toml");
    assert!(op1.contains("source = \"webinar\"\nacquired = 2016-10-20\ncompany = \"Acme\""));
    assert!(
        op1.contains("contact = { name = \"Ann\", title = \"CTO\" }"),
        "{op1}"
    );
    assert!(op1.contains("owner = \"lisi\""));
    assert!(read(&dir, "leads/OP-2.toml").contains("source = \"other\""));
    check_passes(&dir);

    // A map naming a column the file lacks is a usage error.
    let bad_map = dir.path().join("bad.toml");
    std::fs::write(&bad_map, "[columns]\ncompany = \"Account Name\"\n").unwrap();
    let (code, _, stderr) = import(&dir, &["leads", &crm, "--map", bad_map.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no such column"), "{stderr}");
    let unknown = dir.path().join("unknown.toml");
    std::fs::write(&unknown, "[columns]\ncompnay = \"account\"\n").unwrap();
    let (code, _, stderr) = import(&dir, &["leads", &crm, "--map", unknown.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("`compnay` is not a field"), "{stderr}");
}

#[test]
fn leads_without_ids_get_the_next_free_number() {
    let dir = existing_repo();
    let csv = write_csv(
        &dir,
        "new.csv",
        "来源渠道,获取时间,客户名称,行业,联系人,职位,负责人\n行业展会,2023-10-11,C公司,能源,陈一,经理,李四\n",
    );
    let out = import_ok(&dir, &["leads", &csv]);
    assert!(out.contains("created   leads/LX002.toml (row 2)"), "{out}");
    assert!(Path::new(&data(&dir).join("leads/LX002.toml")).exists());
}

/// The largest peak RSS (KiB) of any child process waited for so far.
fn children_max_rss_kib() -> i64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) },
        0
    );
    usage.ru_maxrss
}

/// Input that is no table (#21 item 6) is refused before it is read, with what
/// to do instead: a device or a pipe (which never ends or hangs), a stray cell
/// at XFD1048576 in a 6 KB workbook (a dense range of 17 billion cells), a
/// megabyte in one cell (said as its beginning).
#[cfg(unix)]
#[test]
fn inputs_that_are_no_table_are_refused_before_they_are_read() {
    let dir = repo(&[]);
    let fifo = dir.path().join("leads.csv");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    for file in ["/dev/zero", "leads.csv"] {
        let (code, _, err) = import(&dir, &["leads", file, "--dry-run"]);
        assert_eq!(code, 2, "{file}: {err}");
        assert!(err.contains("is not a regular file"), "{file}: {err}");
    }

    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "线索编号").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    book.save(dir.path().join("stray.xlsx")).unwrap();
    let (code, _, err) = import(&dir, &["leads", "stray.xlsx", "--dry-run"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("row 1048576 has a cell in column XFD (16384)"),
        "{err}"
    );

    let owner = "李".repeat(1 << 20);
    let csv = format!(
        "线索编号,来源渠道,获取时间,客户名称,行业,联系人,职位,负责人\n\
         LX001,行业展会,2023-10-08,A科技,制造业,张三,经理,{owner}\n"
    );
    let file = write_csv(&dir, "big-cell.csv", &csv);
    let (code, _, err) = import(&dir, &["leads", &file, "--dry-run"]);
    assert_eq!(code, 1, "{}", &err[..err.len().min(2000)]);
    assert!(err.len() < 4000, "{} bytes of messages", err.len());
    assert!(err.contains(&format!("`{}…`", "李".repeat(60))), "{err}");
    assert!(
        children_max_rss_kib() < 512 << 10,
        "peak {} MiB",
        children_max_rss_kib() >> 10
    );
}

/// A GBK file, as Chinese Excel saves "CSV", imports as its UTF-8 original does
/// (#15 item 6), and says which encoding it read.
#[test]
fn a_gbk_csv_imports_like_its_utf8_original() {
    let csv = "线索编号,来源渠道,获取时间,客户名称,行业,联系人,职位,电话,需求标签,负责人\n\
               LX001,行业展会,2023-10-08,A科技有限公司,制造业,张三,采购经理,13812345678,自动化升级,李四\n";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(csv);
    assert!(!unmappable);
    let mut leads = Vec::new();
    for (name, bytes) in [("utf8.csv", csv.as_bytes()), ("gbk.csv", &gbk[..])] {
        let dir = repo(&[]);
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let (code, out, err) = import(&dir, &["leads", name]);
        assert_eq!(code, 0, "{err}");
        let said = format!("{out}{err}");
        assert_eq!(
            said.contains("read as GB18030"),
            name == "gbk.csv",
            "{said}"
        );
        leads.push(std::fs::read_to_string(data(&dir).join("leads/LX001.toml")).unwrap());
    }
    assert_eq!(leads[0], leads[1]);
    assert!(
        leads[1].contains("company = \"A科技有限公司\""),
        "{}",
        leads[1]
    );
}

const B_GROUP: &str = "+++\nname = \"B集团\"\nindustry = \"物流\"\nowner = \"zhaoliu\"\n+++\n";

fn read_deals(dir: &TempDir) -> Vec<serde_json::Value> {
    let out = dir.path().join("export");
    let o = salesbook(dir)
        .args(["export", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(out.join("deals.json")).unwrap();
    serde_json::from_str::<Vec<serde_json::Value>>(&text).unwrap()
}

/// A lead and two customers, one of them from that lead.
fn deal_repo() -> TempDir {
    repo(&[
        ("leads/LX001.toml", LEAD),
        ("customers/a-tech.md", CUSTOMER),
        ("customers/b-group.md", B_GROUP),
    ])
}

fn add_since(dir: &TempDir, day: &str) {
    let p = data(dir).join("pipeline.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, format!("{text}\n[process]\nsince = {day}\n")).unwrap();
}

/// The deal table (#15 item 1): status, amount, dates and lost reason reach
/// the deals, so the figures follow. One-date history fails the core-stage rule
/// until `[process] since` makes it history, which the import suggests.
#[test]
fn import_deals_brings_closed_deals_and_their_figures() {
    let dir = deal_repo();
    let file = write_csv(
        &dir,
        "deals.csv",
        "商机编号,客户名称,项目名称,负责人,金额,状态,成交或丢单日期,丢单原因,预计成交日期,创建日期,销售阶段\n\
         ,A科技有限公司,自动化升级项目,李四,500000,赢单,2023-10-27,,,2023-10-09,\n\
         ,b-group,仓储改造,赵六,\"120,000\",丢单,2023-10-20,预算取消,,2023-10-01,方案制定与呈现\n",
    );
    let (code, _, err) = import(&dir, &["deals", &file]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("[core-stage-skipped]"), "{err}");
    assert!(err.contains("`[process] since = 2023-10-10`"), "{err}");
    assert!(!data(&dir).join("deals/a-tech-2023.toml").exists());

    add_since(&dir, "2023-10-10");
    import_ok(&dir, &["deals", &file]);
    check_passes(&dir);
    let lost = read(&dir, "deals/b-group-2023.toml");
    for line in [
        "status = \"lost\"",
        "lost_reason = \"预算取消\"",
        "amount = 120000",
        "stage = \"proposal\"",
        "entered = 2023-10-01",
    ] {
        assert!(lost.contains(line), "{line} in {lost}");
    }
    let deals = read_deals(&dir);
    let by_id = |id: &str| deals.iter().find(|d| d["id"] == id).unwrap().clone();
    let won = by_id("a-tech-2023");
    assert_eq!(
        (
            &won["status"],
            &won["amount"],
            &won["closed"],
            &won["cycle_days"]
        ),
        (
            &serde_json::json!("won"),
            &serde_json::json!(500000.0),
            &serde_json::json!("2023-10-27"),
            // From the lead's acquisition (2023-10-08), SPEC §4.
            &serde_json::json!(19)
        ),
        "{won}"
    );
    assert_eq!(by_id("b-group-2023")["status"], "lost");
}

/// A CRM opportunity export (Maven's shape) through a map file: one column
/// feeds both the status and the stage; a row without any date starts on the
/// as-of date, and says so.
#[test]
fn import_deals_from_a_crm_opportunity_export() {
    let dir = deal_repo();
    let file = write_csv(
        &dir,
        "sales_pipeline.csv",
        "opportunity_id,sales_agent,account,deal_stage,engage_date,close_date,close_value\n\
         1C1I7A6R,Moses Frase,A科技有限公司,Won,2023-10-09,2023-10-27,1054\n\
         Z063OYW0,Moses Frase,b-group,Lost,2023-10-01,2023-10-20,0\n\
         EC4QE1BX,Moses Frase,A科技有限公司,Engaging,2023-10-20,,\n\
         MV1LWRNH,Moses Frase,b-group,Prospecting,,,\n",
    );
    let map = write_csv(
        &dir,
        "maven.toml",
        r#"[columns]
id = "opportunity_id"
owner = "sales_agent"
customer = "account"
status = "deal_stage"
stage = "deal_stage"
created = "engage_date"
closed = "close_date"
amount = "close_value"

[defaults]
lost_reason = "CRM 未记录"

[values.owner]
"Moses Frase" = "lisi"

[values.status]
Won = "won"
Lost = "lost"
Engaging = "open"
Prospecting = "open"

[values.stage]
Won = "negotiation"
Lost = "nurture"
Engaging = "nurture"
Prospecting = "nurture"
"#,
    );
    let (code, _, err) = import(&dir, &["deals", &file, "--map", &map]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("`[process] since = 2023-11-01`"), "{err}");
    add_since(&dir, "2023-11-01");
    let (code, out, err) = import(&dir, &["deals", &file, "--map", &map]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        format!("{out}{err}").contains(
            "1 row(s) without any date (5): their history starts on the as-of date 2023-10-31"
        ),
        "{out}{err}"
    );
    check_passes(&dir);
    let deals = read_deals(&dir);
    let status = |id: &str| deals.iter().find(|d| d["id"] == id).unwrap()["status"].clone();
    assert_eq!(
        ["1C1I7A6R", "Z063OYW0", "EC4QE1BX", "MV1LWRNH"].map(status),
        ["won", "lost", "open", "open"].map(serde_json::Value::from)
    );
    let won = read(&dir, "deals/1C1I7A6R.toml");
    assert!(
        won.contains("stage = \"negotiation\"") && won.contains("amount = 1054"),
        "{won}"
    );
    assert!(!won.contains("lost_reason"), "{won}");
    assert!(read(&dir, "deals/Z063OYW0.toml").contains("lost_reason = \"CRM 未记录\""));
}

/// `--update` changes only what the file has (#15 item 4): a file of ids and
/// statuses needs no other column, `[defaults]` fill new records and never
/// overwrite a value, and the summary names each change as `old → new`.
#[test]
fn update_changes_only_what_the_file_has() {
    let dir = repo(&[("leads/LX001.toml", LEAD)]);
    let file = write_csv(&dir, "status.csv", "线索编号,状态\nLX001,待培育\n");
    let map = write_csv(
        &dir,
        "map.toml",
        "[defaults]\nsource = \"referral\"\nacquired = \"2023-01-01\"\nindustry = \"零售\"\n",
    );
    let before = read(&dir, "leads/LX001.toml");
    let out = import_ok(
        &dir,
        &["leads", &file, "--map", &map, "--update", "--dry-run"],
    );
    assert!(
        out.contains(
            "would update leads/LX001.toml (row 2): status: \"converted\" → \"nurturing\""
        ),
        "{out}"
    );
    assert_eq!(
        read(&dir, "leads/LX001.toml"),
        before,
        "a dry run writes nothing"
    );
    import_ok(&dir, &["leads", &file, "--map", &map, "--update"]);
    let after = read(&dir, "leads/LX001.toml");
    assert_eq!(
        after,
        before.replace("status = \"converted\"", "status = \"nurturing\""),
        "only the status changed"
    );
}

/// `import owners` (#15 item 8): a roster appends `[[owners]]` to pipeline.toml,
/// keeping the file's text and its owners; a name it has is kept, a Chinese name
/// gets a numbered id, a name on several rows is one owner.
#[test]
fn import_owners_appends_the_roster_to_pipeline_toml() {
    let dir = repo(&[]);
    let before = read(&dir, "pipeline.toml");
    let file = write_csv(
        &dir,
        "team.csv",
        "姓名,区域,团队\n李四,上海,华东\nMoses Frase,Central,Dustin\n王芳,江苏,华东\n",
    );
    let out = import_ok(&dir, &["owners", &file]);
    assert!(
        out.contains("pipeline.toml [[owners]] moses-frase (row 3)"),
        "{out}"
    );
    let after = read(&dir, "pipeline.toml");
    assert!(
        after.starts_with(&before),
        "the file's text is kept:\n{after}"
    );
    assert!(after.ends_with(
        "[[owners]]\nid = \"moses-frase\"\nname = \"Moses Frase\"\nregion = \"Central\"\nteam = \"Dustin\"\n\n\
         [[owners]]\nid = \"owner-001\"\nname = \"王芳\"\nregion = \"江苏\"\nteam = \"华东\"\n"
    ), "{after}");
    assert_eq!(after.matches("name = \"李四\"").count(), 1);
    check_passes(&dir);

    // A roster taken from a deal table: a name on several rows is one owner;
    // a row without a name is an error and nothing is written.
    let twice = write_csv(&dir, "twice.csv", "姓名,团队\n赵钱,A\n赵钱,A\n,B\n");
    let (code, _, err) = import(&dir, &["owners", &twice]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("row 4") && err.contains("missing the owner's name"),
        "{err}"
    );
    assert_eq!(read(&dir, "pipeline.toml"), after);
    let twice = write_csv(&dir, "twice.csv", "姓名,团队\n赵钱,A\n赵钱,A\n");
    let (code, _, err) = import(&dir, &["owners", &twice]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 row(s) (3) repeat an owner"), "{err}");
    assert_eq!(
        read(&dir, "pipeline.toml")
            .matches("name = \"赵钱\"")
            .count(),
        1
    );
}

/// `--rejects` (#15 item 8): the valid rows are imported, the invalid ones —
/// a bad cell, and a record the checks refuse (a placeholder phone) — go to the
/// file with their row and errors; without it nothing is written.
#[test]
fn rejects_sets_the_invalid_rows_aside_and_imports_the_rest() {
    let dir = repo(&[]);
    let file = write_csv(
        &dir,
        "leads.csv",
        "线索编号,来源渠道,获取时间,客户名称,行业,联系人,职位,电话,需求标签,负责人
LX001,行业展会,2023-10-08,A公司,制造业,张三,采购经理,13812345678,自动化升级,李四
LX002,行业展会,2023-13-45,B公司,制造业,王五,总监,13900001111,供应链,李四
LX003,行业展会,2023-10-09,C公司,零售,赵七,经理,xxxx,数字化,赵六
LX004,客户转介绍,2023-10-10,D公司,零售,钱八,经理,13700002222,数字化,赵六
",
    );
    let (code, _, _) = import(&dir, &["leads", &file]);
    assert_eq!(code, 1);
    assert!(!data(&dir).join("leads/LX001.toml").exists());

    let rejects = dir.path().join("rejected.csv");
    let (code, out, err) = import(
        &dir,
        &["leads", &file, "--rejects", rejects.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("2 row(s) rejected (3, 4)"), "{err}");
    for id in ["LX001", "LX004"] {
        assert!(data(&dir).join(format!("leads/{id}.toml")).exists(), "{id}");
    }
    for id in ["LX002", "LX003"] {
        assert!(
            !data(&dir).join(format!("leads/{id}.toml")).exists(),
            "{id}"
        );
    }
    let text = std::fs::read_to_string(&rejects).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("row,error,线索编号,来源渠道,获取时间"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("3,") && lines[1].contains("2023-13-45"),
        "{text}"
    );
    assert!(
        lines[1].contains("获取时间: `2023-13-45` is not a date"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("4,") && lines[2].contains("xxxx"),
        "{text}"
    );
    check_passes(&dir);
}
