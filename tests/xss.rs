//! Script injection (issue #7): the payload corpus of tests/fixtures/xss/payloads.txt
//! is written into every free-text field of every record kind of a copy of the
//! sample and into every Markdown body; the team and shared sites built from it are
//! checked statically here (every HTML, XML, JS, SVG and CSV file) and in headless
//! Chromium by tests/browser.rs (`injected_payloads_never_run`).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::xss::{Corpus, XssSites, files, read, xss_sites};
use scraper::{Html, Node};

/// The theme's own scripts, by path relative to the site root.
const THEME_SCRIPTS: [&str; 3] = [
    "static/search.js",
    "static/table.js",
    "cases/search-index.js",
];
/// `salesbook serve`'s live-reload script, added to every page it serves.
const SERVE_SCRIPT: &str = "/__salesbook/livereload.js";

fn rel(site: &Path, p: &Path) -> String {
    p.strip_prefix(site).unwrap().to_string_lossy().into_owned()
}

/// `..`/`.` segments of `base`'s folder joined with `href`, as a site-relative path
/// (`None` when it leaves the site or is not relative).
fn resolve(page_rel: &str, href: &str) -> Option<String> {
    if href.contains(':') || href.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = page_rel.split('/').collect();
    parts.pop();
    for seg in href.split(['?', '#']).next()?.split('/') {
        match seg {
            ".." => {
                parts.pop()?;
            }
            "." | "" => {}
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// A URL attribute's scheme as a browser sees it: entities are already decoded by
/// the parser; leading/trailing C0 controls and spaces are trimmed and tabs and
/// newlines anywhere are dropped (WHATWG URL parsing), then lowercased.
fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = cleaned.find(':')?;
    let s = &cleaned[..colon];
    (!s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
    .then(|| s.to_ascii_lowercase())
}

const URL_ATTRS: [&str; 10] = [
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "background",
    "poster",
    "srcdoc",
    "lowsrc",
    "dynsrc",
];
const FORBIDDEN_ELEMENTS: [&str; 10] = [
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "template",
    "noscript",
];

/// Everything wrong with one HTML document (or SVG parsed as HTML).
fn html_problems(site: &Path, page: &Path, doc: &Html, out: &mut Vec<String>) {
    let page_rel = rel(site, page);
    let mut bad = |what: String| out.push(format!("{page_rel}: {what}"));
    for node in doc.tree.nodes() {
        let Node::Element(el) = node.value() else {
            continue;
        };
        let name = el.name().to_ascii_lowercase();
        if name == "script" {
            let body: String = node
                .children()
                .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                .collect();
            let src = el.attr("src").unwrap_or("");
            let target = resolve(&page_rel, src);
            let known = src == SERVE_SCRIPT
                || target
                    .as_deref()
                    .is_some_and(|t| THEME_SCRIPTS.contains(&t));
            if !body.trim().is_empty() || !known {
                bad(format!(
                    "script not from the theme: src={src:?} body={body:?}"
                ));
            }
        }
        if FORBIDDEN_ELEMENTS.contains(&name.as_str()) {
            bad(format!("<{name}> element"));
        }
        if name == "meta" {
            let equiv = el.attr("http-equiv").unwrap_or("").to_ascii_lowercase();
            if equiv != "content-security-policy" && !equiv.is_empty() {
                bad(format!("<meta http-equiv={equiv:?}>"));
            }
        }
        if name == "link"
            && el
                .attr("rel")
                .is_some_and(|r| !matches!(r, "stylesheet" | "alternate"))
        {
            bad(format!("<link rel={:?}>", el.attr("rel")));
        }
        for (attr, value) in el.attrs() {
            let attr = attr.to_ascii_lowercase();
            if attr.starts_with("on") {
                bad(format!("<{name} {attr}={value:?}> event handler"));
            }
            if attr == "style" {
                bad(format!("<{name} style={value:?}> (inline style)"));
            }
            // `xlink:href` arrives as `href` in the xlink namespace.
            if URL_ATTRS.contains(&attr.as_str())
                && let Some(s) = scheme(value)
                && matches!(
                    s.as_str(),
                    "javascript" | "vbscript" | "data" | "livescript"
                )
            {
                bad(format!("<{name} {attr}={value:?}> {s}: URL"));
            }
        }
    }
}

/// The page's Content-Security-Policy, from its `<meta http-equiv>` in `<head>`.
fn csp(doc: &Html) -> Option<String> {
    let sel = scraper::Selector::parse("head > meta[http-equiv]").unwrap();
    doc.select(&sel)
        .find(|m| {
            m.value()
                .attr("http-equiv")
                .is_some_and(|e| e.eq_ignore_ascii_case("content-security-policy"))
        })
        .and_then(|m| m.value().attr("content").map(String::from))
}

/// A CSP that allows only the site's own script files: `script-src` (or, without
/// it, `default-src`) is `'self'` alone, plus `object-src 'none'` and `base-uri`.
fn csp_problems(policy: &str) -> Vec<String> {
    let mut out = Vec::new();
    let directives: Vec<(String, Vec<String>)> = policy
        .split(';')
        .filter_map(|d| {
            let mut w = d.split_whitespace();
            let name = w.next()?.to_ascii_lowercase();
            Some((name, w.map(|v| v.to_ascii_lowercase()).collect()))
        })
        .collect();
    let get = |n: &str| directives.iter().find(|d| d.0 == n).map(|d| d.1.clone());
    match get("script-src").or_else(|| get("default-src")) {
        Some(v) if v == ["'self'"] => {}
        other => out.push(format!("script-src is {other:?}, not only 'self'")),
    }
    if get("object-src").is_none_or(|v| v != ["'none'"]) {
        out.push("object-src is not 'none'".into());
    }
    if get("base-uri").is_none_or(|v| v.iter().any(|s| s != "'none'" && s != "'self'")) {
        out.push("base-uri is not restricted".into());
    }
    if get("form-action").is_none_or(|v| v.iter().any(|s| s != "'none'" && s != "'self'")) {
        out.push("form-action is not restricted".into());
    }
    out
}

/// The text content of a document, whitespace runs collapsed to one space.
fn text_of(doc: &Html) -> String {
    let mut t = String::new();
    for node in doc.tree.nodes() {
        if let Node::Text(x) = node.value() {
            t.push_str(x);
            t.push(' ');
        }
        if let Node::Element(el) = node.value() {
            for (_, v) in el.attrs() {
                t.push_str(v);
                t.push(' ');
            }
        }
    }
    collapse(&t)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The search index's JSON: the file must be exactly the one assignment, with no
/// character that could end a `<script>` element or open an HTML comment if the
/// file were ever inlined, and no raw line separator.
fn search_index_json(js: &str) -> Result<serde_json::Value, String> {
    let start = "window.SALESBOOK_CASES = ";
    let i = js.find(start).ok_or("no SALESBOOK_CASES assignment")?;
    let head = &js[..i];
    if !(head.starts_with("/*")
        && head.trim_end().ends_with("*/")
        && head.matches("*/").count() == 1)
    {
        return Err(format!("unexpected text before the assignment: {head:?}"));
    }
    let rest = &js[i + start.len()..];
    let json = rest
        .strip_suffix(";\n")
        .ok_or("the assignment does not end the file")?;
    for bad in ['<', '>', '\u{2028}', '\u{2029}'] {
        if json.contains(bad) {
            return Err(format!("raw {bad:?} in the index"));
        }
    }
    serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))
}

/// A part of the search index (`cases/search/k3.js`): exactly one call,
/// `SALESBOOK_SEARCH("k3", <json>);`, with the same character rules.
fn search_part_json(rel: &str, js: &str) -> Result<serde_json::Value, String> {
    let name = rel
        .strip_prefix("cases/search/")
        .and_then(|n| n.strip_suffix(".js"))
        .filter(|n| {
            n.len() > 1
                && n.starts_with(['k', 'm', 't'])
                && n[1..].bytes().all(|b| b.is_ascii_digit())
        })
        .ok_or("not a search part's name")?;
    let json = js
        .strip_prefix(&format!("SALESBOOK_SEARCH(\"{name}\", "))
        .and_then(|r| r.strip_suffix(");\n"))
        .ok_or("not exactly one SALESBOOK_SEARCH call")?;
    for bad in ['<', '>', '\u{2028}', '\u{2029}'] {
        if json.contains(bad) {
            return Err(format!("raw {bad:?} in the part"));
        }
    }
    serde_json::from_str(json).map_err(|e| format!("not JSON: {e}"))
}

/// Every string in a JSON value.
fn json_strings(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::String(s) => {
            out.push_str(s);
            out.push(' ');
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| json_strings(x, out)),
        _ => {}
    }
}

/// Well-formed XML (quick-xml), returning its text content.
fn xml_text(xml: &str) -> Result<String, String> {
    use quick_xml::events::Event;
    // XML 1.0 `Char`: quick-xml does not check it.
    if let Some(c) = xml.chars().find(|&c| {
        !(matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}')))
    }) {
        return Err(format!("{c:?} is not an XML character"));
    }
    let mut r = quick_xml::Reader::from_str(xml);
    r.config_mut().check_end_names = true;
    let mut text = String::new();
    let mut depth = 0i32;
    loop {
        match r
            .read_event()
            .map_err(|e| format!("{e} at {}", r.buffer_position()))?
        {
            Event::Eof => break,
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            Event::Text(t) => {
                // References come as their own events, so text is literal.
                text.push_str(&t.into_inner());
            }
            Event::GeneralRef(g) => {
                let name = g.clone().into_inner();
                let ch = g
                    .resolve_char_ref()
                    .map_err(|e| e.to_string())?
                    .map(String::from)
                    .or_else(|| quick_xml::escape::resolve_xml_entity(&name).map(String::from))
                    .ok_or(format!("unknown entity &{name};"))?;
                text.push_str(&ch);
            }
            Event::CData(_) => return Err("CDATA section".into()),
            _ => {}
        }
    }
    if depth != 0 {
        return Err("unbalanced elements".into());
    }
    Ok(collapse(&text))
}

struct Scan {
    problems: Vec<String>,
    /// Text and attribute values of every HTML page.
    html_text: String,
    /// Strings of the search index.
    index_text: String,
    /// Text of the Atom feed.
    feed_text: String,
    pages: usize,
}

fn scan(site: &Path) -> Scan {
    let mut s = Scan {
        problems: Vec::new(),
        html_text: String::new(),
        index_text: String::new(),
        feed_text: String::new(),
        pages: 0,
    };
    for f in files(site) {
        let r = rel(site, &f);
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
        match ext {
            "html" | "svg" => {
                let text = read(&f);
                let doc = Html::parse_document(&text);
                html_problems(site, &f, &doc, &mut s.problems);
                if ext == "html" {
                    s.pages += 1;
                    match csp(&doc) {
                        None => s.problems.push(format!("{r}: no CSP meta")),
                        Some(p) => s
                            .problems
                            .extend(csp_problems(&p).into_iter().map(|e| format!("{r}: {e}"))),
                    }
                    s.html_text.push_str(&text_of(&doc));
                    s.html_text.push('\n');
                }
            }
            "js" if r == "cases/search-index.js" => match search_index_json(&read(&f)) {
                Ok(v) => json_strings(&v, &mut s.index_text),
                Err(e) => s.problems.push(format!("{r}: {e}")),
            },
            "js" if r.starts_with("cases/search/") => match search_part_json(&r, &read(&f)) {
                Ok(v) => json_strings(&v, &mut s.index_text),
                Err(e) => s.problems.push(format!("{r}: {e}")),
            },
            "js" if !THEME_SCRIPTS.contains(&r.as_str()) => {
                s.problems.push(format!("{r}: unexpected script file"));
            }
            "xml" => match xml_text(&read(&f)) {
                Ok(t) => s.feed_text.push_str(&t),
                Err(e) => s.problems.push(format!("{r}: not well-formed XML: {e}")),
            },
            "csv" => {
                let mut rd = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_path(&f)
                    .unwrap();
                if let Some(e) = rd.records().find_map(|x| x.err()) {
                    s.problems.push(format!("{r}: bad CSV: {e}"));
                }
            }
            _ => {}
        }
    }
    s
}

fn assert_clean(site: &Path, s: &Scan) {
    assert!(s.pages >= 5, "{}: only {} pages", site.display(), s.pages);
    assert!(
        s.problems.is_empty(),
        "{} problems in {}:\n{}",
        s.problems.len(),
        site.display(),
        s.problems.join("\n")
    );
}

fn sites() -> &'static XssSites {
    xss_sites()
}

