//! Stage 6 (classify → **rules** → report): findings a user should act on.
//!
//! Every rule has a permanent code (`LA` + 3 digits; the hundreds digit is the family: 0xx input,
//! 1xx http, 2xx tracking domain, 3xx wrappers, 4xx headers, 9xx the domain's DNS/TLS/HTTP checks), a kebab-case name naming the bad
//! pattern, a default severity, and documentation in `docs/rules/<CODE>.md` (What it finds / Why
//! it matters / How to fix / Example) printed by `linkaudit rules CODE`. Codes are never reused.

pub mod batch;
mod config;
mod headers;
mod http;
mod input;
mod quality;
mod sender;
mod tracking;
mod wrappers;

use serde::Serialize;

use crate::audit::AuditedLink;
use crate::classify::{Catalog, EspId};
use crate::extract::Extracted;
use crate::finding::{Finding, Severity};
use crate::message::ParsedMessage;
use crate::options::Options;

/// A rule: its identity, default severity and documentation.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    /// Permanent code.
    pub code: &'static str,
    /// Kebab-case name of the bad pattern.
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// Markdown documentation.
    #[serde(skip)]
    pub docs: &'static str,
}

macro_rules! rule {
    ($ident:ident, $code:literal, $name:literal, $sev:ident, $summary:literal) => {
        #[doc = $summary]
        pub const $ident: Rule = Rule {
            code: $code,
            name: $name,
            severity: Severity::$sev,
            summary: $summary,
            docs: include_str!(concat!("../../docs/rules/", $code, ".md")),
        };
    };
}

rule!(LA001, "LA001", "unreadable-input", Error, "The input is not an email message (or is empty).");
rule!(
    LA002,
    "LA002",
    "undecodable-part",
    Warning,
    "A part could not be decoded completely; links in it may be missing."
);
rule!(LA003, "LA003", "message-without-body", Warning, "The message has no text, HTML or AMP body to audit.");
rule!(
    LA004,
    "LA004",
    "limit-reached",
    Warning,
    "A size, nesting or count limit was reached; what lies beyond it was not audited."
);
rule!(
    LA101,
    "LA101",
    "plain-http-tracking-link",
    Error,
    "A tracked link, pixel or unsubscribe URL uses plain http."
);
rule!(LA102, "LA102", "plain-http-link", Warning, "A direct link, image or destination uses plain http.");
rule!(
    LA103,
    "LA103",
    "unrendered-merge-tag",
    Error,
    "A URL still contains a template merge tag ({{…}}, *|…|*, %%…%%, …)."
);
rule!(
    LA104,
    "LA104",
    "malformed-url",
    Error,
    "A link is malformed: spaces, a missing or broken scheme, javascript:, or a relative URL."
);
rule!(
    LA105,
    "LA105",
    "link-text-host-mismatch",
    Warning,
    "A link's visible text shows a URL on another site than the link goes to."
);
rule!(
    LA106,
    "LA106",
    "staging-or-private-host",
    Error,
    "A link points to localhost, a private address, a staging host or a placeholder domain."
);
rule!(
    LA107,
    "LA107",
    "inconsistent-utm-parameters",
    Info,
    "Some links to a site carry UTM parameters and others do not."
);
rule!(
    LA201,
    "LA201",
    "esp-default-tracking-domain",
    Error,
    "A tracked link or pixel is on the ESP's shared tracking domain instead of your own."
);
rule!(
    LA202,
    "LA202",
    "unexpected-tracking-domain",
    Error,
    "A tracker-shaped link is on a host that is not the expected tracking domain."
);
rule!(
    LA203,
    "LA203",
    "expected-tracking-domain-unused",
    Error,
    "No link or pixel uses the expected tracking domain."
);
rule!(
    LA204,
    "LA204",
    "expected-domain-is-apex",
    Warning,
    "The expected tracking domain is a registrable apex domain, not a subdomain."
);
rule!(
    LA205,
    "LA205",
    "esp-hosted-content",
    Warning,
    "An image or hosted page is served from the ESP's own domain."
);
rule!(
    LA206,
    "LA206",
    "two-esps-on-one-tracking-host",
    Error,
    "One tracking host carries the tracking links of two different ESPs."
);
rule!(
    LA207,
    "LA207",
    "partially-activated-tracking-domain",
    Warning,
    "An ESP's branded tracking domain is active for some links while others remain on its shared domain."
);
rule!(
    LA208,
    "LA208",
    "tracking-host-on-apex-or-from-domain",
    Warning,
    "The tracking host is the bare apex domain or the From address's own domain."
);
rule!(
    LA209,
    "LA209",
    "pixel-on-other-domain",
    Warning,
    "The open pixel is on another organisation's domain than the click tracking."
);
rule!(
    LA210,
    "LA210",
    "untracked-link",
    Info,
    "With tracking active, some click links were not rewritten by the ESP at all."
);
rule!(
    LA211,
    "LA211",
    "unknown-tracking-host",
    Error,
    "A link or pixel looks like click or open tracking on a host linkaudit does not know."
);
rule!(
    LA301,
    "LA301",
    "opaque-gateway-link",
    Info,
    "A security gateway hides the link's destination; its tracking domain cannot be checked offline."
);
rule!(
    LA401,
    "LA401",
    "list-unsubscribe-esp-default-domain",
    Warning,
    "A List-Unsubscribe URL is on the ESP's shared domain."
);
rule!(
    LA402,
    "LA402",
    "one-click-unsubscribe-missing",
    Warning,
    "List-Unsubscribe has an https URL but no List-Unsubscribe-Post header (RFC 8058)."
);
rule!(
    LA403,
    "LA403",
    "unaligned-domain",
    Warning,
    "The Return-Path, the DKIM signatures or a tracking host is not on the From address's organisational domain."
);
rule!(
    LA404,
    "LA404",
    "authentication-failure",
    Warning,
    "The receiver's SPF, DKIM or DMARC verdict is a failure."
);

