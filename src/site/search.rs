//! The case library's search index, in small files a browser loads on demand
//! (`themes/default/static/search.js` reads them).
//!
//! Matching is what it always was: a case matches when every query term is a
//! substring of its normalised text ([`norm`]). The index answers that without
//! the texts for short terms and with few of them for long ones: every
//! character and every pair of neighbouring characters of a text is a key, so
//! a term of one or two characters matches exactly the cases under its key; a
//! longer term's cases are among those under all its pairs and are confirmed
//! against their text, fetched in chunks only for the candidates of the page
//! being shown. Han text needs no word segmentation this way, and a pair
//! index alone would give false hits (the halves of a word found apart).
//!
//! Files, all scripts (`fetch()` of a file fails under file://), each one call
//! `SALESBOOK_SEARCH(name, data)` but the first:
//! - `cases/search-index.js`: `window.SALESBOOK_CASES = {n, shards, meta, text,
//!   facets}` — the case count, the shard count, the chunk layout and each
//!   filter's values with their labels and cases.
//! - `cases/search/k<i>.js`: the keys whose [`shard`] is i, each with its cases.
//! - `cases/search/m<i>.js`: the list rows of cases i·[`META_CHUNK`]….
//! - `cases/search/t<i>.js`: the texts of the cases from `text[i]` on.
//!
//! Cases are numbered in the library's order; a set of them is a string: the
//! gaps between ascending numbers as base-64 varints, or `~` and a bitmap,
//! whichever is shorter.

use std::collections::HashMap;

use rayon::prelude::*;
use unicode_normalization::UnicodeNormalization;

/// Cases per metadata chunk: a page of results fetches at most this many rows
/// per case it shows, and usually one chunk.
pub const META_CHUNK: usize = 50;
/// Bytes of text per text chunk (a chunk holds at least one case).
const TEXT_CHUNK_BYTES: usize = 32 * 1024;
/// Bytes of keys per shard, on average: a two-character query fetches one.
const SHARD_BYTES: usize = 64 * 1024;

/// One case of the library as this audience's pages show it.
pub struct Entry {
    /// Percent-encoded id (or the shared site's number), as in the list's
    /// `<td id="case-…">` and the page's folder.
    pub slug: String,
    pub title: String,
    pub date: String,
    /// `success` or `failure` (the filter value).
    pub result: &'static str,
    /// As shown; `—` when the case has none.
    pub industry: String,
    /// Stage id (the filter value); empty when the case names none.
    pub stage: String,
    pub stage_label: String,
    pub tags: Vec<String>,
    /// Everything searchable, already in [`norm`] form.
    pub text: String,
}

/// A filter's value and its label.
pub struct Facet {
    pub value: String,
    pub label: String,
}

/// The filters' values, in the order the form lists them.
pub struct Facets {
    pub result: Vec<Facet>,
    pub industry: Vec<Facet>,
    pub stage: Vec<Facet>,
    pub tag: Vec<Facet>,
}