#[test]
fn team_site_has_no_injected_script() {
    let x = sites();
    let s = scan(&x.team);
    assert_clean(&x.team, &s);
    eprintln!(
        "{} payloads in {} text fields; {} team pages scanned",
        x.corpus.payloads.len(),
        x.fields,
        s.pages
    );
    // Every payload is shown as text somewhere (it reached the pages and was
    // escaped, not dropped or interpreted): whitespace-collapsed, since HTML
    // collapses it too.
    let missing: Vec<_> = x
        .corpus
        .payloads
        .iter()
        .filter(|p| !s.html_text.contains(&collapse(p)))
        .collect();
    assert!(
        missing.is_empty(),
        "payloads not shown as text: {missing:#?}"
    );
    // Git's author names are text too.
    let author = common::xss::git_author(&x.data);
    assert!(
        s.html_text.contains(&author),
        "git author {author:?} not shown"
    );
    // Template syntax in record text is text, never evaluated.
    assert!(s.html_text.contains("{{ config }}"));
    assert!(
        s.html_text
            .contains("{% raw %}{{ __tera_context }}{% endraw %}")
    );
}

#[test]
fn shared_site_has_no_injected_script() {
    let x = sites();
    let s = scan(&x.shared);
    assert_clean(&x.shared, &s);
    // The shared site shows the shareable cases: their payloads are there as text.
    let shown = x
        .corpus
        .payloads
        .iter()
        .filter(|p| s.html_text.contains(&collapse(p)))
        .count();
    assert!(
        shown >= 20,
        "only {shown} payloads shown on the shared site"
    );
}

