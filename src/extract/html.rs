//! Extract: links in HTML and AMP parts, read with lol_html (streaming, with source offsets).
//!
//! One handler sees every element and picks the URL-bearing attributes by (element, attribute):
//! `a`/`area`/`link` href, `img` src (with pixel cues), srcset, `background`, `style` url(),
//! VML `href`/`src`, form actions, media, meta refresh, `<base href>`. `<style>` text goes to the
//! CSS scanner. Outlook conditional comments (`<!--[if mso]> … <![endif]-->`) are parsed again
//! as fragments — every HTML parser misses their VML buttons otherwise — and so is the text of
//! `<noscript>`, which a mail client (no scripts) draws as markup. Attribute values arrive
//! raw from lol_html, so entities are decoded here.

use std::borrow::Cow;
use std::cell::RefCell;

use lol_html::html_content::Element;
use lol_html::{doc_comments, element, text, HtmlRewriter, Settings};
use url::Url;

use super::span::Cursor;
use super::{clean_url, css, entities, srcset, Kind, RawLink};
use crate::message::{Part, PartKind};
use crate::unwrap::codec::contains_ignore_case;

/// Longest anchor text kept, in characters.
const MAX_TEXT: usize = 200;
/// Conditional comments are re-parsed at most this deep.
const MAX_FRAGMENT_DEPTH: u8 = 2;

struct Found {
    offset: usize,
    url: String,
    kind: Kind,
    element: String,
    attribute: &'static str,
    mso: bool,
    pixel: bool,
    text: Option<String>,
}

#[derive(Default)]
struct State {
    found: Vec<Found>,
    base: Option<Url>,
    style_start: Option<usize>,
    style: String,
    /// Index in `found` of the anchor whose text is being collected.
    anchor: Option<usize>,
}

/// Context of one scan: where the scanned text sits in the part, and what it is.
#[derive(Clone, Copy)]
struct Scope {
    offset: usize,
    mso: bool,
    amp: bool,
}

/// Appends the links of an HTML or AMP part to `out`, in document order.
pub(super) fn extract(part: &Part, out: &mut Vec<RawLink>) -> Result<(), String> {
    let scope = Scope { offset: 0, mso: false, amp: part.kind == PartKind::Amp };
    let state = RefCell::new(State::default());
    let result = scan(&part.text, scope, &state, 0);
    let State { mut found, base, .. } = state.into_inner();
    found.sort_by_key(|f| f.offset);
    let mut cursor = Cursor::new(&part.text);
    for f in found {
        let (line, column) = cursor.position(f.offset);
        out.push(RawLink {
            url: resolve(f.url, base.as_ref()),
            kind: f.kind,
            part: part.path.clone(),
            line,
            column,
            element: Some(f.element),
            attribute: Some(f.attribute.to_string()),
            mso: f.mso,
            pixel_hint: f.pixel,
            text: f.text.map(|t| collapse_text(&t)),
            source_line: super::source_line(part, line),
        });
    }
    result
}

