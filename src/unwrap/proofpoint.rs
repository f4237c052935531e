//! Unwrap: Proofpoint URL Defense v1, v2 and v3, following Proofpoint's own
//! `URLDefenseDecode.py` (catalog §2.2).
//!
//! - v1: `u=` up to `&k=`, percent-decoded, HTML-unescaped.
//! - v2: `u=` up to `&d=`/`&c=`, `-`→`%` and `_`→`/`, percent-decoded, HTML-unescaped.
//! - v3: `__<url>__;<base64url>!…`; each `*` in the URL takes the next character of the decoded
//!   bytes, `**X` the next run of them — counted in characters, not bytes.

use super::{Step, Target};
use crate::text::codec::{b64, pct};
use crate::text::entities;

pub(super) fn decode(t: &Target<'_>) -> Option<Step> {
    if !(t.host == "urldefense.proofpoint.com" || t.host == "urldefense.com" || t.host == "urldefense.us") {
        return None;
    }
    if t.path.starts_with("/v1/") {
        let q = t.query?;
        let u = between(q, "u=", &["&k="])?;
        return Some(Step::Next(entities::decode(&pct(u)).into_owned()));
    }
    if t.path.starts_with("/v2/") {
        let q = t.query?;
        let u = between(q, "u=", &["&d=", "&c="])?;
        let translated: String = u
            .chars()
            .map(|c| match c {
                '-' => '%',
                '_' => '/',
                c => c,
            })
            .collect();
        return Some(Step::Next(entities::decode(&pct(&translated)).into_owned()));
    }
    v3(t.raw).map(Step::Next)
}

/// The text after `start` up to the first of `ends` (or the end).
fn between<'a>(s: &'a str, start: &str, ends: &[&str]) -> Option<&'a str> {
    let from =
        if s.starts_with(start) { start.len() } else { s.find(&format!("&{start}"))? + start.len() + 1 };
    let rest = &s[from..];
    let end = ends.iter().filter_map(|e| rest.find(e)).min().unwrap_or(rest.len());
    Some(&rest[..end])
}

fn v3(raw: &str) -> Option<String> {
    let start = raw.find("/v3/__")? + 6;
    let rest = &raw[start..];
    let url_end = rest.find("__;")?;
    let url = pct(&rest[..url_end]);
    let after = &rest[url_end + 3..];
    let enc = &after[..after.find('!').unwrap_or(after.len())];
    if !url.contains('*') {
        return Some(url);
    }
    let dec: Vec<char> = String::from_utf8_lossy(&b64(enc)?).chars().collect();
    let mut cursor = 0usize;
    let mut out = String::with_capacity(url.len());
    let mut chars = url.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '*' {
            out.push(c);
            continue;
        }
        let run = if chars.peek() == Some(&'*') {
            chars.next();
            run_length(chars.next()?)?
        } else {
            1
        };
        let take = dec.get(cursor..cursor + run)?;
        out.extend(take);
        cursor += run;
    }
    Some(out)
}

/// `A`..`Z` → 2..27, `a`..`z` → 28..53, `0`..`9` → 54..63, `-` → 64, `_` → 65.
fn run_length(c: char) -> Option<usize> {
    Some(match c {
        'A'..='Z' => c as usize - 'A' as usize + 2,
        'a'..='z' => c as usize - 'a' as usize + 28,
        '0'..='9' => c as usize - '0' as usize + 54,
        '-' => 64,
        '_' => 65,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use crate::unwrap::unwrap;
    use rstest::rstest;

    #[rstest]
    #[case(
        "https://urldefense.proofpoint.com/v1/url?u=http://www.bouncycastle.org/&k=oIvRg1%2BdGAgOoM1BIlLLqw%3D%3D%0A&r=abc",
        "http://www.bouncycastle.org/"
    )]
    #[case(
        "https://urldefense.proofpoint.com/v2/url?u=https-3A__media.mnn.com_assets_images_2016_06_jupiter-2Dnasa.jpg.638x0-5Fq80-5Fcrop-2Dsmart.jpg&d=DwMBaQ&c=x",
        "https://media.mnn.com/assets/images/2016/06/jupiter-nasa.jpg.638x0_q80_crop-smart.jpg"
    )]
    #[case(
        "https://urldefense.proofpoint.com/v2/url?u=http-3A__links.mkt3337.com_ctt-3Fkn-3D3-26ms-3DMzQ3OTg3MDQS1-26r-3DMzkxNzk3NDkwMDA0S0-26b-3D0&d=DwMFaQ&c=x",
        "http://links.mkt3337.com/ctt?kn=3&ms=MzQ3OTg3MDQS1&r=MzkxNzk3NDkwMDA0S0&b=0"
    )]
    #[case(
        "https://urldefense.com/v3/__https://google.com:443/search?q=a*test&gs=ps__;Kw!-612Flbf0JvQ3kNJkRi5Jg!Ue6tsig$",
        "https://google.com:443/search?q=a+test&gs=ps"
    )]
    #[case(
        "https://urldefense.com/v3/__https://x.example/o/owa*2Findex.html?alt=media*vicky@x.example__;JSM!!abc$",
        "https://x.example/o/owa%2Findex.html?alt=media#vicky@x.example"
    )]
    #[case(
        "https://urldefense.com/v3/__https://click.news.example.com/pp3/offer?id=42&src=mail__;!!AbCdEfGh!IjKl$",
        "https://click.news.example.com/pp3/offer?id=42&src=mail"
    )]
    #[case("https://urldefense.com/v3/__https://x.example/**Bend__;w6nDqcOp!!c$", "https://x.example/éééend")]
    fn decodes(#[case] wrapped: &str, #[case] want: &str) {
        let u = unwrap(wrapped, 8);
        assert_eq!(u.hops.first().map(|h| h.url.as_str()), Some(want));
        assert_eq!(u.gateway, Some("Proofpoint URL Defense"));
    }
}
