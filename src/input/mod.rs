//! Stage 1 of the flow (input → message → …): raw bytes in, one or more raw messages out.
//!
//! Recognises what the bytes are — a plain `.eml`, an Apple Mail `.emlx`, an mbox file, the
//! text of Gmail's "Show original" page, or an Outlook `.msg` — and hands each message's bytes
//! on. Nothing is parsed here beyond what is needed to tell these apart, except an Outlook
//! `.msg`, which is rebuilt as the RFC 5322 message it stands for ([`msg`]); a file that is not
//! an email at all is an [`InputError`], not an empty report.

mod emlx;
pub mod mbox;
pub mod msg;
mod show_original;

use std::borrow::Cow;

use serde::Serialize;

use crate::limits::Limits;

pub use show_original::ShowOriginal;

/// What kind of file the bytes came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Container {
    /// A single RFC 5322 message (`.eml`), CRLF or LF.
    Eml,
    /// Apple Mail's `.emlx`: a byte count line, the message, then a property list.
    Emlx,
    /// One message of an mbox file.
    Mbox,
    /// The text of Gmail's "Show original" page, summary block included.
    ShowOriginal,
    /// An Outlook `.msg` (OLE compound file), rebuilt as a MIME message.
    Msg,
}

/// One message's bytes, ready for [`crate::message`].
#[derive(Debug, Clone)]
pub struct RawMessage<'a> {
    /// Position of the message in its file (0 unless the file is an mbox).
    pub index: usize,
    /// The message source, with any container wrapping removed.
    pub bytes: Cow<'a, [u8]>,
    /// The kind of file it came from.
    pub container: Container,
    /// The summary block of a Gmail "Show original" page, when there was one.
    pub show_original: Option<ShowOriginal>,
    /// Lines of the file before the message (mbox separators and earlier messages, a "Show
    /// original" summary, an `.emlx` count line): added to source lines in reports.
    pub line_offset: u32,
    /// What the container's reader could not read or cut (an Outlook `.msg`'s limits).
    pub problems: Vec<ContainerProblem>,
    /// Part paths of a rebuilt message (an Outlook `.msg`) and where each body came from.
    pub origins: Vec<(String, &'static str)>,
}

/// Something a container's reader (an Outlook `.msg`'s) could not read, or cut: the audit
/// reports it with the message's own problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContainerProblem {
    /// A limit was reached; what lies beyond it was not read.
    LimitReached {
        /// Which limit.
        limit: String,
        /// Its value.
        value: usize,
    },
    /// A property could not be read (a broken compressed RTF stream).
    UnreadableProperty {
        /// The MAPI property (`PR_RTF_COMPRESSED`).
        property: String,
        /// Why.
        why: String,
    },
}

/// Why bytes could not be read as email at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    /// Nothing but whitespace.
    Empty,
    /// The bytes do not start like a message, an mbox or a "Show original" page.
    NotAnEmail(String),
    /// An Outlook `.msg` larger than the input size limit (bytes): it cannot be read in part.
    TooLarge(usize),
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::Empty => f.write_str("empty input: no message to audit"),
            InputError::NotAnEmail(why) => write!(f, "not an email message: {why}"),
            InputError::TooLarge(limit) => write!(
                f,
                "an Outlook .msg file larger than the input size limit ({limit} bytes): a .msg \
                 cannot be read in part, raise --max-input-mb to audit it"
            ),
        }
    }
}

impl std::error::Error for InputError {}

impl InputError {
    /// An mbox whose `From ` lines have no message after them.
    pub fn mbox_without_messages() -> InputError {
        InputError::NotAnEmail("an mbox \"From \" line with no message after it".into())
    }
}

/// Splits the bytes of one input (a file or stdin) into the messages it holds, within the
/// default [`Limits`].
///
/// A single message gives one [`RawMessage`]; an mbox gives one per message, in order.
pub fn split(bytes: &[u8]) -> Result<Vec<RawMessage<'_>>, InputError> {
    split_within(bytes, &Limits::default())
}

