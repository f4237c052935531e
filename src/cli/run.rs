//! CLI: the audit command — the inputs and the parallel batch (rayon, in chunks so output streams
//! in input order and memory stays bounded). Its settings come from [`super::settings`], its
//! output and exit code from [`super::sink`].

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use linkaudit::input::mbox::MboxReader;
use linkaudit::input::InputError;
use linkaudit::report::MessageReport;
use linkaudit::Options;
use rayon::prelude::*;

use super::args::{AuditArgs, Format};
use super::inputs::{self, Input};
use super::output::Exit;
use super::settings::{config_fail_on, load_config, options, threshold};
use super::sink::{rendered, Prerender, Sink};

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
    if let Some(note) = inputs::skipped_text(&skipped).filter(|_| !args.common.quiet) {
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
    /// A `.txt` (or non-Outlook `.msg`) found in a folder that is not an email (see
    /// [`Input::may_skip`]), and why.
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

fn audit_input(input: &Input, opts: &Options, render: Option<Prerender>) -> Named {
    let name = input.name();
    // One byte over the limit is enough for the audit to report the input as cut.
    let mut read = 0;
    let result = match input.read_unless_mbox(opts.limits.max_input_bytes.saturating_add(1)) {
        Ok(Some(bytes)) => {
            read = bytes.len() as u64;
            match linkaudit::audit_all(&name, &bytes, opts) {
                Ok(reports) => Audited::Reports(reports.into_iter().map(|m| rendered(m, render)).collect()),
                Err(e) if input.may_skip(&bytes) => Audited::Skipped(e.to_string()),
                Err(e) => Audited::Failed(e.to_string()),
            }
        }
        Ok(None) => Audited::Mbox,
        Err(e) => Audited::Failed(read_error(&e)),
    };
    Named { name, result, bytes: read }
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

pub(crate) fn read_error(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "is a folder".into(),
        _ => e.to_string(),
    }
}
