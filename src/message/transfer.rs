//! Message: quoted-printable and base64 body decoding for the fast MIME reader.
//!
//! mail-parser decodes a body one byte at a time through a state machine that also looks for
//! the boundary (about 40 instructions per byte). Here the reader has already found where the
//! body ends, so each decoder runs over a known slice: quoted-printable copies the runs between
//! `=`, CR and LF in bulk, base64 decodes line by line, eight characters at a time through a
//! table.
//!
//! Each decoder gives exactly the bytes mail-parser's `decode_*_mime` gives for the same body,
//! or `None` for anything irregular (a broken escape, a stray `-`, a character outside the
//! alphabet), and mail-parser's own decoder reads that body instead: its recovery rules stay the
//! reference. The tests compare the two on generated bodies.

use memchr::memchr3;

/// Value of a base64 character, or `INVALID`.
const INVALID: u8 = 0xff;

static B64: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut v = 0u8;
    while v < 64 {
        let ch = match v {
            0..=25 => b'A' + v,
            26..=51 => b'a' + (v - 26),
            52..=61 => b'0' + (v - 52),
            62 => b'+',
            _ => b'/',
        };
        table[ch as usize] = v;
        v += 1;
    }
    table
};

/// Value of a hexadecimal digit (either case), or `INVALID`.
fn hex(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'A'..=b'F' => b - b'A' + 10,
        b'a'..=b'f' => b - b'a' + 10,
        _ => INVALID,
    }
}

/// White space as mail-parser's quoted-printable decoder counts it on a line (CR and LF are
/// handled apart).
fn blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\x0c')
}

/// Decodes the quoted-printable `body`. `delimited` says a boundary delimiter (`--boundary`)
/// follows it directly, as opposed to the end of the message.
///
/// mail-parser's rules, kept here: CR is dropped and, once seen, makes every line break
/// CRLF; blanks that end a line are dropped; `=` followed by blanks and a line break is a soft
/// break; `=X` with `X` not a hex digit stays `=X`; the line break before the delimiter belongs
/// to the delimiter.
pub(super) fn quoted_printable(body: &[u8], delimited: bool) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    let mut crlf: &[u8] = b"\n";
    // Blanks at the end of `out` that a hard line break would drop.
    let mut trailing = 0usize;
    let mut soft_break_last = false;
    let mut i = 0;
    while i < body.len() {
        let next = memchr3(b'=', b'\n', b'\r', &body[i..]).map_or(body.len(), |k| i + k);
        if next > i {
            let run = &body[i..next];
            let blanks = run.iter().rev().take_while(|&&b| blank(b)).count();
            trailing = if blanks == run.len() { trailing + blanks } else { blanks };
            out.extend_from_slice(run);
            i = next;
            if i == body.len() {
                break;
            }
        }
        match body[i] {
            b'\r' => {
                crlf = b"\r\n";
                i += 1;
            }
            b'\n' => {
                out.truncate(out.len() - trailing);
                out.extend_from_slice(crlf);
                trailing = 0;
                soft_break_last = false;
                i += 1;
            }
            _ => {
                // `=`: blanks and CRs after it are skipped.
                let mut j = i + 1;
                loop {
                    match *body.get(j)? {
                        b'\r' => crlf = b"\r\n",
                        b if blank(b) => {}
                        _ => break,
                    }
                    j += 1;
                }
                match body[j] {
                    b'\n' => {
                        soft_break_last = true;
                        trailing = 0;
                        i = j + 1;
                        continue;
                    }
                    b'=' => return None,
                    b => {
                        let high = hex(b);
                        if high == INVALID {
                            out.extend_from_slice(&[b'=', b]);
                            trailing = 0;
                            i = j + 1;
                            continue;
                        }
                        // mail-parser reads a CR, LF or `=` after the first digit oddly.
                        let second = *body.get(j + 1)?;
                        if matches!(second, b'\r' | b'\n' | b'=') {
                            return None;
                        }
                        let low = hex(second);
                        if low == INVALID {
                            out.extend_from_slice(&[b'=', b, second]);
                        } else {
                            out.push((high << 4) | low);
                        }
                        trailing = 0;
                        i = j + 2;
                    }
                }
            }
        }
    }
    if delimited && body.last() == Some(&b'\n') {
        if soft_break_last {
            // mail-parser would drop decoded text here: leave it to mail-parser.
            return None;
        }
        out.truncate(out.len() - crlf.len());
    }
    Some(out)
}

