//! The command-line front end (binary only): argument parsing, config discovery, input
//! expansion, batch runs, output and exit codes. Everything that turns bytes into a report lives
//! in the library.

pub mod args;
mod catalog_cmd;
mod config;
#[cfg(feature = "network")]
mod domain_cmd;
#[cfg(all(feature = "watch", feature = "network"))]
mod imap;
mod inputs;
pub mod output;
mod rules_cmd;
mod run;
mod settings;
#[cfg(feature = "watch")]
mod sidecar;
mod sink;
#[cfg(feature = "watch")]
mod verdict;
#[cfg(feature = "watch")]
mod watch;

use args::{Cli, Command};
use clap::CommandFactory;
use output::{emit, Exit};

/// Dispatches a parsed command line.
pub fn main(cli: Cli) -> Exit {
    match &cli.command {
        Some(Command::Rules(a)) => rules_cmd::run(a),
        Some(Command::Catalog(a)) => catalog_cmd::catalog(a),
        Some(Command::Explain(a)) => catalog_cmd::explain(a),
        Some(Command::Init { force }) => init(*force),
        Some(Command::Completions { shell }) => {
            let mut buf = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "linkaudit", &mut buf);
            emit(&String::from_utf8_lossy(&buf), None).unwrap_or(Exit::Clean)
        }
        Some(Command::Man) => match man() {
            Ok(page) => emit(&page, None).unwrap_or(Exit::Clean),
            Err(e) => {
                eprintln!("linkaudit: error: {e}");
                Exit::Error
            }
        },
        #[cfg(feature = "watch")]
        Some(Command::Watch(a)) => watch::run(a),
        #[cfg(feature = "network")]
        Some(Command::Domain(a)) => domain_cmd::run(a),
        None => run::run(&cli.audit),
    }
}

/// The man page: clap's sections, then exit status, files and examples, then the version.
fn man() -> std::io::Result<String> {
    let man = clap_mangen::Man::new(Cli::command());
    let mut buf = Vec::new();
    man.render_title(&mut buf)?;
    man.render_name_section(&mut buf)?;
    man.render_synopsis_section(&mut buf)?;
    man.render_description_section(&mut buf)?;
    man.render_options_section(&mut buf)?;
    man.render_subcommands_section(&mut buf)?;
    buf.extend_from_slice(MAN_SECTIONS.as_bytes());
    man.render_version_section(&mut buf)?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// The man page's own sections (roff).
const MAN_SECTIONS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Nothing at or above the \fB\-\-fail\-on\fR severity (default: error).
.TP
\fB1\fR
Findings at or above it.
.TP
\fB2\fR
linkaudit could not do its job: an input that cannot be read or is not an email, inputs that hold
no message at all, a bad flag or configuration, or (\fBdomain\fR, \fB\-\-check\-dns\fR) a check
that could not run. When one input of several cannot be read the others are still reported, and
the exit status is 2.
.SH FILES
.TP
\fIlinkaudit.toml\fR, \fI.linkaudit.toml\fR
The configuration: the first found in the current folder or a folder above it, unless
\fB\-\-config\fR names one or \fB\-\-no\-config\fR is given. \fBlinkaudit init\fR writes a commented starter.
.TP
\fINAME\fR\fB.linkaudit.json\fR, \fINAME\fR\fB.linkaudit.txt\fR
The reports \fBlinkaudit watch \-\-reports\fR \fIDIR\fR writes for each message into \fIDIR\fR
(none by default).
.SH EXAMPLES
.TP
\fBlinkaudit message.eml \-\-expect track.example.com\fR
Audit a saved test send against your tracking host.
.TP
\fBlinkaudit message.eml \-f html \-o report.html\fR
Write the HTML report: the email with every flagged link outlined.
.TP
\fBlinkaudit test\-sends/ \-\-expect track.example.com \-f github\fR
A CI gate: every message in a folder, GitHub annotations, exit 1 on errors, 2 when the folder holds no message.
.TP
\fBlinkaudit watch ~/test\-sends \-\-expect track.example.com\fR
A verdict for every test send the moment it is saved into the folder.
.TP
\fBLINKAUDIT_IMAP_PASSWORD=... linkaudit watch imaps://qa@mail.example.com/INBOX \-\-expect track.example.com\fR
The same for every test send landing in the QA mailbox (read-only; \fB\-\-once\fR audits it and exits).
.TP
\fBlinkaudit domain track.example.com \-\-esp sendgrid\fR
Check the tracking domain's CNAME, certificate and HTTPS answer (uses the network).
.TP
\fBlinkaudit rules LA201\fR
What a rule finds and how to fix it.
"#;

fn init(force: bool) -> Exit {
    let path = std::path::Path::new(config::NAMES[0]);
    if path.exists() && !force {
        eprintln!("linkaudit: error: {} already exists (use --force to overwrite)", path.display());
        return Exit::Error;
    }
    match std::fs::write(path, config::STARTER) {
        Ok(()) => {
            eprintln!("wrote {}: set your tracking host under `expect`", path.display());
            Exit::Clean
        }
        Err(e) => {
            eprintln!("linkaudit: error: cannot write {}: {e}", path.display());
            Exit::Error
        }
    }
}
