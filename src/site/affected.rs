//! Which pages a change of a few records can alter (`serve`'s incremental
//! rebuild): every page built from all records (dashboard, months, stages,
//! the indexes, scorecards, quality, data), the changed records' own pages and
//! the pages of the records that show them. `tests/incremental.rs` checks the
//! result against a fresh build, byte for byte.
//!
//! What shows what (pages.rs): a deal page shows its customer's name, its
//! lead (stage history starts at the lead) and owners; a customer page its
//! deals, their figures and its lead; a lead-register month its leads and the
//! customers they became; a case page its deal's customer (industry, name); a
//! scorecard its owner's leads and deals (and stage owners' entry lags); the
//! customer list only customer records.

use std::collections::{BTreeSet, HashSet};

use crate::book::Book;
use crate::load::{Patch, Record};
use crate::model::YearMonth;

#[derive(Debug, Default)]
pub struct Affected {
    deals: HashSet<String>,
    customers: HashSet<String>,
    lead_months: HashSet<String>,
    all_lead_months: bool,
    cases: HashSet<String>,
    case_library: bool,
    owners: HashSet<String>,
    /// The customer list shows only customer records' own fields.
    customer_list: bool,
}

/// The months of the lead register (its pages link their neighbours, so one
/// coming or going changes those).
pub fn lead_months(book: &Book) -> BTreeSet<YearMonth> {
    book.repo
        .leads
        .iter()
        .zip(&book.metrics.leads)
        .filter(|(_, m)| m.exists)
        .map(|(l, _)| YearMonth::of(l.acquired.value))
        .collect()
}

/// A lead-register page's month.
fn month(day: chrono::NaiveDate) -> String {
    YearMonth::of(day).to_string()
}

impl Affected {
    /// `book` is patched already; `months_before` is [`lead_months`] of the book
    /// before the patch.
    pub fn new(book: &Book, patch: &Patch, months_before: &BTreeSet<YearMonth>) -> Affected {
        let repo = &book.repo;
        let mut a = Affected {
            all_lead_months: *months_before != lead_months(book),
            ..Affected::default()
        };
        let mut leads: HashSet<&str> = HashSet::new();
        for r in patch.before.iter().chain(&patch.after) {
            match r {
                Record::Lead(l) => {
                    leads.insert(&l.meta.id);
                    a.lead_months.insert(month(l.acquired.value));
                    a.owners.insert(l.owner.value.clone());
                }
                Record::Customer(c) => {
                    a.customer_list = true;
                    a.customers.insert(c.meta.id.clone());
                    if let Some(l) = &c.lead {
                        leads.insert(l);
                    }
                    for d in repo.deals.iter().filter(|d| *d.customer == c.meta.id) {
                        a.deals.insert(d.meta.id.clone());
                    }
                }
                Record::Deal(d) => {
                    a.deal_owners(d);
                    a.deals.insert(d.meta.id.clone());
                    a.customers.insert(d.customer.value.clone());
                    if let Some(l) = &d.lead {
                        leads.insert(l);
                    }
                }
                Record::Case(c) => {
                    a.cases.insert(c.meta.id.clone());
                    a.case_library = true;
                    // Deal and customer pages list their cases.
                    if let Some(d) = &c.deal {
                        a.deals.insert(d.value.clone());
                    }
                }
                Record::Month(_) => {}
            }
        }
        // The deals and customers a changed lead shows on.
        if !leads.is_empty() {
            for c in &repo.customers {
                if c.lead.as_ref().is_some_and(|l| leads.contains(l.as_str())) {
                    a.customers.insert(c.meta.id.clone());
                }
            }
            for d in &repo.deals {
                let lead = repo.deal_lead(&book.index, d).map(|l| l.meta.id.as_str());
                let named = d.lead.as_ref().map(|l| l.as_str());
                if lead.is_some_and(|l| leads.contains(l))
                    || named.is_some_and(|l| leads.contains(l))
                {
                    a.deals.insert(d.meta.id.clone());
                }
            }
        }
        // Customers show their deals; the register shows the customers leads
        // became; scorecards list their deals.
        let mut owners = Vec::new();
        for d in &a.deals {
            if let Some(&i) = book.index.deals.get(d) {
                let deal = &repo.deals[i];
                a.customers.insert(deal.customer.value.clone());
                if let Some(l) = repo.deal_lead(&book.index, deal) {
                    a.lead_months.insert(month(l.acquired.value));
                    // Its conversion counts for the lead's owner.
                    a.owners.insert(l.owner.value.clone());
                }
                owners.push(deal);
            }
        }
        for d in owners {
            a.deal_owners(d);
        }
        for c in &a.customers {
            if let Some(&i) = book.index.customers.get(c)
                && let Some(l) = &repo.customers[i].lead
                && let Some(&li) = book.index.leads.get(l.as_str())
            {
                a.lead_months.insert(month(repo.leads[li].acquired.value));
            }
        }
        // Case pages show their deal (and through it the customer).
        for c in &repo.cases {
            if c.deal
                .as_ref()
                .is_some_and(|d| a.deals.contains(d.as_str()))
            {
                a.cases.insert(c.meta.id.clone());
                a.case_library = true;
            }
        }
        a
    }

    /// A deal counts for its owner and, for entry lags, each stage's owner.
    fn deal_owners(&mut self, d: &crate::model::Deal) {
        self.owners.insert(d.owner.value.clone());
        for e in &d.stages {
            if let Some(o) = &e.owner {
                self.owners.insert(o.value.clone());
            }
        }
    }

    /// Whether the page (or file) at `rel`, relative to the site, is rebuilt.
    pub fn covers(&self, rel: &str) -> bool {
        let parts: Vec<&str> = rel.split('/').collect();
        match parts.as_slice() {
            ["404.html"] | ["static", ..] | [crate::site::MARKER] => false,
            ["leads", "index.html"] | ["deals", "index.html"] | ["deals", "page", ..] => true,
            ["customers", "index.html"] | ["customers", "page", ..] => self.customer_list,
            ["leads", month, ..] => self.all_lead_months || self.lead_months.contains(*month),
            ["customers", id, ..] => self.customers.contains(*id),
            ["deals", id, ..] => self.deals.contains(*id),
            ["cases", "index.html" | "search-index.js" | "atom.xml"]
            | ["cases", "tags" | "search" | "page", ..] => self.case_library,
            ["cases", id, ..] => self.cases.contains(*id),
            ["owners", "index.html"] => true,
            ["owners", id, ..] => self.owners.contains(*id),
            _ => true,
        }
    }

    /// Whether the case library is rebuilt at all (its search index needs every case).
    pub fn case_library(&self) -> bool {
        self.case_library
    }
}

#[cfg(test)]
mod tests {
    use super::Affected;

    #[test]
    fn the_lists_later_pages_follow_their_first() {
        let none = Affected::default();
        assert!(none.covers("deals/index.html") && none.covers("deals/page/2/index.html"));
        assert!(!none.covers("deals/a-tech-2023/index.html"));
        assert!(!none.covers("customers/page/2/index.html"));
        let customers = Affected {
            customer_list: true,
            ..Affected::default()
        };
        assert!(customers.covers("customers/page/3/index.html"));
    }
}
