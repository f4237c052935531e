//! Extract › HTML: open-pixel cues — 1×1 sizes, hidden images, spacer names.

use super::*;

/// Names of spacer images (and Outlook's attachment proxy), which are tiny but not pixels: one
/// case-insensitive automaton, as this runs for every image.
pub(super) static SPACER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(["spacer", "blank.gif", "transparent.gif", "clear.gif", "attachments.office.net/owa/"])
        .expect("static patterns")
});

/// Size and visibility cues of an open-tracking pixel: 1×1 (attributes or inline style), or
/// hidden without a visible size. Spacer images are not pixels.
pub(super) fn looks_like_pixel(el: &Tag<'_>, src: &str) -> bool {
    if SPACER.is_match(src) {
        return false;
    }
    let mut width = el.get("width").and_then(length);
    let mut height = el.get("height").and_then(length);
    let mut hidden = false;
    if let Some(style) = el.get("style") {
        for decl in style.split(';') {
            let Some((prop, val)) = decl.split_once(':') else { continue };
            let prop = prop.trim();
            let val = val.trim().trim_end_matches("!important").trim();
            let is = |p: &str| prop.eq_ignore_ascii_case(p);
            if is("width") || is("max-width") {
                width = style_length(val).or(width);
            } else if is("height") || is("max-height") {
                height = style_length(val).or(height);
            } else if (is("display") && val.eq_ignore_ascii_case("none"))
                || (is("visibility") && val.eq_ignore_ascii_case("hidden"))
                || (is("opacity") && val.parse::<f32>().is_ok_and(|o| o == 0.0))
            {
                hidden = true;
            }
        }
    }
    let tiny = |v: Option<f32>| v.is_some_and(|v| v <= 1.0);
    match (width, height) {
        (Some(_), Some(_)) => tiny(width) && tiny(height),
        (Some(_), None) => tiny(width),
        (None, Some(_)) => tiny(height),
        (None, None) => hidden,
    }
}

/// A CSS or attribute length in pixels (`1`, `1px`, `0`); `None` for `%`, `auto` and others.
pub(super) fn length(v: &str) -> Option<f32> {
    let v = v.trim();
    let num = v.strip_suffix("px").unwrap_or(v).trim();
    num.parse::<f32>().ok().filter(|n| n.is_finite())
}

/// A CSS length in pixels, `px` in any case.
pub(super) fn style_length(v: &str) -> Option<f32> {
    let b = v.as_bytes();
    let num = match b.len().checked_sub(2) {
        Some(cut) if b[cut..].eq_ignore_ascii_case(b"px") => &v[..cut],
        _ => v,
    };
    length(num)
}
