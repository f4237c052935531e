//! The pipeline's last step for one message: the audited links and findings become a
//! [`MessageReport`] — findings placed in the file, parts counted, links turned into report
//! entries (moving their strings rather than copying them).

use std::borrow::Cow;

use crate::classify::{same_host, Catalog};
use crate::extract::Extracted;
use crate::finding::Finding;
use crate::input::{Container, RawMessage};
use crate::message::ParsedMessage;
use crate::model::{AuditedLink, LinkReport, MessageReport, PartSummary};

/// The report of one audited message, findings in the contract's order.
pub(crate) fn message_report(
    source: &str,
    msg: &RawMessage<'_>,
    parsed: &ParsedMessage,
    extracted: &Extracted,
    links: Vec<AuditedLink>,
    mut findings: Vec<Finding>,
    catalog: &Catalog,
) -> MessageReport {
    // Findings about a part or the header get the line where it starts; every source line
    // counts the lines of the file before the message (mbox, "Show original").
    for f in findings.iter_mut() {
        if f.source_line.is_none() {
            f.source_line = match f.part.as_deref() {
                Some(p) if p != "header" => {
                    parsed.parts.iter().find(|x| x.path == p).and_then(|x| x.body_line)
                }
                // The header, or the whole message: where the message starts.
                _ => Some(1),
            };
        }
        f.source_line = f.source_line.map(|l| l + msg.line_offset);
    }
    // Links per part: links come grouped by part, and a message has a handful of parts, so
    // a count per run of equal parts beats a hash map.
    let mut per_part: Vec<(&str, usize)> = Vec::new();
    for l in &links {
        match per_part.iter_mut().rev().find(|(p, _)| *p == &*l.raw.part) {
            Some((_, n)) => *n += 1,
            None => per_part.push((&l.raw.part, 1)),
        }
    }
    let parts = parsed
        .parts
        .iter()
        .map(|p| PartSummary {
            part: p.path.clone(),
            content_type: p.content_type.clone(),
            kind: p.kind,
            charset: p.charset.clone(),
            links: per_part.iter().find(|(q, _)| *q == p.path).map_or(0, |(_, n)| *n),
        })
        .collect();
    // Into a new vector rather than collected in place: a link report is smaller than the
    // audited link, and the in-place collect would shrink (copy) the whole buffer afterwards.
    let mut link_reports = Vec::with_capacity(links.len());
    link_reports.extend(links.into_iter().map(|l| {
        let mut r = link_report(l, catalog);
        r.source_line = r.source_line.map(|s| s + msg.line_offset);
        r
    }));
    let mut report = MessageReport {
        source: source.to_string(),
        index: msg.index,
        mbox: msg.container == Container::Mbox,
        from: parsed.from.clone(),
        subject: parsed.subject.clone(),
        sent_via: Vec::new(),
        alignment: Vec::new(),
        authentication: None,
        show_original: msg.show_original.clone(),
        list_unsubscribe_post: extracted.list_unsubscribe_post,
        parts,
        links: link_reports,
        findings,
        previews: Vec::new(),
    };
    report.sort_findings();
    report
}

/// A link's report entry, moving the link's strings rather than copying them.
fn link_report(l: AuditedLink, catalog: &Catalog) -> LinkReport {
    let AuditedLink { raw, unwrapped, classified: c, source_column } = l;
    LinkReport {
        // Only when a gateway wraps the link (the judged host is not the link's own).
        judged_host: match (&c.host, &c.outer_host) {
            (Some(judged), Some(outer)) if same_host(judged, outer) => None,
            _ => c.host,
        },
        host: c.outer_host,
        url: raw.url,
        kind: c.kind,
        part: raw.part,
        line: raw.line,
        column: raw.column,
        hops: unwrapped.hops,
        destination: c.destination,
        class: c.class,
        esp: c.esp.map(|e| catalog.esps[e].shared_name()),
        tracker: c.third_party.map(|e| catalog.esps[e].shared_name()),
        gateway: unwrapped.gateway.map(Cow::Borrowed),
        role: c.role,
        note: c.destination_note,
        element: raw.element,
        attribute: raw.attribute,
        mso: raw.mso,
        text: raw.text,
        source_line: raw.source_line,
        source_column,
    }
}
