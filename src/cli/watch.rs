//! CLI: `linkaudit watch DIR` — audit every test send saved into a folder, the moment it lands.
//!
//! File-system events (notify, debounced) or polling (`--poll`) mark a file as pending. With
//! events, a file a writer still holds open (data written, no close or rename since) waits for
//! the writer to close it; then — and always with polling — it is read only once its size and
//! modification time have stayed the same for the settle time (`--settle`, 1 s: a writer that
//! closes the file between chunks pauses that long at most), so a file still being written or
//! copied is never read half-way. A file that changes while it is read gets no verdict (the new
//! version is audited once it settles), and is never moved. A file whose
//! content changes later is audited again; the same content is not. Each verdict is one line
//! (or one JSON object) on stdout — an mbox gets one summary line unless `--per-message` asks for
//! one per message — and with `--reports DIR`, `<name>.linkaudit.json` and `.txt` reports in DIR
//! that match a one-shot `linkaudit FILE --format json` / text run byte for byte. No report is
//! written by default: into the watched folder, a large mbox's would be as large as the mbox.

use std::collections::HashMap;
use std::fs;
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use linkaudit::input::mbox::MboxReader;
use linkaudit::input::InputError;
use linkaudit::report::{self, InputFailure, MessageReport};
use linkaudit::{Options, Severity};
use notify::{PollWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, new_debouncer_opt, DebounceEventResult, FileIdMap};

use super::args::{WatchArgs, WatchFormat};
use super::inputs::{open_regular, Input};
use super::output::Exit;
use super::run::read_error;
use super::settings::{config_fail_on, load_config, options, threshold};
use super::sidecar::Sidecars;
use super::verdict::{show, Verdicts};

/// A file a writer still holds open (modified, not yet closed) is read after this much quiet
/// anyway, for platforms and file systems that report no close events.
const WRITER_TIMEOUT: Duration = Duration::from_secs(3);
/// How often pending files are looked at.
const TICK: Duration = Duration::from_millis(20);

