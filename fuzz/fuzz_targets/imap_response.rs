//! Fuzz target: the IMAP response parser of `linkaudit watch imaps://…` (binary-only code,
//! compiled here from its file, which uses only `std`) on whatever a server might send. It must
//! never panic, never take more bytes than it was given, and take a response only when whole.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../src/cli/imap/response.rs"]
#[allow(dead_code)]
mod response;

fuzz_target!(|data: &[u8]| {
    let limits = response::Limits { max_line: 4096, max_literal: 1 << 16 };
    let mut rest = data;
    // Every response in the input, one after another, as the client reads them.
    while let Ok(Some((_, used))) = response::parse(rest, &limits) {
        assert!(used > 0 && used <= rest.len(), "took {used} of {} bytes", rest.len());
        // A prefix of a complete response is never taken as a response of its own length.
        if let Ok(Some((_, n))) = response::parse(&rest[..used - 1], &limits) {
            assert!(n < used);
        }
        rest = &rest[used..];
    }
    let _ = response::code_number(std::str::from_utf8(data).ok(), "UIDVALIDITY");
});
