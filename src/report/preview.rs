//! Report: an HTML part made safe to look at — the preview the HTML report shows in a sandboxed
//! `srcdoc` frame.
//!
//! The message is hostile until proven otherwise, and opening it must not fire its open pixel
//! or count a click. So the rewrite (lol_html, the extractor's parser, so offsets agree):
//! - drops scripts, frames, objects, embeds, `<base>`, `<link>`, `<meta>`, SVG and MathML;
//! - removes every event handler and every URL-bearing attribute (anchors keep their URL as a
//!   tooltip only, so a click goes nowhere);
//! - replaces images (and video/audio/frames) with placeholders that show size, alt text and URL;
//! - neutralises CSS that loads things (`url()`, `image-set()`, `@import`, escapes);
//! - outlines and numbers every element carrying a link with a finding (`data-la`), and puts a
//!   visible box where an Outlook-only conditional comment hides a flagged VML button.
//!
//! The page around it adds a Content-Security-Policy of `default-src 'none'` and `sandbox=""`,
//! so even markup this rewrite missed cannot load or run anything.

use std::cell::RefCell;
use std::collections::BTreeSet;

use lol_html::html_content::{ContentType, Element};
use lol_html::{doc_comments, doc_text, doctype, element, text, HtmlRewriter, Settings};

use super::html::escape;
use crate::finding::Severity;

/// A flagged link to mark: byte offset in the part's text, its number, how bad it is.
#[derive(Debug, Clone)]
pub struct Mark {
    /// Where the link's URL starts in the decoded part.
    pub offset: usize,
    /// Its number in the findings list.
    pub number: usize,
    /// The worst finding on it.
    pub severity: Severity,
    /// The URL (for placeholders), already redacted when asked.
    pub url: String,
}

/// The rewritten document, and the numbers that got a visible mark in it.
#[derive(Debug, Default)]
pub struct Rendered {
    /// The safe HTML document (to be attribute-escaped into `srcdoc`).
    pub html: String,
    /// Numbers outlined in the preview.
    pub outlined: BTreeSet<usize>,
    /// Numbers shown in an "Outlook only" box.
    pub outlook: BTreeSet<usize>,
}

/// Elements dropped with their content. Each either runs code, loads something, or draws
/// nothing a reviewer needs.
const DROPPED: &[&str] = &[
    "script", "noscript", "template", "base", "link", "meta", "svg", "math", "portal", "applet", "frameset",
    "param", "title",
];

/// Elements replaced by a placeholder box.
const BOXED: &[&str] =
    &["img", "image", "iframe", "frame", "object", "embed", "video", "audio", "canvas", "picture"];

/// Attributes that load or navigate (`on*` handlers are removed separately).
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "lowsrc",
    "dynsrc",
    "background",
    "poster",
    "data",
    "action",
    "formaction",
    "ping",
    "longdesc",
    "cite",
    "usemap",
    "manifest",
    "codebase",
    "archive",
    "profile",
    "icon",
    "xlink:href",
    "srcdoc",
    "action-xhr",
    "imagesrcset",
    "attributionsrc",
    // Not a URL, but focus moved into the frame blanks Chromium's rendering of it.
    "autofocus",
];

/// Style for the marks, placed before the message's own markup.
const PREVIEW_STYLE: &str = "[data-la]{outline:3px solid #c5221f!important;outline-offset:1px}\
[data-la-sev=warning]{outline-color:#e37400!important}\
[data-la-sev=info]{outline-color:#1a73e8!important}\
[data-la]::before{content:attr(data-la);display:inline-block;font:bold 11px/15px sans-serif;\
color:#fff;background:#c5221f;border-radius:8px;padding:0 5px;margin:0 3px 0 0;\
text-decoration:none;vertical-align:top}\
[data-la-sev=warning]::before{background:#e37400}[data-la-sev=info]::before{background:#1a73e8}\
.la-box{display:inline-block;box-sizing:border-box;max-width:100%;overflow:hidden;\
border:1px dashed #888;background:#eef0f3;color:#444;font:11px/14px sans-serif;\
text-align:left;padding:2px 4px;vertical-align:top;word-break:break-all}\
.la-mso{display:block;margin:4px 0;padding:4px 8px;border:2px dashed #7b1fa2;background:#f6eefa;\
color:#4a148c;font:12px/16px sans-serif;text-align:left}";

