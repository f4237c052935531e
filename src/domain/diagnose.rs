//! Domain: facts in, findings out (pure). The setup guides' common mistakes, each with the rule
//! that names it: no record (and the doubled-zone name), a CNAME at the apex, a proxied A record,
//! a CNAME to another ESP or to an unknown host, one host asked to serve two ESPs, certificate
//! problems, an HTTP error on the root, and missing SPF, DKIM or DMARC records.

use super::{cloudflare, AuthFacts, DnsFacts, HttpFacts, TlsError, TlsFacts};
use crate::classify::{domain, Catalog};
use crate::finding::registry::{self as rules, Rule};
use crate::finding::Finding;

/// Days before expiry from which a certificate is reported.
pub const EXPIRY_WARNING_DAYS: i64 = 21;

fn finding(rule: &Rule, message: String, hint: String) -> Finding {
    rules::at_message(rule, rule.severity, None, message, Some(hint))
}

/// A check that could not run (LA900).
pub fn failed(step: &str, error: &str) -> Finding {
    finding(
        &rules::LA900,
        format!("the {step} check could not run: {error}"),
        "Check the network and the resolver (--resolver IP:PORT), raise --timeout, or skip the step \
         (--no-tls, --no-http, --no-auth)"
            .to_string(),
    )
}

/// The ESP whose CNAME targets contain `name` (a suffix match), and whether that is confirmed.
pub fn esp_of_target<'c>(name: &str, catalog: &'c Catalog) -> Option<(&'c str, bool)> {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    catalog.esps.iter().find_map(|e| {
        e.entry
            .cname_targets
            .iter()
            .any(|t| name == *t || name.strip_suffix(t.as_str()).is_some_and(|p| p.ends_with('.')))
            .then_some((e.name(), e.entry.cname_confirmed))
    })
}

