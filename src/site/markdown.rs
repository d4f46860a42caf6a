//! Markdown from records → sanitised HTML.
//!
//! Most record Markdown holds no HTML of its own: then the HTML pulldown-cmark
//! writes is already what the sanitiser would keep, once the few attributes the
//! sanitiser drops or adds are settled on the events ([`settled`]). Only text
//! with raw HTML, footnotes or a link or image the sanitiser would judge
//! goes through ammonia, whose html5ever parse was most of the cost of a case page.

use std::sync::LazyLock;

use crate::confidential::is_external;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, html};

const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

/// Renders Markdown (tables, footnotes, strikethrough, task lists) and sanitises
/// the HTML: no script, no event-handler attributes, no `javascript:` URLs.
pub fn render(text: &str) -> String {
    let text = &crate::format::printable(text);
    let events: Vec<Event> =
        without_external_images(Parser::new_ext(text, OPTIONS).map(below_the_page));
    let mut out = String::with_capacity(text.len() * 3 / 2);
    if events.iter().all(markdown_only) {
        // Inside an image pulldown-cmark writes only the text, into `alt`: its
        // links stay events there.
        let mut in_image = 0usize;
        let events = events.into_iter().map(|e| {
            match e {
                Event::Start(Tag::Image { .. }) => in_image += 1,
                Event::End(pulldown_cmark::TagEnd::Image) => in_image = in_image.saturating_sub(1),
                _ => {}
            }
            if in_image > 0 { e } else { settled(e) }
        });
        html::push_html(&mut out, events);
        if out.contains('\r') {
            // As the sanitiser's parse does (HTML's input preprocessing).
            out = out.replace("\r\n", "\n").replace('\r', "\n");
        }
        out
    } else {
        html::push_html(&mut out, events.into_iter());
        if nesting_depth(&out) > MAX_DEPTH {
            // The sanitiser's HTML parse checks the open elements for every tag:
            // quadratic in the depth (100,000 nested `<div>` took 14 s).
            let mut pre = String::from("<pre>");
            pulldown_cmark_escape::escape_html(&mut pre, text).ok();
            pre.push_str("</pre>\n");
            return pre;
        }
        sanitize(&out)
    }
}

/// Elements nested deeper than this in a text with raw HTML are shown as the
/// text itself: no real note or review comes near it.
pub const MAX_DEPTH: usize = 1_000;

/// Elements without an end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// The deepest nesting of elements in `html`, counted from its tags (start
/// tags up, end tags down, void elements neither; `<div/>` opens a `div` in
/// HTML), in one pass.
fn nesting_depth(html: &str) -> usize {
    let b = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    for (at, _) in html.match_indices('<') {
        match b.get(at + 1) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(c) if c.is_ascii_alphabetic() => {
                let name = &b[at + 1..];
                let name = &name[..name
                    .iter()
                    .position(|c| !c.is_ascii_alphanumeric())
                    .unwrap_or(name.len())];
                if !VOID.iter().any(|v| v.as_bytes().eq_ignore_ascii_case(name)) {
                    depth += 1;
                    max = max.max(depth);
                }
            }
            _ => {}
        }
    }
    max
}

/// Off-site images become their alt text: an image from another host is a
/// tracking pixel on any host that ignores the page's meta CSP (`check` warns
/// about them: `external-image`).
/// A record's text sits under the page's `<h1>` and its section's `<h2>`: its
/// headings start at `<h3>` (`#` → h3, `##` → h4, …, at most h6), so a page has
/// one `<h1>` and its outline stays in order.
fn below_the_page(e: Event<'_>) -> Event<'_> {
    use pulldown_cmark::{HeadingLevel, TagEnd};
    let down = |l: HeadingLevel| match l {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    };
    match e {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: down(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(down(level))),
        e => e,
    }
}

fn without_external_images<'a>(parser: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut open: Vec<bool> = Vec::new();
    let mut out = Vec::new();
    for e in parser {
        match &e {
            Event::Start(Tag::Image { dest_url, .. }) => {
                let drop = is_external(dest_url);
                open.push(drop);
                if drop {
                    continue;
                }
            }
            Event::End(pulldown_cmark::TagEnd::Image) if open.pop() == Some(true) => continue,
            _ => {}
        }
        out.push(e);
    }
    out
}

