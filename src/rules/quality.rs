//! Rules LA103–LA107: pre-send QA the same walk catches cheaply — unrendered merge tags,
//! malformed URLs, link text showing another host than the link goes to, staging or private
//! hosts, and UTM parameters on some links but not others.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::LazyLock;

use regex::Regex;

use super::{at_link, at_message, Context, LA103, LA104, LA105, LA106, LA107};
use crate::classify::{domain, host_of, same_host, Role};
use crate::extract::Kind;
use crate::finding::Finding;
use crate::model::AuditedLink;
use crate::text::codec::starts_with_ignore_case;

/// Merge-tag syntaxes of the common template languages, raw or percent-encoded.
static MERGE_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\{\{[^}]{0,80}\}\}",    // Handlebars, Liquid, Jinja, Marketo, SendGrid, HubSpot
        r"|\{%[^%]{0,80}%\}",         // Liquid / Jinja tags
        r"|\*\|[^|]{1,80}\|\*",       // Mailchimp
        r"|%%[=A-Za-z_][^%]{0,80}%%", // Salesforce Marketing Cloud (AMPscript)
        r"|\[\[[^\]]{1,80}\]\]",      // Iterable-style, Moosend
        r"|\{\$[^}]{1,80}\}",         // Smarty
        r"|#\{[^}]{1,80}\}",          // Ruby-style interpolation
        r"|%7B%7B.{0,120}?%7D%7D",    // {{ }} percent-encoded
        r"|%2A%7C.{0,120}?%7C%2A",    // *| |* percent-encoded
    ))
    .expect("static regex")
});

pub(super) fn check(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let from_reserved =
        ctx.parsed.from_address.as_deref().and_then(|a| a.rsplit('@').next()).is_some_and(|d| {
            staging_reason(&d.to_ascii_lowercase(), false)
                == Some("a reserved example domain (a placeholder)")
        });
    // Links share a few hosts: judge each host once.
    let mut hosts = HostMemo::default();
    for l in ctx.links {
        // The merge-tag search runs once per link; LA104 stays quiet when the link itself has one.
        let tag_at = merge_tags(l, out);
        malformed(l, tag_at == Some(0), out);
        text_mismatch(l, out);
        staging(l, from_reserved, &mut hosts, out);
    }
    utm(ctx, out);
}

/// Cheap test before the merge-tag regex: every syntax it knows opens with one of these byte
/// pairs (`{{`, `{%`, `{$`, `*|`, `%%`, `[[`, `#{`, or the percent-encoded `%7B`/`%2A`), so the
/// `%2F`s of an ordinary tracking URL no longer send it to the regex.
fn may_hold_a_tag(url: &str) -> bool {
    let b = url.as_bytes();
    memchr::memchr3_iter(b'{', b'%', b'[', b).chain(memchr::memchr2_iter(b'*', b'#', b)).any(|i| {
        match (b[i], b.get(i + 1).copied()) {
            (b'{', Some(b'{' | b'%' | b'$')) | (b'*', Some(b'|')) | (b'%', Some(b'%')) => true,
            (b'[', Some(b'[')) | (b'#', Some(b'{')) => true,
            (b'%', Some(_)) => {
                let code = b.get(i + 1..i + 3).unwrap_or_default();
                code.eq_ignore_ascii_case(b"7B") || code.eq_ignore_ascii_case(b"2A")
            }
            _ => false,
        }
    })
}

/// Every URL of the link's chain: the link itself and each decoded hop.
fn chain(l: &AuditedLink) -> impl Iterator<Item = &str> {
    std::iter::once(l.raw.url.as_str()).chain(l.unwrapped.hops.iter().map(|h| h.url.as_str()))
}

