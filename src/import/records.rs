//! From rows to records: which record each row imports into (its id, new or
//! existing) and the values it sets, with every cell problem reported by row and
//! column.

use std::collections::{BTreeMap, HashMap};

use toml_edit::Value;

use super::columns::{Layout, MapFile};
use super::edit::{Op, number, strings};
use super::lookup::Lookup;
use super::sheet::{Cell, Row, Sheet};
use super::values;
use super::{RowError, Table};
use crate::ids::Numbering;
use crate::model::{Config, Repo};
use crate::model::{Kind, is_valid_id};
use crate::names::{self, Named};

/// One record file the import writes into.
#[derive(Debug)]
pub struct Planned {
    pub kind: Kind,
    pub id: String,
    /// Path relative to the data folder, `/`-separated.
    pub rel: String,
    pub exists: bool,
    /// A title for the comment line of a new file (`# LX001 · A科技有限公司`).
    pub title: String,
    /// The operations, each with the row it comes from.
    pub ops: Vec<(usize, Op)>,
}

impl Planned {
    pub fn rows(&self) -> Vec<usize> {
        let mut rows: Vec<usize> = self.ops.iter().map(|(r, _)| *r).collect();
        rows.dedup();
        rows
    }
}

pub struct Cx<'a> {
    pub table: Table,
    pub config: &'a Config,
    pub repo: &'a Repo,
    pub lookup: &'a Lookup<'a>,
    pub layout: &'a Layout,
    pub map: &'a MapFile,
    /// The as-of date: where the history of a deal row without any date starts.
    pub as_of: chrono::NaiveDate,
    /// `--update`: existing records change, and need only the columns that change.
    pub update: bool,
    /// The current row's record exists: `[defaults]` do not apply to it (they
    /// fill new records, never overwrite a value) and nothing is required of it.
    pub existing: bool,
    pub errors: Vec<RowError>,
    pub notes: Vec<String>,
    /// The latest day an imported deal starts on (for suggesting `[process] since`).
    pub history_until: Option<chrono::NaiveDate>,
}

/// A value of a row: the cell of the field's column, else the map file's default.
struct Got {
    cell: Cell,
    /// The column header, or `[defaults] key`.
    column: String,
}

