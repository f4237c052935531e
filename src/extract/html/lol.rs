//! Extract › HTML: the fallback — lol_html reads a document the fast tokenizer does not model,
//! through the same handlers.

use super::*;

/// The fallback: lol_html reads the document.
pub(super) fn scan_lol(
    html: &str,
    scope: Scope,
    state: &RefCell<State>,
    fragments: &mut Fragments,
) -> Result<(), String> {
    let fragments = RefCell::new(fragments);
    let noscript: RefCell<(Option<usize>, String)> = RefCell::new((None, String::new()));
    state.borrow_mut().anchor = None;
    let settings = Settings::new()
        .append_element_content_handler(element!("*", |el| {
            // Names and values as written, read in place like the fast reader does: lol_html's
            // own strings are decoded with BOM sniffing, which drops a leading U+FEFF.
            let read: Vec<(Cow<'_, str>, Cow<'_, str>, Option<usize>)> = el
                .attributes()
                .iter()
                .map(|a| {
                    let value_at = a.value_source_location().map(|l| l.bytes());
                    let name = a.name_source_location().and_then(|l| html.get(l.bytes()));
                    let value = match &value_at {
                        Some(r) => html.get(r.clone()),
                        None => Some(""),
                    };
                    (
                        name.map_or_else(|| Cow::Owned(a.name()), Cow::Borrowed),
                        value.map_or_else(|| Cow::Owned(a.value()), Cow::Borrowed),
                        value_at.map(|r| r.start),
                    )
                })
                .collect();
            let attrs: Vec<Attr<'_>> = read
                .iter()
                .map(|(name, value, value_at)| Attr { name, value, value_at: *value_at })
                .collect();
            let at = el.source_location().bytes().start;
            on_element(&Tag { at, name: &el.tag_name(), attrs: &attrs }, scope, &mut state.borrow_mut());
            Ok(())
        }))
        .append_element_content_handler(text!("style", |t| {
            let mut st = state.borrow_mut();
            if st.style_start.is_none() {
                st.style_start = Some(scope.offset + t.source_location().bytes().start);
            }
            st.style.push_str(t.as_str());
            if t.last_in_text_node() {
                let css_text = std::mem::take(&mut st.style);
                let start = st.style_start.take().unwrap_or(scope.offset);
                style_links(&mut st, scope, start, &css_text);
            }
            Ok(())
        }))
        .append_element_content_handler(text!("a", |t| {
            anchor_text(&mut state.borrow_mut(), t.as_str());
            Ok(())
        }))
        // Parsers read <noscript> as text (scripting on); mail clients run no script and
        // draw what is inside, so it is scanned again as markup.
        .append_element_content_handler(text!("noscript", |t| {
            let mut ns = noscript.borrow_mut();
            if ns.0.is_none() {
                ns.0 = Some(scope.offset + t.source_location().bytes().start);
            }
            ns.1.push_str(t.as_str());
            if t.last_in_text_node() {
                let at = ns.0.take().unwrap_or(scope.offset);
                let text = std::mem::take(&mut ns.1);
                if text.contains('<') {
                    fragments.borrow_mut().push((at, text, scope.mso));
                }
            }
            Ok(())
        }))
        .append_document_content_handler(doc_comments!(|c| {
            let start = c.source_location().bytes().start;
            let mut text = c.text();
            // lol_html decodes the text with BOM sniffing: put back a U+FEFF it dropped.
            if html.get(start + 4..).is_some_and(|r| r.starts_with('\u{feff}'))
                && !text.starts_with('\u{feff}')
            {
                text.insert(0, '\u{feff}');
            }
            if let Some((inner_at, inner)) = conditional_body(&text) {
                let at = scope.offset + start + 4 + inner_at;
                fragments.borrow_mut().push((at, inner.to_string(), true));
            }
            Ok(())
        }))
        .with_strict(false);
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter
        .write(html.as_bytes())
        .and_then(|()| rewriter.end())
        .map_err(|e| format!("HTML could not be read to the end: {e}"))
}
