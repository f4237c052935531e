//! Stage 5 (unwrap → **classify** → rules): what each link is — on the expected tracking
//! domain, on an ESP's shared domain, tracker-shaped on some other (branded) domain, or direct —
//! which ESP is behind it, and what it does (click, open pixel, unsubscribe, asset).
//!
//! A link is judged by its first non-gateway URL: SafeLinks or Proofpoint around an ESP link
//! does not hide the ESP.

pub mod alignment;
pub mod catalog;
pub mod domain;
pub mod expect;
pub mod sent_via;
pub mod token;
pub mod unknown;

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::Arc;

use serde::Serialize;

use crate::extract::{Kind, RawLink};
use crate::text::codec::{contains_ignore_case, starts_with_ignore_case};
use crate::unwrap::{web, Unwrapped};
pub use catalog::{Catalog, Category, EspId, HostRole, Shape};
pub use sent_via::SentVia;

/// The class of a link, as the JSON `class` field names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// On a host given with `--expect`.
    Expected,
    /// On a host an ESP owns and shares between its customers.
    EspDefault,
    /// Tracker-shaped (an ESP's URL shape) on a host that was not expected.
    EspCustom,
    /// Looks like click or open tracking (tokens funnelled through one host, a pixel) on a host
    /// that is neither expected nor in the catalog.
    UnknownTracker,
    /// Anything else.
    Direct,
}

impl Class {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Expected => "expected",
            Class::EspDefault => "esp-default",
            Class::EspCustom => "esp-custom",
            Class::UnknownTracker => "unknown-tracker",
            Class::Direct => "direct",
        }
    }
}

/// What a link does for the reader or the sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Something to click.
    Click,
    /// An open-tracking pixel.
    Open,
    /// An unsubscribe or preferences link.
    Unsubscribe,
    /// An image, stylesheet, font or other resource the client loads.
    Asset,
}

impl Role {
    /// The JSON name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Click => "click",
            Role::Open => "open",
            Role::Unsubscribe => "unsubscribe",
            Role::Asset => "asset",
        }
    }
}

/// The classification of one link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    /// The class.
    pub class: Class,
    /// The ESP behind it, if known.
    pub esp: Option<EspId>,
    /// A known third-party tracker (the catalog's ad-tech and analytics beacons that are no
    /// sending platform) the link is on; the class stays `direct`.
    pub third_party: Option<EspId>,
    /// What it does.
    pub role: Role,
    /// The link's kind, upgraded to `pixel` when an image turns out to be an open pixel.
    pub kind: Kind,
    /// The judged URL's host (lower-case), if it has one.
    pub host: Option<Arc<str>>,
    /// The link's own host (the outermost URL), if it has one.
    pub outer_host: Option<Arc<str>>,
    /// The destination's host, when the destination is known.
    pub destination_host: Option<Arc<str>>,
    /// Index in `[url, hops…]` of the judged URL.
    pub judged: usize,
    /// The judged URL uses `http:`.
    pub insecure: bool,
    /// What the ESP host is for, when it is an ESP host.
    pub host_role: Option<HostRole>,
    /// The ESP URL shape of the judged URL, if any.
    pub shape: Option<Shape>,
    /// Index of the `--expect` entry it matched.
    pub expected: Option<usize>,
    /// The final destination, or `None` when it cannot be known offline.
    pub destination: Option<String>,
    /// Why the destination is unknown.
    pub destination_note: Option<Arc<str>>,
}

/// A URL split for classification: borrowed from the unwrapping's facts when it parsed the URL.
struct Judged<'a> {
    host: Option<Cow<'a, str>>,
    path_query: Cow<'a, str>,
    insecure: bool,
    mailto: bool,
}

fn judge(url: &str) -> Judged<'static> {
    if starts_with_ignore_case(url, "mailto:") {
        let addr = &url[7..];
        let addr = &addr[..addr.find('?').unwrap_or(addr.len())];
        let host = addr.rsplit('@').next().filter(|_| addr.contains('@'));
        return Judged {
            host: host.map(|h| Cow::Owned(crate::text::codec::pct(h).to_ascii_lowercase())),
            path_query: Cow::Borrowed(""),
            insecure: false,
            mailto: true,
        };
    }
    // Scheme-less `www.` and protocol-relative URLs get a scheme to parse, but are not called
    // insecure: the sender did not write `http:`.
    let with_scheme = |url: String| web::facts(&url).map(|f| (f, Cow::Owned(url)));
    let (facts, written_scheme) = match web::facts(url) {
        Some(f) => (Some((f, Cow::Borrowed(url))), true),
        None if starts_with_ignore_case(url, "www.") => (with_scheme(format!("http://{url}")), false),
        None if url.starts_with("//") => (with_scheme(format!("https:{url}")), false),
        None => (None, false),
    };
    match facts {
        Some((f, parsed)) => Judged {
            host: f.host(&parsed).map(|h| Cow::Owned(h.to_string())),
            path_query: Cow::Owned(f.path_query(&parsed).to_string()),
            insecure: written_scheme && f.insecure,
            mailto: false,
        },
        None => Judged { host: None, path_query: Cow::Borrowed(""), insecure: false, mailto: false },
    }
}

