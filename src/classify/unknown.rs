//! Classify: trackers the catalog does not know (`unknown-tracker`). A host that is neither
//! expected, nor in the catalog, nor a well-known site is a tracker when the message's own
//! links say so:
//!
//! - **a funnel**: two or more different tracker-shaped click or unsubscribe URLs go through it
//!   (an opaque token, and nothing readable around it: [`super::token::tracker_shaped`]), and it
//!   is either named like a tracking host (a `click.`, `links.`, `t.`, `url2508.` … subdomain
//!   label), or — when it is not on the sender's own domain — its domain is named like a
//!   mailing or tracking service (`…mail`, `send…`, `…track`), the tokens are not plain hex ids
//!   (commits, UUIDs), and it carries half the message's links or an open pixel as well;
//! - **a lone tracked link** on a host named like a tracking host, with an open pixel there
//!   whose token differs from the link's (a hand-made beacon reuses one id for both);
//! - a host of the same organisation as one of those, with a pixel or a tracker-shaped link.
//!
//! One link with a token is never enough: a password-reset link, a document on a file host or
//! an order page looks like that too; and a funnel through a domain that does not name itself
//! as tracking (a spam kit's throw-away domain, a shop's ids) is not a sending platform's. Every
//! link on a flagged host is an unknown tracker.

use super::domain::registrable;
use super::token::{is_token, tracker_shaped};
use super::{Class, Role};

/// First labels of hosts that exist for tracking (`click.example.com`, `t.example.com`).
const TRACKING_LABELS: [&str; 47] = [
    "click",
    "clicks",
    "clk",
    "track",
    "tracking",
    "trk",
    "trck",
    "tr",
    "links",
    "link",
    "lnk",
    "ln",
    "l",
    "t",
    "e",
    "em",
    "email",
    "emails",
    "mail",
    "mailer",
    "mailing",
    "r",
    "go",
    "url",
    "u",
    "ct",
    "c",
    "o",
    "open",
    "px",
    "pixel",
    "news",
    "newsletter",
    "nl",
    "m",
    "mkt",
    "marketing",
    "engage",
    "comms",
    "ecomm",
    "click2",
    "e2",
    "t2",
    "trk2",
    "elink",
    "redirect",
    "rd",
];

/// Organisations whose hosts are never an unknown tracker: big content, social and software
/// sites, link shorteners and CDNs that newsletters link to all the time. Their links may carry
/// IDs and tokens, and they are not anyone's email tracking.
const WELL_KNOWN: [&str; 74] = [
    "google.com",
    "youtube.com",
    "youtu.be",
    "goo.gl",
    "g.co",
    "googleusercontent.com",
    "gstatic.com",
    "googleapis.com",
    "facebook.com",
    "fb.me",
    "fb.com",
    "instagram.com",
    "whatsapp.com",
    "twitter.com",
    "x.com",
    "t.co",
    "linkedin.com",
    "lnkd.in",
    "apple.com",
    "microsoft.com",
    "office.com",
    "live.com",
    "outlook.com",
    "sharepoint.com",
    "aka.ms",
    "amazon.com",
    "amzn.to",
    "a.co",
    "amazonaws.com",
    "cloudfront.net",
    "wikipedia.org",
    "github.com",
    "gitlab.com",
    "notion.so",
    "notion.site",
    "medium.com",
    "substack.com",
    "dropbox.com",
    "box.com",
    "zoom.us",
    "spotify.com",
    "spoti.fi",
    "tiktok.com",
    "pinterest.com",
    "pin.it",
    "reddit.com",
    "redd.it",
    "vimeo.com",
    "telegram.org",
    "t.me",
    "discord.com",
    "discord.gg",
    "bit.ly",
    "tinyurl.com",
    "ow.ly",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "is.gd",
    "shorturl.at",
    "rb.gy",
    "urly.fi",
    "evt.to",
    "paypal.com",
    "stripe.com",
    "calendly.com",
    "typeform.com",
    "eventbrite.com",
    "yahoo.com",
    "bing.com",
    "imgur.com",
    "gravatar.com",
    "wordpress.com",
    "kernel.org",
];

/// What the pass reads of one link.
pub struct LinkFacts<'a> {
    /// The judged host (lower-case).
    pub host: Option<&'a str>,
    /// The judged URL's `/path?query`.
    pub path_query: &'a str,
    /// The raw URL (distinct URLs are told apart by it).
    pub url: &'a str,
    /// Its class so far.
    pub class: Class,
    /// Its role.
    pub role: Role,
    /// From a header (`List-Unsubscribe`) rather than the body.
    pub header: bool,
    /// A `mailto:` link.
    pub mailto: bool,
    /// A known third-party tracker (ad-tech) of the catalog.
    pub known_third_party: bool,
}

