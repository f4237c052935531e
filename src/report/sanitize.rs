//! Report: untrusted text (URLs, subjects, anchor text, file names, server answers) made safe for
//! where it is shown — for a terminal, control characters (C0, DEL, C1), bidi controls,
//! zero-width, line-separator and tag characters become `\u{…}` escapes (after fd's
//! `sanitize.rs`), so a hostile message cannot clear the screen, write the clipboard (OSC 52),
//! plant hyperlinks (OSC 8) or reorder and hide what is printed; and long strings are cut with
//! `…`. For HTML and XML, the markup characters are escaped too.
//!
//! Every format people read (text, concise, GitHub, Markdown, JUnit, SARIF, HTML, the watch
//! verdicts) renders a display copy of the report made by [`message`] and [`rest`]: one
//! sanitiser, [`shown`], applied to every field [`super::untrusted`] lists. JSON and JSON Lines
//! keep the data whole and write the same characters as `\uXXXX` escapes ([`super::json`]).

use std::borrow::Cow;

use super::untrusted::{self, Origin};
use super::{MessageReport, Report};

/// Characters never written raw where people read: they move the cursor, run terminal
/// commands, reorder or hide text.
pub fn suspicious(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{061C}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}')
}

/// `s` with every suspicious character escaped; borrowed when there is none.
pub fn terminal(s: &str) -> Cow<'_, str> {
    // Only a control character is ASCII among them: one fast check covers most text.
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) || !s.chars().any(suspicious) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if suspicious(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Longest untrusted string shown whole, in characters; a longer one keeps its start and end
/// around a `…`. (The text format cuts the `url:` lines shorter still.)
pub const MAX_SHOWN: usize = 1000;

/// `s` cut to at most `max` characters: its first three quarters and its end around `…`.
/// Never cuts inside a `\u{…}` escape. Borrowed when it fits.
pub fn cut(s: &str, max: usize) -> Cow<'_, str> {
    if s.len() <= max || s.chars().count() <= max {
        return Cow::Borrowed(s);
    }
    let max = max.max(8);
    let head_chars = max * 3 / 4;
    let tail_chars = max - head_chars - 1;
    let mut head_end = s.char_indices().nth(head_chars).map_or(s.len(), |(i, _)| i);
    let mut tail_start = s.char_indices().rev().nth(tail_chars - 1).map_or(0, |(i, _)| i);
    // An escape the cut falls into is left out whole.
    if let Some(open) = escape_around(s, head_end) {
        head_end = open;
    }
    if let Some(open) = escape_around(s, tail_start) {
        tail_start = s[open..].find('}').map_or(s.len(), |c| open + c + 1);
    }
    let tail = &s[tail_start.max(head_end)..];
    Cow::Owned(format!("{}…{tail}", &s[..head_end]))
}

/// The start of the `\u{…}` escape that byte `at` of `s` falls inside (not at its start).
fn escape_around(s: &str, at: usize) -> Option<usize> {
    let boundary = |i: usize, up: bool| {
        let mut i = i.min(s.len());
        while !s.is_char_boundary(i) {
            i = if up { i + 1 } else { i - 1 };
        }
        i
    };
    let from = boundary(at.saturating_sub(12), false);
    let to = boundary(at + 3, true);
    let open =
        from + s[from..to].match_indices("\\u{").map(|(i, _)| i).take_while(|&i| from + i < at).last()?;
    (!s[open..at].contains('}')).then_some(open)
}

/// The sanitiser: `s` escaped for the terminal and cut to [`MAX_SHOWN`]; `None` when it is
/// fine as it is.
pub fn shown(s: &str) -> Option<String> {
    match terminal(s) {
        Cow::Borrowed(b) => match cut(b, MAX_SHOWN) {
            Cow::Borrowed(_) => None,
            Cow::Owned(c) => Some(c),
        },
        Cow::Owned(escaped) => Some(cut(&escaped, MAX_SHOWN).into_owned()),
    }
}

/// [`shown`] as a `Cow`: for one string printed on its own (a file name in a warning).
pub fn display(s: &str) -> Cow<'_, str> {
    shown(s).map_or(Cow::Borrowed(s), Cow::Owned)
}

fn needs(_: Origin, s: &str) -> bool {
    s.len() > MAX_SHOWN || matches!(terminal(s), Cow::Owned(_))
}

fn fix(_: Origin, s: &str) -> Option<String> {
    shown(s)
}

/// A message's report as the formats people read show it: every untrusted string sanitised
/// ([`shown`]). Borrowed when nothing needs it, which is nearly always; the copy leaves the
/// HTML previews out (the HTML report takes them from the original).
pub fn message(m: &MessageReport) -> Cow<'_, MessageReport> {
    if !untrusted::any_message(m, needs) {
        return Cow::Borrowed(m);
    }
    let mut copy = m.clone_without_previews();
    untrusted::message(&mut copy, fix);
    Cow::Owned(copy)
}

/// The report's batch findings, unreadable inputs, checked domains and summary, sanitised;
/// its messages are left out of the copy (render each with [`message`]).
pub fn rest(r: &Report) -> Cow<'_, Report> {
    if !untrusted::any_rest(r, needs) {
        return Cow::Borrowed(r);
    }
    let mut copy = Report {
        version: r.version,
        messages: Vec::new(),
        batch_findings: r.batch_findings.clone(),
        errors: r.errors.clone(),
        domains: r.domains.clone(),
        summary: r.summary.clone(),
    };
    untrusted::rest(&mut copy, fix);
    Cow::Owned(copy)
}

