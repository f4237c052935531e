//! Unwrap: the facts of a web URL (host, `/path?query`, scheme) — read directly for the plain
//! URLs that make up almost every link of a mail, and through the url crate for the rest.
//!
//! URL parsing was the largest cost of unwrapping (about half of it, measured). The fast path
//! accepts only what the WHATWG parser would return unchanged apart from lower-casing the host:
//! `http(s)://` + an ASCII host of letters, digits, dots and hyphens (no port, no user info, no
//! `xn--` label, no IPv4-looking last label) + a path and query of printable ASCII that needs no
//! percent-encoding and has no dot segment. Everything else goes to the url crate, and a test
//! checks that both paths agree on every URL it tries.

use url::Url;

use super::UrlFacts;
use crate::text::codec::{self, starts_with_ignore_case};

/// Facts of an absolute http(s) URL; `None` for anything else or a URL that does not parse.
pub fn facts(s: &str) -> Option<UrlFacts> {
    facts_and_split(s).map(|(facts, _)| facts)
}

/// Where the raw path and query of a URL are, as [`codec::raw_path`] and [`codec::raw_query`]
/// would find them: the fast path knows, so the unwrapping does not search the URL again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawSplit {
    pub path: (usize, usize),
    pub query: Option<(usize, usize)>,
}

impl RawSplit {
    /// The raw path and query of `s`, searched for.
    pub fn search(s: &str) -> (&str, Option<&str>) {
        (codec::raw_path(s), codec::raw_query(s))
    }

    /// The raw path and query of `s`: from the split when there is one, else searched for.
    pub fn apply(split: Option<RawSplit>, s: &str) -> (&str, Option<&str>) {
        match split {
            Some(RawSplit { path, query }) => (&s[path.0..path.1], query.map(|(a, b)| &s[a..b])),
            None => RawSplit::search(s),
        }
    }
}

/// [`facts`], with the raw split when the fast path read the URL and its path starts right after
/// the host (with no path, `raw_path` looks for a `/` further on; that is left to it).
pub(crate) fn facts_and_split(s: &str) -> Option<(UrlFacts, Option<RawSplit>)> {
    if !codec::is_web_url(s) {
        return None;
    }
    match fast(s) {
        Some(found) => Some(found),
        None => Url::parse(s).ok().map(|u| (UrlFacts::of(&u), None)),
    }
}

/// What a reader says of a URL, for comparing the two: host, `/path?query`, insecure, and the
/// raw path and query.
pub type UrlView = (Option<String>, String, bool, (String, Option<String>));

/// The fast path's view of `s` and the url crate's, when the fast path reads `s` (`None` when it
/// leaves `s` to the url crate). The two must always be equal: the `web_fast_path` fuzz target
/// and the tests below hold them to it.
pub fn both_ways(s: &str) -> Option<[UrlView; 2]> {
    let (fast_facts, split) = fast(s)?;
    let view = |f: &UrlFacts, (path, query): (&str, Option<&str>)| {
        (
            f.host(s).map(str::to_string),
            f.path_query(s).to_string(),
            f.insecure,
            (path.to_string(), query.map(str::to_string)),
        )
    };
    let slow = match Url::parse(s).ok().map(|u| UrlFacts::of(&u)) {
        Some(f) => view(&f, RawSplit::search(s)),
        // The fast path took a URL the url crate refuses: a disagreement the caller must see.
        None => (None, String::from("<the url crate refuses it>"), false, (String::new(), None)),
    };
    Some([view(&fast_facts, RawSplit::apply(split, s)), slow])
}

/// The fast path: `None` means "ask the url crate", never "not a URL". One pass over the bytes.
fn fast(s: &str) -> Option<(UrlFacts, Option<RawSplit>)> {
    let (insecure, at) = if starts_with_ignore_case(s, "https://") {
        (false, 8)
    } else if starts_with_ignore_case(s, "http://") {
        (true, 7)
    } else {
        return None;
    };
    let b = s.as_bytes();
    // The host: labels of letters, digits and hyphens, none empty, longer than 63 or `xn--`, the
    // last one not starting with a digit (it could be read as an IPv4 address).
    let mut i = at;
    let mut label_start = at;
    let host_end = loop {
        match b.get(i) {
            None | Some(b'/' | b'?' | b'#') => break i,
            Some(b'.') => {
                if !label_ok(&b[label_start..i]) {
                    return None;
                }
                label_start = i + 1;
            }
            Some(c) if c.is_ascii_alphanumeric() || *c == b'-' => {}
            // `\\`, `:`, `@`, `%`, `_`, spaces, non-ASCII …: slow path.
            Some(_) => return None,
        }
        i += 1;
    };
    let labels = if label_start == host_end && host_end > at && b[host_end - 1] == b'.' {
        &s[at..host_end - 1] // one trailing dot is dropped
    } else {
        if !label_ok(&b[label_start..host_end]) {
            return None;
        }
        &s[at..host_end]
    };
    let last = labels.rsplit('.').next().unwrap_or(labels);
    if labels.is_empty() || last.as_bytes().first().is_none_or(u8::is_ascii_digit) {
        return None;
    }
    // Path, query and fragment: printable ASCII that needs no percent-encoding; no dot segment.
    // One table lookup per byte: nearly every byte is ordinary.
    let mut query_at = None;
    let mut fragment_at = None;
    let mut j = host_end;
    while j < b.len() {
        match PATH[b[j] as usize] {
            ORDINARY => {}
            // Spaces and controls are stripped or trimmed by the parser; the rest is encoded.
            REJECT => return None,
            HASH => {
                fragment_at = Some(j);
                break;
            }
            QUESTION => {
                query_at.get_or_insert(j);
            }
            DOT if query_at.is_none() && b[j - 1] == b'/' => return None,
            PERCENT
                if query_at.is_none()
                    && b.get(j + 1) == Some(&b'2')
                    && matches!(b.get(j + 2), Some(b'e' | b'E')) =>
            {
                return None;
            }
            _ => {}
        }
        j += 1;
    }
    // The fragment only has to be printable.
    if b.get(j..).unwrap_or_default().iter().any(|c| !(0x21..=0x7e).contains(c)) {
        return None;
    }
    let end = fragment_at.unwrap_or(b.len());
    // `raw_query` takes the first `?` anywhere, even inside a fragment: leave that case to it.
    let plain = b.get(host_end) == Some(&b'/') && (query_at.is_some() || fragment_at.is_none());
    let split = plain.then(|| RawSplit {
        path: (host_end, query_at.or(fragment_at).unwrap_or(b.len())),
        query: query_at.map(|q| (q + 1, end)),
    });
    Some((UrlFacts::at(s, at..at + labels.len(), host_end..end, insecure), split))
}

