//! Personal data (SPEC §6): what a phone number and an email address look like,
//! finding them in free text, and masking them for display.

use crate::normal::Normal;

/// 6–20 characters of digits, spaces and `+-()`, with at least 6 digits.
pub fn is_valid_phone(s: &str) -> bool {
    let len = s.chars().count();
    (6..=20).contains(&len)
        && s.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
        && s.chars().filter(char::is_ascii_digit).count() >= 6
}

/// One `@`, a non-empty local part and a dotted domain, no spaces.
pub fn is_valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|part| !part.is_empty())
}

/// What [`find`] found: where in the original text, its normalised
/// spelling (ASCII digits, `@`, no invisible characters) and which kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub range: std::ops::Range<usize>,
    pub normal: String,
    pub email: bool,
}

/// Byte ranges of things in `text` that look like phone numbers or email addresses.
pub fn find_personal_data(text: &str) -> Vec<std::ops::Range<usize>> {
    find(text).into_iter().map(|f| f.range).collect()
}

/// The one detector of phone numbers and email addresses in free text (every
/// page, the export, `check`'s `personal-data-in-case`). It reads the text as
/// the confidential scan does ([`Normal`]: NFKC, so full-width digits and `＠`
/// are ASCII; zero-width and other invisible characters dropped; white space
/// kept as a break) and maps each hit back to its bytes in `text`, in order and
/// without overlaps (an email's local part is not also a phone number).
pub fn find(text: &str) -> Vec<Found> {
    // Nothing can be found without an at sign or seven digits, in any width:
    // most texts (names, dates, short amounts) are passed over unread.
    let at = |c: char| c == '@' || c == '＠' || c == '﹫';
    // (Han characters, most of a Chinese text, are skipped before the slow
    // Unicode lookup; none of them is a digit under NFKC.)
    let digit = |c: char| {
        c.is_ascii_digit()
            || (!c.is_ascii() && !('\u{3400}'..='\u{9FFF}').contains(&c) && c.is_numeric())
    };
    if !text.chars().any(at) && text.chars().filter(|&c| digit(c)).nth(6).is_none() {
        return Vec::new();
    }
    let n = Normal::with_spaces(text);
    let t = n.text.as_str();
    let emails = emails(t);
    let mut hits: Vec<(std::ops::Range<usize>, bool)> = phones(t)
        .into_iter()
        .filter(|p| !emails.iter().any(|e| p.start < e.end && e.start < p.end))
        .map(|p| (p, false))
        .collect();
    hits.extend(emails.into_iter().map(|e| (e, true)));
    hits.sort_by_key(|(r, _)| r.start);
    hits.into_iter()
        .map(|(r, email)| Found {
            range: n.origin(r.start)..n.end_of(r.end, text),
            normal: t[r].to_string(),
            email,
        })
        .collect()
}

/// Letters right before a number that name it a phone number (`Tel13800001234`).
const PHONE_LABELS: &[&str] = &[
    "tel", "phone", "mobile", "mob", "cell", "fax", "ph", "call", "hp", "m", "t", "p", "f",
];

/// Phone numbers in normalised text: runs of digit groups joined by spaces and
/// `+-()`, without the dates in them (`2023-10-08`); each run split, from the
/// left, into the longest stretches of whole groups that look like a phone
/// number ([`looks_like_phone`]), so two numbers side by side are two.
fn phones(t: &str) -> Vec<std::ops::Range<usize>> {
    let b = t.as_bytes();
    let sep = |c: u8| b" -()+".contains(&c);
    let mut found = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let plus = b[i] == b'+' && b.get(i + 1).is_some_and(u8::is_ascii_digit);
        if !(b[i].is_ascii_digit() || plus) {
            i += 1;
            continue;
        }
        let run_start = i;
        // The digit groups of the run: (start, end), the start of a leading `+`
        // right before the group counted in.
        let mut groups: Vec<(usize, usize)> = Vec::new();
        while i < b.len() && (b[i].is_ascii_digit() || sep(b[i])) {
            if b[i].is_ascii_digit() {
                let g = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                let s = if g > 0 && b[g - 1] == b'+' { g - 1 } else { g };
                groups.push((s, i));
            } else {
                i += 1;
            }
        }
        // Letters before the run: a label (`Tel`), else only a mobile number
        // written right after them counts (not `HT2023-1008-0001`).
        let letters = t[..run_start]
            .bytes()
            .rev()
            .take_while(u8::is_ascii_alphabetic)
            .count();
        if letters > 0 {
            let word = &t[run_start - letters..run_start];
            if !PHONE_LABELS.contains(&word) {
                let (s, e) = groups[0];
                if is_mobile(&t[s..e]) {
                    found.push(s..e);
                }
                continue;
            }
        }
        found.extend(split_run(t, &groups));
    }
    found
}