/// Slots of the per-thread table of shared host strings.
const SHARED_SLOTS: usize = 64;

thread_local! {
    static SHARED_HOSTS: RefCell<[Option<Arc<str>>; SHARED_SLOTS]> = const { RefCell::new([const { None }; SHARED_SLOTS]) };
}

/// `host` as a shared string. A classified link names up to three hosts, nearly always the same
/// one, and a message's links share a few: a small per-thread table hands out the same string
/// instead of allocating one per field and link.
fn shared(host: &str) -> Arc<str> {
    let slot = (catalog::slot_hash(host.as_bytes()) % SHARED_SLOTS as u64) as usize;
    SHARED_HOSTS.with(|table| {
        let mut table = table.borrow_mut();
        match &table[slot] {
            Some(h) if &**h == host => h.clone(),
            _ => {
                let h: Arc<str> = Arc::from(host);
                table[slot] = Some(h.clone());
                h
            }
        }
    })
}

/// Two host strings from [`shared`] are one host: nearly always the same string, so the pointers
/// are compared before the text (a slot may have been taken over in between).
pub(crate) fn same_host(a: &Arc<str>, b: &Arc<str>) -> bool {
    Arc::ptr_eq(a, b) || a == b
}

/// The host of a URL as linkaudit reads it (web URLs, `www.`, `//host`, and `mailto:` domains),
/// lower-cased.
pub fn host_of(url: &str) -> Option<String> {
    judge(url).host.map(Cow::into_owned)
}

/// The facts of chain element `index`: from the unwrapping when it parsed them, else parsed here.
fn judge_at<'a>(raw: &'a RawLink, u: &'a Unwrapped, index: usize) -> Judged<'a> {
    match u.facts(index) {
        Some(Some(f)) => Judged {
            host: f.host(u.at(&raw.url, index)).map(Cow::Borrowed),
            path_query: Cow::Borrowed(f.path_query(u.at(&raw.url, index))),
            insecure: f.insecure,
            mailto: false,
        },
        _ => judge(u.at(&raw.url, index)),
    }
}

/// The `/path?query` of chain element `index` (the judged URL, for the unknown-tracker pass).
pub fn path_query_at<'a>(raw: &'a RawLink, u: &'a Unwrapped, index: usize) -> Cow<'a, str> {
    judge_at(raw, u, index).path_query
}

