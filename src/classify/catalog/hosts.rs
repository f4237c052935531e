//! Classify › catalog: the host table — exact domain suffixes in a hash map, and host regexes
//! (numbered families such as `us\d+.mailchimp.com`) grouped by the literal domain they end
//! in, each group compiled the first time a host with that suffix is looked up.

use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};
use rustc_hash::FxHashMap;

use super::{EspId, HostRole};

/// A host (suffix) entry: whose, what for, and the path prefix it needs.
#[derive(Debug, Clone)]
pub(super) struct HostEntry {
    pub(super) esp: EspId,
    pub(super) role: HostRole,
    pub(super) path_prefix: Option<String>,
}

/// A host pattern, compiled the first time a host contains its required literal.
#[derive(Debug)]
struct Pattern {
    source: String,
    owner: (EspId, HostRole),
    /// Texts one of which every match contains (lower-case), when the pattern's text shows
    /// them: a host without any is not even compiled for.
    literal: Option<Vec<String>>,
    compiled: OnceLock<Option<Regex>>,
}

/// Exact hosts and host patterns.
#[derive(Debug)]
pub(super) struct HostTable {
    pub(super) exact: FxHashMap<String, Vec<HostEntry>>,
    /// Patterns in lookup order (content before tracking, catalog order within each).
    patterns: Vec<Pattern>,
}

/// A host regex, case-insensitive; ASCII classes when the pattern allows them (host names are
/// ASCII, and Unicode classes cost most of a pattern's compile time).
fn regex(source: &str) -> Option<Regex> {
    RegexBuilder::new(source)
        .case_insensitive(true)
        .unicode(false)
        .build()
        .or_else(|_| RegexBuilder::new(source).case_insensitive(true).build())
        .ok()
}

impl HostTable {
    pub(super) fn new(
        exact: FxHashMap<String, Vec<HostEntry>>,
        patterns: Vec<(String, (EspId, HostRole))>,
    ) -> HostTable {
        let patterns = patterns
            .into_iter()
            .map(|(source, owner)| Pattern {
                literal: super::literal::required(&source),
                source,
                owner,
                compiled: OnceLock::new(),
            })
            .collect();
        HostTable { exact, patterns }
    }

    /// The first host pattern (in lookup order) that matches `host`: its index.
    pub(super) fn pattern(&self, host: &str) -> Option<usize> {
        self.patterns.iter().position(|p| {
            p.literal.as_ref().is_none_or(|lits| lits.iter().any(|l| host.contains(l.as_str())))
                && p.compiled.get_or_init(|| regex(&p.source)).as_ref().is_some_and(|re| re.is_match(host))
        })
    }

    /// Host pattern `i`, and whose it is.
    pub(super) fn pattern_at(&self, i: usize) -> (&str, (EspId, HostRole)) {
        (&self.patterns[i].source, self.patterns[i].owner)
    }

    /// Compiles every pattern now; the first that does not compile.
    pub(super) fn compile_all(&self) -> Result<(), String> {
        for p in &self.patterns {
            if p.compiled.get_or_init(|| regex(&p.source)).is_none() {
                return Err(format!("host pattern {:?} does not compile", p.source));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_pattern_in_order_wins_and_others_are_not_compiled() {
        let t = HostTable::new(
            FxHashMap::default(),
            vec![
                (r"^x\d+\.numbered\.test$".into(), (0, HostRole::Content)),
                (r"^(.+\.)?numbered\.test$".into(), (1, HostRole::Tracking)),
                (r"^(.+\.)?other\.test$".into(), (2, HostRole::Tracking)),
            ],
        );
        assert_eq!(t.pattern("x1.numbered.test"), Some(0));
        assert_eq!(t.pattern("y.numbered.test"), Some(1));
        assert_eq!(t.pattern("example.com"), None);
        assert!(t.patterns[2].compiled.get().is_none());
        t.compile_all().unwrap();
    }
}
