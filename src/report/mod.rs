//! Stage 7 (rules → **report**): the report model — the JSON output contract — and its
//! renderers, one per file: [`json`], [`text`], [`concise`].
//!
//! Field names follow ARCHITECTURE.md's contract ("extend freely, rename never"). Order is
//! deterministic: links by part, line, column; findings by part, line, column, code; messages
//! by source and index.

pub mod concise;
pub mod json;
pub mod sanitize;
pub mod text;

use serde::Serialize;

use crate::audit::AuditedLink;
use crate::classify::alignment::{AuthResults, DomainRow};
use crate::classify::{Catalog, Class, Role};
use crate::extract::{Extracted, Kind};
use crate::finding::{Finding, Severity};
use crate::input::{InputError, RawMessage, ShowOriginal};
use crate::message::{ParsedMessage, PartKind};
use crate::rules;
use crate::unwrap::Hop;

/// One link in the report.
#[derive(Debug, Clone, Serialize)]
pub struct LinkReport {
    /// As it appears after MIME and entity decoding.
    pub url: String,
    /// What it is.
    pub kind: Kind,
    /// Section (`1.2`; `header` for the top-level header).
    pub part: String,
    /// 1-based line in the decoded part.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Host of `url`.
    pub host: Option<String>,
    /// Redirect layers taken off, outermost first.
    pub hops: Vec<Hop>,
    /// Where the link finally goes; `null` when that cannot be known offline.
    pub destination: Option<String>,
    /// `expected`, `esp-default`, `esp-custom` or `direct`.
    pub class: Class,
    /// The ESP behind the link.
    pub esp: Option<String>,
    /// The outermost security gateway or client wrapper.
    pub gateway: Option<String>,
    /// `click`, `open`, `unsubscribe` or `asset`.
    pub role: Role,
    /// Host of the URL the class was judged on, when a gateway wraps the link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judged_host: Option<String>,
    /// Why `destination` is null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// HTML element.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<String>,
    /// Attribute or header name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute: Option<String>,
    /// Inside an Outlook conditional comment.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub mso: bool,
    /// Visible anchor text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A part that was read.
#[derive(Debug, Clone, Serialize)]
pub struct PartSummary {
    /// Section.
    pub part: String,
    /// `type/subtype`.
    pub content_type: String,
    /// Extractor used.
    pub kind: PartKind,
    /// Declared charset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    /// Links found in it.
    pub links: usize,
}

/// An ESP the message was sent through, and why linkaudit thinks so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentVia {
    /// ESP name.
    pub esp: String,
    /// The header evidence.
    pub evidence: String,
}

/// The audit of one message.
#[derive(Debug, Clone, Serialize)]
pub struct MessageReport {
    /// Path of the file, or `-` for stdin.
    pub source: String,
    /// Position in an mbox (0 otherwise).
    pub index: usize,
    /// From header.
    pub from: Option<String>,
    /// Subject.
    pub subject: Option<String>,
    /// ESPs the message went through.
    pub sent_via: Vec<SentVia>,
    /// From, Return-Path, DKIM and tracking domains, with their organisational domains.
    pub alignment: Vec<DomainRow>,
    /// SPF, DKIM and DMARC verdicts the receiver reached.
    pub authentication: Option<AuthResults>,
    /// Gmail "Show original" summary, when the input was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub show_original: Option<ShowOriginal>,
    /// A `List-Unsubscribe-Post` header is present.
    pub list_unsubscribe_post: bool,
    /// Parts read.
    pub parts: Vec<PartSummary>,
    /// Every link and pixel.
    pub links: Vec<LinkReport>,
    /// What to act on.
    pub findings: Vec<Finding>,
}

/// Sort key of a part path: `header` before numbered sections, numbers compared as numbers.
pub fn part_key(part: Option<&String>) -> Vec<u32> {
    match part {
        None => Vec::new(),
        Some(p) => p.split('.').map(|c| c.parse::<u32>().map_or(0, |n| n.saturating_add(1))).collect(),
    }
}

impl MessageReport {
    /// A report for input that is not an email: no links, one LA001 finding.
    pub fn unreadable(source: &str, error: &InputError) -> MessageReport {
        MessageReport {
            source: source.to_string(),
            index: 0,
            from: None,
            subject: None,
            sent_via: Vec::new(),
            alignment: Vec::new(),
            authentication: None,
            show_original: None,
            list_unsubscribe_post: false,
            parts: Vec::new(),
            links: Vec::new(),
            findings: vec![rules::at_message(
                &rules::LA001,
                rules::LA001.severity,
                None,
                error.to_string(),
                None,
            )],
        }
    }

