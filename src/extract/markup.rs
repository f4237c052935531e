//! Extract: a byte-level tokenizer for the markup mail is made of, the fast path of [`super::html`].
//!
//! lol_html is a streaming rewriter: it simulates the tree builder, matches selectors and keeps
//! the output byte-exact, which costs more than everything else the extractor does with an HTML
//! part. A mail's HTML needs far less: start tags with their attributes, end tags (to know when an
//! anchor's text ends), the text between them, comments (Outlook's conditional ones), and the
//! raw-text elements (`<style>`, `<noscript>`, `<title>`, …) skipped as text. This tokenizer reads
//! exactly that, with the HTML tokenizer's rules — the same rules lol_html follows — and gives up
//! ([`Bail`]) on everything it does not model: script data, foreign content (`<svg>`, `<math>`),
//! `<plaintext>`, NUL bytes, input that ends inside markup, and lol_html's own quirks. The caller
//! then reads the document with lol_html instead, so the result never depends on which path ran
//! (a differential test and a proptest in [`super::html`] hold both paths to the same output).

use std::ops::Range;

use memchr::{memchr, memmem};

/// Why the fast path gave up on a document; the caller falls back to lol_html.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bail(pub &'static str);

/// One attribute of a start tag, borrowed from the document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attr<'h> {
    /// The name as written (any case).
    pub name: &'h str,
    /// The raw value (entities not decoded); empty when the attribute has none.
    pub value: &'h str,
    /// Offset of the value in the document; `None` for an attribute written without one.
    pub value_at: Option<usize>,
}

/// Raw-text content, by the element it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Raw {
    Style,
    Noscript,
    /// `<title>`, `<textarea>`, `<iframe>`, `<xmp>`, `<noembed>`, `<noframes>`.
    Other,
}

/// What the tokenizer reports, in document order.
pub(crate) trait Sink<'h> {
    /// A start tag at byte `at` (its `<`); `name` as written.
    fn start_tag(&mut self, at: usize, name: &'h str, attrs: &[Attr<'h>]);
    /// An end tag; `name` as written.
    fn end_tag(&mut self, name: &'h str);
    /// Text between markup, or the whole content of a raw-text element.
    fn text(&mut self, range: Range<usize>, raw: Option<Raw>);
    /// A `<!-- … -->` comment starting at byte `at`, with the range of its text.
    fn comment(&mut self, at: usize, text: Range<usize>);
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0C')
}

/// How the text after a start tag is read (the tree builder's feedback to the tokenizer).
enum After {
    Data,
    Raw(Raw),
}

fn after(name: &str) -> Result<After, Bail> {
    if !(3..=9).contains(&name.len()) {
        return Ok(After::Data);
    }
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    Ok(if is("style") {
        After::Raw(Raw::Style)
    } else if is("noscript") {
        After::Raw(Raw::Noscript)
    } else if ["title", "textarea", "iframe", "xmp", "noembed", "noframes"].iter().any(|n| is(n)) {
        After::Raw(Raw::Other)
    } else if is("script") {
        return Err(Bail("script data"));
    } else if is("svg") || is("math") {
        return Err(Bail("foreign content"));
    } else if is("plaintext") {
        return Err(Bail("plaintext"));
    } else {
        After::Data
    })
}

/// A parsed tag: where it ends (after `>`), its name, and whether the tokenizer goes on in the
/// data state whatever the element (lol_html's reading of `<x a=>`).
struct TagEnd<'h> {
    end: usize,
    name: &'h str,
    forced_data: bool,
}

