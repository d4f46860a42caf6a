//! `salesbook init` and `salesbook new`, end to end in temporary folders: a new
//! repository takes one record of each kind, checks clean and builds; ids, names,
//! month targets, refusals.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use chrono::NaiveDate;
use salesbook::book::Book;

fn salesbook() -> Command {
    Command::cargo_bin("salesbook").unwrap()
}

/// Runs salesbook with `--data dir` and the args; returns (exit code, stdout, stderr).
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = salesbook()
        .arg("--data")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Runs a `new` command that must succeed; returns the path it printed.
fn new(dir: &Path, args: &[&str]) -> PathBuf {
    let (code, stdout, stderr) = run(dir, &[&["new"], args].concat());
    assert_eq!(code, 0, "new {args:?} failed:\n{stderr}");
    let path = PathBuf::from(stdout.trim());
    assert!(path.is_file(), "{} was not written", path.display());
    path
}

/// `salesbook init DIR` as of 2024-06-15.
fn init(dir: &Path) {
    salesbook()
        .args(["--as-of", "2024-06-15", "init"])
        .arg(dir)
        .assert()
        .success();
}

fn toml_of(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap();
    let front = match salesbook::load::split_front_matter(&text) {
        Ok(split) => split.toml.to_string(),
        Err(_) => text,
    };
    front.parse().unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut files: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    files.sort();
    files
}

