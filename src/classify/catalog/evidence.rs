//! Classify › catalog: header fingerprints, indexed by header name. The literal texts of one
//! header name's patterns form one Aho-Corasick automaton, built the first time a message has
//! that header; a pattern's regex is compiled only when its literal is in a header value (or it
//! has none), so a message pays for the few fingerprints its headers could match.

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex::{Regex, RegexBuilder};

use super::EspId;

/// A header fingerprint, compiled on first use.
#[derive(Debug)]
pub struct Evidence {
    /// Header name.
    pub header: String,
    /// Value pattern (case-insensitive), as written.
    pub pattern: Option<String>,
    /// Names the service only together with another of its fingerprints.
    pub weak: bool,
    compiled: OnceLock<Option<Regex>>,
}

impl Evidence {
    pub(super) fn new(header: String, pattern: Option<String>, weak: bool) -> Evidence {
        Evidence { header, pattern, weak, compiled: OnceLock::new() }
    }

    /// The compiled value pattern (`None` without one, or when it does not compile).
    pub fn regex(&self) -> Option<&Regex> {
        let p = self.pattern.as_deref()?;
        self.compiled.get_or_init(|| evidence_regex(p).ok()).as_ref()
    }
}

impl Clone for Evidence {
    fn clone(&self) -> Evidence {
        Evidence::new(self.header.clone(), self.pattern.clone(), self.weak)
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

/// Could `pattern` fail to build with ASCII classes, so that [`evidence_regex`] builds it with
/// Unicode ones (which fold case beyond ASCII)? Only a class that may match a non-ASCII
/// character makes that happen: `.`, a negated class, `\W`, `\S`, `\D` — or non-ASCII text.
fn may_need_unicode(pattern: &str) -> bool {
    let bytes = pattern.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                if matches!(
                    bytes.get(i + 1),
                    Some(b'W' | b'S' | b'D' | b'B' | b'p' | b'P' | b'x' | b'u' | b'U')
                ) {
                    return true;
                }
                i += 2;
                continue;
            }
            b'.' => return true,
            b'[' if bytes.get(i + 1) == Some(&b'^') => return true,
            b if !b.is_ascii() => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// The fingerprints of one header name.
#[derive(Debug, Default)]
struct Group {
    /// Fingerprints without a pattern: the header alone is the evidence.
    presence: Vec<(EspId, usize)>,
    /// Fingerprints with a pattern, and the patterns.
    matched: Vec<(EspId, usize)>,
    patterns: Vec<Pattern>,
    /// The literals of the patterns, and which pattern each belongs to; patterns without a
    /// literal are tried on every value.
    prefilter: OnceLock<Prefilter>,
}

#[derive(Debug)]
struct Pattern {
    source: String,
    compiled: OnceLock<Option<Regex>>,
}

#[derive(Debug)]
struct Prefilter {
    automaton: Option<AhoCorasick>,
    /// Pattern of each literal of the automaton.
    owners: Vec<usize>,
    /// Patterns without a literal.
    always: Vec<usize>,
}

impl Group {
    fn prefilter(&self) -> &Prefilter {
        self.prefilter.get_or_init(|| {
            let mut literals = Vec::new();
            let mut owners = Vec::new();
            let mut always = Vec::new();
            for (i, p) in self.patterns.iter().enumerate() {
                // A pattern that may compile with Unicode case folding (see evidence_regex) can
                // match text the ASCII-insensitive automaton would not find: always tried.
                let required =
                    if may_need_unicode(&p.source) { None } else { super::literal::required(&p.source) };
                match required {
                    Some(lits) => {
                        for l in lits {
                            literals.push(l);
                            owners.push(i);
                        }
                    }
                    None => always.push(i),
                }
            }
            let automaton = (!literals.is_empty())
                .then(|| AhoCorasick::builder().ascii_case_insensitive(true).build(&literals).ok())
                .flatten();
            if automaton.is_none() {
                // No automaton (none needed, or it could not be built): every pattern is tried.
                always = (0..self.patterns.len()).collect();
                owners.clear();
            }
            Prefilter { automaton, owners, always }
        })
    }

    /// Indexes of the patterns that match `value`, ascending.
    fn matching(&self, value: &str) -> Vec<usize> {
        let pre = self.prefilter();
        let mut candidates = pre.always.clone();
        if let Some(ac) = &pre.automaton {
            for m in ac.find_overlapping_iter(value) {
                candidates.push(pre.owners[m.pattern().as_usize()]);
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        candidates.retain(|&i| {
            let p = &self.patterns[i];
            p.compiled
                .get_or_init(|| evidence_regex(&p.source).ok())
                .as_ref()
                .is_some_and(|re| re.is_match(value))
        });
        candidates
    }
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
                group.patterns.push(Pattern { source: p.clone(), compiled: OnceLock::new() });
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
        for i in group.matching(&value()) {
            let (esp, index) = group.matched[i];
            hit(esp, index);
        }
    }

    /// Compiles every pattern now; the first that does not compile.
    pub(super) fn compile_all(&self) -> Result<(), String> {
        for g in self.by_header.values() {
            g.prefilter();
            for p in &g.patterns {
                evidence_regex(&p.source).map_err(|e| format!("evidence pattern {:?}: {e}", p.source))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The prefilter never hides a match: for every built-in fingerprint, the automaton's
    /// candidates on a value are a superset of the patterns that match it (checked on values
    /// made of each pattern's own literals, upper- and lower-cased, and on a non-ASCII value).
    #[test]
    fn the_prefilter_keeps_every_match() {
        let c = crate::classify::Catalog::builtin();
        let mut values: Vec<String> = vec!["\u{212a}mail \u{17f}endgrid".into()];
        for esp in &c.esps {
            for ev in &esp.evidence {
                if let Some(lits) = ev.pattern.as_deref().and_then(super::super::literal::required) {
                    values.push(format!("x {} y", lits.join(" ")));
                    values.push(lits.join("-").to_ascii_uppercase());
                }
            }
        }
        for g in c.evidence.by_header.values() {
            let compiled: Vec<Regex> =
                g.patterns.iter().map(|p| evidence_regex(&p.source).unwrap()).collect();
            let set = regex::RegexSetBuilder::new(g.patterns.iter().map(|p| p.source.as_str()))
                .case_insensitive(true)
                .build()
                .unwrap();
            for v in &values {
                // Most values match no pattern of the group: the set answers those at once.
                if !set.is_match(v) && g.matching(v).is_empty() {
                    continue;
                }
                let got = g.matching(v);
                for (i, re) in compiled.iter().enumerate() {
                    assert_eq!(re.is_match(v), got.contains(&i), "{:?} on {v:?}", g.patterns[i].source);
                }
            }
        }
    }

    #[test]
    fn unicode_classes_are_seen() {
        assert!(may_need_unicode("a.b"));
        assert!(may_need_unicode("[^a]x"));
        assert!(may_need_unicode(r"\Wx"));
        assert!(!may_need_unicode(r"d=sendgrid\.info"));
        assert!(!may_need_unicode(r"[a-z0-9]+\d"));
    }
}
