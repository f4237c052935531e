//! Extract › HTML: the fast path — the byte-level tokenizer's tokens ([`super::markup`]), with the
//! stack of open elements lol_html keeps.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use super::*;

/// The fast path: [`markup`]'s tokens, with the stack of open elements lol_html keeps (no
/// implied end tags; an end tag closes up to the nearest element of its name) so that anchor text
/// ends where it ends there.
pub(super) struct Fast<'s, 'h> {
    pub(super) html: &'h str,
    pub(super) scope: Scope,
    pub(super) st: &'s mut State,
    /// The open elements, lower-cased.
    pub(super) open: Vec<Cow<'h, str>>,
    /// How many of `open` carry each name, kept once the stack is deep: an end tag for a name
    /// not open is then turned away at once, as lol_html does, so stray end tags under deep
    /// nesting cost no scan of the stack (a shallow stack is scanned, which is cheaper than
    /// hashing every tag).
    pub(super) open_names: Option<HashMap<Cow<'h, str>, usize>>,
    /// How many of `open` are `a`.
    pub(super) anchors: usize,
    pub(super) fragments: &'s mut Fragments,
}

/// Stack depth from which open elements are also counted by name.
const DEEP_STACK: usize = 64;

/// `name` in lower case, borrowed when it already is.
fn lower(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

impl<'h> markup::Sink<'h> for Fast<'_, 'h> {
    fn start_tag(&mut self, at: usize, name: &'h str, attrs: &[Attr<'h>]) {
        let name = lower(name);
        on_element(&Tag { at, name: &name, attrs }, self.scope, self.st);
        if !is_void(&name) {
            self.anchors += usize::from(name == "a");
            if let Some(counts) = &mut self.open_names {
                *counts.entry(name.clone()).or_default() += 1;
            } else if self.open.len() >= DEEP_STACK {
                let mut counts: HashMap<Cow<'h, str>, usize> = HashMap::new();
                for n in self.open.iter().chain([&name]) {
                    *counts.entry(n.clone()).or_default() += 1;
                }
                self.open_names = Some(counts);
            }
            self.open.push(name);
        }
    }

    fn end_tag(&mut self, name: &'h str) {
        let name = lower(name);
        if self.open_names.as_ref().is_some_and(|c| c.get(&name).is_none_or(|&n| n == 0)) {
            return;
        }
        if let Some(i) = self.open.iter().rposition(|n| *n == name) {
            for closed in self.open.drain(i..) {
                self.anchors -= usize::from(closed == "a");
                if let Some(n) = self.open_names.as_mut().and_then(|c| c.get_mut(&closed)) {
                    *n -= 1;
                }
            }
        }
    }

    fn text(&mut self, range: Range<usize>, raw: Option<Raw>) {
        let text = &self.html[range.clone()];
        if self.anchors > 0 {
            anchor_text(self.st, text);
        }
        match raw {
            Some(Raw::Style) => style_links(self.st, self.scope, self.scope.offset + range.start, text),
            Some(Raw::Noscript) if text.contains('<') => {
                self.fragments.push((self.scope.offset + range.start, text.to_string(), self.scope.mso));
            }
            _ => {}
        }
    }

    fn comment(&mut self, at: usize, text: Range<usize>) {
        if let Some((inner_at, inner)) = conditional_body(&self.html[text]) {
            self.fragments.push((self.scope.offset + at + 4 + inner_at, inner.to_string(), true));
        }
    }
}

/// Elements lol_html does not push on its stack of open elements.
fn is_void(tag: &str) -> bool {
    matches!(
        tag,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}
