//! Report: every string of a report that comes from outside linkaudit — the message (Subject,
//! From, URLs, hops, destinations, anchor text, header values), the file it was read from, and
//! what a DNS, TLS or HTTP server answered — listed once, here.
//!
//! The two treatments that untrusted text needs walk this one list: the sanitiser of the
//! formats people read ([`super::sanitize::message`]) and `--redact`'s masking
//! ([`super::redact`]). A field added to the report must be added here, or the tests that fill
//! every field with hostile text (in `sanitize` and `redact`) fail.
//!
//! Each field is visited with its [`Origin`], and the visitor may replace it. The walk exists in
//! a reading form ([`any_message`], …) and a rewriting form ([`message`], …), generated from the
//! same list by one macro so the two cannot drift apart.

use std::borrow::Cow;
use std::sync::Arc;

use super::{InputFailure, MessageReport, Report};
use crate::domain::DomainReport;
use crate::finding::Finding;

/// Where an untrusted string comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The name of the file a message was read from (reports name it; `--redact` leaves it).
    FileName,
    /// The message, or a server's answer: shown sanitised, masked under `--redact`.
    Content,
}

/// Reads a field; `true` stops the walk.
type Probe<'p> = dyn FnMut(Origin, &str) -> bool + 'p;
/// Rewrites a field: `Some` replaces it.
pub type Fix<'p> = dyn FnMut(Origin, &str) -> Option<String> + 'p;

