//! Bad input never panics: `salesbook check` on broken, hostile or odd data
//! exits 1 (validation errors) or 2 (I/O or usage), never 101, never with a
//! signal, and never prints "panicked". Each test builds a repository in a
//! temporary folder from a small valid base.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

mod common;
use common::base::*;

/// A small valid repository: one record of each kind.
fn base() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    write_base(dir.path());
    dir
}

struct Run {
    code: i32,
    diags: Vec<Value>,
    stderr: String,
}

impl Run {
    fn codes(&self) -> Vec<&str> {
        self.diags
            .iter()
            .map(|d| d["code"].as_str().unwrap_or_default())
            .collect()
    }

    fn has(&self, code: &str, file: &str) -> bool {
        self.diags
            .iter()
            .any(|d| d["code"] == code && d["file"] == file)
    }
}

/// Runs `check --format json` and asserts that it did not crash.
fn check(data: &Path) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_salesbook"))
        .args(["check", "--format", "json", "--data"])
        .arg(data)
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .expect("run salesbook");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("panicked"),
        "salesbook panicked:\n{stderr}"
    );
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("salesbook was killed ({:?}):\n{stderr}", out.status));
    assert_ne!(code, 101, "salesbook panicked:\n{stderr}");
    let stdout = String::from_utf8(out.stdout).expect("JSON output is UTF-8");
    let diags = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect();
    Run {
        code,
        diags,
        stderr,
    }
}

/// Asserts exit 1 with at least one diagnostic of `code` in `file`.
fn rejects(data: &Path, code: &str, file: &str) -> Run {
    let run = check(data);
    assert_eq!(run.code, 1, "{:?}\n{}", run.diags, run.stderr);
    assert!(
        run.has(code, file),
        "expected `{code}` in {file}, got {:?}",
        run.diags
    );
    run
}

#[test]
fn the_base_is_valid() {
    let dir = base();
    let run = check(dir.path());
    assert_eq!((run.code, run.diags), (0, vec![]), "{}", run.stderr);
}

// ---- broken files ---------------------------------------------------------------------

#[test]
fn malformed_toml() {
    for text in [
        "source = \n",
        "= 1\n",
        "[contact\nname = \"x\"\n",
        "company = \"unterminated\n",
        "acquired = 2023-02-30\n",
        "acquired = 2023-13-01\n",
        "a = 1 b = 2\n",
        "[[contact]]\n[contact]\n",
        "a = [1,,2]\n",
        "a = \"\u{7}\"\n",
        "\0\0\0",
    ] {
        let dir = base();
        write(dir.path(), "leads/LX001.toml", text);
        rejects(dir.path(), "toml-syntax", "leads/LX001.toml");
    }
}

#[test]
fn malformed_front_matter_toml() {
    let dir = base();
    write(
        dir.path(),
        "customers/a-tech.md",
        "+++\nname = \"A\nindustry = 1\n+++\nbody\n",
    );
    let run = rejects(dir.path(), "toml-syntax", "customers/a-tech.md");
    let d = run
        .diags
        .iter()
        .find(|d| d["code"] == "toml-syntax")
        .unwrap();
    assert!(
        d["line"].as_u64().unwrap() >= 2,
        "counted from the top: {d}"
    );
}

#[test]
fn malformed_pipeline_toml() {
    let dir = base();
    write(dir.path(), "pipeline.toml", "[team\nname = 1\n");
    rejects(dir.path(), "toml-syntax", "pipeline.toml");
}

#[test]
fn binary_and_non_utf8_files() {
    let dir = base();
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 256) as u8).collect();
    write(dir.path(), "leads/LX002.toml", &garbage);
    write(
        dir.path(),
        "customers/b-group.md",
        b"+++\nname = \"\xff\xfe\"\n+++\n",
    );
    let run = rejects(dir.path(), "not-utf8", "leads/LX002.toml");
    assert!(
        run.has("not-utf8", "customers/b-group.md"),
        "{:?}",
        run.diags
    );
}

