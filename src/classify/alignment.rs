//! Classify: domain alignment and authentication verdicts — "all domains in the mail should be
//! yours". The organisational domain (PSL, ICANN section) of the From address is compared with
//! the Return-Path, every DKIM `d=` and every tracking host; `Authentication-Results` (or the
//! "Show original" summary) gives the SPF, DKIM and DMARC verdicts the receiver reached.

use serde::Serialize;

use super::domain::registrable;
use crate::input::ShowOriginal;
use crate::message::HeaderField;

/// Which domain of the message a row is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DomainRole {
    /// The From address.
    From,
    /// The Return-Path (envelope sender), which SPF checks.
    ReturnPath,
    /// A DKIM signature's `d=`.
    Dkim,
    /// A host that tracks clicks or opens.
    Tracking,
}

impl DomainRole {
    /// How the text report names it.
    pub fn label(self) -> &'static str {
        match self {
            DomainRole::From => "From",
            DomainRole::ReturnPath => "Return-Path",
            DomainRole::Dkim => "DKIM d=",
            DomainRole::Tracking => "tracking",
        }
    }
}

/// One row of the alignment table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainRow {
    /// What the domain is.
    pub role: DomainRole,
    /// The domain or host.
    pub domain: String,
    /// Its organisational domain, when the PSL knows its suffix.
    pub org: Option<String>,
    /// Same organisational domain as the From address (`null` when either is unknown).
    pub aligned: Option<bool>,
    /// DKIM selector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<String>,
}

/// SPF, DKIM and DMARC verdicts and where they come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthResults {
    /// `Authentication-Results by mx.example.org` or `Gmail "Show original"`.
    pub source: String,
    /// SPF result (`pass`, `fail`, `softfail`, `none`, …).
    pub spf: Option<String>,
    /// DKIM result (`pass` when any signature passed).
    pub dkim: Option<String>,
    /// DMARC result.
    pub dmarc: Option<String>,
}

/// The alignment table for a message.
pub fn table(
    headers: &[HeaderField],
    from_address: Option<&str>,
    tracking_hosts: &[String],
) -> Vec<DomainRow> {
    let from_domain = from_address.and_then(domain_of_address);
    let from_org = from_domain.as_deref().and_then(registrable).map(str::to_string);
    let row = |role, domain: String, selector: Option<String>| {
        let org = registrable(&domain).map(str::to_string);
        let aligned = match (&org, &from_org) {
            (Some(o), Some(f)) => Some(o == f),
            _ => None,
        };
        DomainRow { role, domain, org, aligned, selector }
    };
    let mut rows = Vec::new();
    if let Some(d) = &from_domain {
        rows.push(DomainRow {
            role: DomainRole::From,
            domain: d.clone(),
            org: from_org.clone(),
            aligned: Some(true),
            selector: None,
        });
    }
    if let Some(rp) = headers.iter().find(|h| h.name.eq_ignore_ascii_case("Return-Path")) {
        if let Some(d) = domain_of_address(rp.unfolded().trim_matches(|c| c == '<' || c == '>' || c == ' ')) {
            rows.push(row(DomainRole::ReturnPath, d, None));
        }
    }
    for sig in headers.iter().filter(|h| h.name.eq_ignore_ascii_case("DKIM-Signature")) {
        let value = sig.unfolded();
        if let Some(d) = tag(&value, "d") {
            let domain = d.to_ascii_lowercase();
            if !rows.iter().any(|r| r.role == DomainRole::Dkim && r.domain == domain) {
                rows.push(row(DomainRole::Dkim, domain, tag(&value, "s").map(str::to_string)));
            }
        }
    }
    for host in tracking_hosts {
        if !rows.iter().any(|r| r.role == DomainRole::Tracking && &r.domain == host) {
            rows.push(row(DomainRole::Tracking, host.clone(), None));
        }
    }
    rows
}

/// The domain of `local@domain`, lower-cased.
fn domain_of_address(addr: &str) -> Option<String> {
    let at = addr.rfind('@')?;
    let d = addr[at + 1..].trim().trim_end_matches('>').trim_end_matches('.');
    (!d.is_empty()).then(|| d.to_ascii_lowercase())
}

/// The value of a `tag=value` in a DKIM-Signature.
fn tag<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    value.split(';').find_map(|t| {
        let (k, v) = t.split_once('=')?;
        (k.trim() == name).then(|| v.trim()).filter(|v| !v.is_empty())
    })
}

