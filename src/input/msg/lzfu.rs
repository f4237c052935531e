//! Outlook `.msg`: the compressed RTF stream (`PR_RTF_COMPRESSED`, MS-OXRTFCP) — a 16-byte
//! header, then LZFu: runs of eight items under a control byte, each item a literal byte or a
//! big-endian 12-bit offset and 4-bit length into a 4096-byte ring dictionary preloaded with
//! common RTF.
//!
//! Hand-written rather than taken from the `compressed-rtf` crate, whose reader slices the
//! header without checking the stream's length and allocates the size the header claims. Here
//! the header's raw size is only a hint, capped by the caller's limit: the output never grows
//! past `limit`, and a stream cut short gives what was decoded so far. The CRC is not checked: a
//! damaged stream is read as far as it goes rather than dropped (its links still count).

/// `LZFu`: compressed.
const COMPRESSED: u32 = 0x7546_5A4C;
/// `MELA`: stored as is.
const UNCOMPRESSED: u32 = 0x414C_454D;

/// The dictionary's initial content (MS-OXRTFCP 2.1.2.1).
const PRELOAD: &[u8] = b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

/// What decompression gave.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Decompressed {
    /// The RTF bytes.
    pub rtf: Vec<u8>,
    /// The output reached `limit` before the stream ended.
    pub cut: bool,
}

/// Why a stream is not compressed RTF at all.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum LzfuError {
    /// Shorter than the 16-byte header.
    Short,
    /// Neither `LZFu` nor `MELA`.
    UnknownType(u32),
}

impl std::fmt::Display for LzfuError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LzfuError::Short => f.write_str("shorter than its 16-byte header"),
            LzfuError::UnknownType(t) => write!(f, "unknown compression type 0x{t:08X}"),
        }
    }
}

fn le32(b: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    if let Some(s) = b.get(at..at + 4) {
        w.copy_from_slice(s);
    }
    u32::from_le_bytes(w)
}

/// Decompresses a `PR_RTF_COMPRESSED` stream, giving at most `limit` bytes.
pub(super) fn decompress(stream: &[u8], limit: usize) -> Result<Decompressed, LzfuError> {
    if stream.len() < 16 {
        return Err(LzfuError::Short);
    }
    let raw_size = le32(stream, 4) as usize;
    let kind = le32(stream, 8);
    let data = stream.get(16..).unwrap_or_default();
    match kind {
        UNCOMPRESSED => {
            let n = raw_size.min(data.len());
            let cut = n > limit;
            Ok(Decompressed { rtf: data[..n.min(limit)].to_vec(), cut })
        }
        COMPRESSED => Ok(lzfu(data, raw_size, limit)),
        other => Err(LzfuError::UnknownType(other)),
    }
}

