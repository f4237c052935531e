//! The data model: a whole run ([`Report`], the top of the JSON contract) — every message, the
//! findings only the batch shows, the inputs that failed, the domains checked, and totals.

use serde::Serialize;

use crate::domain::DomainReport;
use crate::finding::{Finding, Severity};

use super::MessageReport;

/// A finding about one message that only a batch can see.
#[derive(Debug, Clone, Serialize)]
pub struct BatchFinding {
    /// The message's source.
    pub source: String,
    /// Its index in the source.
    pub index: usize,
    /// One of an mbox's messages.
    #[serde(skip)]
    pub mbox: bool,
    /// The finding.
    #[serde(flatten)]
    pub finding: Finding,
}

impl BatchFinding {
    /// The message's number in its mbox, 1-based (`None` outside an mbox).
    pub fn mbox_number(&self) -> Option<usize> {
        self.mbox.then_some(self.index + 1)
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
    pub fn add_domain(&mut self, d: &DomainReport) {
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
    pub domains: Vec<DomainReport>,
    /// Totals.
    pub summary: Summary,
}

impl Report {
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
    pub fn with_domains(mut self, domains: Vec<DomainReport>) -> Report {
        for d in &domains {
            self.summary.add_domain(d);
        }
        self.domains.extend(domains);
        self
    }
}
