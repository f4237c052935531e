//! Input: mbox files — each message after a `From ` separator line, reported on its own.
//!
//! A `From ` line separates messages when it opens the file or looks like an envelope line
//! (`From sender Tue Mar  5 10:15:00 2024`: a sender, then a date with a time), so an unquoted
//! `From here on` in a body stays body text. `>From ` quoting (mboxo/mboxrd) is
//! undone. [`MboxReader`] does the same over any `BufRead`, one message in memory at a time.

use std::borrow::Cow;
use std::io::{self, BufRead};

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
pub struct MboxReader<R> {
    reader: R,
    pending: Vec<u8>,
    started: bool,
    done: bool,
}

impl<R: BufRead> MboxReader<R> {
    /// Reads messages from `reader`, which must start at an mbox `From ` line.
    pub fn new(reader: R) -> Self {
        MboxReader { reader, pending: Vec::new(), started: false, done: false }
    }
}

impl<R: BufRead> Iterator for MboxReader<R> {
    type Item = io::Result<Vec<u8>>;

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
                    let msg = std::mem::take(&mut self.pending);
                    if self.started && !msg.iter().all(u8::is_ascii_whitespace) {
                        return Some(Ok(unescape(&msg).into_owned()));
                    }
                    return None;
                }
                Ok(_) => {}
            }
            if is_separator(&line, !self.started) {
                let was_started = std::mem::replace(&mut self.started, true);
                let msg = std::mem::take(&mut self.pending);
                if was_started && !msg.iter().all(u8::is_ascii_whitespace) {
                    return Some(Ok(unescape(&msg).into_owned()));
                }
            } else if self.started {
                self.pending.extend_from_slice(&line);
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
        let streamed: Vec<Vec<u8>> = MboxReader::new(io::Cursor::new(MBOX)).map(|m| m.unwrap()).collect();
        let sliced: Vec<Vec<u8>> = split_slice(MBOX).into_iter().map(|c| c.into_owned()).collect();
        assert_eq!(streamed, sliced);
    }
}
