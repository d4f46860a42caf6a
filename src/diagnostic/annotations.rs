//! Diagnostics for code review: GitHub workflow commands (`check --format
//! github`, shown on the pull request's lines) and a SARIF 2.1.0 log (`check
//! --format sarif`, for code-scanning uploads). Paths are the repository's
//! (`prefix` is the data folder's path inside it, `""` or `data/`), so an
//! annotation lands on the file the pull request changed.

use super::{Diagnostic, Severity, to_json};
use crate::source::Sources;

/// The message with its hint and notes, as the human form lists them.
fn full_message(d: &Diagnostic) -> String {
    let mut m = d.message.clone();
    if let Some(h) = &d.hint {
        m.push_str("\nhelp: ");
        m.push_str(h);
    }
    for n in &d.notes {
        m.push_str("\nnote: ");
        m.push_str(n);
    }
    m
}

/// One `::error file=…,line=…,col=…,title=<code>::message` line per diagnostic.
/// Escaped as GitHub's toolkit does: `%`, CR and LF in the message; also `:`
/// and `,` in property values.
pub fn github(diags: &[&Diagnostic], sources: &Sources, prefix: &str) -> String {
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let property = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for d in diags {
        let j = to_json(d, sources);
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out.push_str(&format!(
            "::{command} file={},line={},col={},title={}::{}\n",
            property(&format!("{prefix}{}", j.file)),
            j.line,
            j.column,
            property(d.code),
            data(&full_message(d))
        ));
    }
    out
}

/// A SARIF 2.1.0 log: one run, a rule per code that occurs, a result per
/// diagnostic with its file (a URI relative to the repository root), line and
/// column (in characters, as `columnKind` says).
pub fn sarif(diags: &[&Diagnostic], sources: &Sources, prefix: &str) -> serde_json::Value {
    let mut rules: Vec<&str> = Vec::new();
    let results: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let index = rules.iter().position(|r| *r == d.code).unwrap_or_else(|| {
                rules.push(d.code);
                rules.len() - 1
            });
            let j = to_json(d, sources);
            serde_json::json!({
                "ruleId": d.code,
                "ruleIndex": index,
                "level": match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                },
                "message": { "text": full_message(d) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": uri(&format!("{prefix}{}", j.file)),
                            "uriBaseId": "%SRCROOT%",
                        },
                        "region": { "startLine": j.line, "startColumn": j.column },
                    }
                }],
            })
        })
        .collect();
    let rules: Vec<serde_json::Value> = rules
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r,
                "name": r,
                "shortDescription": { "text": r },
                "helpUri": format!("{DOCS}#{r}"),
            })
        })
        .collect();
    serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "salesbook",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": DOCS,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// Where every code is explained.
const DOCS: &str = "https://github.com/salesbook/salesbook/blob/main/docs/diagnostics.md";

/// A relative path as a URI reference: unreserved characters and `/` as they
/// are, every other byte (spaces, Chinese file names) percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Sources};

    fn one(text: &str, rel: &str) -> (Sources, Vec<Diagnostic>) {
        let mut sources = Sources::default();
        let id = sources.add(SourceFile {
            rel_path: rel.into(),
            abs_path: rel.into(),
            text: text.into(),
        });
        let at = text.find("lisi").unwrap();
        let d = Diagnostic::error("unknown-owner", id, at..at + 4, "unknown owner `lisi`, 50%")
            .with_hint("owners are: zhangsan, wangwu");
        let w = Diagnostic::warning("stale", id, 0..1, "no activity for 40 days");
        (sources, vec![d, w])
    }

    #[test]
    fn github_commands_escape_their_values() {
        let (s, ds) = one(
            "id = \"x\"\nowner = \"lisi\"\n",
            "leads/2023-10/线索,1.toml",
        );
        let refs: Vec<&Diagnostic> = ds.iter().collect();
        assert_eq!(
            github(&refs, &s, "data/"),
            "::error file=data/leads/2023-10/线索%2C1.toml,line=2,col=10,title=unknown-owner::\
             unknown owner `lisi`, 50%25%0Ahelp: owners are: zhangsan, wangwu\n\
             ::warning file=data/leads/2023-10/线索%2C1.toml,line=1,col=1,title=stale::\
             no activity for 40 days\n"
        );
    }

    #[test]
    fn sarif_names_rules_and_places() {
        let (s, ds) = one("id = \"x\"\nowner = \"lisi\"\n", "leads/线索 1.toml");
        let refs: Vec<&Diagnostic> = ds.iter().collect();
        let log = sarif(&refs, &s, "");
        let run = &log["runs"][0];
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(run["tool"]["driver"]["rules"][1]["id"], "stale");
        let r = &run["results"][0];
        assert_eq!(r["ruleId"], "unknown-owner");
        assert_eq!(r["level"], "error");
        assert_eq!(run["results"][1]["ruleIndex"], 1);
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(
            loc["artifactLocation"]["uri"],
            "leads/%E7%BA%BF%E7%B4%A2%201.toml"
        );
        assert_eq!(loc["region"]["startLine"], 2);
        assert_eq!(loc["region"]["startColumn"], 10);
    }
}
