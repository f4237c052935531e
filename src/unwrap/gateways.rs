//! Unwrap: security gateways whose format is one parameter or one path segment — Barracuda,
//! Trend Micro, Sophos, Cisco, Mimecast (opaque), Symantec, Trellix/FireEye, Avanan,
//! Hornetsecurity, FortiMail, Libraesva — Yahoo's image proxy (catalog §2.3–§2.11), and the
//! GMX / WEB.DE webmail dereferrer.

use super::{Step, Target};
use crate::text::codec::{b64_text, is_web_url, param, pct};

/// A percent-encoded parameter that must decode to a web URL.
fn url_param(t: &Target<'_>, name: &str) -> Option<Step> {
    let v = pct(param(t.query?, name)?);
    is_web_url(&v).then_some(Step::Next(v))
}

pub(super) fn yahoo_image_proxy(t: &Target<'_>) -> Option<Step> {
    (t.host == "ecp.yusercontent.com" && t.path == "/mail").then(|| url_param(t, "url"))?
}

/// GMX, WEB.DE, mail.com and 1&1 webmail's link dereferrer:
/// `deref-gmx.net/mail/client/<token>/dereferrer/?redirectUrl=<URL>` (also `deref-web.de`,
/// `deref-web-02.de`, `deref-mail.com` …), and the older `service.gmx.net/…/derefer?DEST=<URL>`.
pub(super) fn webmail_dereferrer(t: &Target<'_>) -> Option<Step> {
    if t.host.starts_with("deref-") && t.path.contains("/dereferrer") {
        return url_param(t, "redirectUrl");
    }
    (t.host == "service.gmx.net" && t.path.ends_with("/derefer")).then(|| url_param(t, "DEST"))?
}

pub(super) fn barracuda(t: &Target<'_>) -> Option<Step> {
    (t.host == "linkprotect.cudasvc.com").then(|| url_param(t, "a"))?
}

pub(super) fn trend_micro(t: &Target<'_>) -> Option<Step> {
    let host = t.host.ends_with("ctp.trendmicro.com")
        || t.host.ends_with("urlprotect.trendmicro.com")
        || t.host.ends_with("ctp.asiainfo-sec.com");
    (host && t.path.contains("/wis/clicktime/")).then(|| url_param(t, "url"))?
}

/// `<region>.protection.sophos.com/?d=<host>&u=<base64 URL>`; without `u` only the host is known.
pub(super) fn sophos(t: &Target<'_>) -> Option<Step> {
    if !t.host.ends_with(".protection.sophos.com") {
        return None;
    }
    let q = t.query?;
    if let Some(url) = param(q, "u").and_then(|u| b64_text(&pct(u))).filter(|u| is_web_url(u)) {
        return Some(Step::Next(url));
    }
    Some(Step::Opaque(param(q, "d").map(pct)))
}

/// `secure-web.cisco.com/<token>/<percent-encoded URL>`.
pub(super) fn cisco(t: &Target<'_>) -> Option<Step> {
    if t.host != "secure-web.cisco.com" {
        return None;
    }
    let path_at = t.raw.find("secure-web.cisco.com")? + "secure-web.cisco.com".len();
    let rest = t.raw[path_at..].strip_prefix('/')?;
    let inner = &rest[rest.find('/')? + 1..];
    let v = pct(inner);
    is_web_url(&v).then_some(Step::Next(v))
}

/// Mimecast URL Protect tokens are opaque; `domain=` shows the destination host when enabled.
pub(super) fn mimecast(t: &Target<'_>) -> Option<Step> {
    let mimecast = (t.host.starts_with("protect-") && t.host.ends_with(".mimecast.com"))
        || t.host.ends_with(".mimecastprotect.com");
    if !mimecast || !t.path.starts_with("/s/") {
        return None;
    }
    Some(Step::Opaque(t.query.and_then(|q| param(q, "domain")).map(pct)))
}

/// `clicktime.symantec.com/…?u=<URL>` — `u` is sometimes left unencoded, so take the rest.
pub(super) fn symantec(t: &Target<'_>) -> Option<Step> {
    if t.host != "clicktime.symantec.com" {
        return None;
    }
    let q = t.query?;
    let from = if q.starts_with("u=") { 2 } else { q.find("&u=")? + 3 };
    let rest = &q[from..];
    let head = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
    let v = if head.starts_with("http%3a") || head.starts_with("https%3a") {
        pct(param(q, "u")?)
    } else {
        rest.to_string()
    };
    is_web_url(&v).then_some(Step::Next(v))
}

pub(super) fn fireeye(t: &Target<'_>) -> Option<Step> {
    (t.host == "protect2.fireeye.com" && t.path.starts_with("/v1/url")).then(|| url_param(t, "u"))?
}

/// `url.avanan.click/v2/[r01/]___<URL>___.<token>` — the URL is raw, sometimes `https:/`.
pub(super) fn avanan(t: &Target<'_>) -> Option<Step> {
    if t.host != "url.avanan.click" {
        return None;
    }
    let start = t.raw.find("___")? + 3;
    let end = start + t.raw[start..].rfind("___")?;
    let mut url = t.raw[start..end].to_string();
    for scheme in ["https:/", "http:/"] {
        if url.starts_with(scheme) && !url[scheme.len()..].starts_with('/') {
            url.insert(scheme.len(), '/');
        }
    }
    is_web_url(&url).then_some(Step::Next(url))
}

