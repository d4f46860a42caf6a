//! The hostile-input suite (issue #7): malformed or adversarial repositories and
//! files. Every case asserts the exit code (0 or 1, never 101 or a signal), the
//! diagnostic code, file and — where one value is at fault — line and column, or
//! the documented acceptance; cases that load are also run through `build` and
//! `export`, which must not crash nor leave half-written output. The map from
//! the list to these tests, and the measured bounds, are in
//! docs/robustness.md.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

mod common;
use common::base::*;

/// The largest file salesbook reads (src/load `MAX_FILE_BYTES`).
const MAX_FILE_BYTES: usize = 10 << 20;

/// A generous bound on any child's peak RSS: the worst measured case (a 10 MiB
/// file of small tables, debug build) stays near 450 MiB (docs/robustness.md).
const RSS_BOUND_KIB: i64 = 1 << 20;

/// A temporary folder holding the data repository in `data/`, so that build and
/// export outputs can go beside it and nothing may appear anywhere else.
struct Repo {
    tmp: TempDir,
}

impl Repo {
    fn data(&self) -> PathBuf {
        self.tmp.path().join("data")
    }

    fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
        write(&self.data(), rel, content);
    }

    fn remove(&self, rel: &str) {
        std::fs::remove_file(self.data().join(rel)).unwrap();
    }
}

/// A small valid repository: one record of each kind.
fn base() -> Repo {
    let repo = Repo {
        tmp: tempfile::tempdir().expect("temp dir"),
    };
    write_base(&repo.data());
    repo
}

struct Run {
    code: i32,
    diags: Vec<Value>,
    stderr: String,
}

impl Run {
    fn codes(&self) -> Vec<&str> {
        self.diags
            .iter()
            .map(|d| d["code"].as_str().unwrap_or_default())
            .collect()
    }

    fn in_file(&self, file: &str) -> Vec<&Value> {
        self.diags.iter().filter(|d| d["file"] == file).collect()
    }

    /// The first diagnostic of `code` in `file`; fails the test when none.
    fn find(&self, code: &str, file: &str) -> &Value {
        self.diags
            .iter()
            .find(|d| d["code"] == code && d["file"] == file)
            .unwrap_or_else(|| panic!("expected `{code}` in {file}, got {:#?}", self.diags))
    }

    /// Asserts `code` in `file` at `line`:`column`.
    fn at(&self, code: &str, file: &str, line: u64, column: u64) -> &Value {
        self.diags
            .iter()
            .find(|d| {
                d["code"] == code && d["file"] == file && d["line"] == line && d["column"] == column
            })
            .unwrap_or_else(|| {
                panic!(
                    "expected `{code}` at {file}:{line}:{column}, got {:#?}",
                    self.diags
                )
            })
    }
}

/// Runs salesbook with `args` and asserts that it did not crash: an exit code
/// (not a signal), not 101, no "panicked" and no stack overflow message.
fn run(args: &[&str], data: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_salesbook"))
        .args(args)
        .arg("--data")
        .arg(data)
        .env("NO_COLOR", "1")
        .timeout(std::time::Duration::from_secs(300))
        .output()
        .expect("run salesbook");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let head = &stderr[..stderr.len().min(4000)];
    assert!(!stderr.contains("panicked"), "salesbook panicked:\n{head}");
    assert!(
        !stderr.contains("overflow"),
        "salesbook overflowed:\n{head}"
    );
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("salesbook was killed ({:?}):\n{head}", out.status));
    assert_ne!(code, 101, "salesbook panicked:\n{head}");
    let stdout = String::from_utf8(out.stdout).expect("output is UTF-8");
    (code, stdout, stderr)
}

/// `check --format json`.
fn check(data: &Path) -> Run {
    let (code, stdout, stderr) = run(&["check", "--format", "json"], data);
    let diags = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad JSON line {l:?}: {e}")))
        .collect();
    Run {
        code,
        diags,
        stderr,
    }
}

/// Asserts exit 1 with a diagnostic of `code` in `file`.
fn rejects(data: &Path, code: &str, file: &str) -> Run {
    let run = check(data);
    assert_eq!(run.code, 1, "{:#?}\n{}", run.diags, run.stderr);
    run.find(code, file);
    run
}

/// Asserts exit 0 and no diagnostic at all.
fn accepts(data: &Path) -> Run {
    let run = check(data);
    assert_eq!((run.code, &run.diags), (0, &vec![]), "{}", run.stderr);
    run
}

/// Builds the site into `site/` beside the data and exports into `export/`;
/// returns the exit code of each. On exit 0 the output exists and holds no
/// leftover temporary folder; on exit 1 nothing was written. Nothing appears
/// outside those two folders.
fn build_and_export(repo: &Repo) -> (i32, i32) {
    let root = repo.tmp.path();
    let site = root.join("site");
    let export = root.join("export");
    let (built, _, stderr) = run(
        &["build", "--quiet", "--out", site.to_str().unwrap()],
        &repo.data(),
    );
    assert!(matches!(built, 0 | 1), "build exit {built}: {stderr}");
    assert_eq!(site.join("index.html").is_file(), built == 0, "{stderr}");
    let (exported, _, stderr) = run(
        &["export", "--quiet", "--out", export.to_str().unwrap()],
        &repo.data(),
    );
    assert!(
        matches!(exported, 0 | 1),
        "export exit {exported}: {stderr}"
    );
    assert_eq!(
        export.join("kpis.json").is_file(),
        exported == 0,
        "{stderr}"
    );
    let mut names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let expected: Vec<&str> = ["data", "export", "site"]
        .into_iter()
        .filter(|n| *n == "data" || root.join(n).exists())
        .collect();
    assert_eq!(names, expected, "no temporary or stray output");
    (built, exported)
}

/// Every file below `dir` (relative paths) with its text, for output scans.
fn files(dir: &Path) -> Vec<(String, String)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let text = String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned();
            (rel, text)
        })
        .collect()
}

/// The largest peak RSS (KiB) of any child process waited for so far.
fn children_max_rss_kib() -> i64 {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    assert_eq!(rc, 0);
    usage.ru_maxrss
}

