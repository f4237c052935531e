//! Classify: the user's expected tracking domain(s) (`--expect`, repeatable, case-insensitive;
//! `*.example.com` matches every subdomain).

/// Does `host` (lower-case) match one of `expected`?
pub fn matches(expected: &[String], host: &str) -> Option<usize> {
    expected.iter().position(|e| match e.strip_prefix("*.") {
        Some(base) => host.len() > base.len() && crate::unwrap::host_within(host, base),
        None => e == host,
    })
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
