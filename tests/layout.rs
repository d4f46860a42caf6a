//! Tables and layout in a real browser (#17 items 5 and 6): sorting and
//! filtering (static/table.js) and the pages as written without script; the
//! fluid width of wide tables, the phone header, the print of a month report
//! to A4, dark mode. Headless Chromium as in tests/browser.rs (skipped with a
//! note when it is missing, a failure under CI).
//!
//! Measuring: a probe build is the default theme with one more script after
//! table.js (a file, so the CSP holds), `probe.js`. From the page's query it
//! clicks sort buttons or types into a filter box, then logs one console line
//! `PROBE {json}`: what it measured and the order of the rows. Pages that need a
//! viewport narrower than headless Chromium's window (500 px at the least) are
//! opened in an `<iframe>` of that width, whose console lines come out the same.

mod common;
// The synthetic corpus generator of examples/synth.rs, for the page sizes at volume.
#[allow(dead_code)]
#[path = "../examples/synth/render.rs"]
mod render;
#[allow(dead_code)]
#[path = "../examples/synth/rng.rs"]
mod rng;
#[allow(dead_code)]
#[path = "../examples/synth/sim.rs"]
mod sim;
#[allow(dead_code)]
#[path = "../examples/synth/vocab.rs"]
mod vocab;

use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::chromium::{chromium, file_url, run};
use scraper::{Html, Selector};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization as _;

struct Sites {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    /// The default theme.
    plain: PathBuf,
    /// The default theme and probe.js.
    probe: PathBuf,
}

const PROBE_JS: &str = r#"(function () {
  'use strict';
  var p = new URLSearchParams(location.search);
  var tables = document.querySelectorAll('section.sec-table table');
  var out = { vw: window.innerWidth };
  var t = Number(p.get('table') || 0);
  var table = tables[t];
  if (p.has('sort')) {
    var th = table.tHead.rows[0].cells[Number(p.get('sort'))];
    var b = th.querySelector('button.sort');
    out.button = !!b;
    if (b) {
      b.focus();
      out.focusable = document.activeElement === b;
      for (var i = 0; i < Number(p.get('clicks') || 1); i++) b.click();
    }
    out.aria = th.getAttribute('aria-sort');
  }
  if (p.has('filter')) {
    var input = table.closest('section').querySelector('.table-filter input');
    out.input = !!input;
    if (input) {
      input.value = p.get('filter');
      input.dispatchEvent(new Event('input'));
      out.count = input.closest('.table-filter').querySelector('.count').textContent;
      out.label = input.closest('label').textContent;
    }
  }
  if (table) {
    var col = Number(p.get('col') || p.get('sort') || 0);
    out.rows = Array.prototype.map.call(table.tBodies[0].rows, function (tr) {
      return [tr.hidden ? 'hidden' : 'shown', tr.cells[col] ? tr.cells[col].textContent.trim() : ''];
    });
    var box = table.closest('.scroll');
    if (box) out.scroll = [box.scrollWidth, box.clientWidth];
    out.table = table.getBoundingClientRect().width;
    // Date cells drawn on more than one line.
    out.wrapped = [];
    Array.prototype.forEach.call(table.querySelectorAll('td'), function (td) {
      if (!/^\d{4}-\d{2}-\d{2}/.test(td.textContent.trim())) return;
      var r = document.createRange();
      r.selectNodeContents(td);
      var tops = {};
      Array.prototype.forEach.call(r.getClientRects(), function (q) { tops[Math.round(q.top)] = 1; });
      if (Object.keys(tops).length > 1) out.wrapped.push(td.textContent.trim());
    });
    out.dates = table.querySelectorAll('td').length;
  }
  out.header = document.querySelector('header.top').getBoundingClientRect().height;
  out.main = document.querySelector('main').getBoundingClientRect().width;
  out.page = document.documentElement.scrollWidth;
  var root = getComputedStyle(document.documentElement);
  ['--bg', '--card', '--fg', '--good', '--warn', '--bad'].forEach(function (v) {
    out[v] = root.getPropertyValue(v).trim();
  });
  out.body_bg = getComputedStyle(document.body).backgroundColor;
  out.body_fg = getComputedStyle(document.body).color;
  var sec = document.querySelector('section.sec');
  if (sec) out.card_bg = getComputedStyle(sec).backgroundColor;
  ['met', 'near', 'missed'].forEach(function (c) {
    var td = document.querySelector('td.' + c);
    if (td) out[c] = getComputedStyle(td).color;
  });
  console.log('PROBE ' + JSON.stringify(out));
})();
"#;