fn assert_rss_bounded() {
    let rss = children_max_rss_kib();
    assert!(
        rss < RSS_BOUND_KIB,
        "a salesbook run peaked at {} MiB",
        rss >> 10
    );
}

#[test]
fn the_base_is_valid_and_builds() {
    let repo = base();
    accepts(&repo.data());
    assert_eq!(build_and_export(&repo), (0, 0));
}

// ---- encodings ----------------------------------------------------------------------------

#[test]
fn latin1_text_points_at_the_first_bad_byte() {
    let repo = base();
    // "Café" in Latin-1: é is the single byte 0xE9, at line 3, column 15.
    let mut bytes = LEAD.replace("A科技有限公司", "Caf").into_bytes();
    let at = bytes.windows(4).position(|w| w == b"Caf\"").unwrap() + 3;
    bytes.insert(at, 0xe9);
    repo.write("leads/LX001.toml", bytes);
    let run = rejects(&repo.data(), "not-utf8", "leads/LX001.toml");
    let d = run.at("not-utf8", "leads/LX001.toml", 3, 15);
    assert!(d["message"].as_str().unwrap().contains("0xE9"), "{d}");
    // Only that: the lead is not parsed any further.
    assert_eq!(run.in_file("leads/LX001.toml").len(), 1, "{:#?}", run.diags);
}

#[test]
fn gbk_text_in_a_markdown_body() {
    let repo = base();
    // "测试" in GBK on the body's first line (line 7).
    let mut bytes = CUSTOMER.replace("Research notes.\n", "").into_bytes();
    bytes.extend([0xb2, 0xe2, 0xca, 0xd4, b'\n']);
    repo.write("customers/a-tech.md", bytes);
    let run = rejects(&repo.data(), "not-utf8", "customers/a-tech.md");
    run.at("not-utf8", "customers/a-tech.md", 7, 1);
}

#[test]
fn utf16_big_endian_with_bom() {
    let repo = base();
    let mut bytes = vec![0xfe, 0xff];
    bytes.extend(DEAL.encode_utf16().flat_map(u16::to_be_bytes));
    repo.write("deals/a-tech-2023.toml", bytes);
    let run = rejects(&repo.data(), "not-utf8", "deals/a-tech-2023.toml");
    let d = run.at("not-utf8", "deals/a-tech-2023.toml", 1, 1);
    assert!(d["message"].as_str().unwrap().contains("UTF-16"), "{d}");
}

#[test]
fn utf16_without_bom_is_nul_bytes() {
    // Without a BOM, UTF-16 ASCII text is valid UTF-8 full of NULs: TOML refuses it.
    let repo = base();
    let bytes: Vec<u8> = DEAL.encode_utf16().flat_map(u16::to_le_bytes).collect();
    repo.write("deals/a-tech-2023.toml", bytes);
    let run = rejects(&repo.data(), "toml-syntax", "deals/a-tech-2023.toml");
    run.at("toml-syntax", "deals/a-tech-2023.toml", 1, 2);
}

#[test]
fn utf8_bom_on_every_kind_is_accepted_and_builds() {
    let repo = base();
    for (path, text) in BASE {
        repo.write(path, format!("\u{feff}{text}"));
    }
    accepts(&repo.data());
    assert_eq!(build_and_export(&repo), (0, 0));
}

#[test]
fn a_doubled_bom_is_accepted_but_not_one_inside_a_value() {
    // The TOML parser skips a BOM too, so a doubled one (an editor adding its
    // own) is accepted; a BOM elsewhere is text like any other character.
    let repo = base();
    repo.write("leads/LX001.toml", format!("\u{feff}\u{feff}{LEAD}"));
    accepts(&repo.data());
    repo.write(
        "leads/LX001.toml",
        LEAD.replace("owner = ", "\u{feff}owner = "),
    );
    let run = rejects(&repo.data(), "toml-syntax", "leads/LX001.toml");
    assert_eq!(run.find("toml-syntax", "leads/LX001.toml")["line"], 5);
}

// ---- NUL bytes ----------------------------------------------------------------------------

#[test]
fn nul_byte_inside_a_toml_string() {
    let repo = base();
    repo.write("leads/LX001.toml", LEAD.replace("A科技有限公司", "A\0B"));
    let run = rejects(&repo.data(), "toml-syntax", "leads/LX001.toml");
    run.at("toml-syntax", "leads/LX001.toml", 3, 13);
}

#[test]
fn nul_bytes_in_a_markdown_body_are_accepted_and_built() {
    let repo = base();
    repo.write(
        "cases/a-tech-win.md",
        CASE.replace("一次通过", "一次\0\0通过"),
    );
    accepts(&repo.data());
    assert_eq!(build_and_export(&repo), (0, 0));
    let page =
        std::fs::read_to_string(repo.tmp.path().join("site/cases/a-tech-win/index.html")).unwrap();
    assert!(!page.contains('\0'), "no NUL reaches HTML");
    assert!(page.contains("一次通过"), "the sanitiser drops the NULs");
}

/// NUL and U+0001 written as TOML escapes in text fields of every kind reach no
/// page, no CSV and no JSON of the export as raw characters.
#[test]
fn control_characters_in_record_text_reach_no_output() {
    let repo = base();
    repo.write(
        "leads/LX001.toml",
        LEAD.replace("A科技有限公司", "A\\u0000科技\\u0001有限公司"),
    );
    repo.write(
        "customers/a-tech.md",
        CUSTOMER.replace("制造业", "制造\\u0001业"),
    );
    repo.write(
        "cases/a-tech-win.md",
        CASE.replace("一次通过", "一次\u{1}通过"),
    );
    accepts(&repo.data());
    assert_eq!(build_and_export(&repo), (0, 0));
    let mut seen = 0;
    for dir in ["site", "export"] {
        for (rel, text) in files(&repo.tmp.path().join(dir)) {
            assert!(!text.contains(['\0', '\u{1}']), "{dir}/{rel}");
            seen += usize::from(text.contains("A科技有限公司") || text.contains("一次通过"));
        }
    }
    assert!(seen > 3, "the texts themselves are there ({seen} files)");
}

