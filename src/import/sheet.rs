//! Reading the rows of a CSV file (UTF-8 with or without BOM, UTF-16, GBK or
//! GB18030) or an xlsx workbook (the first sheet, or a named one) into text and
//! number cells, within [`limits`].

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
    /// The encoding a CSV file was read in, when not UTF-8 (said in a note).
    pub encoding: Option<Encoding>,
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

/// What one import reads at most. salesbook is built for 100,000 records; a
/// file far beyond that is a mistake (the wrong file, `/dev/zero`, a sheet
/// with a stray cell at XFD1048576, a zip bomb) and is refused before it is
/// read into memory, with what to do instead.
pub mod limits {
    /// Bytes of the file itself.
    pub const FILE_BYTES: u64 = 100 << 20;
    /// Bytes a workbook (a zip archive) may unpack to.
    pub const UNPACKED_BYTES: u64 = 1 << 30;
    /// Rows, the header and blank rows included.
    pub const ROWS: usize = 200_000;
    /// Columns up to the last non-empty cell of a row.
    pub const COLUMNS: usize = 1_000;
    /// Cells held, counted up to the last non-empty cell of each row.
    pub const CELLS: usize = 8_000_000;
    /// Characters of a header kept (longer ones cannot name a column anyway).
    pub const HEADER_CHARS: usize = 80;
}

/// A text encoding a CSV file may be in (`--encoding`; detected when not given).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    /// With a byte-order mark; little-endian without one.
    Utf16,
    Gbk,
    Gb18030,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf16 => "UTF-16",
            Encoding::Gbk => "GBK",
            Encoding::Gb18030 => "GB18030",
        }
    }
}

/// Reads `path`: `.xlsx`/`.xlsm`/`.xlsb`/`.xls` as a workbook, anything else as
/// CSV (in `encoding`, or detected). Only a regular file is read (never a FIFO
/// or a device, which would hang or never end), within [`limits`].
pub fn read(path: &Path, sheet: Option<&str>, encoding: Option<Encoding>) -> Result<Sheet, String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext == "ods" {
        // calamine expands an ODS sheet's repeated cells into a dense range
        // with no bound: a few KB can ask for hundreds of GB.
        return Err(format!(
            "{} is an OpenDocument sheet, which import does not read: save it as .xlsx or \"CSV UTF-8\"",
            path.display()
        ));
    }
    let workbook = matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls");
    if workbook && encoding.is_some() {
        return Err("--encoding applies to CSV files only".into());
    }
    if !workbook && sheet.is_some() {
        return Err("--sheet applies to xlsx workbooks only".into());
    }
    let bytes = read_file(path)?;
    if workbook {
        workbook_from_path_bytes(bytes, path, sheet)
    } else {
        csv_sheet(&bytes, path, encoding)
    }
}

/// The bytes of a regular file of at most [`limits::FILE_BYTES`].
fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(format!(
            "{} is not a regular file (a folder, a pipe or a device): import reads a .csv or .xlsx file",
            path.display()
        ));
    }
    let too_big = || {
        format!(
            "{} is larger than {} MB, more than import reads at once: split it into files of at most {} rows and import them one after the other",
            path.display(),
            limits::FILE_BYTES >> 20,
            limits::ROWS
        )
    };
    if meta.len() > limits::FILE_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limits::FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    if bytes.len() as u64 > limits::FILE_BYTES {
        return Err(too_big());
    }
    Ok(bytes)
}

/// Rows of cells with their spreadsheet row numbers, within [`limits`].
struct Grid<'a> {
    path: &'a Path,
    rows: Vec<(usize, Vec<Cell>)>,
    cells: usize,
}

impl<'a> Grid<'a> {
    fn new(path: &'a Path) -> Self {
        Grid {
            path,
            rows: Vec::new(),
            cells: 0,
        }
    }

