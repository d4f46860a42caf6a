//! Contained output (issue #7 part 4, SECURITY.md): every writing command runs
//! in a temporary tree
//!
//! ```text
//! top/neighbour.txt
//! top/root/{data,out,sibling}   (the command's current folder is root)
//! ```
//!
//! and a snapshot of everything under `top` (path, kind, size, mtime, bytes) is
//! taken before and after, leaving out only the folder the command may write:
//! `out/` for `build`/`export`/`init out/…`, `data/` for `new`/`import` (whose
//! existing files are then compared byte for byte, except `import --update`'s
//! intended ones). `--out` pointing at the data folder, a record folder in it, a
//! parent of it, `/` or the home folder is refused, `--force` or not.

// SIGKILL, flock and symlinks as on Unix.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn copy_dir(from: &Path, to: &Path) {
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// One entry of a snapshot: kind, size, modification time, bytes (files).
#[derive(Debug, PartialEq)]
struct Entry {
    kind: &'static str,
    size: u64,
    modified: SystemTime,
    bytes: Option<Vec<u8>>,
}

type Snapshot = BTreeMap<PathBuf, Entry>;

/// Everything under `dir` (itself included), symlinks not followed, except
/// `skip` and what is under it.
fn snapshot(dir: &Path, skip: Option<&Path>) -> Snapshot {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        if Some(p.as_path()) == skip {
            continue;
        }
        let m = std::fs::symlink_metadata(&p).unwrap();
        let kind = if m.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                stack.push(e.unwrap().path());
            }
            "dir"
        } else if m.is_symlink() {
            "symlink"
        } else {
            "file"
        };
        let bytes = (kind == "file").then(|| std::fs::read(&p).unwrap());
        out.insert(
            p,
            Entry {
                kind,
                size: m.len(),
                modified: m.modified().unwrap(),
                bytes,
            },
        );
    }
    out
}

/// What differs between two snapshots, by path.
fn changes(before: &Snapshot, after: &Snapshot) -> Vec<String> {
    let mut out = Vec::new();
    for (p, e) in before {
        match after.get(p) {
            None => out.push(format!("removed {}", p.display())),
            Some(a) if a != e => out.push(format!("changed {}", p.display())),
            _ => {}
        }
    }
    for p in after.keys().filter(|p| !before.contains_key(*p)) {
        out.push(format!("added {}", p.display()));
    }
    out
}

/// The tree of one run; `tmp` is the commands' TMPDIR, outside `top`.
struct Tree {
    _dir: tempfile::TempDir,
    top: PathBuf,
    root: PathBuf,
    tmp: PathBuf,
}