pub(super) fn hornetsecurity(t: &Target<'_>) -> Option<Step> {
    if t.host != "atpscan.global.hornetsecurity.com" {
        return None;
    }
    url_param(t, "u").or(Some(Step::Opaque(None)))
}

pub(super) fn fortimail(t: &Target<'_>) -> Option<Step> {
    let q = t.query?;
    (t.path.starts_with("/fmlurlsvc") && param(q, "fewReq").is_some()).then(|| url_param(t, "url"))?
}

pub(super) fn esvalabs(t: &Target<'_>) -> Option<Step> {
    (t.host == "urlsand.esvalabs.com").then(|| url_param(t, "u"))?
}

#[cfg(test)]
mod tests {
    use crate::unwrap::unwrap;
    use rstest::rstest;

    #[rstest]
    #[case(
        "https://linkprotect.cudasvc.com/url?a=https%3a%2f%2flocal_termination.sh&c=E,1,abc&typo=1",
        "barracuda",
        "https://local_termination.sh"
    )]
    #[case("https://ddec1-0-en-ctp.trendmicro.com:443/wis/clicktime/v1/query?url=https%3a%2f%2fx.example%2fa%2db&umid=1&auth=2", "trendmicro", "https://x.example/a-b")]
    #[case("https://ctp.trendmicro.com/wis/clicktime/v2/clickthrough?url=https%3A%2F%2Fx.example%2F&uuid=1&auth=2", "trendmicro", "https://x.example/")]
    #[case("https://eu-central-1.protection.sophos.com/?d=sophos.com&u=aHR0cHM6Ly93d3cuc29waG9zLmNvbS9kZS1kZS9wcm9kdWN0cy9zb3Bob3MtZW1haWw=&i=1&t=2", "sophos", "https://www.sophos.com/de-de/products/sophos-email")]
    #[case(
        "http://secure-web.cisco.com/1YIShd-8VxcPw/http%3A%2F%2Fwww.gnu.org%2Flicenses%2F",
        "cisco",
        "http://www.gnu.org/licenses/"
    )]
    #[case(
        "https://clicktime.symantec.com/15t5Z?u=https%3A%2F%2Fx.example%2Fa",
        "symantec",
        "https://x.example/a"
    )]
    #[case("https://protect2.fireeye.com/v1/url?k=00bf-5f24&q=1&e=221919da&u=https%3A%2F%2Fwww.facebook.com%2FNamshiOfficial", "fireeye", "https://www.facebook.com/NamshiOfficial")]
    #[case(
        "https://url.avanan.click/v2/___https:/x.example/p?a=1___.YXAzOnQ6MQ",
        "avanan",
        "https://x.example/p?a=1"
    )]
    #[case(
        "https://atpscan.global.hornetsecurity.com/?d=a&f=b&u=https%3A%2F%2Fx.example%2F",
        "hornetsecurity",
        "https://x.example/"
    )]
    #[case(
        "https://fm.example.net/fmlurlsvc/?fewReq=:B:abc&url=https%3a%2f%2fx.example%2f",
        "fortimail",
        "https://x.example/"
    )]
    #[case(
        "https://urlsand.esvalabs.com/?u=https%3A%2F%2Fx.example%2F&e=1",
        "esvalabs",
        "https://x.example/"
    )]
    #[case(
        "https://ecp.yusercontent.com/mail?url=https%3A%2F%2Fimg.example.com%2Fa.png&t=1&sig=x",
        "yahoo-image-proxy",
        "https://img.example.com/a.png"
    )]
    #[case(
        "https://deref-gmx.net/mail/client/AbC-dE_fG12/dereferrer/?redirectUrl=https%3A%2F%2Fx.example%2Fa%3Fb%3D1",
        "webmail-dereferrer",
        "https://x.example/a?b=1"
    )]
    #[case(
        "https://deref-web-02.de/mail/client/AbC-dE_fG12/dereferrer/?redirectUrl=http%3A%2F%2Fwww.x.example",
        "webmail-dereferrer",
        "http://www.x.example"
    )]
    #[case(
        "https://deref-mail.com/mail/client/dereferrer/?redirectUrl=https%3A%2F%2Fx.example%2F",
        "webmail-dereferrer",
        "https://x.example/"
    )]
    #[case(
        "https://service.gmx.net/de/cgi/derefer?TYPE=3&DEST=https%3A%2F%2Fx.example%2F",
        "webmail-dereferrer",
        "https://x.example/"
    )]
    fn decodes(#[case] wrapped: &str, #[case] via: &str, #[case] want: &str) {
        let u = unwrap(wrapped, 8);
        assert_eq!(u.hops[0].via, via);
        assert_eq!(u.hops[0].url, want);
        assert!(u.gateway.is_some());
    }

    #[test]
    fn sophos_without_u_keeps_the_host() {
        let u = unwrap("https://us-east-2.protection.sophos.com/?d=rb.gy&b=00&x=1", 8);
        assert_eq!(u.opaque.and_then(|o| o.host_hint).as_deref(), Some("rb.gy"));
    }
}