/// An amount unit far from 元…万亿 would print hundreds of digits (`1e-300`) or
/// nothing (`inf`, `nan`) on every page.
#[test]
fn amount_units_outside_yuan_to_wan_yi_are_refused() {
    for unit in ["1e-300", "0.5", "inf", "nan", "1e13"] {
        let repo = base();
        repo.write(
            "pipeline.toml",
            PIPELINE.replace(
                "as_of = 2023-10-31",
                &format!("as_of = 2023-10-31\namount_unit = {unit}"),
            ),
        );
        let run = rejects(&repo.data(), "out-of-range", "pipeline.toml");
        run.at("out-of-range", "pipeline.toml", 4, 15);
    }
    let repo = base();
    repo.write(
        "pipeline.toml",
        PIPELINE.replace(
            "as_of = 2023-10-31",
            "as_of = 2023-10-31\namount_unit = 1e8",
        ),
    );
    accepts(&repo.data());
}

#[test]
fn nul_escapes_in_references() {
    let repo = base();
    repo.write(
        "deals/a-tech-2023.toml",
        DEAL.replace("\"a-tech\"", "\"a-tech\\u0000\""),
    );
    let run = rejects(&repo.data(), "dangling-reference", "deals/a-tech-2023.toml");
    run.at("dangling-reference", "deals/a-tech-2023.toml", 1, 12);
}

// ---- sizes --------------------------------------------------------------------------------

/// A valid lead padded with `[extra]` notes to exactly `size` bytes.
fn lead_of_size(size: usize) -> String {
    let mut text = String::with_capacity(size + 64);
    text.push_str(LEAD);
    text.push_str("\n[extra]\n");
    let mut i = 0;
    while text.len() + 200 < size {
        text.push_str(&format!("k{i} = \"{}\"\n", "备注".repeat(20)));
        i += 1;
    }
    // Pad the rest with one comment line.
    let pad = size - text.len() - 1;
    text.push_str(&"#".repeat(pad));
    text.push('\n');
    assert_eq!(text.len(), size);
    text
}

#[test]
fn a_file_at_the_size_limit_is_read() {
    let repo = base();
    repo.write("leads/LX001.toml", lead_of_size(MAX_FILE_BYTES));
    accepts(&repo.data());
    assert_rss_bounded();
}

#[test]
fn a_file_one_byte_over_the_limit_is_refused() {
    let repo = base();
    repo.write("leads/LX001.toml", lead_of_size(MAX_FILE_BYTES + 1));
    let run = rejects(&repo.data(), "read-error", "leads/LX001.toml");
    let d = run.at("read-error", "leads/LX001.toml", 1, 1);
    assert!(d["message"].as_str().unwrap().contains("10 MiB"), "{d}");
    // A refused lead still exists for references: no cascade.
    assert_eq!(run.diags.len(), 1, "{:#?}", run.diags);
}

#[test]
fn fifty_mb_files_of_every_kind_are_refused_unread() {
    let repo = base();
    let big = "x".repeat(50 << 20);
    repo.write("leads/LX001.toml", format!("{LEAD}# {big}\n"));
    repo.write("cases/a-tech-win.md", format!("{CASE}{big}\n"));
    repo.write("pipeline.toml", format!("{PIPELINE}# {big}\n"));
    let run = rejects(&repo.data(), "read-error", "leads/LX001.toml");
    run.at("read-error", "cases/a-tech-win.md", 1, 1);
    run.at("read-error", "pipeline.toml", 1, 1);
    let d = run.find("read-error", "leads/LX001.toml");
    assert!(d["message"].as_str().unwrap().contains("50.0 MiB"), "{d}");
    assert_rss_bounded();
}

#[test]
fn a_100000_line_markdown_case_is_accepted_and_built() {
    let repo = base();
    let mut case = CASE.to_string();
    for i in 1..=100_000 {
        case.push_str(&format!("- 第{i}条复盘要点 point {i}\n"));
    }
    repo.write("cases/a-tech-win.md", &case);
    accepts(&repo.data());
    assert_eq!(build_and_export(&repo), (0, 0));
    let page =
        std::fs::read_to_string(repo.tmp.path().join("site/cases/a-tech-win/index.html")).unwrap();
    assert!(
        page.contains("第100000条复盘要点"),
        "the whole body is shown"
    );
    assert_rss_bounded();
}

#[test]
fn personal_data_on_line_100_009_of_a_case() {
    let repo = base();
    let mut case = CASE.to_string();
    case.push_str(&"一行普通的复盘文字。\n".repeat(100_000));
    case.push_str("客户电话 13812345678\n");
    repo.write("cases/a-tech-win.md", &case);
    let run = check(&repo.data());
    assert_eq!(run.code, 0, "a warning: {:#?}", run.diags);
    // 8 lines of the case, 100,000 of text, then the phone number.
    run.at("personal-data-in-case", "cases/a-tech-win.md", 100_009, 6);
}

// ---- nesting ------------------------------------------------------------------------------

#[test]
fn a_100000_level_nesting() {
    let n = 100_000;
    for text in [
        format!("a = {}{}\n", "[".repeat(n), "]".repeat(n)),
        format!("a = {}1{}\n", "{ b = ".repeat(n), " }".repeat(n)),
        format!("{} = 1\n", vec!["a"; n].join(".")),
    ] {
        let repo = base();
        repo.write("leads/LX001.toml", &text);
        let run = check(&repo.data());
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(
            !run.in_file("leads/LX001.toml").is_empty(),
            "{:#?}",
            run.diags
        );
    }
}

#[test]
fn deeply_nested_markdown_is_built() {
    let n = 10_000;
    let repo = base();
    let quotes = format!("{} 引用\n", ">".repeat(n));
    // Nested lists need two spaces a level: 1,000 levels are 1 MB already.
    let lists: String = (0..1_000)
        .map(|i| format!("{}- 第{i}层\n", "  ".repeat(i)))
        .collect();
    let emphasis = format!("{}x{}\n", "*_".repeat(n), "_*".repeat(n));
    let links = format!("{}x{}\n", "[".repeat(n), "](u)".repeat(n));
    repo.write(
        "cases/a-tech-win.md",
        format!("{CASE}\n{quotes}\n{lists}\n{emphasis}\n{links}"),
    );
    // 200,000 nested `<div>` (1 MB; 100,000 took 14 s in the sanitiser): shown
    // as text, in linear time.
    repo.write(
        "customers/a-tech.md",
        format!("{CUSTOMER}\n{}\n", "<div>".repeat(200_000)),
    );
    accepts(&repo.data());
    assert_eq!(build_and_export(&repo), (0, 0));
    let page =
        std::fs::read_to_string(repo.tmp.path().join("site/customers/a-tech/index.html")).unwrap();
    assert!(page.contains("&lt;div&gt;&lt;div&gt;"), "shown as text");
    assert!(!page.contains("<div><div>"));
}

