//! Tests of the `.msg` reader: compound files written here with the `cfb` crate.

use std::io::{Cursor, Write};

use super::*;

/// A `.msg` under construction: streams by path.
pub(crate) struct MsgBuilder {
    streams: Vec<(String, Vec<u8>)>,
}

pub(crate) fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

impl MsgBuilder {
    pub fn new() -> MsgBuilder {
        MsgBuilder { streams: Vec::new() }
    }

    /// A stream property of the storage `at` (`""` for the message itself).
    pub fn prop(mut self, at: &str, id: u16, ty: u16, value: Vec<u8>) -> MsgBuilder {
        self.streams.push((format!("{at}/__substg1.0_{id:04X}{ty:04X}"), value));
        self
    }

    pub fn string(self, at: &str, id: u16, value: &str) -> MsgBuilder {
        self.prop(at, id, storage::PT_UNICODE, utf16(value))
    }

    /// The fixed-size properties stream of `at`, `(id, PT_LONG value)` records.
    pub fn longs(mut self, at: &str, header: usize, values: &[(u16, u32)]) -> MsgBuilder {
        let mut raw = vec![0u8; header];
        for &(id, v) in values {
            raw.extend_from_slice(&(u32::from(id) << 16 | 3).to_le_bytes());
            raw.extend_from_slice(&[6, 0, 0, 0]);
            raw.extend_from_slice(&v.to_le_bytes());
            raw.extend_from_slice(&[0; 4]);
        }
        self.streams.push((format!("{at}/__properties_version1.0"), raw));
        self
    }

    pub fn build(self) -> Vec<u8> {
        let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        for (path, data) in &self.streams {
            let parent = std::path::Path::new(path).parent().unwrap();
            if parent != std::path::Path::new("/") {
                cf.create_storage_all(parent).unwrap();
            }
            cf.create_stream(path).unwrap().write_all(data).unwrap();
        }
        cf.flush().unwrap();
        cf.into_inner().into_inner()
    }
}

fn rebuilt(bytes: &[u8]) -> Rebuilt {
    read(bytes, &Limits::default()).unwrap()
}

fn text(r: &Rebuilt) -> String {
    String::from_utf8_lossy(&r.bytes).into_owned()
}

