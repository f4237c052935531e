//! Unwrap: Sailthru-style `link.<domain>/click/<24 hex>/<base64url destination>/<…>` (§3.11).

use super::{Step, Target};
use crate::text::codec::{b64_text, is_web_url};

pub(super) fn decode(t: &Target<'_>) -> Option<Step> {
    let rest = t.path.strip_prefix("/click/")?;
    let mut segs = rest.split('/');
    let id = segs.next()?;
    if id.len() != 24 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let url = b64_text(segs.next()?)?;
    is_web_url(&url).then_some(Step::Next(url))
}

#[cfg(test)]
mod tests {
    use crate::unwrap::unwrap;

    #[test]
    fn catalog_sample() {
        let u = unwrap("https://elink.example.com/click/657b2ceb22e1fa00019d1007/aHR0cHM6Ly93d3cudGhlZGFpbHliZWFzdC5jb20v/657b2ceb22e1fa00019d1007B1234567", 8);
        assert_eq!(u.hops[0].url, "https://www.thedailybeast.com/");
    }
}
