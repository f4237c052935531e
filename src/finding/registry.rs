//! The rule registry: every rule's permanent code, name, default severity, one-line summary and
//! documentation (`docs/rules/<CODE>.md`), and the constructor of a finding about a whole
//! message. Data only: the checks that raise these findings live in [`crate::rules`] (and the
//! domain checks in `crate::domain`), both of which import this.

use serde::Serialize;

use super::{Finding, Severity};

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

/// A finding about the whole message (or a part, without a line).
pub fn at_message(
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
