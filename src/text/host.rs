//! Text: host-name comparisons every stage needs — "is this host that domain or under it", and
//! the host lists users write (`track.example.com`, `*.example.com`).

/// True when `host` is `domain` or a subdomain of it.
pub fn within(host: &str, domain: &str) -> bool {
    host == domain
        || (host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

/// Position of the first entry of `list` that `host` (lower-case) matches: an exact host, or
/// `*.base` for every subdomain of `base` (not `base` itself).
pub fn position_in(list: &[String], host: &str) -> Option<usize> {
    list.iter().position(|e| match e.strip_prefix("*.") {
        Some(base) => host.len() > base.len() && within(host, base),
        None => e == host,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_cases() {
        for (host, domain, want) in [
            ("example.com", "example.com", true),
            ("a.example.com", "example.com", true),
            ("aexample.com", "example.com", false),
            ("example.com", "a.example.com", false),
            ("", "example.com", false),
        ] {
            assert_eq!(within(host, domain), want, "{host} within {domain}");
        }
    }

    #[test]
    fn exact_and_wildcard() {
        let e = vec!["track.example.com".to_string(), "*.links.example.net".to_string()];
        assert_eq!(position_in(&e, "track.example.com"), Some(0));
        assert_eq!(position_in(&e, "a.links.example.net"), Some(1));
        assert_eq!(position_in(&e, "links.example.net"), None);
        assert_eq!(position_in(&e, "xtrack.example.com"), None);
    }
}
