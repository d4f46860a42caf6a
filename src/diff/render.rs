//! `diff` output: aligned text for the terminal, Markdown for a pull-request
//! comment, JSON (the schema of docs/diff.md).
//!
//! Text and Markdown share one layout: sections of rows of cells, built once
//! from [`Changes`] with the figures formatted as everywhere else (format.rs).

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use super::changes::{Changes, GradeKind, PaymentChangeKind, Sides};
use crate::format::{self, NULL};
use crate::metrics::kpi_def;
use crate::model::Team;

/// One side of the comparison as the user named it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    /// What was asked for: `HEAD`, `2023-10-31`, `working tree`.
    pub spec: String,
    /// The full commit id; `None` for the working tree.
    pub commit: Option<String>,
    /// Abbreviated commit id and subject line, for people.
    pub label: String,
}

struct Section {
    title: &'static str,
    headers: &'static [&'static str],
    rows: Vec<Vec<String>>,
}

fn or_null(s: Option<&str>) -> String {
    s.unwrap_or(NULL).to_string()
}

fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map_or(NULL.into(), |d| d.format("%Y-%m-%d").to_string())
}

/// An amount in the team's unit with its label: "50万".
fn money(x: Option<f64>, team: &Team) -> String {
    x.map_or(NULL.into(), |x| {
        format!("{}{}", format::amount(x, team), team.amount_unit_label)
    })
}

/// "a → b", or just "b" when both read the same.
fn moved(from: String, to: String) -> String {
    if from == to {
        to
    } else {
        format!("{from} → {to}")
    }
}

fn sections(c: &Changes, team: &Team) -> Vec<Section> {
    let mut leads = Vec::new();
    for l in &c.leads_added {
        leads.push(vec![
            l.id.clone(),
            l.company.clone(),
            format!(
                "new: {}, grade {}, acquired {}",
                l.status,
                l.grade,
                date(Some(l.acquired))
            ),
        ]);
    }
    for l in &c.lead_status {
        let mut text = format!("{} → {}", l.from, l.to);
        if let Some(r) = &l.reason {
            text = format!("{text}: {r}");
        }
        leads.push(vec![l.id.clone(), l.company.clone(), text]);
    }
    for g in &c.grades {
        let kind = match g.kind {
            GradeKind::Rules => "grade (rules)",
            GradeKind::Manual => "grade (manual)",
        };
        leads.push(vec![
            g.id.clone(),
            g.company.clone(),
            format!("{kind} {} → {}", or_null(g.from), or_null(g.to)),
        ]);
    }
    let customers = c
        .customers_added
        .iter()
        .map(|x| vec![x.id.clone(), x.name.clone(), "new".into()])
        .collect();
    let mut deals = Vec::new();
    for d in &c.deals_added {
        let what = match &d.title {
            Some(t) => format!("new: {t} ({})", d.customer),
            None => format!("new ({})", d.customer),
        };
        deals.push(vec![
            d.id.clone(),
            what,
            String::new(),
            money(d.amount, team),
        ]);
    }
    for d in &c.deal_status {
        let mut what = match (d.from, d.to) {
            (Some(from), "open") => format!("reopened ({from} → open)"),
            (_, to) => to.to_string(),
        };
        if let Some(r) = &d.lost_reason {
            what = format!("{what}: {r}");
        }
        deals.push(vec![
            d.deal.clone(),
            what,
            date(d.closed),
            money(d.amount, team),
        ]);
    }
    for a in &c.amounts {
        deals.push(vec![
            a.deal.clone(),
            "amount".into(),
            String::new(),
            format!("{} → {}", money(a.from, team), money(a.to, team)),
        ]);
    }
    let stages = c
        .stages_entered
        .iter()
        .map(|s| {
            let to = &s.to.name;
            let step = match &s.from {
                Some(from) => format!("{} → {to}", from.name),
                None => format!("→ {to}"),
            };
            vec![s.deal.clone(), step, date(Some(s.entered))]
        })
        .collect();
    let payments = c
        .payments
        .iter()
        .map(|p| {
            let amount = moved(money(p.amount.from, team), money(p.amount.to, team));
            let received = moved(date(p.received.from), date(p.received.to));
            let change = match p.change {
                PaymentChangeKind::Added => "added",
                PaymentChangeKind::Changed => "changed",
                PaymentChangeKind::Removed => "removed",
            };
            vec![
                p.deal.clone(),
                p.kind.to_string(),
                date(Some(p.due)),
                change.to_string(),
                amount,
                received,
            ]
        })
        .collect();
    let targets = c
        .targets
        .iter()
        .map(|t| {
            let def = kpi_def(&t.kpi);
            let name = def.map_or_else(|| t.kpi.clone(), |d| format::kpi_name(d, team));
            // An unknown KPI key (an error in the month file) shows as written.
            let value = |x: Option<f64>| match def {
                Some(d) => format::kpi_value(d, x, team),
                None => x.map_or(NULL.into(), format::plain),
            };
            vec![
                t.month.clone(),
                name,
                format!("{} → {}", value(t.from), value(t.to)),
            ]
        })
        .collect();
    let cases = c
        .cases_added
        .iter()
        .map(|x| {
            vec![
                x.id.clone(),
                x.title.clone(),
                x.result.to_string(),
                or_null(x.deal.as_deref()),
                date(Some(x.date)),
            ]
        })
        .collect();
    let removed = c
        .removed
        .iter()
        .map(|r| vec![r.kind.to_string(), r.id.clone()])
        .collect();
    let kpis = c
        .kpis
        .iter()
        .filter_map(|k| {
            let def = kpi_def(k.kpi)?;
            let value = |s: &Sides<Option<f64>>| {
                moved(
                    format::kpi_value(def, s.from, team),
                    format::kpi_value(def, s.to, team),
                )
            };
            let percent = |s: &Sides<Option<f64>>| {
                let p = |x: Option<f64>| x.map_or(NULL.into(), format::percent);
                moved(p(s.from), p(s.to))
            };
            Some(vec![
                k.month.clone(),
                format::kpi_name(def, team),
                value(&k.actual),
                value(&k.target),
                percent(&k.completion),
            ])
        })
        .collect();
    vec![
        Section {
            title: "Leads",
            headers: &["Lead", "Company", "Change"],
            rows: leads,
        },
        Section {
            title: "Customers",
            headers: &["Customer", "Name", "Change"],
            rows: customers,
        },
        Section {
            title: "Deals",
            headers: &["Deal", "Change", "Closed", "Amount"],
            rows: deals,
        },
        Section {
            title: "Stage moves",
            headers: &["Deal", "Stage", "Entered"],
            rows: stages,
        },
        Section {
            title: "Payments",
            headers: &["Deal", "Payment", "Due", "Change", "Amount", "Received"],
            rows: payments,
        },
        Section {
            title: "Targets",
            headers: &["Month", "KPI", "Target"],
            rows: targets,
        },
        Section {
            title: "Case reviews",
            headers: &["Case", "Title", "Result", "Deal", "Date"],
            rows: cases,
        },
        Section {
            title: "Removed",
            headers: &["Record", "Id"],
            rows: removed,
        },
        Section {
            title: "KPI changes",
            headers: &["Month", "KPI", "Actual", "Target", "Completion"],
            rows: kpis,
        },
    ]
    .into_iter()
    .filter(|s| !s.rows.is_empty())
    .collect()
}