/// What a field is, for the two forms of the walk.
trait Field {
    fn probe(&self, origin: Origin, p: &mut Probe<'_>) -> bool;
    fn fix(&mut self, origin: Origin, f: &mut Fix<'_>);
}

impl Field for String {
    fn probe(&self, origin: Origin, p: &mut Probe<'_>) -> bool {
        p(origin, self)
    }
    fn fix(&mut self, origin: Origin, f: &mut Fix<'_>) {
        if let Some(new) = f(origin, self) {
            *self = new;
        }
    }
}

impl Field for Arc<str> {
    fn probe(&self, origin: Origin, p: &mut Probe<'_>) -> bool {
        p(origin, self)
    }
    fn fix(&mut self, origin: Origin, f: &mut Fix<'_>) {
        if let Some(new) = f(origin, self) {
            *self = new.into();
        }
    }
}

impl Field for Cow<'static, str> {
    fn probe(&self, origin: Origin, p: &mut Probe<'_>) -> bool {
        p(origin, self)
    }
    fn fix(&mut self, origin: Origin, f: &mut Fix<'_>) {
        if let Some(new) = f(origin, self) {
            *self = Cow::Owned(new);
        }
    }
}

impl<T: Field> Field for Option<T> {
    fn probe(&self, origin: Origin, p: &mut Probe<'_>) -> bool {
        self.as_ref().is_some_and(|v| v.probe(origin, p))
    }
    fn fix(&mut self, origin: Origin, f: &mut Fix<'_>) {
        if let Some(v) = self.as_mut() {
            v.fix(origin, f);
        }
    }
}

impl<T: Field> Field for Vec<T> {
    fn probe(&self, origin: Origin, p: &mut Probe<'_>) -> bool {
        self.iter().any(|v| v.probe(origin, p))
    }
    fn fix(&mut self, origin: Origin, f: &mut Fix<'_>) {
        for v in self {
            v.fix(origin, f);
        }
    }
}

/// The lists of fields, written once. `$visit!(origin, place)` is called on every untrusted
/// field (and must return early in the reading form); nested structures go through their own
/// list. `$($m)*` is `mut` in the rewriting form.
macro_rules! lists {
    ($visit:ident, [$($m:tt)*]) => {
        pub(super) fn finding_fields(f: &$($m)* Finding, v: &mut Visitor<'_>) -> bool {
            $visit!(v, Origin::Content, f.message);
            $visit!(v, Origin::Content, f.url);
            $visit!(v, Origin::Content, f.hint);
            false
        }

        pub(super) fn message_fields(m: &$($m)* MessageReport, v: &mut Visitor<'_>) -> bool {
            $visit!(v, Origin::FileName, m.source);
            $visit!(v, Origin::Content, m.from);
            $visit!(v, Origin::Content, m.subject);
            for s in &$($m)* m.sent_via {
                $visit!(v, Origin::Content, s.evidence);
            }
            for r in &$($m)* m.alignment {
                $visit!(v, Origin::Content, r.domain);
                $visit!(v, Origin::Content, r.org);
                $visit!(v, Origin::Content, r.selector);
            }
            if let Some(a) = &$($m)* m.authentication {
                $visit!(v, Origin::Content, a.source);
                $visit!(v, Origin::Content, a.spf);
                $visit!(v, Origin::Content, a.dkim);
                $visit!(v, Origin::Content, a.dmarc);
            }
            if let Some(s) = &$($m)* m.show_original {
                $visit!(v, Origin::Content, s.message_id);
                $visit!(v, Origin::Content, s.created_at);
                $visit!(v, Origin::Content, s.spf);
                $visit!(v, Origin::Content, s.dkim);
                $visit!(v, Origin::Content, s.dmarc);
            }
            for p in &$($m)* m.parts {
                $visit!(v, Origin::Content, p.content_type);
                $visit!(v, Origin::Content, p.charset);
            }
            for l in &$($m)* m.links {
                $visit!(v, Origin::Content, l.url);
                $visit!(v, Origin::Content, l.host);
                for h in &$($m)* l.hops {
                    $visit!(v, Origin::Content, h.url);
                }
                $visit!(v, Origin::Content, l.destination);
                $visit!(v, Origin::Content, l.judged_host);
                $visit!(v, Origin::Content, l.note);
                $visit!(v, Origin::Content, l.element);
                $visit!(v, Origin::Content, l.attribute);
                $visit!(v, Origin::Content, l.text);
            }
            for f in &$($m)* m.findings {
                if finding_fields(f, v) {
                    return true;
                }
            }
            false
        }

        pub(super) fn domain_fields(d: &$($m)* DomainReport, v: &mut Visitor<'_>) -> bool {
            $visit!(v, Origin::Content, d.host);
            $visit!(v, Origin::Content, d.dns.cname);
            $visit!(v, Origin::Content, d.dns.doubled);
            $visit!(v, Origin::Content, d.dns.cname_loop);
            $visit!(v, Origin::Content, d.dns.zone_missing);
            $visit!(v, Origin::Content, d.dns.error);
            $visit!(v, Origin::Content, d.dns.not_checked);
            $visit!(v, Origin::Content, d.not_checked);
            if let Some(t) = &$($m)* d.tls {
                if let Some(c) = &$($m)* t.certificate {
                    $visit!(v, Origin::Content, c.subject);
                    $visit!(v, Origin::Content, c.issuer);
                    $visit!(v, Origin::Content, c.names);
                }
                match &$($m)* t.error {
                    Some(crate::domain::TlsError::Certificate(why))
                    | Some(crate::domain::TlsError::Unavailable(why)) => $visit!(v, Origin::Content, *why),
                    None => {}
                }
            }
            if let Some(h) = &$($m)* d.http {
                $visit!(v, Origin::Content, h.location);
                $visit!(v, Origin::Content, h.server);
                $visit!(v, Origin::Content, h.error);
            }
            if let Some(a) = &$($m)* d.auth {
                $visit!(v, Origin::Content, a.from);
                $visit!(v, Origin::Content, a.spf);
                if let Some((at, record)) = &$($m)* a.dmarc {
                    $visit!(v, Origin::Content, *at);
                    $visit!(v, Origin::Content, *record);
                }
                for k in &$($m)* a.dkim {
                    $visit!(v, Origin::Content, k.selector);
                    $visit!(v, Origin::Content, k.domain);
                    $visit!(v, Origin::Content, k.record);
                }
            }
            for f in &$($m)* d.findings {
                if finding_fields(f, v) {
                    return true;
                }
            }
            false
        }

        pub(super) fn failure_fields(e: &$($m)* InputFailure, v: &mut Visitor<'_>) -> bool {
            $visit!(v, Origin::FileName, e.source);
            $visit!(v, Origin::Content, e.message);
            false
        }

        /// Everything of a report but its messages.
        pub(super) fn rest_fields(r: &$($m)* Report, v: &mut Visitor<'_>) -> bool {
            for b in &$($m)* r.batch_findings {
                $visit!(v, Origin::FileName, b.source);
                if finding_fields(&$($m)* b.finding, v) {
                    return true;
                }
            }
            for e in &$($m)* r.errors {
                if failure_fields(e, v) {
                    return true;
                }
            }
            for d in &$($m)* r.domains {
                if domain_fields(d, v) {
                    return true;
                }
            }
            for w in &$($m)* r.summary.worst {
                $visit!(v, Origin::FileName, w.source);
            }
            false
        }
    };
}

/// The reading form: a probe that may stop the walk.
mod reading {
    use super::*;

