//! Request path → file in the site folder, refusing anything that could leave it.
//!
//! Two steps: [`segments`] is purely lexical (percent-decoding and the refusal of
//! `..`, `.`, backslashes, NUL, drive prefixes and hidden names), [`locate`] touches
//! the file system and checks that the canonical path is still inside the
//! canonical site folder (so a symlink cannot lead out either).

use std::path::{Component, Path, PathBuf};

/// Why a request path is not served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Malformed: bad percent-encoding or not UTF-8 (400).
    BadRequest,
    /// A traversal attempt or a name we never serve (403).
    Forbidden,
}

/// Where a request path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    /// A regular file inside the site (canonical path).
    File(PathBuf),
    /// A directory requested without its trailing slash: redirect to `location`.
    AddSlash(String),
    NotFound,
    /// The canonical path leaves the site folder.
    Outside,
}

/// Decodes `%XX` escapes into bytes; `None` on a malformed escape.
fn percent_decode(raw: &str) -> Option<Vec<u8>> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The path segments of a request path (as sent, still percent-encoded, query
/// removed): decoded, with empty segments dropped. Refuses `..` and `.`,
/// backslashes, NUL and other control characters, names starting with `.`
/// (never part of a site; the marker file is one) and anything that is not a
/// single plain path component on this platform (drive prefixes, roots).
pub fn segments(raw_path: &str) -> Result<Vec<String>, Refusal> {
    let Some(rest) = raw_path.strip_prefix('/') else {
        return Err(Refusal::BadRequest);
    };
    let decoded = percent_decode(rest).ok_or(Refusal::BadRequest)?;
    let decoded = String::from_utf8(decoded).map_err(|_| Refusal::BadRequest)?;
    if decoded.contains('\\') || decoded.chars().any(char::is_control) {
        return Err(Refusal::Forbidden);
    }
    let mut out = Vec::new();
    for seg in decoded.split('/') {
        if seg.is_empty() {
            continue;
        }
        if seg.starts_with('.') || seg.contains(':') {
            return Err(Refusal::Forbidden);
        }
        let mut parts = Path::new(seg).components();
        match (parts.next(), parts.next()) {
            (Some(Component::Normal(p)), None) if p == seg => {}
            _ => return Err(Refusal::Forbidden),
        }
        out.push(seg.to_string());
    }
    Ok(out)
}

/// Finds the file for `segments` under `root` (which must be canonical).
/// `raw_path` is only used to build the redirect for a directory without its
/// trailing slash; `GET /` and `GET /dir/` serve the folder's `index.html`.
pub fn locate(root: &Path, segments: &[String], raw_path: &str) -> Located {
    let mut path = root.to_path_buf();
    path.extend(segments);
    let Ok(canonical) = path.canonicalize() else {
        return Located::NotFound;
    };
    if !canonical.starts_with(root) {
        return Located::Outside;
    }
    if canonical.is_dir() {
        if !raw_path.ends_with('/') {
            return Located::AddSlash(format!("{raw_path}/"));
        }
        let index = canonical.join("index.html");
        return match index.canonicalize() {
            Ok(i) if !i.starts_with(root) => Located::Outside,
            Ok(i) if i.is_file() => Located::File(i),
            _ => Located::NotFound,
        };
    }
    if canonical.is_file() {
        Located::File(canonical)
    } else {
        Located::NotFound
    }
}

/// The Content-Type for a served file, by extension.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("xml") => "application/atom+xml; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("csv") => "text/csv; charset=utf-8",
        Some("txt" | "md") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(p: &str) -> Result<Vec<String>, Refusal> {
        segments(p)
    }

    #[test]
    fn plain_paths_decode() {
        assert_eq!(segs("/"), Ok(vec![]));
        assert_eq!(
            segs("/months/2023-10/index.html"),
            Ok(vec!["months".into(), "2023-10".into(), "index.html".into()])
        );
        assert_eq!(
            segs("/customers/%E5%AE%A2%E6%88%B7.html"),
            Ok(vec!["customers".into(), "客户.html".into()])
        );
        assert_eq!(segs("//a//b"), Ok(vec!["a".into(), "b".into()]));
        assert_eq!(segs("/a%20b"), Ok(vec!["a b".into()]));
    }

    #[test]
    fn traversal_is_refused() {
        for p in [
            "/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/..%2f..%2fetc/passwd",
            "/static/..%5c..%5cCargo.toml",
            "/static/a\\b",
            "/./index.html",
            "/a/%00/b",
            "/index.html%00.css",
            "/.salesbook-site",
            "/static/.hidden",
            "/C:/Windows/win.ini",
            "/c%3a%5cwindows",
        ] {
            assert_eq!(segs(p), Err(Refusal::Forbidden), "{p}");
        }
        for p in ["/%zz", "/%2", "/%ff%fe", "relative", ""] {
            assert_eq!(segs(p), Err(Refusal::BadRequest), "{p}");
        }
        // Decoding happens once: a double-encoded dot-dot is just a strange name.
        assert_eq!(segs("/%252e%252e/x"), Ok(vec!["%2e%2e".into(), "x".into()]));
    }

    #[test]
    fn locate_in_a_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("months/2023-10")).unwrap();
        std::fs::write(root.join("index.html"), "home").unwrap();
        std::fs::write(root.join("months/2023-10/index.html"), "m").unwrap();
        std::fs::create_dir(root.join("empty")).unwrap();
        let at = |p: &str| locate(&root, &segments(p).unwrap(), p);
        assert_eq!(at("/"), Located::File(root.join("index.html")));
        assert_eq!(
            at("/months/2023-10/"),
            Located::File(root.join("months/2023-10/index.html"))
        );
        assert_eq!(
            at("/months/2023-10"),
            Located::AddSlash("/months/2023-10/".into())
        );
        assert_eq!(at("/empty/"), Located::NotFound);
        assert_eq!(at("/nope.html"), Located::NotFound);
        assert_eq!(at("/index.html/x"), Located::NotFound);
        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            std::fs::write(outside.path().join("secret.txt"), "s").unwrap();
            std::os::unix::fs::symlink(outside.path(), root.join("link")).unwrap();
            std::os::unix::fs::symlink(outside.path().join("secret.txt"), root.join("s.txt"))
                .unwrap();
            assert_eq!(at("/link/secret.txt"), Located::Outside);
            assert_eq!(at("/s.txt"), Located::Outside);
        }
    }

    #[test]
    fn content_types() {
        assert!(content_type(Path::new("a/index.html")).starts_with("text/html"));
        assert!(content_type(Path::new("static/style.css")).starts_with("text/css"));
        assert_eq!(content_type(Path::new("x")), "application/octet-stream");
    }
}