#[derive(Default)]
struct HostStats<'a> {
    /// Distinct click and unsubscribe URLs.
    clicks: usize,
    /// The tracker-shaped ones among them.
    shaped: Vec<&'a str>,
    /// Tracker-shaped URLs whose token is not plain lower-case hex (a commit, a document or an
    /// event id): mixed-case base62/base64, as tracking tokens are.
    strong: usize,
    /// Open pixels (at most [`MAX_PIXELS`] kept: the lone-link check needs a few).
    pixels: Vec<&'a str>,
}

/// Pixels kept per host.
const MAX_PIXELS: usize = 16;

type FastMap<K, V> = rustc_hash::FxHashMap<K, V>;
type FastSet<K> = rustc_hash::FxHashSet<K>;

/// A token made of lower-case hex digits (and dashes): the id of a commit, a UUID.
fn hex_id(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b) || b == b'-')
}

/// Does the tracker-shaped `path_query` carry a token that is not a hex id?
fn strong_token(path_query: &str) -> bool {
    let (path, query) = path_query.split_once('?').unwrap_or((path_query, ""));
    let strong = |t: &str| is_token(t, false) && !hex_id(t.rsplit_once('.').map_or(t, |(a, _)| a));
    path.split('/').any(strong)
        || query.split('&').filter_map(|p| p.split_once('=')).any(|(_, v)| v.len() >= 16 && strong(v))
}

fn well_known(host: &str) -> bool {
    let org = registrable(host).unwrap_or(host);
    WELL_KNOWN.contains(&org) || WELL_KNOWN.contains(&host)
}

/// The organisational domain of `host`: its registrable domain, or its last two labels where the
/// suffix is not a public one (`.test`).
fn org_of(host: &str) -> &str {
    registrable(host).unwrap_or_else(|| {
        let mut dots = host.rmatch_indices('.');
        match (dots.next(), dots.next()) {
            (Some(_), Some((i, _))) => &host[i + 1..],
            _ => host,
        }
    })
}

/// Is `label` a tracking word, alone or numbered (`click`, `links-1`, `url2508`, `r20`)?
fn tracking_word(label: &str) -> bool {
    let word = label.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-');
    TRACKING_LABELS.contains(&label) || (word.len() < label.len() && TRACKING_LABELS.contains(&word))
}

/// Does a subdomain label of `host` (left of its registrable domain) name it a tracking host?
fn tracking_label(host: &str) -> bool {
    let org = org_of(host);
    let sub = host.strip_suffix(org).map_or("", |s| s.trim_end_matches('.'));
    !sub.is_empty() && sub.split('.').any(tracking_word)
}

/// Words that tracking and mailing services put in their own domain names.
const NAME_HINTS: [&str; 16] = [
    "mail", "track", "trk", "link", "links", "lnk", "click", "clk", "send", "email", "news", "list",
    "campaign", "mkt", "bounce", "redirect",
];

/// Does the registrable name of `host` start or end with a tracking or mailing word
/// (`sendgrid`, `awstrack`, `hubspotlinks`, `dripemail2`)? Spam kits' throw-away domains
/// (`morphino.click`, `homeharmonynest.xyz`) do not name themselves so.
fn tracking_name(host: &str) -> bool {
    let org = org_of(host);
    let name = org.split('.').next().unwrap_or("").trim_end_matches(|c: char| c.is_ascii_digit());
    NAME_HINTS.iter().any(|h| name.len() > h.len() && (name.starts_with(h) || name.ends_with(h)))
}

/// The tokens of a URL's path, to tell a pixel's id from a link's.
fn tokens(path_query: &str) -> Vec<&str> {
    let path = path_query.split_once('?').map_or(path_query, |(p, _)| p);
    let mut out: Vec<&str> = path
        .split('/')
        .filter(|s| is_token(s, false))
        .map(|s| s.rsplit_once('.').filter(|(_, e)| e.len() <= 4).map_or(s, |(t, _)| t))
        .collect();
    out.extend(
        path_query
            .split_once('?')
            .map_or("", |(_, q)| q)
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(_, v)| v),
    );
    out
}

