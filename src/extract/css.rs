//! Extract: URLs in CSS — `url(…)` in `<style>` blocks and `style=""` attributes, and
//! `@import "…"`. Comments are skipped.

/// Every URL in `css`, with the byte offset where its text starts.
pub fn urls(css: &str) -> Vec<(usize, &str)> {
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

#[cfg(test)]
mod tests {
    use super::urls;

    fn found(css: &str) -> Vec<&str> {
        urls(css).into_iter().map(|(_, u)| u).collect()
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
        let (at, u) = urls(css)[0];
        assert_eq!(&css[at..at + u.len()], u);
    }

    #[test]
    fn unterminated_input_does_not_panic() {
        for css in ["url(", "url('abc", "@import", "@import '", "/*", "url(  "] {
            let _ = urls(css);
        }
    }
}
