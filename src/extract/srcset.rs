//! Extract: the candidate URLs of a `srcset` attribute (`a.jpg 1x, b.jpg 2x`).
//!
//! Follows the HTML parsing algorithm: a URL runs to the next whitespace; trailing commas end the
//! candidate; descriptors run to the next comma outside parentheses. So `a.jpg 1x,b.jpg 2x` is
//! two candidates and `a.jpg,b.jpg` one URL, as in browsers.

/// Candidate URLs with their byte offsets in `srcset`.
pub fn candidates(srcset: &str) -> Vec<(usize, &str)> {
    let b = srcset.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b',') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut end = i;
        let ended_by_comma = b[start..end].ends_with(b",");
        while end > start && b[end - 1] == b',' {
            end -= 1;
        }
        if end > start {
            out.push((start, &srcset[start..end]));
        }
        if !ended_by_comma {
            // Skip descriptors up to the next comma outside parentheses.
            let mut depth = 0u32;
            while i < b.len() {
                match b[i] {
                    b'(' => depth += 1,
                    b')' => depth = depth.saturating_sub(1),
                    b',' if depth == 0 => break,
                    _ => {}
                }
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::candidates;
    use rstest::rstest;

    #[rstest]
    #[case("https://x.example/a.jpg 1x, https://x.example/b.jpg 2x", &["https://x.example/a.jpg", "https://x.example/b.jpg"])]
    #[case("a.jpg,b.jpg", &["a.jpg,b.jpg"])]
    #[case("a.jpg 1x,b.jpg 2x", &["a.jpg", "b.jpg"])]
    #[case("a.jpg 480w (foo, bar), b.jpg 800w", &["a.jpg", "b.jpg"])]
    #[case("  https://x.example/c,d.jpg 1x  ", &["https://x.example/c,d.jpg"])]
    #[case("", &[])]
    #[case(",,, ,", &[])]
    fn candidates_are_found(#[case] srcset: &str, #[case] want: &[&str]) {
        let got: Vec<&str> = candidates(srcset).into_iter().map(|(_, u)| u).collect();
        assert_eq!(got, want);
    }
}