/// Fills in the DNS facts' ESP, apex and proxy judgements, and returns the DNS findings.
/// `esps` are the ESPs the host should serve (`--esp` or sent-via).
pub fn dns(host: &str, facts: &mut DnsFacts, esps: &[String], catalog: &Catalog) -> Vec<Finding> {
    let mut out = Vec::new();
    facts.apex = domain::is_apex(host);
    if let Some((esp, confirmed)) = facts.cname.iter().find_map(|n| esp_of_target(n, catalog)) {
        facts.esp = Some(esp.to_string());
        facts.esp_unconfirmed = !confirmed;
    }
    facts.proxied = facts.cname.is_empty() && facts.addresses.iter().any(|ip| cloudflare::contains(*ip));
    let mut wanted: Vec<&str> = Vec::new();
    for e in esps {
        let name = catalog.by_name(e).map_or(e.as_str(), |id| catalog.esps[id].name());
        if !wanted.iter().any(|w| w.eq_ignore_ascii_case(name)) {
            wanted.push(name);
        }
    }
    let target_hint = |esp: Option<&str>| -> String {
        let target = esp
            .and_then(|e| catalog.by_name(e))
            .and_then(|id| catalog.esps[id].entry.cname.clone())
            .unwrap_or_else(|| "the target your ESP shows".to_string());
        format!("Create the record at your DNS provider: {host} CNAME {target}")
    };
    let first_wanted = wanted.first().copied();
    // The chain's end is known only when it was followed to it: a loop, a cut chain or a failed
    // lookup leaves it open, and no finding may rest on it.
    let chain_end_known = facts.chain_complete() && facts.cname_loop.is_none();
    if let Some(back) = &facts.cname_loop {
        out.push(finding(
            &rules::LA908,
            format!("the CNAME chain of {host} loops: {host} → {} (back to {back})", facts.cname.join(" → ")),
            format!(
                "A loop never resolves: point {host} straight at the target your ESP shows and delete the \
                 record that leads back ({})",
                target_hint(first_wanted)
            ),
        ));
    } else if facts.chain_cut {
        out.push(finding(
            &rules::LA908,
            format!(
                "the CNAME chain of {host} is longer than {} links ({host} → {} → …): resolvers give up on \
                 such chains, and its end was not checked",
                facts.cname.len(),
                facts.cname.join(" → ")
            ),
            format!("Point {host} straight at the target your ESP shows: {}", target_hint(first_wanted)),
        ));
    }
    let none_found = chain_end_known && facts.addresses_checked() && facts.error.is_none();
    if none_found && facts.cname.is_empty() && facts.addresses.is_empty() {
        match &facts.doubled {
            Some(doubled) => out.push(finding(
                &rules::LA902,
                format!("{host} has no record, but {doubled} does: the zone name was typed twice"),
                format!(
                    "DNS providers append the zone to the name you type: enter only the label ({}) and \
                     delete {doubled}",
                    host.split('.').next().unwrap_or(host)
                ),
            )),
            None => out.push(finding(
                &rules::LA901,
                format!("{host} has no CNAME or address record"),
                target_hint(first_wanted),
            )),
        }
    }
    if facts.apex {
        let what =
            if facts.cname.is_empty() { "is a registrable apex domain" } else { "has a CNAME at the apex" };
        out.push(finding(
            &rules::LA903,
            format!("the tracking host {host} {what}"),
            "A CNAME cannot share the apex with the MX, SPF and DMARC records, and ESPs require a \
             subdomain: use track.<your domain> and CNAME it to the ESP"
                .to_string(),
        ));
    }
    if facts.proxied {
        out.push(finding(
            &rules::LA904,
            format!(
                "{host} answers with Cloudflare addresses ({}) and no CNAME: the record is proxied",
                facts.addresses.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            ),
            "Turn the proxy off for this record (Cloudflare: DNS → the record → Proxy status \"DNS only\", \
             grey cloud) so the CNAME reaches the ESP, which then serves and certifies the host"
                .to_string(),
        ));
    } else if chain_end_known && facts.cname.is_empty() && !facts.addresses.is_empty() && !facts.apex {
        out.push(finding(
            &rules::LA906,
            format!("{host} has address records but no CNAME, so no ESP can be recognised"),
            target_hint(first_wanted),
        ));
    }
    if let Some(last) = facts.cname.last() {
        match facts.esp.as_deref() {
            // A chain whose end is unknown is not "unknown to the catalog".
            None if !chain_end_known => {}
            None => out.push(finding(
                &rules::LA906,
                format!("{host} is a CNAME to {last}, which no ESP in the catalog is known to use"),
                format!(
                    "If this is your ESP's tracking host, add it to the ESP's cname_targets in linkaudit.toml; \
                     otherwise: {}",
                    target_hint(first_wanted)
                ),
            )),
            Some(esp) => {
                if !wanted.is_empty() && !wanted.iter().any(|w| w.eq_ignore_ascii_case(esp)) {
                    out.push(finding(
                        &rules::LA905,
                        format!(
                            "{host} points to {esp} ({last}), but the mail is sent through {}",
                            wanted.join(" and ")
                        ),
                        target_hint(first_wanted),
                    ));
                }
            }
        }
    }
    if wanted.len() > 1 {
        out.push(finding(
            &rules::LA907,
            format!("{host} is asked to serve {}: a CNAME can point to only one ESP", wanted.join(" and ")),
            "Give each ESP its own tracking subdomain (track-tx.example.com, track-mkt.example.com), each \
             CNAMEd to its ESP"
                .to_string(),
        ));
    }
    out
}

/// TLS findings.
pub fn tls(host: &str, facts: &TlsFacts, port: u16) -> Vec<Finding> {
    let mut out = Vec::new();
    let at = if port == 443 { host.to_string() } else { format!("{host}:{port}") };
    match &facts.error {
        Some(TlsError::Certificate(why)) => out.push(finding(
            &rules::LA911,
            format!("the certificate of {at} is not valid: {why}"),
            "Turn on HTTPS for the tracking domain in the ESP (it issues the certificate through the CNAME); \
             with a CDN in front, install a certificate for this exact host"
                .to_string(),
        )),
        Some(TlsError::Unavailable(why)) => out.push(finding(
            &rules::LA913,
            format!("no HTTPS on {at}: {why}"),
            "Turn on HTTPS (SSL) for the tracking domain in the ESP, or put a CDN with a certificate in \
             front; until then https links on this host fail. Behind a firewall, use --no-tls"
                .to_string(),
        )),
        None => {}
    }
    if facts.error.is_none() {
        if let Some(days) = facts.days_left.filter(|d| *d < EXPIRY_WARNING_DAYS) {
            out.push(finding(
                &rules::LA912,
                format!(
                    "the certificate of {at} expires in {days} day{} ({})",
                    if days == 1 { "" } else { "s" },
                    facts.expires.as_deref().unwrap_or("?")
                ),
                "Check the renewal: an ESP-managed certificate renews through the CNAME, so make sure it \
                 still points to the ESP and is not proxied"
                    .to_string(),
            ));
        }
    }
    out
}

