//! Report renderer: concise — one line per finding, `path:part:line:col: CODE message`
//! (`path: CODE message` for findings about the whole message).

use std::fmt::Write;

use super::sanitize::terminal;
use super::Report;

/// One line per finding and per unreadable input.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for m in &report.messages {
        let source = m.display_source();
        for f in &m.findings {
            let location = match (&f.part, f.line, f.column) {
                (Some(p), Some(l), Some(c)) => format!("{source}:{p}:{l}:{c}"),
                (Some(p), _, _) => format!("{source}:{p}"),
                _ => source.clone(),
            };
            let _ = writeln!(
                out,
                "{}: {} [{}] {}",
                terminal(&location),
                f.code,
                f.severity.as_str(),
                terminal(&f.message)
            );
        }
    }
    for e in &report.errors {
        let _ = writeln!(out, "{}: LA001 [error] {}", terminal(&e.source), terminal(&e.message));
    }
    out
}
