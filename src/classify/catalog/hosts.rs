//! Classify › catalog: the host table — exact domain suffixes in a hash map, and host regexes
//! (numbered families such as `us\d+.mailchimp.com`) grouped by the literal domain they end
//! in, each group compiled the first time a host with that suffix is looked up.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};

use super::{EspId, Fnv, HostRole};

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
    /// Text every match contains (lower-case), when the pattern's text shows one: a host
    /// without it is not even compiled for.
    literal: Option<String>,
    compiled: OnceLock<Option<Regex>>,
}

/// Exact hosts and host patterns.
#[derive(Debug)]
pub(super) struct HostTable {
    pub(super) exact: HashMap<String, Vec<HostEntry>, BuildHasherDefault<Fnv>>,
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

/// The longest literal run (3+ characters) outside groups and classes that every match of a
/// host pattern must contain (`^(.+\.)?mkt\d+\.com$` → `mkt`), read from the text without a
/// parser. `None` when the text has an alternation outside groups or no such run.
fn required_literal(pattern: &str) -> Option<String> {
    let bytes = pattern.as_bytes();
    let mut depth = 0usize;
    let mut in_class = false;
    let mut runs: Vec<String> = Vec::new();
    let mut run = String::new();
    let mut i = 0;
    let close = |run: &mut String, runs: &mut Vec<String>, quantified: bool| {
        if quantified {
            run.pop();
        }
        if run.len() >= 3 {
            runs.push(run.clone());
        }
        run.clear();
    };
    while i < bytes.len() {
        let b = bytes[i];
        let quantified = |j: usize| bytes.get(j).is_some_and(|c| matches!(c, b'?' | b'*' | b'{'));
        if in_class {
            if b == b'\\' {
                i += 1;
            } else if b == b']' {
                in_class = false;
            }
            i += 1;
            continue;
        }
        match b {
            b'\\' => {
                let next = bytes.get(i + 1).copied();
                if depth == 0 && matches!(next, Some(b'.' | b'-')) {
                    run.push(char::from(next.unwrap_or(b'.')));
                    if quantified(i + 2) {
                        close(&mut run, &mut runs, true);
                    }
                } else {
                    close(&mut run, &mut runs, false);
                }
                i += 2;
                continue;
            }
            b'[' => {
                close(&mut run, &mut runs, false);
                in_class = true;
            }
            b'(' => {
                close(&mut run, &mut runs, false);
                depth += 1;
            }
            b')' => depth = depth.saturating_sub(1),
            b'|' if depth == 0 => return None,
            c if depth == 0 && (c.is_ascii_alphanumeric() || c == b'-') => {
                run.push(char::from(c.to_ascii_lowercase()));
                if quantified(i + 1) {
                    close(&mut run, &mut runs, true);
                }
            }
            _ => close(&mut run, &mut runs, false),
        }
        i += 1;
    }
    close(&mut run, &mut runs, false);
    // The most selective run: a bare top-level domain (`.com`) is in most hosts.
    let tld =
        |r: &String| r.starts_with('.') && r.len() <= 5 && r[1..].bytes().all(|b| b.is_ascii_alphabetic());
    runs.into_iter().max_by_key(|r| (!tld(r), r.len()))
}

impl HostTable {
    pub(super) fn new(
        exact: HashMap<String, Vec<HostEntry>, BuildHasherDefault<Fnv>>,
        patterns: Vec<(String, (EspId, HostRole))>,
    ) -> HostTable {
        let patterns = patterns
            .into_iter()
            .map(|(source, owner)| Pattern {
                literal: required_literal(&source),
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
            p.literal.as_deref().is_none_or(|l| host.contains(l))
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
    use rstest::rstest;

    #[rstest]
    #[case(r"^us\d+\.mailchimp\.com$", Some(".mailchimp.com"))]
    #[case(r"^(.+\.)?mkt\d+\.com$", Some("mkt"))]
    #[case(r"^(.+\.)?sendib[tmw][a-z0-9]{0,2}\.com$", Some("sendib"))]
    #[case(r"^(.+\.)?emlnk\d?\.com$", Some("emlnk"))]
    #[case(r"^links(-\d+)?\.govdelivery\.com$", Some(".govdelivery.com"))]
    #[case(r"^t\.(a|b)\d*\.(com|net)$", None)]
    #[case(r"^a\.test$|^b\.test$", None)]
    #[case(r"^abcd?\.test$", Some("abc"))]
    #[case(r"^[a-z]{2}\d+-api\.connectif\.cloud$", Some("-api.connectif.cloud"))]
    fn literals(#[case] pattern: &str, #[case] want: Option<&str>) {
        assert_eq!(required_literal(pattern).as_deref(), want, "{pattern}");
    }

    #[test]
    fn the_first_pattern_in_order_wins_and_others_are_not_compiled() {
        let t = HostTable::new(
            HashMap::default(),
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
