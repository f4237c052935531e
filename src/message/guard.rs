//! Message: limits applied to the raw bytes before parsing — input size, number of boundary
//! lines (parts), header fields, and nested messages.
//!
//! Header fields cost far more than their bytes once parsed (mail-parser's header and value,
//! then linkaudit's own record: about 250 bytes for a 10-byte field), so 64 MiB of tiny fields
//! took 2 GB. The header blocks are found and their fields counted before parsing (the top-level
//! block, each block after a `--` delimiter line, a nested message's after its part header), and
//! the input is cut before the field that passes the limit.
//!
//! mail-parser 0.11 parses nesting iteratively but drops nested `message/rfc822` values
//! recursively, so tens of thousands of levels overflow the stack. Before parsing, every
//! `message/rfc822`, `message/global` and `multipart/digest` beyond the allowed count is
//! rewritten in place to a same-length opaque type, which keeps the rest of the message intact.

use std::borrow::Cow;

use super::Problem;
use crate::limits::Limits;

/// Type names that make mail-parser open a nested message, and their opaque stand-ins.
const NESTING_TYPES: &[(&[u8], &[u8])] = &[
    (b"message/rfc822", b"application/xx"),
    (b"message/global", b"application/xx"),
    (b"multipart/digest", b"multipart/x-dgst"),
];

/// Returns the bytes to parse, cut or defused as the limits require.
pub(super) fn apply<'a>(raw: &'a [u8], limits: &Limits, problems: &mut Vec<Problem>) -> Cow<'a, [u8]> {
    let raw = if raw.len() > limits.max_input_bytes {
        problems.push(Problem::LimitReached {
            limit: "input size (bytes)".into(),
            value: limits.max_input_bytes,
            path: None,
        });
        &raw[..limits.max_input_bytes]
    } else {
        raw
    };
    // Every part needs a boundary line ("--…"): cut the input after the first max_parts × 2 of
    // them, before mail-parser allocates a million parts.
    let boundary_lines = limits.max_parts.saturating_mul(2).max(2);
    let raw = match memchr::memmem::find_iter(raw, b"\n--").nth(boundary_lines) {
        Some(at) => {
            problems.push(Problem::LimitReached {
                limit: "parts".into(),
                value: limits.max_parts,
                path: None,
            });
            &raw[..at + 1]
        }
        None => raw,
    };
    let raw = match header_cut(raw, limits.max_header_fields) {
        Some(at) => {
            problems.push(Problem::LimitReached {
                limit: "header fields".into(),
                value: limits.max_header_fields,
                path: None,
            });
            &raw[..at]
        }
        None => raw,
    };
    let allowed = limits.max_depth.saturating_mul(2).max(1);
    let hits = nesting_hits(raw);
    if hits.len() <= allowed {
        return Cow::Borrowed(raw);
    }
    let mut owned = raw.to_vec();
    for &(at, stand_in) in &hits[allowed..] {
        owned[at..at + stand_in.len()].copy_from_slice(stand_in);
    }
    problems.push(Problem::LimitReached { limit: "nested messages".into(), value: allowed, path: None });
    Cow::Owned(owned)
}

/// Where to cut `raw` so that its header blocks hold at most `max` fields: the start of the line
/// of the first field past it, or `None`. A header block is the message's first, the one after
/// each line that starts with `--` (a delimiter, as far as can be told before parsing), and the
/// one after a block that names a `message/` type or is empty (a nested message, a digest's
/// part). Text taken for a header block by mistake only counts its `Name:` lines, so the count
/// errs high only for odd bodies, and only matters past the limit.
fn header_cut(raw: &[u8], max: usize) -> Option<usize> {
    let mut fields = 0usize;
    let mut pos = 0;
    // In a header block: whether it names a nested message type, and whether it has a line.
    let mut block: Option<(bool, bool)> = Some((false, false));
    // The line is (the continuation of) a Content-Type field: only there can a type be named.
    let mut content_type = false;
    while pos < raw.len() {
        let Some((nested, any)) = block else {
            // In a body: on to the next line that starts with `--`.
            let next = if raw[pos..].starts_with(b"--") {
                Some(pos)
            } else {
                memchr::memmem::find(&raw[pos..], b"\n--").map(|i| pos + i + 1)
            };
            let start = next?;
            pos = memchr::memchr(b'\n', &raw[start..]).map_or(raw.len(), |i| start + i + 1);
            block = Some((false, false));
            continue;
        };
        let end = memchr::memchr(b'\n', &raw[pos..]).map_or(raw.len(), |i| pos + i + 1);
        let line = &raw[pos..end];
        let text = line.strip_suffix(b"\n").unwrap_or(line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.is_empty() {
            // The block ends: a nested message's own header block may follow.
            block = (nested || !any).then_some((false, false));
            pos = end;
            continue;
        }
        if !matches!(text[0], b' ' | b'\t') {
            content_type = text.len() >= 13 && text[..13].eq_ignore_ascii_case(b"content-type:");
            if memchr::memchr(b':', text).is_some() {
                fields += 1;
                if fields > max {
                    return Some(pos);
                }
            }
        }
        let names_nested = nested
            || (content_type
                && (contains_ignore_case(text, b"message/") || contains_ignore_case(text, b"digest")));
        block = Some((names_nested, true));
        pos = end;
    }
    None
}

fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle))
}

