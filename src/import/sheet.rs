//! Reading the rows of a CSV file (UTF-8, with or without BOM) or an xlsx workbook
//! (the first sheet, or a named one) into text and number cells.

use std::path::Path;

use calamine::{Data, Reader};
use chrono::NaiveDate;

/// One cell as the spreadsheet holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A number cell (xlsx); in a date column it is an Excel serial date.
    Number(f64),
    /// A cell formatted as a date (xlsx).
    Date(NaiveDate),
}

impl Cell {
    /// The cell as text, as a spreadsheet would show it (dates as ISO dates).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) => crate::format::trim_number(*n, 6),
            Cell::Date(d) => d.to_string(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text().is_empty()
    }
}

/// A table read from a file: the header row and the data rows.
#[derive(Debug, Default)]
pub struct Sheet {
    pub headers: Vec<String>,
    /// Row number of the header as a spreadsheet shows it (1 unless blank rows precede it).
    pub header_row: usize,
    pub rows: Vec<Row>,
}

#[derive(Debug)]
pub struct Row {
    /// 1-based, counting the header row, as a spreadsheet shows it.
    pub number: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn cell(&self, column: usize) -> &Cell {
        self.cells.get(column).unwrap_or(&Cell::Empty)
    }
}

/// Reads `path`: `.xlsx`/`.xlsm`/`.xls`/`.ods` as a workbook, anything else as CSV.
pub fn read(path: &Path, sheet: Option<&str>) -> Result<Sheet, String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let grid = if matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods") {
        read_workbook(path, sheet)?
    } else {
        if sheet.is_some() {
            return Err("--sheet applies to xlsx workbooks only".into());
        }
        read_csv(path)?
    };
    Ok(from_grid(grid))
}

/// Rows of cells with their spreadsheet row numbers; the first non-blank row is the header.
fn from_grid(grid: Vec<(usize, Vec<Cell>)>) -> Sheet {
    let mut rows = grid
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()));
    let Some((header_row, header)) = rows.next() else {
        // An empty file: row 1 is where its header is missing (found by fuzzing:
        // messages said "row 0").
        return Sheet {
            header_row: 1,
            ..Sheet::default()
        };
    };
    let headers = header
        .iter()
        .map(|c| c.text().trim_start_matches('\u{feff}').trim().to_string())
        .collect();
    Sheet {
        headers,
        header_row,
        rows: rows.map(|(number, cells)| Row { number, cells }).collect(),
    }
}

fn read_csv(path: &Path) -> Result<Vec<(usize, Vec<Cell>)>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    csv_grid(&bytes, path)
}

/// What [`read`] makes of CSV bytes; the fuzz targets call it without a file.
#[doc(hidden)]
pub fn csv_from_bytes(bytes: &[u8]) -> Result<Sheet, String> {
    csv_grid(bytes, Path::new("input.csv")).map(from_grid)
}

/// What [`read`] makes of workbook bytes (xlsx, xls, xlsb, ods); for the fuzz targets.
#[doc(hidden)]
pub fn workbook_from_bytes(bytes: Vec<u8>, sheet: Option<&str>) -> Result<Sheet, String> {
    let path = Path::new("input.xlsx");
    let book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    workbook_grid(book, path, sheet).map(from_grid)
}

/// Reads the sheet, turning a panic inside calamine into an error: a malformed
/// workbook must not abort the import (found by fuzzing: a cell reference with
/// many column letters overflows calamine 0.38's arithmetic, a panic in builds
/// with overflow checks).
fn workbook_grid<RS: std::io::Read + std::io::Seek>(
    book: calamine::Sheets<RS>,
    path: &Path,
    sheet: Option<&str>,
) -> Result<Vec<(usize, Vec<Cell>)>, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        sheet_grid(book, path, sheet)
    }))
    .unwrap_or_else(|_| {
        Err(format!(
            "cannot read {}: the workbook is malformed",
            path.display()
        ))
    })
}

/// `path` only names the file in messages.
fn csv_grid(bytes: &[u8], path: &Path) -> Result<Vec<(usize, Vec<Cell>)>, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(format!(
            "{} is not UTF-8 (invalid byte at offset {}): save it as \"CSV UTF-8\"",
            path.display(),
            e.valid_up_to()
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut grid = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
        // The record's position among records: a quoted cell spanning lines is one row.
        let number = grid.len() + 1;
        let cells = record
            .iter()
            .map(|s| {
                if s.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.to_string())
                }
            })
            .collect();
        grid.push((number, cells));
    }
    Ok(grid)
}

fn read_workbook(path: &Path, sheet: Option<&str>) -> Result<Vec<(usize, Vec<Cell>)>, String> {
    let book = calamine::open_workbook_auto(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    workbook_grid(book, path, sheet)
}

fn sheet_grid<RS: std::io::Read + std::io::Seek>(
    mut book: calamine::Sheets<RS>,
    path: &Path,
    sheet: Option<&str>,
) -> Result<Vec<(usize, Vec<Cell>)>, String> {
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) => names
            .iter()
            .find(|n| n.as_str() == s)
            .cloned()
            .ok_or_else(|| {
                format!(
                    "{} has no sheet `{s}`; its sheets: {}",
                    path.display(),
                    names.join(", ")
                )
            })?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| format!("{} has no sheets", path.display()))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| format!("cannot read sheet `{name}` of {}: {e}", path.display()))?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            // Columns before the range's start are empty: keep positions stable.
            let mut cells = vec![Cell::Empty; first_col as usize];
            cells.extend(row.iter().map(cell));
            (first_row as usize + i + 1, cells)
        })
        .collect())
}

fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            if s.trim().is_empty() {
                Cell::Empty
            } else {
                Cell::Text(s.clone())
            }
        }
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(y.into(), m.into(), d.into())
                .map_or(Cell::Number(dt.as_f64()), Cell::Date)
        }
    }
}
