//! Classify › catalog: the URL shapes (regexes on `/path?query`), indexed by the first path
//! segment their literal prefix fixes, and compiled group by group the first time a URL needs
//! the group — so start-up does not grow with the catalog, and a message pays only for the
//! segments its URLs have.
//!
//! The answer is the first matching shape in catalog order, as one search over every shape
//! would give: a URL is searched in its segment's group and in the group of shapes without a
//! fixed first segment, and the lower catalog index of the two wins.

use std::collections::HashMap;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex::{RegexSet, RegexSetBuilder};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::Look;
use rustc_hash::FxHashMap;

/// Shapes with more literal prefixes than this go to the group searched for every URL.
const MAX_PREFIXES: usize = 32;

/// One lazily compiled group of shapes.
#[derive(Debug)]
struct Group {
    /// Catalog indexes of the group's patterns, ascending.
    members: Vec<usize>,
    compiled: OnceLock<Result<Search, String>>,
}

/// A compiled group.
#[derive(Debug)]
enum Search {
    /// Every pattern is anchored at the start: one leftmost-first search then reports the first
    /// matching pattern, since every match starts at 0.
    Anchored(regex_automata::meta::Regex),
    /// Some pattern may match further on: which patterns match, then the first of them.
    Set(RegexSet),
}

impl Search {
    fn new(sources: &[&str]) -> Result<Search, String> {
        if sources.iter().all(|p| anchored(p)) {
            // URL paths are ASCII (percent-encoded) in practice, and Unicode classes (`\d`, `\w`,
            // `[^/]` over every code point) cost most of a compile: byte classes when the
            // patterns allow them.
            let ascii = regex_automata::meta::Builder::new()
                .syntax(regex_automata::util::syntax::Config::new().unicode(false).utf8(false))
                .build_many(sources);
            match ascii {
                Ok(re) => Ok(Search::Anchored(re)),
                Err(_) => regex_automata::meta::Regex::new_many(sources)
                    .map(Search::Anchored)
                    .map_err(|e| e.to_string()),
            }
        } else {
            RegexSetBuilder::new(sources).build().map(Search::Set).map_err(|e| e.to_string())
        }
    }

    fn first(&self, haystack: &str) -> Option<usize> {
        match self {
            Search::Anchored(re) => {
                let input = regex_automata::Input::new(haystack).anchored(regex_automata::Anchored::Yes);
                re.search(&input).map(|m| m.pattern().as_usize())
            }
            Search::Set(set) => {
                // Most paths match nothing: a plain yes/no search first is much cheaper.
                if !set.is_match(haystack) {
                    return None;
                }
                set.matches(haystack).iter().next()
            }
        }
    }
}

fn anchored(pattern: &str) -> bool {
    regex_syntax::parse(pattern).is_ok_and(|hir| hir.properties().look_set_prefix().contains(Look::Start))
}

/// The first path segment of `/path?query`: what lies between the leading `/` and the next
/// `/` or `?`. `None` when the text does not start with `/`.
fn first_segment(path_query: &str) -> Option<&str> {
    let rest = path_query.strip_prefix('/')?;
    Some(&rest[..rest.find(['/', '?']).unwrap_or(rest.len())])
}

/// The first segments a shape's matches can have, when its literal prefixes fix them all: a
/// prefix must run past the segment's end (`^/ls/click` fixes `ls`; `^/track` fixes nothing,
/// since `/tracker` matches it too).
fn segments_of(pattern: &str) -> Option<Vec<String>> {
    match plain_segment(pattern) {
        Plain::Segment(s) => Some(vec![s]),
        Plain::None => None,
        Plain::Unsure => segments_by_syntax(pattern),
    }
}

/// What a quick read of a pattern's text says of its first segment.
enum Plain {
    Segment(String),
    /// The pattern fixes no first segment.
    None,
    /// The text is not plain enough to tell: ask the regex parser.
    Unsure,
}

/// Reads `^/` + literal characters + an unquantified `/` or `\?` without a parser: nearly
/// every shape is written so, and parsing them all would cost start-up what the lazy groups save.
fn plain_segment(pattern: &str) -> Plain {
    let Some(rest) = pattern.strip_prefix("^/") else {
        return Plain::Unsure;
    };
    if pattern.contains('|') {
        return Plain::Unsure;
    }
    let bytes = rest.as_bytes();
    let quantifier = |i: usize| bytes.get(i).is_some_and(|b| matches!(b, b'?' | b'*' | b'+' | b'{'));
    let mut segment = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let (ch, next, terminator) = match bytes[i] {
            b'\\' => match bytes.get(i + 1) {
                Some(b'?') => (b'?', i + 2, true),
                Some(&c @ (b'.' | b'-' | b'~' | b'=' | b'&' | b'%' | b'!' | b',' | b';' | b':' | b'@')) => {
                    (c, i + 2, false)
                }
                _ => return Plain::Unsure,
            },
            b'/' => (b'/', i + 1, true),
            c @ (b'a'..=b'z'
            | b'A'..=b'Z'
            | b'0'..=b'9'
            | b'_'
            | b'-'
            | b'~'
            | b'='
            | b'&'
            | b'%'
            | b'!'
            | b','
            | b';'
            | b':'
            | b'@') => (c, i + 1, false),
            _ => return Plain::Unsure,
        };
        if quantifier(next) {
            return Plain::Unsure;
        }
        if terminator {
            return Plain::Segment(segment);
        }
        segment.push(char::from(ch));
        i = next;
    }
    // The literal ends inside the first segment (`^/track`): no fixed segment.
    Plain::None
}