fn sites() -> &'static Sites {
    static SITES: OnceLock<Sites> = OnceLock::new();
    SITES.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        let theme = root.join("probe-theme");
        std::fs::create_dir_all(theme.join("templates")).unwrap();
        std::fs::create_dir_all(theme.join("static")).unwrap();
        let base = common::read(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
        );
        let table_js = "<script src=\"{{ root }}static/table.js\" defer></script>\n";
        assert!(base.contains(table_js), "base.html loads table.js");
        let probed = base.replace(
            table_js,
            &format!("{table_js}<script src=\"{{{{ root }}}}static/probe.js\" defer></script>\n"),
        );
        std::fs::write(theme.join("templates/base.html"), probed).unwrap();
        std::fs::write(theme.join("static/probe.js"), PROBE_JS).unwrap();
        let plain = root.join("plain");
        let probe = root.join("probe");
        common::build_site(&common::sample(), &plain, &[]);
        common::build_site(
            &common::sample(),
            &probe,
            &["--theme", theme.to_str().unwrap()],
        );
        Sites {
            _tmp: tmp,
            root,
            plain,
            probe,
        }
    })
}

/// The probe's measurements of `page` (relative to the probe site) with
/// `query`, in a window of Chromium's size `window` (`None`: its default).
fn probe(chrome: &Path, page: &str, query: &str, extra: &[&str]) -> Value {
    let url = format!("{}{query}", file_url(&sites().probe.join(page)));
    let r = run(chrome, &[&["--dump-dom"], extra].concat(), &url);
    probe_line(&r.console, &url)
}

fn probe_line(console: &[String], what: &str) -> Value {
    let mut found = Vec::new();
    for l in console {
        if let Some(at) = l.find("\"PROBE ") {
            let rest = &l[at + 7..];
            let end = rest.rfind("\", source:").unwrap_or(rest.len());
            found.push(serde_json::from_str(&rest[..end]).unwrap_or_else(|e| panic!("{e}: {l}")));
        } else {
            panic!("console message on {what}: {l}");
        }
    }
    assert_eq!(found.len(), 1, "probe lines on {what}: {console:?}");
    found.pop().unwrap()
}

/// The probe's measurements of `page` framed `width` × `height` px.
fn probe_framed(chrome: &Path, page: &str, query: &str, width: u32, height: u32) -> Value {
    let s = sites();
    let url = format!("{}{query}", file_url(&s.probe.join(page)));
    let h = s.root.join(format!("frame-{width}.html"));
    std::fs::write(
        &h,
        format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"></head>\
             <body style=\"margin:0\"><iframe src=\"{url}\" width=\"{width}\" height=\"{height}\" \
             style=\"border:0\"></iframe></body></html>"
        ),
    )
    .unwrap();
    let r = run(chrome, &["--dump-dom"], &file_url(&h));
    probe_line(&r.console, &url)
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// The tables of a built page as written: (headers, rows of (text, data-sort)).
#[allow(clippy::type_complexity)]
fn tables(html: &str) -> Vec<(Vec<String>, Vec<Vec<(String, Option<String>)>>)> {
    let doc = Html::parse_document(html);
    doc.select(&sel("section.sec-table table"))
        .map(|t| {
            let heads = t
                .select(&sel("thead th"))
                .map(|th| th.text().collect::<String>().trim().to_string())
                .collect();
            let rows = t
                .select(&sel("tbody tr"))
                .map(|tr| {
                    tr.select(&sel("td"))
                        .map(|td| {
                            (
                                td.text().collect::<String>().trim().to_string(),
                                td.value().attr("data-sort").map(String::from),
                            )
                        })
                        .collect()
                })
                .collect();
            (heads, rows)
        })
        .collect()
}

fn column(v: &Value) -> Vec<(bool, String)> {
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r[0] == "shown", r[1].as_str().unwrap().to_string()))
        .collect()
}

fn col_of(heads: &[String], name: &str) -> usize {
    heads
        .iter()
        .position(|h| h.starts_with(name))
        .unwrap_or_else(|| panic!("no column {name} in {heads:?}"))
}

