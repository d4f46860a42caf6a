//! The case library's sharded search index (src/site/search.rs, static/search.js)
//! finds exactly what a substring scan of every case's text finds, in a real
//! browser from file:// (headless Chromium, see tests/common/chromium.rs).
//!
//! The corpus is generated here (1,500 cases: many key shards, text and row
//! chunks), or `SALESBOOK_SEARCH_CORPUS=DIR` names a data folder, for example
//! the 20,000 cases of `../shared/peers/` (`bench/search.sh` makes them).

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::chromium::{assert_quiet, chromium, file_url, run};

/// Chinese and English, single characters, pairs, long terms, several terms,
/// upper case and full width, digits and punctuation, words found nowhere.
const QUERIES: &[&str] = &[
    "客",
    "户",
    "客户",
    "关系",
    "客户关系",
    "采购经理",
    "合作伙伴关系",
    "价格 客户",
    "预算 方案 交付",
    "a",
    "e",
    "pilot",
    "Pilot",
    "ＰＩＬＯＴ",
    "renewal pricing",
    "enterprise 客户",
    "ent",
    "2024",
    "7",
    "，",
    "。",
    "-",
    "security-review",
    "不存在的词语",
    "zzzz",
    "q",
    "的",
    "项目背景",
    "quarterly review meeting",
];

/// Filters combined with queries (name, value), `""` for none.
const FILTERS: &[(&str, &str, &str)] = &[
    ("", "", "客户"),
    ("result", "failure", ""),
    ("result", "failure", "价格"),
    ("tag", "pilot", "客户关系"),
    ("stage", "negotiation", "e"),
    ("industry", "制造业", "交付"),
    ("tag", "no-such-tag", ""),
];

/// A deterministic generator (an LCG), so the corpus is the same every run.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.next(from.len())]
    }
}

const ZH: &[&str] = &[
    "客户",
    "关系",
    "采购",
    "经理",
    "方案",
    "交付",
    "价格",
    "预算",
    "合作",
    "伙伴",
    "项目",
    "背景",
    "竞品",
    "报价",
    "谈判",
    "签约",
    "回款",
    "培育",
    "需求",
    "调研",
    "决策",
    "副总",
    "技术",
    "负责人",
    "渠道",
    "展会",
    "线索",
    "复盘",
    "经验",
    "改进",
    "的",
    "了",
    "在",
    "与",
    "和",
    "客户关系",
    "自动化",
    "产线",
    "节拍",
    "质保",
    "分期",
    "成本",
    "风险",
    "周期",
    "延期",
    "供应链",
    "物流",
    "能源",
];
const EN: &[&str] = &[
    "pilot",
    "enterprise",
    "renewal",
    "pricing",
    "security-review",
    "upsell",
    "the",
    "a",
    "quarterly",
    "review",
    "meeting",
    "Pilot",
    "ENTERPRISE",
    "budget",
    "deal",
    "closed",
    "won",
    "lost",
    "apac",
    "emea",
    "Q4",
    "2024",
    "17",
    "x7",
];
const PUNCT: &[&str] = &[
    "，", "。", "：", "、", " ", " ", "\n", "；", "（", "）", "-", "——",
];
const TAGS: &[&str] = &[
    "pilot",
    "enterprise",
    "renewal",
    "大单",
    "快速成交",
    "价格",
    "渠道",
];
const INDUSTRIES: &[&str] = &["制造业", "物流", "Retail", "医疗"];
const STAGES: &[&str] = &["nurture", "proposal", "negotiation", "fulfilment"];

fn text(r: &mut Lcg, words: usize) -> String {
    let mut s = String::new();
    for _ in 0..words {
        match r.next(10) {
            0..=5 => s.push_str(r.pick(ZH)),
            6..=8 => {
                s.push(' ');
                s.push_str(r.pick(EN));
                s.push(' ');
            }
            _ => s.push_str(r.pick(PUNCT)),
        }
    }
    s
}

fn toml_str(s: &str) -> String {
    format!(
        "\"{}\"",
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', " ")
    )
}

