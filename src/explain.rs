//! Explain: how linkaudit judges one URL or host, step by step — every unwrapping layer, the
//! catalog entry and the rule that matched (with its sources), the class and role, or why it is
//! `direct` and whether it looks like tracking. What `linkaudit explain` prints; pure, like the
//! audit.
//!
//! One URL is judged without its message: the message-wide evidence that makes a host an
//! `unknown-tracker` (several tracker-shaped links funnelled through it) is described, not
//! decided, here.

use serde::Serialize;

use crate::classify::{self, token, Category, Class, Classified, HostRole, Role};
use crate::extract::{Kind, RawLink};
use crate::options::Options;
use crate::unwrap::{self, Hop};

/// The catalog entry behind a decision.
#[derive(Debug, Clone, Serialize)]
pub struct EntryRef {
    /// Entry name.
    pub name: String,
    /// Its category.
    pub category: Category,
    /// What matched: `host`, `host-pattern`, `vendor-host` or `url-shape`.
    pub matched: &'static str,
    /// The catalog text that matched (a host suffix, a host pattern or a URL shape).
    pub rule: String,
    /// Where the entry's facts come from.
    pub sources: Vec<String>,
}

/// How one URL is judged.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The URL judged (a bare host becomes `https://HOST/`).
    pub url: String,
    /// Redirect layers taken off, outermost first.
    pub hops: Vec<Hop>,
    /// The security gateway or client wrapper around the link, if any.
    pub gateway: Option<&'static str>,
    /// The URL the class is judged on (the first that is not a gateway layer).
    pub judged_url: String,
    /// Its host.
    pub host: Option<String>,
    /// `expected`, `esp-default`, `esp-custom` or `direct` (`unknown-tracker` needs the message).
    pub class: Class,
    /// What the link does, read as a link (`click`, `unsubscribe`, `open` for a pixel shape).
    pub role: Role,
    /// The ESP behind it.
    pub esp: Option<String>,
    /// A known third-party tracker it is on (class stays `direct`).
    pub tracker: Option<String>,
    /// The catalog entries that decided: the host's and the URL shape's.
    pub matches: Vec<EntryRef>,
    /// Where the link finally goes, or why that is unknown.
    pub destination: Option<String>,
    /// Why the destination is unknown.
    pub note: Option<String>,
    /// The judged URL carries an opaque token and nothing readable around it: the kind of link
    /// that, funnelled through one unknown host, makes it an `unknown-tracker`.
    pub tracker_shaped: bool,
    /// The decision in words, one step a line.
    pub steps: Vec<String>,
}

/// A bare host (`click.example.com`) as a URL to judge.
fn as_url(input: &str) -> String {
    let t = input.trim();
    if t.contains("://") || t.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("mailto:")) {
        t.to_string()
    } else {
        format!("https://{}/", t.trim_end_matches('/'))
    }
}

