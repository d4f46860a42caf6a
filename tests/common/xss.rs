//! The XSS data repository: the sample with the payload corpus written into every
//! free-text field of every record kind and appended to every Markdown body.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use toml_edit::{DocumentMut, Item, Value};

pub use super::{copy_dir, files, read};

/// tests/fixtures/xss/payloads.txt: one payload a line, `#` lines are comments,
/// a literal `\n` is a line break and `\u{1b}` a character by its code.
pub struct Corpus {
    pub payloads: Vec<String>,
}

impl Corpus {
    pub fn load() -> Corpus {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xss/payloads.txt");
        let payloads = read(&path)
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(unescape)
            .collect();
        Corpus { payloads }
    }
}

/// A corpus line: `\n` is a line break, `\u{1b}` a character by its code.
fn unescape(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find('\\') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if let Some(r) = rest.strip_prefix("\\n") {
            out.push('\n');
            rest = r;
        } else if let Some((code, r)) = rest
            .strip_prefix("\\u{")
            .and_then(|r| r.split_once('}'))
            .and_then(|(h, r)| Some((char::from_u32(u32::from_str_radix(h, 16).ok()?)?, r)))
        {
            out.push(code);
            rest = r;
        } else {
            out.push('\\');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The markers (`X17`) a payload calls.
pub fn markers(p: &str) -> Vec<String> {
    let b = p.as_bytes();
    (0..b.len().saturating_sub(2))
        .filter(|&i| {
            b[i] == b'X'
                && b[i + 1].is_ascii_digit()
                && b[i + 2].is_ascii_digit()
                && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
        })
        .map(|i| p[i..i + 3].to_string())
        .collect()
}

/// Fields whose values have a format (ids, references, enumerations, contact
/// details, codes): a payload there would make the data invalid, not test escaping.
const FORMAT_KEYS: &[&str] = &[
    "id", "source", "owner", "status", "stage", "kind", "role", "customer", "lead", "deal",
    "author", "result", "area", "grade", "priority", "phone", "email", "language", "currency",
    "timezone", "group", "kpi",
];

/// FNV-1a: a payload chosen by the original text, so equal texts (a stage's
/// outputs in pipeline.toml and in deals, a customer's name in its lead) stay equal.
fn fnv(s: &str) -> usize {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h as usize
}

struct Injector<'a> {
    corpus: &'a Corpus,
    /// Rotation offset per file, so the same text in different files still
    /// meets different payloads where equality does not matter (notes, bodies).
    salt: usize,
    fields: usize,
}

impl Injector<'_> {
    fn payload(&self, original: &str, key: &str) -> &str {
        let n = self.corpus.payloads.len();
        // Texts that must match across records keep a text-determined payload.
        let keyed = matches!(key, "name" | "company" | "outputs" | "industry" | "tags");
        let i = if keyed {
            fnv(original)
        } else {
            fnv(original).wrapping_add(self.salt)
        };
        &self.corpus.payloads[i % n]
    }

    fn value(&mut self, key: &str, v: &mut Value) {
        match v {
            // Tags with a payload are not valid folder names and get no tag
            // page; every other file keeps its tags, so tag pages are built too.
            Value::String(_) if key == "tags" && self.salt.is_multiple_of(2) => {}
            Value::String(s) => {
                let original = s.value().clone();
                let new = format!("{original} {}", self.payload(&original, key));
                *v = Value::from(new);
                self.fields += 1;
            }
            Value::Array(a) => a.iter_mut().for_each(|x| self.value(key, x)),
            Value::InlineTable(t) => {
                for (k, x) in t.iter_mut() {
                    if !FORMAT_KEYS.contains(&k.get()) {
                        self.value(k.get(), x);
                    }
                }
            }
            _ => {}
        }
    }

    fn item(&mut self, key: &str, it: &mut Item) {
        match it {
            Item::Value(v) => self.value(key, v),
            Item::Table(t) => {
                for (k, x) in t.iter_mut() {
                    if !FORMAT_KEYS.contains(&k.get()) {
                        self.item(k.get(), x);
                    }
                }
            }
            Item::ArrayOfTables(a) => {
                for t in a.iter_mut() {
                    for (k, x) in t.iter_mut() {
                        if !FORMAT_KEYS.contains(&k.get()) {
                            self.item(k.get(), x);
                        }
                    }
                }
            }
            Item::None => {}
        }
    }

    fn toml(&mut self, text: &str, record: bool) -> String {
        let mut doc: DocumentMut = text.parse().expect("sample TOML parses");
        self.item("", doc.as_item_mut());
        if record {
            // Custom fields: their names are shown as labels too.
            let n = self.corpus.payloads.len();
            let key = self.corpus.payloads[(self.salt * 7) % n].clone();
            let extra = doc
                .entry("extra")
                .or_insert(toml_edit::table())
                .as_table_mut()
                .expect("[extra] is a table");
            extra.insert(&key, toml_edit::value("extra value"));
            self.fields += 1;
        }
        doc.to_string()
    }
}

