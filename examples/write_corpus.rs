//! Writes the bench corpus (see `benches/corpus.rs`) to a folder, one `.eml` per message, for
//! the peer comparison in `scripts/compare-peers`.
//!
//!     cargo run --release --example write_corpus -- DIR [COUNT]
#[path = "../benches/corpus.rs"]
mod corpus;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().unwrap_or_else(|| "bench-corpus".into()));
    let count = args.next().and_then(|n| n.parse().ok()).unwrap_or(100);
    std::fs::create_dir_all(&dir)?;
    for (i, msg) in corpus::messages(count).iter().enumerate() {
        std::fs::write(dir.join(format!("{i:04}.eml")), msg)?;
    }
    Ok(())
}
