//! `--at REV|DATE` (docs/git.md): the data loaded as committed at a revision,
//! on git repositories built here with commits at chosen dates, where a deal
//! moves through its stages commit by commit; the footer's data commit.
//!
//! The data is tests/fixtures/check/valid (time zone Asia/Shanghai by default,
//! one owner `lisi`) without its `as_of` and month file, so the as-of date of a
//! revision is its committer date.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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

const DEAL_OPEN: &str = r#"customer = "a-tech"
title = "自动化升级项目"
owner = "lisi"
amount = 500000
status = "open"
"#;
const DEAL_WON: &str = r#"customer = "a-tech"
title = "自动化升级项目"
owner = "lisi"
amount = 500000
status = "won"
closed = 2023-10-27
"#;
const NURTURE: &str = "\n[[stages]]\nstage = \"nurture\"\nentered = 2023-10-18\n";
const PROPOSAL: &str = "\n[[stages]]\nstage = \"proposal\"\nentered = 2023-10-20\n";
const NEGOTIATION: &str = "\n[[stages]]\nstage = \"negotiation\"\nentered = 2023-10-23\n";

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

/// The commits of the main history, oldest first.
struct History {
    repo: PathBuf,
    data: PathBuf,
    /// Only a README: the data folder does not exist yet.
    readme: String,
    /// LX001, the customer, the deal open in nurture.
    adopt: String,
    /// LX002 added; the deal in proposal.
    proposal: String,
    /// The deal won (committed 2023-10-28 01:00 in Shanghai, still the 27th in UTC).
    won: String,
    /// The deal file renamed into deals/2023/, LX002 deleted.
    tidy: String,
}

/// A repository `r` whose data folder is `r/销售/crm` (not the top), with the
/// history above and, left in the working tree, an uncommitted change.
fn history(tmp: &Path) -> History {
    let repo = tmp.join("r");
    let data = repo.join("销售/crm");
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q"], None);
    std::fs::write(repo.join("README.md"), "team notes\n").unwrap();
    let readme = commit_all(&repo, "readme", "2023-10-01T09:00:00+08:00");

    copy_dir(&fixture(), &data);
    let config = std::fs::read_to_string(data.join("pipeline.toml")).unwrap();
    std::fs::write(
        data.join("pipeline.toml"),
        config.replace("as_of = 2023-10-31\n", ""),
    )
    .unwrap();
    std::fs::remove_dir_all(data.join("months")).unwrap();
    std::fs::remove_dir_all(data.join("cases")).unwrap();
    let deal = data.join("deals/a-tech-2023.toml");
    std::fs::write(&deal, [DEAL_OPEN, NURTURE].concat()).unwrap();
    let adopt = commit_all(&repo, "adopt salesbook", "2023-10-18T20:00:00+08:00");

    std::fs::write(data.join("leads/LX002.toml"), LX002).unwrap();
    std::fs::write(&deal, [DEAL_OPEN, NURTURE, PROPOSAL].concat()).unwrap();
    let proposal = commit_all(&repo, "proposal", "2023-10-20T18:00:00+08:00");

    std::fs::write(&deal, [DEAL_WON, NURTURE, PROPOSAL, NEGOTIATION].concat()).unwrap();
    let won = commit_all(&repo, "won", "2023-10-28T01:00:00+08:00");

    std::fs::create_dir_all(data.join("deals/2023")).unwrap();
    git(
        &repo,
        &[
            "mv",
            "销售/crm/deals/a-tech-2023.toml",
            "销售/crm/deals/2023/a-tech-2023.toml",
        ],
        None,
    );
    std::fs::remove_file(data.join("leads/LX002.toml")).unwrap();
    let tidy = commit_all(&repo, "tidy", "2023-11-02T10:00:00+08:00");

    // Not committed: a changed title.
    let moved = data.join("deals/2023/a-tech-2023.toml");
    let text = std::fs::read_to_string(&moved).unwrap();
    std::fs::write(
        &moved,
        text.replace("自动化升级项目", "自动化升级项目（二期）"),
    )
    .unwrap();
    History {
        repo,
        data,
        readme,
        adopt,
        proposal,
        won,
        tidy,
    }
}

