//! Input: Outlook `.msg` files (an OLE compound file of MAPI properties, MS-OXMSG), rebuilt as
//! the RFC 5322 message the rest of the pipeline reads.
//!
//! What is read: the transport headers (`PR_TRANSPORT_MESSAGE_HEADERS`, else a few headers made
//! from the subject and sender properties), the text body (`PR_BODY`), the HTML body (`PR_HTML`
//! in its `PR_INTERNET_CPID` code page, else the HTML encapsulated in `PR_RTF_COMPRESSED`),
//! attached Outlook messages (recursively), attached `.eml` messages and attached text or HTML
//! files. Recipients, named properties and other attachments are not read.
//!
//! The rebuilt message is a `multipart/alternative` of the bodies (inside a `multipart/mixed`
//! when there are attachments), every body base64-encoded UTF-8, so nothing in a property can
//! break the MIME structure; the transport headers lose their own `Content-*` and
//! `MIME-Version` fields. Each body part's path is returned with the property it came from, for
//! reports: the rebuilt message's line numbers are not the file's, so reports give none.
//!
//! Limits: the file must fit in `max_input_bytes` (a compound file cannot be read in part);
//! streams are read through a budget of four times the file's size; each property and the
//! decompressed RTF are capped at `max_part_bytes`; attachments at `max_parts`, and attached
//! Outlook messages nest at most [`MAX_NESTED`] deep.

mod codepage;
mod lzfu;
mod mime;
mod rtf;
mod storage;

use std::path::Path;

use super::ContainerProblem as Problem;
use crate::limits::Limits;
use storage::{Kind, Props, Store, PT_BINARY};

/// The compound file signature.
pub(crate) const SIGNATURE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Attached Outlook messages inside attached Outlook messages: deeper ones are not read.
pub const MAX_NESTED: usize = 16;

// MAPI property ids.
const PR_SUBJECT: u16 = 0x0037;
const PR_SENT_REPRESENTING_NAME: u16 = 0x0042;
const PR_SENT_REPRESENTING_EMAIL: u16 = 0x0065;
const PR_TRANSPORT_MESSAGE_HEADERS: u16 = 0x007D;
const PR_SENDER_NAME: u16 = 0x0C1A;
const PR_SENDER_EMAIL: u16 = 0x0C1F;
const PR_BODY: u16 = 0x1000;
const PR_RTF_COMPRESSED: u16 = 0x1009;
const PR_HTML: u16 = 0x1013;
const PR_INTERNET_MESSAGE_ID: u16 = 0x1035;
const PR_ATTACH_DATA: u16 = 0x3701;
const PR_ATTACH_FILENAME: u16 = 0x3704;
const PR_ATTACH_METHOD: u16 = 0x3705;
const PR_ATTACH_LONG_FILENAME: u16 = 0x3707;
const PR_ATTACH_MIME_TAG: u16 = 0x370E;
const PR_INTERNET_CPID: u16 = 0x3FDE;
const PR_MESSAGE_CODEPAGE: u16 = 0x3FFD;
const PR_SENDER_SMTP: u16 = 0x5D01;
const PR_SENT_REPRESENTING_SMTP: u16 = 0x5D02;

/// `PR_ATTACH_METHOD`: an attached Outlook message.
const ATTACH_EMBEDDED_MSG: u32 = 5;

/// Header-like properties are short: anything longer is cut.
const MAX_SHORT: usize = 64 * 1024;

/// A body part from `PR_BODY`, as reports name it.
pub const TEXT_BODY: &str = "Outlook .msg text body (PR_BODY)";
/// A body part from `PR_HTML`.
pub const HTML_BODY: &str = "Outlook .msg HTML body (PR_HTML)";
/// A body part from the HTML encapsulated in `PR_RTF_COMPRESSED`.
pub const RTF_HTML_BODY: &str = "Outlook .msg HTML body (from compressed RTF)";
/// A body part from the text of `PR_RTF_COMPRESSED` (no `PR_BODY`, no HTML).
pub const RTF_TEXT_BODY: &str = "Outlook .msg text body (from compressed RTF)";
/// An attached HTML or text file.
pub const ATTACHED_FILE: &str = "Outlook .msg attached file";

/// An Outlook message as read.
#[derive(Debug, Default)]
pub(super) struct Message {
    /// `PR_TRANSPORT_MESSAGE_HEADERS`.
    headers: Option<String>,
    subject: Option<String>,
    /// Display name and address of the sender.
    from: (Option<String>, Option<String>),
    message_id: Option<String>,
    /// Text bodies first, then HTML.
    bodies: Vec<Body>,
    attached: Vec<Attached>,
}