#[test]
fn non_utf8_pipeline_toml() {
    let dir = base();
    write(
        dir.path(),
        "pipeline.toml",
        b"[team]\nname = \"\xb2\xe2\xca\xd4\"\n",
    );
    rejects(dir.path(), "not-utf8", "pipeline.toml");
}

#[test]
fn utf16_with_bom() {
    let dir = base();
    let mut bytes = vec![0xff, 0xfe];
    bytes.extend(LEAD.encode_utf16().flat_map(u16::to_le_bytes));
    write(dir.path(), "leads/LX001.toml", bytes);
    rejects(dir.path(), "not-utf8", "leads/LX001.toml");
}

#[test]
fn empty_files() {
    let dir = base();
    write(dir.path(), "leads/LX001.toml", "");
    write(dir.path(), "deals/a-tech-2023.toml", "");
    write(dir.path(), "customers/a-tech.md", "");
    write(dir.path(), "months/2023-10.md", "");
    write(dir.path(), "cases/a-tech-win.md", "");
    let run = rejects(dir.path(), "missing-field", "leads/LX001.toml");
    assert!(run.has("missing-field", "deals/a-tech-2023.toml"));
    for md in [
        "customers/a-tech.md",
        "months/2023-10.md",
        "cases/a-tech-win.md",
    ] {
        assert!(run.has("missing-front-matter", md), "{md}: {:?}", run.diags);
    }
}

#[test]
fn empty_and_whitespace_only_pipeline_toml() {
    for text in ["", "\n\n   \n", "# only a comment\n"] {
        let dir = base();
        write(dir.path(), "pipeline.toml", text);
        rejects(dir.path(), "missing-field", "pipeline.toml");
    }
}

#[test]
fn empty_front_matter() {
    let dir = base();
    write(dir.path(), "customers/a-tech.md", "+++\n+++\n");
    write(dir.path(), "cases/a-tech-win.md", "+++\n+++");
    let run = rejects(dir.path(), "missing-field", "customers/a-tech.md");
    assert!(run.has("missing-field", "cases/a-tech-win.md"));
}

#[test]
fn front_matter_without_closing_line() {
    for text in [
        "+++\nname = \"A科技有限公司\"\nindustry = \"制造业\"\nowner = \"lisi\"\n",
        "+++",
        "+++\n",
        "\n\n+++\nname = \"x\"\n++\n",
    ] {
        let dir = base();
        write(dir.path(), "customers/a-tech.md", text);
        rejects(dir.path(), "missing-front-matter", "customers/a-tech.md");
    }
}

#[test]
fn front_matter_not_at_the_top() {
    let dir = base();
    write(
        dir.path(),
        "customers/a-tech.md",
        "# A科技\n+++\nname = \"A\"\n+++\n",
    );
    rejects(dir.path(), "missing-front-matter", "customers/a-tech.md");
}

// ---- wrong types everywhere --------------------------------------------------------------

#[test]
fn wrong_types_in_every_lead_field() {
    let dir = base();
    write(
        dir.path(),
        "leads/LX001.toml",
        r#"source = 1
acquired = "2023-10-08"
company = 2
industry = true
contact = "张三"
needs = "自动化"
owner = ["lisi"]
assigned = 2023-10-08
first_contact = "tomorrow"
status = 3
invalid_reason = 4
annual_revenue = "一亿"
budget_confirmed = "yes"
match = "high"
grade = 1
region = { a = 1 }
extra = 5
"#,
    );
    let run = rejects(dir.path(), "wrong-type", "leads/LX001.toml");
    let wrong = run.codes().iter().filter(|c| **c == "wrong-type").count();
    assert!(wrong >= 17, "one wrong-type per field, got {:?}", run.diags);
}

