//! Stage 4 (extract → **unwrap** → classify → …): each link becomes a chain of hops ending in
//! its destination.
//!
//! Decoders are tried in order on the current URL; the first that recognises it gives the next
//! hop, until none does or the depth cap is reached. Security gateways and client wrappers
//! (SafeLinks, Proofpoint, Google, Gmail's image proxy, …) come first and are marked as gateway
//! layers: a link is classified by its first non-gateway URL. ESP payload decoders (SES,
//! Postmark, Mailgun, …) and generic `?url=` parameters follow. A layer that is recognised but
//! cannot be decoded offline (Mimecast) ends the chain as opaque — never guessed, never fetched.

mod activecampaign;
mod customerio;
mod drip;
mod gateways;
mod google;
mod kit;
mod mailgun;
mod mailjet;
mod mandrill;
mod postmark;
mod proofpoint;
mod redirect_param;
#[cfg(test)]
mod roundtrip;
mod safelinks;
mod sailthru;
mod ses;
mod sparkpost;
mod substack;
mod trailing;
pub(crate) mod web;

/// For the differential fuzz target: the URL fast path's view of `url` and the url crate's, when
/// the fast path reads it. The two must always be equal.
#[doc(hidden)]
pub fn url_both_ways(url: &str) -> Option<[web::UrlView; 2]> {
    web::both_ways(url)
}

use serde::Serialize;
use url::Url;

/// One layer taken off a link: the decoder that did it and the URL it revealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    /// Decoder name (`safelinks`, `proofpoint-v3`, `ses`, `redirect-param`, …).
    pub via: &'static str,
    /// The URL inside, exactly as decoded (not re-serialised).
    pub url: String,
}

/// A layer that was recognised but whose destination cannot be recovered offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Opaque {
    /// Decoder that recognised it.
    pub by: &'static str,
    /// The destination host, when the wrapper shows it (Mimecast `domain=`, Sophos `d=`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_hint: Option<String>,
}

/// What classification needs of a parsed web URL — taken once, while unwrapping, so no URL is
/// parsed twice (URL parsing costs more than MIME and HTML together).
///
/// The host and `/path?query` are kept as positions in the URL when the URL already holds them
/// as the parser would return them (nearly always), and as text only when the parser changed
/// them: the accessors take the URL the facts were taken of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlFacts {
    host: Piece,
    path_query: Piece,
    /// The scheme is `http`.
    pub insecure: bool,
}

/// A part of a URL: where it is in the URL, or the text when it is not there as such.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Absent,
    At(u32, u32),
    Owned(Box<str>),
}

impl Piece {
    fn get<'a>(&'a self, url: &'a str) -> Option<&'a str> {
        match self {
            Piece::Absent => None,
            Piece::At(start, end) => url.get(*start as usize..*end as usize),
            Piece::Owned(text) => Some(text),
        }
    }
}

impl UrlFacts {
    /// Lower-cased host without a trailing dot, if the URL has one.
    pub fn host<'a>(&'a self, url: &'a str) -> Option<&'a str> {
        self.host.get(url)
    }

    /// `/path?query`.
    pub fn path_query<'a>(&'a self, url: &'a str) -> &'a str {
        self.path_query.get(url).unwrap_or("")
    }

    /// Facts from the url crate's parse (owned: the parser may have normalised them).
    pub(crate) fn of(url: &Url) -> UrlFacts {
        let mut path_query = url.path().to_string();
        if let Some(q) = url.query() {
            path_query.push('?');
            path_query.push_str(q);
        }
        UrlFacts {
            host: url
                .host_str()
                .map_or(Piece::Absent, |h| Piece::Owned(h.trim_end_matches('.').to_ascii_lowercase().into())),
            path_query: Piece::Owned(path_query.into()),
            insecure: url.scheme() == "http",
        }
    }

    /// Facts whose host (`host`, lower-cased if it is not already) and `/path?query`
    /// (`path_query`, a `/` put in front if it has none) are these ranges of `url`.
    pub(crate) fn at(
        url: &str,
        host: std::ops::Range<usize>,
        path_query: std::ops::Range<usize>,
        insecure: bool,
    ) -> UrlFacts {
        let h = &url[host.clone()];
        let host = if h.bytes().any(|b| b.is_ascii_uppercase()) {
            Piece::Owned(h.to_ascii_lowercase().into())
        } else {
            Piece::At(host.start as u32, host.end as u32)
        };
        let pq = &url[path_query.clone()];
        let path_query = if pq.starts_with('/') {
            Piece::At(path_query.start as u32, path_query.end as u32)
        } else {
            Piece::Owned(format!("/{pq}").into())
        };
        UrlFacts { host, path_query, insecure }
    }
}

