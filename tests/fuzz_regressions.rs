//! Inputs the fuzz targets (fuzz/, docs/fuzzing.md) found crashing, fed through
//! the same public path as plain tests, so a fix cannot silently regress.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use salesbook::import::{self, Failure, Options, Table, sheet};
use tempfile::TempDir;

/// A valid data repository as `salesbook init` writes it.
fn repo() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let today = NaiveDate::from_ymd_opt(2024, 6, 15).unwrap();
    salesbook::author::init(
        dir.path(),
        salesbook::author::InitOptions {
            force: true,
            ..Default::default()
        },
        today,
    )
    .unwrap();
    dir
}

fn options(table: Table, file: PathBuf) -> Options {
    Options {
        table,
        file,
        sheet: None,
        encoding: None,
        map: None,
        update: false,
        dry_run: true,
        as_of: NaiveDate::from_ymd_opt(2024, 6, 30),
        rejects: None,
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz")
        .join(name)
}

/// import_csv: an empty file was reported on "row 0"; the header belongs on row 1.
#[test]
fn an_empty_csv_reports_its_missing_header_on_row_1() {
    let sheet = sheet::csv_from_bytes(b"").unwrap();
    assert_eq!(sheet.header_row, 1);
    assert!(sheet.headers.is_empty() && sheet.rows.is_empty());

    let dir = repo();
    let file = dir.path().join("empty.csv");
    std::fs::write(&file, "").unwrap();
    let Err(Failure::Invalid(errors)) = import::run(dir.path(), &options(Table::Customers, file))
    else {
        panic!("an empty file imports nothing");
    };
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].row, Some(1));
    assert!(
        errors[0]
            .message
            .contains("客户名称 (`name`), 行业 (`industry`)"),
        "{}",
        errors[0].message
    );
}

/// import_xlsx: a cell reference `AAAAAAAAAA1` overflows calamine's column
/// arithmetic (a panic wherever overflow checks are on, as in this test build);
/// the workbook is reported as malformed instead.
#[test]
fn a_cell_reference_with_ten_column_letters_is_a_malformed_workbook() {
    let path = fixture("long-column-letters.xlsx");
    let err = sheet::workbook_from_bytes(std::fs::read(&path).unwrap(), None).unwrap_err();
    assert_eq!(err, "cannot read input.xlsx: the workbook is malformed");

    let dir = repo();
    let Err(Failure::Usage(message)) = import::run(dir.path(), &options(Table::Customers, path))
    else {
        panic!("a malformed workbook is a usage error");
    };
    assert!(
        message.ends_with("long-column-letters.xlsx: the workbook is malformed"),
        "{message}"
    );
}
