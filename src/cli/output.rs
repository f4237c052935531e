//! CLI: exit codes and writing the report (stdout or `-o FILE`; a broken pipe is not an error).

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing at or above the failure threshold.
    Clean,
    /// Findings at or above the threshold.
    Findings,
    /// The tool could not do its job (unreadable input, bad flag, bad config).
    Error,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(match e {
            Exit::Clean => 0,
            Exit::Findings => 1,
            Exit::Error => 2,
        })
    }
}

/// Writes `text` to `output` or stdout. Returns an exit status only when writing ends the run:
/// `Clean` for a closed pipe (as ripgrep does), `Error` when the file cannot be written.
pub fn emit(text: &str, output: Option<&Path>) -> Option<Exit> {
    match output {
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => None,
            Err(e) => {
                eprintln!("linkaudit: error: cannot write {}: {e}", path.display());
                Some(Exit::Error)
            }
        },
        None => {
            let mut out = io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => None,
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Some(Exit::Clean),
                Err(e) => {
                    eprintln!("linkaudit: error: cannot write the report: {e}");
                    Some(Exit::Error)
                }
            }
        }
    }
}
