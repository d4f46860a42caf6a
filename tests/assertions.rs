//! `[[assert]]` in month files explains itself: an `assert-failed` shows the
//! computed and asserted values, the difference and the records behind the
//! computed value (fixture `tests/fixtures/check/assert-explained/`, as of
//! 2023-10-31: in October a-tech-2023 won 500,000, b-group-2023 won 1,200,000,
//! c-corp-2023 lost; three new leads LX001–LX003).

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// The exit code and the diagnostics (JSON lines on stdout, human text on stderr).
fn check(format: &str) -> (i32, String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/assert-explained");
    let out = Command::new(env!("CARGO_BIN_EXE_salesbook"))
        .env("NO_COLOR", "1")
        .arg("check")
        .arg("--data")
        .arg(&dir)
        .args(["--format", format])
        .output()
        .expect("run salesbook");
    (
        out.status.code().expect("exit code"),
        String::from_utf8(if format == "json" {
            out.stdout
        } else {
            out.stderr
        })
        .expect("UTF-8"),
    )
}

/// The JSON diagnostics, keyed by "file:line".
fn diagnostics() -> Vec<(String, Value)> {
    let (code, out) = check("json");
    assert_eq!(code, 1, "failed assertions are errors");
    out.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("JSON line");
            (format!("{}:{}", v["file"].as_str().unwrap(), v["line"]), v)
        })
        .collect()
}

fn at<'a>(diags: &'a [(String, Value)], pos: &str) -> &'a Value {
    &diags
        .iter()
        .find(|(k, _)| k == pos)
        .unwrap_or_else(|| panic!("no diagnostic at {pos}: {diags:?}"))
        .1
}

fn notes(d: &Value) -> Vec<&str> {
    d["notes"]
        .as_array()
        .map(|a| a.iter().map(|n| n.as_str().unwrap()).collect())
        .unwrap_or_default()
}

#[test]
fn assertions_that_hold_report_nothing() {
    let diags = diagnostics();
    // Line 4: revenue equals 1,700,000 exactly; line 9: 1,700,500 ± 500 (off by
    // exactly the tolerance); line 24: win rate 2/3 ≥ 0.5; line 31: new leads 3
    // within [3, 3].
    for line in [4, 9, 24, 31] {
        let pos = format!("months/2023-10.md:{line}");
        assert!(
            !diags.iter().any(|(k, _)| *k == pos),
            "the assertion at {pos} holds: {diags:?}"
        );
    }
    assert_eq!(diags.len(), 5, "{diags:?}");
}

#[test]
fn one_yuan_over_the_tolerance_fails_with_the_won_deals() {
    let diags = diagnostics();
    let d = at(&diags, "months/2023-10.md:14");
    assert_eq!(d["code"], "assert-failed");
    assert_eq!(
        d["message"],
        "2023-10 `revenue` is 1,700,000, the assertion expects 1,700,501 ± 500 (off by −501)"
    );
    assert_eq!(
        notes(d),
        ["amounts of won deals = 1,700,000: a-tech-2023 500,000; b-group-2023 1,200,000"]
    );
}

#[test]
fn a_count_far_off_lists_the_ids() {
    let diags = diagnostics();
    let d = at(&diags, "months/2023-10.md:19");
    assert_eq!(
        d["message"],
        "2023-10 `deals_won` is 2, the assertion expects 5 ± 0 (off by −3)"
    );
    assert_eq!(notes(d), ["won deals = 2: a-tech-2023, b-group-2023"]);
}

#[test]
fn a_rate_over_its_max_lists_numerator_and_denominator() {
    let diags = diagnostics();
    let d = at(&diags, "months/2023-10.md:27");
    assert_eq!(
        d["message"],
        "2023-10 `win_rate` is 0.6667 (66.7%), the assertion expects at most 0.5 (50%) (off by +0.1667)"
    );
    assert_eq!(
        notes(d),
        [
            "`win_rate` = won deals ÷ closed deals (won + lost) = 2 ÷ 3",
            "won deals = 2: a-tech-2023, b-group-2023",
            "closed deals (won + lost) = 3: a-tech-2023, b-group-2023, c-corp-2023",
        ]
    );
}

#[test]
fn a_month_without_data_is_null_and_fails() {
    let diags = diagnostics();
    let d = at(&diags, "months/2023-08.md:4");
    assert_eq!(
        d["message"],
        "2023-08 `win_rate` is null (nothing to compute it from), the assertion expects at least 0.2 (20%)"
    );
    assert_eq!(notes(d)[1], "won deals = 0: none");
}

#[test]
fn an_unknown_kpi_suggests_the_key() {
    let diags = diagnostics();
    let d = at(&diags, "months/2023-10.md:36");
    assert_eq!(d["code"], "unknown-kpi");
    assert_eq!(d["message"], "unknown KPI `revnue`");
    assert_eq!(d["hint"], "did you mean `revenue`?");
    assert!(d.get("notes").is_none(), "no notes key when empty: {d}");
}

#[test]
fn human_output_shows_the_notes_under_the_source_line() {
    let (code, out) = check("human");
    assert_eq!(code, 1);
    let expected = "\
error[assert-failed]: 2023-10 `deals_won` is 2, the assertion expects 5 ± 0 (off by −3)
  --> months/2023-10.md:19:7
   |
19 | kpi = \"deals_won\"
   |       ^^^^^^^^^^^
   |
note: won deals = 2: a-tech-2023, b-group-2023
help: fix the records listed above, or the asserted figure if the records are right
";
    assert!(out.contains(expected), "{out}");
}
