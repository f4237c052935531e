//! Extract: links in header fields — every entry of `List-Unsubscribe` (https and mailto),
//! positioned in the message source.

use std::sync::Arc;

use super::{clean_url, Kind, RawLink};
use crate::message::HeaderField;

/// Appends the `List-Unsubscribe` entries of `headers` to `out`, with `section` as their section.
pub(super) fn extract(headers: &[HeaderField], section: &Arc<str>, out: &mut Vec<RawLink>) {
    for h in headers.iter().filter(|h| h.name.eq_ignore_ascii_case("List-Unsubscribe")) {
        // Encoded words (SendGrid writes `=?us-ascii?Q?=3Chttps=3A…?=`) are decoded first; their
        // entries are then placed at the start of the field.
        let decoded = h.decoded();
        let value = decoded.as_deref().unwrap_or(&h.raw);
        for (at, entry) in entries(value) {
            let entry: String = entry.chars().filter(|c| !c.is_whitespace()).collect();
            let Some(url) = clean_url(&entry) else { continue };
            let (line, column) = if decoded.is_some() { (h.line, h.column) } else { position(h, at) };
            out.push(RawLink {
                url,
                kind: Kind::Header,
                part: section.clone(),
                line,
                column,
                element: None,
                attribute: Some(h.name.clone().into()),
                mso: false,
                pixel_hint: false,
                text: None,
                source_line: (&**section == "header").then_some(line),
            });
        }
    }
}

/// The URLs of an RFC 2369 list header with their offsets: `<…>` entries, or — for senders
/// that forget the brackets — comma-separated values.
fn entries(raw: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(open) = raw[rest..].find('<') {
        let start = rest + open + 1;
        let Some(close) = raw[start..].find('>') else { break };
        out.push((start, &raw[start..start + close]));
        rest = start + close + 1;
    }
    if out.is_empty() {
        let mut at = 0;
        for piece in raw.split(',') {
            let lead = piece.len() - piece.trim_start().len();
            let value = piece.trim();
            if value.contains(':') && !value.contains(' ') {
                out.push((at + lead, value));
            }
            at += piece.len() + 1;
        }
    }
    out
}

/// Line and column of byte `at` of the field's raw (folded) value.
fn position(h: &HeaderField, at: usize) -> (u32, u32) {
    let before = &h.raw[..at.min(h.raw.len())];
    match before.rfind('\n') {
        Some(nl) => {
            let line = h.line + before.matches('\n').count() as u32;
            (line, before[nl + 1..].chars().count() as u32 + 1)
        }
        None => (h.line, h.column + before.chars().count() as u32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(raw: &str) -> HeaderField {
        HeaderField { name: "List-Unsubscribe".into(), raw: raw.into(), line: 7, column: 19 }
    }

    #[test]
    fn bracketed_entries_with_positions() {
        let mut out = Vec::new();
        extract(
            &[field("<mailto:u@x.example?subject=unsub>,\r\n <https://x.example/u?id=1>")],
            &"header".into(),
            &mut out,
        );
        let got: Vec<(&str, u32, u32)> = out.iter().map(|l| (l.url.as_str(), l.line, l.column)).collect();
        assert_eq!(got, [("mailto:u@x.example?subject=unsub", 7, 20), ("https://x.example/u?id=1", 8, 3)]);
    }

    #[test]
    fn encoded_words_are_decoded() {
        let mut out = Vec::new();
        extract(
            &[field("=?us-ascii?Q?=3Chttps=3A=2F=2Fu1=2Ect=2Esendgrid=2Enet=2Flu=2Funsubscribe=3Foc=3Du001=2Eab?=\r\n =?us-ascii?Q?cd=3E=2C_=3Cmailto=3Aunsubscribe=40sendgrid=2Enet=3E?=")],
            &"header".into(),
            &mut out,
        );
        let urls: Vec<&str> = out.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://u1.ct.sendgrid.net/lu/unsubscribe?oc=u001.abcd", "mailto:unsubscribe@sendgrid.net"]
        );
    }

    #[test]
    fn entries_without_brackets() {
        let mut out = Vec::new();
        extract(&[field("https://x.example/u, mailto:u@x.example")], &"header".into(), &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].url, "mailto:u@x.example");
    }
}
