//! Extract: URLs in text/plain parts — bare `https://…`, bracketed `<https://…>` and scheme-less
//! `www.…` — found by linkify on the decoded text (never on quoted-printable).

use std::sync::{Arc, LazyLock};

use linkify::{LinkFinder, LinkKind};

use super::span::Cursor;
use super::{clean_url, Kind, RawLink};
use crate::message::Part;
use crate::text::codec::{is_web_url, starts_with_ignore_case};

static FINDER: LazyLock<LinkFinder> = LazyLock::new(|| {
    let mut f = LinkFinder::new();
    f.kinds(&[LinkKind::Url]).url_must_have_scheme(false);
    f
});

/// Appends the URLs of a text part to `out`, until it holds more than `max_links`.
pub(super) fn extract(part: &Part, section: &Arc<str>, out: &mut Vec<RawLink>, max_links: usize) {
    let mut cursor = Cursor::new(&part.text);
    for link in FINDER.links(&part.text) {
        if out.len() > max_links {
            return;
        }
        let mut s = link.as_str();
        // A zero-width space or joiner ends the URL: nobody types one inside a URL, and linkify
        // keeps it (it would become %E2%80%8B).
        if let Some(i) = s.find(INVISIBLE) {
            s = s[..i].trim_end_matches(['.', ',', ';', ':', '!', '?']);
        }
        let mut s = s.trim_end_matches(CLOSING);
        let mut start = link.start();
        // Text glued to the scheme ("C++https://…", "URL:https://…") is not part of the URL.
        if let Some(i) = web_scheme_at(s).filter(|&i| i > 0) {
            s = &s[i..];
            start += i;
        }
        if !wanted(s) {
            continue;
        }
        let Some(url) = clean_url(s) else { continue };
        let (line, column) = cursor.position(start);
        out.push(RawLink {
            url,
            kind: Kind::Text,
            part: section.clone(),
            line,
            column,
            element: None,
            attribute: None,
            mso: false,
            pixel_hint: false,
            text: None,
            source_line: super::source_line(part, line),
        });
    }
}

/// Invisible format characters: zero-width space, non-joiner, joiner, word joiner, BOM.
const INVISIBLE: &[char] = &['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

/// Closing quotes and brackets outside ASCII that linkify keeps at the end of an IRI.
const CLOSING: &[char] =
    &['”', '’', '»', '›', '“', '‘', '«', '‹', '」', '』', '）', '】', '〉', '》', '。', '、', '，'];

/// Where `http://` or `https://` starts in `s`, if it does.
fn web_scheme_at(s: &str) -> Option<usize> {
    let lower = s.to_ascii_lowercase();
    let i = lower.find("http")?;
    (lower[i..].starts_with("http://") || lower[i..].starts_with("https://")).then_some(i)
}

/// http(s) URLs, and scheme-less ones only when they start with `www.` (a bare `Example.com`
/// in running text is a name, not a link).
fn wanted(s: &str) -> bool {
    is_web_url(s) || starts_with_ignore_case(s, "www.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::PartKind;

    fn urls(text: &str) -> Vec<String> {
        let part = Part {
            path: "1".into(),
            content_type: "text/plain".into(),
            charset: None,
            kind: PartKind::Text,
            attachment: false,
            body_line: None,
            identity: true,
            transfer: Default::default(),
            body: None,
            text: text.into(),
        };
        let mut out = Vec::new();
        extract(&part, &part.path.as_str().into(), &mut out, usize::MAX);
        out.into_iter().map(|l| l.url).collect()
    }

    #[test]
    fn the_forms_a_text_part_uses() {
        let text = "Visit https://x.example/a for details.\nBracketed: <https://x.example/b?a=1&b=2>\n\
(https://x.example/paren) and https://x.example/sentence.\n\"https://x.example/quoted\"\n\
No scheme: www.x.example/c\nA name: Example.com\n\u{201c}https://x.example/curly\u{201d} \u{ab}https://x.example/guillemets\u{bb}.\n\
mail me: a@x.example\nC++https://x.example/glued";
        assert_eq!(
            urls(text),
            [
                "https://x.example/a",
                "https://x.example/b?a=1&b=2",
                "https://x.example/paren",
                "https://x.example/sentence",
                "https://x.example/quoted",
                "www.x.example/c",
                "https://x.example/curly",
                "https://x.example/guillemets",
                "https://x.example/glued",
            ]
        );
    }

    #[test]
    fn zero_width_characters_end_a_url() {
        let text = "a https://x.example/zw\u{200b}next b https://x.example/zwnj\u{200c} c https://x.example/zwj\u{200d}
d https://x.example/wj\u{2060} e https://x.example/bom\u{feff}f https://x.example/dot.\u{200b}";
        assert_eq!(
            urls(text),
            [
                "https://x.example/zw",
                "https://x.example/zwnj",
                "https://x.example/zwj",
                "https://x.example/wj",
                "https://x.example/bom",
                "https://x.example/dot",
            ]
        );
    }
}
