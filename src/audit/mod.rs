//! The pipeline, end to end: input → message → extract → unwrap → classify → rules → report.
//!
//! Pure: bytes in, a [`MessageReport`] out — no file system, no network, no printing — so the
//! same code runs in the CLI, a watched folder, a CI step or a batch job.

mod assemble;
mod batch;

use crate::classify::{self, Class, HostRole, Role, Shape};
use crate::extract::{self, Kind, RawLink};
use crate::input::{self, InputError, RawMessage};
use crate::message::{self, Problem};
pub use crate::model::AuditedLink;
use crate::model::MessageReport;
use crate::options::Options;
use crate::rules;
use crate::unwrap;

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
/// Findings that need several messages together come from [`rules::batch::cross_message`].
pub fn audit_all(source: &str, raw: &[u8], opts: &Options) -> Result<Vec<MessageReport>, InputError> {
    Ok(input::split(raw)?.iter().map(|m| audit_message(source, m, opts)).collect())
}

/// Audits one message whose container was already removed by [`input::split`].
pub fn audit_message(source: &str, msg: &RawMessage<'_>, opts: &Options) -> MessageReport {
    let catalog = opts.catalog();
    let mut parsed = message::parse(&msg.bytes, &opts.limits);
    let mut extracted = extract::extract_within(&parsed, opts.limits.max_links);
    if extracted.links.len() > opts.limits.max_links {
        extracted.links.truncate(opts.limits.max_links);
        parsed.problems.push(Problem::LimitReached {
            limit: "links".into(),
            value: opts.limits.max_links,
            path: None,
        });
    }
    let mut raws = std::mem::take(&mut extracted.links);
    let columns = locate(&msg.bytes, &parsed, &mut raws);
    let mut links: Vec<AuditedLink> = raws
        .into_iter()
        .zip(columns)
        .map(|(raw, source_column)| {
            let unwrapped = unwrap::unwrap(&raw.url, opts.limits.max_unwrap_depth);
            let classified = classify::classify(&raw, &unwrapped, &opts.expect, catalog);
            AuditedLink { raw, unwrapped, classified, source_column }
        })
        .collect();
    let order = |a: &AuditedLink, b: &AuditedLink| {
        crate::model::cmp_parts(Some(&a.raw.part), Some(&b.raw.part))
            .then(a.raw.line.cmp(&b.raw.line))
            .then(a.raw.column.cmp(&b.raw.column))
    };
    // Extraction nearly always yields document order already: one pass to check is cheaper than
    // the sort (the order of equal links is kept either way: the sort is stable).
    if !links.is_sorted_by(|a, b| order(a, b).is_le()) {
        links.sort_by(order);
    }
    mark_unknown_trackers(&mut links, parsed.from_address.as_deref(), opts);
    let mut sent_via = classify::sent_via::detect(&parsed.headers, catalog, None);
    for nested in &parsed.nested {
        let context = format!("in the message attached as part {}", nested.path);
        for s in classify::sent_via::detect(&nested.headers, catalog, Some(&context)) {
            if !sent_via.iter().any(|t| t.esp == s.esp) {
                sent_via.push(s);
            }
        }
    }
    let tracking_hosts = tracking_hosts(&links, catalog);
    let alignment =
        classify::alignment::table(&parsed.headers, parsed.from_address.as_deref(), &tracking_hosts);
    let authentication = classify::alignment::auth_results(&parsed.headers, msg.show_original.as_ref());
    let ctx = rules::Context {
        opts,
        alignment: &alignment,
        authentication: authentication.as_ref(),
        catalog,
        parsed: &parsed,
        extracted: &extracted,
        links: &links,
        sent_via: &sent_via,
    };
    let findings = rules::settle(rules::check(&ctx), &opts.rules, &links);
    let previews = if opts.previews { previews(&mut parsed) } else { Vec::new() };
    let mut report = assemble::message_report(source, msg, &parsed, &extracted, links, findings, catalog);
    report.sent_via = sent_via;
    report.alignment = alignment;
    report.authentication = authentication;
    report.previews = previews;
    report
}

