//! End-to-end tests of `salesbook build` on the sample and small fixtures.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn build(data: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    Command::cargo_bin("salesbook")
        .unwrap()
        .arg("--data")
        .arg(data)
        .arg("build")
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
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

/// A page without the `data-sort` values of its figures (static/table.js), for
/// tests that compare cells as written.
fn without_sort_keys(html: &str) -> String {
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

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Copies a folder tree (the sample) into `to`.
fn copy_dir(from: &Path, to: &Path) {
    for f in files(from) {
        let rel = f.strip_prefix(from).unwrap();
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&f, &dest).unwrap();
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// Every `href="…"` / `src="…"` value in a page.
fn refs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].to_string());
                rest = &rest[end..];
            }
        }
    }
    out
}

fn check_links(site: &Path) {
    let mut broken = Vec::new();
    for f in files(site) {
        if f.extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let html = read(&f);
        for r in refs(&html) {
            if r.starts_with("http://") || r.starts_with("https://") || r.starts_with("mailto:") {
                continue;
            }
            let path = r.split(['#', '?']).next().unwrap();
            if path.is_empty() {
                continue;
            }
            let target = f.parent().unwrap().join(percent_decode(path));
            if !target.is_file() {
                broken.push(format!("{} → {r}", f.strip_prefix(site).unwrap().display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

fn check_no_active_content(site: &Path) {
    for f in files(site) {
        if f.extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let mut html = read(&f).to_lowercase();
        // The theme's own external scripts (case search, tables) are the only scripts.
        for js in [
            "cases/search-index.js",
            "static/search.js",
            "static/table.js",
        ] {
            let pat = format!("{js}\" defer></script>");
            while let Some(end) = html.find(&pat) {
                let start = html[..end].rfind("<script src=\"").unwrap();
                let src = &html[start + 13..end];
                assert!(!src.contains(['"', '<', '>']), "{}: {src}", f.display());
                html.replace_range(start..end + pat.len(), "");
            }
        }
        assert!(!html.contains("<script"), "{}: script", f.display());
        assert!(
            !html.contains("javascript:"),
            "{}: javascript:",
            f.display()
        );
        // No ` on…=` event-handler attribute.
        let b = html.as_bytes();
        for (i, _) in html.match_indices(" on") {
            let rest = &b[i + 3..];
            let n = rest.iter().take_while(|c| c.is_ascii_lowercase()).count();
            assert!(
                !(n > 0 && rest.get(n) == Some(&b'=')),
                "{}: event handler near {}",
                f.display(),
                &html[i..(i + 40).min(html.len())]
            );
        }
    }
}

#[test]
fn sample_site_has_the_pages_and_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let o = build(&sample(), &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for p in [
        "index.html",
        "404.html",
        ".salesbook-site",
        "static/style.css",
        "months/index.html",
        "months/2023-10/index.html",
        "stages/index.html",
        "leads/index.html",
        "customers/index.html",
        "customers/a-tech/index.html",
        "deals/index.html",
        "owners/lisi/index.html",
        "cases/index.html",
        "cases/a-tech-win/index.html",
        "cases/atom.xml",
        "quality/index.html",
        "data/index.html",
        "data/kpis.json",
        "data/deals.json",
    ] {
        assert!(out.join(p).is_file(), "missing {p}");
    }
    let index = read(&out.join("index.html"));
    for fig in ["12%", "80%", "85.7%", "112.5%", "97.8%"] {
        assert!(index.contains(&format!(">{fig}<")), "dashboard lacks {fig}");
    }
    let month = read(&out.join("months/2023-10/index.html"));
    for text in [
        "高价值线索跟进不及时",
        "方案修改耗时过长",
        "大客户成交占比提升",
        "售后响应速度需优化",
        "优化线索筛选标准",
    ] {
        assert!(month.contains(text), "2023-10 lacks {text}");
    }
    // Contacts masked by default.
    let customer = read(&out.join("customers/a-tech/index.html"));
    assert!(customer.contains("138****5678"));
    assert!(!customer.contains("13812345678"));
    assert!(!customer.contains("zhangsan@atech.example.com"));
    let deal = read(&out.join("deals/a-tech-2023/index.html"));
    assert!(deal.contains("方案制定与呈现"));
    check_links(&out);
    check_no_active_content(&out);
}

#[test]
fn reveal_contacts_shows_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let o = build(&sample(), &out, &["--reveal-contacts"]);
    assert!(o.status.success());
    assert!(read(&out.join("customers/a-tech/index.html")).contains("13812345678"));
}

#[test]
fn record_html_is_sanitised() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(&sample(), &data);
    let evil = "\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))\n";
    for f in ["customers/a-tech.md", "cases/a-tech-win.md"] {
        let p = data.join(f);
        let text = read(&p) + evil;
        std::fs::write(&p, text).unwrap();
    }
    let out = tmp.path().join("site");
    let o = build(&data, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for page in ["customers/a-tech/index.html", "cases/a-tech-win/index.html"] {
        let html = read(&out.join(page));
        assert!(!html.contains("alert(1)</script>"), "{page}");
        assert!(!html.contains("onerror"), "{page}");
        assert!(!html.contains("javascript:"), "{page}");
    }
    check_no_active_content(&out);
}

/// Quoted values of `key = "…"` anywhere in the files of a folder.
fn values(dir: &Path, keys: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for f in files(dir) {
        let text = read(&f);
        for key in keys {
            let pat = format!("{key} = \"");
            let mut rest = text.as_str();
            while let Some(i) = rest.find(&pat) {
                rest = &rest[i + pat.len()..];
                if let Some(end) = rest.find('"') {
                    out.push(rest[..end].to_string());
                    rest = &rest[end..];
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn shared_build_leaks_no_personal_data_or_names() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let o = build(&sample(), &out, &["--audience", "shared"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut secrets = values(
        &sample().join("leads"),
        &["name", "phone", "email", "company"],
    );
    secrets.extend(values(
        &sample().join("customers"),
        &["name", "phone", "email"],
    ));
    assert!(secrets.iter().any(|s| s == "13812345678"));
    assert!(secrets.iter().any(|s| s == "A科技有限公司"));
    assert!(secrets.iter().any(|s| s == "张三"));
    for f in files(&out) {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{} contains {s}", f.display());
        }
    }
    assert!(!out.join("data").exists());
    assert!(!out.join("customers").exists());
    // Only the shareable cases, at neutral paths (case ids spell customers).
    let shareable = files(&sample().join("cases"))
        .into_iter()
        .filter(|f| read(f).contains("shareable = true"))
        .count();
    let mut pages: Vec<String> = std::fs::read_dir(out.join("cases"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| out.join("cases").join(n).join("index.html").is_file())
        .collect();
    pages.sort();
    let numbers: Vec<String> = (1..=shareable).map(|n| n.to_string()).collect();
    assert_eq!(pages, numbers);
    for f in files(&sample().join("cases")) {
        let id = f.file_stem().unwrap().to_str().unwrap();
        assert!(
            !out.join("cases").join(id).exists(),
            "{id} has its own path"
        );
    }
    check_links(&out);
    check_no_active_content(&out);
}

#[test]
fn failed_build_leaves_previous_site() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(&sample(), &data);
    let out = tmp.path().join("site");
    assert!(build(&data, &out, &[]).status.success());
    let before = std::fs::read(out.join("index.html")).unwrap();
    let lead = data.join("leads/LX001.toml");
    std::fs::write(
        &lead,
        read(&lead).replace("owner = \"lisi\"", "owner = \"nobody\""),
    )
    .unwrap();
    let o = build(&data, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read(out.join("index.html")).unwrap(), before);
    // No temporary folders left beside it.
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".site")), "{names:?}");
}

#[test]
fn refuses_a_folder_that_is_not_a_site() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("docs");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("precious.txt"), "keep me").unwrap();
    let o = build(&sample(), &out, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert!(out.join("precious.txt").is_file());
    // A rebuild over a salesbook site is fine; --force replaces anything.
    let o = build(&sample(), &out, &["--force"]);
    assert!(o.status.success());
    assert!(!out.join("precious.txt").exists());
    assert!(build(&sample(), &out, &[]).status.success());
}

#[test]
fn dashboard_and_months_carry_accessible_charts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    assert!(build(&sample(), &out, &[]).status.success());
    let count = |html: &str, needle: &str| html.matches(needle).count();
    let index = read(&out.join("index.html"));
    // Five 12-month trends, funnel, pipeline by stage, durations, channels.
    assert_eq!(count(&index, "<svg"), 9);
    assert_eq!(count(&index, r#"role="img""#), 9);
    assert_eq!(count(&index, "<desc>"), 9);
    assert_eq!(count(&index, r#"class="chart chart-line""#), 5);
    assert!(index.contains(r#"class="chart chart-funnel""#));
    // The conversion trend's text alternative names October's 12% and its 15% target.
    assert!(
        index.contains("2023-10: 12% (") && index.contains("15%"),
        "trend desc"
    );
    let month = read(&out.join("months/2023-10/index.html"));
    assert_eq!(count(&month, "<svg"), 5);
    assert!(!index.contains("NaN") && !month.contains("NaN"));
}

/// HTML parse errors of a page (html5ever with exact error messages), empty when it
/// parses cleanly.
fn parse_errors(html: &str) -> Vec<String> {
    use html5ever::tendril::TendrilSink;
    let opts = html5ever::ParseOpts {
        tokenizer: html5ever::tokenizer::TokenizerOpts {
            exact_errors: true,
            ..Default::default()
        },
        tree_builder: html5ever::tree_builder::TreeBuilderOpts {
            exact_errors: true,
            ..Default::default()
        },
    };
    let doc = html5ever::driver::parse_document(
        scraper::HtmlTreeSink::new(scraper::Html::new_document()),
        opts,
    )
    .one(html);
    doc.errors.into_iter().map(|e| e.into_owned()).collect()
}

fn check_html_parses(site: &Path) {
    let mut bad = Vec::new();
    for f in files(site) {
        if f.extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let errors = parse_errors(&read(&f));
        if !errors.is_empty() {
            bad.push(format!(
                "{}: {}",
                f.strip_prefix(site).unwrap().display(),
                errors.join("; ")
            ));
        }
    }
    assert!(bad.is_empty(), "HTML parse errors:\n{}", bad.join("\n"));
}

#[test]
fn every_page_parses_without_errors() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, extra) in [("team", &[][..]), ("shared", &["--audience", "shared"][..])] {
        let out = tmp.path().join(name);
        let o = build(&sample(), &out, extra);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        check_html_parses(&out);
    }
    // Malformed HTML in record Markdown comes out well-formed.
    let data = tmp.path().join("data");
    copy_dir(&sample(), &data);
    let bad = "\n\n<div><b>open <i>tags</b></p></td>\n\n| a | b |\n|---|---|\n| <table> | x |\n";
    for f in [
        "customers/a-tech.md",
        "cases/a-tech-win.md",
        "months/2023-10.md",
    ] {
        let p = data.join(f);
        std::fs::write(&p, read(&p) + bad).unwrap();
    }
    let out = tmp.path().join("bad");
    let o = build(&data, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    check_html_parses(&out);
}

/// The text of each cell of each row of the table under the `<h2>` that starts with
/// `title` (the first such section).
fn section_rows(html: &str, title: &str) -> Vec<Vec<String>> {
    let doc = scraper::Html::parse_document(html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let (sec, h2, tr, td) = (sel("section"), sel("h2"), sel("tbody tr"), sel("td"));
    let text = |e: scraper::ElementRef| e.text().collect::<String>().trim().to_string();
    let section = doc
        .select(&sec)
        .find(|s| {
            s.select(&h2)
                .next()
                .is_some_and(|h| text(h).starts_with(title))
        })
        .unwrap_or_else(|| panic!("no section {title}"));
    section
        .select(&tr)
        .map(|r| r.select(&td).map(text).collect())
        .collect()
}

fn position(rows: &[Vec<String>], want: &[&str]) -> usize {
    rows.iter()
        .position(|r| want.iter().all(|w| r.iter().any(|c| c == w)))
        .unwrap_or_else(|| panic!("no row with {want:?} in {rows:#?}"))
}

#[test]
fn customer_page_has_a_dated_timeline() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    assert!(build(&sample(), &out, &[]).status.success());
    let rows = section_rows(&read(&out.join("customers/a-tech/index.html")), "时间线");
    let acquired = position(&rows, &["2023-10-08", "获取线索", "LX001"]);
    let proposal = position(&rows, &["2023-10-15", "进入阶段", "方案制定与呈现"]);
    let won = position(&rows, &["2023-10-27", "成交", "自动化升级项目"]);
    position(&rows, &["2023-10-12", "拜访"]);
    assert!(acquired < proposal && proposal < won, "{rows:#?}");
    let dates: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert!(dates.is_sorted(), "{dates:?}");
    // Events after the as-of date are left out: tuoxin-new-energy-2023 logs an
    // activity on 2023-11-02, after the sample's 2023-10-31.
    let deal = read(&out.join("deals/tuoxin-new-energy-2023/index.html"));
    assert!(deal.contains("2023-11-02"));
    let html = read(&out.join("customers/tuoxin-new-energy/index.html"));
    let rows = section_rows(&html, "时间线");
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|r| r[0].as_str() <= "2023-10-31"),
        "{rows:#?}"
    );
}

#[test]
fn quality_page_groups_warnings_by_owner() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    assert!(build(&sample(), &out, &[]).status.success());
    let index = read(&out.join("quality/index.html"));
    // Each owner and each rule: the first rows on the index, all on their page.
    let rows = section_rows(&index, "按负责人 · 李四");
    assert!(!rows.is_empty() && rows.len() <= 20, "{rows:#?}");
    assert!(index.contains(r#"id="owner-lisi""#));
    // LX203 is 李四's lead; its first contact missed the SLA.
    let html = read(&out.join("quality/owners/lisi/index.html"));
    let rows = section_rows(&html, "按负责人 · 李四");
    position(&rows, &["sla-first-contact", "leads/LX203.toml:12"]);
    // LX203 was acquired 2023-10-23: its row is on the register's October page.
    assert!(html.contains(r##"href="../../../leads/2023-10/index.html#lead-LX203""##));
    // Still grouped by rule too.
    let html = read(&out.join("quality/rules/sla-first-contact/index.html"));
    let rows = section_rows(&html, "按规则 · sla-first-contact");
    position(&rows, &["leads/LX203.toml:12"]);
    check_links(&out);
}

#[test]
fn lead_register_is_grouped_by_month() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    assert!(build(&sample(), &out, &[]).status.success());
    // The index lists the months, newest first, with their lead counts.
    let index = read(&out.join("leads/index.html"));
    let october = index
        .find(r#"href="../leads/2023-10/index.html""#)
        .expect("2023-10 link");
    let september = index
        .find(r#"href="../leads/2023-09/index.html""#)
        .expect("2023-09 link");
    assert!(october < september);
    // Each month has its page: October holds LX001 and links to September.
    let html = read(&out.join("leads/2023-10/index.html"));
    assert!(html.contains("<h2>2023-10 (25)"), "October has 25 leads");
    assert!(html.contains(r#"href="../../leads/2023-09/index.html""#));
    let rows = section_rows(&html, "2023-10 (");
    let row = &rows[position(&rows, &["LX001"])];
    for cell in ["2023-10-08", "高", "已转化", "达标"] {
        assert!(row.iter().any(|c| c == cell), "{cell} in {row:?}");
    }
    let september_page = read(&out.join("leads/2023-09/index.html"));
    assert!(!september_page.contains(r#"id="lead-LX001""#));
}

#[test]
fn pages_show_labels_not_raw_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    assert!(build(&sample(), &out, &[]).status.success());
    let raw = [
        "buyer",
        "technical",
        "executive",
        "competition",
        "call",
        "email",
        "meeting",
        "visit",
        "prepayment",
        "progress",
        "final",
        "process",
        "resources",
        "training",
        "event",
        "partner",
        "content",
        "referral",
        "other",
        "new",
        "contacted",
        "nurturing",
        "converted",
        "invalid",
        "region",
        "team",
        "h",
    ];
    let cells = scraper::Selector::parse("th, td, dt, h2").unwrap();
    for f in files(&out) {
        if f.extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let doc = scraper::Html::parse_document(&read(&f));
        // Record text (Markdown) is shown as written.
        let in_prose = |c: &scraper::ElementRef| {
            c.ancestors()
                .filter_map(scraper::ElementRef::wrap)
                .any(|a| {
                    a.value()
                        .has_class("prose", scraper::CaseSensitivity::CaseSensitive)
                })
        };
        for c in doc.select(&cells).filter(|c| !in_prose(c)) {
            let t = c.text().collect::<String>();
            assert!(
                !raw.contains(&t.trim()),
                "{}: raw key {t:?}",
                f.strip_prefix(&out).unwrap().display()
            );
        }
    }
    let month = read(&out.join("months/2023-10/index.html"));
    assert!(month.contains(">会展活动<") && month.contains(">制造业<"));
}

/// Every link of a build resolves, also where records are dated after the as-of
/// date (their warnings link to records and months the site does not show) and
/// where warnings fill the quality page (#17 item 7).
#[test]
fn no_link_is_broken_with_future_records_and_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(&sample(), &data);
    let edit = |rel: &str, from: &str, to: &str| {
        let p = data.join(rel);
        let text = read(&p);
        assert!(text.contains(from), "{rel}: {from}");
        std::fs::write(&p, text.replacen(from, to, 1)).unwrap();
    };
    // A lead of a month after the as-of month, and a deal activity after it.
    edit(
        "leads/LX004.toml",
        "acquired = 2022-10-09",
        "acquired = 2023-12-10",
    );
    edit(
        "leads/LX004.toml",
        "assigned = 2022-10-09",
        "assigned = 2023-12-10",
    );
    edit(
        "leads/LX004.toml",
        "first_contact = 2022-10-09",
        "first_contact = 2023-12-10",
    );
    edit(
        "deals/a-tech-2023.toml",
        "date = 2023-10-12",
        "date = 2024-01-12",
    );
    let out = tmp.path().join("site");
    let o = build(&data, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let quality = read(&out.join("quality/index.html"));
    assert!(
        quality.contains("after-as-of") || quality.contains("2023-12-10"),
        "the warnings are listed"
    );
    check_links(&out);
}

/// Table 4 on a month page reads at a glance (#17 item 2): completion is met
/// (≥ 100 %), near (≥ `[completion] near`, 90 % by default) or missed, and
/// figures sit under right-aligned headers.
#[test]
fn completion_is_met_near_or_missed() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(&sample(), &data);
    let cell = |html: &str, text: &str| -> String {
        let end = html.find(&format!(">{text}</td>")).expect(text);
        let start = html[..end].rfind("<td").unwrap();
        html[start..end].to_string()
    };
    for (near, conversion) in [(None, "missed"), (Some("0.8"), "near")] {
        if let Some(n) = near {
            let p = data.join("pipeline.toml");
            std::fs::write(&p, read(&p) + &format!("\n[completion]\nnear = {n}\n")).unwrap();
        }
        let out = tmp.path().join(format!("site-{conversion}"));
        let o = build(&data, &out, &[]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let html = without_sort_keys(&read(&out.join("months/2023-10/index.html")));
        // The template's table 4: conversion 80 %, size 112.5 %, satisfaction 97.8 %.
        assert_eq!(
            cell(&html, "80%"),
            format!("<td class=\"num {conversion}\"")
        );
        assert_eq!(cell(&html, "112.5%"), "<td class=\"num met\"");
        assert_eq!(cell(&html, "97.8%"), "<td class=\"num near\"");
        assert!(
            html.contains("<th class=\"num\">目标值</th>"),
            "headers over figures align right"
        );
    }
    let p = data.join("pipeline.toml");
    std::fs::write(&p, read(&p).replace("near = 0.8", "near = 1.5")).unwrap();
    let o = build(&data, &tmp.path().join("bad"), &[]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("out-of-range"));
}

/// Pages stay small at volume (#17 item 5): the dashboard shows the 20
/// longest-waiting stale deals, longest first, and links to all of them on
/// pages of 500; the deal list is in pages of 500.
#[test]
fn alerts_show_the_worst_first_and_all_on_their_own_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(&sample(), &data);
    std::fs::write(
        data.join("customers/zz-stale.md"),
        "+++\nname = \"停滞测试有限公司\"\nindustry = \"制造业\"\nowner = \"lisi\"\n+++\n",
    )
    .unwrap();
    let n = 520;
    let base = chrono::NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
    for i in 0..n {
        let entered = base + chrono::Duration::days(i % 590);
        std::fs::write(
            data.join(format!("deals/zz-stale-{i:03}.toml")),
            format!(
                "customer = \"zz-stale\"\nowner = \"lisi\"\nstatus = \"open\"\n\n[[stages]]\nstage = \"nurture\"\nentered = {entered}\n"
            ),
        )
        .unwrap();
    }
    let out = tmp.path().join("site");
    let o = build(&data, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dashboard = without_sort_keys(&read(&out.join("index.html")));
    let stale = &dashboard[dashboard.find("预警 · 停滞商机").expect("the stale table")..];
    let stale = &stale[..stale.find("</section>").unwrap()];
    let days: Vec<i64> = stale
        .match_indices("<td class=\"num\">")
        .map(|(i, m)| {
            let rest = &stale[i + m.len()..];
            rest[..rest.find('<').unwrap()].parse().unwrap()
        })
        .collect();
    assert!(days.len() >= 20 && days.len() <= 21, "{days:?}");
    assert!(
        days.windows(2).all(|w| w[0] >= w[1]),
        "longest first: {days:?}"
    );
    assert!(
        dashboard.contains("alerts/stale/index.html\">查看全部 5"),
        "a link to all of them"
    );
    let first = read(&out.join("alerts/stale/index.html"));
    let second = read(&out.join("alerts/stale/2/index.html"));
    let rows = |html: &str| html.matches("<tr><td").count();
    assert_eq!(rows(&first), 500);
    assert!(rows(&second) >= n as usize - 500, "{}", rows(&second));
    assert!(first.contains("alerts/stale/2/index.html"));
    // The deal list too is in pages of 500.
    let deals = read(&out.join("deals/index.html"));
    assert_eq!(rows(&deals), 500);
    assert!(
        deals.contains("deals/page/2/index.html"),
        "a link to page 2"
    );
    let rest = read(&out.join("deals/page/2/index.html"));
    assert!(rows(&rest) > 20 && rest.contains("deals/index.html"));
    check_links(&out);
}

/// The case library at volume (#22 item 2): a tag of 600 cases is a list in
/// pages of 500, and the feed holds the latest 50 cases, newest first.
#[test]
fn tag_pages_are_paged_and_the_feed_holds_the_latest_cases() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    copy_dir(&sample(), &data);
    let base = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
    for i in 0..600 {
        let date = base + chrono::Duration::days(i);
        std::fs::write(
            data.join(format!("cases/bulk-{i:03}.md")),
            format!(
                "+++\ntitle = \"批量复盘 {i}\"\ndate = {date}\nresult = \"success\"\ntags = [\"批量\"]\nauthor = \"lisi\"\n+++\n正文。\n"
            ),
        )
        .unwrap();
    }
    let out = tmp.path().join("site");
    let o = build(&data, &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = |html: &str| html.matches("<tr><td").count();
    let tag = read(&out.join("cases/tags/批量/index.html"));
    assert_eq!(rows(&tag), 500);
    let second = read(&out.join("cases/tags/批量/page/2/index.html"));
    assert_eq!(rows(&second), 100);
    let feed = read(&out.join("cases/atom.xml"));
    assert_eq!(feed.matches("<entry>").count(), 50);
    let updated: Vec<&str> = feed
        .match_indices("<updated>")
        .skip(1) // the feed's own
        .map(|(i, m)| &feed[i + m.len()..i + m.len() + 10])
        .collect();
    assert!(
        updated.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {updated:?}"
    );
    check_links(&out);
}

/// A month's won and lost figures lead to their deals (#17 item 1): the month
/// page lists the deals closed in it, won first, each linking to its page.
#[test]
fn a_month_page_lists_the_deals_behind_its_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    assert!(build(&sample(), &out, &[]).status.success());
    let html = read(&out.join("months/2023-10/index.html"));
    let rows = section_rows(&html, "本月成交与丢单");
    let status: Vec<&str> = rows.iter().map(|r| r[3].as_str()).collect();
    // The sample's October: 5 deals won (table 4's 成交单数), 2 lost.
    assert_eq!(
        status,
        ["成交", "成交", "成交", "成交", "成交", "丢单", "丢单"],
        "{rows:#?}"
    );
    let a_tech = &rows[position(&rows, &["自动化升级项目"])];
    assert_eq!(a_tech[5], "2023-10-27");
    assert_eq!(a_tech[6], "19", "from the lead's acquisition on 2023-10-08");
    assert!(html.contains(r#"href="../../deals/a-tech-2023/index.html""#));
    // And the dashboard leads to the month.
    let dashboard = read(&out.join("index.html"));
    assert!(dashboard.contains(r#"href="months/2023-10/index.html">月报 2023-10 →"#));
}

/// Deal and customer pages list their case reviews (#17 item 1).
#[test]
fn deal_and_customer_pages_link_their_cases() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    assert!(build(&sample(), &out, &[]).status.success());
    for page in [
        "deals/a-tech-2023/index.html",
        "customers/a-tech/index.html",
    ] {
        let html = read(&out.join(page));
        let rows = section_rows(&html, "案例库");
        assert_eq!(rows.len(), 1, "{page}: {rows:#?}");
        assert_eq!(rows[0][0], "A科技自动化升级：展会线索 19 天签约");
        assert!(
            html.contains(r#"href="../../cases/a-tech-win/index.html""#),
            "{page}"
        );
    }
    check_links(&out);
}

#[test]
fn rate_differences_read_as_percentage_points_on_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    assert!(build(&sample(), &out, &[]).status.success());
    let rows = section_rows(
        &read(&out.join("months/2023-10/index.html")),
        "销售效果分析汇总表",
    );
    let r = &rows[position(&rows, &["线索转化率"])];
    // SPEC §7's row: 15% | 12% | 80% | -2% | -3%, the differences in points.
    assert_eq!(r[1..6], ["15%", "12%", "80%", "-2个百分点", "-3个百分点"]);
    // `report` keeps the template's own spelling.
    let o = Command::cargo_bin("salesbook")
        .unwrap()
        .arg("--data")
        .arg(sample())
        .args(["report", "--month", "2023-10"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    let line = text.lines().find(|l| l.contains("线索转化率")).unwrap();
    assert!(line.contains("-2%") && line.contains("-3%"), "{line}");
}

#[test]
fn owner_pages_link_their_leads_and_deals() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    assert!(build(&sample(), &out, &[]).status.success());
    let html = read(&out.join("owners/lisi/index.html"));
    let leads = section_rows(&html, "李四 · 线索");
    // Every lead of the sample whose owner is lisi, each linking into the register.
    let mut want: Vec<String> = std::fs::read_dir(sample().join("leads"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| read(p).contains("owner = \"lisi\""))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    want.sort();
    let mut got: Vec<String> = leads.iter().map(|r| r[0].clone()).collect();
    got.sort();
    assert_eq!(got, want);
    assert!(html.contains("leads/2023-10/index.html#lead-LX001\""));
    assert!(read(&out.join("leads/2023-10/index.html")).contains("id=\"lead-LX001\""));
    let deals = section_rows(&html, "李四 · 商机");
    assert!(
        deals
            .iter()
            .any(|r| r[0] == "自动化升级项目" || r[0] == "a-tech-2023"),
        "{deals:?}"
    );
    assert!(html.contains("deals/a-tech-2023/index.html\""));
}

#[test]
fn the_owners_page_ranks_the_owners_by_the_months_revenue() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    assert!(build(&sample(), &out, &[]).status.success());
    let rows = section_rows(&read(&out.join("owners/index.html")), "排行榜 2023-10");
    assert_eq!(rows.len(), 5, "{rows:#?}");
    let col = |i: usize| -> Vec<f64> {
        rows.iter()
            .map(|r| r[i].trim_end_matches('%').parse().unwrap())
            .collect()
    };
    // The sample's October as table 4 has it: 225 万 from 5 deals won, 25 new leads.
    assert_eq!(col(2).iter().sum::<f64>(), 225.0);
    assert_eq!(col(3).iter().sum::<f64>(), 5.0);
    assert_eq!(col(5).iter().sum::<f64>(), 25.0);
    assert!(
        col(2).windows(2).all(|w| w[0] >= w[1]),
        "not by revenue: {rows:?}"
    );
    assert_eq!(col(0), [1.0, 2.0, 3.0, 4.0, 5.0]);
    // 李四 won A科技's 50 万 and converted one of his 3 October leads.
    let lisi = &rows[position(&rows, &["李四"])];
    assert_eq!(lisi[2..], ["50", "1", "100%", "3", "33.3%"]);
}