/// Reads the tag whose name starts at `start` (just after `<` or `</`); attributes go to `attrs`.
fn tag<'h>(html: &'h str, start: usize, attrs: &mut Vec<Attr<'h>>) -> Result<TagEnd<'h>, Bail> {
    const EOF: Bail = Bail("end of input inside a tag");
    let b = html.as_bytes();
    let len = b.len();
    let mut i = start;
    while i < len && !is_space(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    let name = &html[start..i];
    loop {
        // Before an attribute name.
        while i < len && is_space(b[i]) {
            i += 1;
        }
        match b.get(i) {
            None => return Err(EOF),
            Some(b'>') => return Ok(TagEnd { end: i + 1, name, forced_data: false }),
            Some(b'/') => {
                // Self-closing flag: `>` ends the tag, anything else is read as an attribute.
                match b.get(i + 1) {
                    None => return Err(EOF),
                    Some(b'>') => return Ok(TagEnd { end: i + 2, name, forced_data: false }),
                    Some(_) => i += 1,
                }
                continue;
            }
            Some(_) => {}
        }
        // An attribute name: its first character may be anything, `=` included.
        let name_start = i;
        i += 1;
        while i < len && !is_space(b[i]) && !matches!(b[i], b'=' | b'/' | b'>') {
            i += 1;
        }
        let attr_name = &html[name_start..i];
        while i < len && is_space(b[i]) {
            i += 1;
        }
        if i >= len {
            return Err(EOF);
        }
        if b[i] != b'=' {
            attrs.push(Attr { name: attr_name, value: "", value_at: None });
            continue;
        }
        i += 1;
        while i < len && is_space(b[i]) {
            i += 1;
        }
        match b.get(i) {
            None => return Err(EOF),
            Some(&q @ (b'"' | b'\'')) => {
                let from = i + 1;
                let close = memchr(q, &b[from..]).ok_or(EOF)? + from;
                attrs.push(Attr { name: attr_name, value: &html[from..close], value_at: Some(from) });
                i = close + 1;
            }
            Some(b'>') => {
                attrs.push(Attr { name: attr_name, value: "", value_at: None });
                return Ok(TagEnd { end: i + 1, name, forced_data: true });
            }
            Some(_) => {
                let from = i;
                while i < len && !is_space(b[i]) && b[i] != b'>' {
                    i += 1;
                }
                if i >= len {
                    return Err(EOF);
                }
                attrs.push(Attr { name: attr_name, value: &html[from..i], value_at: Some(from) });
            }
        }
    }
}

/// Where a doctype or bogus comment opened before `from` ends: after the first `>`, or at the
/// end of the input (it then swallows the rest, as a comment, never as text).
fn declaration_end(b: &[u8], from: usize) -> usize {
    memchr(b'>', b.get(from..).unwrap_or_default()).map_or(b.len(), |i| from + i + 1)
}

/// Where the `<!--` comment whose text starts at `from` ends: (end of its text, after its `>`).
fn comment_end(b: &[u8], from: usize) -> Result<(usize, usize), Bail> {
    let rest = &b[from..];
    if rest.first() == Some(&b'>') {
        return Ok((from, from + 1)); // `<!-->`
    }
    if rest.starts_with(b"->") {
        return Ok((from, from + 2)); // `<!--->`
    }
    let mut at = 0;
    while let Some(i) = memmem::find(&rest[at..], b"--") {
        let dashes = at + i;
        match rest.get(dashes + 2) {
            Some(b'>') => return Ok((from + dashes, from + dashes + 3)),
            Some(b'!') if rest.get(dashes + 3) == Some(&b'>') => {
                return Ok((from + dashes, from + dashes + 4));
            }
            Some(_) => at = dashes + 1,
            None => break,
        }
    }
    Err(Bail("end of input inside a comment"))
}

/// Where the raw-text content starting at `from` ends: the `<` of `</name` followed by a space,
/// `/` or `>` (the "appropriate end tag"), and the end of that end tag.
fn raw_end<'h>(
    html: &'h str,
    from: usize,
    name: &str,
    attrs: &mut Vec<Attr<'h>>,
) -> Result<(usize, TagEnd<'h>), Bail> {
    let b = html.as_bytes();
    let mut at = from;
    while let Some(i) = memmem::find(&b[at..], b"</") {
        let lt = at + i;
        let name_end = lt + 2 + name.len();
        if b.get(lt + 2..name_end).is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes())) {
            match b.get(name_end) {
                Some(&c) if is_space(c) || c == b'/' || c == b'>' => {
                    return Ok((lt, tag(html, lt + 2, attrs)?));
                }
                None => return Err(Bail("end of input inside raw text")),
                Some(_) => {}
            }
        }
        at = lt + 2;
    }
    Err(Bail("raw text without its end tag"))
}