/// The sanitiser's allow-lists, built once: building them for every record's
/// text cost an eighth of the instructions of the cleaning itself.
static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.add_tags(["input"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .attribute_filter(|element, attribute, value| {
            // Raw `<img src="https://…">`: no off-site fetches (see above).
            let fetches = matches!(attribute, "src" | "srcset");
            if element == "img" && fetches && is_external(value) {
                None
            } else {
                Some(value.into())
            }
        });
    b
});

pub fn sanitize(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// The rel ammonia gives every link.
const LINK_REL: &str = "noopener noreferrer";

/// An event whose HTML the sanitiser keeps as it is, or as [`settled`] writes
/// it: not raw HTML, not a footnote (its `id` and `class` would be dropped),
/// and links and images only to URLs ammonia keeps.
fn markdown_only(e: &Event) -> bool {
    match e {
        Event::Html(_) | Event::InlineHtml(_) | Event::FootnoteReference(_) => false,
        Event::Start(Tag::FootnoteDefinition(_) | Tag::HtmlBlock) => false,
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            ..
        }) => kept_url(&format!("{}{dest_url}", scheme(*link_type))),
        Event::Start(Tag::Image { dest_url, .. }) => kept_url(dest_url),
        _ => true,
    }
}

/// What pulldown-cmark writes before a link's destination: an email
/// autolink (`<a@b.c>`) has none of its own.
fn scheme(link_type: LinkType) -> &'static str {
    if link_type == LinkType::Email {
        "mailto:"
    } else {
        ""
    }
}

/// Whether ammonia keeps `url` in an `href` or `src` as written: relative, or
/// with one of the common schemes of its allow-list. It judges the attribute's
/// value, which is the URL as pulldown-cmark escapes it.
fn kept_url(url: &str) -> bool {
    let mut escaped = String::new();
    if pulldown_cmark_escape::escape_href(&mut escaped, url).is_err() {
        return false;
    }
    let value = escaped.replace("&#x27;", "'").replace("&amp;", "&");
    match url::Url::parse(&value) {
        Ok(u) => matches!(u.scheme(), "http" | "https" | "mailto" | "tel"),
        Err(e) => e == url::ParseError::RelativeUrlWithoutBase,
    }
}

/// The event with what ammonia would change settled: a code block's language
/// class and a table column's alignment style are dropped, links get its rel.
fn settled(e: Event<'_>) -> Event<'_> {
    match e {
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented))
        }
        Event::Start(Tag::Table(columns)) => Event::Start(Tag::Table(vec![
                pulldown_cmark::Alignment::None;
                columns.len()
            ])),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            ..
        }) => {
            // pulldown-cmark's own opening tag, with the rel after it.
            let mut a = format!("<a href=\"{}", scheme(link_type));
            let _ = pulldown_cmark_escape::escape_href(&mut a, &dest_url);
            if !title.is_empty() {
                a.push_str("\" title=\"");
                let _ = pulldown_cmark_escape::escape_html(&mut a, &title);
            }
            a.push_str("\" rel=\"");
            a.push_str(LINK_REL);
            a.push_str("\">");
            Event::InlineHtml(CowStr::from(a))
        }
        e => e,
    }
}

#[cfg(test)]
mod tests {
    use super::{
        MAX_DEPTH, OPTIONS, below_the_page, markdown_only, nesting_depth, render, sanitize,
        without_external_images,
    };
    use proptest::prelude::*;
    use pulldown_cmark::{Parser, html};

    #[test]
    fn a_records_headings_start_below_the_page_title() {
        let h = render("# 报告\n\n## 一、总体情况\n\n### a\n\n#### b\n\n###### c\n");
        assert_eq!(
            h,
            "<h3>报告</h3>\n<h4>一、总体情况</h4>\n<h5>a</h5>\n<h6>b</h6>\n<h6>c</h6>\n"
        );
        // Also where raw HTML sends the text through the sanitiser.
        assert!(render("# t <b>x</b>").starts_with("<h3>t <b>x</b></h3>"));
    }

