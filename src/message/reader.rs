//! Message: a fast reader of the MIME structure, for the common, well-formed message.
//!
//! mail-parser decodes every part while it walks the message, with decoders that read one byte
//! at a time and look for the boundary as they go: that was most of the audit's parse time, and
//! some of it went on attachments the audit never reads. This reader builds the same
//! [`mail_parser::Message`] with mail-parser's own header parser and delimiter rules, but:
//! - finds where a body ends with one `memmem` search for `--boundary`;
//! - decodes only the parts the audit reads, with the decoders of [`super::transfer`];
//! - leaves the bodies of all other parts (images, attachments, calendar files) unread.
//!
//! It gives up (`None`) on what it does not model, and mail-parser then reads the whole message,
//! so mail-parser's recovery rules stay the reference: nested messages and digests, a multipart
//! without its boundary, a body whose delimiter never comes, a broken encoding, a delimiter line
//! with anything after it, headers cut off by the end of the input. A body that is irregular but
//! valid (a stray `=`, a `-` in base64) is decoded by mail-parser's own decoder, part by part.
//! The walk over both readers' results must be identical: `message::parse_both_ways`, a proptest
//! and the `mime_readers` fuzz target check it.

use std::borrow::Cow;

use mail_parser::decoders::charsets::map::charset_decoder;
use mail_parser::parsers::MessageStream;
use mail_parser::{
    ContentType, Encoding, GetHeader, HeaderName, HeaderValue, Message, MessageParser, MessagePart, PartType,
};
use memchr::memmem;

use super::{transfer, walk};

/// A multipart whose parts are being read.
struct Frame {
    /// Index of the multipart in `parts`.
    id: usize,
    /// `--` and the boundary: the delimiter as it is searched for.
    delimiter: Vec<u8>,
    /// Indexes of its parts so far.
    children: Vec<u32>,
}

/// What a part is, as far as reading it goes.
enum Shape {
    Multipart,
    /// A text part the audit reads (`html`: mail-parser makes it `PartType::Html`).
    Audited {
        html: bool,
    },
    /// Anything else: its body is skipped.
    Skipped,
}

/// Reads `raw` as mail-parser would, or `None` when it holds something this reader leaves to
/// mail-parser.
pub(super) fn parse(raw: &[u8]) -> Option<Message<'_>> {
    let conf = MessageParser::default();
    let mut s = MessageStream::new(raw);
    let mut parts: Vec<MessagePart<'_>> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    loop {
        let offset_header = s.offset();
        let mut headers = Vec::new();
        if !s.parse_headers(&conf, &mut headers) {
            return None;
        }
        let offset_body = s.offset();
        let id = parts.len();
        if let Some(frame) = stack.last_mut() {
            frame.children.push(id as u32);
        }
        let ct = headers.header_value(&HeaderName::ContentType).and_then(|c| c.as_content_type());
        let encoding = match headers.header_value(&HeaderName::ContentTransferEncoding) {
            Some(HeaderValue::Text(e)) if e.eq_ignore_ascii_case("base64") => Encoding::Base64,
            Some(HeaderValue::Text(e)) if e.eq_ignore_ascii_case("quoted-printable") => {
                Encoding::QuotedPrintable
            }
            _ => Encoding::None,
        };
        let part = |body, offset_end| MessagePart {
            headers: Vec::new(),
            is_encoding_problem: false,
            body,
            encoding,
            offset_header: offset_header as u32,
            offset_body: offset_body as u32,
            offset_end,
        };
        match shape(ct, encoding)? {
            Shape::Multipart => {
                let boundary = ct.and_then(|c| c.attribute("boundary"))?.as_bytes();
                if !s.seek_next_part(boundary) {
                    return None;
                }
                let after = s.offset();
                s.skip_crlf();
                if s.offset() == after || raw.get(s.offset() - 1) != Some(&b'\n') {
                    return None;
                }
                let mut delimiter = b"--".to_vec();
                delimiter.extend_from_slice(boundary);
                let mut multipart = part(PartType::default(), 0);
                multipart.headers = headers;
                parts.push(multipart);
                stack.push(Frame { id, delimiter, children: Vec::new() });
                continue;
            }
            shape => {
                let delimiter = stack.last().map(|f| f.delimiter.as_slice());
                let (body, offset_end) = match shape {
                    Shape::Audited { html } => {
                        let (bytes, end) = read_body(&mut s, raw, delimiter, encoding)?;
                        (text_body(bytes, ct, html), end)
                    }
                    _ => (PartType::Binary(Cow::Borrowed(&[])), skip_body(&mut s, raw, delimiter)?),
                };
                let mut leaf = part(body, offset_end as u32);
                leaf.headers = headers;
                parts.push(leaf);
            }
        }
        if stack.is_empty() {
            // A single-part message: its body ran to the end.
            break;
        }
        // After a delimiter: the next part, or the close delimiter of one or more multiparts.
        loop {
            let at = s.offset();
            match raw.get(at..).unwrap_or_default() {
                [b'\r', b'\n', ..] => s.skip_bytes(2),
                [b'\n', ..] => s.skip_bytes(1),
                [b'-', b'-', ..] => {
                    s.skip_bytes(2);
                    let frame = stack.pop()?;
                    let multipart = parts.get_mut(frame.id)?;
                    multipart.body = PartType::Multipart(frame.children);
                    match stack.last() {
                        Some(parent) => {
                            multipart.offset_end = s.seek_next_part_offset(&parent.delimiter[2..])? as u32;
                            continue;
                        }
                        None => {
                            let first = parts.first_mut()?;
                            first.offset_end = raw.len() as u32;
                            return Some(Message {
                                parts,
                                raw_message: Cow::Borrowed(raw),
                                ..Message::default()
                            });
                        }
                    }
                }
                _ => return None,
            }
            break;
        }
    }
    let first = parts.first_mut()?;
    first.offset_end = raw.len() as u32;
    Some(Message { parts, raw_message: Cow::Borrowed(raw), ..Message::default() })
}