#[derive(Default)]
struct State {
    rendered: Rendered,
    style: String,
    text: String,
}

/// Rewrites `html` (a decoded HTML part) into a safe document with `marks` drawn in.
/// `redact` masks email addresses and tokens in the message text, as `--redact` does for URLs.
pub fn render(html: &str, marks: &[Mark], redact: bool) -> Rendered {
    let mut marks: Vec<&Mark> = marks.iter().collect();
    marks.sort_by_key(|m| m.offset);
    let state = RefCell::new(State::default());
    let mut out: Vec<u8> = Vec::with_capacity(html.len() + 1024);
    let result = {
        let settings = Settings::new()
            .append_element_content_handler(element!("*", |el| {
                on_element(el, &marks, redact, &mut state.borrow_mut());
                Ok(())
            }))
            .append_element_content_handler(text!("style", |t| {
                let mut st = state.borrow_mut();
                st.style.push_str(t.as_str());
                if t.last_in_text_node() {
                    let css = css(&std::mem::take(&mut st.style));
                    t.replace(&css, ContentType::Html);
                } else {
                    t.remove();
                }
                Ok(())
            }))
            .append_document_content_handler(doctype!(|d| {
                d.remove();
                Ok(())
            }))
            .append_document_content_handler(doc_comments!(|c| {
                let range = c.source_location().bytes();
                let inside = in_range(&marks, range.start, range.end);
                let conditional = crate::extract::html::conditional_body(&c.text()).is_some();
                if conditional && !inside.is_empty() {
                    let mut st = state.borrow_mut();
                    let numbers: Vec<String> = inside.iter().map(|m| format!("#{}", m.number)).collect();
                    st.rendered.outlook.extend(inside.iter().map(|m| m.number));
                    let note = format!(
                        "<div class=\"la-mso\">Outlook-only content here (conditional comment, \
                         drawn by Outlook for Windows, not by browsers): link {}</div>",
                        numbers.join(", ")
                    );
                    c.replace(&note, ContentType::Html);
                } else {
                    c.remove();
                }
                Ok(())
            }))
            .append_document_content_handler(doc_text!(|t| {
                if !redact || t.removed() {
                    return Ok(());
                }
                let mut st = state.borrow_mut();
                st.text.push_str(t.as_str());
                if t.last_in_text_node() {
                    let masked = super::redact::text(&std::mem::take(&mut st.text));
                    t.replace(&masked, ContentType::Html);
                } else {
                    t.remove();
                }
                Ok(())
            }))
            .with_strict(false);
        let mut rewriter = HtmlRewriter::new(settings, |c: &[u8]| out.extend_from_slice(c));
        rewriter.write(html.as_bytes()).and_then(|()| rewriter.end())
    };
    let State { mut rendered, .. } = state.into_inner();
    let body = String::from_utf8_lossy(&out);
    let mut doc = format!(
        "<!DOCTYPE html><meta charset=\"utf-8\"><meta http-equiv=\"Content-Security-Policy\" \
         content=\"default-src 'none'; style-src 'unsafe-inline'\"><style>{PREVIEW_STYLE}</style>"
    );
    match result {
        Ok(()) => doc.push_str(&body),
        // A document lol_html gave up on is not shown half-sanitised.
        Err(e) => {
            doc.push_str(&format!("<p>The HTML could not be previewed: {}</p>", escape(&e.to_string())));
            rendered.outlined.clear();
            rendered.outlook.clear();
        }
    }
    // The message's own control and bidi characters stay as they were for the browser, as
    // references (the HTML report file holds none raw).
    rendered.html = match super::sanitize::references(&doc) {
        std::borrow::Cow::Borrowed(_) => doc,
        std::borrow::Cow::Owned(o) => o,
    };
    rendered
}

