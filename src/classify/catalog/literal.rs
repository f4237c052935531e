//! Classify › catalog: the literal text a pattern's every match must contain, read from the
//! pattern without a parser — so a regex is compiled only for the inputs that contain it.
//!
//! Conservative by construction: text inside groups and classes, a character under a
//! quantifier and anything after an escape that is a class (`\d`, `\w`) breaks a run; a
//! top-level alternation needs a literal in every branch. When in doubt there is no literal and
//! the pattern is simply always tried.

/// Characters that are regex syntax outside a class.
fn meta(b: u8) -> bool {
    matches!(
        b,
        b'\\' | b'.' | b'+' | b'*' | b'?' | b'(' | b')' | b'|' | b'[' | b']' | b'{' | b'}' | b'^' | b'$'
    )
}

/// Splits `pattern` at its top-level `|` (outside groups and classes).
fn branches(pattern: &str) -> Vec<&str> {
    let bytes = pattern.as_bytes();
    let (mut depth, mut in_class, mut start, mut i) = (0usize, false, 0usize, 0usize);
    let mut out = Vec::new();
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' if !in_class => in_class = true,
            b']' if in_class => in_class = false,
            b'(' if !in_class => depth += 1,
            b')' if !in_class => depth = depth.saturating_sub(1),
            b'|' if !in_class && depth == 0 => {
                out.push(&pattern[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&pattern[start..]);
    out
}

/// The index of the `)` that closes the group opened at `open`, if any.
fn closing(bytes: &[u8], open: usize) -> Option<usize> {
    let (mut depth, mut in_class, mut i) = (0usize, false, open);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' if !in_class => in_class = true,
            b']' if in_class => in_class = false,
            b'(' if !in_class => depth += 1,
            b')' if !in_class => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// `branch` with the delimiters of its plain groups taken away: a group that is neither
/// quantified nor a look-around, and has no alternation of its own, is always matched whole
/// (`^/(?i:emailtracker/x)` reads as `^/emailtracker/x`). Other groups stay as they are.
fn flatten(branch: &str) -> String {
    let bytes = branch.as_bytes();
    let mut out = String::with_capacity(branch.len());
    let (mut i, mut in_class) = (0usize, false);
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\\' {
            out.push_str(&branch[i..(i + 2).min(branch.len())]);
            i += 2;
            continue;
        }
        if in_class || b != b'(' {
            in_class = (in_class || b == b'[') && !(in_class && b == b']');
            let ch = branch[i..].chars().next().unwrap_or('\0');
            out.push(ch);
            i += ch.len_utf8();
            continue;
        }
        let Some(close) = closing(bytes, i) else {
            out.push_str(&branch[i..]);
            break;
        };
        let inner = &branch[i + 1..close];
        let body = if let Some(rest) = inner.strip_prefix('?') {
            // (?:…), (?i:…), (?P<name>…), (?<name>…): the text after the prefix; flag-only
            // groups and look-arounds have none.
            if rest.starts_with(['=', '!']) || rest.starts_with("<=") || rest.starts_with("<!") {
                None
            } else if let Some(named) = rest.strip_prefix("P<").or_else(|| rest.strip_prefix('<')) {
                named.find('>').map(|e| &named[e + 1..])
            } else {
                rest.find(':')
                    .filter(|&c| rest[..c].bytes().all(|b| b.is_ascii_alphabetic() || b == b'-'))
                    .map(|c| &rest[c + 1..])
            }
        } else {
            Some(inner)
        };
        let quantified = bytes.get(close + 1).is_some_and(|c| matches!(c, b'?' | b'*' | b'+' | b'{'));
        match body {
            Some(body) if !quantified && branches(body).len() == 1 => out.push_str(&flatten(body)),
            _ => out.push_str(&branch[i..=close]),
        }
        i = close + 1;
    }
    out
}

/// The runs of literal text of one branch (lower-cased), outside groups and classes.
fn runs(branch: &str) -> Vec<String> {
    let bytes = branch.as_bytes();
    let (mut depth, mut in_class, mut i) = (0usize, false, 0usize);
    let mut runs = Vec::new();
    let mut run: Vec<u8> = Vec::new();
    let quantified = |j: usize| bytes.get(j).is_some_and(|c| matches!(c, b'?' | b'*' | b'{'));
    let close = |run: &mut Vec<u8>, runs: &mut Vec<String>| {
        if let Ok(s) = std::str::from_utf8(run) {
            runs.push(s.to_ascii_lowercase());
        }
        run.clear();
    };
    while i < bytes.len() {
        let b = bytes[i];
        if in_class {
            if b == b'\\' {
                i += 1;
            } else if b == b']' {
                in_class = false;
            }
            i += 1;
            continue;
        }
        let (literal, next) = match b {
            b'\\' => match bytes.get(i + 1) {
                Some(&c) if !c.is_ascii_alphanumeric() && c.is_ascii() => (Some(c), i + 2),
                _ => (None, i + 2),
            },
            b'[' => {
                in_class = true;
                (None, i + 1)
            }
            b'(' => {
                depth += 1;
                (None, i + 1)
            }
            b')' => {
                depth = depth.saturating_sub(1);
                (None, i + 1)
            }
            c if meta(c) => (None, i + 1),
            c => (Some(c), i + 1),
        };
        match literal {
            Some(c) if depth == 0 => {
                if quantified(next) {
                    // The character may repeat or be absent: the run ends before it.
                    close(&mut run, &mut runs);
                } else {
                    run.push(c);
                }
            }
            _ => close(&mut run, &mut runs),
        }
        i = next;
    }
    close(&mut run, &mut runs);
    runs
}

/// The literals (lower-case) of which every match of `pattern` contains at least one; `None`
/// when the text does not show any (then the pattern must be tried on everything).
pub(super) fn required(pattern: &str) -> Option<Vec<String>> {
    // Escapes with arguments (`\x41`, `\u{…}`, `\p{L}`) and the verbose flag change what the text
    // means: no literal then.
    if ["\\x", "\\u", "\\U", "\\p", "\\P"].iter().any(|e| pattern.contains(e)) {
        return None;
    }
    for (i, _) in pattern.match_indices("(?") {
        let flags = &pattern[i + 2..];
        let end = flags.find([')', ':']).unwrap_or(flags.len());
        let flag_group = flags[..end].bytes().all(|b| b.is_ascii_alphabetic() || b == b'-');
        if flag_group && flags[..end].contains('x') {
            return None;
        }
    }
    let mut out = Vec::new();
    for branch in branches(pattern) {
        // The most selective run: a bare top-level domain (`.com`) is in most hosts.
        let tld = |r: &String| {
            r.starts_with('.') && r.len() <= 5 && r[1..].bytes().all(|b| b.is_ascii_alphabetic())
        };
        let best =
            runs(&flatten(branch)).into_iter().filter(|r| r.len() >= 3).max_by_key(|r| (!tld(r), r.len()))?;
        if !out.contains(&best) {
            out.push(best);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(r"^us\d+\.mailchimp\.com$", Some(vec![".mailchimp.com"]))]
    #[case(r"^(.+\.)?mkt\d+\.com$", Some(vec!["mkt"]))]
    #[case(r"^(.+\.)?sendib[tmw][a-z0-9]{0,2}\.com$", Some(vec!["sendib"]))]
    #[case(r"^(.+\.)?emlnk\d?\.com$", Some(vec!["emlnk"]))]
    #[case(r"^links(-\d+)?\.govdelivery\.com$", Some(vec![".govdelivery.com"]))]
    #[case(r"^t\.(a|b)\d*\.(com|net)$", None)]
    #[case(r"^abcd?\.test$", Some(vec!["abc"]))]
    #[case(r"^[a-z]{2}\d+-api\.connectif\.cloud$", Some(vec!["-api.connectif.cloud"]))]
    #[case(r"geopod-ismtpd|\(SG\)|filterdrecv|outbound-mail\.sendgrid\.net", Some(vec!["geopod-ismtpd", "(sg)", "filterdrecv", "outbound-mail.sendgrid.net"]))]
    #[case(r"d=sendgrid\.info", Some(vec!["d=sendgrid.info"]))]
    #[case(r":us\d+:mc$", Some(vec![":mc"]))]
    #[case(r"^<?bounce\+[0-9a-f]+\.[0-9a-f]+-", Some(vec!["bounce+"]))]
    #[case(r"mailgun\.(org|info|net|us)|postgun\.com", Some(vec!["mailgun.", "postgun.com"]))]
    #[case(r"(?i)X-Mailer", Some(vec!["x-mailer"]))]
    #[case(r"(?x) a b c", None)]
    #[case(r"ab(?x: c d e)fgh", None)]
    #[case(r"\x41bcdef", None)]
    #[case(r"\p{L}abcdef", None)]
    #[case(r"ab|c", None)]
    #[case(r"[|]abc", Some(vec!["abc"]))]
    #[case(r"^/(?i:emailtracker/emailtracker\.ashx)", Some(vec!["/emailtracker/emailtracker.ashx"]))]
    #[case(r"^/(?:ab)cde(?P<x>fg)", Some(vec!["/abcdefg"]))]
    #[case(r"^/(?:ab)?cde", Some(vec!["cde"]))]
    #[case(r"^/(ab|xy)cde", Some(vec!["cde"]))]
    #[case(r"^/x(?=abc)", None)]
    #[case(r"^/(?i)abcd", Some(vec!["abcd"]))]
    fn literals(#[case] pattern: &str, #[case] want: Option<Vec<&str>>) {
        let want = want.map(|v| v.into_iter().map(String::from).collect::<Vec<_>>());
        assert_eq!(required(pattern), want, "{pattern}");
    }

    /// Every literal a built-in pattern gets is really in what the pattern matches: checked on
    /// the matches of each pattern over the catalog's own examples and shapes of real values.
    #[test]
    fn literals_are_in_every_match_of_the_builtin_patterns() {
        let c = super::super::Catalog::builtin();
        let mut checked = 0;
        for esp in &c.esps {
            let e = &esp.entry;
            for p in e.tracking_patterns.iter().chain(&e.content_patterns) {
                let Some(lits) = required(p) else { continue };
                let re = regex::RegexBuilder::new(p).case_insensitive(true).build().unwrap();
                for url in &e.examples {
                    let Some(host) = crate::classify::host_of(url) else { continue };
                    if re.is_match(&host) {
                        checked += 1;
                        assert!(lits.iter().any(|l| host.contains(l.as_str())), "{p}: {host} lacks {lits:?}");
                    }
                }
            }
        }
        assert!(checked > 10, "only {checked} host-pattern examples checked");
    }
}
