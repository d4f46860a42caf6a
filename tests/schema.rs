//! `salesbook schema`: the JSON Schemas written from the loader's field
//! declarations accept every record of the sample, reject what `check` rejects
//! for a schema's reasons, and name exactly the fields the loader knows.

mod common;

use std::path::Path;

use serde_json::{Value, json};

use common::{base, files, read, salesbook, sample};

const KINDS: [&str; 6] = ["pipeline", "lead", "customer", "deal", "month", "case"];

/// `salesbook schema --out DIR`, returning each kind's schema.
fn schemas(dir: &Path) -> Vec<(&'static str, Value)> {
    let (code, _, err) = salesbook(&sample(), &["schema", "--out", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    KINDS
        .iter()
        .map(|k| {
            let text = read(&dir.join(format!("{k}.schema.json")));
            (*k, serde_json::from_str(&text).unwrap())
        })
        .collect()
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("a valid draft 2020-12 schema")
}

/// The kind a data file belongs to, from its folder.
fn kind_of(rel: &Path) -> Option<&'static str> {
    let first = rel.components().next()?.as_os_str().to_str()?;
    Some(match first {
        "pipeline.toml" => "pipeline",
        "leads" => "lead",
        "customers" => "customer",
        "deals" => "deal",
        "months" => "month",
        "cases" => "case",
        _ => return None,
    })
}

/// A record's TOML (front matter for Markdown) as JSON, dates as strings, the
/// way an editor hands a TOML document to a JSON Schema.
fn as_json(path: &Path) -> Value {
    let text = read(path);
    let toml_text = if path.extension().is_some_and(|e| e == "md") {
        salesbook::load::split_front_matter(&text)
            .unwrap_or_else(|_| panic!("{} has front matter", path.display()))
            .toml
            .to_string()
    } else {
        text
    };
    let value: toml::Value = toml::from_str(&toml_text).unwrap();
    to_json(value)
}

fn to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => s.into(),
        toml::Value::Integer(i) => i.into(),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => b.into(),
        toml::Value::Datetime(d) => d.to_string().into(),
        toml::Value::Array(a) => a.into_iter().map(to_json).collect(),
        toml::Value::Table(t) => t.into_iter().map(|(k, v)| (k, to_json(v))).collect(),
    }
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn one_draft_2020_12_schema_per_kind_with_bilingual_descriptions() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("schemas");
    let schemas = schemas(&out);
    let mut names: Vec<_> = files(&out)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "case.schema.json",
            "customer.schema.json",
            "deal.schema.json",
            "lead.schema.json",
            "month.schema.json",
            "pipeline.schema.json"
        ]
    );
    for (kind, schema) in &schemas {
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{kind}"
        );
        assert_eq!(schema["type"], "object");
        validator(schema);
        // Every property says what it is in Chinese and in English.
        for (name, p) in schema["properties"].as_object().unwrap() {
            let d = p["description"].as_str().unwrap_or_default();
            let (zh, en) = d.split_once("\n\n").unwrap_or_default();
            assert!(
                zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{kind}.{name}: {d:?}"
            );
            assert!(en.chars().any(|c| c.is_ascii_alphabetic()), "{kind}.{name}");
        }
    }
    let lead = &schemas[1].1;
    assert_eq!(
        lead["properties"]["status"]["enum"],
        json!(["new", "contacted", "nurturing", "converted", "invalid"])
    );
    assert_eq!(lead["properties"]["match"]["minimum"], 0);
    assert_eq!(lead["properties"]["match"]["maximum"], 100);
    assert_eq!(lead["properties"]["acquired"]["$ref"], "#/$defs/date");
    assert_eq!(lead["$defs"]["date"]["anyOf"][0]["format"], "date");
    assert_eq!(
        lead["$defs"]["date-time"]["anyOf"][0]["format"],
        "date-time"
    );
    assert_eq!(
        lead["required"],
        json!([
            "source", "acquired", "company", "industry", "contact", "owner", "status"
        ])
    );
    let pipeline = &schemas[0].1;
    assert_eq!(pipeline["properties"]["owners"]["minItems"], 1);
    assert_eq!(
        pipeline["properties"]["owners"]["items"]["properties"]["id"]["$ref"],
        "#/$defs/id"
    );
}