/// The marks whose offset lies in `start..end`.
fn in_range<'m>(marks: &[&'m Mark], start: usize, end: usize) -> Vec<&'m Mark> {
    let first = marks.partition_point(|m| m.offset < start);
    marks[first..].iter().take_while(|m| m.offset < end).copied().collect()
}

fn on_element(el: &mut Element<'_, '_>, marks: &[&Mark], redact: bool, st: &mut State) {
    let tag = el.tag_name();
    let range = el.source_location().bytes();
    let inside = in_range(marks, range.start, range.end);
    if DROPPED.contains(&tag.as_str()) {
        el.remove();
        return;
    }
    if BOXED.contains(&tag.as_str()) || (tag == "input" && attr_is(el, "type", "image")) {
        let boxed = placeholder(el, &tag, &inside, redact);
        st.rendered.outlined.extend(inside.iter().map(|m| m.number));
        el.replace(&boxed, ContentType::Html);
        return;
    }
    let names: Vec<String> = el.attributes().iter().map(|a| a.name()).collect();
    let link = el.get_attribute("href");
    for name in &names {
        if name.starts_with("on") || URL_ATTRIBUTES.contains(&name.as_str()) || name.starts_with("data-la") {
            el.remove_attribute(name);
        } else if name == "style" {
            if let Some(style) = el.get_attribute("style") {
                let safe = css(&style);
                if safe.is_empty() {
                    el.remove_attribute("style");
                } else {
                    set(el, "style", &safe);
                }
            }
        } else if redact {
            // Any other attribute shown (title, alt, aria-label, value…) is masked too.
            if let Some(masked) = el.get_attribute(name).and_then(|v| super::redact::mask(&v)) {
                set(el, name, &masked);
            }
        }
    }
    if let (Some(href), true) = (link, tag == "a" || tag == "area") {
        let shown = inside.first().map_or_else(|| masked(&href, redact), |m| m.url.clone());
        set(el, "title", &format!("Link (not followed in this preview): {shown}"));
    }
    if !inside.is_empty() {
        label(el, &inside);
        st.rendered.outlined.extend(inside.iter().map(|m| m.number));
    }
}

/// A URL from the markup as the page may show it: entity-decoded, masked under `--redact`.
fn masked(raw: &str, redact: bool) -> String {
    let url = crate::text::entities::decode(raw);
    if redact {
        super::redact::text(&url)
    } else {
        url.into_owned()
    }
}

/// Sets an attribute to text (escaped here: lol_html only escapes double quotes).
fn set(el: &mut Element<'_, '_>, name: &str, value: &str) {
    let _ = el.set_attribute(name, &escape(value));
}

fn attr_is(el: &Element<'_, '_>, name: &str, value: &str) -> bool {
    el.get_attribute(name).is_some_and(|v| v.trim().eq_ignore_ascii_case(value))
}

/// Puts the numbers and the worst severity of `marks` on an element.
fn label(el: &mut Element<'_, '_>, marks: &[&Mark]) {
    let numbers: Vec<String> = marks.iter().map(|m| m.number.to_string()).collect();
    set(el, "data-la", &numbers.join(","));
    let worst = marks.iter().map(|m| m.severity).max().unwrap_or(Severity::Error);
    set(el, "data-la-sev", worst.as_str());
}