/// Decodes the base64 `body` (line breaks, spaces and tabs ignored; `=` ends a group, and
/// decoding goes on after it; a group left incomplete at the end is dropped).
///
/// The usual body — lines of whole groups of the alphabet, canonical padding at the very end —
/// is decoded line by line, strictly, so that nothing where mail-parser's rules could differ
/// gets through; the state machine below, which has mail-parser's rules, reads the rest.
pub(super) fn base64(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len() / 4 * 3);
    let mut padded = false;
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', body).chain(std::iter::once(body.len())) {
        let line = &body[start..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        start = end + 1;
        if line.is_empty() {
            continue;
        }
        // Lines of whole groups (encoders wrap at 76), padding only at the very end.
        if padded || !line.len().is_multiple_of(4) {
            return base64_irregular(body);
        }
        match append_canonical(line, &mut out) {
            Some(p) => padded = p,
            None => return base64_irregular(body),
        }
    }
    Some(out)
}

/// Appends the strict base64 `s` (whole groups of four: the alphabet, at most two `=` ending
/// the last group, no stray bits in its last character) to `out`, eight characters into one
/// `u64` at a time and out as six bytes. Says whether `s` ended in padding; `None` for anything
/// else, with `out` as it was.
fn append_canonical(s: &[u8], out: &mut Vec<u8>) -> Option<bool> {
    let pad = s.iter().rev().take_while(|&&b| b == b'=').count();
    if pad > 2 || !s.len().is_multiple_of(4) {
        return None;
    }
    let (full, last) = s.split_at(if pad > 0 { s.len() - 4 } else { s.len() });
    let base = out.len();
    // Slack: each step writes eight bytes and keeps six.
    out.resize(base + full.len() / 4 * 3 + 2 + 3, 0);
    let mut at = base;
    let mut bad = 0u8;
    let mut eights = full.chunks_exact(8);
    for chunk in &mut eights {
        let n = pack(chunk, &mut bad);
        out[at..at + 8].copy_from_slice(&(n << 16).to_be_bytes());
        at += 6;
    }
    for group in eights.remainder().chunks_exact(4) {
        let n = pack(group, &mut bad);
        out[at..at + 3].copy_from_slice(&n.to_be_bytes()[5..]);
        at += 3;
    }
    if pad > 0 {
        let n = pack(&last[..4 - pad], &mut bad);
        // The bits after the last whole byte must be zero, as the strict decoders require.
        let (bytes, spare_bits) = if pad == 1 { (2, 2) } else { (1, 4) };
        if n & ((1 << spare_bits) - 1) != 0 {
            bad = INVALID;
        }
        let n = n >> spare_bits;
        for i in (0..bytes).rev() {
            out[at] = (n >> (8 * i)) as u8;
            at += 1;
        }
    }
    // INVALID has the high bits set, and no value does.
    if bad & 0xc0 != 0 {
        out.truncate(base);
        return None;
    }
    out.truncate(at);
    Some(pad > 0)
}

/// The 6-bit values of base64 `chars` packed into one number, first character highest; an
/// invalid character sets the high bits of `bad`.
fn pack(chars: &[u8], bad: &mut u8) -> u64 {
    chars.iter().fold(0u64, |n, &c| {
        let v = B64[c as usize];
        *bad |= v;
        (n << 6) | u64::from(v)
    })
}