fn scan(html: &str, scope: Scope, state: &RefCell<State>, depth: u8) -> Result<(), String> {
    // Markup to scan again: (offset, text, inside an Outlook-only comment).
    let fragments: RefCell<Vec<(usize, String, bool)>> = RefCell::new(Vec::new());
    let noscript: RefCell<(Option<usize>, String)> = RefCell::new((None, String::new()));
    state.borrow_mut().anchor = None;
    let result = {
        let settings = Settings::new()
            .append_element_content_handler(element!("*", |el| {
                on_element(el, html, scope, &mut state.borrow_mut());
                Ok(())
            }))
            .append_element_content_handler(text!("style", |t| {
                let mut st = state.borrow_mut();
                if st.style_start.is_none() {
                    st.style_start = Some(scope.offset + t.source_location().bytes().start);
                }
                st.style.push_str(t.as_str());
                if t.last_in_text_node() {
                    let css_text = std::mem::take(&mut st.style);
                    let start = st.style_start.take().unwrap_or(scope.offset);
                    for (at, url) in css::urls(&css_text) {
                        push(&mut st, scope, start + at, url, Kind::Css, "style", "css", false);
                    }
                }
                Ok(())
            }))
            .append_element_content_handler(text!("a", |t| {
                let mut st = state.borrow_mut();
                if let Some(i) = st.anchor {
                    if let Some(text) = st.found.get_mut(i).and_then(|f| f.text.as_mut()) {
                        if text.len() < MAX_TEXT * 4 {
                            text.push_str(t.as_str());
                        }
                    }
                }
                Ok(())
            }))
            // Parsers read <noscript> as text (scripting on); mail clients run no script and
            // draw what is inside, so it is scanned again as markup.
            .append_element_content_handler(text!("noscript", |t| {
                let mut ns = noscript.borrow_mut();
                if ns.0.is_none() {
                    ns.0 = Some(scope.offset + t.source_location().bytes().start);
                }
                ns.1.push_str(t.as_str());
                if t.last_in_text_node() {
                    let at = ns.0.take().unwrap_or(scope.offset);
                    let text = std::mem::take(&mut ns.1);
                    if text.contains('<') {
                        fragments.borrow_mut().push((at, text, scope.mso));
                    }
                }
                Ok(())
            }))
            .append_document_content_handler(doc_comments!(|c| {
                let text = c.text();
                if let Some((inner_at, inner)) = conditional_body(&text) {
                    let at = scope.offset + c.source_location().bytes().start + 4 + inner_at;
                    fragments.borrow_mut().push((at, inner.to_string(), true));
                }
                Ok(())
            }))
            .with_strict(false);
        let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
        rewriter
            .write(html.as_bytes())
            .and_then(|()| rewriter.end())
            .map_err(|e| format!("HTML could not be read to the end: {e}"))
    };
    if depth < MAX_FRAGMENT_DEPTH {
        for (at, fragment, mso) in fragments.into_inner() {
            let inner = Scope { offset: at, mso, amp: scope.amp };
            scan(&fragment, inner, state, depth + 1)?;
        }
    }
    result
}

/// The body of a downlevel-hidden conditional comment (`[if mso]> … <![endif]`) and its offset
/// in the comment text.
pub(crate) fn conditional_body(comment: &str) -> Option<(usize, &str)> {
    let lead = comment.len() - comment.trim_start().len();
    if !comment[lead..].starts_with("[if") {
        return None;
    }
    let open = comment.find("]>")? + 2;
    let close = comment.rfind("<![endif]").filter(|&c| c >= open).unwrap_or(comment.len());
    let body = &comment[open..close];
    (!body.trim().is_empty()).then_some((open, body))
}

/// The URL-bearing attribute names, as the match in [`on_element`] spells them.
const URL_ATTRIBUTES: [&str; 13] = [
    "href",
    "src",
    "lowsrc",
    "dynsrc",
    "srcset",
    "background",
    "poster",
    "data",
    "action",
    "action-xhr",
    "formaction",
    "style",
    "content",
];

/// The canonical name of `attr` if it may carry a URL. The name is read in place from `html`
/// (no allocation: most attributes of a mail — `class`, `align`, `width` — carry none).
fn url_attribute(attr: &lol_html::html_content::Attribute<'_>, html: &str) -> Option<&'static str> {
    let in_place = attr.name_source_location().and_then(|l| html.get(l.bytes()));
    let owned;
    let name = match in_place {
        Some(n) => n,
        None => {
            owned = attr.name();
            owned.as_str()
        }
    };
    URL_ATTRIBUTES.iter().copied().find(|a| a.eq_ignore_ascii_case(name))
}

/// The element's tag name, lower-cased, read in place from `html` when it is already lower case.
fn tag_name<'h>(el: &Element<'_, '_>, html: &'h str) -> Cow<'h, str> {
    let start = el.source_location().bytes().start + 1;
    let in_place = html.get(start..).map(|rest| {
        let end = rest.find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>').unwrap_or(rest.len());
        &rest[..end]
    });
    match in_place {
        Some(t) if !t.is_empty() && !t.bytes().any(|b| b.is_ascii_uppercase()) => Cow::Borrowed(t),
        _ => Cow::Owned(el.tag_name()),
    }
}

/// Whether attribute `name` of `tag` can hold a URL at all, judged before its value is copied:
/// most `style` attributes of a mail have no `url(`, and `data`/`action`/`content` count only
/// on their own elements. `raw` is the undecoded value when lol_html can show it in place.
fn worth_reading(name: &str, tag: &str, raw: Option<&str>) -> bool {
    match name {
        // Exactly what the CSS scanner looks for (`url(`, `@import`), or an entity hiding it.
        "style" => raw.is_none_or(|r| r.contains(['&', '@']) || contains_ignore_case(r, "url")),
        "data" => tag == "object",
        "action" | "action-xhr" => tag == "form",
        "content" => tag == "meta",
        _ => true,
    }
}

