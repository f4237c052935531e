//! Classify › catalog: header fingerprints, indexed by header name. The patterns of one header
//! name form one set, compiled the first time a message has that header; a fingerprint's own
//! regex (to quote what matched) is compiled only when it matched.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};

use super::EspId;

/// A header fingerprint, compiled on first use.
#[derive(Debug)]
pub struct Evidence {
    /// Header name.
    pub header: String,
    /// Value pattern (case-insensitive), as written.
    pub pattern: Option<String>,
    compiled: OnceLock<Option<Regex>>,
}

impl Evidence {
    pub(super) fn new(header: String, pattern: Option<String>) -> Evidence {
        Evidence { header, pattern, compiled: OnceLock::new() }
    }

    /// The compiled value pattern (`None` without one, or when it does not compile).
    pub fn regex(&self) -> Option<&Regex> {
        let p = self.pattern.as_deref()?;
        self.compiled.get_or_init(|| evidence_regex(p).ok()).as_ref()
    }
}

impl Clone for Evidence {
    fn clone(&self) -> Evidence {
        Evidence::new(self.header.clone(), self.pattern.clone())
    }
}

/// A header fingerprint: case-insensitive. Header values are ASCII in practice, and a Unicode
/// regex (`\d` as every script's digits, case folding beyond ASCII) costs most of a pattern's
/// compile time: ASCII classes are used when the pattern allows them (it does not when it could
/// then match inside a multi-byte character).
pub(super) fn evidence_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .case_insensitive(true)
        .unicode(false)
        .build()
        .or_else(|_| RegexBuilder::new(pattern).case_insensitive(true).build())
}

fn evidence_set(patterns: &[&str]) -> Option<RegexSet> {
    RegexSetBuilder::new(patterns)
        .case_insensitive(true)
        .unicode(false)
        .build()
        .or_else(|_| RegexSetBuilder::new(patterns).case_insensitive(true).build())
        .ok()
}

/// The fingerprints of one header name.
#[derive(Debug, Default)]
struct Group {
    /// Fingerprints without a pattern: the header alone is the evidence.
    presence: Vec<(EspId, usize)>,
    /// Fingerprints with a pattern, and the patterns.
    matched: Vec<(EspId, usize)>,
    patterns: Vec<String>,
    compiled: OnceLock<Option<RegexSet>>,
}

/// Every fingerprint of a catalog, by lower-case header name.
#[derive(Debug, Default)]
pub(super) struct EvidenceIndex {
    by_header: HashMap<String, Group>,
}

impl EvidenceIndex {
    /// Adds fingerprint `index` of `esp`.
    pub(super) fn add(&mut self, esp: EspId, index: usize, ev: &Evidence) {
        let group = self.by_header.entry(ev.header.to_ascii_lowercase()).or_default();
        match &ev.pattern {
            None => group.presence.push((esp, index)),
            Some(p) => {
                group.matched.push((esp, index));
                group.patterns.push(p.clone());
            }
        }
    }

    /// Calls `hit(esp, fingerprint index)` for every fingerprint a header `name: value` shows;
    /// `value` is computed only when a pattern needs it.
    pub(super) fn hits(&self, name: &str, value: impl FnOnce() -> String, mut hit: impl FnMut(EspId, usize)) {
        let group = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            self.by_header.get(&name.to_ascii_lowercase())
        } else {
            self.by_header.get(name)
        };
        let Some(group) = group else { return };
        for &(esp, i) in &group.presence {
            hit(esp, i);
        }
        if group.patterns.is_empty() {
            return;
        }
        let set = group.compiled.get_or_init(|| {
            let patterns: Vec<&str> = group.patterns.iter().map(String::as_str).collect();
            evidence_set(&patterns)
        });
        let value = value();
        match set {
            Some(set) => {
                if set.is_match(&value) {
                    for i in set.matches(&value).iter() {
                        let (esp, index) = group.matched[i];
                        hit(esp, index);
                    }
                }
            }
            // One bad pattern spoils the set: match one by one.
            None => {
                for (i, p) in group.patterns.iter().enumerate() {
                    if evidence_regex(p).is_ok_and(|re| re.is_match(&value)) {
                        let (esp, index) = group.matched[i];
                        hit(esp, index);
                    }
                }
            }
        }
    }

    /// Compiles every set now; the first pattern that does not compile.
    pub(super) fn compile_all(&self) -> Result<(), String> {
        for g in self.by_header.values() {
            for p in &g.patterns {
                evidence_regex(p).map_err(|e| format!("evidence pattern {p:?}: {e}"))?;
            }
            self.hits_all(g);
        }
        Ok(())
    }

    fn hits_all(&self, g: &Group) {
        if !g.patterns.is_empty() {
            g.compiled.get_or_init(|| {
                let patterns: Vec<&str> = g.patterns.iter().map(String::as_str).collect();
                evidence_set(&patterns)
            });
        }
    }
}