#[test]
fn deeply_nested_extra_is_built() {
    let n = 10_000;
    let repo = base();
    repo.write(
        "customers/a-tech.md",
        CUSTOMER.replace(
            "lead = \"LX001\"\n",
            &format!(
                "lead = \"LX001\"\n[extra]\nx = {}{}\ny = {}1{}\n",
                "[".repeat(n),
                "]".repeat(n),
                "{ b = ".repeat(n),
                " }".repeat(n)
            ),
        ),
    );
    let run = check(&repo.data());
    assert!(matches!(run.code, 0 | 1), "{}", run.stderr);
    if run.code == 0 {
        build_and_export(&repo);
    } else {
        run.find("toml-syntax", "customers/a-tech.md");
    }
}

// ---- huge arrays --------------------------------------------------------------------------

#[test]
fn a_1_000_000_element_tags_array() {
    let repo = base();
    let tags: Vec<String> = (0..1_000_000).map(|i| format!("\"t{}\"", i % 3)).collect();
    repo.write(
        "cases/a-tech-win.md",
        CASE.replace("author", &format!("tags = [{}]\nauthor", tags.join(","))),
    );
    accepts(&repo.data());
    assert_eq!(build_and_export(&repo), (0, 0));
    let tag =
        std::fs::read_to_string(repo.tmp.path().join("site/cases/tags/t1/index.html")).unwrap();
    assert_eq!(
        tag.matches("a-tech-win/index.html").count(),
        1,
        "the case once per tag"
    );
    // A million different tags would be a million pages: at most 100 per case.
    let tags: Vec<String> = (0..1_000_000).map(|i| format!("\"t{i}\"")).collect();
    repo.write(
        "cases/a-tech-win.md",
        CASE.replace("author", &format!("tags = [{}]\nauthor", tags.join(","))),
    );
    let run = rejects(&repo.data(), "out-of-range", "cases/a-tech-win.md");
    run.at("out-of-range", "cases/a-tech-win.md", 6, 8);
    assert_rss_bounded();
}

#[test]
fn a_1_000_000_element_extra_array() {
    let repo = base();
    let xs: Vec<String> = (0..1_000_000).map(|i| i.to_string()).collect();
    repo.write(
        "leads/LX001.toml",
        format!("{LEAD}\n[extra]\nxs = [{}]\n", xs.join(", ")),
    );
    accepts(&repo.data());
    assert_rss_bounded();
}

#[test]
fn a_million_activities_are_refused_by_size_and_200_000_load() {
    let activity = "\n[[activities]]\ndate = 2023-10-18\nkind = \"call\"\n";
    let repo = base();
    repo.write(
        "deals/a-tech-2023.toml",
        DEAL.to_string() + &activity.repeat(1_000_000),
    );
    let run = rejects(&repo.data(), "read-error", "deals/a-tech-2023.toml");
    run.at("read-error", "deals/a-tech-2023.toml", 1, 1);

    let repo = base();
    repo.write(
        "deals/a-tech-2023.toml",
        DEAL.to_string() + &activity.repeat(200_000),
    );
    accepts(&repo.data());
    assert_rss_bounded();
}

// ---- ids ----------------------------------------------------------------------------------

#[test]
fn ids_differing_only_in_case_in_every_kind() {
    let repo = base();
    repo.write("leads/lx001.toml", LEAD);
    repo.write("customers/A-Tech.md", CUSTOMER);
    repo.write("deals/2023/A-TECH-2023.toml", DEAL);
    repo.write("cases/A-tech-WIN.md", CASE);
    let run = check(&repo.data());
    assert_eq!(run.code, 1, "{:#?}", run.diags);
    // The walk is sorted by name: the upper-case files come first, so the
    // lower-case ones are the clashes.
    for file in [
        "leads/lx001.toml",
        "customers/a-tech.md",
        "deals/a-tech-2023.toml",
        "cases/a-tech-win.md",
    ] {
        run.at("id-case-clash", file, 1, 1);
    }
    assert_eq!(build_and_export(&repo), (1, 1), "errors stop the outputs");
}

#[test]
fn tags_differing_only_in_case() {
    // Each tag is a page (`cases/tags/<tag>/`), so `CRM` and `crm` clash like ids.
    let repo = base();
    repo.write(
        "cases/a-tech-win.md",
        CASE.replace("author", "tags = [\"CRM\", \"价格\"]\nauthor"),
    );
    repo.write(
        "cases/b-loss.md",
        CASE.replace("author", "tags = [\"crm\", \"价格\"]\nauthor"),
    );
    let run = check(&repo.data());
    assert_eq!(run.code, 1, "{:#?}", run.diags);
    let d = run.at("id-case-clash", "cases/b-loss.md", 1, 1);
    assert!(d["message"].as_str().unwrap().contains("`crm`"), "{d}");
    assert_eq!(run.diags.len(), 1, "{:#?}", run.diags);
}

#[test]
fn lookalike_ids_warn() {
    let repo = base();
    repo.write("leads/ＬＸ００１.toml", LEAD); // full-width
    repo.write("leads/LХ001.toml", LEAD); // Cyrillic Х
    repo.write("customers/а-tech.md", CUSTOMER); // Cyrillic а
    repo.write("customers/a-tech-Д.md", CUSTOMER); // not alike: Д is no D
    repo.write("customers/a-tech-D.md", CUSTOMER);
    let run = check(&repo.data());
    assert_eq!(run.code, 0, "warnings only: {:#?}", run.diags);
    let lookalikes: Vec<&str> = run
        .diags
        .iter()
        .filter(|d| d["code"] == "lookalike-id")
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    // Sorted by file name: ASCII first, so the look-alike is the later one.
    assert_eq!(
        lookalikes,
        [
            "customers/а-tech.md",
            "leads/LХ001.toml",
            "leads/ＬＸ００１.toml"
        ]
    );
    let d = run.at("lookalike-id", "leads/LХ001.toml", 1, 1);
    assert!(d["message"].as_str().unwrap().contains("U+0425"), "{d}");
    assert_eq!(run.diags.len(), 3, "{:#?}", run.diags);
}