    /// Adds row `number` (1-based) without its trailing empty cells.
    fn push(&mut self, number: usize, mut cells: Vec<Cell>) -> Result<(), String> {
        while cells.last().is_some_and(Cell::is_empty) {
            cells.pop();
        }
        if cells.len() > limits::COLUMNS {
            return Err(beyond(self.path, number, cells.len()));
        }
        self.cells += cells.len();
        if self.rows.len() >= limits::ROWS || self.cells > limits::CELLS {
            return Err(too_large(self.path));
        }
        self.rows.push((number, cells));
        Ok(())
    }
}

/// A file over [`limits::ROWS`] or [`limits::CELLS`].
fn too_large(path: &Path) -> String {
    format!(
        "{} has more than {} rows or {} cells, more than import reads at once: split it into files of at most {} rows and import them one after the other",
        path.display(),
        limits::ROWS,
        limits::CELLS,
        limits::ROWS
    )
}

/// A cell right of the last column a table may have.
fn beyond(path: &Path, row: usize, column: usize) -> String {
    format!(
        "{}: row {row} has a cell in column {} ({column}), far right of any table (at most {} columns): delete it, or copy the table alone into a new file",
        path.display(),
        column_letters(column),
        limits::COLUMNS
    )
}

/// `1` → `A`, `28` → `AB`, as a spreadsheet names a column.
fn column_letters(mut n: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        let d = (n - 1) % 26;
        out.push(b'A' + d as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
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
        .map(|c| {
            let h = c.text();
            let h = h.trim_start_matches('\u{feff}').trim();
            match h.char_indices().nth(limits::HEADER_CHARS) {
                Some((at, _)) => format!("{}…", &h[..at]),
                None => h.to_string(),
            }
        })
        .collect();
    Sheet {
        headers,
        header_row,
        rows: rows.map(|(number, cells)| Row { number, cells }).collect(),
        encoding: None,
    }
}

/// What [`read`] makes of CSV bytes; the fuzz targets call it without a file.
#[doc(hidden)]
pub fn csv_from_bytes(bytes: &[u8]) -> Result<Sheet, String> {
    csv_sheet(bytes, Path::new("input.csv"), None)
}

/// What [`read`] makes of workbook bytes (xlsx, xls, xlsb); for the fuzz targets.
#[doc(hidden)]
pub fn workbook_from_bytes(bytes: Vec<u8>, sheet: Option<&str>) -> Result<Sheet, String> {
    workbook_from_path_bytes(bytes, Path::new("input.xlsx"), sheet)
}

/// `path` only names the file in messages.
fn workbook_from_path_bytes(
    bytes: Vec<u8>,
    path: &Path,
    sheet: Option<&str>,
) -> Result<Sheet, String> {
    if bytes.starts_with(b"PK") {
        unpacked_within(&bytes, path, limits::UNPACKED_BYTES)?;
    }
    let book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    workbook_grid(book, path, sheet).map(from_grid)
}

/// Refuses a zip archive that unpacks to more than `limit` bytes (counted by
/// unpacking it: the sizes an archive declares can lie), before calamine holds
/// its parts in memory.
fn unpacked_within(bytes: &[u8], path: &Path, limit: u64) -> Result<(), String> {
    let malformed = |e: zip::result::ZipError| format!("cannot read {}: {e}", path.display());
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(malformed)?;
    let mut left = limit;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(malformed)?;
        let n = std::io::copy(
            &mut std::io::Read::take(entry, left + 1),
            &mut std::io::sink(),
        )
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if n > left {
            return Err(format!(
                "{} unpacks to more than {} MB: it is not a table import can read (save the table alone as .xlsx or CSV)",
                path.display(),
                limit >> 20
            ));
        }
        left -= n;
    }
    Ok(())
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

/// CSV bytes in `encoding`, or in the one detected: a byte-order mark (UTF-8,
/// UTF-16), else UTF-8 when the bytes are valid UTF-8, else GB18030 (which
/// holds GBK, what Chinese Excel saves "CSV" as) when they are valid GB18030.
/// `path` only names the file in messages.
fn csv_sheet(bytes: &[u8], path: &Path, encoding: Option<Encoding>) -> Result<Sheet, String> {
    let (text, used) = decode(bytes, path, encoding)?;
    let mut sheet = from_grid(csv_grid(text.as_bytes(), path)?);
    sheet.encoding = used.filter(|e| *e != Encoding::Utf8);
    Ok(sheet)
}

fn decode(
    bytes: &[u8],
    path: &Path,
    encoding: Option<Encoding>,
) -> Result<(String, Option<Encoding>), String> {
    use encoding_rs::{GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE};
    let (bom, rest) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((e, n)) => (Some(e), &bytes[n..]),
        None => (None, bytes),
    };
    let (codec, used) = match (encoding, bom) {
        (Some(Encoding::Utf16), Some(e)) if e != UTF_8 => (e, Encoding::Utf16),
        (Some(Encoding::Utf16), _) => (UTF_16LE, Encoding::Utf16),
        (Some(Encoding::Utf8), _) => (UTF_8, Encoding::Utf8),
        (Some(Encoding::Gbk), _) => (GBK, Encoding::Gbk),
        (Some(Encoding::Gb18030), _) => (GB18030, Encoding::Gb18030),
        (None, Some(e)) if e == UTF_16LE || e == UTF_16BE => (e, Encoding::Utf16),
        (None, _) if std::str::from_utf8(rest).is_ok() => (UTF_8, Encoding::Utf8),
        (None, Some(_)) => (UTF_8, Encoding::Utf8),
        (None, None)
            if GB18030
                .decode_without_bom_handling_and_without_replacement(rest)
                .is_some() =>
        {
            (GB18030, Encoding::Gb18030)
        }
        (None, None) => (UTF_8, Encoding::Utf8),
    };
    let rest = if bom.is_some_and(|b| b != codec) {
        bytes
    } else {
        rest
    };
    if let Some(text) = codec.decode_without_bom_handling_and_without_replacement(rest) {
        return Ok((text.into_owned(), Some(used)));
    }
    let at = first_bad_byte(codec, rest);
    let line = codec
        .decode_without_bom_handling(&rest[..at])
        .0
        .matches('\n')
        .count()
        + 1;
    let what = match encoding {
        Some(e) => format!("is not {}", e.name()),
        None => "is neither UTF-8 nor GBK/GB18030".to_string(),
    };
    Err(format!(
        "{} {what}: byte {} (0x{:02X}) on line {line} does not belong: save it as \"CSV UTF-8\", or name its encoding with --encoding utf-8|utf-16|gbk|gb18030",
        path.display(),
        at + (bytes.len() - rest.len()),
        rest[at]
    ))
}

