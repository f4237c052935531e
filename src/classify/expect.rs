//! Classify: the user's expected tracking domain(s) (`--expect`, repeatable, case-insensitive;
//! `*.example.com` matches every subdomain).

/// Does `host` (lower-case) match one of `expected`? The position of the entry it matches.
pub fn matches(expected: &[String], host: &str) -> Option<usize> {
    crate::text::host::position_in(expected, host)
}

pub use super::domain::{is_apex, registrable};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_wildcard() {
        let e = vec!["track.example.com".to_string(), "*.links.example.net".to_string()];
        assert_eq!(matches(&e, "track.example.com"), Some(0));
        assert_eq!(matches(&e, "a.links.example.net"), Some(1));
        assert_eq!(matches(&e, "links.example.net"), None);
        assert_eq!(matches(&e, "xtrack.example.com"), None);
    }
}
