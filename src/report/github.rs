//! Report renderer: GitHub Actions workflow commands — `::error file=…,line=…,title=…::message`
//! per finding (`::warning`, `::notice` for the milder ones), which GitHub shows as annotations
//! on the message files. Untrusted text is sanitised ([`super::sanitize`]): a CI log is a
//! terminal too.

use std::fmt::Write;

use super::{sanitize, MessageReport, Report};
use crate::finding::{Finding, Severity};

/// Every annotation of a report.
pub fn render(report: &Report) -> String {
    let mut out: String = report.messages.iter().map(render_message).collect();
    out.push_str(&render_tail(report));
    out
}

/// The annotations of one message.
pub fn render_message(m: &MessageReport) -> String {
    let mut out = String::new();
    let m = sanitize::message(m);
    for f in &m.findings {
        annotation(&mut out, &m.source, m.mbox_number(), f);
    }
    out
}

/// Batch findings and unreadable inputs.
pub fn render_tail(report: &Report) -> String {
    let mut out = String::new();
    let report = &*sanitize::rest(report);
    for d in &report.domains {
        for f in &d.findings {
            domain_annotation(&mut out, &d.host, f);
        }
    }
    for b in &report.batch_findings {
        annotation(&mut out, &b.source, b.mbox_number(), &b.finding);
    }
    for e in &report.errors {
        let _ = writeln!(
            out,
            "::error file={},title=LA001 unreadable-input::{}",
            property(&e.source),
            data(&e.message)
        );
    }
    out
}

fn annotation(out: &mut String, source: &str, mbox: Option<usize>, f: &Finding) {
    let command = command(f.severity);
    let line = match (f.source_line, f.source_column) {
        (Some(l), Some(c)) => format!(",line={l},col={c}"),
        (Some(l), None) => format!(",line={l}"),
        _ => String::new(),
    };
    let at = match (&f.part, f.line, f.column) {
        (Some(p), Some(l), Some(c)) => format!(" [part {p} {l}:{c}]"),
        _ => String::new(),
    };
    let mbox = mbox.map(|n| format!(" [message #{n}]")).unwrap_or_default();
    let hint = f.hint.as_deref().map(|h| format!("\nFix: {h}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "::{command} file={}{line},title={}::{}",
        property(source),
        property(&format!("{} {}", f.code, f.name)),
        data(&format!("{}{at}{mbox}{hint}", f.message))
    );
}

/// A tracking domain's finding: not tied to a file, so GitHub shows it on the run.
fn domain_annotation(out: &mut String, host: &str, f: &Finding) {
    let hint = f.hint.as_deref().map(|h| format!("\nFix: {h}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "::{} title={}::{}",
        command(f.severity),
        property(&format!("{} {} ({host})", f.code, f.name)),
        data(&format!("{}{hint}", f.message))
    );
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escapes a command's message (GitHub's `escapeData`).
fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a command property (GitHub's `escapeProperty`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
