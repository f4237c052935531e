//! CLI: `linkaudit watch imaps://USER@HOST[:PORT]/MAILBOX` — audit test sends where they land,
//! in the QA mailbox, without anyone saving them first.
//!
//! The client is this project's own (see `docs/watch.md` for why): a small IMAP4rev1 client over
//! rustls ([`client`]), its bounded response parser ([`response`], fuzzed), the URL ([`url`]),
//! where the password comes from ([`auth`]) and the watch itself ([`watch`]: `--once`, IDLE or
//! polling, reconnecting, each message audited once per UIDVALIDITY and UID). The mailbox is
//! opened read-only (EXAMINE) and messages are fetched with `BODY.PEEK[]`, so nothing changes on
//! the server unless `--move-to-*` or `--keyword` asks for it. The only connection is to the
//! user's own mail server; the audit itself stays offline.

mod auth;
mod client;
mod response;
mod url;
mod watch;

pub use url::is_mailbox_url;

use std::time::Duration;

use super::args::WatchArgs;
use super::output::Exit;
use super::settings::{config_fail_on, load_config, options, threshold};
use super::verdict::Verdicts;

/// Longest response line (literals apart): a SEARCH of a mailbox of a million messages fits.
const MAX_LINE: usize = 16 << 20;

/// Runs `linkaudit watch URL`.
pub fn run(args: &WatchArgs, url_arg: &str) -> Exit {
    match setup(args, url_arg) {
        Ok(mut w) => w.run(),
        Err(message) => fail(&message),
    }
}

fn setup<'a>(args: &'a WatchArgs, url_arg: &str) -> Result<watch::MailWatch<'a>, String> {
    let config = load_config(&args.common)?;
    let opts = options(&args.common, &args.limits, &config)?;
    let threshold = threshold(args.common.fail_on, config_fail_on(&config));
    let url = url::MailboxUrl::parse(url_arg)?;
    for (given, flag) in [(args.recursive, "--recursive"), (args.per_message, "--per-message")] {
        if given {
            eprintln!(
                "linkaudit: warning: {flag} is for a folder; a mailbox gets one verdict per message anyway"
            );
        }
    }
    let imap = &args.imap;
    let secret = auth::secret(&url.user, &url.host, imap.oauth2, imap.password_file.as_deref())?;
    let ca = match &imap.ca_file {
        Some(path) => Some(std::fs::read(path).map_err(|e| format!("--ca-file {}: {e}", path.display()))?),
        None => None,
    };
    let tls = client::tls_config(ca.as_deref())?;
    if let Some(d) = &args.reports {
        std::fs::create_dir_all(d).map_err(|e| format!("cannot create {}: {e}", d.display()))?;
    }
    let mailbox_arg = |p: &Option<std::path::PathBuf>, flag: &str| -> Result<Option<String>, String> {
        p.as_ref()
            .map(|p| {
                p.to_str().map(str::to_string).ok_or_else(|| format!("{flag}: the mailbox name is not UTF-8"))
            })
            .transpose()
    };
    let move_to = [
        mailbox_arg(&args.move_to_pass, "--move-to-pass")?,
        mailbox_arg(&args.move_to_fail, "--move-to-fail")?,
    ];
    let limits =
        response::Limits { max_line: MAX_LINE, max_literal: opts.limits.max_input_bytes.saturating_add(1) };
    Ok(watch::MailWatch {
        args,
        url,
        secret,
        tls,
        verdicts: Verdicts::new(args.format, args.color, threshold),
        opts,
        limits,
        timeout: Duration::from_secs_f64(imap.imap_timeout),
        move_to,
        seen: watch::Seen::default(),
        failed: false,
        errored: false,
        output: None,
    })
}

fn fail(message: &str) -> Exit {
    eprintln!("linkaudit: error: {}", super::verdict::show(message));
    Exit::Error
}
