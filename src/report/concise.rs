//! Report renderer: concise — one line per finding, `path:part:line:col: CODE [severity]
//! message` (`path: CODE …` for findings about the whole message).

use std::fmt::Write;

use super::sanitize;
use super::{MessageReport, Report};
use crate::finding::Finding;

/// One line per finding and per unreadable input.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for m in &report.messages {
        out.push_str(&render_message(m));
    }
    out.push_str(&render_tail(report));
    out
}

/// The lines of one message.
pub fn render_message(m: &MessageReport) -> String {
    let mut out = String::new();
    let m = sanitize::message(m);
    let source = m.display_source();
    for f in &m.findings {
        line(&mut out, &source, f);
    }
    out
}

/// Batch findings and unreadable inputs.
pub fn render_tail(report: &Report) -> String {
    let mut out = String::new();
    let report = &*sanitize::rest(report);
    for d in &report.domains {
        for f in &d.findings {
            line(&mut out, &d.host, f);
        }
    }
    for b in &report.batch_findings {
        let source = if b.index > 0 { format!("{}#{}", b.source, b.index) } else { b.source.clone() };
        line(&mut out, &source, &b.finding);
    }
    for e in &report.errors {
        let _ = writeln!(out, "{}: LA001 [error] {}", e.source, e.message);
    }
    out
}

fn line(out: &mut String, source: &str, f: &Finding) {
    let location = match (&f.part, f.line, f.column) {
        (Some(p), Some(l), Some(c)) => format!("{source}:{p}:{l}:{c}"),
        (Some(p), _, _) => format!("{source}:{p}"),
        _ => source.to_string(),
    };
    let _ = writeln!(out, "{location}: {} [{}] {}", f.code, f.severity.as_str(), f.message);
}