/// [`split`] within `limits` (they bound the reading of an Outlook `.msg`).
pub fn split_within<'a>(bytes: &'a [u8], limits: &Limits) -> Result<Vec<RawMessage<'a>>, InputError> {
    if msg::is_compound(bytes) {
        return read_msg(bytes, limits);
    }
    let bytes = strip_bom(bytes);
    let start = skip_blank_lines(bytes);
    let body = &bytes[start..];
    let lines_before = |offset: usize| -> u32 {
        memchr::memchr_iter(b'\n', &bytes[..(start + offset).min(bytes.len())]).count() as u32
    };
    if body.is_empty() {
        return Err(InputError::Empty);
    }
    if body.starts_with(b"From ") {
        let messages: Vec<RawMessage<'_>> = mbox::split_with_offsets(body)
            .into_iter()
            .enumerate()
            .map(|(index, (offset, bytes))| RawMessage {
                index,
                bytes,
                container: Container::Mbox,
                show_original: None,
                line_offset: lines_before(offset),
                problems: Vec::new(),
                origins: Vec::new(),
            })
            .collect();
        if messages.is_empty() {
            return Err(InputError::mbox_without_messages());
        }
        return Ok(messages);
    }
    if let Some((summary, rest)) = show_original::strip(body) {
        check_header_block(rest)?;
        let offset = body.len() - rest.len();
        return Ok(vec![RawMessage {
            index: 0,
            bytes: Cow::Borrowed(rest),
            container: Container::ShowOriginal,
            show_original: Some(summary),
            line_offset: lines_before(offset),
            problems: Vec::new(),
            origins: Vec::new(),
        }]);
    }
    if let Some(inner) = emlx::unwrap(body) {
        check_header_block(inner)?;
        return Ok(vec![RawMessage {
            index: 0,
            bytes: Cow::Borrowed(inner),
            container: Container::Emlx,
            show_original: None,
            line_offset: lines_before(memchr::memchr(b'\n', body).map_or(0, |i| i + 1)),
            problems: Vec::new(),
            origins: Vec::new(),
        }]);
    }
    check_header_block(body)?;
    Ok(vec![RawMessage {
        index: 0,
        bytes: Cow::Borrowed(body),
        container: Container::Eml,
        show_original: None,
        line_offset: lines_before(0),
        problems: Vec::new(),
        origins: Vec::new(),
    }])
}

fn read_msg<'a>(bytes: &[u8], limits: &Limits) -> Result<Vec<RawMessage<'a>>, InputError> {
    match msg::read(bytes, limits) {
        Ok(rebuilt) => Ok(vec![RawMessage {
            index: 0,
            bytes: Cow::Owned(rebuilt.bytes),
            container: Container::Msg,
            show_original: None,
            line_offset: 0,
            problems: rebuilt.problems,
            origins: rebuilt.origins,
        }]),
        Err(msg::MsgError::TooLarge(limit)) => Err(InputError::TooLarge(limit)),
        Err(msg::MsgError::NotCompound(why)) => Err(InputError::NotAnEmail(format!(
            "an OLE compound file (the format of Outlook .msg) that cannot be read: {why}"
        ))),
        Err(msg::MsgError::NotAMessage) => Err(InputError::NotAnEmail(
            "an OLE compound file without Outlook message properties (a Word or Excel file?)".into(),
        )),
    }
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Offset of the first byte after any leading blank lines (some saved messages start with one).
fn skip_blank_lines(bytes: &[u8]) -> usize {
    let mut i = 0;
    let mut line_start = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line_start = i + 1,
            b'\r' | b' ' | b'\t' => {}
            _ => return line_start,
        }
        i += 1;
    }
    bytes.len()
}

/// Header names that only email has: at least one must appear in the first header block.
const MAIL_HEADERS: &[&str] = &[
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "received",
    "message-id",
    "mime-version",
    "content-type",
    "return-path",
    "delivered-to",
    "dkim-signature",
    "authentication-results",
    "received-spf",
    "reply-to",
    "sender",
    "list-unsubscribe",
    "list-id",
    "x-mailer",
    "x-received",
    "x-original-to",
    "envelope-to",
    "feedback-id",
];

/// Checks that `bytes` start with an RFC 5322 header block.
pub(crate) fn check_header_block(bytes: &[u8]) -> Result<(), InputError> {
    let mut saw_mail_header = false;
    for (n, line) in bytes.split(|&b| b == b'\n').take(500).enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if n > 0 && (line[0] == b' ' || line[0] == b'\t') {
            continue; // folded continuation
        }
        match header_name(line) {
            Some(name) => {
                let lower = name.to_ascii_lowercase();
                if MAIL_HEADERS.contains(&lower.as_str())
                    || lower.starts_with("x-")
                    || lower.starts_with("arc-")
                    || lower.starts_with("list-")
                {
                    saw_mail_header = true;
                }
            }
            None if n == 0 => return Err(InputError::NotAnEmail(describe_first_line(line))),
            None => break,
        }
    }
    if saw_mail_header {
        Ok(())
    } else {
        Err(InputError::NotAnEmail(
            "no email header field (From, Subject, Received, …) in the header block".into(),
        ))
    }
}

