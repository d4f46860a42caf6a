//! The typed record model: what a data repository holds once it is parsed.
//!
//! Records keep the spans of the values that later checks point at. Nothing here
//! does I/O; `load` builds these, `check` and `metrics` read them.

mod case;
mod config;
mod customer;
mod deal;
mod kind;
mod lead;
mod month;
mod time;

pub use case::*;
pub use config::*;
pub use customer::*;
pub use deal::*;
pub use kind::*;
pub use lead::*;
pub use month::*;
pub use time::*;

use std::collections::HashMap;

use crate::source::{FileId, Sources, Span};

/// Free-form `[extra]` fields, shown on a record's page as written.
pub type Extra = serde_json::Map<String, serde_json::Value>;

/// What every record has: its id (the file stem), its file and where it starts.
#[derive(Debug, Clone)]
pub struct Meta {
    pub id: String,
    pub file: FileId,
    /// The record as a whole: its first line (`+++` in Markdown files).
    pub span: Span,
}

/// A whole data repository.
#[derive(Debug, Default)]
pub struct Repo {
    pub sources: Sources,
    /// `None` when `pipeline.toml` is missing or unusable.
    pub config: Option<Config>,
    pub leads: Vec<Lead>,
    pub customers: Vec<Customer>,
    pub deals: Vec<Deal>,
    pub months: Vec<Month>,
    pub cases: Vec<Case>,
    /// Records whose file exists but could not be parsed: their ids still exist.
    pub unparsed: std::collections::HashSet<(Kind, String)>,
}

/// Lookups by id, built once after loading.
#[derive(Debug, Default)]
pub struct Index {
    pub leads: HashMap<String, usize>,
    pub customers: HashMap<String, usize>,
    pub deals: HashMap<String, usize>,
}

impl Index {
    pub fn new(repo: &Repo) -> Self {
        fn map<'a>(metas: impl Iterator<Item = &'a Meta>) -> HashMap<String, usize> {
            let mut m = HashMap::new();
            for (i, meta) in metas.enumerate() {
                // First record wins; duplicates are reported by `check`.
                m.entry(meta.id.clone()).or_insert(i);
            }
            m
        }
        Index {
            leads: map(repo.leads.iter().map(|r| &r.meta)),
            customers: map(repo.customers.iter().map(|r| &r.meta)),
            deals: map(repo.deals.iter().map(|r| &r.meta)),
        }
    }
}

impl Repo {
    pub fn config(&self) -> &Config {
        self.config.as_ref().unwrap_or(&FALLBACK_CONFIG)
    }

    /// The lead a deal comes from: its own `lead`, else its customer's.
    pub fn deal_lead<'a>(&'a self, index: &Index, deal: &'a Deal) -> Option<&'a Lead> {
        let id = match &deal.lead {
            Some(l) => l.value.as_str(),
            None => {
                let c = &self.customers[*index.customers.get(deal.customer.as_str())?];
                c.lead.as_ref()?.value.as_str()
            }
        };
        index.leads.get(id).map(|&i| &self.leads[i])
    }

    /// The day a deal's stage history starts: its first entry, or the implicit
    /// `lead` entry at the lead's acquisition (SPEC §2.4).
    pub fn deal_start(&self, index: &Index, deal: &Deal) -> Option<chrono::NaiveDate> {
        let first = deal.stages.first();
        match (first, self.deal_lead(index, deal)) {
            (Some(e), _) if *e.stage == "lead" => Some(*e.entered),
            (_, Some(lead)) => Some(*lead.acquired),
            (e, None) => e.map(|e| *e.entered),
        }
    }

    /// A deal that started before `[process] since`: history, exempt from the
    /// process rules (SPEC §2.1).
    pub fn is_history_deal(&self, index: &Index, deal: &Deal) -> bool {
        self.deal_start(index, deal)
            .is_some_and(|d| self.config().process.is_history(d))
    }

    /// A lead acquired before `[process] since`.
    pub fn is_history_lead(&self, lead: &Lead) -> bool {
        self.config().process.is_history(*lead.acquired)
    }
}

static FALLBACK_CONFIG: std::sync::LazyLock<Config> = std::sync::LazyLock::new(Config::default);