impl Cx<'_> {
    fn get(&self, row: &Row, key: &str) -> Option<Got> {
        let from_column = self.layout.columns.get(key).and_then(|(i, header)| {
            let cell = row.cell(*i);
            (!cell.is_empty()).then(|| Got {
                cell: cell.clone(),
                column: header.clone(),
            })
        });
        let got = from_column.or_else(|| {
            let defaults = (!self.existing).then_some(&self.map.defaults)?;
            defaults.get(key).map(|v| Got {
                cell: Cell::Text(v.clone()),
                column: format!("[defaults] {key}"),
            })
        })?;
        // [values.<key>] translates values of the file.
        match self
            .map
            .values
            .get(key)
            .and_then(|m| m.get(&got.cell.text()))
        {
            Some(v) => Some(Got {
                cell: Cell::Text(v.clone()),
                ..got
            }),
            None => Some(got),
        }
    }

    fn text(&self, row: &Row, key: &str) -> Option<(String, String)> {
        self.get(row, key).map(|g| (g.cell.text(), g.column))
    }

    /// The header to name for a field in errors: its column, else its Chinese header.
    fn column_name(&self, key: &str) -> String {
        self.layout.columns.get(key).map_or_else(
            || {
                super::columns::fields(self.table)
                    .iter()
                    .find(|f| f.key == key)
                    .map_or(key.to_string(), |f| f.zh.to_string())
            },
            |(_, h)| h.clone(),
        )
    }

    fn error(&mut self, row: usize, column: impl Into<String>, message: impl Into<String>) {
        self.errors
            .push(RowError::new(Some(row), Some(column.into()), message));
    }

    /// A required text value; reports it when missing.
    fn required(&mut self, row: &Row, key: &str, what: &str) -> Option<(String, String)> {
        let got = self.text(row, key);
        if got.is_none() && !self.existing {
            let column = self.column_name(key);
            self.error(row.number, column, format!("missing {what}"));
        }
        got
    }

    fn resolve(&mut self, row: &Row, key: &str, what: Named) -> Option<String> {
        let (text, column) = self.text(row, key)?;
        match names::resolve(self.config, what, &text) {
            Ok(id) => Some(id),
            Err(e) => {
                // The choices go into the hint, so that the same unknown value on
                // many rows groups into one line.
                let (e, choices) = e.split_once("; ").unwrap_or((e.as_str(), ""));
                let hint = format!(
                    "{choices}{}give the file's value its meaning in a --map file: [values.{key}] \"{}\" = \"<one of them>\", or add it to pipeline.toml",
                    if choices.is_empty() { "" } else { "; " },
                    text.escape_debug()
                );
                let e = e.to_string();
                self.errors
                    .push(RowError::new(Some(row.number), Some(column), e).with_hint(hint));
                None
            }
        }
    }

    /// The row's `id` when it has one: `Err` (reported) when it is not a valid
    /// id or an earlier row (in `seen`) already imports it.
    fn given_id(
        &mut self,
        row: &Row,
        seen: &BTreeMap<String, usize>,
    ) -> Result<Option<String>, ()> {
        let Some((id, column)) = self.text(row, "id") else {
            return Ok(None);
        };
        let message = if !is_valid_id(&id) {
            format!("`{id}` is not a valid record id (letters, digits, `-`, `_`, `.`)")
        } else if let Some(first) = seen.get(&id) {
            format!("duplicate id `{id}`: row {first} already imports it")
        } else {
            return Ok(Some(id));
        };
        self.error(row.number, column, message);
        Err(())
    }

    /// An amount (`1,200`, `12万`); reported when the cell is not one.
    fn amount(&mut self, row: &Row, key: &str) -> Option<f64> {
        let (a, column) = self.text(row, key)?;
        let amount = values::amount(&a);
        if amount.is_none() {
            self.error(row.number, column, format!("`{a}` is not an amount"));
        }
        amount
    }

    /// The id of the customer a row names by id or name; reports it when none
    /// or several.
    fn customer(&mut self, n: usize, name: &str, column: &str) -> Option<String> {
        if self.lookup.customer(name).is_some() {
            return Some(name.to_string());
        }
        match self.lookup.customers_named(name).as_slice() {
            [one] => Some(one.clone()),
            [] => {
                self.error(
                    n,
                    column,
                    format!(
                        "unknown customer `{name}`: import it first (salesbook import customers)"
                    ),
                );
                None
            }
            many => {
                let message = format!(
                    "`{name}` matches several customers ({}); use the customer id",
                    many.join(", ")
                );
                self.error(n, column, message);
                None
            }
        }
    }

    fn datetime(&mut self, row: &Row, key: &str) -> Option<Value> {
        self.parsed(row, key, values::datetime)
    }

    fn date(&mut self, row: &Row, key: &str) -> Option<chrono::NaiveDate> {
        self.parsed(row, key, values::date)
    }

    /// The field's cell read by `parse`; an error on its row and column when it cannot.
    fn parsed<T>(
        &mut self,
        row: &Row,
        key: &str,
        parse: fn(&Cell) -> Result<T, String>,
    ) -> Option<T> {
        let got = self.get(row, key)?;
        parse(&got.cell)
            .map_err(|e| self.error(row.number, got.column, e))
            .ok()
    }
}

fn set(path: &[&'static str], value: Value) -> Op {
    Op::Set {
        path: path.to_vec(),
        value,
        only_new: false,
    }
}

fn set_new(path: &[&'static str], value: Value) -> Op {
    Op::Set {
        path: path.to_vec(),
        value,
        only_new: true,
    }
}

fn ids_of(repo: &Repo, kind: Kind) -> Vec<String> {
    let mut ids: Vec<String> = match kind {
        Kind::Lead => repo.leads.iter().map(|r| r.meta.id.clone()).collect(),
        Kind::Customer => repo.customers.iter().map(|r| r.meta.id.clone()).collect(),
        Kind::Deal => repo.deals.iter().map(|r| r.meta.id.clone()).collect(),
        _ => Vec::new(),
    };
    ids.extend(
        repo.unparsed
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, id)| id.clone()),
    );
    ids
}