/// [`segments_of`] by the regex parser's literal prefixes.
fn segments_by_syntax(pattern: &str) -> Option<Vec<String>> {
    if !anchored(pattern) {
        return None;
    }
    let hir = regex_syntax::ParserBuilder::new().utf8(false).build().parse(pattern).ok()?;
    let mut extractor = Extractor::new();
    extractor.kind(ExtractKind::Prefix).limit_class(4).limit_repeat(4).limit_literal_len(32).limit_total(64);
    let seq = extractor.extract(&hir);
    let literals = seq.literals()?;
    if literals.is_empty() || literals.len() > MAX_PREFIXES {
        return None;
    }
    let mut out: Vec<String> = Vec::new();
    for lit in literals {
        let text = std::str::from_utf8(lit.as_bytes()).ok()?;
        let rest = text.strip_prefix('/')?;
        let end = rest.find(['/', '?'])?;
        let segment = rest[..end].to_string();
        if !out.contains(&segment) {
            out.push(segment);
        }
    }
    Some(out)
}

/// Every URL shape of a catalog, grouped for lazy compilation.
#[derive(Debug)]
pub(super) struct ShapeIndex {
    /// The patterns as compiled (a self-hosted product's with its sub-folder prefix).
    sources: Vec<String>,
    by_segment: FxHashMap<String, Group>,
    /// Self-hosted products' shapes, by the segment they start with wherever it sits in the path.
    by_any_segment: FxHashMap<String, Group>,
    /// Shapes without a fixed first segment: searched for every URL that contains one of their
    /// literals.
    everywhere: Group,
    /// The literals of the `everywhere` shapes (ASCII case-insensitive, a superset of what the
    /// shapes match); `None` when some shape has none, so the group is always searched.
    everywhere_literals: OnceLock<Option<AhoCorasick>>,
    /// The longest segment `by_any_segment` has: longer path segments (tokens) are not looked up.
    longest_any: usize,
}

/// A self-hosted product's shape `^/x…` also matches under any sub-folder: `^(?:/[^/?#]*)*?/x…`.
fn sub_folder(pattern: &str) -> String {
    match pattern.strip_prefix("^/") {
        Some(rest) => format!("^(?:/[^/?#]*)*?/{rest}"),
        None => pattern.to_string(),
    }
}

impl ShapeIndex {
    /// Indexes `sources` (catalog order): each pattern as written, and whether it belongs to a
    /// self-hosted product (then it also matches under a sub-folder). Every pattern is parsed
    /// once here, to report a bad pattern at load time, only when `validate` is set (a user's
    /// catalog); the built-in catalog's patterns are checked by its tests.
    pub(super) fn new(sources: Vec<(String, bool)>, validate: bool) -> Result<ShapeIndex, String> {
        if validate {
            for (p, _) in &sources {
                regex_syntax::parse(p).map_err(|e| format!("{p:?}: {e}"))?;
            }
        }
        let mut by_segment: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_any_segment: HashMap<String, Vec<usize>> = HashMap::new();
        let mut everywhere = Vec::new();
        for (i, (p, self_hosted)) in sources.iter().enumerate() {
            let map = if *self_hosted { &mut by_any_segment } else { &mut by_segment };
            match segments_of(p) {
                Some(segments) => {
                    for s in segments {
                        map.entry(s).or_default().push(i);
                    }
                }
                None => everywhere.push(i),
            }
        }
        let group = |members: Vec<usize>| Group { members, compiled: OnceLock::new() };
        let groups = |map: HashMap<String, Vec<usize>>| {
            map.into_iter().map(|(k, v)| (k, group(v))).collect::<FxHashMap<_, _>>()
        };
        Ok(ShapeIndex {
            sources: sources.into_iter().map(|(p, own)| if own { sub_folder(&p) } else { p }).collect(),
            by_segment: groups(by_segment),
            by_any_segment: groups(by_any_segment),
            everywhere: group(everywhere),
            everywhere_literals: OnceLock::new(),
            longest_any: 0,
        })
        .map(|mut index| {
            index.longest_any = index.by_any_segment.keys().map(String::len).max().unwrap_or(0);
            index
        })
    }