    pub(super) type Visitor<'p> = Probe<'p>;

    macro_rules! probe {
        ($v:ident, $origin:expr, $place:expr) => {
            if $place.probe($origin, $v) {
                return true;
            }
        };
    }

    lists!(probe, []);
}

/// The rewriting form.
mod rewriting {
    use super::*;

    pub(super) type Visitor<'p> = Fix<'p>;

    macro_rules! fix {
        ($v:ident, $origin:expr, $place:expr) => {
            $place.fix($origin, $v)
        };
    }

    lists!(fix, [mut]);
}

/// Does `probe` hold for any untrusted string of the message?
pub fn any_message(m: &MessageReport, mut probe: impl FnMut(Origin, &str) -> bool) -> bool {
    reading::message_fields(m, &mut probe)
}

/// Does `probe` hold for any untrusted string of the report, its messages left out?
pub fn any_rest(r: &Report, mut probe: impl FnMut(Origin, &str) -> bool) -> bool {
    reading::rest_fields(r, &mut probe)
}

/// Rewrites every untrusted string of a message's report.
pub fn message(m: &mut MessageReport, mut fix: impl FnMut(Origin, &str) -> Option<String>) {
    rewriting::message_fields(m, &mut fix);
}

/// Rewrites every untrusted string of the report but its messages (batch findings, unreadable
/// inputs, checked domains, the summary's file names).
pub fn rest(r: &mut Report, mut fix: impl FnMut(Origin, &str) -> Option<String>) {
    rewriting::rest_fields(r, &mut fix);
}

/// Rewrites a finding's untrusted strings (message, URL, hint).
pub fn finding(f: &mut Finding, mut fix: impl FnMut(Origin, &str) -> Option<String>) {
    rewriting::finding_fields(f, &mut fix);
}

/// Rewrites every untrusted string of a checked domain.
pub fn domain(d: &mut DomainReport, mut fix: impl FnMut(Origin, &str) -> Option<String>) {
    rewriting::domain_fields(d, &mut fix);
}

/// Rewrites an unreadable input's name and message.
pub fn failure(e: &mut InputFailure, mut fix: impl FnMut(Origin, &str) -> Option<String>) {
    rewriting::failure_fields(e, &mut fix);
}

/// Does `probe` hold for any untrusted string of a checked domain?
pub fn any_domain(d: &DomainReport, mut probe: impl FnMut(Origin, &str) -> bool) -> bool {
    reading::domain_fields(d, &mut probe)
}

/// Does `probe` hold for an unreadable input's name or message?
pub fn any_failure(e: &InputFailure, mut probe: impl FnMut(Origin, &str) -> bool) -> bool {
    reading::failure_fields(e, &mut probe)
}

/// A report with every untrusted field filled with hostile text, for the tests of the sanitiser
/// and the masking: a new field must be filled here too (the struct literals do not compile
/// without it).
#[cfg(test)]
pub(crate) mod hostile {
    use std::borrow::Cow;

