//! CLI (watch): the report files written for a watched message — `<name>.linkaudit.json` and
//! `.txt`, byte for byte what `linkaudit FILE --format json` and the text format print — streamed
//! one message at a time into hidden temporary files, and moved into place once the verdict (and
//! with `--move-to-*`, the folder) is known. A dropped mbox of any size is never held whole.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use linkaudit::report::tally::Tally;
use linkaudit::report::{self, json, InputFailure, MessageReport};
use linkaudit::Severity;

/// The reports of one file, being written.
pub struct Sidecars {
    files: Option<[(PathBuf, BufWriter<File>); 2]>,
    json: json::Stream,
    tally: Tally,
    failure: Option<std::io::Error>,
}

impl Sidecars {
    /// Starts the reports of `name` with temporary files in `scratch` (`None`: no files, only
    /// the verdict is tracked).
    pub fn new(scratch: Option<&Path>, name: &str) -> Sidecars {
        let mut failure = None;
        let files = scratch.and_then(|dir| {
            let open = |ext: &str| -> std::io::Result<(PathBuf, BufWriter<File>)> {
                let path = dir.join(format!(".{name}.linkaudit.{ext}.part"));
                Ok((path.clone(), BufWriter::new(File::create(&path)?)))
            };
            match (open("json"), open("txt")) {
                (Ok(j), Ok(t)) => Some([j, t]),
                (Err(e), _) | (_, Err(e)) => {
                    failure = Some(e);
                    None
                }
            }
        });
        let mut s = Sidecars { files, json: json::Stream::default(), tally: Tally::default(), failure };
        let begin = s.json.begin();
        s.write(&begin, "");
        s
    }

    fn write(&mut self, json: &str, text: &str) {
        if let Some([(_, j), (_, t)]) = self.files.as_mut() {
            if let Err(e) = j.write_all(json.as_bytes()).and_then(|()| t.write_all(text.as_bytes())) {
                self.failure.get_or_insert(e);
            }
        }
    }

    /// Adds a message's report.
    pub fn message(&mut self, m: &MessageReport) {
        let json = self.json.message(m);
        let sep = if self.tally.messages() > 0 { "\n" } else { "" };
        let text = format!("{sep}{}", report::text::render_message(m, false));
        self.write(&json, &text);
        self.tally.message(m);
    }

    /// Records an input that could not be read.
    pub fn error(&mut self, failure: InputFailure) {
        self.tally.error(failure);
    }

    /// The inputs that could not be read.
    pub fn errors(&self) -> &[InputFailure] {
        self.tally.errors()
    }

    /// Writes the tails (batch findings redacted when the run redacts) and moves the reports to
    /// `folder(failed)` as `<name>.linkaudit.{json,txt}`, where `failed` says that nothing could
    /// be read or a finding is at or above `threshold`. Returns `failed`.
    pub fn finish(
        mut self,
        redacted: bool,
        threshold: Option<Severity>,
        folder: impl FnOnce(bool) -> Option<PathBuf>,
        name: &str,
    ) -> (bool, std::io::Result<()>) {
        let (rest, worst) = std::mem::take(&mut self.tally).finish(redacted);
        let failed = !rest.errors.is_empty() || threshold.is_some_and(|t| worst.is_some_and(|w| w >= t));
        let folder = folder(failed);
        (failed, self.close(&rest, folder.as_deref(), name))
    }

    fn close(
        &mut self,
        rest: &linkaudit::report::Report,
        folder: Option<&Path>,
        name: &str,
    ) -> std::io::Result<()> {
        let (json, text) = (self.json.end(rest), report::text::render_tail(rest, false));
        self.write(&json, &text);
        if let Some(e) = self.failure.take() {
            self.discard();
            return Err(e);
        }
        let Some(files) = self.files.take() else { return Ok(()) };
        let Some(folder) = folder else {
            for (path, _) in &files {
                let _ = fs::remove_file(path);
            }
            return Ok(());
        };
        for ((tmp, mut w), ext) in files.into_iter().zip(["json", "txt"]) {
            w.flush()?;
            drop(w);
            let target = folder.join(format!("{name}.linkaudit.{ext}"));
            if fs::rename(&tmp, &target).is_err() {
                // Another file system: copy, then remove the temporary file.
                fs::copy(&tmp, &target)?;
                fs::remove_file(&tmp)?;
            }
        }
        Ok(())
    }

    fn discard(&mut self) {
        if let Some(files) = self.files.take() {
            for (path, _) in files {
                let _ = fs::remove_file(path);
            }
        }
    }
}

impl Drop for Sidecars {
    fn drop(&mut self) {
        self.discard();
    }
}
