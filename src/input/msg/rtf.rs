//! Outlook `.msg`: the HTML or text encapsulated in an RTF body (MS-OXRTFEX), and the visible
//! text of a native RTF body with its hyperlink fields.
//!
//! Outlook keeps an HTML message's only copy in `PR_RTF_COMPRESSED` when it was saved that way:
//! the HTML markup sits in `{\*\htmltag… }` groups, the text between them is shared with the RTF,
//! and `\htmlrtf … \htmlrtf0` marks RTF that was not in the HTML (group-scoped, as RTF toggles
//! are). A native RTF body (neither `\fromhtml` nor `\fromtext`) is read as text, field
//! instructions included, so `HYPERLINK "https://…"` targets are seen.
//!
//! One pass over the bytes, no recursion; group state is a stack capped at [`MAX_GROUPS`] (deeper
//! groups share the state of the last one kept). `\'hh` bytes are decoded in the `\ansicpgN`
//! code page (font charsets are not followed: URLs are ASCII). `\bin` data is skipped.

use super::codepage;

/// Groups whose state is tracked; deeper nesting is counted only.
const MAX_GROUPS: usize = 1024;

/// What an RTF body held.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Rtf {
    /// `\fromhtml1`: the original HTML.
    Html(String),
    /// `\fromtext`: the original plain text.
    Text(String),
    /// Native RTF: its visible text and field instructions.
    Native(String),
}

#[derive(Clone, Copy)]
struct Group {
    /// An ignorable or non-text destination: nothing in it is output.
    skip: bool,
    /// An `\*\htmltag` group: its content is HTML markup.
    htmltag: bool,
    /// `\htmlrtf` is on: RTF that was not in the original.
    suppressed: bool,
    /// `\ucN`: characters after a `\uN` that stand in for it.
    uc: u32,
}

/// Destinations whose text is not document text.
const SKIPPED: &[&[u8]] = &[
    b"fonttbl",
    b"colortbl",
    b"stylesheet",
    b"info",
    b"pict",
    b"object",
    b"header",
    b"footer",
    b"headerl",
    b"headerr",
    b"headerf",
    b"footerl",
    b"footerr",
    b"footerf",
    b"listtable",
    b"listoverridetable",
    b"revtbl",
    b"rsidtbl",
    b"generator",
    b"xmlnstbl",
    b"themedata",
    b"colorschememapping",
    b"latentstyles",
    b"datastore",
    b"fldrslt_",
    b"filetbl",
    b"pgdsctbl",
];

