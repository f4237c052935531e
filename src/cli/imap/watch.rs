//! CLI (IMAP): the mailbox watch. `--once` audits what is there (or what `--since` names) and
//! exits with the audit's exit code; otherwise the watch waits in IDLE (or polls, with `--poll`
//! or a server without IDLE) and audits each new message once. The UIDVALIDITY and the highest
//! UID handled are kept in memory: after a dropped connection it reconnects with back-off and
//! asks for `UID last+1:*`, so nothing that arrived meanwhile is lost and nothing is audited
//! twice. A rebuilt mailbox (new UIDVALIDITY) is audited again, skipping contents already seen.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use linkaudit::report::{self, InputFailure};
use linkaudit::Options;
use rustls::ClientConfig;

use super::auth::Secret;
use super::client::{Client, Error, Idle, Kind, Mailbox};
use super::response::Limits;
use super::url::MailboxUrl;
use crate::cli::args::WatchArgs;
use crate::cli::output::Exit;
use crate::cli::sidecar::Sidecars;
use crate::cli::verdict::{show, Verdicts};

/// How long one IDLE wait blocks before the stop flag is looked at.
const TICK: Duration = Duration::from_millis(200);
/// Polling interval when the server has no IDLE and `--poll` was not asked for.
const NO_IDLE_POLL: Duration = Duration::from_secs(10);
/// Longest wait between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// Reconnections `--once` makes before it gives up.
const ONCE_RECONNECTS: u32 = 5;
/// Connections lost while one message was fetched before it is reported as unfetchable and
/// passed over (Dovecot ends the session when it cannot read a message).
const FETCH_ATTEMPTS: u32 = 3;

/// What has been handled: the mailbox's UIDVALIDITY, the highest UID handled in it, and (to
/// skip them if the mailbox is rebuilt) hashes of the contents audited.
#[derive(Default)]
pub struct Seen {
    validity: Option<u32>,
    last_uid: u32,
    rebuilt: bool,
    contents: HashSet<u64>,
    /// The UID whose fetch lost the connection, and how many times.
    failing: Option<(u32, u32)>,
}

pub struct MailWatch<'a> {
    pub args: &'a WatchArgs,
    pub url: MailboxUrl,
    pub secret: Secret,
    pub tls: Arc<ClientConfig>,
    pub verdicts: Verdicts,
    pub opts: Options,
    pub limits: Limits,
    pub timeout: Duration,
    /// `--move-to-pass`, `--move-to-fail` (mailbox names).
    pub move_to: [Option<String>; 2],
    pub seen: Seen,
    /// A message had findings at or above `--fail-on`.
    pub failed: bool,
    /// A message could not be audited.
    pub errored: bool,
    /// Standard output failed (`Clean`: it was closed): the watch ends with this.
    pub output: Option<Exit>,
}