    #[test]
    fn strips_scripts_and_handlers() {
        let h = render(
            "hi <script>alert(1)</script> <img src=x onerror=alert(1)> [a](javascript:alert(1))",
        );
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("onerror"), "{h}");
        assert!(!h.contains("javascript:"), "{h}");
    }

    #[test]
    fn nesting_is_counted_from_the_tags() {
        assert_eq!(
            nesting_depth("<p>a<br>b<img src=x><DIV><b>c</b></DIV></p>"),
            3
        );
        assert_eq!(nesting_depth("a < b <3 </x></y>"), 0);
        assert_eq!(nesting_depth(&"<div/>".repeat(5)), 5);
    }

    #[test]
    fn html_nested_beyond_the_limit_is_shown_as_text() {
        let ok = format!("{}x{}", "<div>".repeat(50), "</div>".repeat(50));
        assert_eq!(render(&ok).matches("<div>").count(), 50);
        // Deep Markdown is deep HTML too, once raw HTML sends it to the sanitiser.
        for deep in [
            "<div>".repeat(MAX_DEPTH + 1),
            format!("{} 引用 <b onclick=x>b</b>\n", ">".repeat(MAX_DEPTH + 1)),
        ] {
            let h = render(&deep);
            let inner = h
                .strip_prefix("<pre>")
                .and_then(|h| h.strip_suffix("</pre>\n"));
            assert!(inner.is_some_and(|t| !t.contains('<')), "{}", &h[..60]);
        }
    }

    #[test]
    fn extensions() {
        let h = render(
            "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~x~~\n\n- [x] done\n\nnote[^1]\n\n[^1]: f\n",
        );
        assert!(
            h.contains("<table>") && h.contains("<del>") && h.contains("checkbox"),
            "{h}"
        );
    }

    /// The document tree a browser builds from `html`, serialised again.
    fn tree(html: &str) -> String {
        scraper::Html::parse_fragment(html).root_element().html()
    }

    /// Every text through ammonia, as before the fast path (off-site images
    /// already their alt text, as on both paths).
    fn through_sanitizer(md: &str) -> String {
        let mut out = String::new();
        let md = &crate::format::printable(md);
        let events = without_external_images(Parser::new_ext(md, OPTIONS).map(below_the_page));
        html::push_html(&mut out, events.into_iter());
        sanitize(&out)
    }

    #[test]
    fn off_site_images_become_their_alt_text() {
        let h = render(
            "![logo](logo.png) ![像素](https://t.example/p.png) ![](//cdn.x/y.gif)
",
        );
        assert!(h.contains(r#"<img src="logo.png" alt="logo""#), "{h}");
        assert!(
            h.contains("像素") && !h.contains("t.example") && !h.contains("cdn.x"),
            "{h}"
        );
        let h = render(
            "<img src=\"https://t.example/p.png\" alt=\"x\"> <img src=\"a.png\">
",
        );
        assert!(
            !h.contains("t.example") && h.contains(r#"src="a.png""#),
            "{h}"
        );
    }

    /// The fast path's HTML parses to the sanitiser's tree, and holds none of
    /// the characters that parse removes or rewrites.
    fn assert_sanitised(md: &str) {
        let html = render(md);
        assert_eq!(tree(&html), tree(&through_sanitizer(md)), "{md:?}");
        assert!(!html.contains(['\0', '\r']), "{md:?} → {html:?}");
    }

    fn same_tree(md: &str, fast: bool) {
        let took_fast = Parser::new_ext(md, OPTIONS).all(|e| markdown_only(&e));
        assert_eq!(took_fast, fast, "{md:?}");
        assert_sanitised(md);
    }

    #[test]
    fn fast_path_builds_the_sanitised_tree() {
        for md in [
            "# 复盘\n\n**结论**：客户 *看重* 交付 & 价格 < 预算 > 去年 \"引号\" 'single'\n",
            "| 阶段 | 天数 |\n|:---|---:|\n| 线索 | 3 |\n| 谈判 | 12 |\n",
            "1. 一\n2. 二\n\n3) 三\n\n- [ ] 待办\n- [x] 完成\n\n> 引用\n> 第二行\n\n---\n",
            "```rust\nfn main() {}\n```\n\n    indented\n\n`code` ~~删~~ line  \nbreak\n",
            "[官网](https://example.com/a?b=1&c='x' \"标题 & <t>\") [相对](../deals/d1/) <https://x.y/z>\n",
            "<someone@example.com> [tel](tel:+8613800000000) ![图](img/a.png \"t\") [空]()\n",
            "![alt [l](https://e.com/) *x*](img.png) [![i](a.png)](https://e.com/)\n",
            "[中文链接](https://例子.中国/路径 空格) [q](?q=1) [h](#top) [s](//cdn.example/x)\n",
            "5. 从五开始\n6. 六\n\n* a\n\n  b\n* c\n",
            "text\u{a0}nbsp &amp; &copy; &#x27; \\* \\<b>\n",
            "windows\r\nline endings\r\n\r\n```\r\ncode\r\n```\r\n| a |\r\n|---|\r\n| b\r |\r\n",
        ] {
            same_tree(md, true);
        }
    }

    #[test]
    fn raw_html_footnotes_and_odd_links_still_go_through_ammonia() {
        for md in [
            "a <b onclick=x>b</b> <span style=\"color:red\">c</span>\n",
            "<div>\n\n*x*\n\n</div>\n",
            "note[^n]\n\n[^n]: 脚注\n",
            "[x](javascript:alert(1))\n",
            "[y](JavaScript:alert(1)) and <javascript:alert(1)>\n",
            "[z](data:text/html,x)\n",
            "[w](ftp://f/x)\n",
            "![i](javascript:alert(1))\n",
            "[b](http://[::1)\n",
            "[c](vbscript:x)\n",
        ] {
            same_tree(md, false);
        }
    }

    #[test]
    fn every_sample_text_builds_the_sanitised_tree() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
        let mut n = 0;
        for e in walkdir::WalkDir::new(dir) {
            let e = e.unwrap();
            if e.path().extension().is_some_and(|x| x == "md") {
                let text = std::fs::read_to_string(e.path()).unwrap();
                assert_eq!(
                    tree(&render(&text)),
                    tree(&through_sanitizer(&text)),
                    "{}",
                    e.path().display()
                );
                n += 1;
            }
        }
        assert!(n >= 20, "{n} Markdown files");
    }

    proptest! {
        /// Markdown built from the pieces records use, with text that needs escaping.
        #[test]
        fn any_markdown_builds_the_sanitised_tree(
            pieces in prop::collection::vec(prop_oneof![
                Just("# "), Just("## "), Just("- "), Just("1. "), Just("> "), Just("- [x] "),
                Just("**"), Just("*"), Just("~~"), Just("`"), Just("\n"), Just("\n\n"),
                Just("```\n"), Just("    "), Just("---\n"), Just("| a | b |\n|:-|-:|\n| "),
                Just(" | "), Just("["), Just("]"), Just("(https://e.com/x?a=1&b=2)"),
                Just("(rel/path)"), Just("[j](javascript:x)"), Just("[l](https://e.com/?a=1&b='2')"),
                Just("[r](../d/x \"t\")"), Just("!"), Just("![a [l](https://e.com/) b](i.png)"),
                Just("[![i](a.png \"t\")](https://e.com/)"), Just("<"), Just(">"),
                Just("&"), Just("\""), Just("'"), Just("\\"), Just("客户"), Just("deal"),
                Just("<b>"), Just("</b>"), Just("[^1]"), Just("[^1]: f\n"), Just("  \n"),
                Just("\u{a0}"), Just("\0"), Just("\r\n"), Just("\r"), Just("&amp;"), Just("<x@y.z>"), Just("<http://a.b>"),
            ], 0..40),
        ) {
            let md: String = pieces.concat();
            assert_sanitised(&md);
        }
    }
}