/// The phone numbers among a run's groups, dates left out.
fn split_run(t: &str, groups: &[(usize, usize)]) -> Vec<std::ops::Range<usize>> {
    let len = |g: &(usize, usize)| t[g.0..g.1].trim_start_matches('+').len();
    // A date is three groups 4-2-2 (or 4-1-1) joined by single `-`.
    let joined = |a: &(usize, usize), b: &(usize, usize)| &t[a.1..b.0] == "-";
    let mut date = vec![false; groups.len()];
    for k in 0..groups.len().saturating_sub(2) {
        let (g0, g1, g2) = (&groups[k], &groups[k + 1], &groups[k + 2]);
        if len(g0) == 4
            && len(g1) <= 2
            && len(g2) <= 2
            && joined(g0, g1)
            && joined(g1, g2)
            && !t[g0.0..g0.1].starts_with('+')
        {
            date[k..k + 3].fill(true);
        }
    }
    let mut found = Vec::new();
    let mut k = 0;
    while k < groups.len() {
        if date[k] {
            k += 1;
            continue;
        }
        let mut digits = 0;
        let mut best = None;
        for j in k..groups.len() {
            if date[j] {
                break;
            }
            digits += len(&groups[j]);
            if digits > 15 {
                break;
            }
            let s = &t[groups[k].0..groups[j].1];
            if looks_like_phone(s, digits) {
                best = Some(j);
            }
        }
        match best {
            Some(j) => {
                found.push(groups[k].0..groups[j].1);
                k = j + 1;
            }
            None => k += 1,
        }
    }
    found
}

