//! Report renderer: text — grouped per message, each finding with its location, the URL and the
//! hint, then a summary. Findings that repeat (same rule, message and hint) are shown once with
//! all their locations. Colour only when asked for; untrusted text is always sanitised (the
//! report is rendered from [`sanitize::message`]'s and [`sanitize::rest`]'s display copies).

use std::collections::BTreeMap;
use std::fmt::Write;

use super::display_source;
use super::sanitize;
use super::{MessageReport, Report};
use crate::finding::{Finding, Severity};

/// ANSI styling, on or off.
#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn wrap(self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn dim(self, s: &str) -> String {
        self.wrap("2", s)
    }
    fn severity(self, sev: Severity, s: &str) -> String {
        match sev {
            Severity::Error => self.wrap("1;31", s),
            Severity::Warning => self.wrap("1;33", s),
            Severity::Info => self.wrap("1;36", s),
        }
    }
    fn green(self, s: &str) -> String {
        self.wrap("1;32", s)
    }
}

/// Longest URL shown in full on a `url:` line; longer ones keep their start and end.
const MAX_URL: usize = 160;
/// Locations listed for a repeated finding before "and N more".
const MAX_LOCATIONS: usize = 6;

/// The report as text for a terminal or a log; `color` turns ANSI colours on.
pub fn render(report: &Report, color: bool) -> String {
    let mut out = String::new();
    for (i, m) in report.messages.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&render_message(m, color));
    }
    out.push_str(&render_tail(report, color));
    out
}

/// One message's section (streamed by batch runs).
pub fn render_message(m: &MessageReport, color: bool) -> String {
    let mut out = String::new();
    message(&mut out, &sanitize::message(m), Paint(color));
    out
}