/// Clicking a header sorts its column: figures by their value (not as text),
/// ascending then descending, "—" last both ways; `aria-sort` says which; the
/// header is a focusable button.
#[test]
fn sorting_a_column_orders_rows_by_their_values() {
    let Some(chrome) = chromium() else { return };
    let s = sites();

    // Table 4 of 2023-10 by completion (完成率), descending: 成交金额 140.6 %
    // (225 / 160) first, 线索转化率 80 % (12 / 15) last. As text, "85.7%" would
    // come first and "100.5%" last.
    let page = "months/2023-10/index.html";
    let html = common::read(&s.plain.join(page));
    let (heads, rows) = &tables(&html)[0];
    let c = col_of(heads, "完成率");
    let v = probe(&chrome, page, &format!("?sort={c}&clicks=2"), &[]);
    assert_eq!(v["button"], true, "{v}");
    assert_eq!(v["focusable"], true, "{v}");
    assert_eq!(v["aria"], "descending", "{v}");
    let got: Vec<String> = column(&v).into_iter().map(|(_, t)| t).collect();
    assert_eq!(got.len(), rows.len());
    assert_eq!(got.first().map(String::as_str), Some("140.6%"), "{got:?}");
    assert_eq!(got.last().map(String::as_str), Some("80%"), "{got:?}");
    let values: Vec<f64> = got
        .iter()
        .map(|t| t.trim_end_matches('%').parse().unwrap())
        .collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "{got:?}");
    let mut as_text = got.clone();
    as_text.sort_by(|a, b| b.cmp(a));
    assert_ne!(
        as_text, got,
        "the test needs values whose text order differs"
    );

    // The deal list by amount (金额), ascending: the page's own data-sort values
    // in numeric order, the deals without an amount ("—") last.
    let page = "deals/index.html";
    let html = common::read(&s.plain.join(page));
    let (heads, rows) = &tables(&html)[0];
    let c = col_of(heads, "金额");
    let mut want: Vec<(f64, String)> = rows
        .iter()
        .filter_map(|r| {
            let (t, k) = &r[c];
            k.as_ref()
                .and_then(|k| k.parse::<f64>().ok())
                .map(|k| (k, t.clone()))
        })
        .collect();
    assert!(want.len() >= 40, "{} amounts", want.len());
    want.sort_by(|a, b| a.0.total_cmp(&b.0));
    let v = probe(&chrome, page, &format!("?sort={c}"), &[]);
    assert_eq!(v["aria"], "ascending", "{v}");
    let got: Vec<String> = column(&v).into_iter().map(|(_, t)| t).collect();
    assert_eq!(got.len(), rows.len());
    let (valued, rest) = got.split_at(want.len());
    // Ties may come in either order: compare the values, each text's from the page.
    let value: HashMap<&str, f64> = want.iter().map(|(k, t)| (t.as_str(), *k)).collect();
    assert_eq!(
        valued
            .iter()
            .map(|t| value.get(t.as_str()).copied())
            .collect::<Vec<_>>(),
        want.iter().map(|(k, _)| Some(*k)).collect::<Vec<_>>(),
        "{valued:?}"
    );
    assert!(rest.iter().all(|t| t == "—"), "{rest:?}");
    let mut as_text = valued.to_vec();
    as_text.sort();
    assert_ne!(
        as_text, valued,
        "the test needs amounts whose text order differs"
    );

    // A text column sorts too (the customer list by name: 客户), and a click
    // elsewhere moves whole rows: the first row's other cells come with it.
    let page = "customers/index.html";
    let v = probe(&chrome, page, "?sort=0", &[]);
    let got: Vec<String> = column(&v).into_iter().map(|(_, t)| t).collect();
    let html = common::read(&s.plain.join(page));
    let (_, rows) = &tables(&html)[0];
    let mut names: Vec<String> = rows.iter().map(|r| r[0].0.clone()).collect();
    assert_ne!(names, got, "sorting by name changed no row");
    names.sort();
    let mut sorted_got = got.clone();
    sorted_got.sort();
    assert_eq!(names, sorted_got, "the same rows");
}

