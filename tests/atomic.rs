//! Atomic output (issue #7 part 4, SECURITY.md "Atomic and contained output"):
//! `build`, `export` and `import` are killed with SIGKILL at many points of their
//! run, and what they write is then either entirely the old state or entirely the
//! new one (per site, per export file, per record file); the next run cleans up
//! and leaves no debris. Two builds into one folder: the second fails clearly.
//!
//! The kill points are spread over a duration measured on this machine, so they
//! land in loading, rendering and swapping whatever the machine's speed; the
//! assertions hold at every point, so none depends on timing.

// SIGKILL, flock and symlinks as on Unix.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How many kill points per command.
const KILLS: u32 = 20;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn salesbook(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_salesbook"));
    c.arg("--data").arg(data).arg("--quiet");
    c.stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

fn run_ok(mut c: Command) {
    let o = c.output().unwrap();
    assert!(
        o.status.success(),
        "{c:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every file under `dir`, by relative path, with its bytes.
type Tree = BTreeMap<String, Vec<u8>>;

fn tree(dir: &Path) -> Tree {
    files(dir)
        .into_iter()
        .map(|f| {
            let rel = f.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::read(&f).unwrap())
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    for f in files(from) {
        let dest = to.join(f.strip_prefix(from).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&f, &dest).unwrap();
    }
}

/// Entries of `parent` a build or export of `name` may leave: `.<name>.*`.
fn debris(parent: &Path, name: &str) -> Vec<String> {
    let prefix = format!(".{name}.");
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect()
}

/// The sample with another team name: every page of its site differs.
fn renamed_team(to: &Path) {
    copy_dir(&sample(), to);
    let p = to.join("pipeline.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains("name = \"华东大客户部\""));
    std::fs::write(
        &p,
        text.replacen("name = \"华东大客户部\"", "name = \"华南新客户部\"", 1),
    )
    .unwrap();
}

/// Starts `c`, kills it (SIGKILL) after `delay` and reaps it.
fn kill_after(mut c: Command, delay: Duration) {
    c.stderr(Stdio::null());
    let mut child = c.spawn().unwrap();
    std::thread::sleep(delay);
    // SIGKILL on Unix; a child that has finished is only reaped.
    let _ = child.kill();
    child.wait().unwrap();
}

/// `KILLS` delays spread over `run` (and a little past it, to catch the end).
fn delays(run: Duration) -> impl Iterator<Item = Duration> {
    (0..KILLS).map(move |i| run.mul_f64(f64::from(i) * 1.1 / f64::from(KILLS - 1)))
}

fn build_cmd(data: &Path, out: &Path) -> Command {
    let mut c = salesbook(data);
    c.arg("build").arg("--out").arg(out);
    c
}

#[test]
fn killed_builds_leave_the_old_or_the_new_site_and_the_next_build_cleans_up() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let old_data = root.join("old");
    let new_data = root.join("new");
    copy_dir(&sample(), &old_data);
    renamed_team(&new_data);
    let site = root.join("site");

    let start = Instant::now();
    run_ok(build_cmd(&new_data, &root.join("reference")));
    let run = start.elapsed();
    let new = tree(&root.join("reference"));
    run_ok(build_cmd(&old_data, &site));
    let old = tree(&site);
    assert_ne!(old, new);
    assert_eq!(old.len(), new.len(), "the same pages, other text");

    let (mut saw_old, mut saw_new, mut mid_render) = (0, 0, 0);
    for delay in delays(run) {
        kill_after(build_cmd(&new_data, &site), delay);
        // Reported only: shows the kill points reach the rendering, not just loading.
        if debris(root, "site")
            .iter()
            .any(|n| n.contains(".building-"))
        {
            mid_render += 1;
        }
        let now = tree(&site);
        if now == old {
            saw_old += 1;
        } else if now == new {
            saw_new += 1;
        } else {
            let mixed = now.iter().filter(|(k, v)| old.get(*k) != Some(v)).count();
            panic!(
                "after a kill at {delay:?}: site/ is neither the old nor the new site \
                 ({} files, {mixed} differ from the old)",
                now.len()
            );
        }
        // The next build runs, whatever was left, and leaves nothing beside.
        run_ok(build_cmd(&old_data, &site));
        assert_eq!(tree(&site), old, "after a kill at {delay:?}");
        assert_eq!(debris(root, "site"), Vec::<String>::new());
    }
    eprintln!(
        "build ({run:?}) killed {KILLS} times ({mid_render} while rendering): \
         {saw_old} old site, {saw_new} new site, 0 mixed"
    );
}

#[test]
fn a_build_killed_mid_swap_is_recovered_by_the_next() {
    // The state the portable swap leaves when killed between its two renames:
    // no site/, the old site parked beside it, a half-built new one.
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    run_ok(build_cmd(&sample(), &site));
    let old = tree(&site);
    std::fs::rename(&site, tmp.path().join(".site.old-99999")).unwrap();
    std::fs::create_dir(tmp.path().join(".site.building-99999")).unwrap();
    std::fs::write(tmp.path().join(".site.building-99999/index.html"), "<ht").unwrap();

    // A failed build (data errors) stops before the output: the debris stays,
    // and the old site is still recoverable.
    let bad = tmp.path().join("bad");
    copy_dir(&sample(), &bad);
    let lead = bad.join("leads/LX001.toml");
    let text = std::fs::read_to_string(&lead).unwrap();
    std::fs::write(
        &lead,
        text.replace("owner = \"lisi\"", "owner = \"nobody\""),
    )
    .unwrap();
    let o = build_cmd(&bad, &site).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(tree(&tmp.path().join(".site.old-99999")), old);

    let new_data = tmp.path().join("new");
    renamed_team(&new_data);
    run_ok(build_cmd(&new_data, &site));
    let new = tree(&site);
    assert_ne!(new, old);
    assert_eq!(new.len(), old.len());
    assert_eq!(debris(tmp.path(), "site"), Vec::<String>::new());
}

#[test]
fn a_second_build_into_the_same_folder_fails_clearly_while_the_first_holds_the_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    run_ok(build_cmd(&sample(), &site));
    let before = tree(&site);

    // Another build's lock: the same flock a build takes.
    let lock_path = tmp.path().join(".site.lock");
    let held = std::fs::File::create(&lock_path).unwrap();
    held.lock().unwrap();
    let new_data = tmp.path().join("new");
    renamed_team(&new_data);
    let o = build_cmd(&new_data, &site).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("another salesbook build is writing") && err.contains(".site.lock"),
        "{err}"
    );
    assert_eq!(tree(&site), before);
    let mut export = salesbook(&sample());
    export
        .arg("export")
        .arg("--out")
        .arg(tmp.path().join("site"));
    let o = export.output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("another salesbook export is writing"));

    // Released (as when its holder exits or is killed): the next build runs.
    drop(held);
    run_ok(build_cmd(&new_data, &site));
    assert_ne!(tree(&site), before);
    assert_eq!(debris(tmp.path(), "site"), Vec::<String>::new());
}

