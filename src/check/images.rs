//! `external-image`: an image in a record's Markdown that would be fetched from
//! another host. The site renders it as its alt text (a remote image is a
//! tracking pixel on any host that ignores the page's meta CSP); this says where.

use pulldown_cmark::{Event, Parser, Tag};

use crate::confidential::is_external;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::Repo;
use crate::source::FileId;

pub fn check(repo: &Repo, out: &mut Diagnostics) {
    let bodies = repo
        .customers
        .iter()
        .map(|c| (c.meta.file, c.body.as_str()))
        .chain(repo.months.iter().map(|m| (m.meta.file, m.body.as_str())))
        .chain(repo.cases.iter().map(|c| (c.meta.file, c.body.as_str())));
    for (file, body) in bodies {
        if body.contains("](") || body.contains("<img") || body.contains("]:") {
            images(repo, file, body, out);
        }
    }
}

fn images(repo: &Repo, file: FileId, body: &str, out: &mut Diagnostics) {
    let text = &repo.sources.get(file).text;
    // The body is the file's tail (after the front matter).
    let base = if text.ends_with(body) {
        text.len() - body.len()
    } else {
        0
    };
    for (e, range) in Parser::new_ext(body, pulldown_cmark::Options::all()).into_offset_iter() {
        let url = match &e {
            Event::Start(Tag::Image { dest_url, .. }) if is_external(dest_url) => {
                dest_url.to_string()
            }
            Event::Html(h) | Event::InlineHtml(h) if h.contains("<img") => {
                match img_src(h).filter(|u| is_external(u)) {
                    Some(u) => u,
                    None => continue,
                }
            }
            _ => continue,
        };
        out.push(
            Diagnostic::warning(
                "external-image",
                file,
                base + range.start..base + range.end,
                format!("the image `{url}` is on another host; the site shows its alt text instead"),
            )
            .with_hint("put the image next to the record and link it by a relative path, or link to it as a page"),
        );
    }
}

/// The `src` of an `<img>` tag in raw HTML (quoted or not).
fn img_src(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let at = lower.find("src=")? + 4;
    let rest = &html[at..];
    let v = match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].split(q).next()?,
        _ => rest.split([' ', '>', '\t', '\n']).next()?,
    };
    Some(v.to_string())
}
