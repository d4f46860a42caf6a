//! Record Markdown → sanitised HTML: no script or style element, no event-handler
//! attribute, no `javascript:`/`data:`/`vbscript:` link, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let html = salesbook::site::markdown::render(text);
    salesbook_fuzz::assert_safe_html(&html);
});
