//! Message: where a decoded part's line and column are in the message file — for annotations
//! (GitHub, SARIF) and `path:LINE:COL` output that editors and CI problem matchers open.
//!
//! An unencoded part maps one to one. A quoted-printable part maps line by line: the body is
//! walked once, soft line breaks (`=` at a line's end) joining source lines into one decoded line
//! and `=XX` escapes counting as the one character they decode to, so a URL cut by a soft break
//! is placed on the source line where it starts. A base64 part has no such map (its lines are
//! not the text's): its links are placed on the part's first body line, without a column.

use super::Part;

/// How a part's body is written in the message file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Transfer {
    /// 7bit, 8bit, binary, or no Content-Transfer-Encoding: decoded lines are source lines.
    #[default]
    Identity,
    /// quoted-printable.
    QuotedPrintable,
    /// base64, or an encoding linkaudit does not map.
    Opaque,
}

/// The message-file line and column (both 1-based) of each decoded `(line, column)` of `part`,
/// in the order given; `raw` is the message the part was parsed from. `None` where the position
/// is not known; a column of `None` where only the line is.
pub fn positions(raw: &[u8], part: &Part, at: &[(u32, u32)]) -> Vec<Option<(u32, Option<u32>)>> {
    let Some(body_line) = part.body_line else { return vec![None; at.len()] };
    match part.transfer {
        Transfer::Identity => {
            at.iter().map(|&(l, c)| Some((body_line + l.saturating_sub(1), Some(c)))).collect()
        }
        Transfer::Opaque => vec![Some((body_line, None)); at.len()],
        Transfer::QuotedPrintable => {
            let body = part.body.as_ref().and_then(|r| raw.get(r.clone())).unwrap_or_default();
            let utf8 = part.charset.as_deref().is_none_or(|c| {
                let c = c.trim_matches(|c| c == '"' || c == '\'');
                c.eq_ignore_ascii_case("utf-8") || c.eq_ignore_ascii_case("utf8")
            });
            quoted_printable(body, body_line, utf8, at)
                .into_iter()
                .map(|p| Some(p.map_or((body_line, None), |(l, c)| (l, Some(c)))))
                .collect()
        }
    }
}

/// Walks a quoted-printable body: the source (line, column) of each decoded (line, column).
/// Columns count characters (UTF-8 sequences as one when `utf8`, else bytes).
fn quoted_printable(body: &[u8], body_line: u32, utf8: bool, at: &[(u32, u32)]) -> Vec<Option<(u32, u32)>> {
    let mut order: Vec<usize> = (0..at.len()).collect();
    order.sort_by_key(|&i| at[i]);
    let mut out = vec![None; at.len()];
    let mut next = 0; // into `order`
    let (mut line, mut column) = (1u32, 1u32); // the next decoded character's position
    for (n, raw_line) in body.split(|&b| b == b'\n').enumerate() {
        if next == order.len() {
            break;
        }
        let source_line = body_line.saturating_add(n as u32);
        let raw_line = raw_line.strip_suffix(b"\r").unwrap_or(raw_line);
        let trimmed = raw_line.trim_ascii_end();
        let (content, soft) = match trimmed.strip_suffix(b"=") {
            Some(c) => (c, true),
            None => (trimmed, false),
        };
        // A line before the next wanted one only moves the line count (the column starts again
        // at the next hard break), unless it encodes a line break itself.
        let before = order.get(next).is_some_and(|&i| at[i].0 > line);
        if before && !encodes_line_break(content) {
            if !soft {
                line += 1;
                column = 1;
            }
            continue;
        }
        let mut i = 0;
        while i < content.len() {
            // A run up to the next escape: plain ASCII is one column per byte, else byte by byte.
            let run_end = memchr::memchr(b'=', &content[i..]).map_or(content.len(), |k| i + k);
            let run = &content[i..run_end];
            if run.is_ascii() && memchr::memchr(b'\r', run).is_none() {
                let end_column = column + run.len() as u32;
                while let Some(&k) = order.get(next) {
                    let (l, c) = at[k];
                    if (l, c) >= (line, end_column) {
                        break;
                    }
                    out[k] = Some((source_line, i as u32 + 1 + c.saturating_sub(column)));
                    next += 1;
                }
                column = end_column;
            } else {
                for (k, &b) in run.iter().enumerate() {
                    step(
                        b,
                        (source_line, (i + k) as u32 + 1),
                        &mut line,
                        &mut column,
                        utf8,
                        &mut next,
                        &order,
                        at,
                        &mut out,
                    );
                }
            }
            i = run_end;
            if i < content.len() {
                // `=XX`, or a `=` that escapes nothing and stays.
                let start = i;
                let escaped = hex(content.get(i + 1)).zip(hex(content.get(i + 2)));
                i += if escaped.is_some() { 3 } else { 1 };
                let b = escaped.map_or(b'=', |(h, l)| h << 4 | l);
                step(
                    b,
                    (source_line, start as u32 + 1),
                    &mut line,
                    &mut column,
                    utf8,
                    &mut next,
                    &order,
                    at,
                    &mut out,
                );
            }
        }
        if !soft {
            // Positions past the end of the line stay on it.
            settle(
                &mut next,
                &order,
                at,
                &mut out,
                (line, u32::MAX),
                (source_line, content.len() as u32 + 1),
            );
            line += 1;
            column = 1;
        }
    }
    out
}

