//! CLI: the audit command — config, inputs, a parallel batch (rayon, in chunks so output streams
//! in input order and memory stays bounded), rendering, exit code.

use std::io::IsTerminal;
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressStyle};
use linkaudit::input::mbox::MboxReader;
use linkaudit::input::InputError;
use linkaudit::report::format::{Renderer, Settings, Style};
use linkaudit::report::tally::Tally;
use linkaudit::report::{self, InputFailure, MessageReport, Report};
use linkaudit::{Limits, Options, Severity};
use rayon::prelude::*;

use super::args::{AuditArgs, ColorWhen, CommonArgs, FailOn, Format, LimitArgs};
use super::config::{self, Config};
use super::inputs::{self, Input};
use super::output::{Exit, Writer};

/// Inputs (or mbox messages) audited together at most; a chunk is written while the next one is
/// audited.
const CHUNK: usize = 64;
/// Bytes of input a chunk holds at most (more than one input or message, whatever their size).
/// Many small messages per chunk keep the threads busy; few large ones keep memory and the
/// writer's latency down (a chunk's reports and outputs are held until it is written).
const CHUNK_BYTES: u64 = 2 << 20;
/// Runs with more inputs than this show a progress bar on a terminal.
const PROGRESS_FROM: usize = 8;

/// Runs an audit; returns the exit status.
pub fn run(args: &AuditArgs) -> Exit {
    if args.paths.is_empty() {
        eprintln!("linkaudit: error: no input: give a message file, a folder, an mbox or - for standard input (see --help)");
        return Exit::Error;
    }
    if args.format == Format::Html && args.output.is_none() && std::io::stdout().is_terminal() {
        eprintln!("linkaudit: warning: -f html prints a whole web page here; write it to a file with -o report.html and open that");
    }
    let config = match load_config(&args.common) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("linkaudit: error: {e}");
            return Exit::Error;
        }
    };
    let opts = match options(&args.common, &args.limits, &config) {
        Ok(o) => Options { previews: args.format == Format::Html, ..o },
        Err(e) => {
            eprintln!("linkaudit: error: {e}");
            return Exit::Error;
        }
    };
    let from_config = config_fail_on(&config);
    let threshold = threshold(args.common.fail_on, from_config);
    let mut failures: Vec<(String, String)> = Vec::new();
    let inputs::Expanded { inputs, skipped } = inputs::expand(&args.paths, &mut failures);
    let pool = match rayon::ThreadPoolBuilder::new().num_threads(args.threads.unwrap_or(0)).build() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("linkaudit: error: cannot start worker threads: {e}");
            return Exit::Error;
        }
    };
    let progress = progress_bar(args, inputs.len());
    let mut sink = Sink::new(args, threshold, opts.expect.clone(), pool.current_num_threads() > 1);
    for (source, message) in failures.drain(..) {
        sink.failure(source, message);
    }
    let render = sink.prerender();
    // With more than one thread, chunk k is written while chunk k + 1 is audited: the writing (in
    // input order) overlaps the auditing instead of leaving the workers idle.
    let overlap = sink.parallel;
    let mut written: Option<(&[Input], Vec<Named>)> = None;
    let mut rest: &[Input] = &inputs;
    // The chunk's length follows the inputs' sizes (see CHUNK_BYTES), learnt as they are read.
    let mut len = 16;
    loop {
        let (chunk, tail) = rest.split_at(len.min(rest.len()));
        rest = tail;
        let chunk = (!chunk.is_empty()).then_some(chunk);
        let audit = || -> Option<Vec<Named>> {
            chunk.map(|c| c.par_iter().map(|input| audit_input(input, &opts, render)).collect())
        };
        let write = || written.take().map_or(Ok(()), |(c, r)| emit(c, r, &opts, &pool, &mut sink, &progress));
        let (audited, emitted) = overlapped(&pool, overlap, audit, write);
        if let Err(code) = emitted {
            progress.finish_and_clear();
            return code;
        }
        if let Some(results) = &audited {
            let bytes: u64 = results.iter().map(|r| r.bytes).sum();
            let per_input = (bytes / results.len().max(1) as u64).max(1);
            len = (CHUNK_BYTES / per_input).clamp(4, CHUNK as u64) as usize;
        }
        written = chunk.zip(audited);
        if written.is_none() {
            break;
        }
    }
    progress.finish_and_clear();
    if let Some(note) = inputs::skipped_text(&skipped) {
        eprintln!("linkaudit: note: {note}");
    }
    sink.finish(args, &opts)
}

