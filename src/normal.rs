//! Text as names are matched in it (SPEC §6): NFKC (full-width letters and digits
//! become ASCII), lower case, without white space and invisible characters
//! (zero-width, bidi controls, soft hyphen), each byte mapped back to where it
//! came from. And the decoding of what an output file may hide a name behind:
//! HTML character references, percent-encoding and `\uXXXX` escapes.

use unicode_normalization::UnicodeNormalization;

/// Normalised text; `starts[i]` is where the character that gave byte `i` of
/// `text` starts in the original (one entry per byte, plus one for the end),
/// its top bit set when ignored characters came right before it.
#[derive(Debug, Default)]
pub struct Normal {
    pub text: String,
    starts: Vec<u32>,
}

const GAP: u32 = 1 << 31;

/// Characters that do not count inside a name: they are invisible, or a
/// writer's way of breaking a name up.
pub fn ignorable(c: char) -> bool {
    c.is_whitespace()
        || matches!(c,
            '\u{00AD}'                  // soft hyphen
            | '\u{180E}'                // Mongolian vowel separator
            | '\u{200B}'..='\u{200F}'   // zero-width space/joiners, LRM, RLM
            | '\u{202A}'..='\u{202E}'   // bidi embeddings and overrides
            | '\u{2060}'..='\u{2064}'   // word joiner, invisible operators
            | '\u{2066}'..='\u{2069}'   // bidi isolates
            | '\u{FE00}'..='\u{FE0F}'   // variation selectors
            | '\u{FEFF}') // zero-width no-break space
}

/// Pushes the normalised form of `c` onto `out`.
pub fn push_char(c: char, out: &mut String) {
    if c.is_ascii() {
        if !c.is_ascii_whitespace() {
            out.push(c.to_ascii_lowercase());
        }
    } else if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        // CJK unified ideographs are their own NFKC and have no case.
        out.push(c);
    } else if !ignorable(c) {
        for n in std::iter::once(c).nfkc() {
            if !ignorable(n) {
                out.extend(n.to_lowercase());
            }
        }
    }
}

/// The normalised form of a whole string (for names; no offsets).
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_char(c, &mut out);
    }
    out
}

impl Normal {
    pub fn new(text: &str) -> Normal {
        Normal::from_chars(text.char_indices(), text.len())
    }

    /// As [`Normal::new`], but white space is kept, as one ASCII character
    /// each: a line break as `\n`, any other white space (`U+3000`, no-break
    /// space, tab) as a space. For finding phone numbers and email addresses
    /// (src/personal.rs), where two numbers on two lines are two numbers;
    /// invisible characters are still dropped.
    pub fn with_spaces(text: &str) -> Normal {
        Normal::build(text.char_indices(), text.len(), true)
    }

    /// From `(original offset, char)` pairs, as [`decode`] gives them; `end`
    /// is the original's length. Texts are limited to 2 GiB by the offsets.
    pub fn from_chars(chars: impl Iterator<Item = (usize, char)>, end: usize) -> Normal {
        Normal::build(chars, end, false)
    }

    fn build(chars: impl Iterator<Item = (usize, char)>, end: usize, spaces: bool) -> Normal {
        let mut text = String::new();
        let mut starts = Vec::new();
        let mut gap = 0;
        for (at, c) in chars {
            let before = text.len();
            if spaces && c.is_whitespace() {
                text.push(
                    if matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}') {
                        '\n'
                    } else {
                        ' '
                    },
                );
            } else {
                push_char(c, &mut text);
            }
            if text.len() == before {
                gap = GAP;
                continue;
            }
            starts.push(at as u32 | gap);
            starts.resize(text.len(), at as u32);
            gap = 0;
        }
        starts.push(end as u32 | gap);
        Normal { text, starts }
    }

    /// Where byte `i` of the normalised text came from in the original.
    pub fn origin(&self, i: usize) -> usize {
        (self.starts[i.min(self.starts.len() - 1)] & !GAP) as usize
    }

    /// Ignored characters (spaces, invisible ones) came right before byte `i`.
    pub fn gap_before(&self, i: usize) -> bool {
        self.starts.get(i).is_some_and(|s| s & GAP != 0)
    }

    /// The end in `original` (the text this was made from by [`Normal::new`])
    /// of a range of normalised bytes ending at `end`: after the original
    /// character of its last byte, so ignored characters after it stay.
    pub fn end_of(&self, end: usize, original: &str) -> usize {
        if end == 0 {
            return 0;
        }
        let o = self.origin(end - 1);
        o + original[o..].chars().next().map_or(0, char::len_utf8)
    }
}