/// LA103; returns where in the chain the tag is (0: the link itself).
fn merge_tags(l: &AuditedLink, out: &mut Vec<Finding>) -> Option<usize> {
    let (at, tag) = chain(l)
        .enumerate()
        .filter(|(_, u)| may_hold_a_tag(u))
        .find_map(|(i, u)| MERGE_TAG.find(u).map(|m| (i, m)))?;
    let shown: String = tag.as_str().chars().take(60).collect();
    out.push(at_link(
        &LA103,
        LA103.severity,
        l,
        format!("the URL contains the unrendered merge tag {shown}"),
        Some("The template variable was not filled in: check its name and its fallback, or send the test through the campaign (not a raw template preview)".into()),
    ));
    Some(at)
}

/// LA104: spaces, a missing or broken scheme, `javascript:`, a relative URL with nothing to
/// resolve it against.
fn malformed(l: &AuditedLink, tagged: bool, out: &mut Vec<Finding>) {
    if l.raw.kind == Kind::Text || tagged {
        return; // found by linkify (well-formed by construction), or LA103 says why
    }
    let url = l.raw.url.as_str();
    // Every test below looks at the scheme or at most the first few bytes: lower-case only those
    // (on the stack: this runs for every link).
    let mut head = [0u8; 16];
    let n = url.len().min(head.len());
    head[..n].copy_from_slice(&url.as_bytes()[..n]);
    head.make_ascii_lowercase();
    let lower = Head(&head[..n]);
    let web = crate::text::codec::is_web_url(url);
    let mut severity = LA104.severity;
    let why = if lower.starts_with("javascript:") || lower.starts_with("vbscript:") {
        Some("a script URL, which email clients do not run".to_string())
    } else if has_whitespace(url) {
        // Browsers encode them, but some clients cut the link at the first space.
        severity = crate::finding::Severity::Warning;
        Some("it contains spaces".to_string())
    } else if (lower.starts_with("http:") || lower.starts_with("https:")) && !url.contains("://") {
        Some("the scheme is missing its `//`".to_string())
    } else if lower.starts_with("http://http") || lower.starts_with("https://http") {
        Some("the scheme is doubled".to_string())
    } else if ["htp://", "htps://", "http//", "https//", "ttp://", "ttps://"]
        .iter()
        .any(|p| lower.starts_with(p))
    {
        Some("the scheme is misspelled".to_string())
    } else if lower.starts_with("www.") {
        Some("it has no scheme (`https://`), so clients treat it as a relative path".to_string())
    } else if !web
        && !lower.starts_with("mailto:")
        && !url.starts_with("//")
        && !has_scheme(url)
        && !matches!(l.raw.kind, Kind::Css | Kind::Link | Kind::Script)
    {
        Some("it is a relative URL, and an email has no page address to resolve it against".to_string())
    } else if web && !parses(l) {
        Some("it is not a valid URL".to_string())
    } else {
        None
    };
    if let Some(why) = why {
        out.push(at_link(
            &LA104,
            severity,
            l,
            format!("malformed link: {why}"),
            Some("Write the full https:// URL in the template".into()),
        ));
    }
}

/// The first bytes of a URL, lower-cased: tested against ASCII prefixes only, so it needs no
/// UTF-8 check (a multi-byte character cut at the end cannot match an ASCII prefix).
struct Head<'a>(&'a [u8]);

impl Head<'_> {
    fn starts_with(&self, prefix: &str) -> bool {
        self.0.starts_with(prefix.as_bytes())
    }
}

/// `url` contains Unicode white space. The ASCII ones are looked for with memchr (this runs for
/// every link, and a byte loop was a fifth of the quality rules); other characters only when
/// the URL is not ASCII.
fn has_whitespace(url: &str) -> bool {
    let b = url.as_bytes();
    memchr::memchr3(b' ', b'\t', b'\n', b).is_some()
        || memchr::memchr3(b'\r', 0x0b, 0x0c, b).is_some()
        || (!url.is_ascii() && url.contains(char::is_whitespace))
}

