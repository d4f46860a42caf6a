//! `salesbook schema`: a JSON Schema (draft 2020-12) per TOML record kind,
//! written from the shapes the loader reads (`load::shape`), so that editors
//! (taplo, Even Better TOML) complete fields and mark mistakes while typing.
//! TOML dates and date-times are strings here, as editors hand them to a schema.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use crate::load::shape::{self, Keys, Shape, Ty};
use crate::load::{FIRST_DATE, LAST_DATE};
use crate::metrics::KPIS;

const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// `(file name, schema text)` for every kind: `lead.schema.json`, …
pub fn all() -> Vec<(String, String)> {
    shape::KINDS
        .iter()
        .map(|(kind, shape)| {
            let text = serde_json::to_string_pretty(&schema(kind, shape)).expect("JSON values");
            (format!("{kind}.schema.json"), text + "\n")
        })
        .collect()
}

/// Writes every schema into `dir` (created if missing), each atomically;
/// returns the paths written.
pub fn write(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for (name, text) in all() {
        let path = dir.join(name);
        crate::atomic::write(&path, text.as_bytes(), ".tmp")?;
        written.push(path);
    }
    Ok(written)
}

/// The schema of one record kind.
pub fn schema(kind: &str, shape: &Shape) -> Value {
    let mut root = Map::new();
    root.insert("$schema".into(), DRAFT.into());
    root.insert("title".into(), format!("salesbook {kind}").into());
    let Value::Object(body) = object(shape) else {
        unreachable!("a shape is an object")
    };
    root.extend(body);
    root.insert("$defs".into(), defs());
    Value::Object(root)
}

fn description(zh: &str, en: &str) -> Value {
    format!("{zh}\n\n{en}").into()
}

/// Dates from [`FIRST_DATE`] to [`LAST_DATE`]: 1970–2199.
fn year_pattern() -> String {
    debug_assert_eq!(
        (FIRST_DATE.to_string(), LAST_DATE.to_string()),
        ("1970-01-01".into(), "2199-12-31".into())
    );
    "^(19[7-9][0-9]|2[01][0-9][0-9])-".into()
}

fn defs() -> Value {
    let local = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$";
    json!({
        "date": {
            "type": "string",
            "description": description(
                &format!("TOML 日期（不加引号），{FIRST_DATE} 至 {LAST_DATE}；日期时间按团队时区的日期计"),
                &format!("A TOML date (no quotes), {FIRST_DATE} to {LAST_DATE}; a date-time counts by its date in the team's zone"),
            ),
            "pattern": year_pattern(),
            "anyOf": [{ "format": "date" }, { "$ref": "#/$defs/date-time" }],
        },
        "date-time": {
            "type": "string",
            "description": description(
                "TOML 日期时间（不加引号），可带时区偏移；不带时为团队时区",
                "A TOML date-time (no quotes), with or without an offset; without one it is in the team's zone",
            ),
            "pattern": year_pattern(),
            "anyOf": [{ "format": "date-time" }, { "pattern": local }],
        },
        "id": {
            "type": "string",
            "description": description(
                "1–100 个字母、数字、-、_ 或 .，不以 . 开头",
                "1–100 letters, digits, -, _ or ., not starting with .",
            ),
            "pattern": r"^[\p{L}\p{N}_-][\p{L}\p{N}_.-]{0,99}$",
        },
    })
}

/// A table: its declared fields, `[extra]` where allowed, free keys where declared.
fn object(shape: &Shape) -> Value {
    let mut properties = Map::new();
    for f in shape.fields {
        let mut v = value(&f.ty);
        if let (Value::Object(m), Ty::Tables(_)) = (&mut v, &f.ty)
            && f.required
        {
            m.insert("minItems".into(), 1.into());
        }
        if let Value::Object(m) = &mut v {
            m.insert("description".into(), description(f.zh, f.en));
        }
        properties.insert(f.name.into(), v);
    }
    if shape.extra {
        properties.insert(
            "extra".into(),
            json!({
                "type": "object",
                "description": description("自定义字段，原样显示", "Custom fields, shown as they are"),
            }),
        );
    }
    let required: Vec<&str> = shape
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    let mut m = Map::new();
    m.insert("type".into(), "object".into());
    m.insert("description".into(), description(shape.zh, shape.en));
    m.insert("properties".into(), properties.into());
    if !required.is_empty() {
        m.insert("required".into(), json!(required));
    }
    match shape.others {
        None => {
            m.insert("additionalProperties".into(), false.into());
        }
        Some((keys, ty)) => {
            m.insert("additionalProperties".into(), value(&ty));
            if keys == Keys::Kpi {
                let mut names: Vec<&str> = KPIS.iter().map(|k| k.key).collect();
                names.extend(shape.fields.iter().map(|f| f.name));
                m.insert("propertyNames".into(), json!({ "enum": names }));
            }
        }
    }
    Value::Object(m)
}

fn value(ty: &Ty) -> Value {
    match ty {
        Ty::String => json!({ "type": "string" }),
        Ty::Id => json!({ "$ref": "#/$defs/id" }),
        Ty::Strings => json!({ "type": "array", "items": { "type": "string" } }),
        Ty::Bool => json!({ "type": "boolean" }),
        Ty::Date => json!({ "$ref": "#/$defs/date" }),
        Ty::DateTime => json!({ "$ref": "#/$defs/date-time" }),
        Ty::Number { min, max } => {
            let mut m = Map::new();
            m.insert("type".into(), "number".into());
            if let Some(min) = min {
                m.insert("minimum".into(), number(*min));
            }
            if let Some(max) = max {
                m.insert("maximum".into(), number(*max));
            }
            Value::Object(m)
        }
        Ty::Choice(names) => json!({ "type": "string", "enum": names }),
        Ty::Table(s) => object(s),
        Ty::Tables(s) => json!({ "type": "array", "items": object(s) }),
    }
}

/// Whole bounds as integers (`0`, not `0.0`).
fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        (n as i64).into()
    } else {
        n.into()
    }
}