/// Writes the payloads into the repository at `data` (a copy of the sample);
/// returns the number of text fields changed.
pub fn inject(data: &Path, corpus: &Corpus) -> usize {
    let mut fields = 0;
    let mut body = 0usize;
    for (salt, f) in files(data).into_iter().enumerate() {
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
        let text = read(&f);
        let mut inj = Injector {
            corpus,
            salt,
            fields: 0,
        };
        let record = !f.ends_with("pipeline.toml");
        let new = match ext {
            "toml" => inj.toml(&text, record),
            "md" => {
                // `+++\n<toml>+++\n<body>`
                let rest = text.strip_prefix("+++\n").expect("front matter");
                let end = rest.find("\n+++\n").expect("front matter end");
                let (front, body_text) = (&rest[..end + 1], &rest[end + 5..]);
                let mut out = format!("+++\n{}+++\n{body_text}", inj.toml(front, true));
                // Four payloads per body, in rotation, each its own block.
                for _ in 0..4 {
                    let p = &corpus.payloads[body % corpus.payloads.len()];
                    body += 1;
                    out.push_str(&format!("\n\n{p}\n\nX-inline {p} end\n"));
                }
                out
            }
            _ => continue,
        };
        fields += inj.fields;
        std::fs::write(&f, new).unwrap();
    }
    fields
}

/// Tags that try to leave `cases/tags/` when used as a folder name.
pub const HOSTILE_TAGS: [&str; 3] = [
    "../../../evil-x94",
    "<img src=x onerror=alert('X95')>/..",
    "..",
];

/// The XSS sites, built once per test binary: team and shared audiences.
pub struct XssSites {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
    pub data: PathBuf,
    pub team: PathBuf,
    pub shared: PathBuf,
    pub corpus: Corpus,
    pub fields: usize,
}

/// Payloads put in front of one shareable case's title, which the search index
/// and the Atom feed of both sites carry: script-element breakouts, an HTML
/// comment opener and a CDATA end.
pub const FEED_TITLE: &str = "</script><script>alert('X12')</script> <!--<script>alert('X72')</script> ]]><script>alert('X15')</script><![CDATA[ ";

/// Characters XML 1.0 forbids, before [`FEED_TITLE`]: they must not make the
/// feed ill-formed.
pub const FEED_CONTROLS: &str = "ctl\u{1}\u{b}\u{1b}[31m\u{fffe} ";

/// Copies the sample into `root/data`, injects the corpus, and gives the
/// shareable case a-tech-win the hostile tags and [`FEED_TITLE`].
pub fn xss_data(root: &Path) -> (PathBuf, Corpus, usize) {
    let data = root.join("data");
    copy_dir(&super::sample(), &data);
    let corpus = Corpus::load();
    let fields = inject(&data, &corpus);
    let case = data.join("cases/a-tech-win.md");
    let text = read(&case);
    let rest = text.strip_prefix("+++\n").unwrap();
    let end = rest.find("\n+++\n").unwrap();
    let mut front: DocumentMut = rest[..end + 1].parse().unwrap();
    let title = front["title"].as_str().unwrap().to_string();
    front["title"] = toml_edit::value(format!("{FEED_CONTROLS}{FEED_TITLE}{title}"));
    let tags = front["tags"].as_array_mut().unwrap();
    for (i, t) in HOSTILE_TAGS.iter().enumerate() {
        tags.insert(i, *t);
    }
    std::fs::write(&case, format!("+++\n{front}+++\n{}", &rest[end + 5..])).unwrap();
    commit(&data);
    (data, corpus, fields)
}

/// A commit author's name, shown as "last changed by" on the team site. Git
/// itself drops `<`, `>` and newlines from names, so quotes and URLs are tried.
pub const GIT_AUTHOR: &str =
    "\"onmouseover=\"alert('X97')\" ' autofocus onfocus='alert(`X97`)' javascript:alert('X97')";

/// The author name as git stored it (git trims quotes and dots at its ends).
pub fn git_author(data: &Path) -> String {
    let o = std::process::Command::new("git")
        .args(["log", "-1", "--format=%an"])
        .current_dir(data)
        .output()
        .expect("git runs");
    let name = String::from_utf8(o.stdout).unwrap().trim_end().to_string();
    assert!(name.contains("alert('X97')"), "{name}");
    name
}

/// Commits the data folder as [`GIT_AUTHOR`], so git's text reaches the pages.
fn commit(data: &Path) {
    let git = |args: &[&str]| {
        let o = std::process::Command::new("git")
            .args(args)
            .current_dir(data)
            .env("GIT_AUTHOR_NAME", GIT_AUTHOR)
            .env("GIT_AUTHOR_EMAIL", "x@example.com")
            .env("GIT_COMMITTER_NAME", GIT_AUTHOR)
            .env("GIT_COMMITTER_EMAIL", "x@example.com")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", data)
            .output()
            .expect("git runs");
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "<script>alert('X94')</script>"]);
}

pub fn xss_sites() -> &'static XssSites {
    static SITES: OnceLock<XssSites> = OnceLock::new();
    SITES.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let (data, corpus, fields) = xss_data(&root);
        let team = root.join("team");
        let shared = root.join("shared");
        std::thread::scope(|s| {
            s.spawn(|| super::build_site(&data, &team, &[]));
            s.spawn(|| super::build_site(&data, &shared, &["--audience", "shared"]));
        });
        XssSites {
            _tmp: tmp,
            root,
            data,
            team,
            shared,
            corpus,
            fields,
        }
    })
}
