//! Report renderer: HTML — one self-contained page per run, for people who would rather look
//! than read: a summary, then per message the email itself (a sandboxed preview with every
//! flagged link outlined and numbered), the numbered findings beside it, and a table of every
//! link that can be filtered by class.
//!
//! The page loads nothing and runs nothing: a Content-Security-Policy of `default-src 'none'`
//! (only inline styles), no script at all — the class filter is CSS (`:has()` on radio
//! buttons) — and the preview sits in an `<iframe sandbox="allow-same-origin" srcdoc>` after
//! [`super::preview`] has taken out everything that could load, run or navigate. Every string
//! from the message is sanitised ([`super::sanitize`]: control and bidi characters shown as
//! `\u{…}` escapes, long strings cut) and HTML-escaped.
//!
//! Why `allow-same-origin`: Chromium puts a frame sandboxed into an opaque origin (`sandbox=""`)
//! into a renderer process of its own (its "isolated sandboxed iframes"), and the page can be
//! drawn — a `--screenshot`, a print, a first paint — before that process has drawn the frame: a
//! white box where the email should be (4 to 7 screenshots of 15 here). With the page's own
//! origin the frame is drawn with the page, in one process. Nothing is given up: without
//! `allow-scripts` no script can run in the frame to use that origin (nor could it under the
//! page's CSP, which a `srcdoc` frame inherits, or the preview's own), and forms, pop-ups and
//! navigation of the page stay blocked by the sandbox.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use super::preview::{self, Mark};
use super::{sanitize, LinkReport, MessageReport, Preview, Report};
use crate::extract::span::LineIndex;
use crate::extract::Kind;
use crate::finding::{Finding, Severity};

/// What the page shows besides the report.
#[derive(Debug, Clone, Default)]
pub struct Page<'a> {
    /// The expected tracking hosts (`--expect`).
    pub expect: &'a [String],
    /// Mask addresses and tokens in the previews' text too (`--redact`).
    pub redact: bool,
}

pub use super::sanitize::markup as escape;

/// Text for the page (from a sanitised report): escaped.
fn t(s: &str) -> String {
    escape(s).into_owned()
}

/// Longest URL shown whole in a finding card, in characters; a longer one is cut with `…`
/// and shown whole on hover (`title`) and under a "whole URL" disclosure.
pub const CARD_URL: usize = 120;

/// Escaped text with a break opportunity (`<wbr>`) after each of `after`: a host breaks only
/// at its dots, a URL first at its `/`, `?`, `&` and `=`.
fn breakable(s: &str, after: &[char]) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    for piece in s.split_inclusive(|c| after.contains(&c)) {
        out.push_str(&escape(piece));
        if piece.ends_with(|c| after.contains(&c)) {
            out.push_str("<wbr>");
        }
    }
    out
}

/// A host name: kept whole, broken only at its dots.
fn host(s: &str) -> String {
    breakable(s, &['.'])
}

/// A URL in running text: breaks at its separators first, anywhere only when it must.
fn url(s: &str) -> String {
    breakable(s, &['/', '?', '&', '='])
}

const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; \
form-action 'none'";

const STYLE: &str = include_str!("html.css");

/// The whole page.
pub fn render(report: &Report, page: &Page<'_>) -> String {
    let sections: Vec<String> =
        report.messages.iter().enumerate().map(|(i, m)| section(i, m, page)).collect();
    assemble(report, &sections, page)
}

/// The section of message `i` (rendered as soon as the message is audited, so a batch does not
/// hold every message's HTML until the end).
pub fn section(i: usize, m: &MessageReport, page: &Page<'_>) -> String {
    let mut out = String::with_capacity(16 * 1024);
    message(&mut out, i, &sanitize::message(m), &m.previews, page);
    out
}

/// The page around the messages' sections, in input order.
pub fn assemble(report: &Report, sections: &[String], page: &Page<'_>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>linkaudit report</title>\n<style>{STYLE}</style></head>\n<body>\n"
    );
    summary(&mut out, report, page);
    for s in sections {
        out.push_str(s);
    }
    let rest = sanitize::rest(report);
    for d in &rest.domains {
        domain(&mut out, d);
    }
    batch(&mut out, &rest);
    let _ = write!(
        out,
        "<footer>linkaudit {} — this page loads nothing from the network and runs no script.</footer>\n\
         </body></html>\n",
        env!("CARGO_PKG_VERSION")
    );
    out
}

