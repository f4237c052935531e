//! Message: the iterative walk over mail-parser's part tree, nested messages included.

use mail_parser::{Message, MessagePart, MimeHeaders, PartType};

use super::{headers, HeaderField, NestedMessage, ParsedMessage, Part, PartKind, Problem};
use crate::limits::Limits;

struct Item<'m, 'x> {
    msg: &'m Message<'x>,
    /// Ids of the message/rfc822 parts leading from the top-level message to `msg`.
    within: Vec<u32>,
    id: usize,
    path: String,
    depth: usize,
}

/// Where a part's text is: the ids of the message/rfc822 parts leading to it, its own id, and
/// how much of the text is kept (`None`: the text was rebuilt, and is in the part already).
pub(super) struct TextAt {
    within: Vec<u32>,
    id: u32,
    keep: Option<usize>,
}

/// Walks `msg` depth-first in document order, filling `out.parts`, `out.nested` and problems.
/// The parts' texts are left empty where [`move_texts`] can move them out of `msg` instead of
/// copying them: the returned list says where each is.
pub(super) fn walk(msg: &Message<'_>, limits: &Limits, out: &mut ParsedMessage) -> Vec<TextAt> {
    let mut texts = Vec::new();
    let top = msg.raw_message();
    let mut lines = SourceLines { top, counted: (0, 1) };
    let mut stack: Vec<Item<'_, '_>> = Vec::new();
    push_message_root(msg, Vec::new(), "", 0, &mut stack);
    let mut visited = 0usize;
    let mut depth_reported = false;
    while let Some(item) = stack.pop() {
        visited += 1;
        if visited > limits.max_parts {
            out.problems.push(Problem::LimitReached {
                limit: "parts".into(),
                value: limits.max_parts,
                path: None,
            });
            break;
        }
        let Some(part) = item.msg.parts.get(item.id) else { continue };
        match &part.body {
            PartType::Multipart(children) => {
                if item.depth >= limits.max_depth {
                    if !depth_reported {
                        out.problems.push(Problem::LimitReached {
                            limit: "nesting depth".into(),
                            value: limits.max_depth,
                            path: Some(item.path.clone()),
                        });
                        depth_reported = true;
                    }
                    continue;
                }
                for (i, &child) in children.iter().enumerate().rev() {
                    // Children always come after their parent; anything else would be a cycle.
                    if (child as usize) <= item.id {
                        continue;
                    }
                    stack.push(Item {
                        msg: item.msg,
                        within: item.within.clone(),
                        id: child as usize,
                        path: join(&item.path, i + 1),
                        depth: item.depth + 1,
                    });
                }
            }
            PartType::Message(inner) => {
                if item.depth >= limits.max_depth {
                    if !depth_reported {
                        out.problems.push(Problem::LimitReached {
                            limit: "nesting depth".into(),
                            value: limits.max_depth,
                            path: Some(item.path.clone()),
                        });
                        depth_reported = true;
                    }
                    continue;
                }
                out.nested
                    .push(NestedMessage { path: item.path.clone(), headers: headers::collect(inner, top) });
                let mut within = item.within.clone();
                within.push(item.id as u32);
                push_message_root(inner, within, &item.path, item.depth + 1, &mut stack);
            }
            PartType::Text(text) if is_headers_part(part) => {
                // A bounce's copy of the original headers (RFC 6522): its List-Unsubscribe is
                // the original message's.
                let mut headers = headers_block(text);
                if let Some(body) = lines.body_line(part) {
                    for h in &mut headers {
                        h.line += body - 1;
                    }
                }
                out.nested.push(NestedMessage { path: item.path.clone(), headers });
            }
            PartType::Text(text) | PartType::Html(text) => {
                let html = matches!(part.body, PartType::Html(_));
                if let Some((mut p, keep)) =
                    text_part(part, text, html, &item.path, limits, &mut out.problems)
                {
                    p.body_line = lines.body_line(part);
                    if p.body_line.is_some() {
                        p.body = Some(part.offset_body as usize..part.offset_end as usize);
                    }
                    out.parts.push(p);
                    texts.push(TextAt { within: item.within.clone(), id: item.id as u32, keep });
                }
            }
            PartType::Binary(_) | PartType::InlineBinary(_) => {
                if part.is_encoding_problem && is_message_type(part) {
                    out.problems.push(Problem::UnreadableNestedMessage { path: item.path.clone() });
                }
            }
        }
    }
    texts
}

