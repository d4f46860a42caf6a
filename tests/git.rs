//! Timeliness from git (docs/git.md): entry lags computed on git repositories
//! built here, with commits at chosen dates (`GIT_AUTHOR_DATE` and
//! `GIT_COMMITTER_DATE`), an amended commit, an uncommitted change, events
//! before the first commit (backfilled), a data folder in a sub-folder, a
//! shallow clone and a folder outside any repository.
//!
//! The data is tests/fixtures/check/valid (time zone Asia/Shanghai, as-of
//! 2023-10-31, one owner `lisi`) with its deal written up commit by commit.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;
use common::git::{commit_all, git};
use common::salesbook;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check/valid")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn diagnostics(data: &Path) -> (Vec<Value>, String) {
    let (code, out, err) = salesbook(data, &["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let diags = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (diags, err)
}

fn late_entries(data: &Path) -> Vec<(String, u64, u64, String)> {
    let (diags, _) = diagnostics(data);
    let codes: Vec<&str> = diags.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.iter().all(|c| *c == "late-entry"), "{diags:?}");
    diags
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const DEAL_HEAD: &str = r#"customer = "a-tech"
title = "自动化升级项目"
owner = "lisi"
amount = 500000
status = "won"
closed = 2023-10-27
"#;
const NURTURE: &str = "\n[[stages]]\nstage = \"nurture\"\nentered = 2023-10-18\n";
const PROPOSAL: &str = "\n[[stages]]\nstage = \"proposal\"\nentered = 2023-10-20\n";
const NEGOTIATION: &str = "\n[[stages]]\nstage = \"negotiation\"\nentered = 2023-10-23\n";
const VISIT: &str = "\n[[activities]]\ndate = 2023-10-18\nkind = \"visit\"\n";
const CALL: &str = "\n[[activities]]\ndate = 2023-10-19\nkind = \"call\"\n";
const PAYMENT: &str = "\n[[payments]]\nkind = \"prepayment\"\namount = 150000\ndue = 2023-10-30\nreceived = 2023-10-30\n";

const LX002: &str = r#"source = "trade_show"
acquired = 2023-10-11
company = "B公司"
industry = "制造业"
owner = "lisi"
status = "contacted"
first_contact = 2023-10-12T09:00:00

[contact]
name = "王五"
title = "经理"
"#;

fn write_deal(data: &Path, parts: &[&str]) {
    std::fs::write(data.join("deals/a-tech-2023.toml"), parts.concat()).unwrap();
}

/// The history of the main scenario, in `data` (a folder of the repository `repo`).
/// Lags (hours, to the end of a date in +08:00, or a date-time's instant):
/// LX001 first contact backfilled; nurture and visit 0 (committed the same day);
/// LX002 first contact 48 (late); proposal 65 (late); negotiation 60 after the
/// amend (late; 10 before it); payment 12; the call uncommitted.
fn build_history(repo: &Path, data: &Path) {
    copy_dir(&fixture(), data);
    git(repo, &["init", "-q"], None);
    // Adoption: LX001's first contact (2023-10-08 15:30) is older: backfilled.
    write_deal(data, &[DEAL_HEAD]);
    commit_all(repo, "adopt salesbook", "2023-10-09T10:00:00+08:00");
    write_deal(data, &[DEAL_HEAD, NURTURE, VISIT]);
    commit_all(repo, "nurture", "2023-10-18T20:00:00+08:00");
    std::fs::write(data.join("leads/LX002.toml"), LX002).unwrap();
    commit_all(repo, "LX002", "2023-10-14T09:00:00+08:00");
    write_deal(data, &[DEAL_HEAD, NURTURE, PROPOSAL, VISIT]);
    commit_all(repo, "proposal", "2023-10-23T17:00:00+08:00");
    write_deal(data, &[DEAL_HEAD, NURTURE, PROPOSAL, NEGOTIATION, VISIT]);
    commit_all(repo, "negotiation", "2023-10-24T10:00:00+08:00");
    // The amended commit replaces the one above: its time counts.
    git(
        repo,
        &["commit", "-q", "--amend", "-m", "negotiation (amended)"],
        Some("2023-10-26T12:00:00+08:00"),
    );
    write_deal(
        data,
        &[DEAL_HEAD, NURTURE, PROPOSAL, NEGOTIATION, VISIT, PAYMENT],
    );
    commit_all(repo, "payment", "2023-10-31T12:00:00+08:00");
    // Not committed: not yet recorded, no warning.
    write_deal(
        data,
        &[
            DEAL_HEAD,
            NURTURE,
            PROPOSAL,
            NEGOTIATION,
            VISIT,
            CALL,
            PAYMENT,
        ],
    );
}

fn expected() -> Vec<(String, u64, u64, String)> {
    let limit = "records should be updated within 24 h";
    vec![
        (
            "deals/a-tech-2023.toml".into(),
            14,
            11,
            format!(
                "recorded 2.7 days after it happened (2023-10-20 → commit 2023-10-23 17:00 by 李四); {limit}"
            ),
        ),
        (
            "deals/a-tech-2023.toml".into(),
            18,
            11,
            format!(
                "recorded 2.5 days after it happened (2023-10-23 → commit 2023-10-26 12:00 by 李四); {limit}"
            ),
        ),
        (
            "leads/LX002.toml".into(),
            7,
            17,
            format!(
                "recorded 2.0 days after it happened (2023-10-12 09:00 → commit 2023-10-14 09:00 by 李四); {limit}"
            ),
        ),
    ]
}

#[test]
fn entry_lags_from_a_history_with_an_amend_and_an_uncommitted_change() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("r");
    build_history(&repo, &repo);
    assert_eq!(late_entries(&repo), expected());
    let (_, _, err) = salesbook(&repo, &["--timings", "check"]);
    assert!(err.contains("timing: git"), "{err}");
    assert!(!err.contains("note:"), "{err}");

    // A stricter SLA: the payment (12 h) is late too; a looser one: none.
    let config = std::fs::read_to_string(repo.join("pipeline.toml")).unwrap();
    let strict = config.replace("[team]", "[sla]\nupdate_hours = 8\n\n[team]");
    std::fs::write(repo.join("pipeline.toml"), strict).unwrap();
    let late = late_entries(&repo);
    assert_eq!(late.len(), 4, "{late:?}");
    assert!(late.iter().any(|l| l.1 == 32 && l.3.contains("12.0 h")));
    let loose = config.replace("[team]", "[sla]\nupdate_hours = 72\n\n[team]");
    std::fs::write(repo.join("pipeline.toml"), loose).unwrap();
    assert_eq!(late_entries(&repo), vec![]);
}

