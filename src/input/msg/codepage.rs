//! Outlook `.msg`: Windows code pages (`PR_INTERNET_CPID`, `PR_MESSAGE_CODEPAGE`, RTF's
//! `\ansicpgN`) as `encoding_rs` encodings, and decoding bytes in one.

use encoding_rs::Encoding;

/// The encoding of a Windows code page; Windows-1252 for one that is unknown or absent (the
/// ASCII of URLs reads the same in all of them).
pub(super) fn encoding(cp: Option<u32>) -> &'static Encoding {
    use encoding_rs::*;
    match cp.unwrap_or(1252) {
        65001 => UTF_8,
        1200 => UTF_16LE,
        1201 => UTF_16BE,
        1250 => WINDOWS_1250,
        1251 => WINDOWS_1251,
        1253 => WINDOWS_1253,
        1254 => WINDOWS_1254,
        1255 => WINDOWS_1255,
        1256 => WINDOWS_1256,
        1257 => WINDOWS_1257,
        1258 => WINDOWS_1258,
        874 => WINDOWS_874,
        866 => IBM866,
        932 => SHIFT_JIS,
        936 => GBK,
        54936 => GB18030,
        949 | 51949 => EUC_KR,
        950 => BIG5,
        20932 | 51932 => EUC_JP,
        50220..=50222 => ISO_2022_JP,
        20866 => KOI8_R,
        21866 => KOI8_U,
        10000 => MACINTOSH,
        10007 => X_MAC_CYRILLIC,
        28592 => ISO_8859_2,
        28593 => ISO_8859_3,
        28594 => ISO_8859_4,
        28595 => ISO_8859_5,
        28596 => ISO_8859_6,
        28597 => ISO_8859_7,
        28598 => ISO_8859_8,
        38598 => ISO_8859_8_I,
        28603 => ISO_8859_13,
        28605 => ISO_8859_15,
        _ => WINDOWS_1252,
    }
}

/// `bytes` decoded in code page `cp` (invalid sequences become U+FFFD).
pub(super) fn decode(bytes: &[u8], cp: Option<u32>) -> String {
    encoding(cp).decode_without_bom_handling(bytes).0.into_owned()
}

/// A UTF-16LE string property (`PT_UNICODE`), up to its first NUL.
pub(super) fn utf16le(bytes: &[u8]) -> String {
    let units = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).take_while(|&u| u != 0);
    char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_pages() {
        let cases: &[(Option<u32>, &[u8], &str)] = &[
            (None, b"caf\xe9", "café"),
            (Some(1252), b"\x93q\x94", "\u{201c}q\u{201d}"),
            (Some(65001), "café".as_bytes(), "café"),
            (Some(1251), b"\xcf\xf0\xe8", "При"),
            (Some(28592), b"\xb1", "ą"),
            (Some(1250), b"\xb9", "ą"),
            (Some(932), b"\x82\xa0", "あ"),
            (Some(99999), b"abc", "abc"),
        ];
        for (cp, bytes, want) in cases {
            assert_eq!(decode(bytes, *cp), *want, "{cp:?}");
        }
    }

    #[test]
    fn utf16_strings_stop_at_nul_and_survive_bad_surrogates() {
        assert_eq!(utf16le(b"h\0i\0\0\0x\0"), "hi");
        assert_eq!(utf16le(b"h\0\x00\xd8i\0"), "h\u{fffd}i");
        assert_eq!(utf16le(b"h\0i"), "h");
    }
}
