//! Extract: URLs in CSS — `url(…)` in `<style>` blocks and `style=""` attributes, and
//! `@import "…"`. Comments are skipped. CSS escapes (`u\72l(`, `url(https\:\/\/…)`), which
//! WebKit-based mail clients decode, are decoded too; CSS without a backslash — nearly all of
//! it — takes a scanner that borrows every URL from the input.

use std::borrow::Cow;

/// Every URL in `css`, with the byte offset where its text starts.
pub fn urls(css: &str) -> Vec<(usize, Cow<'_, str>)> {
    if memchr::memchr(b'\\', css.as_bytes()).is_some() {
        return escaped::urls(css);
    }
    plain(css).into_iter().map(|(at, u)| (at, Cow::Borrowed(u))).collect()
}

/// [`urls`] for CSS without escapes.
fn plain(css: &str) -> Vec<(usize, &str)> {
    let b = css.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |j| i + 2 + j + 2);
            }
            b'(' if i >= 3 && b[i - 3..i].eq_ignore_ascii_case(b"url") => {
                let (next, found) = url_body(css, i + 1);
                if let Some(f) = found {
                    out.push(f);
                }
                i = next;
            }
            b'@' if b.len() >= i + 7 && b[i + 1..i + 7].eq_ignore_ascii_case(b"import") => {
                let mut j = i + 7;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if let Some(&q @ (b'"' | b'\'')) = b.get(j) {
                    let (next, found) = quoted(css, j + 1, q);
                    if let Some(f) = found {
                        out.push(f);
                    }
                    i = next;
                } else {
                    i = j;
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// Reads the inside of `url(` starting at `start`; returns where scanning goes on.
fn url_body(css: &str, start: usize) -> (usize, Option<(usize, &str)>) {
    let b = css.as_bytes();
    let mut j = start;
    while j < b.len() && b[j].is_ascii_whitespace() {
        j += 1;
    }
    match b.get(j) {
        Some(&q @ (b'"' | b'\'')) => quoted(css, j + 1, q),
        Some(_) => {
            let end = memchr::memchr(b')', &b[j..]).map_or(b.len(), |k| j + k);
            let text = css[j..end].trim_end();
            (end, (!text.is_empty()).then_some((j, text)))
        }
        None => (j, None),
    }
}

fn quoted(css: &str, start: usize, quote: u8) -> (usize, Option<(usize, &str)>) {
    let b = css.as_bytes();
    let end = memchr::memchr2(quote, b'\n', &b[start..]).map_or(b.len(), |k| start + k);
    let raw = &css[start..end];
    let text = raw.trim();
    let lead = raw.len() - raw.trim_start().len();
    (end + 1, (!text.is_empty()).then_some((start + lead, text)))
}

/// The scanner for CSS with backslashes: identifiers and URLs are read with their escapes
/// decoded (CSS Syntax 3, "consume an escaped code point").
mod escaped {
    use std::borrow::Cow;

    fn is_space(b: u8) -> bool {
        matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
    }

    fn is_newline(b: u8) -> bool {
        matches!(b, b'\n' | b'\r' | b'\x0c')
    }

    /// The escape whose backslash is at `i` (not followed by a newline): its character and the
    /// index after it.
    fn escape(css: &str, i: usize) -> (char, usize) {
        let b = css.as_bytes();
        let j = i + 1;
        let Some(&first) = b.get(j) else { return ('\u{fffd}', j) };
        if !first.is_ascii_hexdigit() {
            let ch = css[j..].chars().next().unwrap_or('\u{fffd}');
            return (ch, j + ch.len_utf8());
        }
        let mut k = j;
        while k < b.len() && k < j + 6 && b[k].is_ascii_hexdigit() {
            k += 1;
        }
        let value = u32::from_str_radix(&css[j..k], 16).unwrap_or(0);
        let ch = char::from_u32(value).filter(|&c| c != '\0').unwrap_or('\u{fffd}');
        if b.get(k) == Some(&b'\r') && b.get(k + 1) == Some(&b'\n') {
            k += 2;
        } else if b.get(k).copied().is_some_and(is_space) {
            k += 1;
        }
        (ch, k)
    }

    /// A valid escape starts at `i`: a backslash not followed by a newline.
    fn starts_escape(b: &[u8], i: usize) -> bool {
        b.get(i) == Some(&b'\\') && !b.get(i + 1).copied().is_some_and(is_newline)
    }

    /// Appends the escape or the character at `i` to `out`; returns the index after it.
    fn take(css: &str, i: usize, out: &mut String) -> usize {
        if starts_escape(css.as_bytes(), i) {
            let (ch, next) = escape(css, i);
            out.push(ch);
            return next;
        }
        let ch = css[i..].chars().next().unwrap_or('\u{fffd}');
        out.push(ch);
        i + ch.len_utf8()
    }

    fn is_name_byte(c: u8) -> bool {
        c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c >= 0x80
    }

    /// The identifier-like run at `i`, escapes decoded, and the index after it.
    fn name(css: &str, mut i: usize) -> (String, usize) {
        let b = css.as_bytes();
        let mut out = String::new();
        while i < b.len() && (starts_escape(b, i) || is_name_byte(b[i])) {
            i = take(css, i, &mut out);
        }
        (out, i)
    }

    /// A quoted string from `start` (after the quote) to the closing `quote` or a newline.
    fn quoted(css: &str, start: usize, quote: u8) -> (usize, Option<(usize, Cow<'_, str>)>) {
        let b = css.as_bytes();
        let mut out = String::new();
        let mut i = start;
        while i < b.len() && b[i] != quote && !is_newline(b[i]) {
            // A line continuation (backslash, newline) goes; so does a backslash at the end.
            i = match (b[i], b.get(i + 1)) {
                (b'\\', Some(b'\r')) if b.get(i + 2) == Some(&b'\n') => i + 3,
                (b'\\', Some(&c)) if is_newline(c) => i + 2,
                (b'\\', None) => i + 1,
                _ => take(css, i, &mut out),
            };
        }
        (i + 1, found(start, &out))
    }

    /// The text `text` found at `start`, trimmed (the offset moves past the leading white space).
    fn found(start: usize, text: &str) -> Option<(usize, Cow<'static, str>)> {
        let trimmed = text.trim();
        let lead = text.len() - text.trim_start().len();
        (!trimmed.is_empty()).then(|| (start + lead, Cow::Owned(trimmed.to_string())))
    }

    /// The inside of `url(` from `start`.
    fn url_body(css: &str, start: usize) -> (usize, Option<(usize, Cow<'_, str>)>) {
        let b = css.as_bytes();
        let mut j = start;
        while j < b.len() && is_space(b[j]) {
            j += 1;
        }
        match b.get(j) {
            Some(&q @ (b'"' | b'\'')) => quoted(css, j + 1, q),
            Some(_) => {
                let mut out = String::new();
                let mut i = j;
                while i < b.len() && b[i] != b')' {
                    i = take(css, i, &mut out);
                }
                (i, found(j, out.trim_end()))
            }
            None => (j, None),
        }
    }

    pub(super) fn urls(css: &str) -> Vec<(usize, Cow<'_, str>)> {
        let b = css.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                i = memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |j| i + 2 + j + 2);
            } else if b[i] == b'@' {
                let (at_rule, end) = name(css, i + 1);
                i = end.max(i + 1);
                if at_rule.eq_ignore_ascii_case("import") {
                    while i < b.len() && is_space(b[i]) {
                        i += 1;
                    }
                    if let Some(&q @ (b'"' | b'\'')) = b.get(i) {
                        let (next, f) = quoted(css, i + 1, q);
                        out.extend(f);
                        i = next;
                    }
                }
            } else if is_name_byte(b[i]) || starts_escape(b, i) {
                let (function, end) = name(css, i);
                let fb = function.as_bytes();
                if b.get(end) == Some(&b'(')
                    && fb.len() >= 3
                    && fb[fb.len() - 3..].eq_ignore_ascii_case(b"url")
                {
                    let (next, f) = url_body(css, end + 1);
                    out.extend(f);
                    i = next;
                } else {
                    i = end;
                }
            } else {
                i += 1;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::urls;

    fn found(css: &str) -> Vec<String> {
        urls(css).into_iter().map(|(_, u)| u.into_owned()).collect()
    }

    #[test]
    fn every_url_form() {
        let css = ".a{background-image:url(https://x.example/a.jpg)}\
                   .b{background:#fff URL( 'https://x.example/b.png' ) no-repeat}\
                   .c{background:url(\"https://x.example/c.png\")}\
                   /* url(https://x.example/commented.png) */\
                   @import \"https://x.example/d.css\"; @import url(https://x.example/e.css);";
        assert_eq!(
            found(css),
            [
                "https://x.example/a.jpg",
                "https://x.example/b.png",
                "https://x.example/c.png",
                "https://x.example/d.css",
                "https://x.example/e.css"
            ]
        );
    }

    #[test]
    fn offsets_point_at_the_url() {
        let css = "x{background:url( 'https://x.example/b.png')}";
        let (at, u) = &urls(css)[0];
        assert_eq!(&css[*at..*at + u.len()], u);
    }

    #[test]
    fn escapes_are_decoded() {
        let css = r#".a{background:u\72l(https://x.example/a.png)}
.b{background:\75 \72 \6c (https\:\/\/x.example\/b.png)}
.c{background:URL("https://x.example/c\"d.png")}
.d{background:url('https://x.exa\
mple/d.png')}
@\69mport "https://x.example/e.css";
/* u\72l(https://x.example/comment.png) */
.f{content:"\\"}"#;
        assert_eq!(
            found(css),
            [
                "https://x.example/a.png",
                "https://x.example/b.png",
                "https://x.example/c\"d.png",
                "https://x.example/d.png",
                "https://x.example/e.css",
            ]
        );
        // The offset still points into the source: at the URL's first character.
        let (at, _) = &urls(css)[0];
        assert!(css[*at..].starts_with("https://x.example/a.png"));
    }

    #[test]
    fn both_scanners_agree_without_escapes() {
        let css = ".a{background-image:url(https://x.example/a.jpg)} .b{background:URL( 'https://x.example/b.png' )}\
                   /* url(https://x.example/c.png) */ @import \"https://x.example/d.css\"; .e{background:xurl(https://x.example/e)}";
        let plain = found(css);
        let with_escape = found(&format!("{css} .z{{content:'\\'}}"));
        assert_eq!(plain, with_escape);
    }

    #[test]
    fn unterminated_input_does_not_panic() {
        for css in ["url(", "url('abc", "@import", "@import '", "/*", "url(  "] {
            let _ = urls(css);
            let _ = urls(&format!("{css}\\"));
            let _ = urls(&format!("\\{css}\\1"));
        }
        for css in ["\\", "u\\", "url(\\", "url('\\", "\\110000(", "\\d800", "\\0", "@\\"] {
            let _ = urls(css);
        }
    }
}