/// CSS class and label of a verdict, from the worst finding.
fn verdict(worst: Option<Severity>) -> (&'static str, &'static str) {
    match worst {
        Some(Severity::Error) => ("fail", "✖ fail"),
        Some(Severity::Warning) => ("warn", "⚠ warnings"),
        _ => ("pass", "✔ pass"),
    }
}

fn summary(out: &mut String, report: &Report, page: &Page<'_>) {
    let s = &report.summary;
    let _ = write!(
        out,
        "<header><h1>linkaudit report</h1><p class=\"totals\">{} message{}, {} links — \
         <span class=\"sev {}\">{} error{}</span> <span class=\"sev {}\">{} warning{}</span> \
         <span class=\"sev {}\">{} info</span>{}</p>",
        s.messages,
        plural(s.messages),
        s.links,
        if s.errors > 0 { "error" } else { "none" },
        s.errors,
        plural(s.errors),
        if s.warnings > 0 { "warning" } else { "none" },
        s.warnings,
        plural(s.warnings),
        if s.infos > 0 { "info" } else { "none" },
        s.infos,
        if s.unreadable > 0 {
            format!(", {} unreadable input{}", s.unreadable, plural(s.unreadable))
        } else {
            String::new()
        },
    );
    let expected = if page.expect.is_empty() {
        "none given (<code>--expect</code>): links are judged against ESP defaults only".to_string()
    } else {
        page.expect.iter().map(|e| format!("<code>{}</code>", t(e))).collect::<Vec<_>>().join(", ")
    };
    let _ = write!(out, "<p>Expected tracking domain: {expected}</p>");
    if !report.messages.is_empty() {
        out.push_str(
            "<table class=\"summary\"><thead><tr><th>verdict</th><th>message</th><th>subject</th>\
             <th>errors</th><th>warnings</th><th>info</th><th>links</th><th>sent via</th></tr></thead><tbody>",
        );
        for (i, m) in report.messages.iter().enumerate() {
            let m = sanitize::message(m);
            let (class, word) = verdict(m.worst());
            let (e, w, n) = m.counts();
            let via: Vec<String> = m.sent_via.iter().map(|v| t(&v.esp)).collect();
            let _ = write!(
                out,
                "<tr class=\"{class}\"><td>{word}</td><td><a href=\"#m{i}\">{}</a></td><td>{}</td>\
                 <td>{e}</td><td>{w}</td><td>{n}</td><td>{}</td><td>{}</td></tr>",
                t(&m.display_source()),
                t(m.subject.as_deref().unwrap_or("")),
                m.links.len(),
                via.join(", "),
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</header>\n");
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A link with findings, and its number.
struct Numbered<'r> {
    number: usize,
    link: &'r LinkReport,
    findings: Vec<&'r Finding>,
}

impl Numbered<'_> {
    fn worst(&self) -> Severity {
        self.findings.iter().map(|f| f.severity).max().unwrap_or(Severity::Info)
    }
}

/// Numbers the links that have findings, in link order; the findings tied to no link come back
/// apart.
fn number(m: &MessageReport) -> (Vec<Numbered<'_>>, Vec<&Finding>) {
    let mut at: HashMap<(&str, u32, u32), Vec<usize>> = HashMap::new();
    for (i, l) in m.links.iter().enumerate() {
        at.entry((&*l.part, l.line, l.column)).or_default().push(i);
    }
    let mut per_link: Vec<Vec<&Finding>> = vec![Vec::new(); m.links.len()];
    let mut loose = Vec::new();
    for f in &m.findings {
        let found = match (&f.part, f.line, f.column) {
            (Some(p), Some(line), Some(col)) => at.get(&(p.as_str(), line, col)).and_then(|c| {
                c.iter()
                    .copied()
                    .find(|&i| f.url.as_deref().is_none_or(|u| u == m.links[i].url))
                    .or(c.first().copied())
            }),
            _ => None,
        };
        match found {
            Some(i) => per_link[i].push(f),
            None => loose.push(f),
        }
    }
    let numbered = per_link
        .into_iter()
        .enumerate()
        .filter(|(_, f)| !f.is_empty())
        .enumerate()
        .map(|(n, (i, findings))| Numbered { number: n + 1, link: &m.links[i], findings })
        .collect();
    (numbered, loose)
}

fn message(out: &mut String, i: usize, m: &MessageReport, previews: &[Preview], page: &Page<'_>) {
    let (class, word) = verdict(m.worst());
    let (numbered, loose) = number(m);
    let _ = write!(
        out,
        "<section class=\"msg {class}\" id=\"m{i}\"><h2><span class=\"verdict\">{word}</span> {}</h2>",
        t(&m.display_source())
    );
    facts(out, m);
    // Previews, with the marks of their part.
    let mut outlined = BTreeSet::new();
    let mut outlook = BTreeSet::new();
    out.push_str("<div class=\"cols\"><div class=\"previews\">");
    if previews.is_empty() {
        out.push_str("<p class=\"none\">No HTML part to preview.</p>");
    }
    for p in previews {
        let index = LineIndex::new(&p.html);
        let marks: Vec<Mark> = numbered
            .iter()
            .filter(|n| *n.link.part == *p.part && n.link.kind != Kind::Header)
            .map(|n| Mark {
                offset: index.offset(n.link.line, n.link.column),
                number: n.number,
                severity: n.worst(),
                url: n.link.url.clone(),
            })
            .collect();
        let rendered = preview::render(&p.html, &marks, page.redact);
        let height = rendered.frame_height();
        outlined.extend(rendered.outlined);
        outlook.extend(rendered.outlook);
        // No script sizes the frame to the message: it starts at a guess of the content's
        // height (preview::Rendered::height) and can be dragged taller (CSS resize).
        // A rebuilt message (an Outlook .msg) says which property the part came from.
        let origin = m.parts.iter().find(|x| x.part == p.part).and_then(|x| x.origin);
        let kind = origin.map_or_else(|| "text/html".to_string(), |o| format!("text/html, {}", t(o)));
        let _ = write!(
            out,
            "<figure><figcaption>Part {} ({kind}) — images and pixels are not loaded, links are \
             not followed; drag the frame's corner to resize</figcaption><iframe sandbox=\"allow-same-origin\" \
             referrerpolicy=\"no-referrer\" loading=\"eager\" style=\"height:{}px\" \
             title=\"Preview of part {}\" srcdoc=\"{}\"></iframe></figure>",
            t(&p.part),
            height,
            t(&p.part),
            escape(&rendered.html)
        );
    }
    out.push_str("</div><div class=\"findings\">");
    let fixes = Fixes::of(i, &m.findings);
    findings_list(out, &numbered, &loose, &Shown { outlined, outlook }, &fixes);
    out.push_str("</div></div>");
    links_table(out, i, m);
    out.push_str("</section>\n");
}

fn facts(out: &mut String, m: &MessageReport) {
    out.push_str("<dl class=\"facts\">");
    if let Some(s) = &m.subject {
        let _ = write!(out, "<dt>Subject</dt><dd>{}</dd>", t(s));
    }
    if let Some(f) = &m.from {
        let _ = write!(out, "<dt>From</dt><dd>{}</dd>", t(f));
    }
    let via: Vec<String> =
        m.sent_via.iter().map(|v| format!("{} <small>({})</small>", t(&v.esp), t(&v.evidence))).collect();
    let _ = write!(
        out,
        "<dt>Sent via</dt><dd>{}</dd>",
        if via.is_empty() { "unknown".to_string() } else { via.join("; ") }
    );
    if let Some(a) = &m.authentication {
        let v = |r: &Option<String>| t(r.as_deref().unwrap_or("–"));
        let _ = write!(
            out,
            "<dt>Authentication</dt><dd>SPF {} · DKIM {} · DMARC {} <small>({})</small></dd>",
            v(&a.spf),
            v(&a.dkim),
            v(&a.dmarc),
            t(&a.source)
        );
    }
    out.push_str("</dl>");
    if !m.alignment.is_empty() {
        out.push_str(
            "<table class=\"alignment\"><thead><tr><th>role</th><th>domain</th><th>organisational \
             domain</th><th>aligned with From</th></tr></thead><tbody>",
        );
        for r in &m.alignment {
            let aligned = match r.aligned {
                Some(true) => "<span class=\"ok\">yes</span>",
                Some(false) => "<span class=\"bad\">no</span>",
                None => "–",
            };
            let selector =
                r.selector.as_deref().map(|s| format!(" <small>s={}</small>", t(s))).unwrap_or_default();
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"host\">{}{selector}</td><td class=\"host\">{}</td><td>{aligned}</td></tr>",
                r.role.label(),
                host(&r.domain),
                host(r.org.as_deref().unwrap_or("–")),
            );
        }
        out.push_str("</tbody></table>");
    }
}

fn location(l: &LinkReport) -> String {
    match l.kind {
        Kind::Header => format!("header {}", t(l.attribute.as_deref().unwrap_or(""))),
        _ => format!("part {} {}:{}", t(&l.part), l.line, l.column),
    }
}

/// Fixes that more than one finding of a message gives: said once, under "How to fix", each
/// with an anchor the findings link to (a long fix repeated on every card buries the cards).
struct Fixes<'r> {
    message: usize,
    /// (fix, the rule codes that give it), in order of first use.
    shared: Vec<(&'r str, Vec<&'static str>)>,
}