/// HTML with every suspicious character written as a character reference (`&#x1b;`): a browser
/// shows the same page, a terminal that prints the file gets no control sequence. For the HTML
/// report's previews, which are the message's own markup.
pub fn references(html: &str) -> Cow<'_, str> {
    if html.bytes().all(|b| (0x20..0x7f).contains(&b) || matches!(b, b'\n' | b'\r' | b'\t'))
        || !html.chars().any(|c| suspicious(c) && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len() + 16);
    for c in html.chars() {
        if suspicious(c) && !matches!(c, '\n' | '\r' | '\t') {
            out.push_str(&format!("&#x{:x};", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` with `& < > " '` escaped for HTML or XML text and quoted attributes; borrowed when none.
pub fn markup(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::super::untrusted::hostile;
    use super::super::{concise, github, html, json, json_lines, junit, markdown, sarif, text};
    use super::*;

    #[test]
    fn markup_escapes() {
        assert_eq!(markup("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
        assert!(matches!(markup("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn escapes() {
        assert_eq!(terminal("https://x.example/a"), "https://x.example/a");
        assert_eq!(terminal("a\u{202E}b\x1b[31mc"), "a\\u{202e}b\\u{1b}[31mc");
        assert_eq!(terminal("x\u{200B}y\ny"), "x\\u{200b}y\\u{a}y");
        assert_eq!(
            terminal("\u{9b}\u{85}\u{7f}\u{2028}\u{e0041}"),
            "\\u{9b}\\u{85}\\u{7f}\\u{2028}\\u{e0041}"
        );
        assert!(matches!(terminal("é ü 日本"), Cow::Borrowed(_)));
    }

    #[test]
    fn long_strings_are_cut_around_an_ellipsis() {
        let long = format!("{}END", "a".repeat(5000));
        let c = cut(&long, 100);
        assert_eq!(c.chars().count(), 100);
        assert!(c.starts_with("aaaa") && c.ends_with("END") && c.contains('…'), "{c}");
        assert!(matches!(cut("short", 100), Cow::Borrowed(_)));
        // Never inside an escape.
        let escaped = terminal(&"\u{1b}".repeat(100)).into_owned();
        let c = cut(&escaped, 50);
        let (head, tail) = c.split_once('…').unwrap_or_default();
        assert!(head.ends_with('}') && (tail.is_empty() || tail.starts_with('\\')), "{c}");
        assert_eq!(shown(&"x".repeat(MAX_SHOWN)), None);
        assert_eq!(shown(&"x".repeat(MAX_SHOWN + 1)).map(|s| s.chars().count()), Some(MAX_SHOWN));
    }

    /// Characters no format people read may write raw (line breaks and tabs are the formats').
    fn raw(out: &str) -> Vec<char> {
        out.chars().filter(|&c| suspicious(c) && !matches!(c, '\n' | '\t')).collect()
    }

    /// Issue 16, item 1: every format, from a report whose every untrusted field is hostile.
    #[test]
    fn no_format_writes_a_control_or_bidi_character_raw() {
        let r = hostile::report();
        let outputs = [
            ("text", text::render(&r, false)),
            ("text (colour)", text::render(&r, true).replace("\x1b[", "")),
            ("concise", concise::render(&r)),
            ("github", github::render(&r)),
            ("markdown", markdown::render(&r)),
            ("junit", junit::render(&r, Some(crate::finding::Severity::Warning))),
            ("sarif", sarif::render(&r)),
            ("html", html::render(&r, &html::Page::default())),
            ("json", json::render(&r)),
            ("json-lines", json_lines::render(&r)),
        ];
        for (format, out) in &outputs {
            let found = raw(out);
            assert!(found.is_empty(), "{format} writes {found:?} raw:\n{out}");
            assert!(out.contains("finding-message"), "{format} lost the finding");
        }
    }

    /// JSON keeps the data whole: the escapes read back as the original characters.
    #[test]
    fn json_escapes_c1_and_bidi_and_keeps_the_text() {
        let r = hostile::report();
        for out in [json::render(&r), json_lines::render(&r).lines().next().unwrap_or("").to_string()] {
            assert!(
                out.contains("\\u0085") && out.contains("\\u202e") && out.contains("\\udb40\\udc41"),
                "{out}"
            );
            let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
            let subject = v.pointer("/messages/0/subject").or(v.pointer("/subject"));
            assert_eq!(subject.and_then(|s| s.as_str()), r.messages[0].subject.as_deref());
        }
    }

    /// Issue 16, smaller item: a 1 MB Subject is cut in the formats people read.
    #[test]
    fn a_huge_subject_is_cut() {
        let mut r = hostile::report();
        r.messages[0].subject = Some(format!("{}tail", "S".repeat(1 << 20)));
        for out in
            [text::render(&r, false), markdown::render(&r), junit::render(&r, None), concise::render(&r)]
        {
            assert!(out.len() < 100_000, "{} bytes", out.len());
        }
        let t = text::render(&r, false);
        assert!(t.contains("S…") && t.contains("tail"), "{}", &t[..400.min(t.len())]);
        // JSON keeps it whole.
        assert!(json::render(&r).len() > 1 << 20);
    }

    /// The HTML previews hold the message's own characters as references.
    #[test]
    fn previews_hold_no_raw_control() {
        let p = super::super::preview::render(
            "<p title=\"\u{1b}]52;c;x\u{7}\">\u{202e}hi\u{1b}[2J</p>",
            &[],
            false,
        );
        assert!(raw(&p.html).is_empty(), "{}", p.html);
        assert!(p.html.contains("&#x202e;hi&#x1b;[2J"), "{}", p.html);
    }
}