#[test]
fn search_index_and_feed_carry_payloads_as_data() {
    let x = sites();
    for site in [&x.team, &x.shared] {
        let s = scan(site);
        assert_clean(site, &s);
        // Through JSON and XML the payload text survives unchanged (so it is
        // escaped, not filtered); the index holds lowercased text.
        let title = common::xss::FEED_TITLE.trim();
        assert!(
            s.index_text.contains(&title.to_lowercase()),
            "{}: the title's payloads are not in the search index",
            site.display()
        );
        assert!(
            s.feed_text.contains(title),
            "{}: the feed lost the title's payloads:\n{}",
            site.display(),
            s.feed_text
        );
    }
}

#[test]
fn the_checker_flags_what_the_scanner_looks_for() {
    // The scanner itself: each kind of hole it must find, in a small document.
    let site = Path::new("/site");
    let page = site.join("cases/x/index.html");
    let problems = |html: &str| {
        let mut out = Vec::new();
        html_problems(site, &page, &Html::parse_document(html), &mut out);
        out
    };
    assert!(problems("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>").is_empty());
    assert!(problems("<script src=\"../../static/search.js\"></script>").is_empty());
    for bad in [
        "<script>alert(1)</script>",
        "<script src=\"../../static/evil.js\"></script>",
        "<script src=\"../../static/search.js\">alert(1)</script>",
        "<svg><script>alert(1)</script></svg>",
        "<img src=x onerror=alert(1)>",
        "<svg><a xlink:href=\"javascript:alert(1)\">x</a></svg>",
        "<a href=\" &#14; JaVa&#x09;Script:alert(1)\">x</a>",
        "<a href=\"data:text/html,x\">x</a>",
        "<iframe srcdoc=\"x\"></iframe>",
        "<meta http-equiv=refresh content=\"0;url=x\">",
        "<base href=\"x\">",
        "<div style=\"x:expression(1)\">x</div>",
    ] {
        assert!(!problems(bad).is_empty(), "not flagged: {bad}");
    }
    assert_eq!(
        resolve("cases/x/index.html", "../../static/search.js").as_deref(),
        Some("static/search.js")
    );
    assert_eq!(resolve("index.html", "../x.js"), None);
    // The CSP rule.
    let good = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";
    assert!(csp_problems(good).is_empty(), "{:?}", csp_problems(good));
    assert!(!csp_problems("default-src 'self'; script-src 'self' 'unsafe-inline'").is_empty());
    assert!(!csp_problems("script-src *").is_empty());
    // The search index rule.
    let ok = "/* x */\nwindow.SALESBOOK_CASES = {\"a\":\"\\u003c/script\\u003e\"};\n";
    assert_eq!(search_index_json(ok).unwrap()["a"], "</script>");
    for bad in [
        "/* x */\nwindow.SALESBOOK_CASES = {\"a\":\"</script>\"};\n",
        "/* x */\nwindow.SALESBOOK_CASES = {\"a\":\"\u{2028}\"};\n",
        "/* x */\nwindow.SALESBOOK_CASES = {};\nalert(1);\n",
        "alert(1);/* x */\nwindow.SALESBOOK_CASES = {};\n",
    ] {
        assert!(search_index_json(bad).is_err(), "not flagged: {bad}");
    }
    // The search parts' rule.
    let part = "SALESBOOK_SEARCH(\"k0\", {\"a\":\"\\u003c\"});\n";
    assert_eq!(
        search_part_json("cases/search/k0.js", part).unwrap()["a"],
        "<"
    );
    for (rel, bad) in [
        ("cases/search/k1.js", part),
        ("cases/search/x0.js", part),
        (
            "cases/search/k0.js",
            "SALESBOOK_SEARCH(\"k0\", {\"a\":\"</script>\"});\n",
        ),
        (
            "cases/search/k0.js",
            "SALESBOOK_SEARCH(\"k0\", {});\nalert(1);\n",
        ),
        (
            "cases/search/k0.js",
            "alert(1);SALESBOOK_SEARCH(\"k0\", {});\n",
        ),
    ] {
        assert!(
            search_part_json(rel, bad).is_err(),
            "not flagged: {rel} {bad}"
        );
    }
    assert!(xml_text("<a><b>x &amp; &#60;</b></a>").unwrap() == "x & <");
    assert!(xml_text("<a><b>x</a>").is_err());
    assert!(xml_text("<a><![CDATA[x]]></a>").is_err());
    assert!(xml_text("<a>\u{1}</a>").is_err());
}

