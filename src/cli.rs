//! The command line: argument parsing and the commands, kept thin over the library.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::book::Book;
use crate::diagnostic::{Severity, annotations, render_human, render_json, summary};
use crate::export::ExportFormat;
use crate::model::YearMonth;

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
    /// The data folder, holding pipeline.toml [default: `data`, or `.` when the
    /// current folder holds pipeline.toml and has no `data` folder]
    #[arg(long = "data", global = true, value_name = "DIR")]
    data_arg: Option<PathBuf>,
    /// The data folder in effect (see [`default_data_dir`]).
    #[arg(skip)]
    pub data: PathBuf,
    /// Report date (YYYY-MM-DD); default: `as_of` in pipeline.toml, else today
    #[arg(long, global = true, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// Read the data as committed at a revision (oid, tag, HEAD~N) or on a day
    /// (YYYY-MM-DD: the last commit on or before it); check/report/export/build
    #[arg(long, global = true, value_name = "REV|DATE")]
    pub at: Option<String>,
    /// Treat warnings as errors
    #[arg(long, global = true)]
    pub strict: bool,
    /// Output format: check human|json|github|sarif, build human|json (diagnostics), report human|json|csv, export json|csv|xlsx|sqlite, diff human|markdown|json
    #[arg(long, global = true, value_enum)]
    pub format: Option<Format>,
    /// Print errors only: no warnings, no summary
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Print how long each phase took (to stderr)
    #[arg(long, global = true)]
    pub timings: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Csv,
    Xlsx,
    /// One SQLite database, salesbook.sqlite (export only).
    Sqlite,
    /// For a pull-request comment (diff only).
    Markdown,
    /// GitHub workflow commands: annotations on the pull request's lines (check only).
    Github,
    /// A SARIF 2.1.0 log for code-scanning uploads (check only).
    Sarif,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Validate every record and report errors and warnings
    Check {
        /// shared: also find what the shareable cases name (confidential forms) at their source
        #[arg(long, value_enum, default_value = "team")]
        audience: AudienceArg,
    },
    /// Create a new data repository: pipeline.toml, example records, git hook, CI workflows
    Init(crate::author::InitArgs),
    /// Create one record from options, validated before it is written
    New(Box<crate::author::NewArgs>),
    /// Print a month's KPI table (table 4: target, actual, completion, YoY, MoM)
    Report {
        /// The month (YYYY-MM); default: the as-of month
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Option<YearMonth>,
    },
    /// What moved in the pipeline between two revisions [default: HEAD against the working tree]
    Diff {
        /// The old side: a revision (HEAD~3, a tag, a commit id) or a day YYYY-MM-DD [default: HEAD]
        #[arg(value_name = "FROM")]
        from: Option<String>,
        /// The new side, like FROM [default: the working tree]
        #[arg(value_name = "TO")]
        to: Option<String>,
    },
    /// Write kpis.json, deals.json, CSV tables (or an xlsx workbook)
    Export {
        /// Output folder
        #[arg(long, value_name = "DIR", default_value = "export")]
        out: PathBuf,
        /// Show phone numbers and emails unmasked in the lead table
        #[arg(long)]
        reveal_contacts: bool,
    },
    /// Write a JSON Schema per TOML record kind, for editor completion and checks (docs/schema.md)
    #[command(
        after_help = "Examples:\n  salesbook schema                  writes schemas/lead.schema.json, deal.schema.json, …\n  salesbook schema --out .schemas"
    )]
    Schema {
        /// Output folder
        #[arg(long, value_name = "DIR", default_value = "schemas")]
        out: PathBuf,
    },
    /// Write the static review site (validation runs first)
    Build {
        /// Output folder (replaced only when it is a salesbook site, or with --force)
        #[arg(long, value_name = "DIR", default_value = "site")]
        out: PathBuf,
        /// A theme folder overriding single files of the built-in theme
        #[arg(long, value_name = "DIR")]
        theme: Option<PathBuf>,
        /// team: everything; shared: the anonymised case library only
        #[arg(long, value_enum, default_value = "team")]
        audience: AudienceArg,
        /// Show phone numbers and emails unmasked
        #[arg(long)]
        reveal_contacts: bool,
        /// Absolute URL the site is served from; default: relative links (works from file://)
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Replace the output folder even when it is not a salesbook site: EVERYTHING IN IT
        /// IS DELETED (never a folder holding .git or other hidden files, nor home)
        #[arg(long)]
        force: bool,
    },
    /// Import the template's tables 1–3 or a deal table from CSV or xlsx into records (docs/import.md)
    Import {
        /// leads (table 1), customers (table 2), stages (table 3), deals (商机, a CRM export) or owners (a team roster)
        #[arg(value_enum)]
        table: ImportTable,
        /// A .csv (UTF-8) or .xlsx file whose first row holds the headers
        file: PathBuf,
        /// Write nothing; print what would happen
        #[arg(long)]
        dry_run: bool,
        /// Change existing records (only the imported values; the rest of the file is kept)
        #[arg(long)]
        update: bool,
        /// A TOML file naming other columns: [columns] field = "header", [defaults] field = "value"
        #[arg(long, value_name = "MAP.toml")]
        map: Option<PathBuf>,
        /// Import the valid rows and write the invalid ones, with their errors, to
        /// this CSV file (default: one invalid row stops the whole import)
        #[arg(long, value_name = "FILE.csv")]
        rejects: Option<PathBuf>,
        /// The xlsx sheet to read (default: the first)
        #[arg(long, value_name = "NAME")]
        sheet: Option<String>,
        /// A CSV file's encoding (default: detected — UTF-8, UTF-16 with BOM, else GBK/GB18030)
        #[arg(long, value_enum, value_name = "ENCODING")]
        encoding: Option<EncodingArg>,
    },
    /// Preview the site: build, serve on 127.0.0.1, rebuild and reload on every change
    #[cfg(feature = "serve")]
    Serve {
        /// Port (0: any free port; the address is printed on stdout)
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Address to listen on; anything but loopback exposes confidential data
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in a browser (xdg-open / open), best effort
        #[arg(long)]
        open: bool,
        /// A theme folder overriding single files of the built-in theme (watched too)
        #[arg(long, value_name = "DIR")]
        theme: Option<PathBuf>,
        /// team: everything; shared: the anonymised case library only
        #[arg(long, value_enum, default_value = "team")]
        audience: AudienceArg,
        /// Show phone numbers and emails unmasked
        #[arg(long)]
        reveal_contacts: bool,
    },
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportTable {
    Leads,
    Customers,
    Stages,
    Deals,
    /// A team roster (姓名, 编号, 区域, 团队) into pipeline.toml's [[owners]]
    Owners,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodingArg {
    #[value(name = "utf-8")]
    Utf8,
    #[value(name = "utf-16")]
    Utf16,
    Gbk,
    Gb18030,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudienceArg {
    Team,
    Shared,
}

fn parse_month(s: &str) -> Result<YearMonth, String> {
    YearMonth::parse(s).ok_or_else(|| format!("`{s}` is not a month like 2023-10"))
}

/// `data` — unless there is no such folder and the current folder is itself a
/// data repository (as `salesbook init .` makes it), then `.`.
fn default_data_dir() -> PathBuf {
    let data = PathBuf::from("data");
    if !data.is_dir() && std::path::Path::new(crate::load::CONFIG_FILE).is_file() {
        PathBuf::from(".")
    } else {
        data
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date like 2023-10-31"))?;
    // The same window as dates in the data: the figures run month by month.
    if !crate::load::plausible(date) {
        return Err(format!(
            "`{s}` is outside {} to {}",
            crate::load::FIRST_DATE,
            crate::load::LAST_DATE
        ));
    }
    Ok(date)
}

/// Parses the arguments, runs the command and returns the exit code.
pub fn main() -> i32 {
    let mut cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    cli.global.data = cli.global.data_arg.take().unwrap_or_else(default_data_dir);
    let global = &cli.global;
    let allowed: &[Format] = match cli.command {
        Command::Check { .. } => &[Format::Human, Format::Json, Format::Github, Format::Sarif],
        Command::Init(_) | Command::New(_) | Command::Schema { .. } => &[Format::Human],
        Command::Report { .. } => &[Format::Human, Format::Json, Format::Csv],
        Command::Diff { .. } => &[Format::Human, Format::Markdown, Format::Json],
        Command::Export { .. } => &[Format::Json, Format::Csv, Format::Xlsx, Format::Sqlite],
        Command::Build { .. } => &[Format::Human, Format::Json],
        Command::Import { .. } => &[Format::Human],
        #[cfg(feature = "serve")]
        Command::Serve { .. } => &[Format::Human],
    };
    if let Some(f) = global.format
        && !allowed.contains(&f)
    {
        let names: Vec<_> = allowed
            .iter()
            .map(|f| format!("{f:?}").to_lowercase())
            .collect();
        eprintln!(
            "error: this command's --format is one of: {}",
            names.join(", ")
        );
        return EXIT_USAGE;
    }
    if let (Some(at), Command::Diff { .. }) = (&global.at, &cli.command) {
        eprintln!(
            "error: `diff` takes its revisions as arguments: `salesbook diff {at}` compares {at} with the working tree, `salesbook diff {at} TO` with TO"
        );
        return EXIT_USAGE;
    }
    if let Some(at) = &global.at
        && !matches!(
            cli.command,
            Command::Check { .. }
                | Command::Report { .. }
                | Command::Export { .. }
                | Command::Build { .. }
        )
    {
        eprintln!(
            "error: `--at {at}` is for check, report, export and build (they read a past revision); this command works on the data folder as it is now"
        );
        return EXIT_USAGE;
    }
    match cli.command {
        Command::Check { audience } => check(global, audience == AudienceArg::Shared),
        Command::Init(ref args) => init(global, args),
        Command::Schema { ref out } => schema(global, out),
        Command::New(ref args) => new(global, args),
        Command::Report { month } => report(global, month),
        Command::Diff { ref from, ref to } => diff(global, from.as_deref(), to.as_deref()),
        Command::Export {
            ref out,
            reveal_contacts,
        } => export(global, out, reveal_contacts),
        Command::Build {
            out,
            theme,
            audience,
            reveal_contacts,
            base_url,
            force,
        } => {
            let opts = crate::site::Options {
                out,
                theme,
                audience: match audience {
                    AudienceArg::Team => crate::site::Audience::Team,
                    AudienceArg::Shared => crate::site::Audience::Shared,
                },
                reveal_contacts,
                base_url,
                force,
                commit: None,
            };
            build(global, &opts)
        }
        Command::Import {
            table,
            file,
            dry_run,
            update,
            map,
            sheet,
            encoding,
            rejects,
        } => import(
            global,
            crate::import::Options {
                table: match table {
                    ImportTable::Leads => crate::import::Table::Leads,
                    ImportTable::Customers => crate::import::Table::Customers,
                    ImportTable::Stages => crate::import::Table::Stages,
                    ImportTable::Deals => crate::import::Table::Deals,
                    ImportTable::Owners => crate::import::Table::Owners,
                },
                file,
                sheet,
                encoding: encoding.map(|e| match e {
                    EncodingArg::Utf8 => crate::import::sheet::Encoding::Utf8,
                    EncodingArg::Utf16 => crate::import::sheet::Encoding::Utf16,
                    EncodingArg::Gbk => crate::import::sheet::Encoding::Gbk,
                    EncodingArg::Gb18030 => crate::import::sheet::Encoding::Gb18030,
                }),
                map,
                update,
                dry_run,
                as_of: global.as_of,
                rejects,
            },
        ),
        #[cfg(feature = "serve")]
        Command::Serve {
            port,
            bind,
            open,
            theme,
            audience,
            reveal_contacts,
        } => serve(global, port, bind, open, theme, audience, reveal_contacts),
    }
}

#[cfg(feature = "serve")]
fn serve(
    global: &Global,
    port: u16,
    bind: std::net::IpAddr,
    open: bool,
    theme: Option<PathBuf>,
    audience: AudienceArg,
    reveal_contacts: bool,
) -> i32 {
    let cfg = crate::serve::Config {
        settings: crate::serve::build::Settings {
            data: global.data.clone(),
            as_of: global.as_of,
            strict: global.strict,
            theme,
            audience: match audience {
                AudienceArg::Team => crate::site::Audience::Team,
                AudienceArg::Shared => crate::site::Audience::Shared,
            },
            reveal_contacts,
        },
        bind,
        port,
        open,
        quiet: global.quiet,
        timings: global.timings,
    };
    match crate::serve::run(cfg) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
    }
}

/// Loads and checks the data (with the shared audience's rules when `shared`);
/// `Err(exit code)` on I/O failure.
fn load(global: &Global, shared: bool) -> Result<Book, i32> {
    let snapshot = match &global.at {
        None => crate::book::Snapshot::WorkTree,
        Some(spec) => {
            let tz = crate::load::team_timezone(&global.data);
            match crate::git::resolve(&global.data, spec, tz) {
                Ok(rev) => crate::book::Snapshot::Revision(rev),
                Err(e) => {
                    eprintln!("error: `--at {spec}`: {e}");
                    return Err(EXIT_USAGE);
                }
            }
        }
    };
    let mut book = Book::load_snapshot(&global.data, &snapshot, global.as_of).map_err(|e| {
        match &global.at {
            Some(spec) => eprintln!("error: `--at {spec}`: {e}"),
            None => eprintln!("error: {e}"),
        }
        EXIT_USAGE
    })?;
    if shared {
        let found = crate::check::shared(&book.repo, book.shared_names());
        book.diagnostics.extend(found.0);
        book.diagnostics.sort(&book.repo.sources);
    }
    if global.strict {
        book.diagnostics.make_strict();
    }
    if !global.quiet {
        for note in &book.notes {
            eprintln!("note: {note}");
        }
    }
    if global.timings {
        for (phase, took) in &book.timings {
            eprintln!("timing: {phase:<8} {:>8.2} ms", took.as_secs_f64() * 1000.0);
        }
    }
    Ok(book)
}

/// The data folder's path inside its repository (`data/`, or `""` at the
/// root), so review annotations name files as the pull request does: the
/// nearest folder above holding `.git`, else the current folder.
fn repository_prefix(data: &Path) -> String {
    let Ok(data) = data.canonicalize() else {
        return String::new();
    };
    let root = data
        .ancestors()
        .find(|a| a.join(".git").exists())
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok()?.canonicalize().ok());
    let Some(inside) = root.as_deref().and_then(|r| data.strip_prefix(r).ok()) else {
        return String::new();
    };
    let parts: Vec<String> = inside
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.iter().map(|p| format!("{p}/")).collect()
}

/// Prints the diagnostics in the chosen format.
fn report_diagnostics(book: &Book, global: &Global) {
    let sources = &book.repo.sources;
    let shown = book
        .diagnostics
        .0
        .iter()
        .filter(|d| !global.quiet || d.severity == Severity::Error);
    match global.format.unwrap_or(Format::Human) {
        Format::Json => {
            let mut out = std::io::stdout().lock();
            for d in shown {
                let _ = writeln!(out, "{}", render_json(d, sources));
            }
        }
        Format::Github => {
            let shown: Vec<_> = shown.collect();
            let prefix = repository_prefix(&global.data);
            print!("{}", annotations::github(&shown, sources, &prefix));
        }
        Format::Sarif => {
            let shown: Vec<_> = shown.collect();
            let prefix = repository_prefix(&global.data);
            println!("{:#}", annotations::sarif(&shown, sources, &prefix));
        }
        _ => {
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

fn check(global: &Global, shared: bool) -> i32 {
    let book = match load(global, shared) {
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

/// For commands that compute: data errors are printed and stop the command;
/// warnings are only counted, `check` shows them.
fn load_valid(global: &Global, shared: bool) -> Result<Book, i32> {
    let book = load(global, shared)?;
    let errors = book.diagnostics.errors();
    if errors > 0 {
        let quiet = Global {
            quiet: true,
            format: None,
            ..global.clone()
        };
        report_diagnostics(&book, &quiet);
        eprintln!(
            "error: the data has {errors} error(s); fix them first (`salesbook check` lists everything)"
        );
        return Err(EXIT_INVALID);
    }
    let warnings = book.diagnostics.warnings();
    if warnings > 0 && !global.quiet {
        eprintln!("note: {warnings} warning(s) in the data; `salesbook check` lists them");
    }
    Ok(book)
}

fn report(global: &Global, month: Option<YearMonth>) -> i32 {
    let book = match load_valid(global, false) {
        Ok(b) => b,
        Err(code) => return code,
    };
    if book.metrics.months.is_empty() {
        // Not an error: a new repository has nothing to report yet.
        let note = "no figures yet: the data has no dated records (a lead, stage entry, \
                    closing, payment, visit or month with targets)";
        match global.format.unwrap_or(Format::Human) {
            Format::Human => println!("{note}"),
            _ if !global.quiet => eprintln!("note: {note}"),
            _ => {}
        }
        return EXIT_OK;
    }
    let month = month.unwrap_or_else(|| book.metrics.as_of.month());
    let Some(kpis) = book.metrics.month(month) else {
        let range = match (book.metrics.months.first(), book.metrics.months.last()) {
            (Some(a), Some(b)) => format!("the data covers {a} to {b}"),
            _ => "the data has no dated records".to_string(),
        };
        eprintln!("error: no figures for {month}: {range}");
        return EXIT_USAGE;
    };
    let team = &book.repo.config().team;
    let text = match global.format.unwrap_or(Format::Human) {
        Format::Json => crate::report::render_json(kpis) + "\n",
        Format::Csv => crate::report::render_csv(kpis, team),
        _ => crate::report::render_text(kpis, team),
    };
    print!("{text}");
    EXIT_OK
}

/// `diff`: both sides loaded for one as-of date (the new side's), compared,
/// printed. Differences are not errors (exit 0); git errors exit 2.
fn diff(global: &Global, from: Option<&str>, to: Option<&str>) -> i32 {
    use crate::book::Snapshot;
    use crate::diff::render::{self, Side};
    let dir = &global.data;
    let tz = crate::load::team_timezone(dir);
    let resolve = |spec: &str| {
        crate::git::resolve(dir, spec, tz).map_err(|e| {
            eprintln!(
                "error: cannot read `{spec}`: {e}\n\
                 hint: `salesbook diff [FROM] [TO]` compares the data folder at FROM (default HEAD) \
                 with TO (default the working tree); each is a revision git knows (HEAD~1, a tag, \
                 a commit id) or a day YYYY-MM-DD (the last commit on or before it)"
            );
            EXIT_USAGE
        })
    };
    let side = |spec: &str, rev: &crate::git::Revision| Side {
        spec: spec.to_string(),
        commit: Some(rev.oid.clone()),
        label: format!("{spec} ({} {})", rev.short, rev.summary),
    };
    let from_spec = from.unwrap_or("HEAD");
    let old_rev = match resolve(from_spec) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let (new_snapshot, new_side) = match to {
        None => (
            Snapshot::WorkTree,
            Side {
                spec: "working tree".into(),
                commit: None,
                label: "the working tree".into(),
            },
        ),
        Some(spec) => match resolve(spec) {
            Ok(rev) => {
                let s = side(spec, &rev);
                (Snapshot::Revision(rev), s)
            }
            Err(code) => return code,
        },
    };
    let sides = crate::diff::changes::Sides {
        from: side(from_spec, &old_rev),
        to: new_side,
    };
    // The new side decides the as-of date and the old side is computed for the
    // same one, so only edits to the data show, not the passing of time.
    let old_snapshot = Snapshot::Revision(old_rev);
    let (old, new) = match crate::diff::load_sides(dir, &old_snapshot, &new_snapshot, global.as_of)
    {
        Ok(books) => books,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    if global.timings {
        for (side, book) in [("old", &old), ("new", &new)] {
            for (phase, took) in &book.timings {
                let ms = took.as_secs_f64() * 1000.0;
                eprintln!("timing: {side} {phase:<13} {ms:>8.2} ms");
            }
        }
    }
    let changes = crate::diff::changes(&old, &new);
    let team = &new.repo.config().team;
    let text = match global.format.unwrap_or(Format::Human) {
        Format::Json => render::json(&changes, &sides),
        Format::Markdown => render::markdown(&changes, &sides, team),
        _ => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            render::human(&changes, &sides, team, color)
        }
    };
    print!("{text}");
    EXIT_OK
}

fn export(global: &Global, out: &std::path::Path, reveal_contacts: bool) -> i32 {
    let mut book = match load_valid(global, false) {
        Ok(b) => b,
        Err(code) => return code,
    };
    book.release_texts();
    let format = match global.format {
        None => ExportFormat::All,
        Some(Format::Json) => ExportFormat::Json,
        Some(Format::Csv) => ExportFormat::Csv,
        Some(Format::Sqlite) => ExportFormat::Sqlite,
        Some(_) => ExportFormat::Xlsx,
    };
    // The commit the data is read at (`--at`), else the work tree's HEAD.
    let commit = match &book.snapshot {
        crate::book::Snapshot::Revision(r) => Some(r.oid.clone()),
        crate::book::Snapshot::WorkTree => crate::git::head(&global.data).map(|r| r.oid),
    };
    match crate::export::write_to(
        out,
        &global.data,
        &book.repo,
        &book.index,
        &book.metrics,
        format,
        reveal_contacts,
        commit.as_deref(),
    ) {
        Ok(files) => {
            if !global.quiet {
                eprintln!(
                    "wrote {} file(s) to {}: {}",
                    files.len(),
                    out.display(),
                    files.join(", ")
                );
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
    }
}

fn build(global: &Global, opts: &crate::site::Options) -> i32 {
    let shared = opts.audience == crate::site::Audience::Shared;
    let mut book = match load_valid(global, shared) {
        Ok(b) => b,
        Err(code) => return code,
    };
    if !shared {
        // The shared build's leak report names records by file and line.
        book.release_texts();
    }
    let start = std::time::Instant::now();
    match crate::site::build(&book, &global.data, opts) {
        Ok(written) => {
            let files = written.files.len();
            if global.timings {
                let ms = start.elapsed().as_secs_f64() * 1000.0;
                eprintln!("timing: site     {ms:>8.2} ms");
                for (part, files, took) in &written.sections {
                    let ms = took.as_secs_f64() * 1000.0;
                    eprintln!("timing:   {part:<10} {ms:>8.2} ms  {files:>6} files");
                }
            }
            if !global.quiet {
                eprintln!(
                    "wrote {files} file(s) to {} in {} ms",
                    opts.out.display(),
                    start.elapsed().as_millis()
                );
            }
            EXIT_OK
        }
        Err(e @ crate::site::BuildError::Leak(_)) => {
            eprintln!("error: {e}");
            EXIT_INVALID
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
    }
}

fn import(global: &Global, opts: crate::import::Options) -> i32 {
    match crate::import::run(&global.data, &opts) {
        Ok(summary) => {
            if !global.quiet {
                for note in &summary.notes {
                    eprintln!("note: {note}");
                }
                print!("{}", summary.render());
                if summary.warnings > 0 {
                    eprintln!(
                        "note: the import brings {} new warning(s); `salesbook check` lists them",
                        summary.warnings
                    );
                }
            }
            EXIT_OK
        }
        Err(crate::import::Failure::Usage(e)) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
        Err(crate::import::Failure::Invalid(errors)) => {
            for g in crate::import::group(&errors) {
                eprintln!("error: {g}");
            }
            eprintln!(
                "error: {} problem(s) in {}; nothing was written",
                errors.len(),
                opts.file.display()
            );
            EXIT_INVALID
        }
    }
}

fn init(global: &Global, args: &crate::author::InitArgs) -> i32 {
    let dir = args.dir.clone().unwrap_or_else(|| global.data.clone());
    // The new pipeline.toml's time zone.
    let today = global
        .as_of
        .unwrap_or_else(|| crate::author::today(chrono_tz::Asia::Shanghai));
    match crate::author::init(
        &dir,
        crate::author::InitOptions {
            force: args.force,
            empty: args.empty,
            since: args.since,
        },
        today,
    ) {
        Ok(report) => {
            for f in &report.skipped {
                eprintln!(
                    "skipped {}: it exists (never overwritten)",
                    dir.join(f).display()
                );
            }
            if !global.quiet {
                eprintln!(
                    "wrote {} file(s) to {}\nnext: cd {} && git init && git config core.hooksPath hooks, then `salesbook --data . check`",
                    report.written.len(),
                    dir.display(),
                    dir.display()
                );
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
    }
}

fn schema(global: &Global, out: &std::path::Path) -> i32 {
    match crate::schema::write(out) {
        Ok(written) => {
            if !global.quiet {
                for path in &written {
                    eprintln!("wrote {}", path.display());
                }
            }
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: cannot write schemas to `{}`: {e}", out.display());
            EXIT_USAGE
        }
    }
}

fn new(global: &Global, args: &crate::author::NewArgs) -> i32 {
    match crate::author::new::run(&global.data, global.as_of, args) {
        Ok(path) if args.dry_run => {
            eprintln!(
                "would write {} (--dry-run: nothing written)",
                path.display()
            );
            EXIT_OK
        }
        Ok(path) => {
            println!("{}", path.display());
            EXIT_OK
        }
        Err(crate::author::new::NewError::Usage(e)) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
        Err(crate::author::new::NewError::Invalid(_)) => EXIT_INVALID,
    }
}