/// [`base64`] for bodies the strict decoder refuses: mail-parser's state machine.
fn base64_irregular(body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len() / 4 * 3);
    let mut acc = 0u32;
    let mut count = 0u8;
    let mut i = 0;
    while i < body.len() {
        if count == 0 {
            // Whole groups of four, the bulk of every line.
            while let Some(group) = body.get(i..i + 4) {
                let [a, b, c, d] = [
                    B64[group[0] as usize],
                    B64[group[1] as usize],
                    B64[group[2] as usize],
                    B64[group[3] as usize],
                ];
                // INVALID has the high bits set, and no value does.
                if (a | b | c | d) & 0xc0 != 0 {
                    break;
                }
                let n = (u32::from(a) << 18) | (u32::from(b) << 12) | (u32::from(c) << 6) | u32::from(d);
                out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
                i += 4;
            }
            if i == body.len() {
                break;
            }
        }
        let ch = body[i];
        let v = B64[ch as usize];
        if v != INVALID {
            acc = (acc << 6) | u32::from(v);
            count += 1;
            if count == 4 {
                out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
                acc = 0;
                count = 0;
            }
        } else {
            match ch {
                b'=' => {
                    match count {
                        1 => out.push((acc << 2) as u8),
                        2 => out.push((acc >> 4) as u8),
                        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
                        _ => {}
                    }
                    acc = 0;
                    count = 0;
                }
                b'\n' | b'\r' | b' ' | b'\t' => {}
                _ => return None,
            }
        }
        i += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mail_parser::parsers::MessageStream;
    use proptest::prelude::*;

    /// mail-parser's decoding of `body` followed by a delimiter (or by nothing).
    fn reference(body: &[u8], delimited: bool, qp: bool) -> Option<Vec<u8>> {
        let mut input = body.to_vec();
        let boundary: &[u8] = if delimited { b"b0undary" } else { b"" };
        if delimited {
            input.extend_from_slice(b"--b0undary--\r\n");
        }
        let mut stream = MessageStream::new(&input);
        let (end, bytes) = if qp {
            stream.decode_quoted_printable_mime(boundary)
        } else {
            stream.decode_base64_mime(boundary)
        };
        (end != usize::MAX).then(|| bytes.into_owned())
    }

    fn same_as_mail_parser(body: &[u8], qp: bool) {
        for delimited in [true, false] {
            let ours = if qp { quoted_printable(body, delimited) } else { base64(body) };
            if !qp {
                // Each way of decoding base64 agrees with mail-parser, and the strict one with
                // the base64 crate.
                let joined: Vec<u8> = body.iter().copied().filter(|&b| b != b'\r' && b != b'\n').collect();
                let mut canonical = Some(Vec::new());
                if append_canonical(&joined, canonical.as_mut().unwrap()).is_none() {
                    canonical = None;
                }
                {
                    use base64::Engine;
                    let strict = base64::engine::general_purpose::STANDARD.decode(&joined).ok();
                    assert_eq!(canonical, strict, "{:?}", String::from_utf8_lossy(body));
                }
                if let Some(canonical) = canonical {
                    assert_eq!(
                        Some(canonical),
                        reference(body, delimited, qp),
                        "{:?}",
                        String::from_utf8_lossy(body)
                    );
                }
                if let Some(irregular) = base64_irregular(body) {
                    assert_eq!(
                        Some(irregular),
                        reference(body, delimited, qp),
                        "{:?}",
                        String::from_utf8_lossy(body)
                    );
                }
            }
            if let Some(ours) = ours {
                let theirs = reference(body, delimited, qp);
                assert_eq!(Some(ours), theirs, "{:?} delimited={delimited}", String::from_utf8_lossy(body));
            }
        }
    }

    #[test]
    fn quoted_printable_cases() {
        let cases: &[(&str, Option<&str>)] = &[
            ("caf=C3=A9 =3D ok\r\n", Some("café = ok")),
            ("soft=\r\nbreak\r\n", Some("softbreak")),
            ("trailing   \r\nnext\r\n", Some("trailing\r\nnext")),
            ("kept=20\r\n", Some("kept ")),
            ("=XY and =4G\n", Some("=XY and =4G")),
            ("a= \t\nb\n", Some("ab")),
            ("bad==3D\n", None),
            ("lf only\nthen\r\ncrlf\n", Some("lf only\nthen\r\ncrlf")),
            ("no newline at the end", Some("no newline at the end")),
        ];
        table(cases, true);
    }

    /// Checks each case's decoding (quoted-printable when `qp`, else base64) against its
    /// expected text and against mail-parser.
    fn table(cases: &[(&str, Option<&str>)], qp: bool) {
        for (body, want) in cases {
            let got = if qp { quoted_printable(body.as_bytes(), true) } else { base64(body.as_bytes()) };
            assert_eq!(got.as_deref(), want.map(str::as_bytes), "{body:?}");
            same_as_mail_parser(body.as_bytes(), qp);
        }
    }

    #[test]
    fn base64_cases() {
        let cases: &[(&str, Option<&str>)] = &[
            ("PGEgaHJlZj14Pg==\r\n", Some("<a href=x>")),
            ("PGEg\r\naHJl\r\nZj14Pg==\r\n", Some("<a href=x>")),
            ("w6HD qcOt\tw7PDug==", Some("áéíóú")),
            ("QQ==QkM=", Some("ABC")),
            ("QUJ", Some("")),
            ("QU!J", None),
            ("QU-J", None),
        ];
        table(cases, false);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn quoted_printable_matches_mail_parser(body in proptest::collection::vec(
            prop::sample::select(b"=\r\n \t\x0caZ09-3DFe\xc3\xa9".to_vec()), 0..60)) {
            same_as_mail_parser(&body, true);
        }

        #[test]
        fn encoded_bytes_decode_back(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            use base64::Engine;
            let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
            let lines: Vec<&str> = encoded.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect();
            let body = lines.join("\r\n") + "\r\n";
            prop_assert_eq!(base64(body.as_bytes()), Some(bytes.clone()));
            same_as_mail_parser(body.as_bytes(), false);
        }

        #[test]
        fn regular_base64_matches_mail_parser(
            lines in proptest::collection::vec("[A-Za-z0-9+/]{0,12}", 0..6),
            pad in 0usize..4,
            crlf in any::<bool>(),
        ) {
            let mut body = lines.join(if crlf { "\r\n" } else { "\n" });
            body.push_str(&"=".repeat(pad));
            same_as_mail_parser(body.as_bytes(), false);
        }

        #[test]
        fn base64_matches_mail_parser(body in proptest::collection::vec(
            prop::sample::select(b"QUJDRA+/=\r\n \t-!w6".to_vec()), 0..60)) {
            same_as_mail_parser(&body, false);
        }
    }
}
