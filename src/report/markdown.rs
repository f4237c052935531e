//! Report renderer: Markdown — a table per message, for a pull-request comment or a ticket.

use std::fmt::Write;

use super::Report;
use crate::finding::{Finding, Severity};

/// The report as Markdown.
pub fn render(report: &Report) -> String {
    let s = &report.summary;
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut what = Vec::new();
    if s.domains > 0 {
        what.push(format!("{} domain{}", s.domains, plural(s.domains)));
    }
    if s.messages > 0 || s.domains == 0 {
        what.push(format!("{} message{}, {} links", s.messages, plural(s.messages), s.links));
    }
    let mut out = format!(
        "## linkaudit: {} — {} {} error{}, {} {} warning{}, {} {} info\n",
        what.join(", "),
        icon(Severity::Error),
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        icon(Severity::Warning),
        s.warnings,
        if s.warnings == 1 { "" } else { "s" },
        icon(Severity::Info),
        s.infos,
    );
    for m in &report.messages {
        let title = match &m.subject {
            Some(subj) => format!("`{}` — {}", code(&m.display_source()), cell(subj)),
            None => format!("`{}`", code(&m.display_source())),
        };
        let _ = writeln!(out, "\n### {title}\n");
        if !m.sent_via.is_empty() {
            let via: Vec<&str> = m.sent_via.iter().map(|v| v.esp.as_str()).collect();
            let _ = writeln!(out, "Sent via {}.\n", via.join(", "));
        }
        if m.findings.is_empty() {
            let _ = writeln!(out, "✅ No findings in {} links.", m.links.len());
            continue;
        }
        table(&mut out, m.findings.iter());
        hints(&mut out, m.findings.iter());
    }
    for d in &report.domains {
        let _ = writeln!(out, "\n### Tracking domain `{}`\n", code(&d.host));
        for (label, text) in d.facts() {
            let _ = writeln!(out, "- **{label}**: {}", cell(&text));
        }
        out.push('\n');
        if d.findings.is_empty() {
            let _ = writeln!(out, "✅ No findings.");
            continue;
        }
        table(&mut out, d.findings.iter());
        hints(&mut out, d.findings.iter());
    }
    if !report.batch_findings.is_empty() {
        out.push_str("\n### Across messages\n\n");
        table(&mut out, report.batch_findings.iter().map(|b| &b.finding));
    }
    if !report.errors.is_empty() {
        out.push_str("\n### Unreadable inputs\n\n");
        for e in &report.errors {
            let _ = writeln!(out, "- `{}`: {}", code(&e.source), cell(&e.message));
        }
    }
    out
}

fn table<'a>(out: &mut String, findings: impl Iterator<Item = &'a Finding>) {
    out.push_str("| | rule | finding | where |\n|---|---|---|---|\n");
    for f in findings {
        let at = match (&f.part, f.line, f.column) {
            (Some(p), Some(l), Some(c)) => format!("part {p} {l}:{c}"),
            (Some(p), _, _) => format!("part {p}"),
            _ => "message".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {} `{}` | {} | {} |",
            icon(f.severity),
            f.code,
            f.name,
            cell(&f.message),
            at
        );
    }
}

/// Each distinct hint once, under the table.
fn hints<'a>(out: &mut String, findings: impl Iterator<Item = &'a Finding>) {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for f in findings {
        if let Some(h) = f.hint.as_deref() {
            if !seen.iter().any(|(_, s)| *s == h) {
                seen.push((f.code, h));
            }
        }
    }
    if seen.is_empty() {
        return;
    }
    out.push_str("\n<details><summary>How to fix</summary>\n\n");
    for (c, h) in seen {
        let _ = writeln!(out, "- **{c}**: {}", cell(h));
    }
    out.push_str("\n</details>\n");
}

fn icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "❌",
        Severity::Warning => "⚠️",
        Severity::Info => "ℹ️",
    }
}

/// Text safe in a table cell: pipes escaped, HTML and line breaks neutralised.
fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\r', '\n'], " ")
}

/// Text safe inside a code span.
fn code(s: &str) -> String {
    s.replace('`', "'").replace(['\r', '\n'], " ")
}