/// Typing in the filter box leaves the rows that contain every word typed, and
/// says how many; tables too short for one get no box.
#[test]
fn filtering_hides_the_rows_that_do_not_match() {
    let Some(chrome) = chromium() else { return };
    let s = sites();
    let page = "customers/index.html";
    let html = common::read(&s.plain.join(page));
    let (_, rows) = &tables(&html)[0];
    let word = "制造业";
    let want: Vec<String> = rows
        .iter()
        .filter(|r| r.iter().any(|(t, _)| t.contains(word)))
        .map(|r| r[0].0.clone())
        .collect();
    assert!(
        !want.is_empty() && want.len() < rows.len(),
        "{} of {}",
        want.len(),
        rows.len()
    );
    let v = probe(&chrome, page, &format!("?filter={}", pct(word)), &[]);
    assert_eq!(v["input"], true, "{v}");
    let shown: Vec<String> = column(&v)
        .into_iter()
        .filter(|(s, _)| *s)
        .map(|(_, t)| t)
        .collect();
    assert_eq!(shown, want);
    assert_eq!(
        v["count"],
        format!("显示 {} / {} 行", want.len(), rows.len()),
        "{v}"
    );
    assert!(v["label"].as_str().unwrap().contains("筛选本表"), "{v}");

    // Two words: both must occur (a lead register month, by owner and status).
    let page = "leads/2022-10/index.html";
    let html = common::read(&s.plain.join(page));
    let (heads, rows) = &tables(&html)[0];
    let owner = col_of(heads, "负责人");
    let grade = col_of(heads, "分级");
    let (first_owner, first_grade) = (rows[0][owner].0.clone(), rows[0][grade].0.clone());
    let words = [first_owner.as_str(), first_grade.as_str()];
    let want: Vec<String> = rows
        .iter()
        .filter(|r| {
            let text: String = r.iter().map(|(t, _)| t.as_str()).collect();
            words.iter().all(|w| text.contains(w))
        })
        .map(|r| r[0].0.clone())
        .collect();
    assert!(
        want.len() > 1 && want.len() < rows.len(),
        "{words:?}: {want:?}"
    );
    let v = probe(
        &chrome,
        page,
        &format!("?filter={}", pct(&words.join(" "))),
        &[],
    );
    let shown: Vec<String> = column(&v)
        .into_iter()
        .filter(|(s, _)| *s)
        .map(|(_, t)| t)
        .collect();
    assert_eq!(shown, want);

    // Table 4 (ten KPIs) sorts but has no filter box.
    let v = probe(
        &chrome,
        "months/2023-10/index.html",
        "?filter=x&sort=3",
        &[],
    );
    assert_eq!(
        (&v["input"], &v["button"]),
        (&false.into(), &true.into()),
        "{v}"
    );
}