/// The index's files: (path in the site, content).
pub fn files(entries: &[Entry], facets: &Facets) -> Vec<(String, String)> {
    let n = entries.len();
    let mut out = Vec::new();

    // Keys: the cases of each key, by runs of cases in parallel, then joined
    // in order (so each key's cases stay ascending).
    let runs: Vec<Keyed> = entries
        .par_chunks(RUN)
        .enumerate()
        .map(|(r, run)| {
            let mut m = Keyed::default();
            for (j, e) in run.iter().enumerate() {
                let id = (r * RUN + j) as u32;
                each_key(&e.text, |k| {
                    let ids = m.entry(k).or_default();
                    // A key seen before in this case is already listed.
                    if ids.last() != Some(&id) {
                        ids.push(id);
                    }
                });
            }
            m
        })
        .collect();
    let mut cases_of = Keyed::default();
    for m in runs {
        for (k, ids) in m {
            cases_of.entry(k).or_default().extend(ids);
        }
    }
    let mut encoded: Vec<(u64, String)> = cases_of
        .into_par_iter()
        .map(|(k, ids)| (k, set(&ids, n)))
        .collect();
    encoded.sort_unstable_by_key(|(k, _)| *k);
    let total: usize = encoded.iter().map(|(_, s)| s.len() + 8).sum();
    let shards = total.div_ceil(SHARD_BYTES).max(1);
    let mut by_shard: Vec<String> = vec![String::new(); shards];
    for (k, s) in &encoded {
        let key = key_text(*k);
        let body = &mut by_shard[shard(&key, shards)];
        body.push(if body.is_empty() { '{' } else { ',' });
        body.push_str(&serde_json::to_string(&key).expect("a string serialises"));
        body.push_str(":\"");
        body.push_str(s);
        body.push('"');
    }
    drop(encoded);
    for (i, mut body) in by_shard.into_iter().enumerate() {
        if body.is_empty() {
            body.push('{');
        }
        body.push('}');
        out.push((
            format!("cases/search/k{i}.js"),
            call(&format!("k{i}"), &body),
        ));
    }
    // The list rows, in chunks of META_CHUNK cases.
    for (i, chunk) in entries.chunks(META_CHUNK).enumerate() {
        let rows: Vec<serde_json::Value> = chunk
            .iter()
            .map(|e| {
                serde_json::json!([
                    e.slug,
                    e.title,
                    e.date,
                    e.result,
                    e.industry,
                    e.stage,
                    e.stage_label,
                    e.tags
                ])
            })
            .collect();
        let json = serde_json::Value::Array(rows).to_string();
        out.push((
            format!("cases/search/m{i}.js"),
            call(&format!("m{i}"), &json),
        ));
    }

    // The texts, in chunks of about TEXT_CHUNK_BYTES.
    let mut starts = Vec::new();
    let mut at = 0;
    while at < n {
        let mut end = at;
        let mut bytes = 0;
        while end < n && (end == at || bytes + entries[end].text.len() <= TEXT_CHUNK_BYTES) {
            bytes += entries[end].text.len();
            end += 1;
        }
        let texts: Vec<&str> = entries[at..end].iter().map(|e| e.text.as_str()).collect();
        let i = starts.len();
        let json = serde_json::to_string(&texts).expect("strings serialise");
        out.push((
            format!("cases/search/t{i}.js"),
            call(&format!("t{i}"), &json),
        ));
        starts.push(at);
        at = end;
    }
    // The facets, each value with its cases.
    let facet = |list: &[Facet], has: &dyn Fn(&Entry, &str) -> bool| -> serde_json::Value {
        list.iter()
            .map(|f| {
                let ids: Vec<u32> = (0..n as u32)
                    .filter(|&i| has(&entries[i as usize], &f.value))
                    .collect();
                serde_json::json!([f.value, f.label, set(&ids, n)])
            })
            .collect()
    };
    let index = serde_json::json!({
        "n": n,
        "shards": shards,
        "meta": META_CHUNK,
        "text": starts,
        "facets": {
            "result": facet(&facets.result, &|e, v| e.result == v),
            "industry": facet(&facets.industry, &|e, v| e.industry == v),
            "stage": facet(&facets.stage, &|e, v| e.stage == v),
            "tag": facet(&facets.tag, &|e, v| e.tags.iter().any(|t| t == v)),
        },
    });
    out.push((
        "cases/search-index.js".into(),
        format!(
            "/* salesbook case search index (generated) */\nwindow.SALESBOOK_CASES = {};\n",
            json_script(&index.to_string())
        ),
    ));
    out
}

/// A chunk's script: one call with its name and data.
fn call(name: &str, json: &str) -> String {
    format!("SALESBOOK_SEARCH(\"{name}\", {});\n", json_script(json))
}

/// A key: a character (`b` is [`ONE`]) or a pair `a`, `b`, as `a << 32 | b`.
const ONE: u64 = 0x11_0000;

/// Cases per run of the key count (one task of the parallel count).
const RUN: usize = 256;

/// Cases by key. Keys are two chars in a u64, hashed by one multiplication
/// (std's SipHash guards against chosen keys, which cost here only time, and
/// is several times slower on the tens of millions of lookups of a library).
type Keyed = HashMap<u64, Vec<u32>, std::hash::BuildHasherDefault<KeyHasher>>;

