//! Unwrap: SparkPost / Bird click tracking `/f/a/<22ch>~~/<8ch>~/<payload>` (reverse-engineered,
//! catalog §3.3): payload with `~` for `=`, base64url, a binary record `'F' 0x04 <4 bytes> '?'`
//! then `0x44 <1-byte length>` or `0x84 <2-byte LE length>` and the URL. Other layouts are
//! opaque and left alone.

use super::{Step, Target};
use crate::text::codec::{b64, is_web_url};

pub(super) fn decode(t: &Target<'_>) -> Option<Step> {
    let rest = t.path.strip_prefix("/f/a/")?;
    let mut segs = rest.split('/');
    let (_, _, payload) = (segs.next()?, segs.next()?, segs.next()?);
    let bytes = b64(&payload.replace('~', "="))?;
    if bytes.len() < 9 || bytes[0] != b'F' || bytes[1] != 0x04 || bytes[6] != b'?' {
        return None;
    }
    let (len, start) = match bytes[7] {
        0x44 => (usize::from(bytes[8]), 9),
        0x84 if bytes.len() >= 10 => (usize::from(u16::from_le_bytes([bytes[8], bytes[9]])), 10),
        _ => return None,
    };
    let url = String::from_utf8(bytes.get(start..start + len)?.to_vec()).ok()?;
    is_web_url(&url).then_some(Step::Next(url))
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use proptest::prelude::*;

    use crate::unwrap::unwrap;

    fn wrap(url: &str) -> String {
        let mut rec = vec![b'F', 0x04, 0x65, 0x07, 0xc4, 0x22, b'?'];
        if url.len() < 256 {
            rec.extend([0x44, url.len() as u8]);
        } else {
            rec.push(0x84);
            rec.extend((url.len() as u16).to_le_bytes());
        }
        rec.extend(url.as_bytes());
        rec.extend(b"W\x06capone");
        let payload = base64::engine::general_purpose::URL_SAFE.encode(rec).replace('=', "~");
        format!("https://click.example.com/f/a/uOatP8FSvNClBJvBNkj-Vg~~/AAAAAQA~/{payload}")
    }

    #[test]
    fn catalog_sample() {
        let u = unwrap("https://click-notification.example.com/f/a/uOatP8FSvNClBJvBNkj-Vg~~/AAAAAQA~/RgRlB8QiP0Q6aHR0cHM6Ly93d3cuY2FwaXRhbG9uZS5jb20vaWRlbnRpdHktcHJvdGVjdGlvbi9jb21taXRtZW50L1cGY2Fwb25l", 8);
        assert_eq!(u.hops[0].url, "https://www.capitalone.com/identity-protection/commitment/");
    }

    #[test]
    fn an_opaque_payload_is_left_alone() {
        assert!(unwrap("https://clicks.example.com/f/a/abc~~/def~/AAAAAAAA", 8).hops.is_empty());
    }

    proptest! {
        #[test]
        fn round_trip(path in "[a-z0-9/._-]{0,600}") {
            let dest = format!("https://shop.example.com/{path}");
            let u = unwrap(&wrap(&dest), 1);
            prop_assert_eq!(&u.hops[0].url, &dest);
        }
    }
}