    pub(crate) fn build(
        source: &str,
        msg: &RawMessage<'_>,
        parsed: &ParsedMessage,
        extracted: &Extracted,
        links: &[AuditedLink],
        findings: Vec<Finding>,
        catalog: &Catalog,
    ) -> MessageReport {
        let parts = parsed
            .parts
            .iter()
            .map(|p| PartSummary {
                part: p.path.clone(),
                content_type: p.content_type.clone(),
                kind: p.kind,
                charset: p.charset.clone(),
                links: links.iter().filter(|l| l.raw.part == p.path).count(),
            })
            .collect();
        MessageReport {
            source: source.to_string(),
            index: msg.index,
            from: parsed.from.clone(),
            subject: parsed.subject.clone(),
            sent_via: Vec::new(),
            alignment: Vec::new(),
            authentication: None,
            show_original: msg.show_original.clone(),
            list_unsubscribe_post: extracted.list_unsubscribe_post,
            parts,
            links: links.iter().map(|l| link_report(l, catalog)).collect(),
            findings,
        }
        .sorted()
    }

    fn sorted(mut self) -> MessageReport {
        self.sort_findings();
        self
    }

    /// Puts findings in the contract's order: part, line, column, code.
    pub fn sort_findings(&mut self) {
        self.findings.sort_by(|a, b| {
            part_key(a.part.as_ref())
                .cmp(&part_key(b.part.as_ref()))
                .then(a.line.cmp(&b.line))
                .then(a.column.cmp(&b.column))
                .then(a.code.cmp(b.code))
        });
    }

    /// Number of findings at each severity: (errors, warnings, infos).
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |s: Severity| self.findings.iter().filter(|f| f.severity == s).count();
        (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
    }

    /// The most severe finding's severity.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// The source as text formats show it: `file.mbox#3` for mbox messages after the first.
    pub fn display_source(&self) -> String {
        if self.index > 0 {
            format!("{}#{}", self.source, self.index)
        } else {
            self.source.clone()
        }
    }
}

fn link_report(l: &AuditedLink, catalog: &Catalog) -> LinkReport {
    let c = &l.classified;
    let host = crate::classify::host_of(&l.raw.url);
    LinkReport {
        url: l.raw.url.clone(),
        kind: c.kind,
        part: l.raw.part.clone(),
        line: l.raw.line,
        column: l.raw.column,
        judged_host: if c.host != host { c.host.clone() } else { None },
        host,
        hops: l.unwrapped.hops.clone(),
        destination: c.destination.clone(),
        class: c.class,
        esp: c.esp.map(|e| catalog.esps[e].name().to_string()),
        gateway: l.unwrapped.gateway.map(str::to_string),
        role: c.role,
        note: c.destination_note.clone(),
        element: l.raw.element.clone(),
        attribute: l.raw.attribute.clone(),
        mso: l.raw.mso,
        text: l.raw.text.clone(),
    }
}

/// An input that could not be audited at all (unreadable file, not an email).
#[derive(Debug, Clone, Serialize)]
pub struct InputFailure {
    /// Path, or `-`.
    pub source: String,
    /// What went wrong.
    pub message: String,
}

/// Totals of a run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Messages audited.
    pub messages: usize,
    /// Links found.
    pub links: usize,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Info findings.
    pub infos: usize,
    /// Inputs that could not be read.
    pub unreadable: usize,
}

/// A whole run: every message, the inputs that failed, and totals.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Contract version.
    pub version: u32,
    /// Messages, in input order.
    pub messages: Vec<MessageReport>,
    /// Inputs that could not be read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<InputFailure>,
    /// Totals.
    pub summary: Summary,
}

impl Report {
    /// Builds a report and its summary.
    pub fn new(messages: Vec<MessageReport>, errors: Vec<InputFailure>) -> Report {
        let mut summary =
            Summary { messages: messages.len(), unreadable: errors.len(), ..Summary::default() };
        for m in &messages {
            let (e, w, i) = m.counts();
            summary.links += m.links.len();
            summary.errors += e;
            summary.warnings += w;
            summary.infos += i;
        }
        Report { version: 1, messages, errors, summary }
    }
}

#[cfg(test)]
mod tests {
    use super::part_key;

    #[test]
    fn part_order() {
        let mut parts = vec!["2", "10", "1.2", "header", "2.header", "1", "2.1"];
        parts.sort_by_key(|p| part_key(Some(&p.to_string())));
        assert_eq!(parts, ["header", "1", "1.2", "2", "2.header", "2.1", "10"]);
    }
}
