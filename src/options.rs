//! Audit options: what the caller expects, assembled from the leaves that hold the parts — the
//! [`Limits`] that keep hostile input bounded, the [`RuleSettings`], and the catalog. Built by the
//! binary from flags and the config file, passed to the audit.

use std::sync::Arc;

use crate::classify::Catalog;
pub use crate::limits::Limits;
pub use crate::settings::RuleSettings;

/// What an audit is asked to check, and within which limits.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Hosts the sender's tracked links and pixels should use (`--expect`), lower-cased.
    /// An entry `*.example.com` matches every subdomain of `example.com`.
    pub expect: Vec<String>,
    /// Resource limits.
    pub limits: Limits,
    /// The ESP catalog; the built-in one when `None`.
    pub catalog: Option<Arc<Catalog>>,
    /// Which rules run, at which severity, and which hosts are meant to be direct.
    pub rules: RuleSettings,
    /// Keep the decoded HTML parts in [`crate::model::MessageReport::previews`] (for the HTML report).
    pub previews: bool,
}

impl Options {
    /// Options expecting the given tracking hosts, with default limits.
    pub fn expecting<I, S>(hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        Options {
            expect: hosts
                .into_iter()
                .map(|h| normalise_expect(h.as_ref()))
                .filter(|h| !h.is_empty())
                .collect(),
            ..Options::default()
        }
    }

    /// The catalog in use.
    pub fn catalog(&self) -> &Catalog {
        self.catalog.as_deref().unwrap_or_else(|| Catalog::builtin())
    }
}

/// Lower-cases an `--expect` value and strips a scheme, path or trailing dot a user may paste.
pub fn normalise_expect(raw: &str) -> String {
    let mut s = raw.trim();
    if let Some(i) = s.find("://") {
        s = &s[i + 3..];
    }
    if let Some(i) = s.find(['/', '?', '#']) {
        s = &s[..i];
    }
    // A port is not part of the host.
    if let Some(i) = s.rfind(':') {
        if s[i + 1..].bytes().all(|b| b.is_ascii_digit()) {
            s = &s[..i];
        }
    }
    s.trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[test]
    fn selection_by_code_prefix_and_name() {
        let r = RuleSettings {
            select: vec!["LA2".into(), "plain-http-link".into()],
            ignore: vec!["LA205".into()],
            ..RuleSettings::default()
        };
        assert!(r.enabled("LA201", "esp-default-tracking-domain"));
        assert!(r.enabled("LA102", "plain-http-link"));
        assert!(!r.enabled("LA101", "plain-http-tracking-link"));
        assert!(!r.enabled("LA205", "esp-hosted-content"));
        assert!(RuleSettings::default().enabled("LA101", "x"));
    }

    #[rstest]
    #[case("track.example.com", "track.example.com")]
    #[case("Track.Example.COM.", "track.example.com")]
    #[case("https://track.example.com/path?x", "track.example.com")]
    #[case("track.example.com:443", "track.example.com")]
    #[case("  *.example.com ", "*.example.com")]
    fn expect_values_are_normalised(#[case] raw: &str, #[case] want: &str) {
        assert_eq!(normalise_expect(raw), want);
    }
}