rule!(
    LA900,
    "LA900",
    "domain-check-failed",
    Error,
    "A DNS, TLS or HTTP check of the tracking domain could not run."
);
rule!(LA901, "LA901", "tracking-host-missing", Error, "The tracking host has no CNAME or address record.");
rule!(
    LA902,
    "LA902",
    "doubled-zone-name",
    Error,
    "The tracking record was created with the zone name typed twice."
);
rule!(LA903, "LA903", "tracking-host-at-apex", Error, "The tracking host is an apex (registrable) domain.");
rule!(
    LA904,
    "LA904",
    "proxied-tracking-host",
    Error,
    "The tracking host answers with Cloudflare proxy addresses instead of a CNAME."
);
rule!(
    LA905,
    "LA905",
    "cname-to-other-esp",
    Error,
    "The tracking host's CNAME points to another ESP than the mail is sent through."
);
rule!(
    LA906,
    "LA906",
    "cname-target-unknown",
    Warning,
    "The tracking host's CNAME (or lack of one) does not lead to a known ESP."
);
rule!(LA907, "LA907", "host-serves-two-esps", Error, "One tracking host is asked to serve two ESPs.");
rule!(
    LA908,
    "LA908",
    "cname-chain-unresolvable",
    Error,
    "The tracking host's CNAME chain loops, or is too long to follow."
);
rule!(
    LA911,
    "LA911",
    "tls-certificate-invalid",
    Error,
    "The tracking host's certificate is not valid for it."
);
rule!(
    LA912,
    "LA912",
    "tls-certificate-expiring",
    Warning,
    "The tracking host's certificate expires within 21 days."
);
rule!(LA913, "LA913", "https-unavailable", Error, "Nothing answers HTTPS on the tracking host.");
rule!(
    LA921,
    "LA921",
    "http-root-error",
    Warning,
    "The tracking host's root gives a server error or no HTTP answer."
);
rule!(LA931, "LA931", "spf-record-problem", Warning, "The From domain has no SPF record, or more than one.");
rule!(LA932, "LA932", "dkim-key-missing", Error, "A DKIM selector the mail uses has no key record.");
rule!(LA933, "LA933", "dmarc-record-missing", Warning, "The From domain has no DMARC record.");
rule!(LA934, "LA934", "dmarc-policy-none", Info, "The From domain's DMARC policy is p=none.");

/// Every rule, in code order.
pub static RULES: &[Rule] = &[
    LA001, LA002, LA003, LA004, LA101, LA102, LA103, LA104, LA105, LA106, LA107, LA201, LA202, LA203, LA204,
    LA205, LA206, LA207, LA208, LA209, LA210, LA211, LA301, LA401, LA402, LA403, LA404, LA900, LA901, LA902,
    LA903, LA904, LA905, LA906, LA907, LA908, LA911, LA912, LA913, LA921, LA931, LA932, LA933, LA934,
];

/// The rule with this code (case-insensitive) or name.
pub fn rule(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name.eq_ignore_ascii_case(code_or_name))
}

/// What the rules look at for one message.
pub struct Context<'a> {
    /// Options of the run.
    pub opts: &'a Options,
    /// The catalog in use.
    pub catalog: &'a Catalog,
    /// The parsed message.
    pub parsed: &'a ParsedMessage,
    /// What extraction found besides links.
    pub extracted: &'a Extracted,
    /// Every link, classified.
    pub links: &'a [AuditedLink],
    /// The ESPs the message was sent through.
    pub sent_via: &'a [crate::report::SentVia],
    /// From, Return-Path, DKIM and tracking domains.
    pub alignment: &'a [crate::classify::alignment::DomainRow],
    /// SPF, DKIM and DMARC verdicts.
    pub authentication: Option<&'a crate::classify::alignment::AuthResults>,
}

