//! pipeline.toml: the whole loader on the base repository with the fuzzed
//! configuration (its owners, channels, stages, SLA and grading rules decide how
//! every record is read and checked); diagnostics must point into their files.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

/// A copy of the base repository whose pipeline.toml each input replaces.
fn dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = salesbook_fuzz::scratch("config");
        salesbook::author::init(&dir, salesbook::author::InitOptions { force: true, ..Default::default() }, salesbook_fuzz::TODAY).expect("init");
        dir
    })
}

fuzz_target!(|text: &[u8]| {
    let dir = dir();
    std::fs::write(dir.join("pipeline.toml"), text).expect("write pipeline.toml");
    let (repo, loaded) = salesbook::load::load(dir).expect("the folder is readable");
    let mut diags = loaded.0;
    diags.extend(salesbook_fuzz::check_all(&repo));
    salesbook_fuzz::assert_diagnostics(&repo.sources, &diags);
});