/// A `text/rfc822-headers` part (a delivery report's copy of the original message's headers).
fn is_headers_part(part: &MessagePart<'_>) -> bool {
    part.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("text")
            && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("rfc822-headers"))
    })
}

/// The header fields of a header block, with lines and columns inside it.
fn headers_block(text: &str) -> Vec<HeaderField> {
    let mut raw = text.trim_end_matches(['\r', '\n']).as_bytes().to_vec();
    raw.extend_from_slice(b"\r\n\r\n");
    match mail_parser::MessageParser::default().parse_headers(&raw[..]) {
        Some(msg) => headers::collect(&msg, &raw),
        None => Vec::new(),
    }
}

/// Moves the texts [`walk`] left out of `msg` into `parts` (in the same order), cut where the
/// walk said. mail-parser's decoded texts are owned strings, so this moves them, where copying
/// would double the memory traffic of the largest buffers of the audit.
pub(super) fn move_texts(msg: &mut Message<'_>, texts: Vec<TextAt>, parts: &mut [Part]) {
    for (at, part) in texts.into_iter().zip(parts.iter_mut()) {
        let Some(keep) = at.keep else { continue };
        let body =
            message_at(msg, &at.within).and_then(|m| m.parts.get_mut(at.id as usize)).map(|p| &mut p.body);
        if let Some(PartType::Text(text) | PartType::Html(text)) = body {
            let mut owned = std::mem::take(text).into_owned();
            owned.truncate(keep);
            part.text = owned;
        }
    }
}

/// The message nested in `msg` through the message/rfc822 parts `within`.
fn message_at<'a, 'x>(msg: &'a mut Message<'x>, within: &[u32]) -> Option<&'a mut Message<'x>> {
    match within.split_first() {
        None => Some(msg),
        Some((&id, rest)) => match &mut msg.parts.get_mut(id as usize)?.body {
            PartType::Message(inner) => message_at(inner, rest),
            _ => None,
        },
    }
}

/// Pushes the root of a (possibly nested) message: its children when it is multipart, else
/// itself as section `<prefix>.1` (or `1` at the top).
fn push_message_root<'m, 'x>(
    msg: &'m Message<'x>,
    within: Vec<u32>,
    prefix: &str,
    depth: usize,
    stack: &mut Vec<Item<'m, 'x>>,
) {
    let Some(root) = msg.parts.first() else { return };
    let path = if let PartType::Multipart(_) = root.body { prefix.to_string() } else { join(prefix, 1) };
    stack.push(Item { msg, within, id: 0, path, depth });
}

fn join(prefix: &str, n: usize) -> String {
    if prefix.is_empty() {
        n.to_string()
    } else {
        format!("{prefix}.{n}")
    }
}

fn is_message_type(part: &MessagePart<'_>) -> bool {
    part.content_type().is_some_and(|ct| ct.ctype().eq_ignore_ascii_case("message"))
}