#[test]
fn the_corpus_is_big_and_every_marker_names_one_payload() {
    let c = Corpus::load();
    assert!(c.payloads.len() >= 60, "{} payloads", c.payloads.len());
    let mut markers = BTreeSet::new();
    for p in &c.payloads {
        for m in common::xss::markers(p) {
            markers.insert(m);
        }
    }
    assert!(markers.len() >= 60, "{} markers", markers.len());
    for must in [
        "<script>alert('X01')</script>",
        "<img src=x onerror=alert('X02')>",
        "{{ config }}",
        "javascript:alert('X06')",
    ] {
        assert!(c.payloads.iter().any(|p| p == must), "{must}");
    }
    assert!(c.payloads.iter().any(|p| p.contains('\u{2028}')));
    assert!(c.payloads.iter().any(|p| p.contains('\n')));
}

/// A payload as a record id (the file name) is an error, so the site is not
/// built and no payload becomes a path.
#[test]
fn payload_ids_are_rejected_and_never_become_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    common::xss::copy_dir(&common::sample(), &data);
    let lead = read(&data.join("leads/LX001.toml"));
    let names = [
        "\"><img src=x onerror=alert('X90')>",
        "javascript:alert('X91')",
        "x92%2F..%2Fevil",
        "<svg onload=alert('X93')>",
    ];
    for n in names {
        std::fs::write(data.join("leads").join(format!("{n}.toml")), &lead).unwrap();
    }
    let out = tmp.path().join("site");
    let o = assert_cmd::Command::cargo_bin("salesbook")
        .unwrap()
        .arg("--data")
        .arg(&data)
        .arg("build")
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.matches("invalid-id").count(), names.len(), "{err}");
    assert!(!out.exists(), "a site was built despite invalid ids");
    let left: Vec<PathBuf> = files(tmp.path())
        .into_iter()
        .filter(|p| !p.starts_with(&data))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A tag (free text, not an id) becomes a folder of the site: only tags that
