//! Personal data (SPEC §6): what a phone number and an email address look like,
//! finding them in free text, and masking them for display.

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

/// Byte ranges of things in `text` that look like phone numbers or email addresses.
pub fn find_personal_data(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    // Phone numbers: a run of digits and separators with at least 7 digits.
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit()
            || (bytes[i] == b'+' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = i;
            let mut digits = 0;
            let mut end = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || b"+-() ".contains(&bytes[i])) {
                if bytes[i].is_ascii_digit() {
                    digits += 1;
                    end = i + 1;
                }
                i += 1;
            }
            if looks_like_phone(&text[start..end], digits)
                && !(start > 0 && bytes[start - 1].is_ascii_alphanumeric())
            {
                found.push(start..end);
            }
        } else {
            i += 1;
        }
    }
    // Email addresses: around each `@`, ASCII word characters on both sides.
    let is_local = |b: u8| b.is_ascii_alphanumeric() || b"._%+-".contains(&b);
    let is_domain = |b: u8| b.is_ascii_alphanumeric() || b".-".contains(&b);
    // Looked at no further than an address can reach (RFC 5321: 64 bytes of
    // local part, 255 of domain), so text full of `@` stays linear.
    for (at, _) in text.match_indices('@') {
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
        let end = text[..end].trim_end_matches('.').len();
        if start < at && is_valid_email(&text[start..end]) {
            found.push(start..end);
        }
    }
    found.sort_by_key(|r| r.start);
    found
}

/// A digit run is a phone number when it is a mobile number (11 digits from 1), a
/// number with an area code (10+ digits from 0 or +), or 7–15 digits in groups that
/// are not a date. Plain runs like 2250000 are amounts, not phones.
fn looks_like_phone(s: &str, digits: usize) -> bool {
    let groups: Vec<usize> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .map(str::len)
        .collect();
    if s.starts_with('+') || s.starts_with('0') {
        return (10..=15).contains(&digits);
    }
    if groups.len() == 1 {
        return digits == 11 && s.starts_with('1');
    }
    let is_date = groups.len() == 3 && groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2;
    (7..=15).contains(&digits) && groups.len() <= 4 && !is_date
}

/// Masks every phone number and email address found in free text.
pub fn mask_in_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for r in find_personal_data(s) {
        out.push_str(&s[last..r.start]);
        let found = &s[r.clone()];
        out.push_str(&if found.contains('@') {
            mask_email(found)
        } else {
            mask_phone(found)
        });
        last = r.end;
    }
    out.push_str(&s[last..]);
    out
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
                '*'
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
