//! The data folder's history as `git log -p` tells it: commits, each file's
//! last change, and the first commit of every dated line — parsed once.

use std::collections::HashMap;
use std::io::BufRead;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One commit of the data folder's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commit {
    /// Committer time, seconds since the epoch: when the commit was made
    /// (an amended or rebased commit has its new time).
    pub time: i64,
    /// Author name.
    pub author: String,
}

impl Commit {
    pub fn instant(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.time, 0).unwrap_or_default()
    }
}

#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
struct FileHistory {
    /// The last commit (in history order) that touched the file.
    last: Option<u32>,
    /// Per trimmed line text (only lines holding a date): the commits that
    /// added an occurrence of it, earliest first.
    lines: HashMap<String, Vec<u32>>,
}

/// The parsed history of a data folder, paths relative to the data folder.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub commits: Vec<Commit>,
    files: HashMap<String, FileHistory>,
}

impl History {
    /// The earliest commit time that touched the data folder: adoption.
    pub fn adopted(&self) -> Option<i64> {
        self.commits.iter().map(|c| c.time).min()
    }

    /// The last commit that touched `rel` (a path relative to the data folder).
    pub fn last_change(&self, rel: &str) -> Option<&Commit> {
        let i = self.files.get(rel)?.last?;
        self.commits.get(i as usize)
    }

    /// Whether every commit index points into `commits` (and each line's
    /// commits are in time order): a cache file edited by hand that is not is
    /// ignored rather than indexed out of bounds.
    pub(super) fn is_consistent(&self) -> bool {
        let n = self.commits.len();
        self.files.values().all(|f| {
            f.last.is_none_or(|i| (i as usize) < n)
                && f.lines.values().all(|v| {
                    v.iter().all(|&i| (i as usize) < n)
                        && v.is_sorted_by_key(|&i| self.commits[i as usize].time)
                })
        })
    }

    /// Whether no committed file is known.
    pub fn has_no_files(&self) -> bool {
        self.files.is_empty()
    }

    /// The commits that added each occurrence of a (trimmed) line, earliest first.
    pub fn adds(&self, rel: &str, text: &str) -> &[u32] {
        self.files
            .get(rel)
            .and_then(|f| f.lines.get(text))
            .map_or(&[], Vec::as_slice)
    }
}

/// Whether a line can hold a dated value: it contains `dddd-dd-dd`. Only such
/// lines are kept from the history, which keeps the parse small.
pub fn has_date(line: &str) -> bool {
    let b = line.as_bytes();
    b.windows(10).any(|w| {
        w[4] == b'-'
            && w[7] == b'-'
            && [0, 1, 2, 3, 5, 6, 8, 9]
                .iter()
                .all(|&i| w[i].is_ascii_digit())
    })
}