#[derive(Debug)]
struct Body {
    html: bool,
    text: String,
    origin: &'static str,
}

#[derive(Debug)]
enum Attached {
    /// An attached Outlook message.
    Msg(Box<Message>),
    /// An attached RFC 822 message (an `.eml`), as is.
    Eml(Vec<u8>),
    /// An attached HTML or text file.
    File { html: bool, bytes: Vec<u8> },
}

/// An Outlook `.msg` rebuilt as a message.
#[derive(Debug)]
pub struct Rebuilt {
    /// The RFC 5322 message.
    pub bytes: Vec<u8>,
    /// Path of each body part and where it came from.
    pub origins: Vec<(String, &'static str)>,
    /// What could not be read, or was cut.
    pub problems: Vec<Problem>,
}

/// Why a `.msg` gives no message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MsgError {
    /// Larger than `max_input_bytes`.
    TooLarge(usize),
    /// Not a compound file the `cfb` reader accepts.
    NotCompound(String),
    /// A compound file without message properties (a Word or Excel file, say).
    NotAMessage,
}

/// Whether `bytes` start with the compound file signature.
pub fn is_compound(bytes: &[u8]) -> bool {
    bytes.starts_with(SIGNATURE)
}

/// Reads an Outlook `.msg` and rebuilds it as an RFC 5322 message.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Rebuilt, MsgError> {
    if bytes.len() > limits.max_input_bytes {
        return Err(MsgError::TooLarge(limits.max_input_bytes));
    }
    let budget = bytes.len().saturating_mul(4).saturating_add(1 << 20);
    let mut store = Store::open(bytes, budget).map_err(|e| MsgError::NotCompound(e.to_string()))?;
    let mut ctx = Context {
        limits,
        problems: Vec::new(),
        attachments: 0,
        attachments_cut: false,
        depth_cut: false,
        rtf_cut: false,
    };
    let root = store.props(Path::new("/"), Kind::Message);
    if !root.any {
        return Err(MsgError::NotAMessage);
    }
    let message = ctx.message(&mut store, &root, 0);
    if store.cut {
        ctx.problems.push(Problem::LimitReached { limit: ".msg streams read (bytes)".into(), value: budget });
    }
    if let Some(value) = store.capped {
        ctx.problems.push(Problem::LimitReached { limit: ".msg property size (bytes)".into(), value });
    }
    if ctx.rtf_cut {
        let value = limits.max_part_bytes;
        ctx.problems.push(Problem::LimitReached { limit: "decompressed RTF (bytes)".into(), value });
    }
    if ctx.attachments_cut {
        let value = max_attachments(limits);
        ctx.problems.push(Problem::LimitReached { limit: ".msg attachments".into(), value });
    }
    if ctx.depth_cut {
        ctx.problems.push(Problem::LimitReached {
            limit: "attached Outlook messages nested".into(),
            value: max_nested(limits),
        });
    }
    let mut rebuilt = mime::write(&message);
    rebuilt.problems = ctx.problems;
    Ok(rebuilt)
}

fn max_attachments(limits: &Limits) -> usize {
    limits.max_parts.min(1000)
}

fn max_nested(limits: &Limits) -> usize {
    (limits.max_depth / 2).min(MAX_NESTED)
}

struct Context<'l> {
    limits: &'l Limits,
    problems: Vec<Problem>,
    attachments: usize,
    attachments_cut: bool,
    depth_cut: bool,
    rtf_cut: bool,
}

