//! Git repositories built by the tests: a clean identity (李四), no global or
//! system config (CI machines have none; developers' must not leak in), and
//! commits at chosen dates.

use std::path::Path;
use std::process::Command;

/// `git` in `dir` with the tests' identity and config.
pub fn git_cmd(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .args([
            "-c",
            "user.name=李四",
            "-c",
            "user.email=lisi@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ]);
    cmd
}

/// Runs git in `dir`, as author and committer at `date` when given; panics
/// with git's message on failure; returns stdout.
pub fn git(dir: &Path, args: &[&str], date: Option<&str>) -> String {
    let mut cmd = git_cmd(dir);
    cmd.args(args);
    if let Some(d) = date {
        cmd.env("GIT_AUTHOR_DATE", d).env("GIT_COMMITTER_DATE", d);
    }
    let out = cmd.output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Commits everything at `date`; returns the new commit's short id.
pub fn commit_all(repo: &Path, msg: &str, date: &str) -> String {
    git(repo, &["add", "-A"], None);
    git(repo, &["commit", "-q", "-m", msg], Some(date));
    git(repo, &["rev-parse", "--short", "HEAD"], None)
        .trim()
        .to_string()
}