/// Where the first malformed sequence of `bytes` in `codec` starts.
fn first_bad_byte(codec: &'static encoding_rs::Encoding, bytes: &[u8]) -> usize {
    let mut decoder = codec.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len() * 3 + 16),
    );
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        encoding_rs::DecoderResult::Malformed(bad, after) => read
            .saturating_sub(bad as usize + after as usize)
            .min(bytes.len().saturating_sub(1)),
        _ => read.min(bytes.len().saturating_sub(1)),
    }
}

/// `path` only names the file in messages.
fn csv_grid(bytes: &[u8], path: &Path) -> Result<Vec<(usize, Vec<Cell>)>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut grid = Grid::new(path);
    for record in reader.records() {
        let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
        // The record's position among records: a quoted cell spanning lines is one row.
        let number = grid.rows.len() + 1;
        let width = (0..record.len())
            .rev()
            .find(|&i| !record[i].trim().is_empty())
            .map_or(0, |i| i + 1);
        if width > limits::COLUMNS {
            return Err(beyond(path, number, width));
        }
        let cells = record
            .iter()
            .take(width)
            .map(|s| {
                if s.trim().is_empty() {
                    Cell::Empty
                } else {
                    Cell::Text(s.to_string())
                }
            })
            .collect();
        grid.push(number, cells)?;
    }
    Ok(grid.rows)
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
    let cannot = |e: &dyn std::fmt::Display| {
        format!("cannot read sheet `{name}` of {}: {e}", path.display())
    };
    // xlsx and xlsb are read cell by cell, so a stray far cell is refused
    // before calamine builds the dense range it spans; xls holds at most
    // 65,536 × 256 cells by its format.
    let mut cells = Cells::new(path);
    match &mut book {
        calamine::Sheets::Xlsx(x) => {
            let mut r = x.worksheet_cells_reader(&name).map_err(|e| cannot(&e))?;
            while let Some(c) = r.next_cell().map_err(|e| cannot(&e))? {
                cells.add(c.get_position(), &c.get_value().clone().into())?;
            }
        }
        calamine::Sheets::Xlsb(x) => {
            let mut r = x.worksheet_cells_reader(&name).map_err(|e| cannot(&e))?;
            while let Some(c) = r.next_cell().map_err(|e| cannot(&e))? {
                cells.add(c.get_position(), &c.get_value().clone().into())?;
            }
        }
        calamine::Sheets::Ods(_) => {
            return Err(format!(
                "{} is an OpenDocument sheet, which import does not read: save it as .xlsx or \"CSV UTF-8\"",
                path.display()
            ));
        }
        other => {
            let range = other.worksheet_range(&name).map_err(|e| cannot(&e))?;
            for (r, c, v) in range.used_cells() {
                let (r0, c0) = range.start().unwrap_or((0, 0));
                cells.add((r0 + r as u32, c0 + c as u32), v)?;
            }
        }
    }
    cells.grid()
}

