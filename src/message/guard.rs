//! Message: limits applied to the raw bytes before parsing — input size, number of boundary
//! lines (parts), and nested messages.
//!
//! mail-parser 0.11 parses nesting iteratively but drops nested `message/rfc822` values
//! recursively, so tens of thousands of levels overflow the stack. Before parsing, every
//! `message/rfc822`, `message/global` and `multipart/digest` beyond the allowed count is
//! rewritten in place to a same-length opaque type, which keeps the rest of the message intact.

use std::borrow::Cow;

use super::Problem;
use crate::options::Limits;

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

    #[test]
    fn oversized_input_is_cut() {
        let limits = Limits { max_input_bytes: 4, ..Limits::default() };
        let mut problems = Vec::new();
        assert_eq!(apply(b"abcdefgh", &limits, &mut problems).as_ref(), b"abcd");
        assert!(matches!(problems[0], Problem::LimitReached { .. }));
    }
}