    use super::super::{
        InputFailure, LinkReport, MessageReport, PartSummary, Report, SentVia, Summary, WorstMessage,
    };
    use crate::classify::alignment::{AuthResults, DomainRole, DomainRow};
    use crate::classify::{Class, Role};
    use crate::domain::{AuthFacts, DkimFact, DnsFacts, DomainReport, HttpFacts, TlsError, TlsFacts};
    use crate::extract::Kind;
    use crate::finding::{Finding, Severity};
    use crate::input::ShowOriginal;
    use crate::message::PartKind;
    use crate::rules::batch::BatchFinding;
    use crate::unwrap::Hop;

    /// Clear the screen, write the clipboard (OSC 52), plant a hyperlink (OSC 8), a C1 CSI,
    /// a right-to-left override, a zero-width space, a C1 next-line, a line separator and a tag.
    pub const EVIL: &str = "\u{1b}[2J\u{1b}]52;c;aGk=\u{7}\u{1b}]8;;https://evil.example/\u{1b}\\x\u{1b}]8;;\u{1b}\\\u{9b}31m\u{202e}\u{200b}\u{85}\u{2028}\u{e0041}";
    /// An address that `--redact` must mask wherever it appears.
    pub const ADDRESS: &str = "victim.person@corp.example";

    /// Hostile text, tagged so a test can tell fields apart.
    pub fn s(tag: &str) -> String {
        format!("{tag} {EVIL} {ADDRESS}")
    }

    fn url(tag: &str) -> String {
        format!("https://t.example/{tag}?e={ADDRESS}&x={EVIL}")
    }

    fn finding(tag: &str) -> Finding {
        Finding {
            code: "LA201",
            name: "esp-default-tracking-domain",
            severity: Severity::Error,
            message: s(&format!("{tag}-message")),
            url: Some(url(&format!("{tag}-url"))),
            part: Some("1".into()),
            line: Some(1),
            column: Some(1),
            hint: Some(s(&format!("{tag}-hint"))),
            source_line: Some(3),
            source_column: Some(1),
        }
    }

    /// A message's report with every untrusted field hostile.
    pub fn message() -> MessageReport {
        MessageReport {
            source: format!("mail{EVIL}.eml"),
            index: 0,
            from: Some(s("from")),
            subject: Some(s("subject")),
            sent_via: vec![SentVia { esp: "SendGrid".into(), evidence: s("evidence") }],
            alignment: vec![DomainRow {
                role: DomainRole::Dkim,
                domain: s("domain"),
                org: Some(s("org")),
                aligned: Some(false),
                selector: Some(s("selector")),
            }],
            authentication: Some(AuthResults {
                source: s("auth-source"),
                spf: Some(s("spf")),
                dkim: Some(s("dkim")),
                dmarc: Some(s("dmarc")),
            }),
            show_original: Some(ShowOriginal {
                message_id: Some(s("message-id")),
                created_at: Some(s("created")),
                spf: Some(s("so-spf")),
                dkim: Some(s("so-dkim")),
                dmarc: Some(s("so-dmarc")),
            }),
            container: None,
            list_unsubscribe_post: false,
            mbox: false,
            parts: vec![PartSummary {
                part: "1".into(),
                content_type: s("content-type"),
                kind: PartKind::Html,
                charset: Some(s("charset")),
                links: 1,
                origin: None,
            }],
            links: vec![LinkReport {
                url: url("link"),
                kind: Kind::Anchor,
                part: "1".into(),
                line: 1,
                column: 1,
                host: Some(s("host").into()),
                hops: vec![Hop { via: "redirect-param", url: url("hop") }],
                destination: Some(url("destination")),
                class: Class::Direct,
                esp: None,
                tracker: None,
                gateway: None,
                role: Role::Click,
                judged_host: Some(s("judged").into()),
                note: Some(s("note").into()),
                element: Some(Cow::Owned(s("element"))),
                attribute: Some(Cow::Owned(s("attribute"))),
                mso: false,
                text: Some(s("anchor-text")),
                source_line: Some(9),
                source_column: Some(1),
            }],
            findings: vec![finding("finding")],
            previews: Vec::new(),
        }
    }