fn on_element(el: &mut Element<'_, '_>, html: &str, scope: Scope, st: &mut State) {
    if el.attributes().is_empty() {
        if tag_name(el, html) == "a" {
            st.anchor = None;
        }
        return;
    }
    let tag = tag_name(el, html);
    let el_offset = scope.offset + el.source_location().bytes().start;
    let vml = tag.starts_with("v:") || tag.starts_with("o:");
    if tag == "a" {
        st.anchor = None;
    }
    let mut seen: Vec<&'static str> = Vec::new();
    for attr in el.attributes() {
        let Some(name) = url_attribute(attr, html) else { continue };
        if seen.contains(&name) {
            continue; // a repeated attribute: HTML keeps the first
        }
        let value_at = attr.value_source_location();
        if !worth_reading(name, &tag, value_at.as_ref().and_then(|l| html.get(l.bytes()))) {
            seen.push(name);
            continue;
        }
        let raw = attr.value();
        let at = value_at.map_or(el_offset, |l| scope.offset + l.bytes().start);
        let value = entities::decode(&raw);
        // Offsets inside the value are exact only when decoding changed nothing.
        let exact = value.len() == raw.len();
        let inner = |i: usize| if exact { at + i } else { at };
        let tag_s: &str = &tag;
        match name {
            "href" => {
                let kind = match tag_s {
                    "a" => Kind::Anchor,
                    "area" => Kind::Area,
                    "link" => Kind::Link,
                    // SVG's <image href> loads a picture; browsers draw it in HTML mail too.
                    "image" => Kind::Image,
                    "base" => {
                        if st.base.is_none() {
                            st.base = Url::parse(value.trim()).ok();
                        }
                        seen.push(name);
                        continue;
                    }
                    _ if vml => Kind::Vml,
                    _ => Kind::Anchor,
                };
                let anchor = push(st, scope, at, &value, kind, tag_s, "href", false);
                if tag_s == "a" {
                    st.anchor = anchor;
                    if let Some(i) = anchor {
                        st.found[i].text = Some(String::new());
                    }
                }
            }
            "src" | "lowsrc" | "dynsrc" => {
                let Some((kind, pixel)) = src_kind(el, tag_s, vml, &value) else {
                    seen.push(name);
                    continue;
                };
                push(st, scope, at, &value, kind, tag_s, name, pixel);
            }
            "srcset" => {
                for (i, url) in srcset::candidates(&value) {
                    push(st, scope, inner(i), url, Kind::Srcset, tag_s, "srcset", false);
                }
            }
            "background" => {
                push(st, scope, at, &value, Kind::Background, tag_s, "background", false);
            }
            "poster" => {
                push(st, scope, at, &value, Kind::Media, tag_s, "poster", false);
            }
            "data" if tag_s == "object" => {
                push(st, scope, at, &value, Kind::Media, tag_s, "data", false);
            }
            "action" | "action-xhr" if tag_s == "form" => {
                push(st, scope, at, &value, Kind::Form, tag_s, name, false);
            }
            "formaction" => {
                push(st, scope, at, &value, Kind::Form, tag_s, "formaction", false);
            }
            "style" => {
                for (i, url) in css::urls(&value) {
                    push(st, scope, inner(i), url, Kind::Css, tag_s, "style", false);
                }
            }
            "content" if tag_s == "meta" => {
                let refresh =
                    el.get_attribute("http-equiv").is_some_and(|v| v.trim().eq_ignore_ascii_case("refresh"));
                if let Some((i, url)) = refresh.then(|| refresh_url(&value)).flatten() {
                    push(st, scope, inner(i), url, Kind::Refresh, tag_s, "content", false);
                }
            }
            _ => {}
        }
        seen.push(name);
    }
}

/// Records one link; returns its index in `found`.
#[allow(clippy::too_many_arguments)]
fn push(
    st: &mut State,
    scope: Scope,
    offset: usize,
    value: &str,
    kind: Kind,
    element: &str,
    attribute: &'static str,
    pixel: bool,
) -> Option<usize> {
    let url = clean_url(value)?;
    if scope.amp && (url.contains("{{") || url.contains("[[")) {
        return None; // an amp-mustache placeholder, filled in by the AMP runtime
    }
    let kind = if scope.amp { Kind::Amp } else { kind };
    st.found.push(Found {
        offset,
        url,
        kind,
        element: element.to_string(),
        attribute,
        mso: scope.mso,
        pixel,
        text: None,
    });
    Some(st.found.len() - 1)
}