/// Runs `audit` (the next chunk) and `write` (the chunk before): at once on the pool when
/// `overlap`, else `write` first, so one thread holds one chunk at a time.
fn overlapped<A: Send, W: Send>(
    pool: &rayon::ThreadPool,
    overlap: bool,
    audit: impl FnOnce() -> A + Send,
    write: impl FnOnce() -> W + Send,
) -> (A, W) {
    if overlap {
        pool.install(|| rayon::join(audit, write))
    } else {
        let written = write();
        (pool.install(audit), written)
    }
}

/// Writes one audited chunk, in input order (an mbox is streamed from here).
fn emit(
    chunk: &[Input],
    results: Vec<Named>,
    opts: &Options,
    pool: &rayon::ThreadPool,
    sink: &mut Sink,
    progress: &ProgressBar,
) -> Result<(), Exit> {
    for (Named { name, result, .. }, input) in results.into_iter().zip(chunk) {
        match result {
            Audited::Reports(reports) => {
                reports.into_iter().try_for_each(|(m, text)| sink.message(m, text))?
            }
            Audited::Failed(message) => sink.failure(name, message),
            Audited::Skipped(why) => sink.skipped(name, why),
            Audited::Mbox => stream_mbox(input, &name, opts, pool, sink)?,
        }
        progress.inc(1);
    }
    Ok(())
}

/// One input as a worker left it.
struct Named {
    /// The name reports use.
    name: String,
    result: Audited,
    /// Bytes read (0 for an mbox, which is streamed later).
    bytes: u64,
}

/// What a worker made of one input.
enum Audited {
    /// The reports, each with its output when the worker rendered it (see [`Prerender`]).
    Reports(Vec<(MessageReport, Option<String>)>),
    Failed(String),
    /// A `.txt` found in a folder that is not an email (see [`Input::may_skip`]), and why.
    Skipped(String),
    /// An mbox: streamed by the main loop with [`stream_mbox`], in order.
    Mbox,
}

/// Audits the messages of an mbox as they are read, a chunk at a time in parallel: memory holds
/// one chunk of messages whatever the size of the file, and reports keep the file's order.
fn stream_mbox(
    input: &Input,
    source: &str,
    opts: &Options,
    pool: &rayon::ThreadPool,
    sink: &mut Sink,
) -> Result<(), Exit> {
    let reader = match input.open() {
        Ok(r) => r,
        Err(e) => {
            sink.failure(source.to_string(), read_error(&e));
            return Ok(());
        }
    };
    let mut messages = MboxReader::new(reader).with_cap(opts.limits.max_input_bytes.saturating_add(1));
    let mut any = false;
    let render = sink.prerender();
    // The reports of the batch before, written while this one is audited.
    let mut pending: Vec<(MessageReport, Option<String>)> = Vec::new();
    loop {
        let mut batch = Vec::with_capacity(CHUNK);
        let mut bytes = 0;
        let mut failed = None;
        for m in messages.by_ref() {
            match m {
                Ok(m) => {
                    bytes += m.bytes.len() as u64;
                    batch.push(m);
                }
                Err(e) => {
                    failed = Some(read_error(&e));
                    break;
                }
            }
            if batch.len() == CHUNK || bytes >= CHUNK_BYTES {
                break;
            }
        }
        let overlap = sink.parallel;
        let audit = || -> Vec<_> {
            let audit = |raw| rendered(linkaudit::audit_message(source, raw, opts), render);
            batch.par_iter().map(audit).collect()
        };
        let write =
            || std::mem::take(&mut pending).into_iter().try_for_each(|(m, text)| sink.message(m, text));
        let (reports, written) = overlapped(pool, overlap, audit, write);
        written?;
        pending = reports;
        if batch.is_empty() || failed.is_some() {
            for (m, text) in std::mem::take(&mut pending) {
                sink.message(m, text)?;
            }
            match failed {
                Some(message) => sink.failure(source.to_string(), message),
                None if !any => {
                    sink.failure(source.to_string(), InputError::mbox_without_messages().to_string())
                }
                None => {}
            }
            return Ok(());
        }
        any = true;
    }
}

