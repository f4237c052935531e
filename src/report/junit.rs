//! Report renderer: JUnit XML — one `<testsuite>` per message, one `<testcase>` per rule. Findings
//! at or above the failure threshold are `<failure>`s; the others are listed in the testcase's
//! `<system-out>`. An unreadable input is a testsuite with an `<error>`. The shape follows the
//! common JUnit schema (checked against `schemas/junit.xsd` in the tests). Untrusted text is
//! sanitised ([`super::sanitize`]) before it is XML-escaped: CI systems print these messages.

use std::borrow::Cow;
use std::fmt::Write;

use super::{sanitize, MessageReport, Report};
use crate::finding::{Finding, Severity};
use crate::rules::{Rule, RULES};

/// The report as JUnit XML; `threshold` decides which findings fail a testcase.
pub fn render(report: &Report, threshold: Option<Severity>) -> String {
    let fails = |f: &Finding| threshold.is_some_and(|t| f.severity >= t);
    let message_rules: Vec<&Rule> = RULES.iter().filter(|r| !r.code.starts_with("LA9")).collect();
    let domain_rules: Vec<&Rule> = RULES.iter().filter(|r| r.code.starts_with("LA9")).collect();
    let messages: Vec<Cow<'_, MessageReport>> = report.messages.iter().map(sanitize::message).collect();
    let rest = sanitize::rest(report);
    let report = &*rest;
    let mut suites: Vec<(String, Vec<&Finding>, &[&Rule])> = messages
        .iter()
        .map(|m| {
            let mut findings: Vec<&Finding> = m.findings.iter().collect();
            findings.extend(
                report
                    .batch_findings
                    .iter()
                    .filter(|b| b.source == m.source && b.index == m.index)
                    .map(|b| &b.finding),
            );
            (suite_name(m), findings, message_rules.as_slice())
        })
        .collect();
    // Each checked tracking domain is a suite of the 9xx rules.
    for d in &report.domains {
        suites.push((format!("domain {}", d.host), d.findings.iter().collect(), domain_rules.as_slice()));
    }
    let total_tests = suites.iter().map(|(_, _, rules)| rules.len()).sum::<usize>() + report.errors.len();
    let total_failures: usize = suites
        .iter()
        .map(|(_, fs, rules)| {
            rules.iter().filter(|r| fs.iter().any(|f| f.code == r.code && fails(f))).count()
        })
        .sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"linkaudit\" tests=\"{total_tests}\" failures=\"{total_failures}\" errors=\"{}\" time=\"0\">",
        report.errors.len()
    );
    for (i, (name, findings, rules)) in suites.iter().enumerate() {
        let failures = rules.iter().filter(|r| findings.iter().any(|f| f.code == r.code && fails(f))).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" id=\"{i}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"0\">",
            esc(name),
            rules.len()
        );
        for r in rules.iter() {
            let mine: Vec<&&Finding> = findings.iter().filter(|f| f.code == r.code).collect();
            let _ = write!(
                out,
                "    <testcase name=\"{} {}\" classname=\"{}\" time=\"0\"",
                r.code,
                r.name,
                esc(name)
            );
            if mine.is_empty() {
                out.push_str("/>\n");
                continue;
            }
            out.push_str(">\n");
            let (failing, other): (Vec<&&Finding>, Vec<&&Finding>) = mine.iter().partition(|f| fails(f));
            if !failing.is_empty() {
                let _ = writeln!(
                    out,
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                    esc(&format!("{} finding(s): {}", failing.len(), failing[0].message)),
                    r.severity.as_str(),
                    esc(&details(&failing))
                );
            }
            if !other.is_empty() {
                let _ = writeln!(out, "      <system-out>{}</system-out>", esc(&details(&other)));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    for (i, e) in report.errors.iter().enumerate() {
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" id=\"{}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0\">",
            esc(&e.source),
            suites.len() + i
        );
        let _ = writeln!(
            out,
            "    <testcase name=\"LA001 unreadable-input\" classname=\"{}\" time=\"0\">\n      <error message=\"{}\" type=\"error\"/>\n    </testcase>",
            esc(&e.source),
            esc(&e.message)
        );
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

fn suite_name(m: &MessageReport) -> String {
    match &m.subject {
        Some(s) => format!("{} ({s})", m.display_source()),
        None => m.display_source(),
    }
}

fn details(findings: &[&&Finding]) -> String {
    let mut s = String::new();
    for f in findings {
        let at = match (&f.part, f.line, f.column) {
            (Some(p), Some(l), Some(c)) => format!("part {p} line {l}, column {c}"),
            (Some(p), _, _) => format!("part {p}"),
            _ => "message".into(),
        };
        let _ = writeln!(s, "{} {}: {}", f.severity.as_str(), at, f.message);
        if let Some(u) = &f.url {
            let _ = writeln!(s, "  url: {u}");
        }
        if let Some(h) = &f.hint {
            let _ = writeln!(s, "  hint: {h}");
        }
    }
    s
}

/// XML-escapes text and replaces characters XML 1.0 does not allow at all.
fn esc(s: &str) -> String {
    let allowed: String = s
        .chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => '\u{FFFD}',
            c => c,
        })
        .collect();
    super::sanitize::markup(&allowed).into_owned()
}
