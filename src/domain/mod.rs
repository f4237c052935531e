//! `linkaudit domain`: the tracking domain's setup checklist — DNS (the CNAME to the ESP and the
//! usual mistakes), TLS (a valid certificate for the host), HTTP (`HEAD /` on the root) and the
//! From domain's SPF, DKIM and DMARC records.
//!
//! This is the only part of linkaudit that uses the network, and only behind the `network`
//! feature. It never requests a URL from a message: TLS and HTTP go to the host's root.
//!
//! The data flow mirrors the audit: probes ([`dns`], [`tls`]; network) collect facts
//! ([`DomainReport`]), and [`diagnose`] (pure, tested with case tables) turns facts into
//! findings with codes in the 9xx family.

pub mod cloudflare;
pub mod diagnose;
#[cfg(feature = "network")]
pub mod dns;
#[cfg(feature = "network")]
pub mod tls;
pub mod x509;

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use serde::Serialize;

use crate::finding::Finding;
use crate::settings::RuleSettings;

/// What the DNS says about the tracking host.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DnsFacts {
    /// The CNAME chain, in order (empty: no CNAME).
    pub cname: Vec<String>,
    /// Addresses the host resolves to.
    pub addresses: Vec<IpAddr>,
    /// The ESP whose CNAME target the chain reaches.
    pub esp: Option<String>,
    /// False when that target is only known from third parties.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub esp_unconfirmed: bool,
    /// The host is a registrable (apex) domain.
    pub apex: bool,
    /// The addresses are Cloudflare's and there is no CNAME.
    pub proxied: bool,
    /// `host.zone` — the record created with the zone name typed twice — exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doubled: Option<String>,
    /// The CNAME chain returns to this name, already in it: it never ends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cname_loop: Option<String>,
    /// The chain goes on past the links linkaudit follows (8): its end was not looked up.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub chain_cut: bool,
    /// A lookup that failed; the steps after it were not run (`not_checked`), and what was
    /// found before it is kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The lookups that did not run (after an error, or past a cut chain).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_checked: Vec<String>,
}

impl DnsFacts {
    /// The CNAME chain was followed to its end (or to a loop): no lookup of it is missing.
    pub fn chain_complete(&self) -> bool {
        !self.chain_cut && !self.not_checked.iter().any(|s| s.starts_with("the CNAME"))
    }

    /// The addresses were looked up.
    pub fn addresses_checked(&self) -> bool {
        self.cname_loop.is_none() && !self.not_checked.iter().any(|s| s == "the addresses")
    }
}

/// What the TLS handshake on the host showed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TlsFacts {
    /// Address and port connected to.
    pub address: Option<String>,
    /// Negotiated protocol (`TLSv1.3`).
    pub protocol: Option<String>,
    /// The end-entity certificate.
    pub certificate: Option<x509::CertInfo>,
    /// Expiry date (`YYYY-MM-DD`).
    pub expires: Option<String>,
    /// Whole days until expiry (negative once expired).
    pub days_left: Option<i64>,
    /// The chain and the name verified against the trusted roots.
    pub verified: bool,
    /// What went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<TlsError>,
}

/// Why TLS did not give a verified connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "detail", rename_all = "kebab-case")]
pub enum TlsError {
    /// The certificate is not valid for the host (expired, wrong name, unknown issuer, …).
    Certificate(String),
    /// Nothing answers TLS on the port, or the handshake fails for another reason.
    Unavailable(String),
}

/// The answer to `HEAD /`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HttpFacts {
    /// Status code.
    pub status: Option<u16>,
    /// `Location` of a redirect.
    pub location: Option<String>,
    /// `Server` header.
    pub server: Option<String>,
    /// Why there is no answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A DKIM selector's key record.
#[derive(Debug, Clone, Serialize)]
pub struct DkimFact {
    /// Selector.
    pub selector: String,
    /// Signing domain.
    pub domain: String,
    /// The TXT record, when there is one.
    pub record: Option<String>,
}

/// The From domain's mail authentication records.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AuthFacts {
    /// The From domain.
    pub from: String,
    /// `v=spf1` records on it.
    pub spf: Vec<String>,
    /// The DMARC record, and the name it was found at.
    pub dmarc: Option<(String, String)>,
    /// DKIM selectors looked up.
    pub dkim: Vec<DkimFact>,
}