/// The failure threshold: the flag, else the config's, else error.
pub(crate) fn threshold(flag: Option<FailOn>, config: Option<FailOn>) -> Option<Severity> {
    match flag.or(config).unwrap_or(FailOn::Error) {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    }
}

/// The config's fail-on value.
pub(crate) fn config_fail_on(config: &Config) -> Option<FailOn> {
    match config.fail_on.as_deref() {
        Some("error") => Some(FailOn::Error),
        Some("warning") => Some(FailOn::Warning),
        Some("info") => Some(FailOn::Info),
        Some("never") => Some(FailOn::Never),
        _ => None,
    }
}

fn audit_input(input: &Input, opts: &Options, render: Option<Prerender>) -> Named {
    let name = input.name();
    // One byte over the limit is enough for the audit to report the input as cut.
    let mut read = 0;
    let result = match input.read_unless_mbox(opts.limits.max_input_bytes.saturating_add(1)) {
        Ok(Some(bytes)) => {
            read = bytes.len() as u64;
            match linkaudit::audit_all(&name, &bytes, opts) {
                Ok(reports) => Audited::Reports(reports.into_iter().map(|m| rendered(m, render)).collect()),
                Err(e) if input.may_skip() => Audited::Skipped(e.to_string()),
                Err(e) => Audited::Failed(e.to_string()),
            }
        }
        Ok(None) => Audited::Mbox,
        Err(e) => Audited::Failed(read_error(&e)),
    };
    Named { name, result, bytes: read }
}

/// How a worker thread renders a message for a streaming format, so that rendering (a third of
/// the work for large messages) runs in parallel too and the main thread only writes.
#[derive(Debug, Clone, Copy)]
struct Prerender {
    style: Style,
    redact: bool,
}

/// The report with its output when the worker renders: redacted first when asked to, and
/// without what depends on the messages before it (the text format's blank line, the JSON
/// separator).
fn rendered(mut m: MessageReport, render: Option<Prerender>) -> (MessageReport, Option<String>) {
    let text = render.map(|r| {
        if r.redact {
            report::redact::message(&mut m);
        }
        r.style.message(&m)
    });
    (m, text)
}

pub(crate) fn load_config(args: &CommonArgs) -> Result<Config, String> {
    if args.no_config {
        return Ok(Config::default());
    }
    let path = match &args.config {
        Some(p) => Some(p.clone()),
        None => std::env::current_dir().ok().and_then(|d| config::discover(&d)),
    };
    match path {
        Some(p) => config::load(&p),
        None => Ok(Config::default()),
    }
}