/// The decoded text and HTML bodies of a rebuilt message, attached messages' included, in order
/// (read with mail-parser: the message stage's own paths are checked in tests/msg.rs).
fn bodies(bytes: &[u8]) -> Vec<String> {
    fn walk(m: &mail_parser::Message<'_>, out: &mut Vec<String>) {
        for part in &m.parts {
            match &part.body {
                mail_parser::PartType::Text(t) | mail_parser::PartType::Html(t) => out.push(t.to_string()),
                mail_parser::PartType::Message(inner) => walk(inner, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&mail_parser::MessageParser::default().parse(bytes).unwrap(), &mut out);
    out
}

#[test]
fn transport_headers_and_both_bodies() {
    let msg = MsgBuilder::new()
        .string(
            "",
            PR_TRANSPORT_MESSAGE_HEADERS,
            "From: a@example.com\r\nSubject: Hi\r\nContent-Type: text/plain\r\n\r\n",
        )
        .string("", PR_BODY, "Text https://t.example.com/x")
        .prop("", PR_HTML, PT_BINARY, b"<a href=\"https://h.example.com/\">caf\xe9</a>\0".to_vec())
        .longs("", 32, &[(PR_INTERNET_CPID, 1252)])
        .build();
    let r = rebuilt(&msg);
    let t = text(&r);
    assert!(t.starts_with("From: a@example.com\r\nSubject: Hi\r\nX-Linkaudit-Replaced-Content-Type: text/plain\r\nMIME-Version: 1.0\r\n"), "{t}");
    assert_eq!(r.origins, vec![("1".into(), TEXT_BODY), ("2".into(), HTML_BODY)]);
    assert_eq!(
        bodies(&r.bytes),
        ["Text https://t.example.com/x", "<a href=\"https://h.example.com/\">café</a>"]
    );
}

#[test]
fn headers_from_properties_when_there_are_no_transport_headers() {
    let msg = MsgBuilder::new()
        .string("", PR_SUBJECT, "Sale\r\nBcc: x@example.com")
        .string("", PR_SENDER_NAME, "Example Café")
        .string("", PR_SENDER_EMAIL, "/O=EXCHANGE/CN=NEWS")
        .string("", PR_SENDER_SMTP, "news@example.com")
        .string("", PR_BODY, "hi")
        .build();
    let t = text(&rebuilt(&msg));
    assert!(t.starts_with("From: =?utf-8?b?RXhhbXBsZSBDYWbDqQ==?= <news@example.com>\r\nSubject: Sale  Bcc: x@example.com\r\n"), "{t}");
}

#[test]
fn properties_fill_what_the_transport_headers_lack() {
    let msg = MsgBuilder::new()
        .string("", PR_TRANSPORT_MESSAGE_HEADERS, "Received: from x\r\nSubject: from headers\r\n\r\n")
        .string("", PR_SUBJECT, "from properties")
        .string("", PR_SENDER_SMTP, "news@example.com")
        .string("", PR_BODY, "hi")
        .build();
    let t = text(&rebuilt(&msg));
    assert!(
        t.starts_with("Received: from x\r\nSubject: from headers\r\nFrom: news@example.com\r\nMIME-Version"),
        "{t}"
    );
}

#[test]
fn html_only_in_compressed_rtf() {
    let rtf = br#"{\rtf1\ansi\ansicpg1252\fromhtml1 {\*\htmltag <a href="https://r.example.com/a?b=1&amp;c=2">}here{\*\htmltag </a>}}"#;
    let mut stream = ((rtf.len() + 12) as u32).to_le_bytes().to_vec();
    stream.extend_from_slice(&(rtf.len() as u32).to_le_bytes());
    stream.extend_from_slice(b"MELA\0\0\0\0");
    stream.extend_from_slice(rtf);
    let msg =
        MsgBuilder::new().string("", PR_SUBJECT, "s").prop("", PR_RTF_COMPRESSED, PT_BINARY, stream).build();
    let r = rebuilt(&msg);
    assert_eq!(r.origins, vec![("1".into(), RTF_HTML_BODY)]);
    assert_eq!(bodies(&r.bytes), ["<a href=\"https://r.example.com/a?b=1&amp;c=2\">here</a>"]);
    // A broken stream is a problem, not an error.
    let msg = MsgBuilder::new()
        .string("", PR_SUBJECT, "s")
        .prop("", PR_RTF_COMPRESSED, PT_BINARY, b"xx".to_vec())
        .build();
    let r = rebuilt(&msg);
    assert!(matches!(&r.problems[..], [Problem::UnreadableProperty { .. }]), "{:?}", r.problems);
}

#[test]
fn attached_messages_nest_within_the_limit() {
    let att = "/__attach_version1.0_#00000000";
    let inner = format!("{att}/__substg1.0_3701000D");
    let msg = MsgBuilder::new()
        .string("", PR_SUBJECT, "outer")
        .string("", PR_BODY, "outer body")
        .longs(att, 8, &[(PR_ATTACH_METHOD, ATTACH_EMBEDDED_MSG)])
        .string(&inner, PR_SUBJECT, "inner")
        .string(&inner, PR_BODY, "inner https://inner.example.com/")
        .build();
    let r = rebuilt(&msg);
    assert_eq!(r.origins, vec![("1".into(), TEXT_BODY), ("2.1".into(), TEXT_BODY)]);
    assert_eq!(bodies(&r.bytes), ["outer body", "inner https://inner.example.com/"]);
    // Depth 0 allowed: the attached message is not read, and that is said.
    let limits = Limits { max_depth: 1, ..Limits::default() };
    let r = read(&msg, &limits).unwrap();
    assert_eq!(r.origins.len(), 1);
    assert!(matches!(&r.problems[..], [Problem::LimitReached { .. }]), "{:?}", r.problems);
}

#[test]
fn not_messages() {
    assert!(matches!(
        read(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", &Limits::default()),
        Err(MsgError::NotCompound(_))
    ));
    let other = {
        let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        cf.create_stream("/WordDocument").unwrap().write_all(b"x").unwrap();
        cf.flush().unwrap();
        cf.into_inner().into_inner()
    };
    assert_eq!(read(&other, &Limits::default()).unwrap_err(), MsgError::NotAMessage);
    let msg = MsgBuilder::new().string("", PR_BODY, "x").build();
    let limits = Limits { max_input_bytes: msg.len() - 1, ..Limits::default() };
    assert_eq!(read(&msg, &limits).unwrap_err(), MsgError::TooLarge(msg.len() - 1));
}

mod never_panic {
    use proptest::prelude::*;

    use super::super::{lzfu, rtf};

    /// RTF-ish bytes: control words, groups, escapes and text.
    fn rtf_bytes() -> impl Strategy<Value = Vec<u8>> {
        let pieces = prop_oneof![
            Just(&b"{"[..]),
            Just(&b"}"[..]),
            Just(&b"\\*\\htmltag64 "[..]),
            Just(&b"\\htmlrtf "[..]),
            Just(&b"\\htmlrtf0 "[..]),
            Just(&b"\\fromhtml1"[..]),
            Just(&b"\\u-10179?"[..]),
            Just(&b"\\uc3"[..]),
            Just(&b"\\'e9"[..]),
            Just(&b"\\'"[..]),
            Just(&b"\\bin5 "[..]),
            Just(&b"\\par\r\n"[..]),
            Just(&b"<a href=\"https://x.example.com/\">"[..]),
            Just(&b"\\"[..]),
        ];
        proptest::collection::vec(pieces, 0..200).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

        #[test]
        fn lzfu_never_panics_and_stays_within_its_limit(
            body in proptest::collection::vec(any::<u8>(), 0..2048),
            raw in any::<u32>(),
            kind in prop_oneof![Just(*b"LZFu"), Just(*b"MELA"), any::<[u8; 4]>()],
            limit in 0usize..20_000,
        ) {
            let mut s = ((body.len() + 12) as u32).to_le_bytes().to_vec();
            s.extend_from_slice(&raw.to_le_bytes());
            s.extend_from_slice(&kind);
            s.extend_from_slice(&[0; 4]);
            s.extend_from_slice(&body);
            if let Ok(d) = lzfu::decompress(&s, limit) {
                prop_assert!(d.rtf.len() <= limit);
                prop_assert!(d.rtf.len() <= body.len() * 9);
            }
        }

        #[test]
        fn rtf_never_panics(bytes in rtf_bytes()) {
            let _ = rtf::read(&bytes);
        }

        #[test]
        fn rtf_never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = rtf::read(&bytes);
        }
    }
}

#[test]
fn a_property_over_the_part_limit_is_cut_and_said() {
    let msg = MsgBuilder::new().string("", PR_SUBJECT, "s").string("", PR_BODY, &"x".repeat(1000)).build();
    let limits = Limits { max_part_bytes: 100, ..Limits::default() };
    let r = read(&msg, &limits).unwrap();
    assert!(
        r.problems.iter().any(
            |p| matches!(p, Problem::LimitReached { limit, value: 100 } if limit.contains("property size"))
        ),
        "{:?}",
        r.problems
    );
}

#[test]
fn a_compressed_rtf_bomb_stops_at_the_part_limit() {
    // Every item a 17-byte reference (just past the write position, which would end the stream):
    // about 8 times the stream's size.
    let mut body = Vec::new();
    let mut at = 207usize;
    for _ in 0..10_000 {
        let mut group = vec![0xFF];
        for _ in 0..8 {
            group.extend_from_slice(&(((((at + 1) % 4096) as u16) << 4) | 0x0F).to_be_bytes());
            at = (at + 17) % 4096;
        }
        body.extend(group);
    }
    let mut stream = ((body.len() + 12) as u32).to_le_bytes().to_vec();
    stream.extend_from_slice(&u32::MAX.to_le_bytes());
    stream.extend_from_slice(b"LZFu\0\0\0\0");
    stream.extend_from_slice(&body);
    let msg =
        MsgBuilder::new().string("", PR_SUBJECT, "s").prop("", PR_RTF_COMPRESSED, PT_BINARY, stream).build();
    let limits = Limits { max_part_bytes: 500_000, ..Limits::default() };
    let r = read(&msg, &limits).unwrap();
    assert!(
        r.problems.iter().any(|p| matches!(p, Problem::LimitReached { limit, .. } if limit.contains("RTF"))),
        "{:?}",
        r.problems
    );
}
