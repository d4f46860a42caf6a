//! The code's layers, as ARCHITECTURE.md draws them, checked on the source:
//! a module uses only modules of its own layer or below, and no two modules
//! use each other, directly or around a circle. Test code is left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Bottom to top. Every top-level module of src/ is in exactly one layer.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &[
            "source",
            "diagnostic",
            "model",
            "normal",
            "personal",
            "atomic",
            "output",
            "names",
            "ids",
        ],
    ),
    ("sources", &["git", "load"]),
    ("figures", &["metrics", "format", "confidential"]),
    ("checks", &["check"]),
    ("pipeline", &["book"]),
    (
        "outputs",
        &["report", "export", "site", "chart", "schema", "diff"],
    ),
    ("commands", &["author", "import", "serve", "cli"]),
];

/// `crate::x` paths named in `src`, without its test modules.
fn uses(src: &str) -> BTreeSet<String> {
    let code = match src.find("#[cfg(test)]\nmod tests") {
        Some(i) => &src[..i],
        None => src,
    };
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        // `$crate::` and `salesbook::`-style prefixes are not this crate's modules.
        if code[..i].ends_with('$')
            || code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let name: String = code[i + 7..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

/// Module → the modules it uses, for the top-level modules of `src`.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p.file_name().unwrap().to_str().unwrap();
            if !name.ends_with(".rs") || ["tests.rs", "testutil.rs"].contains(&name) {
                continue;
            }
            let rel = p.strip_prefix(src).unwrap();
            let first = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_str()
                .unwrap();
            let module = first.trim_end_matches(".rs").to_string();
            if module == "lib" || module == "main" {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            let entry = g.entry(module.clone()).or_default();
            entry.extend(uses(&text).into_iter().filter(|m| *m != module));
        }
    }
    g
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, ms)| ms.contains(&module))
}

/// Each way upward (`a` uses `b` of a higher layer) and each circle of uses.
fn violations(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for (a, used) in g {
        let Some(la) = layer_of(a) else {
            out.push(format!("`{a}` is in no layer"));
            continue;
        };
        for b in used {
            match layer_of(b) {
                Some(lb) if lb > la => out.push(format!(
                    "`{a}` ({}) uses `{b}` ({}) above it",
                    LAYERS[la].0, LAYERS[lb].0
                )),
                _ => {}
            }
        }
    }
    // Circles: a depth-first walk that meets a module still on its path.
    fn visit<'a>(
        m: &'a str,
        g: &'a BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
        out: &mut Vec<String>,
    ) {
        if let Some(i) = path.iter().position(|p| *p == m) {
            out.push(format!("circle: {} → {m}", path[i..].join(" → ")));
            return;
        }
        if !done.insert(m) {
            return;
        }
        path.push(m);
        for next in g.get(m).into_iter().flatten() {
            visit(next, g, path, done, out);
        }
        path.pop();
    }
    let mut done = BTreeSet::new();
    for m in g.keys() {
        visit(m, g, &mut Vec::new(), &mut done, &mut out);
    }
    out
}

#[test]
fn modules_use_only_their_layer_and_below_without_circles() {
    let g = graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(g.len() >= 25, "{:?}", g.keys());
    assert!(g["site"].contains("book") && g["load"].contains("model"));
    let v = violations(&g);
    assert!(v.is_empty(), "{v:#?}");
}

/// The check fires: an upward use and a circle are both named.
#[test]
fn an_upward_use_and_a_circle_are_reported() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.insert("model".into(), ["load".to_string()].into());
    g.insert("load".into(), ["model".to_string()].into());
    g.insert("report".into(), ["export".to_string()].into());
    g.insert("export".into(), ["report".to_string()].into());
    let v = violations(&g);
    assert!(
        v.iter()
            .any(|s| s.contains("`model` (foundation) uses `load`")),
        "{v:?}"
    );
    assert!(
        v.iter()
            .any(|s| s.starts_with("circle: export → report → export")),
        "{v:?}"
    );
    assert_eq!(
        uses("use crate::model::Kind;\n$crate::x\n#[cfg(test)]\nmod tests { use crate::book; }"),
        ["model".to_string()].into()
    );
}