/// Explains how `input` (a URL or a host) is judged with `opts` (its `--expect` hosts and
/// catalog).
pub fn explain(input: &str, opts: &Options) -> Explanation {
    let catalog = opts.catalog();
    let url = as_url(input);
    let raw = RawLink {
        url: url.clone(),
        kind: Kind::Anchor,
        part: "1".into(),
        line: 1,
        column: 1,
        element: None,
        attribute: Some("href".into()),
        mso: false,
        pixel_hint: false,
        text: None,
        source_line: None,
    };
    let unwrapped = unwrap::unwrap(&url, opts.limits.max_unwrap_depth);
    let c: Classified = classify::classify(&raw, &unwrapped, &opts.expect, catalog);
    let judged_url = unwrapped.at(&url, c.judged).to_string();
    let path_query = classify::path_query_at(&raw, &unwrapped, c.judged).into_owned();
    let path = path_query.split('?').next().unwrap_or("");
    let host = c.host.as_deref().map(str::to_string);
    let mut steps = Vec::new();
    for (i, hop) in unwrapped.hops.iter().enumerate() {
        steps.push(format!("layer {}: {} → {}", i + 1, hop.via, hop.url));
    }
    if let Some(o) = &unwrapped.opaque {
        steps.push(format!("the {} layer hides the destination: it cannot be read offline", o.by));
    }
    if let Some(g) = unwrapped.gateway {
        steps.push(format!("{g} wraps the link: it is judged on {judged_url}"));
    }
    let mut matches = Vec::new();
    let entry_ref = |esp: usize, matched: &'static str, rule: String| {
        let e = &catalog.esps[esp];
        EntryRef {
            name: e.name().to_string(),
            category: e.category(),
            matched,
            rule,
            sources: e.entry.sources.clone(),
        }
    };
    if let Some(h) = host.as_deref().and_then(|h| catalog.explain_host(h, path)) {
        let (matched, what) = match h.role {
            HostRole::Vendor => ("vendor-host", "is the vendor's own website domain"),
            HostRole::Content => ("host", "is a content host (images, hosted pages)"),
            HostRole::Tracking if h.rule.starts_with('^') => ("host-pattern", "is a shared tracking host"),
            HostRole::Tracking => ("host", "is a shared tracking host"),
        };
        let name = catalog.esps[h.esp].name().to_string();
        steps.push(format!("{} {what} of {name} (catalog: {})", host.as_deref().unwrap_or(""), h.rule));
        if h.role == HostRole::Vendor {
            let tracked = token::has_token(&path_query);
            steps.push(if tracked {
                "its path carries an opaque token: the vendor's tracking".to_string()
            } else {
                "its path carries no token: an ordinary page of the vendor's site".to_string()
            });
        }
        matches.push(entry_ref(h.esp, matched, h.rule));
    }
    if let Some((esp, shape, pattern)) =
        (!path_query.is_empty()).then(|| catalog.explain_shape(&path_query)).flatten()
    {
        let name = catalog.esps[esp].name().to_string();
        steps.push(format!("the path has {name}'s {} URL shape {pattern}", shape.as_str()));
        matches.push(entry_ref(esp, "url-shape", pattern.to_string()));
    }
    let tracker_shaped = token::tracker_shaped(&path_query);
    let esp = c.esp.map(|e| catalog.esps[e].name().to_string());
    let tracker = c.third_party.map(|e| catalog.esps[e].name().to_string());
    steps.push(match c.class {
        Class::Expected => "the host is an expected tracking domain (--expect): expected".to_string(),
        Class::EspDefault => format!(
            "esp-default: on {}'s shared domain",
            esp.as_deref().unwrap_or("an ESP")
        ),
        Class::EspCustom => format!(
            "esp-custom: {}'s URL shape on a host that is not {}'s own: a branded tracking domain",
            esp.as_deref().unwrap_or("an ESP"),
            esp.as_deref().unwrap_or("the ESP")
        ),
        Class::UnknownTracker => "unknown-tracker".to_string(),
        Class::Direct => match &tracker {
            Some(t) => format!("direct: {t} is a known third-party tracker (ad-tech or data beacon), not a sending platform"),
            None if tracker_shaped => "direct: no catalog entry knows this host or path. The URL is tracker-shaped (an opaque token, nothing readable around it): in a message where two or more such links go through this host, linkaudit calls it unknown-tracker (rule LA211). If it belongs to an ESP, teach linkaudit with an [[esp]] entry in linkaudit.toml".to_string(),
            None => "direct: no catalog entry knows this host or path, and it does not look like tracking".to_string(),
        },
    });
    Explanation {
        url,
        hops: unwrapped.hops.clone(),
        gateway: unwrapped.gateway,
        judged_url,
        host,
        class: c.class,
        role: c.role,
        esp,
        tracker,
        matches,
        destination: c.destination,
        note: c.destination_note.map(|n| n.to_string()),
        tracker_shaped,
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_host_names_its_entry_and_rule() {
        let e = explain("https://u123.ct.sendgrid.net/ls/click?upn=abc", &Options::default());
        assert_eq!((e.class, e.esp.as_deref()), (Class::EspDefault, Some("SendGrid")));
        assert_eq!(e.matches[0].rule, "sendgrid.net");
        assert!(!e.matches[0].sources.is_empty());
        assert!(e.steps.iter().any(|s| s.contains("shared tracking host of SendGrid")));
    }

    #[test]
    fn a_gateway_is_taken_off_first() {
        let url = "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fu1.ct.sendgrid.net%2Fls%2Fclick%3Fupn%3Dx&data=1";
        let e = explain(url, &Options::default());
        assert_eq!(e.gateway, Some("Microsoft SafeLinks"));
        assert_eq!(e.host.as_deref(), Some("u1.ct.sendgrid.net"));
        assert!(e.steps[0].starts_with("layer 1: safelinks"));
    }

    #[test]
    fn a_bare_host_and_an_unknown_one() {
        let e = explain("click.mailer.test", &Options::default());
        assert_eq!(e.url, "https://click.mailer.test/");
        assert_eq!(e.class, Class::Direct);
        let e = explain("https://click.mailer.test/c/AbC123xYz789DeF", &Options::default());
        assert!(e.tracker_shaped);
        assert!(e.steps.last().is_some_and(|s| s.contains("unknown-tracker")));
    }

    #[test]
    fn a_branded_host_shows_the_shape() {
        let e = explain("https://url2508.example.com/ls/click?upn=abc", &Options::default());
        assert_eq!(e.class, Class::EspCustom);
        assert_eq!(e.matches[0].matched, "url-shape");
    }
}