/// Builds a [`Part`] for a text body the auditor reads, or `None` for other text types.
fn text_part(
    part: &MessagePart<'_>,
    text: &str,
    html: bool,
    path: &str,
    limits: &Limits,
    problems: &mut Vec<Problem>,
) -> Option<(Part, Option<usize>)> {
    let ct = part.content_type();
    let subtype = ct.and_then(|c| c.subtype()).unwrap_or(if html { "html" } else { "plain" });
    let subtype = subtype.to_ascii_lowercase();
    let kind = if html { PartKind::Html } else { kind_of(&subtype)? };
    let content_type = format!("text/{subtype}");
    let charset = ct.and_then(|c| c.attribute("charset")).map(|c| c.trim().to_ascii_lowercase());
    let empty_body = part.offset_end <= part.offset_body && text.trim().is_empty();
    if part.is_encoding_problem && !empty_body {
        problems.push(Problem::BrokenEncoding { path: path.to_string(), content_type: content_type.clone() });
    }
    if let Some(cs) = &charset {
        if !known_charset(cs) {
            problems.push(Problem::UnknownCharset { path: path.to_string(), charset: cs.clone() });
        }
    }
    // mail-parser keeps the raw body of a part whose base64 is broken: decode what is valid.
    let recovered =
        (part.is_encoding_problem && is_base64(part)).then(|| recover_base64(text, charset.as_deref()));
    let text = recovered.as_deref().unwrap_or(text);
    let replaced = memchr::memmem::find_iter(text.as_bytes(), "\u{FFFD}".as_bytes()).count();
    if replaced > 0 {
        problems.push(Problem::InvalidBytes { path: path.to_string(), count: replaced });
    }
    let mut text = text;
    if text.len() > limits.max_part_bytes {
        problems.push(Problem::LimitReached {
            limit: "part size (bytes)".into(),
            value: limits.max_part_bytes,
            path: Some(path.to_string()),
        });
        let mut cut = limits.max_part_bytes;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text = &text[..cut];
    }
    let attachment = part.content_disposition().is_some_and(|d| d.is_attachment());
    let encoding = part.content_transfer_encoding().map(|e| e.trim().to_ascii_lowercase());
    let identity = encoding.as_deref().is_none_or(|e| matches!(e, "7bit" | "8bit" | "binary" | ""));
    let transfer = match encoding.as_deref() {
        _ if identity => super::source::Transfer::Identity,
        Some("quoted-printable") => super::source::Transfer::QuotedPrintable,
        _ => super::source::Transfer::Opaque,
    };
    // The text the message holds is moved out later (see `move_texts`); a rebuilt one is here.
    let (text, keep) = match recovered {
        Some(_) => (text.to_string(), None),
        None => (String::new(), Some(text.len())),
    };
    Some((
        Part {
            path: path.to_string(),
            content_type,
            charset,
            kind,
            attachment,
            body_line: None,
            identity,
            transfer,
            body: None,
            text,
        },
        keep,
    ))
}

/// Which extractor reads a text part of this (lower-cased) subtype; `None` for subtypes the
/// audit does not read.
pub(super) fn kind_of(subtype: &str) -> Option<PartKind> {
    match subtype {
        "plain" | "enriched" | "richtext" | "markdown" | "x-markdown" | "calendar" => Some(PartKind::Text),
        "html" | "watch-html" | "x-watch-html" => Some(PartKind::Html),
        "x-amp-html" => Some(PartKind::Amp),
        _ => None,
    }
}

/// Line numbers in the top-level source, counted forward from the last part (parts come in
/// source order, so the source is counted through once).
struct SourceLines<'a> {
    top: &'a [u8],
    /// A position and the line it is on.
    counted: (usize, u32),
}

impl SourceLines<'_> {
    /// The source line where `part`'s body starts, when its offsets are into the top-level
    /// source (not into a base64-encoded attached message).
    fn body_line(&mut self, part: &MessagePart<'_>) -> Option<u32> {
        let fits = part.headers.first().is_none_or(|h| {
            let name = h.name.as_str().as_bytes();
            self.top
                .get(h.offset_field as usize..)
                .and_then(|s| s.get(..name.len()))
                .is_some_and(|s| s.eq_ignore_ascii_case(name))
        });
        let offset = part.offset_body as usize;
        if !fits || offset > self.top.len() {
            return None;
        }
        let (from, line) = if offset >= self.counted.0 { self.counted } else { (0, 1) };
        let line = line + memchr::memchr_iter(b'\n', &self.top[from..offset]).count() as u32;
        self.counted = (offset, line);
        Some(line)
    }
}

fn is_base64(part: &MessagePart<'_>) -> bool {
    part.content_transfer_encoding().is_some_and(|e| e.trim().eq_ignore_ascii_case("base64"))
}

