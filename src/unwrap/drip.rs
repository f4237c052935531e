//! Unwrap: Drip `t.dripemail2.com/c/<JWT>`: the JWT payload (signed, not encrypted) has the
//! destination under `url` (§3.8). The value is kept as written, scheme-less ones included.

use super::{Step, Target};
use crate::text::codec::{b64_text, json_str};

pub(super) fn decode(t: &Target<'_>) -> Option<Step> {
    if !t.host_is("dripemail2.com") {
        return None;
    }
    let jwt = t.path.strip_prefix("/c/")?;
    let payload = jwt.split('.').nth(1)?;
    json_str(&b64_text(payload)?, "url").map(Step::Next)
}

#[cfg(test)]
mod tests {
    use base64::Engine;

    use crate::unwrap::unwrap;

    #[test]
    fn the_url_claim_is_the_destination() {
        let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let jwt = format!(
            "{}.{}.sig",
            enc(r#"{"alg":"HS256"}"#),
            enc(r#"{"aud":"detour","sub":"detour_link","url":"https://boutique.example.com/?__s=51yj"}"#)
        );
        let u = unwrap(&format!("https://t.dripemail2.com/c/{jwt}"), 8);
        assert_eq!(u.hops[0].url, "https://boutique.example.com/?__s=51yj");
    }
}
