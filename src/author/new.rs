//! `salesbook new lead|customer|deal|case|month`: one new record, filled from
//! options, names resolved to ids, validated by the real loader and the checks
//! (on the loaded repository plus the new record) before it is written
//! atomically. Never overwrites.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime, Timelike};
use clap::{Args, Subcommand};

use super::render::{self, CaseText, CustomerText, DealText, LeadText, MonthText};
use super::resolve;
use crate::diagnostic::{Severity, render_human};
use crate::ids;
use crate::model::Kind;
use crate::model::{Index, Repo, YearMonth};
use crate::names;

#[derive(Args, Debug, Clone)]
pub struct NewArgs {
    #[command(subcommand)]
    pub kind: NewKind,
    /// Print the record instead of writing it (it is still validated)
    #[arg(long, global = true)]
    pub dry_run: bool,
}

#[derive(Subcommand, Debug, Clone)]
pub enum NewKind {
    /// A lead (table 1); its id continues the leads' numbering (LX001, LX002, …)
    Lead(LeadArgs),
    /// A customer file (table 2)
    Customer(CustomerArgs),
    /// An open deal (table 3), in its first stage
    Deal(DealArgs),
    /// A case review for the case library
    Case(CaseArgs),
    /// A month file (table 4) with the previous month's targets
    Month(MonthArgs),
}

#[derive(Args, Debug, Clone)]
pub struct Common {
    /// The record's id (its file name); default: chosen as documented
    #[arg(long)]
    pub id: Option<String>,
    /// The record's date; default: --as-of, else today in the team's time zone
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
}

#[derive(Args, Debug, Clone)]
pub struct LeadArgs {
    /// 客户名称: the company
    #[arg(long)]
    pub company: String,
    /// 来源渠道: a channel id or name from pipeline.toml (行业展会 or trade_show)
    #[arg(long)]
    pub source: String,
    /// 负责人: an owner id or name from pipeline.toml
    #[arg(long)]
    pub owner: String,
    /// 行业 (default: a placeholder to fill in)
    #[arg(long)]
    pub industry: Option<String>,
    /// 联系人 name (default: a placeholder)
    #[arg(long)]
    pub contact: Option<String>,
    /// 职位: the contact's title (default: a placeholder)
    #[arg(long)]
    pub title: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    /// 需求标签, separated by 、 , or ，
    #[arg(long)]
    pub needs: Option<String>,
    #[arg(long)]
    pub region: Option<String>,
    #[arg(long, default_value = "new", value_parser = ["new", "contacted", "nurturing", "converted", "invalid"])]
    pub status: String,
    /// Required with --status invalid
    #[arg(long)]
    pub invalid_reason: Option<String>,
    /// When it was assigned to the owner (YYYY-MM-DDTHH:MM); default: now, when the date is today
    #[arg(long, value_name = "DATETIME", value_parser = parse_datetime)]
    pub assigned: Option<NaiveDateTime>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug, Clone)]
pub struct CustomerArgs {
    /// 客户名称 (default: the lead's company)
    #[arg(long)]
    pub name: Option<String>,
    /// An owner id or name (default: the lead's owner)
    #[arg(long)]
    pub owner: Option<String>,
    /// 行业 (default: the lead's, else a placeholder)
    #[arg(long)]
    pub industry: Option<String>,
    /// The lead it came from: a lead id or the lead's company name
    #[arg(long)]
    pub lead: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug, Clone)]
pub struct DealArgs {
    /// A customer id or name
    #[arg(long)]
    pub customer: String,
    /// An owner id or name (default: the customer's owner)
    #[arg(long)]
    pub owner: Option<String>,
    /// 商机名称
    #[arg(long)]
    pub title: Option<String>,
    /// Expected amount in yuan (500000, 500,000 or 50万)
    #[arg(long, value_parser = parse_amount)]
    pub amount: Option<f64>,
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub expected_close: Option<NaiveDate>,
    /// A lead id or company name (default: the customer's lead)
    #[arg(long)]
    pub lead: Option<String>,
    /// The first stage, an id or name (default: the first core stage)
    #[arg(long)]
    pub stage: Option<String>,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug, Clone)]