/// Decodes the valid prefix of a broken base64 body (up to the first character outside the
/// alphabet, whitespace ignored) in the declared charset.
fn recover_base64(raw: &str, charset: Option<&str>) -> String {
    let mut clean: Vec<u8> = Vec::with_capacity(raw.len());
    for b in raw.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' => clean.push(b),
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => break,
        }
    }
    clean.truncate(clean.len() / 4 * 4);
    let bytes = crate::text::codec::b64(std::str::from_utf8(&clean).unwrap_or("")).unwrap_or_default();
    match charset.and_then(|c| mail_parser::decoders::charsets::map::charset_decoder(c.as_bytes())) {
        Some(decode) => decode(&bytes),
        None => String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn known_charset(cs: &str) -> bool {
    let cs = cs.trim_matches(|c| c == '"' || c == '\'');
    matches!(cs, "utf-8" | "utf8" | "us-ascii" | "ascii" | "unicode-1-1-utf-8")
        || mail_parser::decoders::charsets::map::charset_decoder(cs.as_bytes()).is_some()
}

#[cfg(test)]
mod tests {
    use crate::limits::Limits;
    use crate::message::{parse, PartKind, Problem};

    fn parts(raw: &str) -> Vec<(String, String, PartKind)> {
        parse(raw.as_bytes(), &Limits::default())
            .parts
            .into_iter()
            .map(|p| (p.path, p.content_type, p.kind))
            .collect()
    }

    #[test]
    fn a_bounces_copy_of_the_original_headers_is_read_as_a_nested_header_block() {
        let raw = "Subject: Undelivered\nContent-Type: multipart/report; report-type=delivery-status; boundary=a\n\n\
--a\nContent-Type: text/plain\n\nIt bounced.\n--a\nContent-Type: message/delivery-status\n\nStatus: 5.1.1\n\
--a\nContent-Type: text/rfc822-headers\n\nFrom: news@example.com\nSubject: Sale\n\
List-Unsubscribe: <https://u1.ct.example.net/asm/unsubscribe/?user_id=1>,\n <mailto:u@example.net>\n--a--\n";
        let parsed = parse(raw.as_bytes(), &Limits::default());
        assert_eq!(parsed.nested.len(), 1);
        let n = &parsed.nested[0];
        assert_eq!(n.path, "3");
        let lu = n.headers.iter().find(|h| h.name == "List-Unsubscribe").expect("List-Unsubscribe read");
        assert_eq!(lu.line, 17, "line in the message file");
        assert!(lu.unfolded().contains("https://u1.ct.example.net/asm/unsubscribe/"));
        assert!(parsed.parts.iter().all(|p| p.content_type != "text/rfc822-headers"));
    }

    #[test]
    fn a_single_part_message_is_section_1() {
        let got = parts("Subject: x\nContent-Type: text/html\n\n<a href=x>x</a>\n");
        assert_eq!(got, vec![("1".into(), "text/html".into(), PartKind::Html)]);
    }

    #[test]
    fn nested_paths_follow_imap_numbering() {
        let raw = "Subject: x\nContent-Type: multipart/mixed; boundary=a\n\n--a\n\
Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\nt\n--b\n\
Content-Type: text/x-amp-html\n\n<a href=x>x</a>\n--b--\n--a\nContent-Type: message/rfc822\n\n\
Subject: inner\nContent-Type: text/html\n\n<p>inner</p>\n--a--\n";
        let got = parts(raw);
        let paths: Vec<&str> = got.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(paths, ["1.1", "1.2", "2.1"]);
        assert_eq!(got[1].2, PartKind::Amp);
        let parsed = parse(raw.as_bytes(), &Limits::default());
        assert_eq!(parsed.nested.len(), 1);
        assert_eq!(parsed.nested[0].path, "2");
    }

    #[test]
    fn deep_multipart_nesting_stops_at_the_limit() {
        let mut raw = String::from("Subject: deep\n");
        for i in 0..200 {
            raw.push_str(&format!("Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"));
        }
        raw.push_str("Content-Type: text/plain\n\nhttps://deep.example.com/\n");
        let parsed = parse(raw.as_bytes(), &Limits::default());
        assert!(parsed
            .problems
            .iter()
            .any(|p| matches!(p, Problem::LimitReached { limit, .. } if limit == "nesting depth")));
    }

    #[test]
    fn a_headers_only_message_has_no_body() {
        let parsed = parse(b"Subject: x\n", &Limits::default());
        assert_eq!(parsed.problems, [Problem::NoBody]);
    }

    #[test]
    fn broken_base64_is_decoded_as_far_as_it_is_valid() {
        // "<a href=x>one</a>" then junk.
        let raw = "Subject: x\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\nPGEgaHJlZj14Pm9uZTwvYT4K!!junk\n";
        let parsed = parse(raw.as_bytes(), &Limits::default());
        assert!(parsed.parts[0].text.starts_with("<a href=x>one</a>"));
        assert!(matches!(parsed.problems[0], Problem::BrokenEncoding { .. }));
    }
}
