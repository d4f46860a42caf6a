//! Choosing the id of a new record: the next number of the leads' numbering,
//! ASCII slugs, and numbered fallbacks. Ids of one kind may not differ only in
//! case (a check rule), so "taken" compares without case.

use std::collections::{HashMap, HashSet};

/// Is `id` taken among `existing` (compared without case)?
pub fn is_taken<S: AsRef<str>>(existing: &[S], id: &str) -> bool {
    let id = id.to_lowercase();
    existing.iter().any(|e| e.as_ref().to_lowercase() == id)
}

/// Splits `LX012` into (`LX`, 12, width 3); `None` without a trailing number.
fn numbered(id: &str) -> Option<(&str, u64, usize)> {
    let digits = id.len() - id.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 18 {
        return None;
    }
    let (prefix, num) = id.split_at(id.len() - digits);
    Some((prefix, num.parse().ok()?, digits))
}

/// A numbering of ids, `prefix` + a zero-padded number (`LX001`, `customer-007`),
/// handing out free ids one after another.
pub struct Numbering {
    prefix: String,
    width: usize,
    next: u64,
    /// Ids in use, lowercased (ids of one kind may not differ only in case).
    taken: HashSet<String>,
}

impl Numbering {
    /// The dominant numbering of `existing` (the prefix most ids share, e.g. `LX`,
    /// and its usual width), continuing above its highest number; `default_prefix`
    /// from 1 when there is none.
    pub fn dominant<S: AsRef<str>>(existing: &[S], default_prefix: &str, width: usize) -> Self {
        // prefix → (count, max number, widths seen)
        let mut by_prefix: HashMap<&str, (usize, u64, HashMap<usize, usize>)> = HashMap::new();
        for id in existing {
            if let Some((prefix, n, w)) = numbered(id.as_ref()) {
                let e = by_prefix.entry(prefix).or_default();
                e.0 += 1;
                e.1 = e.1.max(n);
                *e.2.entry(w).or_default() += 1;
            }
        }
        let dominant = by_prefix
            .iter()
            .max_by(|a, b| (a.1.0, a.1.1, b.0).cmp(&(b.1.0, b.1.1, a.0)));
        let (prefix, next, width) = match dominant {
            Some((prefix, (_, max, widths))) => {
                let width = widths
                    .iter()
                    .max_by_key(|(w, count)| (**count, **w))
                    .map_or(width, |(w, _)| *w);
                (prefix.to_string(), max + 1, width)
            }
            None => (default_prefix.to_string(), 1, width),
        };
        Numbering {
            prefix,
            width,
            next,
            taken: lowercased(existing),
        }
    }

    /// The series `prefix-001`, `prefix-002`, … above the highest one in `existing`.
    pub fn series<S: AsRef<str>>(existing: &[S], prefix: &str) -> Self {
        let dash = format!("{prefix}-");
        let max = existing
            .iter()
            .filter_map(|id| {
                let rest = id.as_ref().strip_prefix(&dash)?;
                (!rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| rest.parse::<u64>().ok())
                    .flatten()
            })
            .max()
            .unwrap_or(0);
        Numbering {
            prefix: dash,
            width: 3,
            next: max + 1,
            taken: lowercased(existing),
        }
    }

    /// Marks an id as used (e.g. one given explicitly in an imported row).
    pub fn take(&mut self, id: &str) {
        self.taken.insert(id.to_lowercase());
    }

    /// `base` if free, else `base-2`, `base-3`, …; it counts as taken from then on.
    pub fn variant(&mut self, base: &str) -> String {
        let id = std::iter::once(base.to_string())
            .chain((2..).map(|n| format!("{base}-{n}")))
            .find(|id| !self.taken.contains(&id.to_lowercase()))
            .expect("an unbounded series has a free id");
        self.taken.insert(id.to_lowercase());
        id
    }

    /// A new customer's id, as `new` and `import` choose it: the ASCII slug of
    /// its name (`acme-corp`, then `acme-corp-2`), else the next number.
    pub fn slug_or_next(&mut self, name: &str) -> String {
        match ascii_slug(name) {
            Some(slug) => self.variant(&slug),
            None => self.next_id(),
        }
    }

