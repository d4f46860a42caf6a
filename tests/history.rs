//! `[process] since` (SPEC §2.1): leads acquired and deals started before it are
//! history brought in from elsewhere. They count in every figure, but the process
//! rules (core stages, expected outputs, SLAs, timeliness) are not checked on
//! them; the facts (dates in order, references, a won deal's amount) still are.
//! `late-entry` is tested with a git history in tests/git.rs.

use std::path::{Path, PathBuf};

mod common;
use common::{copy_dir, salesbook};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/check")
        .join(name)
}

/// The codes `check` reports on `data`.
fn codes(data: &Path) -> Vec<String> {
    let (_, out, err) = salesbook(data, &["check", "--format", "json"]);
    assert!(!err.contains("panicked"), "{err}");
    out.lines()
        .map(|l| {
            let d: serde_json::Value = serde_json::from_str(l).unwrap();
            d["code"].as_str().unwrap().to_string()
        })
        .collect()
}

/// A copy of `fixture` with `[process] since = day` appended to its pipeline.toml.
fn with_since(tmp: &Path, fixture_name: &str, day: Option<&str>) -> PathBuf {
    let data = tmp.join(format!("{fixture_name}-{}", day.unwrap_or("none")));
    copy_dir(&fixture(fixture_name), &data);
    if let Some(day) = day {
        let p = data.join("pipeline.toml");
        let config = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, format!("{config}\n[process]\nsince = {day}\n")).unwrap();
    }
    data
}

#[test]
fn process_rules_are_not_checked_on_history() {
    let tmp = tempfile::tempdir().unwrap();
    for code in [
        "core-stage-skipped",
        "missing-output",
        "sla-first-contact",
        "contact-before-assignment",
        "sla-nurture",
        "sla-minutes",
    ] {
        // Every fixture's records are from 2023 (as-of 2023-10-31).
        let plain = codes(&with_since(tmp.path(), code, None));
        assert!(plain.iter().any(|c| c == code), "{code}: {plain:?}");
        let before = codes(&with_since(tmp.path(), code, Some("2023-01-01")));
        assert!(
            before.iter().any(|c| c == code),
            "{code}, since before: {before:?}"
        );
        let history = codes(&with_since(tmp.path(), code, Some("2023-10-31")));
        assert!(
            !history.iter().any(|c| c == code),
            "{code}, history: {history:?}"
        );
    }
}

#[test]
fn facts_are_still_checked_on_history() {
    let tmp = tempfile::tempdir().unwrap();
    for code in [
        "date-order",
        "won-without-amount",
        "missing-closed",
        "payments-exceed-amount",
        "stale-deal",
        "payment-overdue",
        "dangling-reference",
    ] {
        let history = codes(&with_since(tmp.path(), code, Some("2023-10-31")));
        assert!(
            history.iter().any(|c| c == code),
            "{code}, history: {history:?}"
        );
    }
}

#[test]
fn a_deal_is_history_when_its_lead_was_acquired_before_since() {
    // A deal without a lead starts at its first entry; with a lead acquired
    // earlier, the implicit `lead` entry starts the history.
    let tmp = tempfile::tempdir().unwrap();
    let data = with_since(tmp.path(), "core-stage-skipped", None);
    let deal = std::fs::read_to_string(data.join("deals/a-tech-2023.toml")).unwrap();
    let first: String = deal
        .lines()
        .find(|l| l.starts_with("entered"))
        .unwrap()
        .to_string();
    let cut = |day: &str| {
        let p = data.join("pipeline.toml");
        let config =
            std::fs::read_to_string(fixture("core-stage-skipped").join("pipeline.toml")).unwrap();
        std::fs::write(p, format!("{config}\n[process]\nsince = {day}\n")).unwrap();
        codes(&data)
    };
    let entered = first.trim_start_matches("entered = ").trim().to_string();
    // since = the first entry's day: the deal started on it, not before: checked.
    assert!(
        cut(&entered).iter().any(|c| c == "core-stage-skipped"),
        "{first}"
    );
    // With a lead acquired earlier, since = that first entry day makes it history.
    std::fs::create_dir_all(data.join("leads")).unwrap();
    std::fs::write(
        data.join("leads/LX001.toml"),
        "source = \"trade_show\"\nacquired = 2023-01-05\ncompany = \"A科技\"\nindustry = \"制造业\"\nowner = \"lisi\"\nstatus = \"converted\"\n\n[contact]\nname = \"王五\"\ntitle = \"经理\"\n",
    )
    .unwrap();
    let p = data.join("deals/a-tech-2023.toml");
    std::fs::write(&p, format!("lead = \"LX001\"\n{deal}")).unwrap();
    assert!(!cut(&entered).iter().any(|c| c == "core-stage-skipped"));
}

#[test]
fn history_counts_in_every_figure() {
    let tmp = tempfile::tempdir().unwrap();
    let sample = common::sample();
    let data = tmp.path().join("data");
    copy_dir(&sample, &data);
    let export = |name: &str| {
        let out = tmp.path().join(name);
        let (code, _, err) = salesbook(&data, &["export", "--out", out.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        ["kpis.json", "deals.json"].map(|f| common::read(&out.join(f)))
    };
    let plain = export("plain");
    let before = codes(&data);
    let p = data.join("pipeline.toml");
    let config = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, format!("{config}\n[process]\nsince = 2030-01-01\n")).unwrap();
    assert_eq!(export("history"), plain);
    let after = codes(&data);
    let process = [
        "core-stage-skipped",
        "missing-output",
        "sla-first-contact",
        "contact-before-assignment",
        "sla-nurture",
        "sla-minutes",
        "late-entry",
    ];
    assert!(
        before.iter().any(|c| process.contains(&c.as_str())),
        "{before:?}"
    );
    assert!(
        !after.iter().any(|c| process.contains(&c.as_str())),
        "{after:?}"
    );
    // The rest is unchanged: same codes, same counts.
    let rest = |v: &[String]| {
        let mut r: Vec<String> = v
            .iter()
            .filter(|c| !process.contains(&c.as_str()))
            .cloned()
            .collect();
        r.sort();
        r
    };
    assert_eq!(rest(&after), rest(&before));
    assert!(!rest(&after).is_empty());
}
