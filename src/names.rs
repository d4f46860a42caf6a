//! Names are accepted wherever ids are: `--owner 李四` → `lisi`, a 来源渠道 cell
//! `行业展会` → `trade_show`. An id matches first, then a name (exactly, then
//! without case); anything else is an error listing the choices. Used by `new`
//! and `import`.

use crate::model::Config;

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

/// What a name can name, for callers that choose at run time.
#[derive(Debug, Clone, Copy)]
pub enum Named {
    Owner,
    Channel,
    Stage,
}

/// Resolves an owner, channel or stage id or name to its id.
pub fn resolve(config: &Config, what: Named, input: &str) -> Result<String, String> {
    match what {
        Named::Owner => owner(config, input),
        Named::Channel => channel(config, input),
        Named::Stage => stage(config, input),
    }
}

/// Records by name, for names written the way people write them: (trimmed
/// name, id), sorted by name, so the names starting with a text are one run.
pub struct NameIndex<'a>(Vec<(&'a str, &'a str)>);

impl<'a> NameIndex<'a> {
    pub fn new(items: impl Iterator<Item = (&'a str, &'a str)>) -> Self {
        let mut v: Vec<(&str, &str)> = items.map(|(id, name)| (name.trim(), id)).collect();
        v.sort_unstable();
        NameIndex(v)
    }

    /// The records of exactly this name (trimmed); else those whose name starts
    /// with it (“A科技” finds “A科技有限公司”). In id order within a name.
    pub fn matches(&self, name: &str) -> Vec<String> {
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

    #[test]
    fn names_resolve_to_ids() {
        let mut config = Config::default();
        config.owners.push(crate::model::Owner {
            id: "lisi".into(),
            span: 0..0,
            name: "李四".into(),
            region: None,
            team: None,
        });
        assert_eq!(resolve(&config, Named::Owner, "李四"), Ok("lisi".into()));
        assert_eq!(resolve(&config, Named::Owner, "LiSi"), Ok("lisi".into()));
        assert_eq!(
            resolve(&config, Named::Channel, "行业展会"),
            Ok("trade_show".into())
        );
        assert_eq!(
            resolve(&config, Named::Stage, "方案制定与呈现"),
            Ok("proposal".into())
        );
        assert_eq!(
            resolve(&config, Named::Stage, "Negotiation & closing"),
            Ok("negotiation".into())
        );
        let e = resolve(&config, Named::Channel, "展销会").unwrap_err();
        assert!(
            e.contains("unknown channel `展销会`") && e.contains("trade_show (行业展会)"),
            "{e}"
        );
    }
}

#[cfg(test)]
mod name_index_tests {
    use super::NameIndex;

    #[test]
    fn exact_names_first_then_prefixes() {
        let names = NameIndex::new(
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