pub struct CaseArgs {
    #[arg(long)]
    pub title: String,
    #[arg(long, value_parser = ["success", "failure"])]
    pub result: String,
    /// A deal id
    #[arg(long)]
    pub deal: Option<String>,
    /// 行业 (default: the deal's customer's)
    #[arg(long)]
    pub industry: Option<String>,
    /// The stage of the decisive moment, an id or name
    #[arg(long)]
    pub stage: Option<String>,
    /// Tags, separated by 、 , or ，
    #[arg(long)]
    pub tags: Option<String>,
    /// An owner id or name (default: the deal's owner)
    #[arg(long)]
    pub author: Option<String>,
    /// May appear in the shared build
    #[arg(long)]
    pub shareable: bool,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args, Debug, Clone)]
pub struct MonthArgs {
    /// The month (default: the current month in the team's time zone)
    #[arg(value_name = "YYYY-MM", value_parser = parse_month)]
    pub month: Option<YearMonth>,
    /// A day in the month to create, when no month is given
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date like 2023-10-31"))
}

fn parse_datetime(s: &str) -> Result<NaiveDateTime, String> {
    ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .ok_or_else(|| format!("`{s}` is not a date-time like 2023-10-31T09:30"))
}

fn parse_month(s: &str) -> Result<YearMonth, String> {
    YearMonth::parse(s).ok_or_else(|| format!("`{s}` is not a month like 2023-10"))
}

/// `500000`, `500,000`, `500_000`, `50万`, `1.5万` → yuan.
pub fn parse_amount(s: &str) -> Result<f64, String> {
    let t: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | '，'))
        .collect();
    let (t, factor) = match t.strip_suffix("万元").or_else(|| t.strip_suffix('万')) {
        Some(n) => (n.trim().to_string(), 10_000.0),
        None => (t.strip_suffix('元').unwrap_or(&t).trim().to_string(), 1.0),
    };
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v * factor),
        _ => Err(format!(
            "`{s}` is not an amount like 500000 or 50万 (yuan, not negative)"
        )),
    }
}

