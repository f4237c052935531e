//! Extract: links in header fields — every entry of `List-Unsubscribe` (https and mailto),
//! positioned in the message source. Linear in the field: positions are carried forward from
//! one entry to the next, and reading stops once the links limit is passed.

use std::sync::Arc;

use super::{clean_url, Kind, RawLink};
use crate::message::HeaderField;

/// Appends the `List-Unsubscribe` entries of `headers` to `out`, with `section` as their section,
/// until `out` holds more than `max_links` (the audit then reports the limit).
pub(super) fn extract(headers: &[HeaderField], section: &Arc<str>, out: &mut Vec<RawLink>, max_links: usize) {
    for h in headers.iter().filter(|h| h.name.eq_ignore_ascii_case("List-Unsubscribe")) {
        // Encoded words (SendGrid writes `=?us-ascii?Q?=3Chttps=3A…?=`) are decoded first; their
        // entries are then placed at the start of the field.
        let decoded = h.decoded();
        let value = decoded.as_deref().unwrap_or(&h.raw);
        let mut cursor = Cursor::new(h);
        for (at, entry) in entries(value) {
            if out.len() > max_links {
                return;
            }
            let entry: String = entry.chars().filter(|c| !c.is_whitespace()).collect();
            let Some(url) = clean_url(&entry) else { continue };
            let (line, column) = if decoded.is_some() { (h.line, h.column) } else { cursor.advance(at) };
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

/// Line and column of bytes of a field's raw (folded) value, asked in increasing order: each
/// answer counts only the bytes since the last one.
struct Cursor<'h> {
    raw: &'h str,
    /// Byte reached.
    at: usize,
    line: u32,
    column: u32,
}

impl<'h> Cursor<'h> {
    fn new(h: &'h HeaderField) -> Cursor<'h> {
        Cursor { raw: &h.raw, at: 0, line: h.line, column: h.column }
    }

    /// Line and column of byte `to` (at or after the last one asked).
    fn advance(&mut self, to: usize) -> (u32, u32) {
        let to = to.min(self.raw.len()).max(self.at);
        let span = &self.raw[self.at..to];
        match span.rfind('\n') {
            Some(nl) => {
                self.line += memchr::memchr_iter(b'\n', span.as_bytes()).count() as u32;
                self.column = span[nl + 1..].chars().count() as u32 + 1;
            }
            None => self.column += span.chars().count() as u32,
        }
        self.at = to;
        (self.line, self.column)
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
            usize::MAX,
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
            usize::MAX,
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
        extract(&[field("https://x.example/u, mailto:u@x.example")], &"header".into(), &mut out, usize::MAX);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].url, "mailto:u@x.example");
    }

    /// Issue 16, item 5: 200,000 entries on folded lines are read in linear time, with the
    /// positions the old recount gave, and reading stops past the links limit.
    #[test]
    fn many_entries_are_linear_and_bounded() {
        let raw: Vec<String> = (0..200_000).map(|i| format!("<https://u.example/u/{i}>")).collect();
        let h = field(&raw.join(",\r\n "));
        let mut out = Vec::new();
        extract(std::slice::from_ref(&h), &"header".into(), &mut out, usize::MAX);
        assert_eq!(out.len(), 200_000);
        assert_eq!((out[0].line, out[0].column), (7, 20));
        assert_eq!((out[1].line, out[1].column), (8, 3));
        assert_eq!((out[199_999].line, out[199_999].column), (7 + 199_999, 3));
        let mut bounded = Vec::new();
        extract(std::slice::from_ref(&h), &"header".into(), &mut bounded, 50_000);
        assert_eq!(bounded.len(), 50_001);
        // One line, too.
        let one = field(&raw[..50_000].join(", "));
        let mut out = Vec::new();
        extract(std::slice::from_ref(&one), &"header".into(), &mut out, usize::MAX);
        let width = |i: usize| raw[..i].iter().map(|e| e.len() + 2).sum::<usize>() as u32;
        assert_eq!((out[49_999].line, out[49_999].column), (7, 20 + width(49_999)));
    }
}