/// Reads an RTF body.
pub(super) fn read(rtf: &[u8]) -> Rtf {
    let head = &rtf[..rtf.len().min(4096)];
    let head = &head[..memchr::memmem::find(head, b"\\htmltag").unwrap_or(head.len())];
    let mode = if memchr::memmem::find(head, b"\\fromhtml").is_some() {
        Mode::Html
    } else if memchr::memmem::find(head, b"\\fromtext").is_some() {
        Mode::Text
    } else {
        Mode::Native
    };
    let text = Reader::new(mode).run(rtf);
    match mode {
        Mode::Html => Rtf::Html(text),
        Mode::Text => Rtf::Text(text),
        Mode::Native => Rtf::Native(text),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Html,
    Text,
    Native,
}

struct Reader {
    mode: Mode,
    out: String,
    /// `\'hh` bytes not yet decoded.
    bytes: Vec<u8>,
    /// A high surrogate from `\uN`, waiting for its low half.
    high: Option<u16>,
    code_page: Option<u32>,
    stack: Vec<Group>,
    /// Groups opened beyond [`MAX_GROUPS`].
    overflow: usize,
    state: Group,
    /// Fallback characters of a `\uN` still to skip.
    skip_chars: u32,
    /// Just after `{` (and `\*`): the next control word names the destination.
    group_start: bool,
    starred: bool,
}

impl Reader {
    fn new(mode: Mode) -> Reader {
        Reader {
            mode,
            out: String::new(),
            bytes: Vec::new(),
            high: None,
            code_page: None,
            stack: Vec::new(),
            overflow: 0,
            state: Group { skip: false, htmltag: false, suppressed: false, uc: 1 },
            skip_chars: 0,
            group_start: false,
            starred: false,
        }
    }

    fn output(&self) -> bool {
        !self.state.skip && (self.state.htmltag || !self.state.suppressed)
    }

    fn flush(&mut self) {
        if !self.bytes.is_empty() {
            let text = codepage::decode(&self.bytes, self.code_page);
            self.out.push_str(&text);
            self.bytes.clear();
        }
    }

    fn push_byte(&mut self, b: u8) {
        if self.skip_chars > 0 {
            self.skip_chars -= 1;
            return;
        }
        if self.output() {
            self.high = None;
            self.bytes.push(b);
        }
    }

    fn push_str(&mut self, s: &str) {
        self.skip_chars = 0;
        if self.output() {
            self.flush();
            self.high = None;
            self.out.push_str(s);
        }
    }

    fn push_unit(&mut self, unit: u16) {
        let uc = self.state.uc;
        if self.output() {
            self.flush();
            match (self.high.take(), unit) {
                (None, 0xD800..=0xDBFF) => self.high = Some(unit),
                (Some(h), 0xDC00..=0xDFFF) => {
                    let c = char::decode_utf16([h, unit]).next().and_then(Result::ok);
                    self.out.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
                }
                (_, u) => self.out.push(char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER)),
            }
        }
        self.skip_chars = uc;
    }

    fn open(&mut self) {
        if self.stack.len() < MAX_GROUPS {
            self.stack.push(self.state);
        } else {
            self.overflow += 1;
        }
        self.skip_chars = 0;
        self.group_start = true;
        self.starred = false;
    }

    fn close(&mut self) {
        self.skip_chars = 0;
        self.group_start = false;
        self.starred = false;
        if self.overflow > 0 {
            self.overflow -= 1;
        } else if let Some(s) = self.stack.pop() {
            if self.state.htmltag && !s.htmltag {
                self.flush();
            }
            self.state = s;
        }
    }

    fn run(mut self, rtf: &[u8]) -> String {
        let mut i = 0;
        while i < rtf.len() {
            let b = rtf[i];
            i += 1;
            match b {
                b'{' => self.open(),
                b'}' => self.close(),
                b'\\' => i = self.control(rtf, i),
                b'\r' | b'\n' => {}
                _ => {
                    self.group_start = false;
                    self.push_byte(b);
                }
            }
        }
        self.flush();
        self.out
    }

    /// Reads the control word or symbol after a backslash at `i`; returns where it ends.
    fn control(&mut self, rtf: &[u8], mut i: usize) -> usize {
        let Some(&c) = rtf.get(i) else { return i };
        if !c.is_ascii_alphabetic() {
            i += 1;
            let was_start = self.group_start;
            self.group_start = false;
            match c {
                b'*' => {
                    self.group_start = was_start;
                    self.starred = was_start;
                }
                b'\'' => {
                    let hex = rtf.get(i..i + 2).and_then(|h| std::str::from_utf8(h).ok());
                    if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        i += 2;
                        self.push_byte(v);
                    }
                }
                b'\\' | b'{' | b'}' => self.push_byte(c),
                b'~' => self.push_str("\u{a0}"),
                b'_' => self.push_str("\u{2011}"),
                b'\r' | b'\n' => self.push_str("\r\n"),
                b'\t' => self.push_str("\t"),
                _ => {}
            }
            return i;
        }
        let start = i;
        while i < rtf.len() && i - start < 32 && rtf[i].is_ascii_alphabetic() {
            i += 1;
        }
        let word = &rtf[start..i];
        let num_start = i;
        if rtf.get(i) == Some(&b'-') {
            i += 1;
        }
        while i < rtf.len() && i - num_start < 11 && rtf[i].is_ascii_digit() {
            i += 1;
        }
        let param: Option<i64> = std::str::from_utf8(&rtf[num_start..i]).ok().and_then(|s| s.parse().ok());
        if rtf.get(i) == Some(&b' ') {
            i += 1;
        }
        if self.group_start {
            self.group_start = false;
            if self.starred {
                self.starred = false;
                if word == b"htmltag" && self.mode == Mode::Html {
                    self.flush();
                    self.state.htmltag = true;
                    self.state.skip = false;
                } else if word == b"fldinst" && self.mode == Mode::Native {
                    // Field instructions (`HYPERLINK "url"`): kept, set apart by spaces.
                    self.push_str(" ");
                } else {
                    self.state.skip = true;
                }
                return i;
            }
            if SKIPPED.contains(&word) && !self.state.htmltag {
                self.state.skip = true;
                return i;
            }
        }
        match word {
            b"ansicpg" => self.code_page = param.and_then(|p| u32::try_from(p).ok()),
            b"htmlrtf" => {
                self.flush();
                self.state.suppressed = param != Some(0);
            }
            b"uc" => self.state.uc = param.and_then(|p| u32::try_from(p).ok()).unwrap_or(1).min(16),
            b"u" => {
                if let Some(p) = param {
                    // A signed 16-bit value: negative for units above 0x7FFF.
                    self.push_unit((p & 0xFFFF) as u16);
                }
            }
            b"par" | b"line" | b"sect" | b"row" => self.push_str("\r\n"),
            b"tab" | b"cell" => self.push_str("\t"),
            b"emdash" => self.push_str("\u{2014}"),
            b"endash" => self.push_str("\u{2013}"),
            b"bullet" => self.push_str("\u{2022}"),
            b"lquote" => self.push_str("\u{2018}"),
            b"rquote" => self.push_str("\u{2019}"),
            b"ldblquote" => self.push_str("\u{201c}"),
            b"rdblquote" => self.push_str("\u{201d}"),
            b"bin" => {
                let n = param.and_then(|p| usize::try_from(p).ok()).unwrap_or(0);
                i = i.saturating_add(n).min(rtf.len());
            }
            _ => {}
        }
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(rtf: &str) -> String {
        match read(rtf.as_bytes()) {
            Rtf::Html(h) => h,
            other => panic!("not HTML: {other:?}"),
        }
    }

    /// MS-OXRTFEX 3.1 (shortened): tags, shared text, suppressed RTF, escapes.
    const SPEC: &str = r#"{\rtf1\ANSI\ansicpg1251\fromhtml1 \deff0{\fonttbl {\f0\fmodern Courier New;}{\f1\fswiss Arial;}}
{\colortbl\red0\green0\blue0;\red0\green0\blue255;}
{\*\htmltag64}
\uc1\pard\plain\deftab360 \f0\fs24
{\*\htmltag <HTML><head>\par
<style>\par
 p.MsoNormal \{font-family:Arial;\}\par
</style>\par
</head>\par
<body>\par
<p\par
class="MsoNormal">}
{\htmlrtf \f1 \htmlrtf0 Note the line break. {\*\htmltag <b>}{\htmlrtf \b \htmlrtf0 Bold{\*\htmltag </b>}} \htmlrtf\par\htmlrtf0}
\htmlrtf \par \htmlrtf0
{\*\htmltag </p>\par
<p class="MsoNormal">\par}
{\htmlrtf \f1 \htmlrtf0 refs:{\*\htmltag &nbsp;}\htmlrtf \'a0\htmlrtf0 {\*\htmltag &lt;}\htmlrtf <\htmlrtf0 RTF: \{\}\\{\*\htmltag <br>\par}\htmlrtf\line\htmlrtf0}
{\*\htmltag <a href="https://click.example.com/?a=1&amp;b=2">}{\htmlrtf {\field{\*\fldinst HYPERLINK "https://click.example.com/?a=1&b=2"}{\fldrslt here}}\htmlrtf0 here}{\*\htmltag </a>}
{\*\htmltag </p>\par
</body>\par
</HTML>\par
}}"#;

    #[test]
    fn the_specification_example() {
        let got = html(SPEC);
        let want = "<HTML><head>\r\n<style>\r\n p.MsoNormal {font-family:Arial;}\r\n</style>\r\n</head>\r\n\
                    <body>\r\n<p\r\nclass=\"MsoNormal\">Note the line break. <b>Bold</b> </p>\r\n\
                    <p class=\"MsoNormal\">\r\nrefs:&nbsp;&lt;RTF: {}\\<br>\r\n\
                    <a href=\"https://click.example.com/?a=1&amp;b=2\">here</a></p>\r\n</body>\r\n</HTML>\r\n";
        assert_eq!(got, want);
    }

    #[test]
    fn cases() {
        let cases: &[(&str, &str)] = &[
            // \'hh in the \ansicpg code page.
            (r"{\rtf1\ansicpg1251\fromhtml1{\*\htmltag <p>}\'cf\'f0\'e8{\*\htmltag </p>}}", "<p>При</p>"),
            // \uN with its fallback skipped, negative values, surrogate pairs.
            (r"{\rtf1\fromhtml1\uc1 a\u8364?b\u-10179?\u-8704?c}", "a€b😀c"),
            (r"{\rtf1\fromhtml1\uc2 a\u8364\'80\'80b}", "a€b"),
            // Other destinations are skipped, htmlrtf is group-scoped.
            (
                r"{\rtf1\fromhtml1{\*\mhtmltag <a href=cid:x>}{\*\htmltag <a href=x>}{\htmlrtf hidden}shown}",
                "<a href=x>shown",
            ),
            (r"{\rtf1\fromhtml1\htmlrtf hidden{\htmlrtf0 shown}hidden}", "shown"),
            // \bin data is skipped; a cut stream gives what was read.
            (r"{\rtf1\fromhtml1 a\bin3 xyzb", "ab"),
            (r"{\rtf1\fromhtml1{\*\htmltag <a href=", "<a href="),
            // Stray braces and backslashes at the end.
            (r"}}}{\rtf1\fromhtml1 x\", "x"),
        ];
        for (rtf, want) in cases {
            assert_eq!(html(rtf), *want, "{rtf}");
        }
    }

    #[test]
    fn text_and_native_rtf() {
        assert_eq!(
            read(br"{\rtf1\fromtext{\fonttbl x;}Hello\par world}"),
            Rtf::Text("Hello\r\nworld".into())
        );
        let native = br#"{\rtf1\ansi{\fonttbl{\f0 Arial;}}See {\field{\*\fldinst{HYPERLINK "https://x.example.com/a"}}{\fldrslt{the site}}}.\par}"#;
        let Rtf::Native(text) = read(native) else { panic!() };
        assert!(text.contains("HYPERLINK \"https://x.example.com/a\""), "{text}");
        assert!(text.contains("the site"), "{text}");
        assert!(!text.contains("Arial"), "{text}");
    }

    #[test]
    fn deep_nesting_neither_recurses_nor_grows() {
        let mut rtf = String::from(r"{\rtf1\fromhtml1");
        rtf.push_str(&"{".repeat(100_000));
        rtf.push('x');
        rtf.push_str(&"}".repeat(100_000));
        rtf.push_str("y}");
        assert_eq!(html(&rtf), "xy");
    }
}