/// Classifies one link against the catalog and the expected hosts.
pub fn classify(raw: &RawLink, unwrapped: &Unwrapped, expected: &[String], catalog: &Catalog) -> Classified {
    let judged_at = unwrapped.first_non_gateway;
    let mut j = judge_at(raw, unwrapped, judged_at.unwrap_or(0));
    // The three host fields are nearly always one host: one shared string for all of them.
    let judged_host = j.host.as_deref().map(shared);
    let outer_host = if judged_at.unwrap_or(0) == 0 {
        judged_host.clone()
    } else {
        judge_at(raw, unwrapped, 0).host.as_deref().map(shared)
    };
    if judged_at.is_none() {
        // The chain ends inside an opaque gateway: only a host hint may be left.
        let hint = unwrapped.opaque.as_ref().and_then(|o| o.host_hint.clone());
        j = Judged {
            host: hint.map(|h| Cow::Owned(h.to_ascii_lowercase())),
            path_query: Cow::Borrowed(""),
            insecure: false,
            mailto: false,
        };
    }
    let shape = if j.mailto || j.path_query.is_empty() { None } else { catalog.shape(&j.path_query) };
    let path = j.path_query.split('?').next().unwrap_or("");
    let mut on_host = j.host.as_deref().and_then(|h| catalog.host(h, path));
    let expected_ix = j.host.as_deref().and_then(|h| expect::matches(expected, h));
    // A known third-party tracker (ad-tech, data beacon) is named, but stays direct: it is
    // nobody's sending platform.
    let mut third_party = None;
    let mut shape = shape;
    if let Some((esp, _)) = on_host.filter(|(esp, _)| catalog.esps[*esp].category() == Category::Adtech) {
        third_party = Some(esp);
        on_host = None;
        shape = None;
    }
    if let Some((esp, _)) = shape.filter(|(esp, _)| catalog.esps[*esp].category() == Category::Adtech) {
        third_party = third_party.or(Some(esp));
        shape = None;
    }
    // A vendor's own website: tracking only where the URL looks like it.
    if let Some((esp, HostRole::Vendor)) = on_host {
        let tracked = shape.is_some() || raw.pixel_hint || token::has_token(&j.path_query);
        on_host = tracked.then_some((esp, HostRole::Tracking));
    }

    let (class, esp) = if expected_ix.is_some() {
        (Class::Expected, shape.map(|s| s.0).or(on_host.map(|h| h.0)))
    } else if let Some((esp, _)) = on_host {
        (Class::EspDefault, Some(esp))
    } else if let Some((esp, _)) = shape {
        (Class::EspCustom, Some(esp))
    } else {
        (Class::Direct, None)
    };

    let role = role_of(raw, shape.map(|s| s.1), &j);
    let kind = if role == Role::Open && raw.kind == Kind::Image { Kind::Pixel } else { raw.kind };

    let last = unwrapped.hops.len();
    let last_facts = if last == judged_at.unwrap_or(0) && judged_at.is_some() {
        None
    } else {
        Some(judge_at(raw, unwrapped, last))
    };
    let dest_judged = last_facts.as_ref().unwrap_or(&j);
    // When the destination is the judged URL itself (no layers), its catalog lookups are done.
    let known = last_facts.is_none().then_some((shape, on_host));
    let (destination, destination_note) = destination(raw, unwrapped, role, catalog, dest_judged, known);
    let host = if judged_at.is_some() { judged_host } else { j.host.as_deref().map(shared) };
    let destination_host = match (&destination, &last_facts) {
        (None, _) => None,
        (Some(_), None) => host.clone(),
        (Some(_), Some(last)) => last.host.as_deref().map(shared),
    };
    Classified {
        class,
        esp,
        third_party,
        role,
        kind,
        outer_host,
        destination_host,
        host,
        judged: judged_at.unwrap_or(0),
        insecure: j.insecure,
        host_role: on_host.map(|h| h.1),
        shape: shape.map(|s| s.1),
        expected: expected_ix,
        destination,
        destination_note,
    }
}

/// What an unsubscribe link says, in the languages test sends come in (ASCII case is ignored;
/// the words are written as they appear, accents included).
const UNSUBSCRIBE_WORDS: [&str; 24] = [
    "unsubscribe",
    "opt out",
    "opt-out",
    "abmelden",
    "abbestellen",
    "austragen",
    "afmelden",
    "uitschrijven",
    "désabonner",
    "desabonner",
    "désinscri",
    "desinscri",
    "darse de baja",
    "darte de baja",
    "cancelar suscripción",
    "cancelar inscrição",
    "descadastr",
    "disiscriviti",
    "cancella iscrizione",
    "avregistrera",
    "avslutt",
    "afmeld",
    "wypisz",
    "odhlásit",
];

fn role_of(raw: &RawLink, shape: Option<Shape>, j: &Judged) -> Role {
    if raw.kind == Kind::Header {
        return Role::Unsubscribe;
    }
    let clickable = match raw.kind {
        Kind::Anchor | Kind::Area | Kind::Text | Kind::Form | Kind::Refresh => true,
        Kind::Vml | Kind::Amp => raw.attribute.as_deref() == Some("href"),
        _ => false,
    };
    match shape {
        Some(Shape::Open) => return Role::Open,
        Some(Shape::Unsubscribe) if clickable => return Role::Unsubscribe,
        _ => {}
    }
    if raw.pixel_hint {
        return Role::Open;
    }
    if !clickable {
        return Role::Asset;
    }
    let unsubscribe_text =
        raw.text.as_deref().is_some_and(|t| UNSUBSCRIBE_WORDS.iter().any(|w| contains_ignore_case(t, w)));
    let unsubscribe_path = !j.mailto && contains_ignore_case(&j.path_query, "unsubscribe");
    if unsubscribe_text || unsubscribe_path {
        Role::Unsubscribe
    } else {
        Role::Click
    }
}

