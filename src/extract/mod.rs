//! Stage 3 (message → **extract** → unwrap → …): every link and pixel in a parsed message.
//!
//! HTML and AMP parts go through [`html`] (a byte-level tokenizer, with lol_html as the fallback
//! for markup it does not model), with Outlook conditional comments parsed a second time and CSS
//! `url()` read from `<style>` and `style=""` ([`css`]); text parts through linkify ([`text`]);
//! `List-Unsubscribe` through [`headers`]. Each link keeps its kind, the part it came from and its
//! line:column in the decoded part (in the message source for headers).

pub mod css;
mod headers;
pub(crate) mod html;
mod markup;
pub mod span;
pub mod srcset;
mod text;

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;

use crate::message::{ParsedMessage, PartKind};

/// For the differential fuzz target (`fuzz/fuzz_targets/html_readers.rs`): the links of an HTML
/// part read by linkaudit's own tokenizer and by lol_html alone, each with its reader's result.
/// The two must always be equal.
#[doc(hidden)]
pub fn html_both_ways(html: &str) -> [(Vec<RawLink>, Result<(), String>); 2] {
    html::both_ways(html)
}

/// What a link is, as the JSON `kind` field names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// `<a href>`.
    Anchor,
    /// `<area href>` of an image map.
    Area,
    /// `<img src>` (and `<input type=image>`).
    Image,
    /// An image that is an open-tracking pixel (1×1, hidden, or a known open-tracking path).
    Pixel,
    /// One candidate of a `srcset`.
    Srcset,
    /// `background=` on body, table, td, th.
    Background,
    /// `url()` or `@import` in CSS.
    Css,
    /// A VML element (`v:roundrect href`, `v:fill src`, …): Outlook-only buttons and backgrounds.
    Vml,
    /// `form action` (and AMP `action-xhr`, `formaction`).
    Form,
    /// `<link href>` (stylesheets, fonts, preconnects).
    Link,
    /// A URL in a text/plain part.
    Text,
    /// A URL in a header (`List-Unsubscribe`).
    Header,
    /// Any link in a text/x-amp-html part.
    Amp,
    /// `src`/`poster` of video, audio, source, embed, object.
    Media,
    /// `<script src>`.
    Script,
    /// `<iframe src>` / `<frame src>`.
    Frame,
    /// `<meta http-equiv=refresh content="0; url=…">`.
    Refresh,
}

impl Kind {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Anchor => "anchor",
            Kind::Area => "area",
            Kind::Image => "image",
            Kind::Pixel => "pixel",
            Kind::Srcset => "srcset",
            Kind::Background => "background",
            Kind::Css => "css",
            Kind::Vml => "vml",
            Kind::Form => "form",
            Kind::Link => "link",
            Kind::Text => "text",
            Kind::Header => "header",
            Kind::Amp => "amp",
            Kind::Media => "media",
            Kind::Script => "script",
            Kind::Frame => "frame",
            Kind::Refresh => "refresh",
        }
    }
}

/// A link as found, before any unwrapping or classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RawLink {
    /// The URL after MIME and entity decoding, trimmed, resolved against `<base href>`.
    pub url: String,
    /// What it is.
    pub kind: Kind,
    /// Section it came from (`1.2`), or `header` / `2.header` for header fields.
    pub part: Arc<str>,
    /// 1-based line in the decoded part (in the message source for headers).
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// HTML element (`a`, `img`, `v:roundrect`), when from HTML.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<Cow<'static, str>>,
    /// Attribute or header name (`href`, `style`, `List-Unsubscribe`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute: Option<Cow<'static, str>>,
    /// Inside an Outlook conditional comment (`<!--[if mso]> … <![endif]-->`): only Outlook
    /// for Windows shows it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub mso: bool,
    /// The HTML says this image is invisible (1×1, zero-size or hidden).
    #[serde(skip)]
    pub pixel_hint: bool,
    /// Visible text of an anchor, whitespace collapsed (first 200 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Line in the message source: exact for headers and unencoded parts, the first body line
    /// of a quoted-printable or base64 part.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<u32>,
}

/// The source line of decoded line `line` of `part`.
pub(crate) fn source_line(part: &crate::message::Part, line: u32) -> Option<u32> {
    part.body_line.map(|b| if part.identity { b + line.saturating_sub(1) } else { b })
}

/// Everything extraction found in one message.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    /// Links in document order: headers first, then parts.
    pub links: Vec<RawLink>,
    /// A `List-Unsubscribe-Post` header is present (RFC 8058 one-click).
    pub list_unsubscribe_post: bool,
    /// Parts whose HTML could not be read to the end, with the reason.
    pub html_errors: Vec<(String, String)>,
}

/// Extracts every link of `msg`.
pub fn extract(msg: &ParsedMessage) -> Extracted {
    extract_within(msg, usize::MAX)
}

