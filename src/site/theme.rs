//! The theme: Tera templates, static assets and UI strings. The default theme is
//! compiled into the binary; a data repo's `templates/` folder and `--theme DIR`
//! override single files (`--theme` wins).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::model::Language;

/// The default theme's templates, embedded.
pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "sections.html",
        include_str!("../../themes/default/templates/sections.html"),
    ),
    (
        "charts.html",
        include_str!("../../themes/default/templates/charts.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "month.html",
        include_str!("../../themes/default/templates/month.html"),
    ),
    (
        "stages.html",
        include_str!("../../themes/default/templates/stages.html"),
    ),
    (
        "leads.html",
        include_str!("../../themes/default/templates/leads.html"),
    ),
    (
        "customers.html",
        include_str!("../../themes/default/templates/customers.html"),
    ),
    (
        "customer.html",
        include_str!("../../themes/default/templates/customer.html"),
    ),
    (
        "deals.html",
        include_str!("../../themes/default/templates/deals.html"),
    ),
    (
        "deal.html",
        include_str!("../../themes/default/templates/deal.html"),
    ),
    (
        "owners.html",
        include_str!("../../themes/default/templates/owners.html"),
    ),
    (
        "owner.html",
        include_str!("../../themes/default/templates/owner.html"),
    ),
    (
        "cases.html",
        include_str!("../../themes/default/templates/cases.html"),
    ),
    (
        "case.html",
        include_str!("../../themes/default/templates/case.html"),
    ),
    (
        "tag.html",
        include_str!("../../themes/default/templates/tag.html"),
    ),
    (
        "quality.html",
        include_str!("../../themes/default/templates/quality.html"),
    ),
    (
        "data.html",
        include_str!("../../themes/default/templates/data.html"),
    ),
    (
        "page.html",
        include_str!("../../themes/default/templates/page.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "atom.xml",
        include_str!("../../themes/default/templates/atom.xml"),
    ),
];

/// The default theme's static files, embedded (written under `static/`).
pub const STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "search.js",
        include_bytes!("../../themes/default/static/search.js"),
    ),
    (
        "table.js",
        include_bytes!("../../themes/default/static/table.js"),
    ),
];

pub const STRINGS_ZH: &str = include_str!("../../themes/default/strings/zh.toml");
pub const STRINGS_EN: &str = include_str!("../../themes/default/strings/en.toml");

/// Parses a strings file: the `[ui]` table of string values.
pub fn parse_strings(text: &str) -> Result<BTreeMap<String, String>, String> {
    #[derive(serde::Deserialize)]
    struct File {
        ui: BTreeMap<String, String>,
    }
    toml::from_str::<File>(text)
        .map(|f| f.ui)
        .map_err(|e| e.to_string())
}

pub struct Theme {
    pub tera: tera::Tera,
    pub statics: Vec<(String, Vec<u8>)>,
    pub strings: BTreeMap<String, String>,
}

/// Reads `dir/*.<ext>` files (not recursive) as (name, bytes).
fn read_dir_files(dir: &Path) -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || !e.file_type()?.is_file() {
            continue;
        }
        out.push((name, std::fs::read(e.path())?));
    }
    out.sort();
    Ok(out)
}

/// Loads the theme: embedded defaults, then `data/templates/`, then `--theme DIR`
/// (`DIR/templates/`, `DIR/static/`, `DIR/strings/`).
pub fn load(data: &Path, theme: Option<&Path>, language: Language) -> Result<Theme, String> {
    let mut templates: BTreeMap<String, String> = TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    let mut statics: BTreeMap<String, Vec<u8>> = STATIC
        .iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect();
    let lang = match language {
        Language::Zh => "zh",
        Language::En => "en",
    };
    let mut strings_text = match language {
        Language::Zh => STRINGS_ZH.to_string(),
        Language::En => STRINGS_EN.to_string(),
    };
    let mut dirs: Vec<PathBuf> = vec![data.join("templates")];
    if let Some(t) = theme {
        dirs.push(t.join("templates"));
    }
    let io = |p: &Path, e: std::io::Error| format!("cannot read {}: {e}", p.display());
    for dir in &dirs {
        for (name, bytes) in read_dir_files(dir).map_err(|e| io(dir, e))? {
            let text = String::from_utf8(bytes)
                .map_err(|_| format!("{}/{name} is not UTF-8", dir.display()))?;
            templates.insert(name, text);
        }
    }
    if let Some(t) = theme {
        let sdir = t.join("static");
        for (name, bytes) in read_dir_files(&sdir).map_err(|e| io(&sdir, e))? {
            statics.insert(name, bytes);
        }
        let sfile = t.join("strings").join(format!("{lang}.toml"));
        if sfile.is_file() {
            strings_text = std::fs::read_to_string(&sfile).map_err(|e| io(&sfile, e))?;
        }
    }
    let strings = parse_strings(&strings_text).map_err(|e| format!("strings ({lang}): {e}"))?;
    let mut tera = tera::Tera::default();
    tera.set_escape_fn(escape_html);
    tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .map_err(|e| format!("theme template error: {e}"))?;
    Ok(Theme {
        tera,
        statics: statics.into_iter().collect(),
        strings,
    })
}

/// Tera's HTML escaping (the same five characters, the same entities), written a
/// run of plain text at a time: Tera's own writes every byte through `dyn Write`,
/// which was a tenth of a case page's instructions.
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut plain = 0;
    for (i, b) in bytes.iter().enumerate() {
        let entity: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[plain..i])?;
        out.write_all(entity)?;
        plain = i + 1;
    }
    out.write_all(&bytes[plain..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn escapes_as_tera_does(s in "[a-z&<>\"'/=客户 \n]{0,40}") {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            escape_html(&s, &mut ours).unwrap();
            tera::escape_html(&s, &mut teras).unwrap();
            prop_assert_eq!(ours, teras);
        }
    }

    #[test]
    fn every_string_exists_in_both_languages() {
        let zh = parse_strings(STRINGS_ZH).unwrap();
        let en = parse_strings(STRINGS_EN).unwrap();
        let zk: Vec<_> = zh.keys().collect();
        let ek: Vec<_> = en.keys().collect();
        assert_eq!(zk, ek, "zh.toml and en.toml must have the same keys");
        assert!(zh.values().chain(en.values()).all(|v| !v.is_empty()));
    }

    #[test]
    fn default_theme_compiles() {
        let t = load(Path::new("/nonexistent"), None, Language::Zh).unwrap();
        assert!(t.tera.get_template_names().any(|n| n == "index.html"));
    }
}
