//! `import owners`: a team roster (a CRM's sales-team table) into the `[[owners]]`
//! of pipeline.toml, so that the other tables' 负责人 columns resolve. Existing
//! owners (same id, or same name in any case) are kept as they are; new ones are
//! appended with a format-preserving edit, and the file is checked by the real
//! loader before it is written.

use std::collections::{BTreeMap, HashSet};

use toml_edit::{DocumentMut, Item, Table as TomlTable, Value};

use super::columns::{Layout, MapFile};
use super::sheet::Sheet;
use super::{Change, Outcome, RowError, Summary};
use crate::ids::Numbering;
use crate::load::CONFIG_FILE;
use crate::model::Config;
use crate::model::is_valid_id;

/// One new `[[owners]]` entry and the row it comes from.
struct NewOwner {
    row: usize,
    id: String,
    fields: Vec<(&'static str, String)>,
}

/// pipeline.toml's text with the roster's new owners, and the rows naming owners
/// that exist.
pub fn plan(
    config: &Config,
    text: &str,
    sheet: &Sheet,
    layout: &Layout,
    map: &MapFile,
    summary: &mut Summary,
) -> Result<(String, Vec<usize>), Vec<RowError>> {
    let cell = |row: &super::sheet::Row, key: &str| -> Option<String> {
        let from_column = layout
            .columns
            .get(key)
            .map(|(i, _)| row.cell(*i).text())
            .filter(|t| !t.is_empty());
        let text = from_column.or_else(|| map.defaults.get(key).cloned())?;
        Some(
            map.values
                .get(key)
                .and_then(|v| v.get(&text))
                .cloned()
                .unwrap_or(text),
        )
    };
    let existing: Vec<String> = config.owners.iter().map(|o| o.id.clone()).collect();
    // Known owners by id and by lowercased name, looked up once per row.
    let known_ids: HashSet<&str> = existing.iter().map(String::as_str).collect();
    let known_names: HashSet<String> = config
        .owners
        .iter()
        .map(|o| o.name.to_lowercase())
        .collect();
    let mut numbering = Numbering::series(&existing, "owner");
    let mut errors = Vec::new();
    let mut new: Vec<NewOwner> = Vec::new();
    let mut kept = Vec::new();
    let mut repeated = Vec::new();
    // name (lowercased) → the row that brings it
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    if !layout.columns.contains_key("name") && !map.defaults.contains_key("name") {
        return Err(vec![
            RowError::new(
                Some(sheet.header_row),
                None,
                "the file has no column for 姓名 (`name`)",
            )
            .with_hint("add the column, or name the file's column in a --map file ([columns] name = \"header\")"),
        ]);
    }
    for row in &sheet.rows {
        let n = row.number;
        let column = |key: &str| layout.columns.get(key).map(|(_, h)| h.clone());
        let Some(name) = cell(row, "name") else {
            errors.push(RowError::new(
                Some(n),
                column("name"),
                "missing the owner's name (姓名)",
            ));
            continue;
        };
        let id = cell(row, "id");
        let lower = name.to_lowercase();
        if known_names.contains(&lower) || id.as_deref().is_some_and(|i| known_ids.contains(i)) {
            kept.push(n);
            continue;
        }
        // A roster taken from a deal table names each rep on many rows: one owner.
        if names.insert(lower, n).is_some() {
            repeated.push(n);
            continue;
        }
        let id = match id {
            Some(id) if !is_valid_id(&id) => {
                errors.push(RowError::new(
                    Some(n),
                    column("id"),
                    format!("`{id}` is not a valid owner id (letters, digits, `-`, `_`, `.`)"),
                ));
                continue;
            }
            Some(id) => {
                numbering.take(&id);
                id
            }
            None => numbering.slug_or_next(&name),
        };
        let mut fields = vec![("name", name)];
        for key in ["region", "team"] {
            if let Some(v) = cell(row, key) {
                fields.push((key, v));
            }
        }
        new.push(NewOwner { row: n, id, fields });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    for o in &new {
        summary.changes.push(Change {
            outcome: Outcome::Created,
            rel: format!("{CONFIG_FILE} [[owners]] {}", o.id),
            rows: vec![o.row],
            detail: String::new(),
        });
    }
    if !repeated.is_empty() {
        summary.notes.push(format!(
            "{} row(s) ({}) repeat an owner of an earlier row: imported once",
            repeated.len(),
            super::rows_list(&repeated)
        ));
    }
    Ok((append(text, &new)?, kept))
}

/// The pipeline.toml text with the new owners appended after the last `[[owners]]`.
fn append(text: &str, new: &[NewOwner]) -> Result<String, Vec<RowError>> {
    let mut doc: DocumentMut = text.parse().map_err(|e| {
        vec![RowError::new(
            None,
            None,
            format!("{CONFIG_FILE} is not valid TOML, fix it first: {e}"),
        )]
    })?;
    let owners = doc
        .entry("owners")
        .or_insert(Item::ArrayOfTables(Default::default()));
    let Some(owners) = owners.as_array_of_tables_mut() else {
        return Err(vec![RowError::new(
            None,
            None,
            format!("{CONFIG_FILE}: `owners` is not a list of [[owners]] tables"),
        )]);
    };
    for o in new {
        let mut t = TomlTable::new();
        t.insert("id", Item::Value(Value::from(o.id.as_str())));
        for (key, value) in &o.fields {
            t.insert(key, Item::Value(Value::from(value.as_str())));
        }
        owners.push(t);
    }
    Ok(doc.to_string())
}
