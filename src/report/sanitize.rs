//! Report: untrusted text (URLs, subjects, anchor text) made safe for where it is shown — for a
//! terminal, control characters, bidi overrides, zero-width and tag characters become `\u{…}`
//! escapes (after fd's `sanitize.rs`), so a hostile message cannot reorder or hide what is
//! printed; for HTML and XML, the markup characters are escaped.

use std::borrow::Cow;

fn suspicious(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{061C}'
            | '\u{FEFF}'
            | '\u{E0000}'..='\u{E007F}')
}

/// `s` with every suspicious character escaped; borrowed when there is none.
pub fn terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(suspicious) {
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
    use super::{markup, terminal};
    use std::borrow::Cow;

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
    }
}
