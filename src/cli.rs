//! The command line: argument parsing and the commands, kept thin over the library.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::book::Book;
use crate::diagnostic::{render_human, render_json, summary};

/// Exit codes: 0 clean (warnings allowed), 1 validation errors, 2 usage or I/O errors.
pub const EXIT_OK: i32 = 0;
pub const EXIT_INVALID: i32 = 1;
pub const EXIT_USAGE: i32 = 2;

#[derive(Parser, Debug)]
#[command(
    name = "salesbook",
    version,
    about = "Validate a sales pipeline kept as plain text, compute its KPIs and publish a review site."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command accepts, before or after the command name.
#[derive(Args, Debug, Clone)]
pub struct Global {
    /// The data folder (the one holding pipeline.toml)
    #[arg(long, global = true, value_name = "DIR", default_value = "data")]
    pub data: PathBuf,
    /// Report date (YYYY-MM-DD); default: `as_of` in pipeline.toml, else today
    #[arg(long, global = true, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Treat warnings as errors
    #[arg(long, global = true)]
    pub strict: bool,
    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Print errors only: no warnings, no summary
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate every record and report errors and warnings
    Check,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date like 2023-10-31"))
}

/// Parses the arguments, runs the command and returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    match cli.command {
        Command::Check => check(&cli.global),
    }
}

/// Loads and checks the data, prints the diagnostics; `Err(exit code)` on I/O failure.
fn load(global: &Global) -> Result<Book, i32> {
    let mut book = Book::load(&global.data, global.as_of).map_err(|e| {
        eprintln!("error: {e}");
        EXIT_USAGE
    })?;
    if global.strict {
        book.diagnostics.make_strict();
    }
    Ok(book)
}

/// Prints the diagnostics in the chosen format.
fn report_diagnostics(book: &Book, global: &Global) {
    let sources = &book.repo.sources;
    let shown = book
        .diagnostics
        .0
        .iter()
        .filter(|d| !global.quiet || d.severity == crate::diagnostic::Severity::Error);
    match global.format {
        Format::Json => {
            let mut out = std::io::stdout().lock();
            for d in shown {
                let _ = writeln!(out, "{}", render_json(d, sources));
            }
        }
        Format::Human => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let mut err = std::io::stderr().lock();
            for d in shown {
                let _ = writeln!(err, "{}\n", render_human(d, sources, color));
            }
            if !global.quiet {
                let _ = writeln!(err, "{}", summary(&book.diagnostics, sources.len()));
            }
        }
    }
}

fn check(global: &Global) -> i32 {
    let book = match load(global) {
        Ok(b) => b,
        Err(code) => return code,
    };
    report_diagnostics(&book, global);
    if book.diagnostics.errors() > 0 {
        EXIT_INVALID
    } else {
        EXIT_OK
    }
}
