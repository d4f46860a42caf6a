//! What the shared audience may not read (SPEC §6), as one set of forms matched
//! in one pass: every form of every customer's and lead's company name (derived
//! and declared `aliases`), person names (contacts, decision makers, owners),
//! deal titles, lead and customer ids, email addresses — and the phone numbers,
//! matched by their digits. The anonymiser replaces them (`site/anon.rs`), `check
//! --audience shared` finds them at their source (`check/shared.rs`) and the
//! shared build's last step scans every byte it wrote for them ([`scan`]).

pub mod derive;
pub mod scan;

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, Input, MatchKind};

use crate::model::{Language, Repo};
use crate::normal::{Normal, normalize};
use crate::source::FileId;

/// What a form names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Company,
    Alias,
    Person,
    DealTitle,
    Id,
    Email,
}

/// One confidential string, normalised, and the record it belongs to.
#[derive(Debug, Clone)]
pub struct Form {
    pub norm: String,
    pub kind: Kind,
    pub file: FileId,
    /// Byte offset of the value in its file (best effort: the record's start).
    pub at: usize,
    /// Index into [`Confidential::labels`].
    pub label: usize,
}

/// A form found in a text: the byte range in the original text and the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub form: usize,
}

/// A phone number of the repository, by its digits.
#[derive(Debug, Clone)]
pub struct Phone {
    pub digits: String,
    pub file: FileId,
    pub at: usize,
}

pub struct Confidential {
    pub forms: Vec<Form>,
    pub labels: Vec<String>,
    pub phones: Vec<Phone>,
    automaton: AhoCorasick,
    /// Customer id → label.
    customers: HashMap<String, usize>,
}

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

/// Where `value` is written in `file` (its first occurrence at or after the
/// record's start), else the record's start.
fn offset_of(repo: &Repo, file: FileId, from: usize, value: &str) -> usize {
    if file.0 as usize >= repo.sources.len() {
        return from; // a record made in memory (tests)
    }
    let text = &repo.sources.get(file).text;
    text.get(from..)
        .and_then(|t| t.find(value))
        .map_or(from, |i| from + i)
}

struct Builder<'r> {
    repo: &'r Repo,
    forms: Vec<Form>,
    labels: Vec<String>,
    seen: HashSet<String>,
}

impl Builder<'_> {
    fn label(&mut self, l: String) -> usize {
        self.labels.push(l);
        self.labels.len() - 1
    }
    /// The first record to claim a form keeps it (and its label).
    fn add(&mut self, norm: String, kind: Kind, file: FileId, at: usize, label: usize) {
        if norm.chars().count() >= 2 && self.seen.insert(norm.clone()) {
            self.forms.push(Form {
                norm,
                kind,
                file,
                at,
                label,
            });
        }
    }
    fn value(&mut self, value: &str, kind: Kind, file: FileId, from: usize, label: usize) {
        let at = offset_of(self.repo, file, from, value);
        self.add(normalize(value), kind, file, at, label);
    }
    fn company(&mut self, name: &str, city: Option<&str>, file: FileId, from: usize, label: usize) {
        let at = offset_of(self.repo, file, from, name);
        for f in derive::company_forms(name, city) {
            self.add(f, Kind::Company, file, at, label);
        }
    }
}

