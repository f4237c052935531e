//! Report: the totals of a run, kept while its messages stream past — the summary, the
//! cross-message index (LA206), the worst severity and the unreadable inputs — so neither a batch
//! run nor a watched mbox holds every message to finish its report.

use super::{redact, InputFailure, MessageReport, Report, Summary};
use crate::finding::Severity;
use crate::rules::batch::BatchIndex;

/// Running totals of a run.
#[derive(Debug, Default)]
pub struct Tally {
    summary: Summary,
    index: BatchIndex,
    worst: Option<Severity>,
    errors: Vec<InputFailure>,
}

impl Tally {
    /// Counts a message (already redacted when the run redacts).
    pub fn message(&mut self, m: &MessageReport) {
        self.index.add(m);
        self.summary.add(m);
        self.worst = self.worst.max(m.worst());
    }

    /// Records an input that could not be read.
    pub fn error(&mut self, failure: InputFailure) {
        self.errors.push(failure);
    }

    /// The inputs that could not be read so far.
    pub fn errors(&self) -> &[InputFailure] {
        &self.errors
    }

    /// Messages counted so far.
    pub fn messages(&self) -> usize {
        self.summary.messages
    }

    /// The report without its messages (they were written as they came) — batch findings,
    /// errors and summary — and the worst severity of the run, batch findings included.
    pub fn finish(self, redacted: bool) -> (Report, Option<Severity>) {
        let Tally { mut summary, index, worst, errors } = self;
        let mut batch = index.findings();
        if redacted {
            for b in &mut batch {
                redact::finding(&mut b.finding);
            }
        }
        let worst = worst.max(batch.iter().map(|b| b.finding.severity).max());
        summary.add_findings(batch.iter().map(|b| &b.finding));
        summary.unreadable = errors.len();
        let report = Report {
            version: 1,
            messages: Vec::new(),
            batch_findings: batch,
            errors,
            domains: Vec::new(),
            summary,
        };
        (report, worst)
    }
}
