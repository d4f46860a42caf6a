//! The shared build's guarantee (SPEC §6): every byte it wrote — pages, search
//! index, feed, assets, file and folder names — read with HTML character
//! references, percent-encoding and `\uXXXX` escapes decoded, and normalised as
//! names are matched, holds no confidential form and no phone number of the
//! repository. The build runs this before it swaps the new site in.

use std::path::Path;

use aho_corasick::AhoCorasick;

use super::Confidential;
use crate::model::Repo;
use crate::normal::{Normal, decode};

/// Phone numbers shorter than this are not looked for in output (too many
/// figures and dates would contain them); the anonymiser removes every
/// phone-shaped run of 7 or more digits anyway.
const MIN_PHONE_DIGITS: usize = 7;

/// A confidential string in an output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leak {
    /// The output file, relative to the site, `/`-separated.
    pub output: String,
    /// The form (normalised) or phone number (its digits) that matched.
    pub found: String,
    /// `file:line` of the record it belongs to.
    pub record: String,
    /// It is in the file's path, not its contents.
    pub in_path: bool,
    /// What the string is; `None` for a phone number.
    pub kind: Option<super::Kind>,
}

impl std::fmt::Display for Leak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let place = if self.in_path { "in the path of" } else { "in" };
        write!(
            f,
            "`{}` {place} {} (from {})",
            self.found, self.output, self.record
        )
    }
}

/// Looks for every form of `c` (and every phone) in text.
pub struct Scanner<'a> {
    c: &'a Confidential,
    repo: &'a Repo,
    phones: Option<AhoCorasick>,
    phone_index: Vec<usize>,
}

impl<'a> Scanner<'a> {
    pub fn new(c: &'a Confidential, repo: &'a Repo) -> Scanner<'a> {
        let phone_index: Vec<usize> = (0..c.phones.len())
            .filter(|&i| c.phones[i].digits.len() >= MIN_PHONE_DIGITS)
            .collect();
        let phones = AhoCorasick::new(phone_index.iter().map(|&i| &c.phones[i].digits)).ok();
        Scanner {
            c,
            repo,
            phones,
            phone_index,
        }
    }

    /// The confidential strings in `text` (decoded), each once. In markup
    /// (`markup`), also in its text without the tags, so that a name broken up
    /// by markup (`润<b>泽</b>`) is read as the browser shows it.
    pub fn text(&self, text: &str, output: &str, in_path: bool) -> Vec<Leak> {
        let mut leaks = self.view(text, output, in_path);
        if !in_path && (output.ends_with(".html") || output.ends_with(".xml")) {
            for l in self.view(&without_tags(text), output, in_path) {
                if !leaks.iter().any(|k| k.found == l.found) {
                    leaks.push(l);
                }
            }
        }
        leaks
    }

    fn view(&self, text: &str, output: &str, in_path: bool) -> Vec<Leak> {
        let chars = decode(text);
        let n = Normal::from_chars(chars.iter().copied(), text.len());
        let mut leaks: Vec<Leak> = Vec::new();
        let mut push = |found: &str, record: String, kind| {
            if !leaks.iter().any(|l| l.found == found) {
                leaks.push(Leak {
                    output: output.to_string(),
                    found: found.to_string(),
                    record,
                    in_path,
                    kind,
                });
            }
        };
        for (_, form) in self.c.find_normal(&n) {
            let f = &self.c.forms[form];
            push(&f.norm, self.c.location(self.repo, form), Some(f.kind));
        }
        if let Some(ac) = &self.phones {
            for run in digit_runs(&chars) {
                for m in ac.find_overlapping_iter(&run) {
                    let p = &self.c.phones[self.phone_index[m.pattern().as_usize()]];
                    push(&p.digits, super::locate(self.repo, p.file, p.at), None);
                }
            }
        }
        leaks
    }

    /// Every file under `dir`: its path and its bytes (invalid UTF-8 read
    /// lossily). Symlinks are not followed (the build writes none).
    pub fn dir(&self, dir: &Path) -> std::io::Result<Vec<Leak>> {
        use rayon::prelude::*;
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(dir).min_depth(1) {
            let entry = entry.map_err(std::io::Error::other)?;
            let rel = entry
                .path()
                .strip_prefix(dir)
                .expect("under dir")
                .to_string_lossy()
                .replace('\\', "/");
            files.push((rel, entry.file_type().is_file().then(|| entry.into_path())));
        }
        let per_file: Vec<std::io::Result<Vec<Leak>>> = files
            .par_iter()
            .map(|(rel, path)| {
                let name = rel.rsplit('/').next().unwrap_or(rel);
                let mut leaks = self.text(name, rel, true);
                if let Some(p) = path {
                    let bytes = std::fs::read(p)?;
                    leaks.extend(self.text(&String::from_utf8_lossy(&bytes), rel, false));
                }
                Ok(leaks)
            })
            .collect();
        let mut out = Vec::new();
        for r in per_file {
            out.extend(r?);
        }
        Ok(out)
    }
}

