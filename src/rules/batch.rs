//! Rules across messages: LA206 (two ESPs on one tracking host) when the two ESPs' links are in
//! different messages of one run — a transactional and a marketing test send sharing
//! `track.example.com`, say. Works on finished reports, so batches and watch mode can call it.

use std::collections::BTreeMap;

use super::{config::two_esps_hint, LA206};
use crate::classify::{Class, Role};
use crate::finding::Finding;
use crate::report::MessageReport;

/// Adds LA206 findings for tracking hosts shared by two ESPs across `messages`.
pub fn cross_message(messages: &mut [MessageReport]) {
    // host → esp → (message, link) of its first link.
    let mut hosts: BTreeMap<String, Vec<(String, usize, usize)>> = BTreeMap::new();
    for (mi, m) in messages.iter().enumerate() {
        for (li, l) in m.links.iter().enumerate() {
            let (Some(host), Some(esp)) = (&l.host, &l.esp) else { continue };
            if !matches!(l.class, Class::Expected | Class::EspCustom)
                || l.role == Role::Asset
                || l.judged_host.is_some()
            {
                continue;
            }
            let list = hosts.entry(host.clone()).or_default();
            if !list.iter().any(|(e, _, _)| e == esp) {
                list.push((esp.clone(), mi, li));
            }
        }
    }
    for (host, esps) in hosts.into_iter().filter(|(_, e)| e.len() > 1) {
        let names: Vec<&str> = esps.iter().map(|(e, _, _)| e.as_str()).collect();
        for (esp, mi, li) in &esps {
            let m = &messages[*mi];
            let already = m.findings.iter().any(|f| f.code == LA206.code && f.message.contains(&host));
            if already {
                continue;
            }
            let others: Vec<String> = esps
                .iter()
                .filter(|(e, _, _)| e != esp)
                .map(|(e, om, _)| format!("{e} in {}", messages[*om].display_source()))
                .collect();
            let l = &m.links[*li];
            let finding = Finding {
                code: LA206.code,
                name: LA206.name,
                severity: LA206.severity,
                message: format!(
                    "the tracking host {host} carries {esp} links here and {}: its CNAME can point to only one ESP",
                    others.join(", ")
                ),
                url: Some(l.url.clone()),
                part: Some(l.part.clone()),
                line: Some(l.line),
                column: Some(l.column),
                hint: Some(two_esps_hint(&host, &names)),
            };
            let m = &mut messages[*mi];
            m.findings.push(finding);
            m.sort_findings();
        }
    }
}
