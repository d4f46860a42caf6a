//! `salesbook export`: the figures as files for other tools (SPEC §4 "Export"):
//! `kpis.json`, `deals.json`, their CSV versions, the four template tables as CSV,
//! or one xlsx workbook with a sheet per table.

mod sqlite;

use std::path::Path;

use serde::Serialize;
use serde_json::{Value, json};

use crate::metrics::{Metrics, MonthKpis};
use crate::model::{Grade, Index, Language, LeadStatus, Repo, Stamp};
use crate::personal::{mask_in_place, mask_phone};
use crate::report;
use crate::source::Sp;

/// `kpis.json`; the analyses' phone numbers and email addresses masked unless
/// `reveal_contacts`.
pub fn kpis_json(repo: &Repo, metrics: &Metrics, reveal_contacts: bool) -> Value {
    let month = |m: &MonthKpis| {
        let mut v = report::month_json(m);
        if !reveal_contacts && let Some(Value::Object(kpis)) = v.get_mut("metrics") {
            for kpi in kpis.values_mut() {
                if let Some(Value::String(a)) = kpi.get_mut("analysis") {
                    mask_in_place(a);
                }
            }
        }
        v
    };
    json!({
        "as_of": metrics.as_of.date.to_string(),
        "currency": repo.config().team.currency,
        "months": metrics.kpis.iter().map(month).collect::<Vec<_>>(),
    })
}

#[derive(Serialize)]
pub struct DealJson<'a> {
    pub id: &'a str,
    pub customer: &'a str,
    pub owner: &'a str,
    pub status: &'static str,
    pub amount: Option<f64>,
    pub closed: Option<String>,
    pub cycle_days: Option<i64>,
    pub stages: Vec<StageJson<'a>>,
}

#[derive(Serialize)]
pub struct StageJson<'a> {
    pub stage: &'a str,
    pub entered: String,
    pub end: String,
    pub days: i64,
    pub ongoing: bool,
}

/// `deals.json`: every deal as of the as-of date.
pub fn deals_json<'a>(repo: &'a Repo, metrics: &'a Metrics) -> Vec<DealJson<'a>> {
    repo.deals
        .iter()
        .zip(&metrics.deals)
        .map(|(d, m)| DealJson {
            id: &d.meta.id,
            customer: &d.customer,
            owner: &d.owner,
            status: m.status.as_str(),
            amount: d.amount.as_ref().map(|a| a.value),
            closed: m.closed.map(|c| c.to_string()),
            cycle_days: m.cycle_days,
            stages: m
                .history
                .iter()
                .map(|e| StageJson {
                    stage: &e.stage_id,
                    entered: e.entered.to_string(),
                    end: e.end.to_string(),
                    days: e.days,
                    ongoing: e.ongoing,
                })
                .collect(),
        })
        .collect()
}

/// A table: a name (file stem and sheet name), headers and rows of text.
pub struct Table {
    pub name: &'static str,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Phone numbers and email addresses in every text cell masked (SPEC §6):
    /// free text anywhere (a note, a company name, a pain point) can hold one.
    /// Figures are left as they are.
    fn masked(mut self) -> Table {
        for cell in self.rows.iter_mut().flatten() {
            if cell.parse::<f64>().is_err() {
                mask_in_place(cell);
            }
        }
        self
    }
}

fn opt(x: Option<f64>) -> String {
    x.map(|x| x.to_string()).unwrap_or_default()
}

