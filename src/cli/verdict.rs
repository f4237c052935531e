//! CLI (watch): the verdict lines a watch prints — one per message (✔/✖, source, counts, the
//! first of the worst findings) or one JSON object per message with `--format json-lines`, and
//! one line for what could not be audited — shared by the watched folder and the watched mailbox.

use std::io::{IsTerminal, Write};

use linkaudit::report::{self, MessageReport};
use linkaudit::Severity;

use super::args::{ColorWhen, WatchFormat};
use super::output::Exit;

/// How verdicts are written.
pub struct Verdicts {
    pub format: WatchFormat,
    pub color: bool,
    pub threshold: Option<Severity>,
}

impl Verdicts {
    pub fn new(format: WatchFormat, color: ColorWhen, threshold: Option<Severity>) -> Verdicts {
        let color = match color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        Verdicts { format, color, threshold }
    }

    /// Has the message a finding at or above `--fail-on`?
    pub fn failed(&self, m: &MessageReport) -> bool {
        self.threshold.is_some_and(|t| m.worst().is_some_and(|s| s >= t))
    }

    pub fn mark(&self, failed: bool) -> &'static str {
        match (failed, self.color) {
            (true, true) => "\x1b[1;31m✖\x1b[0m",
            (true, false) => "✖",
            (false, true) => "\x1b[1;32m✔\x1b[0m",
            (false, false) => "✔",
        }
    }

    /// A message's verdict line (or JSON object).
    pub fn verdict(&self, m: &MessageReport) -> String {
        if self.format == WatchFormat::JsonLines {
            let style = report::format::Style { format: report::format::Format::JsonLines, color: false };
            return style.message(m);
        }
        let (e, w, i) = m.counts();
        let mark = self.mark(self.failed(m));
        let m = report::sanitize::message(m);
        let worst = m
            .worst()
            .and_then(|s| m.findings.iter().find(|f| f.severity == s))
            .map(|f| format!(" · {} {}", f.code, f.message))
            .unwrap_or_default();
        format!(
            "{mark} {}  {} links · {e} error{} · {w} warning{} · {i} info{worst}\n",
            report::sanitize::terminal(&m.display_source()),
            m.links.len(),
            if e == 1 { "" } else { "s" },
            if w == 1 { "" } else { "s" },
        )
    }

    /// The line for a source that could not be audited.
    pub fn error_line(&self, source: &str, message: &str) -> String {
        if self.format == WatchFormat::JsonLines {
            let v = serde_json::json!({ "type": "error", "source": source, "message": message });
            return format!("{}\n", report::json::to_string(&v).unwrap_or_default());
        }
        format!("✖ {}  cannot audit: {}\n", show(source), show(message))
    }

    /// Writes to stdout at once: `Err(Clean)` for a closed pipe, `Err(Error)` when it fails.
    pub fn print(&self, text: &str) -> Result<(), Exit> {
        let mut out = std::io::stdout().lock();
        match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Exit::Clean),
            Err(e) => {
                eprintln!("linkaudit: error: cannot write: {e}");
                Err(Exit::Error)
            }
        }
    }
}

/// Untrusted text (a file name, a server's answer) made safe for the terminal.
pub fn show(s: &str) -> std::borrow::Cow<'_, str> {
    report::sanitize::display(s)
}
