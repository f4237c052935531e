//! Report: the one renderer interface — every output format behind begin / message / finish (as
//! lychee's formatters and ruff's emitters), and the one place a format is dispatched to its
//! renderer. The audit, watch and domain commands all render through it, so a new format is
//! added here once and every `match` over formats is exhaustive.

use super::{concise, github, html, json, json_lines, junit, markdown, sarif, text};
use super::{MessageReport, Report};
use crate::finding::Severity;

/// Every output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Grouped per message, with locations, URLs and hints.
    Text,
    /// One line per finding: `path:LINE:COL: CODE [severity] message`.
    Concise,
    /// The JSON contract.
    Json,
    /// One JSON object per line.
    JsonLines,
    /// JUnit XML.
    Junit,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions annotations.
    Github,
    /// Markdown tables.
    Markdown,
    /// One self-contained HTML page.
    Html,
}

impl Format {
    /// Written message by message as the run goes (line formats and JSON); the others are one
    /// document that needs the whole run.
    pub fn streams(self) -> bool {
        matches!(self, Format::Text | Format::Concise | Format::Json | Format::JsonLines | Format::Github)
    }
}

/// What a worker thread needs to render one message's body: the format and its colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// The format.
    pub format: Format,
    /// ANSI colours (text only).
    pub color: bool,
}

impl Style {
    /// One message's output in a streaming format, without what depends on the messages before
    /// it (the text format's blank line, the JSON separator); empty for whole-document formats.
    pub fn message(self, m: &MessageReport) -> String {
        match self.format {
            Format::Text => text::render_message(m, self.color),
            Format::Concise => concise::render_message(m),
            Format::Json => json::Stream::body(m),
            Format::JsonLines => json_lines::render_message(m),
            Format::Github => github::render_message(m),
            Format::Junit | Format::Sarif | Format::Markdown | Format::Html => String::new(),
        }
    }
}

/// Settings every renderer may read.
#[derive(Debug, Clone, Copy, Default)]
pub struct Settings<'a> {
    /// `--fail-on`: the severity JUnit counts as a failure.
    pub fail_on: Option<Severity>,
    /// The expected tracking hosts (the HTML page shows them).
    pub expect: &'a [String],
    /// `--redact` (the HTML previews mask their text too).
    pub redact: bool,
}

/// A run's renderer: [`Renderer::message`] for each message as it is audited, then
/// [`Renderer::finish`] once with the whole report.
#[derive(Debug)]
pub struct Renderer {
    style: Style,
    fail_on: Option<Severity>,
    expect: Vec<String>,
    redact: bool,
    first: bool,
    json: json::Stream,
    /// HTML sections, rendered as messages arrive (the page needs the whole run).
    sections: Vec<String>,
    messages: usize,
}

/// One message's output: what goes before it (the JSON opening, a separator) and its body.
#[derive(Debug, Default)]
pub struct Piece {
    /// Opening and separator.
    pub before: String,
    /// The message itself.
    pub body: String,
}

impl Renderer {
    /// A renderer for one run.
    pub fn new(style: Style, settings: Settings<'_>) -> Renderer {
        Renderer {
            style,
            fail_on: settings.fail_on,
            expect: settings.expect.to_vec(),
            redact: settings.redact,
            first: true,
            json: json::Stream::default(),
            sections: Vec::new(),
            messages: 0,
        }
    }

    /// The style worker threads render message bodies with.
    pub fn style(&self) -> Style {
        self.style
    }

    /// Takes one message. A streaming format gets its output to write now (`body` when a worker
    /// rendered it already); a whole-document format keeps what it needs (the HTML section, after
    /// which the previews are dropped) and gets `None`.
    pub fn message(&mut self, m: &mut MessageReport, body: Option<String>) -> Option<Piece> {
        let index = self.messages;
        self.messages += 1;
        if self.style.format == Format::Html {
            let page = html::Page { expect: &self.expect, redact: self.redact };
            self.sections.push(html::section(index, m, &page));
            m.previews = Vec::new();
        }
        if !self.style.format.streams() {
            return None;
        }
        let body = body.unwrap_or_else(|| self.style.message(m));
        let mut before = String::new();
        if self.first && self.style.format == Format::Json {
            before.push_str(&self.json.begin());
        }
        match self.style.format {
            Format::Text if !self.first => before.push('\n'),
            Format::Json => before.push_str(self.json.separator()),
            _ => {}
        }
        self.first = false;
        Some(Piece { before, body })
    }

    /// What follows the messages: batch findings, errors, domains and the summary — or, for a
    /// whole-document format, the document.
    pub fn finish(&mut self, report: &Report) -> String {
        let (fail_on, redact) = (self.fail_on, self.redact);
        match self.style.format {
            Format::Text => text::render_tail(report, self.style.color),
            Format::Concise => concise::render_tail(report),
            Format::JsonLines => json_lines::render_tail(report),
            Format::Github => github::render_tail(report),
            // The messages are written already; a run without any gets the opening here.
            Format::Json if self.first => self.json.begin() + &self.json.end(report),
            Format::Json => self.json.end(report),
            Format::Junit => junit::render(report, fail_on),
            Format::Sarif => sarif::render(report),
            Format::Markdown => markdown::render(report),
            Format::Html => {
                html::assemble(report, &self.sections, &html::Page { expect: &self.expect, redact })
            }
        }
    }
}

/// A whole report at once, in `style` (the domain command, and libraries that hold the report).
pub fn render(report: &Report, style: Style, settings: Settings<'_>) -> String {
    let Settings { fail_on, expect, redact } = settings;
    match style.format {
        Format::Text => text::render(report, style.color),
        Format::Concise => concise::render(report),
        Format::Json => json::render(report),
        Format::JsonLines => json_lines::render(report),
        Format::Junit => junit::render(report, fail_on),
        Format::Sarif => sarif::render(report),
        Format::Github => github::render(report),
        Format::Markdown => markdown::render(report),
        Format::Html => html::render(report, &html::Page { expect, redact }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Format; 9] = [
        Format::Text,
        Format::Concise,
        Format::Json,
        Format::JsonLines,
        Format::Junit,
        Format::Sarif,
        Format::Github,
        Format::Markdown,
        Format::Html,
    ];

    /// Streaming a run message by message gives what rendering the whole report gives.
    #[test]
    fn streamed_equals_whole() {
        let raw = b"From: a@example.com\r\nSubject: s\r\nContent-Type: text/html\r\n\r\n<a href=\"https://u1.ct.sendgrid.net/ls/click?upn=x\">x</a>\r\n";
        let opts = crate::options::Options {
            previews: true,
            ..crate::options::Options::expecting(["track.example.com"])
        };
        let expect = opts.expect.clone();
        for n in [0usize, 1, 3] {
            let messages: Vec<MessageReport> = (0..n).map(|_| crate::audit(raw, &opts)).collect();
            let report = Report::new(messages.clone(), Vec::new());
            for format in ALL {
                let style = Style { format, color: false };
                let settings = Settings { fail_on: Some(Severity::Warning), expect: &expect, redact: false };
                let mut r = Renderer::new(style, settings);
                let mut out = String::new();
                for mut m in messages.clone() {
                    if let Some(p) = r.message(&mut m, None) {
                        out.push_str(&p.before);
                        out.push_str(&p.body);
                    }
                }
                out.push_str(&r.finish(&report));
                assert_eq!(out, render(&report, style, settings), "{format:?} with {n} messages");
            }
        }
    }
}
