//! Stage 6 (classify → **rules** → report): findings a user should act on.
//!
//! Every rule has a permanent code (`LA` + 3 digits; the hundreds digit is the family: 0xx input,
//! 1xx http, 2xx tracking domain, 3xx wrappers, 4xx headers, 9xx the domain's DNS/TLS/HTTP checks), a kebab-case name naming the bad
//! pattern, a default severity, and documentation in `docs/rules/<CODE>.md` (What it finds / Why
//! it matters / How to fix / Example) printed by `linkaudit rules CODE`. Codes are never reused.

pub mod batch;
mod headers;
mod http;
mod input;
mod quality;
mod sender;
mod setup;
mod tracking;
mod wrappers;

use crate::classify::{Catalog, EspId};
use crate::extract::Extracted;
pub use crate::finding::registry::*;
use crate::finding::{Finding, Severity};
use crate::message::ParsedMessage;
use crate::model::AuditedLink;
use crate::options::Options;

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
    pub sent_via: &'a [crate::classify::SentVia],
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
    setup::check(ctx, &mut out);
    wrappers::check(ctx, &mut out);
    headers::check(ctx, &mut out);
    sender::check(ctx, &mut out);
    out
}

/// Applies the run's rule settings: drops unselected and ignored rules and findings on
/// allow-listed hosts (LA205, LA210), and sets overridden severities.
pub fn settle(
    findings: Vec<Finding>,
    settings: &crate::settings::RuleSettings,
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
        url: Some(link.raw.url.clone()),
        line: Some(link.raw.line),
        column: Some(link.raw.column),
        source_line: link.raw.source_line,
        source_column: link.source_column,
        ..at_message(rule, severity, Some(link.raw.part.to_string()), message, hint)
    }
}