/// What follows the messages: batch findings, unreadable inputs and the summary.
pub fn render_tail(report: &Report, color: bool) -> String {
    let p = Paint(color);
    let mut out = String::new();
    let messages = !report.messages.is_empty();
    let report = &*sanitize::rest(report);
    for (i, d) in report.domains.iter().enumerate() {
        if i > 0 || messages {
            out.push('\n');
        }
        domain(&mut out, d, p);
    }
    if !report.batch_findings.is_empty() {
        let _ = writeln!(out, "\n{}", p.bold("Across messages:"));
        let mut hints = Vec::new();
        for b in &report.batch_findings {
            let _ = writeln!(out, "  {}", display_source(&b.source, b.mbox_number()));
            finding(&mut out, vec![&b.finding], p, &mut hints);
        }
    }
    for e in &report.errors {
        let _ =
            writeln!(out, "\n{} {}: {}", p.severity(Severity::Error, "error[LA001]"), e.source, e.message);
    }
    let s = &report.summary;
    if s.messages > 1 && !s.by_rule.is_empty() {
        let rules: Vec<String> = s.by_rule.iter().map(|(code, n)| format!("{code} ×{n}")).collect();
        let _ = writeln!(out, "\n{} {}", p.bold("by rule:"), rules.join(", "));
        let worst: Vec<String> = s
            .worst
            .iter()
            .map(|w| {
                format!(
                    "{} ({} error{}, {} warning{})",
                    display_source(&w.source, w.mbox.then_some(w.index + 1)),
                    w.errors,
                    plural(w.errors),
                    w.warnings,
                    plural(w.warnings)
                )
            })
            .collect();
        if !worst.is_empty() {
            let _ = writeln!(out, "{} {}", p.bold("worst:"), worst.join(", "));
        }
    }
    let mut checked = Vec::new();
    if s.domains > 0 {
        checked.push(format!("{} domain{}", s.domains, plural(s.domains)));
    }
    if s.messages > 0 || s.domains == 0 {
        checked.push(format!(
            "{} message{}, {} link{}",
            s.messages,
            plural(s.messages),
            s.links,
            plural(s.links)
        ));
    }
    let _ = writeln!(
        out,
        "\n{} {} · {} · {} · {}{}",
        p.bold("summary:"),
        checked.join(" · "),
        p.severity(Severity::Error, &format!("{} error{}", s.errors, plural(s.errors))),
        p.severity(Severity::Warning, &format!("{} warning{}", s.warnings, plural(s.warnings))),
        p.severity(Severity::Info, &format!("{} info", s.infos)),
        if s.unreadable > 0 {
            format!(" · {} unreadable input{}", s.unreadable, plural(s.unreadable))
        } else {
            String::new()
        },
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

fn message(out: &mut String, m: &MessageReport, p: Paint) {
    let _ = writeln!(out, "{}", p.bold(&m.display_source()));
    let mut head = Vec::new();
    if let Some(from) = &m.from {
        head.push(format!("From: {}", from));
    }
    if let Some(subject) = &m.subject {
        head.push(format!("Subject: {}", subject));
    }
    if !head.is_empty() {
        let _ = writeln!(out, "  {}", head.join(" · "));
    }
    if m.container == Some(crate::input::Container::Msg) {
        // The rebuilt message's lines are not the file's: its parts are the locations.
        let parts: Vec<String> = m
            .parts
            .iter()
            .filter_map(|x| {
                x.origin.map(|o| format!("part {} {}", x.part, o.trim_start_matches("Outlook .msg ")))
            })
            .collect();
        let parts = if parts.is_empty() { String::new() } else { format!(": {}", parts.join(", ")) };
        let _ = writeln!(out, "  Outlook .msg{parts} (locations are in these parts, not file lines)");
    }
    if !m.sent_via.is_empty() {
        let via: Vec<String> = m.sent_via.iter().map(|s| format!("{} ({})", s.esp, s.evidence)).collect();
        let _ = writeln!(out, "  Sent via: {}", via.join(", "));
    }
    if let Some(a) = &m.authentication {
        let rows: Vec<String> = [("SPF", &a.spf), ("DKIM", &a.dkim), ("DMARC", &a.dmarc)]
            .iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} {}", v)))
            .collect();
        let _ = writeln!(out, "  Authentication: {} (per {})", rows.join(" · "), a.source);
    }
    alignment(out, m, p);
    let mut by_class: BTreeMap<&str, usize> = BTreeMap::new();
    for l in &m.links {
        *by_class.entry(l.class.as_str()).or_default() += 1;
    }
    let classes: Vec<String> = by_class.iter().map(|(c, n)| format!("{n} {c}")).collect();
    let _ = writeln!(
        out,
        "  Links: {}{}",
        m.links.len(),
        if classes.is_empty() { String::new() } else { format!(" ({})", classes.join(", ")) }
    );
    let mut hints_shown: Vec<&str> = Vec::new();
    for group in group_findings(&m.findings) {
        finding(out, group, p, &mut hints_shown);
    }
    let (e, w, i) = m.counts();
    if m.findings.is_empty() {
        let _ = writeln!(out, "  {} no findings", p.green("✔"));
    } else {
        let mark = p.severity(m.worst().unwrap_or(Severity::Info), if e > 0 { "✖" } else { "!" });
        let _ = writeln!(out, "\n  {mark} {e} error{} · {w} warning{} · {i} info", plural(e), plural(w),);
    }
}

/// A checked tracking domain: its facts, then its findings.
fn domain(out: &mut String, d: &crate::domain::DomainReport, p: Paint) {
    let _ = writeln!(out, "{}", p.bold(&d.host));
    for (label, text) in d.facts() {
        let _ = writeln!(out, "  {:<10} {}", format!("{label}:"), text);
    }
    let mut hints_shown: Vec<&str> = Vec::new();
    for group in group_findings(&d.findings) {
        finding(out, group, p, &mut hints_shown);
    }
    if d.findings.is_empty() {
        let _ = writeln!(out, "  {} no findings", p.green("✔"));
    }
}

/// The domain table: each domain, its organisational domain, and whether it is aligned with From.
fn alignment(out: &mut String, m: &MessageReport, p: Paint) {
    if m.alignment.len() < 2 {
        return;
    }
    let width = m.alignment.iter().map(|r| r.domain.chars().count()).max().unwrap_or(0).min(48);
    let _ = writeln!(
        out,
        "  {}",
        p.dim(&format!(
            "{:<20} {:<width$}  {:<24} {}",
            "Domains",
            "",
            "organisation",
            "vs From",
            width = width
        ))
    );
    for r in &m.alignment {
        let role = match &r.selector {
            Some(s) => format!("{} (s={})", r.role.label(), s),
            None => r.role.label().to_string(),
        };
        let aligned = match (r.role, r.aligned) {
            (crate::classify::alignment::DomainRole::From, _) => String::new(),
            (_, Some(true)) => p.green("aligned"),
            (_, Some(false)) => p.severity(Severity::Warning, "not aligned"),
            (_, None) => p.dim("unknown"),
        };
        let row = format!(
            "    {:<18} {:<width$}  {:<24} {}",
            role,
            r.domain,
            r.org.as_deref().unwrap_or("?"),
            aligned,
            width = width
        );
        let _ = writeln!(out, "{}", row.trim_end());
    }
}

/// Findings with the same code, message and hint, in first-seen order.
fn group_findings(findings: &[Finding]) -> Vec<Vec<&Finding>> {
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    for f in findings {
        match groups
            .iter_mut()
            .find(|g| g[0].code == f.code && g[0].message == f.message && g[0].hint == f.hint)
        {
            Some(g) => g.push(f),
            None => groups.push(vec![f]),
        }
    }
    groups
}

fn finding<'a>(out: &mut String, group: Vec<&'a Finding>, p: Paint, hints_shown: &mut Vec<&'a str>) {
    let f = group[0];
    let label = format!("{}[{}]", f.severity.as_str(), f.code);
    let times = if group.len() > 1 { format!(" (×{})", group.len()) } else { String::new() };
    let _ = writeln!(out, "\n  {} {}{}", p.severity(f.severity, &label), f.message, times);
    let locations: Vec<String> = group.iter().filter_map(|f| location(f)).collect();
    if !locations.is_empty() {
        let shown: Vec<&str> = locations.iter().take(MAX_LOCATIONS).map(String::as_str).collect();
        let more = locations.len().saturating_sub(MAX_LOCATIONS);
        let tail = if more > 0 { format!(", and {more} more") } else { String::new() };
        let _ = writeln!(out, "    {} {}{tail}", p.dim("-->"), shown.join(", "));
    }
    if let Some(url) = &f.url {
        let _ = writeln!(out, "    {} {}", p.dim("url:"), shorten(url));
    }
    if let Some(hint) = &f.hint {
        if hints_shown.contains(&hint.as_str()) {
            let _ = writeln!(out, "    {} as above", p.dim("hint:"));
        } else {
            hints_shown.push(hint);
            let _ = writeln!(out, "    {} {}", p.dim("hint:"), hint);
        }
    }
}

fn location(f: &Finding) -> Option<String> {
    match (&f.part, f.line, f.column) {
        (Some(part), Some(l), Some(c)) if part.ends_with("header") => {
            Some(format!("{part} line {l}, column {c}"))
        }
        (Some(part), Some(l), Some(c)) => Some(format!("part {part} line {l}, column {c}")),
        (Some(part), _, _) => Some(format!("part {part}")),
        _ => None,
    }
}

fn shorten(url: &str) -> std::borrow::Cow<'_, str> {
    sanitize::cut(url, MAX_URL)
}