/// `report --format json --month 2023-10` at `at`: (as-of month figures we
/// follow) new leads, deals won, revenue.
fn october(data: &Path, at: &str) -> (f64, f64, f64) {
    let (code, out, err) = salesbook(
        data,
        &[
            "report", "--at", at, "--format", "json", "--month", "2023-10",
        ],
    );
    assert_eq!(code, 0, "--at {at}: {err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let actual = |k: &str| v["metrics"][k]["actual"].as_f64().unwrap_or(f64::NAN);
    (actual("new_leads"), actual("deals_won"), actual("revenue"))
}

/// The deal as `export --format json` writes it at `at`.
fn exported_deal(data: &Path, at: &str, out: &Path) -> Value {
    let (code, _, err) = salesbook(
        data,
        &[
            "export",
            "--at",
            at,
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "--at {at}: {err}");
    let deals: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("deals.json")).unwrap()).unwrap();
    deals[0].clone()
}

#[test]
fn figures_of_each_point_in_time_by_oid_head_n_and_date() {
    let tmp = tempfile::tempdir().unwrap();
    let h = history(tmp.path());
    let d = &h.data;
    // By oid. October's new leads: LX001, then LX002 (acquired the 11th) until
    // it is deleted; the deal is won on the 27th, 500,000 yuan.
    assert_eq!(october(d, &h.adopt), (1.0, 0.0, 0.0));
    assert_eq!(october(d, &h.proposal), (2.0, 0.0, 0.0));
    assert_eq!(october(d, &h.won), (2.0, 1.0, 500000.0));
    assert_eq!(october(d, &h.tidy), (1.0, 1.0, 500000.0));
    // By HEAD~N: HEAD is `tidy`.
    assert_eq!(october(d, "HEAD~1"), october(d, &h.won));
    assert_eq!(october(d, "HEAD~2"), october(d, &h.proposal));
    // By date, the day's end in Shanghai: `won` was committed at 01:00 on the
    // 28th there (the 27th in UTC), so the 27th still sees the proposal.
    assert_eq!(october(d, "2023-10-27"), (2.0, 0.0, 0.0));
    assert_eq!(october(d, "2023-10-28"), (2.0, 1.0, 500000.0));
    assert_eq!(october(d, "2023-10-18"), (1.0, 0.0, 0.0));
    assert_eq!(october(d, "2024-01-01"), (1.0, 1.0, 500000.0));

    // The as-of date of a revision is its committer date in the team's zone:
    // at `proposal` (the 20th) the deal is in proposal, entered that day, 0 days.
    let deal = exported_deal(d, &h.proposal, &tmp.path().join("x1"));
    assert_eq!(deal["status"], "open");
    let stages: Vec<&str> = deal["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["lead", "nurture", "proposal"]);
    let last = deal["stages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["ongoing"].as_bool(), last["days"].as_i64()),
        (Some(true), Some(0))
    );
    // --as-of wins over the revision's date: five days later, five days in.
    let (code, _, err) = salesbook(
        d,
        &[
            "export",
            "--at",
            &h.proposal,
            "--as-of",
            "2023-10-25",
            "--format",
            "json",
            "--out",
            tmp.path().join("x2").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let deals: Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("x2/deals.json")).unwrap())
            .unwrap();
    assert_eq!(deals[0]["stages"][2]["days"], 5);
    // At `won`: closed on the 27th, 19 days from the lead's acquisition (the 8th).
    let deal = exported_deal(d, "HEAD~1", &tmp.path().join("x3"));
    assert_eq!(
        (deal["status"].as_str(), deal["cycle_days"].as_i64()),
        (Some("won"), Some(19))
    );
}

#[test]
fn renamed_and_deleted_records_and_diagnostic_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let h = history(tmp.path());
    // The summary line counts the files read.
    let summary = |at: &str| -> (usize, String) {
        let (code, _, err) = salesbook(&h.data, &["check", "--at", at]);
        assert_eq!(code, 0, "{err}");
        let late = err.matches("warning[late-entry]").count();
        (late, err.lines().last().unwrap_or("").to_string())
    };
    // Before: pipeline.toml, two leads, a customer, a deal. The warnings: the
    // nurture SLA (no activity) and, known only from `won` on, the negotiation
    // entered on the 23rd and committed on the 28th: late.
    let w = |n| format!("0 errors, 2 warnings in {n} files");
    assert_eq!(
        summary(&h.proposal),
        (0, "0 errors, 1 warning in 5 files".into())
    );
    assert_eq!(summary(&h.won), (1, w(5)));
    // After: LX002 deleted, the deal moved and still read; its lines keep
    // their first commits through the move.
    assert_eq!(summary(&h.tidy), (1, w(4)));

    // The history is read up to the revision: the deal page says it was last
    // changed by `proposal`, not by the later commits.
    let site = tmp.path().join("site");
    let (code, _, err) = salesbook(
        &h.data,
        &[
            "build",
            "--at",
            &h.proposal,
            "--out",
            site.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_to_string(site.join("deals/a-tech-2023/index.html")).unwrap();
    assert!(page.contains("2023-10-20 18:00（李四）"), "{page}");

    // A diagnostic's path is relative to the data folder, as on disk: break
    // the moved deal in a new commit and read it back at that commit.
    let moved = h.data.join("deals/2023/a-tech-2023.toml");
    std::fs::write(&moved, "customer = \"a-tech\"\nstatus = \"won\"\n").unwrap();
    commit_all(&h.repo, "broken", "2023-11-03T10:00:00+08:00");
    std::fs::write(&moved, [DEAL_WON, NURTURE, PROPOSAL, NEGOTIATION].concat()).unwrap();
    let (code, out, _) = salesbook(&h.data, &["check", "--at", "HEAD", "--format", "json"]);
    assert_eq!(code, 1);
    let first: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(first["file"], "deals/2023/a-tech-2023.toml", "{out}");
    assert_eq!(first["line"], 1, "{out}");
    // The working tree (fixed) is clean of errors meanwhile.
    let (code, _, err) = salesbook(&h.data, &["check"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn errors_that_teach() {
    let tmp = tempfile::tempdir().unwrap();
    let h = history(tmp.path());
    let d = &h.data;
    // A day before the first commit.
    let (code, _, err) = salesbook(d, &["check", "--at", "2023-09-30"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`--at 2023-09-30`: no commit on or before 2023-09-30")
            && err.contains(&format!(
                "the first commit is {} of 2023-10-01 09:00 (readme)",
                h.readme
            )),
        "{err}"
    );
    // Days git's `--until` would read as something else than a time (numbers
    // below 100000000, before 1970): still before the first commit.
    for day in ["1970-01-02", "1973-03-03", "1969-12-31", "0000-01-01"] {
        let (code, _, err) = salesbook(d, &["check", "--at", day]);
        assert_eq!(code, 2, "{day}: {err}");
        assert!(
            err.contains(&format!("no commit on or before {day}")),
            "{day}: {err}"
        );
    }
    // A revision without the data folder: by date and by oid.
    for at in ["2023-10-05", h.readme.as_str(), "HEAD~4"] {
        let (code, _, err) = salesbook(d, &["report", "--at", at]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("the data folder `销售/crm` does not exist in commit"),
            "{at}: {err}"
        );
    }
    // An unknown revision, a history too short.
    let (code, _, err) = salesbook(d, &["check", "--at", "HEAD~9"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no such revision (HEAD's first-parent history has 5 commit(s)"),
        "{err}"
    );
    let (code, _, err) = salesbook(d, &["check", "--at", "no-such-tag"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`--at no-such-tag`: no such revision"),
        "{err}"
    );
    // Commands that work on the folder as it is now.
    for cmd in [
        vec![
            "new",
            "lead",
            "--company",
            "C公司",
            "--source",
            "trade_show",
            "--owner",
            "lisi",
            "--at",
            "HEAD",
        ],
        vec!["init", "--at", "HEAD"],
        vec!["import", "leads", "x.csv", "--at", "HEAD"],
    ] {
        let (code, _, err) = salesbook(d, &cmd);
        assert_eq!(code, 2, "{cmd:?}: {err}");
        assert!(
            err.contains("is for check, report, export and build"),
            "{err}"
        );
    }
    // Outside git.
    let plain = tmp.path().join("plain");
    copy_dir(&fixture(), &plain);
    let (code, _, err) = salesbook(&plain, &["check", "--at", "HEAD"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not in a git repository"), "{err}");
}

/// Every file below `dir` (the repository's `.git` included) and its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            if t.is_dir() {
                stack.push(e.path());
            } else if t.is_file() {
                out.insert(e.path(), std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

#[test]
fn the_working_tree_and_the_repository_are_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let h = history(tmp.path());
    let before = snapshot(&h.repo);
    let d = &h.data;
    let site = tmp.path().join("site");
    let export = tmp.path().join("export");
    for args in [
        vec!["check", "--at", "HEAD~2"],
        vec!["report", "--at", "2023-10-28"],
        vec![
            "export",
            "--at",
            "HEAD~1",
            "--out",
            export.to_str().unwrap(),
        ],
        vec!["build", "--at", "HEAD~1", "--out", site.to_str().unwrap()],
    ] {
        let (code, _, err) = salesbook(d, &args);
        assert_eq!(code, 0, "{args:?}: {err}");
    }
    assert_eq!(snapshot(&h.repo), before);
    // Reading HEAD adds only its history cache inside .git (docs/git.md).
    let (code, _, err) = salesbook(d, &["build", "--out", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let mut after = snapshot(&h.repo);
    let added: Vec<PathBuf> = after
        .keys()
        .filter(|p| !before.contains_key(*p))
        .cloned()
        .collect();
    assert_eq!(added.len(), 1, "{added:?}");
    assert!(
        added[0].starts_with(h.repo.join(".git/salesbook")),
        "{added:?}"
    );
    after.remove(&added[0]);
    assert_eq!(after, before);
    // The uncommitted change is still there, and the --at figures ignored it.
    let text = std::fs::read_to_string(d.join("deals/2023/a-tech-2023.toml")).unwrap();
    assert!(text.contains("（二期）"));
}

#[test]
fn footer_states_the_data_commit() {
    let tmp = tempfile::tempdir().unwrap();
    let h = history(tmp.path());
    let site = tmp.path().join("site");
    let footer = |args: &[&str]| -> String {
        let mut all = vec!["build", "--out", site.to_str().unwrap()];
        all.extend_from_slice(args);
        let (code, _, err) = salesbook(&h.data, &all);
        assert_eq!(code, 0, "{err}");
        let page = std::fs::read_to_string(site.join("deals/index.html")).unwrap();
        let start = page.find("<footer>").unwrap();
        let end = page.find("</footer>").unwrap();
        page[start..end].to_string()
    };
    // The working tree: HEAD, and the title change not committed.
    let f = footer(&[]);
    assert!(
        f.contains(&format!("数据版本 <code>{}</code> 2023-11-02", h.tidy))
            && f.contains("未提交的更改"),
        "{f}"
    );
    // A revision: its commit and date in Shanghai (the 28th), never dirty.
    let f = footer(&["--at", &h.won]);
    assert!(
        f.contains(&format!("<code>{}</code> 2023-10-28", h.won)),
        "{f}"
    );
    assert!(!f.contains("未提交"), "{f}");
    // Committed: clean; English strings for an English team.
    commit_all(&h.repo, "phase two", "2023-11-03T10:00:00+08:00");
    let head = git(&h.repo, &["rev-parse", "--short", "HEAD"], None);
    let config = std::fs::read_to_string(h.data.join("pipeline.toml")).unwrap();
    std::fs::write(
        h.data.join("pipeline.toml"),
        config.replace("[team]\n", "[team]\nlanguage = \"en\"\n"),
    )
    .unwrap();
    let f = footer(&["--at", "HEAD"]);
    assert!(
        f.contains(&format!("<code>{}</code> 2023-11-03", head.trim())),
        "{f}"
    );
    let f = footer(&[]);
    assert!(
        f.contains("Data commit") && f.contains("uncommitted changes"),
        "{f}"
    );
    // The shared site says nothing from git (SECURITY.md): no commit, no date.
    let shared = tmp.path().join("shared");
    let (code, _, err) = salesbook(
        &h.data,
        &[
            "build",
            "--audience",
            "shared",
            "--out",
            shared.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_to_string(shared.join("index.html")).unwrap();
    assert!(
        !page.contains(head.trim())
            && !page.contains("Data commit")
            && !page.contains("class=\"commit\""),
        "{page}"
    );
    // Outside git: no commit.
    let plain = tmp.path().join("plain");
    copy_dir(&fixture(), &plain);
    let (code, _, err) = salesbook(&plain, &["build", "--out", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_to_string(site.join("index.html")).unwrap();
    assert!(!page.contains("数据版本") && !page.contains("class=\"commit\""));
}

#[cfg(unix)]
#[test]
fn committed_symlinks_give_the_diagnostics_of_the_disk() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("r");
    copy_dir(&fixture(), &repo);
    // pipeline.toml a link (an error), a record a link (never followed, skipped).
    std::fs::rename(repo.join("pipeline.toml"), repo.join("config.toml")).unwrap();
    symlink("config.toml", repo.join("pipeline.toml")).unwrap();
    std::fs::write(repo.join("LX009.toml"), "garbage = [").unwrap();
    symlink("../LX009.toml", repo.join("leads/LX009.toml")).unwrap();
    git(&repo, &["init", "-q"], None);
    commit_all(&repo, "links", "2023-10-31T10:00:00+08:00");
    let run = |args: &[&str]| {
        let (code, out, _) = salesbook(&repo, args);
        (code, out)
    };
    let on_disk = run(&["check", "--format", "json"]);
    let at_head = run(&["check", "--format", "json", "--at", "HEAD"]);
    assert_eq!(on_disk, at_head);
    assert_eq!(on_disk.0, 1);
    assert!(
        on_disk.1.lines().any(|l| {
            let d: Value = serde_json::from_str(l).unwrap();
            d["code"] == "read-error" && d["file"] == "pipeline.toml"
        }),
        "{}",
        on_disk.1
    );
    assert!(!on_disk.1.contains("LX009"));
}

#[test]
fn a_committed_file_over_the_size_limit_is_refused_as_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("r");
    copy_dir(&fixture(), &repo);
    // 11 MiB of valid TOML: read, it would be parsed; over 10 MiB it is refused.
    let mut big = String::from("source = \"trade_show\"\n");
    while big.len() <= 11 << 20 {
        big.push_str("# padding padding padding padding padding padding padding padding\n");
    }
    std::fs::write(repo.join("leads/LX009.toml"), &big).unwrap();
    git(&repo, &["init", "-q"], None);
    commit_all(&repo, "a huge lead", "2023-10-31T10:00:00+08:00");
    let (code, on_disk, _) = salesbook(&repo, &["check", "--format", "json"]);
    let (_, at_head, _) = salesbook(&repo, &["check", "--format", "json", "--at", "HEAD"]);
    assert_eq!(code, 1);
    let refused = |out: &str| {
        out.lines().any(|l| {
            let d: Value = serde_json::from_str(l).unwrap();
            d["code"] == "read-error"
                && d["file"] == "leads/LX009.toml"
                && d["message"]
                    .as_str()
                    .unwrap()
                    .contains("more than the 10 MiB")
        })
    };
    assert!(refused(&on_disk), "{on_disk}");
    assert!(refused(&at_head), "{at_head}");
}

#[test]
fn the_sample_reads_the_same_from_a_commit_as_from_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("r");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("data"),
        &repo.join("data"),
    );
    // Not UTF-8, committed: the same `not-utf8` error either way.
    std::fs::write(repo.join("data/leads/LX999.toml"), b"company = \"\xff\"\n").unwrap();
    git(&repo, &["init", "-q"], None);
    commit_all(&repo, "sample", "2023-10-31T10:00:00+08:00");
    let data = repo.join("data");
    let on_disk = salesbook(&data, &["check", "--format", "json"]);
    let at_head = salesbook(&data, &["check", "--format", "json", "--at", "HEAD"]);
    assert_eq!(on_disk.1, at_head.1);
    assert_eq!(on_disk.0, 1);
    assert!(on_disk.1.contains("\"not-utf8\""));
    let summary = |s: &str| s.lines().last().unwrap_or("").to_string();
    assert_eq!(summary(&on_disk.2), summary(&at_head.2));
}

/// The library API the `diff` and forecast commands build on.
#[test]
fn library_api_resolve_last_commit_before_and_some_kinds() {
    use salesbook::book::{Book, Snapshot};
    use salesbook::model::Kind;
    let tmp = tempfile::tempdir().unwrap();
    let h = history(tmp.path());
    let tz = chrono_tz::Asia::Shanghai;
    let rev = salesbook::git::resolve(&h.data, &h.proposal, tz).unwrap();
    assert_eq!(rev.short, h.proposal);
    assert_eq!(rev.summary, "proposal");
    assert_eq!(rev.author, "李四");
    // 2023-10-20 18:00 +08:00.
    assert_eq!(rev.time, 1_697_796_000);
    assert_eq!(
        salesbook::git::resolve(&h.data, "2023-10-27", tz).unwrap(),
        rev
    );
    // One second before `won` (2023-10-27 17:00 UTC): still `proposal`; at it: `won`.
    let at = |s: i64| {
        salesbook::git::last_commit_before(&h.data, chrono::DateTime::from_timestamp(s, 0).unwrap())
            .unwrap()
            .map(|r| r.short)
    };
    assert_eq!(at(1_698_426_000 - 1), Some(h.proposal.clone()));
    assert_eq!(at(1_698_426_000), Some(h.won.clone()));
    assert_eq!(at(1_696_000_000), None); // 2023-09-29: before the first commit

    // Only the configuration and the deals.
    let (repo, diags) = salesbook::load::load_revision_kinds(&h.data, &rev, &[Kind::Deal]).unwrap();
    assert_eq!(
        (repo.leads.len(), repo.customers.len(), repo.deals.len()),
        (0, 0, 1)
    );
    assert!(repo.config.is_some());
    assert!(diags.0.is_empty());
    assert_eq!(repo.sources.len(), 2);
    let (repo, _) = salesbook::load::load_revision(&h.data, &rev).unwrap();
    assert_eq!(
        (repo.leads.len(), repo.customers.len(), repo.deals.len()),
        (2, 1, 1)
    );

    // A Book at the revision: as-of its committer date, the snapshot kept.
    let book = Book::load_snapshot(&h.data, &Snapshot::Revision(rev.clone()), None).unwrap();
    assert_eq!(book.metrics.as_of.date.to_string(), "2023-10-20");
    assert_eq!(book.snapshot, Snapshot::Revision(rev));
}
