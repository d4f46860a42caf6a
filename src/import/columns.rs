//! Which column holds which field: the template's Chinese headers, the English
//! headers `salesbook export` writes, or a `--map` file.

use std::collections::BTreeMap;
use std::path::Path;

use super::Table;

/// A field a table can import: its key (used in `--map` files) and its headers.
pub struct FieldDef {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

const fn f(key: &'static str, zh: &'static str, en: &'static str) -> FieldDef {
    FieldDef { key, zh, en }
}

/// Table 1 线索来源登记表: the first ten are the template's columns, in order.
pub const LEAD_FIELDS: &[FieldDef] = &[
    f("id", "线索编号", "Lead"),
    f("source", "来源渠道", "Source"),
    f("acquired", "获取时间", "Acquired"),
    f("company", "客户名称", "Company"),
    f("industry", "行业", "Industry"),
    f("contact", "联系人", "Contact"),
    f("title", "职位", "Title"),
    f("phone", "电话", "Phone"),
    f("needs", "需求标签", "Needs"),
    f("owner", "负责人", "Owner"),
    f("email", "邮箱", "Email"),
    f("status", "状态", "Status"),
    f("region", "区域", "Region"),
    f("annual_revenue", "年营收", "Annual revenue"),
    f("invalid_reason", "无效原因", "Invalid reason"),
    f("assigned", "分配时间", "Assigned"),
    f("first_contact", "首次联系时间", "First contact"),
];

/// Table 2 客户信息档案表.
pub const CUSTOMER_FIELDS: &[FieldDef] = &[
    f("name", "客户名称", "Customer"),
    f("industry", "行业", "Industry"),
    f("size", "企业规模(营收/员工数)", "Size (revenue/employees)"),
    f("decision_maker", "关键决策人", "Key decision maker"),
    f("title", "职位", "Title"),
    f("pain_points", "需求痛点", "Pain points"),
    f("priority", "需求优先级", "Priority"),
    f("decision_chain", "决策链", "Decision chain"),
    f("risks", "风险评估", "Risks"),
    f("progress", "跟进进度", "Progress"),
    f("id", "客户编号", "id"),
    f("owner", "负责人", "Owner"),
    f("lead", "线索编号", "Lead"),
    f("annual_revenue", "年营收", "Annual revenue"),
    f("employees", "员工数", "Employees"),
];

/// Table 3 销售阶段评估表.
pub const STAGE_FIELDS: &[FieldDef] = &[
    f("customer", "客户名称", "Customer"),
    f("stage", "销售阶段", "Stage"),
    f("entered", "进入阶段时间", "Entered"),
    f("days", "阶段耗时(天)", "Days in stage"),
    f("actions", "核心动作完成情况", "Key actions"),
    f("outputs", "阶段产出", "Outputs"),
    f("owner", "负责人", "Owner"),
    f("deal", "商机编号", "Deal"),
    f("completed", "完成时间", "Completed"),
];

/// The deal table (商机), and a CRM opportunity export: one row per deal with its
/// first date (`created`) and its current or final stage.
pub const DEAL_FIELDS: &[FieldDef] = &[
    f("id", "商机编号", "Deal"),
    f("customer", "客户名称", "Customer"),
    f("title", "项目名称", "Title"),
    f("owner", "负责人", "Owner"),
    f("amount", "金额", "Amount"),
    f("status", "状态", "Status"),
    f("closed", "成交或丢单日期", "Closed"),
    f("lost_reason", "丢单原因", "Lost reason"),
    f("expected_close", "预计成交日期", "Expected close"),
    f("created", "创建日期", "Created"),
    f("stage", "销售阶段", "Stage"),
    f("lead", "线索编号", "Lead"),
];

/// A team roster: the sales reps, `[[owners]]` of pipeline.toml.
pub const OWNER_FIELDS: &[FieldDef] = &[
    f("name", "姓名", "Name"),
    f("id", "编号", "Id"),
    f("region", "区域", "Region"),
    f("team", "团队", "Team"),
];

pub fn fields(table: Table) -> &'static [FieldDef] {
    match table {
        Table::Leads => LEAD_FIELDS,
        Table::Customers => CUSTOMER_FIELDS,
        Table::Stages => STAGE_FIELDS,
        Table::Deals => DEAL_FIELDS,
        Table::Owners => OWNER_FIELDS,
    }
}

/// A `--map` file.
#[derive(Debug, Default)]
pub struct MapFile {
    /// field key → column header in the file
    pub columns: BTreeMap<String, String>,
    /// field key → value used for every row (when the row has no such column or it is empty)
    pub defaults: BTreeMap<String, String>,
    /// field key → (value in the file → value to use)
    pub values: BTreeMap<String, BTreeMap<String, String>>,
}