/// Reports the text between `from` and `to`, if any.
fn flush<'h>(sink: &mut impl Sink<'h>, from: usize, to: usize) {
    if to > from {
        sink.text(from..to, None);
    }
}

/// Reads `html`, reporting to `sink`; `Err` when it meets markup it does not model (the sink may
/// have seen part of the document by then).
pub(crate) fn tokenize<'h>(html: &'h str, sink: &mut impl Sink<'h>) -> Result<(), Bail> {
    let b = html.as_bytes();
    if memchr(0, b).is_some() {
        return Err(Bail("NUL byte"));
    }
    let mut attrs: Vec<Attr<'h>> = Vec::new();
    let mut text_start = 0;
    let mut pos = 0;
    while let Some(i) = memchr(b'<', &b[pos..]) {
        let lt = pos + i;
        match b.get(lt + 1) {
            Some(c) if c.is_ascii_alphabetic() => {
                flush(sink, text_start, lt);
                attrs.clear();
                let t = tag(html, lt + 1, &mut attrs)?;
                let next = after(t.name)?;
                sink.start_tag(lt, t.name, &attrs);
                pos = t.end;
                if let After::Raw(raw) = next {
                    if t.forced_data {
                        return Err(Bail("raw-text element read as data"));
                    }
                    attrs.clear();
                    let (close, end) = raw_end(html, pos, t.name, &mut attrs)?;
                    sink.text(pos..close, Some(raw));
                    sink.end_tag(end.name);
                    pos = end.end;
                }
            }
            Some(b'/') => {
                flush(sink, text_start, lt);
                match b.get(lt + 2) {
                    Some(c) if c.is_ascii_alphabetic() => {
                        attrs.clear();
                        let t = tag(html, lt + 2, &mut attrs)?;
                        sink.end_tag(t.name);
                        pos = t.end;
                    }
                    Some(b'>') => pos = lt + 3, // `</>`: nothing
                    Some(_) => pos = declaration_end(b, lt + 2),
                    None => return Err(Bail("end of input after `</`")),
                }
            }
            Some(b'!') => {
                flush(sink, text_start, lt);
                let rest = &b[lt + 2..];
                if rest.starts_with(b"--") {
                    let (text_end, end) = comment_end(b, lt + 4)?;
                    sink.comment(lt, lt + 4..text_end);
                    pos = end;
                } else {
                    // A doctype or a bogus comment (`<![if !mso]>`, `<![endif]>`, CDATA outside
                    // foreign content): ends at the first `>` either way.
                    pos = declaration_end(b, lt + 2);
                }
            }
            Some(b'?') => {
                flush(sink, text_start, lt);
                pos = declaration_end(b, lt + 2);
            }
            _ => {
                // A `<` that opens nothing is text, the last one of the input included.
                pos = lt + 1;
                continue;
            }
        }
        text_start = pos;
    }
    if b.len() > text_start {
        sink.text(text_start..b.len(), None);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Log(Vec<String>);

    impl<'h> Sink<'h> for Log {
        fn start_tag(&mut self, at: usize, name: &'h str, attrs: &[Attr<'h>]) {
            let attrs: Vec<String> =
                attrs.iter().map(|a| format!("{}={:?}@{:?}", a.name, a.value, a.value_at)).collect();
            self.0.push(format!("<{name}@{at} {}>", attrs.join(" ")));
        }
        fn end_tag(&mut self, name: &'h str) {
            self.0.push(format!("</{name}>"));
        }
        fn text(&mut self, range: Range<usize>, raw: Option<Raw>) {
            self.0.push(format!("text{raw:?}{range:?}"));
        }
        fn comment(&mut self, at: usize, text: Range<usize>) {
            self.0.push(format!("comment@{at}{text:?}"));
        }
    }

    fn log(html: &str) -> Result<Vec<String>, Bail> {
        let mut l = Log::default();
        tokenize(html, &mut l).map(|()| l.0)
    }

    #[test]
    fn tags_attributes_and_text() {
        assert_eq!(
            log(r#"a<A HREF="x" b c=d e = 'f'/>t</a x=">">"#).unwrap(),
            [
                "textNone0..1",
                r#"<A@1 HREF="x"@Some(10) b=""@None c="d"@Some(17) e="f"@Some(24)>"#,
                "textNone28..29",
                "</a>",
            ]
        );
        // Attributes run together after a quoted value; `/` inside reads on.
        assert_eq!(
            log(r#"<img src="a"alt=b/c/ x>"#).unwrap(),
            [r#"<img@0 src="a"@Some(10) alt="b/c/"@Some(16) x=""@None>"#]
        );
    }

    #[test]
    fn comments_end_where_the_tokenizer_ends_them() {
        for (html, text) in [
            ("<!---->", ""),
            ("<!-->x", ""),
            ("<!--->x", ""),
            ("<!-- a -->", " a "),
            ("<!-- a --->", " a -"),
            ("<!-- a --!>", " a "),
            ("<!-- a -- b -->", " a -- b "),
            ("<!--[if mso]><v:x href=\"u\"/><![endif]-->", "[if mso]><v:x href=\"u\"/><![endif]"),
        ] {
            let got = log(html).unwrap();
            let start = 4;
            assert_eq!(got[0], format!("comment@0{:?}", start..start + text.len()), "{html}");
        }
    }

    #[test]
    fn raw_text_runs_to_its_end_tag() {
        assert_eq!(
            log("<style>a</b><a href=x></STYLE >t").unwrap(),
            ["<style@0 >", "textSome(Style)7..22", "</STYLE>", "textNone31..32"]
        );
        assert_eq!(
            log("<title><a href=x></titlex></title>").unwrap(),
            ["<title@0 >", "textSome(Other)7..26", "</title>"]
        );
    }

    #[test]
    fn input_ending_in_a_declaration_or_a_bracket() {
        assert_eq!(log("x<!DOCTYPE").unwrap(), ["textNone0..1"]);
        assert_eq!(log("x<![if !mso]").unwrap(), ["textNone0..1"]);
        assert_eq!(log("x<?y").unwrap(), ["textNone0..1"]);
        assert_eq!(log("x<!").unwrap(), ["textNone0..1"]);
        assert_eq!(log("x<").unwrap(), ["textNone0..2"]);
    }

    #[test]
    fn declarations_and_stray_brackets() {
        assert_eq!(
            log("<!DOCTYPE html><![if !mso]>a < b<?xml x?></>c</ 1>").unwrap(),
            ["textNone27..32", "textNone44..45"]
        );
    }

    #[test]
    fn gives_up_on_what_it_does_not_model() {
        for (html, why) in [
            ("<script>x</script>", "script data"),
            ("<svg><style>x</style></svg>", "foreign content"),
            ("<MATH>", "foreign content"),
            ("<plaintext>", "plaintext"),
            ("a\0b", "NUL byte"),
            ("<a href=\"x", "end of input inside a tag"),
            ("<a", "end of input inside a tag"),
            ("<!-- x", "end of input inside a comment"),
            ("<style>x", "raw text without its end tag"),
            ("<style a=>x</style>", "raw-text element read as data"),
            ("x</", "end of input after `</`"),
        ] {
            assert_eq!(log(html).unwrap_err(), Bail(why), "{html}");
        }
    }
}
