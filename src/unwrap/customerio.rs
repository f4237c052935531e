//! Unwrap: Customer.io `/e/c/<base64 JSON>/<signature>`: the JSON key `href` (§3.4).

use super::{Step, Target};
use crate::text::codec::{b64_text, json_str};

pub(super) fn decode(t: &Target<'_>) -> Option<Step> {
    let rest = t.path.strip_prefix("/e/c/")?;
    let payload = match rest.rsplit_once('/') {
        Some((p, sig)) if sig.len() >= 8 && sig.bytes().all(|b| b.is_ascii_hexdigit()) => p,
        _ => rest,
    };
    if !payload.starts_with("ey") {
        return None;
    }
    json_str(&b64_text(&crate::text::codec::pct(payload))?, "href").map(Step::Next)
}

#[cfg(test)]
mod tests {
    use base64::Engine;

    use crate::unwrap::unwrap;

    #[test]
    fn href_is_the_destination() {
        let json = r#"{"email_id":"dgSz4QYD==","href":"https://twitter.com/x?utm_campaign=Weekly+Update+%23New\u0026utm_content=a","internal":"b3","link_id":467}"#;
        let p = base64::engine::general_purpose::STANDARD.encode(json);
        let u = unwrap(&format!("https://e.customeriomail.com/e/c/{p}/e4f55001"), 8);
        assert_eq!(u.hops[0].url, "https://twitter.com/x?utm_campaign=Weekly+Update+%23New&utm_content=a");
    }
}
