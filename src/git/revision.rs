//! Revisions as a data source: resolving `--at REV|DATE` to a commit, listing
//! the data folder's files in that commit and reading their blobs — straight
//! from git objects, without a checkout or temporary files, so the working tree
//! is never touched. The rules are written out in docs/git.md.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::Stdio;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use super::git;

/// A commit the data can be loaded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The full object id.
    pub oid: String,
    /// The abbreviated object id git would show.
    pub short: String,
    /// Committer time, seconds since the epoch.
    pub time: i64,
    /// Author name.
    pub author: String,
    /// The first line of the commit message.
    pub summary: String,
}

impl Revision {
    pub fn instant(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.time, 0).unwrap_or_default()
    }

    /// The committer date in the team's time zone.
    pub fn date(&self, tz: Tz) -> NaiveDate {
        tz.from_utc_datetime(&self.instant().naive_utc())
            .date_naive()
    }
}

/// `git log` format of a [`Revision`]: fields separated by NUL.
const FORMAT: &str = "--format=%H%x00%h%x00%ct%x00%an%x00%s";

fn parse_revision(line: &str) -> Option<Revision> {
    let mut f = line.trim_end_matches('\n').split('\0');
    Some(Revision {
        oid: f.next()?.to_string(),
        short: f.next()?.to_string(),
        time: f.next()?.trim().parse().ok()?,
        author: f.next()?.to_string(),
        summary: f.next().unwrap_or("").to_string(),
    })
}

/// Runs git in `dir` and returns stdout; `Err` holds git's first stderr line.
fn run(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = git(dir).args(args).output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "git not found".to_string(),
        _ => format!("cannot run git: {e}"),
    })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let first = err
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .trim_start_matches("fatal: ")
            .to_string();
        return Err(first);
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The data folder's path relative to the repository top (`data/`, or empty
/// when the data folder is the top); `Err` when it is not in a repository.
pub fn prefix(dir: &Path) -> Result<String, String> {
    if !dir.is_dir() {
        return Err(format!("data folder `{}` does not exist", dir.display()));
    }
    run(dir, &["rev-parse", "--show-prefix"])
        .map(|s| s.trim_end_matches('\n').to_string())
        .map_err(|e| {
            if e.contains("not a git repository") {
                format!(
                    "the data folder `{}` is not in a git repository, so there are no revisions to read",
                    dir.display()
                )
            } else {
                e
            }
        })
}

/// Whether `spec` is a date `YYYY-MM-DD` (as opposed to a revision).
pub fn spec_date(spec: &str) -> Option<NaiveDate> {
    (spec.len() == 10)
        .then(|| NaiveDate::parse_from_str(spec, "%Y-%m-%d").ok())
        .flatten()
}

/// `spec` is anything `git rev-parse` accepts (HEAD~3, a tag, an oid) or a date
/// YYYY-MM-DD meaning the last commit (first-parent history of HEAD) whose
/// committer time is on or before the end of that day in `tz`.
pub fn resolve(dir: &Path, spec: &str, tz: Tz) -> Result<Revision, String> {
    prefix(dir)?;
    if let Some(day) = spec_date(spec) {
        // The last second of the day: `--until` is inclusive.
        let t = super::end_of_day(day, tz) - chrono::Duration::seconds(1);
        return match last_commit_before(dir, t)? {
            Some(r) => Ok(r),
            None => Err(match first_commit(dir) {
                Some(first) => format!(
                    "no commit on or before {day} (end of the day in {tz}); the first commit is {} of {} ({})",
                    first.short,
                    super::local_minute(first.instant(), tz),
                    first.summary
                ),
                None => "the repository has no commits yet".to_string(),
            }),
        };
    }
    if spec.is_empty() || spec.starts_with('-') {
        return Err(format!("`{spec}` is not a revision"));
    }
    let commit = format!("{spec}^{{commit}}");
    let out = run(
        dir,
        &[
            "log",
            "-1",
            "--no-walk",
            FORMAT,
            "--end-of-options",
            &commit,
            "--",
        ],
    );
    match out {
        Ok(text) => parse_revision(&text).ok_or_else(|| "no such commit".to_string()),
        Err(_) => {
            let depth = run(
                dir,
                &["rev-list", "--count", "--first-parent", "HEAD", "--"],
            )
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok());
            Err(match depth {
                Some(n) => format!(
                    "no such revision (HEAD's first-parent history has {n} commit(s); try an oid, a tag, HEAD~N with N < {n}, or a date YYYY-MM-DD)"
                ),
                None => "no such revision (the repository has no commits yet)".to_string(),
            })
        }
    }
}

