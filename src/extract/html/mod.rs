//! Extract: links in HTML and AMP parts, with source offsets.
//!
//! Two readers feed one set of handlers. The fast one is [`markup`], a byte-level tokenizer for
//! the markup mail is made of; when a document holds what it does not model (scripts, SVG or
//! MathML, markup cut off mid-tag) it gives up and lol_html reads the document instead, with the
//! same handlers and the same stack of open elements, so the links never depend on the reader
//! (`both_readers_agree_*` and a proptest check that).
//!
//! One handler sees every start tag and picks the URL-bearing attributes by (element,
//! attribute): `a`/`area`/`link` href, `img` src (with pixel cues), srcset, `background`, `style`
//! url(), VML `href`/`src`, form actions, media, meta refresh, `<base href>`. `<style>` text goes
//! to the CSS scanner. Outlook conditional comments (`<!--[if mso]> … <![endif]-->`) are parsed
//! again as fragments — every HTML parser misses their VML buttons otherwise — and so is the text
//! of `<noscript>`, which a mail client (no scripts) draws as markup. Attribute values arrive raw,
//! so entities are decoded here.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;
use std::sync::{Arc, LazyLock};

use aho_corasick::AhoCorasick;

use lol_html::{doc_comments, element, text, HtmlRewriter, Settings};
use url::Url;

use super::markup::{self, Attr, Raw};
use super::span::Cursor;
use super::{clean_url, css, srcset, Kind, RawLink};
use crate::message::{Part, PartKind};
use crate::text::entities;

mod element;
mod fast;
mod lol;
mod pixel;

use element::{on_element, push, Tag};
use fast::Fast;
use lol::scan_lol;

/// Longest anchor text kept, in characters.
const MAX_TEXT: usize = 200;
/// Conditional comments are re-parsed at most this deep.
const MAX_FRAGMENT_DEPTH: u8 = 2;

struct Found {
    offset: usize,
    url: String,
    kind: Kind,
    element: Cow<'static, str>,
    attribute: &'static str,
    mso: bool,
    pixel: bool,
    text: Option<String>,
}

#[derive(Default)]
struct State {
    found: Vec<Found>,
    /// Most links kept (the audit's links limit, less those found before this part).
    cap: usize,
    base: Option<Url>,
    style_start: Option<usize>,
    style: String,
    /// Index in `found` of the anchor whose text is being collected.
    anchor: Option<usize>,
}

/// Context of one scan: where the scanned text sits in the part, and what it is.
#[derive(Clone, Copy)]
struct Scope {
    offset: usize,
    mso: bool,
    amp: bool,
}

/// Appends the links of an HTML or AMP part to `out`, in document order; at most `cap` of them
/// are kept (the rest of the part is still read, for its `<base>` and its errors).
pub(super) fn extract(
    part: &Part,
    section: &Arc<str>,
    out: &mut Vec<RawLink>,
    cap: usize,
) -> Result<(), String> {
    extract_with(part, section, out, true, cap)
}

/// The links of `html` read by the fast tokenizer (falling back as usual) and by lol_html alone,
/// with each reader's result: the differential fuzz target holds them equal.
pub(crate) fn both_ways(html: &str) -> [(Vec<RawLink>, Result<(), String>); 2] {
    let part = Part {
        path: "1".into(),
        content_type: "text/html".into(),
        charset: None,
        kind: PartKind::Html,
        attachment: false,
        body_line: None,
        identity: true,
        transfer: Default::default(),
        body: None,
        text: html.into(),
    };
    let section: Arc<str> = part.path.as_str().into();
    [true, false].map(|fast| {
        let mut out = Vec::new();
        let result = extract_with(&part, &section, &mut out, fast, usize::MAX);
        (out, result)
    })
}

