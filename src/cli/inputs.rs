//! CLI: turning PATH arguments into inputs — files, folders walked for messages, stdin.

use std::fs;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// One input to audit.
pub enum Input {
    /// A file named on the command line (or by `watch`).
    File(PathBuf),
    /// A file found by walking a folder: a `.txt` that is not an email is skipped, not an error
    /// (notes and exports sit beside the test sends).
    Walked(PathBuf),
    /// Standard input.
    Stdin,
}

impl Input {
    /// The name reports use.
    pub fn name(&self) -> String {
        match self {
            Input::File(p) | Input::Walked(p) => p.display().to_string(),
            Input::Stdin => "-".into(),
        }
    }

    /// Whether an input that turns out not to be an email is skipped rather than an error: a
    /// `.txt` found in a folder, or a `.msg` found in one that is not an OLE compound file (Tcl
    /// and other tools name their own files `.msg`; a broken Outlook `.msg` is still an error).
    pub fn may_skip(&self, bytes: &[u8]) -> bool {
        match self {
            Input::Walked(p) => {
                let ext = extension(p);
                ext.eq_ignore_ascii_case("txt")
                    || (ext.eq_ignore_ascii_case("msg") && !linkaudit::input::msg::is_compound(bytes))
            }
            _ => false,
        }
    }

    /// Opens the input for buffered reading (a file must be a regular one: [`open_regular`]).
    pub fn open(&self) -> io::Result<Box<dyn BufRead>> {
        Ok(match self {
            Input::File(p) | Input::Walked(p) => {
                Box::new(BufReader::with_capacity(1 << 16, open_regular(p)?.0))
            }
            Input::Stdin => Box::new(io::stdin().lock()),
        })
    }

    /// Reads the input, unless it is an mbox (it starts with a `From ` line), which is left
    /// unread for [`Input::open`] to stream message by message. At most `limit` bytes are kept:
    /// the audit reports a longer input as cut, and memory stays bounded whatever the file.
    pub fn read_unless_mbox(&self, limit: usize) -> io::Result<Option<Vec<u8>>> {
        // Sized from the file when it can be: growing by doubling would copy a large input
        // several times (the allocator cannot always grow a block in place).
        let (mut reader, size): (Box<dyn BufRead>, usize) = match self {
            Input::File(p) | Input::Walked(p) => {
                let (file, meta) = open_regular(p)?;
                (Box::new(BufReader::with_capacity(1 << 16, file)), meta.len() as usize)
            }
            Input::Stdin => (Box::new(io::stdin().lock()), 0),
        };
        if reader.fill_buf()?.starts_with(b"From ") {
            return Ok(None);
        }
        let mut buf = Vec::with_capacity(size.min(limit).saturating_add(1));
        reader.take(limit as u64).read_to_end(&mut buf)?;
        Ok(Some(buf))
    }
}

/// Extensions of message files: taken when walking a folder and by `watch` (a file named on the
/// command line is read whatever its name). `.txt` is Gmail's "Show original" saved as text,
/// `.msg` Outlook's own format.
pub const MESSAGE_EXTENSIONS: &[&str] = &["eml", "emlx", "msg", "mbox", "mbx", "txt"];

/// The extensions as the user reads them: `.eml, .emlx, .msg, .mbox, .mbx and .txt`.
pub fn extensions_text() -> String {
    let all: Vec<String> = MESSAGE_EXTENSIONS.iter().map(|e| format!(".{e}")).collect();
    match all.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => all.join(""),
    }
}

fn extension(p: &Path) -> &str {
    p.extension().and_then(|e| e.to_str()).unwrap_or("")
}

/// Whether a file found in a folder is a message to audit: a message extension, and not hidden,
/// temporary (`~$…`) or one of linkaudit's own reports (`….linkaudit.json`).
pub fn is_message_file(p: &Path) -> bool {
    let Some(name) = p.file_name().and_then(|n| n.to_str()) else { return false };
    if name.starts_with('.') || name.starts_with("~$") || name.contains(".linkaudit.") {
        return false;
    }
    MESSAGE_EXTENSIONS.iter().any(|m| m.eq_ignore_ascii_case(extension(p)))
}

/// The inputs of a run, and what the folders held besides.
#[derive(Default)]
pub struct Expanded {
    pub inputs: Vec<Input>,
    /// Files in the folders that are not message files, by extension (`""` for none); hidden
    /// files are not counted.
    pub skipped: std::collections::BTreeMap<String, usize>,
}

/// Opens `path` for reading if it is a regular file (a symlink to one too), with its metadata.
/// Anything else — a FIFO, a device such as `/dev/zero`, a socket, a folder — is refused with
/// an error that says what it is, and never read: a FIFO would block the open or the read for
/// good, a device would never end. The open itself does not block (`O_NONBLOCK`, which changes
/// nothing for a regular file), and the type is checked on the opened file, so a file swapped
/// for a FIFO in between is refused too.
pub fn open_regular(path: &Path) -> io::Result<(fs::File, fs::Metadata)> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if meta.is_file() {
        return Ok((file, meta));
    }
    Err(io::Error::new(io::ErrorKind::InvalidInput, format!("not a regular file ({})", kind(&meta))))
}

/// What a file that is not a regular one is.
fn kind(meta: &fs::Metadata) -> &'static str {
    if meta.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a file"
}

/// Expands the arguments: `-` is stdin, a folder gives every message file below it (sorted),
/// anything else is taken as a file. Folders that cannot be read are reported in `errors`.
pub fn expand(paths: &[PathBuf], errors: &mut Vec<(String, String)>) -> Expanded {
    let mut out = Expanded::default();
    for p in paths {
        if p.as_os_str() == "-" {
            out.inputs.push(Input::Stdin);
        } else if p.is_dir() {
            walk(p, &mut out, errors);
        } else {
            out.inputs.push(Input::File(p.clone()));
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Expanded, errors: &mut Vec<(String, String)>) {
    let mut entries: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            errors.push((dir.display().to_string(), e.to_string()));
            return;
        }
    };
    entries.sort();
    for path in entries {
        let is_dir = fs::symlink_metadata(&path).map(|m| m.is_dir()).unwrap_or(false);
        if is_dir {
            walk(&path, out, errors);
        } else if is_message_file(&path) {
            out.inputs.push(Input::Walked(path));
        } else if !path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.')) {
            *out.skipped.entry(extension(&path).to_ascii_lowercase()).or_default() += 1;
        }
    }
}

/// What the folders held besides messages, for a note: `3 other files (2 .pdf, 1 .png)`.
pub fn skipped_text(skipped: &std::collections::BTreeMap<String, usize>) -> Option<String> {
    let total: usize = skipped.values().sum();
    if total == 0 {
        return None;
    }
    let mut kinds: Vec<(&String, &usize)> = skipped.iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let kinds: Vec<String> = kinds
        .iter()
        .map(|(ext, n)| if ext.is_empty() { format!("{n} without extension") } else { format!("{n} .{ext}") })
        .collect();
    Some(format!(
        "{total} other file{} in the folders skipped ({})",
        if total == 1 { "" } else { "s" },
        kinds.join(", ")
    ))
}
