//! Stage 2 (input → **message** → extract → …): parse one message and walk its MIME tree.
//!
//! Every `text/html`, `text/plain` and `text/x-amp-html` part at any depth — inside nested
//! `message/rfc822` attachments too — comes out decoded (transfer encoding and charset) with an
//! IMAP-style path (`1`, `2.1`, …). The parts themselves are iterated: mail-parser's
//! `body_html()` would synthesise HTML from text and count links twice. What could not be read is
//! recorded as a [`Problem`] for the rules to report.

mod guard;
mod headers;
mod reader;
pub mod source;
mod transfer;
mod walk;

use serde::Serialize;

use crate::limits::Limits;

pub use headers::HeaderField;

/// What kind of text a part holds, which decides the extractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartKind {
    /// `text/html` (and Apple's `text/watch-html`).
    Html,
    /// `text/plain` and other plain-text bodies.
    Text,
    /// `text/x-amp-html`: AMP for Email.
    Amp,
}

/// One decoded text part.
#[derive(Debug, Clone, Serialize)]
pub struct Part {
    /// IMAP-style section number: `1`, `2.1`, `3.1.2`.
    pub path: String,
    /// Lower-cased `type/subtype`.
    pub content_type: String,
    /// The declared charset, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    /// Which extractor reads it.
    pub kind: PartKind,
    /// Marked as an attachment (a forwarded text file, say).
    pub attachment: bool,
    /// Line of the message source where the part's body starts, when known.
    pub body_line: Option<u32>,
    /// The body is not transfer-encoded (7bit/8bit/binary), so decoded lines are source lines.
    pub identity: bool,
    /// How the body is encoded in the message file.
    #[serde(skip)]
    pub transfer: source::Transfer,
    /// Where the (encoded) body is in the message file, when the part is in it (not inside a
    /// base64-encoded attached message).
    #[serde(skip)]
    pub body: Option<std::ops::Range<usize>>,
    /// The decoded text.
    #[serde(skip)]
    pub text: String,
}

/// The headers of a message/rfc822 part (a forwarded test send).
#[derive(Debug, Clone, Serialize)]
pub struct NestedMessage {
    /// Section number of the message/rfc822 part.
    pub path: String,
    /// Its header fields.
    pub headers: Vec<HeaderField>,
}

/// Something in the message that could not be read, or a limit that was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "kebab-case")]
pub enum Problem {
    /// A transfer encoding (base64, quoted-printable) was broken; the part was read as far as
    /// possible.
    BrokenEncoding {
        /// Section number.
        path: String,
        /// Content type of the part.
        content_type: String,
    },
    /// The charset is not one linkaudit knows; the part was read as UTF-8.
    UnknownCharset {
        /// Section number.
        path: String,
        /// The declared charset.
        charset: String,
    },
    /// Bytes that are invalid in the declared charset were replaced.
    InvalidBytes {
        /// Section number.
        path: String,
        /// How many characters were replaced.
        count: usize,
    },
    /// A nested message/rfc822 part could not be parsed.
    UnreadableNestedMessage {
        /// Section number.
        path: String,
    },
    /// A limit was reached; what lies beyond it was not audited.
    LimitReached {
        /// Which limit (`input size`, `nesting depth`, `parts`, `part size`, …).
        limit: String,
        /// The limit's value.
        value: usize,
        /// Where it was hit, when it applies to one part.
        #[serde(skip_serializing_if = "Option::is_none")]
        path: Option<String>,
    },
    /// No text, HTML or AMP body at all.
    NoBody,
}

/// A parsed message: its headers, its text parts and what went wrong.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ParsedMessage {
    /// Top-level header fields, in order.
    pub headers: Vec<HeaderField>,
    /// Decoded text parts in document order.
    pub parts: Vec<Part>,
    /// Headers of nested messages.
    pub nested: Vec<NestedMessage>,
    /// Problems found while reading.
    pub problems: Vec<Problem>,
    /// The From header, as `Name <address>`.
    pub from: Option<String>,
    /// The From address alone.
    pub from_address: Option<String>,
    /// The decoded Subject.
    pub subject: Option<String>,
}

impl ParsedMessage {
    /// The unfolded values of every top-level header with this name (case-insensitive).
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a HeaderField> {
        self.headers.iter().filter(move |h| h.name.eq_ignore_ascii_case(name))
    }
}

/// Parses `raw` (one message, container already removed) within `limits`.
pub fn parse(raw: &[u8], limits: &Limits) -> ParsedMessage {
    read(raw, limits, true).0
}

/// The message as mail-parser alone reads it, and as the fast reader reads it when it does
/// (`None` when it leaves the message to mail-parser). The two must be equal: for the tests and
/// the `mime_readers` fuzz target.
#[doc(hidden)]
pub fn parse_both_ways(raw: &[u8], limits: &Limits) -> (ParsedMessage, Option<ParsedMessage>) {
    let (fast, read_fast) = read(raw, limits, true);
    (read(raw, limits, false).0, read_fast.then_some(fast))
}

/// Parses `raw`, trying the fast reader first when `try_fast`; says whether it read it.
fn read(raw: &[u8], limits: &Limits, try_fast: bool) -> (ParsedMessage, bool) {
    let mut problems = Vec::new();
    let raw = guard::apply(raw, limits, &mut problems);
    let msg = if try_fast { reader::parse(raw.as_ref()) } else { None };
    let read_fast = msg.is_some();
    let Some(mut msg) = msg.or_else(|| mail_parser::MessageParser::default().parse(raw.as_ref())) else {
        problems.push(Problem::NoBody);
        return (ParsedMessage { problems, ..ParsedMessage::default() }, false);
    };
    let mut parsed = ParsedMessage {
        headers: headers::collect(&msg, raw.as_ref()),
        from: msg.from().and_then(|a| a.first()).map(|a| match (a.name(), a.address()) {
            (Some(n), Some(addr)) => format!("{n} <{addr}>"),
            (None, Some(addr)) => addr.to_string(),
            (Some(n), None) => n.to_string(),
            (None, None) => String::new(),
        }),
        subject: msg.subject().map(str::to_string),
        from_address: msg.from().and_then(|a| a.first()).and_then(|a| a.address()).map(str::to_string),
        problems,
        ..ParsedMessage::default()
    };
    let texts = walk::walk(&msg, limits, &mut parsed);
    walk::move_texts(&mut msg, texts, &mut parsed.parts);
    if parsed.parts.iter().all(|p| p.text.trim().is_empty()) {
        parsed.problems.push(Problem::NoBody);
    }
    (parsed, read_fast)
}