/// [`extract`], with the fast tokenizer ([`markup`]) tried first or not at all.
fn extract_with(
    part: &Part,
    section: &Arc<str>,
    out: &mut Vec<RawLink>,
    fast: bool,
    cap: usize,
) -> Result<(), String> {
    let scope = Scope { offset: 0, mso: false, amp: part.kind == PartKind::Amp };
    // Sized for a link every 256 bytes (newsletters have more), at most 65,536: growing a
    // vector of 300 links from empty copied it eight times.
    let guess = (part.text.len() / 256).min(1 << 16).min(cap);
    let state = RefCell::new(State { found: Vec::with_capacity(guess), cap, ..State::default() });
    let result = scan(&part.text, scope, &state, 0, fast);
    let State { mut found, base, .. } = state.into_inner();
    found.sort_by_key(|f| f.offset);
    out.reserve(found.len());
    let mut cursor = Cursor::new(&part.text);
    for f in found {
        let (line, column) = cursor.position(f.offset);
        out.push(RawLink {
            url: resolve(f.url, base.as_ref()),
            kind: f.kind,
            part: section.clone(),
            line,
            column,
            element: Some(f.element),
            attribute: Some(Cow::Borrowed(f.attribute)),
            mso: f.mso,
            pixel_hint: f.pixel,
            text: f.text.map(collapse_text),
            source_line: super::source_line(part, line),
        });
    }
    result
}

/// Markup to scan again: (offset, text, inside an Outlook-only comment).
type Fragments = Vec<(usize, String, bool)>;

fn scan(html: &str, scope: Scope, state: &RefCell<State>, depth: u8, fast: bool) -> Result<(), String> {
    let mut fragments = Fragments::new();
    let read_fast = fast && {
        let mut st = state.borrow_mut();
        let (links_before, had_base) = (st.found.len(), st.base.is_some());
        st.anchor = None;
        let mut sink = Fast {
            html,
            scope,
            st: &mut st,
            open: Vec::new(),
            open_names: None,
            anchors: 0,
            fragments: &mut fragments,
        };
        let done = markup::tokenize(html, &mut sink).is_ok();
        if !done {
            // Markup the tokenizer does not model: forget what it saw, lol_html reads it all.
            st.found.truncate(links_before);
            if !had_base {
                st.base = None;
            }
            fragments.clear();
        }
        done
    };
    let result = if read_fast { Ok(()) } else { scan_lol(html, scope, state, &mut fragments) };
    if depth < MAX_FRAGMENT_DEPTH {
        for (at, fragment, mso) in fragments {
            let inner = Scope { offset: at, mso, amp: scope.amp };
            scan(&fragment, inner, state, depth + 1, fast)?;
        }
    }
    result
}

/// Longest anchor text collected, in bytes, before it is collapsed to [`MAX_TEXT`] characters.
const MAX_RAW_TEXT: usize = MAX_TEXT * 16;

/// Appends text inside an anchor to the anchor being collected. The cut depends only on the
/// text, never on how a reader splits it into chunks.
fn anchor_text(st: &mut State, chunk: &str) {
    let Some(text) = st.anchor.and_then(|i| st.found.get_mut(i)).and_then(|f| f.text.as_mut()) else {
        return;
    };
    if text.len() < MAX_RAW_TEXT {
        text.push_str(chunk);
        if text.len() > MAX_RAW_TEXT {
            let cut = text.floor_char_boundary(MAX_RAW_TEXT);
            text.truncate(cut);
        }
    }
}

/// The links of a `<style>` element's text, which starts at `start`.
fn style_links(st: &mut State, scope: Scope, start: usize, css_text: &str) {
    for (at, url) in css::urls(css_text) {
        push(st, scope, start + at, &url, Kind::Css, "style", "css", false);
    }
}

/// The body of a downlevel-hidden conditional comment (`[if mso]> … <![endif]`) and its offset
/// in the comment text.
pub(crate) fn conditional_body(comment: &str) -> Option<(usize, &str)> {
    let lead = comment.len() - comment.trim_start().len();
    if !comment[lead..].starts_with("[if") {
        return None;
    }
    let open = comment.find("]>")? + 2;
    let close = comment.rfind("<![endif]").filter(|&c| c >= open).unwrap_or(comment.len());
    let body = &comment[open..close];
    (!body.trim().is_empty()).then_some((open, body))
}

