//! Anonymisation for `--audience shared` (SPEC §6): customer and person names
//! become neutral labels, contact data is removed.

use crate::confidential::Confidential;
use crate::personal::find_personal_data;

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
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        for r in find_personal_data(s) {
            out.push_str(&s[last..r.start]);
            out.push_str("***");
            last = r.end;
        }
        out.push_str(&s[last..]);
        self.names.replace(&out)
    }
}
