//! Robustness properties, run by every `cargo test`: arbitrary bytes, bytes mapped into an
//! RFC 822-ish alphabet (which reaches deeper parser states, as mail-parser's fuzzing does) and
//! mutated fixtures never panic, and auditing the same bytes twice gives the same report.
//! The cargo-fuzz target in `fuzz/` runs the same checks for as long as one likes.

use std::sync::LazyLock;

use linkaudit::report::{json, Report};
use linkaudit::Options;
use proptest::prelude::*;

const ALPHABET: &[u8] = b"0123456789abcdefghijklm:=-; <>\"/.@%&?#\r\n\t";

static FIXTURES: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for family in ["quickstart", "rules", "extract", "wrappers", "input"] {
        for e in std::fs::read_dir(root.join(family)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "eml" || x == "mbox" || x == "txt") {
                out.push(std::fs::read(p).unwrap());
            }
        }
    }
    out
});

/// Audits twice and renders every format: panics are failures, differences too.
fn check(bytes: &[u8]) {
    let opts = Options::expecting(["track.example.com"]);
    let a = linkaudit::audit_all("p", bytes, &opts);
    let b = linkaudit::audit_all("p", bytes, &opts);
    match (a, b) {
        (Ok(a), Ok(b)) => {
            let (ra, rb) = (Report::new(a, Vec::new()), Report::new(b, Vec::new()));
            assert_eq!(json::render(&ra), json::render(&rb));
            let _ = linkaudit::report::text::render(&ra, true);
            let _ = linkaudit::report::junit::render(&ra, None);
            let _ = linkaudit::report::sarif::render(&ra);
            let _ = linkaudit::report::markdown::render(&ra);
            let _ = linkaudit::report::github::render(&ra);
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("not deterministic"),
    }
    let _ = linkaudit::audit(bytes, &opts);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        check(&bytes);
    }

    #[test]
    fn rfc822_alphabet(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let mapped: Vec<u8> = bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()]).collect();
        check(&mapped);
        let mut with_headers = b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n--a\r\n".to_vec();
        with_headers.extend_from_slice(&mapped);
        check(&with_headers);
    }

    #[test]
    fn mutated_fixtures(pick in any::<prop::sample::Index>(), edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..4), 1..24)) {
        let mut bytes = FIXTURES[pick.index(FIXTURES.len())].clone();
        for (at, byte, op) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = at.index(bytes.len());
            match op {
                0 => bytes[i] = byte,
                1 => { bytes.insert(i, byte); }
                2 => { bytes.remove(i); }
                _ => bytes.truncate(i),
            }
        }
        check(&bytes);
    }
}

/// Inputs the fuzzers found (`fixtures/malformed/`), kept as regression tests: HTML on which the
/// two HTML readers must agree, and messages that must audit without a panic, twice alike.
#[test]
fn fuzzer_finds_stay_fixed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/malformed");
    let mut seen = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let bytes = std::fs::read(&p).unwrap();
        if p.extension().is_some_and(|x| x == "html") {
            let html = String::from_utf8_lossy(&bytes);
            let [fast, lol] = linkaudit::extract::html_both_ways(&html);
            assert_eq!(fast, lol, "{}: the HTML readers disagree", p.display());
        }
        let opts = Options::expecting(["track.example.com"]);
        let a =
            linkaudit::audit_all("fuzz", &bytes, &opts).map(|r| json::render(&Report::new(r, Vec::new())));
        let b =
            linkaudit::audit_all("fuzz", &bytes, &opts).map(|r| json::render(&Report::new(r, Vec::new())));
        assert_eq!(a.ok(), b.ok(), "{}", p.display());
        seen += 1;
    }
    assert!(seen >= 1);
}

/// The Outlook `.msg` samples: a compound file is binary, so its mutations are byte edits.
static MSGS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/msg");
    ["hfig-sample.msg", "marirs-attachment.msg"]
        .iter()
        .map(|n| std::fs::read(root.join(n)).unwrap())
        .collect()
});

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Mutated and truncated `.msg` files: no panic, and the same report twice.
    #[test]
    fn mutated_msg_files(
        pick in any::<prop::sample::Index>(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..32),
        cut in proptest::option::of(any::<prop::sample::Index>()),
    ) {
        let mut bytes = pick.get(&MSGS).clone();
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        if let Some(c) = cut {
            bytes.truncate(c.index(bytes.len()).max(8));
        }
        check(&bytes);
    }
}
