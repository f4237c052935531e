//! Unwrap: Mailgun click tracking, `/c/<token>`: base64url → zlib → a form-encoded query whose
//! `l` parameter (percent-decoded once) is the destination (catalog §3.1). The payload also holds
//! the recipient (`r`), so only `l` is ever taken out of it.

use std::io::Read;

use super::{Step, Target};
use crate::text::codec::{b64, is_web_url, param, pct};

/// Inflated payloads larger than this are not read (a zlib bomb stays small).
const MAX_PAYLOAD: u64 = 64 * 1024;

pub(super) fn decode(t: &Target<'_>) -> Option<Step> {
    let token = t.path.strip_prefix("/c/")?;
    if !token.starts_with("eJ") || token.contains('/') {
        return None;
    }
    let compressed = b64(token)?;
    let mut query = String::new();
    flate2::read::ZlibDecoder::new(&compressed[..]).take(MAX_PAYLOAD).read_to_string(&mut query).ok()?;
    let url = pct(param(&query, "l")?);
    is_web_url(&url).then_some(Step::Next(url))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use base64::Engine;
    use proptest::prelude::*;

    use crate::unwrap::unwrap;

    fn token(query: &str) -> String {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(query.as_bytes()).unwrap();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(z.finish().unwrap())
    }

    #[test]
    fn decodes_the_l_parameter() {
        let t = token("e=1668427604&d=acf2a2&i=x%40example&h=73ae&l=https%3A%2F%2Ftwitter.com%2F&r=someone%40example.org&t=welcome");
        let u = unwrap(&format!("https://email.notify.example.com/c/{t}"), 8);
        assert_eq!(u.hops[0].via, "mailgun");
        assert_eq!(u.hops[0].url, "https://twitter.com/");
    }

    #[test]
    fn open_tokens_have_no_destination() {
        let t = token("e=1&d=2&i=3&r=someone%40example.org");
        assert!(unwrap(&format!("https://email.example.com/c/{t}"), 8).hops.is_empty());
    }

    proptest! {
        #[test]
        fn round_trip(path in "[a-z0-9/]{0,30}", q in "[a-z0-9=]{0,20}") {
            let dest = format!("https://shop.example.com/{path}?{q}");
            let enc = percent_encoding::utf8_percent_encode(&dest, percent_encoding::NON_ALPHANUMERIC).to_string();
            let t = token(&format!("d=1&l={enc}&r=x"));
            let u = unwrap(&format!("https://email.example.com/c/{t}"), 1);
            prop_assert_eq!(&u.hops[0].url, &dest);
        }
    }
}
