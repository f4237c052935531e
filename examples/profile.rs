//! Profiling helper (not shipped): audits the bench corpus in a loop.
#[path = "../benches/corpus.rs"]
mod corpus;
fn main() {
    let msgs = corpus::messages(24);
    let opts = linkaudit::Options::expecting(["track.example.com"]);
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(20);
    let t = std::time::Instant::now();
    for _ in 0..n {
        for m in &msgs {
            std::hint::black_box(linkaudit::audit(m, &opts));
        }
    }
    let bytes: usize = msgs.iter().map(|m| m.len()).sum::<usize>() * n;
    eprintln!("{:.1} MB/s", bytes as f64 / 1e6 / t.elapsed().as_secs_f64());
}
