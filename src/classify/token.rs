//! Classify: what a tracking URL looks like, whoever runs it — an opaque token in the path or a
//! query value (`/c/AbC123xYz789`, `?upn=…`, `/ss/c/u001.8DcGZZ…`), short code segments around
//! it, or a destination URL embedded in the path. Used to recognise tracking on a vendor's own
//! website domain and, with message-wide evidence, trackers the catalog does not know
//! (`unknown-tracker`).
//!
//! Words are not tokens: `summer-sale-2024`, `how-to-write-a-subject-line-1a2b3c` are slugs,
//! `AB12345` is a short code, `products` is a word.

/// File extensions a tracking token may carry (`/o/AbC123.gif`).
const EXTENSIONS: [&str; 10] = ["gif", "png", "jpg", "jpeg", "webp", "php", "aspx", "asp", "html", "htm"];

/// Path segments that tracking URLs use around their tokens.
const TRACKING_WORDS: [&str; 42] = [
    "click",
    "clicks",
    "track",
    "tracking",
    "trk",
    "link",
    "links",
    "redirect",
    "open",
    "opens",
    "ls",
    "wf",
    "mk",
    "tr",
    "ct",
    "cl",
    "go",
    "url",
    "pixel",
    "px",
    "ss",
    "mpss",
    "lt",
    "ltrack",
    "ptrack",
    "unsub",
    "unsubscribe",
    "optout",
    "view",
    "out",
    "clk",
    "rd",
    "red",
    "pub",
    "mail",
    "email",
    "em",
    "api",
    "proc.php",
    "click.php",
    "open.php",
    "r.php",
];

/// Is `s` (a path segment, or a query value when `query`) an opaque token: 10+ characters of
/// mixed letters and digits that are not words?
pub fn is_token(s: &str, query: bool) -> bool {
    let mut s = s;
    if let Some(i) = s.rfind('.') {
        if i > 0 && EXTENSIONS.iter().any(|e| s[i + 1..].eq_ignore_ascii_case(e)) {
            s = &s[..i];
        }
    }
    let s = s.trim_end_matches(['~', '=']);
    let allowed = |b: u8| {
        b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'_' | b'=' | b'.' | b'~' | b'%' | b'+')
            || (query && b == b'/')
    };
    if s.len() < 10 || !s.bytes().all(allowed) {
        return false;
    }
    let (mut digits, mut upper, mut lower, mut flips) = (0usize, 0usize, 0usize, 0usize);
    let mut last_alpha: Option<bool> = None;
    for b in s.bytes() {
        if b.is_ascii_digit() {
            digits += 1;
        } else if b.is_ascii_alphabetic() {
            let up = b.is_ascii_uppercase();
            if up {
                upper += 1;
            } else {
                lower += 1;
            }
            if last_alpha.is_some_and(|l| l != up) {
                flips += 1;
            }
            last_alpha = Some(up);
            continue;
        }
        last_alpha = None;
    }
    if upper + lower < 2 {
        return false;
    }
    // Separated parts: a slug (words, or words and numbers) is not a token.
    let parts = || s.split(['-', '_', '.', '~']);
    if s.bytes().any(|b| matches!(b, b'-' | b'_' | b'.' | b'~')) {
        let word = |p: &str| {
            p.len() >= 3
                && p.bytes().all(|b| b.is_ascii_alphabetic())
                && (p.bytes().all(|b| b.is_ascii_lowercase())
                    || p.bytes().skip(1).all(|b| b.is_ascii_lowercase()))
        };
        let words: usize = parts().filter(|p| word(p)).map(str::len).sum();
        if words * 2 >= s.len() {
            return false;
        }
        let plain =
            |p: &str| p.bytes().all(|b| b.is_ascii_alphabetic()) || p.bytes().all(|b| b.is_ascii_digit());
        if parts().all(plain) {
            return false;
        }
    }
    if digits >= 2 {
        (upper > 0 && lower > 0) || s.len() >= 16
    } else {
        s.len() >= 16 && upper >= 2 && lower >= 2 && flips >= 4
    }
}

/// A path segment that is a destination (`https:%2F%2F…`, `www.shop.example`) rather than a
/// name: redirectors put the target in the path.
fn embedded_url(s: &str) -> bool {
    let starts = |p: &str| s.len() >= p.len() && s[..p.len()].eq_ignore_ascii_case(p);
    starts("http:") || starts("https:") || starts("http%3a") || starts("https%3a") || contains_pct_slash(s)
}

fn contains_pct_slash(s: &str) -> bool {
    s.as_bytes().windows(3).any(|w| w[0] == b'%' && w[1] == b'2' && (w[2] == b'F' || w[2] == b'f'))
}

