//! The existing records, indexed once per import: files by id, names in sorted
//! order (exact and prefix matches by binary search), open deals by customer.
//! Every row looks up here, so an import is linear in its rows.

use std::collections::{HashMap, HashSet};

use crate::model::Kind;
use crate::model::{DealStatus, Repo};
use crate::names::NameIndex;

pub struct Lookup<'a> {
    /// (kind, id) → the record's file, relative to the data folder.
    files: HashMap<(Kind, &'a str), &'a str>,
    ids: HashMap<Kind, HashSet<&'a str>>,
    customers: NameIndex<'a>,
    lead_companies: NameIndex<'a>,
    customer_index: HashMap<&'a str, usize>,
    lead_index: HashMap<&'a str, usize>,
    deal_index: HashMap<&'a str, usize>,
    open_deals: HashMap<&'a str, Vec<&'a str>>,
}

impl<'a> Lookup<'a> {
    pub fn new(repo: &'a Repo) -> Self {
        let mut files = HashMap::new();
        for (_, f) in repo.sources.iter() {
            let rel = f.rel_path.as_str();
            let Some((folder, rest)) = rel.split_once('/') else {
                continue;
            };
            let Some(kind) = Kind::ALL.into_iter().find(|k| k.folder() == folder) else {
                continue;
            };
            let name = rest.rsplit('/').next().unwrap_or(rest);
            if let Some(id) = name.strip_suffix(&format!(".{}", kind.extension())) {
                // The first file wins, as the loader's index does.
                files.entry((kind, id)).or_insert(rel);
            }
        }
        let mut ids: HashMap<Kind, HashSet<&str>> = HashMap::new();
        let metas = repo
            .leads
            .iter()
            .map(|r| (Kind::Lead, r.meta.id.as_str()))
            .chain(
                repo.customers
                    .iter()
                    .map(|r| (Kind::Customer, r.meta.id.as_str())),
            )
            .chain(repo.deals.iter().map(|r| (Kind::Deal, r.meta.id.as_str())))
            .chain(repo.unparsed.iter().map(|(k, id)| (*k, id.as_str())));
        for (kind, id) in metas {
            ids.entry(kind).or_default().insert(id);
        }
        let mut open_deals: HashMap<&str, Vec<&str>> = HashMap::new();
        for d in repo
            .deals
            .iter()
            .filter(|d| d.status.value == DealStatus::Open)
        {
            open_deals
                .entry(d.customer.value.as_str())
                .or_default()
                .push(d.meta.id.as_str());
        }
        let first = |ids: &mut dyn Iterator<Item = &'a str>| {
            let mut m = HashMap::new();
            for (i, id) in ids.enumerate() {
                m.entry(id).or_insert(i);
            }
            m
        };
        Lookup {
            files,
            ids,
            customers: NameIndex::new(
                repo.customers
                    .iter()
                    .map(|c| (c.meta.id.as_str(), c.name.as_str())),
            ),
            lead_companies: NameIndex::new(
                repo.leads
                    .iter()
                    .map(|l| (l.meta.id.as_str(), l.company.as_str())),
            ),
            customer_index: first(&mut repo.customers.iter().map(|c| c.meta.id.as_str())),
            lead_index: first(&mut repo.leads.iter().map(|l| l.meta.id.as_str())),
            deal_index: first(&mut repo.deals.iter().map(|d| d.meta.id.as_str())),
            open_deals,
        }
    }

    /// The record file of `kind` with id `id`, if there is one (sub-folders included).
    pub fn file(&self, kind: Kind, id: &str) -> Option<String> {
        self.files.get(&(kind, id)).map(|rel| rel.to_string())
    }

    /// Whether a record of `kind` has this id (parsed or not).
    pub fn exists(&self, kind: Kind, id: &str) -> bool {
        self.ids.get(&kind).is_some_and(|ids| ids.contains(id))
    }

    /// The ids of `kind` in use.
    pub fn ids(&self, kind: Kind) -> Vec<String> {
        self.ids
            .get(&kind)
            .map(|ids| ids.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default()
    }

    pub fn customer(&self, id: &str) -> Option<usize> {
        self.customer_index.get(id).copied()
    }

    pub fn lead(&self, id: &str) -> Option<usize> {
        self.lead_index.get(id).copied()
    }

    /// The index of the deal in `repo.deals`.
    pub fn deal(&self, id: &str) -> Option<usize> {
        self.deal_index.get(id).copied()
    }

    /// Customers by name (see [`NameIndex::matches`]).
    pub fn customers_named(&self, name: &str) -> Vec<String> {
        self.customers.matches(name)
    }

    /// Leads by company name (see [`NameIndex::matches`]).
    pub fn leads_of_company(&self, name: &str) -> Vec<String> {
        self.lead_companies.matches(name)
    }

    pub fn open_deals(&self, customer: &str) -> &[&'a str] {
        self.open_deals.get(customer).map_or(&[], Vec::as_slice)
    }
}