/// Offsets of every nesting type name (ASCII case-insensitive), in order.
fn nesting_hits(raw: &[u8]) -> Vec<(usize, &'static [u8])> {
    let mut hits = Vec::new();
    // Look at each "/" and check the word around it: every name has "e/" or "t/" and then "r",
    // "g" or "d", which rules out the slashes of URLs and paths at a glance.
    for slash in memchr::memchr_iter(b'/', raw) {
        let before = slash.checked_sub(1).map_or(0, |i| raw[i] | 0x20);
        let after = raw.get(slash + 1).map_or(0, |b| b | 0x20);
        if !matches!(before, b'e' | b't') || !matches!(after, b'r' | b'g' | b'd') {
            continue;
        }
        for &(name, stand_in) in NESTING_TYPES {
            let head = name.iter().position(|&b| b == b'/').unwrap_or(0);
            if slash < head {
                continue;
            }
            let at = slash - head;
            if raw.len() >= at + name.len() && raw[at..at + name.len()].eq_ignore_ascii_case(name) {
                hits.push((at, stand_in));
                break;
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_rfc822_nesting_is_defused_beyond_the_limit() {
        let mut raw = Vec::new();
        for _ in 0..10 {
            raw.extend_from_slice(b"Content-Type: Message/RFC822\r\n\r\n");
        }
        let limits = Limits { max_depth: 2, ..Limits::default() };
        let mut problems = Vec::new();
        let out = apply(&raw, &limits, &mut problems);
        let text = String::from_utf8_lossy(&out);
        assert_eq!(text.matches("Message/RFC822").count(), 4);
        assert_eq!(text.matches("application/xx").count(), 6);
        assert_eq!(out.len(), raw.len());
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn too_many_boundaries_are_cut() {
        let mut raw = b"Content-Type: multipart/mixed; boundary=b\n\n".to_vec();
        for _ in 0..100 {
            raw.extend_from_slice(b"--b\nContent-Type: text/plain\n\nx\n");
        }
        let limits = Limits { max_parts: 10, ..Limits::default() };
        let mut problems = Vec::new();
        let out = apply(&raw, &limits, &mut problems);
        assert!(out.len() < raw.len() / 4);
        assert!(matches!(&problems[0], Problem::LimitReached { limit, .. } if limit == "parts"));
    }

    /// Issue 16, item 6: a million header fields are cut before parsing, in the top-level block,
    /// in a part's header and in a nested message's; a body with `Name:` lines is left alone.
    #[test]
    fn header_fields_are_bounded_before_parsing() {
        let limits = Limits { max_header_fields: 1000, ..Limits::default() };
        let many = b"X-A: 1\r\n".repeat(1_000_000);
        let cases: [(&[u8], &[u8]); 3] = [
            (b"Subject: x\r\n", b"\r\nbody\r\n"),
            (b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n", b"\r\nbody\r\n--b--\r\n"),
            (b"Content-Type: message/rfc822\r\n\r\n", b"\r\nbody\r\n"),
        ];
        for (head, tail) in cases {
            let raw = [head, &many, tail].concat();
            let mut problems = Vec::new();
            let out = apply(&raw, &limits, &mut problems);
            assert!(out.len() < 10_000, "{} bytes kept", out.len());
            assert!(
                matches!(&problems[..], [Problem::LimitReached { limit, .. }] if limit == "header fields"),
                "{problems:?}"
            );
        }
        let body = [&b"Subject: x\r\n\r\n"[..], &b"Note: a body line\r\n".repeat(5000)].concat();
        let mut problems = Vec::new();
        assert_eq!(apply(&body, &limits, &mut problems).len(), body.len());
        assert!(problems.is_empty());
    }

    #[test]
    fn oversized_input_is_cut() {
        let limits = Limits { max_input_bytes: 4, ..Limits::default() };
        let mut problems = Vec::new();
        assert_eq!(apply(b"abcdefgh", &limits, &mut problems).as_ref(), b"abcd");
        assert!(matches!(problems[0], Problem::LimitReached { .. }));
    }
}
