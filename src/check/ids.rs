//! Ids: unique per kind, not differing only in case (they would clash on
//! case-insensitive file systems once they become output paths), not a name
//! that Windows reserves or that the site already uses beside record pages, and
//! not a Unicode look-alike of another id (a warning: both files are fine, but
//! a reader or a reference can easily mean the wrong one).

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Meta, Repo};
use crate::source::{FileId, Sources, Span};

pub fn check(repo: &Repo, out: &mut Diagnostics) {
    let s = &repo.sources;
    unique(s, "lead", repo.leads.iter().map(|r| &r.meta), out);
    unique(s, "customer", repo.customers.iter().map(|r| &r.meta), out);
    unique(s, "deal", repo.deals.iter().map(|r| &r.meta), out);
    unique(s, "month", repo.months.iter().map(|r| &r.meta), out);
    unique(s, "case", repo.cases.iter().map(|r| &r.meta), out);
    tags(repo, out);
    if let Some(config) = &repo.config {
        let file = config.meta.file;
        let mut seen = HashMap::new();
        for o in &config.owners {
            // Owners get pages (`owners/<id>/`), like customers and deals.
            reserved(file, &o.span, "owner", &o.id, &[], out);
            if let Some(_first) = seen.insert(o.id.as_str(), ()) {
                out.push(Diagnostic::error(
                    "duplicate-id",
                    file,
                    o.span.clone(),
                    format!("owner id `{}` is used twice", o.id),
                ));
            }
        }
        let mut seen = HashMap::new();
        for c in &config.channels {
            if seen.insert(c.id.as_str(), ()).is_some() {
                out.push(Diagnostic::error(
                    "duplicate-id",
                    file,
                    c.span.clone(),
                    format!("channel id `{}` is used twice", c.id),
                ));
            }
        }
        let mut seen = HashMap::new();
        for st in &config.stages {
            if seen.insert(st.id.as_str(), ()).is_some() {
                out.push(Diagnostic::error(
                    "duplicate-id",
                    file,
                    st.span.clone(),
                    format!("stage id `{}` is used twice", st.id),
                ));
            }
        }
    }
}

fn unique<'a>(
    sources: &Sources,
    kind: &str,
    metas: impl Iterator<Item = &'a Meta>,
    out: &mut Diagnostics,
) {
    let mut exact: HashMap<&str, &Meta> = HashMap::new();
    let mut folded: HashMap<String, &Meta> = HashMap::new();
    let mut skeletons: HashMap<String, &Meta> = HashMap::new();
    // Names the site writes beside the record pages of a kind (`cases/tags/`,
    // `cases/atom.xml`, ...): a record with that id would collide with them.
    let site_names: &[&str] = match kind {
        // `cases/search/` holds the search index's parts, `cases/page/2/` the list's.
        "case" => &["tags", "atom.xml", "search-index.js", "search", "page"],
        // The lists' later pages: `deals/page/2/`.
        "deal" | "customer" => &["page"],
        _ => &[],
    };
    for meta in metas {
        reserved(meta.file, &meta.span, kind, &meta.id, site_names, out);
        if let Some(first) = exact.get(meta.id.as_str()) {
            out.push(
                Diagnostic::error("duplicate-id", meta.file, meta.span.clone(), format!("{kind} id `{}` is used twice", meta.id))
                    .with_hint(format!("the other one is {}; ids are file names and must be unique per kind, also across sub-folders", sources.get(first.file).rel_path)),
            );
            continue;
        }
        exact.insert(&meta.id, meta);
        if let Some(first) = folded.insert(meta.id.to_lowercase(), meta) {
            out.push(
                Diagnostic::error(
                    "id-case-clash",
                    meta.file,
                    meta.span.clone(),
                    format!("{kind} id `{}` differs from `{}` only in case", meta.id, first.id),
                )
                .with_hint(format!("the other one is {}; on case-insensitive file systems their pages would overwrite each other", sources.get(first.file).rel_path)),
            );
            continue;
        }
        if let Some(first) = skeletons.insert(skeleton(&meta.id), meta) {
            out.push(
                Diagnostic::warning(
                    "lookalike-id",
                    meta.file,
                    meta.span.clone(),
                    format!(
                        "{kind} id `{}` looks like `{}` but is a different id",
                        show(&meta.id),
                        show(&first.id)
                    ),
                )
                .with_hint(format!("the other one is {}; rename one of them so that a reader and a reference cannot mistake one for the other (mixed scripts or full-width characters?)", sources.get(first.file).rel_path)),
            );
        }
    }
}

/// The UTS #39 skeleton of an id, case-folded: ids with equal keys look alike
/// (`ＬＸ001` and `LX001`, Cyrillic `А` and Latin `A`).
fn skeleton(id: &str) -> String {
    // Most ids are ASCII: their skeleton is the concatenation of each
    // character's (NFD changes no ASCII text), looked up in a table instead of
    // normalising every id twice (a quarter of a large `check`).
    if id.is_ascii() {
        let table = &*ASCII_SKELETONS;
        let s: String = id
            .bytes()
            .map(|b| table[b.to_ascii_lowercase() as usize].as_str())
            .collect();
        return s.to_lowercase();
    }
    skeleton_slow(id)
}