/// Splits a list typed on the command line: 、 , ，; and ；.
fn split_list(s: &Option<String>) -> Vec<String> {
    s.as_deref()
        .unwrap_or("")
        .split(['、', ',', '，', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Why `new` stopped, with the exit code it means.
#[derive(Debug)]
pub enum NewError {
    /// Bad options, unknown names, an existing record, I/O: exit 2.
    Usage(String),
    /// The record would not pass validation (diagnostics printed): exit 1.
    Invalid(usize),
}

impl From<String> for NewError {
    fn from(s: String) -> Self {
        NewError::Usage(s)
    }
}

/// The record about to be written.
struct Draft {
    kind: Kind,
    id: String,
    text: String,
    /// Notes for the user (placeholders to fill in, …).
    notes: Vec<String>,
}

/// Runs `new`: loads `data`, builds the record, validates it and writes it.
/// Returns the path written (or that would be, with `--dry-run`).
pub fn run(data: &Path, as_of: Option<NaiveDate>, args: &NewArgs) -> Result<PathBuf, NewError> {
    if !data.join(crate::load::CONFIG_FILE).is_file() {
        return Err(NewError::Usage(format!(
            "no {} in `{}`: create a data repository with `salesbook init {}`, or pass --data DIR",
            crate::load::CONFIG_FILE,
            data.display(),
            data.display()
        )));
    }
    let (mut repo, _) = crate::load::load(data)
        .map_err(|e| NewError::Usage(format!("cannot read `{}`: {e}", data.display())))?;
    if repo.config.is_none() {
        return Err(NewError::Usage(format!(
            "{} cannot be used; fix it first (`salesbook check` shows why)",
            data.join(crate::load::CONFIG_FILE).display()
        )));
    }
    let tz = repo.config().team.timezone;
    let now = chrono::Utc::now().with_timezone(&tz).naive_local();
    let today = now.date();
    let date_of = |c: Option<NaiveDate>| c.or(as_of).unwrap_or(today);

    let date = match &args.kind {
        NewKind::Lead(a) => date_of(a.common.date),
        NewKind::Customer(a) => date_of(a.common.date),
        NewKind::Deal(a) => date_of(a.common.date),
        NewKind::Case(a) => date_of(a.common.date),
        NewKind::Month(a) => date_of(a.date),
    };
    let draft = match &args.kind {
        NewKind::Lead(a) => {
            // Assigned now when the lead is dated today; otherwise only when given.
            let assigned = a.assigned.or_else(|| {
                (date == today).then(|| now.with_second(0).and_then(|t| t.with_nanosecond(0)))?
            });
            lead(&repo, a, date, assigned)?
        }
        NewKind::Customer(a) => customer(&repo, a)?,
        NewKind::Deal(a) => deal(&repo, a, date)?,
        NewKind::Case(a) => case(&repo, a, date)?,
        NewKind::Month(a) => month(&repo, a, date)?,
    };

    if !crate::model::is_valid_id(&draft.id) {
        return Err(NewError::Usage(format!(
            "`{}` is not a valid id: 1–100 letters, digits, `-`, `_` or `.`, not starting with `.`",
            draft.id
        )));
    }
    if ids::is_taken(&existing_ids(&repo, draft.kind), &draft.id) {
        return Err(NewError::Usage(format!(
            "a {} with id `{}` already exists; nothing written{}",
            kind_name(draft.kind),
            draft.id,
            if draft.kind == Kind::Month {
                ""
            } else {
                " (choose another id with --id)"
            }
        )));
    }
    let rel = format!(
        "{}/{}.{}",
        draft.kind.folder(),
        draft.id,
        draft.kind.extension()
    );
    let path = data.join(&rel);
    if path.exists() {
        return Err(NewError::Usage(format!(
            "`{}` already exists; nothing written",
            path.display()
        )));
    }

    validate(&mut repo, data, &draft, &rel, date)?;

    if args.dry_run {
        print!("{}", draft.text);
    } else {
        super::write_new_file(&path, &draft.text)
            .map_err(|e| NewError::Usage(format!("cannot write `{}`: {e}", path.display())))?;
    }
    for n in &draft.notes {
        eprintln!("note: {n}");
    }
    Ok(path)
}

/// Parses the draft with the loader as if it were `rel`, runs every check on the
/// repository with it, and prints what concerns the new file. Errors stop here.
fn validate(
    repo: &mut Repo,
    data: &Path,
    draft: &Draft,
    rel: &str,
    date: NaiveDate,
) -> Result<(), NewError> {
    let (file, mut diags) =
        crate::load::add_record(repo, data, draft.kind, rel, draft.text.clone());
    let index = Index::new(repo);
    let metrics = crate::metrics::Metrics::compute(repo, &index, date);
    diags.extend(
        crate::check::check(repo, &index, &metrics)
            .0
            .into_iter()
            .filter(|d| d.file == file),
    );
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in &diags {
        eprintln!("{}\n", render_human(d, &repo.sources, color));
    }
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        eprintln!(
            "error: the new {} would not be valid; nothing written",
            kind_name(draft.kind)
        );
        return Err(NewError::Invalid(errors));
    }
    Ok(())
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Lead => "lead",
        Kind::Customer => "customer",
        Kind::Deal => "deal",
        Kind::Month => "month",
        Kind::Case => "case",
    }
}

/// Every id of a kind, records that failed to parse included.
fn existing_ids(repo: &Repo, kind: Kind) -> Vec<String> {
    let mut ids: Vec<String> = match kind {
        Kind::Lead => repo.leads.iter().map(|r| r.meta.id.clone()).collect(),
        Kind::Customer => repo.customers.iter().map(|r| r.meta.id.clone()).collect(),
        Kind::Deal => repo.deals.iter().map(|r| r.meta.id.clone()).collect(),
        Kind::Month => repo.months.iter().map(|r| r.meta.id.clone()).collect(),
        Kind::Case => repo.cases.iter().map(|r| r.meta.id.clone()).collect(),
    };
    ids.extend(
        repo.unparsed
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, id)| id.clone()),
    );
    ids
}

fn lead(
    repo: &Repo,
    a: &LeadArgs,
    date: NaiveDate,
    assigned: Option<NaiveDateTime>,
) -> Result<Draft, String> {
    let config = repo.config();
    // Both names are checked before reporting, so one run shows every mistake.
    let (source, owner) = match (
        names::channel(config, &a.source),
        names::owner(config, &a.owner),
    ) {
        (Ok(s), Ok(o)) => (s, o),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => return Err(e),
        (Err(e1), Err(e2)) => return Err(format!("{e1}\nerror: {e2}")),
    };
    let id = match &a.common.id {
        Some(id) => id.clone(),
        None => ids::next_numbered(&existing_ids(repo, Kind::Lead), "LX", 3),
    };
    let needs = split_list(&a.needs);
    let mut missing = Vec::new();
    for (given, what) in [
        (&a.industry, "industry (--industry)"),
        (&a.contact, "the contact's name (--contact)"),
        (&a.title, "the contact's title (--title)"),
    ] {
        if given.is_none() {
            missing.push(what);
        }
    }
    let language = config.team.language;
    let text = render::lead(&LeadText {
        id: &id,
        source: &source,
        acquired: date,
        company: a.company.trim(),
        industry: a.industry.as_deref(),
        contact_name: a.contact.as_deref(),
        contact_title: a.title.as_deref(),
        phone: a.phone.as_deref(),
        email: a.email.as_deref(),
        needs: &needs,
        owner: &owner,
        assigned,
        status: &a.status,
        invalid_reason: a.invalid_reason.as_deref(),
        region: a.region.as_deref(),
        language,
    });
    let notes = placeholder_note(&missing, language);
    Ok(Draft {
        kind: Kind::Lead,
        id,
        text,
        notes,
    })
}

