//! The command-line front end (binary only): argument parsing, config discovery, input
//! expansion, batch runs, output and exit codes. Everything that turns bytes into a report lives
//! in the library.

pub mod args;
mod catalog_cmd;
mod config;
#[cfg(feature = "network")]
mod domain_cmd;
mod inputs;
pub mod output;
mod rules_cmd;
mod run;
#[cfg(feature = "watch")]
mod sidecar;
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
        Some(Command::Man) => {
            let mut buf = Vec::new();
            if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut buf) {
                eprintln!("linkaudit: error: {e}");
                return Exit::Error;
            }
            emit(&String::from_utf8_lossy(&buf), None).unwrap_or(Exit::Clean)
        }
        #[cfg(feature = "watch")]
        Some(Command::Watch(a)) => watch::run(a),
        #[cfg(feature = "network")]
        Some(Command::Domain(a)) => domain_cmd::run(a),
        None => run::run(&cli.audit),
    }
}

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