/// The verdicts of the topmost `Authentication-Results` header (the one the final receiver
/// added), or else those of a "Show original" summary.
pub fn auth_results(headers: &[HeaderField], show_original: Option<&ShowOriginal>) -> Option<AuthResults> {
    if let Some(h) = headers.iter().find(|h| h.name.eq_ignore_ascii_case("Authentication-Results")) {
        let value = strip_comments(&h.unfolded());
        let mut parts = value.split(';').map(str::trim).filter(|p| !p.is_empty()).peekable();
        let authserv = parts
            .peek()
            .filter(|p| !p.contains('='))
            .map(|p| p.split_whitespace().next().unwrap_or("").to_string());
        if authserv.is_some() {
            parts.next();
        }
        let mut out = AuthResults {
            source: match authserv {
                Some(a) if !a.is_empty() => format!("Authentication-Results by {a}"),
                _ => "Authentication-Results".into(),
            },
            spf: None,
            dkim: None,
            dmarc: None,
        };
        for p in parts {
            let Some((method, rest)) = p.split_once('=') else { continue };
            let result = rest.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
            let slot = match method.trim().to_ascii_lowercase().as_str() {
                "spf" => &mut out.spf,
                "dkim" => &mut out.dkim,
                "dmarc" => &mut out.dmarc,
                _ => continue,
            };
            // Several DKIM results: one pass is enough.
            if slot.is_none() || result == "pass" {
                *slot = Some(result);
            }
        }
        if out.spf.is_some() || out.dkim.is_some() || out.dmarc.is_some() {
            return Some(out);
        }
    }
    let so = show_original?;
    let v = |row: &Option<String>| row.as_deref().map(ShowOriginal::verdict);
    Some(AuthResults {
        source: "Gmail \"Show original\"".into(),
        spf: v(&so.spf),
        dkim: v(&so.dkim),
        dmarc: v(&so.dmarc),
    })
}

/// Removes RFC 5322 comments (`(…)`, nested) from a header value.
fn strip_comments(s: &str) -> String {
    let mut depth = 0u32;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(name: &str, raw: &str) -> HeaderField {
        HeaderField { name: name.into(), raw: raw.into(), line: 1, column: 1 }
    }

    #[test]
    fn rows_and_alignment() {
        let headers = [
            h("Return-Path", "<bounces+123-ab@em1234.news.example.com>"),
            h("DKIM-Signature", "v=1; a=rsa-sha256; d=news.example.com;\r\n s=s1; h=from:to"),
            h("DKIM-Signature", "v=1; a=rsa-sha256; d=sendgrid.info; s=smtpapi; h=from"),
        ];
        let rows = table(
            &headers,
            Some("news@news.example.com"),
            &["track.example.com".into(), "u1.ct.sendgrid.net".into()],
        );
        let got: Vec<(DomainRole, &str, Option<bool>)> =
            rows.iter().map(|r| (r.role, r.domain.as_str(), r.aligned)).collect();
        assert_eq!(
            got,
            [
                (DomainRole::From, "news.example.com", Some(true)),
                (DomainRole::ReturnPath, "em1234.news.example.com", Some(true)),
                (DomainRole::Dkim, "news.example.com", Some(true)),
                (DomainRole::Dkim, "sendgrid.info", Some(false)),
                (DomainRole::Tracking, "track.example.com", Some(true)),
                (DomainRole::Tracking, "u1.ct.sendgrid.net", Some(false)),
            ]
        );
        assert_eq!(rows[2].selector.as_deref(), Some("s1"));
    }

    #[test]
    fn authentication_results_forms() {
        let gmail = h(
            "Authentication-Results",
            "mx.google.com;\r\n dkim=pass header.i=@example.com header.s=s1 header.b=abc;\r\n spf=pass (google.com: domain of x@example.com designates 192.0.2.1 as permitted sender) smtp.mailfrom=x@example.com;\r\n dmarc=fail (p=REJECT sp=REJECT dis=REJECT) header.from=example.com",
        );
        let r = auth_results(&[gmail], None).unwrap();
        assert_eq!(r.source, "Authentication-Results by mx.google.com");
        assert_eq!(
            (r.spf.as_deref(), r.dkim.as_deref(), r.dmarc.as_deref()),
            (Some("pass"), Some("pass"), Some("fail"))
        );
        let microsoft = h("Authentication-Results", "spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=x.example.com; dkim=pass (signature was verified) header.d=x.example.com;dmarc=pass action=none header.from=x.example.com;compauth=pass reason=100");
        let r = auth_results(&[microsoft], None).unwrap();
        assert_eq!(r.source, "Authentication-Results");
        assert_eq!(r.dmarc.as_deref(), Some("pass"));
    }

    #[test]
    fn show_original_fallback() {
        let so = ShowOriginal {
            spf: Some("SOFTFAIL with IP 192.0.2.1".into()),
            dkim: Some("'PASS' with domain x".into()),
            ..ShowOriginal::default()
        };
        let r = auth_results(&[], Some(&so)).unwrap();
        assert_eq!((r.spf.as_deref(), r.dkim.as_deref(), r.dmarc), (Some("softfail"), Some("pass"), None));
    }
}