fn placeholder_note(missing: &[&str], language: crate::model::Language) -> Vec<String> {
    if missing.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "written as \"{}\", to fill in: {}",
        render::placeholder(language),
        missing.join(", ")
    )]
}

fn customer(repo: &Repo, a: &CustomerArgs) -> Result<Draft, String> {
    let config = repo.config();
    let lead = match &a.lead {
        Some(l) => {
            let id = resolve::lead(repo, l)?;
            repo.leads.iter().find(|l| l.meta.id == id)
        }
        None => None,
    };
    let name = match (&a.name, lead) {
        (Some(n), _) => n.trim().to_string(),
        (None, Some(l)) => l.company.clone(),
        (None, None) => return Err("give the customer's name with --name (or --lead)".into()),
    };
    let owner = match (&a.owner, lead) {
        (Some(o), _) => names::owner(config, o)?,
        (None, Some(l)) => l.owner.value.clone(),
        (None, None) => {
            return Err(format!(
                "give the owner with --owner; the choices are: {}",
                names::owner_choices(config)
            ));
        }
    };
    let industry = a
        .industry
        .clone()
        .or_else(|| lead.map(|l| l.industry.clone()));
    let existing = existing_ids(repo, Kind::Customer);
    let id = match &a.common.id {
        Some(id) => id.clone(),
        None => ids::Numbering::series(&existing, "customer").slug_or_next(&name),
    };
    // The same name twice is most often the same customer entered again.
    let same_name: Vec<String> = repo
        .customers
        .iter()
        .filter(|c| c.name.trim() == name)
        .map(|c| repo.sources.get(c.meta.file).rel_path.clone())
        .collect();
    let language = config.team.language;
    let text = render::customer(&CustomerText {
        id: &id,
        name: &name,
        industry: industry.as_deref(),
        owner: &owner,
        lead: lead.map(|l| l.meta.id.as_str()),
        annual_revenue: lead.and_then(|l| l.annual_revenue),
        // The lead's contact as the first decision maker, unless still a placeholder.
        contact: lead
            .filter(|l| l.contact.name != render::placeholder(language))
            .map(|l| {
                (
                    l.contact.name.as_str(),
                    l.contact.title.as_str(),
                    l.contact.phone.as_ref().map(|p| p.value.as_str()),
                    l.contact.email.as_ref().map(|e| e.value.as_str()),
                )
            }),
        language,
    });
    let mut notes = placeholder_note(
        if industry.is_none() {
            &["industry (--industry)"]
        } else {
            &[]
        },
        language,
    );
    if !same_name.is_empty() {
        notes.push(format!(
            "a customer named `{name}` already exists ({}): if it is the same one, delete the new file",
            same_name.join(", ")
        ));
    }
    if a.common.id.is_none() && ids::ascii_slug(&name).is_none() {
        notes.push(format!(
            "the id `{id}` was numbered because the name is not ASCII; rename the file (and references) to choose another, or pass --id"
        ));
    }
    Ok(Draft {
        kind: Kind::Customer,
        id,
        text,
        notes,
    })
}