/// A mainland mobile number: 11 digits, `1[3-9]…`.
fn is_mobile(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

/// Email addresses in normalised text: around each `@`, ASCII word characters
/// on both sides.
fn emails(t: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = t.as_bytes();
    let is_local = |b: u8| b.is_ascii_alphanumeric() || b"._%+-".contains(&b);
    let is_domain = |b: u8| b.is_ascii_alphanumeric() || b".-".contains(&b);
    let mut found = Vec::new();
    // Looked at no further than an address can reach (RFC 5321: 64 bytes of
    // local part, 255 of domain), so text full of `@` stays linear.
    for (at, _) in t.match_indices('@') {
        let from = at.saturating_sub(64);
        let start = bytes[from..at]
            .iter()
            .rposition(|&b| !is_local(b))
            .map_or(from, |p| from + p + 1);
        let to = (at + 1 + 255).min(bytes.len());
        let end = bytes[at + 1..to]
            .iter()
            .position(|&b| !is_domain(b))
            .map_or(to, |p| at + 1 + p);
        let end = t[..end].trim_end_matches('.').len();
        if start < at && is_valid_email(&t[start..end]) {
            found.push(start..end);
        }
    }
    found
}

/// A digit run is a phone number when it is a mobile number (11 digits from 1,
/// or 13 from 861), a number with an area or country code (10–15 digits from 0
/// or +), or 7–15 digits in up to four groups of three or more that are not
/// all years. Plain runs
/// like 2250000 are amounts, not phones.
fn looks_like_phone(s: &str, digits: usize) -> bool {
    let groups: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect();
    if s.starts_with('+') || s.starts_with('0') {
        return (10..=15).contains(&digits);
    }
    if groups.len() == 1 {
        return (digits == 11 && s.starts_with('1')) || (digits == 13 && s.starts_with("861"));
    }
    let all: String = groups.concat();
    if is_mobile(&all) || (digits == 13 && all.starts_with("861")) {
        return true;
    }
    // Other groupings are local numbers (`6364 1678`): groups of three digits
    // or more, so a month and a count (`2023-10 (25)`) is not one.
    let year = |g: &&str| g.len() == 4 && ("1970".."2200").contains(g);
    (7..=15).contains(&digits)
        && groups.len() <= 4
        && groups.iter().all(|g| g.len() >= 3)
        && !groups.iter().all(year)
}

/// What stands for a hidden character (SPEC §6: `138****5678`).
pub const MASK: char = '*';

/// Masks every phone number and email address found in free text (in their
/// normalised spelling: a full-width number is masked as ASCII digits).
pub fn mask_in_text(s: &str) -> String {
    replace_found(s, |f| masked(f, false))
}

/// As [`mask_in_text`], in place: text without any is left untouched (most
/// cells of a page or a table).
pub fn mask_in_place(s: &mut String) {
    if !find(s).is_empty() {
        *s = mask_in_text(s);
    }
}

/// As [`mask_in_text`], for text that is rendered as Markdown: the mask is
/// escaped (`\*`), so that `***` becomes neither emphasis nor a rule.
pub fn mask_in_markdown(s: &str) -> String {
    replace_found(s, |f| masked(f, true))
}

/// `s` with every phone number and email address replaced by `with(found)`.
pub fn replace_found(s: &str, mut with: impl FnMut(&Found) -> String) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for f in find(s) {
        out.push_str(&s[last..f.range.start]);
        out.push_str(&with(&f));
        last = f.range.end;
    }
    out.push_str(&s[last..]);
    out
}

/// The mask of what was found, Markdown-escaped or not.
pub fn masked(f: &Found, markdown: bool) -> String {
    let m = if f.email {
        mask_email(&f.normal)
    } else {
        mask_phone(&f.normal)
    };
    if markdown { m.replace(MASK, "\\*") } else { m }
}

/// `13812345678` → `138****5678`; short numbers keep only their last two digits.
pub fn mask_phone(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let digits = chars.iter().filter(|c| c.is_ascii_digit()).count();
    let (keep_head, keep_tail) = if digits >= 11 { (3, 4) } else { (0, 2) };
    let mut seen = 0;
    chars
        .iter()
        .map(|&c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= keep_head || seen > digits - keep_tail {
                c
            } else {
                MASK
            }
        })
        .collect()
}