impl MailWatch<'_> {
    /// Does the watch change the mailbox (then it is SELECTed rather than EXAMINEd)?
    fn writes(&self) -> bool {
        self.args.imap.keyword || self.move_to.iter().any(Option::is_some)
    }

    /// Connects, logs in and opens the mailbox.
    fn connect(&self) -> Result<(Client, Mailbox), Error> {
        let mut c = Client::connect(&self.url, &self.tls, self.timeout, self.limits)?;
        c.login(&self.url.user, &self.secret)?;
        let mb = c.open(&self.url.mailbox, self.writes())?;
        Ok((c, mb))
    }

    pub fn run(&mut self) -> Exit {
        // The first connection must work: a wrong password or an unreachable server is exit 2.
        let first = match self.connect() {
            Ok(c) => c,
            Err(e) => return fail(&e.message),
        };
        let start = if self.args.new_only && !self.args.once { Start::Skip } else { Start::Audit };
        // Ctrl-C stops the watch cleanly once it is watching; before (the first catch-up, as the
        // folder watch's first scan) it ends the process at once.
        let stop = Arc::new(AtomicBool::new(false));
        // A connection whose catch-up is due, and the one being watched.
        let mut fresh = Some((first.0, first.1, start));
        let mut client: Option<Client> = None;
        let mut watching = false;
        let mut reconnects = 0;
        let mut backoff = Duration::from_millis(self.args.imap.reconnect_ms.max(10));
        while !stop.load(Ordering::SeqCst) {
            let result = if let Some((mut c, mailbox, start)) = fresh.take() {
                let r = self.catch_up(&mut c, mailbox, start);
                client = Some(c);
                r
            } else if let Some(c) = client.as_mut() {
                if self.args.once {
                    break;
                }
                if !watching {
                    let flag = Arc::clone(&stop);
                    let _ = ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst));
                    eprintln!("watching {} (Ctrl-C to stop)", show(&self.url.show(None)));
                    watching = true;
                }
                self.session(c, &stop)
            } else {
                match self.connect() {
                    Ok((c, mailbox)) => {
                        eprintln!("reconnected to {}", show(&self.url.show(None)));
                        backoff = Duration::from_millis(self.args.imap.reconnect_ms.max(10));
                        fresh = Some((c, mailbox, Start::Audit));
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            };
            match result {
                Ok(()) => {}
                Err(_) if self.output.is_some() => return self.output.unwrap_or(Exit::Error),
                Err(e) if e.kind == Kind::Fatal => return fail(&e.message),
                Err(e) => {
                    client = None;
                    reconnects += 1;
                    if self.args.once && reconnects > ONCE_RECONNECTS {
                        return fail(&e.message);
                    }
                    warn(&format!("{}: reconnecting in {}", e.message, seconds(backoff)));
                    sleep_unless(&stop, backoff);
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
        if let Some(c) = client {
            c.logout();
        }
        if !self.args.once {
            return Exit::Clean;
        }
        if self.errored {
            Exit::Error
        } else if self.failed {
            Exit::Findings
        } else {
            Exit::Clean
        }
    }

    /// Waits for news (IDLE, or a poll), then audits what arrived; until stopped or an error.
    fn session(&mut self, c: &mut Client, stop: &AtomicBool) -> Result<(), Error> {
        let idle = c.has("IDLE") && !self.args.poll;
        let poll = if self.args.poll {
            Duration::from_millis(self.args.poll_interval.max(50))
        } else {
            NO_IDLE_POLL
        };
        let renew = Duration::from_secs(self.args.imap.idle_secs.max(1));
        while !stop.load(Ordering::SeqCst) {
            if idle {
                let (tag, news) = c.idle()?;
                let started = Instant::now();
                while !news && !stop.load(Ordering::SeqCst) && started.elapsed() < renew {
                    if c.idle_wait(TICK)? == Idle::News {
                        break;
                    }
                }
                c.idle_done(&tag)?;
            } else {
                sleep_unless(stop, poll);
                c.noop()?;
            }
            self.new_messages(c)?;
        }
        Ok(())
    }

    /// After (re)opening the mailbox: checks its UIDVALIDITY, then audits what is new (or, at
    /// the first start with `--new-only`, only notes where the mailbox stands).
    fn catch_up(&mut self, c: &mut Client, mailbox: Mailbox, start: Start) -> Result<(), Error> {
        if self.seen.validity != Some(mailbox.uidvalidity) {
            if self.seen.validity.is_some() {
                warn(&format!(
                    "the UIDVALIDITY of {} changed (the mailbox was rebuilt): its messages are audited again, \
                     those already audited skipped",
                    show(&self.url.show(None))
                ));
                self.seen.rebuilt = true;
            }
            self.seen.validity = Some(mailbox.uidvalidity);
            self.seen.last_uid = 0;
            if start == Start::Skip {
                self.seen.last_uid = match mailbox.uidnext {
                    Some(next) => next.saturating_sub(1),
                    None => c.search("ALL")?.last().copied().unwrap_or(0),
                };
                return Ok(());
            }
        }
        self.new_messages(c)
    }

    /// Audits every message above the last UID handled, in UID order.
    fn new_messages(&mut self, c: &mut Client) -> Result<(), Error> {
        let since = self.args.imap.since.as_deref().map(|d| format!(" SINCE {d}")).unwrap_or_default();
        let criteria = match self.seen.last_uid {
            0 => format!("ALL{since}"),
            // `last+1:*` always holds the highest UID, even when it is `last` itself.
            last => format!("UID {}:*{since}", last.saturating_add(1)),
        };
        let uids: Vec<u32> = c.search(&criteria)?.into_iter().filter(|&u| u > self.seen.last_uid).collect();
        for uid in uids {
            self.message(c, uid)?;
            self.seen.last_uid = uid;
        }
        Ok(())
    }

    /// Fetches, audits and reports one message; then moves or marks it when asked.
    fn message(&mut self, c: &mut Client, uid: u32) -> Result<(), Error> {
        let validity = self.seen.validity.unwrap_or(0);
        let source = self.source(validity, uid);
        let cap = self.opts.limits.max_input_bytes.saturating_add(1);
        let body = match c.fetch(uid, cap) {
            Ok(Some(f)) => f.body.unwrap_or_default(),
            // Deleted before it could be read, or a server that does not say: never passed over
            // in silence (a message not audited must not look like a pass).
            Ok(None) => {
                self.errored = true;
                let line = self.verdicts.error_line(
                    &source,
                    "the server sent no message for this UID (deleted before it could be read?)",
                );
                return self.print(&line);
            }
            Err(e) if e.kind == Kind::Refused => {
                self.errored = true;
                let line = self.verdicts.error_line(&source, &format!("cannot fetch it: {}", e.message));
                return self.print(&line);
            }
            Err(e) => {
                // The connection was lost while fetching this message: after a few times it is
                // the message, not the network. Report it, pass over it, and reconnect.
                let attempts = match self.seen.failing {
                    Some((u, n)) if u == uid => n + 1,
                    _ => 1,
                };
                self.seen.failing = Some((uid, attempts));
                if e.kind == Kind::Network && attempts >= FETCH_ATTEMPTS {
                    self.errored = true;
                    self.seen.last_uid = uid;
                    let line = self.verdicts.error_line(&source, &format!("cannot fetch it: {}", e.message));
                    self.print(&line)?;
                }
                return Err(e);
            }
        };
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        body.hash(&mut hasher);
        let hash = hasher.finish();
        if !self.seen.contents.insert(hash) && self.seen.rebuilt {
            return Ok(());
        }
        let name = report_name(&self.url.mailbox, validity, uid);
        let mut sidecars = Sidecars::new(self.args.reports.as_deref(), &name);
        let mut failed = false;
        match linkaudit::audit_all(&source, &body, &self.opts) {
            Ok(messages) => {
                for mut m in messages {
                    if self.args.common.redact {
                        report::redact::message(&mut m);
                    }
                    failed |= self.verdicts.failed(&m);
                    sidecars.message(&m);
                    let line = self.verdicts.verdict(&m);
                    self.print(&line)?;
                }
            }
            Err(e) => sidecars.error(InputFailure { source: source.clone(), message: e.to_string() }),
        }
        let errors: String =
            sidecars.errors().iter().map(|e| self.verdicts.error_line(&source, &e.message)).collect();
        self.errored |= !errors.is_empty();
        self.failed |= failed;
        let reports = self.args.reports.clone();
        let (_, written) =
            sidecars.finish(self.args.common.redact, self.verdicts.threshold, |_| reports, &name);
        if let Err(e) = written {
            warn(&format!("cannot write the reports of {}: {e}", show(&source)));
        }
        self.print(&errors)?;
        self.after(c, uid, failed || !errors.is_empty(), &source)
    }

    /// How verdicts and reports name a message: its RFC 5092 URL; under `--redact` without the
    /// user name (often an email address).
    fn source(&self, validity: u32, uid: u32) -> String {
        if self.args.common.redact {
            let mut url = self.url.clone();
            url.user = if url.user.contains('@') { "[email]" } else { "[user]" }.to_string();
            return url.show(Some((validity, uid)));
        }
        self.url.show(Some((validity, uid)))
    }

    /// `--keyword` and `--move-to-*`: a refusal is a warning, the watch goes on.
    fn after(&mut self, c: &mut Client, uid: u32, failed: bool, source: &str) -> Result<(), Error> {
        let mut steps: Vec<Result<(), Error>> = Vec::new();
        if self.args.imap.keyword {
            steps.push(c.add_keyword(uid, if failed { "linkaudit-fail" } else { "linkaudit-pass" }));
        }
        if let Some(to) = &self.move_to[usize::from(failed)] {
            steps.push(c.move_to(uid, to));
        }
        for step in steps {
            match step {
                Ok(()) => {}
                Err(e) if e.kind == Kind::Refused => warn(&format!("{}: {}", show(source), e.message)),
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Prints; a closed or failing standard output ends the watch.
    fn print(&mut self, text: &str) -> Result<(), Error> {
        self.verdicts.print(text).map_err(|exit| {
            self.output = Some(exit);
            Error { kind: Kind::Fatal, message: "cannot write the verdicts".to_string() }
        })
    }
}

/// What the first look at the mailbox does with the messages already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    Audit,
    Skip,
}

/// A file name for a message's reports: `INBOX-<uidvalidity>-<uid>`.
fn report_name(mailbox: &str, validity: u32, uid: u32) -> String {
    let safe: String = mailbox
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect();
    format!("{safe}-{validity}-{uid}")
}

fn sleep_unless(stop: &AtomicBool, total: Duration) {
    let end = Instant::now() + total;
    while !stop.load(Ordering::SeqCst) {
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        std::thread::sleep(left.min(Duration::from_millis(50)));
    }
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn warn(message: &str) {
    eprintln!("linkaudit: warning: {}", show(message));
}

fn fail(message: &str) -> Exit {
    eprintln!("linkaudit: error: {}", show(message));
    Exit::Error
}