/// A box standing in for an image or embedded object: its size, alt text and URL.
fn placeholder(el: &Element<'_, '_>, tag: &str, marks: &[&Mark], redact: bool) -> String {
    let px = |name: &str| {
        el.get_attribute(name)
            .and_then(|v| v.trim().trim_end_matches("px").trim().parse::<u32>().ok())
            .map(|n| n.min(2000))
    };
    let (width, height) = (px("width"), px("height"));
    let url = marks
        .first()
        .map(|m| m.url.clone())
        .or_else(|| {
            let srcset =
                || el.get_attribute("srcset").and_then(|s| s.split_whitespace().next().map(str::to_string));
            el.get_attribute("src")
                .or_else(|| el.get_attribute("data"))
                .or_else(srcset)
                .map(|u| masked(&u, redact))
        })
        .unwrap_or_default();
    let what = match tag {
        "img" | "image" | "input" | "picture" if width.zip(height).is_some_and(|(w, h)| w <= 1 && h <= 1) => {
            "pixel"
        }
        "img" | "image" | "input" | "picture" => "image",
        "iframe" | "frame" => "frame",
        "video" => "video",
        "audio" => "audio",
        _ => "embedded object",
    };
    let size = match (width, height) {
        (Some(w), Some(h)) => format!(" {w}×{h}"),
        (Some(w), None) => format!(" {w} wide"),
        _ => String::new(),
    };
    // Pixels are drawn big enough to see; other boxes take the image's size.
    let mut style = String::new();
    if what != "pixel" {
        if let Some(w) = width {
            style.push_str(&format!("width:{w}px;"));
        }
        if let Some(h) = height.filter(|&h| h >= 16) {
            style.push_str(&format!("height:{h}px;"));
        }
    }
    let alt = el.get_attribute("alt").filter(|a| !a.trim().is_empty()).map(|a| {
        if redact {
            super::redact::text(&a)
        } else {
            a
        }
    });
    let mut out = format!("<span class=\"la-box\" style=\"{style}\"");
    if !marks.is_empty() {
        let numbers: Vec<String> = marks.iter().map(|m| m.number.to_string()).collect();
        let worst = marks.iter().map(|m| m.severity).max().unwrap_or(Severity::Error);
        out.push_str(&format!(" data-la=\"{}\" data-la-sev=\"{}\"", numbers.join(","), worst.as_str()));
    }
    out.push_str(&format!(" title=\"{} (not loaded): {}\">", what, escape(&url)));
    out.push_str(&format!("[{what}{size}]"));
    if let Some(alt) = alt {
        out.push_str(&format!(" “{}”", escape(alt.trim())));
    }
    if !url.is_empty() {
        out.push_str(&format!(" {}", escape(&shorten(&url, 80))));
    }
    out.push_str("</span>");
    out
}

/// At most `max` characters of `s`, with an ellipsis.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max - 1).collect();
    t.push('…');
    t
}

