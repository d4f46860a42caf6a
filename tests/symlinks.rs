//! Planted symlinks (issue 21): a repository may hold a symlink at any name a
//! writer uses beside its output — a temporary file, a lock — pointing at a
//! file of the user's (a shell rc file). Nothing is ever written through one.
#![cfg(unix)]

mod common;

use std::os::unix::fs::symlink;
use std::path::Path;

use common::{copy_dir, salesbook, sample};

fn plant(victim: &Path, at: &Path) {
    std::fs::create_dir_all(at.parent().unwrap()).unwrap();
    symlink(victim, at).unwrap();
}

#[test]
fn export_and_build_never_write_through_a_planted_symlink() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(&sample(), &data);
    let victim = tmp.path().join("bashrc");
    std::fs::write(&victim, "alias ll='ls -l'\n").unwrap();
    // The names an earlier salesbook used: `<file>.tmp` in the export, the
    // locks beside each output.
    let export = data.join("export");
    for name in ["kpis.json.tmp", "deals.json.tmp", "kpis.csv.tmp"] {
        plant(&victim, &export.join(name));
    }
    plant(&victim, &data.join(".export.lock"));
    plant(&victim, &data.join(".site.lock"));
    let (code, _, err) = salesbook(&data, &["export", "--out", export.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let site = data.join("site");
    let (code, _, err) = salesbook(&data, &["build", "--out", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "alias ll='ls -l'\n"
    );
    assert!(export.join("kpis.json").is_file() && site.join("index.html").is_file());
    // The planted locks were removed, not followed; no lock is left behind.
    assert!(
        !data.join(".site.lock").exists()
            && std::fs::symlink_metadata(data.join(".site.lock")).is_err()
    );
}

#[test]
fn import_and_new_write_records_only_through_fresh_names() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(&sample(), &data);
    let victim = tmp.path().join("profile");
    std::fs::write(&victim, "export PATH=/usr/bin\n").unwrap();
    // Symlinks at every hidden name in leads/ that a pid-named temporary could
    // take for this process's neighbours.
    for pid in 1..200 {
        plant(&victim, &data.join(format!("leads/.LX211.toml.tmp-{pid}")));
        plant(
            &victim,
            &data.join(format!("leads/.LX211.toml.{pid}.import-tmp")),
        );
    }
    let (code, _, err) = salesbook(
        &data,
        &[
            "new",
            "lead",
            "--company",
            "测试公司",
            "--industry",
            "制造业",
            "--source",
            "trade_show",
            "--owner",
            "lisi",
            "--contact",
            "张三",
            "--title",
            "经理",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "export PATH=/usr/bin\n"
    );
}
