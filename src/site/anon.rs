//! Anonymisation for `--audience shared` (SPEC §6): customer and person names
//! become neutral labels, contact data is removed.

use std::collections::HashMap;

use crate::model::{Language, Repo};
use crate::personal::find_personal_data;

pub struct Anon {
    /// (name, label), longest name first.
    replacements: Vec<(String, String)>,
    /// Customer id → label.
    customers: HashMap<String, String>,
}

const SUFFIXES: [&str; 6] = [
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "集团公司",
    "公司",
];

fn letter(i: usize) -> String {
    let mut n = i;
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (n % 26) as u8) as char);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s
}

impl Anon {
    /// `order`: customer ids in the order their labels are handed out (the shared
    /// cases' customers first); every other customer and lead company follows.
    pub fn new(repo: &Repo, order: &[String]) -> Anon {
        let lang = repo.config().team.language;
        let label = |industry: &str, i: usize| match lang {
            Language::Zh => format!("{industry}客户{}", letter(i)),
            Language::En => format!("{industry} customer {}", letter(i)),
        };
        let mut ids: Vec<&str> = order.iter().map(String::as_str).collect();
        let listed: std::collections::HashSet<&str> = ids.iter().copied().collect();
        ids.extend(
            repo.customers
                .iter()
                .map(|c| c.meta.id.as_str())
                .filter(|id| !listed.contains(id)),
        );
        let by_id: HashMap<&str, &crate::model::Customer> = repo
            .customers
            .iter()
            .map(|c| (c.meta.id.as_str(), c))
            .collect();
        let mut replacements: Vec<(String, String)> = Vec::new();
        let mut customers = HashMap::new();
        let mut n = 0;
        let add_company = |name: &str, l: &str, reps: &mut Vec<(String, String)>| {
            reps.push((name.to_string(), l.to_string()));
            for suf in SUFFIXES {
                if let Some(short) = name.strip_suffix(suf)
                    && short.chars().count() >= 2
                {
                    reps.push((short.to_string(), l.to_string()));
                }
            }
        };
        for id in ids {
            let Some(&c) = by_id.get(id) else {
                continue;
            };
            let l = label(&c.industry, n);
            n += 1;
            add_company(&c.name, &l, &mut replacements);
            customers.insert(c.meta.id.clone(), l);
        }
        for lead in &repo.leads {
            if !replacements.iter().any(|(name, _)| *name == lead.company) {
                let l = label(&lead.industry, n);
                n += 1;
                add_company(&lead.company, &l, &mut replacements);
            }
        }
        let (contact, rep) = match lang {
            Language::Zh => ("客户联系人", "销售顾问"),
            Language::En => ("a contact", "a sales rep"),
        };
        let mut person = |name: &str, l: &str| {
            if name.chars().count() >= 2 {
                replacements.push((name.to_string(), l.to_string()));
            }
        };
        for c in &repo.customers {
            for d in &c.decision_makers {
                person(&d.name, contact);
            }
        }
        for l in &repo.leads {
            person(&l.contact.name, contact);
        }
        for o in &repo.config().owners {
            person(&o.name, rep);
        }
        replacements.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        replacements.dedup_by(|a, b| a.0 == b.0);
        Anon {
            replacements,
            customers,
        }
    }

    pub fn customer(&self, id: &str) -> String {
        self.customers
            .get(id)
            .cloned()
            .unwrap_or_else(|| "—".into())
    }

    /// Replaces every known name and removes phone numbers and emails.
    pub fn text(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        for r in find_personal_data(s) {
            out.push_str(&s[last..r.start]);
            out.push_str("***");
            last = r.end;
        }
        out.push_str(&s[last..]);
        // One pass, longest name first at each position, so labels are never re-replaced.
        let mut res = String::with_capacity(out.len());
        let mut i = 0;
        'outer: while i < out.len() {
            for (name, label) in &self.replacements {
                if out[i..].starts_with(name.as_str()) {
                    res.push_str(label);
                    i += name.len();
                    continue 'outer;
                }
            }
            let ch = out[i..].chars().next().unwrap_or(' ');
            res.push(ch);
            i += ch.len_utf8();
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::letter;

    #[test]
    fn letters() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
    }
}