/// The non-empty cells of a sheet by row, within [`limits`].
struct Cells<'a> {
    path: &'a Path,
    rows: std::collections::BTreeMap<u32, Vec<(u32, Cell)>>,
    count: usize,
}

impl<'a> Cells<'a> {
    fn new(path: &'a Path) -> Self {
        Cells {
            path,
            rows: Default::default(),
            count: 0,
        }
    }

    fn add(&mut self, (row, col): (u32, u32), data: &Data) -> Result<(), String> {
        let value = cell(data);
        if value.is_empty() {
            return Ok(());
        }
        if col as usize >= limits::COLUMNS {
            return Err(beyond(self.path, row as usize + 1, col as usize + 1));
        }
        self.count += 1;
        if self.rows.len() > limits::ROWS || self.count > limits::CELLS {
            return Err(too_large(self.path));
        }
        self.rows.entry(row).or_default().push((col, value));
        Ok(())
    }

    fn grid(self) -> Result<Vec<(usize, Vec<Cell>)>, String> {
        let mut grid = Grid::new(self.path);
        for (row, mut cells) in self.rows {
            cells.sort_by_key(|c| c.0);
            let width = cells.last().map_or(0, |c| c.0 as usize + 1);
            let mut dense = vec![Cell::Empty; width];
            for (col, value) in cells {
                dense[col as usize] = value;
            }
            grid.push(row as usize + 1, dense)?;
        }
        Ok(grid.rows)
    }
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
            let (y, m, d, h, min, sec, _) = dt.to_ymd_hms_milli();
            match NaiveDate::from_ymd_opt(y.into(), m.into(), d.into()) {
                None => Cell::Number(dt.as_f64()),
                Some(date) if (h, min, sec) == (0, 0, 0) => Cell::Date(date),
                // A date-time cell keeps its time for the date-time fields; date
                // fields read the date part of the text.
                Some(date) => Cell::Text(format!("{date} {h:02}:{min:02}:{sec:02}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sheet: &Sheet) -> Vec<Vec<String>> {
        let mut out = vec![sheet.headers.clone()];
        out.extend(
            sheet
                .rows
                .iter()
                .map(|r| r.cells.iter().map(Cell::text).collect()),
        );
        out
    }

    const TABLE: &str = "客户名称,负责人\n润泽物流,李四\n鼎新信息,王五\n";

    #[test]
    fn csv_in_the_encodings_excel_saves() {
        let utf8 = csv_from_bytes(TABLE.as_bytes()).unwrap();
        assert_eq!(utf8.encoding, None);
        let (gbk, _, bad) = encoding_rs::GBK.encode(TABLE);
        assert!(!bad);
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(TABLE.encode_utf16().flat_map(u16::to_le_bytes));
        for (bytes, enc) in [(gbk.to_vec(), Encoding::Gb18030), (utf16, Encoding::Utf16)] {
            let sheet = csv_from_bytes(&bytes).unwrap();
            assert_eq!(texts(&sheet), texts(&utf8));
            assert_eq!(sheet.encoding, Some(enc));
        }
        // Named, GBK is read as GBK (and said so).
        let sheet = csv_sheet(&gbk, Path::new("t.csv"), Some(Encoding::Gbk)).unwrap();
        assert_eq!(
            (texts(&sheet), sheet.encoding),
            (texts(&utf8), Some(Encoding::Gbk))
        );
    }

    #[test]
    fn a_file_in_no_known_encoding_names_the_line_of_its_first_bad_byte() {
        // Latin-1 `é` (0xE9) before a comma is neither UTF-8 nor GB18030.
        let err = csv_from_bytes(b"name,owner\nok,lisi\ncaf\xE9,lisi\n").unwrap_err();
        assert!(
            err.contains("neither UTF-8 nor GBK/GB18030: byte 22 (0xE9) on line 3"),
            "{err}"
        );
        let (gbk, _, _) = encoding_rs::GBK.encode(TABLE);
        let err = csv_sheet(&gbk, Path::new("t.csv"), Some(Encoding::Utf8)).unwrap_err();
        assert!(
            err.contains("is not UTF-8: byte 0 (0xBF) on line 1"),
            "{err}"
        );
    }

    #[test]
    fn a_zip_that_unpacks_beyond_the_limit_is_refused_unread() {
        use std::io::Write;
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("xl/sharedStrings.xml", deflated).unwrap();
        zip.write_all(&vec![b'a'; 3 << 20]).unwrap();
        zip.finish().unwrap();
        let bytes = buf.into_inner();
        assert!(bytes.len() < 64 << 10, "{} bytes", bytes.len());
        let p = Path::new("bomb.xlsx");
        let err = unpacked_within(&bytes, p, 2 << 20).unwrap_err();
        assert!(err.contains("unpacks to more than 2 MB"), "{err}");
        assert!(unpacked_within(&bytes, p, 4 << 20).is_ok());
    }

    #[test]
    fn rows_and_columns_beyond_a_table_are_refused() {
        let wide = format!("{}\n", vec!["x"; limits::COLUMNS + 1].join(","));
        let err = csv_from_bytes(wide.as_bytes()).unwrap_err();
        assert!(
            err.contains("row 1 has a cell in column ALM (1001)"),
            "{err}"
        );
        // Trailing empty cells are not columns.
        let padded = format!("a,b{}\n1,2\n", ",".repeat(5000));
        assert_eq!(
            csv_from_bytes(padded.as_bytes()).unwrap().headers,
            ["a", "b"]
        );
        let long = "x\n".repeat(limits::ROWS + 1);
        let err = csv_from_bytes(long.as_bytes()).unwrap_err();
        assert!(err.contains("more than 200000 rows"), "{err}");
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(16384), "XFD");
    }

    #[test]
    fn a_header_of_a_megabyte_is_kept_short() {
        let text = format!("{},b\n1,2\n", "列".repeat(1 << 20));
        let sheet = csv_from_bytes(text.as_bytes()).unwrap();
        assert_eq!(sheet.headers[0].chars().count(), limits::HEADER_CHARS + 1);
    }
}
