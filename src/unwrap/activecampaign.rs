//! Unwrap: ActiveCampaign `/Prod/link-tracker?redirectUrl=<base64>`: standard base64 of a
//! percent-encoded URL (§3.5). The legacy `/lt.php?x=` form is opaque.

use super::{Step, Target};
use crate::text::codec::{b64_text, is_web_url, param, pct};

pub(super) fn decode(t: &Target<'_>) -> Option<Step> {
    if !t.path.eq_ignore_ascii_case("/Prod/link-tracker") {
        return None;
    }
    let value = pct(param(t.query?, "redirectUrl")?);
    let url = pct(&b64_text(&value)?);
    is_web_url(&url).then_some(Step::Next(url))
}

#[cfg(test)]
mod tests {
    use crate::unwrap::unwrap;

    #[test]
    fn catalog_sample() {
        let u = unwrap("https://acct.lt.acemlnb.com/Prod/link-tracker?redirectUrl=aHR0cHMlM0ElMkYlMkZsZWRnZXIucmVzdG9yZS1teWFzc2V0cy5jb20=&sig=x&iat=1&a=2", 8);
        assert_eq!(u.hops[0].url, "https://ledger.restore-myassets.com");
    }
}