/// Need tags and pain points: split on 、,，;； and, for a cell of CJK words with
/// none of those, on spaces (“自动化升级 数字化”); English phrases keep their spaces.
fn tags(s: &str) -> Vec<String> {
    let items = values::list(s, false);
    if items.len() == 1 && !s.chars().any(|c| c.is_ascii_alphabetic()) {
        values::list(s, true)
    } else {
        items
    }
}

/// Builds the records of the sheet. Problems go to `cx.errors`.
pub fn plan(cx: &mut Cx, sheet: &Sheet) -> Vec<Planned> {
    let required: &[(&str, &str)] = match cx.table {
        Table::Leads => &[
            ("source", "来源渠道"),
            ("acquired", "获取时间"),
            ("company", "客户名称"),
            ("industry", "行业"),
            ("contact", "联系人"),
            ("title", "职位"),
            ("owner", "负责人"),
        ],
        Table::Customers => &[("name", "客户名称"), ("industry", "行业")],
        Table::Stages => &[
            ("customer", "客户名称"),
            ("stage", "销售阶段"),
            ("entered", "进入阶段时间"),
        ],
        Table::Deals => &[("customer", "客户名称")],
        // Imported by `owners.rs`, into pipeline.toml.
        Table::Owners => return Vec::new(),
    };
    let missing: Vec<String> = required
        .iter()
        .filter(|(k, _)| !cx.layout.columns.contains_key(k) && !cx.map.defaults.contains_key(*k))
        .map(|(k, zh)| format!("{zh} (`{k}`)"))
        .collect();
    // With --update, a file may hold only the columns that change; a row of a
    // new record still needs its values (each row says which it lacks).
    if !missing.is_empty() && !cx.update {
        cx.errors.push(
            RowError::new(
                Some(sheet.header_row),
                None,
                format!("the file has no column for {}", missing.join(", ")),
            )
            .with_hint(
                "add the column, name the file's column in a --map file ([columns] field = \"header\"), or give every row one value there ([defaults] field = \"value\")",
            ),
        );
        return Vec::new();
    }
    match cx.table {
        Table::Leads => leads(cx, sheet),
        Table::Customers => customers(cx, sheet),
        Table::Stages => stages(cx, sheet),
        Table::Deals => deals(cx, sheet),
        Table::Owners => Vec::new(),
    }
}

