//! Classify: domain facts — the organisational (registrable) domain of a host by the Public
//! Suffix List's ICANN section, as DMARC alignment uses it, and whether a host is an apex.

/// True when `host` is a registrable domain (an apex such as `example.com`), per the Public
/// Suffix List's ICANN section; IP addresses and unknown suffixes are not.
pub fn is_apex(host: &str) -> bool {
    let host = host.trim_start_matches("*.");
    if host.parse::<std::net::IpAddr>().is_ok() {
        return false;
    }
    registrable(host).is_some_and(|d| d == host)
}

/// The organisational (registrable) domain of `host`, ICANN rules only.
pub fn registrable(host: &str) -> Option<&str> {
    let host = host.trim_end_matches('.');
    if host.parse::<std::net::IpAddr>().is_ok() {
        return None;
    }
    let suffix = psl::suffix(host.as_bytes())?;
    if !suffix.is_known() {
        return None;
    }
    let domain = psl::domain(host.as_bytes())?;
    // Private-section suffixes (github.io, …) are not organisational boundaries for DMARC.
    let bytes =
        if suffix.typ() == Some(psl::Type::Private) { icann_domain(host)? } else { domain.as_bytes() };
    std::str::from_utf8(bytes).ok()
}

/// The registrable domain under the ICANN part of a private suffix (`a.github.io` → `github.io`).
fn icann_domain(host: &str) -> Option<&[u8]> {
    let labels: Vec<&str> = host.split('.').collect();
    // The longest candidate whose own suffix is an ICANN rule is the public suffix.
    for i in 0..labels.len() {
        let candidate = labels[i..].join(".");
        if let Some(s) = psl::suffix(candidate.as_bytes()) {
            if s.typ() == Some(psl::Type::Icann) && s.as_bytes() == candidate.as_bytes() && i > 0 {
                let start: usize = labels[..i - 1].iter().map(|l| l.len() + 1).sum();
                return Some(&host.as_bytes()[start..]);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("example.com", true)]
    #[case("example.co.uk", true)]
    #[case("track.example.com", false)]
    #[case("track.example.co.uk", false)]
    #[case("192.0.2.1", false)]
    #[case("localhost", false)]
    fn apex(#[case] host: &str, #[case] want: bool) {
        assert_eq!(is_apex(host), want);
    }

    #[rstest]
    #[case("u123.ct.sendgrid.net", Some("sendgrid.net"))]
    #[case("mail.example.co.uk", Some("example.co.uk"))]
    #[case("foo.github.io", Some("github.io"))]
    #[case("198.51.100.12", None)]
    fn organisational_domain(#[case] host: &str, #[case] want: Option<&str>) {
        assert_eq!(registrable(host), want);
    }
}