#[derive(Default)]
struct KeyHasher(u64);
impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
    fn write_u64(&mut self, k: u64) {
        self.0 = (k ^ (k >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Every key of a normalised text, repeats included: every character and
/// every pair of neighbours within a word (a query term never holds a space).
fn each_key(text: &str, mut f: impl FnMut(u64)) {
    for word in text.split(' ') {
        let mut prev: Option<char> = None;
        for c in word.chars() {
            f((c as u64) << 32 | ONE);
            if let Some(p) = prev {
                f((p as u64) << 32 | c as u64);
            }
            prev = Some(c);
        }
    }
}

fn key_text(k: u64) -> String {
    let a = char::from_u32((k >> 32) as u32).expect("keys are made of chars");
    let b = (k & 0xFFFF_FFFF) as u32;
    let mut s = String::from(a);
    if u64::from(b) != ONE {
        s.push(char::from_u32(b).expect("keys are made of chars"));
    }
    s
}

/// The shard of a key: FNV-1a over its UTF-16 code units (what a JavaScript
/// string is made of), modulo the shard count.
pub fn shard(key: &str, shards: usize) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for u in key.encode_utf16() {
        h ^= u32::from(u);
        h = h.wrapping_mul(0x0100_0193);
    }
    h as usize % shards
}

const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A set of case numbers (ascending) out of `n`: gaps as varints of five bits
/// per digit (a digit ≥ 32 says more follow), or `~` and six cases per digit.
fn set(ids: &[u32], n: usize) -> String {
    let mut gaps = String::new();
    let mut next = 0u32;
    for &i in ids {
        let mut g = i - next;
        next = i + 1;
        while g >= 32 {
            gaps.push(DIGITS[32 + (g & 31) as usize] as char);
            g >>= 5;
        }
        gaps.push(DIGITS[g as usize] as char);
    }
    let bitmap = n.div_ceil(6);
    if gaps.len() <= bitmap + 1 {
        return gaps;
    }
    let mut bits = vec![0u8; bitmap];
    for &i in ids {
        bits[i as usize / 6] |= 1 << (i % 6);
    }
    std::iter::once('~')
        .chain(bits.into_iter().map(|b| DIGITS[b as usize] as char))
        .collect()
}

/// Search normalisation, as static/search.js applies it to a query: NFKC,
/// lowercase, runs of white space (JavaScript's `\s`) as one space, trimmed.
pub fn norm(s: &str) -> String {
    // Lowercasing looks each character up in a table; Han characters and ASCII
    // (most of the text) are done by hand. A word with Σ is lowercased whole:
    // its final form depends on context.
    let nfkc = nfkc_common(s).unwrap_or_else(|| s.nfkc().collect());
    let mut out = String::with_capacity(nfkc.len());
    for word in nfkc.split(js_space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        if word.contains('Σ') {
            out.push_str(&word.to_lowercase());
            continue;
        }
        for c in word.chars() {
            match c {
                'A'..='Z' => out.push(c.to_ascii_lowercase()),
                '\0'..='\u{7f}' | '\u{3000}'..='\u{303f}' | '\u{4e00}'..='\u{9fff}' => out.push(c),
                _ => out.extend(c.to_lowercase()),
            }
        }
    }
    out
}

/// NFKC of text made only of what Chinese and English text mostly is — ASCII,
/// Han characters, the common CJK punctuation, full-width ASCII — by hand (the
/// general algorithm is a tenth of a large build); `None` for anything else.
/// None of these characters combines with a neighbour, so each maps alone.
fn nfkc_common(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\0'..='\u{7f}'
            | '\u{4e00}'..='\u{9fff}'
            | '\u{3001}'..='\u{3002}'
            | '\u{3008}'..='\u{3011}'
            | '\u{3014}'..='\u{301b}'
            | '\u{2014}'
            | '\u{2018}'..='\u{2019}'
            | '\u{201c}'..='\u{201d}'
            | '\u{b7}' => out.push(c),
            // Full-width ASCII is ASCII.
            '\u{ff01}'..='\u{ff5e}' => out.push(char::from_u32(c as u32 - 0xfee0)?),
            '\u{3000}' => out.push(' '),
            _ => return None,
        }
    }
    Some(out)
}

