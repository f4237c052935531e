//! Unwrap: plain trackers that append the destination unencoded or base64url-encoded at the end
//! (catalog §3.13): GovDelivery `links.govdelivery.com/…/track?…<URL>` and the Stibee-style
//! `/v2/click/<base64 ids>/<base64url URL>`.

use super::{Step, Target};
use crate::text::codec::{b64_text, is_web_url};

pub(super) fn govdelivery(t: &Target<'_>) -> Option<Step> {
    if !(t.host_is("govdelivery.com") && t.path.ends_with("/track")) {
        return None;
    }
    let q = t.query?;
    let lower = q.to_ascii_lowercase();
    let at = lower.find("https://").or_else(|| lower.find("http://"))?;
    Some(Step::Next(q[at..].to_string()))
}

pub(super) fn stibee(t: &Target<'_>) -> Option<Step> {
    let rest = t.path.strip_prefix("/v2/click/")?;
    let (_, last) = rest.rsplit_once('/')?;
    let url = b64_text(last)?;
    is_web_url(&url).then_some(Step::Next(url))
}

#[cfg(test)]
mod tests {
    use crate::unwrap::unwrap;

    #[test]
    fn govdelivery_keeps_the_trailing_url() {
        let u = unwrap("https://links.govdelivery.com/track?type=click&enid=ZWFzPTE&https://www.example.gov/news?id=7&x=1", 8);
        assert_eq!(u.hops[0].url, "https://www.example.gov/news?id=7&x=1");
    }

    #[test]
    fn stibee_last_segment() {
        let u = unwrap("https://event.stibsee.com/v2/click/MjU0MTk3LzE3NzMyMTIvMzUzNjQyLw/aHR0cHM6Ly93d3cuZXhhbXBsZS5jb20v", 8);
        assert_eq!(u.hops[0].url, "https://www.example.com/");
    }
}
