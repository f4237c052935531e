//! The command-line front end (binary only): argument parsing, input expansion, output and
//! exit codes. Everything that turns bytes into a report lives in the library.

pub mod args;
mod inputs;
pub mod output;
mod rules_cmd;
mod run;

use args::{Cli, Command};
use output::Exit;

/// Dispatches a parsed command line.
pub fn main(cli: Cli) -> Exit {
    match &cli.command {
        Some(Command::Rules(a)) => rules_cmd::run(a),
        None => run::run(&cli.audit),
    }
}