/// The audit's options from the flags and the config; `limits` are the `--max-*` flags (absent
/// for `linkaudit domain`, which audits no message).
pub(crate) fn options(args: &CommonArgs, limits: &LimitArgs, config: &Config) -> Result<Options, String> {
    let expect: Vec<&str> = if args.expect.is_empty() {
        config.expect.iter().map(String::as_str).collect()
    } else {
        args.expect.iter().flat_map(|e| e.split(',')).collect()
    };
    let mut opts = Options::expecting(expect);
    let d = Limits::default();
    let l = &config.limits;
    let mib = |m: usize| m.saturating_mul(1024 * 1024);
    opts.limits = Limits {
        max_input_bytes: limits.max_input_mb.or(l.max_input_mb).map_or(d.max_input_bytes, mib),
        max_depth: limits.max_depth.or(l.max_depth).unwrap_or(d.max_depth),
        max_parts: limits.max_parts.or(l.max_parts).unwrap_or(d.max_parts),
        max_header_fields: limits.max_header_fields.or(l.max_header_fields).unwrap_or(d.max_header_fields),
        max_part_bytes: limits.max_part_mb.or(l.max_part_mb).map_or(d.max_part_bytes, mib),
        max_links: limits.max_links.or(l.max_links).unwrap_or(d.max_links),
        max_unwrap_depth: limits.max_unwrap_depth.or(l.max_unwrap_depth).unwrap_or(d.max_unwrap_depth),
    };
    opts.rules.select = if args.select.is_empty() { config.select.clone() } else { args.select.clone() };
    opts.rules.ignore = config.ignore.iter().chain(&args.ignore).cloned().collect();
    for s in opts.rules.select.iter().chain(&opts.rules.ignore) {
        let known = linkaudit::rules::RULES.iter().any(|r| {
            r.name.eq_ignore_ascii_case(s)
                || (s.len() <= r.code.len() && r.code[..s.len()].eq_ignore_ascii_case(s))
        });
        if !known {
            return Err(format!("{s:?} matches no rule code, prefix or name (see `linkaudit rules`)"));
        }
    }
    opts.rules.severity = config.severity.clone();
    opts.rules.allow_hosts =
        config.allow_hosts.iter().map(|h| linkaudit::options::normalise_expect(h)).collect();
    if !config.esp.is_empty() {
        opts.catalog = Some(Arc::new(linkaudit::classify::Catalog::with_extra(&config.esp)?));
    }
    Ok(opts)
}

fn progress_bar(args: &AuditArgs, inputs: usize) -> ProgressBar {
    if args.no_progress || inputs <= PROGRESS_FROM || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(inputs as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} files · {elapsed} · eta {eta}") {
        bar.set_style(style);
    }
    bar
}

/// Where reports go: streamed for line formats, collected for whole-document ones.
struct Sink {
    format: Format,
    redact: bool,
    threshold: Option<Severity>,
    writer: Writer,
    /// The messages a whole-document format renders at the end.
    collected: Vec<MessageReport>,
    tally: Tally,
    renderer: Renderer,
    /// More than one worker thread: workers render and writing overlaps auditing.
    parallel: bool,
    /// Files found in folders that were not messages.
    skipped: usize,
    /// Tracking hosts to check (`--check-dns`).
    #[cfg(feature = "network")]
    targets: Option<super::domain_cmd::Targets>,
}

impl Sink {
    fn new(args: &AuditArgs, threshold: Option<Severity>, expect: Vec<String>, parallel: bool) -> Sink {
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

    fn streaming(&self) -> bool {
        self.renderer.style().format.streams()
    }

    fn failure(&mut self, source: String, message: String) {
        let show = report::sanitize::display;
        eprintln!("linkaudit: error: {}: {}", show(&source), show(&message));
        self.tally.error(InputFailure { source, message });
    }

    /// A file found in a folder that turned out not to be a message: a note, not an error.
    fn skipped(&mut self, source: String, why: String) {
        eprintln!("linkaudit: note: {source}: skipped, {why}");
        self.skipped += 1;
    }

    /// How workers render messages for this sink, if they should: with more than one thread,
    /// for the streaming formats, and not when `--check-dns` must see the hosts before
    /// `--redact` hides them.
    fn prerender(&self) -> Option<Prerender> {
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
    fn message(&mut self, mut m: MessageReport, rendered: Option<String>) -> Result<(), Exit> {
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

    fn finish(mut self, args: &AuditArgs, opts: &Options) -> Exit {
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
        if let Some(path) = &args.output {
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

pub(crate) fn read_error(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "is a folder".into(),
        _ => e.to_string(),
    }
}