#[test]
fn every_record_of_the_sample_validates() {
    let tmp = tempfile::tempdir().unwrap();
    let schemas = schemas(tmp.path());
    let validators: Vec<_> = schemas.iter().map(|(k, s)| (*k, validator(s))).collect();
    let data = sample();
    let mut checked = std::collections::BTreeMap::<&str, usize>::new();
    for path in files(&data) {
        let rel = path.strip_prefix(&data).unwrap();
        let Some(kind) = kind_of(rel) else { continue };
        let (_, v) = validators.iter().find(|(k, _)| *k == kind).unwrap();
        let errs = errors(v, &as_json(&path));
        assert!(errs.is_empty(), "{}: {errs:#?}", rel.display());
        *checked.entry(kind).or_default() += 1;
    }
    assert_eq!(checked.len(), 6, "{checked:?}");
    assert!(checked["deal"] >= 40, "{checked:?}");
}

/// A mistake the schema should catch, made in the base repository's file of a kind.
struct Mistake {
    file: &'static str,
    kind: &'static str,
    find: &'static str,
    replace: &'static str,
    code: &'static str,
}

const MISTAKES: &[Mistake] = &[
    Mistake {
        file: "leads/LX001.toml",
        kind: "lead",
        find: "status = ",
        replace: "sourse = \"x\"\nstatus = ",
        code: "unknown-field",
    },
    Mistake {
        file: "leads/LX001.toml",
        kind: "lead",
        find: "status = \"converted\"",
        replace: "status = \"done\"",
        code: "invalid-value",
    },
    Mistake {
        file: "leads/LX001.toml",
        kind: "lead",
        find: "company = ",
        replace: "match = 120\ncompany = ",
        code: "out-of-range",
    },
    Mistake {
        file: "leads/LX001.toml",
        kind: "lead",
        find: "industry = ",
        replace: "budget_confirmed = \"yes\"\nindustry = ",
        code: "wrong-type",
    },
    Mistake {
        file: "deals/a-tech-2023.toml",
        kind: "deal",
        find: "owner = \"lisi\"\n",
        replace: "",
        code: "missing-field",
    },
    Mistake {
        file: "deals/a-tech-2023.toml",
        kind: "deal",
        find: "amount = 500000",
        replace: "amount = -5",
        code: "out-of-range",
    },
    Mistake {
        file: "pipeline.toml",
        kind: "pipeline",
        find: "[team]",
        replace: "[team]\nlanguage = \"fr\"",
        code: "invalid-value",
    },
    Mistake {
        file: "customers/a-tech.md",
        kind: "customer",
        find: "industry = ",
        replace: "priority = \"urgent\"\nindustry = ",
        code: "invalid-value",
    },
    Mistake {
        file: "cases/a-tech-win.md",
        kind: "case",
        find: "date = 2023-10-30",
        replace: "date = 1899-01-01",
        code: "out-of-range",
    },
];

/// The guard fires: each mistake fails the schema and `check` with the same code.
#[test]
fn schemas_reject_what_check_rejects() {
    let tmp = tempfile::tempdir().unwrap();
    let schemas = schemas(&tmp.path().join("schemas"));
    for (i, m) in MISTAKES.iter().enumerate() {
        let data = tmp.path().join(format!("m{i}"));
        base::write_base(&data);
        let path = data.join(m.file);
        let text = read(&path);
        assert!(text.contains(m.find), "{}: {:?}", m.file, m.find);
        let changed = text.replacen(m.find, m.replace, 1);
        std::fs::write(&path, &changed).unwrap();

        let (_, schema) = schemas.iter().find(|(k, _)| *k == m.kind).unwrap();
        let errs = errors(&validator(schema), &as_json(&path));
        assert!(!errs.is_empty(), "{} passes the schema: {changed}", m.file);

        let (code, out, _) = salesbook(&data, &["--format", "json", "check"]);
        assert_eq!(code, 1, "{}", m.replace);
        assert!(out.contains(&format!("\"code\":\"{}\"", m.code)), "{out}");
    }
    // And the base repository itself passes both.
    let data = tmp.path().join("clean");
    base::write_base(&data);
    let (code, out, _) = salesbook(&data, &["check"]);
    assert_eq!(code, 0, "{out}");
    for (rel, kind) in [
        ("pipeline.toml", "pipeline"),
        ("leads/LX001.toml", "lead"),
        ("customers/a-tech.md", "customer"),
        ("deals/a-tech-2023.toml", "deal"),
        ("months/2023-10.md", "month"),
        ("cases/a-tech-win.md", "case"),
    ] {
        let (_, schema) = schemas.iter().find(|(k, _)| *k == kind).unwrap();
        let errs = errors(&validator(schema), &as_json(&data.join(rel)));
        assert!(errs.is_empty(), "{rel}: {errs:#?}");
    }
}