#[test]
fn site_shows_last_changes_owner_lags_and_late_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("r");
    build_history(&repo, &repo);
    let site = tmp.path().join("site");
    let (code, _, err) = salesbook(&repo, &["build", "--out", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let read = |p: &str| std::fs::read_to_string(site.join(p)).unwrap();
    // The record page: last changed by the payment commit (the call is uncommitted).
    let deal = read("deals/a-tech-2023/index.html");
    assert!(deal.contains("最后修改"), "{deal}");
    assert!(deal.contains("2023-10-31 12:00（李四）"), "{deal}");
    let customer = read("customers/a-tech/index.html");
    assert!(customer.contains("2023-10-09 10:00（李四）"), "{customer}");
    // The owner scorecard: lags 0, 0, 12, 48, 60, 65 → median 30 h; 3 of 6 late;
    // one uncommitted, one backfilled.
    let owner = read("owners/lisi/index.html");
    assert!(owner.contains("录入延迟中位数"), "{owner}");
    assert!(owner.contains(">30.0<"), "{owner}");
    assert!(owner.contains("50% (3 / 6)"), "{owner}");
    // The data-quality page lists the late entries.
    let quality = read("quality/index.html");
    assert!(quality.contains("late-entry (3)"), "{quality}");
}

#[test]
fn data_folder_in_a_sub_folder_of_the_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("r");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"], None);
    // A commit outside the data folder does not count as adoption.
    std::fs::write(repo.join("README.md"), "team notes 2023-01-01\n").unwrap();
    commit_all(&repo, "readme", "2023-01-01T10:00:00+08:00");
    let data = repo.join("销售 data");
    build_history(&repo, &data);
    assert_eq!(late_entries(&data), expected());
    // Run from inside the data folder, with a relative --data.
    let out = Command::new(env!("CARGO_BIN_EXE_salesbook"))
        .current_dir(&data)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout)
            .matches("late-entry")
            .count(),
        3
    );
}