/// The checks of one tracking host.
#[derive(Debug, Clone, Serialize)]
pub struct DomainReport {
    /// The tracking host.
    pub host: String,
    /// DNS facts.
    pub dns: DnsFacts,
    /// TLS facts (`null` when skipped).
    pub tls: Option<TlsFacts>,
    /// HTTP facts (`null` when skipped).
    pub http: Option<HttpFacts>,
    /// Mail authentication (`null` when skipped or without a From domain).
    pub auth: Option<AuthFacts>,
    /// Checks that did not run because an earlier one could not finish (`TLS`, `HTTP`, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_checked: Vec<String>,
    /// What to act on.
    pub findings: Vec<Finding>,
}

impl DomainReport {
    /// The most severe finding's severity.
    pub fn worst(&self) -> Option<crate::finding::Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// A check could not run (LA900).
    pub fn incomplete(&self) -> bool {
        self.findings.iter().any(|f| f.code == crate::finding::registry::LA900.code)
    }
}

/// What to check and how.
#[derive(Debug, Clone)]
pub struct DomainOptions {
    /// ESPs the host should point to (`--esp`, or the ESPs the messages were sent through).
    pub esps: Vec<String>,
    /// From domain for SPF and DMARC.
    pub from: Option<String>,
    /// DKIM selectors with their signing domain.
    pub dkim: Vec<(String, String)>,
    /// DNS server to ask instead of the system's.
    pub resolver: Option<SocketAddr>,
    /// Bound on every network step.
    pub timeout: Duration,
    /// Run the TLS check.
    pub tls: bool,
    /// Run the HTTP check.
    pub http: bool,
    /// Run the SPF/DKIM/DMARC check.
    pub auth: bool,
    /// Port of the TLS and HTTP checks.
    pub port: u16,
    /// Extra trusted roots, PEM (`--ca-file`), besides the webpki roots.
    pub extra_roots_pem: Option<Vec<u8>>,
    /// Rule selection and severities.
    pub rules: RuleSettings,
}

impl Default for DomainOptions {
    fn default() -> Self {
        DomainOptions {
            esps: Vec::new(),
            from: None,
            dkim: Vec::new(),
            resolver: None,
            timeout: Duration::from_secs(5),
            tls: true,
            http: true,
            auth: true,
            port: 443,
            extra_roots_pem: None,
            rules: RuleSettings::default(),
        }
    }
}

/// Runs every enabled check on `host` and diagnoses the facts.
#[cfg(feature = "network")]
pub fn check(host: &str, opts: &DomainOptions, catalog: &crate::classify::Catalog) -> DomainReport {
    let host = crate::options::normalise_expect(host);
    let mut findings = Vec::new();
    let resolver = match dns::Dns::new(opts.resolver, opts.timeout) {
        Ok(r) => Some(r),
        Err(e) => {
            findings.push(diagnose::failed("DNS", &e));
            None
        }
    };
    let mut report = DomainReport {
        host: host.clone(),
        dns: DnsFacts::default(),
        tls: None,
        http: None,
        auth: None,
        not_checked: Vec::new(),
        findings,
    };
    let Some(resolver) = resolver else { return settle(report, opts) };
    let mut facts = resolver.facts(&host);
    report.findings.extend(diagnose::dns(&host, &mut facts, &opts.esps, catalog));
    let failed = facts.error.clone();
    report.dns = facts;
    if let Some(e) = failed {
        // What was found is kept; the resolver failed, so the other lookups would only fail or
        // wait out the timeout again.
        report.findings.push(diagnose::failed("DNS", &e));
        report.not_checked = [(opts.tls, "TLS"), (opts.tls && opts.http, "HTTP")]
            .into_iter()
            .chain([(opts.auth && opts.from.is_some(), "SPF, DKIM and DMARC")])
            .filter(|(run, _)| *run)
            .map(|(_, step)| step.to_string())
            .collect();
        return settle(report, opts);
    }
    let reachable = !report.dns.addresses.is_empty();
    if opts.tls && reachable {
        let (tls, http) = tls::check(&host, &report.dns.addresses, opts);
        report.findings.extend(diagnose::tls(&host, &tls, opts.port));
        if let Some(h) = &http {
            report.findings.extend(diagnose::http(&host, h));
        }
        report.tls = Some(tls);
        report.http = http.filter(|_| opts.http);
    }
    if opts.auth {
        if let Some(from) = &opts.from {
            match resolver.auth(from, &opts.dkim) {
                Ok(auth) => {
                    report.findings.extend(diagnose::auth(&auth));
                    report.auth = Some(auth);
                }
                Err(e) => report.findings.push(diagnose::failed("DNS (mail authentication)", &e)),
            }
        }
    }
    settle(report, opts)
}

