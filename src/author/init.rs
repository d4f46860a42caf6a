//! `salesbook init [DIR]`: a new data repository, ready to commit — the
//! configuration with the defaults written out, one example record of each kind
//! (dated around today so that it checks clean; the example month is last
//! month, so that `new month` starts this one), `.gitignore`, a pre-commit hook
//! and CI workflows (`--empty`: no example records), `.taplo.toml` and the record
//! schemas in `schemas/` for editors. The files are the templates in `templates/`.
//!
//! A non-empty folder is refused without `--force`; an existing file is never
//! overwritten, even with `--force` (it is reported as skipped).

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, NaiveDate};
use clap::Args;

use crate::model::YearMonth;

#[derive(Args, Debug, Clone)]
pub struct InitArgs {
    /// The folder to create (default: the --data folder, `data`)
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Write into a folder that is not empty (existing files are still never overwritten)
    #[arg(long)]
    pub force: bool,
    /// No example records: the configuration, hook and workflows only — for a
    /// team moving its records in with `salesbook import`
    #[arg(long)]
    pub empty: bool,
    /// Write `[process] since = DATE`: records from before it are history brought
    /// in from elsewhere, counted but not held to the process rules
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub since: Option<NaiveDate>,
}

/// Options of [`init`] beyond the folder.
#[derive(Debug, Clone, Copy, Default)]
pub struct InitOptions {
    /// Write into a folder that is not empty.
    pub force: bool,
    /// No example records.
    pub empty: bool,
    /// `[process] since`.
    pub since: Option<NaiveDate>,
}

/// One file of the skeleton: its path (may hold placeholders), its text, whether
/// placeholders are filled in, whether it is executable.
struct Template {
    path: &'static str,
    text: &'static str,
    render: bool,
    executable: bool,
}

const fn t(path: &'static str, text: &'static str, render: bool) -> Template {
    Template {
        path,
        text,
        render,
        executable: false,
    }
}

const TEMPLATES: &[Template] = &[
    t(
        "pipeline.toml",
        include_str!("templates/pipeline.toml"),
        false,
    ),
    t(
        "leads/LX001.toml",
        include_str!("templates/leads/LX001.toml"),
        true,
    ),
    t(
        "customers/huaxin-machinery.md",
        include_str!("templates/customers/huaxin-machinery.md"),
        true,
    ),
    t(
        "deals/huaxin-machinery-{{year}}.toml",
        include_str!("templates/deals/huaxin-machinery-{{year}}.toml"),
        true,
    ),
    t(
        "months/{{prev_month}}.md",
        include_str!("templates/months/{{prev_month}}.md"),
        true,
    ),
    t(
        "cases/ruitong-logistics-loss.md",
        include_str!("templates/cases/ruitong-logistics-loss.md"),
        true,
    ),
    t(".gitignore", include_str!("templates/gitignore"), false),
    t(".taplo.toml", include_str!("templates/taplo.toml"), false),
    t("README.md", include_str!("templates/README.md"), false),
    Template {
        path: "hooks/pre-commit",
        text: include_str!("templates/hooks/pre-commit"),
        render: false,
        executable: true,
    },
    t(
        ".github/workflows/salesbook.yml",
        include_str!("templates/github/salesbook.yml"),
        false,
    ),
    t(
        ".gitlab-ci.yml",
        include_str!("templates/gitlab-ci.yml"),
        false,
    ),
];

/// What `init` did.
#[derive(Debug, Default)]
pub struct InitReport {
    /// Paths relative to the folder, in the order written.
    pub written: Vec<String>,
    /// Files that existed already and were left as they were.
    pub skipped: Vec<String>,
}

