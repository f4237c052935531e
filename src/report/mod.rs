//! Stage 7 (rules → **report**): the report model — the JSON output contract — and its
//! renderers, one per file: [`text`], [`concise`], [`json`], [`json_lines`], [`junit`],
//! [`sarif`], [`github`], [`markdown`].
//!
//! Field names follow ARCHITECTURE.md's contract ("extend freely, rename never"). Order is
//! deterministic: links by part, line, column; findings by part, line, column, code; messages
//! by source and index.

pub mod concise;
pub mod github;
pub mod html;
pub mod json;
pub mod json_lines;
pub mod junit;
pub mod markdown;
pub mod preview;
pub mod redact;
pub mod sanitize;
pub mod sarif;
pub mod tally;
pub mod text;
pub mod untrusted;

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;

use crate::audit::AuditedLink;
use crate::classify::alignment::{AuthResults, DomainRow};
use crate::classify::{same_host, Catalog, Class, Role};
use crate::extract::{Extracted, Kind};
use crate::finding::{Finding, Severity};
use crate::input::{InputError, RawMessage, ShowOriginal};
use crate::message::{ParsedMessage, PartKind};
use crate::rules;
use crate::rules::batch::BatchFinding;
use crate::unwrap::Hop;

/// One link in the report.
#[derive(Debug, Clone, Serialize)]
pub struct LinkReport {
    /// As it appears after MIME and entity decoding.
    pub url: String,
    /// What it is.
    pub kind: Kind,
    /// Section (`1.2`; `header` for the top-level header).
    pub part: Arc<str>,
    /// 1-based line in the decoded part.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// Host of `url`.
    pub host: Option<Arc<str>>,
    /// Redirect layers taken off, outermost first.
    pub hops: Vec<Hop>,
    /// Where the link finally goes; `null` when that cannot be known offline.
    pub destination: Option<String>,
    /// `expected`, `esp-default`, `esp-custom`, `unknown-tracker` or `direct`.
    pub class: Class,
    /// The ESP behind the link.
    pub esp: Option<Arc<str>>,
    /// A known third-party tracker (ad-tech, data beacon) the link is on; the class stays
    /// `direct`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracker: Option<Arc<str>>,
    /// The outermost security gateway or client wrapper.
    pub gateway: Option<Cow<'static, str>>,
    /// `click`, `open`, `unsubscribe` or `asset`.
    pub role: Role,
    /// Host of the URL the class was judged on, when a gateway wraps the link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judged_host: Option<Arc<str>>,
    /// Why `destination` is null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Arc<str>>,
    /// HTML element.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub element: Option<Cow<'static, str>>,
    /// Attribute or header name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute: Option<Cow<'static, str>>,
    /// Inside an Outlook conditional comment.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub mso: bool,
    /// Visible anchor text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Line in the message source where the URL starts (exact for headers, unencoded and
    /// quoted-printable parts; the part's first body line for base64).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<u32>,
    /// Column in the message source, when known (not in a base64 part).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_column: Option<u32>,
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
    /// Where a rebuilt message's body came from (an Outlook `.msg`: `PR_HTML`, compressed RTF…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<&'static str>,
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
    /// The message is one of an mbox's (text formats number it `#1…#N`).
    #[serde(skip)]
    pub mbox: bool,
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
    /// `msg` when the message was rebuilt from an Outlook `.msg` (absent for the text formats,
    /// whose source lines are the file's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<crate::input::Container>,
    /// A `List-Unsubscribe-Post` header is present.
    pub list_unsubscribe_post: bool,
    /// Parts read.
    pub parts: Vec<PartSummary>,
    /// Every link and pixel.
    pub links: Vec<LinkReport>,
    /// What to act on.
    pub findings: Vec<Finding>,
    /// The decoded HTML parts, kept only when [`crate::Options::previews`] asks (never in JSON).
    #[serde(skip)]
    pub previews: Vec<Preview>,
}

/// A decoded HTML part, kept for the HTML report's preview.
#[derive(Debug, Clone)]
pub struct Preview {
    /// Section of the part.
    pub part: String,
    /// The decoded HTML, exactly as the extractor read it (link offsets point into it).
    pub html: String,
}

