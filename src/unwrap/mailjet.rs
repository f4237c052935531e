//! Unwrap: Mailjet `/lnk/<token>/<n>/<token>/<base64url destination>` (§3.7), on `*.mjt.lu` or
//! a customised tracking host.

use super::{Step, Target};
use crate::text::codec::{b64_text, is_web_url};

pub(super) fn decode(t: &Target<'_>) -> Option<Step> {
    let rest = t.path.strip_prefix("/lnk/")?;
    let segs: Vec<&str> = rest.split('/').collect();
    if segs.len() < 4 {
        return None;
    }
    let url = b64_text(segs[segs.len() - 1])?;
    is_web_url(&url).then_some(Step::Next(url))
}

#[cfg(test)]
mod tests {
    use crate::unwrap::unwrap;

    #[test]
    fn catalog_sample() {
        let u = unwrap("http://xmjhp.mjt.lu/lnk/AVcAAEfw/2/9XS7wlTZhkG7gbEBpjBDHg/aHR0cHM6Ly9saWJlcnR5aW5vdXJsaWZldGltZS5vcmcv", 8);
        assert_eq!(u.hops[0].url, "https://libertyinourlifetime.org/");
    }
}