#[test]
fn concurrent_builds_each_finish_or_fail_clearly_and_leave_one_whole_site() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let reference = tmp.path().join("reference");
    run_ok(build_cmd(&sample(), &reference));
    let want = tree(&reference);
    let children: Vec<_> = (0..3)
        .map(|_| build_cmd(&sample(), &site).spawn().unwrap())
        .collect();
    let mut finished = 0;
    for c in children {
        let o = c.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        match o.status.code() {
            Some(0) => finished += 1,
            Some(2) => assert!(err.contains("another salesbook build is writing"), "{err}"),
            code => panic!("{code:?}: {err}"),
        }
    }
    assert!(finished >= 1);
    assert_eq!(tree(&site), want);
    assert_eq!(debris(tmp.path(), "site"), Vec::<String>::new());
}

fn export_cmd(data: &Path, out: &Path, as_of: &str) -> Command {
    let mut c = salesbook(data);
    c.arg("--as-of")
        .arg(as_of)
        .arg("export")
        .arg("--out")
        .arg(out);
    c
}

#[test]
fn killed_exports_leave_each_file_old_or_new_and_the_next_export_cleans_up() {
    // Old and new differ by the as-of date: kpis, deals and stage tables change.
    let (old_day, new_day) = ("2023-10-31", "2024-01-15");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("export");
    let start = Instant::now();
    run_ok(export_cmd(
        &sample(),
        &tmp.path().join("reference"),
        new_day,
    ));
    let run = start.elapsed();
    let new = tree(&tmp.path().join("reference"));
    run_ok(export_cmd(&sample(), &out, old_day));
    let old = tree(&out);
    assert_eq!(old.len(), 9);
    assert!(old.keys().eq(new.keys()));
    assert!(old.iter().filter(|(k, v)| new[*k] != **v).count() >= 4);

    let (mut all_old, mut all_new, mut mixed, mut mid_write) = (0, 0, 0, 0);
    for delay in delays(run) {
        kill_after(export_cmd(&sample(), &out, new_day), delay);
        let now = tree(&out);
        if now.keys().any(|k| k.ends_with(".tmp")) {
            mid_write += 1;
        }
        for (name, bytes) in &old {
            let got = &now[name];
            assert!(
                got == bytes || *got == new[name],
                "after a kill at {delay:?}: {name} is neither old nor new"
            );
        }
        // Besides the files: at most the temporary names of a killed export.
        for name in now.keys().filter(|k| !old.contains_key(*k)) {
            assert!(name.ends_with(".tmp"), "{name}");
        }
        let shown: Tree = now
            .into_iter()
            .filter(|(k, _)| old.contains_key(k))
            .collect();
        if shown == old {
            all_old += 1;
        } else if shown == new {
            all_new += 1;
        } else {
            mixed += 1;
        }
        run_ok(export_cmd(&sample(), &out, old_day));
        assert_eq!(tree(&out), old, "after a kill at {delay:?}");
        assert_eq!(debris(tmp.path(), "export"), Vec::<String>::new());
    }
    eprintln!(
        "export ({run:?}) killed {KILLS} times ({mid_write} while writing): {all_old} all old, \
         {all_new} all new, {mixed} a mix of whole old and new files"
    );
}