fn pct(v: &str) -> String {
    v.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Without script a page is its HTML as written: every row there, none hidden,
/// plain headers, no filter box; figures carry their value for sorting.
#[test]
fn pages_show_everything_without_script() {
    let s = sites();
    let data = common::sample();
    let count = |dir: &str| std::fs::read_dir(data.join(dir)).unwrap().count();
    for (page, rows) in [
        ("deals/index.html", count("deals")),
        ("customers/index.html", count("customers")),
    ] {
        let html = common::read(&s.plain.join(page));
        let (_, got) = &tables(&html)[0];
        assert_eq!(got.len(), rows, "{page}");
        assert!(!html.contains("<tr hidden"), "{page}");
        assert!(!html.contains("<button"), "{page}");
        assert!(!html.contains("class=\"table-filter"), "{page}");
    }
    // Every figure has its value; a text cell has none.
    let html = common::read(&s.plain.join("months/2023-10/index.html"));
    let (heads, rows) = &tables(&html)[0];
    let c = col_of(heads, "完成率");
    let keys: Vec<&str> = rows.iter().map(|r| r[c].1.as_deref().unwrap()).collect();
    assert!(keys.contains(&"140.6") && keys.contains(&"80"), "{keys:?}");
    assert!(rows.iter().all(|r| r[0].1.is_none()));
    // The script is a file (the CSP's script-src 'self' holds).
    assert!(html.contains("<script src=\"../../static/table.js\" defer></script>"));
    assert!(s.plain.join("static/table.js").is_file());
}

/// The lead register's 13 columns take the window's width (no 1,200 px cap):
/// at 1,600 px no date wraps; on a 390 px phone the page itself does not
/// scroll sideways, the table scrolls in its own box; the phone header is at
/// most 80 px tall.
#[test]
fn wide_tables_are_fluid_and_the_phone_header_is_compact() {
    let Some(chrome) = chromium() else { return };
    let page = "leads/2022-10/index.html";
    let v = probe(&chrome, page, "?col=2", &["--window-size=1600,1000"]);
    assert_eq!(v["vw"], 1600, "{v}");
    let main = v["main"].as_f64().unwrap();
    assert!(main > 1500.0, "main is {main} px wide at 1600");
    assert!(v["dates"].as_u64().unwrap() > 100, "{v}");
    assert_eq!(
        v["wrapped"],
        serde_json::json!([]),
        "dates wrap at 1600: {v}"
    );
    let v = probe(&chrome, page, "?col=2", &["--window-size=1280,900"]);
    assert_eq!(
        v["wrapped"],
        serde_json::json!([]),
        "dates wrap at 1280: {v}"
    );

    let v = probe_framed(&chrome, page, "?col=2", 390, 844);
    assert_eq!(v["vw"], 390, "{v}");
    let header = v["header"].as_f64().unwrap();
    assert!(header <= 80.0, "the header is {header} px tall at 390 px");
    assert!(
        v["page"].as_f64().unwrap() <= 390.0,
        "the page scrolls sideways: {v}"
    );
    let scroll = v["scroll"].as_array().unwrap();
    assert!(
        scroll[0].as_f64().unwrap() > scroll[1].as_f64().unwrap() + 100.0,
        "the register does not scroll in its box: {v}"
    );
    eprintln!(
        "header at 390 px: {header} px; register {} px in a {} px box",
        scroll[0], scroll[1]
    );
    // The dashboard's header too (the longest navigation).
    let v = probe_framed(&chrome, "index.html", "", 390, 844);
    let header = v["header"].as_f64().unwrap();
    assert!(
        header <= 80.0,
        "the dashboard's header is {header} px at 390 px"
    );
}

fn rgb(css: &str) -> [f64; 3] {
    let css = css.trim();
    if let Some(hex) = css.strip_prefix('#') {
        let n = u32::from_str_radix(hex, 16).unwrap();
        return [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(|c| c as f64);
    }
    let inner = css
        .strip_prefix("rgb(")
        .and_then(|s| s.strip_suffix(')'))
        .unwrap_or_else(|| panic!("colour {css}"));
    let v: Vec<f64> = inner
        .split(',')
        .map(|x| x.trim().parse().unwrap())
        .collect();
    [v[0], v[1], v[2]]
}

fn luminance(c: [f64; 3]) -> f64 {
    let l = c.map(|x| {
        let x = x / 255.0;
        if x <= 0.03928 {
            x / 12.92
        } else {
            ((x + 0.055) / 1.055).powf(2.4)
        }
    });
    0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2]
}

fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// Under `prefers-color-scheme: dark` the variables switch: a dark page, light
/// text; table 4's met / near / missed cells keep readable (≥ 4.5:1 on the
/// card) and tell apart from one another.
#[test]
fn dark_mode_switches_the_colour_variables() {
    let Some(chrome) = chromium() else { return };
    let page = "months/2023-10/index.html";
    let light = probe(&chrome, page, "", &[]);
    let dark = probe(&chrome, page, "", &["--force-dark-mode"]);
    for v in ["--bg", "--card", "--fg", "--good", "--bad"] {
        assert_ne!(light[v], dark[v], "{v} is the same in the dark");
    }
    let (bg, fg, card) = (
        rgb(dark["body_bg"].as_str().unwrap()),
        rgb(dark["body_fg"].as_str().unwrap()),
        rgb(dark["card_bg"].as_str().unwrap()),
    );
    assert!(luminance(bg) < 0.05 && luminance(card) < 0.05, "{dark}");
    assert!(
        luminance(rgb(light["body_bg"].as_str().unwrap())) > 0.8,
        "{light}"
    );
    assert!(
        contrast(fg, card) >= 7.0,
        "text on card {}",
        contrast(fg, card)
    );
    for scheme in [&light, &dark] {
        let card = rgb(scheme["card_bg"].as_str().unwrap());
        let signal: Vec<[f64; 3]> = ["met", "near", "missed"]
            .iter()
            .map(|c| rgb(scheme[c].as_str().unwrap_or_else(|| panic!("no td.{c}"))))
            .collect();
        for (c, name) in signal.iter().zip(["met", "near", "missed"]) {
            let r = contrast(*c, card);
            assert!(r >= 4.5, "{name} {c:?} on {card:?}: {r:.2}");
        }
        // Told apart by hue: green, amber, red at least 30° from each other.
        for i in 0..3 {
            for j in i + 1..3 {
                let d = (hue(signal[i]) - hue(signal[j])).abs();
                let d = d.min(360.0 - d);
                assert!(
                    d >= 30.0,
                    "signal colours {i} and {j} {d:.0}° apart: {signal:?}"
                );
            }
        }
    }
}

/// A colour's hue in degrees.
fn hue(c: [f64; 3]) -> f64 {
    let [r, g, b] = c.map(|x| x / 255.0);
    let (max, min) = (r.max(g).max(b), r.min(g).min(b));
    let d = max - min;
    if d == 0.0 {
        return 0.0;
    }
    let h = if max == r {
        ((g - b) / d).rem_euclid(6.0)
    } else if max == g {
        (b - r) / d + 2.0
    } else {
        (r - g) / d + 4.0
    };
    h * 60.0
}

// ---- A4 print --------------------------------------------------------------

/// A PDF as headless Chromium (Skia) writes it: numbered objects, streams
/// deflated, text in fonts with a ToUnicode map.
struct Pdf {
    objs: HashMap<u32, Vec<u8>>,
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

fn refs(s: &str) -> Vec<u32> {
    let t: Vec<&str> = s.split_whitespace().collect();
    t.windows(3)
        .filter(|w| w[2].starts_with('R') && w[1] == "0")
        .filter_map(|w| w[0].parse().ok())
        .collect()
}

impl Pdf {
    fn parse(d: &[u8]) -> Pdf {
        let mut objs = HashMap::new();
        let mut at = 0;
        while let Some(i) = find(&d[at..], b" 0 obj") {
            let i = at + i;
            let start = d[..i]
                .iter()
                .rposition(|b| !b.is_ascii_digit())
                .map_or(0, |p| p + 1);
            let n: u32 = std::str::from_utf8(&d[start..i]).unwrap().parse().unwrap();
            let body_at = i + 6;
            let mut end = body_at + find(&d[body_at..], b"endobj").unwrap();
            // A stream's bytes are skipped by its length (they may hold anything).
            let head = String::from_utf8_lossy(&d[body_at..end]).into_owned();
            if let (Some(s), Some(l)) = (find(&d[body_at..end], b"stream"), head.find("/Length ")) {
                let len: usize = head[l + 8..]
                    .split(|c: char| !c.is_ascii_digit())
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                let data = body_at + s + 6;
                let data = data + usize::from(d[data] == b'\r') + 1;
                end = data + len + find(&d[data + len..], b"endobj").unwrap();
            }
            objs.insert(n, d[body_at..end].to_vec());
            at = end;
        }
        Pdf { objs }
    }

    fn dict(&self, n: u32) -> String {
        let b = &self.objs[&n];
        let end = find(b, b"stream").unwrap_or(b.len());
        String::from_utf8_lossy(&b[..end]).into_owned()
    }

    fn stream(&self, n: u32) -> Vec<u8> {
        let b = &self.objs[&n];
        let dict = self.dict(n);
        let s = find(b, b"stream").unwrap() + 6;
        let s = s + usize::from(b[s] == b'\r') + 1;
        let l = dict.find("/Length ").unwrap();
        let len: usize = dict[l + 8..]
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let raw = &b[s..s + len];
        if dict.contains("/FlateDecode") {
            let mut out = Vec::new();
            flate2::read::ZlibDecoder::new(raw)
                .read_to_end(&mut out)
                .unwrap();
            out
        } else {
            raw.to_vec()
        }
    }

    /// The page objects in order.
    fn pages(&self) -> Vec<u32> {
        let root = self
            .objs
            .keys()
            .copied()
            .find(|&n| {
                let d = self.dict(n);
                d.contains("/Type /Pages") && !d.contains("/Parent")
            })
            .expect("a page tree");
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            let d = self.dict(n);
            if d.contains("/Type /Pages") {
                let k = d.find("/Kids [").unwrap() + 7;
                let kids = refs(&d[k..k + d[k..].find(']').unwrap()]);
                stack.extend(kids.into_iter().rev());
            } else {
                out.push(n);
            }
        }
        out
    }

    fn media_box(&self, page: u32) -> Vec<f64> {
        let d = self.dict(page);
        let m = d.find("/MediaBox [").expect("a media box") + 11;
        d[m..m + d[m..].find(']').unwrap()]
            .split_whitespace()
            .map(|x| x.parse().unwrap())
            .collect()
    }

    /// A font's codes → text, and its code width in bytes.
    fn font(&self, n: u32) -> (HashMap<u32, String>, usize) {
        let d = self.dict(n);
        let width = if d.contains("/Type0") { 2 } else { 1 };
        let mut map = HashMap::new();
        let Some(t) = d.find("/ToUnicode ") else {
            return (map, width);
        };
        let cmap = String::from_utf8_lossy(&self.stream(refs(&d[t + 11..])[0])).into_owned();
        let hexes = |s: &str| -> Vec<String> {
            s.split('<')
                .skip(1)
                .map(|x| x[..x.find('>').unwrap()].to_string())
                .collect()
        };
        let utf16 = |h: &str| -> String {
            let units: Vec<u16> = (0..h.len() / 4)
                .map(|i| u16::from_str_radix(&h[i * 4..i * 4 + 4], 16).unwrap())
                .collect();
            String::from_utf16_lossy(&units)
        };
        for block in cmap.split("beginbfchar").skip(1) {
            let block = &block[..block.find("endbfchar").unwrap()];
            for line in block.lines() {
                if let [a, b] = hexes(line).as_slice() {
                    map.insert(u32::from_str_radix(a, 16).unwrap(), utf16(b));
                }
            }
        }
        for block in cmap.split("beginbfrange").skip(1) {
            let block = &block[..block.find("endbfrange").unwrap()];
            for line in block.lines() {
                if let [a, b, c] = hexes(line).as_slice() {
                    let (a, b) = (
                        u32::from_str_radix(a, 16).unwrap(),
                        u32::from_str_radix(b, 16).unwrap(),
                    );
                    let c = utf16(c);
                    let first = c.chars().next().unwrap() as u32;
                    for k in a..=b {
                        if let Some(ch) = char::from_u32(first + k - a) {
                            map.insert(k, ch.to_string());
                        }
                    }
                }
            }
        }
        (map, width)
    }

    /// The text shown on a page, [`squeeze`]d.
    fn text(&self, page: u32) -> String {
        let d = self.dict(page);
        let mut fonts = HashMap::new();
        if let Some(f) = d.find("/Font <<") {
            let body = &d[f + 8..f + 8 + d[f + 8..].find(">>").unwrap()];
            for part in body.split('/').skip(1) {
                let mut it = part.split_whitespace();
                let name = it.next().unwrap().to_string();
                let r = refs(&it.collect::<Vec<_>>().join(" "));
                if let Some(&n) = r.first() {
                    fonts.insert(name, self.font(n));
                }
            }
        }
        let c = d.find("/Contents ").unwrap() + 10;
        let content = self.stream(refs(&d[c..])[0]);
        let content = String::from_utf8_lossy(&content).into_owned();
        let mut out = String::new();
        let mut font: Option<&(HashMap<u32, String>, usize)> = None;
        let mut last_name = String::new();
        let mut rest = content.as_str();
        while let Some(i) = rest.find(['/', '<', 'T']) {
            let ch = rest.as_bytes()[i];
            rest = &rest[i..];
            if ch == b'/' {
                let end = rest[1..]
                    .find(|c: char| c.is_whitespace() || "/<[(".contains(c))
                    .map_or(rest.len(), |e| e + 1);
                last_name = rest[1..end].to_string();
                rest = &rest[end..];
            } else if rest.starts_with("Tf") {
                font = fonts.get(&last_name);
                rest = &rest[2..];
            } else if ch == b'<' && !rest.starts_with("<<") {
                let end = rest.find('>').unwrap();
                let hex: String = rest[1..end]
                    .chars()
                    .filter(char::is_ascii_hexdigit)
                    .collect();
                if let Some((map, w)) = font {
                    let step = w * 2;
                    for k in (0..hex.len() / step).map(|k| &hex[k * step..k * step + step]) {
                        if let Some(t) = map.get(&u32::from_str_radix(k, 16).unwrap()) {
                            out.push_str(t);
                        }
                    }
                }
                rest = &rest[end + 1..];
            } else {
                rest = &rest[1..];
            }
        }
        squeeze(&out)
    }
}

/// Text as the PDF's text is compared: NFKC (a CJK font's ToUnicode may name a
/// Kangxi radical for the ideograph sharing its glyph), the two other variants
/// Noto Sans CJK draws with one glyph folded (戶 户, ⻓ 长), no white space.
fn squeeze(s: &str) -> String {
    s.nfkc()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '戶' => '户',
            '⻓' => '长',
            c => c,
        })
        .collect()
}

