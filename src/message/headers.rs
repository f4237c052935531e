//! Message: header fields with their position in the source, for extraction and sender checks.

use mail_parser::Message;
use serde::Serialize;

/// One header field as it appears in the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderField {
    /// Field name as written.
    pub name: String,
    /// The value as in the source, folding included, without the trailing line break.
    pub raw: String,
    /// 1-based line of the value's first character in the message source.
    pub line: u32,
    /// 1-based column (in characters) of the value's first character.
    pub column: u32,
}

impl HeaderField {
    /// The value with RFC 2047 encoded words decoded and folding removed; `None` when it has
    /// no encoded word (then [`HeaderField::raw`] is the value).
    pub fn decoded(&self) -> Option<String> {
        if !self.raw.contains("=?") {
            return None;
        }
        let mut bytes = self.raw.as_bytes().to_vec();
        bytes.extend_from_slice(b"\r\n");
        let value = mail_parser::parsers::MessageStream::new(&bytes).parse_unstructured();
        value.as_text().map(str::to_string)
    }

    /// The value with folding removed and surrounding whitespace trimmed.
    pub fn unfolded(&self) -> String {
        let mut out = String::with_capacity(self.raw.len());
        let mut chars = self.raw.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' => {}
                '\n' => {
                    while chars.peek().is_some_and(|c| *c == ' ' || *c == '\t') {
                        chars.next();
                    }
                    out.push(' ');
                }
                _ => out.push(c),
            }
        }
        out.trim().to_string()
    }
}

/// Every header field of `msg`'s root part, with line and column.
///
/// mail-parser gives nested messages offsets into the top-level source when they were parsed
/// inline, and into their own decoded bytes when they were base64-encoded: `top` is tried first
/// and the message's own bytes when the offsets do not fit it.
pub(super) fn collect(msg: &Message<'_>, top: &[u8]) -> Vec<HeaderField> {
    let Some(root) = msg.parts.first() else { return Vec::new() };
    let fits = |raw: &[u8]| {
        root.headers.first().is_none_or(|h| {
            let name = h.name.as_str().as_bytes();
            raw.get(h.offset_field as usize..)
                .and_then(|s| s.get(..name.len()))
                .is_some_and(|s| s.eq_ignore_ascii_case(name))
        })
    };
    let raw = if fits(top) { top } else { msg.raw_message() };
    let mut out = Vec::with_capacity(root.headers.len());
    // Headers come in source order: count lines incrementally.
    let mut line = 1u32;
    let mut counted = 0usize;
    for h in &root.headers {
        let start = (h.offset_start as usize).min(raw.len());
        let end = (h.offset_end as usize).clamp(start, raw.len());
        if start < counted {
            // Out of order (should not happen): recount from the top.
            line = 1;
            counted = 0;
        }
        line += memchr::memchr_iter(b'\n', &raw[counted..start]).count() as u32;
        counted = start;
        let line_start = raw[..start].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let mut value = String::from_utf8_lossy(&raw[start..end]).into_owned();
        while value.ends_with(['\r', '\n']) {
            value.pop();
        }
        // Skip the blanks between the colon and the value, keeping the column exact.
        let lead = value.len() - value.trim_start_matches([' ', '\t']).len();
        let column = String::from_utf8_lossy(&raw[line_start..start]).chars().count() + lead + 1;
        value.drain(..lead);
        out.push(HeaderField { name: h.name.as_str().to_string(), raw: value, line, column: column as u32 });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_unfolding() {
        let raw = b"From: a@example.com\r\nList-Unsubscribe: <mailto:u@example.com>,\r\n <https://x.example/u>\r\n\r\nbody";
        let msg = mail_parser::MessageParser::default().parse(&raw[..]).unwrap();
        let fields = collect(&msg, &raw[..]);
        let lu = fields.iter().find(|f| f.name == "List-Unsubscribe").unwrap();
        assert_eq!((lu.line, lu.column), (2, 19));
        assert_eq!(lu.unfolded(), "<mailto:u@example.com>, <https://x.example/u>");
    }
}