fn deal(repo: &Repo, a: &DealArgs, date: NaiveDate) -> Result<Draft, String> {
    use chrono::Datelike;
    let config = repo.config();
    let customer_id = resolve::customer(repo, &a.customer)?;
    let customer = repo
        .customers
        .iter()
        .find(|c| c.meta.id == customer_id)
        .ok_or_else(|| format!("customer `{customer_id}` could not be read"))?;
    let owner = match &a.owner {
        Some(o) => names::owner(config, o)?,
        None => customer.owner.value.clone(),
    };
    let lead = a
        .lead
        .as_deref()
        .map(|l| resolve::lead(repo, l))
        .transpose()?;
    let stage_id = match &a.stage {
        Some(s) => Some(names::stage(config, s)?),
        None => config
            .stages
            .iter()
            .find(|s| s.core)
            .or_else(|| config.stages.iter().find(|s| s.id != "lead"))
            .map(|s| s.id.clone()),
    };
    let outputs = stage_id
        .as_deref()
        .and_then(|id| config.stages.iter().find(|s| s.id == id))
        .map(|s| s.outputs.clone())
        .unwrap_or_default();
    let id = match &a.common.id {
        Some(id) => id.clone(),
        None => ids::free_variant(
            &existing_ids(repo, Kind::Deal),
            &format!("{customer_id}-{}", date.year()),
        ),
    };
    let text = render::deal(&DealText {
        id: &id,
        customer: &customer_id,
        customer_name: &customer.name,
        title: a.title.as_deref(),
        owner: &owner,
        lead: lead.as_deref(),
        amount: a.amount,
        expected_close: a.expected_close,
        stage: stage_id.as_deref().map(|s| (s, date, outputs.as_slice())),
        date,
    });
    Ok(Draft {
        kind: Kind::Deal,
        id,
        text,
        notes: Vec::new(),
    })
}

fn case(repo: &Repo, a: &CaseArgs, date: NaiveDate) -> Result<Draft, String> {
    let config = repo.config();
    let deal = match &a.deal {
        Some(d) => {
            let id = resolve::deal(repo, d)?;
            repo.deals.iter().find(|d| d.meta.id == id)
        }
        None => None,
    };
    let author = match (&a.author, deal) {
        (Some(o), _) => Some(names::owner(config, o)?),
        (None, Some(d)) => Some(d.owner.value.clone()),
        (None, None) => None,
    };
    let stage = a
        .stage
        .as_deref()
        .map(|s| names::stage(config, s))
        .transpose()?;
    let existing = existing_ids(repo, Kind::Case);
    let outcome = if a.result == "success" { "win" } else { "loss" };
    let id = match (&a.common.id, deal) {
        (Some(id), _) => id.clone(),
        (None, Some(d)) => ids::free_variant(&existing, &format!("{}-{outcome}", d.customer.value)),
        (None, None) => match ids::ascii_slug(&a.title) {
            Some(slug) => ids::free_variant(&existing, &slug),
            None => ids::next_in_series(&existing, "case"),
        },
    };
    let tags = split_list(&a.tags);
    let text = render::case(&CaseText {
        title: a.title.trim(),
        date,
        result: &a.result,
        deal: deal.map(|d| d.meta.id.as_str()),
        industry: a.industry.as_deref(),
        stage: stage.as_deref(),
        tags: &tags,
        author: author.as_deref(),
        shareable: a.shareable,
        language: config.team.language,
    });
    Ok(Draft {
        kind: Kind::Case,
        id,
        text,
        notes: Vec::new(),
    })
}

fn month(repo: &Repo, a: &MonthArgs, date: NaiveDate) -> Result<Draft, String> {
    let ym = a.month.unwrap_or_else(|| YearMonth::of(date));
    let id = ym.to_string();
    let previous = repo
        .months
        .iter()
        .filter(|m| m.month.is_some_and(|p| p < ym))
        .max_by_key(|m| m.month);
    let targets: Vec<(String, f64)> = previous
        .map(|m| {
            m.targets
                .iter()
                .map(|(k, v)| (k.value.clone(), *v))
                .collect()
        })
        .unwrap_or_default();
    let keys: Vec<&str> = crate::metrics::kpi::KPIS.iter().map(|k| k.key).collect();
    let text = render::month(&MonthText {
        month: &id,
        ym: (ym.year, ym.month),
        targets: &targets,
        from: previous.map(|m| m.meta.id.as_str()),
        kpi_keys: &keys,
        language: repo.config().team.language,
    });
    let notes = match previous {
        Some(p) => vec![format!("targets copied from {}", p.meta.id)],
        None => vec!["no earlier month to copy targets from: fill in [targets]".into()],
    };
    Ok(Draft {
        kind: Kind::Month,
        id,
        text,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::{parse_amount, split_list};

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("500000"), Ok(500000.0));
        assert_eq!(parse_amount("500,000"), Ok(500000.0));
        assert_eq!(parse_amount("50万"), Ok(500000.0));
        assert_eq!(parse_amount("1.5 万元"), Ok(15000.0));
        assert!(parse_amount("-1").is_err());
        assert!(parse_amount("abc").is_err());
    }

    #[test]
    fn lists() {
        assert_eq!(
            split_list(&Some("自动化升级、降本， 数据平台,".into())),
            vec!["自动化升级", "降本", "数据平台"]
        );
        assert!(split_list(&None).is_empty());
    }
}