/// The unwrapping of one link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Unwrapped {
    /// Facts of each web URL of `[url, hops…]`, `None` where it is not one: see
    /// [`Unwrapped::facts`].
    #[serde(skip)]
    facts: Facts,
    /// The layers, outermost first.
    pub hops: Vec<Hop>,
    /// Display name of the outermost gateway layer (`Microsoft SafeLinks`), if any.
    pub gateway: Option<&'static str>,
    /// Index in `[url, hops…]` of the first URL that is not a gateway layer; `None` when the
    /// chain ends inside an opaque gateway.
    pub first_non_gateway: Option<usize>,
    /// Set when the chain ends in a layer that cannot be decoded offline.
    pub opaque: Option<Opaque>,
    /// The depth cap stopped the unwrapping.
    pub depth_limited: bool,
}

/// The facts of a chain: the first inline (most links are one URL, so this saves an allocation
/// per link), the rest in a vector.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Facts {
    first: Option<Option<UrlFacts>>,
    rest: Vec<Option<UrlFacts>>,
}

impl Facts {
    fn push(&mut self, facts: Option<UrlFacts>) {
        if self.first.is_none() {
            self.first = Some(facts);
        } else {
            self.rest.push(facts);
        }
    }
}

impl Unwrapped {
    /// The facts of the URL at `index` of `[url, hops…]`: `None` when the unwrapping did not get
    /// that far, `Some(None)` when that URL is not a web URL that parses.
    pub fn facts(&self, index: usize) -> Option<&Option<UrlFacts>> {
        match index {
            0 => self.facts.first.as_ref(),
            _ => self.facts.rest.get(index - 1),
        }
    }

    /// The URL at `index` of `[url, hops…]`.
    pub fn at<'a>(&'a self, url: &'a str, index: usize) -> &'a str {
        if index == 0 {
            url
        } else {
            self.hops.get(index - 1).map_or(url, |h| h.url.as_str())
        }
    }

    /// The last URL of the chain.
    pub fn last<'a>(&'a self, url: &'a str) -> &'a str {
        self.hops.last().map_or(url, |h| h.url.as_str())
    }
}

/// What a decoder makes of a URL.
pub(crate) enum Step {
    /// The URL inside.
    Next(String),
    /// Recognised, but the destination is not in the URL.
    Opaque(Option<String>),
}

/// The URL a decoder looks at, pre-split.
pub(crate) struct Target<'a> {
    /// The URL text.
    pub raw: &'a str,
    /// Lower-cased host.
    pub host: &'a str,
    /// Raw path.
    pub path: &'a str,
    /// Raw query, if any.
    pub query: Option<&'a str>,
}

impl Target<'_> {
    /// True when the host is `domain` or a subdomain of it.
    pub fn host_is(&self, domain: &str) -> bool {
        crate::text::host::within(self.host, domain)
    }
}