impl MapFile {
    pub fn read(path: &Path, table: Table) -> Result<MapFile, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let root: toml::Table = toml::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let known: Vec<&str> = fields(table).iter().map(|f| f.key).collect();
        let check_key = |section: &str, key: &str| -> Result<(), String> {
            if known.contains(&key) {
                Ok(())
            } else {
                Err(format!(
                    "{}: [{section}] `{key}` is not a field of the {} table; fields: {}",
                    path.display(),
                    table.name(),
                    known.join(", ")
                ))
            }
        };
        let text_of = |v: &toml::Value| match v {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mut map = MapFile::default();
        for (section, value) in &root {
            let toml::Value::Table(t) = value else {
                return Err(format!(
                    "{}: `{section}` must be a table: [columns], [defaults] or [values.<field>]",
                    path.display()
                ));
            };
            match section.as_str() {
                "columns" => {
                    for (k, v) in t {
                        check_key("columns", k)?;
                        map.columns.insert(k.clone(), text_of(v));
                    }
                }
                "defaults" => {
                    for (k, v) in t {
                        check_key("defaults", k)?;
                        map.defaults.insert(k.clone(), text_of(v));
                    }
                }
                "values" => {
                    for (k, v) in t {
                        check_key("values", k)?;
                        let toml::Value::Table(pairs) = v else {
                            return Err(format!(
                                "{}: [values.{k}] must be a table of \"value in the file\" = \"value\"",
                                path.display()
                            ));
                        };
                        map.values.insert(
                            k.clone(),
                            pairs.iter().map(|(a, b)| (a.clone(), text_of(b))).collect(),
                        );
                    }
                }
                other => {
                    return Err(format!(
                        "{}: unknown section [{other}]; a map file has [columns], [defaults] and [values.<field>]",
                        path.display()
                    ));
                }
            }
        }
        Ok(map)
    }
}

/// Headers compare without case, spaces and full-width/half-width differences.
pub fn normalize(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '／' => '/',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where each field's value comes from.
#[derive(Debug, Default)]
pub struct Layout {
    /// field key → (column index, header as written)
    pub columns: BTreeMap<&'static str, (usize, String)>,
    /// Headers of the file no field uses.
    pub ignored: Vec<String>,
}

/// Matches the file's headers to fields: `--map` columns first, then the Chinese
/// and English headers, then the field keys themselves.
pub fn layout(table: Table, headers: &[String], map: &MapFile) -> Result<Layout, String> {
    let defs = fields(table);
    let mut out = Layout::default();
    let mut used = vec![false; headers.len()];
    let find = |name: &str, used: &[bool]| {
        let n = normalize(name);
        headers
            .iter()
            .enumerate()
            .position(|(i, h)| !used[i] && normalize(h) == n)
    };
    // A column the map file names may feed several fields (`seller` as both
    // owner and name); only the headers matched by name are taken once.
    let unused = vec![false; headers.len()];
    for (key, header) in &map.columns {
        let def = defs.iter().find(|d| d.key == key).expect("checked");
        let i = find(header, &unused).ok_or_else(|| {
            format!(
                "the map file names column `{header}` for `{key}`, but the file has no such column; its columns: {}",
                headers.join(", ")
            )
        })?;
        used[i] = true;
        out.columns.insert(def.key, (i, headers[i].clone()));
    }
    for def in defs {
        if out.columns.contains_key(def.key) {
            continue;
        }
        if let Some(i) = [def.zh, def.en, def.key]
            .iter()
            .find_map(|name| find(name, &used))
        {
            used[i] = true;
            out.columns.insert(def.key, (i, headers[i].clone()));
        }
    }
    out.ignored = headers
        .iter()
        .zip(&used)
        .filter(|(h, u)| !**u && !h.is_empty())
        .map(|(h, _)| h.clone())
        .collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_in_any_width_and_case() {
        assert_eq!(
            normalize("企业规模（营收/员工数）"),
            normalize("企业规模(营收/员工数)")
        );
        assert_eq!(normalize("\u{feff}Key Decision Maker"), "keydecisionmaker");
    }

    #[test]
    fn chinese_english_and_mapped_headers() {
        let headers: Vec<String> = ["线索编号", "Source", "account", "note"]
            .map(String::from)
            .to_vec();
        let mut map = MapFile::default();
        map.columns.insert("company".into(), "Account".into());
        let l = layout(Table::Leads, &headers, &map).unwrap();
        assert_eq!(l.columns["id"].0, 0);
        assert_eq!(l.columns["source"].0, 1);
        assert_eq!(l.columns["company"].0, 2);
        assert_eq!(l.ignored, vec!["note".to_string()]);
        map.columns.insert("industry".into(), "sector".into());
        assert!(layout(Table::Leads, &headers, &map).is_err());
    }
}