impl Tree {
    fn new() -> Tree {
        let dir = tempfile::tempdir().unwrap();
        let top = dir.path().join("top");
        let root = top.join("root");
        for d in ["data", "out", "sibling"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        copy_dir(&sample(), &root.join("data"));
        std::fs::write(root.join("sibling/notes.txt"), "not salesbook's").unwrap();
        std::fs::write(top.join("neighbour.txt"), "next to root").unwrap();
        let tmp = dir.path().join("tmp");
        std::fs::create_dir(&tmp).unwrap();
        // Old enough that a rewrite with the same bytes still shows in mtime.
        std::thread::sleep(Duration::from_millis(20));
        Tree {
            _dir: dir,
            top,
            root,
            tmp,
        }
    }

    /// salesbook in root, TMPDIR and HOME set, no arguments yet.
    fn bare(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_salesbook"));
        c.current_dir(&self.root)
            .env("TMPDIR", &self.tmp)
            .env("HOME", self.root.join("sibling"))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        c
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = self.bare();
        c.args(["--data", "data"]).args(args);
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    /// Runs `args`, which may change only `allowed` (relative to root), and
    /// returns the snapshot of `allowed` before and after.
    fn contained(&self, args: &[&str], allowed: &str) -> (Snapshot, Snapshot) {
        let allowed = self.root.join(allowed);
        let outside = snapshot(&self.top, Some(&allowed));
        let inside = snapshot(&allowed, None);
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(
            changes(&outside, &snapshot(&self.top, Some(&allowed))),
            Vec::<String>::new(),
            "{args:?} wrote outside {}",
            allowed.display()
        );
        assert_eq!(
            std::fs::read_dir(&self.tmp).unwrap().count(),
            0,
            "{args:?} left temporary files"
        );
        (inside, snapshot(&allowed, None))
    }
}

/// Paths relative to root of what changed, sorted.
fn changed(tree: &Tree, before: &Snapshot, after: &Snapshot) -> Vec<String> {
    let mut out: Vec<_> = changes(before, after)
        .into_iter()
        .map(|c| c.replace(&format!("{}/", tree.root.display()), ""))
        .collect();
    out.sort();
    out
}

#[test]
fn build_and_export_write_only_into_out() {
    let t = Tree::new();
    for (args, made) in [
        (&["build", "--out", "out/site"][..], "out/site/index.html"),
        (
            &["build", "--audience", "shared", "--out", "out/shared"],
            "out/shared/index.html",
        ),
        (&["export", "--out", "out/export"], "out/export/kpis.json"),
        (
            &["--format", "xlsx", "export", "--out", "out/xlsx"],
            "out/xlsx/salesbook.xlsx",
        ),
        // Again, over the previous output.
        (&["build", "--out", "out/site"], "out/site/index.html"),
        (&["export", "--out", "out/export"], "out/export/kpis.json"),
    ] {
        t.contained(args, "out");
        assert!(t.root.join(made).is_file(), "{args:?}");
    }
    // Beside the outputs, nothing but the outputs (no lock, no temporary folder).
    let mut names: Vec<_> = std::fs::read_dir(t.root.join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["export", "shared", "site", "xlsx"]);
}

#[test]
fn check_and_report_write_nothing() {
    let t = Tree::new();
    let (before, after) = t.contained(&["check"], "out");
    assert_eq!(before, after);
    let (before, after) = t.contained(&["report", "--month", "2023-10"], "out");
    assert_eq!(before, after);
}

#[test]
fn init_writes_only_the_new_repository() {
    let t = Tree::new();
    let (before, after) = t.contained(&["init", "out/repo"], "out");
    let added = changed(&t, &before, &after);
    assert!(
        added
            .iter()
            .all(|c| c.starts_with("added out/repo") || c == "changed out"),
        "{added:?}"
    );
    assert!(t.root.join("out/repo/pipeline.toml").is_file());
}

#[test]
fn new_adds_one_record_and_changes_no_other_file() {
    let t = Tree::new();
    let d = ["--date", "2023-10-30"];
    for (args, file) in [
        (
            &[
                "new",
                "lead",
                "--company",
                "C公司",
                "--source",
                "行业展会",
                "--owner",
                "李四",
            ][..],
            "data/leads/LX211.toml",
        ),
        (
            &["new", "customer", "--name", "新客户", "--owner", "李四"],
            "",
        ),
        (
            &["new", "deal", "--customer", "a-tech", "--owner", "李四"],
            "",
        ),
        (
            &["new", "case", "--title", "测试案例", "--result", "success"],
            "",
        ),
        (&["new", "month", "2023-11"], "data/months/2023-11.md"),
    ] {
        let args = [args, &d[..]].concat();
        let args = if args.contains(&"month") {
            &args[..3]
        } else {
            &args[..]
        };
        let (before, after) = t.contained(args, "data");
        let diff = changed(&t, &before, &after);
        // One file added, and the mtime of the folder it went into.
        let added: Vec<_> = diff.iter().filter(|c| c.starts_with("added ")).collect();
        assert_eq!(added.len(), 1, "{args:?}: {diff:?}");
        if !file.is_empty() {
            assert_eq!(added[0], &format!("added {file}"), "{args:?}");
        }
        let folder = Path::new(&added[0]["added ".len()..]).parent().unwrap();
        assert_eq!(
            diff.len(),
            2,
            "{args:?}: only the new file and its folder: {diff:?}"
        );
        assert!(
            diff.contains(&format!("changed {}", folder.display())),
            "{diff:?}"
        );
    }
}

const LEADS: &str = "线索编号,来源渠道,获取时间,客户名称,行业,联系人,职位,电话,需求标签,负责人
LX001,行业展会,2023-10-08,A科技有限公司,制造业,张三,采购总监,13812345678,自动化升级,李四
LX901,线上研讨会,2023-10-20,导入测试公司,零售,赵敏,经理,13900000001,数字化,王芳
";

#[test]
fn import_adds_records_and_changes_existing_ones_only_with_update() {
    let t = Tree::new();
    std::fs::write(t.root.join("sibling/leads.csv"), LEADS).unwrap();
    // The input file lives outside data/, so the snapshot proves it unchanged.
    let (before, after) = t.contained(&["import", "leads", "sibling/leads.csv"], "data");
    assert_eq!(
        changed(&t, &before, &after),
        ["added data/leads/LX901.toml", "changed data/leads"]
    );
    let (before, after) = t.contained(
        &["import", "leads", "sibling/leads.csv", "--update"],
        "data",
    );
    assert_eq!(
        changed(&t, &before, &after),
        ["changed data/leads", "changed data/leads/LX001.toml"],
        "the intended file only (LX901 is unchanged, so not rewritten)"
    );
    let lx001 = std::fs::read_to_string(t.root.join("data/leads/LX001.toml")).unwrap();
    assert!(lx001.contains("采购总监"));
}

#[test]
fn serve_writes_nothing_in_the_tree() {
    let t = Tree::new();
    let outside = snapshot(&t.top, None);
    let mut child = t
        .cmd(&["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line.trim().trim_start_matches("serving http://");
    let addr = addr.trim_end_matches('/').to_string();
    // One page request, so the server has really served.
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut body = String::new();
    s.read_to_string(&mut body).unwrap();
    assert!(body.starts_with("HTTP/1.1 200"), "{body:.200}");
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    child.wait().unwrap();
    assert_eq!(
        changes(&outside, &snapshot(&t.top, None)),
        Vec::<String>::new()
    );
    assert_eq!(std::fs::read_dir(&t.tmp).unwrap().count(), 0);
}

/// Runs a build or export with `--out out`, expecting a refusal that names `why`.
fn refused(t: &Tree, command: &str, out: &str, why: &str) {
    let before = snapshot(&t.top, None);
    let mut args = vec![command, "--out", out];
    if command == "build" {
        args.push("--force");
    }
    let o = t.run(&args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
    assert!(
        err.contains("refusing to write to") && err.contains(why),
        "{args:?}: {err}"
    );
    assert_eq!(
        changes(&before, &snapshot(&t.top, None)),
        Vec::<String>::new(),
        "{args:?}"
    );
}

#[test]
fn out_at_the_data_its_parents_root_or_home_is_refused_even_with_force() {
    let t = Tree::new();
    std::os::unix::fs::symlink(t.root.join("data"), t.root.join("sibling/link")).unwrap();
    // The data folder is inside a git repository whose root is `root`.
    let git = Command::new("git")
        .args(["init", "-q"])
        .current_dir(&t.root)
        .status();
    let root = t.root.to_str().unwrap();
    let top = t.top.to_str().unwrap();
    for command in ["build", "export"] {
        refused(&t, command, "data", "is the data folder");
        refused(&t, command, "sibling/link", "is the data folder");
        refused(&t, command, "sibling/../data", "is the data folder");
        refused(
            &t,
            command,
            "data/leads",
            "inside leads/ of the data folder",
        );
        refused(
            &t,
            command,
            "data/cases/site",
            "inside cases/ of the data folder",
        );
        refused(&t, command, "data/templates", "inside templates/");
        refused(&t, command, "sibling/link/deals", "inside deals/");
        refused(&t, command, ".", "contains the data folder");
        refused(&t, command, root, "contains the data folder");
        refused(&t, command, top, "contains the data folder");
        refused(&t, command, "/", "root folder");
        // HOME is root/sibling for these runs.
        refused(&t, command, "sibling", "is the home folder");
    }
    if git.is_ok_and(|s| s.success()) {
        assert!(t.root.join(".git").is_dir());
    }
    // Beside the data is fine.
    let o = t.run(&["build", "--out", "site"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_data_repository_may_hold_its_own_build() {
    // `salesbook --data . build --out public`, as the CI templates run it.
    let t = Tree::new();
    let data = t.root.join("data");
    for args in [
        &["--data", ".", "build", "--out", "public"][..],
        &["--data", ".", "export", "--out", "export"],
    ] {
        let o = t.bare().current_dir(&data).args(args).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert!(data.join("public/index.html").is_file());
    assert!(data.join("export/kpis.json").is_file());
    let o = t
        .bare()
        .current_dir(&data)
        .args(["--data", ".", "build", "--out", ".git", "--force"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// `--force` replaces a folder that is not a salesbook site, but never one
/// holding `.git` or other hidden entries (a repository, a home folder).
#[test]
fn force_never_replaces_a_folder_with_hidden_entries() {
    let build = |out: &Path| {
        let o = Command::new(env!("CARGO_BIN_EXE_salesbook"))
            .arg("--data")
            .arg(sample())
            .arg("build")
            .arg("--out")
            .arg(out)
            .arg("--force")
            .output()
            .unwrap();
        (
            o.status.code().unwrap(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("someone");
    std::fs::create_dir_all(home.join(".git")).unwrap();
    std::fs::write(home.join(".bashrc"), "alias ll='ls -l'\n").unwrap();
    std::fs::write(home.join("notes.txt"), "keep me\n").unwrap();
    let (code, err) = build(&home);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--force does not override this"), "{err}");
    assert_eq!(
        std::fs::read_to_string(home.join(".bashrc")).unwrap(),
        "alias ll='ls -l'\n"
    );
    assert!(home.join(".git").is_dir() && home.join("notes.txt").is_file());
    // A plain folder of other files is still replaced with --force.
    let plain = tmp.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::write(plain.join("old.txt"), "x").unwrap();
    let (code, err) = build(&plain);
    assert_eq!(code, 0, "{err}");
    assert!(!plain.join("old.txt").exists() && plain.join("index.html").is_file());
}