impl Context<'_> {
    /// Reads the message whose properties are `props`, `depth` attachments down.
    fn message(&mut self, store: &mut Store<'_>, props: &Props, depth: usize) -> Message {
        let cap = self.limits.max_part_bytes;
        let cp = props.long(PR_MESSAGE_CODEPAGE);
        let mut m = Message {
            headers: store.string(props, PR_TRANSPORT_MESSAGE_HEADERS, cap, cp),
            subject: store.string(props, PR_SUBJECT, MAX_SHORT, cp),
            message_id: store.string(props, PR_INTERNET_MESSAGE_ID, MAX_SHORT, cp),
            ..Message::default()
        };
        let name = store
            .string(props, PR_SENT_REPRESENTING_NAME, MAX_SHORT, cp)
            .or_else(|| store.string(props, PR_SENDER_NAME, MAX_SHORT, cp));
        let address =
            [PR_SENT_REPRESENTING_SMTP, PR_SENT_REPRESENTING_EMAIL, PR_SENDER_SMTP, PR_SENDER_EMAIL]
                .iter()
                .filter_map(|&id| store.string(props, id, MAX_SHORT, cp))
                .find(|a| a.contains('@'));
        m.from = (name, address);
        let text = store.string(props, PR_BODY, cap, cp);
        let html = store.binary(props, PR_HTML, cap).map(|raw| {
            let end = raw.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
            codepage::decode(&raw[..end], props.long(PR_INTERNET_CPID).or(cp))
        });
        let html = html.or_else(|| store.string(props, PR_HTML, cap, props.long(PR_INTERNET_CPID).or(cp)));
        let rtf = if html.is_none() { self.rtf(store, props) } else { None };
        if let Some(text) = text {
            m.bodies.push(Body { html: false, text, origin: TEXT_BODY });
        }
        match (html, rtf) {
            (Some(text), _) => m.bodies.push(Body { html: true, text, origin: HTML_BODY }),
            (None, Some(rtf::Rtf::Html(text))) => {
                m.bodies.push(Body { html: true, text, origin: RTF_HTML_BODY })
            }
            // RTF text only when there is no text body: the same links would count twice.
            (None, Some(rtf::Rtf::Text(text) | rtf::Rtf::Native(text))) if m.bodies.is_empty() => {
                m.bodies.push(Body { html: false, text, origin: RTF_TEXT_BODY })
            }
            _ => {}
        }
        for path in &props.attachments {
            if self.attachments >= max_attachments(self.limits) {
                self.attachments_cut = true;
                break;
            }
            self.attachments += 1;
            if let Some(a) = self.attachment(store, path, depth) {
                m.attached.push(a);
            }
        }
        m
    }

    /// The decompressed, de-encapsulated RTF body.
    fn rtf(&mut self, store: &mut Store<'_>, props: &Props) -> Option<rtf::Rtf> {
        let cap = self.limits.max_part_bytes;
        let raw = store.binary(props, PR_RTF_COMPRESSED, cap)?;
        match lzfu::decompress(&raw, cap) {
            Ok(d) => {
                self.rtf_cut |= d.cut;
                Some(rtf::read(&d.rtf))
            }
            Err(e) => {
                self.problems.push(Problem::UnreadableProperty {
                    property: "PR_RTF_COMPRESSED".into(),
                    why: e.to_string(),
                });
                None
            }
        }
    }

    fn attachment(&mut self, store: &mut Store<'_>, path: &Path, depth: usize) -> Option<Attached> {
        let props = store.props(path, Kind::Attachment);
        let embedded = props.long(PR_ATTACH_METHOD) == Some(ATTACH_EMBEDDED_MSG) || props.embedded.is_some();
        if embedded {
            let inner = props.embedded.as_deref()?;
            if depth + 1 > max_nested(self.limits) {
                self.depth_cut = true;
                return None;
            }
            let inner = store.props(inner, Kind::Embedded);
            return Some(Attached::Msg(Box::new(self.message(store, &inner, depth + 1))));
        }
        let mime = store.string(&props, PR_ATTACH_MIME_TAG, MAX_SHORT, None).unwrap_or_default();
        let name = store
            .string(&props, PR_ATTACH_LONG_FILENAME, MAX_SHORT, None)
            .or_else(|| store.string(&props, PR_ATTACH_FILENAME, MAX_SHORT, None))
            .unwrap_or_default();
        let kind = attachment_kind(&mime, &name)?;
        if !store.has(&props, PR_ATTACH_DATA, &[PT_BINARY]) {
            return None;
        }
        let bytes = store.binary(&props, PR_ATTACH_DATA, self.limits.max_part_bytes)?;
        Some(match kind {
            AttachmentKind::Eml => Attached::Eml(bytes),
            AttachmentKind::Html => Attached::File { html: true, bytes },
            AttachmentKind::Text => Attached::File { html: false, bytes },
        })
    }
}

enum AttachmentKind {
    Eml,
    Html,
    Text,
}

/// The attachments that are read, by MIME type or else file name.
fn attachment_kind(mime: &str, name: &str) -> Option<AttachmentKind> {
    let mime = mime.trim().to_ascii_lowercase();
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match (mime.as_str(), ext.as_str()) {
        ("message/rfc822", _) | (_, "eml") => Some(AttachmentKind::Eml),
        ("text/html", _) | (_, "htm" | "html") => Some(AttachmentKind::Html),
        ("text/plain", _) | (_, "txt") => Some(AttachmentKind::Text),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
