//! Report renderer: JSON, the output contract of ARCHITECTURE.md (pretty-printed) — whole, or
//! streamed message by message with exactly the same bytes ([`Stream`]), so a long mbox is
//! written without holding every message's report.
//!
//! Strings are kept whole, but every character the terminal sanitiser escapes
//! ([`super::sanitize::suspicious`]: C0 and C1 controls, bidi, zero-width, line separators,
//! tags) is written as a `\uXXXX` escape ([`Escaping`]), so the JSON shown in a terminal or a CI
//! log cannot drive it, and a JSON reader still gets the exact text.

use std::io;

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter};

use super::sanitize::suspicious;
use super::{MessageReport, Report};

/// A serde_json formatter that writes suspicious characters as `\uXXXX` escapes (serde_json
/// escapes only C0 controls), around another formatter (pretty or compact).
pub struct Escaping<F> {
    inner: F,
    /// Writing an object key (the report's own field names: nothing to look at).
    key: bool,
}

impl<F> Escaping<F> {
    /// Escaping around `inner`.
    pub fn new(inner: F) -> Self {
        Escaping { inner, key: false }
    }
}

impl<F: Formatter> Formatter for Escaping<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        if self.key {
            return w.write_all(fragment.as_bytes());
        }
        // Fragments hold no C0 control (serde_json escapes them), and DEL moves no terminal:
        // only non-ASCII characters can need an escape.
        if fragment.is_ascii() {
            return w.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if !c.is_ascii() && suspicious(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(w, "\\u{u:04x}")?;
                }
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.inner.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.key = true;
        self.inner.begin_object_key(w, first)
    }
    fn end_object_key<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.key = false;
        self.inner.end_object_key(w)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_object_value(w)
    }
}

/// Writes `value` as pretty JSON (escaping as [`Escaping`] does) to `w`.
pub fn to_writer_pretty<W: io::Write, T: ?Sized + Serialize>(w: W, value: &T) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, Escaping::new(PrettyFormatter::new()));
    value.serialize(&mut ser)
}

/// `value` as pretty JSON, escaping as [`Escaping`] does.
pub fn to_string_pretty<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(1024);
    to_writer_pretty(&mut out, value)?;
    Ok(String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// `value` as one line of JSON, escaping as [`Escaping`] does.
pub fn to_string<T: ?Sized + Serialize>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(1024);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Escaping::new(CompactFormatter));
    value.serialize(&mut ser)?;
    Ok(String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// The whole report as pretty JSON, ending with a newline.
pub fn render(report: &Report) -> String {
    let mut s = to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// The pieces of [`render`]'s output, produced one message at a time.
#[derive(Debug, Default)]
pub struct Stream {
    messages: usize,
}

/// The fields of a report that follow `messages`, in the contract's order.
#[derive(Serialize)]
struct Tail<'a> {
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    batch_findings: &'a [crate::rules::batch::BatchFinding],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [super::InputFailure],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    domains: &'a [crate::domain::DomainReport],
    summary: &'a super::Summary,
}

/// A writer that passes bytes on to `out` and indents every line after the first by `pad`
/// (JSON strings hold no raw newline): the pretty JSON of a message with 50,000 links is indented
/// as it is written, without a second copy or a string per line.
struct Indent<'a> {
    out: &'a mut Vec<u8>,
    pad: &'static [u8],
}

impl std::io::Write for Indent<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut rest = buf;
        while let Some(i) = memchr::memchr(b'\n', rest) {
            self.out.extend_from_slice(&rest[..=i]);
            self.out.extend_from_slice(self.pad);
            rest = &rest[i + 1..];
        }
        self.out.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A message's entry in the `messages` array, after `prefix`.
fn entry(prefix: &[u8], m: &MessageReport) -> String {
    const PAD: &[u8] = b"    ";
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(prefix);
    out.extend_from_slice(PAD);
    let start = out.len();
    if let Err(e) = to_writer_pretty(Indent { out: &mut out, pad: PAD }, m) {
        out.truncate(start);
        out.extend_from_slice(format!("{{\"error\": \"{e}\"}}").as_bytes());
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

impl Stream {
    /// The opening of the report.
    pub fn begin(&self) -> String {
        "{\n  \"version\": 1,\n  \"messages\": [".to_string()
    }

    /// One message.
    pub fn message(&mut self, m: &MessageReport) -> String {
        let sep = self.separator();
        entry(sep.as_bytes(), m)
    }

    /// What goes before the next message's [`Stream::body`]; counts the message.
    pub fn separator(&mut self) -> &'static str {
        self.messages += 1;
        if self.messages == 1 {
            "\n"
        } else {
            ",\n"
        }
    }

    /// One message's entry, indented, without the separator: it depends on the message alone,
    /// so a worker thread can render it while the writer writes the one before.
    pub fn body(m: &MessageReport) -> String {
        entry(b"", m)
    }

    /// The close: everything after the messages, from a report whose `messages` are left out.
    pub fn end(&self, rest: &Report) -> String {
        let tail = Tail {
            batch_findings: &rest.batch_findings,
            errors: &rest.errors,
            domains: &rest.domains,
            summary: &rest.summary,
        };
        let json = to_string_pretty(&tail).unwrap_or_default();
        let inner = json.strip_prefix("{\n").and_then(|j| j.strip_suffix("\n}")).unwrap_or("");
        let close = if self.messages == 0 { "]" } else { "\n  ]" };
        format!("{close},\n{inner}\n}}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_pieces_are_the_whole_render() {
        let mbox = include_str!("../../fixtures/rules/LA206-two-esps-across-messages.mbox");
        for input in [mbox, "", "not an email"] {
            let messages =
                crate::audit_all("x.mbox", input.as_bytes(), &crate::Options::default()).unwrap_or_default();
            let report = Report::new(
                messages,
                vec![super::super::InputFailure { source: "y".into(), message: "z".into() }],
            );
            let mut s = Stream::default();
            let mut out = s.begin();
            for (i, m) in report.messages.iter().enumerate() {
                // Rendered whole, or as a separator and a body (as the CLI's workers do).
                if i % 2 == 0 {
                    out.push_str(&s.message(m));
                } else {
                    out.push_str(s.separator());
                    out.push_str(&Stream::body(m));
                }
            }
            let rest = Report { messages: Vec::new(), ..report.clone() };
            out.push_str(&s.end(&rest));
            assert_eq!(out, render(&report));
        }
    }
}
