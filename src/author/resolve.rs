//! Names are accepted wherever ids are: `--owner 李四` → `lisi`,
//! `--source 行业展会` → `trade_show`. An id matches first, then a name (exactly,
//! then without case); anything else is an error listing the choices.

use crate::model::{Config, Repo};

/// Finds `input` among `(id, name)` pairs; `what` names the kind in the error.
pub fn pick<'a>(
    input: &str,
    choices: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    what: &str,
) -> Result<String, String> {
    let input = input.trim();
    let found = choices
        .clone()
        .find(|(id, _)| *id == input)
        .or_else(|| choices.clone().find(|(_, name)| *name == input))
        .or_else(|| {
            let lower = input.to_lowercase();
            let mut matches = choices
                .clone()
                .filter(|(id, name)| id.to_lowercase() == lower || name.to_lowercase() == lower);
            let first = matches.next();
            // Ambiguous without case: no guess.
            first.filter(|_| matches.next().is_none())
        });
    match found {
        Some((id, _)) => Ok(id.to_string()),
        None => {
            let list: Vec<String> = choices.map(|(id, name)| format!("{id} ({name})")).collect();
            Err(if list.is_empty() {
                format!("unknown {what} `{input}`: there are none yet")
            } else {
                format!(
                    "unknown {what} `{input}`; the choices are: {}",
                    list.join(", ")
                )
            })
        }
    }
}

pub fn owner(config: &Config, input: &str) -> Result<String, String> {
    pick(
        input,
        config
            .owners
            .iter()
            .map(|o| (o.id.as_str(), o.name.as_str())),
        "owner",
    )
}

/// The owners as `id (name)`, for messages.
pub fn owner_choices(config: &Config) -> String {
    config
        .owners
        .iter()
        .map(|o| format!("{} ({})", o.id, o.name))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn channel(config: &Config, input: &str) -> Result<String, String> {
    pick(
        input,
        config
            .channels
            .iter()
            .map(|c| (c.id.as_str(), c.name.as_str())),
        "channel",
    )
}

pub fn stage(config: &Config, input: &str) -> Result<String, String> {
    fn en(s: &crate::model::StageDef) -> &str {
        s.name_en.as_deref().unwrap_or(s.name.as_str())
    }
    pick(
        input,
        config
            .stages
            .iter()
            .map(|s| (s.id.as_str(), s.name.as_str()))
            .chain(config.stages.iter().map(|s| (s.id.as_str(), en(s)))),
        "stage",
    )
    .map_err(|_| {
        let list: Vec<String> = config
            .stages
            .iter()
            .map(|s| format!("{} ({})", s.id, s.name))
            .collect();
        format!(
            "unknown stage `{}`; the choices are: {}",
            input.trim(),
            list.join(", ")
        )
    })
}

/// A customer by id or by name (the company name in its file).
pub fn customer(repo: &Repo, input: &str) -> Result<String, String> {
    let input = input.trim();
    if let Some(c) = repo.customers.iter().find(|c| c.meta.id == input) {
        return Ok(c.meta.id.clone());
    }
    let by_name: Vec<_> = repo.customers.iter().filter(|c| c.name == input).collect();
    match by_name.as_slice() {
        [c] => Ok(c.meta.id.clone()),
        [] => Err(format!(
            "unknown customer `{input}`: give a customer id (the file name in customers/) or its exact name{}",
            did_you_mean(input, repo.customers.iter().map(|c| c.meta.id.as_str()))
        )),
        many => Err(format!(
            "`{input}` is the name of several customers: {}; give the id",
            many.iter()
                .map(|c| c.meta.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
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
            did_you_mean(input, repo.leads.iter().map(|l| l.meta.id.as_str()))
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
            did_you_mean(input, repo.deals.iter().map(|d| d.meta.id.as_str()))
        )),
    }
}

fn did_you_mean<'a>(input: &str, ids: impl Iterator<Item = &'a str>) -> String {
    let best = ids
        .map(|id| (strsim::jaro_winkler(input, id), id))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    best.map_or_else(String::new, |(_, id)| format!(" (did you mean `{id}`?)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        let mut c = Config::default();
        c.owners.push(crate::model::Owner {
            id: "lisi".into(),
            span: 0..0,
            name: "李四".into(),
            region: None,
            team: None,
        });
        c
    }

    #[test]
    fn names_and_ids() {
        let c = config();
        assert_eq!(owner(&c, "李四").unwrap(), "lisi");
        assert_eq!(owner(&c, "lisi").unwrap(), "lisi");
        assert_eq!(owner(&c, "LiSi").unwrap(), "lisi");
        let err = owner(&c, "张三").unwrap_err();
        assert!(
            err.contains("unknown owner `张三`") && err.contains("lisi (李四)"),
            "{err}"
        );
        assert_eq!(channel(&c, "行业展会").unwrap(), "trade_show");
        assert_eq!(channel(&c, "webinar").unwrap(), "webinar");
        assert!(
            channel(&c, "展会")
                .unwrap_err()
                .contains("trade_show (行业展会)")
        );
        assert_eq!(stage(&c, "方案制定与呈现").unwrap(), "proposal");
        assert_eq!(stage(&c, "Negotiation & closing").unwrap(), "negotiation");
        assert!(
            stage(&c, "x")
                .unwrap_err()
                .contains("nurture (客户深度培育)")
        );
    }
}
