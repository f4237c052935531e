//! Differential fuzz target: a URL the fast path of `unwrap::web` reads must give the same host,
//! `/path?query`, scheme and raw path and query as the url crate's WHATWG parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Most inputs should look like web URLs, or the fast path never runs.
    let text = String::from_utf8_lossy(data);
    for url in [text.to_string(), format!("https://{text}"), format!("http://a.example/{text}")] {
        if let Some([fast, slow]) = linkaudit::unwrap::url_both_ways(&url) {
            assert_eq!(fast, slow, "the URL fast path and the url crate disagree on {url:?}");
        }
    }
});