fn lzfu(data: &[u8], raw_size: usize, limit: usize) -> Decompressed {
    let mut dict = [0u8; 4096];
    dict[..PRELOAD.len()].copy_from_slice(PRELOAD);
    let mut write = PRELOAD.len();
    // A token is 2 bytes for at most 17 out: no stream decodes to more than 9 times its size.
    let bound = data.len().saturating_mul(9);
    let mut out = Vec::with_capacity(raw_size.min(limit).min(bound));
    let mut i = 0;
    while i < data.len() {
        let control = data[i];
        i += 1;
        for bit in 0..8 {
            if control & (1 << bit) == 0 {
                let Some(&b) = data.get(i) else { return Decompressed { rtf: out, cut: false } };
                i += 1;
                if out.len() >= limit {
                    return Decompressed { rtf: out, cut: true };
                }
                out.push(b);
                dict[write] = b;
                write = (write + 1) % dict.len();
            } else {
                let (Some(&hi), Some(&lo)) = (data.get(i), data.get(i + 1)) else {
                    return Decompressed { rtf: out, cut: false };
                };
                i += 2;
                let token = u16::from_be_bytes([hi, lo]);
                let offset = usize::from(token >> 4);
                let length = usize::from(token & 0x0F) + 2;
                if offset == write {
                    // The end marker.
                    return Decompressed { rtf: out, cut: false };
                }
                for k in 0..length {
                    if out.len() >= limit {
                        return Decompressed { rtf: out, cut: true };
                    }
                    let b = dict[(offset + k) % dict.len()];
                    out.push(b);
                    dict[write] = b;
                    write = (write + 1) % dict.len();
                }
            }
        }
    }
    Decompressed { rtf: out, cut: false }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// MS-OXRTFCP 3.1.1, "Example 1: Simple Compressed RTF".
    const SIMPLE: &[u8] = &[
        0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xf1, 0xc5, 0xc7, 0xa7, 0x03,
        0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35, 0x42, 0x32, 0x0a, 0xf3, 0x20, 0x68, 0x65,
        0x6c, 0x09, 0x00, 0x20, 0x62, 0x77, 0x05, 0xb0, 0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f, 0xa0,
    ];
    /// MS-OXRTFCP 3.1.2, "Example 2: Reading a Token from the Dictionary that Crosses
    /// WritePosition" (a run that copies bytes it is writing).
    const CROSSING: &[u8] = &[
        0x1a, 0x00, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xe2, 0xd4, 0x4b, 0x51, 0x41,
        0x00, 0x04, 0x20, 0x57, 0x58, 0x59, 0x5a, 0x0d, 0x6e, 0x7d, 0x01, 0x0e, 0xb0,
    ];

    fn header(kind: &[u8; 4], raw: u32, body: &[u8]) -> Vec<u8> {
        let mut v = ((body.len() + 12) as u32).to_le_bytes().to_vec();
        v.extend_from_slice(&raw.to_le_bytes());
        v.extend_from_slice(kind);
        v.extend_from_slice(&[0; 4]);
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn the_specification_examples() {
        let cases: &[(&[u8], &[u8])] = &[
            (SIMPLE, b"{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n"),
            (CROSSING, b"{\\rtf1 WXYZWXYZWXYZWXYZWXYZ}"),
        ];
        for (stream, want) in cases {
            let got = decompress(stream, usize::MAX).unwrap();
            assert_eq!(String::from_utf8_lossy(&got.rtf), String::from_utf8_lossy(want));
            assert!(!got.cut);
        }
    }

    #[test]
    fn stored_uncompressed() {
        let s = header(b"MELA", 5, b"{\\rtf1}");
        assert_eq!(decompress(&s, 100).unwrap().rtf, b"{\\rtf");
        // A raw size larger than the stream takes what is there.
        let s = header(b"MELA", 1 << 30, b"{\\rtf1}");
        assert_eq!(decompress(&s, 100).unwrap().rtf, b"{\\rtf1}");
    }

    #[test]
    fn the_limit_cuts_and_says_so() {
        let got = decompress(CROSSING, 10).unwrap();
        assert_eq!(got.rtf, b"{\\rtf1 WXY");
        assert!(got.cut);
        let got = decompress(SIMPLE, 3).unwrap();
        assert_eq!(got.rtf, b"{\\r");
        assert!(got.cut);
    }

    #[test]
    fn broken_streams_are_errors_or_partial() {
        assert_eq!(decompress(b"", 10), Err(LzfuError::Short));
        assert_eq!(decompress(&[0; 15], 10), Err(LzfuError::Short));
        assert!(matches!(decompress(&header(b"ABCD", 0, b""), 10), Err(LzfuError::UnknownType(_))));
        // Cut in the middle of a token: what was decoded before it.
        let cut = &CROSSING[..CROSSING.len() - 3];
        let got = decompress(cut, usize::MAX).unwrap();
        assert!(b"{\\rtf1 WXYZWXYZWXYZWXYZWXYZ}".starts_with(&got.rtf));
        // A huge claimed raw size allocates nothing of it.
        let mut s = SIMPLE.to_vec();
        s[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decompress(&s, 1 << 20).unwrap().rtf.len(), 43);
    }

    #[test]
    fn output_is_bounded_by_nine_times_the_input() {
        // Every item a 17-byte reference.
        let group: Vec<u8> = std::iter::once(0xFF).chain([0x00, 0x0F].repeat(8)).collect();
        let body = group.repeat(100);
        let s = header(b"LZFu", u32::MAX, &body);
        let got = decompress(&s, usize::MAX).unwrap();
        assert!(got.rtf.len() <= body.len() * 9, "{}", got.rtf.len());
    }
}