fn leads(cx: &mut Cx, sheet: &Sheet) -> Vec<Planned> {
    let existing = ids_of(cx.repo, Kind::Lead);
    // Continue the leads' numbering (`LX` by default) above every id in use,
    // the ids given in the file included.
    let mut taken: Vec<String> = existing.clone();
    for row in &sheet.rows {
        if let Some((id, _)) = cx.text(row, "id") {
            taken.push(id);
        }
    }
    let mut numbering = Numbering::dominant(&taken, "LX", 3);
    let mut next = || numbering.next_id();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for row in &sheet.rows {
        let n = row.number;
        let errors_before = cx.errors.len();
        cx.existing = false;
        let id = match cx.given_id(row, &seen) {
            Ok(Some(id)) => id,
            Ok(None) => next(),
            Err(()) => continue,
        };
        seen.insert(id.clone(), n);
        let exists = existing.contains(&id);
        cx.existing = exists;
        let mut ops = Vec::new();
        if let Some(s) = cx.resolve(row, "source", Named::Channel) {
            ops.push(set(&["source"], Value::from(s)));
        }
        if let Some(d) = cx.date(row, "acquired") {
            ops.push(set(&["acquired"], values::toml_date(d)));
        }
        let company = cx.text(row, "company").map(|(c, _)| c);
        for (key, what) in [
            ("company", "the company (客户名称)"),
            ("industry", "the industry (行业)"),
        ] {
            if let Some((v, _)) = cx.required(row, key, what) {
                ops.push(set(
                    &[if key == "company" {
                        "company"
                    } else {
                        "industry"
                    }],
                    Value::from(v),
                ));
            }
        }
        if let Some((v, _)) = cx.required(row, "contact", "the contact's name (联系人)") {
            ops.push(set(&["contact", "name"], Value::from(v)));
        }
        if let Some((v, _)) = cx.required(row, "title", "the contact's title (职位)") {
            ops.push(set(&["contact", "title"], Value::from(v)));
        }
        if let Some((phone, column)) = cx.text(row, "phone") {
            if phone.contains('*') {
                cx.notes.push(format!(
                    "row {n}: the phone in {column} is masked (`{phone}`); not imported"
                ));
            } else {
                ops.push(set(&["contact", "phone"], Value::from(phone)));
            }
        }
        if let Some((email, _)) = cx.text(row, "email")
            && !email.contains('*')
        {
            ops.push(set(&["contact", "email"], Value::from(email)));
        }
        if let Some((needs, _)) = cx.text(row, "needs") {
            ops.push(set(&["needs"], strings(&tags(&needs))));
        }
        match cx.resolve(row, "owner", Named::Owner) {
            Some(o) => ops.push(set(&["owner"], Value::from(o))),
            None if cx.text(row, "owner").is_none() && !cx.existing => {
                let column = cx.column_name("owner");
                cx.error(n, column, "missing the owner (负责人)");
            }
            None => {}
        }
        match cx.text(row, "status") {
            Some((s, column)) => match values::lead_status(&s) {
                Ok(s) => ops.push(set(&["status"], Value::from(s))),
                Err(e) => cx.error(n, column, e),
            },
            None => ops.push(set_new(&["status"], Value::from("new"))),
        }
        if let Some((region, _)) = cx.text(row, "region") {
            ops.push(set(&["region"], Value::from(region)));
        }
        if let Some(r) = cx.amount(row, "annual_revenue") {
            ops.push(set(&["annual_revenue"], number(r)));
        }
        if let Some((reason, _)) = cx.text(row, "invalid_reason") {
            ops.push(set(&["invalid_reason"], Value::from(reason)));
        }
        for key in ["assigned", "first_contact"] {
            if let Some(t) = cx.datetime(row, key) {
                ops.push(set(&[key], t));
            }
        }
        if cx.errors.len() > errors_before {
            continue;
        }
        let rel = cx
            .lookup
            .file(Kind::Lead, &id)
            .unwrap_or(format!("leads/{id}.toml"));
        out.push(Planned {
            kind: Kind::Lead,
            title: company.unwrap_or_default(),
            id,
            rel,
            exists,
            ops: ops.into_iter().map(|op| (n, op)).collect(),
        });
    }
    out
}