fn skeleton_slow(id: &str) -> String {
    // Lower-casing after the skeleton too: it maps `0` to `O`.
    let skeleton: String = unicode_security::skeleton(&id.to_lowercase()).collect();
    skeleton.to_lowercase()
}

/// The skeleton of each ASCII character (before the final lower-casing).
static ASCII_SKELETONS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    (0u8..128)
        .map(|b| unicode_security::skeleton(&(b as char).to_string()).collect())
        .collect()
});

/// Shows non-ASCII characters with their code points, so that the message
/// itself tells two look-alike ids apart: `Д` → `Д (U+0414)`.
fn show(id: &str) -> String {
    let mut s = String::new();
    for c in id.chars() {
        s.push(c);
        if !c.is_ascii() {
            s.push_str(&format!(" (U+{:04X})", c as u32));
        }
    }
    s
}

/// Device names Windows reserves in any folder, also with an extension
/// (`CON.toml`): such a file cannot even be checked out there.
const WINDOWS_DEVICES: &[&str] = &[
    "con", "prn", "aux", "nul", "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7",
    "com8", "com9", "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Why `name` cannot be a portable path segment of the site: a Windows device
/// name, a trailing dot (Windows drops it, so `a.` and `a` clash), longer than
/// file systems allow, `index.html` (the kind's index page) or one of `site_names`.
fn not_portable(name: &str, kind: &str, site_names: &[&str]) -> Option<String> {
    let lower = name.to_lowercase();
    let stem = name.split('.').next().unwrap_or("");
    Some(if WINDOWS_DEVICES.contains(&stem.to_lowercase().as_str()) {
        format!("`{stem}` is a device name reserved by Windows")
    } else if name.ends_with('.') {
        "Windows drops a trailing dot from file names".to_string()
    } else if name.len() > MAX_NAME_BYTES {
        format!(
            "it is {} bytes long and a file name may have {MAX_NAME_BYTES} (a Chinese character takes 3)",
            name.len()
        )
    } else if lower == "index.html" || site_names.contains(&lower.as_str()) {
        format!("the site already writes `{lower}` beside the {kind} pages")
    } else {
        return None;
    })
}

/// Bytes of a file or folder name on ext4, APFS and NTFS (in UTF-16 units
/// there, which UTF-8 bytes never undercount).
const MAX_NAME_BYTES: usize = 255;

/// Tags become folders (`cases/tags/<tag>/`) as ids do, so they follow the
/// same rules; reported at the case.
fn tags(repo: &Repo, out: &mut Diagnostics) {
    let mut said = std::collections::HashSet::new();
    for case in &repo.cases {
        for tag in &case.tags {
            // A tag that is no valid id (`a/b`) gets no page at all.
            if !crate::model::is_valid_id(tag) {
                continue;
            }
            let Some(why) = not_portable(tag, "tag", &[]) else {
                continue;
            };
            if said.insert(tag.as_str()) {
                let shown: String = tag.chars().take(40).collect();
                let more = if shown.len() < tag.len() { "…" } else { "" };
                out.push(
                    Diagnostic::error(
                        "reserved-id",
                        case.meta.file,
                        case.meta.span.clone(),
                        format!("tag `{shown}{more}` cannot be a tag page: {why}"),
                    )
                    .with_hint(
                        "write the tag another way (each tag is a page whose folder is the tag)",
                    ),
                );
            }
        }
    }
}

/// Reports an id that cannot become a portable output path: a Windows device
/// name, a trailing dot (Windows drops it, so `a.` and `a` clash), `index.html`
/// (the kind's index page) or one of `site_names`.
fn reserved(
    file: FileId,
    span: &Span,
    kind: &str,
    id: &str,
    site_names: &[&str],
    out: &mut Diagnostics,
) {
    let Some(why) = not_portable(id, kind, site_names) else {
        return;
    };
    out.push(
        Diagnostic::error(
            "reserved-id",
            file,
            span.clone(),
            format!("{kind} id `{id}` cannot be used: {why}"),
        )
        .with_hint("rename the record (its file name is its id)"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_skeletons_match_the_full_algorithm() {
        let printable: Vec<char> = (0x20u8..0x7f).map(char::from).collect();
        for a in &printable {
            for b in &printable {
                let id = format!("{a}{b}");
                assert_eq!(skeleton(&id), skeleton_slow(&id), "{id:?}");
            }
        }
        for id in [
            "LX001",
            "lx0O1",
            "rnodern",
            "I1l|",
            "customer-042",
            "a.b_c-D",
            "ＬＸ001",
        ] {
            assert_eq!(skeleton(id), skeleton_slow(id), "{id}");
        }
        // Look-alikes still meet.
        assert_eq!(skeleton("LX0O1"), skeleton("lxo01"));
        assert_eq!(skeleton("modern"), skeleton("rnodern"));
    }
}
