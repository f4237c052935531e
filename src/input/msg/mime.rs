//! Outlook `.msg`: the MIME message rebuilt from what [`super::read`] found.
//!
//! Every body is UTF-8 in base64, so no property's content can end a part or open one: base64
//! has no `-`, and the transport header fields kept are `Name: value` lines and their folded
//! continuations (a field named `-…`, or a line that is neither, is dropped). Boundaries are
//! numbered in writing order. The part paths are counted as the message stage numbers them
//! (IMAP style: a multipart's children `1`, `2`, …; a single-part message's body `1`).

use base64::Engine;

use super::{Attached, Body, Message, Rebuilt, ATTACHED_FILE};

/// Header fields of the transport headers that the rebuilt message writes itself.
const REPLACED: &[&str] = &[
    "content-type",
    "content-transfer-encoding",
    "mime-version",
    "content-disposition",
    "content-description",
    "content-id",
    "content-length",
];

/// Writes `msg` as an RFC 5322 message.
pub(super) fn write(msg: &Message) -> Rebuilt {
    let mut w = Writer { out: Vec::new(), origins: Vec::new(), boundaries: 0 };
    w.message(msg, "");
    Rebuilt { bytes: w.out, origins: w.origins, problems: Vec::new() }
}

struct Writer {
    out: Vec<u8>,
    origins: Vec<(String, &'static str)>,
    boundaries: usize,
}

fn join(prefix: &str, n: usize) -> String {
    if prefix.is_empty() {
        n.to_string()
    } else {
        format!("{prefix}.{n}")
    }
}

enum Child<'m> {
    Body(&'m Body),
    Bodies(&'m [Body]),
    Attached(&'m Attached),
}

impl Writer {
    /// A message: its header block, then its body; `prefix` is its part path (`""` on top).
    fn message(&mut self, msg: &Message, prefix: &str) {
        self.headers(msg);
        self.out.extend_from_slice(b"MIME-Version: 1.0\r\n");
        let mut children: Vec<Child<'_>> = Vec::new();
        if msg.attached.is_empty() {
            match msg.bodies.as_slice() {
                [] => {
                    self.out.extend_from_slice(b"Content-Type: text/plain; charset=utf-8\r\n\r\n");
                    return;
                }
                [one] => return self.body(one, &join(prefix, 1)),
                all => return self.multipart("alternative", all.iter().map(Child::Body).collect(), prefix),
            }
        }
        match msg.bodies.as_slice() {
            [] => {}
            [one] => children.push(Child::Body(one)),
            all => children.push(Child::Bodies(all)),
        }
        children.extend(msg.attached.iter().map(Child::Attached));
        self.multipart("mixed", children, prefix);
    }

    /// The part header fields and content of a multipart whose path is `prefix`.
    fn multipart(&mut self, subtype: &str, children: Vec<Child<'_>>, prefix: &str) {
        let boundary = format!("=_linkaudit_msg_{}", self.boundaries);
        self.boundaries += 1;
        self.out.extend_from_slice(
            format!("Content-Type: multipart/{subtype}; boundary=\"{boundary}\"\r\n\r\n").as_bytes(),
        );
        for (i, child) in children.iter().enumerate() {
            self.out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let path = join(prefix, i + 1);
            match child {
                Child::Body(b) => self.body(b, &path),
                Child::Bodies(all) => {
                    self.multipart("alternative", all.iter().map(Child::Body).collect(), &path)
                }
                Child::Attached(Attached::Msg(m)) => {
                    self.out.extend_from_slice(b"Content-Type: message/rfc822\r\n\r\n");
                    self.message(m, &path);
                }
                Child::Attached(Attached::Eml(bytes)) => {
                    self.out.extend_from_slice(
                        b"Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n",
                    );
                    self.base64(bytes);
                }
                Child::Attached(Attached::File { html, bytes }) => {
                    let ct = if *html { "text/html" } else { "text/plain" };
                    self.out.extend_from_slice(
                        format!(
                            "Content-Type: {ct}\r\nContent-Disposition: attachment\r\n\
                             Content-Description: {ATTACHED_FILE}\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                        )
                        .as_bytes(),
                    );
                    self.base64(bytes);
                    self.origins.push((path, ATTACHED_FILE));
                }
            }
            self.out.extend_from_slice(b"\r\n");
        }
        self.out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    }

    /// A body part's header fields and content, at `path`.
    fn body(&mut self, body: &Body, path: &str) {
        let ct = if body.html { "text/html" } else { "text/plain" };
        self.out.extend_from_slice(
            format!(
                "Content-Type: {ct}; charset=utf-8\r\nContent-Description: {}\r\n\
                 Content-Transfer-Encoding: base64\r\n\r\n",
                body.origin
            )
            .as_bytes(),
        );
        self.base64(body.text.as_bytes());
        self.origins.push((path.to_string(), body.origin));
    }

    fn base64(&mut self, bytes: &[u8]) {
        let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
        for line in encoded.as_bytes().chunks(76) {
            self.out.extend_from_slice(line);
            self.out.extend_from_slice(b"\r\n");
        }
    }

    /// The transport headers (their MIME fields renamed), and From, Subject and Message-ID from
    /// the properties where the transport headers have none.
    fn headers(&mut self, msg: &Message) {
        let before = self.out.len();
        if let Some(h) = &msg.headers {
            transport_headers(h, &mut self.out);
        }
        // Fields the transport headers lack come from the properties, after them (so the
        // transport headers' line numbers stay theirs).
        let has = |out: &[u8], name: &str| {
            out.split(|&b| b == b'\n').any(|l| {
                l.len() > name.len()
                    && l[..name.len()].eq_ignore_ascii_case(name.as_bytes())
                    && l[name.len()] == b':'
            })
        };
        if !has(&self.out[before..], "from") {
            let (name, address) = &msg.from;
            let address = address.as_deref().filter(|a| is_address(a));
            match (name.as_deref().map(clean).filter(|n| !n.is_empty()), address) {
                (Some(n), Some(a)) => self.field("From", &format!("{} <{a}>", word(&n))),
                (None, Some(a)) => self.field("From", a),
                (Some(n), None) => self.field("From", &word(&n)),
                (None, None) => {}
            }
        }
        if !has(&self.out[before..], "subject") {
            if let Some(s) = &msg.subject {
                self.field("Subject", &unstructured(&clean(s)));
            }
        }
        if !has(&self.out[before..], "message-id") {
            if let Some(id) = msg.message_id.as_deref().map(clean).filter(|i| is_message_id(i)) {
                self.field("Message-ID", &id);
            }
        }
        if self.out.len() == before {
            // Some mail header must be there for the message to be read as one.
            self.field("Subject", "");
        }
    }

    fn field(&mut self, name: &str, value: &str) {
        self.out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
}

/// Appends the fields of a transport header block, CRLF line ends. The fields the rebuilt
/// message replaces ([`REPLACED`]) stay where they were under a new name
/// (`X-Linkaudit-Replaced-Content-Type`), so the header's line numbers are the transport
/// headers' own.
fn transport_headers(block: &str, out: &mut Vec<u8>) {
    let mut keep = false;
    for line in block.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            if keep || !out.is_empty() {
                break; // the end of the header block
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if keep {
                out.extend_from_slice(line.as_bytes());
                out.extend_from_slice(b"\r\n");
            }
            continue;
        }
        keep = match field_name(line) {
            Some(name) if name.starts_with('-') => false,
            Some(name) => {
                if REPLACED.iter().any(|r| r.eq_ignore_ascii_case(name)) {
                    out.extend_from_slice(b"X-Linkaudit-Replaced-");
                }
                true
            }
            None => false,
        };
        if keep {
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
}

fn field_name(line: &str) -> Option<&str> {
    let (name, _) = line.split_once(':')?;
    (!name.is_empty() && name.len() <= 76 && name.bytes().all(|b| (33..=126).contains(&b))).then_some(name)
}

/// A property's text made fit for one header line: controls (line breaks included) become spaces.
fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_string()
}

/// `s` as a header value: as is when plain ASCII without specials, else an RFC 2047 word.
fn word(s: &str) -> String {
    if s.bytes().all(|b| (b' '..=b'~').contains(&b) && !b"\"<>()@,;:\\[]=?".contains(&b)) {
        return s.to_string();
    }
    word_encoded(s)
}

/// `s` as an unstructured header value (a subject): as is when printable ASCII, else an RFC 2047
/// word.
fn unstructured(s: &str) -> String {
    if s.bytes().all(|b| (b' '..=b'~').contains(&b)) && !s.contains("=?") {
        return s.to_string();
    }
    word_encoded(s)
}

fn word_encoded(s: &str) -> String {
    format!("=?utf-8?b?{}?=", base64::engine::general_purpose::STANDARD.encode(s.as_bytes()))
}

/// A plain `local@domain` address, nothing that could add to a header.
fn is_address(a: &str) -> bool {
    a.len() <= 320
        && a.split_once('@').is_some_and(|(l, d)| !l.is_empty() && !d.is_empty())
        && a.bytes().all(|b| b.is_ascii_graphic() && !b"<>()\"\\,;:[]".contains(&b))
}

fn is_message_id(id: &str) -> bool {
    id.len() <= 998 && id.starts_with('<') && id.ends_with('>') && id.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers_of(block: &str) -> String {
        let mut out = Vec::new();
        transport_headers(block, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn transport_headers_lose_their_mime_fields() {
        let cases: &[(&str, &str)] = &[
            (
                "Received: from a\r\n\tby b\r\nContent-Type: multipart/alternative;\r\n\tboundary=x\r\nSubject: Hi\r\n\r\n",
                "Received: from a\r\n\tby b\r\nX-Linkaudit-Replaced-Content-Type: multipart/alternative;\r\n\tboundary=x\r\nSubject: Hi\r\n",
            ),
            // LF line ends, a leading blank line, MIME-Version in any case.
            (
                "\nFrom: a@example.com\nmime-version: 1.0\nTo: b@example.com\n",
                "From: a@example.com\r\nX-Linkaudit-Replaced-mime-version: 1.0\r\nTo: b@example.com\r\n",
            ),
            // Lines that are not fields, and fields named like a boundary, are dropped.
            (
                "From: a@example.com\r\n--=_linkaudit_msg_0\r\n--x: y\r\n continued\r\nSubject: s\r\n",
                "From: a@example.com\r\nSubject: s\r\n",
            ),
            // The header block ends at its blank line.
            ("Subject: s\r\n\r\nbody: text\r\n", "Subject: s\r\n"),
            ("", ""),
        ];
        for (block, want) in cases {
            assert_eq!(headers_of(block), *want, "{block:?}");
        }
    }

    #[test]
    fn header_values_from_properties() {
        assert_eq!(word("Example News"), "Example News");
        assert_eq!(word("Café"), "=?utf-8?b?Q2Fmw6k=?=");
        assert_eq!(word("a\"b"), "=?utf-8?b?YSJi?=");
        assert_eq!(clean("a\r\nBcc: x@example.com"), "a  Bcc: x@example.com");
        assert!(is_address("news@example.com"));
        assert!(!is_address("/O=EXCHANGE/OU=FIRST"));
        assert!(!is_address("a@example.com>\r\nBcc: x"));
        assert!(!is_address("@example.com"));
        assert!(is_message_id("<1@example.com>"));
        assert!(!is_message_id("<1@example.com> x"));
    }

    fn body(html: bool, text: &str) -> Body {
        Body {
            html,
            text: text.into(),
            origin: if html { super::super::HTML_BODY } else { super::super::TEXT_BODY },
        }
    }

    #[test]
    fn paths_follow_the_structure() {
        let one = Message { bodies: vec![body(true, "<a href=x>")], ..Message::default() };
        assert_eq!(write(&one).origins, vec![("1".to_string(), super::super::HTML_BODY)]);
        let two = Message { bodies: vec![body(false, "t"), body(true, "h")], ..Message::default() };
        let paths: Vec<String> = write(&two).origins.into_iter().map(|(p, _)| p).collect();
        assert_eq!(paths, ["1", "2"]);
        let nested = Message {
            bodies: vec![body(false, "t"), body(true, "h")],
            attached: vec![
                Attached::Msg(Box::new(Message { bodies: vec![body(true, "h")], ..Message::default() })),
                Attached::Msg(Box::new(Message {
                    bodies: vec![body(false, "t"), body(true, "h")],
                    ..Message::default()
                })),
            ],
            ..Message::default()
        };
        let paths: Vec<String> = write(&nested).origins.into_iter().map(|(p, _)| p).collect();
        assert_eq!(paths, ["1.1", "1.2", "2.1", "3.1", "3.2"]);
    }
}