#[test]
fn events_before_the_first_commit_are_backfilled() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("r");
    copy_dir(&fixture(), &repo);
    std::fs::write(repo.join("leads/LX002.toml"), LX002).unwrap();
    git(&repo, &["init", "-q"], None);
    // Everything dated before the first commit, committed weeks later.
    commit_all(&repo, "adopt", "2023-11-20T10:00:00+08:00");
    let (diags, err) = diagnostics(&repo);
    assert!(diags.is_empty(), "{diags:?}");
    assert!(!err.contains("note:"), "{err}");
    // A repository without commits: everything is not yet recorded.
    let fresh = tmp.path().join("fresh");
    copy_dir(&fixture(), &fresh);
    git(&fresh, &["init", "-q"], None);
    let (diags, err) = diagnostics(&fresh);
    assert!(
        diags.is_empty() && !err.contains("note:"),
        "{diags:?} {err}"
    );
}

#[test]
fn outside_a_repository_and_in_a_shallow_clone_one_note_and_no_error() {
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain");
    copy_dir(&fixture(), &plain);
    std::fs::write(plain.join("leads/LX002.toml"), LX002).unwrap();
    let (diags, err) = diagnostics(&plain);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(err.matches("note:").count(), 1, "{err}");
    assert!(err.contains("not in a git repository"), "{err}");
    let (_, _, err) = salesbook(&plain, &["-q", "check"]);
    assert!(!err.contains("note:"), "{err}");
    // The site builds, without "last changed" lines.
    let site = tmp.path().join("site");
    let (code, _, err) = salesbook(&plain, &["build", "--out", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let deal = std::fs::read_to_string(site.join("deals/a-tech-2023/index.html")).unwrap();
    assert!(!deal.contains("最后修改"));

    let repo = tmp.path().join("r");
    build_history(&repo, &repo);
    let shallow = tmp.path().join("shallow");
    let url = format!("file://{}", repo.display());
    git(
        tmp.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            &url,
            shallow.to_str().unwrap(),
        ],
        None,
    );
    let (diags, err) = diagnostics(&shallow);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(err.matches("note:").count(), 1, "{err}");
    assert!(err.contains("shallow clone"), "{err}");
}

/// The history cache file of a repository whose data folder is its root.
fn cache_file(repo: &Path) -> PathBuf {
    let dir = repo.join(".git/salesbook");
    let files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0]
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("history-")
    );
    files[0].clone()
}

/// Marks the cached history: its commits' author becomes 王五, so a run that
/// uses the cache says "by 王五" where a fresh read of git says "by 李四".
fn mark_cache(repo: &Path) {
    let path = cache_file(repo);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("李四"));
    std::fs::write(&path, text.replace("李四", "王五")).unwrap();
}

#[test]
fn the_history_cache_is_used_continued_rebuilt_after_a_rewrite_and_ignored_when_broken() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("r");
    copy_dir(&fixture(), &repo);
    git(&repo, &["init", "-q"], None);
    write_deal(&repo, &[DEAL_HEAD]);
    commit_all(&repo, "adopt salesbook", "2023-10-09T10:00:00+08:00");
    write_deal(&repo, &[DEAL_HEAD, NURTURE, VISIT]);
    commit_all(&repo, "nurture", "2023-10-18T20:00:00+08:00");
    std::fs::write(repo.join("leads/LX002.toml"), LX002).unwrap();
    commit_all(&repo, "LX002", "2023-10-14T09:00:00+08:00");
    // The deal as it will be committed below; not recorded yet.
    write_deal(
        &repo,
        &[DEAL_HEAD, NURTURE, PROPOSAL, NEGOTIATION, VISIT, PAYMENT],
    );

    // The first check reads all of git and writes the cache; the same result
    // as a read without it.
    let lx002 = expected().pop().unwrap();
    assert_eq!(late_entries(&repo), vec![lx002.clone()]);
    cache_file(&repo);
    std::fs::remove_dir_all(repo.join(".git/salesbook")).unwrap();
    assert_eq!(late_entries(&repo), vec![lx002.clone()]);

    // Cached at HEAD: the cache alone answers.
    mark_cache(&repo);
    let marked = |l: &(String, u64, u64, String)| {
        let mut l = l.clone();
        l.3 = l.3.replace("李四", "王五");
        l
    };
    assert_eq!(late_entries(&repo), vec![marked(&lx002)]);

    // Three more commits: the cached history (still 王五) is continued with
    // them only (李四); apart from the mark, as a full read.
    write_deal(&repo, &[DEAL_HEAD, NURTURE, PROPOSAL, VISIT]);
    commit_all(&repo, "proposal", "2023-10-23T17:00:00+08:00");
    write_deal(&repo, &[DEAL_HEAD, NURTURE, PROPOSAL, NEGOTIATION, VISIT]);
    commit_all(&repo, "negotiation", "2023-10-26T12:00:00+08:00");
    write_deal(
        &repo,
        &[DEAL_HEAD, NURTURE, PROPOSAL, NEGOTIATION, VISIT, PAYMENT],
    );
    commit_all(&repo, "payment", "2023-10-31T12:00:00+08:00");
    let mut continued = expected();
    continued[2] = marked(&continued[2]);
    assert_eq!(late_entries(&repo), continued);
    std::fs::remove_dir_all(repo.join(".git/salesbook")).unwrap();
    assert_eq!(late_entries(&repo), expected());

    // `--at` an older commit reads git without touching the cache.
    mark_cache(&repo);
    let before = std::fs::read(cache_file(&repo)).unwrap();
    let (code, out, err) = salesbook(&repo, &["check", "--at", "HEAD~1", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches("late-entry").count(), 3, "{out}");
    assert!(!out.contains("王五"), "{out}");
    assert_eq!(std::fs::read(cache_file(&repo)).unwrap(), before);

    // The cached commit is amended away: no longer an ancestor of HEAD, so
    // git is read in full (no 王五 left).
    git(
        &repo,
        &["commit", "-q", "--amend", "-m", "payment (amended)"],
        Some("2023-10-31T13:00:00+08:00"),
    );
    assert_eq!(late_entries(&repo), expected());

    // A broken or foreign cache file is ignored and replaced.
    for junk in ["{not json", "{\"version\":0}", ""] {
        std::fs::write(cache_file(&repo), junk).unwrap();
        assert_eq!(late_entries(&repo), expected());
        let text = std::fs::read_to_string(cache_file(&repo)).unwrap();
        assert!(text.starts_with("{\"version\":1,"), "{text}");
    }
}