/// Every exported table, in order.
/// The export tables, each made when it is asked for: at scale one table's
/// cells take a hundred MB or more, so they are written one at a time.
pub fn tables<'a>(
    repo: &'a Repo,
    index: &'a Index,
    metrics: &'a Metrics,
    reveal_contacts: bool,
) -> impl Iterator<Item = Table> + 'a {
    let zh = repo.config().team.language == Language::Zh;
    let h = move |zh_h: &[&str], en_h: &[&str]| -> Vec<String> {
        if zh { zh_h } else { en_h }
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    (0..7)
        .map(move |i| match i {
            0 => kpis_table(metrics),
            1 => deals_table(repo, metrics),
            2 => stages_table(repo, metrics),
            3 => table1(
                repo,
                reveal_contacts,
                h(
                    &[
                        "线索编号",
                        "来源渠道",
                        "获取时间",
                        "客户名称",
                        "行业",
                        "联系人",
                        "职位",
                        "电话",
                        "需求标签",
                        "负责人",
                        "状态",
                        "无效原因",
                        "分配时间",
                        "首次联系时间",
                        "邮箱",
                        "区域",
                        "年营收",
                    ],
                    &[
                        "Lead",
                        "Source",
                        "Acquired",
                        "Company",
                        "Industry",
                        "Contact",
                        "Title",
                        "Phone",
                        "Needs",
                        "Owner",
                        "Status",
                        "Invalid reason",
                        "Assigned",
                        "First contact",
                        "Email",
                        "Region",
                        "Annual revenue",
                    ],
                ),
            ),
            4 => table2(
                repo,
                zh,
                h(
                    &[
                        "客户名称",
                        "行业",
                        "企业规模(营收/员工数)",
                        "关键决策人",
                        "职位",
                        "需求痛点",
                        "需求优先级",
                        "决策链",
                        "风险评估",
                        "跟进进度",
                        "客户编号",
                        "负责人",
                        "线索编号",
                    ],
                    &[
                        "Customer",
                        "Industry",
                        "Size (revenue/employees)",
                        "Key decision maker",
                        "Title",
                        "Pain points",
                        "Priority",
                        "Decision chain",
                        "Risks",
                        "Progress",
                        "id",
                        "Owner",
                        "Lead",
                    ],
                ),
            ),
            5 => table3(
                repo,
                index,
                metrics,
                h(
                    &[
                        "客户名称",
                        "销售阶段",
                        "进入阶段时间",
                        "阶段耗时(天)",
                        "核心动作完成情况",
                        "阶段产出",
                        "负责人",
                        "商机编号",
                        "完成时间",
                    ],
                    &[
                        "Customer",
                        "Stage",
                        "Entered",
                        "Days in stage",
                        "Key actions",
                        "Outputs",
                        "Owner",
                        "Deal",
                        "Completed",
                    ],
                ),
            ),
            6 => table4(repo, metrics),
            _ => unreachable!("7 tables"),
        })
        .map(move |t| if reveal_contacts { t } else { t.masked() })
}