/// Places each link in the message file: sets `source_line` (a quoted-printable part's link on
/// the line where its URL starts, see [`message::source`]) and returns the columns, where known.
fn locate(raw: &[u8], parsed: &message::ParsedMessage, links: &mut [RawLink]) -> Vec<Option<u32>> {
    let mut columns = vec![None; links.len()];
    let mut i = 0;
    while i < links.len() {
        // Links come grouped by part.
        let section = links[i].part.clone();
        let end = i + links[i..].iter().take_while(|l| l.part == section).count();
        let group = &mut links[i..end];
        match parsed.parts.iter().find(|p| *p.path == *section) {
            Some(part) => {
                let at: Vec<(u32, u32)> = group.iter().map(|l| (l.line, l.column)).collect();
                for ((l, c), p) in
                    group.iter_mut().zip(&mut columns[i..end]).zip(message::source::positions(raw, part, &at))
                {
                    if let Some((line, column)) = p {
                        l.source_line = Some(line);
                        *c = column;
                    }
                }
            }
            // Header fields: their lines and columns are the message file's.
            None => {
                for (l, c) in group.iter().zip(&mut columns[i..end]) {
                    *c = l.source_line.map(|_| l.column);
                }
            }
        }
        i = end;
    }
    columns
}

/// Reclassifies as `unknown-tracker` the direct links that the message's own evidence shows to
/// be tracking on a host the catalog does not know ([`classify::unknown`]).
fn mark_unknown_trackers(links: &mut [AuditedLink], from: Option<&str>, opts: &Options) {
    if !links.iter().any(|l| l.classified.class == Class::Direct && l.classified.host.is_some()) {
        return;
    }
    let paths: Vec<std::borrow::Cow<'_, str>> = links
        .iter()
        .map(|l| {
            if l.classified.class == Class::Direct {
                classify::path_query_at(&l.raw, &l.unwrapped, l.classified.judged)
            } else {
                std::borrow::Cow::Borrowed("")
            }
        })
        .collect();
    let facts: Vec<classify::unknown::LinkFacts<'_>> = links
        .iter()
        .zip(&paths)
        .map(|(l, pq)| classify::unknown::LinkFacts {
            host: l.classified.host.as_deref(),
            path_query: pq,
            url: &l.raw.url,
            class: l.classified.class,
            role: l.classified.role,
            header: l.raw.kind == Kind::Header,
            mailto: l.raw.url.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("mailto:")),
            known_third_party: l.classified.third_party.is_some(),
        })
        .collect();
    let from_domain = from.and_then(|a| a.rsplit_once('@')).map(|(_, d)| d.to_ascii_lowercase());
    let flagged =
        classify::unknown::unknown_trackers(&facts, from_domain.as_deref(), |h| opts.rules.allowed_host(h));
    drop(facts);
    drop(paths);
    for i in flagged {
        let c = &mut links[i].classified;
        c.class = Class::UnknownTracker;
        if links[i].unwrapped.hops.is_empty() && matches!(c.role, Role::Click | Role::Unsubscribe) {
            c.destination = None;
            c.destination_host = None;
            c.destination_note = Some(UNKNOWN_TOKEN_NOTE.clone());
        }
    }
}

static UNKNOWN_TOKEN_NOTE: std::sync::LazyLock<std::sync::Arc<str>> = std::sync::LazyLock::new(|| {
    std::sync::Arc::from("unknown tracker's token: destination not recoverable offline")
});

/// The HTML parts' decoded text, moved out of the parsed message (the audit is done with it).
fn previews(parsed: &mut message::ParsedMessage) -> Vec<crate::model::Preview> {
    parsed
        .parts
        .iter_mut()
        .filter(|p| p.kind == message::PartKind::Html && !p.attachment)
        .map(|p| crate::model::Preview { part: p.path.clone(), html: std::mem::take(&mut p.text) })
        .collect()
}

/// Hosts that track clicks, opens or unsubscribes in the message body (not mailto, not headers).
fn tracking_hosts(links: &[AuditedLink], catalog: &classify::Catalog) -> Vec<String> {
    let mut hosts: Vec<String> = Vec::new();
    for l in links {
        let c = &l.classified;
        // An email-analytics pixel is the vendor's by design: not the sender's tracking domain.
        if c.esp.is_some_and(|e| catalog.esps[e].category() == classify::Category::Analytics) {
            continue;
        }
        let tracked = match c.class {
            Class::Expected | Class::EspCustom => c.shape.is_some_and(|s| s != Shape::Asset),
            Class::EspDefault => c.host_role == Some(HostRole::Tracking),
            Class::UnknownTracker => true,
            Class::Direct => false,
        };
        if tracked && c.role != Role::Asset && l.raw.kind != Kind::Header {
            if let Some(h) = &c.host {
                if !hosts.iter().any(|x| x == &**h) {
                    hosts.push(h.to_string());
                }
            }
        }
    }
    hosts
}
