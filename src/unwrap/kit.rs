//! Unwrap: Kit (ConvertKit) click links on `*.convertkit-mail*.com`: the last path segment is
//! standard base64 of the destination (§3.6). Standard base64 can contain `/`, so up to four
//! trailing segments are tried joined.

use super::{Step, Target};
use crate::text::codec::{b64_text, is_web_url};

pub(super) fn decode(t: &Target<'_>) -> Option<Step> {
    if !(t.host_is("convertkit-mail.com") || t.host_is("convertkit-mail2.com")) {
        return None;
    }
    let segs: Vec<&str> = t.path.split('/').collect();
    (1..=4.min(segs.len().saturating_sub(1))).find_map(|k| {
        let tail = segs[segs.len() - k..].join("/");
        let url = b64_text(&crate::text::codec::pct(&tail))?;
        is_web_url(&url).then_some(Step::Next(url))
    })
}

#[cfg(test)]
mod tests {
    use crate::unwrap::unwrap;

    #[test]
    fn last_segment_is_the_destination() {
        let u = unwrap("https://click.convertkit-mail2.com/v8u0/9pu3/aHR0cHM6Ly9mbmYuZGV2LzRrUmI3Ym0=", 8);
        assert_eq!(u.hops[0].url, "https://fnf.dev/4kRb7bm");
    }
}
