//! `check --audience shared` (SPEC §6): the confidential forms that shareable
//! cases write, found at their source. A form the anonymiser will replace is a
//! warning (the shared site shows its neutral label there); a form written so
//! that the anonymiser cannot see it — behind an HTML character reference,
//! percent-encoding or an escape — is an error: the build would publish it.

use crate::confidential::Confidential;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Repo;
use crate::normal::{Normal, decode};

/// Front-matter keys that the shared site does not show as text (ids, dates,
/// enums): a customer's id in `deal = "…"` is no leak.
const NOT_SHOWN: &[&str] = &["deal", "author", "stage", "date", "result", "shareable"];

/// The case file's text with the lines of [`NOT_SHOWN`] keys and the `+++`
/// fences blanked (spaces keep every offset).
fn shown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut fences = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        let key = t.split(['=', ' ']).next().unwrap_or("");
        let in_front = fences < 2;
        let is_fence = in_front && t.trim_end() == "+++";
        if is_fence {
            fences += 1;
        }
        if is_fence || (in_front && NOT_SHOWN.contains(&key)) {
            out.extend(line.bytes().map(|b| if b == b'\n' { '\n' } else { ' ' }));
        } else {
            out.push_str(line);
        }
    }
    out
}

pub fn check(repo: &Repo, names: &Confidential, out: &mut Diagnostics) {
    for case in repo.cases.iter().filter(|c| c.shareable) {
        let file = case.meta.file;
        let text = shown_text(&repo.sources.get(file).text);
        let seen = names.find(&text);
        for h in &seen {
            let form = &names.forms[h.form];
            out.push(
                Diagnostic::warning(
                    "shared-name",
                    file,
                    h.start..h.end,
                    format!(
                        "`{}` names a confidential record ({}); the shared site shows `{}` here",
                        &text[h.start..h.end],
                        names.location(repo, h.form),
                        names.label(h)
                    ),
                )
                .with_hint(if form.kind == crate::confidential::Kind::Id {
                    "an id spells the customer; rephrase it, or leave it to the neutral label"
                        .to_string()
                } else {
                    "leave it to the neutral label, or rephrase if the sentence reads badly with it"
                        .to_string()
                }),
            );
        }
        let n = Normal::from_chars(decode(&text).into_iter(), text.len());
        for (r, form) in names.find_normal(&n) {
            let start = n.origin(r.start);
            if seen
                .iter()
                .any(|h| (h.start..h.end.max(h.start + 1)).contains(&start))
            {
                continue;
            }
            let end = n.origin(r.end).max(start + 1);
            out.push(
                Diagnostic::error(
                    "shared-leak",
                    file,
                    start..end,
                    format!(
                        "`{}` is written in a way the anonymiser cannot read (a character reference, percent-encoding or escape) and would reach the shared site; it names {}",
                        names.forms[form].norm,
                        names.location(repo, form)
                    ),
                )
                .with_hint("write the name in plain text so the shared build replaces it, or rephrase"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shown_text;

    #[test]
    fn ids_and_fences_are_blanked_offsets_kept() {
        let t = "+++\ntitle = \"润泽\"\ndeal = \"runze-2023\"\n+++\ndeal = body\n";
        let s = shown_text(t);
        assert_eq!(s.len(), t.len());
        assert!(
            s.contains("title = \"润泽\"") && !s.contains("runze") && s.contains("deal = body")
        );
    }
}
