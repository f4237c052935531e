//! CLI: exit codes and writing the report (stdout or `-o FILE`; a broken pipe is not an error).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
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

/// Writes `text` to stdout at once (used by the small subcommands).
pub fn emit(text: &str, output: Option<&Path>) -> Option<Exit> {
    let mut w = Writer::new(output);
    w.write(text).and_then(|()| w.finish()).err()
}

/// The report's destination, written piece by piece: stdout, or a file created on first write.
pub struct Writer {
    path: Option<PathBuf>,
    file: Option<BufWriter<File>>,
}

impl Writer {
    /// Standard output, or `path`.
    pub fn new(path: Option<&Path>) -> Writer {
        Writer { path: path.map(Path::to_path_buf), file: None }
    }

    /// Writes a piece. `Err(Clean)` for a closed pipe (as ripgrep does), `Err(Error)` when the
    /// output cannot be written.
    pub fn write(&mut self, text: &str) -> Result<(), Exit> {
        let result = match &self.path {
            Some(path) => {
                if self.file.is_none() {
                    match File::create(path) {
                        Ok(f) => self.file = Some(BufWriter::new(f)),
                        Err(e) => {
                            eprintln!("linkaudit: error: cannot write {}: {e}", path.display());
                            return Err(Exit::Error);
                        }
                    }
                }
                self.file.as_mut().map_or(Ok(()), |f| f.write_all(text.as_bytes()))
            }
            None => {
                let mut out = io::stdout().lock();
                out.write_all(text.as_bytes()).and_then(|()| out.flush())
            }
        };
        result.map_err(|e| classify(&e))
    }

    /// Flushes a file output; creates an empty file when nothing was written.
    pub fn finish(&mut self) -> Result<(), Exit> {
        if self.path.is_some() && self.file.is_none() {
            self.write("")?;
        }
        match self.file.as_mut() {
            Some(f) => f.flush().map_err(|e| classify(&e)),
            None => Ok(()),
        }
    }
}

fn classify(e: &io::Error) -> Exit {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Exit::Clean
    } else {
        eprintln!("linkaudit: error: cannot write the report: {e}");
        Exit::Error
    }
}
