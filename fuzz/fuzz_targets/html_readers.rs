//! Differential fuzz target: an HTML part read by linkaudit's byte-level tokenizer (with its
//! fallback) and by lol_html alone must give the same links, positions, texts and result.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let [fast, lol] = linkaudit::extract::html_both_ways(&html);
    assert_eq!(fast, lol, "the two HTML readers disagree on {html:?}");
});