/// Byte classes of the path and query for the fast path.
const ORDINARY: u8 = 0;
const REJECT: u8 = 1;
const HASH: u8 = 2;
const QUESTION: u8 = 3;
const DOT: u8 = 4;
const PERCENT: u8 = 5;

static PATH: [u8; 256] = {
    let mut t = [REJECT; 256];
    let mut c = 0x21;
    while c <= 0x7e {
        t[c] = match c as u8 {
            b'"' | b'<' | b'>' | b'`' | b'{' | b'}' | b'\\' | b'\'' | b'^' | b'|' => REJECT,
            b'#' => HASH,
            b'?' => QUESTION,
            b'.' => DOT,
            b'%' => PERCENT,
            _ => ORDINARY,
        };
        c += 1;
    }
    t
};

/// A host label the fast path takes: 1–63 letters, digits and hyphens, not an IDNA `xn--` label.
fn label_ok(label: &[u8]) -> bool {
    !label.is_empty() && label.len() <= 63 && !label.get(..4).is_some_and(|p| p.eq_ignore_ascii_case(b"xn--"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the facts say of `url`: host, `/path?query`, insecure.
    type View = Option<(Option<String>, String, bool)>;

    fn view(f: Option<UrlFacts>, url: &str) -> View {
        f.map(|f| (f.host(url).map(str::to_string), f.path_query(url).to_string(), f.insecure))
    }

    fn slow(s: &str) -> View {
        view(Url::parse(s).ok().map(|u| UrlFacts::of(&u)), s)
    }

    #[test]
    fn fast_path_agrees_with_the_url_crate() {
        let cases = [
            "https://u1.ct.sendgrid.net/ls/click?upn=abc-123_x%2Fy",
            "HTTP://Shop.Example.COM",
            "https://shop.example.com?x=1",
            "https://shop.example.com.#frag ment",
            "https://shop.example.com/a/./b",
            "https://shop.example.com/a/%2E%2e/b",
            "https://shop.example.com/a b",
            "https://shop.example.com/{x}",
            "https://shop.example.com/q?a='b'",
            "https://xn--bcher-kva.example/",
            "https://192.168.0.1/",
            "https://0x7f.1/",
            "https://user@shop.example.com/",
            "https://shop.example.com:443/",
            "https://shop.example.com:8080/x",
            "https://shop..example.com/",
            "https://-shop.example.com/",
            "https://shop.example.com\\x",
            "https://shop_x.example.com/",
            "https://ex.com/a|b^c",
            "https://ex.com/%7Bx%7D?q=%20#f",
            "https://ex.com/path;params?q",
            "https://ex.com//double//slash",
            "https://ex.com/?",
            "https://ex.com/#",
            "https://1a.example/",
            "https://example.1a/",
            "https://ex.com/p#frag?not=query",
            "https://ex.com/p?q=1#frag?more",
            "https://ex.com?u=https://other.example/x",
            "https://ex.com#f/g?h",
        ];
        for c in cases {
            if let Some((f, split)) = fast(c) {
                assert_eq!(view(Some(f), c), slow(c), "{c}");
                assert_eq!(RawSplit::apply(split, c), RawSplit::search(c), "{c}");
            }
            assert_eq!(view(facts(c), c), slow(c), "{c}");
            if let Some([a, b]) = both_ways(c) {
                assert_eq!(a, b, "{c}");
            }
        }
        assert!(fast("https://u1.ct.sendgrid.net/ls/click?upn=abc").is_some());
        assert!(fast("HTTP://Shop.Example.COM").is_some());
    }

    proptest! {
        #[test]
        fn fast_path_never_disagrees(
            scheme in "(?i)https?://",
            host in "[a-zA-Z0-9._-]{0,20}",
            port in "(:[0-9]{1,5})?",
            rest in "[ -~]{0,40}",
        ) {
            let url = format!("{scheme}{host}{port}{rest}");
            if let Some((f, split)) = fast(&url) {
                prop_assert_eq!(view(Some(f), &url), slow(&url), "{}", url);
                prop_assert_eq!(RawSplit::apply(split, &url), RawSplit::search(&url), "{}", url);
            }
        }
    }
}