/// are valid as one path segment get a page, so `..`, separators and markup
/// never reach a path.
#[test]
fn tags_never_leave_the_tag_folder() {
    let x = sites();
    for site in [&x.team, &x.shared] {
        let tags = site.join("cases/tags");
        let mut tag_pages = 0;
        for f in files(site) {
            let r = rel(site, &f);
            assert!(!r.split('/').any(|s| s == ".."), "{r}");
            if f.starts_with(&tags) {
                let depth = f.strip_prefix(&tags).unwrap().components().count();
                assert_eq!(depth, 2, "{r}: a tag page outside its own folder");
                let tag = f.parent().unwrap().file_name().unwrap().to_string_lossy();
                assert!(
                    !tag.contains(['<', '>', '\'', '"', ' ']),
                    "{r}: a tag page for a payload"
                );
                tag_pages += 1;
            }
        }
        assert!(
            tag_pages >= 3,
            "{}: only {tag_pages} tag pages",
            site.display()
        );
    }
    let outside: Vec<_> = files(&x.root)
        .into_iter()
        .filter(|f| !f.starts_with(&x.data) && !f.starts_with(&x.team) && !f.starts_with(&x.shared))
        .collect();
    assert!(
        outside.is_empty(),
        "files written outside the sites: {outside:?}"
    );
}