/// CSS with everything that could load something neutralised: `url(…)` becomes `none`,
/// `image-set()`, `@import`, `expression()`, `behavior` and `-moz-binding` are renamed into
/// unknown (ignored) names. CSS with escapes is dropped whole: `u\72l(` is a `url(`.
pub fn css(s: &str) -> String {
    if s.contains('\\') {
        return String::new();
    }
    let lower = s.to_ascii_lowercase();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let rest = &lower[i..];
        if rest.starts_with("url(") {
            out.push_str("none");
            i += url_end(&lower[i + 4..]) + 4;
            continue;
        }
        if let Some(word) = ["image-set(", "@import", "expression(", "behavior", "-moz-binding", "</"]
            .iter()
            .find(|w| rest.starts_with(*w))
        {
            out.push_str(if *word == "</" { "<\\/" } else { "x-" });
            if *word != "</" {
                out.push_str(&s[i..i + word.len()]);
            }
            i += word.len();
            continue;
        }
        let c = s[i..].chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Length of a `url(` argument up to and including its `)`, honouring quotes.
fn url_end(s: &str) -> usize {
    let mut quote: Option<u8> = None;
    for (i, b) in s.bytes().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b')') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(offset: usize, number: usize) -> Mark {
        Mark { offset, number, severity: Severity::Error, url: "https://u1.ct.sendgrid.test/x".into() }
    }

    #[test]
    fn css_cannot_load() {
        assert_eq!(css("background:url(https://x.test/a.png) red"), "background:none red");
        assert_eq!(css("background:URL( \"a)b\" )"), "background:none");
        assert_eq!(css("@import 'x.css'; a{color:red}"), "x-@import 'x.css'; a{color:red}");
        assert_eq!(css("b{background:image-set('a.png' 1x)}"), "b{background:x-image-set('a.png' 1x)}");
        assert_eq!(css("a{background:u\\72l(x)}"), "");
        assert_eq!(css("a{}</style><script>"), "a{}<\\/style><script>");
        assert_eq!(css("color:#fff; width:10px"), "color:#fff; width:10px");
    }

    #[test]
    fn hostile_markup_is_inert() {
        let html = r#"<html><head><base href="https://evil.test/"><meta http-equiv="refresh" content="0;url=https://evil.test/">
<link rel=stylesheet href="https://evil.test/a.css"><script>alert(1)</script></head>
<body onload="alert(2)" background="https://evil.test/bg.png"><a href="javascript:alert(3)" onclick="x()">go</a>
<img src="https://evil.test/p.gif" onerror="alert(4)" width=1 height=1><iframe src="https://evil.test/f"></iframe>
<svg onload="alert(5)"><image href="https://evil.test/s.png"/></svg><div style="background:url(https://evil.test/d.png)">d</div>
<form action="https://evil.test/post"><button formaction="https://evil.test/b">b</button></form><input autofocus></body></html>"#;
        let out = render(html, &[], false).html.to_ascii_lowercase();
        let body = &out[out.find("</style>").unwrap_or(0)..];
        for bad in [
            "<script",
            "onload",
            "onerror",
            "onclick",
            "=\"javascript:",
            "evil.test/a.css",
            "<iframe",
            "<svg",
            "<base",
            "<meta",
            "href=",
            "src=",
            "action=",
            "url(",
            "autofocus",
        ] {
            assert!(!body.contains(bad), "{bad} left in {body}");
        }
        assert!(body.contains("[pixel 1×1]"), "{body}");
    }

    #[test]
    fn flagged_elements_are_numbered() {
        let html = r#"<p><a href="https://u1.ct.sendgrid.test/x">Shop</a> <a href="https://ok.test/">ok</a>
<img src="https://u1.ct.sendgrid.test/o.gif" width="1" height="1" alt="">
<!--[if mso]><v:roundrect href="https://u1.ct.sendgrid.test/y"></v:roundrect><![endif]--></p>"#;
        let a = html.find("https://u1.ct.sendgrid.test/x").unwrap_or(0);
        let img = html.find("https://u1.ct.sendgrid.test/o.gif").unwrap_or(0);
        let vml = html.find("https://u1.ct.sendgrid.test/y").unwrap_or(0);
        let r = render(html, &[mark(a, 1), mark(img, 2), mark(vml, 3)], false);
        assert!(r.html.contains(r#"data-la="1""#), "{}", r.html);
        assert!(r.html.contains(r#"data-la="2""#), "{}", r.html);
        assert_eq!(r.outlined, [1, 2].into_iter().collect());
        assert_eq!(r.outlook, [3].into_iter().collect());
        assert!(r.html.contains("Outlook-only content here"));
        assert!(r
            .html
            .contains("title=\"Link (not followed in this preview): https://u1.ct.sendgrid.test/x\""));
    }

    #[test]
    fn redacts_text() {
        let r = render("<p>Sent to bob@example.test</p>", &[], true);
        assert!(!r.html.contains("bob@"), "{}", r.html);
    }

    /// Issue 16, item 2 (c): alt text and other attributes are masked too.
    #[test]
    fn redacts_alt_text_and_titles() {
        let html = r#"<img src="https://x.test/a.png" alt="Hello victim.person@corp.example" width=20 height=20>
<span title="for victim.person%40corp.example" aria-label="victim.person@corp.example">x</span>"#;
        let r = render(html, &[], true);
        assert!(!r.html.contains("victim"), "{}", r.html);
        assert!(render(html, &[], false).html.contains("victim"));
    }
}
