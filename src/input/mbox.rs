//! Input: mbox files — each message after a `From ` separator line, reported on its own.
//!
//! A `From ` line separates messages when it opens the file or looks like an envelope line
//! (`From sender Tue Mar  5 10:15:00 2024`: a sender, then a date with a time), so an unquoted
//! `From here on` in a body stays body text. `>From ` quoting (mboxo/mboxrd) is
//! undone. [`MboxReader`] does the same over any `BufRead`, one message in memory at a time.

use std::borrow::Cow;
use std::io::{self, BufRead};

use super::{Container, RawMessage};

/// Splits an mbox held in memory into its messages (separator lines removed).
pub fn split_slice(bytes: &[u8]) -> Vec<Cow<'_, [u8]>> {
    split_with_offsets(bytes).into_iter().map(|(_, m)| m).collect()
}

/// Like [`split_slice`], with each message's byte offset in `bytes`.
pub fn split_with_offsets(bytes: &[u8]) -> Vec<(usize, Cow<'_, [u8]>)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i + 1);
        let line = &bytes[pos..end];
        if is_separator(line, start.is_none()) {
            if let Some(s) = start {
                out.push((s, unescape(&bytes[s..pos])));
            }
            start = Some(end);
        }
        pos = end;
    }
    if let Some(s) = start {
        if s < bytes.len() {
            out.push((s, unescape(&bytes[s..])));
        }
    }
    out.retain(|(_, m)| !m.iter().all(u8::is_ascii_whitespace));
    out
}

/// Streams the messages of an mbox from a reader, holding one message in memory at a time.
/// Each comes out as the [`RawMessage`] that [`super::split`] gives for the same bytes.
pub struct MboxReader<R> {
    reader: R,
    pending: Vec<u8>,
    started: bool,
    done: bool,
    /// Messages given out so far.
    index: usize,
    /// Lines read so far.
    lines: u32,
    /// Line offset of the message being read.
    start_line: u32,
    /// Bytes kept per message; the rest of a longer message is read and dropped, and the audit
    /// reports the cut when the cap is above its input limit.
    cap: usize,
}

impl<R: BufRead> MboxReader<R> {
    /// Reads messages from `reader`, which must start at an mbox `From ` line.
    pub fn new(reader: R) -> Self {
        MboxReader {
            reader,
            pending: Vec::new(),
            started: false,
            done: false,
            index: 0,
            lines: 0,
            start_line: 0,
            cap: usize::MAX,
        }
    }

    /// Keeps at most `cap` bytes of each message, so one huge message cannot exhaust memory.
    pub fn with_cap(mut self, cap: usize) -> Self {
        self.cap = cap;
        self
    }

    /// The message read so far, if it is one (not only whitespace).
    fn take(&mut self) -> Option<RawMessage<'static>> {
        let msg = std::mem::take(&mut self.pending);
        if msg.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        let bytes = match unescape(&msg) {
            Cow::Borrowed(_) => msg,
            Cow::Owned(o) => o,
        };
        self.index += 1;
        Some(RawMessage {
            index: self.index - 1,
            bytes: Cow::Owned(bytes),
            container: Container::Mbox,
            show_original: None,
            line_offset: self.start_line,
            problems: Vec::new(),
            origins: Vec::new(),
        })
    }
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = io::Result<RawMessage<'static>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let mut line = Vec::new();
        loop {
            line.clear();
            match self.reader.read_until(b'\n', &mut line) {
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Ok(0) => {
                    self.done = true;
                    return if self.started { self.take().map(Ok) } else { None };
                }
                Ok(_) => {}
            }
            self.lines = self.lines.saturating_add(1);
            if is_separator(&line, !self.started) {
                let was_started = std::mem::replace(&mut self.started, true);
                let found = if was_started { self.take() } else { None };
                self.start_line = self.lines;
                if let Some(m) = found {
                    return Some(Ok(m));
                }
            } else if self.started {
                let room = self.cap.saturating_sub(self.pending.len());
                self.pending.extend_from_slice(&line[..line.len().min(room)]);
            }
        }
    }
}

fn is_separator(line: &[u8], first: bool) -> bool {
    line.starts_with(b"From ") && (first || looks_like_envelope(&line[5..]))
}

/// `sender date`, where the date carries a time (`10:15:00`).
fn looks_like_envelope(rest: &[u8]) -> bool {
    let Some(space) = memchr::memchr(b' ', rest) else { return false };
    let date = &rest[space..];
    date.windows(3).any(|w| w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit())
}

/// Undoes `>From ` quoting: one `>` is removed from every line that is `>`s then `From `.
fn unescape(msg: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memmem::find(msg, b">From ").is_none() {
        return Cow::Borrowed(msg);
    }
    let mut out = Vec::with_capacity(msg.len());
    for line in msg.split_inclusive(|&b| b == b'\n') {
        let quotes = line.iter().take_while(|&&b| b == b'>').count();
        if quotes > 0 && line[quotes..].starts_with(b"From ") {
            out.extend_from_slice(&line[1..]);
        } else {
            out.extend_from_slice(line);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MBOX: &[u8] = b"From a@example.com Tue Mar  5 10:15:00 2024\n\
Subject: one\n\nbody one\n>From the archive\n\n\
From b@example.com Tue Mar  5 10:16:00 2024\n\
Subject: two\n\nFrom here on, text\n";

    #[test]
    fn splits_on_separators_and_unquotes() {
        let msgs = split_slice(MBOX);
        assert_eq!(msgs.len(), 2);
        assert!(msgs[0].starts_with(b"Subject: one"));
        assert!(memchr::memmem::find(&msgs[0], b"\nFrom the archive").is_some());
        // "From here on" has no envelope date: it stays body text.
        assert!(memchr::memmem::find(&msgs[1], b"From here on").is_some());
    }

    #[test]
    fn the_reader_agrees_with_the_slice_splitter() {
        let streamed: Vec<(usize, Vec<u8>)> = MboxReader::new(io::Cursor::new(MBOX))
            .map(|m| m.unwrap())
            .map(|m| (m.line_offset as usize, m.bytes.into_owned()))
            .collect();
        let sliced: Vec<(usize, Vec<u8>)> = split_with_offsets(MBOX)
            .into_iter()
            .map(|(at, m)| (memchr::memchr_iter(b'\n', &MBOX[..at]).count(), m.into_owned()))
            .collect();
        assert_eq!(streamed, sliced);
    }

    #[test]
    fn the_reader_cuts_a_message_at_its_cap_and_goes_on() {
        let got: Vec<RawMessage<'_>> =
            MboxReader::new(io::Cursor::new(MBOX)).with_cap(10).map(|m| m.unwrap()).collect();
        assert_eq!(got.len(), 2);
        assert_eq!(&got[0].bytes[..], b"Subject: o");
        assert!(got.iter().all(|m| m.bytes.len() == 10), "both messages are cut at the cap");
        assert_eq!((got[0].index, got[1].index), (0, 1));
        assert_eq!(got[1].line_offset, 7);
    }
}
