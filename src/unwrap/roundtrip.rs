//! Property tests: for every decoder, `unwrap(wrap(url))` gives `url` back — each wrapper
//! written the way its vendor writes it.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use proptest::prelude::*;

use super::unwrap;

fn pct(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

/// Destinations with paths, queries and the characters wrappers escape.
fn dest() -> impl Strategy<Value = String> {
    ("[a-z0-9][a-z0-9._-]{0,20}", "[a-z0-9_-]{0,6}", "[a-z0-9]{0,6}")
        .prop_map(|(path, k, v)| format!("https://shop.example.com/{path}?{k}x={v}&y=1"))
}

/// The first hop's URL after unwrapping `wrapped` (one layer only).
fn first_hop(wrapped: &str) -> Option<String> {
    unwrap(wrapped, 1).hops.first().map(|h| h.url.clone())
}

fn proofpoint_v2(url: &str) -> String {
    let mut enc = String::new();
    for c in url.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' => enc.push(c),
            '/' => enc.push('_'),
            c => enc.push_str(&format!("-{:02X}", c as u32)),
        }
    }
    format!("https://urldefense.proofpoint.com/v2/url?u={enc}&d=DwMFaQ&c=abc&r=def&m=ghi&s=jkl&e=")
}

fn proofpoint_v3(url: &str) -> String {
    // Every '+' goes to the base64 tail as a '*' token.
    let plus = url.matches('+').count();
    let tail = if plus == 0 { String::new() } else { URL_SAFE_NO_PAD.encode("+".repeat(plus)) };
    let body = url.replace('+', "*");
    format!("https://urldefense.com/v3/__{body}__;{tail}!!AbCdEf!GhIjKl$")
}

fn mandrill(url: &str) -> String {
    let inner = serde_json::json!({"u": 1, "v": 1, "url": url, "id": "abc"}).to_string();
    let outer = serde_json::json!({"s": "sig", "v": 1, "p": inner}).to_string();
    format!(
        "https://mandrillapp.com/track/click/30477602/shop.example.com?p={}",
        URL_SAFE_NO_PAD.encode(outer)
    )
}

fn jwt(claims: serde_json::Value) -> String {
    format!(
        "{}.{}.sig",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

proptest! {
    #[test]
    fn gateways_round_trip(url in dest()) {
        let cases = [
            format!("https://nam12.safelinks.protection.outlook.com/?url={}&data=05%7C02%7Ca%40example.org&reserved=0", pct(&url)),
            format!("https://urldefense.proofpoint.com/v1/url?u={}&k=abc&r=def", pct(&url)),
            proofpoint_v2(&url),
            proofpoint_v3(&url),
            format!("https://www.google.com/url?q={}&sa=D&usg=x", pct(&url)),
            format!("https://ci3.googleusercontent.com/proxy/AbC=s0-d-e1-ft#{url}"),
            format!("https://ecp.yusercontent.com/mail?url={}&t=1", pct(&url)),
            format!("https://linkprotect.cudasvc.com/url?a={}&c=E,1,abc&typo=1", pct(&url)),
            format!("https://ctp.trendmicro.com/wis/clicktime/v2/clickthrough?url={}&uuid=1&auth=2", pct(&url)),
            format!("https://eu-central-1.protection.sophos.com/?d=shop.example.com&u={}&p=m", STANDARD.encode(&url)),
            format!("https://secure-web.cisco.com/1YIShd-8VxcPw/{}", pct(&url)),
            format!("https://clicktime.symantec.com/15t5Z?u={}", pct(&url)),
            format!("https://protect2.fireeye.com/v1/url?k=a-b&q=1&e=c&u={}", pct(&url)),
            format!("https://url.avanan.click/v2/___{url}___.YXAzOnQ6MQ"),
            format!("https://atpscan.global.hornetsecurity.com/?d=a&u={}", pct(&url)),
            format!("https://fm.example.net/fmlurlsvc/?fewReq=:B:abc&url={}", pct(&url)),
            format!("https://urlsand.esvalabs.com/?u={}&e=1", pct(&url)),
        ];
        for wrapped in &cases {
            let got = first_hop(wrapped);
            prop_assert_eq!(got.as_deref(), Some(url.as_str()), "{}", wrapped);
        }
    }

    #[test]
    fn esp_payloads_round_trip(url in dest()) {
        let no_scheme = url.trim_start_matches("https://");
        let cases = [
            format!("https://abcdefgh.r.us-east-1.awstrack.me/L0/{}/1/0100018d-000000/sig=1", pct(&url)),
            format!("https://click.example.net/CL0/{}/1/0100018d-000000/sig=1", pct(&url)),
            format!("https://click.pstmrk.it/3s/{}/W1sC/5vuxAQ/AQ/c8118413-013f-4d96-92a0-c2f7ec862185/1/x", pct(no_scheme)),
            mandrill(&url),
            format!("https://e.customeriomail.com/e/c/{}/{}", STANDARD.encode(serde_json::json!({"email_id": "x", "href": url}).to_string()), "a".repeat(64)),
            format!("https://x.lt.acemlnb.com/Prod/link-tracker?redirectUrl={}&sig=x", pct(&STANDARD.encode(pct(&url)))),
            format!("https://click.convertkit-mail2.com/abc/def/{}", STANDARD.encode(&url)),
            format!("https://xmjhp.mjt.lu/lnk/AVcAAEfw/2/9XS7wlTZhkG7gbEBpjBDHg/{}", URL_SAFE_NO_PAD.encode(&url)),
            format!("https://t.dripemail2.com/c/{}", jwt(serde_json::json!({"aud": "detour", "url": url}))),
            format!("https://substack.com/redirect/2/{}.sig", URL_SAFE_NO_PAD.encode(serde_json::json!({"e": url, "p": 1}).to_string())),
            format!("https://substackcdn.com/image/fetch/w_1456,c_limit/{}", pct(&url)),
            format!("https://link.example.net/click/6733778497fd0759c75a598c/{}/672a2ed6960912aa8c0e14fdE9276818b", URL_SAFE_NO_PAD.encode(&url)),
            format!("https://r.example.net/redirect?url={}&id=9", pct(&url)),
            format!("https://r.example.net/c?u={}&t=1", pct(&pct(&url))),
        ];
        for wrapped in &cases {
            let got = first_hop(wrapped);
            prop_assert_eq!(got.as_deref(), Some(url.as_str()), "{}", wrapped);
        }
    }
}