#[test]
fn wrong_types_in_every_deal_field() {
    let dir = base();
    write(
        dir.path(),
        "deals/a-tech-2023.toml",
        r#"customer = 1
title = 2
owner = false
lead = 3.5
amount = "五十万"
expected_close = "soon"
status = 1
closed = 10:00:00
lost_reason = []
activities = "many"
payments = [1, 2]
visits = {}

[[stages]]
stage = 1
entered = "2023-10-18"
completed = 2023-10-19T08:00:00Z
actions = "all"
outputs = [1]
owner = 2
presented = 2023-10-20
minutes_sent = "later"

[[stages]]
stage = []
entered = {}
"#,
    );
    let run = rejects(dir.path(), "wrong-type", "deals/a-tech-2023.toml");
    let wrong = run.codes().iter().filter(|c| **c == "wrong-type").count();
    assert!(wrong >= 20, "one wrong-type per field, got {:?}", run.diags);
}

#[test]
fn wrong_types_in_nested_deal_tables() {
    let dir = base();
    let mut deal = DEAL.to_string();
    deal.push_str(
        r#"
[[activities]]
date = "2023-10-19"
kind = 1
note = 2

[[payments]]
kind = 1
amount = "x"
due = 3
received = true

[[visits]]
date = 1
satisfaction = "高"
note = []
upsell = "no"
"#,
    );
    write(dir.path(), "deals/a-tech-2023.toml", deal);
    let run = rejects(dir.path(), "wrong-type", "deals/a-tech-2023.toml");
    let wrong = run.codes().iter().filter(|c| **c == "wrong-type").count();
    assert!(wrong >= 10, "{:?}", run.diags);
}