    /// The next free id; it counts as taken from then on.
    pub fn next_id(&mut self) -> String {
        loop {
            let id = format!("{}{:0w$}", self.prefix, self.next, w = self.width);
            self.next += 1;
            if self.taken.insert(id.to_lowercase()) {
                return id;
            }
        }
    }
}

fn lowercased<S: AsRef<str>>(ids: &[S]) -> HashSet<String> {
    ids.iter().map(|id| id.as_ref().to_lowercase()).collect()
}

/// The next lead id (see [`Numbering::dominant`]).
pub fn next_numbered<S: AsRef<str>>(existing: &[S], default_prefix: &str, width: usize) -> String {
    Numbering::dominant(existing, default_prefix, width).next_id()
}

/// `prefix-001`, one more than the highest `prefix-NNN` among the existing ids.
pub fn next_in_series<S: AsRef<str>>(existing: &[S], prefix: &str) -> String {
    Numbering::series(existing, prefix).next_id()
}

/// An ASCII slug of `text` (`"Acme Corp."` → `acme-corp`); `None` when the text
/// is not ASCII (salesbook does not transliterate Chinese) or has no letter or digit.
pub fn ascii_slug(text: &str) -> Option<String> {
    if !text.is_ascii() {
        return None;
    }
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug: String = slug.chars().take(80).collect();
    (!slug.is_empty()).then(|| slug.trim_end_matches('-').to_string())
}

/// `base` if free, else `base-2`, `base-3`, …
pub fn free_variant<S: AsRef<str>>(existing: &[S], base: &str) -> String {
    if !is_taken(existing, base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !is_taken(existing, id))
        .expect("some suffix is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_numbering() {
        let none: [&str; 0] = [];
        assert_eq!(next_numbered(&none, "LX", 3), "LX001");
        assert_eq!(next_numbered(&["LX001"], "LX", 3), "LX002");
        assert_eq!(
            next_numbered(&["LX001", "LX210", "LX009"], "LX", 3),
            "LX211"
        );
        // The dominant prefix wins over a stray one with a higher number.
        assert_eq!(
            next_numbered(&["LX001", "LX002", "T900", "notes"], "LX", 3),
            "LX003"
        );
        assert_eq!(next_numbered(&["L-0007", "L-0008"], "LX", 3), "L-0009");
        assert_eq!(next_numbered(&["LX999"], "LX", 3), "LX1000");
        // Case-insensitive clash with an existing id is skipped.
        assert_eq!(next_numbered(&["lx002", "LX001", "LX1"], "LX", 3), "LX003");
    }

    #[test]
    fn numbering_hands_out_successive_free_ids() {
        let mut n = Numbering::dominant(&["LX001", "LX003"], "LX", 3);
        n.take("lx005");
        let ids: Vec<String> = (0..3).map(|_| n.next_id()).collect();
        assert_eq!(ids, ["LX004", "LX006", "LX007"]);
        let mut c = Numbering::series(&["customer-002"], "customer");
        assert_eq!(
            (c.next_id(), c.next_id()),
            ("customer-003".into(), "customer-004".into())
        );
    }

    #[test]
    fn series_and_slugs() {
        assert_eq!(next_in_series(&["a-tech"], "customer"), "customer-001");
        assert_eq!(
            next_in_series(&["customer-006", "customer-x"], "customer"),
            "customer-007"
        );
        assert_eq!(ascii_slug("Acme Corp."), Some("acme-corp".into()));
        assert_eq!(ascii_slug("  B&B  Hotels "), Some("b-b-hotels".into()));
        assert_eq!(ascii_slug("A科技"), None);
        assert_eq!(ascii_slug("--"), None);
        assert_eq!(free_variant(&["a-2023"], "a-2023"), "a-2023-2");
        assert_eq!(free_variant(&["a-2023"], "b-2023"), "b-2023");
    }
}
