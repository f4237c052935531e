//! Report renderer: JSON Lines — one object per line, streamed: `{"type": "message", …}` per
//! audited message (the fields of a `messages[]` entry), `{"type": "domain", …}` per checked
//! tracking domain, then `{"type": "finding", …}` per batch
//! finding, `{"type": "error", …}` per unreadable input and a closing `{"type": "summary", …}`.

use serde::Serialize;

use super::{MessageReport, Report};

#[derive(Serialize)]
struct Line<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(flatten)]
    data: &'a T,
}

fn line<T: Serialize>(kind: &'static str, data: &T) -> String {
    let mut s = super::json::to_string(&Line { kind, data }).unwrap_or_default();
    s.push('\n');
    s
}

/// Every line of a report.
pub fn render(report: &Report) -> String {
    let mut out: String = report.messages.iter().map(render_message).collect();
    out.push_str(&render_tail(report));
    out
}

/// The line of one message.
pub fn render_message(m: &MessageReport) -> String {
    line("message", m)
}

/// Batch findings, unreadable inputs and the summary.
pub fn render_tail(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.domains {
        out.push_str(&line("domain", d));
    }
    for b in &report.batch_findings {
        out.push_str(&line("finding", b));
    }
    for e in &report.errors {
        out.push_str(&line("error", e));
    }
    out.push_str(&line("summary", &report.summary));
    out
}
