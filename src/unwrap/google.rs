//! Unwrap: Google's wrappers — the `/url?q=` redirect (Gmail web, Calendar, Docs, forwarded
//! Gmail mail), the Gmail image proxy (`ciN.googleusercontent.com/proxy/…#<original>`) and the
//! Google Translate proxy (`<host-with-dashes>.translate.goog`).

use super::{Step, Target};
use crate::text::codec::{decode_to_web_url, param, pct};

/// `www.google.<tld>/url?q=<url>` (or `url=`).
pub(super) fn redirect(t: &Target<'_>) -> Option<Step> {
    let host = t.host.strip_prefix("www.").unwrap_or(t.host);
    let tld = host.strip_prefix("google.")?;
    if tld.is_empty() || tld.split('.').count() > 2 || t.path != "/url" {
        return None;
    }
    let q = t.query?;
    let value = param(q, "q").or_else(|| param(q, "url"))?;
    // Google escapes only reserved characters inside the target: one decode is right, but
    // an unencoded target is common too.
    decode_to_web_url(value).map(Step::Next).or_else(|| {
        let once = pct(value);
        crate::text::codec::is_web_url(&once).then_some(Step::Next(once))
    })
}

/// `ciN.googleusercontent.com/proxy/<sig>#<original>` and `/meips/…#<original>`.
pub(super) fn image_proxy(t: &Target<'_>) -> Option<Step> {
    let sub = t.host.strip_suffix(".googleusercontent.com")?;
    let n = sub.strip_prefix("ci")?;
    if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !(t.path.starts_with("/proxy/") || t.path.starts_with("/meips/")) {
        return None;
    }
    match t.raw.find('#') {
        Some(i) if crate::text::codec::is_web_url(&t.raw[i + 1..]) => {
            Some(Step::Next(t.raw[i + 1..].to_string()))
        }
        _ => Some(Step::Opaque(None)),
    }
}

/// `<label>.translate.goog/<path>?_x_tr_…`: in the label `-` stands for `.` and `--` for `-`;
/// `_x_tr_hp` carries a host prefix that did not fit.
pub(super) fn translate_proxy(t: &Target<'_>) -> Option<Step> {
    let label = t.host.strip_suffix(".translate.goog")?;
    if label.is_empty() || label.contains('.') {
        return None;
    }
    let host = label.replace("--", "\u{0}").replace('-', ".").replace('\u{0}', "-");
    let mut prefix = String::new();
    let mut kept: Vec<&str> = Vec::new();
    for pair in t.query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        if let Some(v) = pair.strip_prefix("_x_tr_hp=") {
            prefix = pct(v);
        } else if !pair.starts_with("_x_tr_") {
            kept.push(pair);
        }
    }
    let path = if t.path.is_empty() { "/" } else { t.path };
    let mut url = format!("https://{prefix}{host}{path}");
    if !kept.is_empty() {
        url.push('?');
        url.push_str(&kept.join("&"));
    }
    Some(Step::Next(url))
}

#[cfg(test)]
mod tests {
    use crate::unwrap::unwrap;
    use rstest::rstest;

    #[rstest]
    #[case(
        "https://www.google.com/url?q=https://shop.example.com/google-redirect&sa=D&source=editors",
        "https://shop.example.com/google-redirect"
    )]
    #[case(
        "https://www.google.co.uk/url?sa=t&url=https%3A%2F%2Fx.example%2Fa%3Fb%3D1&usg=x",
        "https://x.example/a?b=1"
    )]
    #[case(
        "https://ci3.googleusercontent.com/proxy/AbC=s0-d-e1-ft#https://links.example.com/e/eo?_t=1&_m=2",
        "https://links.example.com/e/eo?_t=1&_m=2"
    )]
    #[case(
        "https://ci5.googleusercontent.com/meips/ADKq_Nx=s0-d-e1-ft#http://img.example.com/a.png",
        "http://img.example.com/a.png"
    )]
    #[case(
        "https://bafy--x-ipfs-dweb-link.translate.goog/a?_x_tr_hp=pre&_x_tr_sl=auto&k=v",
        "https://prebafy-x.ipfs.dweb.link/a?k=v"
    )]
    fn decodes(#[case] wrapped: &str, #[case] want: &str) {
        let u = unwrap(wrapped, 8);
        assert_eq!(u.hops.first().map(|h| h.url.as_str()), Some(want));
        assert!(u.gateway.is_some());
    }

    #[test]
    fn google_search_pages_are_not_redirects() {
        assert!(unwrap("https://www.google.com/search?q=https://x.example/", 8).hops.is_empty());
    }
}
