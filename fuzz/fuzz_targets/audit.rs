//! Fuzz target: the full audit over arbitrary bytes, and over the same bytes mapped into an
//! RFC 822-ish alphabet (mail-parser's trick, which reaches deeper parser states). Every report
//! must also render in every format, and the audit must be deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkaudit::report::{json, json_lines, junit, markdown, sarif, text, Report};
use linkaudit::Options;

const ALPHABET: &[u8] = b"0123456789abcdefghijklm:=-; <>\"/.@%&?#\r\n\t";

fn run(bytes: &[u8]) {
    let opts = Options::expecting(["track.example.com"]);
    let first = linkaudit::audit_all("fuzz", bytes, &opts);
    let second = linkaudit::audit_all("fuzz", bytes, &opts);
    match (first, second) {
        (Ok(a), Ok(b)) => {
            let ra = Report::new(a, Vec::new());
            let rb = Report::new(b, Vec::new());
            let ja = json::render(&ra);
            assert_eq!(ja, json::render(&rb), "the audit is not deterministic");
            let _ = text::render(&ra, true);
            let _ = json_lines::render(&ra);
            let _ = junit::render(&ra, None);
            let _ = sarif::render(&ra);
            let _ = markdown::render(&ra);
        }
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("the audit is not deterministic"),
    }
}

fuzz_target!(|data: &[u8]| {
    run(data);
    let mapped: Vec<u8> = data.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()]).collect();
    run(&mapped);
});