pub(crate) struct Decoder {
    via: &'static str,
    gateway: Option<&'static str>,
    decode: fn(&Target<'_>) -> Option<Step>,
}

const fn gateway(via: &'static str, name: &'static str, decode: fn(&Target<'_>) -> Option<Step>) -> Decoder {
    Decoder { via, gateway: Some(name), decode }
}

const fn layer(via: &'static str, decode: fn(&Target<'_>) -> Option<Step>) -> Decoder {
    Decoder { via, gateway: None, decode }
}

/// Every decoder, gateways first, generic parameters last.
static DECODERS: &[Decoder] = &[
    gateway("safelinks", "Microsoft SafeLinks", safelinks::decode),
    gateway("proofpoint", "Proofpoint URL Defense", proofpoint::decode),
    gateway("google-redirect", "Google redirect", google::redirect),
    gateway("gmail-image-proxy", "Gmail image proxy", google::image_proxy),
    gateway("google-translate-proxy", "Google Translate proxy", google::translate_proxy),
    gateway("yahoo-image-proxy", "Yahoo image proxy", gateways::yahoo_image_proxy),
    gateway("webmail-dereferrer", "GMX / WEB.DE link dereferrer", gateways::webmail_dereferrer),
    gateway("barracuda", "Barracuda Link Protection", gateways::barracuda),
    gateway("trendmicro", "Trend Micro Time-of-Click", gateways::trend_micro),
    gateway("sophos", "Sophos Time-of-Click", gateways::sophos),
    gateway("cisco", "Cisco Secure Email", gateways::cisco),
    gateway("mimecast", "Mimecast URL Protect", gateways::mimecast),
    gateway("symantec", "Symantec Click-time URL Protection", gateways::symantec),
    gateway("fireeye", "Trellix (FireEye) Email Security", gateways::fireeye),
    gateway("avanan", "Check Point Harmony (Avanan)", gateways::avanan),
    gateway("hornetsecurity", "Hornetsecurity ATP", gateways::hornetsecurity),
    gateway("fortimail", "FortiMail click protection", gateways::fortimail),
    gateway("esvalabs", "Libraesva URLSand", gateways::esvalabs),
    layer("ses", ses::decode),
    layer("postmark", postmark::decode),
    layer("mailgun", mailgun::decode),
    layer("mandrill", mandrill::decode),
    layer("sparkpost", sparkpost::decode),
    layer("customerio", customerio::decode),
    layer("activecampaign", activecampaign::decode),
    layer("kit", kit::decode),
    layer("mailjet", mailjet::decode),
    layer("drip", drip::decode),
    layer("substack", substack::decode),
    layer("substack-image-fetch", substack::image_fetch),
    layer("sailthru", sailthru::decode),
    layer("govdelivery", trailing::govdelivery),
    layer("stibee", trailing::stibee),
    layer("redirect-param", redirect_param::decode),
];

/// Unwraps `url` through at most `max_depth` layers.
pub fn unwrap(url: &str, max_depth: usize) -> Unwrapped {
    let mut out = Unwrapped::default();
    let mut current = std::borrow::Cow::Borrowed(url);
    for depth in 0..=max_depth {
        let Some((facts, split)) = web::facts_and_split(&current) else {
            out.facts.push(None);
            out.first_non_gateway.get_or_insert(depth);
            break;
        };
        let (path, query) = web::RawSplit::apply(split, &current);
        let target = Target { raw: &current, host: facts.host(&current).unwrap_or(""), path, query };
        let found = DECODERS.iter().find_map(|d| (d.decode)(&target).map(|step| (d, step)));
        out.facts.push(Some(facts));
        let Some((decoder, step)) = found else {
            out.first_non_gateway.get_or_insert(depth);
            break;
        };
        match decoder.gateway {
            Some(name) => {
                out.gateway.get_or_insert(name);
            }
            None => {
                out.first_non_gateway.get_or_insert(depth);
            }
        }
        if depth == max_depth {
            out.depth_limited = true;
            break;
        }
        match step {
            Step::Next(next) if next != *current => {
                out.hops.push(Hop { via: decoder.via, url: next.clone() });
                current = std::borrow::Cow::Owned(next);
            }
            Step::Next(_) => break,
            Step::Opaque(host_hint) => {
                out.opaque = Some(Opaque { by: decoder.via, host_hint });
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safelinks_around_proofpoint_v3_around_an_esp_link() {
        let inner = "https%3A%2F%2Furldefense.com%2Fv3%2F__https%3A%2F%2Fu1.ct.sendgrid.net%2Fls%2Fclick%3Fupn%3Dabc__%3B!!OToaGQ!sig%24";
        let url = format!("https://nam12.safelinks.protection.outlook.com/?url={inner}&data=05%7C01");
        let u = unwrap(&url, 8);
        let vias: Vec<&str> = u.hops.iter().map(|h| h.via).collect();
        assert_eq!(vias, ["safelinks", "proofpoint"]);
        assert_eq!(u.last(&url), "https://u1.ct.sendgrid.net/ls/click?upn=abc");
        assert_eq!(u.gateway, Some("Microsoft SafeLinks"));
        assert_eq!(u.first_non_gateway, Some(2));
    }

    #[test]
    fn a_plain_link_is_its_own_destination() {
        let u = unwrap("https://shop.example.com/a", 8);
        assert!(u.hops.is_empty());
        assert_eq!(u.first_non_gateway, Some(0));
        assert_eq!(u.gateway, None);
    }

    #[test]
    fn opaque_gateways_end_the_chain() {
        let u = unwrap("https://protect-us.mimecast.com/s/AbCd?domain=shop.example.com", 8);
        assert_eq!(u.first_non_gateway, None);
        assert_eq!(u.opaque.as_ref().and_then(|o| o.host_hint.as_deref()), Some("shop.example.com"));
    }

    #[test]
    fn the_depth_cap_holds() {
        let mut url = "https://end.example.com/".to_string();
        for _ in 0..20 {
            url = format!(
                "https://r.example.net/r?url={}",
                percent_encoding::utf8_percent_encode(&url, percent_encoding::NON_ALPHANUMERIC)
            );
        }
        let u = unwrap(&url, 8);
        assert_eq!(u.hops.len(), 8);
        assert!(u.depth_limited);
    }
}
