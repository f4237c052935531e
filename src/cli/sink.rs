//! CLI: where an audit's reports go — the sink that takes each message as the batch yields it
//! (redacting, tallying, rendering through the report's one renderer interface, writing), checks
//! the expected domains when asked (`--check-dns`), and ends the run with its exit code.

use std::io::IsTerminal;

use linkaudit::report::format::{Renderer, Settings, Style};
use linkaudit::report::tally::Tally;
use linkaudit::report::{self, InputFailure, MessageReport, Report};
use linkaudit::{Options, Severity};

use super::args::{AuditArgs, ColorWhen, Format};
use super::inputs;
use super::output::{Exit, Writer};

/// How a worker thread renders a message for a streaming format, so that rendering (a third of
/// the work for large messages) runs in parallel too and the main thread only writes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Prerender {
    style: Style,
    redact: bool,
}

/// The report with its output when the worker renders: redacted first when asked to, and
/// without what depends on the messages before it (the text format's blank line, the JSON
/// separator).
pub(super) fn rendered(mut m: MessageReport, render: Option<Prerender>) -> (MessageReport, Option<String>) {
    let text = render.map(|r| {
        if r.redact {
            report::redact::message(&mut m);
        }
        r.style.message(&m)
    });
    (m, text)
}

/// Where reports go: streamed for line formats, collected for whole-document ones.
pub(super) struct Sink {
    format: Format,
    redact: bool,
    /// `-q`: no notes.
    quiet: bool,
    threshold: Option<Severity>,
    writer: Writer,
    /// The messages a whole-document format renders at the end.
    collected: Vec<MessageReport>,
    tally: Tally,
    renderer: Renderer,
    /// More than one worker thread: workers render and writing overlaps auditing.
    pub(super) parallel: bool,
    /// Files found in folders that were not messages.
    skipped: usize,
    /// Tracking hosts to check (`--check-dns`).
    #[cfg(feature = "network")]
    targets: Option<super::domain_cmd::Targets>,
}

impl Sink {
    pub(super) fn new(
        args: &AuditArgs,
        threshold: Option<Severity>,
        expect: Vec<String>,
        parallel: bool,
    ) -> Sink {
        let color = matches!(args.format, Format::Text)
            && match args.color {
                ColorWhen::Always => true,
                ColorWhen::Never => false,
                ColorWhen::Auto => {
                    args.output.is_none()
                        && std::io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                        && std::env::var("TERM").map_or(true, |t| t != "dumb")
                }
            };
        Sink {
            format: args.format,
            redact: args.common.redact,
            quiet: args.common.quiet,
            threshold,
            writer: Writer::new(args.output.as_deref()),
            collected: Vec::new(),
            tally: Tally::default(),
            renderer: Renderer::new(
                Style { format: args.format.into(), color },
                Settings { fail_on: threshold, expect: &expect, redact: args.common.redact },
            ),
            #[cfg(feature = "network")]
            targets: args.check_dns.then(|| super::domain_cmd::Targets::expected(&expect)),
            parallel,
            skipped: 0,
        }
    }

    pub(super) fn streaming(&self) -> bool {
        self.renderer.style().format.streams()
    }

    pub(super) fn failure(&mut self, source: String, message: String) {
        let show = report::sanitize::display;
        eprintln!("linkaudit: error: {}: {}", show(&source), show(&message));
        self.tally.error(InputFailure { source, message });
    }

    /// A file found in a folder that turned out not to be a message: a note, not an error.
    pub(super) fn skipped(&mut self, source: String, why: String) {
        if !self.quiet {
            eprintln!("linkaudit: note: {source}: skipped, {why}");
        }
        self.skipped += 1;
    }

    /// How workers render messages for this sink, if they should: with more than one thread,
    /// for the streaming formats, and not when `--check-dns` must see the hosts before
    /// `--redact` hides them.
    pub(super) fn prerender(&self) -> Option<Prerender> {
        if !self.parallel || !self.streaming() {
            return None;
        }
        #[cfg(feature = "network")]
        if self.redact && self.targets.is_some() {
            return None;
        }
        Some(Prerender { style: self.renderer.style(), redact: self.redact })
    }

