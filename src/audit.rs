//! The pipeline, end to end: input → message → extract → unwrap → classify → rules → report.
//!
//! Pure: bytes in, a [`MessageReport`] out — no file system, no network, no printing — so the
//! same code runs in the CLI, a watched folder, a CI step or a batch job.

use crate::classify::{self, Classified};
use crate::extract::{self, RawLink};
use crate::input::{self, InputError, RawMessage};
use crate::message::{self, Problem};
use crate::options::Options;
use crate::report::MessageReport;
use crate::rules;
use crate::unwrap::{self, Unwrapped};

/// A link after unwrapping and classification: what the rules and the report read.
#[derive(Debug, Clone)]
pub struct AuditedLink {
    /// As extracted.
    pub raw: RawLink,
    /// Its redirect layers.
    pub unwrapped: Unwrapped,
    /// Its class, ESP and role.
    pub classified: Classified,
}

/// Audits the message in `raw` (a `.eml`, `.emlx` or "Show original" text). For an mbox, only
/// the first message is audited: use [`audit_all`] to get every one. Bytes that are not an email
/// give a report with an `LA001` finding.
pub fn audit(raw: &[u8], opts: &Options) -> MessageReport {
    match input::split(raw) {
        Ok(messages) => match messages.first() {
            Some(m) => audit_message("-", m, opts),
            None => MessageReport::unreadable("-", &InputError::Empty),
        },
        Err(e) => MessageReport::unreadable("-", &e),
    }
}

/// Audits every message in `raw` (one, or each message of an mbox), naming them `source`.
pub fn audit_all(source: &str, raw: &[u8], opts: &Options) -> Result<Vec<MessageReport>, InputError> {
    Ok(input::split(raw)?.iter().map(|m| audit_message(source, m, opts)).collect())
}

/// Audits one message whose container was already removed by [`input::split`].
pub fn audit_message(source: &str, msg: &RawMessage<'_>, opts: &Options) -> MessageReport {
    let catalog = opts.catalog();
    let mut parsed = message::parse(&msg.bytes, &opts.limits);
    let mut extracted = extract::extract(&parsed);
    if extracted.links.len() > opts.limits.max_links {
        extracted.links.truncate(opts.limits.max_links);
        parsed.problems.push(Problem::LimitReached {
            limit: "links".into(),
            value: opts.limits.max_links,
            path: None,
        });
    }
    let raws = std::mem::take(&mut extracted.links);
    let mut links: Vec<AuditedLink> = raws
        .into_iter()
        .map(|raw| {
            let unwrapped = unwrap::unwrap(&raw.url, opts.limits.max_unwrap_depth);
            let classified = classify::classify(&raw, &unwrapped, &opts.expect, catalog);
            AuditedLink { raw, unwrapped, classified }
        })
        .collect();
    links.sort_by(|a, b| {
        crate::report::part_key(Some(&a.raw.part))
            .cmp(&crate::report::part_key(Some(&b.raw.part)))
            .then(a.raw.line.cmp(&b.raw.line))
            .then(a.raw.column.cmp(&b.raw.column))
    });
    let ctx = rules::Context { opts, catalog, parsed: &parsed, extracted: &extracted, links: &links };
    let findings = rules::check(&ctx);
    MessageReport::build(source, msg, &parsed, &extracted, &links, findings, catalog)
}