/// The link's URL parses: the unwrapping already tried (its first fact), else parse it here.
fn parses(l: &AuditedLink) -> bool {
    match l.unwrapped.facts(0) {
        Some(facts) => facts.is_some(),
        None => url::Url::parse(&l.raw.url).is_ok(),
    }
}

fn has_scheme(url: &str) -> bool {
    url.find(':').is_some_and(|i| {
        i > 0 && url[..i].bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    })
}

/// LA105: "https://shop.example.com" as the visible text of a link to another site.
fn text_mismatch(l: &AuditedLink, out: &mut Vec<Finding>) {
    if !matches!(l.raw.kind, Kind::Anchor | Kind::Area | Kind::Amp) {
        return;
    }
    let Some(text) = l.raw.text.as_deref() else { return };
    let Some(shown) = text_host(text) else { return };
    let Some(dest_host) = l.classified.destination_host.clone() else { return };
    let org = |h: &str| domain::registrable(h).map(str::to_string).unwrap_or_else(|| h.to_string());
    if org(&shown) != org(&dest_host) {
        out.push(at_link(
            &LA105,
            LA105.severity,
            l,
            format!("the link text shows {shown} but the link goes to {dest_host}"),
            Some("Make the visible URL match the destination: a mismatch is what phishing filters and cautious readers look for".into()),
        ));
    }
}

/// The host a link text shows, when the text is a URL or a bare domain.
fn text_host(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches(['.', ',', ')', '>']).trim_start_matches(['(', '<']);
    if t.contains(char::is_whitespace) || t.len() < 4 {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        // A client may have rewritten the shown URL too (SafeLinks in the text): judge what is inside.
        let u = crate::unwrap::unwrap(t, 8);
        return host_of(u.at(t, u.first_non_gateway.unwrap_or(0)));
    }
    if lower.starts_with("www.") {
        return host_of(t);
    }
    // A bare domain with a known public suffix: "shop.example.com", "example.com/sale".
    let host = lower.split(['/', '?', '#']).next()?;
    let looks =
        host.contains('.') && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    let known =
        psl::suffix(host.as_bytes()).is_some_and(|s| s.is_known()) && domain::registrable(host).is_some();
    (looks && known).then(|| host.to_string())
}

/// Why a host is a staging, placeholder or private host, if it is.
pub(crate) fn staging_reason(host: &str, from_reserved: bool) -> Option<&'static str> {
    let h = host.trim_end_matches('.');
    let bare = h.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        let private = match ip {
            IpAddr::V4(v4) => {
                v4.is_private() || v4.is_loopback() || v4.is_link_local() || v4.is_unspecified()
            }
            IpAddr::V6(v6) => {
                v6.is_loopback()
                    || v6.is_unspecified()
                    || (v6.segments()[0] & 0xfe00) == 0xfc00
                    || (v6.segments()[0] & 0xffc0) == 0xfe80
            }
        };
        return private.then_some("a private or loopback address");
    }
    let labels: Vec<&str> = h.split('.').collect();
    let tld = *labels.last()?;
    if h == "localhost"
        || matches!(tld, "localhost" | "local" | "internal" | "lan" | "invalid" | "intranet" | "corp")
    {
        return Some("a local or internal name");
    }
    if h.ends_with("home.arpa") {
        return Some("a local or internal name");
    }
    let reserved = matches!(tld, "test" | "example")
        || matches!(domain::registrable(h), Some("example.com" | "example.net" | "example.org"));
    if reserved && !from_reserved {
        return Some("a reserved example domain (a placeholder)");
    }
    let org_labels = domain::registrable(h).map_or(1, |d| d.split('.').count());
    let sub = &labels[..labels.len().saturating_sub(org_labels)];
    const STAGING: &[&str] = &[
        "staging",
        "stage",
        "stg",
        "dev",
        "develop",
        "development",
        "uat",
        "qa",
        "preprod",
        "pre-prod",
        "sandbox",
        "test",
        "testing",
    ];
    if sub.iter().any(|l| STAGING.contains(l) || l.starts_with("staging-") || l.ends_with("-staging")) {
        return Some("a staging or test host");
    }
    None
}

