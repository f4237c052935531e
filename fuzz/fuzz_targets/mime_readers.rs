//! Differential fuzz target: a message read by linkaudit's fast MIME reader, when it takes it,
//! and by mail-parser alone must give the same parts, texts, headers and problems.
#![no_main]

use libfuzzer_sys::fuzz_target;
use linkaudit::{message, Limits};

fuzz_target!(|data: &[u8]| {
    let (reference, fast) = message::parse_both_ways(data, &Limits::default());
    if let Some(fast) = fast {
        assert_eq!(
            format!("{fast:#?}"),
            format!("{reference:#?}"),
            "the two MIME readers disagree on {:?}",
            String::from_utf8_lossy(data)
        );
    }
});