/// Order of part paths: `header` before numbered sections, numbers compared as numbers, no
/// path first. Allocation-free: it runs inside sorts of every link and finding.
pub fn cmp_parts(a: Option<&str>, b: Option<&str>) -> std::cmp::Ordering {
    fn key(p: Option<&str>) -> impl Iterator<Item = u32> + '_ {
        p.into_iter().flat_map(|p| p.split('.')).map(|c| c.parse::<u32>().map_or(0, |n| n.saturating_add(1)))
    }
    if a == b {
        return std::cmp::Ordering::Equal; // most comparisons: two links of one part
    }
    key(a).cmp(key(b))
}

impl MessageReport {
    /// A report for input that is not an email: no links, one LA001 finding.
    pub fn unreadable(source: &str, error: &InputError) -> MessageReport {
        MessageReport {
            source: source.to_string(),
            index: 0,
            mbox: false,
            from: None,
            subject: None,
            sent_via: Vec::new(),
            alignment: Vec::new(),
            authentication: None,
            show_original: None,
            container: None,
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
            previews: Vec::new(),
        }
    }

    pub(crate) fn build(
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
        // A rebuilt message's lines are not the file's: the part path is the location.
        let rebuilt = msg.container == crate::input::Container::Msg;
        if rebuilt {
            for f in findings.iter_mut() {
                f.source_line = None;
                f.source_column = None;
            }
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
                origin: msg.origins.iter().find(|(q, _)| *q == p.path).map(|(_, o)| *o),
            })
            .collect();
        // Into a new vector rather than collected in place: a link report is smaller than the
        // audited link, and the in-place collect would shrink (copy) the whole buffer afterwards.
        let mut link_reports = Vec::with_capacity(links.len());
        link_reports.extend(links.into_iter().map(|l| {
            let mut r = link_report(l, catalog);
            r.source_line = r.source_line.map(|s| s + msg.line_offset);
            if rebuilt {
                r.source_line = None;
                r.source_column = None;
            }
            r
        }));
        MessageReport {
            source: source.to_string(),
            index: msg.index,
            mbox: msg.container == crate::input::Container::Mbox,
            from: parsed.from.clone(),
            subject: parsed.subject.clone(),
            sent_via: Vec::new(),
            alignment: Vec::new(),
            authentication: None,
            show_original: msg.show_original.clone(),
            container: rebuilt.then_some(msg.container),
            list_unsubscribe_post: extracted.list_unsubscribe_post,
            parts,
            links: link_reports,
            findings,
            previews: Vec::new(),
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
            cmp_parts(a.part.as_deref(), b.part.as_deref())
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

    /// The message's number in its mbox, 1-based (`None` outside an mbox).
    pub fn mbox_number(&self) -> Option<usize> {
        self.mbox.then_some(self.index + 1)
    }

    /// A copy without the HTML previews (a display copy does not need them, and they can be as
    /// large as the message).
    pub fn clone_without_previews(&self) -> MessageReport {
        MessageReport {
            source: self.source.clone(),
            index: self.index,
            from: self.from.clone(),
            subject: self.subject.clone(),
            sent_via: self.sent_via.clone(),
            alignment: self.alignment.clone(),
            authentication: self.authentication.clone(),
            show_original: self.show_original.clone(),
            container: self.container,
            list_unsubscribe_post: self.list_unsubscribe_post,
            parts: self.parts.clone(),
            links: self.links.clone(),
            findings: self.findings.clone(),
            previews: Vec::new(),
            mbox: self.mbox,
        }
    }

    /// The source as text formats show it: `file.mbox#1` … `#N` for the messages of an mbox.
    pub fn display_source(&self) -> String {
        display_source(&self.source, self.mbox_number())
    }
}

/// A message as text formats show it: `file.mbox#3` for the third message of an mbox, the file
/// alone otherwise.
pub fn display_source(source: &str, mbox_number: Option<usize>) -> String {
    match mbox_number {
        Some(n) => format!("{source}#{n}"),
        None => source.to_string(),
    }
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

/// An input that could not be audited at all (unreadable file, not an email).
#[derive(Debug, Clone, Serialize)]
pub struct InputFailure {
    /// Path, or `-`.
    pub source: String,
    /// What went wrong.
    pub message: String,
}

/// A message among the worst of a run.
#[derive(Debug, Clone, Serialize)]
pub struct WorstMessage {
    /// Source.
    pub source: String,
    /// Index in the source.
    pub index: usize,
    /// One of an mbox's messages.
    #[serde(skip)]
    pub mbox: bool,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
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
    /// Findings per rule code.
    pub by_rule: std::collections::BTreeMap<String, usize>,
    /// The messages with the most errors (then warnings), at most five.
    pub worst: Vec<WorstMessage>,
    /// Tracking domains checked.
    #[serde(skip_serializing_if = "is_zero")]
    pub domains: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// How many messages [`Summary::worst`] keeps.
const WORST: usize = 5;

impl Summary {
    /// Counts one message.
    pub fn add(&mut self, m: &MessageReport) {
        let (e, w, i) = m.counts();
        self.messages += 1;
        self.links += m.links.len();
        self.add_findings(&m.findings);
        if e + w > 0 {
            self.worst.push(WorstMessage {
                source: m.source.clone(),
                index: m.index,
                mbox: m.mbox,
                errors: e,
                warnings: w,
            });
            self.worst.sort_by(|a, b| {
                (b.errors, b.warnings)
                    .cmp(&(a.errors, a.warnings))
                    .then(a.source.cmp(&b.source))
                    .then(a.index.cmp(&b.index))
            });
            self.worst.truncate(WORST);
        }
        let _ = i;
    }

    /// Counts one checked domain.
    pub fn add_domain(&mut self, d: &crate::domain::DomainReport) {
        self.domains += 1;
        self.add_findings(&d.findings);
    }

    /// Counts findings (of a message or of the batch).
    pub fn add_findings<'a>(&mut self, findings: impl IntoIterator<Item = &'a Finding>) {
        for f in findings {
            match f.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
            *self.by_rule.entry(f.code.to_string()).or_default() += 1;
        }
    }
}

/// A whole run: every message, the inputs that failed, and totals.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Contract version.
    pub version: u32,
    /// Messages, in input order.
    pub messages: Vec<MessageReport>,
    /// Findings that only the whole run shows (LA206 across messages).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub batch_findings: Vec<BatchFinding>,
    /// Inputs that could not be read.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<InputFailure>,
    /// Tracking domains checked (`linkaudit domain`, `--check-dns`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<crate::domain::DomainReport>,
    /// Totals.
    pub summary: Summary,
}

impl Report {
    /// Builds a report, its batch findings and its summary.
    pub fn new(messages: Vec<MessageReport>, errors: Vec<InputFailure>) -> Report {
        let batch_findings = crate::rules::batch::cross_message(&messages);
        Report::with_batch(messages, batch_findings, errors)
    }

    /// Builds a report from parts already computed.
    pub fn with_batch(
        messages: Vec<MessageReport>,
        batch_findings: Vec<BatchFinding>,
        errors: Vec<InputFailure>,
    ) -> Report {
        let mut summary = Summary { unreadable: errors.len(), ..Summary::default() };
        for m in &messages {
            summary.add(m);
        }
        summary.add_findings(batch_findings.iter().map(|b| &b.finding));
        Report { version: 1, messages, batch_findings, errors, domains: Vec::new(), summary }
    }

    /// Adds checked domains (and their findings to the totals).
    pub fn with_domains(mut self, domains: Vec<crate::domain::DomainReport>) -> Report {
        for d in &domains {
            self.summary.add_domain(d);
        }
        self.domains.extend(domains);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::cmp_parts;

    #[test]
    fn part_order() {
        let mut parts = vec!["2", "10", "1.2", "header", "2.header", "1", "2.1"];
        parts.sort_by(|a, b| cmp_parts(Some(a), Some(b)));
        assert_eq!(cmp_parts(None, Some("header")), std::cmp::Ordering::Less);
        assert_eq!(parts, ["header", "1", "1.2", "2", "2.header", "2.1", "10"]);
    }
}
