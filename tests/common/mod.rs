//! Helpers shared by the end-to-end tests (each test crate uses a part of them).
#![allow(dead_code)]

pub mod base;
pub mod chromium;
pub mod git;
pub mod xss;

use std::path::{Path, PathBuf};

/// The sample data repository.
pub fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// Every file under `dir`, sorted.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd {
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

/// A page without the `data-sort` values of its figures (static/table.js), for
/// tests that compare cells as written.
pub fn without_sort_keys(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(" data-sort=\"") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 12..];
        rest = &after[after.find('"').map_or(after.len(), |e| e + 1)..];
    }
    out.push_str(rest);
    out
}

pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Copies a folder tree into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    for f in files(from) {
        let rel = f.strip_prefix(from).unwrap();
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&f, &dest).unwrap();
    }
}

/// Runs `salesbook build` on `data` into `out`; panics with stderr on failure.
pub fn build_site(data: &Path, out: &Path, extra: &[&str]) {
    let o = assert_cmd::Command::cargo_bin("salesbook")
        .unwrap()
        .arg("--data")
        .arg(data)
        .arg("build")
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "build of {} failed:\n{}",
        data.display(),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Runs the salesbook binary on `data` without colour; returns (exit code,
/// stdout, stderr).
pub fn salesbook(data: &Path, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_salesbook"))
        .env("NO_COLOR", "1")
        .env_remove("GIT_DIR")
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}