/// The last commit on first-parent history of HEAD with committer time <= `t`
/// (None: none that old).
pub fn last_commit_before(dir: &Path, t: DateTime<Utc>) -> Result<Option<Revision>, String> {
    // git keeps commit times as unsigned seconds: nothing is older than 1970.
    if t.timestamp() < 0 {
        return Ok(None);
    }
    // `@<seconds> +0000`, git's raw form: a bare number below 100000000 (before
    // 1973-03-03) is read by `--until` as something else than a time.
    let until = format!("--until=@{} +0000", t.timestamp());
    match run(
        dir,
        &["log", "-1", "--first-parent", &until, FORMAT, "HEAD", "--"],
    ) {
        Ok(text) => Ok(parse_revision(&text)),
        Err(e) if e.contains("does not have any commits") || e.contains("bad default revision") => {
            Ok(None)
        }
        Err(e) if e.contains("unknown revision") || e.contains("ambiguous argument 'HEAD'") => {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The root of HEAD's first-parent history, for error messages.
fn first_commit(dir: &Path) -> Option<Revision> {
    let text = run(
        dir,
        &[
            "log",
            "--first-parent",
            "--max-parents=0",
            FORMAT,
            "HEAD",
            "--",
        ],
    )
    .ok()?;
    text.lines().last().and_then(parse_revision)
}

/// The commit the data comes from, for the site footer: `at` when loaded from a
/// revision; else HEAD, dirty when the data folder has changes not committed
/// (`git status --porcelain -- .`, untracked files included). `None` outside
/// git or before the first commit.
pub fn data_commit(dir: &Path, at: Option<&Revision>) -> Option<(Revision, bool)> {
    if let Some(rev) = at {
        return Some((rev.clone(), false));
    }
    let head = head(dir)?;
    let changed = uncommitted(dir, &[])?;
    Some((head, !changed.is_empty()))
}

/// HEAD's commit, as the footer names it; `None` outside git or before the
/// first commit.
pub fn head(dir: &Path) -> Option<Revision> {
    let head = run(dir, &["log", "-1", FORMAT, "HEAD", "--"]).ok()?;
    parse_revision(&head)
}

/// The files of the data folder that differ from HEAD (changed, removed or
/// untracked and not ignored: `git status`), as paths relative to the
/// repository top; only among `paths` (relative to the data folder) when
/// given, which is fast in a large tree. `None` outside git.
pub fn uncommitted(dir: &Path, paths: &[&str]) -> Option<std::collections::BTreeSet<String>> {
    let mut args = vec!["--literal-pathspecs", "status", "--porcelain", "-z", "--"];
    if paths.is_empty() {
        args.push(".");
    } else {
        args.extend(paths);
    }
    let out = run(dir, &args).ok()?;
    // `XY path\0`, a rename or copy followed by its source path `\0`.
    let mut set = std::collections::BTreeSet::new();
    let mut entries = out.split('\0').filter(|e| !e.is_empty());
    while let Some(e) = entries.next() {
        let (status, path) = e.split_at(e.len().min(3));
        set.insert(path.to_string());
        if status.starts_with('R') || status.starts_with('C') {
            set.extend(entries.next().map(String::from));
        }
    }
    Some(set)
}

/// What a tree entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    /// Mode 120000: never followed.
    Symlink,
    /// A submodule (gitlink).
    Other,
}

/// A file of a commit's tree.
#[derive(Debug, Clone)]
pub struct TreeEntry {
    pub kind: EntryKind,
    pub oid: String,
    /// Relative to the repository top.
    pub path: String,
}

/// Every file below `paths` (relative to the data folder) in commit `oid`, with
/// one `git ls-tree -r -z`. Returns the data folder's prefix and the entries,
/// paths relative to the data folder. `Err` when the data folder is not in
/// that commit.
pub fn tree(dir: &Path, oid: &str, paths: &[&str]) -> Result<(String, Vec<TreeEntry>), String> {
    let prefix = prefix(dir)?;
    let specs: Vec<String> = paths.iter().map(|p| format!("{prefix}{p}")).collect();
    let mut args = vec![
        "--literal-pathspecs",
        "ls-tree",
        "-r",
        "-z",
        "--full-tree",
        oid,
        "--",
    ];
    args.extend(specs.iter().map(String::as_str));
    let out = run(dir, &args)?;
    let mut entries = Vec::new();
    for item in out.split('\0').filter(|s| !s.is_empty()) {
        // "<mode> SP <type> SP <oid> TAB <path>"
        let Some((meta, path)) = item.split_once('\t') else {
            continue;
        };
        let mut m = meta.split(' ');
        let (Some(mode), Some(_), Some(obj)) = (m.next(), m.next(), m.next()) else {
            continue;
        };
        let Some(rel) = path.strip_prefix(prefix.as_str()) else {
            continue;
        };
        entries.push(TreeEntry {
            kind: match mode {
                "100644" | "100755" => EntryKind::File,
                "120000" => EntryKind::Symlink,
                _ => EntryKind::Other,
            },
            oid: obj.to_string(),
            path: rel.to_string(),
        });
    }
    if entries.is_empty()
        && !prefix.is_empty()
        && run(dir, &["cat-file", "-e", &format!("{oid}:{prefix}")]).is_err()
    {
        return Err(format!(
            "the data folder `{}` does not exist in commit {}",
            prefix.trim_end_matches('/'),
            &oid[..oid.len().min(12)]
        ));
    }
    Ok((prefix, entries))
}

/// Whether the data folder `dir` exists in commit `oid` (the repository top
/// always does).
pub fn holds_data_folder(dir: &Path, oid: &str) -> Result<bool, String> {
    let prefix = prefix(dir)?;
    Ok(prefix.is_empty() || run(dir, &["cat-file", "-e", &format!("{oid}:{prefix}")]).is_ok())
}

/// The contents of `oids`, in order, through one `git cat-file --batch`
/// process: ids are streamed in by a thread while contents are read out, so
/// neither pipe can fill up and block.
pub fn blobs(dir: &Path, oids: Vec<String>) -> std::io::Result<Vec<Vec<u8>>> {
    if oids.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = git(dir)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let n = oids.len();
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| std::io::Error::other("no stdin"))?;
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        let mut w = std::io::BufWriter::new(&mut stdin);
        for oid in &oids {
            writeln!(w, "{oid}")?;
        }
        w.flush()
        // stdin is dropped here: git sees the end and exits.
    });
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| std::io::Error::other("no stdout"))?;
    let mut r = BufReader::with_capacity(1 << 16, stdout);
    let mut contents = Vec::with_capacity(n);
    let mut header = String::new();
    let result = (|| -> std::io::Result<()> {
        for _ in 0..n {
            header.clear();
            r.read_line(&mut header)?;
            // "<oid> <type> <size>" or "<oid> missing"
            let size: usize = header
                .trim_end()
                .rsplit(' ')
                .next()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| {
                    std::io::Error::other(format!("git cat-file: {}", header.trim_end()))
                })?;
            let mut buf = vec![0; size];
            r.read_exact(&mut buf)?;
            let mut nl = [0u8; 1];
            r.read_exact(&mut nl)?;
            contents.push(buf);
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = child.kill();
    }
    let written = writer
        .join()
        .unwrap_or_else(|_| Err(std::io::Error::other("writer thread failed")));
    let _ = child.wait();
    result?;
    written?;
    Ok(contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_revisions() {
        assert_eq!(
            spec_date("2023-10-01"),
            NaiveDate::from_ymd_opt(2023, 10, 1)
        );
        assert_eq!(spec_date("2023-1-01"), None);
        assert_eq!(spec_date("HEAD~3"), None);
        assert_eq!(spec_date("2023-13-01"), None);
    }

    #[test]
    fn parses_a_log_line() {
        let r = parse_revision("abc123\x00abc\x001696154400\x00李四\x00deal moves\n").unwrap();
        assert_eq!(r.short, "abc");
        assert_eq!(r.time, 1_696_154_400);
        assert_eq!(r.author, "李四");
        assert_eq!(r.summary, "deal moves");
        // 2023-10-01 10:00 UTC is 18:00 in Shanghai, the same day.
        assert_eq!(
            r.date(chrono_tz::Asia::Shanghai),
            NaiveDate::from_ymd_opt(2023, 10, 1).unwrap()
        );
        assert!(parse_revision("").is_none());
    }
}
