//! Ids: unique per kind, and not differing only in case (they would clash on
//! case-insensitive file systems once they become output paths).

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::{Meta, Repo};
use crate::source::Sources;

pub fn check(repo: &Repo, out: &mut Diagnostics) {
    let s = &repo.sources;
    unique(s, "lead", repo.leads.iter().map(|r| &r.meta), out);
    unique(s, "customer", repo.customers.iter().map(|r| &r.meta), out);
    unique(s, "deal", repo.deals.iter().map(|r| &r.meta), out);
    unique(s, "month", repo.months.iter().map(|r| &r.meta), out);
    unique(s, "case", repo.cases.iter().map(|r| &r.meta), out);
    if let Some(config) = &repo.config {
        let file = config.meta.file;
        let mut seen = HashMap::new();
        for o in &config.owners {
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
    for meta in metas {
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
        }
    }
}