/// Fills `{{today}}`, `{{d-7}}`, `{{d+45}}`, `{{month}}`, `{{year}}`,
/// `{{month_zh}}` (2024年6月) and `{{prev_month}}`, `{{prev_month_zh}}` (the
/// month before) for a repository created on `today`.
pub fn fill(text: &str, today: NaiveDate) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &after[..end];
        match value(name, today) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[start..start + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn value(name: &str, today: NaiveDate) -> Option<String> {
    Some(match name {
        "today" => today.to_string(),
        "month" => format!("{:04}-{:02}", today.year(), today.month()),
        "year" => today.year().to_string(),
        "month_zh" => format!("{}年{}月", today.year(), today.month()),
        "prev_month" => YearMonth::of(today).plus(-1).to_string(),
        "prev_month_zh" => {
            let p = YearMonth::of(today).plus(-1);
            format!("{}年{}月", p.year, p.month)
        }
        _ => {
            let days: i64 = name.strip_prefix('d')?.parse().ok()?;
            (today + Duration::days(days)).to_string()
        }
    })
}

/// Creates the repository in `dir` as of `today` (the team's date).
pub fn init(dir: &Path, opts: InitOptions, today: NaiveDate) -> Result<InitReport, String> {
    let InitOptions {
        force,
        empty,
        since,
    } = opts;
    if dir.exists() && !dir.is_dir() {
        return Err(format!("`{}` is a file, not a folder", dir.display()));
    }
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() && !force {
                return Err(format!(
                    "`{}` is not empty; nothing written (--force writes into it, never overwriting a file)",
                    dir.display()
                ));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("cannot read `{}`: {e}", dir.display())),
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;

    let mut report = InitReport::default();
    let example = |t: &Template| {
        ["leads/", "customers/", "deals/", "months/", "cases/"]
            .iter()
            .any(|folder| t.path.starts_with(folder))
    };
    for t in TEMPLATES.iter().filter(|t| !(empty && example(t))) {
        let rel = fill(t.path, today);
        let mut text = if t.render {
            fill(t.text, today)
        } else {
            t.text.to_string()
        };
        if let (Some(since), "pipeline.toml") = (since, t.path) {
            text = text.replacen(
                "# [process]\n# since = 2024-01-01 ",
                &format!("[process]\nsince = {since}   "),
                1,
            );
        }
        write_new(dir, rel, &text, t.executable, &mut report)?;
    }
    for (name, text) in crate::schema::all() {
        write_new(dir, format!("schemas/{name}"), &text, false, &mut report)?;
    }
    Ok(report)
}

/// Writes `dir/rel` unless something is there already (then it is skipped).
fn write_new(
    dir: &Path,
    rel: String,
    text: &str,
    executable: bool,
    report: &mut InitReport,
) -> Result<(), String> {
    let path = dir.join(&rel);
    if std::fs::symlink_metadata(&path).is_ok() {
        report.skipped.push(rel);
        return Ok(());
    }
    match create_new(&path, text, executable) {
        Ok(()) => report.written.push(rel),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => report.skipped.push(rel),
        Err(e) => return Err(format!("cannot write `{}`: {e}", path.display())),
    }
    Ok(())
}

/// Creates `path` with `text`; fails if it exists (never overwrites).
fn create_new(path: &Path, text: &str, executable: bool) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if executable { 0o755 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = executable;
    let mut f = options.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        let d = NaiveDate::from_ymd_opt(2024, 1, 3).unwrap();
        assert_eq!(
            fill(
                "a {{d-7}} {{today}} {{d+30}} {{month}} {{year}} {{month_zh}} {{prev_month}} {{prev_month_zh}}",
                d
            ),
            "a 2023-12-27 2024-01-03 2024-02-02 2024-01 2024 2024年1月 2023-12 2023年12月"
        );
        // Unknown names and GitHub expressions are left alone.
        assert_eq!(
            fill("${{ runner.os }} {{x}} {{", d),
            "${{ runner.os }} {{x}} {{"
        );
    }

    #[test]
    fn every_rendered_template_is_filled() {
        let d = NaiveDate::from_ymd_opt(2024, 6, 15).unwrap();
        for t in TEMPLATES.iter().filter(|t| t.render) {
            assert!(!fill(t.text, d).contains("{{"), "{}", t.path);
            assert!(!fill(t.path, d).contains("{{"), "{}", t.path);
        }
    }
}
