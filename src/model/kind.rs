//! The five record kinds and the id rule every record, owner, channel and
//! stage id follows (SPEC §2).

/// The five record folders and what they hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Lead,
    Customer,
    Deal,
    Month,
    Case,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Lead,
        Kind::Customer,
        Kind::Deal,
        Kind::Month,
        Kind::Case,
    ];

    pub fn folder(self) -> &'static str {
        match self {
            Kind::Lead => "leads",
            Kind::Customer => "customers",
            Kind::Deal => "deals",
            Kind::Month => "months",
            Kind::Case => "cases",
        }
    }

    /// Leads and deals are TOML; the others carry Markdown after front matter.
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Lead | Kind::Deal => "toml",
            Kind::Customer | Kind::Month | Kind::Case => "md",
        }
    }
}

/// Is `id` a valid record id (SPEC §2): 1–100 letters, digits, `-`, `_`, `.`, not starting with `.`.
pub fn is_valid_id(id: &str) -> bool {
    let len = id.chars().count();
    (1..=100).contains(&len)
        && !id.starts_with('.')
        && id.chars().all(|c| c.is_alphanumeric() || "-_.".contains(c))
}

#[cfg(test)]
mod tests {
    use super::is_valid_id;

    #[test]
    fn ids() {
        assert!(is_valid_id("LX001"));
        assert!(is_valid_id("a-tech-2023"));
        assert!(is_valid_id("客户_甲.v2"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id(".hidden"));
        assert!(!is_valid_id("a b"));
        assert!(!is_valid_id("a/b"));
        assert!(!is_valid_id("a\u{7}b"));
        assert!(!is_valid_id(&"x".repeat(101)));
    }
}