#[test]
fn init_then_new_of_each_kind_checks_clean_and_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("sales");
    init(&repo);
    let files = files_in(&repo);
    for f in [
        "pipeline.toml",
        "leads/LX001.toml",
        "customers/huaxin-machinery.md",
        "deals/huaxin-machinery-2024.toml",
        "months/2024-05.md",
        "cases/ruitong-logistics-loss.md",
        ".gitignore",
        "hooks/pre-commit",
        ".github/workflows/salesbook.yml",
        ".gitlab-ci.yml",
    ] {
        assert!(files.contains(&f.to_string()), "{f} missing from {files:?}");
    }
    let gitignore = std::fs::read_to_string(repo.join(".gitignore")).unwrap();
    assert!(gitignore.contains("/site/") && gitignore.contains("/export/"));
    // The fresh repository checks without a single warning.
    let (code, _, stderr) = run(&repo, &["--as-of", "2024-06-15", "check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("0 errors, 0 warnings"), "{stderr}");

    let d = ["--date", "2024-06-20"];
    let lead = new(
        &repo,
        &[
            &[
                "lead",
                "--company",
                "C公司",
                "--source",
                "行业展会",
                "--owner",
                "李四",
            ][..],
            &[
                "--industry",
                "制造业",
                "--contact",
                "张三",
                "--title",
                "采购经理",
            ],
            &["--phone", "13812345678", "--needs", "MES、设备联网"],
            &["--assigned", "2024-06-20T09:30"],
            &d,
        ]
        .concat(),
    );
    assert!(lead.ends_with("leads/LX002.toml"), "{}", lead.display());
    let customer = new(
        &repo,
        &[&["customer", "--lead", "LX002", "--id", "c-corp"][..], &d].concat(),
    );
    let deal = new(
        &repo,
        &[
            &[
                "deal",
                "--customer",
                "C公司",
                "--title",
                "MES 项目",
                "--amount",
                "50万",
            ][..],
            &d,
        ]
        .concat(),
    );
    assert!(
        deal.ends_with("deals/c-corp-2024.toml"),
        "{}",
        deal.display()
    );
    let case = new(
        &repo,
        &[
            &["case", "--title", "C公司 MES 复盘", "--result", "success"][..],
            &["--deal", "c-corp-2024", "--tags", "制造业,快速成交"],
            &d,
        ]
        .concat(),
    );
    assert!(case.ends_with("cases/c-corp-win.md"), "{}", case.display());
    // The example month is last month: `new month` starts this one.
    let month = new(&repo, &[&["month"][..], &d].concat());
    assert!(month.ends_with("months/2024-06.md"));

    // The files hold what was asked for.
    let l = toml_of(&lead);
    assert_eq!(l["source"].as_str(), Some("trade_show"));
    assert_eq!(l["owner"].as_str(), Some("lisi"));
    assert_eq!(l["company"].as_str(), Some("C公司"));
    assert_eq!(l["acquired"].to_string(), "2024-06-20");
    assert_eq!(l["assigned"].to_string(), "2024-06-20T09:30:00");
    assert_eq!(l["status"].as_str(), Some("new"));
    assert_eq!(l["contact"]["phone"].as_str(), Some("13812345678"));
    assert_eq!(l["needs"].as_array().unwrap().len(), 2);
    let c = toml_of(&customer);
    assert_eq!(c["name"].as_str(), Some("C公司"));
    assert_eq!(c["industry"].as_str(), Some("制造业"));
    assert_eq!(c["owner"].as_str(), Some("lisi"));
    assert_eq!(c["lead"].as_str(), Some("LX002"));
    assert_eq!(c["decision_makers"][0]["name"].as_str(), Some("张三"));
    let dl = toml_of(&deal);
    assert_eq!(dl["customer"].as_str(), Some("c-corp"));
    assert_eq!(dl["owner"].as_str(), Some("lisi"));
    assert_eq!(dl["amount"].as_integer(), Some(500_000));
    assert_eq!(dl["status"].as_str(), Some("open"));
    assert_eq!(dl["stages"][0]["stage"].as_str(), Some("nurture"));
    assert_eq!(dl["stages"][0]["entered"].to_string(), "2024-06-20");
    let cs = toml_of(&case);
    assert_eq!(cs["deal"].as_str(), Some("c-corp-2024"));
    assert_eq!(cs["author"].as_str(), Some("lisi"));
    assert_eq!(cs["result"].as_str(), Some("success"));
    let m = toml_of(&month);
    let may = toml_of(&repo.join("months/2024-05.md"));
    assert_eq!(m["targets"], may["targets"]);
    assert_eq!(m["targets"]["revenue"].as_integer(), Some(1_500_000));

    // The real loader reads them all back.
    let book = Book::load(&repo, NaiveDate::from_ymd_opt(2024, 7, 1)).unwrap();
    assert_eq!(book.diagnostics.errors(), 0);
    assert_eq!(book.repo.leads.len(), 2);
    assert_eq!(book.repo.customers.len(), 2);
    assert_eq!(book.repo.deals.len(), 2);
    assert_eq!(book.repo.cases.len(), 2);
    assert_eq!(book.repo.months.len(), 2);

    let (code, _, stderr) = run(&repo, &["--as-of", "2024-07-01", "check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("0 errors"), "{stderr}");
    let site = tmp.path().join("site");
    let (code, _, stderr) = run(
        &repo,
        &[
            "--as-of",
            "2024-07-01",
            "build",
            "--out",
            site.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(site.join("index.html").is_file());
}

#[test]
fn init_refuses_a_non_empty_folder_and_never_overwrites() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    std::fs::write(repo.join("pipeline.toml"), "# ours\n").unwrap();

    let out = salesbook().arg("init").arg(repo).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    assert_eq!(files_in(repo), vec!["pipeline.toml"]);

    let out = salesbook()
        .args(["init", "--force"])
        .arg(repo)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("skipped") && stderr.contains("pipeline.toml"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(repo.join("pipeline.toml")).unwrap(),
        "# ours\n"
    );
    assert!(repo.join("leads/LX001.toml").is_file());

    // Again with --force: every file exists, nothing is touched.
    std::fs::write(repo.join("leads/LX001.toml"), "edited").unwrap();
    let before = files_in(repo);
    let out = salesbook()
        .args(["init", "--force"])
        .arg(repo)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(files_in(repo), before);
    assert_eq!(
        std::fs::read_to_string(repo.join("leads/LX001.toml")).unwrap(),
        "edited"
    );
}

#[test]
fn init_defaults_to_the_data_folder() {
    let tmp = tempfile::tempdir().unwrap();
    salesbook()
        .current_dir(tmp.path())
        .arg("init")
        .assert()
        .success();
    assert!(tmp.path().join("data/pipeline.toml").is_file());
    salesbook()
        .current_dir(tmp.path())
        .arg("check")
        .assert()
        .success();
}

#[test]
fn lead_ids_continue_the_numbering() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("r");
    init(&repo);
    std::fs::remove_file(repo.join("leads/LX001.toml")).unwrap();
    // The example customer refers to LX001: drop it too.
    std::fs::remove_file(repo.join("customers/huaxin-machinery.md")).unwrap();
    std::fs::remove_dir_all(repo.join("deals")).unwrap();
    let args = [
        "new",
        "lead",
        "--company",
        "C公司",
        "--source",
        "trade_show",
        "--owner",
        "lisi",
    ];
    let (_, first, e1) = run(&repo, &args);
    let (_, second, e2) = run(&repo, &args);
    assert!(first.trim().ends_with("LX001.toml"), "{first}{e1}");
    assert!(second.trim().ends_with("LX002.toml"), "{second}{e2}");
    // Placeholders are written for the required values not given, and named.
    assert!(e1.contains("待补充") && e1.contains("--industry"), "{e1}");
    let l = toml_of(Path::new(first.trim()));
    assert_eq!(l["industry"].as_str(), Some("待补充"));

    // On a copy of the sample: LX210 is the highest.
    let sample = tmp.path().join("sample");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data"), &sample);
    let (code, out, err) = run(
        &sample,
        &[
            "new",
            "lead",
            "--company",
            "E公司",
            "--source",
            "客户转介绍",
            "--owner",
            "王芳",
            "--date",
            "2023-10-31",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.trim().ends_with("leads/LX211.toml"), "{out}");
    let l = toml_of(Path::new(out.trim()));
    assert_eq!(l["source"].as_str(), Some("referral"));
    assert_eq!(l["owner"].as_str(), Some("wangfang"));
    // No assignment time is made up for a date other than today.
    assert!(l.get("assigned").is_none());
}

#[test]
fn unknown_names_fail_listing_the_choices() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("r");
    init(&repo);
    let before = files_in(&repo);
    let (code, _, err) = run(
        &repo,
        &[
            "new",
            "lead",
            "--company",
            "C公司",
            "--source",
            "行业展会",
            "--owner",
            "张三",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown owner `张三`"), "{err}");
    assert!(
        err.contains("lisi (李四)") && err.contains("wangfang (王芳)"),
        "{err}"
    );
    let (code, _, err) = run(
        &repo,
        &["new", "deal", "--customer", "nobody", "--owner", "lisi"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("unknown customer `nobody`"), "{err}");
    let (code, _, err) = run(
        &repo,
        &[
            "new",
            "deal",
            "--customer",
            "huaxin-machinery",
            "--stage",
            "签约",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("nurture (客户深度培育)"), "{err}");
    assert_eq!(files_in(&repo), before, "nothing may be written");
}

#[test]
fn invalid_records_and_existing_ids_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("r");
    init(&repo);
    let before = files_in(&repo);
    // The loader's rules: an invalid lead needs a reason.
    let (code, _, err) = run(
        &repo,
        &[
            "new",
            "lead",
            "--company",
            "C公司",
            "--source",
            "other",
            "--owner",
            "lisi",
            "--status",
            "invalid",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("invalid_reason") && err.contains("nothing written"),
        "{err}"
    );
    // The cross-record rules: a deal may not skip the core stage `nurture`.
    let (code, _, err) = run(
        &repo,
        &[
            "new",
            "deal",
            "--customer",
            "huaxin-machinery",
            "--stage",
            "proposal",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("core-stage-skipped"), "{err}");
    // A bad phone number is named with file and line.
    let (code, _, err) = run(
        &repo,
        &[
            "new",
            "lead",
            "--company",
            "C公司",
            "--source",
            "other",
            "--owner",
            "lisi",
            "--phone",
            "12",
        ],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("invalid-phone") && err.contains("leads/LX002.toml"),
        "{err}"
    );
    // Existing ids.
    let (code, _, err) = run(
        &repo,
        &[
            "new",
            "customer",
            "--name",
            "X",
            "--owner",
            "lisi",
            "--industry",
            "零售",
            "--id",
            "HUAXIN-machinery",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    let (code, _, err) = run(&repo, &["new", "month", "2024-05"]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    // --dry-run validates and prints, writes nothing.
    let (code, out, _) = run(
        &repo,
        &[
            "new",
            "case",
            "--title",
            "Quick win",
            "--result",
            "success",
            "--dry-run",
        ],
    );
    assert_eq!(code, 0);
    assert!(out.contains("title = \"Quick win\""), "{out}");
    assert_eq!(files_in(&repo), before, "nothing may be written");
}

#[test]
fn new_month_copies_the_previous_months_targets() {
    let tmp = tempfile::tempdir().unwrap();
    let sample = tmp.path().join("sample");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data"), &sample);
    let path = new(&sample, &["month", "--date", "2023-11-02"]);
    assert!(path.ends_with("months/2023-11.md"));
    let new = toml_of(&path);
    let october = toml_of(&sample.join("months/2023-10.md"));
    assert_eq!(new["targets"], october["targets"]);
    assert_eq!(new["targets"]["revenue"].as_integer(), Some(1_600_000));
    assert!(new["analysis"].as_table().unwrap().is_empty());
    let (code, _, err) = run(&sample, &["--as-of", "2023-11-02", "check"]);
    assert_eq!(code, 0, "{err}");
}

#[cfg(unix)]
#[test]
fn the_pre_commit_hook_runs_check() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("r");
    init(&repo);
    let bin = assert_cmd::cargo::cargo_bin("salesbook");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let hook = repo.join("hooks/pre-commit");
    let status = std::process::Command::new(&hook)
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    std::fs::write(repo.join("leads/LX009.toml"), "source = \n").unwrap();
    let status = std::process::Command::new(&hook)
        .env("PATH", &path)
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(1), "{status:?}");
    assert!(String::from_utf8_lossy(&status.stderr).contains("commit aborted"));
}

/// `new` and `import` choose a customer's id the same way (the slug of an
/// ASCII name), `new` says when the name already exists, and `new deal`
/// finds a customer by the start of its name as import does (#15 item 7).
#[test]
fn new_and_import_name_customers_alike() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("sales");
    init(&repo);
    let d = ["--date", "2024-06-20"];
    let args = [
        &["customer", "--name", "Acme Corporation", "--owner", "李四"][..],
        &["--industry", "制造业"],
        &d,
    ]
    .concat();
    let first = new(&repo, &args);
    assert!(
        first.ends_with("customers/acme-corporation.md"),
        "{}",
        first.display()
    );
    let (code, out, err) = run(&repo, &[&["new"], &args[..]].concat());
    assert_eq!(code, 0, "{err}");
    assert!(
        out.trim().ends_with("customers/acme-corporation-2.md"),
        "{out}"
    );
    assert!(
        err.contains(
            "a customer named `Acme Corporation` already exists (customers/acme-corporation.md)"
        ),
        "{err}"
    );
    std::fs::remove_file(repo.join("customers/acme-corporation-2.md")).unwrap();
    let deal = new(
        &repo,
        &[&["deal", "--customer", "Acme", "--title", "ERP"][..], &d].concat(),
    );
    assert!(
        deal.ends_with("deals/acme-corporation-2024.toml"),
        "{}",
        deal.display()
    );

    let csv = tmp.path().join("customers.csv");
    std::fs::write(&csv, "客户名称,行业,负责人\nGlobex Corp.,零售,李四\n").unwrap();
    let (code, _, err) = run(&repo, &["import", "customers", csv.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(repo.join("customers/globex-corp.md").is_file());
}