    fn search(&self, group: &Group, path_query: &str) -> Option<usize> {
        if group.members.is_empty() {
            return None;
        }
        let compiled = group.compiled.get_or_init(|| {
            let sources: Vec<&str> = group.members.iter().map(|&i| self.sources[i].as_str()).collect();
            Search::new(&sources)
        });
        match compiled {
            Ok(search) => search.first(path_query).map(|local| group.members[local]),
            Err(_) => None,
        }
    }

    /// Catalog index of the first shape that matches `path_query`.
    pub(super) fn first(&self, path_query: &str) -> Option<usize> {
        let mut best = first_segment(path_query)
            .and_then(|s| self.by_segment.get(s))
            .and_then(|g| self.search(g, path_query));
        let mut take = |found: Option<usize>| {
            if let Some(i) = found {
                best = Some(best.map_or(i, |b| b.min(i)));
            }
        };
        // Most paths contain none of the literals the shapes without a fixed segment need: their
        // search is skipped then (the same answer, as none of them can match).
        let literals = self.everywhere_literals.get_or_init(|| {
            let mut all = Vec::new();
            for &i in &self.everywhere.members {
                all.extend(super::literal::required(&self.sources[i])?);
            }
            AhoCorasick::builder().ascii_case_insensitive(true).build(&all).ok()
        });
        if literals.as_ref().is_none_or(|ac| ac.is_match(path_query)) {
            take(self.search(&self.everywhere, path_query));
        }
        if !self.by_any_segment.is_empty() && path_query.starts_with('/') {
            let path = path_query.split_once('?').map_or(path_query, |(p, _)| p);
            // A group is searched once, whichever of its segments the path repeats (the first
            // few remembered; a path repeating more is searched again, with the same answer).
            let mut searched: [*const Group; 4] = [std::ptr::null(); 4];
            let mut n = 0;
            for segment in path[1..].split('/').filter(|s| s.len() <= self.longest_any) {
                if let Some(g) = self.by_any_segment.get(segment) {
                    let at: *const Group = g;
                    if searched[..n].contains(&at) {
                        continue;
                    }
                    if n < searched.len() {
                        searched[n] = at;
                        n += 1;
                    }
                    take(self.search(g, path_query));
                }
            }
        }
        best
    }

    /// Compiles every group now (for benchmarks and the catalog's own tests); the first error.
    pub(super) fn compile_all(&self) -> Result<(), String> {
        for g in self
            .by_segment
            .values()
            .chain(self.by_any_segment.values())
            .chain(std::iter::once(&self.everywhere))
        {
            if let Some(m) = g.members.first() {
                self.search(g, "");
                if let Some(Err(e)) = g.compiled.get() {
                    return Err(format!("URL shape group of {:?}: {e}", self.sources[*m]));
                }
            }
        }
        Ok(())
    }

    /// The pattern at catalog index `i`.
    pub(super) fn source(&self, i: usize) -> &str {
        &self.sources[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(r"^/ls/click\?upn=", Some(vec!["ls"]))]
    #[case(r"^/trk\?", Some(vec!["trk"]))]
    #[case(r"^/\?qs=[0-9a-f]{10}", Some(vec![""]))]
    #[case(r"^/C?L0/https?:", Some(vec!["CL0", "L0"]))]
    #[case(r"^/e3t/Ctc/", Some(vec!["e3t"]))]
    #[case(r"^/ls/?x", None)]
    #[case(r"^/a/x|^/zz", None)]
    #[case(r"^/track", None)]
    #[case(r"^/[23][tsm]{0,3}/", None)]
    #[case(r"/zz", None)]
    #[case(r"^(?:/[^/?]*)*?/t/", None)]
    fn segments(#[case] pattern: &str, #[case] want: Option<Vec<&str>>) {
        let got = segments_of(pattern).map(|mut v| {
            v.sort();
            v
        });
        let want = want.map(|v| v.into_iter().map(String::from).collect::<Vec<_>>());
        assert_eq!(got, want, "{pattern}");
    }

    #[test]
    fn the_first_in_catalog_order_wins_across_groups() {
        let index = ShapeIndex::new(
            vec![
                (r"^/c/x".into(), false),
                (r"^/[a-z]/".into(), false),
                (r"^/c/".into(), false),
                (r"^/zz".into(), false),
                (r"^/t/[0-9]{3}$".into(), true),
            ],
            true,
        )
        .unwrap();
        assert_eq!(index.first("/newsletter/t/123"), Some(4));
        assert_eq!(index.first("/t/123"), Some(1));
        assert_eq!(index.first("/a/t/t/123"), Some(1));
        assert_eq!(index.first("/ab/t/t/123"), Some(4));
        assert_eq!(index.first("/c/x1"), Some(0));
        assert_eq!(index.first("/c/y"), Some(1));
        assert_eq!(index.first("/zzz"), Some(3));
        assert_eq!(index.first("/C/y"), None);
        assert_eq!(index.first(""), None);
        index.compile_all().unwrap();
    }
}
