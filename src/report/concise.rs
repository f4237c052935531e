//! Report renderer: concise — one line per finding in the `path:LINE:COL: CODE [severity]
//! message` convention of compilers and linters, so editors and CI problem matchers open the
//! message file at the finding. LINE and COL are the message file's (see
//! [`crate::message::source`]; column 1 where only the line is known, as in a base64 part, and
//! the message's first line for findings about the whole message); where the finding is in the
//! decoded part, and which message of an mbox, follow the message in parentheses. The last line
//! counts the findings.

use std::fmt::Write;

use super::sanitize::{self, terminal};
use super::{MessageReport, Report};
use crate::finding::Finding;

/// One line per finding and per unreadable input, then the count.
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
    for f in &m.findings {
        line(&mut out, &m.source, m.mbox_number(), f);
    }
    out
}

/// Batch findings, unreadable inputs and the count.
pub fn render_tail(report: &Report) -> String {
    let mut out = String::new();
    let report = &*sanitize::rest(report);
    for d in &report.domains {
        for f in &d.findings {
            let _ = writeln!(
                out,
                "{}: {} [{}] {}",
                terminal(&d.host),
                f.code,
                f.severity.as_str(),
                terminal(&f.message)
            );
        }
    }
    for b in &report.batch_findings {
        line(&mut out, &b.source, b.mbox_number(), &b.finding);
    }
    for e in &report.errors {
        let _ = writeln!(out, "{}: LA001 [error] {}", e.source, e.message);
    }
    let s = &report.summary;
    let total = s.errors + s.warnings + s.infos;
    let mut scope = Vec::new();
    if s.domains > 0 {
        scope.push(format!("{} domain{}", s.domains, plural(s.domains)));
    }
    if s.messages > 0 || s.domains == 0 {
        scope.push(format!("{} message{}", s.messages, plural(s.messages)));
    }
    let _ = writeln!(
        out,
        "Found {total} finding{} ({} error{}, {} warning{}, {} info) in {}.",
        plural(total),
        s.errors,
        plural(s.errors),
        s.warnings,
        plural(s.warnings),
        s.infos,
        scope.join(" and ")
    );
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn line(out: &mut String, source: &str, mbox: Option<usize>, f: &Finding) {
    let (l, c) = (f.source_line.unwrap_or(1), f.source_column.unwrap_or(1));
    let mut at = Vec::new();
    if let Some(n) = mbox {
        at.push(format!("message #{n}"));
    }
    match (&f.part, f.line, f.column) {
        (Some(p), Some(l), Some(c)) if !p.ends_with("header") => at.push(format!("part {p} line {l}:{c}")),
        (Some(p), None, _) if !p.ends_with("header") => at.push(format!("part {p}")),
        _ => {}
    }
    let at = if at.is_empty() { String::new() } else { format!(" ({})", at.join(", ")) };
    let _ = writeln!(
        out,
        "{}:{l}:{c}: {} [{}] {}{}",
        terminal(source),
        f.code,
        f.severity.as_str(),
        terminal(&f.message),
        terminal(&at)
    );
}