/// A month report printed to PDF: A4 pages; on the first one the title and
/// all of table 4 (every KPI with its completion), then the report carries on
/// (the charts' heading on the same page, not a mostly blank one); no
/// navigation, as-of line or footer on paper.
#[test]
fn a_month_report_prints_on_a4_with_table_4_on_the_first_page() {
    let Some(chrome) = chromium() else { return };
    let s = sites();
    let page = "months/2023-10/index.html";
    let html = common::read(&s.plain.join(page));
    let (heads, rows) = &tables(&html)[0];
    let completion = col_of(heads, "完成率");
    let doc = Html::parse_document(&html);
    let nav: Vec<String> = doc
        .select(&sel("header.top nav a"))
        .map(|a| a.text().collect::<String>().trim().to_string())
        .collect();
    assert!(nav.len() >= 6, "{nav:?}");

    let tmp = tempfile::tempdir().unwrap();
    let pdf_path = tmp.path().join("month.pdf");
    run(
        &chrome,
        &[
            &format!("--print-to-pdf={}", pdf_path.display()),
            "--no-pdf-header-footer",
        ],
        &file_url(&s.plain.join(page)),
    );
    let pdf = Pdf::parse(&std::fs::read(&pdf_path).unwrap());
    let pages = pdf.pages();
    assert!(pages.len() >= 2, "{} pages", pages.len());
    for &p in &pages {
        let m = pdf.media_box(p);
        // A4 is 595.3 × 841.9 pt.
        assert!(
            (m[2] - m[0] - 595.3).abs() < 2.0 && (m[3] - m[1] - 841.9).abs() < 2.0,
            "page size {m:?}, not A4"
        );
    }
    let first = pdf.text(pages[0]);
    assert!(
        first.contains(&squeeze("销售效果分析汇总表 2023-10")),
        "{first}"
    );
    for h in heads {
        assert!(
            first.contains(&squeeze(h)),
            "header {h} not on page 1: {first}"
        );
    }
    for r in rows {
        let row = squeeze(&format!("{}{}", r[0].0, r[1].0));
        assert!(
            first.contains(&row),
            "table 4 row {row} not on page 1: {first}"
        );
        let c = squeeze(&r[completion].0);
        assert!(first.contains(&c), "{c} not on page 1");
    }
    // The report goes on below table 4 on the same page.
    let after = first.find(&squeeze(&rows.last().unwrap()[0].0)).unwrap();
    assert!(
        first[after..].contains("图表"),
        "page 1 ends after table 4: {first}"
    );
    // No screen chrome on paper.
    let all: String = pages.iter().map(|&p| pdf.text(p)).collect();
    assert!(
        !all.contains(&squeeze(&nav.concat())),
        "the navigation is printed"
    );
    assert!(!all.contains("salesbook"), "the footer is printed");
    assert!(
        !all.contains(&squeeze("数据截至")),
        "the as-of line is printed"
    );
    eprintln!("{} A4 pages; page 1: {first}", pages.len());
}