/// Kind of a `src`-like attribute, and whether the HTML marks the image as an invisible pixel.
/// `None` for elements where `src` loads nothing (`<textarea src>` in broken markup).
fn src_kind(el: &Element<'_, '_>, tag: &str, vml: bool, src: &str) -> Option<(Kind, bool)> {
    Some(match tag {
        "img" | "image" | "amp-img" | "amp-anim" => (Kind::Image, looks_like_pixel(el, src)),
        "amp-pixel" => (Kind::Image, true),
        "input" => (Kind::Image, false),
        "script" | "amp-script" => (Kind::Script, false),
        "iframe" | "frame" | "amp-iframe" => (Kind::Frame, false),
        "video" | "audio" | "source" | "track" | "embed" | "amp-video" | "amp-audio" => (Kind::Media, false),
        _ if vml => (Kind::Vml, false),
        _ if tag.starts_with("amp-") => (Kind::Link, false),
        _ => return None,
    })
}

/// Size and visibility cues of an open-tracking pixel: 1×1 (attributes or inline style), or
/// hidden without a visible size. Spacer images are not pixels.
fn looks_like_pixel(el: &Element<'_, '_>, src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    if ["spacer", "blank.gif", "transparent.gif", "clear.gif", "attachments.office.net/owa/"]
        .iter()
        .any(|s| lower.contains(s))
    {
        return false;
    }
    let mut width = el.get_attribute("width").and_then(|v| length(&v));
    let mut height = el.get_attribute("height").and_then(|v| length(&v));
    let mut hidden = false;
    if let Some(style) = el.get_attribute("style") {
        for decl in style.split(';') {
            let Some((prop, val)) = decl.split_once(':') else { continue };
            let prop = prop.trim().to_ascii_lowercase();
            let val = val.trim().trim_end_matches("!important").trim().to_ascii_lowercase();
            match prop.as_str() {
                "width" | "max-width" => width = length(&val).or(width),
                "height" | "max-height" => height = length(&val).or(height),
                "display" if val == "none" => hidden = true,
                "visibility" if val == "hidden" => hidden = true,
                "opacity" if val.parse::<f32>().is_ok_and(|o| o == 0.0) => hidden = true,
                _ => {}
            }
        }
    }
    let tiny = |v: Option<f32>| v.is_some_and(|v| v <= 1.0);
    match (width, height) {
        (Some(_), Some(_)) => tiny(width) && tiny(height),
        (Some(_), None) => tiny(width),
        (None, Some(_)) => tiny(height),
        (None, None) => hidden,
    }
}

/// A CSS or attribute length in pixels (`1`, `1px`, `0`); `None` for `%`, `auto` and others.
fn length(v: &str) -> Option<f32> {
    let v = v.trim();
    let num = v.strip_suffix("px").unwrap_or(v).trim();
    num.parse::<f32>().ok().filter(|n| n.is_finite())
}

/// The URL of a meta refresh `content` (`0; url=https://…`), with its offset.
fn refresh_url(content: &str) -> Option<(usize, &str)> {
    let lower = content.to_ascii_lowercase();
    let at = lower.find("url")?;
    let rest = &content[at + 3..];
    let eq = rest.find('=')?;
    if !rest[..eq].trim().is_empty() {
        return None;
    }
    let value = &rest[eq + 1..];
    let lead = value.len() - value.trim_start().len();
    let trimmed = value.trim().trim_matches(|c| c == '\'' || c == '"');
    let quote = usize::from(value.trim_start().starts_with(['\'', '"']));
    Some((at + 3 + eq + 1 + lead + quote, trimmed))
}

/// Resolves a relative URL against `<base href>`; absolute URLs are returned unchanged.
fn resolve(url: String, base: Option<&Url>) -> String {
    let Some(base) = base else { return url };
    if has_scheme(&url) {
        return url;
    }
    base.join(&url).map(|u| u.to_string()).unwrap_or(url)
}

