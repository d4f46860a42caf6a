//! `check --format github` and `--format sarif`: the same diagnostics as
//! `--format json`, at the file's path inside the repository.

mod common;

use common::{copy_dir, salesbook, sample};

#[test]
fn review_annotations_name_the_repository_path_of_each_mistake() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("team");
    let data = repo.join("data");
    copy_dir(&sample(), &data);
    // A repository whose data folder is `data/` (only its `.git` is looked for).
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let lead = data.join("leads/LX001.toml");
    let text = std::fs::read_to_string(&lead).unwrap();
    std::fs::write(
        &lead,
        text.replace("owner = \"lisi\"", "owner = \"nobody\""),
    )
    .unwrap();

    let (code, json, _) = salesbook(&data, &["check", "--format", "json"]);
    assert_eq!(code, 1);
    let diags: Vec<serde_json::Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let owner = diags
        .iter()
        .find(|d| d["code"] == "dangling-reference")
        .expect("the planted mistake");
    assert_eq!(owner["file"], "leads/LX001.toml");

    let (code, gh, _) = salesbook(&data, &["check", "--format", "github"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = gh.lines().collect();
    assert_eq!(lines.len(), diags.len(), "{gh}");
    for (l, d) in lines.iter().zip(&diags) {
        let kind = if d["severity"] == "error" {
            "error"
        } else {
            "warning"
        };
        let head = format!(
            "::{kind} file=data/{},line={},col={},title={}::",
            d["file"].as_str().unwrap().replace(',', "%2C"),
            d["line"],
            d["column"],
            d["code"].as_str().unwrap()
        );
        assert!(l.starts_with(&head), "{l}\nwanted {head}");
    }

    let (code, sarif, _) = salesbook(&data, &["check", "--format", "sarif"]);
    assert_eq!(code, 1);
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(log["version"], "2.1.0");
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), diags.len());
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for (r, d) in results.iter().zip(&diags) {
        assert_eq!(r["ruleId"], d["code"]);
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            d["code"]
        );
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        // The sample's file names are ASCII, so the URI is the path itself.
        assert!(
            repo.join(uri).is_file(),
            "{uri} is no file of the repository"
        );
        assert_eq!(loc["region"]["startLine"], d["line"]);
        assert_eq!(loc["region"]["startColumn"], d["column"]);
    }

    // Outside a repository the path is the data folder's from the current one;
    // other commands refuse the formats.
    let (code, _, err) = salesbook(&data, &["report", "--format", "sarif"]);
    assert_eq!(code, 2, "{err}");
}

/// The SARIF 2.1.0 schema, vendored (tests/fixtures/sarif/README.md).
fn sarif_schema() -> jsonschema::Validator {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    let schema: serde_json::Value = serde_json::from_str(&common::read(&path)).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid_sarif(log: &serde_json::Value) {
    let v = sarif_schema();
    let errors: Vec<String> = v
        .iter_errors(log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn the_sarif_log_of_the_sample_validates_and_the_check_fires() {
    let (code, sarif, _) = salesbook(&sample(), &["check", "--format", "sarif"]);
    assert_eq!(code, 0);
    let log: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert!(!log["runs"][0]["results"].as_array().unwrap().is_empty());
    assert_valid_sarif(&log);
    // The validator is not a formality: a level SARIF does not know fails it.
    let mut bad = log.clone();
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!sarif_schema().is_valid(&bad));
}