impl Confidential {
    /// `order`: customer ids in the order their labels are handed out (the shared
    /// cases' customers first, so their letters are stable and short); every
    /// other customer and lead company follows.
    pub fn new(repo: &Repo, order: &[String]) -> Confidential {
        let lang = repo.config().team.language;
        let company_label = |industry: &str, i: usize| match lang {
            Language::Zh => format!("{industry}客户{}", letter(i)),
            Language::En => format!("{industry} customer {}", letter(i)),
        };
        let (contact, rep, project, hidden) = match lang {
            Language::Zh => ("客户联系人", "销售顾问", "该项目", "***"),
            Language::En => ("a contact", "a sales rep", "the project", "***"),
        };
        let mut b = Builder {
            repo,
            forms: Vec::new(),
            labels: Vec::new(),
            seen: HashSet::new(),
        };
        let by_id: HashMap<&str, usize> = repo
            .customers
            .iter()
            .enumerate()
            .map(|(i, c)| (c.meta.id.as_str(), i))
            .collect();
        let mut ids: Vec<usize> = order
            .iter()
            .filter_map(|id| by_id.get(id.as_str()).copied())
            .collect();
        let listed: HashSet<usize> = ids.iter().copied().collect();
        ids.extend((0..repo.customers.len()).filter(|i| !listed.contains(i)));
        let mut customers = HashMap::new();
        let mut company_labels: HashMap<String, usize> = HashMap::new();
        let mut n = 0;
        // Full names, aliases and ids first: they win over a derived form of
        // another company that happens to spell the same.
        let mut derived = Vec::new();
        for &ci in &ids {
            if customers.contains_key(&repo.customers[ci].meta.id) {
                continue;
            }
            let c = &repo.customers[ci];
            let label = b.label(company_label(&c.industry, n));
            n += 1;
            let (file, from) = (c.meta.file, c.meta.span.start);
            b.value(&c.name, Kind::Company, file, from, label);
            for a in &c.aliases {
                b.value(a, Kind::Alias, file, from, label);
            }
            if derive::long_enough(&c.meta.id) {
                b.add(normalize(&c.meta.id), Kind::Id, file, from, label);
            }
            customers.insert(c.meta.id.clone(), label);
            company_labels.insert(normalize(&c.name), label);
            let city = c.extra.get("city").and_then(|v| v.as_str());
            derived.push((ci, city, label));
        }
        for (ci, city, label) in derived {
            let c = &repo.customers[ci];
            b.company(&c.name, city, c.meta.file, c.meta.span.start, label);
        }
        for l in &repo.leads {
            let key = normalize(&l.company);
            let (file, from) = (l.meta.file, l.meta.span.start);
            // A lead of a known company (most are: the customer it became)
            // adds no form but its id.
            let label = match company_labels.get(&key) {
                Some(&label) => label,
                None => {
                    let label = b.label(company_label(&l.industry, n));
                    n += 1;
                    company_labels.insert(key, label);
                    b.company(&l.company, None, file, from, label);
                    label
                }
            };
            if derive::long_enough(&l.meta.id) {
                b.add(normalize(&l.meta.id), Kind::Id, file, from, label);
            }
        }
        let contact = b.label(contact.into());
        let rep = b.label(rep.into());
        let project = b.label(project.into());
        let hidden = b.label(hidden.into());
        let mut phones = Vec::new();
        let mut personal = |b: &mut Builder,
                            name: &str,
                            phone: Option<&crate::source::Sp<String>>,
                            email: Option<&crate::source::Sp<String>>,
                            file: FileId,
                            from: usize| {
            // Names of 2 characters or more (`add` keeps no shorter form).
            b.value(name, Kind::Person, file, from, contact);
            if let Some(e) = email {
                b.add(normalize(e), Kind::Email, file, e.span.start, hidden);
            }
            if let Some(p) = phone {
                let digits: String = p.chars().filter(char::is_ascii_digit).collect();
                if digits.len() >= 6 {
                    phones.push(Phone {
                        digits,
                        file,
                        at: p.span.start,
                    });
                }
            }
        };
        for c in &repo.customers {
            for d in &c.decision_makers {
                personal(
                    &mut b,
                    &d.name,
                    d.phone.as_ref(),
                    d.email.as_ref(),
                    c.meta.file,
                    c.meta.span.start,
                );
            }
        }
        for l in &repo.leads {
            let ct = &l.contact;
            personal(
                &mut b,
                &ct.name,
                ct.phone.as_ref(),
                ct.email.as_ref(),
                l.meta.file,
                l.meta.span.start,
            );
        }
        let config_file = repo
            .sources
            .iter()
            .find(|(_, f)| f.rel_path == crate::load::CONFIG_FILE)
            .map_or(FileId(u32::MAX), |(file, _)| file);
        for o in &repo.config().owners {
            b.value(&o.name, Kind::Person, config_file, o.span.start, rep);
        }
        for d in &repo.deals {
            if let Some(t) = d.title.as_deref().filter(|t| derive::long_enough(t)) {
                b.value(t, Kind::DealTitle, d.meta.file, d.meta.span.start, project);
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(b.forms.iter().map(|f| f.norm.as_str()))
            .expect("forms are far below the automaton's size limit");
        Confidential {
            forms: b.forms,
            labels: b.labels,
            phones,
            automaton,
            customers,
        }
    }

    /// The forms for the shared audience: labels handed out to the shareable
    /// cases' customers first (A, B, … in case order), as the shared site and
    /// `check --audience shared` both name them.
    pub fn shared(repo: &Repo, index: &crate::model::Index) -> Confidential {
        let order: Vec<String> = repo
            .cases
            .iter()
            .filter(|c| c.shareable)
            .filter_map(|c| index.deals.get(c.deal.as_ref()?.as_str()))
            .map(|&di| repo.deals[di].customer.value.clone())
            .collect();
        Confidential::new(repo, &order)
    }

    /// The neutral label of a customer, by id.
    pub fn customer(&self, id: &str) -> Option<&str> {
        self.customers.get(id).map(|&l| self.labels[l].as_str())
    }

    pub fn label(&self, hit: &Hit) -> &str {
        &self.labels[self.forms[hit.form].label]
    }

    /// Every form in the normalised text `n`, leftmost-longest, in order; a
    /// form made of letters or digits at its edge matches only where the text
    /// does not go on with a letter or digit (`ace` is not in `place`).
    /// Ranges are in `n`'s normalised bytes.
    pub fn find_normal(&self, n: &Normal) -> Vec<(std::ops::Range<usize>, usize)> {
        let text = &n.text;
        let bytes = text.as_bytes();
        let word = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphanumeric);
        let mut out = Vec::new();
        let mut pos = 0;
        while pos < text.len() {
            let Some(m) = self.automaton.find(Input::new(text).span(pos..text.len())) else {
                break;
            };
            let (s, e) = (m.start(), m.end());
            let open_start = word(s) && s > 0 && word(s - 1) && !n.gap_before(s);
            let open_end = e > 0 && word(e - 1) && word(e) && !n.gap_before(e);
            if open_start || open_end {
                pos = s + text[s..].chars().next().map_or(1, char::len_utf8);
            } else {
                out.push((s..e, m.pattern().as_usize()));
                pos = e;
            }
        }
        out
    }

    /// Every form in `text`, with ranges in `text`.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let n = Normal::new(text);
        self.find_normal(&n)
            .into_iter()
            .map(|(r, form)| Hit {
                start: n.origin(r.start),
                end: n.end_of(r.end, text),
                form,
            })
            .collect()
    }

