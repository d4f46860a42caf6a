//! Anonymisation for `--audience shared` (SPEC §6): customer and person names
//! become neutral labels, contact data is removed.

use crate::confidential::Confidential;
use crate::personal::replace_found;

pub struct Anon<'b> {
    pub names: &'b Confidential,
}

impl<'b> Anon<'b> {
    pub fn new(names: &'b Confidential) -> Anon<'b> {
        Anon { names }
    }

    pub fn customer(&self, id: &str) -> String {
        self.names.customer(id).unwrap_or("—").to_string()
    }

    /// Replaces every confidential form and removes phone numbers and emails.
    pub fn text(&self, s: &str) -> String {
        self.names.replace(&replace_found(s, |_| REMOVED.into()))
    }

    /// As [`Anon::text`], for Markdown: the mark of removed contact data escaped.
    pub fn markdown(&self, s: &str) -> String {
        self.names
            .replace(&replace_found(s, |_| REMOVED.replace('*', "\\*")))
    }
}

/// What stands where contact data was removed.
pub const REMOVED: &str = "***";
