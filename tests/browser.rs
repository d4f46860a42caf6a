//! Real-browser tests: the built sample site opened from file:// in Debian's
//! headless Chromium (`chromium` on the PATH, else `/usr/bin/chromium`, or
//! `$SALESBOOK_CHROMIUM`).
//!
//! Without Chromium these tests print why and pass, except under CI (`CI` set),
//! where they fail: `.ci/run` installs it.
//!
//! Console errors: Chromium started with `--enable-logging=stderr --v=0` writes
//! every console message of every frame as a `…:CONSOLE…` line on stderr, uncaught
//! exceptions and CSP violations included (at INFO level whatever their severity,
//! so any console line fails: the site logs nothing). To load every page in one
//! browser start, a harness page outside the site holds one `<iframe>` per page;
//! `--dump-dom` returns after the harness's load event, which waits for every frame.
//! A canary frame with an inline script and a throwing script proves each run
//! catches both kinds of error.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::chromium::{assert_quiet, chromium, file_url, html_pages, run};

/// The sample site, built once per test run (team and shared audiences).
struct Sites {
    _tmp: tempfile::TempDir,
    team: PathBuf,
    shared: PathBuf,
    root: PathBuf,
}

fn sites() -> &'static Sites {
    static SITES: OnceLock<Sites> = OnceLock::new();
    SITES.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let build = |name: &str, extra: &[&str]| {
            let out = root.join(name);
            let o = assert_cmd::Command::cargo_bin("salesbook")
                .unwrap()
                .arg("--data")
                .arg(&data)
                .arg("build")
                .arg("--out")
                .arg(&out)
                .args(extra)
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            out
        };
        let team = build("team", &[]);
        let shared = build("shared", &["--audience", "shared"]);
        Sites {
            _tmp: tmp,
            team,
            shared,
            root,
        }
    })
}

