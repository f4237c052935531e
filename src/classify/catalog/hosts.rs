//! Classify › catalog: the host table — exact domain suffixes in a hash map, and host regexes
//! (numbered families such as `us\d+.mailchimp.com`) grouped by the literal domain they end
//! in, each group compiled the first time a host with that suffix is looked up.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use regex::{RegexSet, RegexSetBuilder};

use super::{EspId, Fnv, HostRole};

/// A host (suffix) entry: whose, what for, and the path prefix it needs.
#[derive(Debug, Clone)]
pub(super) struct HostEntry {
    pub(super) esp: EspId,
    pub(super) role: HostRole,
    pub(super) path_prefix: Option<String>,
}

/// A lazily compiled group of host patterns.
#[derive(Debug)]
struct Group {
    /// Indexes into [`HostTable::patterns`], ascending.
    members: Vec<usize>,
    compiled: OnceLock<Option<RegexSet>>,
}

impl Group {
    fn new(members: Vec<usize>) -> Group {
        Group { members, compiled: OnceLock::new() }
    }
}

/// Exact hosts and host patterns.
#[derive(Debug)]
pub(super) struct HostTable {
    pub(super) exact: HashMap<String, Vec<HostEntry>, BuildHasherDefault<Fnv>>,
    /// Patterns in lookup order (content before tracking, catalog order within each), with
    /// whose they are.
    patterns: Vec<(String, (EspId, HostRole))>,
    by_suffix: HashMap<String, Group, BuildHasherDefault<Fnv>>,
    everywhere: Group,
}

/// A host regex, case-insensitive; ASCII classes when the pattern allows them (host names are
/// ASCII, and Unicode classes cost most of a pattern's compile time).
fn set(sources: &[&str]) -> Option<RegexSet> {
    RegexSetBuilder::new(sources)
        .case_insensitive(true)
        .unicode(false)
        .build()
        .or_else(|_| RegexSetBuilder::new(sources).case_insensitive(true).build())
        .ok()
}

/// The whole labels of the literal domain a `…$`-anchored host pattern ends in
/// (`^us\d+\.mailchimp\.com$` → `mailchimp.com`), read from the text without a parser.
fn literal_suffix(pattern: &str) -> Option<String> {
    if pattern.contains('|') {
        return None;
    }
    let body = pattern.strip_suffix('$')?;
    if body.ends_with('\\') {
        return None;
    }
    let bytes = body.as_bytes();
    let mut i = bytes.len();
    let mut rev = Vec::new();
    while i > 0 {
        let b = bytes[i - 1];
        if i >= 2 && bytes[i - 2] == b'\\' && b == b'.' {
            rev.push(b'.');
            i -= 2;
        } else if b.is_ascii_alphanumeric() || b == b'-' {
            if i >= 2 && bytes[i - 2] == b'\\' {
                return None; // \d, \w …: a class, not a letter
            }
            rev.push(b.to_ascii_lowercase());
            i -= 1;
        } else {
            break;
        }
    }
    if rev.is_empty() {
        return None;
    }
    rev.reverse();
    let literal = String::from_utf8(rev).ok()?;
    // The character before the literal may repeat or drop (`x+`, `x?`): only labels that start
    // after a dot inside the literal are fixed.
    let whole = i == 0 || (i == 1 && bytes[0] == b'^');
    let labels = if whole { literal.as_str() } else { &literal[literal.find('.')? + 1..] };
    (!labels.is_empty() && !labels.starts_with('.')).then(|| labels.to_string())
}

impl HostTable {
    pub(super) fn new(
        exact: HashMap<String, Vec<HostEntry>, BuildHasherDefault<Fnv>>,
        patterns: Vec<(String, (EspId, HostRole))>,
    ) -> HostTable {
        let mut by_suffix: HashMap<String, Vec<usize>, BuildHasherDefault<Fnv>> = HashMap::default();
        let mut everywhere = Vec::new();
        for (i, (p, _)) in patterns.iter().enumerate() {
            match literal_suffix(p) {
                Some(s) => by_suffix.entry(s).or_default().push(i),
                None => everywhere.push(i),
            }
        }
        HostTable {
            exact,
            patterns,
            by_suffix: by_suffix.into_iter().map(|(k, v)| (k, Group::new(v))).collect(),
            everywhere: Group::new(everywhere),
        }
    }

    fn search(&self, group: &Group, host: &str) -> Option<usize> {
        if group.members.is_empty() {
            return None;
        }
        let set = group.compiled.get_or_init(|| {
            let sources: Vec<&str> = group.members.iter().map(|&i| self.patterns[i].0.as_str()).collect();
            set(&sources)
        });
        let set = set.as_ref()?;
        // Most hosts match no pattern: a plain yes/no search first (no allocation).
        if !set.is_match(host) {
            return None;
        }
        set.matches(host).iter().next().map(|local| group.members[local])
    }

    /// The first host pattern (in lookup order) that matches `host`: its index.
    pub(super) fn pattern(&self, host: &str) -> Option<usize> {
        let mut best = self.search(&self.everywhere, host);
        let mut suffix = host;
        loop {
            if let Some(g) = self.by_suffix.get(suffix) {
                if let Some(i) = self.search(g, host) {
                    best = Some(best.map_or(i, |b| b.min(i)));
                }
            }
            match suffix.find('.') {
                Some(i) => suffix = &suffix[i + 1..],
                None => break,
            }
        }
        best
    }

    /// Host pattern `i`, and whose it is.
    pub(super) fn pattern_at(&self, i: usize) -> (&str, (EspId, HostRole)) {
        (&self.patterns[i].0, self.patterns[i].1)
    }

    /// Compiles every group now; the first pattern that does not compile.
    pub(super) fn compile_all(&self) -> Result<(), String> {
        for g in self.by_suffix.values().chain(std::iter::once(&self.everywhere)) {
            if g.members.is_empty() {
                continue;
            }
            self.search(g, "");
            if g.compiled.get().is_some_and(Option::is_none) {
                let bad =
                    g.members.iter().map(|&i| &self.patterns[i].0).find(|p| set(&[p.as_str()]).is_none());
                return Err(format!("host pattern {bad:?} does not compile"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(r"^us\d+\.mailchimp\.com$", Some("mailchimp.com"))]
    #[case(r"^(.+\.)?mkt\d+\.com$", Some("com"))]
    #[case(r"^[a-z]*mailchimp\.com$", Some("com"))]
    #[case(r"^i\d+\.cmail\d+\.com$", Some("com"))]
    #[case(r"^x\.example\.test$", Some("x.example.test"))]
    #[case(r"^x\.example\.test", None)]
    #[case(r"^a\.test$|^b\.test$", None)]
    #[case(r"^a\.te\d$", None)]
    #[case(r"^a\.tes?$", None)]
    fn suffixes(#[case] pattern: &str, #[case] want: Option<&str>) {
        assert_eq!(literal_suffix(pattern).as_deref(), want, "{pattern}");
    }
}
