//! Report: `--redact` — one masking function, [`mask`], applied to every untrusted string
//! [`super::untrusted`] lists (file names aside), before any format renders the report, so every
//! format is redacted alike; the HTML preview masks the message's own text, titles and alt text
//! with it too.
//!
//! What it masks: email addresses — also written with percent-encoded characters
//! (`victim%40corp%2Eexample`, twice-encoded `%2540`) or with a fullwidth or small `＠`, found on
//! the percent-decoded text and masked in the original; the userinfo of a URL, whole
//! (`https://[userinfo]@host/`); and in every URL, after the host, every run of 24 or more token
//! characters (recipient ids), as `[token:N]`.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::untrusted::{self, Origin};
use super::{MessageReport, Report};
use crate::domain::DomainReport;
use crate::finding::Finding;

/// An address: a local part, an at-sign (ASCII, fullwidth `＠` or small `﹫`) and a domain with
/// a dot (ASCII, fullwidth or ideographic).
static EMAIL: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(r"(?i)[\w.%+~!#$'*^`{|}-]+(?:@|＠|﹫)[\w-]+(?:[.．。][\w-]+)*[.．。][\p{L}]{2,}")
        .expect("static regex")
});
/// The userinfo of a URL: everything of the authority up to its last `@`.
static USERINFO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s"'<>]*@"#).expect("static regex"));
static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\b(?:https?|mailto):[^\s"'<>]+"#).expect("static regex"));
static TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9_-]{24,}={0,2}").expect("static regex"));

/// The masking function: `s` with its addresses, URL userinfo and URL tokens masked; `None`
/// when there is nothing to mask.
pub fn mask(s: &str) -> Option<String> {
    let mut out: Cow<'_, str> = Cow::Borrowed(s);
    if s.contains("://") {
        if let Cow::Owned(o) = USERINFO.replace_all(&out, "${1}[userinfo]@") {
            out = Cow::Owned(o);
        }
    }
    if let Some(o) = addresses(&out) {
        out = Cow::Owned(o);
    }
    if out.contains(':') {
        if let Cow::Owned(o) = URL.replace_all(&out, |c: &regex::Captures<'_>| tokens(&c[0])) {
            out = Cow::Owned(o);
        }
    }
    match out {
        Cow::Owned(o) if o != s => Some(o),
        _ => None,
    }
}

/// [`mask`] as a string, for callers that need one either way.
pub fn text(s: &str) -> String {
    mask(s).unwrap_or_else(|| s.to_string())
}

/// The addresses of `s` masked as `[email]`, found on its percent-decoded form (twice, for
/// `%2540`); `None` when it has none.
fn addresses(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    if !bytes.iter().any(|&b| matches!(b, b'@' | b'%' | 0xEF | 0xEE)) {
        return None; // no at-sign of any kind, no percent-encoding
    }
    // Decoded bytes and, for each, the offset in `s` where it starts.
    let (once, map1) = percent_decode(bytes);
    let (twice, map2) = percent_decode(&once);
    let at = |i: usize| -> usize {
        let j = map2.get(i).copied().unwrap_or(once.len());
        map1.get(j).copied().unwrap_or(bytes.len())
    };
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for m in EMAIL.find_iter(&twice) {
        let (start, end) = (at(m.start()), at(m.end()));
        match ranges.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => ranges.push((start, end)),
        }
    }
    if ranges.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for (start, end) in ranges {
        // The mapped offsets are character boundaries of `s` (a `%XX` starts with `%`).
        let (start, end) = (floor(s, start), ceil(s, end));
        if start < last {
            continue;
        }
        out.push_str(&s[last..start]);
        out.push_str("[email]");
        last = end;
    }
    out.push_str(&s[last..]);
    Some(out)
}