/// The line about errors in either side's data; `None` when both are clean.
fn errors_line(c: &Changes) -> Option<String> {
    (c.errors.from > 0 || c.errors.to > 0).then(|| {
        format!(
            "The data has {} error(s) before and {} after; records that could not be read are left out of the comparison (`salesbook check` lists them).",
            c.errors.from, c.errors.to
        )
    })
}

/// Record text on one line: a newline in a title would break a row.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// For the terminal: one block per section, columns aligned (CJK counts
/// double width), headings bold when `color`.
pub fn human(c: &Changes, sides: &Sides<Side>, team: &Team, color: bool) -> String {
    let (bold, reset) = if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    let mut out = format!(
        "{bold}Changes from {} to {} (as of {}){reset}\n",
        one_line(&sides.from.label),
        one_line(&sides.to.label),
        c.as_of.format("%Y-%m-%d")
    );
    if let Some(line) = errors_line(c) {
        out += &format!("note: {line}\n");
    }
    let sections = sections(c, team);
    if sections.is_empty() {
        out += "\nNo changes in the pipeline.\n";
    }
    for s in sections {
        out += &format!("\n{bold}{}{reset}\n", s.title);
        let rows: Vec<Vec<String>> = s
            .rows
            .iter()
            .map(|r| r.iter().map(|c| one_line(c)).collect())
            .collect();
        let mut widths = vec![0; s.headers.len()];
        for r in &rows {
            for (w, cell) in widths.iter_mut().zip(r) {
                *w = (*w).max(cell.width());
            }
        }
        for r in &rows {
            let mut line = String::new();
            for (cell, w) in r.iter().zip(&widths) {
                line.push_str("  ");
                line.push_str(cell);
                line.push_str(&" ".repeat(w - cell.width()));
            }
            out += line.trim_end();
            out.push('\n');
        }
    }
    out
}

/// Escapes record text for a Markdown table cell: no formatting, links, HTML
/// or cell breaks can come from the data (record text is untrusted).
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in one_line(s).chars() {
        match ch {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '~' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(ch),
        }
    }
    out
}

/// For a pull-request comment: a heading, then one table per section.
pub fn markdown(c: &Changes, sides: &Sides<Side>, team: &Team) -> String {
    let mut out = format!(
        "## Pipeline changes: {} → {}\n\nAs of {}.\n",
        escape_markdown(&sides.from.label),
        escape_markdown(&sides.to.label),
        c.as_of.format("%Y-%m-%d")
    );
    if let Some(line) = errors_line(c) {
        out += &format!("\n> **Note:** {}\n", escape_markdown(&line));
    }
    let sections = sections(c, team);
    if sections.is_empty() {
        out += "\nNo changes in the pipeline.\n";
    }
    for s in sections {
        out += &format!("\n### {}\n\n", s.title);
        out += &format!("| {} |\n", s.headers.join(" | "));
        out += &format!("|{}\n", "---|".repeat(s.headers.len()));
        for r in &s.rows {
            let cells: Vec<String> = r.iter().map(|c| escape_markdown(c)).collect();
            out += &format!("| {} |\n", cells.join(" | "));
        }
    }
    out
}

#[derive(Serialize)]
struct Json<'a> {
    from: &'a Side,
    to: &'a Side,
    #[serde(flatten)]
    changes: &'a Changes,
}

/// The JSON document of docs/diff.md: raw values (yuan, fractions, ISO dates).
pub fn json(c: &Changes, sides: &Sides<Side>) -> String {
    let doc = Json {
        from: &sides.from,
        to: &sides.to,
        changes: c,
    };
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_record_text() {
        assert_eq!(
            escape_markdown("a|b *c* _d_ `e` <script>\nx & [l](u)"),
            r"a\|b \*c\* \_d\_ \`e\` &lt;script&gt; x &amp; \[l\](u)"
        );
        assert_eq!(escape_markdown("方案制定与呈现"), "方案制定与呈现");
    }
}
