//! Fuzz target: the Outlook `.msg` reader (cfb's compound file parsing, linkaudit's MAPI property
//! reader, LZFu decompressor, RTF de-encapsulator and MIME rebuild) over arbitrary bytes behind
//! the compound file signature, then the audit of what it rebuilt. Seed with `fixtures/msg/`.
//! Nothing may panic; the rebuilt message must be the same twice and parse as one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkaudit::input::msg;
use linkaudit::{Limits, Options};

fuzz_target!(|data: &[u8]| {
    let mut bytes = data.to_vec();
    if !msg::is_compound(&bytes) {
        let mut with = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        with.extend_from_slice(data);
        bytes = with;
    }
    let limits = Limits::default();
    let first = msg::read(&bytes, &limits);
    let second = msg::read(&bytes, &limits);
    match (&first, &second) {
        (Ok(a), Ok(b)) => assert_eq!(a.bytes, b.bytes, "the .msg reader is not deterministic"),
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("the .msg reader is not deterministic"),
    }
    if first.is_ok() {
        let reports = linkaudit::audit_all("fuzz.msg", &bytes, &Options::expecting(["track.example.com"]));
        assert!(reports.is_ok(), "a readable .msg gave no report");
    }
});