/// 200 new leads (LX901…) and a changed LX001, in the sample's vocabulary.
fn import_csv(path: &Path) {
    let mut csv =
        String::from("线索编号,来源渠道,获取时间,客户名称,行业,联系人,职位,电话,需求标签,负责人\n");
    csv.push_str("LX001,行业展会,2023-10-08,A科技有限公司,制造业,张三,采购总监,13812345678,自动化升级,李四\n");
    for i in 0..200 {
        csv.push_str(&format!(
            "LX{},线上研讨会,2023-10-{:02},导入测试公司{i},零售,联系人{i},经理,139{:08},数字化,王芳\n",
            901 + i,
            1 + i % 28,
            10_000_000 + i
        ));
    }
    std::fs::write(path, csv).unwrap();
}

fn import_cmd(data: &Path, csv: &Path) -> Command {
    let mut c = salesbook(data);
    c.arg("import").arg("leads").arg(csv).arg("--update");
    c
}

#[test]
fn killed_imports_never_leave_a_half_written_record() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = tmp.path().join("leads.csv");
    import_csv(&csv);
    let data = tmp.path().join("data");
    copy_dir(&sample(), &data);
    let old = tree(&data);
    // Import's own scratch copy goes to TMPDIR; keep it in this test's folder.
    let scratch = tmp.path().join("scratch");
    std::fs::create_dir(&scratch).unwrap();

    let reference = tmp.path().join("reference");
    copy_dir(&sample(), &reference);
    let start = Instant::now();
    let mut c = import_cmd(&reference, &csv);
    c.env("TMPDIR", &scratch);
    run_ok(c);
    let run = start.elapsed();
    let new = tree(&reference);
    assert_eq!(new.len(), old.len() + 200);
    assert_ne!(old["leads/LX001.toml"], new["leads/LX001.toml"]);

    let (mut none, mut some, mut all) = (0, 0, 0);
    for delay in delays(run) {
        let mut c = import_cmd(&data, &csv);
        c.env("TMPDIR", &scratch);
        kill_after(c, delay);
        let now = tree(&data);
        let mut imported = 0;
        for (name, bytes) in &now {
            if old.get(name) == Some(bytes) {
                continue;
            }
            if new.get(name) == Some(bytes) {
                imported += 1;
                continue;
            }
            // A killed writer's temporary file: hidden, so the loader skips it.
            let file = Path::new(name).file_name().unwrap().to_string_lossy();
            assert!(
                file.starts_with('.'),
                "after a kill at {delay:?}: {name} is neither old nor new"
            );
        }
        match imported {
            0 => none += 1,
            201 => all += 1,
            _ => some += 1,
        }
        let o = salesbook(&data).arg("check").output().unwrap();
        assert!(o.status.success(), "after a kill at {delay:?}");
        std::fs::remove_dir_all(&data).unwrap();
        copy_dir(&sample(), &data);
    }
    eprintln!(
        "import ({run:?}) killed {KILLS} times: {none} nothing written, {some} part of the \
         files (each whole), {all} everything"
    );
}
