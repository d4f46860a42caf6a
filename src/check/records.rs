//! Per-record rules that need other records or the configuration: references,
//! required-when fields, month file names and KPI keys.

use crate::diagnostic::did_you_mean;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::metrics::kpi::KPIS;
use crate::model::Kind;
use crate::model::*;
use crate::personal::find_personal_data;
use crate::source::{FileId, Sp};

/// Where references point, and how to say it.
struct Refs<'a> {
    repo: &'a Repo,
    index: &'a Index,
    /// Without a usable pipeline.toml, owner/channel/stage references are not checked.
    has_config: bool,
}

impl Refs<'_> {
    fn report(
        &self,
        out: &mut Diagnostics,
        file: FileId,
        r: &Sp<String>,
        what: &str,
        hint: Option<String>,
    ) {
        let mut d = Diagnostic::error(
            "dangling-reference",
            file,
            r.span.clone(),
            format!("{what} `{}` does not exist", r.value),
        );
        d.hint = hint;
        out.push(d);
    }

    fn owner(&self, out: &mut Diagnostics, file: FileId, r: &Sp<String>) {
        let c = self.repo.config();
        if !self.has_config || c.owner(r).is_some() {
            return;
        }
        let hint = match c.owners.iter().find(|o| o.name == r.value) {
            Some(o) => Some(format!(
                "`{}` is the name of owner `{}`: use the id",
                o.name, o.id
            )),
            None => did_you_mean(r, c.owners.iter().map(|o| o.id.as_str())).or_else(|| {
                Some(format!(
                    "owners are listed in pipeline.toml: {}",
                    c.owners
                        .iter()
                        .map(|o| o.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }),
        };
        self.report(out, file, r, "owner", hint);
    }

    fn channel(&self, out: &mut Diagnostics, file: FileId, r: &Sp<String>) {
        let c = self.repo.config();
        if !self.has_config || c.channel(r).is_some() {
            return;
        }
        let hint = match c.channels.iter().find(|ch| ch.name == r.value) {
            Some(ch) => Some(format!(
                "`{}` is the name of channel `{}`: use the id",
                ch.name, ch.id
            )),
            None => did_you_mean(r, c.channels.iter().map(|ch| ch.id.as_str())).or_else(|| {
                Some(format!(
                    "channels: {}",
                    c.channels
                        .iter()
                        .map(|ch| ch.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }),
        };
        self.report(out, file, r, "channel", hint);
    }

    fn stage(&self, out: &mut Diagnostics, file: FileId, r: &Sp<String>) {
        let c = self.repo.config();
        if !self.has_config || c.stage_index(r).is_some() {
            return;
        }
        let hint = did_you_mean(r, c.stages.iter().map(|s| s.id.as_str())).or_else(|| {
            Some(format!(
                "stages: {}",
                c.stages
                    .iter()
                    .map(|s| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        });
        self.report(out, file, r, "stage", hint);
    }

    fn record(&self, out: &mut Diagnostics, file: FileId, r: &Sp<String>, kind: Kind) {
        let (repo, index) = (self.repo, self.index);
        let (what, exists) = match kind {
            Kind::Lead => ("lead", index.leads.contains_key(r.as_str())),
            Kind::Customer => ("customer", index.customers.contains_key(r.as_str())),
            Kind::Deal => ("deal", index.deals.contains_key(r.as_str())),
            Kind::Month | Kind::Case => unreachable!("nothing references months or cases"),
        };
        if exists || repo.unparsed.contains(&(kind, r.value.clone())) {
            return;
        }
        let ids: Vec<&str> = match kind {
            Kind::Lead => index.leads.keys().map(String::as_str).collect(),
            Kind::Customer => index.customers.keys().map(String::as_str).collect(),
            _ => index.deals.keys().map(String::as_str).collect(),
        };
        // Suggest only where the list is short enough to search on every miss.
        let hint = (ids.len() <= 2000)
            .then(|| did_you_mean(r, ids))
            .flatten()
            .unwrap_or_else(|| {
                format!(
                    "there is no {}/{}.{}",
                    kind.folder(),
                    r.value,
                    kind.extension()
                )
            });
        self.report(out, file, r, what, Some(hint));
    }
}

pub fn check(repo: &Repo, index: &Index, out: &mut Diagnostics) {
    tag_case_clashes(repo, out);
    let refs = Refs {
        repo,
        index,
        has_config: repo.config.is_some(),
    };
    for lead in &repo.leads {
        let file = lead.meta.file;
        refs.channel(out, file, &lead.source);
        refs.owner(out, file, &lead.owner);
        if *lead.status == LeadStatus::Invalid
            && lead
                .invalid_reason
                .as_deref()
                .is_none_or(|r| r.trim().is_empty())
        {
            out.push(
                Diagnostic::error(
                    "missing-invalid-reason",
                    file,
                    lead.status.span.clone(),
                    "an invalid lead needs an `invalid_reason`",
                )
                .with_hint("say why, e.g. invalid_reason = \"无采购需求\""),
            );
        }
    }
    for c in &repo.customers {
        refs.owner(out, c.meta.file, &c.owner);
        if let Some(lead) = &c.lead {
            refs.record(out, c.meta.file, lead, Kind::Lead);
        }
    }
    for d in &repo.deals {
        let file = d.meta.file;
        refs.record(out, file, &d.customer, Kind::Customer);
        refs.owner(out, file, &d.owner);
        if let Some(lead) = &d.lead {
            refs.record(out, file, lead, Kind::Lead);
        }
        for e in &d.stages {
            refs.stage(out, file, &e.stage);
            if let Some(o) = &e.owner {
                refs.owner(out, file, o);
            }
        }
    }
    for m in &repo.months {
        let file = m.meta.file;
        if m.month.is_none() {
            out.push(
                Diagnostic::error(
                    "bad-month-name",
                    file,
                    m.meta.span.clone(),
                    format!("month file `{}` is not named `YYYY-MM`", m.meta.id),
                )
                .with_hint("name month files by their month, e.g. months/2023-10.md"),
            );
        }
        let keys = m
            .targets
            .iter()
            .map(|(k, _)| k)
            .chain(m.analysis.iter().map(|(k, _)| k))
            .chain(m.asserts.iter().map(|a| &a.kpi))
            .chain(
                m.owner_targets
                    .iter()
                    .flat_map(|(_, t)| t.iter().map(|(k, _)| k)),
            );
        for key in keys {
            if !KPIS.iter().any(|k| k.key == key.as_str()) {
                let hint = did_you_mean(key, KPIS.iter().map(|k| k.key)).unwrap_or_else(|| {
                    format!(
                        "KPI keys: {}",
                        KPIS.iter().map(|k| k.key).collect::<Vec<_>>().join(", ")
                    )
                });
                out.push(
                    Diagnostic::error(
                        "unknown-kpi",
                        file,
                        key.span.clone(),
                        format!("unknown KPI `{}`", key.value),
                    )
                    .with_hint(hint),
                );
            }
        }
        for p in &m.plan {
            if let Some(o) = &p.owner {
                refs.owner(out, file, o);
            }
        }
        for (o, _) in &m.owner_targets {
            refs.owner(out, file, o);
        }
    }
    for c in &repo.cases {
        let file = c.meta.file;
        if let Some(deal) = &c.deal {
            refs.record(out, file, deal, Kind::Deal);
        }
        if let Some(stage) = &c.stage {
            refs.stage(out, file, stage);
        }
        if let Some(author) = &c.author {
            refs.owner(out, file, author);
        }
        // The whole file: the title, tags and lessons of the front matter reach
        // the shared site as the body does. Said once per review, at the first
        // place, with the count.
        let found = find_personal_data(&repo.sources.get(file).text);
        if let Some(first) = found.first() {
            let span = first.clone();
            let more = match found.len() {
                1 => String::new(),
                n => format!(" ({n} places in this review)"),
            };
            out.push(
                Diagnostic::warning("personal-data-in-case", file, span, format!("a case review contains what looks like a phone number or email address{more}"))
                    .with_hint("case reviews are shared beyond the team: remove personal contact data from the text"),
            );
        }
    }
}

/// Tags become pages (`cases/tags/<tag>/`): two spellings that differ only in
/// case (`CRM`, `crm`) would overwrite each other's page on a case-insensitive
/// file system, like ids (`id-case-clash`). Reported at the later case.
fn tag_case_clashes(repo: &Repo, out: &mut Diagnostics) {
    let mut first: std::collections::HashMap<String, (&str, &Case)> = Default::default();
    for case in &repo.cases {
        for tag in &case.tags {
            let (seen, other) = *first.entry(tag.to_lowercase()).or_insert((tag, case));
            if seen != tag {
                out.push(
                    Diagnostic::error(
                        "id-case-clash",
                        case.meta.file,
                        case.meta.span.clone(),
                        format!("tag `{tag}` differs from `{seen}` only in case"),
                    )
                    .with_hint(format!(
                        "write it `{seen}` as {} does: each tag is a page, and on case-insensitive file systems the two would overwrite each other",
                        repo.sources.get(other.meta.file).rel_path
                    )),
                );
            }
        }
    }
}
