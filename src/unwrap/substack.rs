//! Unwrap: Substack — `substack.com/redirect/2/<base64url JSON>.<sig>` (JSON key `e`, §3.9) and
//! the image CDN `substackcdn.com/image/fetch/<options>/<pct original>`.

use super::{Step, Target};
use crate::text::codec::{b64_text, is_web_url, json_str, pct};

pub(super) fn decode(t: &Target<'_>) -> Option<Step> {
    if !t.host_is("substack.com") {
        return None;
    }
    let rest = t.path.strip_prefix("/redirect/2/")?;
    let payload = rest.split('.').next()?;
    json_str(&b64_text(payload)?, "e").map(Step::Next)
}

pub(super) fn image_fetch(t: &Target<'_>) -> Option<Step> {
    if !t.host_is("substackcdn.com") {
        return None;
    }
    let rest = t.path.strip_prefix("/image/fetch/")?;
    let original = &rest[rest.find('/')? + 1..];
    let url = pct(original);
    is_web_url(&url).then_some(Step::Next(url))
}

#[cfg(test)]
mod tests {
    use base64::Engine;

    use crate::unwrap::unwrap;

    #[test]
    fn redirect_2_payload() {
        let p = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(r#"{"e":"https://pub.example.com/p/post?utm_source=substack","p":1,"s":2}"#);
        let u = unwrap(&format!("https://substack.com/redirect/2/{p}.sig123"), 8);
        assert_eq!(u.hops[0].url, "https://pub.example.com/p/post?utm_source=substack");
    }

    #[test]
    fn image_fetch_original() {
        let u = unwrap("https://substackcdn.com/image/fetch/w_1456,c_limit,f_auto/https%3A%2F%2Fmedia.example.com%2Fa.png", 8);
        assert_eq!(u.hops[0].url, "https://media.example.com/a.png");
    }
}