fn floor(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Percent-decodes `b`; each decoded byte's offset in `b`.
fn percent_decode(b: &[u8]) -> (Vec<u8>, Vec<usize>) {
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut map = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            if let (Some(h), Some(l)) =
                (b.get(i + 1).and_then(|&c| hex(c)), b.get(i + 2).and_then(|&c| hex(c)))
            {
                out.push(h << 4 | l);
                map.push(i);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        map.push(i);
        i += 1;
    }
    (out, map)
}

/// A URL with every run of 24 or more token characters after its host masked.
fn tokens(s: &str) -> String {
    let host_end =
        s.find("://").map_or(0, |i| i + 3 + s[i + 3..].find(['/', '?', '#']).unwrap_or(s.len() - i - 3));
    let (head, tail) = s.split_at(host_end);
    let tail = TOKEN.replace_all(tail, |c: &regex::Captures<'_>| format!("[token:{}]", c[0].len()));
    format!("{head}{tail}")
}

fn fix(origin: Origin, s: &str) -> Option<String> {
    match origin {
        Origin::FileName => None,
        Origin::Content => mask(s),
    }
}

/// Redacts one message's report in place: every untrusted string but the file name.
pub fn message(m: &mut MessageReport) {
    untrusted::message(m, fix);
}

/// Redacts a finding in place.
pub fn finding(f: &mut Finding) {
    untrusted::finding(f, fix);
}

/// Redacts a checked domain in place.
pub fn domain(d: &mut DomainReport) {
    untrusted::domain(d, fix);
}

/// Redacts a whole report in place.
pub fn report(r: &mut Report) {
    for m in &mut r.messages {
        message(m);
    }
    untrusted::rest(r, fix);
}

#[cfg(test)]
mod tests {
    use super::super::untrusted::hostile;
    use super::*;

    fn m(s: &str) -> String {
        text(s)
    }

    #[test]
    fn addresses_and_tokens_are_masked() {
        let u = "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fx.example%2F&data=05%7C02%7Calice%40example.org%7C0a1b2c3d4e5f60718293a4b5c6d7e8f9";
        let r = m(u);
        assert!(!r.contains("alice"), "{r}");
        assert!(r.starts_with("https://nam12.safelinks.protection.outlook.com/?url="), "{r}");
        assert!(r.contains("[token:"), "{r}");
        assert_eq!(m("mailto:bob.smith+news@example.co.uk?subject=x"), "mailto:[email]?subject=x");
        assert_eq!(m("From bob@example.com"), "From [email]");
        assert_eq!(
            m("https://cdn.mcauto-images-production.sendgrid.net/a.png"),
            "https://cdn.mcauto-images-production.sendgrid.net/a.png"
        );
        assert_eq!(mask("nothing to see"), None);
    }

    /// Issue 16, item 2 (b) and (d).
    #[test]
    fn encoded_fullwidth_and_userinfo_addresses_are_masked() {
        for (raw, want) in [
            ("https://t.example/c?e=victim.person%40corp%2Eexample&x=1", "https://t.example/c?e=[email]&x=1"),
            ("https://t.example/c?e=victim.person%2540corp.example", "https://t.example/c?e=[email]"),
            ("https://t.example/c?e=%76ictim%2Eperson%40corp%2Eexample", "https://t.example/c?e=[email]"),
            ("write to victim.person＠corp.example now", "write to [email] now"),
            ("https://victim:hunter2@t.example/x", "https://[userinfo]@t.example/x"),
            ("https://victim.person@corp.example@t.example/x", "https://[userinfo]@t.example/x"),
        ] {
            assert_eq!(m(raw), want, "{raw}");
        }
    }

    /// Issue 16, item 2 (a): every untrusted field of a report is masked, the Subject too.
    #[test]
    fn every_field_is_masked() {
        let mut r = hostile::report();
        report(&mut r);
        let json = serde_json::to_value(&r).unwrap_or_default();
        let mut strings = Vec::new();
        super::super::untrusted::tests::all_strings(&json, &mut strings);
        let leaks: Vec<&String> = strings.iter().filter(|s| s.contains("victim")).collect();
        assert!(leaks.is_empty(), "{leaks:#?}");
        assert!(r.messages[0].subject.as_deref().is_some_and(|s| s.contains("[email]")));
        // File names are not masked.
        assert!(r.messages[0].source.starts_with("mail"));
    }
}
