//! Report renderer: JSON, the output contract of ARCHITECTURE.md (pretty-printed).

use super::Report;

/// The whole report as pretty JSON, ending with a newline.
pub fn render(report: &Report) -> String {
    let mut s = serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
