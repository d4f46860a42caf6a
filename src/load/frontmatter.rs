//! Splitting a Markdown record into its `+++` TOML front matter and body,
//! keeping byte offsets so spans point into the original file.

use std::ops::Range;

#[derive(Debug, PartialEq)]
pub struct Split<'a> {
    /// Where the opening `+++` line is: the record's span.
    pub open: Range<usize>,
    pub toml: &'a str,
    pub toml_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
}

#[derive(Debug, PartialEq)]
pub enum SplitError {
    /// The file does not start with a `+++` line.
    Missing,
    /// An opening `+++` without a closing one; the span of the opening line.
    Unclosed(Range<usize>),
}

/// Blank lines before the opening `+++` are allowed; the text may start with a BOM.
pub fn split(text: &str) -> Result<Split<'_>, SplitError> {
    let mut pos = text.strip_prefix('\u{feff}').map_or(0, |_| 3);
    let open = loop {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..line_end].trim_end_matches('\r');
        if line.trim_end() == "+++" {
            break pos..pos + line.len();
        }
        if !line.trim().is_empty() || line_end == text.len() {
            return Err(SplitError::Missing);
        }
        pos = line_end + 1;
    };
    let after_open = text[open.end..]
        .find('\n')
        .map_or(text.len(), |i| open.end + i + 1);
    let toml_offset = after_open;
    let mut line_start = after_open;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        if text[line_start..line_end].trim_end() == "+++" {
            let body_offset = (line_end + 1).min(text.len());
            return Ok(Split {
                open,
                toml: &text[toml_offset.min(line_start)..line_start],
                toml_offset: toml_offset.min(line_start),
                body: &text[body_offset..],
                body_offset,
            });
        }
        line_start = line_end + 1;
    }
    Err(SplitError::Unclosed(open))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_keeps_offsets() {
        let text = "+++\nname = \"A\"\n+++\n# Notes\n";
        let s = split(text).unwrap();
        assert_eq!(s.toml, "name = \"A\"\n");
        assert_eq!(&text[s.toml_offset..s.toml_offset + 4], "name");
        assert_eq!(s.body, "# Notes\n");
        assert_eq!(s.open, 0..3);
    }

    #[test]
    fn allows_bom_blank_lines_and_crlf() {
        let text = "\u{feff}\r\n\n+++\r\na = 1\r\n+++\r\nbody";
        let s = split(text).unwrap();
        assert_eq!(s.toml, "a = 1\r\n");
        assert_eq!(s.body, "body");
        assert_eq!(&text[s.open.clone()], "+++");
    }

    #[test]
    fn empty_front_matter_and_no_body() {
        let s = split("+++\n+++").unwrap();
        assert_eq!(s.toml, "");
        assert_eq!(s.body, "");
    }

    #[test]
    fn missing_and_unclosed() {
        assert_eq!(split("# title\n+++\n"), Err(SplitError::Missing));
        assert_eq!(split(""), Err(SplitError::Missing));
        assert_eq!(split("+++\na = 1\n"), Err(SplitError::Unclosed(0..3)));
    }
}