/// Percent-encodes a query value.
fn q(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn every_page_loads_without_console_errors() {
    let Some(chrome) = chromium() else { return };
    let s = sites();
    let canary = s.root.join("canary");
    std::fs::create_dir_all(&canary).unwrap();
    std::fs::write(
        canary.join("index.html"),
        "<!doctype html><html><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'self'\">\
         <script src=\"throw.js\"></script></head>\
         <body><script>console.log('inline ran')</script></body></html>",
    )
    .unwrap();
    std::fs::write(canary.join("throw.js"), "null.canary = 1;\n").unwrap();
    let mut pages = html_pages(&s.team);
    pages.extend(html_pages(&s.shared));
    assert!(pages.len() > 150, "{} pages", pages.len());
    let mut harness =
        String::from("<!doctype html><html><head><meta charset=\"utf-8\"></head><body>\n");
    for p in pages.iter().chain([&canary.join("index.html")]) {
        harness.push_str(&format!("<iframe src=\"{}\"></iframe>\n", file_url(p)));
    }
    harness.push_str("</body></html>\n");
    let h = s.root.join("harness.html");
    std::fs::write(&h, harness).unwrap();
    let r = run(&chrome, &["--dump-dom"], &file_url(&h));
    let canary_url = file_url(&canary);
    let (caught, errors): (Vec<_>, Vec<_>) =
        r.console.iter().partition(|l| l.contains(&canary_url));
    assert!(
        caught.iter().any(|l| l.contains("Uncaught"))
            && caught.iter().any(|l| l.contains("Content Security Policy")),
        "the canary's errors were not seen: the console capture does not work\n{}",
        r.console.join("\n")
    );
    assert!(
        errors.is_empty(),
        "console messages while loading {} pages:\n{}",
        pages.len(),
        errors
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );

    // And one page of each kind opened directly (top-level, not framed).
    let team = &s.team;
    let tag = std::fs::read_dir(team.join("cases/tags"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("index.html");
    let direct = [
        team.join("404.html"),
        team.join("leads/index.html"),
        team.join("customers/a-tech/index.html"),
        team.join("deals/a-tech-2023/index.html"),
        team.join("owners/lisi/index.html"),
        team.join("quality/index.html"),
        team.join("data/index.html"),
        team.join("cases/a-tech-win/index.html"),
        tag,
    ];
    std::thread::scope(|sc| {
        for half in direct.chunks(direct.len().div_ceil(2)) {
            let chrome = &chrome;
            sc.spawn(move || {
                for p in half {
                    let r = run(chrome, &["--dump-dom"], &file_url(p));
                    assert!(r.out.contains("</main>"), "{}: not rendered", p.display());
                    assert_quiet(&r, &p.display().to_string());
                }
            });
        }
    });
}

/// (case id, hidden?) for every case row of a dumped DOM.
fn case_rows(dom: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for (i, _) in dom.match_indices("<td id=\"case-") {
        let id_start = i + "<td id=\"case-".len();
        let id_end = id_start + dom[id_start..].find('"').unwrap();
        let tr = dom[..i].rfind("<tr").unwrap();
        let tr_tag = &dom[tr..tr + dom[tr..].find('>').unwrap()];
        out.push((dom[id_start..id_end].to_string(), tr_tag.contains("hidden")));
    }
    out
}

fn visible(dom: &str) -> Vec<String> {
    case_rows(dom)
        .into_iter()
        .filter(|(_, h)| !h)
        .map(|(id, _)| id)
        .collect()
}

/// Ids of the sample's cases whose file contains `needle`.
fn sample_cases(needle: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/cases");
    let mut ids: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| std::fs::read_to_string(p).unwrap().contains(needle))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn case_search_and_filters_work_from_file_urls() {
    let Some(chrome) = chromium() else { return };
    let s = sites();
    let list = file_url(&s.team.join("cases/index.html"));
    let open = |query: &str| {
        let r = run(&chrome, &["--dump-dom"], &format!("{list}{query}"));
        assert_quiet(&r, query);
        r.out
    };
    let all = sample_cases("");
    assert!(all.len() >= 10);

    // Nothing asked: every case shown, the search form revealed by the script.
    let dom = open("");
    let mut shown = visible(&dom);
    shown.sort();
    assert_eq!(shown, all);
    let form = &dom[dom.find("<form id=\"case-search\"").unwrap()..];
    let form_tag = &form[..form.find('>').unwrap()];
    assert!(!form_tag.contains("hidden"), "search form still hidden");
    assert!(dom.contains(&format!("{} / {} ", all.len(), all.len())));

    // A Chinese word from a title and body: 自动化 (A科技自动化升级).
    let dom = open(&format!("?q={}", q("自动化")));
    let shown = visible(&dom);
    assert!(shown.contains(&"a-tech-win".to_string()), "{shown:?}");
    assert!(!shown.contains(&"dingxin-it-loss".to_string()), "{shown:?}");
    assert!(shown.len() < all.len());
    // A word only in lessons / improvements / body: 纪要 (会议纪要).
    let dom = open(&format!("?q={}", q("纪要")));
    assert_eq!(visible(&dom), ["dingxin-it-loss"]);
    // Two words: both must occur.
    let dom = open(&format!("?q={}", q("自动化 节拍")));
    assert_eq!(visible(&dom), ["a-tech-win"]);

    // A filter narrows the list to exactly the failures.
    let dom = open("?result=failure");
    let mut shown = visible(&dom);
    shown.sort();
    assert_eq!(shown, sample_cases("result = \"failure\""));
    assert!(shown.len() < all.len());
    // Filters combine with each other and with the query.
    let dom = open(&format!("?result=success&tag={}", q("大单")));
    let mut shown = visible(&dom);
    shown.sort();
    let big: Vec<_> = sample_cases("\"大单\"")
        .into_iter()
        .filter(|id| sample_cases("result = \"success\"").contains(id))
        .collect();
    assert_eq!(shown, big);
    assert!(!big.is_empty());
    let dom = open(&format!("?q={}&stage=negotiation", q("价格")));
    for id in visible(&dom) {
        assert!(
            sample_cases("stage = \"negotiation\"").contains(&id),
            "{id}"
        );
    }
    // Nothing matches: the empty note shows.
    let dom = open(&format!("?q={}", q("不存在的词语")));
    assert!(visible(&dom).is_empty());
    assert!(!dom.contains("id=\"case-none\" class=\"empty\" hidden"));

    // JavaScript off, the page is its HTML as written (Chromium's --dump-dom
    // itself needs script, so read the file): every case, no row hidden, the
    // search form hidden.
    let html = std::fs::read_to_string(s.team.join("cases/index.html")).unwrap();
    let mut shown = visible(&html);
    shown.sort();
    assert_eq!(shown, all);
    let form = &html[html.find("<form id=\"case-search\"").unwrap()..];
    assert!(form[..form.find('>').unwrap()].contains(" hidden"));

    // The shared site's home page is the case library, with the same search.
    let r = run(
        &chrome,
        &["--dump-dom"],
        &format!(
            "{}?q={}",
            file_url(&s.shared.join("index.html")),
            q("自动化")
        ),
    );
    assert_quiet(&r, "shared index");
    // The same two cases, at their neutral paths (numbers, oldest first).
    let found = visible(&r.out);
    assert_eq!(found.len(), 2, "{found:?}");
    for n in &found {
        assert!(n.parse::<u32>().is_ok(), "{n} is not a neutral path");
        let page = std::fs::read_to_string(s.shared.join(format!("cases/{n}/index.html"))).unwrap();
        assert!(page.contains("自动化"), "case {n}");
    }
}

#[test]
fn screenshots_of_dashboard_and_monthly_report() {
    let Some(chrome) = chromium() else { return };
    let s = sites();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, page) in [
        ("dashboard.png", "index.html"),
        ("month-2023-10.png", "months/2023-10/index.html"),
    ] {
        let png = dir.join(name);
        let _ = std::fs::remove_file(&png);
        let r = run(
            &chrome,
            &[
                &format!("--screenshot={}", png.display()),
                "--window-size=1280,2000",
                "--hide-scrollbars",
            ],
            &file_url(&s.team.join(page)),
        );
        assert_quiet(&r, page);
        let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
        assert!(
            bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            "{name} is not a PNG"
        );
        assert!(bytes.len() > 50_000, "{name}: only {} bytes", bytes.len());
        eprintln!("saved {} ({} bytes)", png.display(), bytes.len());
    }
}

/// Test-only theme script: loaded first on every page of the probe build, it
/// replaces the dialog functions so that a payload that runs logs a line naming
/// its marker (an `XSS-HIT` console line) instead of opening a dialog.
const PROBE_JS: &str = "(function () {\n\
  ['alert', 'confirm', 'prompt', 'print'].forEach(function (f) {\n\
    window[f] = function (m) { console.log('XSS-HIT ' + f + ' ' + m); };\n\
  });\n\
})();\n";

/// Script injection in a real browser (issue #7): the payload corpus of
/// tests/fixtures/xss/ in every text field (tests/common/xss.rs) is built twice,
/// team and shared audiences each:
/// - with the default theme: a payload that reached the DOM as script would be
///   refused by the CSP, which logs a console line;
/// - with a probe theme: the default templates without the CSP meta, plus
///   `probe.js` first in `<head>`, so escaping alone is tested: a payload that
///   runs calls `alert('X17')` and logs `XSS-HIT alert X17`.
///
/// Every page of the four sites loads in one harness; any console line fails. A
/// canary page with an executing payload proves the probe reports hits.
#[test]
fn injected_payloads_never_run() {
    let Some(chrome) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let (data, corpus, fields) = common::xss::xss_data(&root);
    assert!(fields > 1000, "only {fields} fields got a payload");

    let probe = root.join("probe-theme");
    std::fs::create_dir_all(probe.join("templates")).unwrap();
    std::fs::create_dir_all(probe.join("static")).unwrap();
    let base = common::read(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
    );
    let csp_line = base
        .lines()
        .find(|l| l.contains("Content-Security-Policy"))
        .expect("base.html has a CSP meta");
    let probed = base.replace(
        &format!("{csp_line}\n"),
        "<script src=\"{{ root }}static/probe.js\"></script>\n",
    );
    assert!(!probed.contains("Content-Security-Policy"));
    std::fs::write(probe.join("templates/base.html"), probed).unwrap();
    std::fs::write(probe.join("static/probe.js"), PROBE_JS).unwrap();

    let theme = probe.to_str().unwrap();
    let builds: [(&str, Vec<&str>); 4] = [
        ("team", vec![]),
        ("shared", vec!["--audience", "shared"]),
        ("probe-team", vec!["--theme", theme]),
        (
            "probe-shared",
            vec!["--audience", "shared", "--theme", theme],
        ),
    ];
    std::thread::scope(|s| {
        for pair in builds.chunks(2) {
            let (data, root) = (&data, &root);
            s.spawn(move || {
                for (name, extra) in pair {
                    common::build_site(data, &root.join(name), extra);
                }
            });
        }
    });

    // The canary: a payload that runs, on a page with the probe.
    let canary = root.join("probe-team/xss-canary.html");
    std::fs::write(
        &canary,
        "<!doctype html><html><head><meta charset=\"utf-8\">\
         <script src=\"static/probe.js\"></script></head>\
         <body><svg onload=alert('CANARY')></svg></body></html>",
    )
    .unwrap();

    // The probe build runs probe.js first and has no CSP.
    let home = common::read(&root.join("probe-team/customers/a-tech/index.html"));
    assert!(home.contains("<script src=\"../../static/probe.js\"></script>"));
    assert!(!home.contains("Content-Security-Policy"));

    let mut pages = Vec::new();
    for (name, _) in &builds {
        pages.extend(html_pages(&root.join(name)));
    }
    assert!(pages.len() > 300, "{} pages", pages.len());
    let mut harness =
        String::from("<!doctype html><html><head><meta charset=\"utf-8\"></head><body>\n");
    for p in &pages {
        harness.push_str(&format!("<iframe src=\"{}\"></iframe>\n", file_url(p)));
    }
    harness.push_str("</body></html>\n");
    let h = root.join("harness.html");
    std::fs::write(&h, harness).unwrap();
    let r = run(&chrome, &["--dump-dom"], &file_url(&h));
    eprintln!("{} pages of the XSS sites loaded", pages.len());
    // The line names probe.js as its source, so the canary is told by its marker.
    let (caught, errors): (Vec<_>, Vec<_>) = r
        .console
        .iter()
        .partition(|l| l.contains("XSS-HIT alert CANARY"));
    assert!(
        caught.len() == 1,
        "the canary's payload was not reported: the probe does not work\n{}",
        r.console.join("\n")
    );
    let hits: BTreeSet<String> = errors
        .iter()
        .flat_map(|l| common::xss::markers(l))
        .collect();
    assert!(
        errors.is_empty(),
        "console messages while loading {} pages of the XSS sites (markers {hits:?}):\n{}",
        pages.len(),
        errors
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );

    // Frames may not take focus, so `autofocus onfocus=` payloads only fire at
    // the top level: one page of each kind opened directly, with the probe.
    let probe_team = root.join("probe-team");
    let tag = std::fs::read_dir(probe_team.join("cases/tags"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path()
        .join("index.html");
    let direct: Vec<PathBuf> = [
        "index.html",
        "404.html",
        "leads/2023-10/index.html",
        "customers/a-tech/index.html",
        "deals/a-tech-2023/index.html",
        "months/2023-10/index.html",
        "owners/lisi/index.html",
        "stages/index.html",
        "quality/index.html",
        "cases/a-tech-win/index.html",
    ]
    .iter()
    .map(|p| probe_team.join(p))
    .chain([tag, root.join("probe-shared/index.html")])
    .collect();
    std::thread::scope(|sc| {
        for half in direct.chunks(direct.len().div_ceil(2)) {
            let chrome = &chrome;
            sc.spawn(move || {
                for p in half {
                    let r = run(chrome, &["--dump-dom"], &file_url(p));
                    assert!(r.out.contains("</main>"), "{}: not rendered", p.display());
                    assert_quiet(&r, &p.display().to_string());
                }
            });
        }
    });

    // The case library opened directly with payloads in its URL parameters,
    // which search.js copies into the form and the URL.
    let list = file_url(&root.join("probe-team/cases/index.html"));
    let payload = |m: &str| {
        corpus
            .payloads
            .iter()
            .find(|p| p.contains(m))
            .unwrap()
            .clone()
    };
    let query = format!(
        "?q={}&tag={}&result={}",
        q(&payload("X02")),
        q(&payload("X03")),
        q(&payload("X10"))
    );
    let r = run(&chrome, &["--dump-dom"], &format!("{list}{query}"));
    assert_quiet(&r, &query);
    assert!(r.out.contains("</main>"), "not rendered");
}

/// The theme's font stack reaches a real CJK font (#17 item 6): two different
/// Chinese characters draw differently in it, three of them one em each. With
/// no CJK font every character is the same box, and every other browser test
/// would still pass. `.ci/run` installs `fonts-noto-cjk`.
#[test]
fn chinese_text_renders_in_a_real_font() {
    let Some(chrome) = chromium() else { return };
    let css_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css");
    let css = std::fs::read_to_string(&css_path).unwrap();
    let family = css
        .lines()
        .find_map(|l| l.trim().strip_prefix("font-family:"))
        .expect("the theme names its fonts")
        .trim()
        .trim_end_matches(';')
        .to_string();
    assert!(family.contains("Noto Sans CJK SC"), "{family}");
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("fonts.html");
    std::fs::write(
        &page,
        format!(
            r#"<!doctype html><meta charset="utf-8"><body><script>
const font = "40px " + {family:?};
function pixels(ch) {{
  const c = document.createElement("canvas"); c.width = 60; c.height = 60;
  const x = c.getContext("2d"); x.font = font; x.fillText(ch, 5, 48);
  return Array.from(x.getImageData(0, 0, 60, 60).data).join(",");
}}
const x = document.createElement("canvas").getContext("2d"); x.font = font;
document.body.setAttribute("data-result",
  (pixels("中") !== pixels("国")) + " " + x.measureText("销售额").width);
</script></body>"#
        ),
    )
    .unwrap();
    let r = run(&chrome, &["--dump-dom"], &file_url(&page));
    let result = r
        .out
        .split("data-result=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no result in {}", r.out));
    let (differ, width) = result.split_once(' ').unwrap();
    let width: f64 = width.parse().unwrap();
    if differ != "true" && std::env::var_os("CI").is_none() {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipping the font check: no CJK font is installed (apt-get install fonts-noto-cjk)"
        );
        return;
    }
    assert_eq!(
        differ, "true",
        "中 and 国 draw the same: no CJK font in `{family}` is installed (apt-get install fonts-noto-cjk)"
    );
    assert!(
        (110.0..=130.0).contains(&width),
        "三个汉字 at 40px are {width}px wide"
    );
}