/// HTTP findings.
pub fn http(host: &str, facts: &HttpFacts) -> Vec<Finding> {
    let problem = match (&facts.error, facts.status) {
        (Some(e), _) => Some(format!("HEAD https://{host}/ got no HTTP answer: {e}")),
        (None, Some(s)) if s >= 500 => Some(format!("HEAD https://{host}/ answered {s}")),
        _ => None,
    };
    problem
        .map(|message| {
            finding(
                &rules::LA921,
                message,
                "The ESP's tracking service should answer on the root (usually a redirect or 404); check \
                 the CNAME target and the ESP's tracking-domain status"
                    .to_string(),
            )
        })
        .into_iter()
        .collect()
}

/// SPF, DKIM and DMARC findings.
pub fn auth(facts: &AuthFacts) -> Vec<Finding> {
    let mut out = Vec::new();
    let from = &facts.from;
    match facts.spf.len() {
        0 => out.push(finding(
            &rules::LA931,
            format!("{from} has no SPF record"),
            format!("Publish one TXT record on {from}: v=spf1 include:<your ESP's SPF domain> ~all"),
        )),
        1 => {}
        n => out.push(finding(
            &rules::LA931,
            format!("{from} has {n} SPF records: receivers treat that as a permanent error"),
            "Merge them into one v=spf1 record".to_string(),
        )),
    }
    for d in &facts.dkim {
        let name = format!("{}._domainkey.{}", d.selector, d.domain);
        let revoked = d.record.as_deref().is_some_and(|r| {
            r.split(';').any(|t| t.trim().strip_prefix("p=").is_some_and(|p| p.trim().is_empty()))
        });
        if d.record.is_none() || revoked {
            out.push(finding(
                &rules::LA932,
                if revoked {
                    format!("the DKIM key at {name} is revoked (empty p=)")
                } else {
                    format!("no DKIM key at {name}")
                },
                format!(
                    "Publish the DKIM record your ESP shows for selector {} (usually a CNAME)",
                    d.selector
                ),
            ));
        }
    }
    match &facts.dmarc {
        None => out.push(finding(
            &rules::LA933,
            format!("no DMARC record at _dmarc.{from} or its organisational domain"),
            format!("Publish a TXT record at _dmarc.{from}: v=DMARC1; p=none; rua=mailto:<reports address>"),
        )),
        Some((_, record)) => {
            let policy = record
                .split(';')
                .find_map(|t| t.trim().strip_prefix("p=").map(|p| p.trim().to_ascii_lowercase()));
            if policy.as_deref() == Some("none") {
                out.push(finding(
                    &rules::LA934,
                    format!("the DMARC policy of {from} is p=none (monitoring only)"),
                    "Once the reports show every sender aligned, move to p=quarantine, then p=reject"
                        .to_string(),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::DkimFact;

    fn codes(f: &[Finding]) -> Vec<&'static str> {
        f.iter().map(|f| f.code).collect()
    }

    fn facts(cname: &[&str], addresses: &[&str]) -> DnsFacts {
        DnsFacts {
            cname: cname.iter().map(|s| s.to_string()).collect(),
            addresses: addresses.iter().map(|a| a.parse().unwrap()).collect(),
            ..DnsFacts::default()
        }
    }

    #[test]
    fn dns_cases() {
        let c = Catalog::builtin();
        let sg = vec!["SendGrid".to_string()];
        let cases: Vec<(&str, DnsFacts, Vec<String>, Vec<&str>)> = vec![
            ("track.example.com", facts(&["sendgrid.net"], &["127.0.0.1"]), sg.clone(), vec![]),
            ("track.example.com", facts(&["click.sendgrid.net"], &[]), vec![], vec![]),
            ("track.example.com", facts(&["mailgun.org"], &["127.0.0.1"]), sg.clone(), vec!["LA905"]),
            ("track.example.com", facts(&["elsewhere.example.net"], &[]), sg.clone(), vec!["LA906"]),
            ("track.example.com", facts(&[], &[]), sg.clone(), vec!["LA901"]),
            ("example.com", facts(&[], &["93.184.215.14"]), vec![], vec!["LA903"]),
            ("track.example.com", facts(&[], &["104.16.1.1"]), sg.clone(), vec!["LA904"]),
            ("track.example.com", facts(&[], &["192.0.2.1"]), sg.clone(), vec!["LA906"]),
            (
                "track.example.com",
                facts(&["sendgrid.net"], &[]),
                vec!["SendGrid".into(), "mailgun".into()],
                vec!["LA907"],
            ),
        ];
        for (host, mut f, esps, want) in cases {
            let got = dns(host, &mut f, &esps, c);
            assert_eq!(codes(&got), want, "{host} {f:?}");
        }
        // Issue 16, items 8 and 10: a loop and a cut chain are errors; a chain cut short by a
        // failed lookup gives no verdict on what was not looked up.
        let mut looped = facts(&["a.example.net", "track.example.com"], &[]);
        looped.cname_loop = Some("track.example.com".into());
        let got = dns("track.example.com", &mut looped, &sg, c);
        assert_eq!(codes(&got), ["LA908"]);
        assert!(got[0].message.contains("loops: track.example.com → a.example.net → track.example.com"));
        let mut cut = facts(&["c1.example.net"; 8], &[]);
        cut.chain_cut = true;
        cut.not_checked = vec!["the CNAME of c1.example.net and beyond".into(), "the addresses".into()];
        let got = dns("track.example.com", &mut cut, &sg, c);
        assert_eq!(codes(&got), ["LA908"]);
        assert!(got[0].message.contains("longer than 8 links"), "{}", got[0].message);
        let mut partial = facts(&["target.example.net"], &[]);
        partial.error = Some("refused".into());
        partial.not_checked = vec!["the CNAME of target.example.net".into(), "the addresses".into()];
        assert_eq!(codes(&dns("track.example.com", &mut partial, &sg, c)), Vec::<&str>::new());
        let mut nothing = facts(&[], &[]);
        nothing.error = Some("refused".into());
        nothing.not_checked = vec!["the CNAME of track.example.com".into(), "the addresses".into()];
        assert_eq!(codes(&dns("track.example.com", &mut nothing, &sg, c)), Vec::<&str>::new());
        let mut doubled = facts(&[], &[]);
        doubled.doubled = Some("track.example.com.example.com".into());
        assert_eq!(codes(&dns("track.example.com", &mut doubled, &[], c)), ["LA902"]);
        let mut f = facts(&["u1.r.eu-west-1.awstrack.me"], &[]);
        dns("track.example.com", &mut f, &[], c);
        assert_eq!((f.esp.as_deref(), f.esp_unconfirmed), (Some("Amazon SES"), true));
    }

    #[test]
    fn tls_cases() {
        let ok = TlsFacts { days_left: Some(80), verified: true, ..TlsFacts::default() };
        assert!(tls("t.example.com", &ok, 443).is_empty());
        let soon = TlsFacts { days_left: Some(5), expires: Some("2026-12-04".into()), ..ok.clone() };
        assert_eq!(codes(&tls("t.example.com", &soon, 443)), ["LA912"]);
        let bad = TlsFacts { error: Some(TlsError::Certificate("expired".into())), ..TlsFacts::default() };
        assert_eq!(codes(&tls("t.example.com", &bad, 443)), ["LA911"]);
        let none = TlsFacts { error: Some(TlsError::Unavailable("refused".into())), ..TlsFacts::default() };
        assert_eq!(codes(&tls("t.example.com", &none, 8443)), ["LA913"]);
    }

    #[test]
    fn http_and_auth_cases() {
        assert!(http("t", &HttpFacts { status: Some(302), ..HttpFacts::default() }).is_empty());
        assert_eq!(codes(&http("t", &HttpFacts { status: Some(503), ..HttpFacts::default() })), ["LA921"]);
        let good = AuthFacts {
            from: "example.com".into(),
            spf: vec!["v=spf1 include:sendgrid.net ~all".into()],
            dmarc: Some(("_dmarc.example.com".into(), "v=DMARC1; p=reject".into())),
            dkim: vec![DkimFact {
                selector: "s1".into(),
                domain: "example.com".into(),
                record: Some("v=DKIM1; p=MIIB".into()),
            }],
        };
        assert!(auth(&good).is_empty());
        let bad = AuthFacts {
            spf: vec!["v=spf1 a".into(), "v=spf1 mx".into()],
            dmarc: Some(("_dmarc.example.com".into(), "v=DMARC1; p=none".into())),
            dkim: vec![
                DkimFact { selector: "s2".into(), domain: "example.com".into(), record: None },
                DkimFact {
                    selector: "old".into(),
                    domain: "example.com".into(),
                    record: Some("v=DKIM1; p=".into()),
                },
            ],
            ..good.clone()
        };
        assert_eq!(codes(&auth(&bad)), ["LA931", "LA932", "LA932", "LA934"]);
        let empty = AuthFacts { from: "example.com".into(), ..AuthFacts::default() };
        assert_eq!(codes(&auth(&empty)), ["LA931", "LA933"]);
    }
}
