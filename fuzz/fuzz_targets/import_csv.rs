//! `salesbook import` from CSV bytes: rows → columns → records → the loader and
//! every check, without writing files. The first byte picks the table and
//! `--update`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use salesbook::import::sheet;

fuzz_target!(|data: &[u8]| {
    let Some((table, update, bytes)) = salesbook_fuzz::split_table(data) else {
        return;
    };
    if let Ok(sheet) = sheet::csv_from_bytes(bytes) {
        salesbook_fuzz::import_rows(table, &sheet, update);
    }
});