/// A URL's catalog lookups: its ESP URL shape and its host entry.
type Lookups = (Option<(EspId, Shape)>, Option<(EspId, HostRole)>);

/// The last URL of the chain (`j` its facts), unless it is a tracker whose payload cannot be
/// read offline. `known`: its URL shape and host entry, when already looked up.
fn destination(
    raw: &RawLink,
    u: &Unwrapped,
    role: Role,
    catalog: &Catalog,
    j: &Judged,
    known: Option<Lookups>,
) -> (Option<String>, Option<Arc<str>>) {
    if let Some(o) = &u.opaque {
        let what = u.gateway.unwrap_or(o.by);
        return (None, Some(format!("destination hidden by {what}: not recoverable offline").into()));
    }
    let last = u.last(&raw.url);
    if matches!(role, Role::Click | Role::Unsubscribe) {
        if let Some(host) = j.host.as_deref().filter(|_| !j.mailto) {
            let (shape, on_host) = known.unwrap_or_else(|| {
                let path = j.path_query.split('?').next().unwrap_or("");
                (catalog.shape(&j.path_query), catalog.host(host, path))
            });
            let tracker_host = on_host.filter(|h| h.1 == HostRole::Tracking);
            let esp = match (shape, tracker_host) {
                (Some((esp, Shape::Click | Shape::Open)), _) => Some(esp),
                (_, Some((esp, _))) if shape.is_none_or(|s| s.1 != Shape::Unsubscribe) => Some(esp),
                _ => None,
            };
            if let Some(esp) = esp {
                return (None, Some(catalog.esps[esp].token_note()));
            }
        }
    }
    (Some(last.to_string()), None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unwrap::unwrap;

    fn link(url: &str, kind: Kind) -> RawLink {
        RawLink {
            url: url.into(),
            kind,
            part: "1".into(),
            line: 1,
            column: 1,
            element: None,
            attribute: Some("href".into()),
            mso: false,
            pixel_hint: false,
            text: None,
            source_line: None,
        }
    }

    fn run(url: &str, kind: Kind, expected: &[&str]) -> Classified {
        let expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        let raw = link(url, kind);
        classify(&raw, &unwrap(url, 8), &expected, Catalog::builtin())
    }

    fn esp_name(c: &Classified) -> Option<&'static str> {
        c.esp.map(|id| Catalog::builtin().esps[id].name())
    }

    #[test]
    fn esp_default_click() {
        let c = run("https://u123.ct.sendgrid.net/ls/click?upn=abc", Kind::Anchor, &[]);
        assert_eq!((c.class, esp_name(&c), c.role), (Class::EspDefault, Some("SendGrid"), Role::Click));
        assert_eq!(c.destination, None);
        assert!(c.destination_note.unwrap().contains("not recoverable"));
    }

    #[test]
    fn expected_host_names_the_esp_by_shape() {
        let c = run("https://track.example.com/ls/click?upn=abc", Kind::Anchor, &["track.example.com"]);
        assert_eq!((c.class, esp_name(&c)), (Class::Expected, Some("SendGrid")));
    }

    #[test]
    fn branded_host_is_esp_custom() {
        let c = run("https://url2508.example.com.au/wf/open?upn=abc", Kind::Image, &[]);
        assert_eq!(
            (c.class, esp_name(&c), c.role, c.kind),
            (Class::EspCustom, Some("SendGrid"), Role::Open, Kind::Pixel)
        );
    }

    #[test]
    fn gateway_wrapped_links_are_judged_by_the_esp_hop() {
        let url = "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fu1.ct.sendgrid.net%2Fls%2Fclick%3Fupn%3Dx&data=1";
        let c = run(url, Kind::Anchor, &[]);
        assert_eq!((c.class, esp_name(&c), c.judged), (Class::EspDefault, Some("SendGrid"), 1));
        assert_eq!(c.host.as_deref(), Some("u1.ct.sendgrid.net"));
    }

    #[test]
    fn decoded_destination() {
        let c = run(
            "http://abcdefgh.r.us-east-1.awstrack.me/L0/https:%2F%2Fshop.example.com%2Fa/1/0100-000000/s=1",
            Kind::Anchor,
            &[],
        );
        assert_eq!(c.destination.as_deref(), Some("https://shop.example.com/a"));
        assert!(c.insecure);
    }

    #[test]
    fn direct_and_mailto() {
        let c = run("https://shop.example.com/a", Kind::Anchor, &["track.example.com"]);
        assert_eq!((c.class, c.esp), (Class::Direct, None));
        let m = run("mailto:unsub@unsubscribe.mailchimpapp.net?subject=x", Kind::Header, &[]);
        assert_eq!((m.class, m.role), (Class::EspDefault, Role::Unsubscribe));
        assert_eq!(m.host.as_deref(), Some("unsubscribe.mailchimpapp.net"));
    }

    #[test]
    fn unsubscribe_links_are_read_in_other_languages() {
        for text in
            ["Abmelden", "Hier afmelden", "Se désabonner", "Darse de baja", "Disiscriviti", "unsubscribe"]
        {
            let mut raw = link("https://www.example.com/n?id=1", Kind::Anchor);
            raw.text = Some(text.into());
            let c = classify(&raw, &unwrap(&raw.url, 8), &[], Catalog::builtin());
            assert_eq!(c.role, Role::Unsubscribe, "{text}");
        }
        let mut raw = link("https://www.example.com/n?id=1", Kind::Anchor);
        raw.text = Some("Shop the sale".into());
        assert_eq!(classify(&raw, &unwrap(&raw.url, 8), &[], Catalog::builtin()).role, Role::Click);
    }

    #[test]
    fn scheme_less_www_links_have_a_host() {
        let c = run("www.example.net/plain", Kind::Text, &[]);
        assert_eq!(c.host.as_deref(), Some("www.example.net"));
        assert!(!c.insecure);
    }
}