/// A data folder of `n` generated case reviews.
fn corpus(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir.join("cases")).unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/pipeline.toml");
    std::fs::copy(sample, dir.join("pipeline.toml")).unwrap();
    let mut r = Lcg(7);
    for i in 0..n {
        let mut tags: Vec<&str> = (0..r.next(4)).map(|_| r.pick(TAGS)).collect();
        tags.sort();
        tags.dedup();
        let mut fm = String::new();
        writeln!(fm, "title = {}", toml_str(&text(&mut r, 6))).unwrap();
        writeln!(fm, "date = 2024-{:02}-{:02}", 1 + i % 12, 1 + i % 28).unwrap();
        let result = if r.next(3) == 0 { "failure" } else { "success" };
        writeln!(fm, "result = \"{result}\"").unwrap();
        if r.next(4) > 0 {
            writeln!(fm, "stage = \"{}\"", r.pick(STAGES)).unwrap();
        }
        if r.next(3) > 0 {
            writeln!(fm, "industry = \"{}\"", r.pick(INDUSTRIES)).unwrap();
        }
        let tags: Vec<String> = tags.iter().map(|t| toml_str(t)).collect();
        writeln!(fm, "tags = [{}]", tags.join(", ")).unwrap();
        let lessons: Vec<String> = (0..2).map(|_| toml_str(&text(&mut r, 8))).collect();
        writeln!(fm, "lessons = [{}]", lessons.join(", ")).unwrap();
        writeln!(fm, "shareable = true").unwrap();
        let words = 40 + r.next(200);
        let body = format!(
            "# 复盘\n\n## 项目背景\n\n{}\n\n- {}\n- {}\n",
            text(&mut r, words),
            text(&mut r, 10),
            text(&mut r, 10)
        );
        std::fs::write(
            dir.join(format!("cases/case-{i:05}.md")),
            format!("+++\n{fm}+++\n\n{body}"),
        )
        .unwrap();
    }
}

/// The harness: loads every text and row chunk, then for each query compares
/// `SalesbookSearch.find` with the scan the library did before it was sharded
/// (every term a substring of the normalised text, filters on each case's
/// values), and writes one JSON line per query into `<pre id="out">`.
const HARNESS_JS: &str = r#"
(function () {
  var index = window.SALESBOOK_CASES;
  var got = {};
  var inner = window.SALESBOOK_SEARCH;
  window.SALESBOOK_SEARCH = function (name, data) { got[name] = data; inner(name, data); };
  var names = [];
  for (var i = 0; i < index.text.length; i++) names.push('t' + i);
  for (var j = 0; j * index.meta < index.n; j++) names.push('m' + j);
  var left = names.length;
  var base = document.querySelector('script[src$="search-index.js"]').src.replace(/search-index\.js$/, '');
  names.forEach(function (n) {
    var s = document.createElement('script');
    s.src = base + 'search/' + n + '.js';
    s.onload = function () { if (--left === 0) compare(); };
    document.head.appendChild(s);
  });
  function norm(s) {
    return String(s || '').normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  }
  function compare() {
    var texts = [], rows = [];
    for (var i = 0; i < index.text.length; i++) texts = texts.concat(got['t' + i]);
    for (var j = 0; j * index.meta < index.n; j++) rows = rows.concat(got['m' + j]);
    var out = document.getElementById('out');
    var unnormal = texts.filter(function (t) { return norm(t) !== t; }).length;
    out.textContent += JSON.stringify({ cases: texts.length, rows: rows.length, unnormal: unnormal }) + '\n';
    var asks = window.ASKS, k = 0;
    (function next() {
      if (k === asks.length) { out.textContent += 'done\n'; return; }
      var a = asks[k++];
      var terms = norm(a.q).split(' ').filter(Boolean);
      var want = [];
      texts.forEach(function (t, id) {
        var c = rows[id], v = a.f;
        if (v === 'result' && c[3] !== a.v) return;
        if (v === 'industry' && c[4] !== a.v) return;
        if (v === 'stage' && c[5] !== a.v) return;
        if (v === 'tag' && c[7].indexOf(a.v) < 0) return;
        for (var x = 0; x < terms.length; x++) if (t.indexOf(terms[x]) < 0) return;
        want.push(id);
      });
      var filters = {};
      if (a.f) filters[a.f] = a.v;
      window.SalesbookSearch.find(a.q, filters, function (found) {
        out.textContent += JSON.stringify({ q: a.q, f: a.f, v: a.v, want: want.length,
          got: found.length, same: JSON.stringify(found) === JSON.stringify(want) }) + '\n';
        next();
      });
    })();
  }
})();
"#;