    /// A checked domain with every untrusted field hostile.
    pub fn domain() -> DomainReport {
        DomainReport {
            host: s("domain-host"),
            dns: DnsFacts {
                cname: vec![s("cname")],
                addresses: vec!["192.0.2.1".parse().unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]))],
                doubled: Some(s("doubled")),
                cname_loop: Some(s("loop")),
                zone_missing: Some(s("zone-missing")),
                chain_cut: false,
                error: Some(s("dns-error")),
                not_checked: vec![s("dns-not-checked")],
                ..DnsFacts::default()
            },
            tls: Some(TlsFacts {
                certificate: Some(crate::domain::x509::CertInfo {
                    subject: Some(s("cert-subject")),
                    issuer: Some(s("cert-issuer")),
                    names: vec![s("cert-name")],
                    not_before: None,
                    not_after: None,
                }),
                error: Some(TlsError::Certificate(s("tls-error"))),
                ..TlsFacts::default()
            }),
            http: Some(HttpFacts {
                status: Some(302),
                location: Some(url("location")),
                server: Some(s("server")),
                error: Some(s("http-error")),
            }),
            auth: Some(AuthFacts {
                from: s("auth-from"),
                spf: vec![s("spf-record")],
                dmarc: Some((s("dmarc-at"), s("dmarc-record"))),
                dkim: vec![DkimFact {
                    selector: s("dkim-selector"),
                    domain: s("dkim-domain"),
                    record: Some(s("dkim-record")),
                }],
            }),
            not_checked: vec![s("not-checked")],
            findings: vec![finding("domain-finding")],
        }
    }

    /// A whole report: the hostile message, a batch finding, an unreadable input, a domain.
    pub fn report() -> Report {
        let m = message();
        let mut summary = Summary::default();
        summary.add(&m);
        summary.worst =
            vec![WorstMessage { source: m.source.clone(), index: 0, mbox: false, errors: 1, warnings: 0 }];
        Report {
            version: 1,
            messages: vec![m],
            batch_findings: vec![BatchFinding {
                source: format!("batch{EVIL}.eml"),
                index: 0,
                mbox: false,
                finding: finding("batch"),
            }],
            errors: vec![InputFailure { source: format!("bad{EVIL}.eml"), message: s("error-message") }],
            domains: vec![domain()],
            summary,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The two forms of the walk visit the same fields.
    #[test]
    fn reading_and_rewriting_walk_the_same_fields() {
        let mut r = hostile::report();
        let (mut read, mut rewritten) = (Vec::new(), Vec::new());
        any_message(&r.messages[0], |o, s| {
            read.push((o, s.to_string()));
            false
        });
        any_rest(&r, |o, s| {
            read.push((o, s.to_string()));
            false
        });
        message(&mut r.messages[0], |o, s| {
            rewritten.push((o, s.to_string()));
            None
        });
        rest(&mut r, |o, s| {
            rewritten.push((o, s.to_string()));
            None
        });
        assert_eq!(read, rewritten);
        // Every hostile string of the report is visited: the JSON holds no other.
        let json = serde_json::to_value(&r).unwrap_or_default();
        let mut strings = Vec::new();
        all_strings(&json, &mut strings);
        for s in strings.iter().filter(|s| s.contains(hostile::EVIL)) {
            assert!(read.iter().any(|(_, r)| r == s), "not walked: {s:?}");
        }
    }

    pub(crate) fn all_strings(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|v| all_strings(v, out)),
            serde_json::Value::Object(o) => o.values().for_each(|v| all_strings(v, out)),
            _ => {}
        }
    }
}
