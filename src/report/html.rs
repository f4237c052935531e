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
        outlined.extend(rendered.outlined);
        outlook.extend(rendered.outlook);
        // A rebuilt message (an Outlook .msg) says which property the part came from.
        let origin = m.parts.iter().find(|x| x.part == p.part).and_then(|x| x.origin);
        let kind = origin.map_or_else(|| "text/html".to_string(), |o| format!("text/html, {}", t(o)));
        let _ = write!(
            out,
            "<figure><figcaption>Part {} ({kind}) — images and pixels are not loaded, links are \
             not followed</figcaption><iframe sandbox=\"allow-same-origin\" referrerpolicy=\"no-referrer\" loading=\"eager\" \
             title=\"Preview of part {}\" srcdoc=\"{}\"></iframe></figure>",
            t(&p.part),
            t(&p.part),
            escape(&rendered.html)
        );
    }
    out.push_str("</div><div class=\"findings\">");
    findings_list(out, i, &numbered, &loose, &outlined, &outlook);
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
                "<tr><td>{}</td><td class=\"u\">{}{selector}</td><td>{}</td><td>{aligned}</td></tr>",
                r.role.label(),
                t(&r.domain),
                t(r.org.as_deref().unwrap_or("–")),
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

fn findings_list(
    out: &mut String,
    i: usize,
    numbered: &[Numbered<'_>],
    loose: &[&Finding],
    outlined: &BTreeSet<usize>,
    outlook: &BTreeSet<usize>,
) {
    if numbered.is_empty() && loose.is_empty() {
        out.push_str("<p class=\"clean\">✔ No findings.</p>");
        return;
    }
    if !loose.is_empty() {
        out.push_str("<h3>About the message</h3><ul class=\"loose\">");
        for f in loose {
            finding(out, f);
        }
        out.push_str("</ul>");
    }
    if numbered.is_empty() {
        return;
    }
    out.push_str("<h3>Links with findings</h3><ol class=\"numbered\">");
    for n in numbered {
        let l = n.link;
        let (code, shown) = if outlined.contains(&n.number) {
            ("preview", "outlined in the preview")
        } else if outlook.contains(&n.number) {
            ("outlook", "Outlook-only (VML in a conditional comment): a dashed box marks where it is")
        } else {
            match l.kind {
                Kind::Header => ("header", "in the message header, not in the preview"),
                Kind::Text => ("text", "in the plain-text part"),
                Kind::Css => ("css", "in a style sheet: nothing to outline"),
                Kind::Amp => ("amp", "in the AMP part (not previewed)"),
                _ => ("none", "not drawn in the preview"),
            }
        };
        let _ = write!(
            out,
            "<li id=\"m{i}-n{}\" class=\"sev-{}\" data-shown=\"{code}\"><span class=\"num\">{}</span> \
             <code class=\"u\">{}</code><div class=\"where\">{} {} — {}; {shown}</div><ul>",
            n.number,
            n.worst().as_str(),
            n.number,
            t(&l.url),
            t(l.kind.as_str()),
            t(l.element.as_deref().unwrap_or("")),
            location(l),
        );
        for f in &n.findings {
            finding(out, f);
        }
        out.push_str("</ul></li>");
    }
    out.push_str("</ol>");
}

fn finding(out: &mut String, f: &Finding) {
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
        let _ = write!(out, "<div class=\"hint\">Fix: {}</div>", t(h));
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
            (Some(d), _) => format!("<span class=\"u\">{}</span>", t(d)),
            (None, Some(n)) => format!("<i>{}</i>", t(n)),
            (None, None) => "–".to_string(),
        };
        let route = if hops.is_empty() { dest } else { format!("{} → {dest}", hops.join(" → ")) };
        let _ = write!(
            out,
            "<tr class=\"c-{}\"><td>{}{}</td><td>{}</td><td>{}</td><td class=\"u\" title=\"{}\">{}</td>\
             <td><span class=\"cls {}\">{}</span></td><td>{}</td><td>{route}</td></tr>",
            l.class.as_str(),
            t(l.kind.as_str()),
            if l.mso { " <small>(Outlook)</small>" } else { "" },
            t(&l.part),
            location(l),
            t(&l.url),
            t(l.host.as_deref().unwrap_or("–")),
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
            finding(out, f);
        }
        out.push_str("</ul>");
    }
    out.push_str("</div></section>\n");
}

fn batch(out: &mut String, report: &Report) {
    if !report.batch_findings.is_empty() {
        out.push_str("<section class=\"batch\"><h2>Across messages</h2><ul>");
        for b in &report.batch_findings {
            finding(out, &b.finding);
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
    use super::escape;

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
    }
}
