//! Headless Chromium for the browser tests (see tests/browser.rs for how console
//! errors are caught).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Chromium's path, or `None` (after saying why) when the test should be skipped.
pub fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("SALESBOOK_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let in_path = std::env::var_os("PATH").and_then(|p| {
                std::env::split_paths(&p)
                    .map(|d| d.join("chromium"))
                    .find(|c| c.is_file())
            });
            in_path.unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
        });
    if path.is_file() {
        return Some(path);
    }
    let msg = format!(
        "browser tests need Chromium at {} (Debian: apt-get install -y chromium; \
         or set SALESBOOK_CHROMIUM)",
        path.display()
    );
    if std::env::var_os("CI").is_some() {
        panic!("{msg}; CI is set, so this is a failure (.ci/run installs it)");
    }
    // Straight to stderr (not eprintln!, which the test harness captures) so the
    // skip shows in a plain `cargo test`.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipping browser test: {msg}");
    None
}

/// `file://` URL of a path, percent-encoding what a URL path cannot hold.
pub fn file_url(p: &Path) -> String {
    let mut s = String::from("file://");
    for b in p.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

pub struct Run {
    /// stdout (the DOM for `--dump-dom`).
    pub out: String,
    /// The console lines of stderr.
    pub console: Vec<String>,
}

/// Runs headless Chromium once with a fresh profile on `url`.
pub fn run(chrome: &Path, args: &[&str], url: &str) -> Run {
    let tmp = tempfile::tempdir().unwrap();
    let profile = tmp.path().join("profile");
    let out_path = tmp.path().join("stdout");
    let err_path = tmp.path().join("stderr");
    let mut child = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", chrome.display()));
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            // What the pages logged often says why (a script that ran, a loop).
            let err = String::from_utf8_lossy(&std::fs::read(&err_path).unwrap()).into_owned();
            // Probe hits (tests/browser.rs) first: they name the payload.
            let mut console: Vec<&str> = err.lines().filter(|l| l.contains(":CONSOLE")).collect();
            console.sort_by_key(|l| !l.contains("XSS-HIT"));
            panic!(
                "chromium timed out on {url}; console so far:\n{}",
                console[..console.len().min(40)].join("\n")
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = String::from_utf8_lossy(&std::fs::read(&out_path).unwrap()).into_owned();
    let err = String::from_utf8_lossy(&std::fs::read(&err_path).unwrap()).into_owned();
    assert!(
        status.success(),
        "chromium failed on {url}: {status}\n{err}"
    );
    let console = err
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(String::from)
        .collect();
    Run { out, console }
}

pub fn assert_quiet(r: &Run, what: &str) {
    assert!(
        r.console.is_empty(),
        "console messages on {what}:\n{}",
        r.console.join("\n")
    );
}

pub fn html_pages(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "html") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