/// A hostile `.git/config` (a contributor's repository, cloned) cannot make
/// salesbook run a program: an fsmonitor hook that would run on `git status`
/// (the footer's "uncommitted changes") and on every read stays unrun.
#[cfg(unix)]
#[test]
fn a_hostile_git_config_runs_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let data = repo.join("data");
    copy_dir(&fixture(), &data);
    git(&repo, &["init", "-q"], None);
    commit_all(&repo, "data", "2023-10-30T10:00:00+08:00");
    let marker = tmp.path().join("ran");
    let hook = tmp.path().join("hook.sh");
    std::fs::write(
        &hook,
        format!("#!/bin/sh\necho \"$0 $*\" >> '{}'\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let hook = hook.to_str().unwrap();
    git(&repo, &["config", "core.fsmonitor", hook], None);
    git(&repo, &["config", "gpg.program", hook], None);
    git(&repo, &["config", "log.showSignature", "true"], None);
    git(&repo, &["config", "core.pager", hook], None);
    // The trap is armed: git itself runs the hook.
    let _ = git(&repo, &["status", "--porcelain"], None);
    assert!(
        marker.exists(),
        "the fsmonitor hook did not run for plain git"
    );
    std::fs::remove_file(&marker).unwrap();
    let site = tmp.path().join("site");
    for args in [
        vec!["check"],
        vec!["build", "--out", site.to_str().unwrap()],
        vec!["--at", "HEAD", "report"],
        vec!["diff", "HEAD"],
    ] {
        let (code, _, err) = salesbook(&data, &args);
        assert!(code == 0 || code == 1, "{args:?}: {err}");
        assert!(
            !marker.exists(),
            "{args:?} ran {}",
            std::fs::read_to_string(&marker).unwrap()
        );
    }
}

/// `[process] since`: events of history (a lead acquired, a deal started before
/// it) are not held to `sla.update_hours`; records started on or after it are.
#[test]
fn history_before_process_since_has_no_late_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("r");
    build_history(&repo, &repo);
    let config = std::fs::read_to_string(repo.join("pipeline.toml")).unwrap();
    // LX001 (acquired 2023-10-08, the deal's lead) is history; LX002 (2023-10-11) is not.
    let since = |day: &str| format!("{config}\n[process]\nsince = {day}\n");
    std::fs::write(repo.join("pipeline.toml"), since("2023-10-11")).unwrap();
    let late = late_entries(&repo);
    assert_eq!(late, expected()[2..].to_vec());
    std::fs::write(repo.join("pipeline.toml"), since("2023-10-12")).unwrap();
    assert_eq!(late_entries(&repo), vec![]);
    std::fs::write(repo.join("pipeline.toml"), since("2023-10-08")).unwrap();
    assert_eq!(late_entries(&repo), expected());
}