/// Resolves a relative URL against `<base href>`; absolute URLs are returned unchanged.
fn resolve(url: String, base: Option<&Url>) -> String {
    let Some(base) = base else { return url };
    if has_scheme(&url) {
        return url;
    }
    base.join(&url).map(|u| u.to_string()).unwrap_or(url)
}

pub(crate) fn has_scheme(url: &str) -> bool {
    let Some(colon) = url.find(':') else { return false };
    let scheme = &url[..colon];
    scheme.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        && !url[colon + 1..].starts_with(|c: char| c.is_ascii_digit())
}

/// Anchor text with entities decoded and whitespace collapsed, at most [`MAX_TEXT`] characters.
/// Text that needs no more than a trim (most anchor text: "\n  Shop now\n") is trimmed in
/// place, without a copy.
fn collapse_text(raw: String) -> String {
    let mut out = match entities::decode(&raw) {
        Cow::Borrowed(text) => match collapsed_range(text) {
            Some(range) => trimmed(raw, range),
            None => collapse(text),
        },
        Cow::Owned(text) => match collapsed_range(&text) {
            Some(range) => trimmed(text, range),
            None => collapse(&text),
        },
    };
    if let Some((cut, _)) = out.char_indices().nth(MAX_TEXT) {
        out.truncate(cut);
    }
    out
}

/// The words of `text` joined by single spaces, cut once [`MAX_TEXT`] characters are reached.
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_TEXT * 4));
    let mut chars = 0;
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += word.chars().count();
        if chars >= MAX_TEXT {
            break;
        }
    }
    out
}

