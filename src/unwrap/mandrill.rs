//! Unwrap: Mandrill (Mailchimp Transactional) `/track/click/<user>/<dest host>?p=<base64url
//! JSON>`: the outer JSON's `p` is itself JSON text whose `url` is the destination (§3.2).

use super::{Step, Target};
use crate::text::codec::{b64_text, json_str, param};

pub(super) fn decode(t: &Target<'_>) -> Option<Step> {
    let rest = t.path.strip_prefix("/track/click/")?;
    if !rest.split('/').next()?.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let outer = b64_text(param(t.query?, "p")?)?;
    let url = match json_str(&outer, "p") {
        Some(inner) => json_str(&inner, "url")?,
        None => json_str(&outer, "url")?,
    };
    Some(Step::Next(url))
}

#[cfg(test)]
mod tests {
    use base64::Engine;

    use crate::unwrap::unwrap;

    #[test]
    fn nested_json_payload() {
        let inner = r#"{"u":30477602,"v":1,"url":"https:\/\/click.pstmrk.it\/3s\/shop.example.com%2F\/Ra0\/x6a9AQ\/AQ\/ded5d0c1-0000-4000-8000-000000000000\/1\/x","id":"ded5"}"#;
        let outer = serde_json::json!({"s": "kN6", "v": 1, "p": inner}).to_string();
        let p = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(outer);
        let u = unwrap(&format!("https://mandrillapp.com/track/click/30477602/click.pstmrk.it?p={p}"), 8);
        let vias: Vec<&str> = u.hops.iter().map(|h| h.via).collect();
        assert_eq!(vias, ["mandrill", "postmark"]);
        assert_eq!(u.hops[1].url, "https://shop.example.com/");
    }

    #[test]
    fn a_payload_without_url_is_not_decoded() {
        let u = unwrap(
            "https://mandrillapp.com/track/click/30000000/partner.example.net?p=eyJzIjoiYWJjIiwidiI6MX0",
            8,
        );
        assert!(u.hops.is_empty());
    }
}
