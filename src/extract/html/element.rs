//! Extract › HTML: the start-tag handler — which attributes of which elements carry URLs, and the
//! link records it makes of them.

use super::pixel::looks_like_pixel;
use super::*;

/// The URL-bearing attribute names, as the match in [`on_element`] spells them.
pub(super) const URL_ATTRIBUTES: [&str; 13] = [
    "href",
    "src",
    "lowsrc",
    "dynsrc",
    "srcset",
    "background",
    "poster",
    "data",
    "action",
    "action-xhr",
    "formaction",
    "style",
    "content",
];

/// The canonical name of attribute `name` if it may carry a URL, with a bit of its own (for the
/// set of names already seen on an element). Runs for every attribute of every element, so the
/// length and first letter pick the one candidate to compare.
pub(super) fn url_attribute(name: &str) -> Option<(u16, &'static str)> {
    let first = name.as_bytes().first()?.to_ascii_lowercase();
    let i = URL_ATTRIBUTES.iter().position(|a| a.len() == name.len() && a.as_bytes()[0] == first)?;
    let candidate = URL_ATTRIBUTES[i];
    candidate.eq_ignore_ascii_case(name).then_some((1 << i, candidate))
}

/// A start tag, as either reader gives it.
pub(super) struct Tag<'a> {
    /// Offset of its `<` in the scanned text.
    pub(super) at: usize,
    /// Lower case.
    pub(super) name: &'a str,
    pub(super) attrs: &'a [Attr<'a>],
}

impl Tag<'_> {
    /// The raw value of the first attribute called `name` (ASCII case-insensitive).
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|a| a.name.eq_ignore_ascii_case(name)).map(|a| a.value)
    }
}

/// Whether attribute `name` of `tag` can hold a URL at all, judged before its value is copied:
/// most `style` attributes of a mail have no `url(`, and `data`/`action`/`content` count only
/// on their own elements. `raw` is the undecoded value.
pub(super) fn worth_reading(name: &str, tag: &str, raw: &str) -> bool {
    match name {
        // Exactly what the CSS scanner looks for (`url(`, `@import`), or an entity or a CSS
        // escape hiding it.
        "style" => {
            let b = raw.as_bytes();
            memchr::memchr3(b'&', b'@', b'\\', b).is_some()
                || memchr::memchr_iter(b'(', b).any(|i| i >= 3 && b[i - 3..i].eq_ignore_ascii_case(b"url"))
        }
        "data" => tag == "object",
        "action" | "action-xhr" => tag == "form",
        "content" => tag == "meta",
        _ => true,
    }
}

pub(super) fn on_element(el: &Tag<'_>, scope: Scope, st: &mut State) {
    let tag = el.name;
    if el.attrs.is_empty() {
        if tag == "a" {
            st.anchor = None;
        }
        return;
    }
    let el_offset = scope.offset + el.at;
    let vml = tag.starts_with("v:") || tag.starts_with("o:");
    if tag == "a" {
        st.anchor = None;
    }
    let mut seen = 0u16;
    for attr in el.attrs {
        let Some((bit, name)) = url_attribute(attr.name) else { continue };
        if seen & bit != 0 {
            continue; // a repeated attribute: HTML keeps the first
        }
        if !worth_reading(name, tag, attr.value) {
            seen |= bit;
            continue;
        }
        let raw = attr.value;
        let at = attr.value_at.map_or(el_offset, |v| scope.offset + v);
        let value = entities::decode(raw);
        // Offsets inside the value are exact only when decoding changed nothing.
        let exact = value.len() == raw.len();
        let inner = |i: usize| if exact { at + i } else { at };
        let tag_s: &str = tag;
        match name {
            "href" => {
                let kind = match tag_s {
                    "a" => Kind::Anchor,
                    "area" => Kind::Area,
                    "link" => Kind::Link,
                    // SVG's <image href> loads a picture; browsers draw it in HTML mail too.
                    "image" => Kind::Image,
                    "base" => {
                        if st.base.is_none() {
                            st.base = Url::parse(value.trim()).ok();
                        }
                        seen |= bit;
                        continue;
                    }
                    _ if vml => Kind::Vml,
                    _ => Kind::Anchor,
                };
                let anchor = push(st, scope, at, &value, kind, tag_s, "href", false);
                if tag_s == "a" {
                    st.anchor = anchor;
                    if let Some(i) = anchor {
                        st.found[i].text = Some(String::new());
                    }
                }
            }
            "src" | "lowsrc" | "dynsrc" => {
                let Some((kind, pixel)) = src_kind(el, tag_s, vml, &value) else {
                    seen |= bit;
                    continue;
                };
                push(st, scope, at, &value, kind, tag_s, name, pixel);
            }
            "srcset" => {
                for (i, url) in srcset::candidates(&value) {
                    push(st, scope, inner(i), url, Kind::Srcset, tag_s, "srcset", false);
                }
            }
            "background" => {
                push(st, scope, at, &value, Kind::Background, tag_s, "background", false);
            }
            "poster" => {
                push(st, scope, at, &value, Kind::Media, tag_s, "poster", false);
            }
            "data" if tag_s == "object" => {
                push(st, scope, at, &value, Kind::Media, tag_s, "data", false);
            }
            "action" | "action-xhr" if tag_s == "form" => {
                push(st, scope, at, &value, Kind::Form, tag_s, name, false);
            }
            "formaction" => {
                push(st, scope, at, &value, Kind::Form, tag_s, "formaction", false);
            }
            "style" => {
                for (i, url) in css::urls(&value) {
                    push(st, scope, inner(i), &url, Kind::Css, tag_s, "style", false);
                }
            }
            "content" if tag_s == "meta" => {
                let refresh = el.get("http-equiv").is_some_and(|v| v.trim().eq_ignore_ascii_case("refresh"));
                if let Some((i, url)) = refresh.then(|| refresh_url(&value)).flatten() {
                    push(st, scope, inner(i), url, Kind::Refresh, tag_s, "content", false);
                }
            }
            _ => {}
        }
        seen |= bit;
    }
}