/// JavaScript's `\s`.
fn js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// The text of sanitised HTML: tags become spaces, entities are decoded.
pub fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            match rest.find('>') {
                Some(end) => rest = &rest[end + 1..],
                None => rest = "",
            }
            out.push(' ');
            continue;
        }
        let end = rest.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }
        });
        match (decoded, end) {
            (Some(ch), Some(e)) => {
                out.push(ch);
                rest = &rest[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// JSON as a script literal: stays UTF-8 (the pages declare `charset=utf-8`, which
/// their scripts inherit, and the shared-build leak test can read it as text).
/// U+2028/U+2029 (line terminators in older JavaScript) and `<`, `>`, `&` are
/// escaped, so no record text can form `</script>`, `<!--` or `-->` even if the
/// index is ever inlined in a page. JSON has no `<` outside strings.
fn json_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The inverse of [`set`], as static/search.js decodes it.
    fn unset(s: &str) -> Vec<u32> {
        let val = |c: u8| DIGITS.iter().position(|&d| d == c).unwrap() as u32;
        let mut out = Vec::new();
        if let Some(bits) = s.strip_prefix('~') {
            for (j, c) in bits.bytes().enumerate() {
                for b in 0..6 {
                    if val(c) & (1 << b) != 0 {
                        out.push(j as u32 * 6 + b);
                    }
                }
            }
            return out;
        }
        let (mut next, mut g, mut shift) = (0u32, 0u32, 0u32);
        for c in s.bytes() {
            let v = val(c);
            if v >= 32 {
                g += (v - 32) << shift;
                shift += 5;
            } else {
                g += v << shift;
                out.push(next + g);
                next += g + 1;
                g = 0;
                shift = 0;
            }
        }
        out
    }

    proptest! {
        /// The same text as NFKC, lowercasing the whole string and collapsing whitespace.
        #[test]
        fn norm_is_nfkc_lowercase_and_collapse(
            s in "[a-zA-Z0-9 \t\n\u{3000}自动化项目。、，（）〈〉【】～！·—‘’“”ΣσςΑΒ İǅǄＡａⅠ\u{301}\u{ff5f}…]{0,30}"
        ) {
            let whole = s.nfkc().collect::<String>().to_lowercase();
            let whole = whole.split_whitespace().collect::<Vec<_>>().join(" ");
            prop_assert_eq!(norm(&s), whole);
        }

        /// A set decodes to itself, in either form.
        #[test]
        fn sets_round_trip(mut ids in proptest::collection::vec(0u32..5000, 0..400)) {
            ids.sort_unstable();
            ids.dedup();
            let s = set(&ids, 5000);
            prop_assert_eq!(unset(&s), ids.clone());
            prop_assert!(s.len() <= 5000usize.div_ceil(6) + 1);
        }
    }

    #[test]
    fn full_width_and_odd_spaces_fold_like_the_browser() {
        assert_eq!(
            norm("  ＡＢＣ\u{feff}客户，\u{2003}关系 "),
            "abc 客户, 关系"
        );
    }

    #[test]
    fn keys_are_characters_and_neighbour_pairs_within_words() {
        let mut got = Vec::new();
        each_key("ab 客户a", |k| got.push(key_text(k)));
        assert_eq!(got, ["a", "b", "ab", "客", "户", "客户", "a", "户a"]);
    }

    #[test]
    fn a_dense_set_is_a_bitmap() {
        let all: Vec<u32> = (0..600).collect();
        assert!(set(&all, 600).starts_with('~'));
        assert_eq!(set(&[0, 1, 40], 600), "AAmB");
        assert_eq!(unset("AAmB"), [0, 1, 40]);
    }

    #[test]
    fn shards_are_fnv1a_of_utf16() {
        // FNV-1a("a") = 0xe40c292c, the published test vector; the browser
        // hashes the same units (tests/browser.rs finds every key's shard).
        assert_eq!(shard("a", usize::MAX), 0xe40c292c);
        assert!(shard("客户", 7) < 7);
    }

    #[test]
    fn files_for_two_cases() {
        let e = |slug: &str, text: &str, tags: &[&str]| Entry {
            slug: slug.into(),
            title: slug.into(),
            date: "2024-01-01".into(),
            result: "success",
            industry: "制造业".into(),
            stage: String::new(),
            stage_label: "—".into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            text: norm(text),
        };
        let facets = Facets {
            result: vec![],
            industry: vec![],
            stage: vec![],
            tag: vec![Facet {
                value: "大单".into(),
                label: "大单".into(),
            }],
        };
        let files = files(
            &[e("a", "客户 </script>", &["大单"]), e("b", "x", &[])],
            &facets,
        );
        let names: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            names,
            [
                "cases/search/k0.js",
                "cases/search/m0.js",
                "cases/search/t0.js",
                "cases/search-index.js"
            ]
        );
        assert!(files.iter().all(|(_, c)| !c.contains('<')));
        let index = &files[3].1;
        assert!(
            index.contains(r#""n":2,"shards":1,"meta":50,"text":[0]"#),
            "{index}"
        );
        assert!(index.contains(r#"["大单","大单","A"]"#), "{index}");
        assert!(files[0].1.contains(r#""客户":"A""#), "{}", files[0].1);
        assert!(files[0].1.contains(r#""x":"B""#), "{}", files[0].1);
    }

    #[test]
    fn html_reduced_to_text() {
        let t =
            html_text("<h2>项目&amp;背景</h2><p>A &lt;b&gt; &#39;x&#x27; &nbsp;&bogus; 5 &amp</p>");
        assert_eq!(norm(&t), "项目&背景 a <b> 'x' &bogus; 5 &amp");
    }

    #[test]
    fn script_safe() {
        let t = "自动化\u{2028}</script><!--&-->";
        let j = json_script(&serde_json::json!({ "t": t }).to_string());
        assert_eq!(
            j,
            r#"{"t":"自动化\u2028\u003c/script\u003e\u003c!--\u0026--\u003e"}"#
        );
        let back: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(back["t"], t);
    }
}