#[test]
fn lookalike_references_dangle() {
    let repo = base();
    // Cyrillic а in the customer reference, full-width digits in the lead.
    repo.write(
        "deals/a-tech-2023.toml",
        DEAL.replace("\"a-tech\"", "\"а-tech\""),
    );
    repo.write("customers/a-tech.md", CUSTOMER.replace("LX001", "LX００１"));
    let run = rejects(&repo.data(), "dangling-reference", "deals/a-tech-2023.toml");
    run.at("dangling-reference", "deals/a-tech-2023.toml", 1, 12);
    run.at("dangling-reference", "customers/a-tech.md", 5, 8);
}

/// Tags are folders of the site: a Windows device name or a tag longer than a
/// file name may be (86 Chinese characters) is an error of `check`, said once
/// per tag, not a failed build.
#[test]
fn tags_that_cannot_be_folders() {
    let repo = base();
    let long = "客".repeat(86);
    let tags = format!("tags = [\"CON\", \"aux.x\", \"{long}\", \"客户\"]\nauthor");
    repo.write("cases/a-tech-win.md", CASE.replace("author", &tags));
    repo.write(
        "cases/b-loss.md",
        CASE.replace("author", "tags = [\"CON\"]\nauthor"),
    );
    let run = check(&repo.data());
    assert_eq!(run.code, 1, "{:#?}", run.diags);
    assert_eq!(run.codes(), vec!["reserved-id"; 3], "{:#?}", run.diags);
    let messages: Vec<&str> = run
        .in_file("cases/a-tech-win.md")
        .iter()
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].contains("tag `CON`") && messages[0].contains("reserved by Windows"));
    assert!(messages[1].contains("tag `aux.x`"));
    assert!(messages[2].contains("258 bytes long"), "{}", messages[2]);
    let fine = "客".repeat(85);
    repo.write(
        "cases/a-tech-win.md",
        CASE.replace("author", &format!("tags = [\"{fine}\"]\nauthor")),
    );
    repo.remove("cases/b-loss.md");
    accepts(&repo.data());
    assert_eq!(build_and_export(&repo), (0, 0));
    assert!(repo.tmp.path().join("site/cases/tags").join(&fine).is_dir());
}

#[test]
fn windows_device_names_as_ids() {
    let repo = base();
    repo.write("leads/CON.toml", LEAD);
    repo.write("leads/2023/nul.toml", LEAD);
    repo.write("customers/Com1.md", CUSTOMER);
    repo.write("deals/aux.2023.toml", DEAL);
    repo.write("cases/lpt9.md", CASE);
    repo.write("months/2023-10.md", "+++\n+++\n");
    let run = check(&repo.data());
    assert_eq!(run.code, 1, "{:#?}", run.diags);
    for file in [
        "leads/CON.toml",
        "leads/2023/nul.toml",
        "customers/Com1.md",
        "deals/aux.2023.toml",
        "cases/lpt9.md",
    ] {
        run.at("reserved-id", file, 1, 1);
    }
    assert_eq!(run.codes(), vec!["reserved-id"; 5], "{:#?}", run.diags);
    assert_eq!(build_and_export(&repo), (1, 1));
}

#[test]
fn ids_that_would_overwrite_site_files() {
    let repo = base();
    repo.write("customers/index.html.md", CUSTOMER);
    repo.write("deals/INDEX.HTML.toml", DEAL);
    for name in ["tags", "atom.xml", "search-index.js", "search", "page"] {
        repo.write(&format!("cases/{name}.md"), CASE);
    }
    // The lists' later pages are `deals/page/2/`, `customers/page/2/`.
    repo.write("deals/page.toml", DEAL);
    repo.write("customers/Page.md", CUSTOMER);
    let run = check(&repo.data());
    assert_eq!(run.code, 1, "{:#?}", run.diags);
    for file in [
        "customers/index.html.md",
        "deals/INDEX.HTML.toml",
        "deals/page.toml",
        "customers/Page.md",
        "cases/tags.md",
        "cases/atom.xml.md",
        "cases/search-index.js.md",
        "cases/search.md",
        "cases/page.md",
    ] {
        run.at("reserved-id", file, 1, 1);
    }
    assert_eq!(build_and_export(&repo), (1, 1));
}

#[test]
fn names_like_site_folders_are_fine_as_ids() {
    // Record pages live in `<kind>/<id>/index.html`, so `index`, `404`, `assets`
    // or `data` as ids cannot overwrite `<kind>/index.html` or the site root.
    let repo = base();
    repo.write("customers/index.md", CUSTOMER);
    repo.write("deals/index.toml", DEAL.replace("500000", "1"));
    repo.write("deals/404.toml", DEAL.replace("500000", "2"));
    repo.write("cases/assets.md", CASE);
    repo.write("leads/data.toml", LEAD);
    repo.write("months/2023-10.md", MONTH.replace("500000", "500003"));
    accepts(&repo.data());
    assert_eq!(build_and_export(&repo), (0, 0));
    let site = repo.tmp.path().join("site");
    let deals = std::fs::read_to_string(site.join("deals/index.html")).unwrap();
    assert!(deals.contains("404/index.html") && deals.contains("index/index.html"));
    assert!(site.join("deals/index/index.html").is_file());
    assert!(site.join("deals/404/index.html").is_file());
    assert!(site.join("404.html").is_file());
}

#[test]
fn an_id_with_a_trailing_dot() {
    let repo = base();
    repo.write("leads/LX002..toml", LEAD);
    let run = rejects(&repo.data(), "reserved-id", "leads/LX002..toml");
    run.at("reserved-id", "leads/LX002..toml", 1, 1);
}

