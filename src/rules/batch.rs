//! Rules across messages: LA206 (two ESPs on one tracking host) when the two ESPs' links are in
//! different messages of one run — a transactional and a marketing test send sharing
//! `track.example.com`, say. An index of each host's first link per ESP is filled as reports
//! come in (memory stays small in long batches); the findings go to the run's
//! `batch_findings`, so each message's own report is the same as when it is audited alone.

use std::collections::BTreeMap;

use super::{setup::two_esps_hint, LA206};
use crate::classify::{Class, Role};
use crate::finding::Finding;
pub use crate::model::BatchFinding;
use crate::model::{display_source, MessageReport};

#[derive(Debug, Clone)]
struct FirstLink {
    esp: String,
    source: String,
    index: usize,
    mbox: bool,
    url: String,
    part: String,
    line: u32,
    column: u32,
    source_line: Option<u32>,
    source_column: Option<u32>,
}

/// Tracking hosts seen so far and the first link of each ESP on them.
#[derive(Debug, Default)]
pub struct BatchIndex {
    hosts: BTreeMap<String, Vec<FirstLink>>,
}

impl BatchIndex {
    /// Records a message's branded tracking links.
    pub fn add(&mut self, m: &MessageReport) {
        for l in &m.links {
            let (Some(host), Some(esp)) = (&l.host, &l.esp) else { continue };
            if !matches!(l.class, Class::Expected | Class::EspCustom)
                || l.role == Role::Asset
                || l.judged_host.is_some()
            {
                continue;
            }
            let list = self.hosts.entry(host.to_string()).or_default();
            if !list.iter().any(|f| *f.esp == **esp) {
                list.push(FirstLink {
                    esp: esp.to_string(),
                    source: m.source.clone(),
                    index: m.index,
                    mbox: m.mbox,
                    url: l.url.clone(),
                    part: l.part.to_string(),
                    line: l.line,
                    column: l.column,
                    source_line: l.source_line,
                    source_column: l.source_column,
                });
            }
        }
    }

    /// LA206 for every host whose ESPs' links are in different messages.
    pub fn findings(&self) -> Vec<BatchFinding> {
        let mut out = Vec::new();
        for (host, firsts) in self.hosts.iter().filter(|(_, f)| f.len() > 1) {
            let same_message =
                firsts.iter().all(|f| f.source == firsts[0].source && f.index == firsts[0].index);
            if same_message {
                continue; // the message's own LA206 says it
            }
            let names: Vec<&str> = firsts.iter().map(|f| f.esp.as_str()).collect();
            for f in firsts {
                let others: Vec<String> = firsts
                    .iter()
                    .filter(|o| o.esp != f.esp)
                    .map(|o| {
                        format!("{} in {}", o.esp, display_source(&o.source, o.mbox.then_some(o.index + 1)))
                    })
                    .collect();
                out.push(BatchFinding {
                    source: f.source.clone(),
                    index: f.index,
                    mbox: f.mbox,
                    finding: Finding {
                        code: LA206.code,
                        name: LA206.name,
                        severity: LA206.severity,
                        message: format!(
                            "the tracking host {host} carries {} links here and {}: its CNAME can point to only one ESP",
                            f.esp,
                            others.join(", ")
                        ),
                        url: Some(f.url.clone()),
                        part: Some(f.part.clone()),
                        line: Some(f.line),
                        column: Some(f.column),
                        hint: Some(two_esps_hint(host, &names)),
                        source_line: f.source_line,
                        source_column: f.source_column,
                    },
                });
            }
        }
        out.sort_by(|a, b| (&a.source, a.index).cmp(&(&b.source, b.index)));
        out
    }
}

/// LA206 findings for tracking hosts shared by two ESPs across `messages`.
pub fn cross_message(messages: &[MessageReport]) -> Vec<BatchFinding> {
    let mut index = BatchIndex::default();
    for m in messages {
        index.add(m);
    }
    index.findings()
}
