//! The existing records, indexed once per import: files by id, names in sorted
//! order (exact and prefix matches by binary search), open deals by customer.
//! Every row looks up here, so an import is linear in its rows.

use std::collections::{HashMap, HashSet};

use crate::load::Kind;
use crate::model::{DealStatus, Repo};

pub struct Lookup<'a> {
    /// (kind, id) → the record's file, relative to the data folder.
    files: HashMap<(Kind, &'a str), &'a str>,
    ids: HashMap<Kind, HashSet<&'a str>>,
    customers: Names<'a>,
    lead_companies: Names<'a>,
    customer_index: HashMap<&'a str, usize>,
    lead_index: HashMap<&'a str, usize>,
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
            customers: Names::new(
                repo.customers
                    .iter()
                    .map(|c| (c.meta.id.as_str(), c.name.as_str())),
            ),
            lead_companies: Names::new(
                repo.leads
                    .iter()
                    .map(|l| (l.meta.id.as_str(), l.company.as_str())),
            ),
            customer_index: first(&mut repo.customers.iter().map(|c| c.meta.id.as_str())),
            lead_index: first(&mut repo.leads.iter().map(|l| l.meta.id.as_str())),
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

    /// Customers by name (see [`Names::matches`]).
    pub fn customers_named(&self, name: &str) -> Vec<String> {
        self.customers.matches(name)
    }

    /// Leads by company name (see [`Names::matches`]).
    pub fn leads_of_company(&self, name: &str) -> Vec<String> {
        self.lead_companies.matches(name)
    }

    pub fn open_deals(&self, customer: &str) -> &[&'a str] {
        self.open_deals.get(customer).map_or(&[], Vec::as_slice)
    }
}

/// (trimmed name, id), sorted by name: the names starting with a text are one run.
struct Names<'a>(Vec<(&'a str, &'a str)>);

impl<'a> Names<'a> {
    fn new(items: impl Iterator<Item = (&'a str, &'a str)>) -> Self {
        let mut v: Vec<(&str, &str)> = items.map(|(id, name)| (name.trim(), id)).collect();
        v.sort_unstable();
        Names(v)
    }

    /// The records of exactly this name (trimmed); else those whose name starts
    /// with it (“A科技” finds “A科技有限公司”). In id order within a name.
    fn matches(&self, name: &str) -> Vec<String> {
        let name = name.trim();
        let start = self.0.partition_point(|(n, _)| *n < name);
        let run = self.0[start..]
            .iter()
            .take_while(|(n, _)| n.starts_with(name));
        let exact: Vec<String> = run
            .clone()
            .take_while(|(n, _)| *n == name)
            .map(|(_, id)| id.to_string())
            .collect();
        if !exact.is_empty() {
            return exact;
        }
        run.map(|(_, id)| id.to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Names;

    #[test]
    fn exact_names_first_then_prefixes() {
        let names = Names::new(
            [
                ("c1", "A科技有限公司"),
                ("c2", " A科技 "),
                ("c3", "A科技集团"),
                ("c4", "B科技"),
                ("c5", "A"),
            ]
            .into_iter(),
        );
        assert_eq!(names.matches("A科技"), ["c2"]);
        assert_eq!(names.matches("A科技有"), ["c1"]);
        assert_eq!(names.matches("A科"), ["c2", "c1", "c3"]);
        assert_eq!(names.matches("A"), ["c5"]);
        assert!(names.matches("C").is_empty());
        assert!(names.matches("A科技有限公司X").is_empty());
    }
}
