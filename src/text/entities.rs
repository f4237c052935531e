//! Text: HTML character references in attribute values (lol_html hands values over raw).
//!
//! Follows the HTML attribute-value rules: numeric references with or without `;`, named
//! references with `;`, and the legacy names (`&amp`, `&lt`, …) without `;` only when the next
//! character is neither alphanumeric nor `=` — so `?a=1&copy=2` keeps its `&copy=`.

use std::borrow::Cow;

/// Named references that matter in URLs and link text. Legacy ones (decoded without `;`) first.
const LEGACY: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("nbsp", "\u{a0}"),
    ("copy", "©"),
    ("reg", "®"),
    ("AMP", "&"),
    ("LT", "<"),
    ("GT", ">"),
    ("QUOT", "\""),
];

const NAMED: &[(&str, &str)] = &[
    ("apos", "'"),
    ("sol", "/"),
    ("colon", ":"),
    ("period", "."),
    ("quest", "?"),
    ("equals", "="),
    ("num", "#"),
    ("percnt", "%"),
    ("excl", "!"),
    ("lpar", "("),
    ("rpar", ")"),
    ("commat", "@"),
    ("lowbar", "_"),
    ("plus", "+"),
    ("comma", ","),
    ("semi", ";"),
    ("dollar", "$"),
    ("ast", "*"),
    ("midast", "*"),
    ("Tab", "\t"),
    ("NewLine", "\n"),
    ("lsqb", "["),
    ("rsqb", "]"),
    ("lbrack", "["),
    ("rbrack", "]"),
    ("lbrace", "{"),
    ("rbrace", "}"),
    ("lcub", "{"),
    ("rcub", "}"),
    ("verbar", "|"),
    ("vert", "|"),
    ("bsol", "\\"),
    ("Hat", "^"),
    ("grave", "`"),
    ("tilde", "˜"),
    ("hyphen", "‐"),
    ("dash", "‐"),
    ("ndash", "–"),
    ("mdash", "—"),
    ("hellip", "…"),
    ("lsquo", "‘"),
    ("rsquo", "’"),
    ("ldquo", "“"),
    ("rdquo", "”"),
    ("laquo", "«"),
    ("raquo", "»"),
    ("euro", "€"),
    ("pound", "£"),
    ("yen", "¥"),
    ("cent", "¢"),
    ("trade", "™"),
    ("bull", "•"),
    ("middot", "·"),
    ("zwj", "\u{200d}"),
    ("zwnj", "\u{200c}"),
    ("lrm", "\u{200e}"),
    ("rlm", "\u{200f}"),
    ("shy", "\u{ad}"),
    ("eacute", "é"),
    ("egrave", "è"),
    ("ecirc", "ê"),
    ("euml", "ë"),
    ("aacute", "á"),
    ("agrave", "à"),
    ("acirc", "â"),
    ("auml", "ä"),
    ("atilde", "ã"),
    ("aring", "å"),
    ("aelig", "æ"),
    ("ccedil", "ç"),
    ("iacute", "í"),
    ("igrave", "ì"),
    ("icirc", "î"),
    ("iuml", "ï"),
    ("ntilde", "ñ"),
    ("oacute", "ó"),
    ("ograve", "ò"),
    ("ocirc", "ô"),
    ("ouml", "ö"),
    ("otilde", "õ"),
    ("oslash", "ø"),
    ("uacute", "ú"),
    ("ugrave", "ù"),
    ("ucirc", "û"),
    ("uuml", "ü"),
    ("szlig", "ß"),
    ("yacute", "ý"),
    ("yuml", "ÿ"),
    ("Eacute", "É"),
    ("Egrave", "È"),
    ("Aacute", "Á"),
    ("Agrave", "À"),
    ("Auml", "Ä"),
    ("Ouml", "Ö"),
    ("Uuml", "Ü"),
    ("Ccedil", "Ç"),
    ("Ntilde", "Ñ"),
];

/// Decodes character references in an attribute value; borrows when there are none.
pub fn decode(value: &str) -> Cow<'_, str> {
    if !value.contains('&') {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match reference(after) {
            Some((text, used)) => {
                out.push_str(&text);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Decodes the reference at the start of `s` (just after `&`): the text and the bytes used.
fn reference(s: &str) -> Option<(Cow<'static, str>, usize)> {
    let bytes = s.as_bytes();
    if bytes.first() == Some(&b'#') {
        return numeric(s);
    }
    let name_len = bytes.iter().take(32).take_while(|b| b.is_ascii_alphanumeric()).count();
    if name_len == 0 {
        return None;
    }
    let name = &s[..name_len];
    if bytes.get(name_len) == Some(&b';') {
        if let Some((_, text)) = LEGACY.iter().chain(NAMED).find(|(n, _)| *n == name) {
            return Some((Cow::Borrowed(text), name_len + 1));
        }
    }
    // Legacy names without ';': the longest match, not followed by alphanumeric or '='.
    for (n, text) in LEGACY {
        if s.starts_with(n) {
            let next = bytes.get(n.len());
            if next.is_none_or(|b| !b.is_ascii_alphanumeric() && *b != b'=') {
                return Some((Cow::Borrowed(text), n.len()));
            }
        }
    }
    None
}

fn numeric(s: &str) -> Option<(Cow<'static, str>, usize)> {
    let bytes = s.as_bytes();
    let (hex, start) = match bytes.get(1) {
        Some(b'x' | b'X') => (true, 2),
        _ => (false, 1),
    };
    let digits = bytes[start..]
        .iter()
        .take_while(|b| if hex { b.is_ascii_hexdigit() } else { b.is_ascii_digit() })
        .count();
    if digits == 0 {
        return None;
    }
    let end = start + digits;
    let code =
        u32::from_str_radix(&s[start..end.min(start + 8)], if hex { 16 } else { 10 }).unwrap_or(u32::MAX);
    let used = if bytes.get(end) == Some(&b';') { end + 1 } else { end };
    let ch = match code {
        0x80..=0x9f => windows_1252(code),
        0 | 0xd800..=0xdfff => '\u{fffd}',
        _ => char::from_u32(code).unwrap_or('\u{fffd}'),
    };
    Some((Cow::Owned(ch.to_string()), used))
}

/// The C1 range is read as windows-1252, as browsers do.
fn windows_1252(code: u32) -> char {
    const MAP: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
        '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
    ];
    MAP[(code - 0x80) as usize]
}

#[cfg(test)]
mod tests {
    use super::decode;
    use rstest::rstest;

    #[rstest]
    #[case("https://x.example/?a=1&amp;b=2", "https://x.example/?a=1&b=2")]
    #[case("https:&#x2F;&#x2F;x.example&#x2F;p", "https://x.example/p")]
    #[case("a&#38;b&#38c", "a&b&c")]
    #[case("?a=1&copy=2", "?a=1&copy=2")]
    #[case("?a=1&amp=2", "?a=1&amp=2")]
    #[case("&quot;https://x.example/&quot;", "\"https://x.example/\"")]
    #[case("&sol;&colon;&period;", "/:.")]
    #[case("x&unknown;y", "x&unknown;y")]
    #[case("&#0;&#x110000;&#128;", "\u{fffd}\u{fffd}€")]
    #[case("&amp", "&")]
    #[case("caf&eacute;", "café")]
    #[case("&#xé", "&#xé")]
    fn references_are_decoded(#[case] raw: &str, #[case] want: &str) {
        assert_eq!(decode(raw), want);
    }
}