/// Indexes of the links that are unknown trackers. `from_domain`: the From address's domain;
/// `allowed`: hosts the user says are fine (never flagged).
pub fn unknown_trackers(
    links: &[LinkFacts<'_>],
    from_domain: Option<&str>,
    allowed: impl Fn(&str) -> bool,
) -> Vec<usize> {
    let from_org = from_domain.map(org_of);
    // Hosts the catalog knows in this message (some link on them is classified).
    let known: FastSet<&str> =
        links.iter().filter(|l| l.class != Class::Direct).filter_map(|l| l.host).collect();
    // Distinct click URLs of the message, and per host (sets: a message may carry 50,000 links).
    let mut all_clicks: FastSet<&str> = FastSet::default();
    let mut seen: FastSet<(&str, &str)> = FastSet::default();
    let mut stats: FastMap<&str, HostStats<'_>> = FastMap::default();
    for l in links {
        let clicky = matches!(l.role, Role::Click | Role::Unsubscribe);
        if l.header || l.mailto {
            continue;
        }
        if clicky {
            all_clicks.insert(l.url);
        }
        let Some(host) = l.host else { continue };
        if l.class != Class::Direct || l.known_third_party || known.contains(host) {
            continue;
        }
        let s = stats.entry(host).or_default();
        if clicky {
            if seen.insert((host, l.url)) {
                s.clicks += 1;
                if tracker_shaped(l.path_query) {
                    s.shaped.push(l.path_query);
                    s.strong += usize::from(strong_token(l.path_query));
                }
            }
        } else if l.role == Role::Open && s.pixels.len() < MAX_PIXELS {
            s.pixels.push(l.path_query);
        }
    }
    let mut flagged: FastSet<&str> = FastSet::default();
    for (&host, s) in &stats {
        if well_known(host) || allowed(host) {
            continue;
        }
        let label = tracking_label(host);
        let own = from_org.is_some_and(|o| org_of(host) == o);
        let share = s.clicks * 2 >= all_clicks.len().max(1);
        // Tracking infrastructure names itself (a `click.` host, a `…mail`/`send…` domain):
        // without that, funnels of tokens are a spam kit's throw-away domains or a site's ids,
        // not a sending platform. A tracking host name vouches for hex tokens too; a tracking
        // domain name alone needs tokens that are not plain hex ids (commits, UUIDs), and half
        // the links or a pixel.
        let named = !own && tracking_name(host) && s.strong >= 2 && (share || !s.pixels.is_empty());
        let funnel = (label && s.shaped.len() >= 2) || named;
        let lone = s.shaped.len() == 1 && label && {
            let link_tokens = tokens(s.shaped[0]);
            s.pixels.iter().any(|p| {
                let t = tokens(p);
                !t.is_empty() && t.iter().all(|x| !link_tokens.contains(x))
            })
        };
        if funnel || lone {
            flagged.insert(host);
        }
    }
    // Sibling hosts of a flagged organisation that show tracking of their own.
    let orgs: FastSet<&str> = flagged.iter().map(|h| org_of(h)).collect();
    let siblings: Vec<&str> = stats
        .iter()
        .filter(|(host, s)| {
            !flagged.contains(*host)
                && !well_known(host)
                && !allowed(host)
                && orgs.contains(org_of(host))
                && (!s.pixels.is_empty() || !s.shaped.is_empty())
        })
        .map(|(host, _)| *host)
        .collect();
    flagged.extend(siblings);
    links
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.class == Class::Direct
                && !l.mailto
                && !l.known_third_party
                && l.host.is_some_and(|h| flagged.contains(h))
        })
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link<'a>(url: &'a str, role: Role) -> LinkFacts<'a> {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let (host, pq) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        LinkFacts {
            host: Some(host),
            path_query: pq,
            url,
            class: Class::Direct,
            role,
            header: false,
            mailto: false,
            known_third_party: false,
        }
    }

    fn flagged(links: &[LinkFacts<'_>], from: &str) -> Vec<String> {
        let mut hosts: Vec<String> = unknown_trackers(links, Some(from), |_| false)
            .into_iter()
            .filter_map(|i| links[i].host.map(str::to_string))
            .collect();
        hosts.dedup();
        hosts
    }

    #[test]
    fn a_funnel_of_tokens_on_a_foreign_host_is_a_tracker() {
        let links = [
            link("https://x1.mailer.test/c/AbC123xYz789DeF", Role::Click),
            link("https://x1.mailer.test/c/ZyX987wVu654TsR", Role::Click),
            link("https://shop.example.com/sale", Role::Click),
            link("https://x1.mailer.test/o/QwE456rTy123UiO.gif", Role::Open),
        ];
        assert_eq!(flagged(&links, "example.com"), ["x1.mailer.test"]);
    }

    #[test]
    fn spam_kits_throw_away_domains_are_not_sending_platforms() {
        let kit = [
            link("http://morphino.test/4SzqlR816QqTl61ghgwpwdmbd84KQZEGLM", Role::Click),
            link("http://morphino.test/5SzqlR816QqTl61ghgwpwdmbd84KQZEGLN", Role::Unsubscribe),
            link("http://ab12cd.homeharmonynest.test/3xYz9Ab12Cd34Ef56Gh78Ij", Role::Open),
            link("http://ab12cd.homeharmonynest.test/4xYz9Ab12Cd34Ef56Gh78Ij", Role::Click),
            link("http://ab12cd.homeharmonynest.test/5xYz9Ab12Cd34Ef56Gh79Kl", Role::Click),
        ];
        assert!(flagged(&kit, "example.com").is_empty());
        // A domain that names itself a mailer, with strong tokens and half the links, is.
        let named = [
            link("https://go.newsmailer.test/c/AbC123xYz789DeF", Role::Click),
            link("https://go.newsmailer.test/c/ZyX987wVu654TsR", Role::Click),
        ];
        assert_eq!(flagged(&named, "example.com"), ["go.newsmailer.test"]);
    }

    #[test]
    fn own_site_links_with_ids_stay_direct() {
        let links = [
            link("https://www.example.com/p/AbC123xYz789DeF", Role::Click),
            link("https://www.example.com/p/ZyX987wVu654TsR", Role::Click),
            link("https://www.example.com/p/QwE456rTy123UiO", Role::Click),
        ];
        assert!(flagged(&links, "example.com").is_empty());
    }

    #[test]
    fn a_branded_tracking_host_of_the_sender_is_a_tracker() {
        let links = [
            link("https://click.example.com/ls/AbC123xYz789DeF", Role::Click),
            link("https://click.example.com/ls/ZyX987wVu654TsR", Role::Click),
        ];
        assert_eq!(flagged(&links, "example.com"), ["click.example.com"]);
    }

    #[test]
    fn one_url_repeated_is_not_a_funnel() {
        let links = [
            link("https://beacon.test/726f647269676f2d662d7040686f746d", Role::Click),
            link("https://beacon.test/726f647269676f2d662d7040686f746d", Role::Click),
            link("https://beacon.test/726f647269676f2d662d7040686f746d.gif", Role::Open),
        ];
        assert!(flagged(&links, "example.com").is_empty());
    }

    #[test]
    fn readable_paths_and_well_known_sites_stay_direct() {
        let links = [
            link("https://blog.example.org/how-to-write-a-subject-line", Role::Click),
            link("https://blog.example.org/our-summer-sale-2024", Role::Click),
            link("https://www.youtube.com/watch?v=dQw4w9WgXcQ", Role::Click),
            link(
                "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit",
                Role::Click,
            ),
            link(
                "https://docs.google.com/document/d/1ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210/edit",
                Role::Click,
            ),
        ];
        assert!(flagged(&links, "example.com").is_empty());
    }

    #[test]
    fn hex_ids_need_a_tracking_name() {
        let events = [
            link("https://events.example.net/e/3f2a9c1e-4b5d-11ec-8d3d-0242ac130003", Role::Click),
            link("https://events.example.net/e/5d6e7f80-1a2b-11ec-9c4d-0242ac130004", Role::Click),
        ];
        assert!(flagged(&events, "example.com").is_empty());
        let tracked = [
            link("https://t.mailer.test/c/3f2a9c1e4b5d11ec8d3d0242ac130003", Role::Click),
            link("https://t.mailer.test/c/5d6e7f801a2b11ec9c4d0242ac130004", Role::Click),
        ];
        assert_eq!(flagged(&tracked, "example.com"), ["t.mailer.test"]);
    }

    #[test]
    fn a_lone_link_needs_a_tracking_name_and_a_pixel_of_its_own() {
        let lone = [
            link("https://t.mailer.test/c/AbC123xYz789DeF", Role::Click),
            link("https://t.mailer.test/o/QwE456rTy123UiO.gif", Role::Open),
        ];
        assert_eq!(flagged(&lone, "example.com"), ["t.mailer.test"]);
        let no_pixel = [link("https://t.mailer.test/c/AbC123xYz789DeF", Role::Click)];
        assert!(flagged(&no_pixel, "example.com").is_empty());
    }
}