/// One decoded byte at `source`: a line break, part of a character, or a character.
#[allow(clippy::too_many_arguments)]
fn step(
    b: u8,
    source: (u32, u32),
    line: &mut u32,
    column: &mut u32,
    utf8: bool,
    next: &mut usize,
    order: &[usize],
    at: &[(u32, u32)],
    out: &mut [Option<(u32, u32)>],
) {
    match b {
        b'\n' => {
            settle(next, order, at, out, (*line, u32::MAX), source);
            *line += 1;
            *column = 1;
        }
        b'\r' => {}
        b if utf8 && b & 0xC0 == 0x80 => {} // inside a character
        _ => {
            settle(next, order, at, out, (*line, *column), source);
            *column += 1;
        }
    }
}

/// `=0A` (or `=0a`) in a line: a decoded line break that is not a source one.
fn encodes_line_break(content: &[u8]) -> bool {
    memchr::memchr_iter(b'=', content)
        .any(|i| content.get(i + 1) == Some(&b'0') && matches!(content.get(i + 2), Some(b'A' | b'a')))
}

/// Gives `source` to every wanted position up to `upto`, in order.
fn settle(
    next: &mut usize,
    order: &[usize],
    at: &[(u32, u32)],
    out: &mut [Option<(u32, u32)>],
    upto: (u32, u32),
    source: (u32, u32),
) {
    while let Some(&i) = order.get(*next) {
        if at[i] > upto {
            break;
        }
        out[i] = Some(source);
        *next += 1;
    }
}

fn hex(b: Option<&u8>) -> Option<u8> {
    match b? {
        b @ b'0'..=b'9' => Some(b - b'0'),
        b @ b'A'..=b'F' => Some(b - b'A' + 10),
        b @ b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::quoted_printable;
    use rstest::rstest;

    // The quickstart's text part: URLs cut by soft breaks, `=3D` escapes before them.
    const BODY: &str = "The spring sale is on\n=3D=3D=3D\n\nShop the sale: https://u1.example.net/ls/click?upn=3Du001.VGV4dC1=\nwYXJ0LXNob3A\n\nBoots:   https://u1.example.net/b=\nw-2FbOoT\n";

    #[rstest]
    #[case((1, 1), (10, 1))]
    #[case((2, 2), (11, 4))] // after one escape: the second `=3D`
    #[case((4, 16), (13, 16))]
    #[case((6, 10), (16, 10))]
    #[case((6, 34), (17, 1))] // the continuation: "w-2F…" after the soft break
    fn quoted_printable_positions(#[case] at: (u32, u32), #[case] want: (u32, u32)) {
        let got = quoted_printable(BODY.as_bytes(), 10, true, &[at]);
        assert_eq!(got, [Some(want)], "{at:?}");
    }

    #[test]
    fn a_position_after_a_soft_break_is_on_the_next_source_line() {
        // Decoded line 1 is "abcdef"; "d" (column 4) starts the second source line.
        let got = quoted_printable(b"abc=\ndef\n", 1, true, &[(1, 4), (1, 3)]);
        assert_eq!(got, [Some((2, 1)), Some((1, 3))]);
    }

    #[test]
    fn a_long_line_is_walked_once() {
        // Megabytes of one source line, ASCII and not, escapes far apart: linear, not quadratic.
        let mut body = "é".repeat(1 << 20).into_bytes();
        body.extend_from_slice(b"=3D");
        body.extend(std::iter::repeat_n(b'a', 1 << 21));
        let got = quoted_printable(&body, 1, true, &[(1, (1 << 20) + 2), (1, (1 << 20) + 3)]);
        assert_eq!(got, [Some((1, (2 << 20) + 4)), Some((1, (2 << 20) + 5))]);
    }

    #[test]
    fn utf8_sequences_and_encoded_line_breaks_count_as_decoded() {
        // "é" is one column; "=0A" ends decoded line 1 inside source line 1.
        let got = quoted_printable(b"=C3=A9x=0Ay\n", 1, true, &[(1, 2), (2, 1)]);
        assert_eq!(got, [Some((1, 7)), Some((1, 11))]);
        let latin1 = quoted_printable(b"=E9x\n", 1, false, &[(1, 2)]);
        assert_eq!(latin1, [Some((1, 4))]);
    }
}