/// Extracts the links of `msg`, keeping at most one more than `max_links` (the audit cuts the
/// list to the limit and reports it): a part with millions of links costs no more than one with
/// the limit.
pub fn extract_within(msg: &ParsedMessage, max_links: usize) -> Extracted {
    let mut out = Extracted {
        list_unsubscribe_post: msg.header_values("List-Unsubscribe-Post").next().is_some(),
        ..Extracted::default()
    };
    // Every link names its section; one shared string per section serves all of them.
    headers::extract(&msg.headers, &"header".into(), &mut out.links, max_links);
    for nested in &msg.nested {
        let section = format!("{}.header", nested.path).into();
        headers::extract(&nested.headers, &section, &mut out.links, max_links);
    }
    for part in &msg.parts {
        let section: Arc<str> = part.path.as_str().into();
        match part.kind {
            PartKind::Html | PartKind::Amp => {
                let cap = max_links.saturating_add(1).saturating_sub(out.links.len());
                if let Err(e) = html::extract(part, &section, &mut out.links, cap) {
                    out.html_errors.push((part.path.clone(), e));
                }
            }
            PartKind::Text => text::extract(part, &section, &mut out.links, max_links),
        }
    }
    out
}

/// URL schemes that load or dial nothing a campaign tracks: not reported as links.
const NOT_LINKS: &[&str] = &[
    "cid",
    "mid",
    "data",
    "about",
    "tel",
    "sms",
    "callto",
    "skype",
    "fax",
    "blob",
    "x-apple-data-detectors",
];

/// Cleans an attribute or text URL: trims ASCII whitespace and drops tabs and line breaks, as
/// browsers do. Returns `None` for things that are not links to audit (fragments, `cid:`,
/// `data:`, `tel:` …). `javascript:` is kept: rule LA104 reports it.
pub(crate) fn clean_url(raw: &str) -> Option<String> {
    let trimmed = raw.trim_matches(|c: char| c.is_ascii_whitespace());
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let url: String = if memchr::memchr3(b'\t', b'\r', b'\n', trimmed.as_bytes()).is_some() {
        trimmed.chars().filter(|c| !matches!(c, '\t' | '\r' | '\n')).collect()
    } else {
        trimmed.to_string()
    };
    if let Some(colon) = memchr::memchr(b':', url.as_bytes()) {
        let scheme = &url[..colon];
        let web = scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http");
        if !web
            && !scheme.is_empty()
            && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        {
            if scheme.eq_ignore_ascii_case("mailto")
                && url[colon + 1..].split('?').next().is_none_or(|a| a.trim().is_empty())
            {
                return None; // `mailto:` with no address
            }
            if NOT_LINKS.iter().any(|s| scheme.eq_ignore_ascii_case(s)) {
                return None;
            }
        }
    }
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::clean_url;
    use rstest::rstest;

    #[rstest]
    #[case(" https://x.example/a ", Some("https://x.example/a"))]
    #[case("https://x.exa\nmple/a", Some("https://x.example/a"))]
    #[case("#top", None)]
    #[case("cid:logo@x", None)]
    #[case("JavaScript:alert(1)", Some("JavaScript:alert(1)"))]
    #[case("data:image/png;base64,AAAA", None)]
    #[case("tel:+123", None)]
    #[case("mailto:a@x.example", Some("mailto:a@x.example"))]
    #[case("mailto:", None)]
    #[case("mailto:?subject=x", None)]
    #[case("article.html", Some("article.html"))]
    #[case("   ", None)]
    fn urls_are_cleaned(#[case] raw: &str, #[case] want: Option<&str>) {
        assert_eq!(clean_url(raw).as_deref(), want);
    }

    /// Issue 16, peak memory: a part with 200,000 links keeps one more than the limit (the rest
    /// is never held), HTML and text alike, and the first ones in document order.
    #[test]
    fn extraction_keeps_one_more_than_the_limit() {
        use crate::message::{ParsedMessage, Part, PartKind};
        let part = |kind, text: String| Part {
            path: "1".into(),
            content_type: "text/html".into(),
            charset: None,
            kind,
            attachment: false,
            body_line: Some(1),
            identity: true,
            transfer: Default::default(),
            body: None,
            text,
        };
        let html: String =
            (0..200_000).map(|i| format!("<a href=\"https://x.example/{i}\">x</a>\n")).collect();
        let text: String = (0..200_000).map(|i| format!("https://x.example/{i}\n")).collect();
        for p in [part(PartKind::Html, html), part(PartKind::Text, text)] {
            let msg = ParsedMessage { parts: vec![p], ..ParsedMessage::default() };
            let links = super::extract_within(&msg, 1000).links;
            assert_eq!(links.len(), 1001);
            assert_eq!(
                (links[0].url.as_str(), links[1000].url.as_str()),
                ("https://x.example/0", "https://x.example/1000")
            );
        }
    }
}