/// `salesbook serve` shows data errors in the browser, quoting the data: with
/// payloads in a field name, a wrong-typed value and a reference, the overlay
/// shows them as text and runs no script but live reload.
#[cfg(feature = "serve")]
#[test]
fn serve_error_overlay_shows_payloads_as_text() {
    use salesbook::serve::build::{Builder, Outcome, Settings, error_page};
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    common::xss::copy_dir(&common::sample(), &data);
    let lead = data.join("leads/LX001.toml");
    let text = read(&lead).replace(
        "acquired = 2023-10-08",
        "acquired = \"<svg onload=alert('X98')>\"\n\"<script>alert('X96')</script>\" = \"x\"",
    );
    std::fs::write(&lead, text).unwrap();
    let customer = data.join("customers/a-tech.md");
    let text = read(&customer).replacen(
        "owner = \"lisi\"",
        "owner = \"</pre><script>alert('X99')</script>\"",
        1,
    );
    std::fs::write(&customer, text).unwrap();
    let settings = Settings {
        data: data.clone(),
        as_of: None,
        strict: false,
        theme: None,
        audience: salesbook::site::Audience::Team,
        reveal_contacts: false,
    };
    let Outcome::Failed(failure) = Builder::new(settings, tmp.path()).build(None) else {
        panic!("the build with errors succeeded");
    };
    assert!(failure.problems.len() >= 3, "{failure:?}");
    let head = format!("<script src=\"{SERVE_SCRIPT}\" defer></script>");
    let page = error_page(&failure, &head);
    let doc = Html::parse_document(&page);
    let mut problems = Vec::new();
    let site = Path::new("/serve");
    html_problems(site, &site.join("index.html"), &doc, &mut problems);
    // Its one inline style is the overlay's own.
    problems.retain(|p| !p.ends_with("<style> element"));
    assert!(problems.is_empty(), "{problems:#?}\n{page}");
    let policy = csp(&doc).expect("the overlay has a CSP");
    assert!(
        csp_problems(&policy).is_empty(),
        "{:?}",
        csp_problems(&policy)
    );
    let text = text_of(&doc);
    for shown in [
        "<script>alert('X96')</script>",
        "<svg onload=alert('X98')>",
        "</pre><script>alert('X99')</script>",
    ] {
        assert!(text.contains(shown), "{shown} not shown as text:\n{page}");
    }
}
