//! Unwrap: Microsoft Defender Safe Links — `<region>.safelinks.protection.outlook.com/?url=…`
//! (also the government and China clouds, Teams and OWA forms). The `url` parameter is
//! percent-decoded once; `data=` (which holds the recipient's address) is never echoed.

use super::{Step, Target};
use crate::text::codec::{param, pct};

pub(super) fn decode(t: &Target<'_>) -> Option<Step> {
    let safelinks = t.host_is("safelinks.protection.outlook.com")
        || t.host_is("safelinks.protection.office365.us")
        || t.host_is("safelinks.protection.outlook.cn")
        || (t.host == "statics.teams.cdn.office.net" && t.path.contains("/safelinks/"))
        || (t.host == "outlook.office.com" && t.path.ends_with("/safelink.html"));
    if !safelinks {
        return None;
    }
    let value = param(t.query?, "url")?;
    Some(Step::Next(pct(value)))
}

#[cfg(test)]
mod tests {
    use crate::unwrap::unwrap;
    use rstest::rstest;

    #[rstest]
    #[case(
        "https://apac01.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.dropbox.com%2Fl%2FMsV4%2Freport_abuse&data=02%7C01%7Cx%40example.org%7C&sdata=abc&reserved=0",
        "https://www.dropbox.com/l/MsV4/report_abuse"
    )]
    #[case(
        "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fclick.news.example.com%2Fsl%2Foffer%3Fid%3D42%26src%3Dmail&data=05%7C02",
        "https://click.news.example.com/sl/offer?id=42&src=mail"
    )]
    #[case(
        "https://gcc02.safelinks.protection.office365.us/?url=https%3A%2F%2Fx.example%2F&data=1",
        "https://x.example/"
    )]
    fn decodes(#[case] wrapped: &str, #[case] want: &str) {
        let u = unwrap(wrapped, 8);
        assert_eq!(u.hops[0].via, "safelinks");
        assert_eq!(u.hops[0].url, want);
    }
}