/// Staging judgements by host: the last one (consecutive links mostly share a host), then all.
#[derive(Default)]
struct HostMemo {
    last: Option<(Arc<str>, Option<&'static str>)>,
    seen: HashMap<Arc<str>, Option<&'static str>>,
}

/// LA106.
fn staging(l: &AuditedLink, from_reserved: bool, memo: &mut HostMemo, out: &mut Vec<Finding>) {
    if l.raw.kind == Kind::Header && starts_with_ignore_case(&l.raw.url, "mailto:") {
        return;
    }
    let c = &l.classified;
    let hosts = [&c.outer_host, &c.host, &c.destination_host];
    for (i, host) in hosts.iter().enumerate() {
        let Some(host) = host else { continue };
        // The three are often one host: judge each distinct one once.
        if hosts[..i].iter().any(|h| h.as_ref().is_some_and(|h| same_host(h, host))) {
            continue;
        }
        let why = match memo.last.as_ref().filter(|(h, _)| same_host(h, host)) {
            Some((_, w)) => *w,
            None => {
                let w = *memo.seen.entry(host.clone()).or_insert_with(|| staging_reason(host, from_reserved));
                memo.last = Some((host.clone(), w));
                w
            }
        };
        if let Some(why) = why {
            out.push(at_link(
                &LA106,
                LA106.severity,
                l,
                format!("the link points to {host}, {why}"),
                Some("Replace it with the production URL before the campaign goes out".into()),
            ));
            return;
        }
    }
}

/// LA107: UTM parameters on some links to a site and not on others.
fn utm(ctx: &Context<'_>, out: &mut Vec<Finding>) {
    let mut tagged_orgs: Vec<String> = Vec::new();
    let mut candidates: Vec<(&AuditedLink, String, bool)> = Vec::new();
    for l in ctx.links {
        if l.classified.role != Role::Click
            || !matches!(l.raw.kind, Kind::Anchor | Kind::Area | Kind::Vml | Kind::Amp | Kind::Text)
        {
            continue;
        }
        let Some(dest) = l.classified.destination.as_deref() else { continue };
        if !crate::text::codec::is_web_url(dest) {
            continue;
        }
        let Some(host) = l.classified.destination_host.as_deref() else { continue };
        let org = domain::registrable(host).unwrap_or(host).to_string();
        let has_utm = crate::text::codec::raw_query(dest)
            .is_some_and(|q| q.split('&').any(|p| starts_with_ignore_case(p, "utm_")));
        if has_utm && !tagged_orgs.contains(&org) {
            tagged_orgs.push(org.clone());
        }
        candidates.push((l, org, has_utm));
    }
    let relevant: Vec<&(&AuditedLink, String, bool)> =
        candidates.iter().filter(|(_, o, _)| tagged_orgs.contains(o)).collect();
    let without: Vec<&&(&AuditedLink, String, bool)> = relevant.iter().filter(|(_, _, t)| !t).collect();
    if without.is_empty() || relevant.len() == without.len() {
        return;
    }
    let example = without[0].0;
    out.push(at_message(
        &LA107,
        LA107.severity,
        None,
        format!(
            "{} of {} links to {} carry UTM parameters and {} {} not (first without: part {} line {})",
            relevant.len() - without.len(),
            relevant.len(),
            tagged_orgs.join(", "),
            without.len(),
            if without.len() == 1 { "does" } else { "do" },
            example.raw.part,
            example.raw.line
        ),
        Some("Tag every link to your site the same way (or let the ESP add UTM parameters), so analytics attributes all clicks of the campaign".into()),
    ));
}

#[cfg(test)]
mod prefilter_tests {
    use super::{has_whitespace, may_hold_a_tag, MERGE_TAG};

