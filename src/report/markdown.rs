//! Report renderer: Markdown — a table per message, for a pull-request comment or a ticket.
//!
//! Posted as a comment, Markdown is live: an image is fetched (the sender's pixel fires), a link
//! is clickable, an `@name` pings someone. So every string from the message (Subject, file names,
//! finding messages, URLs, a domain's DNS, TLS and HTTP answers) is sanitised
//! ([`super::sanitize`]) and written in a code span, where Markdown recognises nothing; the
//! remaining text (hints) has its Markdown characters escaped.

use std::fmt::Write;

use super::{sanitize, Report};
use crate::finding::{Finding, Severity};

/// The report as Markdown.
pub fn render(report: &Report) -> String {
    let rest = sanitize::rest(report);
    let s = &rest.summary;
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
        let m = sanitize::message(m);
        let title = match &m.subject {
            Some(subj) => format!("{} — {}", code(&m.display_source()), code(subj)),
            None => code(&m.display_source()),
        };
        let _ = writeln!(out, "\n### {title}\n");
        let origins: Vec<String> = m
            .parts
            .iter()
            .filter_map(|p| {
                p.origin.map(|o| format!("part {} {}", p.part, text(o.trim_start_matches("Outlook .msg "))))
            })
            .collect();
        if !origins.is_empty() {
            // A rebuilt message (an Outlook .msg): its parts are the locations, not file lines.
            let _ = writeln!(out, "Read from an Outlook .msg: {}.\n", origins.join(", "));
        }
        if !m.sent_via.is_empty() {
            let via: Vec<String> = m.sent_via.iter().map(|v| text(&v.esp)).collect();
            let _ = writeln!(out, "Sent via {}.\n", via.join(", "));
        }
        if m.findings.is_empty() {
            let _ = writeln!(out, "✅ No findings in {} links.", m.links.len());
            continue;
        }
        table(&mut out, m.findings.iter());
        hints(&mut out, m.findings.iter());
    }
    for d in &rest.domains {
        let _ = writeln!(out, "\n### Tracking domain {}\n", code(&d.host));
        for (label, value) in d.facts() {
            let _ = writeln!(out, "- **{label}**: {}", code(&value));
        }
        out.push('\n');
        if d.findings.is_empty() {
            let _ = writeln!(out, "✅ No findings.");
            continue;
        }
        table(&mut out, d.findings.iter());
        hints(&mut out, d.findings.iter());
    }
    if !rest.batch_findings.is_empty() {
        out.push_str("\n### Across messages\n\n");
        table(&mut out, rest.batch_findings.iter().map(|b| &b.finding));
    }
    if !rest.errors.is_empty() {
        out.push_str("\n### Unreadable inputs\n\n");
        for e in &rest.errors {
            let _ = writeln!(out, "- {}: {}", code(&e.source), code(&e.message));
        }
    }
    out
}

/// Longest URL shown in the table, in characters (cut around a `…`; the JSON report has it whole).
const MAX_URL: usize = 100;

fn table<'a>(out: &mut String, findings: impl Iterator<Item = &'a Finding>) {
    out.push_str("| | rule | finding | URL | where |\n|---|---|---|---|---|\n");
    for f in findings {
        // A code span: never a live link (a click would count, an image would load).
        let url = f.url.as_deref().map(|u| cell_code(&sanitize::cut(u, MAX_URL))).unwrap_or_default();
        let at = match (&f.part, f.line, f.column) {
            (Some(p), Some(l), Some(c)) => format!("part {p} {l}:{c}"),
            (Some(p), _, _) => format!("part {p}"),
            _ => "message".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {} `{}` | {} | {url} | {} |",
            icon(f.severity),
            f.code,
            f.name,
            cell_code(&f.message),
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
        let _ = writeln!(out, "- **{c}**: {}", text(h));
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

/// Text with every character that Markdown (or the HTML it allows) could read as syntax
/// escaped, on one line.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '#' | '~' | '|' | '<' | '>' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `s` as a code span, where Markdown recognises no link, image, mention or HTML: fenced with
/// one more backtick than its longest run of them.
fn code(s: &str) -> String {
    span(s.replace(['\r', '\n'], " "))
}

/// `s` as a code span in a table cell: a `|` would end the cell even there, so it is escaped
/// (GFM reads `\|` as a pipe inside the cell, whatever precedes it).
fn cell_code(s: &str) -> String {
    span(s.replace(['\r', '\n'], " ").replace('|', "\\|"))
}

fn span(s: String) -> String {
    if s.is_empty() {
        return String::new();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick needs a space inside its fences; so does one
    // that starts and ends with a space (CommonMark strips one of each).
    let pad = if s.starts_with('`') || s.ends_with('`') || (s.starts_with(' ') && s.ends_with(' ')) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::super::untrusted::hostile;
    use super::{cell_code, code, render, text};

    /// Issue 16, item 3: images, links, mentions and HTML from the message stay inert.
    #[test]
    fn message_text_is_not_live_markdown() {
        let live = "![p](https://evil.example/p.gif) [x](https://evil.example/) @octocat <img src=x> `a` | b";
        let mut r = hostile::report();
        r.messages[0].source = "m.eml".into();
        r.messages[0].subject = Some(live.into());
        r.messages[0].findings[0].message = live.into();
        let out = render(&r);
        assert!(out.contains(&format!("### `m.eml` — ``{live}``\n")), "{out}");
        assert!(out.contains("| ``![p](https://evil.example/p.gif) [x](https://evil.example/) @octocat <img src=x> `a` \\| b`` |"), "{out}");
        // Outside code spans, nothing of it is left.
        let outside: String = out.split("``").step_by(2).collect::<Vec<_>>().join(" ");
        for bad in ["![p]", "[x](", "@octocat", "<img"] {
            assert!(!outside.contains(bad), "{bad} is live in {out}");
        }
    }

    #[test]
    fn spans_and_escapes() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(cell_code("a|b"), "`a\\|b`");
        assert_eq!(text("![x](y) @z <b>"), "\\!\\[x\\]\\(y\\) @z \\<b\\>");
    }
}