/// A segment that is a host name (`www.shop.example`): letters, digits and hyphens in two or
/// more dot-separated labels, the last alphabetic.
fn host_like(s: &str) -> bool {
    let mut labels = s.split('.');
    let Some(last) = s.rsplit('.').next() else { return false };
    s.contains('.')
        && last.len() >= 2
        && last.bytes().all(|b| b.is_ascii_alphabetic())
        && labels.all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

/// A non-token segment a tracking URL may have: short, a number, a tracking word, an embedded
/// destination, or a code (up to 10 characters with a digit or an inner capital).
fn tracking_segment(s: &str) -> bool {
    if s.len() <= 3 || s.bytes().all(|b| b.is_ascii_digit()) || embedded_url(s) || host_like(s) {
        return true;
    }
    if TRACKING_WORDS.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        return true;
    }
    let core = s.trim_end_matches(['~', '=']);
    core.len() <= 10
        && core.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'~' | b'.'))
        && (core.bytes().any(|b| b.is_ascii_digit()) || core.bytes().skip(1).any(|b| b.is_ascii_uppercase()))
}

/// Query values of `query` (`a=1&b=2`), percent-decoded where that is cheap to do.
fn query_values(query: &str) -> impl Iterator<Item = String> + '_ {
    query.split('&').filter_map(|pair| pair.split_once('=').map(|(_, v)| crate::text::codec::pct(v)))
}

/// Does `path_query` (`/path?query`) carry a tracking token: an opaque path segment, a long
/// opaque query value, or a destination embedded in the path?
pub fn has_token(path_query: &str) -> bool {
    let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
    path.split('/').any(|s| is_token(s, false) || (embedded_url(s) && !host_like(s)))
        || query_values(query).any(|v| v.len() >= 16 && is_token(&v, true))
}

/// Is `path_query` shaped like a tracking URL: a token, and around it nothing but short
/// codes, numbers, tracking words and embedded destinations (no readable page path)?
pub fn tracker_shaped(path_query: &str) -> bool {
    let path = path_query.split_once('?').map_or(path_query, |(p, _)| p);
    if !has_token(path_query) {
        return false;
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    segments.len() <= 10 && segments.iter().all(|s| is_token(s, false) || tracking_segment(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("AbC123xYz789", true)]
    #[case("AbC123xYz789.gif", true)]
    #[case("5f2a9c1e77b04a1e", true)]
    #[case("3f2a9c1e-4b5d-11ec-8d3d-0242ac130003", true)]
    #[case("eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiJkZXRvdXIi", true)]
    #[case("98F1BmbNWDmWCI0mI2VG1A~~", true)]
    #[case("A7rvnXrdnfdEzwIHfDzsdg", true)]
    #[case("summer-sale-2024", false)]
    #[case("how-to-write-a-subject-line-1a2b3c", false)]
    #[case("SKU12345AB", false)]
    #[case("product123", false)]
    #[case("2024-05-15", false)]
    #[case("abc", false)]
    #[case("ThisIsMyPage", false)]
    #[case("newsletter", false)]
    #[case("foo@example.com", false)]
    fn tokens(#[case] s: &str, #[case] want: bool) {
        assert_eq!(is_token(s, false), want, "{s}");
    }

    #[rstest]
    #[case("/c/AbC123xYz789?u=1", true)]
    #[case("/o/AbC123xYz789.gif", true)]
    #[case("/ls/click?upn=u001.AbCdEfGh12345678ZyXw", true)]
    #[case("/ss/c/u001.8DcGZZ2XwDQvrt8EGoGfEG/4p6/8Jzx4iR5QHGHrz1CCtZuQQ/h2/h001.3e2X", true)]
    #[case("/f/a/98F1BmbNWDmWCI0mI2VG1A~~/AABVuxA~/cvtgrXu4jw-4ojk_MPUaklnW988o", true)]
    #[case("/L0/https:%2F%2Fshop.example%2Fa/1/0100018b69130900-ec71f0a1", true)]
    #[case("/products/AbC123xYz789", false)]
    #[case("/blog/how-to-write-a-subject-line", false)]
    #[case(
        "/pub/scm/linux/kernel/git/torvalds/linux.git/commit/?id=be7d12662e23a13e6cf10cf1fa5e7eb109738e7d",
        false
    )]
    #[case("/watch?v=dQw4w9WgXcQ", false)]
    #[case("/", false)]
    #[case("/fwlink/?linkid=2152005&clcid=0x40c", false)]
    fn shaped(#[case] pq: &str, #[case] want: bool) {
        assert_eq!(tracker_shaped(pq), want, "{pq}");
    }
}
