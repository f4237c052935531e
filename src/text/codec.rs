//! Text: the small decoding helpers every stage shares — raw query access (never
//! `query_pairs()`, which turns `+` into a space), percent-decoding, lenient base64.

use std::borrow::Cow;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use percent_encoding::percent_decode_str;

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// The raw query of a URL string (between the first `?` and the `#`), undecoded.
pub fn raw_query(url: &str) -> Option<&str> {
    let b = url.as_bytes();
    let q = memchr::memchr(b'?', b)? + 1;
    let end = memchr::memchr(b'#', &b[q..]).map_or(url.len(), |i| q + i);
    Some(&url[q..end])
}

/// The raw path of a URL string (after the authority, before `?` or `#`).
pub fn raw_path(url: &str) -> &str {
    let after_scheme = if starts_with_ignore_case(url, "https://") {
        8
    } else if starts_with_ignore_case(url, "http://") {
        7
    } else {
        memchr::memmem::find(url.as_bytes(), b"://").map_or(0, |i| i + 3)
    };
    let rest = &url.as_bytes()[after_scheme..];
    let Some(slash) = memchr::memchr(b'/', rest) else { return "" };
    let path = &rest[slash..];
    let end = memchr::memchr2(b'?', b'#', path).unwrap_or(path.len());
    &url[after_scheme + slash..after_scheme + slash + end]
}

/// The raw value of the first query parameter `name` (exact, case-sensitive), undecoded.
pub fn param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then_some(v)
    })
}

/// Percent-decodes once (UTF-8, invalid sequences replaced); `+` is left alone.
pub fn pct(s: &str) -> String {
    match percent_decode_str(s).decode_utf8_lossy() {
        Cow::Borrowed(b) => b.to_string(),
        Cow::Owned(o) => o,
    }
}

/// Base64 in either alphabet, with or without padding, whitespace ignored.
pub fn b64(s: &str) -> Option<Vec<u8>> {
    let s = s.trim().trim_end_matches('=');
    if s.is_empty() {
        return None;
    }
    if s.contains(['-', '_']) {
        URL_SAFE.decode(s).ok()
    } else {
        STANDARD.decode(s).ok().or_else(|| URL_SAFE.decode(s).ok())
    }
}

/// Base64 that must decode to UTF-8 text.
pub fn b64_text(s: &str) -> Option<String> {
    String::from_utf8(b64(s)?).ok()
}

/// True for an absolute `http://` or `https://` URL (case-insensitive scheme).
pub fn is_web_url(s: &str) -> bool {
    starts_with_ignore_case(s, "http://") || starts_with_ignore_case(s, "https://")
}

/// `haystack` contains `needle` in any ASCII case. Allocation-free, for per-link checks.
pub fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else { return true };
    let Some(last_start) = h.len().checked_sub(n.len()) else { return false };
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    let mut from = 0;
    // Jump between candidates for the first byte (memchr), then compare the rest.
    while let Some(i) = memchr::memchr2(lower, upper, &h[from..=last_start]) {
        let at = from + i;
        if h[at + 1..at + n.len()].eq_ignore_ascii_case(rest) {
            return true;
        }
        from = at + 1;
        if from > last_start {
            break;
        }
    }
    false
}

/// `s` starts with `prefix` in any ASCII case. Allocation-free: it runs several times per link.
pub fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.as_bytes().get(..prefix.len()).is_some_and(|h| h.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Percent-decodes until the value is an absolute web URL (for double-encoded redirects), at
/// most three times. `None` when it never becomes one.
pub fn decode_to_web_url(raw: &str) -> Option<String> {
    let mut value = raw.to_string();
    for _ in 0..3 {
        if is_web_url(&value) {
            return Some(value);
        }
        let lower = value.get(..10).unwrap_or(&value).to_ascii_lowercase();
        if !(lower.starts_with("http%3a")
            || lower.starts_with("https%3a")
            || lower.starts_with("http%253a")
            || lower.starts_with("https%253a"))
        {
            return None;
        }
        value = pct(&value);
    }
    is_web_url(&value).then_some(value)
}

/// A JSON string field of a decoded payload.
pub fn json_str(json: &str, key: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    v.get(key)?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("HTTPS://x.example", "https://", true)]
    #[case("mailTo:a@example.com", "mailto:", true)]
    #[case("http", "http://", false)]
    #[case("é://", "e://", false)]
    fn prefix_in_any_case(#[case] s: &str, #[case] prefix: &str, #[case] want: bool) {
        assert_eq!(starts_with_ignore_case(s, prefix), want);
    }

    #[rstest]
    #[case("/Lists/UnSubscribe?id=1", "unsubscribe", true)]
    #[case("background:URL(x)", "url", true)]
    #[case("/sub", "unsubscribe", false)]
    #[case("", "", true)]
    fn contains_in_any_case(#[case] s: &str, #[case] needle: &str, #[case] want: bool) {
        assert_eq!(contains_ignore_case(s, needle), want);
    }

    #[test]
    fn raw_parts() {
        let u = "https://x.example/a/b?url=https%3A%2F%2Fy&x=1#frag?no";
        assert_eq!(raw_query(u), Some("url=https%3A%2F%2Fy&x=1"));
        assert_eq!(raw_path(u), "/a/b");
        assert_eq!(param("a=1&url=x+y&b", "url"), Some("x+y"));
        assert_eq!(param("a=1", "url"), None);
    }

    #[rstest]
    #[case("aHR0cHM6Ly9mbmYuZGV2LzRrUmI3Ym0=", "https://fnf.dev/4kRb7bm")]
    #[case("aHR0cHM6Ly9mbmYuZGV2LzRrUmI3Ym0", "https://fnf.dev/4kRb7bm")]
    #[case("aHR0cHM6Ly9saWJlcnR5aW5vdXJsaWZldGltZS5vcmcv", "https://libertyinourlifetime.org/")]
    fn base64_any_alphabet_any_padding(#[case] enc: &str, #[case] want: &str) {
        assert_eq!(b64_text(enc).as_deref(), Some(want));
    }

    #[rstest]
    #[case("https://x.example/", Some("https://x.example/"))]
    #[case("https%3A%2F%2Fx.example%2F", Some("https://x.example/"))]
    #[case("https%253A%252F%252Fx.example%252Fa%253Fb%253D1", Some("https://x.example/a?b=1"))]
    #[case("abc", None)]
    #[case("%2Fpath", None)]
    fn redirect_values(#[case] raw: &str, #[case] want: Option<&str>) {
        assert_eq!(decode_to_web_url(raw).as_deref(), want);
    }
}
