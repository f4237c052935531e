//! Unwrap: Postmark click tracking — `/<ver>/<pct URL without scheme>/<4ch>/<6ch>/AQ/<uuid>/…`
//! on `click.pstmrk.it` / `track.pstmrk.it` or a custom tracking domain. Segment 2 is
//! percent-decoded once and given `https://` when the version has an `s`, else `http://`.
//! Postmark-in-Postmark links decode one layer at a time.

use super::{Step, Target};
use crate::text::codec::pct;

pub(super) fn decode(t: &Target<'_>) -> Option<Step> {
    // Every URL of every host comes here: turn away the ones without a version at a glance.
    if !matches!(t.path.as_bytes(), [b'/', b'2' | b'3', ..]) {
        return None;
    }
    let mut segs = t.path.strip_prefix('/')?.split('/');
    let ver = segs.next()?;
    let inner = segs.next()?;
    let shaped = is_version(ver);
    let on_postmark = t.host_is("pstmrk.it");
    // On a custom domain, require the message-id shape (`…/AQ/<uuid>/`) too.
    let custom_shape = || {
        let rest: Vec<&str> = segs.clone().collect();
        rest.len() >= 4 && rest[2] == "AQ" && rest[3].len() == 36 && rest[3].matches('-').count() == 4
    };
    if !shaped || inner.is_empty() || !(on_postmark || custom_shape()) {
        return None;
    }
    let decoded = pct(inner);
    let scheme = if ver.contains('s') { "https" } else { "http" };
    Some(Step::Next(format!("{scheme}://{decoded}")))
}

/// `2`, `2m`, `2s`, `2sm`, `2ts`, `3`, `3s`, `3ts`, … : a digit then letters from `tsm`.
fn is_version(v: &str) -> bool {
    let mut chars = v.chars();
    matches!(chars.next(), Some('2' | '3')) && v.len() <= 4 && chars.all(|c| matches!(c, 't' | 's' | 'm'))
}

#[cfg(test)]
mod tests {
    use crate::unwrap::unwrap;
    use rstest::rstest;

    #[rstest]
    #[case(
        "https://click.pstmrk.it/3s/logowik.com%2Fcontent%2Fuploads%2Fimages%2Fcake.jpg/W1sC/5vuxAQ/AQ/c8118413-013f-4d96-92a0-c2f7ec862185/1/ZYQx-vGWST",
        &["https://logowik.com/content/uploads/images/cake.jpg"]
    )]
    #[case(
        "https://click.pstmrk.it/3s/click.pstmrk.it%2F3s%2Flaunch.example.com%252Feat%2F3TIB%2F9fqxAQ%2FAQ%2F3430b440-0597-4494-b7aa-7a43b47d0e2c%2F1%2FDv2CPzNwLu/W1sC/5vuxAQ/AQ/c8118413-013f-4d96-92a0-c2f7ec862185/2/g68QWazK-5",
        &["https://click.pstmrk.it/3s/launch.example.com%2Feat/3TIB/9fqxAQ/AQ/3430b440-0597-4494-b7aa-7a43b47d0e2c/1/Dv2CPzNwLu", "https://launch.example.com/eat"]
    )]
    #[case(
        "https://track.pstmrk.it/2/t.co%2FV3JuX0Xnn8/3TIB/WyLBAQ/AQ/8ddc4452-eb7e-43d3-b111-222233334444/1/x",
        &["http://t.co/V3JuX0Xnn8"]
    )]
    #[case(
        "https://links.example.com/3s/shop.example.com%2Fa/W1sC/5vuxAQ/AQ/c8118413-013f-4d96-92a0-c2f7ec862185/1/x",
        &["https://shop.example.com/a"]
    )]
    fn decodes(#[case] wrapped: &str, #[case] want: &[&str]) {
        let got: Vec<String> = unwrap(wrapped, 8).hops.into_iter().map(|h| h.url).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn a_plain_path_on_another_host_is_not_postmark() {
        assert!(unwrap("https://shop.example.com/3/items/7", 8).hops.is_empty());
    }
}