#[test]
fn owner_channel_and_stage_ids_are_ids() {
    let repo = base();
    repo.write(
        "pipeline.toml",
        PIPELINE.replace(
            "[[owners]]\nid = \"lisi\"\nname = \"李四\"\n",
            "[[owners]]\nid = \"lisi\"\nname = \"李四\"\n\n\
             [[owners]]\nid = \"../x\"\nname = \"甲\"\n\n\
             [[owners]]\nid = \"index.html\"\nname = \"乙\"\n\n\
             [[owners]]\nid = \"PRN\"\nname = \"丙\"\n\n\
             [[channels]]\nid = \"trade_show\"\nname = \"展会\"\n\n\
             [[channels]]\nid = \"a/b\"\nname = \"丁\"\n",
        ),
    );
    let run = check(&repo.data());
    assert_eq!(run.code, 1, "{:#?}", run.diags);
    run.at("invalid-id", "pipeline.toml", 10, 6); // ../x
    run.at("reserved-id", "pipeline.toml", 14, 6); // index.html
    run.at("reserved-id", "pipeline.toml", 18, 6); // PRN
    run.at("invalid-id", "pipeline.toml", 26, 6); // a/b
    assert_eq!(run.diags.len(), 4, "{:#?}", run.diags);
}

#[test]
fn dot_dot_and_absolute_paths_in_references() {
    let repo = base();
    repo.write(
        "cases/b.md",
        "+++\ntitle = \"x\"\ndate = 2023-10-30\nresult = \"failure\"\ndeal = \"..\"\n\
         author = \"/etc/passwd\"\nstage = \"C:\\\\Windows\"\n+++\n",
    );
    repo.write(
        "customers/b.md",
        "+++\nname = \"B\"\nindustry = \"x\"\nowner = \"lisi\"\nlead = \"\\\\\\\\server\\\\share\"\n+++\n",
    );
    let run = check(&repo.data());
    assert_eq!(run.code, 1, "{:#?}", run.diags);
    run.at("dangling-reference", "cases/b.md", 5, 8);
    run.at("dangling-reference", "cases/b.md", 6, 10);
    run.at("dangling-reference", "cases/b.md", 7, 9);
    run.at("dangling-reference", "customers/b.md", 5, 8);
    assert_eq!(run.diags.len(), 4, "{:#?}", run.diags);
}

#[test]
fn dot_dot_inside_ids_stays_inside_the_site() {
    let repo = base();
    repo.write("deals/a..b.toml", DEAL.replace("500000", "0"));
    repo.write("customers/x..y.md", CUSTOMER);
    repo.write("cases/..hidden.md", "garbage");
    accepts(&repo.data());
    // build_and_export asserts that nothing lands outside site/ and export/.
    assert_eq!(build_and_export(&repo), (0, 0));
    assert!(repo.tmp.path().join("site/deals/a..b/index.html").is_file());
    assert!(
        repo.tmp
            .path()
            .join("site/customers/x..y/index.html")
            .is_file()
    );
}

// ---- the file system ----------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_symlinked_pipeline_toml_is_refused() {
    use std::os::unix::fs::symlink;
    let repo = base();
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "pipeline.toml", PIPELINE);
    repo.remove("pipeline.toml");
    symlink(
        outside.path().join("pipeline.toml"),
        repo.data().join("pipeline.toml"),
    )
    .unwrap();
    let run = rejects(&repo.data(), "read-error", "pipeline.toml");
    run.at("read-error", "pipeline.toml", 1, 1);
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed() {
    use std::os::unix::fs::symlink;
    let repo = base();
    let d = repo.data();
    symlink(d.join("leads/b.toml"), d.join("leads/a.toml")).unwrap();
    symlink(d.join("leads/a.toml"), d.join("leads/b.toml")).unwrap();
    symlink(d.join("cases"), d.join("cases/again")).unwrap();
    symlink("..", d.join("deals/up")).unwrap();
    symlink("/", d.join("customers/root")).unwrap();
    accepts(&d);
    // A looping pipeline.toml: refused, not followed.
    repo.remove("pipeline.toml");
    symlink(d.join("p2.toml"), d.join("pipeline.toml")).unwrap();
    symlink(d.join("pipeline.toml"), d.join("p2.toml")).unwrap();
    rejects(&d, "read-error", "pipeline.toml");
}