// ---- Volume -----------------------------------------------------------------

/// A corpus the size of the Maven CRM export (8,300 deals), from the synth
/// example's generator.
static MAVEN: sim::Scale = sim::Scale {
    name: "maven",
    owners: 35,
    leads: 20_000,
    customers: 4_000,
    deals: 8_300,
    cases: 500,
    months: 24,
    by_year: true,
};

/// At the Maven export's volume no page is over 2 MB and the dashboard is under
/// 300 KB, sort values and all: long lists are in pages of 500 rows, the
/// dashboard's alerts show their worst 20 (tests/site.rs checks which).
#[test]
fn pages_stay_small_at_the_maven_volume() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let world = sim::generate(&MAVEN, 20_251_231);
    render::write_all(&world, &mut render::Out::new(&data)).unwrap();
    assert_eq!(world.deals.len(), 8_300);
    let out = tmp.path().join("site");
    common::build_site(&data, &out, &[]);
    let mut sizes: Vec<(u64, String)> = common::files(&out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .map(|p| {
            let rel = p.strip_prefix(&out).unwrap().display().to_string();
            (std::fs::metadata(&p).unwrap().len(), rel)
        })
        .collect();
    assert!(sizes.len() > 10_000, "{} pages", sizes.len());
    sizes.sort();
    let (largest, name) = sizes.last().unwrap();
    assert!(*largest <= 2_000_000, "{name} is {largest} bytes");
    let dashboard = std::fs::metadata(out.join("index.html")).unwrap().len();
    assert!(dashboard < 300_000, "the dashboard is {dashboard} bytes");
    // The long lists are there, with their sort values.
    let deals = common::read(&out.join("deals/index.html"));
    assert!(deals.matches("<tr>").count() > 400);
    assert!(deals.contains(" data-sort=\""));
    eprintln!(
        "{} pages; largest {name} {largest} bytes; dashboard {dashboard} bytes",
        sizes.len()
    );
}
