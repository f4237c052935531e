//! Report renderer: SARIF 2.1.0, so code-scanning dashboards show the findings. Every rule is a
//! `reportingDescriptor` with its documentation; every finding a `result` located in the message
//! file at its source line (the part, decoded line and column are in the message text and
//! `properties`). Untrusted text is sanitised ([`super::sanitize`]): dashboards and logs show it.

use serde_json::{json, Value};

use super::{sanitize, Report};
use crate::finding::{Finding, Severity};
use crate::rules::RULES;

/// The report as a SARIF 2.1.0 log.
pub fn render(report: &Report) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": r.summary },
                "help": { "text": r.docs, "markdown": r.docs },
                "defaultConfiguration": { "level": level(r.severity) },
            })
        })
        .collect();
    let mut results: Vec<Value> = Vec::new();
    for m in &report.messages {
        let m = sanitize::message(m);
        for f in &m.findings {
            results.push(result(&m.source, m.index, m.mbox_number(), f));
        }
    }
    let report = &*sanitize::rest(report);
    for b in &report.batch_findings {
        results.push(result(&b.source, b.index, b.mbox_number(), &b.finding));
    }
    for d in &report.domains {
        for f in &d.findings {
            results.push(domain_result(&d.host, f));
        }
    }
    for e in &report.errors {
        results.push(json!({
            "ruleId": "LA001",
            "ruleIndex": 0,
            "level": "error",
            "message": { "text": e.message },
            "locations": [ { "physicalLocation": { "artifactLocation": { "uri": uri(&e.source) } } } ],
        }));
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [ {
            "tool": { "driver": {
                "name": "linkaudit",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/linkaudit/linkaudit",
                "rules": rules,
            } },
            "results": results,
        } ],
    });
    let mut s = super::json::to_string_pretty(&log).unwrap_or_default();
    s.push('\n');
    s
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn uri(source: &str) -> String {
    if source == "-" {
        "stdin".into()
    } else {
        source.replace('\\', "/")
    }
}

/// A tracking domain's finding, located logically at the host (there is no file).
fn domain_result(host: &str, f: &Finding) -> Value {
    let mut text = f.message.clone();
    if let Some(h) = &f.hint {
        text.push_str(". Fix: ");
        text.push_str(h);
    }
    json!({
        "ruleId": f.code,
        "ruleIndex": RULES.iter().position(|r| r.code == f.code).unwrap_or(0),
        "level": level(f.severity),
        "message": { "text": text },
        "locations": [ { "logicalLocations": [ { "name": host, "fullyQualifiedName": host, "kind": "resource" } ] } ],
        "properties": { "domain": host },
    })
}

fn result(source: &str, index: usize, mbox: Option<usize>, f: &Finding) -> Value {
    let at = match (&f.part, f.line, f.column) {
        (Some(p), Some(l), Some(c)) => format!(" (part {p}, line {l}, column {c} of the decoded part)"),
        (Some(p), _, _) => format!(" (part {p})"),
        _ => String::new(),
    };
    let mbox = mbox.map(|n| format!(" [message #{n}]")).unwrap_or_default();
    let mut text = format!("{}{at}{mbox}", f.message);
    if let Some(h) = &f.hint {
        text.push_str(". Fix: ");
        text.push_str(h);
    }
    let mut location = json!({ "physicalLocation": { "artifactLocation": { "uri": uri(source) } } });
    if let Some(line) = f.source_line {
        let mut region = json!({ "startLine": line.max(1) });
        if let Some(column) = f.source_column {
            region["startColumn"] = json!(column.max(1));
        }
        location["physicalLocation"]["region"] = region;
    }
    let rule_index = RULES.iter().position(|r| r.code == f.code).unwrap_or(0);
    json!({
        "ruleId": f.code,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": text },
        "locations": [ location ],
        "properties": {
            "part": f.part,
            "decodedLine": f.line,
            "decodedColumn": f.column,
            "url": f.url,
            "messageIndex": index,
        },
    })
}