fn kpis_table(metrics: &Metrics) -> Table {
    let mut rows = Vec::new();
    for m in &metrics.kpis {
        for (def, v) in m.iter() {
            rows.push(vec![
                m.month.to_string(),
                def.key.to_string(),
                opt(v.actual),
                opt(v.target),
                opt(v.completion),
                opt(v.mom),
                opt(v.yoy),
                v.analysis.clone().unwrap_or_default(),
            ]);
        }
    }
    Table {
        name: "kpis",
        headers: [
            "month",
            "kpi",
            "actual",
            "target",
            "completion",
            "mom",
            "yoy",
            "analysis",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }
}

/// `deals.json`'s fields, then what `import deals` needs to make the deal again.
fn deals_table(repo: &Repo, metrics: &Metrics) -> Table {
    let rows = deals_json(repo, metrics)
        .into_iter()
        .zip(&repo.deals)
        .map(|(d, deal)| {
            vec![
                d.id.to_string(),
                d.customer.to_string(),
                d.owner.to_string(),
                d.status.to_string(),
                opt(d.amount),
                d.closed.unwrap_or_default(),
                d.cycle_days.map(|c| c.to_string()).unwrap_or_default(),
                deal.title.clone().unwrap_or_default(),
                deal.lead
                    .as_ref()
                    .map(|l| l.value.clone())
                    .unwrap_or_default(),
                // As of the as-of date: a deal lost after it is still open.
                if d.status == "lost" {
                    deal.lost_reason.clone().unwrap_or_default()
                } else {
                    String::new()
                },
                deal.expected_close
                    .map(|e| e.to_string())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    Table {
        name: "deals",
        headers: [
            "id",
            "customer",
            "owner",
            "status",
            "amount",
            "closed",
            "cycle_days",
            "title",
            "lead",
            "lost_reason",
            "expected_close",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }
}

fn stages_table(repo: &Repo, metrics: &Metrics) -> Table {
    let mut rows = Vec::new();
    for (d, m) in repo.deals.iter().zip(&metrics.deals) {
        for e in &m.history {
            rows.push(vec![
                d.meta.id.clone(),
                e.stage_id.clone(),
                e.entered.to_string(),
                e.end.to_string(),
                e.days.to_string(),
                e.ongoing.to_string(),
            ]);
        }
    }
    Table {
        name: "deal_stages",
        headers: ["deal", "stage", "entered", "end", "days", "ongoing"]
            .map(String::from)
            .to_vec(),
        rows,
    }
}

fn table1(repo: &Repo, reveal: bool, headers: Vec<String>) -> Table {
    let config = repo.config();
    let zh = config.team.language == Language::Zh;
    let tz = config.team.timezone;
    // In the team's time zone, as `import` reads it back.
    let stamp = |s: &Option<Sp<Stamp>>| {
        s.as_ref()
            .map(|s| {
                s.instant
                    .with_timezone(&tz)
                    .format("%Y-%m-%d %H:%M:%S")
                    .to_string()
            })
            .unwrap_or_default()
    };
    let rows = repo
        .leads
        .iter()
        .map(|l| {
            let phone = l.contact.phone.as_ref().map(|p| {
                if reveal {
                    p.value.clone()
                } else {
                    mask_phone(&p.value)
                }
            });
            vec![
                l.meta.id.clone(),
                config.channel_name(&l.source),
                l.acquired.to_string(),
                l.company.clone(),
                l.industry.clone(),
                l.contact.name.clone(),
                l.contact.title.clone(),
                phone.unwrap_or_default(),
                l.needs.join("、"),
                config.owner_name(&l.owner),
                lead_status(l.status.value, zh).to_string(),
                l.invalid_reason.clone().unwrap_or_default(),
                stamp(&l.assigned),
                stamp(&l.first_contact),
                l.contact
                    .email
                    .as_ref()
                    .map(|e| e.value.clone())
                    .unwrap_or_default(),
                l.region.clone().unwrap_or_default(),
                opt(l.annual_revenue),
            ]
        })
        .collect();
    Table {
        name: "table1_leads",
        headers,
        rows,
    }
}

/// The words of the template's 状态 column in Chinese (which `import` reads), the
/// ids in English.
fn lead_status(s: LeadStatus, zh: bool) -> &'static str {
    if !zh {
        return s.as_str();
    }
    match s {
        LeadStatus::New => "新",
        LeadStatus::Contacted => "已触达",
        LeadStatus::Nurturing => "待培育",
        LeadStatus::Converted => "已转化",
        LeadStatus::Invalid => "无效线索",
    }
}

/// 1亿/500人 in Chinese; 100,000,000 / 500 in English.
fn company_size(revenue: Option<f64>, employees: Option<f64>, zh: bool) -> String {
    let revenue = revenue.map(|r| {
        if !zh {
            crate::format::trim_number(r, 2)
        } else if r >= 1e8 {
            format!("{}亿", crate::format::trim_number(r / 1e8, 2))
        } else if r >= 1e4 {
            format!("{}万", crate::format::trim_number(r / 1e4, 2))
        } else {
            crate::format::trim_number(r, 2)
        }
    });
    let employees = employees.map(|e| {
        format!(
            "{}{}",
            crate::format::trim_number(e, 0),
            if zh { "人" } else { "" }
        )
    });
    match (revenue, employees) {
        (Some(r), Some(e)) => format!("{r}/{e}"),
        (r, e) => r.or(e).unwrap_or_default(),
    }
}

fn table2(repo: &Repo, zh: bool, headers: Vec<String>) -> Table {
    let config = repo.config();
    let rows = repo
        .customers
        .iter()
        .map(|c| {
            let key = c.decision_makers.first();
            let priority = c.priority.map(|p| match (zh, p) {
                (true, Grade::High) => "高".to_string(),
                (true, Grade::Medium) => "中".to_string(),
                (true, Grade::Low) => "低".to_string(),
                (false, p) => p.as_str().to_string(),
            });
            vec![
                c.name.clone(),
                c.industry.clone(),
                company_size(c.annual_revenue, c.employees, zh),
                key.map(|k| k.name.clone()).unwrap_or_default(),
                key.map(|k| k.title.clone()).unwrap_or_default(),
                c.pain_points.join(if zh { "，" } else { "; " }),
                priority.unwrap_or_default(),
                c.decision_chain.join("+"),
                c.risks
                    .iter()
                    .map(|r| r.note.as_str())
                    .collect::<Vec<_>>()
                    .join(if zh { "；" } else { "; " }),
                c.progress.clone().unwrap_or_default(),
                c.meta.id.clone(),
                config.owner_name(&c.owner),
                c.lead.as_ref().map(|l| l.value.clone()).unwrap_or_default(),
            ]
        })
        .collect();
    Table {
        name: "table2_customers",
        headers,
        rows,
    }
}

fn table3(repo: &Repo, index: &Index, metrics: &Metrics, headers: Vec<String>) -> Table {
    let config = repo.config();
    let zh = config.team.language == Language::Zh;
    let mut rows = Vec::new();
    for (d, m) in repo.deals.iter().zip(&metrics.deals) {
        let customer = index.customers.get(d.customer.as_str()).map_or_else(
            || d.customer.value.clone(),
            |&i| repo.customers[i].name.clone(),
        );
        for e in &m.history {
            let entry = e.entry.map(|i| &d.stages[i]);
            let owner = entry
                .and_then(|x| x.owner.as_ref())
                .map_or(d.owner.value.as_str(), |o| o.value.as_str());
            rows.push(vec![
                customer.clone(),
                config.stage_label(&e.stage_id),
                e.entered.to_string(),
                e.days.to_string(),
                entry
                    .map(|x| x.actions.join(if zh { "，" } else { "; " }))
                    .unwrap_or_default(),
                entry
                    .map(|x| {
                        x.outputs
                            .iter()
                            .map(|o| if zh { format!("《{o}》") } else { o.clone() })
                            .collect::<Vec<_>>()
                            .join(if zh { "" } else { "; " })
                    })
                    .unwrap_or_default(),
                config.owner_name(owner),
                d.meta.id.clone(),
                entry
                    .and_then(|x| x.completed.as_ref())
                    .map(|c| c.value.to_string())
                    .unwrap_or_default(),
            ]);
        }
    }
    Table {
        name: "table3_stages",
        headers,
        rows,
    }
}

fn table4(repo: &Repo, metrics: &Metrics) -> Table {
    let team = &repo.config().team;
    let month_header = if team.language == Language::Zh {
        "月份"
    } else {
        "Month"
    };
    let mut headers = vec![month_header.to_string()];
    headers.extend(report::headers(team.language).map(String::from));
    let mut rows = Vec::new();
    for m in &metrics.kpis {
        for row in report::rows(m, team) {
            let mut r = vec![m.month.to_string()];
            r.extend(row);
            rows.push(r);
        }
    }
    Table {
        name: "table4_kpis",
        headers,
        rows,
    }
}

/// What `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// JSON and CSV (the default).
    All,
    Json,
    Csv,
    Xlsx,
    /// One SQLite database, `salesbook.sqlite` (src/export/sqlite.rs).
    Sqlite,
}

/// Every file `export` may write (the temporary `<name>.tmp` of these is ours to remove).
pub const FILES: &[&str] = &[
    "kpis.json",
    "deals.json",
    "kpis.csv",
    "deals.csv",
    "deal_stages.csv",
    "table1_leads.csv",
    "table2_customers.csv",
    "table3_stages.csv",
    "table4_kpis.csv",
    "salesbook.xlsx",
    "salesbook.sqlite",
];

/// The names of the files [`write`] writes in `format`, in its order.
pub fn names(format: ExportFormat) -> Vec<String> {
    FILES
        .iter()
        .filter(|name| match format {
            ExportFormat::All => name.ends_with(".json") || name.ends_with(".csv"),
            ExportFormat::Json => name.ends_with(".json"),
            ExportFormat::Csv => name.ends_with(".csv"),
            ExportFormat::Xlsx => name.ends_with(".xlsx"),
            ExportFormat::Sqlite => name.ends_with(".sqlite"),
        })
        .map(|name| name.to_string())
        .collect()
}

/// `salesbook export`: [`write`] behind the output guard and lock
/// (`crate::output`): never into the data folder, a parent of it, `/` or
/// home; one export per folder at a time; the `.tmp` files a killed export left
/// are removed first.
#[allow(clippy::too_many_arguments)]
pub fn write_to(
    dir: &Path,
    data_dir: &Path,
    repo: &Repo,
    index: &Index,
    metrics: &Metrics,
    format: ExportFormat,
    reveal_contacts: bool,
    commit: Option<&str>,
) -> Result<Vec<String>, ExportError> {
    use crate::output;
    output::guard(dir, data_dir).map_err(ExportError::Refused)?;
    let _lock = output::Lock::acquire(dir, "export").map_err(ExportError::Locked)?;
    let io = |e: std::io::Error| ExportError::Io(dir.to_path_buf(), e);
    // The temporary files of a killed export (`.kpis.json.<random>.tmp`): under
    // the lock no other export is writing them. Removing never follows a link.
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let ours = name.strip_prefix('.').is_some_and(|n| {
                n.ends_with(".tmp") && FILES.iter().any(|f| n.starts_with(&format!("{f}.")))
            });
            if ours {
                std::fs::remove_file(e.path()).map_err(io)?;
            }
        }
    }
    write(dir, repo, index, metrics, format, reveal_contacts, commit).map_err(io)
}

/// Why `export` wrote nothing (all exit 2).
#[derive(Debug)]
pub enum ExportError {
    /// The output is the data folder, holds it, is `/` or home… (`crate::output::guard`).
    Refused(String),
    /// Another build or export holds the output's lock.
    Locked(String),
    Io(std::path::PathBuf, std::io::Error),
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::Refused(e) | ExportError::Locked(e) => write!(f, "{e}"),
            ExportError::Io(dir, e) => write!(f, "cannot write to {}: {e}", dir.display()),
        }
    }
}