impl<'r> Fixes<'r> {
    fn of(message: usize, findings: &'r [Finding]) -> Fixes<'r> {
        let mut uses: HashMap<&str, usize> = HashMap::new();
        for h in findings.iter().filter_map(|f| f.hint.as_deref()) {
            *uses.entry(h).or_default() += 1;
        }
        let mut shared: Vec<(&str, Vec<&'static str>)> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for f in findings {
            let Some(h) = f.hint.as_deref().filter(|h| uses.get(h).is_some_and(|&n| n > 1)) else { continue };
            let k = *index.entry(h).or_insert_with(|| {
                shared.push((h, Vec::new()));
                shared.len() - 1
            });
            if let Some((_, codes)) = shared.get_mut(k) {
                if !codes.contains(&f.code) {
                    codes.push(f.code);
                }
            }
        }
        Fixes { message, shared }
    }

    /// The shared fix's number, when `hint` is one.
    fn find(&self, hint: &str) -> Option<usize> {
        self.shared.iter().position(|(h, _)| *h == hint)
    }
}

/// What the preview shows: the numbers outlined, and those in an Outlook-only box.
struct Shown {
    outlined: BTreeSet<usize>,
    outlook: BTreeSet<usize>,
}

fn findings_list(
    out: &mut String,
    numbered: &[Numbered<'_>],
    loose: &[&Finding],
    shown: &Shown,
    fixes: &Fixes<'_>,
) {
    let i = fixes.message;
    if numbered.is_empty() && loose.is_empty() {
        out.push_str("<p class=\"clean\">✔ No findings.</p>");
        return;
    }
    if !loose.is_empty() {
        out.push_str("<h3>About the message</h3><ul class=\"loose\">");
        for f in loose {
            finding(out, f, Some(fixes));
        }
        out.push_str("</ul>");
    }
    if !fixes.shared.is_empty() {
        out.push_str("<h3>How to fix</h3><ul class=\"fixes\">");
        for (k, (hint, codes)) in fixes.shared.iter().enumerate() {
            let _ = write!(out, "<li id=\"m{i}-fix{}\"><b>{}</b>: {}</li>", k + 1, codes.join(", "), t(hint));
        }
        out.push_str("</ul>");
    }
    if numbered.is_empty() {
        return;
    }
    out.push_str("<h3>Links with findings</h3><ol class=\"numbered\">");
    for n in numbered {
        let l = n.link;
        let (code, said) = if shown.outlined.contains(&n.number) {
            ("preview", "outlined in the preview".to_string())
        } else if shown.outlook.contains(&n.number) {
            (
                "outlook",
                "Outlook-only (VML in a conditional comment): a dashed box marks where it is".to_string(),
            )
        } else {
            match l.kind {
                Kind::Header => ("header", "a header, not shown in the preview".to_string()),
                Kind::Text => ("text", "in the text part, not shown in the preview".to_string()),
                Kind::Css => ("css", "in a style sheet: nothing to outline".to_string()),
                Kind::Amp => ("amp", "in the AMP part, not shown in the preview".to_string()),
                _ => ("none", "not drawn in the preview".to_string()),
            }
        };
        let _ = write!(
            out,
            "<li id=\"m{i}-n{}\" class=\"sev-{}\" data-shown=\"{code}\"><span class=\"num\">{}</span> {}\
             <div class=\"where\">{} {} — {}; {said}</div><ul>",
            n.number,
            n.worst().as_str(),
            n.number,
            card_url(&l.url),
            t(l.kind.as_str()),
            t(l.element.as_deref().unwrap_or("")),
            location(l),
        );
        for f in &n.findings {
            finding(out, f, Some(fixes));
        }
        out.push_str("</ul></li>");
    }
    out.push_str("</ol>");
}

/// A card's URL: whole up to [`CARD_URL`] characters; a longer one cut with `…`, whole on hover
/// and under a disclosure (no script: `title` and `<details>`).
fn card_url(full: &str) -> String {
    match sanitize::cut(full, CARD_URL) {
        Cow::Borrowed(_) => format!("<code class=\"url\">{}</code>", url(full)),
        Cow::Owned(short) => format!(
            "<code class=\"url\" title=\"{}\">{}</code><details class=\"whole\"><summary>whole URL \
             ({} characters)</summary><code class=\"url\">{}</code></details>",
            t(full),
            url(&short),
            full.chars().count(),
            url(full)
        ),
    }
}

fn finding(out: &mut String, f: &Finding, fixes: Option<&Fixes<'_>>) {
    let _ = write!(
        out,
        "<li class=\"finding sev-{}\"><span class=\"sev {}\">{}</span> <b>{}</b> {}",
        f.severity.as_str(),
        f.severity.as_str(),
        f.severity.as_str(),
        f.code,
        t(&f.message)
    );
    if let Some(h) = &f.hint {
        match fixes.and_then(|x| x.find(h).map(|k| (x.message, k))) {
            Some((i, k)) => {
                let _ = write!(
                    out,
                    "<div class=\"hint\">Fix: <a href=\"#m{i}-fix{}\">under “How to fix”</a></div>",
                    k + 1
                );
            }
            None => {
                let _ = write!(out, "<div class=\"hint\">Fix: {}</div>", t(h));
            }
        }
    }
    out.push_str("</li>");
}

const CLASSES: [&str; 5] = ["expected", "esp-default", "esp-custom", "unknown-tracker", "direct"];

fn links_table(out: &mut String, i: usize, m: &MessageReport) {
    if m.links.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<details class=\"links\" open><summary>All {} links</summary><fieldset class=\"filter\"><legend>Show</legend>\
         <label><input type=\"radio\" name=\"f{i}\" class=\"f-all\" checked> all</label>",
        m.links.len()
    );
    for c in CLASSES {
        let count = m.links.iter().filter(|l| l.class.as_str() == c).count();
        let _ =
            write!(out, "<label><input type=\"radio\" name=\"f{i}\" class=\"f-{c}\"> {c} ({count})</label>");
    }
    out.push_str(
        "</fieldset><table><thead><tr><th>kind</th><th>part</th><th>location</th><th>host</th><th>class</th>\
         <th>ESP</th><th>hops → destination</th></tr></thead><tbody>",
    );
    for l in &m.links {
        let hops: Vec<String> = l.hops.iter().map(|h| t(h.via)).collect();
        let dest = match (&l.destination, &l.note) {
            (Some(d), _) => {
                format!("<span class=\"url\" title=\"{}\">{}</span>", t(d), url(&sanitize::cut(d, CARD_URL)))
            }
            (None, Some(n)) => format!("<i>{}</i>", t(n)),
            (None, None) => "–".to_string(),
        };
        let route = if hops.is_empty() { dest } else { format!("{} → {dest}", hops.join(" → ")) };
        let _ = write!(
            out,
            "<tr class=\"c-{}\"><td>{}{}</td><td>{}</td><td>{}</td><td class=\"host\" title=\"{}\">{}</td>\
             <td><span class=\"cls {}\">{}</span></td><td>{}</td><td>{route}</td></tr>",
            l.class.as_str(),
            t(l.kind.as_str()),
            if l.mso { " <small>(Outlook)</small>" } else { "" },
            t(&l.part),
            location(l),
            t(&l.url),
            host(l.host.as_deref().unwrap_or("–")),
            l.class.as_str(),
            l.class.as_str(),
            t(l.esp.as_deref().unwrap_or("–")),
        );
    }
    out.push_str("</tbody></table></details>");
}

/// A checked tracking domain: its facts and findings.
fn domain(out: &mut String, d: &crate::domain::DomainReport) {
    let (class, _) = verdict(d.worst());
    let _ = write!(
        out,
        "<section class=\"msg {class}\"><h2>Tracking domain {}</h2><dl class=\"facts\">",
        t(&d.host)
    );
    for (label, text) in d.facts() {
        let _ = write!(out, "<dt>{label}</dt><dd class=\"u\">{}</dd>", t(&text));
    }
    out.push_str("</dl><div class=\"findings\">");
    if d.findings.is_empty() {
        out.push_str("<p class=\"clean\">✔ No findings.</p>");
    } else {
        out.push_str("<ul class=\"loose\">");
        for f in &d.findings {
            finding(out, f, None);
        }
        out.push_str("</ul>");
    }
    out.push_str("</div></section>\n");
}

fn batch(out: &mut String, report: &Report) {
    if !report.batch_findings.is_empty() {
        out.push_str("<section class=\"batch\"><h2>Across messages</h2><ul>");
        for b in &report.batch_findings {
            finding(out, &b.finding, None);
        }
        out.push_str("</ul></section>");
    }
    if !report.errors.is_empty() {
        out.push_str("<section class=\"errors\"><h2>Unreadable inputs</h2><ul>");
        for e in &report.errors {
            let _ = write!(out, "<li><code>{}</code>: {}</li>", t(&e.source), t(&e.message));
        }
        out.push_str("</ul></section>");
    }
}

#[cfg(test)]
mod tests {
    use super::{escape, render, Page};
    use crate::report::Report;
    use crate::Options;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
    }

