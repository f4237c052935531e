//! CLI: turning PATH arguments into inputs — files, folders walked for messages, stdin.

use std::fs;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// One input to audit.
pub enum Input {
    /// A file.
    File(PathBuf),
    /// Standard input.
    Stdin,
}

impl Input {
    /// The name reports use.
    pub fn name(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "-".into(),
        }
    }

    /// Opens the input for buffered reading (a file must be a regular one: [`open_regular`]).
    pub fn open(&self) -> io::Result<Box<dyn BufRead>> {
        Ok(match self {
            Input::File(p) => Box::new(BufReader::with_capacity(1 << 16, open_regular(p)?.0)),
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
            Input::File(p) => {
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

/// Extensions taken when walking a folder.
const MESSAGE_EXTENSIONS: &[&str] = &["eml", "emlx", "mbox", "mbx"];

/// Expands the arguments: `-` is stdin, a folder gives every message file below it (sorted),
/// anything else is taken as a file. Folders that cannot be read are reported in `errors`.
pub fn expand(paths: &[PathBuf], errors: &mut Vec<(String, String)>) -> Vec<Input> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Input::Stdin);
        } else if p.is_dir() {
            walk(p, &mut out, errors);
        } else {
            out.push(Input::File(p.clone()));
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<Input>, errors: &mut Vec<(String, String)>) {
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
        } else if has_message_extension(&path) {
            out.push(Input::File(path));
        }
    }
}

fn has_message_extension(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| MESSAGE_EXTENSIONS.iter().any(|m| m.eq_ignore_ascii_case(e)))
}