#[test]
fn wrong_types_in_customer_month_case_and_pipeline() {
    let dir = base();
    write(
        dir.path(),
        "customers/a-tech.md",
        "+++\nname = 1\nindustry = []\nowner = {}\nemployees = \"500人\"\npriority = 2\n\
         decision_makers = \"张三\"\nrisks = [1]\npain_points = [[1]]\n+++\n",
    );
    write(
        dir.path(),
        "months/2023-10.md",
        "+++\ntargets = 1\nanalysis = []\nassert = \"x\"\nplan = [{ area = 1, action = 2, due = \"x\", done = \"no\" }]\n+++\n",
    );
    write(
        dir.path(),
        "cases/a-tech-win.md",
        "+++\ntitle = 1\ndate = \"2023-10-30\"\nresult = true\ntags = \"a\"\nshareable = \"yes\"\n+++\n",
    );
    write(
        dir.path(),
        "pipeline.toml",
        "team = \"测试组\"\nsla = 1\nowners = \"lisi\"\nchannels = [1]\nstages = {}\ngrading = [\"high\"]\n",
    );
    let run = check(dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    for file in [
        "customers/a-tech.md",
        "months/2023-10.md",
        "cases/a-tech-win.md",
        "pipeline.toml",
    ] {
        assert!(run.has("wrong-type", file), "{file}: {:?}", run.diags);
    }
}

// ---- values at the edges ------------------------------------------------------------------

#[test]
fn extreme_numbers_and_dates() {
    let dir = base();
    write(
        dir.path(),
        "pipeline.toml",
        PIPELINE.replace(
            "as_of = 2023-10-31\n",
            "as_of = 2023-10-31\namount_unit = 1e-300\n\n[sla]\nfirst_contact_hours = 1e300\n\
             minutes_hours = 1.7976931348623157e308\nnurture_interactions_per_week = 1e300\n\
             stale_days = 9e18\nupdate_hours = 1e300\n",
        ),
    );
    write(
        dir.path(),
        "leads/LX002.toml",
        LEAD.replace(
            "status = \"converted\"",
            "status = \"new\"\nassigned = 0001-01-01T00:00:00Z\nfirst_contact = 9999-12-31T23:59:60-23:59\n\
             annual_revenue = 1.7976931348623157e308\nmatch = 100.0",
        ),
    );
    write(
        dir.path(),
        "deals/b-2023.toml",
        "customer = \"a-tech\"\nowner = \"lisi\"\namount = 9_223_372_036_854_775_807\nstatus = \"open\"\n\
         [[stages]]\nstage = \"nurture\"\nentered = 0001-01-01\n[[stages]]\nstage = \"proposal\"\n\
         entered = 9999-12-31\npresented = 0001-01-01T00:00:00\nminutes_sent = 9999-12-31T23:59:59\n\
         [[payments]]\nkind = \"final\"\namount = 1e308\ndue = 0001-01-01\n",
    );
    let run = check(dir.path());
    assert!(matches!(run.code, 0 | 1), "{}", run.stderr);
}

#[test]
fn non_finite_and_negative_numbers() {
    let dir = base();
    let deal = DEAL.replace("amount = 500000", "amount = nan")
        + "\n[[payments]]\nkind = \"final\"\namount = -inf\ndue = 2023-10-27\n\n\
           [[visits]]\ndate = 2023-10-28\nsatisfaction = inf\n";
    write(dir.path(), "deals/a-tech-2023.toml", deal);
    write(
        dir.path(),
        "leads/LX001.toml",
        LEAD.replace("needs", "match = -1\nannual_revenue = -5\nneeds"),
    );
    let run = rejects(dir.path(), "out-of-range", "deals/a-tech-2023.toml");
    assert!(
        run.has("out-of-range", "leads/LX001.toml"),
        "{:?}",
        run.diags
    );
}

#[test]
fn as_of_at_the_ends_of_the_calendar() {
    // Outside 1970-01-01..=2199-12-31 (the dates salesbook accepts): a usage error.
    for as_of in ["0001-01-01", "9999-12-31"] {
        let dir = base();
        let out = Command::new(env!("CARGO_BIN_EXE_salesbook"))
            .args(["check", "--format", "json", "--as-of", as_of, "--data"])
            .arg(dir.path())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(out.status.code(), Some(2), "{stderr}");
    }
}

#[test]
fn odd_time_zone_and_language() {
    let dir = base();
    write(
        dir.path(),
        "pipeline.toml",
        PIPELINE.replace(
            "as_of = 2023-10-31\n",
            "as_of = 2023-10-31\ntimezone = \"Mars/Olympus\"\nlanguage = \"fr\"\n",
        ),
    );
    let run = rejects(dir.path(), "invalid-value", "pipeline.toml");
    assert_eq!(
        run.codes()
            .iter()
            .filter(|c| **c == "invalid-value")
            .count(),
        2
    );
}

// ---- size and depth ------------------------------------------------------------------------

#[test]
fn a_9_mb_file() {
    // Just under the 10 MiB a file may have (tests/hostile.rs tries the limit).
    let dir = base();
    let mut text = String::with_capacity(10 << 20);
    text.push_str(LEAD);
    text.push_str("\n[extra]\n");
    let mut i = 0;
    while text.len() < 9 << 20 {
        text.push_str(&format!("k{i} = \"{}\"\n", "备注".repeat(40)));
        i += 1;
    }
    write(dir.path(), "leads/LX001.toml", &text);
    // And 3 MB of almost-TOML: an array that never closes.
    write(
        dir.path(),
        "leads/LX002.toml",
        "a = [".to_string() + &"1, ".repeat(1 << 20),
    );
    let run = check(dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.has("toml-syntax", "leads/LX002.toml"),
        "{:?}",
        run.diags
    );
    assert!(
        !run.diags.iter().any(|d| d["file"] == "leads/LX001.toml"),
        "the big valid lead is fine: {:?}",
        run.diags
    );
}

#[test]
fn a_very_long_line_in_a_diagnostic() {
    // The human renderer must cope with a megabyte-long source line.
    let dir = base();
    let long = "x".repeat(1 << 20);
    write(
        dir.path(),
        "leads/LX001.toml",
        LEAD.replace("\"converted\"", &format!("\"{long}\"")),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_salesbook"))
        .args(["check", "--data"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "{}",
        &stderr[..stderr.len().min(2000)]
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn deeply_nested_arrays_and_tables() {
    let n = 10_000;
    let cases = [
        format!("a = {}{}\n", "[".repeat(n), "]".repeat(n)),
        format!("[{}]\n", vec!["a"; n].join(".")),
        format!("[[{}]]\n", vec!["a"; n].join(".")),
        format!("a = {}1{}\n", "{ b = ".repeat(n), " }".repeat(n)),
        format!("{} = 1\n", vec!["a"; n].join(".")),
        format!("a = {}\n", "[".repeat(n)),
        format!("[extra]\n{}", "[".repeat(n)),
    ];
    for text in cases {
        let dir = base();
        write(dir.path(), "leads/LX001.toml", &text);
        let run = check(dir.path());
        assert_eq!(run.code, 1, "{}", run.stderr);
    }
}

#[test]
fn deeply_nested_front_matter_and_extra() {
    let n = 5_000;
    let dir = base();
    write(
        dir.path(),
        "customers/a-tech.md",
        format!(
            "+++\nname = \"A\"\nindustry = \"x\"\nowner = \"lisi\"\n[extra]\nx = {}{}\n+++\n",
            "[".repeat(n),
            "]".repeat(n)
        ),
    );
    let run = check(dir.path());
    assert!(matches!(run.code, 0 | 1), "{}", run.stderr);
}

#[test]
fn many_keys_and_many_tables() {
    let dir = base();
    let mut deal = DEAL.to_string();
    for i in 0..20_000 {
        deal.push_str(&format!(
            "\n[[activities]]\ndate = 2023-10-{:02}\nkind = \"call\"\n",
            18 + i % 10
        ));
    }
    write(dir.path(), "deals/a-tech-2023.toml", deal);
    let run = check(dir.path());
    assert!(matches!(run.code, 0 | 1), "{}", run.stderr);
}

// ---- duplicates --------------------------------------------------------------------------

#[test]
fn duplicate_keys() {
    for (file, text) in [
        ("leads/LX001.toml", format!("company = \"again\"\n{LEAD}")),
        (
            "leads/LX001.toml",
            LEAD.replace("owner = \"lisi\"", "owner = \"lisi\"\nowner = \"lisi\""),
        ),
        (
            "leads/LX001.toml",
            format!("{LEAD}\n[contact]\nname = \"x\"\n"),
        ),
        (
            "customers/a-tech.md",
            CUSTOMER.replace("owner = \"lisi\"", "owner = \"lisi\"\nowner = \"x\""),
        ),
        (
            "deals/a-tech-2023.toml",
            DEAL.replace("status = \"won\"", "status = \"won\"\nstatus = \"lost\""),
        ),
    ] {
        let dir = base();
        write(dir.path(), file, text);
        rejects(dir.path(), "toml-syntax", file);
    }
}

#[test]
fn duplicate_config_ids() {
    let dir = base();
    let mut pipeline = PIPELINE.to_string();
    pipeline.push_str("\n[[owners]]\nid = \"lisi\"\nname = \"李四二\"\n");
    pipeline.push_str("\n[[stages]]\nid = \"nurture\"\nname = \"again\"\n");
    write(dir.path(), "pipeline.toml", pipeline);
    let run = rejects(dir.path(), "duplicate-id", "pipeline.toml");
    assert!(
        run.codes().iter().filter(|c| **c == "duplicate-id").count() >= 2,
        "{:?}",
        run.diags
    );
}

// ---- ids and file names -------------------------------------------------------------------

#[test]
fn ids_with_spaces_and_control_characters() {
    for name in [
        "LX 001",
        "LX\u{7}001",
        "LX\t001",
        "LX\u{1b}[31m",
        "LX@001",
        "a+b",
    ] {
        let dir = base();
        write(dir.path(), &format!("leads/{name}.toml"), LEAD);
        rejects(dir.path(), "invalid-id", &format!("leads/{name}.toml"));
    }
}

#[test]
fn a_101_character_id() {
    let dir = base();
    let name = "L".repeat(101);
    write(dir.path(), &format!("leads/{name}.toml"), LEAD);
    rejects(dir.path(), "invalid-id", &format!("leads/{name}.toml"));
}

#[cfg(unix)]
#[test]
fn non_utf8_file_name() {
    use std::os::unix::ffi::OsStrExt;
    let dir = base();
    let name = std::ffi::OsStr::from_bytes(b"LX\xff001.toml");
    let path = dir.path().join("leads").join(name);
    if std::fs::write(&path, LEAD).is_err() {
        eprintln!("skipped: the file system refuses non-UTF-8 names");
        return;
    }
    let run = check(dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.codes().contains(&"invalid-id"), "{:?}", run.diags);
}

#[test]
fn ids_with_dots_are_valid() {
    // `..` inside an id is allowed by SPEC §2 (letters, digits, `-`, `_`, `.`, not
    // starting with `.`); it never becomes a path component on its own.
    let dir = base();
    write(dir.path(), "leads/LX..002.toml", LEAD);
    write(dir.path(), "leads/v1.2.toml", LEAD);
    let run = check(dir.path());
    assert_eq!((run.code, run.diags), (0, vec![]), "{}", run.stderr);
}

#[test]
fn hidden_files_and_folders_are_ignored() {
    let dir = base();
    write(dir.path(), "leads/..toml", "garbage = [");
    write(dir.path(), "leads/.LX003.toml", "garbage = [");
    write(dir.path(), "leads/.git/LX004.toml", "garbage = [");
    write(dir.path(), "leads/notes.txt", "garbage = [");
    write(dir.path(), "leads/README.md", "# Leads\n");
    write(dir.path(), ".hidden/leads/LX005.toml", "garbage = [");
    let run = check(dir.path());
    assert_eq!((run.code, run.diags), (0, vec![]), "{}", run.stderr);
}

#[test]
fn references_with_path_characters() {
    let dir = base();
    write(
        dir.path(),
        "deals/b-2023.toml",
        DEAL.replace(
            "customer = \"a-tech\"",
            "customer = \"../customers/a-tech\"",
        )
        .replace(
            "owner = \"lisi\"",
            "owner = \"/etc/passwd\"\nlead = \"..\\\\LX001\"",
        )
        .replace("stage = \"proposal\"", "stage = \"pro\\u0000posal\""),
    );
    write(
        dir.path(),
        "cases/b.md",
        "+++\ntitle = \"x\"\ndate = 2023-10-30\nresult = \"failure\"\ndeal = \"../../etc\"\n\
         author = \"li\\nsi\"\nstage = \" \"\n+++\n",
    );
    let run = rejects(dir.path(), "dangling-reference", "deals/b-2023.toml");
    assert!(
        run.diags
            .iter()
            .filter(|d| d["code"] == "dangling-reference")
            .count()
            >= 7,
        "{:?}",
        run.diags
    );
}

#[test]
fn unicode_ids_and_values() {
    let dir = base();
    write(
        dir.path(),
        "customers/客户甲.md",
        "+++\nname = \"甲公司 🚀\"\nindustry = \"零售\"\nowner = \"lisi\"\n\
         pain_points = [\"库存周转慢\", \"データ\", \"ñ\"]\n+++\n# 笔记 ✓\n",
    );
    write(
        dir.path(),
        "deals/客户甲-2023.toml",
        DEAL.replace("\"a-tech\"", "\"客户甲\"").replace(
            "status = \"won\"",
            "status = \"lost\"\nlost_reason = \"预算取消\"",
        ),
    );
    write(dir.path(), "leads/線索_é-1.toml", LEAD);
    let run = check(dir.path());
    assert_eq!((run.code, run.diags), (0, vec![]), "{}", run.stderr);
}

// ---- encodings and line endings --------------------------------------------------------

#[test]
fn utf8_bom_is_accepted() {
    let dir = base();
    for (path, text) in [
        ("pipeline.toml", PIPELINE),
        ("leads/LX001.toml", LEAD),
        ("customers/a-tech.md", CUSTOMER),
        ("deals/a-tech-2023.toml", DEAL),
        ("cases/a-tech-win.md", CASE),
    ] {
        write(dir.path(), path, format!("\u{feff}{text}"));
    }
    let run = check(dir.path());
    assert_eq!((run.code, run.diags), (0, vec![]), "{}", run.stderr);
}

#[test]
fn utf8_bom_does_not_shift_columns() {
    let dir = base();
    write(
        dir.path(),
        "leads/LX001.toml",
        format!("\u{feff}{}", LEAD.replace("\"converted\"", "\"done\"")),
    );
    let run = rejects(dir.path(), "invalid-value", "leads/LX001.toml");
    let d = &run.diags[0];
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(6), Some(10)),
        "{d}"
    );
}

#[test]
fn crlf_line_endings_are_accepted() {
    let dir = base();
    for (path, text) in [
        ("pipeline.toml", PIPELINE),
        ("leads/LX001.toml", LEAD),
        ("customers/a-tech.md", CUSTOMER),
        ("deals/a-tech-2023.toml", DEAL),
        ("months/2023-10.md", MONTH),
        ("cases/a-tech-win.md", CASE),
    ] {
        write(dir.path(), path, text.replace('\n', "\r\n"));
    }
    let run = check(dir.path());
    assert_eq!((run.code, run.diags), (0, vec![]), "{}", run.stderr);
}

#[test]
fn lone_carriage_returns() {
    let dir = base();
    write(dir.path(), "leads/LX001.toml", LEAD.replace('\n', "\r"));
    let run = check(dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
}

// ---- the file system -------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed() {
    use std::os::unix::fs::symlink;
    let dir = base();
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "bad.toml", "garbage = [");
    write(outside.path(), "more/LX009.toml", "garbage = [");
    symlink(
        outside.path().join("bad.toml"),
        dir.path().join("leads/LX007.toml"),
    )
    .unwrap();
    symlink(outside.path().join("more"), dir.path().join("leads/more")).unwrap();
    symlink(dir.path().join("leads"), dir.path().join("leads/loop")).unwrap();
    symlink(
        dir.path().join("does-not-exist.toml"),
        dir.path().join("leads/dangling.toml"),
    )
    .unwrap();
    let run = check(dir.path());
    assert_eq!((run.code, run.diags), (0, vec![]), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn a_symlinked_record_folder_is_not_followed() {
    use std::os::unix::fs::symlink;
    let dir = base();
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "LX008.toml", "garbage = [");
    std::fs::remove_dir_all(dir.path().join("cases")).unwrap();
    symlink(outside.path(), dir.path().join("cases")).unwrap();
    let run = check(dir.path());
    assert!(
        !run.diags
            .iter()
            .any(|d| d["file"].as_str().unwrap_or("").contains("LX008")),
        "{:?}",
        run.diags
    );
    assert!(matches!(run.code, 0 | 1), "{}", run.stderr);
}

#[test]
fn a_folder_named_like_a_record() {
    let dir = base();
    std::fs::create_dir_all(dir.path().join("leads/LX002.toml")).unwrap();
    std::fs::create_dir_all(dir.path().join("customers/b.md/c")).unwrap();
    let run = check(dir.path());
    assert_eq!((run.code, run.diags), (0, vec![]), "{}", run.stderr);
}

#[test]
fn pipeline_toml_is_a_folder() {
    let dir = base();
    std::fs::remove_file(dir.path().join("pipeline.toml")).unwrap();
    std::fs::create_dir(dir.path().join("pipeline.toml")).unwrap();
    let run = check(dir.path());
    assert!(matches!(run.code, 1 | 2), "{}", run.stderr);
}

#[test]
fn a_record_folder_is_a_file() {
    let dir = base();
    std::fs::remove_dir_all(dir.path().join("leads")).unwrap();
    write(dir.path(), "leads", "not a folder");
    let run = check(dir.path());
    assert!(matches!(run.code, 0..=2), "{}", run.stderr);
}

#[test]
fn missing_or_unusable_data_folder() {
    let dir = base();
    let run = check(&dir.path().join("nope"));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("nope"), "{}", run.stderr);
    let run = check(&dir.path().join("pipeline.toml"));
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn an_empty_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let run = rejects(dir.path(), "missing-config", "pipeline.toml");
    assert_eq!(run.diags.len(), 1, "{:?}", run.diags);
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["check", "--format", "xml"][..],
        &["check", "--as-of", "2023-13-01"],
        &["check", "--as-of", "yesterday"],
        &["frobnicate"],
        &["check", "--no-such-flag"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_salesbook"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}
