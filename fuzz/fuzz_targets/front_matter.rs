//! The `+++` front-matter splitter: every offset it returns is inside the text,
//! on a character boundary, in order, and the slices are what the offsets say.
#![no_main]

use libfuzzer_sys::fuzz_target;
use salesbook::load::{SplitError, split_front_matter};

fuzz_target!(|text: &str| {
    let boundary = |i: usize| i <= text.len() && text.is_char_boundary(i);
    match split_front_matter(text) {
        Ok(s) => {
            assert!(boundary(s.open.start) && boundary(s.open.end) && s.open.start < s.open.end);
            assert_eq!(text[s.open.clone()].trim_end(), "+++");
            let toml_end = s.toml_offset + s.toml.len();
            assert!(boundary(s.toml_offset) && boundary(toml_end));
            assert!(
                s.open.end <= s.toml_offset,
                "the TOML starts after the opening line"
            );
            assert_eq!(&text[s.toml_offset..toml_end], s.toml);
            assert!(toml_end <= s.body_offset && boundary(s.body_offset));
            assert_eq!(&text[s.body_offset..], s.body);
            // The closing line sits between the TOML and the body.
            assert_eq!(text[toml_end..s.body_offset].trim_end(), "+++");
        }
        Err(SplitError::Unclosed(open)) => {
            assert!(boundary(open.start) && boundary(open.end) && open.start < open.end);
            assert_eq!(text[open].trim_end(), "+++");
        }
        Err(SplitError::Missing) => {}
    }
});
