//! CLI: `linkaudit rules [CODE]` — the rule table, or one rule's documentation.

use linkaudit::rules::{self, RULES};

use super::args::{RulesArgs, RulesFormat};
use super::output::{emit, Exit};

pub fn run(args: &RulesArgs) -> Exit {
    let selected: Vec<&rules::Rule> = match &args.rule {
        Some(code) => match rules::rule(code) {
            Some(r) => vec![r],
            None => {
                eprintln!("linkaudit: error: unknown rule {code:?} (see `linkaudit rules`)");
                return Exit::Error;
            }
        },
        None => RULES.iter().collect(),
    };
    let text = match args.format {
        RulesFormat::Json => {
            let items: Vec<serde_json::Value> = selected
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code, "name": r.name, "severity": r.severity,
                        "summary": r.summary, "docs": r.docs,
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&items).unwrap_or_default();
            s.push('\n');
            s
        }
        RulesFormat::Text if args.rule.is_some() => selected.iter().map(|r| r.docs.to_string()).collect(),
        RulesFormat::Text => {
            // Columns as wide as their longest entry, two spaces apart.
            let name = selected.iter().map(|r| r.name.len()).max().unwrap_or(0);
            let severity = selected.iter().map(|r| r.severity.as_str().len()).max().unwrap_or(0);
            let mut s = String::new();
            for r in &selected {
                s.push_str(&format!(
                    "{}  {:<name$}  {:<severity$}  {}\n",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.summary
                ));
            }
            s
        }
    };
    emit(&text, None).unwrap_or(Exit::Clean)
}