#[cfg(unix)]
#[test]
fn a_fifo_does_not_hang_the_run() {
    let repo = base();
    let d = repo.data();
    let mkfifo = |p: &Path| {
        let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    };
    mkfifo(&d.join("leads/LX002.toml"));
    accepts(&d);
    repo.remove("pipeline.toml");
    mkfifo(&d.join("pipeline.toml"));
    let run = rejects(&d, "read-error", "pipeline.toml");
    let msg = run.find("read-error", "pipeline.toml")["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(msg.contains("not a regular file"), "{msg}");
}

/// Can this process read a file after `chmod 000`? (root can.)
#[cfg(unix)]
fn permissions_are_enforced(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("probe");
    std::fs::write(&probe, "x").unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    let enforced = std::fs::read(&probe).is_err();
    std::fs::remove_file(&probe).unwrap();
    enforced
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_folders() {
    use std::os::unix::fs::PermissionsExt;
    let repo = base();
    let d = repo.data();
    if !permissions_are_enforced(repo.tmp.path()) {
        eprintln!("skipped: running as root, which reads anything");
        return;
    }
    let lock = |rel: &str| {
        std::fs::set_permissions(d.join(rel), std::fs::Permissions::from_mode(0o000)).unwrap();
    };
    repo.write("leads/2023/LX002.toml", LEAD);
    lock("customers/a-tech.md");
    lock("leads/2023");
    let run = check(&d);
    assert_eq!(run.code, 1, "{:#?}", run.diags);
    run.at("read-error", "customers/a-tech.md", 1, 1);
    run.at("read-error", "leads/2023", 1, 1);
    // The unreadable customer still exists for the deal's reference.
    assert_eq!(run.diags.len(), 2, "{:#?}", run.diags);
    lock("pipeline.toml");
    rejects(&d, "read-error", "pipeline.toml");
    for rel in ["customers/a-tech.md", "leads/2023", "pipeline.toml"] {
        std::fs::set_permissions(d.join(rel), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

// ---- dates and numbers --------------------------------------------------------------------

#[test]
fn dates_of_year_0000_and_9999_are_refused() {
    let repo = base();
    repo.write(
        "leads/LX002.toml",
        LEAD.replace("2023-10-08", "0000-01-01")
            .replace("converted", "new"),
    );
    repo.write(
        "deals/b-9999.toml",
        DEAL.replace("2023-10-27", "9999-12-31")
            .replace("2023-10-23", "9999-12-30T10:00:00"),
    );
    repo.write("months/0000-01.md", "+++\n+++\n");
    let run = check(&repo.data());
    assert_eq!(run.code, 1, "{:#?}", run.diags);
    run.at("out-of-range", "leads/LX002.toml", 2, 12);
    run.at("out-of-range", "deals/b-9999.toml", 5, 10);
    run.at("out-of-range", "deals/b-9999.toml", 17, 11);
    run.at("out-of-range", "months/0000-01.md", 1, 1);
    assert_eq!(build_and_export(&repo), (1, 1));
}

#[test]
fn dates_at_the_edges_of_the_window_are_accepted() {
    let repo = base();
    repo.write(
        "leads/LX002.toml",
        LEAD.replace("2023-10-08", "1970-01-01")
            .replace("converted", "new"),
    );
    repo.write(
        "deals/b-2199.toml",
        DEAL.replace("500000", "0").replace(
            "status = \"won\"\nclosed = 2023-10-27",
            "status = \"open\"\nexpected_close = 2199-12-31",
        ),
    );
    accepts(&repo.data());
}

#[test]
fn as_of_year_0000_or_9999() {
    let repo = base();
    repo.write(
        "pipeline.toml",
        PIPELINE.replace("2023-10-31", "0000-01-01"),
    );
    let r = rejects(&repo.data(), "out-of-range", "pipeline.toml");
    r.at("out-of-range", "pipeline.toml", 3, 9);
    // On the command line: a usage error.
    for as_of in ["0000-01-01", "9999-12-31", "1969-12-31", "2200-01-01"] {
        let (code, _, stderr) = run(&["check", "--as-of", as_of], &repo.data());
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("1970-01-01 to 2199-12-31"), "{stderr}");
    }
}

#[test]
fn amounts_of_1e308_are_refused() {
    let repo = base();
    repo.write("deals/a-tech-2023.toml", DEAL.replace("500000", "1e308"));
    repo.write(
        "deals/b-2023.toml",
        DEAL.replace("500000", "1.7976931348623157e308"),
    );
    repo.write("months/2023-10.md", "+++\n+++\n");
    let run = check(&repo.data());
    assert_eq!(run.code, 1, "{:#?}", run.diags);
    for file in ["deals/a-tech-2023.toml", "deals/b-2023.toml"] {
        let d = run.at("out-of-range", file, 3, 10);
        assert!(
            d["message"].as_str().unwrap().contains("1000000000000000"),
            "{d}"
        );
    }
    assert_eq!(build_and_export(&repo), (1, 1));
}

#[test]
fn amounts_at_the_limit_add_up_and_never_show_inf() {
    let repo = base();
    for i in 0..3 {
        repo.write(
            &format!("deals/d{i}-2023.toml"),
            DEAL.replace("500000", "1e15"),
        );
    }
    repo.write(
        "months/2023-10.md",
        MONTH.replace("500000", "3500000000000000"),
    );
    repo.write("deals/a-tech-2023.toml", DEAL.replace("500000", "5e14"));
    accepts(&repo.data());
    assert_eq!(build_and_export(&repo), (0, 0));
    for dir in ["site", "export"] {
        for (rel, text) in files(&repo.tmp.path().join(dir)) {
            for bad in ["inf", "NaN", "Infinity"] {
                assert!(!text.contains(bad), "{dir}/{rel} shows {bad}");
            }
        }
    }
}

#[test]
fn negative_zero_is_zero() {
    let repo = base();
    repo.write(
        "deals/a-tech-2023.toml",
        DEAL.replace("amount = 500000", "amount = -0.0")
            + "\n[[payments]]\nkind = \"final\"\namount = -0\ndue = 2023-10-27\nreceived = 2023-10-27\n",
    );
    repo.write("months/2023-10.md", MONTH.replace("500000", "0"));
    accepts(&repo.data());
    assert_eq!(build_and_export(&repo), (0, 0));
    let deals = std::fs::read_to_string(repo.tmp.path().join("export/deals.json")).unwrap();
    assert!(
        deals.contains("\"amount\": 0.0") && !deals.contains("-0.0"),
        "{deals}"
    );
    let page =
        std::fs::read_to_string(repo.tmp.path().join("site/deals/a-tech-2023/index.html")).unwrap();
    assert!(!page.contains(">-0"), "no negative zero on the page");
}

#[test]
fn nan_and_inf_wherever_toml_allows_them() {
    let repo = base();
    repo.write(
        "pipeline.toml",
        PIPELINE.replace(
            "core = true\n\n[[stages]]\nid = \"proposal\"",
            "core = true\nprobability = nan\n\n[[stages]]\nid = \"proposal\"",
        ) + "\n[sla]\nstale_days = inf\n",
    );
    repo.write(
        "leads/LX001.toml",
        LEAD.replace("needs", "match = nan\nannual_revenue = +inf\nneeds"),
    );
    repo.write(
        "deals/a-tech-2023.toml",
        DEAL.replace("amount = 500000", "amount = -nan")
            + "\n[[payments]]\nkind = \"final\"\namount = inf\ndue = 2023-10-27\n\n\
               [[visits]]\ndate = 2023-10-28\nsatisfaction = nan\n",
    );
    repo.write(
        "months/2023-10.md",
        "+++\n[targets]\nrevenue = inf\n[[assert]]\nkpi = \"revenue\"\nequals = nan\n+++\n",
    );
    let run = check(&repo.data());
    assert_eq!(run.code, 1, "{:#?}", run.diags);
    for (file, line, column) in [
        ("pipeline.toml", 17, 15),  // probability = nan
        ("pipeline.toml", 34, 14),  // stale_days = inf
        ("leads/LX001.toml", 7, 9), // match = nan
        ("leads/LX001.toml", 8, 18),
        ("deals/a-tech-2023.toml", 3, 10), // amount = -nan
        ("deals/a-tech-2023.toml", 25, 10),
        ("deals/a-tech-2023.toml", 30, 16),
        ("months/2023-10.md", 3, 11),
        ("months/2023-10.md", 6, 10),
    ] {
        let d = run.at("out-of-range", file, line, column);
        assert!(d["message"].as_str().unwrap().contains("finite"), "{d}");
    }
}

#[test]
fn integers_beyond_64_bits() {
    let repo = base();
    repo.write(
        "deals/a-tech-2023.toml",
        DEAL.replace("500000", "99999999999999999999"),
    );
    let run = rejects(&repo.data(), "out-of-range", "deals/a-tech-2023.toml");
    let d = run.at("out-of-range", "deals/a-tech-2023.toml", 3, 10);
    assert!(d["message"].as_str().unwrap().contains("too large"), "{d}");
}

// ---- truncation ---------------------------------------------------------------------------

/// Copies the sample repository (data/) into a temporary folder.
fn sample() -> Repo {
    let repo = Repo {
        tmp: tempfile::tempdir().unwrap(),
    };
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    for e in walkdir::WalkDir::new(&from) {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(&from).unwrap();
        if e.file_type().is_file() {
            write(
                &repo.data(),
                rel.to_str().unwrap(),
                std::fs::read(e.path()).unwrap(),
            );
        }
    }
    repo
}

/// Up to `n` byte offsets inside string literals of TOML lines (between the
/// quotes of `key = "value"`), evenly spread over the text.
fn cuts_inside_strings(text: &str, n: usize) -> Vec<usize> {
    let mut inside = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if let Some(eq) = line.find(" = \"")
            && !line.starts_with('#')
        {
            let open = eq + 4;
            if let Some(close) = line[open..].find('"') {
                // After the opening quote, before the closing one, on a char boundary.
                for (i, _) in line[open..open + close].char_indices().skip(1) {
                    inside.push(line_start + open + i);
                }
            }
        }
        line_start += line.len();
    }
    let step = (inside.len() / n).max(1);
    inside.into_iter().step_by(step).take(n).collect()
}

fn line_of(text: &str, at: usize) -> u64 {
    text[..at].matches('\n').count() as u64 + 1
}

#[test]
fn truncated_sample_records_of_every_kind() {
    let repo = sample();
    let d = repo.data();
    let baseline = check(&d);
    assert_eq!(baseline.code, 0, "{:#?}", baseline.diags);
    for rel in [
        "pipeline.toml",
        "leads/LX001.toml",
        "customers/a-tech.md",
        "deals/a-tech-2023.toml",
        "months/2023-10.md",
        "cases/a-tech-win.md",
    ] {
        let text = std::fs::read_to_string(d.join(rel)).unwrap();
        let cuts = cuts_inside_strings(&text, 10);
        assert!(cuts.len() >= 5, "{rel}: only {} cut points", cuts.len());
        for &at in &cuts {
            std::fs::write(d.join(rel), &text[..at]).unwrap();
            let run = check(&d);
            assert_eq!(run.code, 1, "{rel} cut at {at}: {:#?}", run.diags);
            if rel.ends_with(".md") {
                // The front matter is never closed.
                run.at("missing-front-matter", rel, 1, 1);
            } else {
                let d = run.find("toml-syntax", rel);
                assert_eq!(d["line"], line_of(&text, at), "{rel} cut at {at}: {d}");
            }
        }
        // Cut in the Markdown body: still a valid record.
        if let Some(close) = text.match_indices("+++\n").nth(1).map(|(i, _)| i + 4) {
            let body = &text[close..];
            for k in 1..=3 {
                let mut at = close + body.len() * k / 4;
                while !text.is_char_boundary(at) {
                    at += 1;
                }
                std::fs::write(d.join(rel), &text[..at]).unwrap();
                let run = check(&d);
                assert!(
                    run.in_file(rel).iter().all(|d| d["severity"] == "warning"),
                    "{rel} cut in the body at {at}: {:#?}",
                    run.in_file(rel)
                );
            }
        }
        std::fs::write(d.join(rel), &text).unwrap();
    }
}

#[test]
fn truncated_at_every_byte_of_the_base() {
    // Every prefix of every base file: whatever it is, a clean exit.
    let repo = base();
    let d = repo.data();
    for (rel, text) in BASE {
        for at in (0..text.len())
            .filter(|&i| text.is_char_boundary(i))
            .step_by(3)
        {
            std::fs::write(d.join(rel), &text[..at]).unwrap();
            let run = check(&d);
            assert!(matches!(run.code, 0 | 1), "{rel}[..{at}]");
            assert!(
                run.code == 0 || run.diags.iter().any(|d| d["severity"] == "error"),
                "{rel}[..{at}]: exit 1 names its error"
            );
        }
        std::fs::write(d.join(rel), text).unwrap();
    }
}

/// Contact data all over one case review (issue 21, item 7): one warning for
/// the review, at the first place, with the count — not one per address, whose
/// rendering from the file start was quadratic (16.8 s for 12,000 of them).
#[test]
fn contact_data_all_over_a_review_is_said_once_with_the_count() {
    let tmp = tempfile::tempdir().unwrap();
    write_base(tmp.path());
    let body: Vec<String> = (0..3000)
        .map(|i| format!("a{i}@x.example.com 138{i:08}"))
        .collect();
    write(
        tmp.path(),
        "cases/contacts.md",
        format!(
            "+++\ntitle = \"t\"\ndate = 2023-10-01\nresult = \"success\"\n+++\n{}\n",
            body.join(" ")
        ),
    );
    let (code, out, _) = common::salesbook(tmp.path(), &["check", "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let found: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|d| d["code"] == "personal-data-in-case" && d["file"] == "cases/contacts.md")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["column"].as_u64()),
        (Some(6), Some(1))
    );
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("(6000 places"),
        "{}",
        found[0]
    );
}