/// The digits of each run of digits and separators (`+`, `-`, `(`, `)`, `.`,
/// spaces; at most two in a row), as a phone number may be written.
fn digit_runs(chars: &[(usize, char)]) -> Vec<String> {
    let mut runs = Vec::new();
    let mut cur = String::new();
    let mut seps = 0;
    for &(_, c) in chars {
        if c.is_ascii_digit() {
            cur.push(c);
            seps = 0;
        } else if !cur.is_empty()
            && seps < 2
            && matches!(c, '+' | '-' | '(' | ')' | '.' | ' ' | '\u{A0}')
        {
            seps += 1;
        } else if !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
            seps = 0;
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs.retain(|r| r.len() >= MIN_PHONE_DIGITS);
    runs
}

/// `text` with every tag (`<…>`) and comment replaced by one space, which
/// names ignore.
fn without_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        match rest[open..].find('>') {
            Some(close) => rest = &rest[open + close + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testutil::{customer, repo};

    /// A name planted in each kind of output file, in each disguise, is found;
    /// the same files without it are clean.
    #[test]
    fn finds_a_planted_name_in_every_kind_of_file() {
        let mut c = customer("runze-logistics", None);
        c.name = "上海润泽物流有限公司".into();
        c.aliases = vec!["Runze".into()];
        c.decision_makers.push(crate::model::DecisionMaker {
            name: "宋雨桐".into(),
            title: String::new(),
            role: crate::model::Role::Buyer,
            concerns: None,
            phone: Some(crate::source::Sp::new("021-6364 1678".into(), 0..0)),
            email: None,
        });
        let (r, _) = repo(vec![], vec![c], vec![], vec![]);
        let names = Confidential::new(&r, &[]);
        let scanner = Scanner::new(&names, &r);
        let planted: &[(&str, &str, &str)] = &[
            (
                "cases/1/index.html",
                "<p>&#28070;&#x6CFD;物流</p>",
                "润泽物流",
            ),
            (
                "cases/2/index.html",
                "<p>润<strong>泽</strong>物流</p>",
                "润泽物流",
            ),
            (
                "cases/search-index.js",
                r#"{"text":"\u6da6\u6cfd"}"#,
                "润泽",
            ),
            // A part of the index: a key shard holds pairs, a text chunk whole texts.
            (
                "cases/search/k7.js",
                r#"SALESBOOK_SEARCH("k7", {"润泽":"A"});"#,
                "润泽",
            ),
            (
                "cases/search/t0.js",
                r#"SALESBOOK_SEARCH("t0", ["上海润泽物流有限公司"]);"#,
                "上海润泽物流有限公司",
            ),
            ("cases/atom.xml", "<title>ＲＵＮＺＥ</title>", "runze"),
            (
                "cases/3/index.html",
                "<a href=\"/x/%E6%B6%A6%E6%B3%BD\">a</a>",
                "润泽",
            ),
            ("static/style.css", "/* 润\u{200B}泽 */", "润泽"),
            ("cases/4/index.html", "call 021 6364-1678", "02163641678"),
            ("cases/润泽/index.html", "clean", "润泽"),
            ("cases/%E5%AE%8B%E9%9B%A8%E6%A1%90.html", "clean", "宋雨桐"),
        ];
        for (path, content, want) in planted {
            let tmp = tempfile::tempdir().unwrap();
            let file = tmp.path().join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, content.replace("\\u{200B}", "\u{200B}")).unwrap();
            std::fs::write(
                tmp.path().join("index.html"),
                "<p>客户A 上海 物流 placed</p>",
            )
            .unwrap();
            let leaks = scanner.dir(tmp.path()).unwrap();
            assert!(
                leaks
                    .iter()
                    .any(|l| l.found == *want
                        && l.output.starts_with(path.split('/').next().unwrap())),
                "{path}: {want} not found in {leaks:?}"
            );
            assert!(leaks.iter().all(|l| l.output != "index.html"), "{leaks:?}");
        }
    }

    #[test]
    fn tags_and_runs() {
        assert_eq!(without_tags("润<b>泽</b>物流<x"), "润 泽 物流 ");
        let chars: Vec<(usize, char)> = "tel: +86 (021) 6364-1678, 2023-10-08"
            .char_indices()
            .collect();
        assert_eq!(digit_runs(&chars), ["8602163641678", "20231008"]);
    }
}