fn customers(cx: &mut Cx, sheet: &Sheet) -> Vec<Planned> {
    let existing = ids_of(cx.repo, Kind::Customer);
    // New ids as `new customer` chooses them, free of the ids the file gives.
    let mut taken = existing.clone();
    for row in &sheet.rows {
        if let Some((id, _)) = cx.text(row, "id") {
            taken.push(id);
        }
    }
    let mut numbering = Numbering::series(&taken, "customer");
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for row in &sheet.rows {
        let n = row.number;
        let errors_before = cx.errors.len();
        cx.existing = false;
        let Some((name, name_column)) = cx.required(row, "name", "the customer's name (客户名称)")
        else {
            continue;
        };
        // The record: the `id` column, else the existing customer of that name, else a new id.
        let matched = cx.lookup.customers_named(&name);
        let (id, id_column) = match cx.text(row, "id") {
            Some((id, column)) => {
                if !is_valid_id(&id) || !id.is_ascii() {
                    cx.error(n, column, format!("`{id}` is not a customer id: use ASCII letters, digits, `-`, `_`, `.` (e.g. a-tech)"));
                    continue;
                }
                (id, column)
            }
            None => match matched.as_slice() {
                [one] => (one.clone(), name_column.clone()),
                [] => (String::new(), name_column.clone()),
                many => {
                    cx.error(
                        n,
                        name_column,
                        format!(
                            "`{name}` matches several customers ({}); add an `id` column",
                            many.join(", ")
                        ),
                    );
                    continue;
                }
            },
        };
        let id = if id.is_empty() {
            // A new customer also gets a new id, even if another row has the same name.
            if let Some(first) = seen
                .iter()
                .find(|(k, _)| k.starts_with('\u{0}') && k[1..] == name)
                .map(|(_, r)| *r)
            {
                cx.error(
                    n,
                    name_column,
                    format!("duplicate customer `{name}`: row {first} already imports it"),
                );
                continue;
            }
            seen.insert(format!("\u{0}{name}"), n);
            numbering.slug_or_next(&name)
        } else {
            if let Some(first) = seen.get(&id) {
                cx.error(
                    n,
                    id_column,
                    format!("duplicate customer `{id}`: row {first} already imports it"),
                );
                continue;
            }
            id
        };
        seen.insert(id.clone(), n);
        let exists = existing.contains(&id);
        cx.existing = exists;
        let mut ops = Vec::new();
        ops.push(set_new(&["name"], Value::from(name.as_str())));
        if let Some((v, _)) = cx.text(row, "industry") {
            ops.push(set(&["industry"], Value::from(v)));
        } else if !exists {
            let column = cx.column_name("industry");
            cx.error(n, column, "missing the industry (行业)");
        }
        let (mut revenue, mut employees) = (None, None);
        if let Some((size, column)) = cx.text(row, "size") {
            match values::company_size(&size) {
                Ok((r, e)) => (revenue, employees) = (r, e),
                Err(e) => cx.error(n, column, e),
            }
        }
        for (key, slot) in [
            ("annual_revenue", &mut revenue),
            ("employees", &mut employees),
        ] {
            if let Some((v, column)) = cx.text(row, key) {
                match values::amount(&v) {
                    Some(x) => *slot = Some(x),
                    None => cx.error(n, column, format!("`{v}` is not a number")),
                }
            }
        }
        if let Some(r) = revenue {
            ops.push(set(&["annual_revenue"], number(r)));
        }
        if let Some(e) = employees {
            ops.push(set(&["employees"], number(e)));
        }
        // The owner: the column (or default), else the lead's owner, else the only owner.
        let lead = match cx.text(row, "lead") {
            Some((l, column)) => {
                if cx.lookup.exists(Kind::Lead, &l) {
                    Some(l)
                } else {
                    cx.error(
                        n,
                        column,
                        format!("unknown lead `{l}`: there is no leads/{l}.toml"),
                    );
                    None
                }
            }
            None => match cx.lookup.leads_of_company(&name).as_slice() {
                [one] => Some(one.clone()),
                _ => None,
            },
        };
        let lead_owner = lead
            .as_ref()
            .and_then(|l| cx.lookup.lead(l))
            .map(|i| &cx.repo.leads[i])
            .map(|l| l.owner.value.clone());
        match cx.resolve(row, "owner", Named::Owner) {
            Some(o) => ops.push(set(&["owner"], Value::from(o))),
            None if cx.text(row, "owner").is_none() => {
                let only = (cx.config.owners.len() == 1).then(|| cx.config.owners[0].id.clone());
                match lead_owner.or(only) {
                    Some(o) => ops.push(set_new(&["owner"], Value::from(o))),
                    None if !exists => cx.error(
                        n,
                        cx.column_name("owner"),
                        "no owner: add a 负责人 column, or `[defaults] owner = \"…\"` in a --map file",
                    ),
                    None => {}
                }
            }
            None => {}
        }
        if let Some(l) = lead {
            let explicit = cx.text(row, "lead").is_some();
            ops.push(if explicit {
                set(&["lead"], Value::from(l))
            } else {
                set_new(&["lead"], Value::from(l))
            });
        }
        if let Some((p, column)) = cx.text(row, "priority") {
            match values::priority(&p) {
                Ok(p) => ops.push(set(&["priority"], Value::from(p))),
                Err(e) => cx.error(n, column, e),
            }
        }
        if let Some((v, _)) = cx.text(row, "pain_points") {
            ops.push(set(&["pain_points"], strings(&tags(&v))));
        }
        if let Some((v, _)) = cx.text(row, "decision_chain") {
            ops.push(set(&["decision_chain"], strings(&values::chain(&v))));
        }
        if let Some((v, _)) = cx.text(row, "progress") {
            ops.push(set(&["progress"], Value::from(v)));
        }
        match (cx.text(row, "decision_maker"), cx.text(row, "title")) {
            (Some((person, _)), title) => ops.push(Op::Person {
                name: person,
                title: title.map(|(t, _)| t),
            }),
            (None, Some((_, column))) => cx.error(
                n,
                column,
                "a title without a key decision maker (关键决策人)",
            ),
            (None, None) => {}
        }
        if let Some((v, _)) = cx.text(row, "risks") {
            for note in v
                .split([';', '；', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                ops.push(Op::Risk {
                    kind: values::risk_kind(note),
                    note: note.to_string(),
                });
            }
        }
        if cx.errors.len() > errors_before {
            continue;
        }
        let rel = cx
            .lookup
            .file(Kind::Customer, &id)
            .unwrap_or(format!("customers/{id}.md"));
        out.push(Planned {
            kind: Kind::Customer,
            title: name,
            id,
            rel,
            exists,
            ops: ops.into_iter().map(|op| (n, op)).collect(),
        });
    }
    out
}

fn stages(cx: &mut Cx, sheet: &Sheet) -> Vec<Planned> {
    if let Some((_, header)) = cx.layout.columns.get("days") {
        cx.notes.push(format!(
            "{header}: days in stage are computed from the dates, not imported"
        ));
    }
    let mut out: Vec<Planned> = Vec::new();
    // deal id → its position in `out`
    let mut planned_deals: HashMap<String, usize> = HashMap::new();
    let mut seen: BTreeMap<(String, String), usize> = BTreeMap::new();
    // customer id → the deal this import creates for it
    let mut new_deals: HashMap<String, String> = HashMap::new();
    let mut implied = Vec::new();
    for row in &sheet.rows {
        let n = row.number;
        let errors_before = cx.errors.len();
        cx.existing = false;
        let Some((name, name_column)) = cx.required(row, "customer", "the customer (客户名称)")
        else {
            continue;
        };
        let stage = cx
            .required(row, "stage", "the stage (销售阶段)")
            .and(cx.resolve(row, "stage", Named::Stage));
        let entered = match cx.get(row, "entered") {
            Some(_) => cx.date(row, "entered"),
            None => {
                let column = cx.column_name("entered");
                cx.error(
                    n,
                    column,
                    "missing the date the stage was entered (进入阶段时间)",
                );
                None
            }
        };
        let customer = cx.customer(n, &name, &name_column);
        let owner = cx.resolve(row, "owner", Named::Owner);
        let completed = cx.date(row, "completed");
        let (Some(customer), Some(stage), Some(entered)) = (customer, stage, entered) else {
            continue;
        };
        // The deal: the `deal` column, else the customer's open deal, else `<customer>-<year>`.
        let deal =
            match cx.text(row, "deal") {
                Some((d, column)) => {
                    if !is_valid_id(&d) {
                        cx.error(n, column, format!("`{d}` is not a valid deal id"));
                        continue;
                    }
                    d
                }
                None => {
                    let open = cx.lookup.open_deals(&customer);
                    // A deal this import already creates for the customer.
                    let planned = new_deals.get(&customer).cloned();
                    match (open, planned) {
                        ([one], _) => one.to_string(),
                        ([], Some(p)) => p,
                        ([], None) => format!("{customer}-{}", chrono::Datelike::year(&entered)),
                        (many, _) => {
                            cx.error(n, &name_column, format!(
                            "{customer} has {} open deals ({}): add a 商机编号 (Deal) column",
                            many.len(),
                            many.join(", ")
                        ));
                            continue;
                        }
                    }
                }
            };
        // The implicit `lead` entry (SPEC §2.4) that `export` lists in table 3:
        // the loader makes it again from the lead, so it is not written.
        if stage == cx.config.stages[0].id
            && completed.is_none()
            && cx.text(row, "actions").is_none()
            && cx.text(row, "outputs").is_none()
            && implied_lead_entry(cx, &deal, &customer) == Some(entered)
        {
            implied.push(n);
            continue;
        }
        if let Some(first) = seen.get(&(deal.clone(), stage.clone())) {
            let column = cx.column_name("stage");
            cx.error(
                n,
                column,
                format!("duplicate: row {first} already imports stage `{stage}` of deal {deal}"),
            );
            continue;
        }
        seen.insert((deal.clone(), stage.clone()), n);
        cx.history_until = cx.history_until.max(Some(entered));
        let mut fields = vec![("entered", values::toml_date(entered))];
        if let Some(c) = completed {
            fields.push(("completed", values::toml_date(c)));
        }
        if let Some((a, _)) = cx.text(row, "actions") {
            fields.push(("actions", strings(&values::list(&a, false))));
        }
        if let Some((o, _)) = cx.text(row, "outputs") {
            fields.push(("outputs", strings(&values::outputs(&o))));
        }
        if let Some(o) = &owner {
            fields.push(("owner", Value::from(o.as_str())));
        }
        if cx.errors.len() > errors_before {
            continue;
        }
        let op = Op::Stage { stage, fields };
        if let Some(&i) = planned_deals.get(&deal) {
            out[i].ops.push((n, op));
            continue;
        }
        let exists = cx.lookup.exists(Kind::Deal, &deal);
        let mut ops = Vec::new();
        if !exists {
            let deal_owner = owner.clone().or_else(|| {
                let c = &cx.repo.customers[cx.lookup.customer(&customer)?];
                Some(c.owner.value.clone())
            });
            ops.push((n, set_new(&["customer"], Value::from(customer.as_str()))));
            if let Some(o) = deal_owner {
                ops.push((n, set_new(&["owner"], Value::from(o))));
            }
            ops.push((n, set_new(&["status"], Value::from("open"))));
        }
        ops.push((n, op));
        let rel = cx
            .lookup
            .file(Kind::Deal, &deal)
            .unwrap_or(format!("deals/{deal}.toml"));
        if !exists {
            new_deals.insert(customer.clone(), deal.clone());
        }
        let title = cx
            .lookup
            .customer(&customer)
            .map_or(customer, |i| cx.repo.customers[i].name.clone());
        planned_deals.insert(deal.clone(), out.len());
        out.push(Planned {
            kind: Kind::Deal,
            id: deal,
            rel,
            exists,
            title,
            ops,
        });
    }
    if !implied.is_empty() {
        cx.notes.push(format!(
            "{} row(s) ({}) are the implicit `{}` entry that starts at the lead's acquisition: not written, the lead gives it",
            implied.len(),
            super::rows_list(&implied),
            cx.config.stages[0].id
        ));
    }
    out
}

/// The day the implicit first-stage entry of a deal starts: its lead's (else its
/// customer's lead's) acquisition.
fn implied_lead_entry(cx: &Cx, deal: &str, customer: &str) -> Option<chrono::NaiveDate> {
    let repo = cx.repo;
    let lead = match cx.lookup.deal(deal).map(|i| &repo.deals[i]) {
        Some(d) => d.lead.clone().or_else(|| {
            let c = &repo.customers[cx.lookup.customer(&d.customer.value)?];
            c.lead.clone()
        }),
        None => repo.customers[cx.lookup.customer(customer)?].lead.clone(),
    }?;
    Some(repo.leads[cx.lookup.lead(&lead.value)?].acquired.value)
}

/// The deal table: one deal per row, with its status, amount and dates. A row
/// with a first date (`created`) or a stage also gives the deal its history: one
/// stage entry, the row's stage (else the closing stage for a won deal, else the
/// first stage after `lead`), entered on the first date, else on the closing
/// date, else — a row without any date — on the as-of date. Nothing else of a
/// history is invented: deals from before `[process] since` are not held to the
/// process rules (SPEC §2.1), and the import suggests it.
fn deals(cx: &mut Cx, sheet: &Sheet) -> Vec<Planned> {
    let mut taken = ids_of(cx.repo, Kind::Deal);
    for row in &sheet.rows {
        if let Some((id, _)) = cx.text(row, "id") {
            taken.push(id);
        }
    }
    let mut numbering = Numbering::series(&taken, "deal");
    let closing = cx
        .config
        .closing_index()
        .map(|i| cx.config.stages[i].id.clone());
    let first = cx
        .config
        .stages
        .iter()
        .find(|s| s.id != "lead")
        .map(|s| s.id.clone());
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut undated = Vec::new();
    let mut out = Vec::new();
    for row in &sheet.rows {
        let n = row.number;
        let errors_before = cx.errors.len();
        // An existing deal is known by its id, before any default is read.
        cx.existing = cx
            .text(row, "id")
            .is_some_and(|(id, _)| cx.lookup.exists(Kind::Deal, &id));
        let customer = match cx.required(row, "customer", "the customer (客户名称)") {
            Some((name, column)) => cx.customer(n, &name, &column),
            // An existing deal keeps its customer.
            None => cx.text(row, "id").and_then(|(id, _)| {
                let d = cx.repo.deals.iter().find(|d| d.meta.id == id)?;
                Some(d.customer.value.clone())
            }),
        };
        let status = match cx.text(row, "status") {
            Some((s, column)) => values::deal_status(&s)
                .map_err(|e| cx.error(n, column, e))
                .ok(),
            None => Some("open"),
        };
        let owner = cx.resolve(row, "owner", Named::Owner);
        let stage = cx.resolve(row, "stage", Named::Stage);
        let created = cx.date(row, "created");
        let closed = cx.date(row, "closed");
        let expected_close = cx.date(row, "expected_close");
        let amount = cx.amount(row, "amount");
        let (Some(customer), Some(status)) = (customer, status) else {
            continue;
        };
        if cx.errors.len() > errors_before {
            continue;
        }
        let start = created.or(closed);
        let id = match cx.given_id(row, &seen) {
            Ok(Some(id)) => id,
            Err(()) => continue,
            Ok(None) => {
                // `<customer>-<year>`, numbered when taken (`a-tech-2023-2`).
                let year = chrono::Datelike::year(&start.or(expected_close).unwrap_or(cx.as_of));
                numbering.variant(&format!("{customer}-{year}"))
            }
        };
        seen.insert(id.clone(), n);
        let exists = cx.lookup.exists(Kind::Deal, &id);
        let mut ops = vec![set_new(&["customer"], Value::from(customer.as_str()))];
        match owner {
            Some(o) => ops.push(set(&["owner"], Value::from(o))),
            None => {
                let c = cx.lookup.customer(&customer).map(|i| &cx.repo.customers[i]);
                if let Some(c) = c {
                    ops.push(set_new(&["owner"], Value::from(c.owner.value.as_str())));
                }
            }
        }
        if let Some((t, _)) = cx.text(row, "title") {
            ops.push(set(&["title"], Value::from(t)));
        }
        if let Some((l, _)) = cx.text(row, "lead") {
            ops.push(set(&["lead"], Value::from(l)));
        }
        if let Some(a) = amount {
            ops.push(set(&["amount"], number(a)));
        }
        if let Some(d) = expected_close {
            ops.push(set(&["expected_close"], values::toml_date(d)));
        }
        if cx.text(row, "status").is_some() {
            ops.push(set(&["status"], Value::from(status)));
        } else {
            ops.push(set_new(&["status"], Value::from(status)));
        }
        if let Some(d) = closed {
            ops.push(set(&["closed"], values::toml_date(d)));
        }
        // A reason only for a lost deal: a `[defaults] lost_reason` for a CRM
        // export without one gives every row the same value.
        if let Some((r, _)) = cx.text(row, "lost_reason").filter(|_| status == "lost") {
            ops.push(set(&["lost_reason"], Value::from(r)));
        }
        // The history, from a CRM opportunity's first date or stage: for a new
        // deal the row's stage, else the closing stage of a won deal, else the
        // first stage after `lead`; for an existing one only when the row names
        // its stage. A row with neither (the deal table) leaves the history to
        // table 3, imported next.
        let entry = if exists {
            stage.clone()
        } else if stage.is_none() && created.is_none() {
            None
        } else {
            stage.clone().or(if status == "won" {
                closing.clone()
            } else {
                first.clone()
            })
        };
        if let Some(entry) = entry {
            if start.is_none() {
                undated.push(n);
            }
            let entered = start.unwrap_or(cx.as_of);
            cx.history_until = cx.history_until.max(Some(entered));
            ops.push(Op::Stage {
                stage: entry,
                fields: vec![("entered", values::toml_date(entered))],
            });
        }
        let rel = cx
            .lookup
            .file(Kind::Deal, &id)
            .unwrap_or(format!("deals/{id}.toml"));
        let title = cx
            .text(row, "title")
            .map(|(t, _)| t)
            .or_else(|| {
                cx.lookup
                    .customer(&customer)
                    .map(|i| cx.repo.customers[i].name.clone())
            })
            .unwrap_or(customer);
        out.push(Planned {
            kind: Kind::Deal,
            id,
            rel,
            exists,
            title,
            ops: ops.into_iter().map(|op| (n, op)).collect(),
        });
    }
    if !undated.is_empty() {
        cx.notes.push(format!(
            "{} row(s) without any date ({}): their history starts on the as-of date {}",
            undated.len(),
            super::rows_list(&undated),
            cx.as_of
        ));
    }
    out
}
