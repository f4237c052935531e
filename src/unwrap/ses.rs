//! Unwrap: Amazon SES click tracking (also Resend and SES custom redirect domains):
//! `/L0/<pct URL>/<n>/<message id>/<sig>` on `*.awstrack.me`, `/CL0/…` on a custom domain. The
//! segment after `L0/` or `CL0/` up to the next literal `/` is percent-decoded once.

use super::{Step, Target};
use crate::text::codec::{is_web_url, pct};

pub(super) fn decode(t: &Target<'_>) -> Option<Step> {
    let rest = t.path.strip_prefix("/L0/").or_else(|| t.path.strip_prefix("/CL0/"))?;
    let segment = &rest[..rest.find('/')?];
    let url = pct(segment);
    is_web_url(&url).then_some(Step::Next(url))
}

#[cfg(test)]
mod tests {
    use crate::unwrap::unwrap;
    use rstest::rstest;

    #[rstest]
    #[case(
        "https://vk39fk6q.r.eu-west-1.awstrack.me/L0/https:%2F%2Fwww.example.online%2Fcustom%3Ft=eyJhbGci/1/0102018969854525-eb08255a-000000/8aaHGY53rVinviPNNUaBTufqHOs=331",
        "https://www.example.online/custom?t=eyJhbGci"
    )]
    #[case(
        "https://tracking.example.com/CL0/https:%2F%2Fpreg.example.com%2Fa%2Findex.html/3/01000186c03d9724-000000/k89j=291",
        "https://preg.example.com/a/index.html"
    )]
    #[case(
        "http://n2k0prlj.r.us-east-1.awstrack.me/L0/http:%2F%2Fexample.com/1/0100018b6913/sig=1",
        "http://example.com"
    )]
    fn decodes(#[case] wrapped: &str, #[case] want: &str) {
        let u = unwrap(wrapped, 8);
        assert_eq!(u.hops[0].via, "ses");
        assert_eq!(u.hops[0].url, want);
    }

    #[test]
    fn round_trip() {
        let dest = "https://shop.example.com/a/b?c=d&e=f";
        let enc = dest.replace('/', "%2F").replace('?', "%3F");
        let wrapped = format!("https://abcdefgh.r.us-east-1.awstrack.me/L0/{enc}/1/010001-000000/sig=1");
        assert_eq!(unwrap(&wrapped, 8).hops[0].url, dest);
    }
}
