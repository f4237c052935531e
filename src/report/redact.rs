//! Report: `--redact` — masks email addresses everywhere and long tokens in every URL, because
//! tracking URLs carry the recipient's address and ids. Applied to a report before any format
//! renders it, so every format is redacted alike.

use std::sync::LazyLock;

use regex::Regex;

use super::{MessageReport, Report};

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[a-z0-9._%+=-]+(?:@|%40|%2540)[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
        .expect("static regex")
});
static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?i)\b(?:https?|mailto):[^\s"'<>]+"#).expect("static regex"));
static TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9_-]{24,}={0,2}").expect("static regex"));

/// Masks email addresses in any text.
pub fn text(s: &str) -> String {
    let masked = EMAIL.replace_all(s, "[email]");
    URL.replace_all(&masked, |c: &regex::Captures<'_>| url(&c[0])).into_owned()
}

/// Masks email addresses and, after the host, every run of 24 or more token characters.
pub fn url(s: &str) -> String {
    let s = EMAIL.replace_all(s, "[email]");
    let host_end =
        s.find("://").map_or(0, |i| i + 3 + s[i + 3..].find(['/', '?', '#']).unwrap_or(s.len() - i - 3));
    let (head, tail) = s.split_at(host_end);
    let tail = TOKEN.replace_all(tail, |c: &regex::Captures<'_>| format!("[token:{}]", c[0].len()));
    format!("{head}{tail}")
}

fn opt(v: &mut Option<String>, f: fn(&str) -> String) {
    if let Some(s) = v.as_mut() {
        *s = f(s);
    }
}

/// Redacts one message's report in place.
pub fn message(m: &mut MessageReport) {
    opt(&mut m.from, text);
    for v in &mut m.sent_via {
        v.evidence = text(&v.evidence);
    }
    if let Some(so) = m.show_original.as_mut() {
        opt(&mut so.message_id, text);
    }
    for l in &mut m.links {
        l.url = url(&l.url);
        for h in &mut l.hops {
            h.url = url(&h.url);
        }
        opt(&mut l.destination, url);
        opt(&mut l.text, text);
    }
    for f in &mut m.findings {
        opt(&mut f.url, url);
        f.message = text(&f.message);
    }
}

/// Redacts a whole report in place.
pub fn report(r: &mut Report) {
    for m in &mut r.messages {
        message(m);
    }
    for b in &mut r.batch_findings {
        opt(&mut b.finding.url, url);
        b.finding.message = text(&b.finding.message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_tokens_are_masked() {
        let u = "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fx.example%2F&data=05%7C02%7Calice%40example.org%7C0a1b2c3d4e5f60718293a4b5c6d7e8f9";
        let r = url(u);
        assert!(!r.contains("alice"), "{r}");
        assert!(r.starts_with("https://nam12.safelinks.protection.outlook.com/?url="), "{r}");
        assert!(r.contains("[token:"), "{r}");
        assert_eq!(url("mailto:bob.smith+news@example.co.uk?subject=x"), "mailto:[email]?subject=x");
        assert_eq!(text("From bob@example.com"), "From [email]");
        assert_eq!(
            url("https://cdn.mcauto-images-production.sendgrid.net/a.png"),
            "https://cdn.mcauto-images-production.sendgrid.net/a.png"
        );
    }
}