/// How a part with this content type is read; `None` for what is left to mail-parser.
fn shape(ct: Option<&ContentType<'_>>, encoding: Encoding) -> Option<Shape> {
    let Some(ct) = ct else { return Some(Shape::Audited { html: false }) };
    let audited = |sub: Option<&str>| sub.is_none_or(|s| walk::kind_of(&s.to_ascii_lowercase()).is_some());
    Some(match ct.ctype() {
        "multipart" if ct.subtype() == Some("digest") => return None,
        "multipart" => Shape::Multipart,
        "message" => return None,
        "text" if audited(ct.subtype()) => Shape::Audited { html: ct.subtype() == Some("html") },
        "text" => Shape::Skipped,
        // An encoded body that turns out broken becomes text to mail-parser: the audit would
        // read it if its subtype is one of the text ones.
        _ if encoding != Encoding::None && audited(ct.subtype()) => return None,
        _ => Shape::Skipped,
    })
}

/// Where the body starting at the stream's position ends: (end of the body proper, the
/// position after the delimiter), as mail-parser's decoders report them. The line break before
/// the delimiter belongs to the delimiter. Without a delimiter the body runs to the end.
fn body_end(raw: &[u8], start: usize, delimiter: Option<&[u8]>) -> Option<(usize, usize)> {
    let Some(delimiter) = delimiter else { return Some((raw.len(), raw.len())) };
    let at = start + memmem::find(raw.get(start..)?, delimiter)?;
    let end = if at > start && raw[at - 1] == b'\n' {
        if at - 1 > start && raw[at - 2] == b'\r' {
            at - 2
        } else {
            at - 1
        }
    } else {
        at
    };
    Some((end, at + delimiter.len()))
}

/// Moves the stream past the body without reading it; returns where the body ends.
fn skip_body(s: &mut MessageStream<'_>, raw: &[u8], delimiter: Option<&[u8]>) -> Option<usize> {
    let (end, next) = body_end(raw, s.offset(), delimiter)?;
    s.skip_bytes(next - s.offset());
    Some(end)
}

/// Decodes the body at the stream's position and moves past it; returns the bytes and where
/// the body ends.
fn read_body<'x>(
    s: &mut MessageStream<'x>,
    raw: &'x [u8],
    delimiter: Option<&[u8]>,
    encoding: Encoding,
) -> Option<(Cow<'x, [u8]>, usize)> {
    let start = s.offset();
    let (end, next) = body_end(raw, start, delimiter)?;
    let at = next - delimiter.map_or(0, <[u8]>::len);
    let fast = match encoding {
        Encoding::None => Some(Cow::Borrowed(&raw[start..end])),
        Encoding::QuotedPrintable => {
            transfer::quoted_printable(&raw[start..at], delimiter.is_some()).map(Cow::Owned)
        }
        Encoding::Base64 => transfer::base64(&raw[start..at]).map(Cow::Owned),
    };
    if let Some(bytes) = fast {
        s.skip_bytes(next - start);
        return Some((bytes, end));
    }
    // Irregular: mail-parser's own decoder reads it, and a broken one is left to mail-parser.
    let boundary = delimiter.map_or(&b""[..], |d| &d[2..]);
    let (end, bytes) = match encoding {
        Encoding::QuotedPrintable => s.decode_quoted_printable_mime(boundary),
        _ => s.decode_base64_mime(boundary),
    };
    (end != usize::MAX && s.offset() == next).then_some((bytes, end))
}

/// The decoded text of a body, in its declared charset, as mail-parser makes it.
fn text_body<'x>(bytes: Cow<'x, [u8]>, ct: Option<&ContentType<'_>>, html: bool) -> PartType<'x> {
    let decoder = ct.and_then(|c| c.attribute("charset")).and_then(|c| charset_decoder(c.as_bytes()));
    let text: Cow<'x, str> = match (bytes, decoder) {
        (Cow::Owned(vec), Some(decode)) => decode(&vec).into(),
        (Cow::Owned(vec), None) => String::from_utf8(vec)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
            .into(),
        (Cow::Borrowed(bytes), Some(decode)) => decode(bytes).into(),
        (Cow::Borrowed(bytes), None) => String::from_utf8_lossy(bytes),
    };
    if html {
        PartType::Html(text)
    } else {
        PartType::Text(text)
    }
}
