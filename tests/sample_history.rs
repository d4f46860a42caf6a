//! The sample replayed as a git history (scripts/sample_history.py, issues #5 and
//! #8): the script writes a repository whose last commit is data/ byte for byte
//! and a plan of the late entries it made (OUT-plan.json); built from it, the
//! site shows last changes and owners' lags, and `check` lists exactly the
//! planned `late-entry` warnings. Skipped with a note when python3 is missing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;
use common::salesbook;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn has_python() -> bool {
    Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs git in `repo` (no global config; the test's own repository is never read).
fn git(repo: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// `check --format json` (must exit 0): the diagnostics' (code, file) pairs.
fn check(data: &Path, extra: &[&str]) -> Vec<(String, String)> {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = salesbook(data, &args);
    assert_eq!(code, 0, "{out}\n{err}");
    out.lines()
        .map(|l| {
            let d: Value = serde_json::from_str(l).unwrap();
            assert_eq!(d["severity"], "warning", "{d}");
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn sample_history_shows_entry_lags_and_the_planned_late_entries() {
    if !has_python() {
        println!("note: python3 not found; tests/sample_history.rs skipped (CI has it)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("history");
    let run = Command::new("python3")
        .arg(root().join("scripts/sample_history.py"))
        .arg(&out)
        .env_remove("GIT_DIR")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let plan: Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("history-plan.json")).unwrap(),
    )
    .unwrap();
    let data = out.join("data");

    // The last commit is the sample, and the working tree is that commit.
    assert_eq!(files(&data), files(&root().join("data")));
    assert_eq!(git(&out, &["status", "--porcelain"]), "");
    let commits: usize = git(&out, &["rev-list", "--count", "HEAD"]).parse().unwrap();
    assert_eq!(commits as u64, plan["commits"].as_u64().unwrap());
    assert!(commits > 300, "{commits} commits");

    // check: no error; the sample's 17 intended warnings plus, file by file,
    // the late entries the script planned — 10–15 % of the events.
    let diags = check(&data, &[]);
    let mut late: Vec<&str> = diags
        .iter()
        .filter(|(c, _)| c == "late-entry")
        .map(|(_, f)| f.as_str())
        .collect();
    late.sort();
    let mut planned: Vec<&str> = plan["late"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["file"].as_str().unwrap())
        .collect();
    planned.sort();
    assert_eq!(late, planned);
    assert_eq!(diags.len() - late.len(), 17, "{diags:?}");
    let share = late.len() as f64 / plan["events"].as_f64().unwrap();
    assert!((0.10..=0.15).contains(&share), "late share {share}");

    // The site: a record page's last change is its file's last commit, by its rep.
    let site = tmp.path().join("site");
    let (code, _, err) = salesbook(&data, &["build", "--out", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let read = |p: &str| std::fs::read_to_string(site.join(p)).unwrap();
    let last = git(
        &out,
        &[
            "log",
            "-1",
            "--format=%cd（%an）",
            "--date=format:%Y-%m-%d %H:%M",
            "--",
            "data/deals/a-tech-2023.toml",
        ],
    );
    assert!(last.ends_with("（李四）"), "{last}");
    let deal = read("deals/a-tech-2023/index.html");
    assert!(deal.contains("最后修改"), "{deal}");
    assert!(deal.contains(&last), "{last} not in the a-tech deal page");

    // Owner scorecards: every rep's median lag and late share as planned; 赵六
    // (zhaoliu), the late rep, is late on a quarter of his entries or more.
    for (id, o) in plan["owners"].as_object().unwrap() {
        let page = read(&format!("owners/{id}/index.html"));
        let median = o["median_lag_hours"].as_str().unwrap();
        let (n_late, events) = (o["late"].as_u64().unwrap(), o["events"].as_u64().unwrap());
        assert!(
            page.contains(&format!(">{median}<")),
            "{id}: median {median}"
        );
        assert!(
            page.contains(&format!("({n_late} / {events})")),
            "{id}: {n_late} / {events}"
        );
    }
    let zhaoliu = &plan["owners"]["zhaoliu"];
    assert!(zhaoliu["late"].as_u64().unwrap() * 4 >= zhaoliu["events"].as_u64().unwrap());
    assert!(read("quality/index.html").contains(&format!("late-entry ({})", late.len())));

    // A past day (issue #8): the last commit on or before 2023-10-01 is valid
    // data as of that day, from before A科技's deal.
    let rev = git(
        &out,
        &[
            "rev-list",
            "-1",
            "--before=2023-10-01T23:59:59+08:00",
            "HEAD",
        ],
    );
    let past = tmp.path().join("past");
    git(
        &out,
        &[
            "worktree",
            "add",
            "-q",
            "--detach",
            past.to_str().unwrap(),
            &rev,
        ],
    );
    let past_data = past.join("data");
    // (Its last commit is of 2023-09-28, before the National Day holiday: August's
    // report is in, September's not yet.)
    assert!(past_data.join("months/2023-08.md").exists());
    assert!(!past_data.join("months/2023-09.md").exists());
    assert!(!past_data.join("deals/a-tech-2023.toml").exists());
    let then = check(&past_data, &["--as-of", "2023-10-01"]);
    let late_then = then.iter().filter(|(c, _)| c == "late-entry").count();
    assert!(late_then > 0 && late_then < late.len(), "{late_then}");
}

#[test]
fn sample_history_refuses_a_folder_that_is_not_empty() {
    if !has_python() {
        println!("note: python3 not found; tests/sample_history.rs skipped (CI has it)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let run = Command::new("python3")
        .arg(root().join("scripts/sample_history.py"))
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("is not an empty folder"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "mine"
    );
}
