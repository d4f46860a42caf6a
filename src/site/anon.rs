//! Anonymisation for `--audience shared` (SPEC §6): customer and person names
//! become neutral labels, contact data is removed.

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, MatchKind};

use crate::model::{Language, Repo};
use crate::personal::find_personal_data;

pub struct Anon {
    /// Every known name, matched leftmost-longest: at each position the longest
    /// name wins, and a label is never matched again.
    names: AhoCorasick,
    /// The label of `names`' pattern i.
    labels: Vec<String>,
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
        // A lead's company gets its own label unless some name already has it.
        let mut known: HashSet<String> = replacements.iter().map(|(n, _)| n.clone()).collect();
        for lead in &repo.leads {
            if !known.contains(&lead.company) {
                let l = label(&lead.industry, n);
                n += 1;
                let before = replacements.len();
                add_company(&lead.company, &l, &mut replacements);
                known.extend(replacements[before..].iter().map(|(n, _)| n.clone()));
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
        Anon::with(replacements, customers)
    }

    /// `replacements`: (name, label); the first label given to a name is the one it keeps.
    fn with(mut replacements: Vec<(String, String)>, customers: HashMap<String, String>) -> Anon {
        let mut seen = HashSet::new();
        replacements.retain(|(name, _)| !name.is_empty() && seen.insert(name.clone()));
        let (names, labels): (Vec<String>, Vec<String>) = replacements.into_iter().unzip();
        let names = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&names)
            .expect("names are far below the automaton's size limit");
        Anon {
            names,
            labels,
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
        let mut res = String::with_capacity(out.len());
        self.names.replace_all_with(&out, &mut res, |m, _, dst| {
            dst.push_str(&self.labels[m.pattern().as_usize()]);
            true
        });
        res
    }
}

#[cfg(test)]
mod tests {
    use super::{Anon, letter};
    use proptest::prelude::*;

    /// The rule spelled out: at each character, the longest name that starts there
    /// is replaced and the scan goes on after it.
    fn naive(reps: &[(String, String)], s: &str) -> String {
        let mut sorted: Vec<&(String, String)> = Vec::new();
        for r in reps {
            if !r.0.is_empty() && !sorted.iter().any(|k| k.0 == r.0) {
                sorted.push(r);
            }
        }
        sorted.sort_by_key(|r| std::cmp::Reverse(r.0.len()));
        let (mut out, mut i) = (String::new(), 0);
        'outer: while i < s.len() {
            for (name, label) in &sorted {
                if s[i..].starts_with(name.as_str()) {
                    out.push_str(label);
                    i += name.len();
                    continue 'outer;
                }
            }
            let ch = s[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
        out
    }

    fn reps(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, l)| (n.to_string(), l.to_string()))
            .collect()
    }

    #[test]
    fn longest_name_wins_and_labels_stay() {
        let r = reps(&[
            ("华东", "X"),
            ("华东精工有限公司", "制造客户A"),
            ("华东精工", "制造客户A"),
            ("张伟", "客户联系人"),
            ("客户", "never"),
            ("华东", "second label ignored"),
        ]);
        let anon = Anon::with(r, Default::default());
        assert_eq!(
            anon.text("华东精工有限公司的张伟和华东精工、华东的客户 张伟 13812345678"),
            "制造客户A的客户联系人和制造客户A、X的never 客户联系人 ***"
        );
    }

    proptest! {
        #[test]
        fn automaton_matches_the_rule(
            names in prop::collection::vec("[ab华东]{0,4}", 1..8),
            text in "[ab华东 ]{0,40}",
        ) {
            let r: Vec<(String, String)> =
                names.iter().enumerate().map(|(i, n)| (n.clone(), format!("<{i}>"))).collect();
            let anon = Anon::with(r.clone(), Default::default());
            prop_assert_eq!(anon.text(&text), naive(&r, &text));
        }
    }

    #[test]
    fn letters() {
        assert_eq!(letter(0), "A");
        assert_eq!(letter(25), "Z");
        assert_eq!(letter(26), "AA");
    }
}
