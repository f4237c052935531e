//! The fast MIME reader and mail-parser must read every message the same way: a case table of
//! the shapes the fast reader takes and of those it leaves to mail-parser, every fixture, and a
//! proptest over generated multipart messages (nesting, encodings, line endings, preambles,
//! broken delimiters and bodies). The `mime_readers` cargo-fuzz target runs the same check.

use linkaudit::{input, message, Limits};
use proptest::prelude::*;

/// Reads `raw` both ways; asserts they agree when the fast reader read it, and says whether it did.
fn agree(raw: &[u8]) -> bool {
    let (reference, fast) = message::parse_both_ways(raw, &Limits::default());
    match fast {
        Some(fast) => {
            assert_eq!(format!("{fast:#?}"), format!("{reference:#?}"), "{:?}", String::from_utf8_lossy(raw));
            true
        }
        None => false,
    }
}

const ALTERNATIVE: &str = "From: a@example.com\r\nSubject: s\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n\
preamble\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\
Hello =C3=A9 https://track.example.com/x\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\
Content-Transfer-Encoding: base64\r\n\r\nPGEgaHJlZj0iaHR0cHM6Ly90cmFjay5leGFtcGxlLmNvbS95Ij55PC9hPg==\r\n--b1--\r\nepilogue\r\n";

#[test]
fn the_fast_reader_takes_the_common_shapes_and_leaves_the_rest() {
    let nested_related = "Subject: s\nContent-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: multipart/related; boundary=i\n\n\
--i\nContent-Type: text/html\n\n<a href=\"https://x.example.com/\">x</a>\n--i\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\n\
iVBORw0KGgo=\n--i--\n\n--o\nContent-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0=\n--o--\n";
    let taken: &[(&str, &str)] = &[
        ("multipart/alternative, QP and base64", ALTERNATIVE),
        ("nested related with an image and an attachment", nested_related),
        ("a single 8bit part", "Subject: s\nContent-Type: text/html\n\n<a href=x>x</a>\n"),
        ("a single QP part with an odd escape", "Subject: s\nContent-Transfer-Encoding: quoted-printable\n\n=XY https://x.example.com/=\n\n"),
        ("a base64 part with a stray dash", "Subject: s\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Transfer-Encoding: base64\n\naHR0cHM6Ly94LmV4YW1wbGUuY29tLw=-\n--b--\n"),
    ];
    for (what, raw) in taken {
        assert!(agree(raw.as_bytes()), "{what}: left to mail-parser");
    }
    let left: &[(&str, &str)] = &[
        ("a nested message", "Subject: s\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\nSubject: in\n\nhttps://x.example.com/\n--b--\n"),
        ("no close delimiter", "Subject: s\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhttps://x.example.com/\n"),
        ("a boundary that never comes", "Subject: s\nContent-Type: multipart/mixed; boundary=b\n\nhttps://x.example.com/\n"),
        ("broken base64", "Subject: s\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\nPGEgaHJlZj14Pm9uZTwvYT4K!!junk\n"),
        ("a digest", "Subject: s\nContent-Type: multipart/digest; boundary=b\n\n--b\n\nSubject: in\n\nx\n--b--\n"),
        ("headers only", "Subject: s\n"),
        ("text after a delimiter", "Subject: s\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nx\n--bb\n\ny\n--b--\n"),
    ];
    for (what, raw) in left {
        assert!(!agree(raw.as_bytes()), "{what}: read by the fast reader");
    }
}

#[test]
fn every_fixture_reads_the_same_both_ways() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut stack = vec![root];
    let (mut fast, mut all) = (0, 0);
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let data = std::fs::read(&path).unwrap();
            let Ok(messages) = input::split(&data) else { continue };
            for m in &messages {
                all += 1;
                fast += usize::from(agree(&m.bytes));
            }
        }
    }
    assert!(fast * 2 > all, "the fast reader took only {fast} of {all} fixture messages");
}

/// One generated part: its content type, transfer encoding and body, or a nested multipart.
#[derive(Debug, Clone)]
enum Gen {
    Leaf { ctype: &'static str, cte: &'static str, body: Vec<u8> },
    Multi { subtype: &'static str, parts: Vec<Gen>, close: bool },
}

fn leaf() -> impl Strategy<Value = Gen> {
    let ctype = prop::sample::select(vec![
        "",
        "text/plain; charset=utf-8",
        "text/html; charset=\"iso-8859-1\"",
        "text/HTML",
        "text/x-amp-html",
        "text/csv",
        "image/png",
        "application/octet-stream; name=a.bin",
        "application/html",
        "message/delivery-status",
    ]);
    let cte = prop::sample::select(vec!["", "7bit", "quoted-printable", "base64", "BASE64", "x-uuencode"]);
    let body = prop::collection::vec(prop::sample::select(b"aZ09+/=-\r\n \t.:<>\"h\xc3\xa9".to_vec()), 0..80);
    (ctype, cte, body).prop_map(|(ctype, cte, body)| Gen::Leaf { ctype, cte, body })
}

fn tree() -> impl Strategy<Value = Gen> {
    leaf().prop_recursive(3, 12, 4, |inner| {
        (
            prop::sample::select(vec!["mixed", "alternative", "related"]),
            prop::collection::vec(inner, 1..4),
            prop::bool::weighted(0.9),
        )
            .prop_map(|(subtype, parts, close)| Gen::Multi { subtype, parts, close })
    })
}

fn render(g: &Gen, nl: &[u8], depth: usize, out: &mut Vec<u8>) {
    match g {
        Gen::Leaf { ctype, cte, body } => {
            if !ctype.is_empty() {
                out.extend_from_slice(format!("Content-Type: {ctype}").as_bytes());
                out.extend_from_slice(nl);
            }
            if !cte.is_empty() {
                out.extend_from_slice(format!("Content-Transfer-Encoding: {cte}").as_bytes());
                out.extend_from_slice(nl);
            }
            out.extend_from_slice(nl);
            out.extend_from_slice(body);
            out.extend_from_slice(nl);
        }
        Gen::Multi { subtype, parts, close } => {
            let b = format!("=_b{depth}");
            out.extend_from_slice(format!("Content-Type: multipart/{subtype}; boundary=\"{b}\"").as_bytes());
            out.extend_from_slice(nl);
            out.extend_from_slice(nl);
            out.extend_from_slice(b"preamble");
            out.extend_from_slice(nl);
            for p in parts {
                out.extend_from_slice(format!("--{b}").as_bytes());
                out.extend_from_slice(nl);
                render(p, nl, depth + 1, out);
            }
            if *close {
                out.extend_from_slice(format!("--{b}--").as_bytes());
                out.extend_from_slice(nl);
            }
        }
    }
}

#[test]
fn generated_messages_read_the_same_both_ways() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(3000));
    let fast = std::cell::Cell::new(0usize);
    runner
        .run(&(tree(), any::<bool>()), |(g, crlf)| {
            let nl: &[u8] = if crlf { b"\r\n" } else { b"\n" };
            let mut raw = b"From: a@example.com".to_vec();
            raw.extend_from_slice(nl);
            render(&g, nl, 0, &mut raw);
            fast.set(fast.get() + usize::from(agree(&raw)));
            Ok(())
        })
        .unwrap();
    // The property says nothing if the fast reader gave up on everything.
    assert!(fast.get() > 600, "the fast reader took only {} of 3000 generated messages", fast.get());
}