/// Records one link; returns its index in `found`.
#[allow(clippy::too_many_arguments)]
pub(super) fn push(
    st: &mut State,
    scope: Scope,
    offset: usize,
    value: &str,
    kind: Kind,
    element: &str,
    attribute: &'static str,
    pixel: bool,
) -> Option<usize> {
    if st.found.len() >= st.cap {
        return None; // past the links limit: the audit reports it
    }
    let url = clean_url(value)?;
    if scope.amp && (url.contains("{{") || url.contains("[[")) {
        return None; // an amp-mustache placeholder, filled in by the AMP runtime
    }
    let kind = if scope.amp { Kind::Amp } else { kind };
    st.found.push(Found {
        offset,
        url,
        kind,
        element: element_name(element),
        attribute,
        mso: scope.mso,
        pixel,
        text: None,
    });
    Some(st.found.len() - 1)
}

/// The element's name, without an allocation for the elements that carry links.
pub(super) fn element_name(name: &str) -> Cow<'static, str> {
    const COMMON: &[&str] = &[
        "a",
        "img",
        "td",
        "table",
        "th",
        "tr",
        "div",
        "body",
        "span",
        "p",
        "link",
        "area",
        "source",
        "image",
        "input",
        "form",
        "meta",
        "video",
        "audio",
        "iframe",
        "v:roundrect",
        "v:rect",
        "v:fill",
        "v:image",
        "v:imagedata",
        "amp-img",
        "center",
        "section",
        "button",
    ];
    match COMMON.iter().find(|c| **c == name) {
        Some(c) => Cow::Borrowed(c),
        None => Cow::Owned(name.to_string()),
    }
}

/// Kind of a `src`-like attribute, and whether the HTML marks the image as an invisible pixel.
/// `None` for elements where `src` loads nothing (`<textarea src>` in broken markup).
pub(super) fn src_kind(el: &Tag<'_>, tag: &str, vml: bool, src: &str) -> Option<(Kind, bool)> {
    Some(match tag {
        "img" | "image" | "amp-img" | "amp-anim" => (Kind::Image, looks_like_pixel(el, src)),
        "amp-pixel" => (Kind::Image, true),
        "input" => (Kind::Image, false),
        "script" | "amp-script" => (Kind::Script, false),
        "iframe" | "frame" | "amp-iframe" => (Kind::Frame, false),
        "video" | "audio" | "source" | "track" | "embed" | "amp-video" | "amp-audio" => (Kind::Media, false),
        _ if vml => (Kind::Vml, false),
        _ if tag.starts_with("amp-") => (Kind::Link, false),
        _ => return None,
    })
}

/// The URL of a meta refresh `content` (`0; url=https://…`), with its offset.
pub(super) fn refresh_url(content: &str) -> Option<(usize, &str)> {
    let lower = content.to_ascii_lowercase();
    let at = lower.find("url")?;
    let rest = &content[at + 3..];
    let eq = rest.find('=')?;
    if !rest[..eq].trim().is_empty() {
        return None;
    }
    let value = &rest[eq + 1..];
    let lead = value.len() - value.trim_start().len();
    let trimmed = value.trim().trim_matches(|c| c == '\'' || c == '"');
    let quote = usize::from(value.trim_start().starts_with(['\'', '"']));
    Some((at + 3 + eq + 1 + lead + quote, trimmed))
}