    #[test]
    fn prefilter_never_hides_a_tag() {
        let tags = [
            "{{first_name}}",
            "{% if x %}",
            "*|FNAME|*",
            "%%=v(@x)=%%",
            "[[name]]",
            "{$name}",
            "#{name}",
            "%7B%7Bname%7D%7D",
            "%7b%7bname%7d%7d",
            "%2A%7CFNAME%7C%2A",
        ];
        for t in tags {
            let url = format!("https://x.example/a?u={t}&v=%2F");
            assert!(MERGE_TAG.is_match(&url), "{url}");
            assert!(may_hold_a_tag(&url), "{url}");
        }
        for plain in ["https://u1.ct.sendgrid.net/ls/click?upn=a%2Fb%3D%3D", "https://x.example/[a]{b}*c#d"] {
            assert!(!may_hold_a_tag(plain), "{plain}");
        }
    }

    #[test]
    fn white_space_in_any_form() {
        for (url, want) in [
            ("https://x.example/a b", true),
            ("https://x.example/a\u{0b}b", true),
            ("https://x.example/a\u{a0}b", true),
            ("https://x.example/é\u{2003}", true),
            ("https://x.example/é", false),
            ("https://x.example/a%20b", false),
        ] {
            assert_eq!(has_whitespace(url), want, "{url:?}");
            assert_eq!(has_whitespace(url), url.contains(char::is_whitespace));
        }
    }

    proptest::proptest! {
        #[test]
        fn prefilter_is_implied_by_the_regex(s in "[a-z0-9{}%*|\\[\\]#$=7BbAaCcDd ]{0,30}") {
            if MERGE_TAG.is_match(&s) {
                proptest::prop_assert!(may_hold_a_tag(&s), "{}", s);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("https://x.example/?id={{ contact.id }}", true)]
    #[case("https://x.example/?e=*|EMAIL|*", true)]
    #[case("https://x.example/?s=%%=v(@sub)=%%", true)]
    #[case("https://x.example/?s=%%emailaddr%%", true)]
    #[case("https://x.example/?a=[[user_id]]", true)]
    #[case("https://x.example/?a=%7B%7Bfirst_name%7D%7D", true)]
    #[case("https://x.example/?a={$email}", true)]
    #[case("https://x.example/#{token}", true)]
    #[case("https://x.example/?a=50%25&b=%25", false)]
    #[case("https://x.example/path/{id}", false)]
    fn merge_tag_patterns(#[case] url: &str, #[case] found: bool) {
        assert_eq!(MERGE_TAG.is_match(url), found, "{url}");
    }

    #[rstest]
    #[case("localhost", false, Some("a local or internal name"))]
    #[case("127.0.0.1", false, Some("a private or loopback address"))]
    #[case("192.168.1.20", false, Some("a private or loopback address"))]
    #[case("[::1]", false, Some("a private or loopback address"))]
    #[case("shop.example.com", false, Some("a reserved example domain (a placeholder)"))]
    #[case("shop.example.com", true, None)]
    #[case("staging.shop.example.com", true, Some("a staging or test host"))]
    #[case("dev.brand.co.uk", false, Some("a staging or test host"))]
    #[case("mail.intranet", false, Some("a local or internal name"))]
    #[case("www.devon.co.uk", false, None)]
    #[case("test.com", false, None)]
    #[case("8.8.8.8", false, None)]
    fn staging_hosts(#[case] host: &str, #[case] from_reserved: bool, #[case] want: Option<&str>) {
        assert_eq!(staging_reason(host, from_reserved), want);
    }

    #[rstest]
    #[case("https://shop.example.com/sale", Some("shop.example.com"))]
    #[case("www.example.com", Some("www.example.com"))]
    #[case("example.com/sale", Some("example.com"))]
    #[case("Shop now", None)]
    #[case("Version 2.0", None)]
    #[case("Click here.", None)]
    fn link_text_hosts(#[case] text: &str, #[case] want: Option<&str>) {
        assert_eq!(text_host(text).as_deref(), want);
    }
}