/// The characters of `s` with HTML character references (`&#27901;`, `&#x6da6;`,
/// `&amp;` and the other common named ones), percent-encoded UTF-8 (`%E6%B6%A6`)
/// and `\uXXXX` escapes (with surrogate pairs) decoded, each with the offset of
/// its first byte in `s`. Anything that is not a complete escape is kept as is.
pub fn decode(s: &str) -> Vec<(usize, char)> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        let decoded = match b[i] {
            b'&' => entity(&s[i..]),
            b'%' => percent(&b[i..]),
            b'\\' => unicode_escape(&s[i..]),
            _ => None,
        };
        match decoded {
            Some((c, len)) => {
                out.push((i, c));
                i += len;
            }
            None => {
                let c = s[i..].chars().next().expect("i is on a char boundary");
                out.push((i, c));
                i += c.len_utf8();
            }
        }
    }
    out
}

fn entity(s: &str) -> Option<(char, usize)> {
    let end = s.bytes().take(12).position(|b| b == b';')?;
    let body = &s[1..end];
    let c = if let Some(num) = body.strip_prefix('#') {
        let n = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        char::from_u32(n)?
    } else {
        match body {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => '\u{A0}',
            "shy" => '\u{AD}',
            "zwsp" | "ZeroWidthSpace" => '\u{200B}',
            "zwj" => '\u{200D}',
            "zwnj" => '\u{200C}',
            _ => return None,
        }
    };
    Some((c, end + 1))
}

/// One percent-encoded UTF-8 character (`%XX` per byte).
fn percent(b: &[u8]) -> Option<(char, usize)> {
    let byte = |k: usize| -> Option<u8> {
        let h = b.get(k * 3..k * 3 + 3)?;
        (h[0] == b'%')
            .then(|| u8::from_str_radix(std::str::from_utf8(&h[1..]).ok()?, 16).ok())
            .flatten()
    };
    let first = byte(0)?;
    let len = match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => return None,
    };
    let bytes: Vec<u8> = (0..len).map(byte).collect::<Option<_>>()?;
    let c = std::str::from_utf8(&bytes).ok()?.chars().next()?;
    Some((c, len * 3))
}

fn unicode_escape(s: &str) -> Option<(char, usize)> {
    let unit = |t: &str| -> Option<u32> {
        let hex = t.strip_prefix("\\u")?.get(..4)?;
        u32::from_str_radix(hex, 16).ok()
    };
    let hi = unit(s)?;
    if (0xD800..0xDC00).contains(&hi) {
        let lo = unit(s.get(6..)?)?;
        let c = char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo.checked_sub(0xDC00)?))?;
        return Some((c, 12));
    }
    Some((char::from_u32(hi)?, 6))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_case_and_invisible_characters() {
        assert_eq!(normalize("ＲｕｎＺｅ 物流"), "runze物流");
        assert_eq!(normalize("润\u{200B}泽\n物\u{202E}流"), "润泽物流");
        assert_eq!(normalize("Ⅻ ﬁ"), "xiifi");
    }

    #[test]
    fn offsets_point_back_into_the_original() {
        let s = "a 润\u{200B}泽";
        let n = Normal::new(s);
        assert_eq!(n.text, "a润泽");
        let at = n.text.find('泽').unwrap();
        assert_eq!(&s[n.origin(at)..], "泽");
        assert_eq!(n.origin(n.text.len()), s.len());
    }

    #[test]
    fn with_spaces_keeps_word_breaks() {
        let s = "Ａ\u{3000}１\u{200B}２\r\n３\t＠";
        let n = Normal::with_spaces(s);
        assert_eq!(n.text, "a 12\n\n3 @");
        let at = n.text.find('2').unwrap();
        assert_eq!(&s[n.origin(at)..n.end_of(at + 1, s)], "２");
        assert!(n.gap_before(at));
    }

    #[test]
    fn escapes_are_decoded() {
        let text = |s: &str| decode(s).into_iter().map(|(_, c)| c).collect::<String>();
        assert_eq!(text("&#28070;&#x6CFD;物流"), "润泽物流");
        assert_eq!(text("%E6%B6%A6%E6%B3%BD"), "润泽");
        assert_eq!(text("\\u6da6\\u6cfd \\ud83d\\ude00"), "润泽 😀");
        assert_eq!(text("a&amp;b &bogus; 100% \\u12"), "a&b &bogus; 100% \\u12");
        let d = decode("x&#28070;");
        assert_eq!(d[1], (1, '润'));
    }
}