    /// Takes one message's report; `rendered` is its output from [`Sink::prerender`]'s renderer
    /// (already redacted), or `None` to render it here.
    pub(super) fn message(&mut self, mut m: MessageReport, rendered: Option<String>) -> Result<(), Exit> {
        #[cfg(feature = "network")]
        if let Some(t) = self.targets.as_mut() {
            t.add(&m);
        }
        if self.redact && rendered.is_none() {
            report::redact::message(&mut m);
        }
        self.tally.message(&m);
        match self.renderer.message(&mut m, rendered) {
            Some(piece) => {
                if !piece.before.is_empty() {
                    self.writer.write(&piece.before)?;
                }
                self.writer.write(&piece.body)
            }
            None => {
                self.collected.push(m);
                Ok(())
            }
        }
    }

    pub(super) fn finish(mut self, args: &AuditArgs, opts: &Options) -> Exit {
        #[cfg(feature = "network")]
        let domains = match self.targets.take().map(|t| t.check(&args.net, opts)) {
            Some(Ok(mut d)) => {
                if self.redact {
                    d.iter_mut().for_each(report::redact::domain);
                }
                d
            }
            Some(Err(e)) => {
                eprintln!("linkaudit: error: {e}");
                return Exit::Error;
            }
            None => Vec::new(),
        };
        #[cfg(not(feature = "network"))]
        let (domains, _, _) = (Vec::new(), args, opts);
        let nothing_audited = self.tally.messages() == 0;
        let (rest, worst) = std::mem::take(&mut self.tally).finish(self.redact);
        let report = Report { messages: std::mem::take(&mut self.collected), ..rest }.with_domains(domains);
        // Nothing was audited: the errors on stderr say it all.
        let quiet = nothing_audited && matches!(self.format, Format::Text | Format::Concise);
        let text = if quiet { String::new() } else { self.renderer.finish(&report) };
        if let Err(code) = self.writer.write(&text) {
            return code;
        }
        if let Err(code) = self.writer.finish() {
            return code;
        }
        if let Some(path) = args.output.as_ref().filter(|_| !args.common.quiet) {
            let s = &report.summary;
            eprintln!(
                "linkaudit: wrote {} ({} report: {} message{}, {} error{}, {} warning{}, {} info)",
                path.display(),
                format_name(self.format),
                s.messages,
                if s.messages == 1 { "" } else { "s" },
                s.errors,
                if s.errors == 1 { "" } else { "s" },
                s.warnings,
                if s.warnings == 1 { "" } else { "s" },
                s.infos,
            );
        }
        if !report.errors.is_empty() || report.domains.iter().any(|d| d.incomplete()) {
            return Exit::Error;
        }
        // A gate that audited nothing must not pass: a wrong path, an artifact folder that was
        // not downloaded, a folder of files of another kind.
        if nothing_audited {
            let looked = args.paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ");
            let mut why = format!("looked for {} files", inputs::extensions_text());
            if self.skipped > 0 {
                why.push_str(&format!(
                    "; {} .txt file{} skipped as not an email",
                    self.skipped,
                    if self.skipped == 1 { "" } else { "s" }
                ));
            }
            eprintln!("linkaudit: error: no messages found in {looked} ({why})");
            return Exit::Error;
        }
        let domain_worst = report.domains.iter().filter_map(|d| d.worst()).max();
        let worst = worst.max(domain_worst);
        if self.threshold.is_some_and(|t| worst.is_some_and(|w| w >= t)) {
            Exit::Findings
        } else {
            Exit::Clean
        }
    }
}

/// The `--format` value's name.
fn format_name(format: Format) -> String {
    use clap::ValueEnum;
    format.to_possible_value().map_or_else(String::new, |v| v.get_name().to_string())
}