#[test]
fn sharded_search_finds_exactly_what_a_substring_scan_finds() {
    let Some(chrome) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().canonicalize().unwrap();
    let given = std::env::var_os("SALESBOOK_SEARCH_CORPUS").map(PathBuf::from);
    let data = given.clone().unwrap_or_else(|| {
        corpus(&root.join("data"), 1500);
        root.join("data")
    });
    let site = root.join("site");
    let o = assert_cmd::Command::cargo_bin("salesbook")
        .unwrap()
        .arg("--data")
        .arg(&data)
        .args(["-q", "build", "--out"])
        .arg(&site)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The generated corpus is big enough to need every kind of part several times.
    let parts: Vec<String> = std::fs::read_dir(site.join("cases/search"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for kind in ['k', 'm', 't'] {
        let n = parts.iter().filter(|p| p.starts_with(kind)).count();
        assert!(n >= 3, "{n} parts {kind}*.js");
    }

    let mut asks: Vec<serde_json::Value> = QUERIES
        .iter()
        .map(|q| serde_json::json!({ "q": q, "f": "", "v": "" }))
        .collect();
    asks.extend(
        FILTERS
            .iter()
            .map(|(f, v, q)| serde_json::json!({ "q": q, "f": f, "v": v })),
    );
    let asks_js = format!(
        "window.ASKS = {};\n",
        serde_json::Value::Array(asks.clone())
    );
    std::fs::write(root.join("asks.js"), asks_js).unwrap();
    std::fs::write(root.join("harness.js"), HARNESS_JS).unwrap();
    let harness = root.join("harness.html");
    std::fs::write(
        &harness,
        "<!doctype html><html><head><meta charset=\"utf-8\"></head><body><pre id=\"out\"></pre>\n\
         <script src=\"asks.js\"></script>\n\
         <script src=\"site/cases/search-index.js\"></script>\n\
         <script src=\"site/static/search.js\"></script>\n\
         <script src=\"harness.js\"></script>\n</body></html>\n",
    )
    .unwrap();
    let r = run(&chrome, &["--dump-dom"], &file_url(&harness));
    assert_quiet(&r, "the search harness");
    let out = &r.out[r.out.find("<pre id=\"out\">").expect("no output") + 14..];
    let out = &out[..out.find("</pre>").unwrap()];
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.last(),
        Some(&"done"),
        "the harness did not finish:\n{out}"
    );
    let head: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(head["cases"], head["rows"]);
    assert_eq!(
        head["unnormal"], 0,
        "texts the browser normalises differently"
    );
    let mut hits = 0;
    for (line, ask) in lines[1..lines.len() - 1].iter().zip(&asks) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["q"], ask["q"]);
        assert!(v["same"] == true, "a different result: {line}");
        if v["want"].as_u64().unwrap() > 0 {
            hits += 1;
        }
    }
    assert_eq!(lines.len() - 2, asks.len());
    // The list page itself: a query puts a page of matches in the list's place,
    // with the count of all of them and a pager.
    if given.is_none() {
        let want = lines[1..]
            .iter()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap_or_default())
            .find(|v| v["q"] == "客户" && v["f"] == "")
            .unwrap()["want"]
            .as_u64()
            .unwrap();
        assert!(want > 20);
        let list = file_url(&site.join("cases/index.html"));
        let r = run(
            &chrome,
            &["--dump-dom"],
            &format!("{list}?q=%E5%AE%A2%E6%88%B7"),
        );
        assert_quiet(&r, "the case list");
        assert_eq!(r.out.matches("<td id=\"case-").count(), 20);
        assert!(
            r.out.contains(&format!("显示 {want} / 1500 个案例")),
            "count"
        );
        assert!(r.out.contains("<nav class=\"pager\"><button"), "no pager");
        // Without a query the page is the list as written: its first 500 cases,
        // and links to the next pages, which work without JavaScript.
        let html = std::fs::read_to_string(site.join("cases/index.html")).unwrap();
        assert_eq!(html.matches("<td id=\"case-").count(), 500);
        assert!(
            html.contains("cases/page/2/index.html\""),
            "no link to page 2"
        );
        let last = std::fs::read_to_string(site.join("cases/page/3/index.html")).unwrap();
        assert_eq!(last.matches("<td id=\"case-").count(), 500);
        assert!(!site.join("cases/page/4").exists());
    }

    // Most queries find something, so equal results are not two empty lists.
    eprintln!("{hits} of {} queries found cases: {}", asks.len(), lines[0]);
    if given.is_none() {
        assert!(
            hits * 4 >= asks.len() * 3,
            "{hits} of {} queries hit",
            asks.len()
        );
    }
}