pub(crate) fn has_scheme(url: &str) -> bool {
    let Some(colon) = url.find(':') else { return false };
    let scheme = &url[..colon];
    scheme.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        && !url[colon + 1..].starts_with(|c: char| c.is_ascii_digit())
}

/// Anchor text with entities decoded and whitespace collapsed, at most [`MAX_TEXT`] characters.
fn collapse_text(raw: &str) -> String {
    let decoded = entities::decode(raw);
    let mut out = String::new();
    for word in decoded.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() >= MAX_TEXT {
            break;
        }
    }
    out.chars().take(MAX_TEXT).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Part, PartKind};

    fn links(html: &str) -> Vec<RawLink> {
        let part = Part {
            path: "1".into(),
            content_type: "text/html".into(),
            charset: None,
            kind: PartKind::Html,
            attachment: false,
            body_line: None,
            identity: true,
            text: html.into(),
        };
        let mut out = Vec::new();
        extract(&part, &mut out).unwrap();
        out
    }

    /// linkify's annotation idiom: the input with every found URL wrapped in `|…|`.
    fn annotate(html: &str) -> String {
        let found = links(html);
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for l in &found {
            if let Some(at) = html.find(&l.url) {
                if !spans.iter().any(|&(s, _)| s == at) {
                    spans.push((at, at + l.url.len()));
                }
            }
        }
        spans.sort();
        let mut out = String::new();
        let mut last = 0;
        for (s, e) in spans {
            out.push_str(&html[last..s]);
            out.push('|');
            out.push_str(&html[s..e]);
            out.push('|');
            last = e;
        }
        out.push_str(&html[last..]);
        out
    }

    #[test]
    fn svg_image_href_is_an_image() {
        let found = links(r#"<svg><image href="https://x.example/i.png" width="10" height="10"/></svg>"#);
        assert_eq!(found.iter().map(|l| l.kind).collect::<Vec<_>>(), [Kind::Image]);
    }

    #[test]
    fn noscript_content_is_markup_for_a_mail_client() {
        let html = "<p>a</p><noscript><img src=\"https://x.example/ns.gif\" width=\"1\" height=\"1\">\n<a href=\"https://x.example/ns\">n</a></noscript>";
        let found = links(html);
        let urls: Vec<&str> = found.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(urls, ["https://x.example/ns.gif", "https://x.example/ns"]);
        let img = &found[0];
        assert_eq!((img.kind, img.pixel_hint, img.mso), (Kind::Image, true, false));
        // Positions point into the part, as for any other link.
        assert_eq!((found[1].line, found[1].column), (2, 10));
    }

    #[test]
    fn attribute_quoting_variants() {
        let html = r#"<A HREF="https://x.example/a">a</A><a href=https://x.example/b?x=1>b</a><a href='https://x.example/c'>c</a>"#;
        assert_eq!(
            annotate(html),
            r#"<A HREF="|https://x.example/a|">a</A><a href=|https://x.example/b?x=1|>b</a><a href='|https://x.example/c|'>c</a>"#
        );
    }

    #[test]
    fn upper_case_markup_and_prefiltered_attributes() {
        let html = r#"<TABLE><TR><TD STYLE="color:red" Background="https://x.example/td.png">
<DIV Style="BACKGROUND:URL(https://x.example/upper.png)"></DIV>
<div style="background:u&#114;l(https://x.example/entity.png)"></div>
<P CONTENT="https://x.example/not-meta" DATA="https://x.example/not-object"></P>
<A HREF="https://x.example/a">shop</A><IMG SRC="https://x.example/i.png"></TD></TR></TABLE>"#;
        let got: Vec<(String, &str)> = links(html).into_iter().map(|l| (l.url, l.kind.as_str())).collect();
        let want = [
            ("https://x.example/td.png", "background"),
            ("https://x.example/upper.png", "css"),
            ("https://x.example/entity.png", "css"),
            ("https://x.example/a", "anchor"),
            ("https://x.example/i.png", "image"),
        ];
        let want: Vec<(String, &str)> = want.iter().map(|(u, k)| (u.to_string(), *k)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn kinds_by_element() {
        let html = r#"<html><head><link rel=stylesheet href="https://x.example/s.css">
<style>.a{background:url(https://x.example/bg.png)}</style></head>
<body background="https://x.example/body.png"><img src="https://x.example/i.png" srcset="https://x.example/i1.png 1x, https://x.example/i2.png 2x">
<img src="https://x.example/open.gif" width="1" height="1">
<div style="background-image:url('https://x.example/div.png')"></div>
<map><area href="https://x.example/area"></map>
<form action="https://x.example/form"></form>
<meta http-equiv="refresh" content="0; url=https://x.example/refresh">
<video poster="https://x.example/poster.jpg"><source src="https://x.example/v.mp4"></video>
</body></html>"#;
        let got: Vec<(String, &str)> = links(html).into_iter().map(|l| (l.url, l.kind.as_str())).collect();
        let want = [
            ("https://x.example/s.css", "link"),
            ("https://x.example/bg.png", "css"),
            ("https://x.example/body.png", "background"),
            ("https://x.example/i.png", "image"),
            ("https://x.example/i1.png", "srcset"),
            ("https://x.example/i2.png", "srcset"),
            ("https://x.example/open.gif", "image"),
            ("https://x.example/div.png", "css"),
            ("https://x.example/area", "area"),
            ("https://x.example/form", "form"),
            ("https://x.example/refresh", "refresh"),
            ("https://x.example/poster.jpg", "media"),
            ("https://x.example/v.mp4", "media"),
        ];
        let want: Vec<(String, &str)> = want.iter().map(|(u, k)| (u.to_string(), *k)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn pixel_cues() {
        let html = r#"<img src="https://x.example/a" width="1" height="1">
<img src="https://x.example/b" style="display:none; width:1px; height:1px">
<img src="https://x.example/c" width="600" height="1">
<img src="https://x.example/spacer.gif" width="1" height="1">
<img src="https://x.example/d" style="display:none">
<img src="https://x.example/e" style="display:none;width:300px">"#;
        let hints: Vec<bool> = links(html).iter().map(|l| l.pixel_hint).collect();
        assert_eq!(hints, [true, true, false, false, true, false]);
    }

    #[test]
    fn vml_inside_mso_comments_is_found_with_its_position() {
        let html = "<div>\n<!--[if mso]>\n<v:roundrect href=\"https://x.example/mso\"><v:fill src=\"https://x.example/fill.png\"/></v:roundrect>\n<![endif]-->\n<!--[if !mso]><!-- --><a href=\"https://x.example/html\">b</a><!--<![endif]-->\n<!-- https://x.example/plain-comment -->\n</div>";
        let found = links(html);
        let got: Vec<(&str, &str, bool, u32)> =
            found.iter().map(|l| (l.url.as_str(), l.kind.as_str(), l.mso, l.line)).collect();
        assert_eq!(
            got,
            [
                ("https://x.example/mso", "vml", true, 3),
                ("https://x.example/fill.png", "vml", true, 3),
                ("https://x.example/html", "anchor", false, 5),
            ]
        );
        let mso = &found[0];
        assert_eq!(mso.column, 20);
    }

    #[test]
    fn entities_and_base_href() {
        let html = r#"<base href="https://x.example/news/2024/"><a href="article.html">a</a>
<a href="https:&#x2F;&#x2F;x.example&#x2F;ent?a=1&amp;b=2&#38;c=3">e</a><a href="/abs">x</a>"#;
        let got: Vec<String> = links(html).into_iter().map(|l| l.url).collect();
        assert_eq!(
            got,
            [
                "https://x.example/news/2024/article.html",
                "https://x.example/ent?a=1&b=2&c=3",
                "https://x.example/abs"
            ]
        );
    }

    #[test]
    fn anchor_text_is_collected() {
        let found =
            links(r#"<a href="https://x.example/a"> Visit <b>https://shop.example</b>&amp; more </a>"#);
        assert_eq!(found[0].text.as_deref(), Some("Visit https://shop.example& more"));
    }

    #[test]
    fn duplicate_attributes_keep_the_first() {
        let got: Vec<String> = links(r#"<a href="https://x.example/1" href="https://x.example/2">x</a>"#)
            .into_iter()
            .map(|l| l.url)
            .collect();
        assert_eq!(got, ["https://x.example/1"]);
    }

    #[test]
    fn scripts_textareas_and_plain_comments_are_not_links() {
        let html = r##"<script>var u="https://x.example/js";</script><textarea>https://x.example/ta</textarea><!-- <a href="https://x.example/c"> --><img src="cid:logo@x"><a href="#top">t</a>"##;
        assert!(links(html).is_empty());
    }
}
