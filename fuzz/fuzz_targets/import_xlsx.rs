//! `salesbook import` from workbook bytes (calamine, as the importer opens
//! them), then the same rows → records → checks path as CSV.
#![no_main]

use libfuzzer_sys::fuzz_target;
use salesbook::import::sheet;

fuzz_target!(|data: &[u8]| {
    salesbook_fuzz::let_calamine_panics_unwind();
    let Some((table, update, bytes)) = salesbook_fuzz::split_table(data) else {
        return;
    };
    if let Ok(sheet) = sheet::workbook_from_bytes(bytes.to_vec(), None) {
        salesbook_fuzz::import_rows(table, &sheet, update);
    }
});
