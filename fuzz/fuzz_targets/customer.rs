//! One customer record: parsed by the loader as a file of a small valid repository,
//! then every cross-record check; every diagnostic must point into the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use salesbook::load::Kind;

fuzz_target!(|text: &str| {
    salesbook_fuzz::check_record(Kind::Customer, text);
});