/// The field name of a header line, when the line is `name:` followed by anything.
fn header_name(line: &[u8]) -> Option<&str> {
    let colon = memchr::memchr(b':', line)?;
    let name = &line[..colon];
    if name.is_empty() || name.len() > 76 || !name.iter().all(|&b| (33..=126).contains(&b)) {
        return None;
    }
    std::str::from_utf8(name).ok()
}

/// Files people pick up instead of the message, by their first bytes.
const OTHER_FORMATS: &[(&[u8], &str)] = &[
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word, Excel or OpenDocument file)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xFF\xD8\xFF", "a JPEG image"),
    (b"GIF8", "a GIF image"),
];

fn describe_first_line(line: &[u8]) -> String {
    if let Some((_, what)) = OTHER_FORMATS.iter().find(|(magic, _)| line.starts_with(magic)) {
        return format!(
            "{what} — linkaudit reads the message source: save the message itself as .eml \
             (\"Show original\" → \"Download original\", or \"Save as\")"
        );
    }
    let lower: Vec<u8> = line.iter().take(64).map(u8::to_ascii_lowercase).collect();
    let trimmed = lower.trim_ascii_start();
    if trimmed.starts_with(b"<!doctype") || trimmed.starts_with(b"<html") || trimmed.starts_with(b"<") {
        return "this looks like an HTML file, not the raw message: save the message source \
                (\"Show original\" → \"Download original\", or \"Save as .eml\")"
            .into();
    }
    if line.iter().take(256).any(|&b| b == 0 || (b < 32 && b != b'\t' && b != b'\r')) {
        return "binary data, not a message source".into();
    }
    "the first line is neither a header field (\"Name: value\") nor an mbox \"From \" line".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_message_is_one_eml() {
        let msgs = split(b"From: a@example.com\r\nSubject: x\r\n\r\nbody\r\n").unwrap();
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].container, Container::Eml);
    }

    #[test]
    fn leading_blank_lines_and_bom_are_skipped() {
        let msgs = split(b"\xEF\xBB\xBF\r\n\nSubject: x\n\nbody\n").unwrap();
        assert!(msgs[0].bytes.starts_with(b"Subject: x"));
    }

    #[test]
    fn empty_and_whitespace_are_empty() {
        assert_eq!(split(b"").unwrap_err(), InputError::Empty);
        assert_eq!(split(b" \r\n\n\t").unwrap_err(), InputError::Empty);
    }

    #[test]
    fn html_is_not_an_email() {
        let err = split(b"<html><body><a href='https://x.example'>x</a></body></html>").unwrap_err();
        assert!(matches!(err, InputError::NotAnEmail(ref why) if why.contains("HTML")));
    }

    #[test]
    fn random_bytes_are_not_an_email() {
        let err = split(&[0x00, 0xff, 0x13, 0x37, b'\n', 0x80]).unwrap_err();
        assert!(matches!(err, InputError::NotAnEmail(_)));
    }

    #[test]
    fn other_formats_are_named() {
        for (bytes, what) in [
            (&b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n"[..], "a PDF document"),
            (&b"PK\x03\x04\x14\x00\x06\x00"[..], "a ZIP archive"),
            (&b"\x89PNG\r\n\x1a\n"[..], "a PNG image"),
        ] {
            let err = split(bytes).unwrap_err();
            assert!(matches!(err, InputError::NotAnEmail(ref why) if why.starts_with(what)), "{err}");
        }
    }

    #[test]
    fn an_outlook_msg_file_is_named() {
        let err = split(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0").unwrap_err();
        assert!(matches!(err, InputError::NotAnEmail(ref why) if why.contains("Outlook .msg")), "{err}");
    }

    #[test]
    fn a_colon_line_without_mail_headers_is_not_an_email() {
        let err = split(b"Note: buy milk\nAnd: eggs\n\ntext\n").unwrap_err();
        assert!(matches!(err, InputError::NotAnEmail(_)));
    }
}
