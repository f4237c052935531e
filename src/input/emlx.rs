//! Input: Apple Mail `.emlx` — a decimal byte count on the first line, the message, then an
//! XML property list. Only the message is kept.

/// The message inside an `.emlx`, when `bytes` has that layout.
pub(super) fn unwrap(bytes: &[u8]) -> Option<&[u8]> {
    let nl = memchr::memchr(b'\n', bytes)?;
    let first = bytes[..nl].strip_suffix(b"\r").unwrap_or(&bytes[..nl]);
    let first = first.trim_ascii();
    if first.is_empty() || first.len() > 12 || !first.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let count: usize = std::str::from_utf8(first).ok()?.parse().ok()?;
    let rest = &bytes[nl + 1..];
    Some(&rest[..count.min(rest.len())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_line_and_plist_are_dropped() {
        let msg = b"Subject: x\n\nhi\n";
        let mut emlx = format!("{}\n", msg.len()).into_bytes();
        emlx.extend_from_slice(msg);
        emlx.extend_from_slice(b"<?xml version=\"1.0\"?><plist/>");
        assert_eq!(unwrap(&emlx), Some(&msg[..]));
    }

    #[test]
    fn a_header_line_is_not_a_count() {
        assert_eq!(unwrap(b"Subject: 12\n\n"), None);
    }
}
