//! Debugging aid for the mime_readers fuzz target (not shipped): reads every message under the
//! given files and folders with both MIME readers, counts how many the fast reader took, and
//! prints the first difference of each file where they differ.
//!
//!     cargo run --release --example mime_readers PATH...
use linkaudit::{input, message, Limits};

fn files(path: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    match std::fs::read_dir(path) {
        Ok(dir) => {
            for entry in dir.flatten() {
                files(&entry.path(), out);
            }
        }
        Err(_) => out.push(path.to_path_buf()),
    }
}

fn main() {
    let mut paths = Vec::new();
    for arg in std::env::args().skip(1) {
        files(std::path::Path::new(&arg), &mut paths);
    }
    let limits = Limits::default();
    let (mut fast, mut slow, mut differ) = (0, 0, 0);
    for path in &paths {
        let Ok(data) = std::fs::read(path) else { continue };
        let Ok(messages) = input::split(&data) else { continue };
        for m in &messages {
            let (reference, by_fast) = message::parse_both_ways(&m.bytes, &limits);
            let Some(by_fast) = by_fast else {
                slow += 1;
                continue;
            };
            fast += 1;
            let (a, b) = (format!("{reference:#?}"), format!("{by_fast:#?}"));
            if a != b {
                differ += 1;
                let line = a.lines().zip(b.lines()).find(|(x, y)| x != y);
                println!("{}: {line:?}", path.display());
            }
        }
    }
    println!("fast {fast}, left to mail-parser {slow}, differ {differ}");
}
