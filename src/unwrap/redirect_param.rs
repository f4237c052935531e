//! Unwrap: generic redirect parameters — `url`, `adurl`, `u`, `q`, `redirect`, `target`, `dest`, `link`,
//! `goto`, … — whose value is an absolute http(s) URL after percent-decoding (repeated for
//! double encoding). Share endpoints (`/sharer`, `/intent/tweet`) and searches are not redirects.

use super::{Step, Target};
use crate::text::codec::{contains_ignore_case, decode_to_web_url};

/// Parameter names tried, most specific first (matched case-insensitively).
const NAMES: &[&str] = &[
    "url",
    "adurl",
    "redirect",
    "redirect_url",
    "redirecturl",
    "redirect_to",
    "redir",
    "target",
    "targeturl",
    "dest",
    "destination",
    "desturl",
    "link",
    "goto",
    "go",
    "out",
    "to",
    "next",
    "loc",
    "href",
    "u",
    "q",
    "l",
    "r",
];

pub(super) fn decode(t: &Target<'_>) -> Option<Step> {
    let query = t.query?;
    if ["share", "/intent/", "/pin/create", "/search"].iter().any(|p| contains_ignore_case(t.path, p)) {
        return None;
    }
    // The first value of each name, then the names in order of preference: one pass, no
    // allocation (this runs for every link with a query).
    let mut first: [Option<&str>; NAMES.len()] = [None; NAMES.len()];
    for (k, v) in query.split('&').filter_map(|p| p.split_once('=')) {
        if let Some(i) = NAMES.iter().position(|name| k.eq_ignore_ascii_case(name)) {
            first[i].get_or_insert(v);
        }
    }
    first.iter().flatten().find_map(|v| decode_to_web_url(v)).map(Step::Next)
}

#[cfg(test)]
mod tests {
    use crate::unwrap::unwrap;
    use rstest::rstest;

    #[rstest]
    #[case(
        "https://r.esp.example.net/redirect?url=https%3A%2F%2Fshop.example.com%2Fsale%3Fref%3Dmail&id=9",
        "https://shop.example.com/sale?ref=mail"
    )]
    #[case("https://track.example.net/c?u=https%253A%252F%252Fshop.example.com%252Fitem%253Fid%253D7%2526color%253Dred&t=1", "https://shop.example.com/item?id=7&color=red")]
    #[case("https://via.intercom.io/c?url=https%3A%2F%2Fx.example%2F&h=abc", "https://x.example/")]
    #[case("https://adclick.g.doubleclick.net/pcs/click?xai=AbC&sig=Cg0&adurl=https%3A%2F%2Fshop.example.com%2Fsale", "https://shop.example.com/sale")]
    #[case("https://app.hive.co/email/elt/abc?next=https%3A%2F%2Fx.example%2Fn", "https://x.example/n")]
    #[case("https://rover.ebay.com/rover/0/e11070/7?loc=https%3A%2F%2Fx.example%2Fl", "https://x.example/l")]
    fn decodes(#[case] wrapped: &str, #[case] want: &str) {
        let u = unwrap(wrapped, 8);
        assert_eq!(u.hops[0].via, "redirect-param");
        assert_eq!(u.hops[0].url, want);
    }

    #[rstest]
    #[case("https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fx.example%2F")]
    #[case("https://twitter.com/intent/tweet?url=https%3A%2F%2Fx.example%2F")]
    #[case("https://x.example/page?u=abc123&id=def")]
    #[case("https://x.example/page?url=%2Frelative")]
    fn leaves_alone(#[case] url: &str) {
        assert!(unwrap(url, 8).hops.is_empty());
    }
}
