//! Debugging aid for the html_readers fuzz target (not shipped): the links of an HTML file read
//! by both readers, and where they differ.
//!
//!     cargo run --example readers FILE
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let data = std::fs::read(path).unwrap();
    let html = String::from_utf8_lossy(&data);
    let [fast, lol] = linkaudit::extract::html_both_ways(&html);
    println!("fast {:?}\nlol  {:?}", fast.1, lol.1);
    for (a, b) in fast.0.iter().zip(lol.0.iter()) {
        if a != b {
            println!("FAST {a:?}\nLOL  {b:?}");
        }
    }
    println!("{} vs {}", fast.0.len(), lol.0.len());
}