/// A value of a property's type, for a TOML file.
fn example(p: &Value, defs: &Value) -> Option<String> {
    if let Some(r) = p["$ref"].as_str() {
        return match r {
            "#/$defs/date" => Some("2023-10-09".into()),
            "#/$defs/date-time" => Some("2023-10-09T10:00:00".into()),
            "#/$defs/id" => Some("\"x1\"".into()),
            _ => example(&defs[r.trim_start_matches("#/$defs/")], defs),
        };
    }
    if let Some(first) = p["enum"].get(0) {
        return Some(first.to_string());
    }
    match p["type"].as_str()? {
        "string" => Some("\"x\"".into()),
        "number" => Some(p["minimum"].as_f64().unwrap_or(1.0).max(1.0).to_string()),
        "boolean" => Some("true".into()),
        "array" if p["items"]["type"] == "string" => Some("[\"x\"]".into()),
        _ => None, // tables: their own fields are covered by the loader's own test
    }
}

/// Vice versa, from outside: a lead or deal holding any property of its schema
/// gets no `unknown-field` from `check`, and a name not in the schema does.
#[test]
fn the_loader_knows_exactly_the_schema_fields() {
    let tmp = tempfile::tempdir().unwrap();
    let schemas = schemas(&tmp.path().join("schemas"));
    for (kind, rel, before) in [
        ("lead", "leads/LX001.toml", "status = "),
        ("deal", "deals/a-tech-2023.toml", "[[stages]]"),
    ] {
        let (_, schema) = schemas.iter().find(|(k, _)| *k == kind).unwrap();
        let props = schema["properties"].as_object().unwrap();
        let data = tmp.path().join(kind);
        base::write_base(&data);
        let path = data.join(rel);
        let text = read(&path);
        let mut tried = 0;
        for (name, p) in props {
            let already = text.lines().any(|l| l.starts_with(&format!("{name} =")));
            let Some(value) = example(p, &schema["$defs"]) else {
                continue;
            };
            if already {
                continue;
            }
            let changed = text.replacen(before, &format!("{name} = {value}\n{before}"), 1);
            std::fs::write(&path, changed).unwrap();
            let (_, out, _) = salesbook(&data, &["--format", "json", "check"]);
            assert!(
                !out.contains("\"code\":\"unknown-field\""),
                "{kind}.{name} = {value}: {out}"
            );
            tried += 1;
        }
        assert!(tried >= 4, "{kind}: {tried}");
        let changed = text.replacen(before, &format!("not_a_field = 1\n{before}"), 1);
        std::fs::write(&path, changed).unwrap();
        let (_, out, _) = salesbook(&data, &["--format", "json", "check"]);
        assert!(out.contains("\"code\":\"unknown-field\""), "{out}");
        assert!(!props.contains_key("not_a_field"));
    }
}

#[test]
fn init_writes_the_schemas_and_a_taplo_config() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let (code, _, err) = salesbook(&sample(), &["init", repo.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let out = tmp.path().join("fresh");
    for (kind, schema) in schemas(&out) {
        let written: Value =
            serde_json::from_str(&read(&repo.join(format!("schemas/{kind}.schema.json")))).unwrap();
        assert_eq!(written, schema, "{kind}");
    }
    let taplo: toml::Value = toml::from_str(&read(&repo.join(".taplo.toml"))).unwrap();
    let rules = taplo["rule"].as_array().unwrap();
    let mut pairs = Vec::new();
    for r in rules {
        let path = r["schema"]["path"].as_str().unwrap();
        assert!(repo.join(path).is_file(), "{path}");
        for inc in r["include"].as_array().unwrap() {
            pairs.push((inc.as_str().unwrap().to_string(), path.to_string()));
        }
    }
    assert!(pairs.contains(&(
        "leads/**/*.toml".into(),
        "./schemas/lead.schema.json".into()
    )));
    assert!(pairs.contains(&(
        "deals/**/*.toml".into(),
        "./schemas/deal.schema.json".into()
    )));
    // The new repository's own records validate against what init wrote.
    let lead =
        validator(&serde_json::from_str(&read(&repo.join("schemas/lead.schema.json"))).unwrap());
    assert!(errors(&lead, &as_json(&repo.join("leads/LX001.toml"))).is_empty());
    // And the schemas are not records: the new repository checks clean.
    let (code, out, err) = salesbook(&repo, &["check"]);
    assert_eq!(code, 0, "{out}{err}");
}