/// Where `text` is already collapsed once trimmed: ASCII whose only inner white space is single
/// spaces between words.
fn collapsed_range(text: &str) -> Option<Range<usize>> {
    // ASCII white space as `split_whitespace` reads it (vertical tab included).
    let space = |c: &u8| c.is_ascii_whitespace() || *c == 0x0b;
    let b = text.as_bytes();
    let start = b.iter().position(|c| !space(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !space(c)).map_or(start, |i| i + 1);
    let inner = &b[start..end];
    let plain = inner.iter().all(|&c| c.is_ascii() && (c == b' ' || !space(&c)))
        && !inner.windows(2).any(|w| w == b"  ");
    plain.then_some(start..end)
}

/// `text` cut to `range`, in place.
fn trimmed(mut text: String, range: Range<usize>) -> String {
    text.truncate(range.end);
    text.replace_range(..range.start, "");
    text
}

#[cfg(test)]
mod tests {
    use super::element::{url_attribute, URL_ATTRIBUTES};
    use super::*;

    /// The plain reading of [`collapse_text`]: decode, split on white space, join, cut.
    fn collapse_reference(raw: &str) -> String {
        let joined = entities::decode(raw).split_whitespace().collect::<Vec<_>>().join(" ");
        joined.chars().take(MAX_TEXT).collect()
    }

    proptest::proptest! {
        #[test]
        fn collapsing_keeps_to_its_plain_reading(raw in "([a-z]{1,8}|[ \t\n\r\x0b\x0c]{1,3}|&amp;|&nbsp;|é|\u{a0}|\u{2003}){0,80}") {
            proptest::prop_assert_eq!(collapse_text(raw.clone()), collapse_reference(&raw));
        }
    }

    /// The links of `html`, after checking that both readers give them alike.
    fn links(html: &str) -> Vec<RawLink> {
        let [(fast, fast_result), (lol, lol_result)] = both_ways(html);
        assert_eq!(fast, lol, "the two readers disagree on {html:?}");
        assert_eq!(fast_result, lol_result);
        fast_result.unwrap();
        fast
    }

    /// Markup where the fast tokenizer and lol_html could part ways: attribute syntax, comments,
    /// raw text, stray brackets, unclosed and misnested anchors, and what the fast path gives up on.
    #[test]
    fn both_readers_agree_on_edge_cases() {
        let cases = [
            r#"<a href=x/y/>t</a><a/href=u>v"#,
            r#"<a href="https://x.example/1"title=t>a<b>b</a>c</b>"#,
            r#"<div><a href="https://x.example/2">in<div>deep</div>out</div>after</a>"#,
            r#"<a href="https://x.example/3">one<a href="https://x.example/4">two</a>three</a>four"#,
            r#"<A HREF="https://x.example/5">x</A ><V:ROUNDRECT href="https://x.example/6"><a href=https://x.example/7>y</V:roundrect>z"#,
            r#"<a href="https://x.example/8"><style>.a{background:url(https://x.example/9)}</style>s<title>t<a href=q></title></a>"#,
            r#"<a href="https://x.example/10"><!-- c --><!--[if mso]><v:rect href="https://x.example/11"/><![endif]-->x</a>"#,
            "<!--[if mso]>\n<v:roundrect href=\"https://x.example/12\">\n<![endif]--><!-- a --->b<!-- c --!>d<!---->e<!-->f<!--->g",
            r#"<!--[if mso]><!-- x --><v:rect href="https://x.example/13"><![endif]-->"#,
            r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd"><html><a href="https://x.example/14">x</a>"#,
            r#"<![if !mso]><a href="https://x.example/15">x</a><![endif]><?xml version="1.0"?></><//x></ 1>"#,
            r#"a < b <a href="https://x.example/16">c < d</a> e <1 f"#,
            r#"<noscript><img src="https://x.example/17" width=1 height=1><a href="https://x.example/18">n</a></noscript>"#,
            r#"<a href="https://x.example/19">x<noscript><a href="https://x.example/20">n</a></noscript>y</a>"#,
            r#"<img src=https://x.example/21 width="1" height="1" WIDTH="600"><img src='https://x.example/22' style="display:none">"#,
            r#"<meta http-equiv="Refresh" content="0;url='https://x.example/23'"><base href="https://x.example/b/"><a href=rel>r</a>"#,
            r#"<a href="https://x.example/24" href="https://x.example/25" HREF=https://x.example/26>d</a>"#,
            r#"<td background="https://x.example/27" style="background:URL(https://x.example/28)"><a href= "https://x.example/29" >s</a>"#,
            r#"<a href="https://x.example/30">&amp; &#x41; &nbsp;x</a><a href="https://x.example/31&amp;b=1">e</a>"#,
            r#"<textarea><a href="https://x.example/32"></textarea><xmp><a href=x></xmp ><iframe src="https://x.example/33"></iframe>"#,
            r#"<style>a{}</stylex></style ><a href="https://x.example/34">x</a>"#,
            r#"<script>var a="<a href='https://x.example/35'>";</script><a href="https://x.example/36">x</a>"#,
            r#"<svg><a href="https://x.example/37"><image href="https://x.example/38"/></a></svg><math><a href=https://x.example/39>m</a></math>"#,
            r#"<a href="https://x.example/40"><plaintext><a href="https://x.example/41">"#,
            r#"<a href="https://x.example/42">unterminated"#,
            r#"<a href="https://x.example/43">x</a><a href="https://x.example/44"#,
            r#"<a href="https://x.example/45">x</a><!-- open"#,
            r#"<a href="https://x.example/45">x<!DOCTYPE"#,
            r#"<a href="https://x.example/45">x<![if"#,
            r#"<a href="https://x.example/45">x<!"#,
            r#"<a href="https://x.example/45">x<?"#,
            r#"<a href="https://x.example/45">x</"#,
            r#"<a href="https://x.example/45">x</ "#,
            r#"<a href="https://x.example/45">x<"#,
            r#"<!--[if mso]><v:rect href="https://x.example/45b">"#,
            r#"<style a=>x</style><a href="https://x.example/46">y</a>"#,
            r#"<p><a href="https://x.example/47">x</p>y</a>z"#,
            r#"<a href="https://x.example/48">été — <b>ü</b> 🎉</a>"#,
            r#"<a href="https://x.example/49"><img src="https://x.example/50"><br>text</a>"#,
            r#"<form action="https://x.example/51"><input type=image src="https://x.example/52"><button formaction="https://x.example/53">b</button></form>"#,
            r#"<amp-img src="https://x.example/54"></amp-img><object data="https://x.example/55"></object><video poster="https://x.example/56"><source src="https://x.example/57"></video>"#,
            r#"<img srcset="https://x.example/58 1x, https://x.example/59 2x" src="https://x.example/60">"#,
            r#"<a href="https://x.example/61">x</a	>y<a href="https://x.example/62">z</a/>w"#,
            r#"<div style="background:url(https://x.example/63)" data-x='>' ><a href="https://x.example/64">'</a>"#,
            "<a href=\"https://x.example/65\"\r\ntitle=\"t\">\r\nline\r\n</a>\r\n<img\tsrc=\"https://x.example/66\"\x0cwidth=1 height=1>",
            r#"<noscript>no markup here</noscript><a href="https://x.example/67">x</a>"#,
            r#"<noembed><a href="https://x.example/68"></noembed><noframes><a href="https://x.example/69"></noframes>"#,
            r#"<a href="https://x.example/70"><title>in title</title></a><title>x</title>"#,
            r#"<area href="https://x.example/71"><link rel=stylesheet href="https://x.example/72"><v:fill src="https://x.example/73"/>"#,
            // A U+FEFF where lol_html's BOM sniffing would drop it (found by the fuzzer).
            "<!--\u{feff}[if]><a href=u>-->",
            "<!--\u{feff}[if mso]><a href=\"https://x.example/74\">x</a><![endif]-->",
            "<a \u{feff}href=\"https://x.example/75\">x</a><a href=\"\u{feff}https://x.example/76\">y</a>",
            "<img srcset=\"\u{feff}https://x.example/77 1x\" style=\"\u{feff}background:url(https://x.example/78)\">",
            "<script>x</script><a href=\"\u{feff}https://x.example/79\" \u{feff}src=y>z</a><!--\u{feff}[if mso]><v:rect href=\"https://x.example/80\"/><![endif]-->",
        ];
        for html in cases {
            links(html);
        }
        // Past the depth where open elements are counted by name.
        let deep = format!(
            "<a href=\"https://x.example/d1\">{}</i></B>t<a href=\"https://x.example/d2\">u{}v</a>w{}</DIV>x</a>y",
            "<div><b>".repeat(50),
            "</div>".repeat(30),
            "<span><A>".repeat(40)
        );
        links(&deep);
        links(&format!(
            "{}<a href=\"https://x.example/d3\">in</p>{}out</a>",
            "<p>".repeat(200),
            "</P>".repeat(150)
        ));
        // Long anchor text is cut the same way whatever the chunks.
        let long = format!("<a href=\"https://x.example/long\">{}</a>", "word <b>é</b>\n   ".repeat(400));
        assert_eq!(links(&long)[0].text.as_deref().map(|t| t.chars().count()), Some(MAX_TEXT));
    }

    #[test]
    fn stray_end_tags_under_deep_nesting_stay_linear() {
        // 100,000 open elements, then 100,000 end tags of a name never opened: each must be
        // turned away without a scan of the stack (a scan each would be 10^10 steps).
        let html = format!(
            "<a href=\"https://x.example/deep\">{}{}</a>after",
            "<div>".repeat(100_000),
            "</span>".repeat(100_000)
        );
        let [(found, _), _] = both_ways(&html);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text.as_deref(), Some(""));
    }

    mod agree {
        use super::links;
        use proptest::prelude::*;

        /// Pieces of mail markup, good and broken, for the fast and the lol_html reader to agree on.
        fn piece() -> impl Strategy<Value = String> {
            let url = prop_oneof![
                Just("https://x.example/p".to_string()),
                Just("http://t.example/c?u=1&amp;v=2".to_string()),
                Just("mailto:a@x.example".to_string()),
                Just("rel/path".to_string()),
                Just("".to_string()),
            ];
            let attr = prop_oneof![
                url.clone().prop_map(|u| format!(" href=\"{u}\"")),
                url.clone().prop_map(|u| format!(" src='{u}'")),
                url.clone().prop_map(|u| format!(" HREF={u}")),
                url.clone().prop_map(|u| format!(" style=\"background:url({u})\"")),
                url.clone().prop_map(|u| format!(" background = \"{u}\"")),
                url.clone().prop_map(|u| format!(" srcset=\"{u} 1x, {u}2 2x\"")),
                Just(" width=1 height=\"1\"".to_string()),
                Just(" alt=\">\"".to_string()),
                Just(" disabled".to_string()),
                Just("/".to_string()),
                Just(" x=".to_string()),
                Just(" =y".to_string()),
                Just("\"q".to_string()),
            ];
            let name = prop_oneof![
                Just("a"),
                Just("A"),
                Just("img"),
                Just("div"),
                Just("td"),
                Just("p"),
                Just("b"),
                Just("v:roundrect"),
                Just("V:Fill"),
                Just("br"),
                Just("style"),
                Just("title"),
                Just("noscript"),
                Just("textarea"),
                Just("meta"),
                Just("base"),
                Just("form"),
                Just("script"),
                Just("svg"),
                Just("area"),
                Just("x-y"),
            ];
            prop_oneof![
                (name.clone(), prop::collection::vec(attr, 0..4), any::<bool>())
                    .prop_map(|(n, a, sc)| { format!("<{n}{}{}>", a.concat(), if sc { "/" } else { "" }) }),
                name.prop_map(|n| format!("</{n}>")),
                Just("text ".to_string()),
                Just("&amp;é ".to_string()),
                Just("\r\n  ".to_string()),
                Just("<".to_string()),
                Just(" < ".to_string()),
                Just(">".to_string()),
                Just("</".to_string()),
                Just("</>".to_string()),
                Just("<!--".to_string()),
                Just("-->".to_string()),
                Just("--!>".to_string()),
                Just("-".to_string()),
                Just("<!-- c -->".to_string()),
                Just("<!--[if mso]>".to_string()),
                Just("<![endif]-->".to_string()),
                Just("<![if !mso]>".to_string()),
                Just("<!DOCTYPE html>".to_string()),
                Just("<?x?>".to_string()),
                Just("\"".to_string()),
                Just("'".to_string()),
                Just("=".to_string()),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]
            #[test]
            fn on_generated_markup(pieces in prop::collection::vec(piece(), 0..40)) {
                links(&pieces.concat());
            }
        }
    }

    /// linkify's annotation idiom: the input with every found URL wrapped in `|…|`.
    fn annotate(html: &str) -> String {
        let found = links(html);
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for l in &found {
            if let Some(at) = html.find(&l.url) {
                if !spans.iter().any(|&(s, _)| s == at) {
                    spans.push((at, at + l.url.len()));
                }
            }
        }
        spans.sort();
        let mut out = String::new();
        let mut last = 0;
        for (s, e) in spans {
            out.push_str(&html[last..s]);
            out.push('|');
            out.push_str(&html[s..e]);
            out.push('|');
            last = e;
        }
        out.push_str(&html[last..]);
        out
    }

    #[test]
    fn url_attributes_are_found_in_any_case_and_only_them() {
        for (i, name) in URL_ATTRIBUTES.iter().enumerate() {
            assert_eq!(url_attribute(name), Some((1 << i, *name)));
            assert_eq!(url_attribute(&name.to_ascii_uppercase()), Some((1 << i, *name)));
        }
        for other in ["", "h", "hre", "hrefs", "class", "width", "alt", "sty1e", "contents", "srcsex"] {
            assert_eq!(url_attribute(other), None, "{other}");
        }
    }

    #[test]
    fn pixel_cues_in_any_case() {
        let html = r#"<img src="https://x.example/a" style="WIDTH:1PX;Height:1px !important">
<img src="https://x.example/b" style="Display:NONE"><img src="https://x.example/c" style="opacity:0.0">
<img src="https://x.example/SPACER.gif" width="1" height="1"><img src="https://x.example/d" width="1PX" height="1">"#;
        let hints: Vec<bool> = links(html).iter().map(|l| l.pixel_hint).collect();
        assert_eq!(hints, [true, true, true, false, true]);
    }

    #[test]
    fn css_escapes_hide_no_link() {
        let html = r#"<div style="background:u\72l(https://x.example/a.png)"></div><style>.b{background:\75rl('https://x\2e example/b.png')}</style>"#;
        let got: Vec<(String, &str)> = links(html).into_iter().map(|l| (l.url, l.kind.as_str())).collect();
        assert_eq!(
            got,
            [("https://x.example/a.png".to_string(), "css"), ("https://x.example/b.png".to_string(), "css")]
        );
    }

    #[test]
    fn svg_image_href_is_an_image() {
        let found = links(r#"<svg><image href="https://x.example/i.png" width="10" height="10"/></svg>"#);
        assert_eq!(found.iter().map(|l| l.kind).collect::<Vec<_>>(), [Kind::Image]);
    }

    #[test]
    fn noscript_content_is_markup_for_a_mail_client() {
        let html = "<p>a</p><noscript><img src=\"https://x.example/ns.gif\" width=\"1\" height=\"1\">\n<a href=\"https://x.example/ns\">n</a></noscript>";
        let found = links(html);
        let urls: Vec<&str> = found.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(urls, ["https://x.example/ns.gif", "https://x.example/ns"]);
        let img = &found[0];
        assert_eq!((img.kind, img.pixel_hint, img.mso), (Kind::Image, true, false));
        // Positions point into the part, as for any other link.
        assert_eq!((found[1].line, found[1].column), (2, 10));
    }

    #[test]
    fn attribute_quoting_variants() {
        let html = r#"<A HREF="https://x.example/a">a</A><a href=https://x.example/b?x=1>b</a><a href='https://x.example/c'>c</a>"#;
        assert_eq!(
            annotate(html),
            r#"<A HREF="|https://x.example/a|">a</A><a href=|https://x.example/b?x=1|>b</a><a href='|https://x.example/c|'>c</a>"#
        );
    }

    #[test]
    fn upper_case_markup_and_prefiltered_attributes() {
        let html = r#"<TABLE><TR><TD STYLE="color:red" Background="https://x.example/td.png">
<DIV Style="BACKGROUND:URL(https://x.example/upper.png)"></DIV>
<div style="background:u&#114;l(https://x.example/entity.png)"></div>
<P CONTENT="https://x.example/not-meta" DATA="https://x.example/not-object"></P>
<A HREF="https://x.example/a">shop</A><IMG SRC="https://x.example/i.png"></TD></TR></TABLE>"#;
        let got: Vec<(String, &str)> = links(html).into_iter().map(|l| (l.url, l.kind.as_str())).collect();
        let want = [
            ("https://x.example/td.png", "background"),
            ("https://x.example/upper.png", "css"),
            ("https://x.example/entity.png", "css"),
            ("https://x.example/a", "anchor"),
            ("https://x.example/i.png", "image"),
        ];
        let want: Vec<(String, &str)> = want.iter().map(|(u, k)| (u.to_string(), *k)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn kinds_by_element() {
        let html = r#"<html><head><link rel=stylesheet href="https://x.example/s.css">
<style>.a{background:url(https://x.example/bg.png)}</style></head>
<body background="https://x.example/body.png"><img src="https://x.example/i.png" srcset="https://x.example/i1.png 1x, https://x.example/i2.png 2x">
<img src="https://x.example/open.gif" width="1" height="1">
<div style="background-image:url('https://x.example/div.png')"></div>
<map><area href="https://x.example/area"></map>
<form action="https://x.example/form"></form>
<meta http-equiv="refresh" content="0; url=https://x.example/refresh">
<video poster="https://x.example/poster.jpg"><source src="https://x.example/v.mp4"></video>
</body></html>"#;
        let got: Vec<(String, &str)> = links(html).into_iter().map(|l| (l.url, l.kind.as_str())).collect();
        let want = [
            ("https://x.example/s.css", "link"),
            ("https://x.example/bg.png", "css"),
            ("https://x.example/body.png", "background"),
            ("https://x.example/i.png", "image"),
            ("https://x.example/i1.png", "srcset"),
            ("https://x.example/i2.png", "srcset"),
            ("https://x.example/open.gif", "image"),
            ("https://x.example/div.png", "css"),
            ("https://x.example/area", "area"),
            ("https://x.example/form", "form"),
            ("https://x.example/refresh", "refresh"),
            ("https://x.example/poster.jpg", "media"),
            ("https://x.example/v.mp4", "media"),
        ];
        let want: Vec<(String, &str)> = want.iter().map(|(u, k)| (u.to_string(), *k)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn pixel_cues() {
        let html = r#"<img src="https://x.example/a" width="1" height="1">
<img src="https://x.example/b" style="display:none; width:1px; height:1px">
<img src="https://x.example/c" width="600" height="1">
<img src="https://x.example/spacer.gif" width="1" height="1">
<img src="https://x.example/d" style="display:none">
<img src="https://x.example/e" style="display:none;width:300px">"#;
        let hints: Vec<bool> = links(html).iter().map(|l| l.pixel_hint).collect();
        assert_eq!(hints, [true, true, false, false, true, false]);
    }

    #[test]
    fn vml_inside_mso_comments_is_found_with_its_position() {
        let html = "<div>\n<!--[if mso]>\n<v:roundrect href=\"https://x.example/mso\"><v:fill src=\"https://x.example/fill.png\"/></v:roundrect>\n<![endif]-->\n<!--[if !mso]><!-- --><a href=\"https://x.example/html\">b</a><!--<![endif]-->\n<!-- https://x.example/plain-comment -->\n</div>";
        let found = links(html);
        let got: Vec<(&str, &str, bool, u32)> =
            found.iter().map(|l| (l.url.as_str(), l.kind.as_str(), l.mso, l.line)).collect();
        assert_eq!(
            got,
            [
                ("https://x.example/mso", "vml", true, 3),
                ("https://x.example/fill.png", "vml", true, 3),
                ("https://x.example/html", "anchor", false, 5),
            ]
        );
        let mso = &found[0];
        assert_eq!(mso.column, 20);
    }

    #[test]
    fn entities_and_base_href() {
        let html = r#"<base href="https://x.example/news/2024/"><a href="article.html">a</a>
<a href="https:&#x2F;&#x2F;x.example&#x2F;ent?a=1&amp;b=2&#38;c=3">e</a><a href="/abs">x</a>"#;
        let got: Vec<String> = links(html).into_iter().map(|l| l.url).collect();
        assert_eq!(
            got,
            [
                "https://x.example/news/2024/article.html",
                "https://x.example/ent?a=1&b=2&c=3",
                "https://x.example/abs"
            ]
        );
    }

    #[test]
    fn anchor_text_is_collected() {
        let found =
            links(r#"<a href="https://x.example/a"> Visit <b>https://shop.example</b>&amp; more </a>"#);
        assert_eq!(found[0].text.as_deref(), Some("Visit https://shop.example& more"));
    }

    #[test]
    fn duplicate_attributes_keep_the_first() {
        let got: Vec<String> = links(r#"<a href="https://x.example/1" href="https://x.example/2">x</a>"#)
            .into_iter()
            .map(|l| l.url)
            .collect();
        assert_eq!(got, ["https://x.example/1"]);
    }

    #[test]
    fn scripts_textareas_and_plain_comments_are_not_links() {
        let html = r##"<script>var u="https://x.example/js";</script><textarea>https://x.example/ta</textarea><!-- <a href="https://x.example/c"> --><img src="cid:logo@x"><a href="#top">t</a>"##;
        assert!(links(html).is_empty());
    }
}
