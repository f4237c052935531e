//! The data model: the audit of one message ([`MessageReport`], part of the JSON contract), its
//! parts, and the order its links and findings are kept in.

use serde::Serialize;

use crate::classify::alignment::{AuthResults, DomainRow};
use crate::classify::SentVia;
use crate::finding::registry::{at_message, LA001};
use crate::finding::{Finding, Severity};
use crate::input::{InputError, ShowOriginal};
use crate::message::PartKind;

use super::LinkReport;

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
            list_unsubscribe_post: false,
            parts: Vec::new(),
            links: Vec::new(),
            findings: vec![at_message(&LA001, LA001.severity, None, error.to_string(), None)],
            previews: Vec::new(),
        }
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
