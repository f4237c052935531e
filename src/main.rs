//! The `linkaudit` binary: parse arguments, run, map the result to an exit code (0 clean,
//! 1 findings at or above `--fail-on`, 2 the tool could not do its job).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match cli::args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    cli::main(cli).into()
}