/// Runs the watch until Ctrl-C (exit 0), or until the folder disappears (exit 2).
pub fn run(args: &WatchArgs) -> Exit {
    #[cfg(feature = "network")]
    if let Some(url) = args.dir.to_str().filter(|s| super::imap::is_mailbox_url(s)) {
        return super::imap::run(args, url);
    }
    #[cfg(not(feature = "network"))]
    if args.dir.to_str().is_some_and(|s| s.starts_with("imap://") || s.starts_with("imaps://")) {
        return fail("watching a mailbox needs the `network` feature, which this build leaves out");
    }
    let config = match load_config(&args.common) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let opts = match options(&args.common, &args.limits, &config) {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
    let threshold = threshold(args.common.fail_on, config_fail_on(&config));
    if !args.dir.is_dir() {
        return fail(&format!("{}: not a folder", args.dir.display()));
    }
    for d in [&args.reports, &args.move_to_pass, &args.move_to_fail].into_iter().flatten() {
        if let Err(e) = fs::create_dir_all(d) {
            return fail(&format!("cannot create {}: {e}", d.display()));
        }
    }
    let verdicts = Verdicts::new(args.format, args.color, threshold);
    let canonical = args.dir.canonicalize().unwrap_or_else(|_| args.dir.clone());
    let mut state = Watch {
        args,
        canonical,
        opts,
        verdicts,
        audited: HashMap::new(),
        pending: HashMap::new(),
        unreadable: HashMap::new(),
        outcome: Exit::Clean,
    };

    // Start watching before the first scan, so nothing that lands in between is lost.
    let (tx, rx) = mpsc::channel::<DebounceEventResult>();
    let mode = if args.recursive { RecursiveMode::Recursive } else { RecursiveMode::NonRecursive };
    let debounce = Duration::from_millis(args.debounce);
    let _guard: Box<dyn std::any::Any> = if args.once {
        Box::new(())
    } else if args.poll {
        // notify compares modification times in whole seconds: compare contents too, or a file
        // replaced within the same second goes unseen.
        let config = notify::Config::default()
            .with_poll_interval(Duration::from_millis(args.poll_interval.max(10)))
            .with_compare_contents(true);
        match new_debouncer_opt::<_, PollWatcher, FileIdMap>(
            debounce,
            Some(TICK),
            tx,
            FileIdMap::new(),
            config,
        ) {
            Ok(mut d) => match d.watch(&args.dir, mode) {
                Ok(()) => Box::new(d),
                Err(e) => return fail(&format!("{}: cannot watch: {e}", args.dir.display())),
            },
            Err(e) => return fail(&format!("cannot start polling: {e}")),
        }
    } else {
        match new_debouncer(debounce, Some(TICK), tx) {
            Ok(mut d) => match d.watch(&args.dir, mode) {
                Ok(()) => Box::new(d),
                Err(e) => return fail(&format!("{}: cannot watch: {e}", args.dir.display())),
            },
            Err(e) => return fail(&format!("cannot watch: {e}")),
        }
    };
    if !args.new_only || args.once {
        for path in scan(&args.dir, args.recursive) {
            if let Err(code) = state.process(&path) {
                return code;
            }
        }
    }
    if args.once {
        // As a batch run: 2 when something could not be audited, else 1 for findings.
        return state.outcome;
    }
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        let _ = ctrlc::set_handler(move || stop.store(true, Ordering::SeqCst));
    }
    eprintln!("watching {} (Ctrl-C to stop)", args.dir.display());
    while !stop.load(Ordering::SeqCst) {
        match rx.recv_timeout(TICK) {
            Ok(Ok(events)) => {
                for e in events {
                    let writing = state.writing(&e.event.kind);
                    for p in &e.event.paths {
                        if let Err(code) = state.mark(p, writing) {
                            return code;
                        }
                    }
                }
            }
            Ok(Err(errors)) => {
                for e in errors {
                    eprintln!("linkaudit: warning: watch: {}", show(&e.to_string()));
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if !args.dir.is_dir() {
            return fail(&format!("{}: the watched folder disappeared", args.dir.display()));
        }
        if let Err(code) = state.settle() {
            return code;
        }
    }
    Exit::Clean
}

fn fail(message: &str) -> Exit {
    eprintln!("linkaudit: error: {message}");
    Exit::Error
}

/// Files worth auditing, sorted: messages, not hidden, temporary or report files.
fn scan(dir: &Path, recursive: bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            // A symlinked folder is not followed (a link to a parent would loop).
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                if recursive && !hidden(&p) {
                    stack.push(p);
                }
            } else if accepted(&p) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn hidden(p: &Path) -> bool {
    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'))
}

/// The message files a folder run takes too ([`super::inputs::is_message_file`]): `.eml`,
/// `.emlx`, `.msg` (Outlook), `.mbox`, `.mbx` and `.txt` (Show original); never hidden or temporary files (`.part`,
/// `.crdownload`, `~$…`, `.DS_Store`) or linkaudit's own reports.
fn accepted(p: &Path) -> bool {
    super::inputs::is_message_file(p)
}

/// The totals of an mbox's messages, for its one summary line.
#[derive(Default)]
struct MboxSummary {
    messages: usize,
    /// Messages with a finding at or above --fail-on.
    failing: usize,
    links: usize,
    /// Errors, warnings, info.
    counts: (usize, usize, usize),
    /// The worst severity seen and its first finding, as shown.
    worst: Option<(Severity, String)>,
}

struct PendingFile {
    len: u64,
    mtime: Option<SystemTime>,
    stable_since: Instant,
    /// A writer still has the file open: modified, and no close or rename seen since.
    writing: bool,
    last_event: Instant,
}

struct Watch<'a> {
    args: &'a WatchArgs,
    /// The watched folder's canonical path (events carry absolute paths).
    canonical: PathBuf,
    opts: Options,
    verdicts: Verdicts,
    /// Content hash of the version last audited, per file.
    audited: HashMap<PathBuf, u64>,
    pending: HashMap<PathBuf, PendingFile>,
    /// Files that could not be looked at, with the error last reported.
    unreadable: HashMap<PathBuf, String>,
    /// The exit code so far (for `--once`): `Error` once something could not be audited, else
    /// `Findings` once a message failed `--fail-on`.
    outcome: Exit,
}

impl Watch<'_> {
    /// What an event says about a writer: `Some(true)` data written, `Some(false)` closed after
    /// writing or renamed into place, `None` nothing either way. Polling sees no closes, so there
    /// the settle window does all the work.
    fn writing(&self, kind: &notify::EventKind) -> Option<bool> {
        use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
        if self.args.poll {
            return Some(false);
        }
        match kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => Some(false),
            EventKind::Modify(ModifyKind::Name(_)) => Some(false),
            EventKind::Create(_) | EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any) => Some(true),
            _ => None,
        }
    }

    fn mark(&mut self, event_path: &Path, writing: Option<bool>) -> Result<(), Exit> {
        // Events carry absolute paths: name the file as the user named the folder.
        let rel =
            event_path.strip_prefix(&self.canonical).or_else(|_| event_path.strip_prefix(&self.args.dir));
        let Ok(rel) = rel else { return Ok(()) };
        if !accepted(event_path) || (!self.args.recursive && rel.components().count() != 1) {
            return Ok(());
        }
        let path = self.args.dir.join(rel);
        match fs::metadata(&path) {
            Ok(meta) => {
                self.unreadable.remove(&path);
                let was_writing = self.pending.get(&path).is_some_and(|p| p.writing);
                self.pending.insert(
                    path,
                    PendingFile {
                        len: meta.len(),
                        mtime: meta.modified().ok(),
                        stable_since: Instant::now(),
                        writing: writing.unwrap_or(was_writing),
                        last_event: Instant::now(),
                    },
                );
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            // A symlink loop, a file that cannot be looked at: said once, as `--once` says it.
            Err(e) => {
                let message = read_error(&e);
                if self.unreadable.get(&path) == Some(&message) {
                    return Ok(());
                }
                let line = self.error_line(&path, &message);
                self.outcome = Exit::Error;
                self.unreadable.insert(path, message);
                self.print(&line)
            }
        }
    }

    /// Reads every pending file whose writer is done and whose size and mtime have settled.
    fn settle(&mut self) -> Result<(), Exit> {
        let mut settle = Duration::from_millis(self.args.settle);
        if self.args.poll {
            // A change shows only at the next poll: wait at least two intervals.
            settle = settle.max(Duration::from_millis(2 * self.args.poll_interval + 300));
        }
        let mut ready = Vec::new();
        let mut gone = Vec::new();
        for (path, p) in self.pending.iter_mut() {
            if p.writing && p.last_event.elapsed() < WRITER_TIMEOUT {
                continue;
            }
            match fs::metadata(path) {
                Ok(meta) => {
                    let (len, mtime) = (meta.len(), meta.modified().ok());
                    if len != p.len || mtime != p.mtime {
                        p.len = len;
                        p.mtime = mtime;
                        p.stable_since = Instant::now();
                    } else if p.stable_since.elapsed() >= settle {
                        ready.push(path.clone());
                    }
                }
                Err(_) => gone.push(path.clone()),
            }
        }
        for p in gone {
            self.pending.remove(&p);
        }
        ready.sort();
        for path in ready {
            self.pending.remove(&path);
            self.process(&path)?;
        }
        Ok(())
    }

    /// Audits one file (unless this version was audited already) and reports the verdict.
    /// The file is never held whole: it is hashed in chunks, a message is read up to the input
    /// limit, an mbox is audited message by message as it streams, and verdicts and report files
    /// are written as each message is done.
    fn process(&mut self, path: &Path) -> Result<(), Exit> {
        let cap = self.opts.limits.max_input_bytes.saturating_add(1);
        let (hash, read_as) = match content_hash(path, cap) {
            Ok(h) => h,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => {
                self.outcome = Exit::Error;
                return self.print(&self.error_line(path, &read_error(&e)));
            }
        };
        if self.audited.get(path) == Some(&hash) {
            return Ok(());
        }
        self.audited.insert(path.to_path_buf(), hash);
        let source = path.display().to_string();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let scratch = self.args.reports.clone();
        let mut sidecars = Sidecars::new(scratch.as_deref(), &name);
        let input = Input::File(path.to_path_buf());
        match input.read_unless_mbox(cap) {
            // A message that changed while it was read is not judged: it is audited again once
            // it settles.
            Ok(Some(_)) if self.changed(path, read_as) => {
                self.audited.remove(path);
                if self.args.once {
                    // No later pass will come: say so rather than stay silent.
                    self.outcome = Exit::Error;
                    return self.print(&self.error_line(path, "it changed while it was read: not audited"));
                }
                return Ok(());
            }
            Ok(Some(bytes)) => match linkaudit::audit_all(&source, &bytes, &self.opts) {
                Ok(messages) => {
                    for m in messages {
                        self.one(&mut sidecars, m)?;
                    }
                }
                Err(e) => sidecars.error(InputFailure { source: source.clone(), message: e.to_string() }),
            },
            Ok(None) => {
                let mut any = false;
                let mut summary = (self.args.format == WatchFormat::Text && !self.args.per_message)
                    .then(MboxSummary::default);
                match input.open() {
                    Ok(reader) => {
                        for raw in MboxReader::new(reader).with_cap(cap) {
                            match raw {
                                Ok(raw) => {
                                    any = true;
                                    let m = linkaudit::audit_message(&source, &raw, &self.opts);
                                    match summary.as_mut() {
                                        Some(s) => self.tally(&mut sidecars, s, m),
                                        None => self.one(&mut sidecars, m)?,
                                    }
                                }
                                Err(e) => {
                                    sidecars.error(InputFailure {
                                        source: source.clone(),
                                        message: read_error(&e),
                                    });
                                    break;
                                }
                            }
                        }
                        if !any && sidecars.errors().is_empty() {
                            let message = InputError::mbox_without_messages().to_string();
                            sidecars.error(InputFailure { source: source.clone(), message });
                        }
                        if let Some(s) = summary.filter(|s| s.messages > 0) {
                            self.print(&self.summary_line(&source, &s))?;
                        }
                    }
                    Err(e) => {
                        sidecars.error(InputFailure { source: source.clone(), message: read_error(&e) })
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => sidecars.error(InputFailure { source: source.clone(), message: read_error(&e) }),
        }
        let errors: String = sidecars.errors().iter().map(|e| self.error_line(path, &e.message)).collect();
        let moved_to = |failed: bool| if failed { &self.args.move_to_fail } else { &self.args.move_to_pass };
        let folder = |_failed: bool| scratch;
        let (failed, written) =
            sidecars.finish(self.args.common.redact, self.verdicts.threshold, folder, &name);
        if let Err(e) = written {
            eprintln!("linkaudit: warning: cannot write the reports of {}: {e}", show_path(path));
        }
        if !errors.is_empty() {
            self.outcome = Exit::Error;
        } else if failed && self.outcome == Exit::Clean {
            self.outcome = Exit::Findings;
        }
        let moved_to = moved_to(failed);
        if moved_to.is_some() && self.changed(path, read_as) {
            // Never move a file that changed since it was read (a writer still at work): its
            // new version gets its own verdict.
            eprintln!(
                "linkaudit: warning: {} changed while it was audited: not moved; audited again once it settles",
                show_path(path)
            );
            self.audited.remove(path);
        } else if let Some(dest) = moved_to {
            if let Err(e) = fs::rename(path, dest.join(&name)) {
                eprintln!("linkaudit: warning: cannot move {} to {}: {e}", show_path(path), show_path(dest));
            }
        }
        self.print(&errors)
    }

    /// Has `path` changed (size or modification time) since `read_as`, or gone? A changed file
    /// is marked pending again, so its new version is audited once it settles.
    fn changed(&mut self, path: &Path, read_as: Stamp) -> bool {
        let now = fs::metadata(path).ok().map(|m| (m.len(), m.modified().ok()));
        if now == Some(read_as) {
            return false;
        }
        if let Some((len, mtime)) = now {
            let at = Instant::now();
            self.pending.insert(
                path.to_path_buf(),
                PendingFile { len, mtime, stable_since: at, writing: false, last_event: at },
            );
        }
        true
    }

    /// One message: its verdict now, its reports into the files being written.
    fn one(&self, sidecars: &mut Sidecars, mut m: MessageReport) -> Result<(), Exit> {
        if self.args.common.redact {
            report::redact::message(&mut m);
        }
        sidecars.message(&m);
        self.print(&self.verdict(&m))
    }

    /// One message of an mbox summed up: its reports into the files, its counts into `summary`.
    fn tally(&self, sidecars: &mut Sidecars, summary: &mut MboxSummary, mut m: MessageReport) {
        if self.args.common.redact {
            report::redact::message(&mut m);
        }
        sidecars.message(&m);
        let (e, w, i) = m.counts();
        summary.messages += 1;
        summary.links += m.links.len();
        summary.counts = (summary.counts.0 + e, summary.counts.1 + w, summary.counts.2 + i);
        if self.verdicts.threshold.is_some_and(|t| m.worst().is_some_and(|s| s >= t)) {
            summary.failing += 1;
        }
        if let Some(worst) = m.worst().filter(|&s| summary.worst.as_ref().is_none_or(|(w, _)| s > *w)) {
            if let Some(f) = m.findings.iter().find(|f| f.severity == worst) {
                let number = m.mbox_number().map(|n| format!("#{n} ")).unwrap_or_default();
                summary.worst =
                    Some((worst, format!("{number}{} {}", f.code, report::sanitize::terminal(&f.message))));
            }
        }
    }

    /// The one line of an mbox: messages, failing ones, totals, the first of the worst findings.
    fn summary_line(&self, source: &str, s: &MboxSummary) -> String {
        let mark = self.verdict_mark(s.failing > 0);
        let (e, w, i) = s.counts;
        let worst = s.worst.as_ref().map(|(_, text)| format!(" · {text}")).unwrap_or_default();
        format!(
            "{mark} {}  {} message{}, {} failing · {} links · {e} error{} · {w} warning{} · {i} info{worst}\n",
            report::sanitize::terminal(source),
            s.messages,
            if s.messages == 1 { "" } else { "s" },
            s.failing,
            s.links,
            if e == 1 { "" } else { "s" },
            if w == 1 { "" } else { "s" },
        )
    }

    fn verdict_mark(&self, failed: bool) -> &'static str {
        self.verdicts.mark(failed)
    }

    fn verdict(&self, m: &MessageReport) -> String {
        self.verdicts.verdict(m)
    }

    fn error_line(&self, path: &Path, message: &str) -> String {
        self.verdicts.error_line(&path.display().to_string(), message)
    }

    fn print(&self, text: &str) -> Result<(), Exit> {
        self.verdicts.print(text)
    }
}

/// A path as messages print it: sanitised (file names are chosen by whoever saves the file).
fn show_path(p: &Path) -> String {
    show(&p.display().to_string()).into_owned()
}

/// A file's size and modification time.
type Stamp = (u64, Option<SystemTime>);

/// A hash of the file's length and of its first `cap` bytes (the input limit: nothing is read
/// past it), read in chunks, and the file's [`Stamp`] when it was opened. Only a regular file is
/// read ([`open_regular`]).
fn content_hash(path: &Path, cap: usize) -> std::io::Result<(u64, Stamp)> {
    use std::io::Read;
    let (file, meta) = open_regular(path)?;
    let stamp = (meta.len(), meta.modified().ok());
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    hasher.write_u64(meta.len());
    let mut file = file.take(cap as u64);
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.write(&buf[..n]);
    }
    Ok((hasher.finish(), stamp))
}
