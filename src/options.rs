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

/// An `--expect` value checked ([`check_expect`]): the host used, and a note when that is not
/// what was typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedExpect {
    /// The normalised host (`track.example.com`, `*.example.com`).
    pub host: String,
    /// "using track.example.com" when the value was normalised (a scheme, a path, capitals).
    pub note: Option<String>,
}

/// Checks one `--expect` value (`what` names it in messages: `--expect`, or `expect` in the
/// config). An error for what can only be a mistake: an empty value, a `*` anywhere but a
/// leading `*.`, a wildcard over a public suffix (`*.com`), a value that is no host name, and
/// an ESP's own shared domain (`sendgrid.net`, `list-manage.com`): expecting that would make
/// the links on it pass, the very links linkaudit exists to catch.
pub fn check_expect(raw: &str, what: &str, catalog: &Catalog) -> Result<CheckedExpect, String> {
    let typed = raw.trim();
    let host = normalise_expect(typed);
    if host.is_empty() {
        return Err(format!(
            "{what} {raw:?} is empty: give your tracking host (track.example.com), or `*.example.com` for \
             every subdomain of example.com"
        ));
    }
    let (wild, base) = match host.strip_prefix("*.") {
        Some(base) => (true, base),
        None => (false, host.as_str()),
    };
    if base.contains('*') {
        return Err(format!(
            "{what} {typed}: a wildcard is `*.` in front of a domain (`*.example.com` accepts every \
             subdomain of example.com); a `*` anywhere else matches nothing"
        ));
    }
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if base.len() > 253 || !base.split('.').all(label_ok) {
        return Err(format!("{what} {typed}: {base:?} is not a host name (like track.example.com)"));
    }
    if wild && crate::classify::domain::registrable(base).is_none_or(|r| r.len() > base.len()) {
        return Err(format!(
            "{what} {typed}: {base} is a public suffix, so `*.{base}` would accept every sender's \
             host under it; give your own domain (`*.example.com`) or host"
        ));
    }
    if let Some((esp, role)) = catalog.host(base, "/") {
        if role != crate::classify::catalog::HostRole::Vendor {
            let name = catalog.esps.get(esp).map_or("an ESP", |e| e.name());
            return Err(format!(
                "{what} {typed}: {base} is {name}'s shared domain, which every {name} customer's links \
                 use: expecting it would pass the very links linkaudit looks for. Give your own tracking \
                 host (the one with a CNAME to {name}); to accept {name}'s shared domain on purpose, \
                 ignore the rule instead (--ignore LA201)"
            ));
        }
    }
    let note = (host != typed).then(|| format!("{what} {typed}: using {host}"));
    Ok(CheckedExpect { host, note })
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

    /// Issue 17: `--expect` values that can only be mistakes are errors; a normalised one says
    /// what is used.
    #[rstest]
    #[case("track.example.com", Ok(None))]
    #[case("*.example.com", Ok(None))]
    #[case(
        "HTTPS://Track.Example.com/",
        Ok(Some("--expect HTTPS://Track.Example.com/: using track.example.com"))
    )]
    #[case("track.example.com.", Ok(Some("--expect track.example.com.: using track.example.com")))]
    #[case("", Err("is empty"))]
    #[case("  ", Err("is empty"))]
    #[case("https://", Err("is empty"))]
    #[case("*example.com", Err("a wildcard is `*.` in front of a domain"))]
    #[case("track.*.com", Err("a wildcard is `*.` in front of a domain"))]
    #[case("*.*.example.com", Err("a wildcard is `*.` in front of a domain"))]
    #[case("*.com", Err("com is a public suffix"))]
    #[case("*.co.uk", Err("co.uk is a public suffix"))]
    #[case("track example.com", Err("is not a host name"))]
    #[case("news@example.com", Err("is not a host name"))]
    #[case("track..example.com", Err("is not a host name"))]
    #[case("sendgrid.net", Err("sendgrid.net is SendGrid's shared domain"))]
    #[case("u1234567.ct.sendgrid.net", Err("is SendGrid's shared domain"))]
    #[case("*.sendgrid.net", Err("is SendGrid's shared domain"))]
    #[case("list-manage.com", Err("list-manage.com is Mailchimp's shared domain"))]
    #[case("mailchimp.com", Ok(None))]
    fn expect_values_are_checked(#[case] raw: &str, #[case] want: Result<Option<&str>, &str>) {
        let got = check_expect(raw, "--expect", Catalog::builtin());
        match (got, want) {
            (Ok(c), Ok(note)) => assert_eq!(c.note.as_deref(), note, "{raw}"),
            (Err(e), Err(words)) => assert!(e.contains(words), "{raw}: {e}"),
            (got, want) => panic!("{raw}: {got:?}, want {want:?}"),
        }
    }
}