/// Applies rule selection and severity overrides, and sorts by code.
#[cfg(feature = "network")]
fn settle(mut report: DomainReport, opts: &DomainOptions) -> DomainReport {
    report
        .findings
        .retain(|f| f.code == crate::finding::registry::LA900.code || opts.rules.enabled(f.code, f.name));
    for f in &mut report.findings {
        if let Some(s) = opts.rules.severity.get(f.code) {
            f.severity = *s;
        }
    }
    report.findings.sort_by(|a, b| a.code.cmp(b.code));
    report
}

impl DomainReport {
    /// The facts as (label, text) lines, for the text, Markdown and HTML reports.
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        let d = &self.dns;
        let unchecked = |what: &str| match &d.error {
            Some(e) => format!("{what} not checked ({e})"),
            None => format!("{what} not checked"),
        };
        let cname = if let Some(back) = &d.cname_loop {
            format!("{} → {} (a loop: back to {back})", self.host, d.cname.join(" → "))
        } else if d.chain_cut {
            format!("{} → {} → … (cut: longer than {} links)", self.host, d.cname.join(" → "), d.cname.len())
        } else if !d.chain_complete() {
            let chain: String = d.cname.iter().map(|c| format!(" → {c}")).collect();
            format!("{}{chain} → {}", self.host, unchecked("next step"))
        } else if d.cname.is_empty() {
            "none".to_string()
        } else {
            let esp = match (&d.esp, d.esp_unconfirmed) {
                (Some(e), false) => format!(" ({e})"),
                (Some(e), true) => format!(" ({e}, target not confirmed by the ESP's docs)"),
                (None, _) => " (no known ESP)".to_string(),
            };
            format!("{} → {}{esp}", self.host, d.cname.join(" → "))
        };
        out.push(("CNAME", cname));
        if !d.addresses_checked() && d.addresses.is_empty() {
            out.push(("addresses", "not checked".to_string()));
        }
        if !d.addresses.is_empty() {
            let ips: Vec<String> = d.addresses.iter().map(ToString::to_string).collect();
            let proxied = if d.proxied { " (Cloudflare proxy)" } else { "" };
            out.push(("addresses", format!("{}{proxied}", ips.join(", "))));
        }
        if let Some(t) = &self.tls {
            let mut parts = Vec::new();
            if let Some(p) = &t.protocol {
                parts.push(p.clone());
            }
            if let Some(c) = &t.certificate {
                let names = if c.names.is_empty() {
                    c.subject.clone().unwrap_or_default()
                } else {
                    c.names.join(", ")
                };
                parts.push(format!("certificate for {names}"));
                if let Some(i) = &c.issuer {
                    parts.push(format!("issued by {i}"));
                }
            }
            if let (Some(e), Some(days)) = (&t.expires, t.days_left) {
                parts.push(format!("expires {e} ({days} days)"));
            }
            match &t.error {
                Some(TlsError::Certificate(why)) => parts.push(format!("NOT VALID: {why}")),
                Some(TlsError::Unavailable(why)) => parts.push(format!("unavailable: {why}")),
                None if t.verified => parts.push("valid".to_string()),
                None => {}
            }
            out.push(("TLS", parts.join(" · ")));
        }
        if let Some(h) = &self.http {
            let text = match (&h.error, h.status) {
                (Some(e), _) => format!("HEAD / failed: {e}"),
                (None, Some(s)) => {
                    let to = h.location.as_deref().map(|l| format!(" → {l}")).unwrap_or_default();
                    format!("HEAD / → {s}{to}")
                }
                _ => "HEAD / → no status".to_string(),
            };
            out.push(("HTTP", text));
        }
        if !self.not_checked.is_empty() {
            out.push((
                "not checked",
                format!("{} (the DNS check did not finish)", self.not_checked.join(", ")),
            ));
        }
        if let Some(a) = &self.auth {
            let spf = match a.spf.as_slice() {
                [] => "none".to_string(),
                [one] => one.clone(),
                many => format!("{} records", many.len()),
            };
            out.push(("SPF", format!("{}: {spf}", a.from)));
            let dmarc = a.dmarc.as_ref().map_or_else(|| "none".to_string(), |(at, r)| format!("{at}: {r}"));
            out.push(("DMARC", dmarc));
            for k in &a.dkim {
                let state = if k.record.is_some() { "key published" } else { "no key" };
                out.push(("DKIM", format!("{}._domainkey.{}: {state}", k.selector, k.domain)));
            }
        }
        out
    }
}