/// `zhangsan@example.com` → `z***@example.com`
pub fn mask_email(s: &str) -> String {
    match s.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert!(is_valid_phone("13812345678"));
        assert!(is_valid_phone("+86 (21) 6234-5678"));
        assert!(!is_valid_phone("12345"));
        assert!(!is_valid_phone("139xxxx"));
        assert!(!is_valid_phone("12-34-5"));
        assert!(!is_valid_phone("123456789012345678901"));
    }

    #[test]
    fn emails() {
        assert!(is_valid_email("zhangsan@atech.example.com"));
        assert!(!is_valid_email("zhangsan@localhost"));
        assert!(!is_valid_email("a@b@c.com"));
        assert!(!is_valid_email("@c.com"));
        assert!(!is_valid_email("a b@c.com"));
        assert!(!is_valid_email("a@c..com"));
    }

    #[test]
    fn finds_phones_and_emails_in_text() {
        let text = "联系张三 13812345678 或 zhang.san@a-tech.example.com。签约 2023-10-27，金额 500000 元。";
        let found: Vec<&str> = find_personal_data(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(found, ["13812345678", "zhang.san@a-tech.example.com"]);
    }

    #[test]
    fn finds_separated_numbers() {
        let text = "电话：021-6234 5678";
        let found: Vec<&str> = find_personal_data(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(found, ["021-6234 5678"]);
    }

    fn found(text: &str) -> Vec<&str> {
        find_personal_data(text)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn finds_the_forms_people_write() {
        // Two numbers side by side are two numbers.
        assert_eq!(
            found("13800001234 13900005678"),
            ["13800001234", "13900005678"]
        );
        assert_eq!(
            found("13800001234-13900005678"),
            ["13800001234", "13900005678"]
        );
        // A label right before it, a country code, with or without spaces.
        assert_eq!(found("Tel13800001234"), ["13800001234"]);
        assert_eq!(found("tel:13800001234"), ["13800001234"]);
        assert_eq!(found("MOBILE13800001234"), ["13800001234"]);
        assert_eq!(found("请拨 +86 138 0000 1234。"), ["+86 138 0000 1234"]);
        assert_eq!(found("8613800001234"), ["8613800001234"]);
        assert_eq!(found("+8613800001234"), ["+8613800001234"]);
        // Full width and invisible characters: the original bytes are found.
        assert_eq!(
            found("电话１３８００００１２３４。"),
            ["１３８００００１２３４"]
        );
        assert_eq!(
            found("138\u{200B}0000\u{200B}1234"),
            ["138\u{200B}0000\u{200B}1234"]
        );
        assert_eq!(
            found("１３８－００００－１２３４"),
            ["１３８－００００－１２３４"]
        );
        assert_eq!(found("zhangsan＠example.com"), ["zhangsan＠example.com"]);
        assert_eq!(
            found("ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ"),
            ["ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ"]
        );
        assert_eq!(
            found("zhang\u{200B}san@exa\u{200D}mple.com"),
            ["zhang\u{200B}san@exa\u{200D}mple.com"]
        );
        // Beside a date, after a date.
        assert_eq!(found("2023-10-08 13800001234"), ["13800001234"]);
        // A phone number as an email's local part is one email, not overlapping hits.
        assert_eq!(found("13800001234@qq.com"), ["13800001234@qq.com"]);
    }

    #[test]
    fn ordinary_numbers_are_not_phones() {
        for text in [
            "金额 500000 元",
            "签约 2023-10-08，回款 2023-11-20",
            "2023-10-08 2023-10-20",
            "合同 HT2023-1008-0001",
            "订单号 PO20231008001",
            "SKU 1234567 件",
            "2023 2024 2025 三年",
            "第 1 2 3 4 5 6 7 项",
            "增长 +12.5%，减少 -3.2pp",
            "1,200,000 元",
            "１２月３日",
            "10:30-11:45",
            "2023-10 (25)",
            "2023 10 25 2 13",
            "a@b",
            "user@localhost",
        ] {
            assert_eq!(found(text), Vec::<&str>::new(), "{text}");
        }
    }

    #[test]
    fn nothing_on_lines_apart() {
        // A line break ends a number: two short numbers on two lines are not one.
        assert_eq!(found("1234\n5678\n9012"), Vec::<&str>::new());
    }

    #[test]
    fn masks_normalised_forms() {
        assert_eq!(mask_in_text("Tel１３８００００１２３４"), "Tel138****1234");
        assert_eq!(
            mask_in_text("13800001234@qq.com 和 13900005678"),
            "1***@qq.com 和 139****5678"
        );
        assert_eq!(mask_in_text("zhangsan＠example.com"), "z***@example.com");
    }

    #[test]
    fn masks_inside_text() {
        assert_eq!(
            mask_in_text("致电 13812345678 或写信 zhangsan@example.com。"),
            "致电 138****5678 或写信 z***@example.com。"
        );
    }

    #[test]
    fn masks() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("021-6234 5678"), "021-**** 5678");
        assert_eq!(mask_phone("123456"), "****56");
        assert_eq!(mask_email("zhangsan@example.com"), "z***@example.com");
    }
}