/// The built-in catalog tests itself: every entry's examples classify as that entry, every
/// entry has a category and a source, no two entries claim one host, and every pattern compiles.
#[cfg(test)]
mod catalog_data {
    use super::*;
    use crate::unwrap::unwrap;

    fn classify_url(url: &str) -> Classified {
        let raw = RawLink {
            url: url.into(),
            kind: Kind::Anchor,
            part: "1".into(),
            line: 1,
            column: 1,
            element: None,
            attribute: Some("href".into()),
            mso: false,
            pixel_hint: false,
            text: None,
            source_line: None,
        };
        classify(&raw, &unwrap(url, 8), &[], Catalog::builtin())
    }

    #[test]
    fn every_example_classifies_as_its_entry() {
        let c = Catalog::builtin();
        let mut wrong = Vec::new();
        for (id, esp) in c.esps.iter().enumerate() {
            assert!(!esp.entry.examples.is_empty(), "{} has no examples", esp.name());
            for url in &esp.entry.examples {
                let got = classify_url(url);
                let ok = if esp.category() == Category::Adtech {
                    got.class == Class::Direct && got.third_party == Some(id)
                } else {
                    matches!(got.class, Class::EspDefault | Class::EspCustom) && got.esp == Some(id)
                };
                if !ok {
                    let named = got.esp.or(got.third_party).map(|e| c.esps[e].name());
                    wrong.push(format!("{}: {url} → {} {named:?}", esp.name(), got.class.as_str()));
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "{} examples do not classify as their entry:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
    }

    #[test]
    fn every_entry_has_a_category_and_a_source() {
        for esp in &Catalog::builtin().esps {
            assert!(esp.entry.category.is_some(), "{} has no category", esp.name());
            assert!(!esp.entry.sources.is_empty(), "{} has no source", esp.name());
            for s in &esp.entry.sources {
                assert!(
                    s.starts_with("https://")
                        || s.starts_with("http://")
                        || s.starts_with("list: ")
                        || s.starts_with("observed: "),
                    "{}: source {s:?} is not a URL, 'list: …' or 'observed: …'",
                    esp.name()
                );
            }
        }
    }

    #[test]
    fn no_two_entries_claim_one_host_or_name() {
        let mut hosts: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
        let mut names: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut clashes = Vec::new();
        for esp in &Catalog::builtin().esps {
            assert!(names.insert(esp.name().to_ascii_lowercase()), "{} is named twice", esp.name());
            let e = &esp.entry;
            for h in e.tracking_hosts.iter().chain(&e.content_hosts).chain(&e.vendor_hosts) {
                let key = h.trim().to_ascii_lowercase();
                if let Some(other) = hosts.insert(key.clone(), esp.name()) {
                    if other != esp.name() {
                        clashes.push(format!("{key}: {other} and {}", esp.name()));
                    }
                }
            }
        }
        assert!(clashes.is_empty(), "hosts claimed twice:\n{}", clashes.join("\n"));
    }

    #[test]
    fn every_pattern_compiles() {
        Catalog::builtin().compile_all().unwrap();
    }
}