impl Context<'_> {
    /// The ESP's display name.
    pub fn esp_name(&self, esp: EspId) -> &str {
        self.catalog.esps[esp].name()
    }

    /// The host a user should use in a hint: the first `--expect`, or a placeholder.
    pub fn expected_or_placeholder(&self) -> String {
        self.opts
            .expect
            .first()
            .map_or_else(|| "track.<your domain>".to_string(), |e| e.trim_start_matches("*.").to_string())
    }

    /// The first ESP the headers show the message was sent through.
    pub fn sending_esp(&self) -> Option<EspId> {
        self.sent_via.iter().find_map(|s| self.catalog.by_name(&s.esp))
    }

    /// "Activate a branded tracking domain" advice for an ESP, in its own words.
    pub fn activation_hint(&self, esp: EspId) -> String {
        let e = &self.catalog.esps[esp].entry;
        let activate =
            e.activate.as_deref().unwrap_or("activate a custom tracking domain in the ESP's settings");
        if !e.custom_domain {
            return activate.to_string();
        }
        match &e.cname {
            Some(cname) => format!("{activate}; CNAME {} → {cname}", self.expected_or_placeholder()),
            None => activate.to_string(),
        }
    }
}

/// Runs every rule over one message.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    input::check(ctx, &mut out);
    http::check(ctx, &mut out);
    quality::check(ctx, &mut out);
    tracking::check(ctx, &mut out);
    config::check(ctx, &mut out);
    wrappers::check(ctx, &mut out);
    headers::check(ctx, &mut out);
    sender::check(ctx, &mut out);
    out
}

/// Applies the run's rule settings: drops unselected and ignored rules and findings on
/// allow-listed hosts (LA205, LA210), and sets overridden severities.
pub fn settle(
    findings: Vec<Finding>,
    settings: &crate::options::RuleSettings,
    links: &[AuditedLink],
) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| settings.enabled(f.code, f.name))
        .filter(|f| {
            if !matches!(f.code, "LA205" | "LA210") || settings.allow_hosts.is_empty() {
                return true;
            }
            let host = f.url.as_deref().and_then(|u| {
                links
                    .iter()
                    .find(|l| l.raw.url == u)
                    .and_then(|l| l.classified.host.as_deref().map(str::to_string))
                    .or_else(|| crate::classify::host_of(u))
            });
            !host.is_some_and(|h| settings.allowed_host(&h))
        })
        .map(|mut f| {
            if let Some(s) = settings.severity.get(f.code) {
                f.severity = *s;
            }
            f
        })
        .collect()
}

/// A finding at a link's location.
pub(crate) fn at_link(
    rule: &Rule,
    severity: Severity,
    link: &AuditedLink,
    message: String,
    hint: Option<String>,
) -> Finding {
    Finding {
        code: rule.code,
        name: rule.name,
        severity,
        message,
        url: Some(link.raw.url.clone()),
        part: Some(link.raw.part.to_string()),
        line: Some(link.raw.line),
        column: Some(link.raw.column),
        hint,
        source_line: link.raw.source_line,
        source_column: link.source_column,
    }
}

/// A finding about the whole message (or a part, without a line).
pub(crate) fn at_message(
    rule: &Rule,
    severity: Severity,
    part: Option<String>,
    message: String,
    hint: Option<String>,
) -> Finding {
    Finding {
        code: rule.code,
        name: rule.name,
        severity,
        message,
        url: None,
        part,
        line: None,
        column: None,
        hint,
        source_line: None,
        source_column: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_names_are_kebab_case_and_every_rule_is_documented() {
        let mut codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), RULES.len(), "duplicate rule code");
        for r in RULES {
            assert!(
                r.code.len() == 5
                    && r.code.starts_with("LA")
                    && r.code[2..].bytes().all(|b| b.is_ascii_digit()),
                "{}",
                r.code
            );
            assert!(
                r.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
                "{} is not kebab-case",
                r.name
            );
            for section in ["## What it finds", "## Why it matters", "## How to fix", "## Example"] {
                assert!(r.docs.contains(section), "{} docs lack {section:?}", r.code);
            }
            assert!(
                r.docs.starts_with(&format!("# {} {}", r.code, r.name)),
                "{} docs must start with '# CODE name'",
                r.code
            );
        }
    }

    #[test]
    fn lookup_by_code_or_name() {
        assert_eq!(rule("la201").map(|r| r.name), Some("esp-default-tracking-domain"));
        assert_eq!(rule("plain-http-link").map(|r| r.code), Some("LA102"));
        assert!(rule("LA999").is_none());
    }
}
