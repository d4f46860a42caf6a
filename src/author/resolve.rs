//! Customers, leads and deals named by id or by name, for `new`. Owners,
//! channels and stages: [`crate::names`].

use crate::model::Repo;
use crate::names::NameIndex;

/// A customer by id or by name (the company name in its file).
pub fn customer(repo: &Repo, input: &str) -> Result<String, String> {
    let input = input.trim();
    if let Some(c) = repo.customers.iter().find(|c| c.meta.id == input) {
        return Ok(c.meta.id.clone());
    }
    // As import matches names: exactly, else the one name starting with it.
    let names = NameIndex::new(
        repo.customers
            .iter()
            .map(|c| (c.meta.id.as_str(), c.name.as_str())),
    );
    match names.matches(input).as_slice() {
        [id] => Ok(id.clone()),
        [] => Err(format!(
            "unknown customer `{input}`: give a customer id (the file name in customers/), its name or the start of it{}",
            hint(input, repo.customers.iter().map(|c| c.meta.id.as_str()))
        )),
        many => Err(format!(
            "`{input}` names several customers: {}; give the id",
            many.join(", ")
        )),
    }
}

/// A lead by id or by company name (the only lead of that company).
pub fn lead(repo: &Repo, input: &str) -> Result<String, String> {
    let input = input.trim();
    if let Some(l) = repo.leads.iter().find(|l| l.meta.id == input) {
        return Ok(l.meta.id.clone());
    }
    let by_name: Vec<_> = repo.leads.iter().filter(|l| l.company == input).collect();
    match by_name.as_slice() {
        [l] => Ok(l.meta.id.clone()),
        [] => Err(format!(
            "unknown lead `{input}`: give a lead id (the file name in leads/) or its company name{}",
            hint(input, repo.leads.iter().map(|l| l.meta.id.as_str()))
        )),
        many => Err(format!(
            "`{input}` is the company of several leads: {}; give the id",
            many.iter()
                .map(|l| l.meta.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// A deal by id.
pub fn deal(repo: &Repo, input: &str) -> Result<String, String> {
    let input = input.trim();
    match repo.deals.iter().find(|d| d.meta.id == input) {
        Some(d) => Ok(d.meta.id.clone()),
        None => Err(format!(
            "unknown deal `{input}`: give a deal id (the file name in deals/){}",
            hint(input, repo.deals.iter().map(|d| d.meta.id.as_str()))
        )),
    }
}

/// " (did you mean `x`?)" when an id is close, else nothing.
fn hint<'a>(input: &str, ids: impl Iterator<Item = &'a str>) -> String {
    crate::diagnostic::did_you_mean(input, ids).map_or_else(String::new, |h| format!(" ({h})"))
}