/// Writes the export files into `dir` (created if needed); returns the file names.
/// Each file is replaced atomically; the set is not: every file is first written
/// in full under a temporary name, then all are renamed in one burst, so an
/// interrupted export leaves each file old or new and the mix lasts only as long
/// as the renames.
pub fn write(
    dir: &Path,
    repo: &Repo,
    index: &Index,
    metrics: &Metrics,
    format: ExportFormat,
    reveal_contacts: bool,
    commit: Option<&str>,
) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    // Each file goes to its temporary name as soon as it is made, so that only
    // one is held in memory (at scale they are tens of MB each).
    let mut staged_files: Vec<(String, crate::atomic::TempPath)> = Vec::new();
    let mut stage = |name: String, bytes: std::io::Result<Vec<u8>>| -> std::io::Result<()> {
        use std::io::Write as _;
        let (mut file, tmp) = crate::atomic::temp_beside(&dir.join(&name), ".tmp")?;
        file.write_all(&bytes?)?;
        staged_files.push((name, tmp));
        Ok(())
    };
    let staged = (|| -> std::io::Result<()> {
        if matches!(format, ExportFormat::All | ExportFormat::Json) {
            let kpis = serde_json::to_string_pretty(&kpis_json(repo, metrics, reveal_contacts));
            stage("kpis.json".into(), Ok(kpis?.into_bytes()))?;
            let deals = serde_json::to_string_pretty(&deals_json(repo, metrics));
            stage("deals.json".into(), Ok(deals?.into_bytes()))?;
        }
        if matches!(format, ExportFormat::All | ExportFormat::Csv) {
            for t in tables(repo, index, metrics, reveal_contacts) {
                stage(format!("{}.csv", t.name), csv_bytes(&t))?;
            }
        }
        if format == ExportFormat::Xlsx {
            let bytes = xlsx_bytes(tables(repo, index, metrics, reveal_contacts))
                .map_err(std::io::Error::other);
            stage("salesbook.xlsx".into(), bytes)?;
        }
        Ok(())
    })();
    // On an error the temporary files are removed as they drop.
    staged?;
    if format == ExportFormat::Sqlite {
        // SQLite writes the file itself: into the temporary file, then renamed.
        let name = "salesbook.sqlite";
        let (file, tmp) = crate::atomic::temp_beside(&dir.join(name), ".tmp")?;
        drop(file);
        let kpis = kpis_json(repo, metrics, reveal_contacts);
        sqlite::write(&tmp, repo, metrics, &kpis, reveal_contacts, commit)
            .map_err(std::io::Error::other)?;
        staged_files.push((name.into(), tmp));
    }
    let mut names = Vec::with_capacity(staged_files.len());
    for (name, tmp) in staged_files {
        tmp.persist(dir.join(&name)).map_err(|e| e.error)?;
        names.push(name);
    }
    Ok(names)
}