    fn page(fixture: &str) -> String {
        let path = format!("{}/fixtures/{fixture}", env!("CARGO_MANIFEST_DIR"));
        let raw = std::fs::read(&path).unwrap_or_default();
        let expect = vec!["track.example.com".to_string()];
        let opts = Options { expect: expect.clone(), previews: true, ..Options::default() };
        let report = Report::new(vec![crate::audit(&raw, &opts)], Vec::new());
        render(&report, &Page { expect: &expect, redact: false })
    }

    /// Issue 17, item 10: a thousand-character URL is cut on its card, whole on hover and under
    /// a disclosure; the shared fix is said once; links outside the HTML part say they are not
    /// in the preview; hosts break only at their dots.
    #[test]
    fn cards_are_readable() {
        let html = page("html/long-urls.eml");
        let card = html
            .split("<li id=\"m0-n1\"")
            .nth(1)
            .and_then(|c| c.split("</li></ul></li>").next())
            .unwrap_or("");
        let shown = card
            .split("<code class=\"url\" title=\"")
            .nth(1)
            .and_then(|c| c.split("</code>").next())
            .unwrap_or("");
        let (title, text) = shown.split_once("\">").unwrap_or_default();
        assert!(title.len() > 990 && title.ends_with("-2FlOnG"), "{title}");
        let text = text.replace("<wbr>", "");
        assert!(text.chars().count() <= super::CARD_URL && text.contains('…'), "{text}");
        assert!(
            card.contains("<details class=\"whole\"><summary>whole URL (998 characters)</summary>"),
            "{card}"
        );
        assert!(card.contains("in the text part, not shown in the preview"), "{card}");
        // The LA201 fix, shared by both links: once under "How to fix", referred to by the cards.
        let fix = "Link Branding (app.sendgrid.com/settings/sender_auth), or POST";
        assert_eq!(html.matches(fix).count(), 2, "the LA201 fix and LA207's own");
        assert!(html.contains("<h3>How to fix</h3><ul class=\"fixes\"><li id=\"m0-fix1\"><b>LA201</b>:"));
        assert_eq!(html.matches("Fix: <a href=\"#m0-fix1\">under “How to fix”</a>").count(), 2);
        assert!(
            html.contains("<td class=\"host\">u1234567.<wbr>ct.<wbr>sendgrid.<wbr>net</td>"),
            "hosts break at dots"
        );

        let quick = page("quickstart/newsletter.eml");
        assert!(quick.contains("header List-Unsubscribe; a header, not shown in the preview"));
        assert!(quick.contains("style=\"height:"), "the frame starts at the guessed height");
        assert!(!quick.contains("height:760px") && !super::STYLE.contains("break-all"));
    }
}