    /// `text` with every form replaced by its label.
    pub fn replace(&self, text: &str) -> String {
        let hits = self.find(text);
        if hits.is_empty() {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for h in &hits {
            out.push_str(&text[last..h.start]);
            out.push_str(self.label(h));
            last = h.end;
        }
        out.push_str(&text[last..]);
        out
    }

    /// `file:line` of the record a form belongs to.
    pub fn location(&self, repo: &Repo, form: usize) -> String {
        let f = &self.forms[form];
        locate(repo, f.file, f.at)
    }
}

/// An image URL that the browser would fetch from another host: with a scheme
/// (`https:`, `ftp:`, `data:` …) or protocol-relative (`//host/…`). Relative
/// paths stay on the site.
pub fn is_external(url: &str) -> bool {
    let url = url.trim_start();
    if url.starts_with("//") || url.starts_with("\\\\") {
        return true;
    }
    let end = url.find(['/', '?', '#']).unwrap_or(url.len());
    url[..end].contains(':')
}

/// `file:line` of a byte offset in a record's file.
pub fn locate(repo: &Repo, file: FileId, at: usize) -> String {
    if file.0 as usize >= repo.sources.len() {
        return format!("record {}", file.0);
    }
    let src = repo.sources.get(file);
    format!("{}:{}", src.rel_path, src.line_col(at).0)
}

#[cfg(test)]
mod tests;