/// Unquotes a C-style quoted path as git writes it (`"a/x\"y"`); returns the
/// path and the rest of the line.
fn unquote(s: &str) -> Option<(String, &str)> {
    let b = s.as_bytes();
    if b.first() != Some(&b'"') {
        return None;
    }
    let mut out = Vec::new();
    let mut i = 1;
    while i < b.len() {
        match b[i] {
            b'"' => return Some((String::from_utf8_lossy(&out).into_owned(), &s[i + 1..])),
            b'\\' if i + 1 < b.len() => {
                i += 1;
                match b[i] {
                    b'n' => out.push(b'\n'),
                    b't' => out.push(b'\t'),
                    b'r' => out.push(b'\r'),
                    b'a' => out.push(7),
                    b'b' => out.push(8),
                    b'f' => out.push(12),
                    b'v' => out.push(11),
                    d @ b'0'..=b'7' => {
                        let mut v = u32::from(d - b'0');
                        for _ in 0..2 {
                            if i + 1 < b.len() && (b'0'..=b'7').contains(&b[i + 1]) {
                                i += 1;
                                v = v * 8 + u32::from(b[i] - b'0');
                            }
                        }
                        out.push(v as u8);
                    }
                    c => out.push(c),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    None
}

/// The path of a `diff --git a/P b/P` header (renames are off: both are P).
fn diff_path(rest: &str) -> Option<String> {
    if rest.starts_with('"') {
        let (a, _) = unquote(rest)?;
        return a.strip_prefix("a/").map(str::to_string);
    }
    // "a/P b/P": P is half of what remains after the prefixes.
    let n = rest.len().checked_sub(5)?;
    if n % 2 != 0 {
        return None;
    }
    let p = rest.get(2..2 + n / 2)?;
    (rest.get(2 + n / 2..2 + n / 2 + 3) == Some(" b/")).then(|| p.to_string())
}

/// `@@ -a[,b] +c[,d] @@` → (b, d).
fn hunk_counts(line: &str) -> Option<(usize, usize)> {
    let mut parts = line.split(' ');
    parts.next()?; // @@
    let count = |s: &str| -> Option<usize> {
        match s.split_once(',') {
            Some((_, n)) => n.parse().ok(),
            None => Some(1),
        }
    };
    let minus = count(parts.next()?.strip_prefix('-')?)?;
    let plus = count(parts.next()?.strip_prefix('+')?)?;
    Some((minus, plus))
}

/// The changes of one commit, applied when the commit is complete.
#[derive(Default)]
struct Pending {
    removed: Vec<(String, String)>,
    added: Vec<(String, String)>,
}

struct Parser {
    prefix: String,
    h: History,
    commit: Option<u32>,
    path: Option<String>,
    minus: usize,
    plus: usize,
    pending: Pending,
}

impl Parser {
    fn finish_commit(&mut self) {
        let Some(c) = self.commit else { return };
        let p = std::mem::take(&mut self.pending);
        // A line removed from one file and added to another in the same commit
        // (a moved or renamed file) keeps its first commit.
        let mut removed: HashMap<&str, Vec<&str>> = HashMap::new();
        for (path, text) in &p.removed {
            removed.entry(text).or_default().push(path);
        }
        let mut consumed: HashMap<(&str, &str), usize> = HashMap::new();
        let mut adds: Vec<(&str, &str, u32)> = Vec::new();
        for (path, text) in &p.added {
            let from = removed.get_mut(text.as_str()).and_then(|v| v.pop());
            let commit = match from {
                // Moved within the file: the occurrence already counts.
                Some(q) if q == path => continue,
                Some(q) => {
                    let k = consumed.entry((q, text)).or_insert(0);
                    let carried = self.h.adds(q, text).get(*k).copied();
                    *k += 1;
                    carried.unwrap_or(c)
                }
                None => c,
            };
            adds.push((path, text, commit));
        }
        for (path, text, commit) in adds {
            let time = self.h.commits[commit as usize].time;
            let list = self
                .h
                .files
                .entry(path.to_string())
                .or_default()
                .lines
                .entry(text.to_string())
                .or_default();
            let commits = &self.h.commits;
            let at = list.partition_point(|&i| commits[i as usize].time <= time);
            list.insert(at, commit);
        }
    }

    fn line(&mut self, line: &str) {
        if self.minus > 0 || self.plus > 0 {
            if let Some(path) = &self.path {
                if let Some(t) = line.strip_prefix('-').filter(|_| self.minus > 0) {
                    self.minus -= 1;
                    if has_date(t) {
                        self.pending
                            .removed
                            .push((path.clone(), t.trim().to_string()));
                    }
                    return;
                }
                if let Some(t) = line.strip_prefix('+').filter(|_| self.plus > 0) {
                    self.plus -= 1;
                    if has_date(t) {
                        self.pending
                            .added
                            .push((path.clone(), t.trim().to_string()));
                    }
                    return;
                }
            }
            if line.starts_with('\\') {
                return; // "\ No newline at end of file"
            }
            self.minus = 0;
            self.plus = 0;
        }
        if let Some(rest) = line.strip_prefix('\x01') {
            self.finish_commit();
            let (time, author) = rest.split_once('\t').unwrap_or((rest, ""));
            self.h.commits.push(Commit {
                time: time.trim().parse().unwrap_or(0),
                author: author.to_string(),
            });
            self.commit = Some(self.h.commits.len() as u32 - 1);
            self.path = None;
        } else if let Some(rest) = line.strip_prefix("diff --git ") {
            self.path = diff_path(rest)
                .and_then(|p| p.strip_prefix(self.prefix.as_str()).map(str::to_string));
            if let (Some(path), Some(c)) = (&self.path, self.commit) {
                self.h.files.entry(path.clone()).or_default().last = Some(c);
            }
        } else if line.starts_with("@@ ")
            && let Some((m, p)) = hunk_counts(line)
        {
            self.minus = m;
            self.plus = p;
        }
    }
}

/// Parses `git log --format=%x01%ct%x09%an -p --unified=0` output. Paths are
/// relative to the repository root; `prefix` (the data folder's, from
/// `git rev-parse --show-prefix`) is stripped from them.
pub fn parse(input: impl BufRead, prefix: &str) -> History {
    parse_onto(History::default(), input, prefix)
}

/// Continues `history` with the commits of `input`, which must be the commits
/// that follow it (`git log A..C` after the history up to A): the result is
/// the same as parsing the whole log at once.
pub fn parse_onto(history: History, mut input: impl BufRead, prefix: &str) -> History {
    let mut p = Parser {
        prefix: prefix.to_string(),
        h: history,
        commit: None,
        path: None,
        minus: 0,
        plus: 0,
        pending: Pending::default(),
    };
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        if buf.last() == Some(&b'\n') {
            buf.pop();
        }
        p.line(&String::from_utf8_lossy(&buf));
    }
    p.finish_commit();
    p.h
}

// ---------------------------------------------------------------------------
// Entry lags: pure functions of the history and the model.

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "\x011697000000\t李四
diff --git a/data/deals/x.toml b/data/deals/x.toml
new file mode 100644
index 0000000..1111111
--- /dev/null
+++ b/data/deals/x.toml
@@ -0,0 +1,4 @@
+customer = \"a\"
+[[activities]]
+date = 2023-10-10
+date = 2023-10-10
\x011697100000\t王五
diff --git a/data/deals/x.toml b/data/deals/x.toml
index 1111111..2222222 100644
--- a/data/deals/x.toml
+++ b/data/deals/x.toml
@@ -4 +4,2 @@
-date = 2023-10-10
+date = 2023-10-10
+date = 2023-10-12
\\ No newline at end of file
diff --git \"a/data/leads/\\\"q\\\".toml\" \"b/data/leads/\\\"q\\\".toml\"
new file mode 100644
--- /dev/null
+++ \"b/data/leads/\\\"q\\\".toml\"
@@ -0,0 +1 @@
+first_contact = 2023-10-08T15:30:00
\x011697200000\t张三
diff --git a/data/deals/x.toml b/data/deals/x.toml
deleted file mode 100644
--- a/data/deals/x.toml
+++ /dev/null
@@ -1,5 +0,0 @@
-customer = \"a\"
-[[activities]]
-date = 2023-10-10
-date = 2023-10-10
-date = 2023-10-12
diff --git a/data/deals/2023/x.toml b/data/deals/2023/x.toml
new file mode 100644
--- /dev/null
+++ b/data/deals/2023/x.toml
@@ -0,0 +1,3 @@
+date = 2023-10-10
+date = 2023-10-12
+date = 2023-10-13
";

    #[test]
    fn parses_adds_moves_and_quoted_paths() {
        let h = parse(LOG.as_bytes(), "data/");
        assert_eq!(h.commits.len(), 3);
        assert_eq!(h.adopted(), Some(1697000000));
        assert_eq!(h.last_change("deals/x.toml").unwrap().author, "张三");
        assert_eq!(h.last_change("leads/\"q\".toml").unwrap().author, "王五");
        // Two occurrences added by the first commit; the re-added line moved in place.
        assert_eq!(h.adds("deals/x.toml", "date = 2023-10-10"), &[0, 0]);
        assert_eq!(h.adds("deals/x.toml", "date = 2023-10-12"), &[1]);
        assert_eq!(h.adds("deals/x.toml", "customer = \"a\""), &[] as &[u32]);
        // Moved to a sub-folder: the lines keep their first commits.
        assert_eq!(h.adds("deals/2023/x.toml", "date = 2023-10-10"), &[0]);
        assert_eq!(h.adds("deals/2023/x.toml", "date = 2023-10-12"), &[1]);
        assert_eq!(h.adds("deals/2023/x.toml", "date = 2023-10-13"), &[2]);
        assert_eq!(
            h.adds("leads/\"q\".toml", "first_contact = 2023-10-08T15:30:00"),
            &[1]
        );
    }

    #[test]
    fn continuing_a_parsed_history_equals_parsing_it_whole() {
        let whole = parse(LOG.as_bytes(), "data/");
        // Split before each commit: the cached history up to it, then the rest
        // (the third commit moves lines the first two added).
        for (at, _) in LOG.match_indices('\x01').skip(1) {
            let (first, rest) = LOG.split_at(at);
            let head = parse(first.as_bytes(), "data/");
            assert!(head.commits.len() < whole.commits.len());
            assert_eq!(parse_onto(head, rest.as_bytes(), "data/"), whole);
        }
        // The cache's round trip keeps everything the lags are computed from.
        let json = serde_json::to_vec(&whole).unwrap();
        assert_eq!(serde_json::from_slice::<History>(&json).unwrap(), whole);
        assert!(whole.is_consistent());
        // A commit index past the commits (a hand-edited cache) is refused.
        let mut broken = parse(LOG.as_bytes(), "data/");
        broken.commits.pop();
        assert!(!broken.is_consistent());
    }

    #[test]
    fn helpers() {
        assert!(has_date("date = 2023-10-10"));
        assert!(!has_date("date = 2023-1-10"));
        assert_eq!(
            diff_path("a/x y.toml b/x y.toml").as_deref(),
            Some("x y.toml")
        );
        assert_eq!(hunk_counts("@@ -4 +4,2 @@"), Some((1, 2)));
        assert_eq!(hunk_counts("@@ -0,0 +1 @@ x"), Some((0, 1)));
    }
}