/// CSV with a UTF-8 BOM, so spreadsheet programs read the Chinese headers right.
pub fn csv_bytes(t: &Table) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(&t.headers)?;
    for r in &t.rows {
        for cell in r {
            w.write_field(csv_safe(cell).as_bytes())?;
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

fn xlsx_bytes(tables: impl Iterator<Item = Table>) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for t in tables {
        let sheet = book.add_worksheet();
        sheet.set_name(t.name)?;
        for (c, h) in t.headers.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, h, &bold)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                // Numbers as numbers, so the sheet can compute with them.
                // (Only where the text is the number's own spelling: not ids like 007.)
                match cell.parse::<f64>() {
                    Ok(n) if n.is_finite() && n.to_string() == *cell => {
                        sheet.write_number(r as u32 + 1, c as u16, n)?
                    }
                    _ => sheet.write_string(r as u32 + 1, c as u16, cell)?,
                };
            }
        }
    }
    book.save_to_buffer()
}

/// A CSV cell as a spreadsheet may read it. Record text that a spreadsheet
/// would run as a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`, `+A1`) gets a
/// leading `'`, the spreadsheet's "this is text" mark (OWASP CSV injection).
/// Signed figures such as `-12.5` or `+3.2%` stay as they are: a sign, a digit,
/// then only digits, letters, `.`, `,` and `%` cannot call anything. Control
/// characters other than tab and line breaks (NUL, U+0001: TOML allows them
/// escaped) are dropped: spreadsheets cut the cell or the file at them. The
/// xlsx export needs no such care: it writes text cells as strings, never
/// formulas.
fn csv_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let cell = crate::format::printable(cell);
    let figure = |rest: &str| {
        rest.starts_with(|c: char| c.is_ascii_digit() || c == '.')
            && rest
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | ',' | '%' | ' '))
    };
    let risky = match cell.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !figure(&cell[1..]),
        _ => false,
    };
    if risky {
        format!("'{cell}").into()
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::{company_size, csv_safe};

    #[test]
    fn csv_cells_never_start_a_formula() {
        assert_eq!(
            csv_safe("=HYPERLINK(\"http://x\",\"y\")"),
            "'=HYPERLINK(\"http://x\",\"y\")"
        );
        assert_eq!(csv_safe("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(csv_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_safe("-2+3"), "'-2+3");
        assert_eq!(csv_safe("\t=1"), "'\t=1");
        assert_eq!(csv_safe("+A1"), "'+A1");
        assert_eq!(csv_safe("-B2"), "'-B2");
        assert_eq!(csv_safe("=\u{0}1"), "'=1");
        assert_eq!(csv_safe("a\u{0}b\u{1}c\u{7f}"), "abc");
        assert_eq!(csv_safe("两行\n文字\t"), "两行\n文字\t");
        // Numbers and ordinary text are unchanged.
        assert_eq!(csv_safe("-12.5"), "-12.5");
        assert_eq!(csv_safe("+3"), "+3");
        assert_eq!(csv_safe("-3.2pp"), "-3.2pp");
        assert_eq!(csv_safe("+1,200万"), "+1,200万");
        assert_eq!(csv_safe("华东-上海"), "华东-上海");
        assert_eq!(csv_safe(""), "");
    }

    #[test]
    fn company_sizes_read_like_the_template() {
        assert_eq!(company_size(Some(1e8), Some(500.0), true), "1亿/500人");
        assert_eq!(company_size(Some(5e8), Some(2000.0), true), "5亿/2000人");
        assert_eq!(company_size(Some(3_000_000.0), None, true), "300万");
        assert_eq!(company_size(None, None, true), "");
    }
}
